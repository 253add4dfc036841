"""The pages and open data made from the units' progress reports (see plansite/progress.py).

    progress/index.md               /progress/: the whole plan, by status, part and unit; what is behind
    progress/<period>.md            /progress/<period>/: the printable report of one period
    units/<slug>/progress.md        /units/<slug>/progress/: one unit's report card, and what it did not report
    data/progress.json, .schema.json, data/progress.csv

The renderer holds one `ProgressView`; templates reach it as `progress` (None without progress data).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from . import charts
from .exports import DATA_DIR, JOIN, _csv, neutralise
from .model import ROLE_LABELS, ROLES, Measure, Part, Plan, Unit
from .progress import UNREPORTED, UNREPORTED_SLUG, Assignment, Entry, Period, Progress, Tally
from .urls import url_of

if TYPE_CHECKING:
    from .render import Outputs, Renderer

INDEX = "progress/index.md"

def period_path(period: Period) -> str:
    return f"progress/{period.key}.md"


def unit_progress_path(unit: Unit) -> str:
    return f"units/{unit.slug}/progress.md"


@dataclass(frozen=True)
class UnitRow:
    """One unit's place in a measure, and what it last reported on it."""

    unit: Unit
    role: str  # the role's label as the measure writes it, with the collective when through one
    latest: Entry | None


@dataclass(frozen=True)
class ReportRow:
    """One measure in a period's report: 进展情况 and 完成情况 as the report prints them."""

    measure: Measure
    leads: str
    progress_text: str
    completion_text: str


