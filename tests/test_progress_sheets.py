"""The Excel round trip: sheets written per unit, filled with openpyxl as a person would, imported back."""

from __future__ import annotations

import contextlib
import io
import shutil
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from plansite.progress import Entry, load_progress
from plansite.progress_sheets import COLUMNS, FIRST_ROW, LETTER, META, SHEET
from plansite.validate import load_plan
from tests.plantools import FIXTURES, ROOT, snapshot

sys.path.insert(0, str(ROOT / "scripts"))
import progress as progress_cli

PROGRESS = FIXTURES / "progress" / "data"


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = progress_cli.main(list(args))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    shutil.copytree(PROGRESS, tmp_path / "data")
    return tmp_path / "data"


def write(data: Path, period: str) -> Path:
    out = data.parent / f"sheets-{period}"
    code, stdout, err = run("--data", str(data), "sheets", "--period", period, "--out", str(out))
    assert code == 0, err
    assert stdout.splitlines()[-1] == f"Wrote 4 sheets for {period} into {out}."
    return out


def row_of(ws: openpyxl.worksheet.worksheet.Worksheet, measure_id: str) -> int:
    return next(r for r in range(FIRST_ROW, ws.max_row + 1) if ws[f"A{r}"].value == measure_id)


def fill(path: Path, rows: dict[str, dict[str, object]]) -> None:
    """Fill cells as a person would in Excel: by column, in the row of a measure."""
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    for measure_id, values in rows.items():
        r = row_of(ws, measure_id)
        for key, value in values.items():
            ws[f"{LETTER[key]}{r}"] = value
    wb.save(path)


def facts(e: Entry) -> tuple[object, ...]:
    """An entry without where it was read from."""
    return (e.period.key, e.unit.slug, e.measure.id, e.role, e.via, e.status.name, e.as_of, e.summary, e.progress,
            e.milestones, e.evidence, e.next_steps, e.reason)


def test_a_sheet_is_pre_filled_locked_and_printable(data: Path) -> None:
    out = write(data, "2023-H2")
    assert sorted(p.name for p in out.iterdir()) == ["jiaoyuju.xlsx", "minzhengju.xlsx", "renshe.xlsx", "sifaju.xlsx"]
    wb = openpyxl.load_workbook(out / "sifaju.xlsx")
    assert wb.sheetnames == [SHEET, META] and wb[META].sheet_state == "veryHidden"
    ws = wb[SHEET]
    assert [c.value for c in ws[2]] == [c.header for c in COLUMNS]
    # its own measures first (1 2 4 lead, 3 5 participating, 8 responsible), then the collective's (7)
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=FIRST_ROW)]
    assert [(r[0], r[1], r[3]) for r in rows] == [
        ("1", "第1条", "牵头单位"), ("2", "第2条", "牵头单位"), ("3", "第3条", "参加单位"), ("4", "第4条", "牵头单位"),
        ("5", "第5条", "参加单位"), ("8", "第8条", "责任单位"), ("7", "第7条", "牵头单位（区直各部门）")]
    assert rows[2][4] == "牵头单位：区教育局；参加单位：区司法局"
    # what it already reported for the period is filled in; the rest is empty
    assert rows[0][5:8] == ["已完成", "2023-12-10", 100] and rows[0][8].startswith("12月4日在中心广场")
    assert rows[2][5:] == [None] * 8
    assert ws.protection.sheet and ws.freeze_panes == "C3" and ws.print_title_rows == "$1:$2"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) and ws.page_setup.orientation == "landscape"
    assert [ws[f"{get}3"].protection.locked for get in "ABCDEFGHIJKLM"] == [True] * 5 + [False] * 8
    assert ws.column_dimensions["C"].width == 46 and ws["C3"].alignment.wrap_text
    [validation] = ws.data_validations.dataValidation
    assert validation.formula1 == '"未启动,序时推进,滞后,已完成,已调整/不再实施"' and str(validation.sqref) == "F3:F9"


