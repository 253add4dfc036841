"""Tests for plansite.importer and scripts/import_plan.py against the published draft."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from plansite.importer import ImportProblem, chinese_number, dump_plan, parse_plan, to_yaml
from tests.ourplan import COPY, OUR_DATA, SOURCE

REPO = Path(__file__).resolve().parent.parent
DATA = OUR_DATA  # data/ while it is our plan (tests/ourplan.py)

SOURCE_TEXT = SOURCE.read_text(encoding="utf-8")
SOURCE_LINES = SOURCE_TEXT.splitlines()
PLAN = parse_plan(SOURCE_TEXT)

MINIMAL = """\
为征求意见,特发布本稿。
联 系 人:张冰
联系电话(传真):3635352
电子邮箱:a@b.cn
某某办公室
2022年9月14日
某区实施方案
(2020—2025年)
(征求意见稿)
为此,制定本方案。
一、总体要求
(一)指导思想。坚持依法治区。
二、具体措施
(一)维护宪法权威
1.深入推进宪法学习。
牵头单位:区委宣传部、区司法局
参加单位:区直各部门
"""


def all_measures(plan: dict) -> list[dict]:
    return [m for p in plan["parts"] for s in p.get("sections", []) for m in s["measures"]]


def all_sections(plan: dict) -> list[dict]:
    return [s for p in plan["parts"] for s in p.get("sections", [])]


def measure(number: int) -> dict:
    return next(m for m in all_measures(PLAN) if m["number"] == number)


def load_data_dir(directory: Path) -> dict:
    """plan.yaml plus parts/*.yaml (ordered by id), shaped like parse_plan's result."""
    plan = yaml.safe_load((directory / "plan.yaml").read_text(encoding="utf-8"))
    parts = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in (directory / "parts").glob("*.yaml")]
    return {**plan, "parts": sorted(parts, key=lambda part: part["id"])}


# ---------------------------------------------------------------- counts and structure


def test_counts():
    assert len(PLAN["parts"]) == 7
    assert len(all_sections(PLAN)) == 24
    assert len(all_measures(PLAN)) == 68


def test_ids_and_numbers():
    assert [p["id"] for p in PLAN["parts"]] == [1, 2, 3, 4, 5, 6, 7]
    assert [p["number"] for p in PLAN["parts"]] == ["一", "二", "三", "四", "五", "六", "七"]
    assert [s["id"] for s in all_sections(PLAN)] == list(range(1, 25))
    assert [s["number"] for s in all_sections(PLAN)][-5:] == ["二十", "二十一", "二十二", "二十三", "二十四"]
    assert [m["id"] for m in all_measures(PLAN)] == list(range(1, 69))
    assert [m["number"] for m in all_measures(PLAN)] == list(range(1, 69))


def test_part_titles():
    assert [p["title"] for p in PLAN["parts"]] == [
        "总体要求",
        "推动全社会增强法治观念",
        "健全社会领域制度规范",
        "加强权利保护",
        "推进社会治理法治化",
        "依法治理网络空间",
        "加强组织保障",
    ]


def test_section_titles_and_measure_counts():
    sections = all_sections(PLAN)
    assert sections[0]["title"] == "维护宪法权威"
    assert sections[15]["title"] == "推进“平安西安”建设"
    assert sections[23]["title"] == "加强理论研究和舆论引导"
    assert [len(s["measures"]) for s in sections] == [
        5, 6, 4, 2, 1, 2, 2, 1, 2, 7, 1, 2, 1, 4, 3, 5, 3, 2, 4, 6, 1, 1, 2, 1,
    ]


def test_part_one_has_three_paragraphs_and_no_sections():
    part = PLAN["parts"][0]
    assert "sections" not in part
    assert [(p["number"], p["title"]) for p in part["paragraphs"]] == [
        ("一", "指导思想"),
        ("二", "主要原则"),
        ("三", "总体目标"),
    ]
    assert part["paragraphs"][0]["text"].startswith("坚持以习近平新时代中国特色社会主义思想为指导,深入学习")
    assert part["paragraphs"][0]["text"].endswith("为实现西安全面振兴、全方位振兴提供法治保障。")
    assert part["paragraphs"][1]["text"] == (
        "坚持党的集中统一领导;坚持以中国特色社会主义法治理论为指导;坚持以人民为中心;"
        "坚持尊重和维护宪法法律权威;坚持法律面前人人平等;坚持权利与义务相统一;"
        "坚持法治、德治、自治相结合;坚持社会治理共建共治共享。"
    )
    assert part["paragraphs"][2]["text"].startswith("到2025年,“八五”普法规划实施完成")
    for paragraph in part["paragraphs"]:
        assert f"({paragraph['number']}){paragraph['title']}。{paragraph['text']}" in SOURCE_LINES


def test_other_parts_have_sections_only():
    for part in PLAN["parts"][1:]:
        assert "paragraphs" not in part
        assert part["sections"]


# ---------------------------------------------------------------- header


def test_title_page():
    assert PLAN["title"] == "西安区法治社会建设实施方案"
    assert PLAN["period"] == "2020—2025年"
    assert PLAN["status"] == "征求意见稿"
    assert PLAN["office"] == "中共西安区委全面依法治区委员会办公室"
    assert PLAN["date"] == "2022-09-14"


def test_consultation_fields():
    consultation = PLAN["consultation"]
    assert list(consultation) == ["notice", "contact", "phone", "fax", "email"]
    assert consultation["notice"] == SOURCE_LINES[0]
    assert consultation["notice"].startswith("为深入贯彻落实中共中央《法治社会建设实施纲要(2020-2025年)》,")
    assert consultation["contact"] == "张冰"
    assert consultation["phone"] == "3635352"
    assert consultation["fax"] == "3635352"
    assert consultation["email"] == "xayfzqb@163.com"


def test_preamble():
    assert PLAN["preamble"] == SOURCE_LINES[9]
    assert PLAN["preamble"].startswith("为加快建设更好水平的法治西安,深入推进法治社会建设,")
    assert PLAN["preamble"].endswith("结合我区实际,制定本实施方案。")


def test_plan_keys_in_documented_order():
    assert list(PLAN) == ["title", "period", "status", "office", "date", "consultation", "preamble", "related", "parts"]


def test_related_documents_are_the_ones_the_preamble_names():
    assert PLAN["related"] == [
        {"title": "中共中央关于印发<法治社会建设实施纲要(2020—2025年)>的通知", "issuer": "中共中央"},
        {"title": "中共吉林省委关于印发<吉林省法治社会建设实施方案(2020—2025年)>的通知", "issuer": "中共吉林省委"},
        {"title": "中共辽源市委关于印发<辽源市法治社会建设实施方案(2020—2025年)>的通知", "issuer": "中共辽源市委"},
    ]
    assert all(f"《{doc['title']}》" in PLAN["preamble"] for doc in PLAN["related"])


# ---------------------------------------------------------------- measures


def source_measure_texts() -> dict[int, str]:
    """Measure texts straight from the source lines, independently of the importer."""
    texts = {}
    for line in SOURCE_LINES:
        match = re.match(r"^(\d+)\.\s*(.*)$", line)
        if match:
            texts[int(match.group(1))] = match.group(2)
    return texts


def source_roles() -> dict[int, dict[str, list[str]]]:
    """Role lines straight from the source, attached to the measure line above them."""
    roles: dict[int, dict[str, list[str]]] = {}
    current = 0
    keys = {"牵头单位": "lead", "牵头部门": "lead", "参加单位": "participating", "责任单位": "responsible"}
    for line in SOURCE_LINES:
        if match := re.match(r"^(\d+)\.", line):
            current = int(match.group(1))
            roles[current] = {}
        elif match := re.match(r"^(牵头单位|牵头部门|参加单位|责任单位):(.*)$", line):
            roles[current][keys[match.group(1)]] = match.group(2).split("、")
    return roles


def test_all_measure_texts_match_source_exactly():
    expected = source_measure_texts()
    assert sorted(expected) == list(range(1, 69))
    for m in all_measures(PLAN):
        assert m["text"] == expected[m["number"]], m["number"]


def test_all_measure_roles_match_source():
    expected = source_roles()
    for m in all_measures(PLAN):
        got = {role: m[role] for role in ("lead", "participating", "responsible") if role in m}
        assert got == expected[m["number"]], m["number"]


def test_measure_1():
    assert measure(1) == {
        "id": 1,
        "number": 1,
        "text": measure(1)["text"],
        "lead": ["区委宣传部", "区司法局"],
        "participating": ["区直各部门"],
    }
    assert measure(1)["text"].startswith("深入推进宪法学习宣传教育。推动宪法精神进企业、")
    assert measure(1)["text"].endswith("把宪法宣传作为各部门各行业的共同任务。")


def test_literal_unit_lists():
    assert measure(3)["responsible"] == ["区人大", "区委组织部"]
    assert measure(15)["responsible"] == ["区委宣传部"]
    assert measure(15)["participating"] == ["区直各部门"]
    assert measure(24)["participating"] == ["全区各执法部门"]
    assert measure(26)["lead"] == ["区为政法委"]
    assert measure(26)["participating"] == [
        "区法院", "区检察院", "泰安公安分局", "仙城公安分局", "东山公安分局",
    ]
    assert measure(27)["lead"] == ["区政法委", "区法院"]
    assert measure(45)["participating"][-1] == "区农业农村局(区林业局)"
    assert measure(49)["participating"][-1] == "区司法局等区直相关部门"
    assert measure(59)["responsible"][-1] == "区市场监管局"
    assert measure(63)["participating"] == ["区委政法委", "区委网信办"]


def test_measure_46_keeps_its_lead_label():
    m = measure(46)
    assert m["lead_label"] == "牵头部门"
    assert m["lead"] == ["区应急局", "泰安公安分局", "仙城公安分局", "东山公安分局", "区卫健局"]
    assert m["participating"] == ["区直相关部门"]
    assert list(m) == ["id", "number", "text", "lead_label", "lead", "participating"]
    assert [n["number"] for n in all_measures(PLAN) if "lead_label" in n] == [46]


def test_measures_64_to_68_have_no_units():
    for number in range(64, 69):
        assert list(measure(number)) == ["id", "number", "text"]


def test_measure_7_keeps_angle_brackets():
    assert "《关于深入学习宣传和贯彻实施<中华人民共和国民法典>的实施方案》" in measure(7)["text"]


def test_half_width_punctuation_kept():
    assert "," in measure(6)["text"] and "，" not in measure(6)["text"]
    assert "党委(党组)" in measure(2)["text"]
    assert "“12.4”国家宪法日" in measure(1)["text"]


def test_whitespace_after_number_dropped():
    assert any(line.startswith("19. 把法治") for line in SOURCE_LINES)
    assert measure(19)["text"].startswith("把法治建设和道德建设有机结合起来")


# ---------------------------------------------------------------- variants and problems


def test_minimal_document():
    plan = parse_plan(MINIMAL)
    assert plan["consultation"]["contact"] == "张冰"
    assert plan["parts"][0]["paragraphs"] == [{"number": "一", "title": "指导思想", "text": "坚持依法治区。"}]
    assert plan["parts"][1]["sections"] == [
        {
            "id": 1,
            "number": "一",
            "title": "维护宪法权威",
            "measures": [
                {
                    "id": 1,
                    "number": 1,
                    "text": "深入推进宪法学习。",
                    "lead": ["区委宣传部", "区司法局"],
                    "participating": ["区直各部门"],
                }
            ],
        }
    ]


def test_full_width_variants_parse_the_same():
    variant = (
        MINIMAL.replace("(一)维护", "（一）维护")
        .replace("(一)指导", "（一）指导")
        .replace("1.深入", "1．深入")
        .replace("牵头单位:", "牵头单位：")
        .replace("参加单位:", "参加单位：")
        .replace("(2020—2025年)", "（2020—2025年）")
        .replace("(征求意见稿)", "（征求意见稿）")
        .replace("联 系 人:", "联 系 人：")
        .replace("联系电话(传真):", "联系电话（传真）：")
    )
    assert variant != MINIMAL
    assert parse_plan(variant) == parse_plan(MINIMAL)


def test_whitespace_after_measure_dot_and_blank_lines_are_ignored():
    variant = MINIMAL.replace("1.深入", "1．　深入").replace("二、具体措施\n", "\n二、具体措施\n\n")
    assert parse_plan(variant) == parse_plan(MINIMAL)


def test_unplaceable_line_raises_with_line_number():
    lines = [*SOURCE_LINES[:49], "这一行放不进任何位置", *SOURCE_LINES[49:]]
    with pytest.raises(ImportProblem) as info:
        parse_plan("\n".join(lines))
    assert info.value.line == 50
    assert "cannot place" in info.value.message


def test_role_line_before_any_measure_raises():
    text = MINIMAL.replace("(一)维护宪法权威\n", "(一)维护宪法权威\n责任单位:区司法局\n")
    with pytest.raises(ImportProblem) as info:
        parse_plan(text)
    assert info.value.line == 15


def test_measure_out_of_sequence_raises():
    with pytest.raises(ImportProblem) as info:
        parse_plan(MINIMAL.replace("1.深入", "2.深入"))
    assert info.value.line == 15


def test_repeated_role_raises():
    with pytest.raises(ImportProblem) as info:
        parse_plan(MINIMAL + "参加单位:区委组织部\n")
    assert info.value.line == 18


def test_missing_email_raises():
    with pytest.raises(ImportProblem) as info:
        parse_plan(MINIMAL.replace("电子邮箱:a@b.cn\n", ""))
    assert "email" in info.value.message


def test_chinese_numbers():
    assert [chinese_number(n) for n in ("一", "十", "十四", "二十", "二十四")] == [1, 10, 14, 20, 24]
    with pytest.raises(ValueError):
        chinese_number("两")


# ---------------------------------------------------------------- writing YAML


def test_dump_round_trips(tmp_path):
    written = dump_plan(PLAN, tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in written] == ["plan.yaml"] + [
        f"parts/{n}.yaml" for n in range(1, 8)
    ]
    assert load_data_dir(tmp_path) == PLAN


def test_dump_format(tmp_path):
    dump_plan(PLAN, tmp_path)
    plan_text = (tmp_path / "plan.yaml").read_text(encoding="utf-8")
    assert plan_text.startswith(
        "# yaml-language-server: $schema=../plansite/schema/plan.schema.json\ntitle: 西安区法治社会建设实施方案\n"
    )
    assert "date: '2022-09-14'\n" in plan_text
    assert "  phone: '3635352'\n" in plan_text
    part = (tmp_path / "parts" / "1.yaml").read_text(encoding="utf-8")
    schema_line = "# yaml-language-server: $schema=../../plansite/schema/part.schema.json\n"
    assert part.startswith(schema_line + "id: 1\nnumber: 一\n")
    assert "paragraphs:\n  - number: 一\n    title: 指导思想\n" in part
    part5 = (tmp_path / "parts" / "5.yaml").read_text(encoding="utf-8")
    assert "        lead_label: 牵头部门\n        lead: [区应急局, 泰安公安分局" in part5


AMBIGUOUS = ["no", "yes", "on", "off", "null", "~", "3635352", "1.5", "2022-09-14", "0x1f", "", " x"]


@pytest.mark.parametrize("value", AMBIGUOUS)
def test_ambiguous_strings_are_quoted(value):
    text = to_yaml({"value": value, "list": [value, "区司法局"]})
    assert yaml.safe_load(text) == {"value": value, "list": [value, "区司法局"]}
    assert "value: '" in text or 'value: "' in text


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_any_string_round_trips(value):
    data = {"text": value, "lead": [value or "x"]}
    assert yaml.safe_load(to_yaml(data, "# comment")) == data


# ---------------------------------------------------------------- the committed data


@pytest.mark.parametrize("data_dir", sorted({DATA, COPY}), ids=lambda p: p.relative_to(REPO).as_posix())
def test_committed_data_matches_fresh_import(tmp_path, data_dir):
    """data/plan.yaml and data/parts/*.yaml are exactly what the importer writes from the source,
    apart from the measures' `topics:` lines, which are editorial and added by hand.

    This catches drift between the importer and the data. Delete this test once the data
    is edited by hand (from then on the data, not the source text, is the truth).
    """
    dump_plan(PLAN, tmp_path)
    committed = sorted(p.name for p in (data_dir / "parts").glob("*.yaml"))
    assert committed == sorted(p.name for p in (tmp_path / "parts").glob("*.yaml"))
    fresh_plan = (tmp_path / "plan.yaml").read_text(encoding="utf-8")
    assert (data_dir / "plan.yaml").read_text(encoding="utf-8") == fresh_plan
    for name in committed:
        fresh = (tmp_path / "parts" / name).read_text(encoding="utf-8")
        data = re.sub(r"(?m)^        topics: \[.*\]\n", "", (data_dir / "parts" / name).read_text(encoding="utf-8"))
        assert data == fresh, name
    committed_plan = load_data_dir(data_dir)
    for measure in all_measures(committed_plan):
        measure.pop("topics", None)
    assert committed_plan == PLAN


# ---------------------------------------------------------------- the unit registry


def registry_spellings() -> tuple[set[str], set[str]]:
    """(unit names, every spelling that resolves) from data/units.yaml."""
    registry = yaml.safe_load((DATA / "units.yaml").read_text(encoding="utf-8"))
    names = {unit["name"] for unit in registry["units"]}
    aliases = {alias["spelling"] for unit in registry["units"] for alias in unit.get("aliases", [])}
    combined = {entry["spelling"] for entry in registry.get("combined", [])}
    for entry in registry.get("combined", []):
        assert set(entry["units"]) <= names, entry["spelling"]
    return names, names | aliases | combined


def test_every_spelling_in_the_data_resolves():
    _, known = registry_spellings()
    data = load_data_dir(DATA)
    roles = ("lead", "participating", "responsible")
    used = {s for m in all_measures(data) for role in roles for s in m.get(role, [])}
    assert len(used) == 46
    assert sorted(used - known) == []


def test_registry_is_consistent():
    registry = yaml.safe_load((DATA / "units.yaml").read_text(encoding="utf-8"))
    units = registry["units"]
    assert len(units) == 41
    slugs = [u["slug"] for u in units]
    assert len(set(slugs)) == len(slugs)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s) for s in slugs)
    spellings = [u["name"] for u in units] + [a["spelling"] for u in units for a in u.get("aliases", [])]
    spellings += [c["spelling"] for c in registry.get("combined", [])]
    assert len(set(spellings)) == len(spellings)
    assert all(a.get("note") for u in units for a in u.get("aliases", []))
    collectives = {u["name"] for u in units if u["kind"] == "collective"}
    assert collectives == {"区直各部门", "区直相关部门", "全区各执法部门"}
    by_name = {u["name"]: u for u in units}
    assert by_name["区司法局"]["slug"] == "sifaju"
    assert by_name["区委宣传部"]["slug"] == "quwei-xuanchuanbu"
    assert by_name["区委政法委"]["slug"] == "quwei-zhengfawei"
    assert by_name["团区委"]["slug"] == "tuanquwei"
    assert by_name["泰安公安分局"]["slug"] == "taian-gongan-fenju"
    assert {a["spelling"] for a in by_name["区委政法委"]["aliases"]} == {"区政法委", "区为政法委"}
    nongye = {a["spelling"] for a in by_name["区农业农村局"]["aliases"]}
    assert nongye == {"区农业农村局(区林业局)", "区林业局"}
    assert [a["spelling"] for a in by_name["市场监管局西安分局"]["aliases"]] == ["区市场监管局"]


# ---------------------------------------------------------------- the command line


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "scripts" / "import_plan.py"), *args],
        capture_output=True, text=True, encoding="utf-8", check=False,
    )


def test_cli_writes_files_and_reports_unknown_spellings(tmp_path):
    (tmp_path / "units.yaml").write_text(
        "units:\n  - slug: sifaju\n    name: 区司法局\n    kind: department\n", encoding="utf-8"
    )
    result = run_cli(str(SOURCE), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "plan.yaml").exists() and (tmp_path / "parts" / "7.yaml").exists()
    assert "7 parts, 24 sections, 68 measures" in result.stdout
    assert "区为政法委" in result.stdout
    assert "  区司法局  " not in result.stdout
    assert load_data_dir(tmp_path) == PLAN


def test_cli_reports_import_problem_without_traceback(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text(MINIMAL + "杂项\n", encoding="utf-8")
    result = run_cli(str(bad), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.startswith(f"{bad}:18: cannot place this line")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_cli_refuses_to_overwrite_hand_edited_data(tmp_path):
    assert run_cli(str(SOURCE), "--out", str(tmp_path)).returncode == 0
    part = tmp_path / "parts" / "2.yaml"
    part.write_text(part.read_text(encoding="utf-8") + "# 手工修改\n", encoding="utf-8")
    before = part.read_bytes()
    result = run_cli(str(SOURCE), "--out", str(tmp_path))
    assert result.returncode == 2
    assert "plan.yaml exists: refusing to overwrite hand-edited data (use --force" in result.stderr
    assert part.read_bytes() == before
    assert run_cli(str(SOURCE), "--out", str(tmp_path), "--force").returncode == 0
    assert part.read_bytes() != before