class ProgressView:
    """The progress as the templates need it: indexes made once, roll-ups per period."""

    def __init__(self, plan: Plan, progress: Progress):
        self.plan, self.data = plan, progress
        self.periods = progress.periods
        self.latest = progress.latest
        self.example = progress.example
        self.statuses = progress.statuses
        self.status_names = progress.status_names
        self.UNREPORTED = UNREPORTED
        self.columns = PROGRESS_COLUMNS
        self.timelines = progress.by_measure()
        self.assigned = {p.key: progress.assignments(plan, p) for p in self.periods}
        # one pass each over the measures and the entries, so that pages per unit and per period stay linear
        self.own: dict[str, list[tuple[Measure, str]]] = {}
        for m in plan.measures:
            for role in ROLES:
                for u in m.units(role):
                    rows = self.own.setdefault(u.slug, [])
                    if not rows or rows[-1][0].id != m.id:  # a unit's first role in a measure
                        rows.append((m, role))
        self.by_unit_entries: dict[str, dict[tuple[str, str], Entry]] = {}
        self.by_period_measure: dict[tuple[str, str], list[Entry]] = {}
        for e in progress.entries:
            self.by_unit_entries.setdefault(e.unit.slug, {})[(e.period.key, e.measure.id)] = e
            self.by_period_measure.setdefault((e.period.key, e.measure.id), []).append(e)
        self.order = {u.slug: i for i, u in enumerate(plan.units)}
        self.cards = self.card_units()
        self.carded = {u.slug for u in self.cards}
        self.period_path, self.card_path = period_path, unit_progress_path

    # --- per measure (the include on measure pages) ---

    def timeline(self, measure: Measure) -> tuple[Entry, ...]:
        return self.timelines.get(measure.id, ())

    def unit_rows(self, measure: Measure) -> list[UnitRow]:
        """Each unit the measure names, by role, with its latest entry; a collective gives way to the
        departments that reported through it."""
        latest: dict[str, Entry] = {}
        for entry in self.timeline(measure):
            latest[entry.unit.slug] = entry
        rows, seen = [], set()
        for role in ROLES:
            label = measure.role_labels.get(role, ROLE_LABELS[role])
            for unit in measure.units(role):
                through = [e for e in latest.values() if e.via is not None and e.via.slug == unit.slug]
                if unit.is_collective and through:
                    rows += [UnitRow(e.unit, f"{label}（{unit.name}）", e) for e in through if e.unit.slug not in seen]
                    seen |= {e.unit.slug for e in through}
                elif unit.slug not in seen:
                    seen.add(unit.slug)
                    rows.append(UnitRow(unit, label, latest.get(unit.slug)))
        return rows

    def slug(self, status_name: str) -> str:
        return self.data.status_slug(status_name)

    def badge(self, status_name: str) -> Markup:
        """A status as a small labelled badge (the text is the status; the colour only repeats it)."""
        from .markdown import md_escape
        return Markup(f'<span class="progress-status progress-status--{self.slug(status_name)}">'
                      f"{md_escape(status_name)}</span>")

    # --- roll-ups ---

    def tally(self, period: Period, label: str = "", measures: Any = None) -> Tally:
        rows = self.assigned[period.key]
        if measures is not None:
            ids = {m.id for m in measures}
            rows = [a for a in rows if a.measure.id in ids]
        return self.data.tally(label, rows)

    def by_part(self, period: Period) -> list[tuple[Part, Tally]]:
        return [(p, self.tally(period, p.title, p.measures)) for p in self.plan.parts if p.measures]

    def by_unit(self, period: Period) -> list[tuple[Unit, Tally]]:
        rows: dict[str, list[Assignment]] = {}
        for a in self.assigned[period.key]:
            rows.setdefault(a.unit.slug, []).append(a)
        return [(u, self.data.tally(u.name, rows[u.slug])) for u in self.plan.units if u.slug in rows]

    def behind(self, period: Period) -> list[Assignment]:
        names = {s.name for s in self.statuses if s.behind}
        return [a for a in self.assigned[period.key] if a.status in names]

    def chart(self, period: Period) -> Markup:
        tally = self.tally(period)
        bars = [charts.Bar(name, count) for name, count in tally.counts]
        return charts.bar_chart(bars, f"chart-progress-{period.key}", f"{period.label}各状态任务数", "项")

    # --- one period's report ---

    def report_rows(self, period: Period, part: Part) -> list[ReportRow]:
        rows = []
        for m in part.measures:
            entries = sorted(self.by_period_measure.get((period.key, m.id), []),
                             key=lambda e: (ROLES.index(e.role), self.order[e.unit.slug]))
            reported = {e.unit.slug for e in entries} | {e.via.slug for e in entries if e.via}
            missing = [u for u in m.units("lead") if u.slug not in reported]
            progress = [f"{e.unit.name}：{e.summary}" for e in entries]
            completion = [f"{e.unit.name}：{e.status.name}" + (f"（{e.progress}%）" if e.progress is not None else "")
                          for e in entries] + [f"{u.name}：{UNREPORTED}" for u in missing]
            rows.append(ReportRow(m, JOIN.join(u.name for u in m.units("lead")) or "—",
                                  "\n".join(progress) or "—", "\n".join(completion) or "—"))
        return rows

    def silent_units(self, period: Period) -> list[Unit]:
        """Departments with a measure to report on that sent no report for the period."""
        sent = {r.unit.slug for r in self.data.reports if r.period == period}
        return [u for u in self.cards if u.slug not in sent]

    # --- one unit's card ---

    def card_units(self) -> list[Unit]:
        """Every department that holds a role in some measure, or that reported."""
        named = set(self.own) | set(self.data.units_reporting())
        return [u for u in self.plan.units if u.slug in named and not u.is_collective]

    def card(self, unit: Unit) -> dict[str, Any]:
        entries = self.by_unit_entries.get(unit.slug, {})
        own = self.own.get(unit.slug, [])
        direct = {m.id for m, _ in own}
        via = sorted({(e.measure.number, e.measure.id): e for e in entries.values() if e.measure.id not in direct}
                     .items())
        rows = [(m, m.role_labels.get(r, ROLE_LABELS[r])) for m, r in own]
        rows += [(e.measure, e.role_label) for _, e in via]
        missing = [(p, m, label) for p in self.periods for m, label in rows
                   if (p.key, m.id) not in entries and m.id in direct]
        counts = {p.key: self.data.tally(p.label, [Assignment(m, unit, (e,) if (e := entries.get((p.key, m.id)))
                                                              else ()) for m, _ in rows if m.id in direct])
                  for p in self.periods}
        return {"rows": rows, "entries": entries, "missing": missing, "counts": counts}

    def unit_has_card(self, unit: Unit) -> bool:
        return unit.slug in self.carded

    # --- writing ---

    def pages(self, renderer: Renderer) -> list[tuple[str, str]]:
        pages = [renderer.page("progress.md.j2", INDEX)]
        pages += [renderer.page("progress_period.md.j2", period_path(p), period=p) for p in self.periods]
        pages += [renderer.page("unit_progress.md.j2", unit_progress_path(u), unit=u, card=self.card(u))
                  for u in self.cards]
        return pages

    def data_files(self) -> Outputs:
        return {
            f"{DATA_DIR}/progress.json": json.dumps(progress_data(self.plan, self.data), ensure_ascii=False,
                                                     indent=2) + "\n",
            f"{DATA_DIR}/progress.schema.json": json.dumps(PROGRESS_SCHEMA, ensure_ascii=False, indent=2) + "\n",
            f"{DATA_DIR}/progress.csv": progress_csv(self.data),
        }


