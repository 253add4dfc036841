"""Progress (落实情况): periods, validation, roll-ups, pages, open data, coverage and the URL ledger.

The fixture tests/fixtures/progress/data is a fictitious plan (示例区) with reports of four units
for 2023-H1 and 2023-H2; tests/fixtures/progress-invalid lays every mistake a report can hold over it.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from plansite.pipeline import Project, build_outputs
from plansite.progress import UNREPORTED, load_progress, parse_period
from plansite.progress_pages import PROGRESS_COLUMNS, neutralise
from plansite.validate import load_plan
from tests.plantools import FIXTURES, make_data, run_cli

PROGRESS = FIXTURES / "progress" / "data"
INVALID = FIXTURES / "progress-invalid"


def copy_progress_plan(tmp: Path) -> Path:
    data = tmp / "data"
    shutil.copytree(PROGRESS, data)
    return data


def outputs_of(data: Path) -> dict[str, str | bytes]:
    return build_outputs(Project(data_dir=data, docs_dir=data.parent / "docs"))[1]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str | bytes]:
    return outputs_of(copy_progress_plan(tmp_path_factory.mktemp("progress")))


def test_periods() -> None:
    def span(key: str) -> tuple[str, str, str] | None:
        p = parse_period(key)
        return None if p is None else (p.start.isoformat(), p.end.isoformat(), p.label)

    assert span("2023") == ("2023-01-01", "2023-12-31", "2023年度")
    assert span("2023-H1") == ("2023-01-01", "2023-06-30", "2023年上半年")
    assert span("2024-H2") == ("2024-07-01", "2024-12-31", "2024年下半年")
    assert span("2023-Q3") == ("2023-07-01", "2023-09-30", "2023年第三季度")
    assert span("2024-Q1") == ("2024-01-01", "2024-03-31", "2024年第一季度")
    for bad in ("2023-Q5", "2023-H3", "23", "2023-h1", "2023H1", "2023-Q3 ", "../2023", "２０２３"):
        assert parse_period(bad) is None, bad
    year, half = parse_period("2023"), parse_period("2023-H2")
    assert year is not None and half is not None and sorted([half, year]) == [year, half]
    assert datetime.date(2023, 6, 30) not in half and datetime.date(2023, 7, 1) in half


def test_every_mistake_is_reported_at_once_with_its_line(tmp_path: Path) -> None:
    data = copy_progress_plan(tmp_path)
    shutil.copytree(INVALID / "data", data, dirs_exist_ok=True)
    code, out, err = run_cli("--check", "--data", str(data))
    assert code == 1 and out == ""
    assert err == (INVALID / "expected.txt").read_text(encoding="utf-8")


def test_an_unquoted_date_and_a_missing_statuses_file(tmp_path: Path) -> None:
    data = copy_progress_plan(tmp_path)
    (data / "progress" / "statuses.yaml").unlink()
    report = data / "progress" / "2023-H1" / "renshe.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("as_of: '2023-06-30'", "as_of: 2023-06-30"),
                      encoding="utf-8")
    code, _, err = run_cli("--check", "--data", str(data))
    assert code == 1
    assert err.splitlines() == [
        "data/progress/2023-H1/renshe.yaml:8:12: 'as_of' must be text, got the date 2023-06-30 (YAML reads "
        "2023-06-30 as the date 2023-06-30; write it in quotes: '2023-06-30')",
        "data/progress/statuses.yaml: file is missing (declare the statuses units may report (README, 'Progress'))",
        "2 problems found; nothing was written.",
    ]


def test_the_roll_up_counts_unreported_on_its_own() -> None:
    plan = load_plan(PROGRESS)
    progress = load_progress(PROGRESS, plan)
    assert progress is not None and [p.key for p in progress.periods] == ["2023-H1", "2023-H2"]
    h1, h2 = progress.periods
    assert dict(progress.tally("", progress.assignments(plan, h2)).counts) == {
        "未启动": 0, "序时推进": 1, "滞后": 1, "已完成": 2, "已调整/不再实施": 1, UNREPORTED: 2}
    # 区人社局 reported 5 as 滞后 in H1 and nothing in H2: 未报送 in H2, never 未启动 nor carried over
    h2_of_5 = [a for a in progress.assignments(plan, h2) if a.measure.id == "5"]
    assert [(a.unit.name, a.status) for a in h2_of_5] == [("区人社局", UNREPORTED)]
    # measure 7 is led by a collective: reported once any department reported through it
    h1_of_7 = [a for a in progress.assignments(plan, h1) if a.measure.id == "7"]
    assert [(a.unit.name, len(a.entries)) for a in h1_of_7] == [("区直各部门", 2)]
    # 区司法局 reported 已完成 through it, 区教育局 序时推进: a tie, so the one declared first
    assert [a.status for a in h1_of_7] == ["序时推进"]
    assert dict(progress.tally("", progress.assignments(plan, h1)).counts) == {
        "未启动": 0, "序时推进": 5, "滞后": 1, "已完成": 0, "已调整/不再实施": 0, UNREPORTED: 1}
    assert [(a.measure.id, a.unit.name) for a in progress.behind(plan, h2)] == [("3", "区教育局")]


def test_coverage_in_make_check() -> None:
    code, out, _ = run_cli("--check", "--data", str(PROGRESS))
    assert code == 0
    assert out.splitlines()[-5:] == [
        "Progress: 2 periods, 6 reports, 16 entries; 11 of 14 lead assignments reported.",
        "3 lead assignments have no entry (未报送):",
        "  2023-H1: measure 6 (第6条): 区民政局",
        "  2023-H2: measure 5 (第5条): 区人社局",
        "  2023-H2: measure 7 (第7条): 区直各部门",
    ]


def test_without_progress_data_nothing_changes(tmp_path: Path) -> None:
    outputs = outputs_of(make_data(tmp_path))
    assert not [p for p in outputs if "progress" in p]
    assert not any("## 落实情况" in v for v in outputs.values() if isinstance(v, str))
    code, out, _ = run_cli("--check", "--data", str(tmp_path / "data"))
    assert code == 0 and out.splitlines()[-1] == "No progress data (data/progress/): no coverage to report."


def test_the_pages_that_progress_adds(outputs: dict[str, str | bytes]) -> None:
    added = sorted(p for p in outputs if "progress" in p)
    assert added == ["data/progress.csv", "data/progress.json", "data/progress.schema.json",
                     "progress/2023-H1.md", "progress/2023-H2.md", "progress/index.md",
                     "units/jiaoyuju/progress.md", "units/minzhengju/progress.md", "units/renshe/progress.md",
                     "units/sifaju/progress.md"]


def test_a_measure_page_shows_each_unit_and_the_timeline(outputs: dict[str, str | bytes]) -> None:
    page = str(outputs["measures/1.md"])
    section = page[page.index(">落实情况</h2>"):page.index('<div class="plan-cite"')]
    assert ('<td><a href="../../units/sifaju/progress/">区司法局</a></td>\n<td>牵头单位</td>\n'
            '<td><span class="progress-status progress-status--done">已完成</span> 100%</td>\n'
            "<td>2023-12-10</td>") in section
    assert ('<td><a href="../../units/quzhi-gebumen/">区直各部门</a></td>\n<td>参加单位</td>\n'
            '<td><span class="progress-status progress-status--unreported">未报送</span></td>\n<td>—</td>') in section
    # newest first, each dated, with its period's report linked
    assert section.index("<strong>2023-12-10</strong>") < section.index("<strong>2023-06-30</strong>")
    assert '<a href="../../progress/2023-H1/">2023年上半年</a>' in section
    assert ('<li>佐证 2023-12-12：<a href="https://example.org/fictitious/xianfa-2023.html" rel="external noopener">'
            "关于2023年“宪法宣传周”活动情况的报告</a></li>") in section
    assert "<li>佐证 2023-12-10：宪法宣传周活动照片及签到表（档案号 SFJ-2023-118）</li>" in section
    # measure 7 is led by a collective: the departments that reported through it
    seven = str(outputs["measures/7.md"])
    assert '<td><a href="../../units/sifaju/progress/">区司法局</a></td>\n<td>牵头单位（区直各部门）</td>' in seven
    assert '<td><a href="../../units/jiaoyuju/progress/">区教育局</a></td>\n<td>牵头单位（区直各部门）</td>' in seven
    # text from a report is text: no emphasis, no table cell
    two = str(outputs["measures/2.md"])
    assert "注意：*这不是强调*，a|b 也不是表格，&lt;b&gt;也不是粗体&lt;/b&gt;。" in two


def test_the_period_report_is_in_the_usual_shape(outputs: dict[str, str | bytes]) -> None:
    page = str(outputs["progress/2023-H1.md"])
    assert page.count("| 序号 | 措施 | 牵头单位 | 进展情况 | 完成情况 |") == 2  # one table per part with measures
    assert page.index("## 二、主要任务") < page.index("## 三、保障措施")
    row = next(line for line in page.splitlines() if line.startswith("| [6](../measures/6.md)"))
    assert row.endswith("| 区民政局 | — | 区民政局：未报送 |")
    row = next(line for line in page.splitlines() if line.startswith("| [7](../measures/7.md)"))
    assert "区司法局：已完成<br>区教育局：序时推进 |" in row
    assert "本期未报送的单位：区民政局。" in page


def test_the_overview_and_the_unit_card(outputs: dict[str, str | bytes]) -> None:
    page = str(outputs["progress/index.md"])
    assert "| <span class=\"progress-status progress-status--unreported\">未报送</span> | 2 | 29% |" in page
    assert "| [三、保障措施](../parts/3.md) | 0 | 0 | 0 | 0 | 0 | 1（100%） | 1 |" in page
    assert "| [区人社局](../units/renshe/progress.md) | 0 | 0 | 0 | 0 | 0 | 1 | 1 |" in page
    assert "<desc id=\"chart-progress-2023-H2-desc\">未启动：0 项；序时推进：1 项；滞后：1 项；已完成：2 项；" \
           "已调整/不再实施：1 项；未报送：2 项。</desc>" in page
    behind = page[page.index("## 进度滞后的措施"):page.index("## 状态说明")]
    assert "[第3条 加强青少年法治教育，推进法治副校长进校园全覆盖](../measures/3.md)：区教育局。" in behind
    card = str(outputs["units/minzhengju/progress.md"])
    missing = card[card.index("## 未报送事项"):card.index("## 逐条情况")]
    assert "- 2023年上半年：[第6条 加强社会组织登记管理，开展社会组织法治培训](../../measures/6.md)（牵头单位）" \
        in missing
    assert "2023年下半年" not in missing
    assert '<a href="progress/">本单位落实情况</a>' in str(outputs["units/minzhengju.md"])


def test_open_data_reads_back_and_follows_its_schema(outputs: dict[str, str | bytes]) -> None:
    data = json.loads(outputs["data/progress.json"])
    jsonschema.Draft202012Validator(json.loads(outputs["data/progress.schema.json"])).validate(data)
    assert [p["counts"]["unreported"] for p in data["periods"]] == [1, 2]
    raw = outputs["data/progress.csv"]
    assert isinstance(raw, bytes) and raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0]) == list(PROGRESS_COLUMNS) and len(rows) == 16
    first = rows[0]
    assert (first["period"], first["unit_name"], first["measure_number"], first["status"], first["progress"]) == (
        "2023-H1", "区司法局", "1", "序时推进", "40")
    page = str(outputs["data/index.md"])
    assert "[progress.csv](progress.csv)" in page and "## progress.csv 各列" in page
    assert "| `reason` | 调整原因 |" in page


def test_a_formula_in_a_report_is_text_in_the_csv(tmp_path: Path) -> None:
    data = copy_progress_plan(tmp_path)
    report = data / "progress" / "2023-H1" / "renshe.yaml"
    hostile = '=HYPERLINK("http://evil.example/","点我")'
    report.write_text(report.read_text(encoding="utf-8").replace(
        "summary: 裁审衔接工作机制草案尚未与区法院达成一致，进度滞后。", f"summary: '{hostile}'")
        .replace("next_steps: 7月底前召开联席会议。", "next_steps: '@SUM(1+1)'"), encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(outputs_of(data)["data/progress.csv"].decode("utf-8-sig"))))
    row = next(r for r in rows if r["unit_slug"] == "renshe")
    assert row["summary"] == "'" + hostile and row["next_steps"] == "'@SUM(1+1)"
    assert [neutralise(t) for t in ("-1", "+1", "\tx", "正常", "a=b")] == ["'-1", "'+1", "'\tx", "正常", "a=b"]


def test_a_published_progress_url_never_breaks(tmp_path: Path) -> None:
    data = copy_progress_plan(tmp_path)
    code, _, _ = run_cli("--record-urls", "--data", str(data))
    assert code == 0
    ledger = (data / "published-urls.txt").read_text(encoding="utf-8")
    assert "/progress/2023-H1/\n" in ledger and "/units/renshe/progress/\n" in ledger
    shutil.rmtree(data / "progress" / "2023-H1")
    code, _, err = run_cli("--check", "--data", str(data))
    assert code == 1
    assert "/progress/2023-H1/ was published but would no longer resolve" in err


def test_statuses_alone_make_no_pages_but_sheets_can_be_written(tmp_path: Path) -> None:
    data = copy_progress_plan(tmp_path)
    for period in ("2023-H1", "2023-H2"):
        shutil.rmtree(data / "progress" / period)
    outputs = outputs_of(data)
    assert not [p for p in outputs if "progress" in p]
    assert not any("## 落实情况" in v for v in outputs.values() if isinstance(v, str))
    code, out, _ = run_cli("--check", "--data", str(data))
    assert code == 0 and out.splitlines()[-1] == ("Progress: 0 periods, 0 reports, 0 entries; "
                                                  "0 of 0 lead assignments reported.")


def test_hostile_statuses(tmp_path: Path) -> None:
    data = copy_progress_plan(tmp_path)
    (data / "progress" / "statuses.yaml").write_text(
        "statuses:\n"
        "  - {name: '=HYPERLINK(\"x\")', slug: formula}\n"
        "  - {name: '<b>x</b>', slug: markup}\n"
        "  - {name: 'a,b', slug: comma}\n"
        "  - {name: 未报送, slug: unreported}\n", encoding="utf-8")
    code, _, err = run_cli("--check", "--data", str(data))
    assert code == 1
    rule = ("(The label units choose in their sheets (序时推进); plain text without < > & , or \", not starting with "
            "= + - @ (it becomes a sheet's drop-down).)")
    assert err.splitlines() == [
        f"data/progress/statuses.yaml:2:12: item formula: 'name' '=HYPERLINK(\"x\")' is not allowed {rule}",
        f"data/progress/statuses.yaml:3:12: item markup: 'name' '<b>x</b>' is not allowed {rule}",
        f"data/progress/statuses.yaml:4:12: item comma: 'name' 'a,b' is not allowed {rule}",
        "data/progress/statuses.yaml:5:23: item unreported: 'slug' 'unreported' is not allowed (lowercase ASCII and "
        "hyphens, used in open data; 'unreported' is reserved for 未报送)",
        "4 problems found; nothing was written.",
    ]


def test_plan_and_report_problems_come_together(tmp_path: Path) -> None:
    data = copy_progress_plan(tmp_path)
    part = data / "parts" / "3.yaml"
    text = part.read_text(encoding="utf-8")
    part.write_text(text.replace("lead: [区直各部门]", "lead: [区直各部们]"), encoding="utf-8")
    report = data / "progress" / "2023-H2" / "minzhengju.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("measure: 6", "measure: [6]"), encoding="utf-8")
    code, _, err = run_cli("--check", "--data", str(data))
    assert code == 1
    assert err.splitlines() == [
        "data/parts/3.yaml:13:16: measure 7: unknown unit '区直各部们' (did you mean 区直各部门?)",
        "data/progress/2023-H2/minzhengju.yaml:5:14: 'measure' must be a whole number or text, got a list",
        "2 problems found; nothing was written.",
    ]
