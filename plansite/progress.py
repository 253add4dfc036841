"""Implementation progress (落实情况): the units' reports, validated into frozen objects beside the Plan.

    data/progress/statuses.yaml              the declared statuses (未启动, 序时推进, 滞后, 已完成 …)
    data/progress/<period>/<unit-slug>.yaml  one unit's report for one period: 2023, 2023-H1, 2023-Q3

No `data/progress/` folder: no progress, and the site is built as without this stage. Roll-ups
(counts per status, coverage, what is behind) are computed here from the entries, never stored.

A collective (区直各部门 and the like) is a way the plan names many departments at once, not an office:
it never reports and has no report file. A department reports its own share of a measure given to a
collective with that collective's role and `via: <the collective's name>`; a measure led by a
collective counts as reported for a period once any department has reported through it.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .model import ROLE_LABELS, ROLES, Location, Measure, Plan, Unit
from .problems import PlanError, Problem, did_you_mean
from .validate import check_shape
from .yamlfile import Path_, YamlDoc, read_yaml

FOLDER = "progress"
STATUSES = "statuses.yaml"
UNREPORTED = "未报送"  # not a status anyone reports: the absence of a report, counted on its own
UNREPORTED_SLUG = "unreported"

_PERIOD = re.compile(r"^([0-9]{4})(?:-(H[12]|Q[1-4]))?$")
_HALF = {"H1": (1, 6, "上半年"), "H2": (7, 12, "下半年")}
_QUARTER = {f"Q{q}": (3 * q - 2, 3 * q, f"第{'一二三四'[q - 1]}季度") for q in range(1, 5)}
PERIOD_SYNTAX = "a year (2023), a half-year (2023-H1, 2023-H2) or a quarter (2023-Q1 … 2023-Q4)"


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period; ordered by when it ends, then by when it starts (2023 before 2023-H2)."""

    end: datetime.date
    start: datetime.date
    key: str  # as written: 2023, 2023-H1, 2023-Q3

    @property
    def label(self) -> str:
        year, _, sub = self.key.partition("-")
        return f"{year}年" + ((_HALF.get(sub) or _QUARTER[sub])[2] if sub else "度")

    def __contains__(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


def parse_period(key: str) -> Period | None:
    """`2023`, `2023-H1`, `2023-Q3` as a Period, or None when it is not one."""
    match = _PERIOD.match(key)
    if not match:
        return None
    year, sub = int(match.group(1)), match.group(2)
    first, last = ((_HALF.get(sub) or _QUARTER[sub])[:2]) if sub else (1, 12)
    end = datetime.date(year, last, 1) + datetime.timedelta(days=31)
    return Period(end.replace(day=1) - datetime.timedelta(days=1), datetime.date(year, first, 1), key)


def parse_date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text) else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Status:
    name: str  # 序时推进
    slug: str  # on-track: in open data and CSS classes
    meaning: str
    requires: str  # "evidence", "reason" or ""
    behind: bool
    done: bool
    where: Location


@dataclass(frozen=True)
class Milestone:
    date: str
    text: str


@dataclass(frozen=True)
class Evidence:
    title: str
    date: str
    link: str = ""
    file: str = ""


@dataclass(frozen=True)
class Entry:
    """What one unit reported on one measure for one period."""

    period: Period
    unit: Unit
    measure: Measure
    role: str
    via: Unit | None  # the collective through which the unit holds the role
    status: Status
    as_of: str
    summary: str
    progress: int | None
    milestones: tuple[Milestone, ...]
    evidence: tuple[Evidence, ...]
    next_steps: str
    reason: str
    where: Location

    @property
    def role_label(self) -> str:
        label = self.measure.role_labels.get(self.role, ROLE_LABELS[self.role])
        return f"{label}（{self.via.name}）" if self.via else label


@dataclass(frozen=True)
class Report:
    """One unit's report file for one period (it may hold no entry yet)."""

    period: Period
    unit: Unit
    submitted: str
    entries: tuple[Entry, ...]
    where: Location


@dataclass(frozen=True)
class Tally:
    """How many assignments are in each status, 未报送 included as its own category."""

    label: str
    counts: tuple[tuple[str, int], ...]  # (status name, count), declared order, 未报送 last

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)

    def share(self, count: int) -> str:
        return f"{100 * count / self.total:.0f}%" if self.total else "—"

    def count(self, name: str) -> int:
        return dict(self.counts).get(name, 0)


