"""The importer on a corpus of plans written in the conventions of real published plans.

One folder per convention family in tests/fixtures/import/: plan.txt (the text, written for
these tests) and expected.yaml (what parse_plan must make of it, reviewed by hand). Each plan
is imported, read back through export_text, validated as a new site's data/, and two of them
are built into sites with MkDocs.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from plansite.bootstrap import guess_kind, slug_of, unit_registry
from plansite.importer import BODY, HEADER, ImportProblem, inline_units, parse_plan, split_units
from plansite.plantext import export_text
from plansite.validate import load_plan
from tests.plantools import ROOT, read_html
from tests.projectcopy import COPIED, mkdocs_build

CORPUS = Path(__file__).parent / "fixtures" / "import"
PLANS = sorted(p.name for p in CORPUS.iterdir() if (p / "plan.txt").is_file())
SOURCE = ROOT / "source" / "plan-draft-2022-09-14.txt"
IMPORT = [sys.executable, str(ROOT / "scripts" / "import_plan.py")]


def text_of(name: str) -> str:
    return (CORPUS / name / "plan.txt").read_text(encoding="utf-8")


def measures(plan: dict) -> list[dict]:
    return [m for p in plan["parts"] for s in p.get("sections", []) for m in s["measures"]]


def test_the_corpus_has_one_plan_per_family() -> None:
    assert PLANS == ["fazhi-shehui", "fengong-fangan", "gongzuo-yaodian", "pufa-guihua", "yinfa-zhengshi"]


@pytest.mark.parametrize("name", PLANS)
def test_import_gives_the_expected_data(name: str) -> None:
    expected = yaml.safe_load((CORPUS / name / "expected.yaml").read_text(encoding="utf-8"))
    assert parse_plan(text_of(name)) == expected


@pytest.mark.parametrize("name", PLANS)
def test_measure_texts_are_the_source_lines(name: str) -> None:
    """Every measure's text is in the source as written (its first line at least)."""
    lines = text_of(name).splitlines()
    for measure in measures(parse_plan(text_of(name))):
        first = measure["text"].split("\n")[0]
        assert any(first in line for line in lines), first


@pytest.mark.parametrize("name", [*PLANS, "our-source"])
def test_round_trip_export_reads_back_equal(name: str) -> None:
    text = SOURCE.read_text(encoding="utf-8") if name == "our-source" else text_of(name)
    data = parse_plan(text)
    exported = export_text(data)
    assert parse_plan(exported) == data
    assert export_text(parse_plan(exported)) == exported


def test_round_trip_keeps_the_conventions_of_the_document() -> None:
    exported = export_text(parse_plan(text_of("pufa-guihua")))
    assert "主要责任单位：市教育局\n协办单位：市公安局、团市委\n" in exported
    assert "\n（1）组织民法典进社区宣讲活动；\n" in exported
    yaodian = export_text(parse_plan(text_of("gongzuo-yaodian")))
    assert "\n（二）优化法治化营商环境。" in yaodian and "汤政办〔2023〕5号\n" in yaodian


# ---------------------------------------------------------------- conventions, one by one


def test_headers() -> None:
    notice = parse_plan(text_of("yinfa-zhengshi"))
    assert notice["status"] == "正式稿" and "consultation" not in notice
    assert notice["issued"]["number"] == "云法办发〔2023〕2号"
    assert notice["issued"]["addressees"] == "各街道党工委、办事处，区直各部门"
    assert notice["issued"]["publication"] == "（此件公开发布）"
    assert (notice["office"], notice["date"]) == ("中共云溪区委全面依法治区委员会办公室", "2023-01-16")
    letter = parse_plan(text_of("fazhi-shehui"))  # 函, fields on one line, 电子邮件, no 联系人
    assert letter["consultation"]["email"] == "qcfzb@example.gov.cn"
    assert letter["consultation"]["deadline"] == "2021-09-10" and "contact" not in letter["consultation"]
    split = parse_plan(text_of("fengong-fangan"))  # 公告, title over two lines, period inside it
    assert (split["title"], split["period"]) == ("梅岭区法治政府建设重点任务分工方案", "2022—2025年")
    annual = parse_plan(text_of("gongzuo-yaodian"))  # 文号, two-line notice title, date without issuer line
    assert "period" not in annual and annual["office"] == "汤河县人民政府办公室"
    assert annual["issued"]["title"] == "关于印发汤河县2023年度法治政府建设工作要点的通知"


