"""The Excel round trip of progress reports: a 任务台账 per unit out, the filled sheets back in as YAML.

`write_sheets` writes one `<unit-slug>.xlsx` per department for a period: its measures pre-filled
(number, text, its role, the co-units) in locked columns, the columns to fill unlocked, a drop-down
of the declared statuses, readable in Excel and WPS (widths, wrapped text, frozen header, A4).
`read_sheets` reads filled sheets back; every problem is located as `file.xlsx:任务台账!C7` and
reported at once, and `import_sheets` writes nothing unless every sheet, and the progress data
they make together with what is already in data/, is valid.

A text from the data is always written as text, never as a formula (`=HYPERLINK(…)` stays
characters); a formula typed into a sheet is refused on import.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import yaml
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.cell import coordinate_from_string
from openpyxl.worksheet.datavalidation import DataValidation

from .model import ROLE_LABELS, ROLES, Location, Measure, Plan, Unit
from .problems import PlanError, Problem, did_you_mean
from .progress import FOLDER, STATUSES, Period, Progress, load_progress, parse_date, parse_period
from .validate import load_plan

SHEET = "任务台账"
META = "plansite"  # a very hidden sheet: which unit and period the workbook is for
FIRST_ROW = 3  # row 1: title, row 2: headers


@dataclass(frozen=True, order=True)
class Cell(Location):
    """A cell of a workbook, shown as `file.xlsx:任务台账!C7` and sorted by row, then column."""

    def __str__(self) -> str:
        return f"{self.file}{get_column_letter(self.col)}{self.line}" if self.line else self.file


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    locked: bool


COLUMNS: tuple[Column, ...] = (
    Column("measure", "措施编号", 8, True),
    Column("number", "条号", 7, True),
    Column("text", "措施内容", 46, True),
    Column("role", "本单位职责", 14, True),
    Column("co_units", "牵头/参加/责任单位", 22, True),
    Column("status", "完成情况（从下拉列表选择）", 14, False),
    Column("as_of", "截至日期（如 2023-06-30）", 13, False),
    Column("progress", "进度（%）", 8, False),
    Column("summary", "进展情况", 40, False),
    Column("milestones", "主要节点（每行：日期 内容）", 26, False),
    Column("evidence", "佐证材料（每行：名称；日期；链接或文号）", 30, False),
    Column("next_steps", "下一步计划", 22, False),
    Column("reason", "调整原因（已调整/不再实施时必填）", 20, False),
)
LETTER = {c.key: get_column_letter(i) for i, c in enumerate(COLUMNS, start=1)}
LOCKED = tuple(c for c in COLUMNS if c.locked)
FILLED = tuple(c for c in COLUMNS if not c.locked)

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_LOCKED_FILL = PatternFill("solid", fgColor="EEEEEE")
_HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DATE = re.compile(r"^([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?$")


@dataclass(frozen=True)
class Row:
    """One pre-filled row of a unit's sheet: a measure, and the unit's role in it."""

    measure: Measure
    role: str
    via: Unit | None

    def cells(self) -> dict[str, str]:
        label = self.measure.role_labels.get(self.role, ROLE_LABELS[self.role])
        co_units = "；".join(
            f"{self.measure.role_labels.get(r, ROLE_LABELS[r])}：{'、'.join(u.name for u in self.measure.units(r))}"
            for r in ROLES if self.measure.units(r))
        return {"measure": self.measure.id, "number": f"第{self.measure.number}条", "text": self.measure.text,
                "role": f"{label}（{self.via.name}）" if self.via else label, "co_units": co_units}


def sheet_rows(plan: Plan, unit: Unit) -> list[Row]:
    """The unit's measures in plan order: those it holds itself, then those given to a collective."""
    own, shared = [], []
    for measure in plan.measures:
        role = next((r for r in ROLES if any(u.slug == unit.slug for u in measure.units(r))), None)
        if role is not None:
            own.append(Row(measure, role, None))
            continue
        held = next(((r, u) for r in ROLES for u in measure.units(r) if u.is_collective), None)
        if held is not None:
            shared.append(Row(measure, held[0], held[1]))
    return own + shared