@dataclass(frozen=True)
class Assignment:
    """A lead unit's measure in a period, with what it reported (no entry: 未报送)."""

    measure: Measure
    unit: Unit
    entries: tuple[Entry, ...]  # for a collective lead: every department's entry through it
    declared: tuple[str, ...] = ()  # the statuses in declared order

    @property
    def status(self) -> str:
        """The status reported; for a collective, the one most departments reported through it, and on a
        tie the one declared first (the less advanced: 序时推进 before 已完成)."""
        if not self.entries:
            return UNREPORTED
        counts = Counter(e.status.name for e in self.entries)
        rank = {name: i for i, name in enumerate(self.declared)}
        return min(counts, key=lambda name: (-counts[name], rank.get(name, len(rank)), name))


@dataclass(frozen=True)
class Progress:
    statuses: tuple[Status, ...]
    reports: tuple[Report, ...]
    example: str = ""  # set in an example project: the notice on every progress page

    @property
    def periods(self) -> tuple[Period, ...]:
        return tuple(sorted({r.period for r in self.reports}))

    @property
    def latest(self) -> Period | None:
        return self.periods[-1] if self.periods else None

    @property
    def entries(self) -> tuple[Entry, ...]:
        return tuple(e for r in self.reports for e in r.entries)

    @property
    def status_names(self) -> tuple[str, ...]:
        return (*(s.name for s in self.statuses), UNREPORTED)

    def status_slug(self, name: str) -> str:
        return next((s.slug for s in self.statuses if s.name == name), UNREPORTED_SLUG)

    # --- roll-ups ---

    def by_measure(self) -> dict[str, tuple[Entry, ...]]:
        """Measure id -> its entries, by period then as-of date."""
        index: dict[str, list[Entry]] = {}
        for entry in sorted(self.entries, key=_entry_order):
            index.setdefault(entry.measure.id, []).append(entry)
        return {k: tuple(v) for k, v in index.items()}

    def assignments(self, plan: Plan, period: Period, measures: Iterable[Measure] | None = None) -> list[Assignment]:
        """Every (measure, lead unit) of the plan, or of `measures`, with what was reported for `period`."""
        found: dict[tuple[str, str], list[Entry]] = {}
        for report in self.reports:
            if report.period == period:
                for entry in report.entries:
                    found.setdefault((entry.measure.id, entry.unit.slug), []).append(entry)
                    if entry.via is not None:
                        found.setdefault((entry.measure.id, entry.via.slug), []).append(entry)
        declared = tuple(s.name for s in self.statuses)
        return [Assignment(m, u, tuple(found.get((m.id, u.slug), ())), declared)
                for m in (plan.measures if measures is None else measures) for u in m.units("lead")]

    def tally(self, label: str, assignments: Iterable[Assignment]) -> Tally:
        counts = Counter(a.status for a in assignments)
        return Tally(label, tuple((name, counts[name]) for name in self.status_names))

    def behind(self, plan: Plan, period: Period) -> list[Assignment]:
        behind = {s.name for s in self.statuses if s.behind}
        return [a for a in self.assignments(plan, period) if a.status in behind]

    def missing(self, plan: Plan) -> list[tuple[Period, Assignment]]:
        """Every lead unit × measure × period without an entry (the coverage report)."""
        return [(p, a) for p in self.periods for a in self.assignments(plan, p) if not a.entries]

    def unit_entries(self, unit: Unit) -> dict[tuple[str, str], Entry]:
        """(period key, measure id) -> the unit's entry."""
        return {(e.period.key, e.measure.id): e for e in self.entries if e.unit.slug == unit.slug}

    def units_reporting(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.unit.slug for r in self.reports))


def _entry_order(entry: Entry) -> tuple[Period, str, str]:
    return (entry.period, entry.as_of, entry.unit.slug)


# --- loading and validating ---------------------------------------------------------------------


def load_progress(data_dir: Path, plan: Plan | None) -> Progress | None:
    """Read data/progress/ (None when there is none); raise PlanError with every problem.

    Without a plan (it did not validate) only the files' shapes are checked.
    """
    folder = data_dir / FOLDER
    if not folder.is_dir():
        return None
    loader = _Loader(data_dir, plan)
    statuses = loader.statuses()
    reports = loader.reports(statuses)
    if loader.problems:
        raise PlanError(loader.problems)
    return Progress(statuses, tuple(reports), loader.example)


