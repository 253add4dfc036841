"""A second version: imported with `import_plan.py --version`, built, every page checked, bad input refused.

The fixture (tests/fixtures/versions/) is a small draft and its final version with each kind of
change: measure 2 reworded, 4 merged into 3, 6 deleted, a new measure (id 11), 7–10 renumbered,
units moved (5) and added (3), the header a 印发通知 with 文号 and a changed preamble.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import itertools
import json
import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from plansite.diff import compare_measure, diff_html, similarity, text_diff, unit_changes
from plansite.importer import ImportProblem
from plansite.model import Location, Measure, Unit, UnitRef
from plansite.versionimport import parse_version, read_issuance
from tests.plantools import read_html, run_cli, snapshot
from tests.projectcopy import browse, copy_project, mkdocs_build

import_plan = importlib.import_module("import_plan")  # scripts/, on sys.path by tests.plantools

FIXTURE = Path(__file__).parent / "fixtures" / "versions"
FINAL = "2023-03-15"
DRAFT = "2023-01-02"


def run_import(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = import_plan.main(list(args))
    return code, out.getvalue(), err.getvalue()


def make_draft_project(root: Path) -> Path:
    """The repository's tool with the fixture draft imported as data/, its URLs recorded in the ledger."""
    project = copy_project(root)
    data = project / "data"
    shutil.rmtree(data)
    code, _, err = run_import(str(FIXTURE / "draft.txt"), "--out", str(data))
    assert code == 0, err
    shutil.copy(FIXTURE / "units.yaml", data / "units.yaml")
    assert run_cli("--data", str(data), "--docs", str(project / "docs"), "--record-urls")[0] == 0
    return project