def _text(cell: Any, value: Any) -> None:
    """Put a value in a cell as what it is: a text is never read as a formula."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        cell.quotePrefix = value.startswith(("=", "+", "-", "@"))


def write_sheet(plan: Plan, progress: Progress, unit: Unit, period: Period, path: Path) -> int:
    """One unit's 台账 for a period, pre-filled with what it already reported; returns its row count."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    rows = sheet_rows(plan, unit)
    last = get_column_letter(len(COLUMNS))
    ws.merge_cells(f"A1:{last}1")
    _text(ws["A1"], f"{unit.name} {period.label}落实情况任务台账（{period.start}至{period.end}）"
                    "——灰色各列请勿修改，白色各列填写；不涉及的措施留空")
    ws["A1"].font = Font(bold=True, size=12)
    ws["A1"].alignment = Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[1].height = 36
    for i, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=2, column=i)
        _text(cell, column.header)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = _BORDER
        ws.column_dimensions[get_column_letter(i)].width = column.width
    entries = progress.unit_entries(unit)
    for r, row in enumerate(rows, start=FIRST_ROW):
        values: dict[str, Any] = {**row.cells(), **_filled(entries.get((period.key, row.measure.id)))}
        for i, column in enumerate(COLUMNS, start=1):
            cell = ws.cell(row=r, column=i)
            _text(cell, values.get(column.key))
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = _BORDER
            cell.protection = Protection(locked=column.locked)
            if column.locked:
                cell.fill = _LOCKED_FILL
    if rows:
        choices = ",".join(s.name for s in progress.statuses)
        status = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True, showErrorMessage=True,
                                errorTitle="完成情况",
                                error="请从下拉列表中选择：" + "、".join(s.name for s in progress.statuses))
        status.add(f"{LETTER['status']}{FIRST_ROW}:{LETTER['status']}{FIRST_ROW + len(rows) - 1}")
        ws.add_data_validation(status)
    ws.freeze_panes = f"C{FIRST_ROW}"
    ws.print_title_rows = "1:2"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.protection.sheet = True
    ws.protection.formatColumns = ws.protection.formatRows = False  # widths and heights may change
    meta = wb.create_sheet(META)
    for r, (key, value) in enumerate((("unit", unit.slug), ("period", period.key), ("rows", len(rows))), start=1):
        _text(meta.cell(row=r, column=1), key)
        _text(meta.cell(row=r, column=2), value)
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    tmp = path.with_name(path.name + ".tmp")
    wb.save(tmp)
    os.replace(tmp, path)
    return len(rows)


def _filled(entry: Any) -> dict[str, Any]:
    if entry is None:
        return {}
    return {
        "status": entry.status.name, "as_of": entry.as_of, "progress": entry.progress, "summary": entry.summary,
        "milestones": "\n".join(f"{m.date} {m.text}" for m in entry.milestones),
        "evidence": "\n".join(f"{e.title}；{e.date}；{e.link or e.file}" for e in entry.evidence),
        "next_steps": entry.next_steps, "reason": entry.reason,
    }


def sheet_units(plan: Plan) -> list[Unit]:
    """Every department with at least one measure to report on (collectives do not report)."""
    return [u for u in plan.units if not u.is_collective and sheet_rows(plan, u)]


def write_sheets(data_dir: Path, period_key: str, out: Path) -> list[tuple[Path, int]]:
    """One `<unit-slug>.xlsx` per department into `out`; raise PlanError when the data is invalid."""
    period = parse_period(period_key)
    if period is None:
        raise PlanError([Problem(Location(f"--period {period_key}"), "not a reporting period",
                                 "write a year (2023), a half-year (2023-H1) or a quarter (2023-Q3)")])
    plan = load_plan(data_dir)
    progress = load_progress(data_dir, plan)
    if progress is None or not progress.statuses:
        raise PlanError([Problem(Location(f"{data_dir.name}/{FOLDER}/{STATUSES}"), "file is missing",
                                 "declare the statuses units may report (README, 'Progress') before writing sheets")])
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for unit in sheet_units(plan):
        path = out / f"{unit.slug}.xlsx"
        written.append((path, write_sheet(plan, progress, unit, period, path)))
    return written


# --- reading filled sheets back -----------------------------------------------------------------