# --- open data ----------------------------------------------------------------------------------

PROGRESS_COLUMNS: dict[str, str] = {
    "period": "报送期：2023（年度）、2023-H1（半年）、2023-Q3（季度）",
    "unit_slug": "报送单位编号",
    "unit_name": "报送单位",
    "measure_id": "措施编号",
    "measure_number": "条号",
    "role": "lead：牵头；participating：参加；responsible：负责",
    "via": "通过哪个统称承担（如“区直各部门”），直接承担时为空",
    "status": "完成情况（状态）",
    "status_slug": "状态编号",
    "as_of": "截至日期",
    "progress": "进度（%），未填时为空",
    "summary": "进展情况",
    "milestones": "主要节点：每行“日期 内容”",
    "evidence": "佐证材料：每行“名称；日期；链接或文号”",
    "next_steps": "下一步计划",
    "reason": "调整原因",
}


def milestone_lines(entry: Entry) -> str:
    return "\n".join(f"{m.date} {m.text}" for m in entry.milestones)


def evidence_lines(entry: Entry) -> str:
    return "\n".join(f"{e.title}；{e.date}；{e.link or e.file}" for e in entry.evidence)


def progress_csv(progress: Progress) -> bytes:
    """One row per entry; a text that would run as a formula in Excel starts with '."""
    rows = []
    for e in sorted(progress.entries, key=lambda e: (e.period, e.measure.number, e.unit.slug)):
        texts = (e.summary, milestone_lines(e), evidence_lines(e), e.next_steps, e.reason)
        rows.append((e.period.key, e.unit.slug, e.unit.name, e.measure.id, e.measure.number, e.role,
                     e.via.name if e.via else "", e.status.name, e.status.slug, e.as_of,
                     "" if e.progress is None else e.progress, *(neutralise(t) for t in texts)))
    return _csv(PROGRESS_COLUMNS, rows)


def _entry(e: Entry) -> dict[str, Any]:
    return {
        "unit": e.unit.slug, "measure": e.measure.id, "measure_url": url_of(e.measure), "role": e.role,
        "via": e.via.slug if e.via else None, "status": e.status.slug, "as_of": e.as_of,
        "progress": e.progress, "summary": e.summary,
        "milestones": [{"date": m.date, "text": m.text} for m in e.milestones],
        "evidence": [{"title": v.title, "date": v.date, "link": v.link or None, "file": v.file or None}
                     for v in e.evidence],
        "next_steps": e.next_steps or None, "reason": e.reason or None,
    }