@pytest.fixture(scope="module")
def draft_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The draft alone; tests that use it must leave it unchanged."""
    return make_draft_project(tmp_path_factory.mktemp("draft") / "project")


@pytest.fixture(scope="module")
def versioned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    project = make_draft_project(tmp_path_factory.mktemp("versions") / "project")
    data = project / "data"
    code, out, err = run_import("--version", FINAL, str(FIXTURE / "final.txt"), "--out", str(data))
    assert code == 0, err
    folder = data / "versions" / FINAL
    shutil.copy(FIXTURE / "comments.yaml", folder / "comments.yaml")
    header = folder / "version.yaml"  # a hand edit with hostile text: shown as text, never run
    header.write_text(header.read_text(encoding="utf-8").replace(
        "认真贯彻落实。", "认真贯彻落实。<i>斜体</i> *星号* [链接](x)"), encoding="utf-8")
    built = mkdocs_build(project)
    assert built.returncode == 0, built.stderr
    return {"project": project, "data": data, "site": project / "site", "review": out}


def html(versioned: dict[str, Any], url: str) -> str:
    return (versioned["site"] / url.strip("/") / "index.html").read_text(encoding="utf-8")


def text_of(versioned: dict[str, Any], url: str, wanted: str) -> list[str]:
    return read_html(versioned["site"] / url.strip("/") / "index.html", wanted).texts


# --- diff ------------------------------------------------------------------------------


def test_a_long_chinese_text_differs_only_where_it_changed() -> None:
    # Without autojunk=False, characters frequent in a text over 200 characters count as junk,
    # and difflib reports long false deletions here.
    old = "推动宪法精神进企业、进农村、进机关、进校园、进社区、进军营、进网络，形成尊崇宪法的社会氛围。" * 6
    new = old.replace("进军营", "进家庭", 1)
    segments = text_diff(old, new)
    assert [(s.kind, s.text) for s in segments if s.kind != "equal"] == [("delete", "军营"), ("insert", "家庭")]
    assert "".join(s.text for s in segments if s.kind != "insert") == old
    assert "".join(s.text for s in segments if s.kind != "delete") == new


def test_a_reworded_sentence_is_not_a_whole_paragraph_replace() -> None:
    old = "加强青少年法治教育，每学期至少开展一次法治讲座。"
    new = "加强青少年法治教育，每学期至少开展两次法治讲座，配齐法治副校长。"
    kinds = [(s.kind, s.text) for s in text_diff(old, new)]
    assert kinds == [("equal", "加强青少年法治教育，每学期至少开展"), ("delete", "一"), ("insert", "两"),
                     ("equal", "次法治讲座"), ("insert", "，配齐法治副校长"), ("equal", "。")]
    assert similarity(old, new) > 0.8


def _measure(number: int, text: str, **roles: list[str]) -> Measure:
    refs = {role: tuple(UnitRef(name, (Unit(name, name, "department", (), Location("u")),)) for name in names)
            for role, names in roles.items()}
    return Measure("7", number, text, refs, {"lead": "牵头单位", "participating": "参加单位",
                                              "responsible": "责任单位"}, (), Location("x"))


def test_units_are_added_removed_and_moved_between_roles_not_diffed_as_text() -> None:
    old = _measure(7, "文本", lead=["区司法局"], participating=["区法院", "区信访局"])
    new = _measure(7, "文本", lead=["区司法局", "区法院"], participating=["区民政局"])
    assert [u.describe() for u in unit_changes(old, new)] == [
        "区法院：由参加单位改为牵头单位", "新增参加单位：区民政局", "删去参加单位：区信访局"]
    change = compare_measure(old, new)
    assert change.kind == "modified" and not change.text_changed


def test_a_relabelled_role_or_another_spelling_of_a_unit_is_no_unit_change() -> None:
    old = _measure(7, "文本", lead=["区司法局"])
    new = Measure("7", 7, "文本", old.roles, {**old.role_labels, "lead": "牵头部门"}, (), Location("x"))
    assert unit_changes(old, new) == ()


def test_a_pure_renumbering_is_not_a_text_change() -> None:
    change = compare_measure(_measure(8, "同一条文", lead=["区司法局"]), _measure(7, "同一条文", lead=["区司法局"]))
    assert change.kind == "renumbered" and change.renumbered and not change.text_changed


# --- the 印发通知 header ----------------------------------------------------------------


def test_the_issuing_notice_is_read_before_the_plan() -> None:
    issuance = read_issuance((FIXTURE / "final.txt").read_text(encoding="utf-8"))
    assert issuance is not None
    assert (issuance.doc_number, issuance.issuer, issuance.date, issuance.addressees, issuance.last_line) == (
        "示法办发〔2023〕5号", "示例区某某办公室", "2023-03-15", "各街道，区直各部门：", 8)
    assert issuance.notice_title == "关于印发《示例区某某建设实施方案（2021—2023年）》的通知"
    assert issuance.notice == "现将《示例区某某建设实施方案（2021—2023年）》印发给你们，请结合实际认真贯彻落实。"
    assert read_issuance((FIXTURE / "draft.txt").read_text(encoding="utf-8")) is None


def test_a_notice_followed_directly_by_the_preamble_names_the_plan_in_its_title() -> None:
    """As many 印发通知 are printed: two issuers on the masthead, the title broken over two lines,
    and the plan's preamble right after the date, without a title page of its own."""
    lines = (FIXTURE / "final.txt").read_text(encoding="utf-8").splitlines()
    text = "\n".join(["示例区某某委员会办公室", "示例区人民政府办公室", lines[1],
                      "关于印发《示例区某某建设实施方案", "（2021—2023年）》的通知", *lines[3:8], *lines[10:]])
    parsed = parse_version(text)
    assert (parsed["title"], parsed["period"], parsed["doc_number"], parsed["date"]) == (
        "示例区某某建设实施方案", "2021—2023年", "示法办发〔2023〕5号", "2023-03-15")
    assert parsed["notice_title"] == "关于印发《示例区某某建设实施方案（2021—2023年）》的通知"
    assert parsed["preamble"] == "为做好某某工作,根据有关规定并结合征求意见情况,制定本方案。"
    assert [m["number"] for p in parsed["parts"] for s in p.get("sections", []) for m in s["measures"]] == list(
        range(1, 10))


def test_a_bad_line_after_the_notice_is_reported_at_its_own_line(tmp_path: Path) -> None:
    project = make_draft_project(tmp_path / "p")
    lines = (FIXTURE / "final.txt").read_text(encoding="utf-8").splitlines()
    lines[15] = "这一行不属于任何条文"  # line 16: a measure becomes the section's text, its unit line is orphaned
    bad = tmp_path / "final.txt"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = snapshot(project / "data")
    code, out, err = run_import("--version", FINAL, str(bad), "--out", str(project / "data"))
    assert code == 2 and out == ""
    assert err.startswith(f"{bad}:17: a unit line directly under a section heading")  # line 17 of the real file
    assert snapshot(project / "data") == before


def test_a_notice_without_its_date_is_refused() -> None:
    with pytest.raises(ImportProblem) as caught:
        read_issuance("关于印发《某方案》的通知\n各单位：\n现印发。\n某某办公室\n某方案\n一、总体要求\n")
    assert caught.value.line == 1 and "date line" in caught.value.message


# --- the import command ----------------------------------------------------------------


