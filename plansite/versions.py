"""The plan's versions: the first one (data/plan.yaml, data/parts/) and every later one
(data/versions/<version-id>/), loaded and validated into frozen objects beside the Plan.

A later version's folder holds

    version.yaml     stage (征求意见稿 / 正式稿 / 修订), date, issuer, 文号, the 印发通知, title, preamble
    parts/*.yaml     its parts, shaped as data/parts/ but its measures carry no id
    mapping.yaml     `previous:` the version it follows; for each of its measures (by number) the id it
                     keeps (a measure of the previous version) or a new id (`new: true`); and under
                     `gone:` what became of each measure of the previous version it no longer has
    comments.yaml    optional: the comments on the previous version and their disposition

Ids are the URLs (/measures/<id>/): a measure keeps its id through every version; a new id is
never one used before. Data with no versions/ folder is one version, as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from .cite import chinese_date
from .diff import Comparison, MeasureChange, compare_plans
from .model import Consultation, Location, Measure, Plan
from .problems import PlanError, Problem, did_you_mean
from .validate import _PlanBuilder, check_shape
from .yamlfile import YamlDoc, read_yaml

VERSIONS = "versions"
STAGES = ("征求意见稿", "正式稿", "修订")
VERSION_ID = re.compile(r"^(?!index$)[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
DISPOSITIONS = ("采纳", "部分采纳", "未采纳")
NEEDS_REASON = ("部分采纳", "未采纳")
ADOPTED = ("采纳", "部分采纳")
CHANGED_KINDS = ("modified", "added", "deleted", "merged")


@dataclass(frozen=True)
class Gone:
    """A measure of the previous version that this version no longer has."""

    id: str
    merged_into: str  # the id of the measure its content went into; "" when deleted
    reason: str
    where: Location


@dataclass(frozen=True)
class Comment:
    """One comment on the previous version (意见采纳情况)."""

    number: int  # 序号, from 1
    summary: str
    date: str
    channel: str
    measures: tuple[str, ...]  # ids
    disposition: str  # 采纳, 部分采纳 or 未采纳
    reason: str
    where: Location


@dataclass(frozen=True)
class Version:
    id: str
    stage: str
    date: str
    issuer: str
    doc_number: str  # 文号; "" for a consultation draft
    plan: Plan
    where: Location
    previous: str = ""  # "" for the first version
    notice_title: str = ""
    addressees: str = ""
    notice: str = ""
    gone: tuple[Gone, ...] = ()
    new_ids: frozenset[str] = frozenset()
    comments: tuple[Comment, ...] = ()

    @property
    def label(self) -> str:
        """How the site names the version: 征求意见稿（2022年9月14日）, 正式稿（某发〔2022〕1号）."""
        return f"{self.stage}（{self.doc_number or chinese_date(self.date)}）"

    @property
    def is_draft(self) -> bool:
        return self.plan.is_draft


@dataclass(frozen=True)
class Versions:
    """Every version in order, first to current, and each one's comparison with the one before."""

    versions: tuple[Version, ...]
    comparisons: dict[str, Comparison] = field(default_factory=dict)  # version id -> against its previous

    @property
    def current(self) -> Version:
        return self.versions[-1]

    @property
    def first(self) -> Version:
        return self.versions[0]

    @property
    def several(self) -> bool:
        return len(self.versions) > 1

    def previous(self, version: Version) -> Version | None:
        index = self.versions.index(version)
        return self.versions[index - 1] if index else None

    def measure_ids(self) -> tuple[str, ...]:
        """Every measure id of every version, in the order they first appear."""
        seen: dict[str, None] = {}
        for version in self.versions:
            seen.update((m.id, None) for m in version.plan.measures)
        return tuple(seen)

    @cached_property
    def _measures_by_id(self) -> dict[str, dict[str, Measure]]:
        return {v.id: {m.id: m for m in v.plan.measures} for v in self.versions}

    def history(self, measure_id: str) -> tuple[tuple[Version, Measure | None, MeasureChange | None], ...]:
        """The measure in each version (None where it is absent) and its change against the version before."""
        rows = []
        for version in self.versions:
            measure = self._measures_by_id[version.id].get(measure_id)
            comparison = self.comparisons.get(version.id)
            change = comparison.by_id.get(measure_id) if comparison is not None else None
            if measure is not None or change is not None:
                rows.append((version, measure, change))
        return tuple(rows)

    def fate(self, measure_id: str) -> tuple[Version, MeasureChange] | None:
        """For a measure the current version no longer has: the version that dropped it, and how."""
        for version in reversed(self.versions[1:]):
            change = self.comparisons[version.id].by_id.get(measure_id)
            if change is not None and change.kind in ("deleted", "merged"):
                return version, change
        return None

    def draft_numbers(self) -> dict[str, int]:
        """Measure id -> its number in the first version, when that was a consultation draft."""
        return {m.id: m.number for m in self.first.plan.measures} if self.first.is_draft else {}

    def get(self, version_id: str) -> Version:
        return next(v for v in self.versions if v.id == version_id)