class _SheetReader:
    """Reads one workbook into (unit, period, entries) and notes every problem with its cell."""

    def __init__(self, path: Path, plan: Plan, progress: Progress, problems: list[Problem]):
        self.path, self.plan, self.progress, self.problems = path, plan, progress, problems
        self.name = path.name
        self.refused: set[str] = set()  # cells already reported (a formula): not also "empty"

    def problem(self, cell: str, message: str, hint: str = "", sheet: str = SHEET) -> None:
        if not cell:
            self.problems.append(Problem(Cell(self.name), message, hint))
            return
        letter, row = coordinate_from_string(cell)
        self.problems.append(Problem(Cell(f"{self.name}:{sheet}!", row, column_index_from_string(letter)), message,
                                     hint))

    def read(self) -> tuple[Unit, Period, list[dict[str, Any]]] | None:
        try:
            wb = openpyxl.load_workbook(self.path, data_only=False)
        except (zipfile.BadZipFile, OSError, KeyError, ValueError) as err:
            self.problem("", f"not an Excel workbook (.xlsx): {err}", "save the sheet as .xlsx (Excel 2007 or later)")
            return None
        if META not in wb.sheetnames or SHEET not in wb.sheetnames:
            missing = SHEET if META in wb.sheetnames else META
            self.problem("", f"no sheet '{missing}': not a sheet written by scripts/progress.py sheets",
                         "fill in the sheet you were sent; do not copy its rows into another workbook")
            return None
        meta = {str(r[0].value): r[1].value for r in wb[META].iter_rows(max_col=2) if r[0].value}
        units = {u.slug: u for u in self.plan.units}
        unit, period = units.get(str(meta.get("unit"))), parse_period(str(meta.get("period")))
        if unit is None or period is None:
            self.problem("A1", f"the sheet is for unit '{meta.get('unit')}', period '{meta.get('period')}', "
                         "which this plan does not have", "write new sheets with scripts/progress.py sheets",
                         sheet=META)
            return None
        ws = wb[SHEET]
        for i, column in enumerate(COLUMNS, start=1):
            if ws.cell(row=2, column=i).value != column.header:
                self.problem(f"{get_column_letter(i)}2", f"the header '{ws.cell(row=2, column=i).value}' was changed",
                             f"it must read '{column.header}'; columns must not be moved, added or deleted")
        expected = {row.measure.id: row for row in sheet_rows(self.plan, unit)}
        entries, seen = [], {}
        for r in range(FIRST_ROW, ws.max_row + 1):
            values = {c.key: ws[f"{LETTER[c.key]}{r}"] for c in COLUMNS}
            entry = self.row(r, values, expected, unit, period, seen)
            if entry is not None:
                entries.append(entry)
        return unit, period, entries

    def value(self, cell: Any, key: str, r: int) -> str:
        """A cell as text ('' when empty); a formula or a control character is a problem."""
        value = cell.value
        where = f"{LETTER[key]}{r}"
        if cell.data_type == "f" or not isinstance(value, (str, int, float, datetime.date, type(None))):
            self.refused.add(where)
            self.problem(where, f"a formula is not allowed here: {str(value)[:40]}",
                         "type the text itself; to begin a text with =, type ' before it")
            return ""
        if value is None:
            return ""
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
        if _CONTROL.search(text):
            self.refused.add(where)
            self.problem(where, "the text contains a control character", "delete it; it often comes from a PDF")
            return ""
        return text

    def row(self, r: int, cells: dict[str, Any], expected: dict[str, Row], unit: Unit, period: Period,
            seen: dict[str, int]) -> dict[str, Any] | None:
        v = {key: self.value(cell, key, r) for key, cell in cells.items()}
        if not any(v.values()):
            return None
        measure_id = v["measure"]
        row = expected.get(measure_id)
        if row is None:
            owner = next((m for m in self.plan.measures if m.id == measure_id), None)
            what = f"measure {measure_id} is not {unit.name}'s" if owner else f"unknown measure '{measure_id}'"
            self.problem(f"{LETTER['measure']}{r}", what,
                         "columns A–E are locked: restore the row as it was written, or write new sheets")
            return None
        if measure_id in seen:
            self.problem(f"{LETTER['measure']}{r}", f"measure {measure_id} appears twice",
                         f"the first one is in row {seen[measure_id]}")
            return None
        seen[measure_id] = r
        ok = True
        for column in LOCKED:
            if v[column.key] != row.cells()[column.key].strip():
                ok = False
                self.problem(f"{LETTER[column.key]}{r}", f"measure {measure_id}: the locked column '{column.header}' "
                             "was changed", f"restore it to '{row.cells()[column.key][:30]}'")
        if not v["status"]:
            filled = [c.header for c in FILLED if v[c.key]]
            if filled:
                self.problem(f"{LETTER['status']}{r}", f"measure {measure_id}: no status, but '{filled[0]}' is filled",
                             "choose a status from the list, or clear the row's other cells")
            return None
        return self.entry(r, v, row, period) if ok else None

    def entry(self, r: int, v: dict[str, str], row: Row, period: Period) -> dict[str, Any] | None:
        before = len(self.problems)
        subject = f"measure {row.measure.id}: "
        statuses = {s.name: s for s in self.progress.statuses}
        status = statuses.get(v["status"])
        if status is None:
            self.problem(f"{LETTER['status']}{r}", f"{subject}unknown status '{v['status']}'",
                         did_you_mean(v["status"], statuses) or "choose one of: " + "、".join(statuses))
        as_of = self.date(f"{LETTER['as_of']}{r}", v["as_of"], subject + "截至日期", required=True)
        if as_of and parse_date(as_of) not in period:
            self.problem(f"{LETTER['as_of']}{r}", f"{subject}the date {as_of} lies outside {period.key}",
                         f"{period.key} runs from {period.start} to {period.end}")
        progress = self.percent(f"{LETTER['progress']}{r}", v["progress"], subject)
        if not v["summary"] and f"{LETTER['summary']}{r}" not in self.refused:
            self.problem(f"{LETTER['summary']}{r}", f"{subject}进展情况 is empty", "say briefly what was done")
        milestones = self.milestones(f"{LETTER['milestones']}{r}", v["milestones"], subject)
        evidence = self.evidence(f"{LETTER['evidence']}{r}", v["evidence"], subject)
        if status is not None and status.requires == "evidence" and not v["evidence"]:
            self.problem(f"{LETTER['evidence']}{r}", f"{subject}status '{status.name}' needs evidence",
                         "one line a document: 名称；2023-06-30；链接或文号")
        if status is not None and status.requires == "reason" and not v["reason"]:
            self.problem(f"{LETTER['reason']}{r}", f"{subject}status '{status.name}' needs a reason",
                         "say why the measure was adjusted or dropped")
        if len(self.problems) > before:
            return None
        entry: dict[str, Any] = {"measure": int(row.measure.id) if row.measure.id.isdigit() else row.measure.id,
                                 "role": row.role}
        if row.via:
            entry["via"] = row.via.name
        entry.update(status=v["status"], as_of=as_of)
        if progress is not None:
            entry["progress"] = progress
        entry["summary"] = v["summary"]
        for key, value in (("milestones", milestones), ("evidence", evidence),
                           ("next_steps", v["next_steps"]), ("reason", v["reason"])):
            if value:
                entry[key] = value
        return entry

    def date(self, where: str, text: str, what: str, required: bool = False) -> str:
        if not text:
            if required:
                self.problem(where, f"{what} is empty", "write the date as 2023-06-30")
            return ""
        match = _DATE.match(text.strip())
        day = None
        if match:
            try:
                day = datetime.date(*(int(g) for g in match.groups()))
            except ValueError:
                day = None
        if day is None:
            self.problem(where, f"{what} '{text}' is not a date", "write the date as 2023-06-30")
            return ""
        return day.isoformat()

    def percent(self, where: str, text: str, subject: str) -> int | None:
        if not text:
            return None
        raw = text.rstrip("%％").strip()
        try:
            value = float(raw)
        except ValueError:
            value = -1
        if raw == text and 0 < value < 1:
            value *= 100  # a cell in Excel's percent format holds 60% as 0.6
        if not 0 <= value <= 100 or value != int(value):
            self.problem(where, f"{subject}进度 '{text}' is not a whole percentage from 0 to 100", "write e.g. 60")
            return None
        return int(value)

    def milestones(self, where: str, text: str, subject: str) -> list[dict[str, str]]:
        items = []
        for line in filter(None, (s.strip() for s in text.split("\n"))):
            match = re.match(r"^(\S+?)[\s：:]+(.+)$", line)
            if not match:
                self.problem(where, f"{subject}主要节点 '{line}' is not 日期 内容",
                             "one line a milestone: 2023-03-15 内容")
                continue
            date = self.date(where, match.group(1), f"{subject}主要节点", required=True)
            if date:
                items.append({"date": date, "text": match.group(2).strip()})
        return items

    def evidence(self, where: str, text: str, subject: str) -> list[dict[str, str]]:
        items = []
        for line in filter(None, (s.strip() for s in text.split("\n"))):
            parts = [p.strip() for p in re.split(r"[；;]", line)]
            if len(parts) != 3 or not all(parts):
                self.problem(where, f"{subject}佐证材料 '{line}' is not 名称；日期；链接或文号",
                             "one line a document, three parts separated by ；")
                continue
            date = self.date(where, parts[1], f"{subject}佐证材料日期", required=True)
            ref = parts[2]
            link = re.fullmatch(r"https?://[^\s<>\"]+", ref)
            if ref.lower().startswith(("http:", "https:", "javascript:", "data:")) and not link:
                self.problem(where, f"{subject}佐证材料 link '{ref}' is not an http(s) address")
                continue
            if date:
                items.append({"title": parts[0], "date": date, ("link" if link else "file"): ref})
        return items