def test_the_import_prints_the_review_list(versioned: dict[str, Any]) -> None:
    lines = versioned["review"].splitlines()
    assert lines[0] == f"version {FINAL}: 正式稿, 2023-03-15, 示例区某某办公室, 示法办发〔2023〕5号; 9 measures"
    assert "  identical text: 5 (of which renumbered only: 3)" in lines
    assert "  matched but changed: 4" in lines
    assert any(line.startswith("    第2条 keeps id 2 (was 第2条): text 0.72 alike") for line in lines)
    assert any(line.startswith("    第5条 keeps id 5 (was 第5条): units: lead 区司法局 → 区司法局、区法院; "
                               "participating 区法院、区信访局 → 区信访局") for line in lines)
    assert any(line.startswith("    第7条 keeps id 8 (was 第8条): text 0.95 alike") for line in lines)
    assert any(line.startswith("    第4条 gets new id 11 ") for line in lines)
    assert "  not found in the new version (deleted or merged?): 2" in lines
    assert any(line.startswith("    id 4 (第4条): written as merged into 第3条 (id 3; 1.00 of its text")
               for line in lines)
    assert any(line.startswith("    id 6 (第6条): written as deleted") for line in lines)
    assert "  to confirm: matches below similarity 0.85: 2" in lines
    assert "    第3条 → id 3 (was 第3条), 0.76" in lines


def test_the_mapping_keeps_ids_and_never_reuses_one(versioned: dict[str, Any]) -> None:
    mapping = yaml.safe_load((versioned["data"] / "versions" / FINAL / "mapping.yaml").read_text(encoding="utf-8"))
    assert mapping["previous"] == DRAFT
    assert {m["number"]: (m["id"], m.get("new", False)) for m in mapping["measures"]} == {
        1: (1, False), 2: (2, False), 3: (3, False), 4: (11, True), 5: (5, False), 6: (7, False), 7: (8, False),
        8: (9, False), 9: (10, False)}
    assert mapping["gone"] == [{"id": 4, "merged_into": 3, "reason": "并入正式稿第3条"},
                               {"id": 6, "deleted": True, "reason": "正式稿未保留本条"}]


def test_a_version_is_never_overwritten(versioned: dict[str, Any]) -> None:
    data = versioned["data"]
    before = snapshot(data)
    for version_id in (FINAL, DRAFT):
        code, out, err = run_import("--version", version_id, str(FIXTURE / "final.txt"), "--out", str(data))
        assert code == 2 and out == ""
        assert err.startswith(f"error: version id '{version_id}' is used twice"), err
    assert snapshot(data) == before


@pytest.mark.parametrize("version_id", ["../evil", "index", "a/b", "", "终稿", ".hidden", "a b"])
def test_a_version_id_that_is_not_a_safe_url_segment_is_refused(draft_project: Path, version_id: str) -> None:
    project = draft_project
    before = snapshot(project / "data")
    code, out, err = run_import("--version", version_id, str(FIXTURE / "final.txt"), "--out", str(project / "data"))
    assert (code, out) == (2, "")
    assert err == (f"error: version id '{version_id}' is not allowed: letters, digits, - and _ "
                   "(it is the URL /versions/<id>/), not 'index'\n")
    assert snapshot(project / "data") == before


def test_matching_never_goes_by_number_alone(tmp_path: Path) -> None:
    """A text that is another one entirely, under the same number, is a new measure, and the old one is gone."""
    project = make_draft_project(tmp_path / "p")
    text = (FIXTURE / "draft.txt").read_text(encoding="utf-8").replace(
        "6.推进社会信用体系建设,建立守信联合激励和失信联合惩戒机制。",
        "6.全面推行行政执法公示制度和执法全过程记录制度。")
    source = tmp_path / "second-draft.txt"
    source.write_text(text, encoding="utf-8")
    code, _, err = run_import("--version", "draft-2", str(source), "--out", str(project / "data"))
    assert code == 0, err
    mapping = yaml.safe_load((project / "data" / "versions" / "draft-2" / "mapping.yaml").read_text(encoding="utf-8"))
    assert {"number": 6, "id": 11, "new": True} in mapping["measures"]
    assert mapping["gone"] == [{"id": 6, "deleted": True, "reason": "征求意见稿未保留本条"}]
    header = (project / "data" / "versions" / "draft-2" / "version.yaml").read_text(encoding="utf-8")
    assert "stage: 征求意见稿" in header and "consultation:" in header


# --- the built site ----------------------------------------------------------------------


def test_the_measure_page_shows_the_current_text_and_number(versioned: dict[str, Any]) -> None:
    page = html(versioned, "/measures/8/")
    assert ">第7条 加强基层群众自治,完善村规民约和居民公约</h1>" in page
    assert "充分发挥其在基层社会治理中的积极作用" in page
    assert "本条在征求意见稿中为第8条" in page
    assert 'href="history/"' in page
    cite = text_of(versioned, "/measures/8/", "plan-cite__text")
    assert cite == ["《示例区某某建设实施方案（2021—2023年）》（示法办发〔2023〕5号），示例区某某办公室，"
                    "2023年3月15日，第7条。"]