def progress_data(plan: Plan, progress: Progress) -> dict[str, Any]:
    """The reports as reported, the statuses, and the per-period roll-up (computed, as on the pages)."""
    return {
        "statuses": [{"name": s.name, "slug": s.slug, "meaning": s.meaning, "requires": s.requires or None,
                      "behind": s.behind, "done": s.done} for s in progress.statuses]
        + [{"name": UNREPORTED, "slug": UNREPORTED_SLUG, "meaning": "没有报送（不等于未启动）", "requires": None,
            "behind": False, "done": False}],
        "periods": [
            {"key": p.key, "label": p.label, "start": p.start.isoformat(), "end": p.end.isoformat(),
             "counts": {progress.status_slug(n): c
                        for n, c in progress.tally("", progress.assignments(plan, p)).counts},
             "reports": [{"unit": r.unit.slug, "submitted": r.submitted or None,
                          "entries": [_entry(e) for e in r.entries]}
                         for r in progress.reports if r.period == p]}
            for p in progress.periods
        ],
    }


def _s(description: str, nullable: bool = False) -> dict[str, Any]:
    return {"type": ["string", "null"] if nullable else "string", "description": description}


def _obj(description: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "description": description, "additionalProperties": False,
            "required": list(properties), "properties": properties}


PROGRESS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "progress.schema.json",
    "title": "落实情况开放数据（progress.json）",
    **_obj("各单位按报送期报送的落实情况，以及按期汇总的各状态任务数（牵头单位×措施，未报送单列）。", {
        "statuses": {"type": "array", "description": "状态，按声明顺序；最后一项“未报送”表示没有报送",
                     "items": _obj("一种状态", {
                         "name": _s("名称"), "slug": _s("编号"), "meaning": _s("含义"),
                         "requires": {"enum": ["evidence", "reason", None],
                                      "description": "evidence：须附佐证材料；reason：须说明原因"},
                         "behind": {"type": "boolean", "description": "是否属于进度滞后"},
                         "done": {"type": "boolean", "description": "是否表示已完成"},
                     })},
        "periods": {"type": "array", "description": "报送期，按时间顺序", "items": _obj("一个报送期", {
            "key": _s("编号：2023、2023-H1、2023-Q3"), "label": _s("名称"),
            "start": {"type": "string", "format": "date", "description": "起始日期"},
            "end": {"type": "string", "format": "date", "description": "截止日期"},
            "counts": {"type": "object", "additionalProperties": {"type": "integer"},
                       "description": "状态编号 → 牵头任务数（含 unreported：未报送）"},
            "reports": {"type": "array", "description": "本期各单位的报送", "items": _obj("一个单位的报送", {
                "unit": _s("单位编号（见 plan.json 的 units）"), "submitted": _s("报送日期", True),
                "entries": {"type": "array", "items": {"$ref": "#/$defs/entry"}, "description": "各条措施"},
            })},
        })},
    }),
    "$defs": {"entry": _obj("一个单位对一条措施的报送", {
        "unit": _s("单位编号"), "measure": _s("措施编号"), "measure_url": _s("措施页面地址"),
        "role": {"enum": list(ROLES), "description": "角色"}, "via": _s("通过的统称（单位编号）", True),
        "status": _s("状态编号"), "as_of": {"type": "string", "format": "date", "description": "截至日期"},
        "progress": {"type": ["integer", "null"], "minimum": 0, "maximum": 100, "description": "进度（%）"},
        "summary": _s("进展情况"),
        "milestones": {"type": "array", "description": "主要节点", "items": _obj("一个节点", {
            "date": {"type": "string", "format": "date"}, "text": _s("内容")})},
        "evidence": {"type": "array", "description": "佐证材料", "items": _obj("一份材料", {
            "title": _s("名称"), "date": {"type": "string", "format": "date"}, "link": _s("网址", True),
            "file": _s("文号或档案号", True)})},
        "next_steps": _s("下一步计划", True), "reason": _s("调整原因", True),
    })},
}
