"""The pages of a plan with several versions, rendered by the pipeline's one Renderer.

/versions/                      every version: stage, date, 文号, issuer, what changed
/versions/<id>/                 the whole document as it stood in that version (printable)
/versions/<id>/changes/         the comparison with the version before: summary, marked differences
/measures/<id>/history/         one measure in every version, with its differences marked
/measures/<id>/                 for a measure the current version no longer has: what became of it
/consultation/                  once a version records the comments (意见采纳情况): counts and table
/data/versions.json             every version and every change, as open data

With one version (data/ without versions/) none of these pages exist and nothing changes.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from markupsafe import Markup

from .cite import Citer, chinese_date
from .diff import KIND_LABELS, Comparison, MeasureChange, diff_html, text_diff
from .model import ROLES, Measure, Plan
from .render import Outputs, Renderer
from .versions import ADOPTED, DISPOSITIONS, Comment, Version, Versions


def version_path(version: Version) -> str:
    return f"versions/{version.id}.md"


def changes_path(version: Version) -> str:
    return f"versions/{version.id}/changes.md"


def history_path(measure_id: str) -> str:
    return f"measures/{measure_id}/history.md"


class VersionPages:
    """Call `prepare()` before the renderer's own pages (measure pages then link their history), then `pages()`."""

    def __init__(self, renderer: Renderer, versions: Versions):
        self.renderer = renderer
        self.versions = versions

    def prepare(self) -> None:
        if self.versions.several:
            self.renderer.env.globals.update(versions=self.versions, history_path=history_path,
                                             changes_path=changes_path, version_path=version_path,
                                             renumbering_gone=self.renumbering_gone, merged_here=self.merged_here)

    def merged_here(self, measure: Measure) -> list[tuple[Version, Measure]]:
        """Each measure that a version merged into `measure`: (that version, the measure as it last stood)."""
        return [(v, old) for v in self.versions.versions[1:] for old in self._merged_into(v, measure)]

    def renumbering_gone(self) -> list[dict[str, Any]]:
        """Rows for /renumbering/: each measure of the draft the current version no longer has."""
        numbers = self.versions.draft_numbers()
        current = {m.id for m in self.versions.current.plan.measures}
        rows = []
        for measure_id, number in numbers.items():
            fate = self.versions.fate(measure_id) if measure_id not in current else None
            if fate is not None:
                rows.append({"draft": number, "measure": None, "gone": fate[1]})
        return rows

    def pages(self) -> Outputs:
        versions = self.versions
        if not versions.several:
            return {}
        page = self.renderer.page
        pages = [page("versions_index.md.j2", "versions/index.md", summaries=self._summaries())]
        for version in versions.versions:
            pages.append(page("version.md.j2", version_path(version), version=version,
                              version_cite=Citer(version.plan), is_current=version is versions.current))
            previous = versions.previous(version)
            if previous is not None:
                comparison = versions.comparisons[version.id]
                pages.append(page("version_changes.md.j2", changes_path(version), version=version, previous=previous,
                                  comparison=comparison, summary=change_summary(comparison),
                                  preamble=_header_changes(previous.plan, version.plan)))
        current_ids = {m.id for m in versions.current.plan.measures}
        for measure_id in versions.measure_ids():
            rows = [self._history_row(v, m, c) for v, m, c in versions.history(measure_id)]
            pages.append(page("measure_history.md.j2", history_path(measure_id), measure_id=measure_id, rows=rows,
                              latest=next(r["measure"] for r in reversed(rows) if r["measure"] is not None)))
            if measure_id not in current_ids:
                pages.append(self._gone_page(measure_id))
        if outcome := self._consultation():
            pages.append(page("consultation_outcome.md.j2", "consultation.md", **outcome))
        result: Outputs = dict(pages)
        result["data/versions.json"] = versions_json(versions)
        return result

    def _summaries(self) -> dict[str, str]:
        """Version id -> what changed against the version before: the measures, then the title page."""
        summaries = {}
        for version in self.versions.versions[1:]:
            previous = self.versions.previous(version)
            assert previous is not None
            header = "、".join(h["label"] for h in _header_changes(previous.plan, version.plan))
            summaries[version.id] = change_summary(self.versions.comparisons[version.id]) + (
                f"；{header}有修改" if header else "")
        return summaries

    def _history_row(self, version: Version, measure: Measure | None, change: MeasureChange | None) -> dict[str, Any]:
        return {"version": version, "measure": measure, "change": change,
                "diff": _diff_block(change) if change is not None and change.kind == "modified" and change.text_changed
                else None,
                "cite": Citer(version.plan).text(measure) if measure is not None else "",
                "merged_from": self._merged_into(version, measure)}

    def _merged_into(self, version: Version, measure: Measure | None) -> list[Measure]:
        """The measures of the version before that this version merged into `measure`."""
        if measure is None:
            return []
        return self._merges.get(version.id, {}).get(measure.id, [])

    @functools.cached_property
    def _merges(self) -> dict[str, dict[str, list[Measure]]]:
        """Version id -> id of a measure -> the measures of the version before merged into it."""
        merges: dict[str, dict[str, list[Measure]]] = {}
        for version_id, comparison in self.versions.comparisons.items():
            for c in comparison.changes:
                if c.kind == "merged" and c.merged_into is not None and c.old is not None:
                    merges.setdefault(version_id, {}).setdefault(c.merged_into.id, []).append(c.old)
        return merges

    def _gone_page(self, measure_id: str) -> tuple[str, str]:
        fate = self.versions.fate(measure_id)
        assert fate is not None, f"measure {measure_id} is neither current nor gone"
        version, change = fate
        previous = self.versions.previous(version)
        return self.renderer.page("measure_gone.md.j2", f"measures/{measure_id}.md", version=version,
                                  previous=previous, change=change, old=change.old)

    def _consultation(self) -> dict[str, Any] | None:
        """The latest version that records comments, with the counts and the table's rows."""
        version = next((v for v in reversed(self.versions.versions) if v.comments), None)
        if version is None:
            return None
        previous = self.versions.previous(version)
        assert previous is not None
        comparison = self.versions.comparisons[version.id]
        counts = {d: sum(1 for c in version.comments if c.disposition == d) for d in DISPOSITIONS}
        rows = [{"comment": c, "measures": self._concerned(c, previous, version, comparison)} for c in version.comments]
        return {"version": version, "previous": previous, "counts": counts, "rows": rows,
                "adopted": sum(counts[d] for d in ADOPTED)}

    def _concerned(self, comment: Comment, previous: Version, version: Version,
                   comparison: Comparison) -> list[dict[str, Any]]:
        """Each measure a comment names: its number as commented on, and where its change is shown."""
        before = {m.id: m for m in previous.plan.measures}
        after = {m.id: m for m in version.plan.measures}
        changes = comparison.by_id
        found = []
        for measure_id in comment.measures:
            measure = before.get(measure_id) or after[measure_id]
            change = changes.get(measure_id)
            changed = change is not None and change.kind not in ("unchanged", "renumbered")
            found.append({"id": measure_id, "number": measure.number, "new": measure_id not in before,
                          "change": change if changed else None})
        return found