def test_a_merged_measure_says_where_its_content_went(versioned: dict[str, Any]) -> None:
    page = html(versioned, "/measures/4/")
    assert "第4条（已并入第3条）" in page
    assert '<a href="../3/">第3条 建设法治文化阵地,每个街道建成一处法治文化广场</a>' in page
    assert "利用新媒体开展普法宣传,开设普法微信公众号。" in page
    into = text_of(versioned, "/measures/3/", "measure-history-link")
    assert into == ["本条的修改历史：本条在2个版本中的条文及修改之处；正式稿（示法办发〔2023〕5号）将原第4条并入本条"]


def test_the_renumbering_table_says_what_became_of_every_draft_number(versioned: dict[str, Any]) -> None:
    page = html(versioned, "/renumbering/")
    rows = [re.sub(r"<[^>]+>", "", row).split() for row in re.findall(r"<tr>(.*?)</tr>", page, re.S)[1:]]
    assert rows == [["第4条", "并入第3条"], ["第6条", "已删除（正式稿未保留本条）"],
                    ["第7条", "第6条", "加强网络空间治理,依法打击网络违法犯罪"],
                    ["第8条", "第7条", "加强基层群众自治,完善村规民约和居民公约"],
                    ["第9条", "第8条", "加强组织领导,建立工作推进机制"],
                    ["第10条", "第9条", "加强督促检查,将法治社会建设情况纳入年度绩效考核"]]


def test_a_deleted_measure_says_so_with_its_reason_and_text(versioned: dict[str, Any]) -> None:
    page = html(versioned, "/measures/6/")
    assert "第6条（已删除）" in page and "原因：正式稿未保留本条" in page
    assert "推进社会信用体系建设,建立守信联合激励和失信联合惩戒机制。" in page


def test_every_published_url_still_resolves(versioned: dict[str, Any]) -> None:
    ledger = (versioned["data"] / "published-urls.txt").read_text(encoding="utf-8").splitlines()
    urls = [line.split()[0] for line in ledger if line.startswith("/")]
    assert "/measures/6/" in urls and "/measures/4/" in urls
    missing = [u for u in urls if not (versioned["site"] / u.strip("/") / "index.html").is_file()]
    assert missing == []


def test_every_link_and_anchor_of_the_versioned_site_resolves(versioned: dict[str, Any]) -> None:
    site, broken = versioned["site"], []
    for page in site.rglob("*.html"):
        for href in read_html(page).links:
            url = urlparse(href)
            if url.scheme or url.netloc or not url.path:
                continue
            base = site if url.path.startswith("/") else page.parent  # 404.html links from the root
            target = (base / url.path.lstrip("/")).resolve()
            target = target / "index.html" if target.is_dir() else target
            if not target.is_file():
                broken.append(f"{page.relative_to(site)} -> {href}")
            elif url.fragment and url.fragment not in read_html(target).ids:
                broken.append(f"{page.relative_to(site)} -> {href} (no such anchor)")
    assert broken == []


def test_the_history_marks_the_differences(versioned: dict[str, Any]) -> None:
    page = html(versioned, "/measures/8/history/")
    assert "征求意见稿（2023年1月2日）：第8条" in page and "正式稿（示法办发〔2023〕5号）：第7条" in page
    assert ('完善村规民约和居民公约,<ins title="新增">充分</ins>发挥其在<ins title="新增">基层</ins>社会治理中' in page)
    assert "（并由第8条改为第7条）" in page
    renumbered = html(versioned, "/measures/7/history/")
    assert "条文未改动，仅编号变化：由第7条改为第6条。" in renumbered and 'class="version-diff"' not in renumbered


def test_the_history_of_a_measure_with_moved_units(versioned: dict[str, Any]) -> None:
    page = html(versioned, "/measures/5/history/")
    assert "<li>区法院：由参加单位改为牵头单位</li>" in page
    assert 'class="version-diff"' not in page  # the text did not change


def test_the_changes_page(versioned: dict[str, Any]) -> None:
    page = html(versioned, f"/versions/{FINAL}/changes/")
    summary = text_of(versioned, f"/versions/{FINAL}/changes/", "changes-summary")
    assert summary == ["与征求意见稿（2023年1月2日）相比，正式稿（示法办发〔2023〕5号）："
                       "修改 4 条、新增 1 条、删除 1 条、合并 1 条、仅编号变化 3 条，其余 1 条未改动。"]
    assert ('每学期至少开展<del title="删除">一</del><ins title="新增">两</ins>次法治讲座<ins title="新增">,'
            "配齐法治副校长(见附件1&amp;2,比例&lt;1:500&gt;)</ins>。") in page
    assert 'id="change-11"' in page and 'id="change-4"' in page and 'id="change-6"' in page
    assert "新增参加单位：区委宣传部" in page
    assert '<ins title="新增">根据有关规定并结合征求意见情况,</ins>' in page  # the preamble
    unchanged = page.split('<details class="changes-unchanged">')[1].split("</details>")[0]
    assert '<a href="../../../measures/1/">第1条 开展宪法宣传周活动,组织宪法宣誓仪式</a>' in unchanged