def test_four_levels_and_heading_text() -> None:
    plan = parse_plan(text_of("fazhi-shehui"))
    assert plan["parts"][0]["text"].startswith("坚持以人民为中心")  # 一、 with an unnumbered paragraph
    first, second = plan["parts"][1]["sections"]
    assert first["measures"][0]["text"].split("\n")[1:] == ["（1）利用国家宪法日开展集中宣传；",
                                                           "（2）组织青少年参加宪法知识竞赛。"]
    assert second["text"] == "社会领域制度规范是法治社会的基础，各乡镇要结合实际抓好落实。"
    dots = "\n".join(line for line in text_of("fengong-fangan").splitlines() if line[:1].isdigit())
    assert "2．落实" in dots and "3. 开展" in dots and "1.制定" in dots


def test_numbering_running_on_restarting_and_cited_as_written() -> None:
    restarting = measures(parse_plan(text_of("fazhi-shehui")))
    assert [(m["number"], m["numbering"]) for m in restarting] == [(1, "（一）1"), (2, "（一）2"), (3, "（二）1")]
    run_in = measures(parse_plan(text_of("gongzuo-yaodian")))
    assert [m["numbering"] for m in run_in] == ["一（一）", "一（二）", "二（一）", "二（二）"]
    running = measures(parse_plan(text_of("yinfa-zhengshi")))
    assert all("numbering" not in m for m in running)  # 1. 2. 3. through the document: 第N条


def test_unit_lists() -> None:
    assert split_units("各乡镇（街道、管理处）、县直各部门按职责分工负责", 1) == [
        "各乡镇（街道、管理处）", "县直各部门"]
    assert split_units("县司法局；县直各执法部门。", 1) == ["县司法局", "县直各执法部门"]
    assert split_units("县政务服务中心、县直有关部门，各乡镇人民政府按职责分工分别负责。", 1) == [
        "县政务服务中心", "县直有关部门", "各乡镇人民政府"]
    with pytest.raises(ImportProblem, match="empty unit name"):
        split_units("县司法局、、县民政局", 7)
    text, roles, labels = inline_units("正文。（A、B牵头，C按职责分工负责）", 1)  # type: ignore[misc]
    assert (text, roles, labels) == ("正文。", {"lead": ["A", "B"], "responsible": ["C"]},
                                     {"lead": "牵头单位", "responsible": "责任单位"})
    assert inline_units("正文。【责任单位：市司法局、市妇联】", 1)[1] == {"responsible": ["市司法局", "市妇联"]}  # type: ignore[index]
    assert inline_units("到2025年（2021—2025年）", 1) is None
    assert inline_units("纳入党委（党组）理论学习", 1) is None


def test_attachment_table_is_joined_to_the_measures() -> None:
    joined = measures(parse_plan(text_of("fengong-fangan")))
    assert [(m.get("lead"), m.get("participating")) for m in joined] == [
        (["区政府办公室"], ["区司法局"]), (["区司法局"], ["区直各部门"]), (["区司法局"], ["区直各执法部门"]),
        (["区司法局", "区数据局"], None)]
    assert joined[0]["participating_label"] == "配合单位"


@pytest.mark.parametrize("name", ["yinfa-zhengshi", "fazhi-shehui", "gongzuo-yaodian"])
def test_pdf_line_wraps_join_up(name: str) -> None:
    """The same plan with every line wrapped at 20 characters, as text copied from a PDF."""
    text = text_of(name)
    wrapped = [line[i:i + 20] for line in text.splitlines() for i in range(0, len(line), 20)]
    assert len(wrapped) > len(text.splitlines()) + 5
    assert parse_plan("\n".join(wrapped)) == parse_plan(text)


def test_the_recognisers_are_named_in_priority_order() -> None:
    assert BODY.names == ["attachment", "table-row", "unit-line", "part", "section", "item", "sub", "circled",
                          "line-wrap", "paragraph"]
    assert HEADER.names[0] == "public-mark" and HEADER.names[-1] == "notice-text"


# ---------------------------------------------------------------- what cannot be placed


def problem(text: str) -> str:
    with pytest.raises(ImportProblem) as info:
        parse_plan(text)
    return info.value.report("plan.txt")


def test_an_unplaceable_line_is_named_shown_and_explained() -> None:
    text = text_of("yinfa-zhengshi").replace("责任单位：区司法局\n", "责任单位：区司法局\n另起一段没有编号的话。\n")
    report = problem(text)
    line = text.splitlines().index("另起一段没有编号的话。") + 1
    assert report.splitlines()[:2] == [
        f"plan.txt:{line}: cannot place this line: it follows the unit lines of 2.; expected a heading "
        "(一、 (一) 1.) or a unit line",
        f"    {line} | 另起一段没有编号的话。",
    ]
    assert "supported:" in report.splitlines()[2] and "印发通知" in report


