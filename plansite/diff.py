"""What changed between two versions of a measure, and of the whole plan.

Texts are compared character by character with difflib's SequenceMatcher and `autojunk=False`
(with the default, characters frequent in a long Chinese text, such as 的 or ，, are treated as
junk and long texts show false deletions). Units are compared by role, never as text: a unit is
added, removed or moved from one role to another. A measure whose number alone changed is
renumbered, not changed.
"""

from __future__ import annotations

import difflib
import html
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from markupsafe import Markup

from .model import ROLE_LABELS, ROLES, Measure, Plan

# An unchanged run this short between two changes is shown inside the change: a reworded
# sentence reads as one deletion and one insertion, not as a comb of single kept characters.
SHORT_RUN = 2


@dataclass(frozen=True)
class Segment:
    kind: str  # "equal", "delete" or "insert"
    text: str


def text_diff(old: str, new: str) -> tuple[Segment, ...]:
    """The character-level difference of two texts, as kept, deleted and inserted runs."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(Segment("equal", old[i1:i2]))
            continue
        if i2 > i1:
            segments.append(Segment("delete", old[i1:i2]))
        if j2 > j1:
            segments.append(Segment("insert", new[j1:j2]))
    return _absorb_short_runs(segments)


def _absorb_short_runs(segments: list[Segment]) -> tuple[Segment, ...]:
    """Fold a short kept run between two changes into them (as deleted and inserted again)."""
    result: list[Segment] = []
    for i, seg in enumerate(segments):
        changed_before = i > 0 and segments[i - 1].kind != "equal"
        changed_after = i + 1 < len(segments) and segments[i + 1].kind != "equal"
        if seg.kind == "equal" and len(seg.text) <= SHORT_RUN and changed_before and changed_after:
            result += [Segment("delete", seg.text), Segment("insert", seg.text)]
        else:
            result.append(seg)
    return _merge(result)


def _merge(segments: Iterable[Segment]) -> tuple[Segment, ...]:
    """Adjacent runs of one kind joined; within a change, every deletion before every insertion."""
    merged: list[Segment] = []
    pending: dict[str, str] = {"delete": "", "insert": ""}

    def flush() -> None:
        for kind in ("delete", "insert"):
            if pending[kind]:
                merged.append(Segment(kind, pending[kind]))
                pending[kind] = ""

    for seg in segments:
        if seg.kind == "equal":
            flush()
            if merged and merged[-1].kind == "equal":
                merged[-1] = Segment("equal", merged[-1].text + seg.text)
            else:
                merged.append(seg)
        else:
            pending[seg.kind] += seg.text
    flush()
    return tuple(merged)


def diff_html(segments: Iterable[Segment]) -> Markup:
    """The difference as HTML: <del> and <ins> around changed runs; every character escaped."""
    out = []
    for seg in segments:
        text = html.escape(seg.text, quote=True).replace("\n", "<br>")
        if seg.kind == "delete":
            out.append(f'<del title="删除">{text}</del>')
        elif seg.kind == "insert":
            out.append(f'<ins title="新增">{text}</ins>')
        else:
            out.append(text)
    return Markup("".join(out))


def similarity(old: str, new: str) -> float:
    """How alike two texts are, 0 to 1 (difflib's ratio over characters, no junk heuristic)."""
    if not old and not new:
        return 1.0
    return difflib.SequenceMatcher(None, old, new, autojunk=False).ratio()


def containment(part: str, whole: str) -> float:
    """How much of `part` is found, in order, in `whole` (0 to 1): a merged measure's text is
    largely contained in the measure it was merged into."""
    if not part:
        return 0.0
    matcher = difflib.SequenceMatcher(None, part, whole, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(part)


# --- units ---------------------------------------------------------------------


@dataclass(frozen=True)
class UnitChange:
    name: str
    kind: str  # "added", "removed" or "moved"
    before: str = ""  # the role label it had ("" when added)
    after: str = ""  # the role label it has ("" when removed)

    def describe(self) -> str:
        if self.kind == "added":
            return f"新增{self.after}：{self.name}"
        if self.kind == "removed":
            return f"删去{self.before}：{self.name}"
        return f"{self.name}：由{self.before}改为{self.after}"


def _roles_by_name(measure: Measure) -> dict[str, str]:
    """Unit name (as resolved, else as written) -> the first role naming it."""
    found: dict[str, str] = {}
    for role in ROLES:
        for ref in measure.roles.get(role, ()):
            for name in [u.name for u in ref.units] or [ref.spelling]:
                found.setdefault(name, role)
    return found


def unit_changes(old: Measure, new: Measure) -> tuple[UnitChange, ...]:
    """Units added, removed, or moved between roles (牵头 ↔ 参加 ↔ 责任), in the new measure's order.
    A unit is compared by its registry name, so a new spelling of the same unit is no change."""
    before, after = _roles_by_name(old), _roles_by_name(new)

    def label(measure: Measure, role: str) -> str:
        return measure.role_labels.get(role, ROLE_LABELS[role])

    changes = []
    for name, role in after.items():
        if name not in before:
            changes.append(UnitChange(name, "added", after=label(new, role)))
        elif before[name] != role:
            changes.append(UnitChange(name, "moved", label(old, before[name]), label(new, role)))
    changes += [UnitChange(name, "removed", before=label(old, role)) for name, role in before.items()
                if name not in after]
    return tuple(changes)


# --- a measure, and the whole plan ---------------------------------------------

KIND_LABELS = {"modified": "修改", "added": "新增", "deleted": "删除", "merged": "合并",
               "renumbered": "仅编号变化", "unchanged": "未改动"}


@dataclass(frozen=True)
class MeasureChange:
    """One measure from one version to the next."""

    id: str
    kind: str  # a key of KIND_LABELS
    old: Measure | None
    new: Measure | None
    segments: tuple[Segment, ...] = ()
    units: tuple[UnitChange, ...] = ()
    merged_into: Measure | None = None  # for "merged": the measure of the new version it went into
    reason: str = ""  # for "deleted" and "merged", as the mapping says

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def text_changed(self) -> bool:
        return any(s.kind != "equal" for s in self.segments)

    @property
    def renumbered(self) -> bool:
        return self.old is not None and self.new is not None and self.old.number != self.new.number

    def html(self) -> Markup:
        return diff_html(self.segments)


def compare_measure(old: Measure | None, new: Measure | None) -> MeasureChange:
    """Added (no old), or unchanged / renumbered / modified; deletions come from compare_plans."""
    if old is None:
        assert new is not None
        return MeasureChange(new.id, "added", None, new, (Segment("insert", new.text),))
    assert new is not None
    segments = text_diff(old.text, new.text) if old.text != new.text else (Segment("equal", new.text),)
    units = unit_changes(old, new)
    if any(s.kind != "equal" for s in segments) or units:
        kind = "modified"
    else:
        kind = "renumbered" if old.number != new.number else "unchanged"
    return MeasureChange(new.id, kind, old, new, segments, units)


@dataclass(frozen=True)
class Comparison:
    """Every measure of two consecutive versions: in the new version's order, then those gone."""

    changes: tuple[MeasureChange, ...]

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)

    @property
    def counts(self) -> dict[str, int]:
        return {kind: self.count(kind) for kind in KIND_LABELS}

    @property
    def changed(self) -> tuple[MeasureChange, ...]:
        return tuple(c for c in self.changes if c.kind not in ("unchanged", "renumbered"))

    @cached_property
    def by_id(self) -> dict[str, MeasureChange]:
        return {c.id: c for c in self.changes}


def compare_plans(old: Plan, new: Plan, gone: Iterable[tuple[str, str, str]]) -> Comparison:
    """Compare two versions measure by measure (by id). `gone` lists (id, merged_into id or "", reason)
    for each measure of `old` that `new` no longer has."""
    old_by_id = {m.id: m for m in old.measures}
    new_by_id = {m.id: m for m in new.measures}
    changes = [compare_measure(old_by_id.get(m.id), m) for m in new.measures]
    for measure_id, merged_into, reason in gone:
        old_measure = old_by_id[measure_id]
        target = new_by_id.get(merged_into) if merged_into else None
        segments = (Segment("delete", old_measure.text),)
        kind = "merged" if target is not None else "deleted"
        changes.append(MeasureChange(measure_id, kind, old_measure, None, segments, (), target, reason))
    return Comparison(tuple(changes))
