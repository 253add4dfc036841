"""Static SVG bar charts, drawn at build time: no JavaScript, nothing fetched.

Each chart is an inline `<svg role="img">` with a `<title>` and a `<desc>`
that says in words what the bars show; the page puts a table or list with the
same figures beside it. Text from the data is HTML-escaped here.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from markupsafe import Markup

from .model import Plan, Unit

WIDTH = 400  # viewBox units; the SVG scales to the column's width
ROW = 44  # one bar: its label on top, the bar below
BAR = 16
LABEL_SIZE = 13
VALUE_ROOM = 44  # room right of the longest bar for its figure


@dataclass(frozen=True)
class Bar:
    label: str
    value: int


def parts_bars(plan: Plan) -> list[Bar]:
    """Measures per part (parts without measures, like 总体要求, are left out)."""
    return [Bar(f"{p.number}、{p.title}", len(p.measures)) for p in plan.parts if p.measures]


def lead_counts(plan: Plan) -> list[tuple[Unit, int]]:
    """Every unit that leads at least one measure, most first (registry order breaks ties)."""
    counts = {u.slug: 0 for u in plan.units}
    for measure in plan.measures:
        for unit in measure.units("lead"):
            counts[unit.slug] += 1
    ranked = sorted(((u, counts[u.slug]) for u in plan.units if counts[u.slug]), key=lambda uc: -uc[1])
    return ranked


def top_leads(plan: Plan, limit: int = 10) -> list[tuple[Unit, int]]:
    """The units that lead the most measures: the first `limit`, and any tied with the last of them."""
    ranked = lead_counts(plan)
    if len(ranked) <= limit:
        return ranked
    floor = ranked[limit - 1][1]
    top = [uc for uc in ranked if uc[1] >= floor]
    return top if len(top) <= limit * 2 else [uc for uc in ranked if uc[1] > floor]


def lead_bars(plan: Plan, limit: int = 10) -> list[Bar]:
    return [Bar(unit.name, count) for unit, count in top_leads(plan, limit)]


def bar_chart(bars: list[Bar], chart_id: str, title: str, unit: str) -> Markup:
    """A horizontal bar chart as inline SVG; `unit` is the counter word (条)."""
    e = html.escape
    height = ROW * len(bars) + 4
    longest = max((b.value for b in bars), default=0) or 1
    scale = (WIDTH - VALUE_ROOM) / longest
    described = "；".join(f"{b.label}：{b.value} {unit}" for b in bars) + "。" if bars else "没有数据。"
    lines = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="plan-chart" id="{e(chart_id)}"'
        f' viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}"'
        f' role="img" aria-labelledby="{e(chart_id)}-title {e(chart_id)}-desc" font-size="{LABEL_SIZE}">',
        f'<title id="{e(chart_id)}-title">{e(title)}</title>',
        f'<desc id="{e(chart_id)}-desc">{e(described)}</desc>',
    ]
    for i, bar in enumerate(bars):
        top = i * ROW
        length = max(round(bar.value * scale, 1), 1)
        lines.append(
            f'<g class="plan-chart-row">'
            f'<text class="plan-chart-label" x="0" y="{top + 15}" fill="currentColor">{e(bar.label)}</text>'
            f'<rect class="plan-chart-bar" x="0" y="{top + 21}" width="{length}" height="{BAR}" rx="2"'
            f' fill="#e53935"/>'
            f'<text class="plan-chart-value" x="{length + 6}" y="{top + 34}" fill="currentColor">'
            f"{bar.value} {e(unit)}</text></g>"
        )
    lines.append("</svg>")
    return Markup("".join(lines))


def parts_chart(plan: Plan) -> Markup:
    """各部分措施数: one bar per part that has measures."""
    return bar_chart(parts_bars(plan), "chart-parts", "各部分措施数", "条")


def leads_chart(plan: Plan, limit: int = 10) -> Markup:
    """牵头措施最多的单位."""
    return bar_chart(lead_bars(plan, limit), "chart-leads", "牵头措施最多的单位", "条")
