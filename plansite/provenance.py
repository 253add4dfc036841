"""Which data made each generated page: so that a warning about a page points at the data.

MkDocs warns about pages (`Doc file 'measures/7.md' contains a link …`); a maintainer edits
data/parts/2.yaml, not docs/. `origins` maps every generated page to the place in the data it was
made from, and `locate` adds that place to a message that names a page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .exports import tasks_path
from .ledger import History, _redirect_path, _withdrawn_path
from .model import Plan
from .urls import page_path

_DOC_PATH = re.compile(r"'([^'\s]+\.(?:md|html))'")


def origins(plan: Plan, history: History | None = None) -> dict[str, str]:
    """docs path -> 'data/parts/2.yaml:14:9 (measure 7)', for every page made from one item."""
    found: dict[str, str] = {}
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