def test_out_of_sequence_and_mixed_numbering() -> None:
    report = problem(text_of("yinfa-zhengshi").replace("2.加强民法典", "4.加强民法典"))
    assert "plan.txt:20: 4. is out of sequence: expected number 2\n    20 | 4.加强民法典" in report
    items = problem(text_of("gongzuo-yaodian").replace("（二）优化法治化", "2.优化法治化"))
    assert "2. is out of sequence: expected number 1" in items
    mixed = problem(text_of("gongzuo-yaodian").replace("（一）深化“放管服”改革", "1.深化“放管服”改革"))
    assert "(二) is numbered otherwise than 1. before it, under the same heading" in mixed


def test_a_table_row_that_does_not_match_its_measure() -> None:
    report = problem(text_of("fengong-fangan").replace("3 | 开展行政执法案卷评查", "3 | 开展安全生产检查"))
    assert "row 3: the task '开展安全生产检查' is not in measure 3's text" in report


# ---------------------------------------------------------------- a new site from the text


def test_unit_slugs_are_pinyin_unique_and_stable() -> None:
    assert slug_of("区委宣传部") == "qu-wei-xuan-chuan-bu"
    assert slug_of("各镇（街道、管理处）") == "ge-zhen-jie-dao-guan-li-chu"
    assert slug_of("<script>../") == "script" and slug_of("？？") == "unit" and slug_of("index") == "unit"
    names = ["区公安局", "区公按局", "区公安局", "区司法局"]
    registry = unit_registry(names)
    assert [u["slug"] for u in registry["units"]] == ["qu-gong-an-ju", "qu-gong-an-ju-2", "qu-si-fa-ju"]
    assert unit_registry(names) == registry
    assert [guess_kind(n) for n in ("区直各部门", "县直有关部门", "区司法局等区直相关部门", "区司法局")] == [
        "collective", "collective", "collective", "department"]