def test_the_versions_page_lists_every_version(versioned: dict[str, Any]) -> None:
    page = html(versioned, "/versions/")
    headings = re.findall(r'<h2 id="version-([^"]+)">(.*?)</h2>', page)
    assert headings == [(FINAL, "正式稿（示法办发〔2023〕5号）（现行）"), (DRAFT, "征求意见稿（2023年1月2日）")]
    facts = re.findall(r"<li>(阶段|日期|文号|发布单位)：(.*?)</li>", page)
    assert facts == [("阶段", "正式稿"), ("日期", "2023-03-15"), ("文号", "示法办发〔2023〕5号"),
                     ("发布单位", "示例区某某办公室"), ("阶段", "征求意见稿"), ("日期", "2023-01-02"), ("文号", "—"),
                     ("发布单位", "示例区某某办公室")]
    assert text_of(versioned, "/versions/", "version-summary") == [
        "与上一版本相比：修改 4 条、新增 1 条、删除 1 条、合并 1 条、仅编号变化 3 条；前言有修改", "首个版本。"]
    assert f'<a href="{FINAL}/changes/">' in page and f'<a href="{DRAFT}/">' in page


def test_each_version_as_it_stood(versioned: dict[str, Any]) -> None:
    draft = html(versioned, f"/versions/{DRAFT}/")
    assert "推进社会信用体系建设,建立守信联合激励和失信联合惩戒机制。" in draft
    assert "每学期至少开展一次法治讲座" in draft and "不是现行版本" in draft
    final = html(versioned, f"/versions/{FINAL}/")
    assert "推进社会信用体系建设" not in final and "每学期至少开展两次法治讲座" in final
    assert "各街道，区直各部门：" in final
    assert "&lt;i&gt;斜体&lt;/i&gt; *星号* [链接](x)" in final and "<i>斜体" not in final