def first_version(plan: Plan) -> Version:
    """data/plan.yaml and data/parts/ as a version: its id is its date."""
    return Version(plan.date, plan.status, plan.date, plan.office, plan.number, plan,
                   Location("plan.yaml"))


def load_versions(data_dir: Path, plan: Plan) -> Versions:
    """Read data/versions/ (absent: one version, `plan`); raise PlanError with every problem."""
    base = first_version(plan)
    folder = data_dir / VERSIONS
    if not folder.is_dir():
        return Versions((base,))
    loader = _Loader(data_dir, base)
    versions = loader.load(sorted(p for p in folder.iterdir() if p.is_dir()))
    if loader.problems:
        raise PlanError(loader.problems)
    return versions


# --- reading -------------------------------------------------------------------------


@dataclass
class _Raw:
    """One version folder as read: its documents (None when missing or broken)."""

    id: str
    folder: Path
    header: YamlDoc | None
    mapping: YamlDoc | None
    parts: list[YamlDoc]
    comments: YamlDoc | None


class _Loader:
    def __init__(self, data_dir: Path, base: Version):
        self.data_dir = data_dir
        self.base = base
        self.problems: list[Problem] = []
        self.shown = data_dir.name

    def problem(self, where: Location, message: str, hint: str = "") -> None:
        self.problems.append(Problem(where, message, hint))

    def rel(self, path: Path) -> str:
        return f"{self.shown}/{path.relative_to(self.data_dir).as_posix()}"

    def read(self, path: Path, schema: str, required: bool = True) -> YamlDoc | None:
        if not path.is_file():
            if required:
                self.problem(Location(self.rel(path)), "file is missing",
                             "scripts/import_plan.py --version writes it; see README, \"Versions\"")
            return None
        doc, found = read_yaml(path, self.rel(path))
        if doc is not None and not found:
            found = list(check_shape(doc, schema))
        self.problems.extend(found)
        return doc if not found else None

    def load(self, folders: list[Path]) -> Versions:
        raws = [r for folder in folders if (r := self.read_folder(folder)) is not None]
        chain = self.order(raws)
        versions = [self.base]
        comparisons: dict[str, Comparison] = {}
        for raw in chain:
            built = self.build(raw, versions)
            if built is None:
                break
            version, comparison = built
            comparisons[version.id] = comparison
            versions.append(version)
        return Versions(tuple(versions), comparisons)

    def read_folder(self, folder: Path) -> _Raw | None:
        where = Location(self.rel(folder))
        name = folder.name
        if not VERSION_ID.match(name):
            self.problem(where, f"version id '{name}' is not allowed",
                         "letters, digits, - and _, at most 64, not 'index' (it is the URL /versions/<id>/)")
            return None
        if name.casefold() == self.base.id.casefold():
            self.problem(where, f"version id '{name}' is used twice: it is the first version's id (its date)",
                         "give this version another id: rename the folder")
            return None
        return _Raw(name, folder,
                    self.read(folder / "version.yaml", "version"),
                    self.read(folder / "mapping.yaml", "mapping"),
                    [d for p in sorted((folder / "parts").glob("*.yaml")) if (d := self.read(p, "version-part"))],
                    self.read(folder / "comments.yaml", "comments", required=False))

    def order(self, raws: list[_Raw]) -> list[_Raw]:
        """The versions as a chain from the first, following each mapping's `previous`."""
        seen: dict[str, _Raw] = {}
        for raw in raws:
            twin = seen.get(raw.id.casefold())
            if twin is not None:
                self.problem(Location(self.rel(raw.folder)), f"version id '{raw.id}' is used twice",
                             f"{self.rel(twin.folder)} differs only in case")
            seen[raw.id.casefold()] = raw
        following: dict[str, _Raw] = {}
        for raw in raws:
            if raw.mapping is None:
                continue
            previous = raw.mapping.data["previous"]
            where = raw.mapping.where(("previous",))
            known = [self.base.id, *(r.id for r in raws if r is not raw)]
            if previous not in known:
                self.problem(where, f"previous version '{previous}' does not exist",
                             did_you_mean(previous, known) or "versions: " + ", ".join(known))
            elif previous in following:
                self.problem(where, f"versions '{following[previous].id}' and '{raw.id}' both follow '{previous}'",
                             "each version follows exactly one other; correct 'previous'")
            else:
                following[previous] = raw
        chain, current = [], self.base.id
        while current in following and len(chain) <= len(raws):
            chain.append(following[current])
            current = following[current].id
        for raw in raws:
            if raw not in chain and raw.mapping is not None and not self.problems:
                self.problem(raw.mapping.where(("previous",)),
                             f"version '{raw.id}' does not follow from the first version ({self.base.id})",
                             "its 'previous' versions go round in a circle")
        return chain

    # --- one version ---

    def build(self, raw: _Raw, before: list[Version]) -> tuple[Version, Comparison] | None:
        if raw.header is None or raw.mapping is None:
            return None
        previous = before[-1]
        problems_before = len(self.problems)
        ids = self.mapped_ids(raw, previous, before)
        plan = self.plan(raw, ids)
        if plan is None:
            return None
        gone = self.gone(raw, previous, plan, ids)
        header = raw.header.data
        version = Version(raw.id, header["stage"], header["date"], header["issuer"], header.get("doc_number", ""),
                          plan, raw.header.where(()), previous.id, header.get("notice_title", ""),
                          header.get("addressees", ""), header.get("notice", ""), gone,
                          frozenset(i for i, new in ids.values() if new))
        if len(self.problems) > problems_before:
            return None
        comparison = compare_plans(previous.plan, plan, [(g.id, g.merged_into, g.reason) for g in gone])
        comments = self.comments(raw, previous, plan, comparison)
        return replace(version, comments=comments), comparison

    def mapped_ids(self, raw: _Raw, previous: Version, before: list[Version]) -> dict[int, tuple[str, bool]]:
        """Measure number in this version -> (its id, whether new), checked against the earlier versions."""
        doc = raw.mapping
        assert doc is not None
        previous_ids = {m.id: m for m in previous.plan.measures}
        used_before = {m.id: v for v in before for m in v.plan.measures}
        numbers = {m["number"]: (doc_, path) for doc_, path, m in _measures(raw.parts)}
        result: dict[int, tuple[str, bool]] = {}
        claimed: dict[str, Location] = {}
        for i, entry in enumerate(doc.data["measures"]):
            where = doc.where(("measures", i))
            number, measure_id, new = entry["number"], str(entry["id"]), entry.get("new", False)
            subject = f"第{number}条: "
            if number in result:
                self.problem(where, f"{subject}mapped twice", "one entry per measure of this version")
                continue
            if number not in numbers:
                self.problem(where, f"{subject}this version has no measure {number}",
                             f"its measures are numbered 1 to {len(numbers)}" if numbers else "")
                continue
            if measure_id in claimed:
                self.problem(where, f"{subject}two measures of this version are mapped to id {measure_id}",
                             f"the other is at line {claimed[measure_id].line}; one of them is new (new: true) "
                             "or continues another measure")
                continue
            if new and measure_id in used_before:
                self.problem(where, f"{subject}new id {measure_id} was used before (version "
                             f"{used_before[measure_id].id}); ids are never reused",
                             f"the next unused id is {next_id(used_before)}")
                continue
            if not new and measure_id not in previous_ids:
                self.problem(where, f"{subject}id {measure_id} is not a measure of version {previous.id}",
                             "correct the id, or mark it as a new measure: new: true")
                continue
            claimed[measure_id] = where
            result[number] = (measure_id, new)
        for number, (part_doc, path) in numbers.items():
            if number not in result and not any(e["number"] == number for e in doc.data["measures"]):
                self.problem(part_doc.where(path), f"第{number}条 is not in {self.rel(raw.folder)}/mapping.yaml",
                             f"add '- {{number: {number}, id: <id>}}' there (new: true for a new measure)")
        return result

    def plan(self, raw: _Raw, ids: dict[int, tuple[str, bool]]) -> Plan | None:
        units_doc = self.read(self.data_dir / "units.yaml", "units")
        topics_path = self.data_dir / "topics.yaml"
        topics_doc = self.read(topics_path, "topics", required=False)
        if not raw.parts:
            self.problem(Location(self.rel(raw.folder / "parts")), "no part files (parts/*.yaml)")
        if units_doc is None or not raw.parts or (topics_path.is_file() and topics_doc is None):
            return None
        for _, _, measure in _measures(raw.parts):  # the ids mapping.yaml gives (a placeholder when it does not)
            measure["id"] = ids.get(measure["number"], (f"unmapped-{measure['number']}", False))[0]
        problems: list[Problem] = []
        builder = _PlanBuilder(problems)
        units = builder.units(units_doc)
        topics = builder.topics(topics_doc) if topics_doc else ()
        parts = builder.parts(raw.parts, topics)
        self.problems.extend(p for p in problems if not p.where.file.endswith(("units.yaml", "topics.yaml")))
        header = raw.header.data if raw.header else {}
        c = header.get("consultation")
        consultation = (Consultation(c["notice"], c["contact"], c["phone"], c.get("fax", ""), c["email"]) if c
                        else None)
        if header.get("stage") == STAGES[0] and not c:
            self.problem(raw.header.where(()) if raw.header else Location(self.rel(raw.folder)),
                         "a 征求意见稿 needs its consultation contact ('consultation')")
        return Plan(header["title"], header["period"], header["stage"], header["issuer"], header["date"],
                    consultation, header["preamble"], parts, units, topics,
                    aliases_used=tuple(sorted(builder.aliases_used)), number=header.get("doc_number", ""))

    def gone(self, raw: _Raw, previous: Version, plan: Plan, ids: dict[int, tuple[str, bool]]) -> tuple[Gone, ...]:
        doc = raw.mapping
        assert doc is not None
        kept = {measure_id for measure_id, _ in ids.values()}
        now = {m.id: m for m in plan.measures}
        before = {m.id for m in previous.plan.measures}
        gone: dict[str, Gone] = {}
        for i, entry in enumerate(doc.data.get("gone", [])):
            where = doc.where(("gone", i))
            measure_id = str(entry["id"])
            merged_into = str(entry["merged_into"]) if "merged_into" in entry else ""
            subject = f"gone {measure_id}: "
            if measure_id in gone:
                self.problem(where, f"{subject}listed twice", f"the first one is at line {gone[measure_id].where.line}")
            elif measure_id not in before:
                self.problem(where, f"{subject}id {measure_id} is not a measure of version {previous.id}",
                             did_you_mean(measure_id, before))
            elif measure_id in kept:
                self.problem(where, f"{subject}id {measure_id} is still a measure of this version",
                             "remove it from gone:, or correct the measures: entry that keeps it")
            elif bool(merged_into) == bool(entry.get("deleted")):
                self.problem(where, f"{subject}say either 'merged_into: <id>' or 'deleted: true'")
            elif merged_into and merged_into not in now:
                self.problem(where, f"{subject}merged_into {merged_into} is not a measure of this version",
                             did_you_mean(merged_into, now))
            elif not merged_into and not entry.get("reason"):
                self.problem(where, f"{subject}a deleted measure needs a reason", "reason: 根据征求意见删除 …")
            else:
                gone[measure_id] = Gone(measure_id, merged_into, entry.get("reason", ""), where)
        missing = sorted(before - kept - set(gone) - {str(e["id"]) for e in doc.data.get("gone", [])}, key=_natural)
        for measure_id in missing:
            self.problem(doc.where(("measures",)),
                         f"measure {measure_id} of version {previous.id} is neither kept nor listed under gone:",
                         f"map a measure to id {measure_id}, or add under gone: "
                         f"'- {{id: {measure_id}, merged_into: <id>}}' or '- {{id: {measure_id}, deleted: true, "
                         "reason: …}'")
        return tuple(gone.values())

    def comments(self, raw: _Raw, previous: Version, plan: Plan, comparison: Comparison) -> tuple[Comment, ...]:
        doc = raw.comments
        if doc is None:
            return ()
        known = {m.id for m in previous.plan.measures} | {m.id for m in plan.measures}
        changed = {c.id for c in comparison.changes if c.kind in CHANGED_KINDS}
        comments = []
        for i, entry in enumerate(doc.data["comments"]):
            where = doc.where(("comments", i))
            subject = f"comment {i + 1}: "
            measures = tuple(str(m) for m in entry["measures"])
            for k, measure_id in enumerate(measures):
                if measure_id not in known:
                    self.problem(doc.where(("comments", i, "measures", k)), f"{subject}no measure {measure_id}",
                                 f"name measures of {previous.id} or {raw.id} by their id")
            disposition = entry["disposition"]
            if disposition in NEEDS_REASON and not entry.get("reason", "").strip():
                self.problem(where, f"{subject}{disposition} needs a reason", "reason: why it was not (fully) adopted")
            if (disposition in ADOPTED and measures and set(measures) <= known
                    and not set(measures) & changed):
                self.problem(doc.where(("comments", i, "measures")),
                             f"{subject}{disposition}, but none of its measures ({', '.join(measures)}) changed in "
                             f"version {raw.id}",
                             "list the measure it changed, or correct the disposition")
            if disposition in ADOPTED and not measures:
                self.problem(doc.where(("comments", i, "measures")),
                             f"{subject}{disposition}, but it names no measure",
                             "list the measure(s) it changed")
            comments.append(Comment(i + 1, entry["summary"], entry["date"], entry["channel"], measures, disposition,
                                    entry.get("reason", ""), where))
        return tuple(comments)


def _measures(docs: Iterable[YamlDoc]) -> Iterable[tuple[YamlDoc, tuple[Any, ...], dict[str, Any]]]:
    for doc in docs:
        for i, section in enumerate(doc.data.get("sections", [])):
            for j, measure in enumerate(section["measures"]):
                yield doc, ("sections", i, "measures", j), measure


def next_id(used: Iterable[str]) -> str:
    """The id a new measure gets: one past the largest numeric id ever used, so none is reused."""
    numeric = [int(i) for i in used if i.isdigit()]
    return str(max(numeric, default=0) + 1)


def _natural(value: str) -> tuple[int, str]:
    return (int(value), "") if value.isdigit() else (1 << 30, value)
