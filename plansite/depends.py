"""Which generated pages an edit of the plan reaches: the dependency map behind `make serve`.

An edit is read as the difference between the plan before and after it (`reach`). Most edits change
measures in place (a text, a unit, a topic) or a unit (its name, its other spellings): then only the
pages that show those measures or units are made again. An edit of the plan's shape (a measure,
section or part added, removed or moved; a heading; the units' list or kinds; the topics; the
plan's own fields) reaches every page: `reach` returns None.

Pages are told apart by what they are rendered for (`Reach.wants`): a page rendered for a measure, a
section, a part or a unit shows that one and what it lists; the few index pages show counts and
names; every other page is assumed to show anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Any

from .model import ROLES, Measure, Plan, Unit
from .render import COLLECTIVES_LISTED

# Pages that list the plan's parts, units and topics by name and count, never a measure's text.
INDEXES = frozenset({"index.md", "parts/index.md", "units/index.md", "topics.md", "data/index.md", "consultation.md"})


@dataclass(frozen=True)
class Reach:
    """The pages an edit reaches, by what each page is rendered for."""

    measures: frozenset[str]  # the pages of these measures: those that changed, and their neighbours
    sections: frozenset[str]
    parts: frozenset[str]
    units: frozenset[str] | None  # None: every unit's pages
    text_only: bool  # only measures' texts changed: the index pages stay as they are

    def wants(self, path: str, context: Mapping[str, Any]) -> bool:
        """Whether the page at `path`, rendered with `context`, may differ after the edit."""
        if "measure" in context:
            return bool(context["measure"].id in self.measures)
        if "section" in context:
            return bool(context["section"].id in self.sections)
        if "part" in context:
            return bool(context["part"].id in self.parts)
        if "unit" in context:
            return self.units is None or context["unit"].slug in self.units
        return not (self.text_only and path in INDEXES)


def bare(value: Any) -> Any:
    """`value` with every `where` left out, comparable with ==: where a thing was read from is never
    shown on a page, and an edit moves the lines of everything below it."""
    if is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, *(bare(getattr(value, f.name)) for f in fields(value) if f.name != "where"))
    if isinstance(value, tuple | list):
        return tuple(bare(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, bare(v)) for k, v in value.items())
    return value


def _own(item: Any, children: str) -> tuple[Any, ...]:
    """An item's own fields, with its `children` by id only."""
    return tuple([c.id for c in getattr(item, f.name)] if f.name == children else bare(getattr(item, f.name))
                 for f in fields(item) if f.name != "where")


_PLAN_ITEMS = ("parts", "units", "topics", "aliases_used")  # aliases_used: for `make check`, on no page


def _same_shape(old: Plan, new: Plan) -> bool:
    """Whether the plans differ at most in their measures' and units' contents."""
    if [f.name for f in fields(old)] != [f.name for f in fields(new)]:
        return False
    header = [f.name for f in fields(old) if f.name not in _PLAN_ITEMS]
    return (all(bare(getattr(old, name)) == bare(getattr(new, name)) for name in header)
            and bare(old.topics) == bare(new.topics)
            and [(u.slug, u.kind) for u in old.units] == [(u.slug, u.kind) for u in new.units]
            and _same_items(old.parts, new.parts, "sections") and _same_items(old.sections, new.sections, "measures"))


def _same_items(old: tuple[Any, ...], new: tuple[Any, ...], children: str) -> bool:
    return len(old) == len(new) and all(_own(a, children) == _own(b, children) for a, b in zip(old, new, strict=True))


def _changed(old: tuple[Any, ...], new: tuple[Any, ...]) -> list[tuple[Any, Any]]:
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b and bare(a) != bare(b)]


def _named(measure: Measure) -> set[Unit]:
    return {u for role in ROLES for u in measure.units(role)}


def reach(old: Plan, new: Plan) -> Reach | None:
    """The pages an edit from `old` to `new` reaches; None for every page."""
    if not _same_shape(old, new):
        return None
    listed = new.measures
    measures = _changed(old.measures, listed)
    units = _changed(old.units, new.units)
    text_only = not units and all(bare(replace(a, text=b.text)) == bare(b) for a, b in measures)
    order = {m.id: i for i, m in enumerate(listed)}
    pages = {listed[j].id for _, m in measures for j in range(order[m.id] - 1, order[m.id] + 2) if 0 <= j < len(listed)}
    named = {u for a, b in measures for u in _named(a) | _named(b)} | {b for _, b in units}
    collectives = [u for u in new.units if u.is_collective]
    # A department's pages list the collectives it may belong to: their names, counts and (when
    # there are few) their measures.
    every_unit = any(u.is_collective for u in named) and (not text_only or len(collectives) <= COLLECTIVES_LISTED)
    return Reach(measures=frozenset(pages),
                 sections=frozenset(m.section_id for _, m in measures),
                 parts=frozenset(m.part_id for _, m in measures),
                 units=None if every_unit else frozenset(u.slug for u in named),
                 text_only=text_only)