class _Loader:
    def __init__(self, data_dir: Path, plan: Plan | None):
        self.data_dir, self.plan = data_dir, plan
        self.folder = data_dir / FOLDER
        self.problems: list[Problem] = []
        self.example = ""
        self.units = {u.slug: u for u in plan.units} if plan else {}
        self.measures = {m.id: m for m in plan.measures} if plan else {}

    def shown(self, path: Path) -> str:
        return f"{self.data_dir.name}/{path.relative_to(self.data_dir).as_posix()}"

    def problem(self, where: Location, message: str, hint: str = "") -> None:
        self.problems.append(Problem(where, message, hint))

    def read(self, path: Path, schema: str) -> YamlDoc | None:
        doc, found = read_yaml(path, self.shown(path))
        if doc is not None and not found:
            found = list(check_shape(doc, schema))
        self.problems.extend(found)
        return doc if doc is not None and not found else None

    def statuses(self) -> tuple[Status, ...]:
        path = self.folder / STATUSES
        if not path.is_file():
            self.problem(Location(self.shown(path)), "file is missing",
                         "declare the statuses units may report (README, 'Progress')")
            return ()
        doc = self.read(path, "progress-statuses")
        if doc is None:
            return ()
        self.example = doc.data.get("example", "")
        statuses, seen = [], {}
        for i, raw in enumerate(doc.data["statuses"]):
            where = doc.where(("statuses", i))
            for key in ("name", "slug"):
                if raw[key] in seen or raw[key] == UNREPORTED:
                    first = seen.get(raw[key])
                    hint = f"the first one is at line {first.line}" if first else f"{UNREPORTED} is built in"
                    self.problem(doc.where(("statuses", i, key)), f"duplicate status {key} '{raw[key]}'", hint)
                seen.setdefault(raw[key], where)
            statuses.append(Status(raw["name"], raw["slug"], raw.get("meaning", ""), raw.get("requires", ""),
                                   raw.get("behind", False), raw.get("done", False), where))
        return tuple(statuses)

    def reports(self, statuses: tuple[Status, ...]) -> list[Report]:
        reports = []
        for folder in sorted(p for p in self.folder.iterdir() if p.is_dir()):
            period = parse_period(folder.name)
            if period is None:
                self.problem(Location(self.shown(folder)), f"'{folder.name}' is not a reporting period",
                             f"name the folder after {PERIOD_SYNTAX}")
                continue
            for path in sorted(folder.iterdir()):
                if path.suffix != ".yaml" or not path.is_file():
                    self.problem(Location(self.shown(path)), "not a report file",
                                 "a period's folder holds <unit-slug>.yaml files only")
                    continue
                doc = self.read(path, "progress")
                if doc is not None and self.plan is not None:
                    report = self.report(doc, path.stem, period, {s.name: s for s in statuses})
                    if report is not None:
                        reports.append(report)
        for path in sorted(self.folder.iterdir()):
            if path.is_file() and path.name != STATUSES:
                self.problem(Location(self.shown(path)), "not a progress file",
                             f"reports go in a period's folder: {FOLDER}/2023-H1/<unit-slug>.yaml")
        return reports

    def report(self, doc: YamlDoc, slug: str, period: Period, statuses: dict[str, Status]) -> Report | None:
        unit = self.units.get(slug)
        if unit is None:
            self.problem(doc.where(()), f"'{slug}' is not a unit's slug",
                         did_you_mean(slug, self.units) or "name the file after the unit's slug in units.yaml")
            return None
        if unit.is_collective:
            self.problem(doc.where(()), f"{unit.name} is a collective (统称) and does not report",
                         "each department reports its share, with 'via: " + unit.name + "'")
            return None
        entries, seen = [], {}
        for i, raw in enumerate(doc.data["entries"]):
            measure_id = str(raw["measure"])
            if measure_id in seen:
                self.problem(doc.where(("entries", i, "measure")), f"measure {measure_id}: reported twice for "
                             f"{period.key}", f"the first one is at line {seen[measure_id].line}; one entry a measure")
                continue
            seen[measure_id] = doc.where(("entries", i))
            entry = self.entry(doc, ("entries", i), raw, unit, period, statuses)
            if entry is not None:
                entries.append(entry)
        submitted = doc.data.get("submitted", "")
        if submitted:
            self.check_date(doc, ("submitted",), submitted, None, "submitted")
        return Report(period, unit, submitted, tuple(entries), doc.where(()))

    def check_date(self, doc: YamlDoc, path: Path_, text: str, period: Period | None, what: str,
                   subject: str = "") -> None:
        day = parse_date(text)
        if day is None:
            self.problem(doc.where(path), f"{subject}'{what}' '{text}' is not a date", "write it as '2023-06-30'")
        elif period is not None and day not in period:
            self.problem(doc.where(path), f"{subject}'{what}' {text} lies outside the period {period.key}",
                         f"{period.key} runs from {period.start} to {period.end}")

    def entry(self, doc: YamlDoc, path: Path_, raw: dict, unit: Unit, period: Period,
              statuses: dict[str, Status]) -> Entry | None:
        measure_id = str(raw["measure"])
        subject = f"measure {measure_id}: "
        measure = self.measures.get(measure_id)
        if measure is None:
            self.problem(doc.where((*path, "measure")), f"unknown measure '{measure_id}'",
                         did_you_mean(measure_id, self.measures) or "use the measure's id (its URL /measures/<id>/)")
            return None
        ok = True
        via = self.role_holder(doc, path, raw, unit, measure)
        ok = via is not False
        status = statuses.get(raw["status"])
        if status is None:
            ok = False
            if statuses:
                self.problem(doc.where((*path, "status")), f"{subject}undeclared status '{raw['status']}'",
                             did_you_mean(raw["status"], statuses) or "declared: " + "、".join(statuses))
        self.check_date(doc, (*path, "as_of"), raw["as_of"], period, "as_of", subject)
        for j, milestone in enumerate(raw.get("milestones", [])):
            self.check_date(doc, (*path, "milestones", j, "date"), milestone["date"], None, "date", subject)
        for j, item in enumerate(raw.get("evidence", [])):
            self.check_date(doc, (*path, "evidence", j, "date"), item["date"], None, "date", subject)
            if not item.get("link") and not item.get("file"):
                self.problem(doc.where((*path, "evidence", j)), f"{subject}evidence '{item['title']}' has neither "
                             "'link' nor 'file'", "give the document's address or its file reference (文号)")
        if status is not None and status.requires == "evidence" and not raw.get("evidence"):
            ok = False
            self.problem(doc.where((*path, "status")), f"{subject}status '{status.name}' needs evidence",
                         "add 'evidence:' with the document's title, date, and a link or file reference")
        if status is not None and status.requires == "reason" and not raw.get("reason"):
            ok = False
            self.problem(doc.where((*path, "status")), f"{subject}status '{status.name}' needs a reason",
                         "add 'reason:' saying why the measure was adjusted or dropped")
        if not ok or status is None or via is False:
            return None
        return Entry(period, unit, measure, raw["role"], via, status, raw["as_of"], raw["summary"],
                     raw.get("progress"),
                     tuple(Milestone(m["date"], m["text"]) for m in raw.get("milestones", [])),
                     tuple(Evidence(e["title"], e["date"], e.get("link", ""), e.get("file", ""))
                           for e in raw.get("evidence", [])),
                     raw.get("next_steps", ""), raw.get("reason", ""), doc.where(path))

    def role_holder(self, doc: YamlDoc, path: Path_, raw: dict, unit: Unit, measure: Measure) -> Unit | bool | None:
        """The collective the unit holds its role through (None: directly), or False after a problem."""
        role, via_name = raw["role"], raw.get("via")
        subject = f"measure {measure.id}: "
        label = ROLE_LABELS[role]
        if via_name is None:
            if any(u.slug == unit.slug for u in measure.units(role)):
                return None
            held = [ROLE_LABELS[r] for r in ROLES if any(u.slug == unit.slug for u in measure.units(r))]
            collectives = [u.name for u in measure.units(role) if u.is_collective]
            hint = (f"it is {'、'.join(held)} here" if held
                    else f"through a collective, add 'via: {collectives[0]}'" if collectives
                    else f"the {label} are " + ("、".join(u.name for u in measure.units(role)) or "none"))
            self.problem(doc.where((*path, "role")), f"{subject}{unit.name} is not a {label} ({role}) of this measure",
                         hint)
            return False
        collective = next((u for u in measure.units(role) if u.name == via_name and u.is_collective), None)
        if collective is None:
            named = [u.name for u in measure.units(role) if u.is_collective]
            self.problem(doc.where((*path, "via")),
                         f"{subject}'{via_name}' is not a collective {label} of this measure",
                         "collectives in this role: " + ("、".join(named) or "none"))
            return False
        return collective


def coverage_report(plan: Plan, progress: Progress | None) -> str:
    """The lines `make check` prints: every lead unit × measure × period with no entry."""
    if progress is None:
        return "No progress data (data/progress/): no coverage to report."
    missing = progress.missing(plan)
    total = sum(len(progress.assignments(plan, p)) for p in progress.periods)
    lines = [f"Progress: {len(progress.periods)} periods, {len(progress.reports)} reports, "
             f"{len(progress.entries)} entries; {total - len(missing)} of {total} lead assignments reported."]
    if missing:
        lines.append(f"{len(missing)} lead assignments have no entry ({UNREPORTED}):")
        lines += [f"  {p.key}: measure {a.measure.id} (第{a.measure.number}条): {a.unit.name}" for p, a in missing]
    return "\n".join(lines)