def new_site(tmp: Path, name: str) -> Path:
    project = tmp / name
    project.mkdir()
    for item in COPIED:
        src = ROOT / item
        (shutil.copytree(src, project / item, ignore=shutil.ignore_patterns("__pycache__")) if src.is_dir()
         else shutil.copy(src, project / item))
    result = subprocess.run([*IMPORT, "--new", str(CORPUS / name / "plan.txt"), "--out", str(project / "data")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "review the units' kinds" in result.stdout
    return project


@pytest.mark.parametrize("name", PLANS)
def test_new_data_validates(tmp_path: Path, name: str) -> None:
    project = new_site(tmp_path, name)
    plan = load_plan(project / "data")
    assert len(plan.measures) == len(measures(parse_plan(text_of(name))))
    assert sorted(p.name for p in (project / "data").iterdir()) == [
        "parts", "plan.yaml", "published-urls.txt", "units.yaml", "url-changes.yaml"]


def test_new_refuses_a_data_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "plan.yaml").write_text("title: x\n", encoding="utf-8")
    result = subprocess.run([*IMPORT, "--new", str(CORPUS / "pufa-guihua" / "plan.txt"), "--out",
                             str(tmp_path / "data")], capture_output=True, text=True, check=False)
    assert result.returncode == 2 and "is not empty" in result.stderr
    assert [p.name for p in (tmp_path / "data").iterdir()] == ["plan.yaml"]


def test_new_writes_nothing_when_a_line_cannot_be_placed(tmp_path: Path) -> None:
    bad = tmp_path / "plan.txt"
    bad.write_text(text_of("pufa-guihua").replace("团市委\n", "团市委\n无处安放的一行。\n"), encoding="utf-8")
    result = subprocess.run([*IMPORT, "--new", str(bad), "--out", str(tmp_path / "data")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{bad}:")
    assert not (tmp_path / "data").exists() and not list(tmp_path.glob(".data*"))


@pytest.mark.site
@pytest.mark.parametrize("name", ["gongzuo-yaodian", "fengong-fangan"])
def test_new_site_builds(tmp_path: Path, name: str) -> None:
    project = new_site(tmp_path, name)
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    data = parse_plan(text_of(name))
    site = project / "site"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert f"<title>{data['title']}" in home
    assert f"<p>主办：{data['office']}</p>" in home  # the footer names the issuer from the data
    for path in site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert "西安" not in html, path
        assert "{: " not in html, f"{path}: attribute list shown as text"
    assert (site / "consultation" / "index.html").is_file() == ("consultation" in data)
    for index, measure in enumerate(measures(data), start=1):
        page = site / "measures" / str(index) / "index.html"
        assert read_html(page, "measure-text").texts == [measure["text"]]
        heading = page.read_text(encoding="utf-8").split("<h1", 1)[1].split("</h1>", 1)[0]
        assert (measure.get("numbering") or f"第{index}条") in heading
        assert ("对本条提出意见" in page.read_text(encoding="utf-8")) == ("consultation" in data)
    labelled = next(i for i, m in enumerate(measures(data), 1) if m.get("participating_label") == "配合单位")
    page = (site / "measures" / str(labelled) / "index.html").read_text(encoding="utf-8")
    assert "配合单位" in page and "参加单位" not in page


def test_headings_with_or_without_a_full_stop() -> None:
    plan = parse_plan(text_of("fazhi-shehui").replace("（一）增强全民法治观念\n", "（一）增强全民法治观念。\n"))
    section = plan["parts"][1]["sections"][0]
    assert section["title"] == "增强全民法治观念。" and len(section["measures"]) == 2


def test_a_text_without_issuer_and_date() -> None:
    report = problem("某县法治建设工作要点\n为推进工作，制定本要点。\n一、主要任务\n1.开展培训。\n责任单位：县司法局\n")
    assert report.splitlines()[:2] == [
        "plan.txt:2: no issuer and date found: expected the issuing office on one line and the date (2022年9月14日) "
        "on the next, before the title or under it",
        "    2 | 为推进工作，制定本要点。",
    ]
    signed = parse_plan("某县法治建设工作要点\n某县司法局\n2023年2月1日\n为推进工作，制定本要点。\n一、主要任务\n"
                        "1.开展培训。\n责任单位：县司法局\n")
    assert (signed["title"], signed["office"], signed["date"]) == ("某县法治建设工作要点", "某县司法局", "2023-02-01")
    assert "issued" not in signed and "consultation" not in signed
    assert export_text(signed).startswith("某县法治建设工作要点\n某县司法局\n2023年2月1日\n")


def test_our_plan_as_a_final_version_issued_by_notice() -> None:
    """Our own plan's text under a 印发通知 instead of the consultation notice, without its status line."""
    lines = SOURCE.read_text(encoding="utf-8").splitlines()
    assert lines[8] == "(征求意见稿)"
    notice = ["中共西安区委全面依法治区委员会办公室文件", "西法办发〔2023〕1号",
              "关于印发《西安区法治社会建设实施方案（2020—2025年）》的通知", "各镇（街道）党（工）委，区直各部门：",
              "现将《西安区法治社会建设实施方案（2020—2025年）》印发给你们，请认真贯彻落实。",
              "中共西安区委全面依法治区委员会办公室", "2023年2月20日", "（此件公开发布）"]
    final = parse_plan("\n".join([*notice, *lines[6:8], *lines[9:]]))
    draft = parse_plan(SOURCE.read_text(encoding="utf-8"))
    assert final["parts"] == draft["parts"]
    assert (final["status"], final["date"], final["preamble"]) == ("正式稿", "2023-02-20", draft["preamble"])
    assert "consultation" not in final
    assert {key: final["issued"][key] for key in ("number", "issuer", "date", "addressees")} == {
        "number": "西法办发〔2023〕1号", "issuer": "中共西安区委全面依法治区委员会办公室", "date": "2023-02-20",
        "addressees": "各镇（街道）党（工）委，区直各部门"}


# ---------------------------------------------------------------- junk never gives a traceback

_PIECES = ["一、", "二、", "（一）", "（二）", "(三)", "1.", "2、", "3．", "（1）", "①", "零、", "（零）", "十十、",
           "牵头单位：", "配合单位：", "责任单位:", "【责任单位：", "】", "（", "）", "。", "，", "、", "；", "：",
           "\n", "\n", "\n", "附件：", "序号 | 任务 | 牵头单位", " | ", "2023年3月6日", "某局", "联系人：",
           "电子邮箱：a@b.cn", "关于印发《某方案》的通知", "（此件公开发布）", "（2021—2025年）", "（征求意见稿）",
           "某区方案", "正文", "牵头", "按职责分工负责", "〔2023〕5号", "文件", "各部门："]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PLANS), st.lists(st.sampled_from(_PIECES), max_size=40))
def test_any_text_imports_or_names_a_line(header: str, pieces: list[str]) -> None:
    """A real header, then a body of conventions in any order: imported (and read back equal), or
    stopped at a line it names; never a traceback."""
    text = text_of(header).split("一、")[0] + "一、总体\n" + "".join(pieces)
    try:
        plan = parse_plan(text)
    except ImportProblem as problem:
        assert 1 <= problem.line <= max(1, text.count("\n") + 1)
        assert problem.report("x.txt").startswith(f"x.txt:{problem.line}: ")
    else:
        assert parse_plan(export_text(plan)) == plan