def read_sheets(paths: list[Path], plan: Plan, progress: Progress) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """(period key, unit slug) -> entries of every sheet; raise PlanError with every problem of every sheet."""
    problems: list[Problem] = []
    reports: dict[tuple[str, str], list[dict[str, Any]]] = {}
    first: dict[tuple[str, str], str] = {}
    for path in paths:
        result = _SheetReader(path, plan, progress, problems).read()
        if result is None:
            continue
        unit, period, entries = result
        key = (period.key, unit.slug)
        if key in first:
            problems.append(Problem(Cell(path.name), f"a second sheet of {unit.name} for {period.key}",
                                    f"the first one is {first[key]}; import one sheet per unit and period"))
            continue
        first[key] = path.name
        reports[key] = entries
    if problems:
        raise PlanError(problems)
    return reports


HEADER = ("# yaml-language-server: $schema=../../../plansite/schema/progress.schema.json\n"
          "# Imported from a 任务台账 by scripts/progress.py import; edit the sheet, or this file.\n")


class _Dumper(yaml.SafeDumper):
    """Lists indented under their key, as the hand-written reports are."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def report_yaml(entries: list[dict[str, Any]], submitted: str = "") -> str:
    data: dict[str, Any] = {"submitted": submitted} if submitted else {}
    data["entries"] = entries
    return HEADER + yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1 << 16)


def import_sheets(data_dir: Path, paths: list[Path]) -> list[tuple[Path, bool]]:
    """Read the sheets and write data/progress/<period>/<slug>.yaml for each; [(file, changed)].
    A sheet with no row filled in writes no file (the unit has not reported).

    Nothing is written unless every sheet is valid and the progress data they make, with what is
    already in data/, validates as a whole."""
    plan = load_plan(data_dir)
    progress = load_progress(data_dir, plan)
    if progress is None or not progress.statuses:
        raise PlanError([Problem(Location(f"{data_dir.name}/{FOLDER}/{STATUSES}"), "file is missing",
                                 "declare the statuses units may report (README, 'Progress')")])
    reports = read_sheets(paths, plan, progress)
    submitted = {(r.period.key, r.unit.slug): r.submitted for r in progress.reports}
    texts = {data_dir / FOLDER / period / f"{slug}.yaml": report_yaml(entries, submitted.get((period, slug), ""))
             for (period, slug), entries in reports.items() if entries}  # an empty sheet: still 未报送
    with tempfile.TemporaryDirectory() as tmp:  # the whole, as it would be: validated before anything is written
        trial = Path(tmp) / data_dir.name
        shutil.copytree(data_dir, trial)
        for path, text in texts.items():
            target = trial / path.relative_to(data_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        load_progress(trial, plan)
    written = []
    for path, text in texts.items():
        changed = not path.is_file() or path.read_text(encoding="utf-8") != text
        if changed:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp_path = path.with_name(path.name + ".tmp")
            tmp_path.write_text(text, encoding="utf-8")
            os.replace(tmp_path, path)
        written.append((path, changed))
    return written
