"""Which data made each generated page: so that a warning about a page points at the data.

MkDocs warns about pages (`Doc file 'measures/7.md' contains a link …`); a maintainer edits
data/parts/2.yaml, not docs/. `origins` maps every generated page to the place in the data it was
made from, and `locate` adds that place to a message that names a page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import PurePosixPath

from .exports import tasks_path
from .ledger import History, _redirect_path, _withdrawn_path
from .model import Plan
from .urls import page_path

_DOC_PATH = re.compile(r"'([^'\s]+\.(?:md|html))'")


# Pages made from the plan's header (title, notice, preamble), and pages made from the whole plan.
HEADER_PAGES = ("index.md", "consultation.md")
WHOLE_PLAN_PAGES = ("fulltext.md", "sitemap.md", "matrix.md", "topics.md", "parts/index.md", "units/index.md")


def origins(plan: Plan, history: History | None = None) -> dict[str, str]:
    """docs path -> 'data/parts/2.yaml:14:9 (measure 7)', for every page made from one item, and the
    data folder's plan.yaml (or the whole folder) for the pages made from the header or the whole plan."""
    folder = PurePosixPath(plan.parts[0].where.file).parent.parent if plan.parts else PurePosixPath("data")
    found: dict[str, str] = {path: f"{folder / 'plan.yaml'} (the plan's header and preamble)" for path in HEADER_PAGES}
    found.update((path, f"{folder}/ (the whole plan: plan.yaml, parts/*.yaml, units.yaml)")
                 for path in WHOLE_PLAN_PAGES)
    for part in plan.parts:
        found[page_path(part)] = f"{part.where} (part {part.id})"
    for section in plan.sections:
        found[page_path(section)] = f"{section.where} (section {section.id})"
    for measure in plan.measures:
        found[page_path(measure)] = f"{measure.where} (measure {measure.id})"
    for unit in plan.units:
        found[page_path(unit)] = found[tasks_path(unit)] = f"{unit.where} (unit {unit.slug})"
    for change in history.changes if history else ():
        path = _redirect_path(change.url) if change.redirect else _withdrawn_path(change.url)
        found[path] = f"{change.where} (change {change.url})"
    return found


def locate(message: str, known: dict[str, str]) -> str:
    """`message` with the data location of the first generated page it names, when there is one."""
    places: Iterable[str] = (known[p] for p in _DOC_PATH.findall(message) if p in known)
    place = next(iter(places), None)
    return f"{message}\n  this page is made from {place}" if place else message