def test_round_trip_fill_import_reimport(data: Path) -> None:
    before = load_progress(data, load_plan(data))
    out = write(data, "2023-H2")
    # 区人社局 had not reported for H2: it fills its sheet now
    fill(out / "renshe.xlsx", {"5": {"status": "序时推进", "as_of": "2023-12-31", "progress": 0.4,
                                     "summary": "与区法院签订裁审衔接备忘录。\n召开联席会议2次。",
                                     "milestones": "2023-11-02 签订备忘录\n2023-12-20：第二次联席会议",
                                     "evidence": "裁审衔接备忘录；2023-11-02；示人社发〔2023〕9号"}})
    code, stdout, err = run("--data", str(data), "import", *map(str, sorted(out.iterdir())))
    assert code == 0, err
    assert stdout.splitlines() == [  # the hand-written files are rewritten in the importer's layout
        "data/progress/2023-H2/jiaoyuju.yaml: written", "data/progress/2023-H2/minzhengju.yaml: written",
        "data/progress/2023-H2/renshe.yaml: written", "data/progress/2023-H2/sifaju.yaml: written",
        "Read 4 sheets: 4 files written, 0 unchanged, 0 with no row filled in.",
    ]
    assert (data / "progress" / "2023-H2" / "renshe.yaml").read_text(encoding="utf-8").split("\n", 2)[2] == """\
entries:
  - measure: 5
    role: lead
    status: 序时推进
    as_of: '2023-12-31'
    progress: 40
    summary: '与区法院签订裁审衔接备忘录。

      召开联席会议2次。'
    milestones:
      - date: '2023-11-02'
        text: 签订备忘录
      - date: '2023-12-20'
        text: 第二次联席会议
    evidence:
      - title: 裁审衔接备忘录
        date: '2023-11-02'
        file: 示人社发〔2023〕9号
"""
    after = load_progress(data, load_plan(data))
    assert after is not None and before is not None
    # everything that was reported before reads back the same; only the new entry was added
    assert {facts(e) for e in after.entries} - {facts(e) for e in before.entries} == {
        facts(e) for e in after.entries if e.unit.slug == "renshe" and e.period.key == "2023-H2"}
    assert {facts(e) for e in before.entries} <= {facts(e) for e in after.entries}
    # importing the same sheets again changes nothing
    files = snapshot(data)
    code, stdout, _ = run("--data", str(data), "import", *map(str, sorted(out.iterdir())))
    assert code == 0 and snapshot(data) == files
    assert stdout.splitlines()[-1] == "Read 4 sheets: 0 files written, 4 unchanged, 0 with no row filled in."


def test_an_empty_sheet_writes_no_report(data: Path) -> None:
    out = write(data, "2024-Q1")
    code, stdout, _ = run("--data", str(data), "import", str(out / "minzhengju.xlsx"))
    assert code == 0 and not (data / "progress" / "2024-Q1").exists()
    assert stdout.splitlines() == ["Read 1 sheet: 0 files written, 0 unchanged, 1 with no row filled in."]