def change_summary(comparison: Comparison) -> str:
    """修改 2 条、新增 1 条、删除 1 条、合并 1 条、仅编号变化 3 条 (kinds that occur; or 无修改)."""
    counts = comparison.counts
    parts = [f"{KIND_LABELS[k]} {counts[k]} 条" for k in ("modified", "added", "deleted", "merged", "renumbered")
             if counts[k]]
    return "、".join(parts) or "条文无修改"


def _diff_block(change: MeasureChange) -> Markup:
    return Markup(f'<p class="version-diff">{change.html()}</p>')


def _header_changes(old: Plan, new: Plan) -> list[dict[str, Any]]:
    """The title page and preamble: each field that changed, with its marked difference."""
    fields = (("标题", old.full_title, new.full_title), ("前言", old.preamble, new.preamble),
              ("发布单位", old.office, new.office))
    return [{"label": label, "diff": Markup(f'<p class="version-diff">{diff_html(text_diff(a, b))}</p>')}
            for label, a, b in fields if a != b]


# --- open data -----------------------------------------------------------------------


def _measure_json(measure: Measure) -> dict[str, Any]:
    return {"id": measure.id, "number": measure.number, "text": measure.text,
            "units": {role: [ref.spelling for ref in measure.roles.get(role, ())] for role in ROLES}}


def _change_json(change: MeasureChange) -> dict[str, Any]:
    return {
        "id": change.id, "kind": change.kind, "label": change.label,
        "old_number": change.old.number if change.old else None,
        "new_number": change.new.number if change.new else None,
        "diff": [{"kind": s.kind, "text": s.text} for s in change.segments] if change.kind == "modified" else [],
        "units": [{"unit": u.name, "change": u.kind, "before": u.before, "after": u.after} for u in change.units],
        "merged_into": change.merged_into.id if change.merged_into else None,
        "reason": change.reason,
    }


def versions_json(versions: Versions) -> bytes:
    """Every version (header and measures), its changes against the one before, and its comments."""
    data = {"current": versions.current.id, "versions": []}
    for version in versions.versions:
        comparison = versions.comparisons.get(version.id)
        data["versions"].append({
            "id": version.id, "stage": version.stage, "date": version.date, "date_text": chinese_date(version.date),
            "doc_number": version.doc_number, "issuer": version.issuer, "previous": version.previous or None,
            "title": version.plan.full_title, "preamble": version.plan.preamble,
            "measures": [_measure_json(m) for m in version.plan.measures],
            "changes": [_change_json(c) for c in comparison.changes if c.kind != "unchanged"] if comparison else [],
            "counts": comparison.counts if comparison else {},
            "comments": [{"number": c.number, "summary": c.summary, "date": c.date, "channel": c.channel,
                          "measures": list(c.measures), "disposition": c.disposition, "reason": c.reason}
                         for c in version.comments],
        })
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