def test_the_consultation_outcome(versioned: dict[str, Any]) -> None:
    counts = text_of(versioned, "/consultation/", "consultation-counts")
    assert counts[0].startswith("征求意见稿（2023年1月2日）于 2023-01-02 公开征求意见，"
                                "共收到意见 4 条：采纳 2 条，部分采纳 1 条，未采纳 1 条。")
    page = html(versioned, "/consultation/")
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)[1:]
    assert len(rows) == 4
    assert f'<a href="../versions/{FINAL}/changes/#change-11">第4条（新增）</a>' in rows[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; *强调* | 竖线" in rows[1] and "<script>alert" not in page
    assert "讲座次数已增加;法治副校长按现有比例配备 &amp; 不另设编制。" in rows[1]
    assert (f'<a href="../versions/{FINAL}/changes/#change-4">第4条（合并）</a>、'
            f'<a href="../versions/{FINAL}/changes/#change-3">第3条（修改）</a>') in rows[2]
    assert "（2023-01-15，座谈会&lt;b&gt;粗&lt;/b&gt; &amp;amp; [x](y)）" in rows[2] and "<b>粗" not in page
    assert '<td data-label="处理情况">未采纳</td>' in rows[3] and "考核是落实方案的必要保障。" in rows[3]
    assert "意见征求已经结束" in page


def test_no_draft_wording_once_the_final_is_current(versioned: dict[str, Any]) -> None:
    home = html(versioned, "/")
    assert "plan-announce" not in home  # the consultation banner
    description = re.search(r'<meta name="description" content="([^"]*)"', home)
    assert description and "征求意见稿" not in description.group(1)
    assert "（征求意见稿）" not in home.split("<article")[1].split("</h1>")[1].split("</p>")[0]
    assert "对本条提出意见" not in html(versioned, "/measures/2/")
    assert 'href="versions/"' in home
    assert '<p class="plan-issued">示例区某某办公室　示法办发〔2023〕5号　2023年3月15日 印发</p>' in home


def test_open_data_carries_every_version(versioned: dict[str, Any]) -> None:
    data = json.loads((versioned["site"] / "data" / "versions.json").read_text(encoding="utf-8"))
    assert data["current"] == FINAL and [v["id"] for v in data["versions"]] == [DRAFT, FINAL]
    final = data["versions"][1]
    assert final["doc_number"] == "示法办发〔2023〕5号" and len(final["measures"]) == 9
    kinds = {c["id"]: c["kind"] for c in final["changes"]}
    assert kinds == {"2": "modified", "3": "modified", "11": "added", "5": "modified", "7": "renumbered",
                     "8": "modified", "9": "renumbered", "10": "renumbered", "4": "merged", "6": "deleted"}
    assert [c["disposition"] for c in final["comments"]] == ["采纳", "部分采纳", "采纳", "未采纳"]
    assert "versions.json" in html(versioned, "/data/")
    plan = json.loads((versioned["site"] / "data" / "plan.json").read_text(encoding="utf-8"))
    schema = json.loads((versioned["site"] / "data" / "plan.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(plan, schema)  # the current version's data, as for one version
    measures = plan["parts"][1]["sections"][0]["measures"]
    assert (plan["status"], plan["date"], len(measures)) == ("正式稿", "2023-03-15", 4)


# --- bad input ---------------------------------------------------------------------------


@pytest.fixture
def final_data(versioned: dict[str, Any], tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(versioned["data"], data)
    return data


def _edit(path: Path, old: str, new: str) -> int:
    """Replace `old` (once) in a file; return the line it is on."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def _check(data: Path) -> list[str]:
    code, out, err = run_cli("--check", "--data", str(data))
    assert code == 1 and out == "", out
    assert err.endswith("nothing was written.\n")
    return err.splitlines()[:-1]


def test_a_mapping_to_a_missing_id(final_data: Path) -> None:
    mapping = final_data / "versions" / FINAL / "mapping.yaml"
    line = _edit(mapping, "{number: 2, id: 2,", "{number: 2, id: 99,")
    measures_line = _edit(mapping, "measures:\n", "measures:\n") + 0
    assert _check(final_data) == [
        f"data/versions/{FINAL}/mapping.yaml:{measures_line + 1}:3: measure 2 of version {DRAFT} is neither kept nor "
        "listed under gone: (map a measure to id 2, or add under gone: '- {id: 2, merged_into: <id>}' or "
        "'- {id: 2, deleted: true, reason: …}')",
        f"data/versions/{FINAL}/mapping.yaml:{line}:5: 第2条: id 99 is not a measure of version {DRAFT} "
        "(correct the id, or mark it as a new measure: new: true)",
    ]


def test_two_new_measures_mapped_to_one_old_id(final_data: Path) -> None:
    mapping = final_data / "versions" / FINAL / "mapping.yaml"
    first = _edit(mapping, "{number: 3, id: 3,", "{number: 3, id: 3,")
    line = _edit(mapping, "{number: 4, id: 11, new: true}", "{number: 4, id: 3}")
    assert _check(final_data) == [
        f"data/versions/{FINAL}/mapping.yaml:{line}:5: 第4条: two measures of this version are mapped to id 3 "
        f"(the other is at line {first}; one of them is new (new: true) or continues another measure)",
    ]


def test_a_new_id_that_was_used_before(final_data: Path) -> None:
    mapping = final_data / "versions" / FINAL / "mapping.yaml"
    line = _edit(mapping, "{number: 4, id: 11, new: true}", "{number: 4, id: 6, new: true}")
    problems = _check(final_data)
    assert problems[-1] == (f"data/versions/{FINAL}/mapping.yaml:{line}:5: 第4条: new id 6 was used before "
                            f"(version {DRAFT}); ids are never reused (the next unused id is 11)")


def test_a_version_id_used_twice(final_data: Path) -> None:
    shutil.copytree(final_data / "versions" / FINAL, final_data / "versions" / DRAFT)
    assert _check(final_data) == [
        f"data/versions/{DRAFT}: version id '{DRAFT}' is used twice: it is the first version's id (its date) "
        "(give this version another id: rename the folder)",
    ]


def test_comments_pointing_at_a_missing_measure_or_lacking_a_reason(final_data: Path) -> None:
    comments = final_data / "versions" / FINAL / "comments.yaml"
    missing = _edit(comments, "measures: [11]", "measures: [99]")
    _edit(comments, "    reason: 考核是落实方案的必要保障。\n", "")
    unchanged = _edit(comments, "measures: [4, 3]", "measures: [1]")
    last = comments.read_text(encoding="utf-8").count("\n") - 4
    assert _check(final_data) == [
        f"data/versions/{FINAL}/comments.yaml:{missing}:16: comment 1: no measure 99 "
        f"(name measures of {DRAFT} or {FINAL} by their id)",
        f"data/versions/{FINAL}/comments.yaml:{unchanged}:15: comment 3: 采纳, but none of its measures (1) changed "
        f"in version {FINAL} (list the measure it changed, or correct the disposition)",
        f"data/versions/{FINAL}/comments.yaml:{last}:5: comment 4: 未采纳 needs a reason "
        "(reason: why it was not (fully) adopted)",
    ]


def test_a_deleted_measure_needs_a_reason_and_merged_into_must_exist(final_data: Path) -> None:
    mapping = final_data / "versions" / FINAL / "mapping.yaml"
    merged = _edit(mapping, "merged_into: 3,", "merged_into: 4,")
    deleted = _edit(mapping, 'deleted: true, reason: "正式稿未保留本条"', "deleted: true")
    assert _check(final_data) == [
        f"data/versions/{FINAL}/mapping.yaml:{merged}:5: gone 4: merged_into 4 is not a measure of this version",
        f"data/versions/{FINAL}/mapping.yaml:{deleted}:5: gone 6: a deleted measure needs a reason "
        "(reason: 根据征求意见删除 …)",
    ]


# --- in the browser ----------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_history_and_changes_pages_in_the_browser(versioned: dict[str, Any], browser: Any, width: int,
                                                  tmp_path_factory: pytest.TempPathFactory, axe_source: str) -> None:
    from tests.axe import axe_violations

    shots = tmp_path_factory.mktemp("version-screenshots")
    with browse(versioned["site"], browser, viewport={"width": width, "height": 900}) as (base, page):
        for url in (f"versions/{FINAL}/changes/", "measures/8/history/", "consultation/", "measures/4/",
                    "versions/"):
            page.goto(base + url)
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{url} scrolls sideways at {width}px"
            page.screenshot(path=str(shots / f"{url.strip('/').replace('/', '_')}-{width}.png"), full_page=True)
            violations = axe_violations(page, axe_source)
            assert not violations, f"{url} at {width}px: WCAG 2.1 A/AA violations:\n" + "\n".join(violations[:40])
        page.goto(base + "consultation/")  # the table of comments: a table on a desk, one card a comment on a phone
        labels = page.locator("table.consultation-outcome td").first.evaluate(
            "e => [getComputedStyle(e).display, getComputedStyle(e, '::before').content]")
        assert labels == (["block", '"序号："'] if width < 600 else ["table-cell", "none"])
        page.goto(base + f"versions/{FINAL}/changes/")
        inserted = page.locator(".version-diff ins").first
        assert inserted.is_visible()
        style = inserted.evaluate("e => [getComputedStyle(e).textDecorationLine, getComputedStyle(e).backgroundColor]")
        assert style[0] == "underline" and style[1] != "rgba(0, 0, 0, 0)"
        assert page.locator(".version-diff del").first.evaluate("e => getComputedStyle(e).textDecorationLine") == \
            "line-through"
        link = page.get_by_role("link", name="第1条 开展宪法宣传周活动,组织宪法宣誓仪式")
        assert not link.is_visible()  # unchanged measures are collapsed
        page.locator("details.changes-unchanged summary").click()
        assert link.is_visible()
        link.click()
        page.wait_for_url(base + "measures/1/")
    print(f"screenshots: {shots}")


# --- one version, as before ------------------------------------------------------------


def test_data_without_versions_makes_no_version_pages(tmp_path: Path) -> None:
    from tests.plantools import make_data

    data, docs = make_data(tmp_path), tmp_path / "docs"
    assert run_cli("--data", str(data), "--docs", str(docs))[0] == 0
    assert not (docs / "versions").exists() and not list(docs.glob("measures/*/history.md"))
    assert "修改历史" not in (docs / "measures" / "1.md").read_text(encoding="utf-8")


def test_a_later_versions_parts_are_shaped_as_data_parts_without_measure_ids() -> None:
    schemas = Path(__file__).resolve().parent.parent / "plansite" / "schema"
    part = json.loads((schemas / "part.schema.json").read_text(encoding="utf-8"))
    version_part = json.loads((schemas / "version-part.schema.json").read_text(encoding="utf-8"))
    measure = part["properties"]["sections"]["items"]["properties"]["measures"]["items"]
    del measure["properties"]["id"]
    measure["required"].remove("id")
    for key in ("$id", "title"):
        del part[key], version_part[key]
    assert version_part == part


def test_the_generator_hands_the_hook_the_current_version(versioned: dict[str, Any], tmp_path: Path) -> None:
    from plansite.pipeline import Project, generate

    project = Project(versioned["project"], docs_dir=tmp_path / "docs")
    first, _ = generate(project)
    second, report = generate(project)  # docs/ is current: nothing rendered, the plan still loaded
    assert report.current and report.written == []
    assert first.number == second.number == "示法办发〔2023〕5号" and not second.is_draft


def test_the_readme_documents_the_command_and_shows_a_real_review_list(versioned: dict[str, Any]) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert ".venv/bin/python scripts/import_plan.py --version <version-id> path/to/final.txt" in readme
    shown = readme.split("The command then prints a review list:\n\n```\n", 1)[1].split("```", 1)[0].splitlines()
    actual = versioned["review"].splitlines()
    assert len(shown) > 10
    for line in shown:  # a line the README shortens with … must begin as the real one does
        head = line.split("…")[0] if line.endswith("…") or line.endswith("…”") else line
        assert any(real.startswith(head) for real in actual), line


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80), st.text(max_size=80))
def test_any_two_texts_are_rebuilt_from_their_difference(old: str, new: str) -> None:
    segments = text_diff(old, new)
    assert "".join(s.text for s in segments if s.kind != "insert") == old
    assert "".join(s.text for s in segments if s.kind != "delete") == new
    marked = str(diff_html(segments))
    assert "<script" not in marked.replace("&lt;script", "")
    assert all(a.kind != b.kind for a, b in itertools.pairwise(segments))


def test_a_measure_missing_from_the_mapping_is_reported_where_it_is(final_data: Path) -> None:
    mapping = final_data / "versions" / FINAL / "mapping.yaml"
    _edit(mapping, "  - {number: 4, id: 11, new: true}\n", "")
    part = final_data / "versions" / FINAL / "parts" / "2.yaml"
    line = _edit(part, "  - number: 4\n", "  - number: 4\n")
    assert _check(final_data) == [
        f"data/versions/{FINAL}/parts/2.yaml:{line}:5: 第4条 is not in data/versions/{FINAL}/mapping.yaml "
        "(add '- {number: 4, id: <id>}' there (new: true for a new measure))",
    ]


def test_a_previous_version_that_does_not_exist(final_data: Path) -> None:
    mapping = final_data / "versions" / FINAL / "mapping.yaml"
    line = _edit(mapping, f'previous: "{DRAFT}"', 'previous: "2023-01-03"')
    assert _check(final_data) == [
        f"data/versions/{FINAL}/mapping.yaml:{line}:11: previous version '2023-01-03' does not exist "
        f"(did you mean {DRAFT}?)",
    ]


def test_a_third_version_follows_the_second(final_data: Path, tmp_path: Path) -> None:
    """A 修订 after the final: ids run on (none reused), histories grow, every recorded URL still resolves."""
    docs = tmp_path / "docs"
    assert run_cli("--data", str(final_data), "--docs", str(docs), "--record-urls")[0] == 0
    text = (FIXTURE / "final.txt").read_text(encoding="utf-8")
    text = text.replace("6.加强网络空间治理,依法打击网络违法犯罪,净化网络生态。",
                        "6.加强网络空间治理,依法打击网络违法犯罪,营造清朗网络空间。")
    text = text.replace("9.加强督促检查,将法治社会建设情况纳入年度绩效考核。\n牵头单位:区委依法治区办\n"
                        "参加单位:区委组织部\n",
                        "9.建立法治社会建设评估制度,每年发布评估报告。\n牵头单位:区委依法治区办\n")
    source = tmp_path / "amendment.txt"
    source.write_text(text, encoding="utf-8")
    code, out, err = run_import("--version", "2024-06-01", str(source), "--out", str(final_data), "--stage", "修订")
    assert code == 0, err
    assert "    第9条 gets new id 12  “建立法治社会建设评估制度,每年发布评估报告。”" in out.splitlines()
    code, _, err = run_cli("--data", str(final_data), "--docs", str(docs))
    assert code == 0, err
    history = (docs / "measures" / "7" / "history.md").read_text(encoding="utf-8")
    assert history.count("\n## ") == 3 and '<del title="删除">净化网络生态</del>' in history
    assert "修订（示法办发〔2023〕5号）" in (docs / "versions" / "index.md").read_text(encoding="utf-8")
    gone = (docs / "measures" / "10.md").read_text(encoding="utf-8")
    assert "第9条（已删除）" in gone and "修订未保留本条" in gone
    ledger = (final_data / "published-urls.txt").read_text(encoding="utf-8").splitlines()
    urls = [line.split()[0] for line in ledger if line.startswith("/")]
    assert "/measures/11/history/" in urls and f"/versions/{FINAL}/changes/" in urls
    pages = {p.relative_to(docs).as_posix() for p in docs.rglob("*.md")}
    missing = [u for u in urls if (u.strip("/") or "index") + ".md" not in pages
               and u.strip("/") + "/index.md" not in pages]
    assert missing == []


def test_a_corrected_mapping_is_what_the_site_shows(final_data: Path, tmp_path: Path) -> None:
    """The importer guessed that draft 第4条 was merged; a person says it was deleted, and rebuilds."""
    mapping = final_data / "versions" / FINAL / "mapping.yaml"
    _edit(mapping, '{id: 4, merged_into: 3, reason: "并入正式稿第3条"}', "{id: 4, deleted: true, reason: 与第3条重复}")
    docs = tmp_path / "docs"
    code, _, err = run_cli("--data", str(final_data), "--docs", str(docs))
    assert code == 0, err
    changes = (docs / "versions" / FINAL / "changes.md").read_text(encoding="utf-8")
    assert "**修改 4 条、新增 1 条、删除 2 条、仅编号变化 3 条**" in changes
    gone = (docs / "measures" / "4.md").read_text(encoding="utf-8")
    assert 'title: "第4条（已删除）"' in gone and "原因：与第3条重复" in gone