def test_hostile_sheets_are_refused_with_every_cell_named(data: Path) -> None:
    out = write(data, "2023-H1")
    fill(out / "jiaoyuju.xlsx", {
        "3": {"status": "进行中", "as_of": "2023-07-15", "summary": "未声明的状态，期外的日期"},
        "8": {"status": "已完成", "as_of": "2023-06-30", "summary": '=HYPERLINK("http://evil.example/","点我")',
              "evidence": "材料；2023-06-01"},
    })
    wb = openpyxl.load_workbook(out / "jiaoyuju.xlsx")
    ws = wb[SHEET]
    ws[f"A{row_of(ws, '1')}"] = "4"  # another unit's measure
    ws[f"C{row_of(ws, '7')}"] = "改过的措施内容"  # a locked column
    ws[f"F{row_of(ws, '7')}"] = "序时推进"
    ws[f"G{row_of(ws, '7')}"] = "2023-06-30"
    ws[f"I{row_of(ws, '7')}"] = "x"
    wb.save(out / "jiaoyuju.xlsx")
    fill(out / "renshe.xlsx", {"5": {"status": "已调整/不再实施", "as_of": "2023年6月31日", "progress": 120,
                                     "summary": "没有原因"}})
    (out / "broken.xlsx").write_bytes(b"not a workbook")
    files = snapshot(data)
    code, stdout, err = run("--data", str(data), "import", *map(str, sorted(out.iterdir())))
    assert code == 1 and stdout == "" and snapshot(data) == files
    assert err.splitlines() == [  # by workbook, then row by row
        "broken.xlsx: not an Excel workbook (.xlsx): File is not a zip file (save the sheet as .xlsx (Excel 2007 or "
        "later))",
        "jiaoyuju.xlsx:任务台账!F3: measure 3: unknown status '进行中' (choose one of: 未启动、序时推进、滞后、已完成、"
        "已调整/不再实施)",
        "jiaoyuju.xlsx:任务台账!G3: measure 3: the date 2023-07-15 lies outside 2023-H1 (2023-H1 runs from 2023-01-01 "
        "to 2023-06-30)",
        "jiaoyuju.xlsx:任务台账!I4: a formula is not allowed here: =HYPERLINK(\"http://evil.example/\",\"点我\") (type "
        "the text itself; to begin a text with =, type ' before it)",
        "jiaoyuju.xlsx:任务台账!K4: measure 8: 佐证材料 '材料；2023-06-01' is not 名称；日期；链接或文号 (one line a "
        "document, three parts separated by ；)",
        "jiaoyuju.xlsx:任务台账!A5: measure 4 is not 区教育局's (columns A–E are locked: restore the row as it was "
        "written, or write new sheets)",
        "jiaoyuju.xlsx:任务台账!C7: measure 7: the locked column '措施内容' was changed (restore it to "
        "'各部门将法治社会建设纳入年度工作计划，明确责任人和时间表。')",
        "renshe.xlsx:任务台账!G3: measure 5: 截至日期 '2023年6月31日' is not a date (write the date as 2023-06-30)",
        "renshe.xlsx:任务台账!H3: measure 5: 进度 '120' is not a whole percentage from 0 to 100 (write e.g. 60)",
        "renshe.xlsx:任务台账!M3: measure 5: status '已调整/不再实施' needs a reason (say why the measure was adjusted "
        "or dropped)",
        "10 problems found; nothing was written.",
    ]
    # the README's example is this very output
    readme = [line for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
              if line.startswith("jiaoyuju.xlsx:")]
    assert len(readme) == 4 and set(readme) <= set(err.splitlines())


def test_a_formula_in_the_data_is_written_as_text(data: Path) -> None:
    report = data / "progress" / "2023-H1" / "renshe.yaml"
    hostile = '=HYPERLINK("http://evil.example/","点我")'
    report.write_text(report.read_text(encoding="utf-8").replace(
        "summary: 裁审衔接工作机制草案尚未与区法院达成一致，进度滞后。", f"summary: '{hostile}'"), encoding="utf-8")
    out = write(data, "2023-H1")
    with zipfile.ZipFile(out / "renshe.xlsx") as book:
        xml = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "HYPERLINK" in xml
    ws = openpyxl.load_workbook(out / "renshe.xlsx")[SHEET]
    cell = ws[f"I{row_of(ws, '5')}"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (hostile, "s", True)
    # and it survives the round trip as the same text
    files = snapshot(data)
    code, _, err = run("--data", str(data), "import", str(out / "renshe.xlsx"))
    assert code == 0, err
    assert snapshot(data)["progress/2023-H1/renshe.yaml"].decode().count("HYPERLINK") == 1
    assert set(files) == set(snapshot(data))


def test_bad_periods_and_missing_files(data: Path, tmp_path: Path) -> None:
    code, _, err = run("--data", str(data), "sheets", "--period", "2023-Q5", "--out", str(tmp_path / "x"))
    assert code == 1 and err.splitlines()[0] == ("--period 2023-Q5: not a reporting period (write a year (2023), "
                                                 "a half-year (2023-H1) or a quarter (2023-Q3))")
    assert not (tmp_path / "x").exists()
    code, _, err = run("--data", str(data), "import", str(tmp_path / "missing.xlsx"))
    assert code == 1 and err.splitlines() == [f"{tmp_path / 'missing.xlsx'}: no such file",
                                              "1 problem found; nothing was written."]
