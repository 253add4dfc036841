"""Import a later version of the plan from its plain text into data/versions/<version-id>/.

    scripts/import_plan.py --version <version-id> path/to/final.txt

The text is read by the importer's `parse_plan` (plansite/importer.py). A final version usually
opens with a 印发通知 (masthead, 文号, 关于印发《…》的通知, addressees, notice, issuer, date) instead
of a consultation notice: `read_issuance` reads that block here and hands the rest to `parse_plan`.

Each measure of the new text is matched to a measure of the current version: identical text
first, then the most similar text (characters, difflib), never by number. A match keeps the old
measure's id (its URL); a measure with no match gets a new id, one past the largest ever used.
The mapping is written to mapping.yaml, where a person corrects it; `Review.lines()` lists what a
person should look at.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .diff import containment
from .importer import ImportProblem, parse_plan
from .model import ROLES, Measure
from .validate import load_plan
from .versions import STAGES, VERSION_ID, VERSIONS, Versions, load_versions, next_id

# A match whose texts are less alike than this is listed for a person to confirm.
REVIEW_BELOW = 0.85
# Below this, two texts are not taken for the same measure at all (the new one is new, the old one gone).
MATCH_FLOOR = 0.5
# An old measure not found, whose text is at least this much contained in a new measure, was merged into it.
MERGE_FLOOR = 0.6

DATE_RE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
PART_RE = re.compile(r"^[零〇一二三四五六七八九十百]+、")
DOC_NUMBER_RE = re.compile(r"^\S*[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*\d+\s*号$")
PUBLIC_RE = re.compile(r"^[(（]此件[^)）]*[)）]$")
SCHEMA_LINE = "# yaml-language-server: $schema=../../../plansite/schema/{}.schema.json"
PART_SCHEMA_LINE = "# yaml-language-server: $schema=../../../../plansite/schema/version-part.schema.json"


class VersionImportError(Exception):
    """The version cannot be imported; `message` says why (with file:line when it is the text)."""


@dataclass(frozen=True)
class Issuance:
    """The 印发通知 block that opens a final version."""

    doc_number: str
    notice_title: str
    addressees: str
    notice: str
    issuer: str
    date: str
    last_line: int  # the block's last line in the text


def _lines(text: str) -> list[tuple[int, str]]:
    return [(n, line.strip()) for n, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1) if line.strip()]


def read_issuance(text: str) -> Issuance | None:
    """The 印发通知 at the top of `text`, or None when the text does not open with one.

    Lines before the notice's title (the masthead, …文件) are left out, except a 文号; a title
    broken over lines (as PDFs break it) is joined; the addressees line ends with a colon; the
    notice runs to the issuing body, the line before the date; (此件公开发布) after it is skipped.
    """
    lines = _lines(text)
    start = next((i for i, (_, line) in enumerate(lines[:8]) if line.startswith("关于印发")), None)
    if start is None:
        return None
    end = next((i for i in range(start, min(start + 3, len(lines))) if lines[i][1].endswith("的通知")), None)
    if end is None:
        raise ImportProblem(lines[start][0], "the notice title (关于印发《…》的通知) does not end with 的通知 "
                            "within three lines")
    notice_title = "".join(line for _, line in lines[start:end + 1])
    doc_number = next((line for _, line in lines[:start] if DOC_NUMBER_RE.match(line)), "")
    pos = end + 1
    if pos < len(lines) and not doc_number and DOC_NUMBER_RE.match(lines[pos][1]):
        doc_number, pos = lines[pos][1], pos + 1
    addressees = ""
    if pos < len(lines) and lines[pos][1].endswith(("：", ":")) and len(lines[pos][1]) < 200:
        addressees, pos = lines[pos][1], pos + 1
    date_at = next((i for i in range(pos, len(lines)) if DATE_RE.match(lines[i][1])), None)
    part_at = next((i for i in range(pos, len(lines)) if PART_RE.match(lines[i][1])), len(lines))
    if date_at is None or date_at > part_at or date_at - pos < 2:
        raise ImportProblem(lines[start][0], "the 印发通知 needs its notice, the issuing body and a date line "
                            "(2022年12月1日) before the plan's title")
    year, month, day = (int(g) for g in DATE_RE.match(lines[date_at][1]).groups())  # type: ignore[union-attr]
    last = date_at
    if last + 1 < len(lines) and PUBLIC_RE.match(lines[last + 1][1]):
        last += 1
    return Issuance(doc_number, notice_title, addressees, "\n".join(line for _, line in lines[pos:date_at - 1]),
                    lines[date_at - 1][1], f"{year:04d}-{month:02d}-{day:02d}", lines[last][0])


# parse_plan reads a consultation header; a stand-in is put in place of the 印发通知 so that it reads
# the title page and body that follow (their line numbers are mapped back). When the plan follows
# the notice without a title page of its own, the title and period come from the notice's title.
_STAND_IN = "印发通知\n联系人:-\n联系电话:-\n电子邮箱:-@-.-\n{issuer}\n{date}\n"
PERIOD_LINE_RE = re.compile(r"^[(（]\d{4}\s*[—–－-]+\s*\d{4}\s*年?[)）]$")
TITLED_RE = re.compile(r"《(.+?)\s*[(（](\d{4}\s*[—–－-]+\s*\d{4}\s*年?)[)）]》")


def _stand_in(issuance: Issuance, rest: list[str]) -> str:
    year, month, day = issuance.date.split("-")
    text = _STAND_IN.format(issuer=issuance.issuer, date=f"{int(year)}年{int(month)}月{int(day)}日")
    following = [line.strip() for line in rest if line.strip()][:2]
    has_title_page = len(following) == 2 and PERIOD_LINE_RE.match(following[1]) is not None
    titled = TITLED_RE.search(issuance.notice_title)
    if not has_title_page and titled is not None:
        text += f"{titled.group(1)}\n（{titled.group(2)}）\n"
    return text


def parse_version(text: str, stage: str = "") -> dict[str, Any]:
    """The version as version.yaml's keys plus `parts` (as parse_plan gives them); raises ImportProblem."""
    issuance = read_issuance(text)
    if issuance is None:
        parsed = parse_plan(text)
        header: dict[str, Any] = {"stage": stage or _stage(parsed["status"]), "date": parsed["date"],
                                  "issuer": parsed["office"]}
        if header["stage"] == STAGES[0]:
            header["consultation"] = parsed["consultation"]
    else:
        rest = text.lstrip("\ufeff").splitlines()[issuance.last_line:]
        stand_in = _stand_in(issuance, rest)
        shift = issuance.last_line - stand_in.count("\n")
        try:
            parsed = parse_plan(stand_in + "\n".join(rest))
        except ImportProblem as problem:
            raise ImportProblem(max(problem.line + shift, issuance.last_line), problem.message) from None
        header = {"stage": stage or _stage(parsed["status"]), "date": issuance.date, "issuer": issuance.issuer}
        header.update((key, getattr(issuance, key)) for key in ("doc_number", "notice_title", "addressees", "notice")
                      if getattr(issuance, key))
    header.update(title=parsed["title"], period=parsed["period"], preamble=parsed["preamble"])
    return {**header, "parts": parsed["parts"]}


def _stage(status: str) -> str:
    if "征求意见" in status:
        return STAGES[0]
    return STAGES[2] if "修订" in status else STAGES[1]


# --- matching ------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    number: int  # in the new version
    id: str
    new: bool
    similarity: float  # to the old text (1.0 identical; 0 for a new measure)
    old: Measure | None
    text: str


@dataclass(frozen=True)
class Fate:
    old: Measure
    merged_into: str  # an id of the new version, or "" (deleted)
    containment: float
    into_number: int = 0


def _new_measures(parsed: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for p in parsed["parts"] for s in p.get("sections", []) for m in s["measures"]]


def match_measures(old: list[Measure], new: list[dict[str, Any]],
                   used_ids: list[str]) -> tuple[list[Match], list[Fate]]:
    """Pair each new measure (dicts with number and text) with an old measure: identical text first,
    then the most similar pair left (greedily, best first), never by number. The rest are new or gone."""
    free_old = list(old)
    paired: dict[int, tuple[Measure, float]] = {}
    for measure in new:  # identical text
        twin = next((o for o in free_old if o.text == measure["text"]), None)
        if twin is not None:
            paired[measure["number"]] = (twin, 1.0)
            free_old.remove(twin)
    pairs = []
    for measure in new:
        if measure["number"] in paired:
            continue
        for candidate in free_old:
            score = _similar_enough(candidate.text, measure["text"])
            if score is not None:
                pairs.append((-score, measure["number"], candidate.number, candidate, measure))
    taken: set[str] = set()
    for negative, number, _, candidate, _new in sorted(pairs, key=lambda p: p[:3]):
        if number not in paired and candidate.id not in taken:
            paired[number] = (candidate, -negative)
            taken.add(candidate.id)
    free_old = [o for o in free_old if o.id not in taken]
    used = list(used_ids)
    matches = []
    for measure in new:
        if measure["number"] in paired:
            candidate, score = paired[measure["number"]]
            matches.append(Match(measure["number"], candidate.id, False, round(score, 3), candidate, measure["text"]))
        else:
            new_id = next_id(used)
            used.append(new_id)
            matches.append(Match(measure["number"], new_id, True, 0.0, None, measure["text"]))
    return matches, [_fate(o, matches) for o in free_old]


def _similar_enough(a: str, b: str) -> float | None:
    from difflib import SequenceMatcher

    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < MATCH_FLOOR or matcher.quick_ratio() < MATCH_FLOOR:
        return None
    score = matcher.ratio()
    return score if score >= MATCH_FLOOR else None


def _fate(old: Measure, matches: list[Match]) -> Fate:
    """An old measure not found: merged into the new measure that contains most of its text, or deleted."""
    best = max(matches, key=lambda m: containment(old.text, m.text), default=None)
    if best is not None and (share := containment(old.text, best.text)) >= MERGE_FLOOR:
        return Fate(old, best.id, round(share, 3), best.number)
    return Fate(old, "", round(containment(old.text, best.text), 3) if best else 0.0)


# --- the review list -----------------------------------------------------------------


@dataclass
class Review:
    version_id: str
    previous_id: str
    stage: str
    header: dict[str, Any]
    matches: list[Match]
    fates: list[Fate]
    units_changed: dict[int, str] = field(default_factory=dict)  # number -> what changed in its units
    parsed: dict[str, Any] = field(default_factory=dict)  # the text as read (header and parts)
    written: list[Path] = field(default_factory=list)

    def lines(self) -> list[str]:
        h = self.header
        measures = len(self.matches)
        out = [f"version {self.version_id}: {self.stage}, {h['date']}, {h['issuer']}"
               + (f", {h['doc_number']}" if h.get("doc_number") else "") + f"; {measures} measures",
               f"matched against version {self.previous_id} (identical text first, then the most similar; "
               f"never by number)"]
        identical = [m for m in self.matches if not m.new and m.similarity == 1.0]
        changed = [m for m in self.matches if not m.new and (m.similarity < 1.0 or m.number in self.units_changed)]
        renumbered = [m for m in identical if m.old and m.old.number != m.number and m.number not in self.units_changed]
        out.append(f"  identical text: {len(identical)} (of which renumbered only: {len(renumbered)})")
        out.append(f"  matched but changed: {len(changed)}")
        for m in changed:
            what = [f"text {m.similarity:.2f} alike"] if m.similarity < 1.0 else []
            if m.number in self.units_changed:
                what.append(f"units: {self.units_changed[m.number]}")
            out.append(f"    第{m.number}条 keeps id {m.id} (was 第{m.old.number}条): {'; '.join(what)}"  # type: ignore[union-attr]
                       f"  {_snippet(m.text)}")
        out.append(f"  new: {len([m for m in self.matches if m.new])}")
        out += [f"    第{m.number}条 gets new id {m.id}  {_snippet(m.text)}" for m in self.matches if m.new]
        out.append(f"  not found in the new version (deleted or merged?): {len(self.fates)}")
        for f in self.fates:
            guess = (f"written as merged into 第{f.into_number}条 (id {f.merged_into}; {f.containment:.2f} of its text "
                     "is there)" if f.merged_into else f"written as deleted (at most {f.containment:.2f} of its text "
                     "is anywhere)")
            out.append(f"    id {f.old.id} (第{f.old.number}条): {guess}  {_snippet(f.old.text)}")
        low = [m for m in self.matches if not m.new and m.similarity < REVIEW_BELOW]
        out.append(f"  to confirm: matches below similarity {REVIEW_BELOW}: {len(low)}")
        out += [f"    第{m.number}条 → id {m.id} (was 第{m.old.number}条), {m.similarity:.2f}"  # type: ignore[union-attr]
                for m in low]
        return out


def _snippet(text: str, size: int = 24) -> str:
    return "“" + (text if len(text) <= size else text[:size] + "…") + "”"


# --- writing -------------------------------------------------------------------------


def import_version(data_dir: Path, version_id: str, text: str, stage: str = "", source: str = "") -> Review:
    """Add version `version_id` to `data_dir` from the plan's text; never overwrites a version.

    Raises VersionImportError (the version id) or ImportProblem (the text); writes nothing then.
    """
    versions = _current(data_dir)
    _check_new_id(data_dir, version_id, versions)
    parsed = parse_version(text, stage)
    current = versions.current
    used = [i for v in versions.versions for i in (m.id for m in v.plan.measures)]
    matches, fates = match_measures(list(current.plan.measures), _new_measures(parsed), used)
    by_number = {m.number: m for m in matches}
    units_changed = {}
    for measure in _new_measures(parsed):
        match = by_number[measure["number"]]
        if match.old is not None:
            if match.old.topics:
                measure["topics"] = list(match.old.topics)
            if (what := _units_differ(match.old, measure)):
                units_changed[measure["number"]] = what
    header = {k: v for k, v in parsed.items() if k != "parts"}
    if source:
        header["source"] = source
    review = Review(version_id, current.id, header["stage"], header, matches, fates, units_changed, parsed)
    review.written = _write(data_dir, version_id, header, parsed["parts"], current.id, matches, fates)
    return review


def _current(data_dir: Path) -> Versions:
    from .problems import PlanError

    try:
        return load_versions(data_dir, load_plan(data_dir))
    except PlanError as err:
        raise VersionImportError("the data in " + data_dir.name + "/ must be valid before a version is added:\n"
                                 + err.report().rsplit("\n", 1)[0]) from None


def _check_new_id(data_dir: Path, version_id: str, versions: Versions) -> None:
    if not VERSION_ID.match(version_id):
        raise VersionImportError(f"version id '{version_id}' is not allowed: letters, digits, - and _ "
                                 "(it is the URL /versions/<id>/), not 'index'")
    folder = data_dir / VERSIONS
    taken = [v.id for v in versions.versions] + ([p.name for p in folder.iterdir()] if folder.is_dir() else [])
    twin = next((t for t in taken if t.casefold() == version_id.casefold()), None)
    if twin is not None:
        raise VersionImportError(f"version id '{version_id}' is used twice: version '{twin}' exists "
                                 f"({data_dir.name}/{VERSIONS}/ or the first version's date); "
                                 "a version is never overwritten: choose another id")


def _units_differ(old: Measure, new: dict[str, Any]) -> str:
    before = {role: [r.spelling for r in old.roles.get(role, ())] for role in ROLES}
    after = {role: list(new.get(role, [])) for role in ROLES}
    return "; ".join(f"{role} {'、'.join(before[role]) or '-'} → {'、'.join(after[role]) or '-'}"
                     for role in ROLES if before[role] != after[role])


def to_yaml(data: Any, schema_line: str) -> str:
    """`data` as block-style YAML under its schema line (anything YAML would read as another type is quoted)."""
    return schema_line + "\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1_000_000)


def _scalar(value: Any) -> str:
    if isinstance(value, str) and value.isdigit() and not value.startswith("0"):
        return value
    return json.dumps(value, ensure_ascii=False)


def mapping_text(previous: str, matches: list[Match], fates: list[Fate], stage: str) -> str:
    lines = [SCHEMA_LINE.format("mapping"),
             f"# Which measure of version {previous} each measure of this version continues: the id is its URL",
             "# (/measures/<id>/). Written by scripts/import_plan.py --version; correct an id here and rebuild.",
             "# new: true marks a measure first added here (a new id, never one used before); `gone:` says what",
             "# became of each measure of the previous version this one no longer has (merged_into, or deleted).",
             f"previous: {_scalar(previous)}",
             f"similarity_threshold: {REVIEW_BELOW}",
             "measures:"]
    for m in matches:
        if m.new:
            lines.append(f"  - {{number: {m.number}, id: {_scalar(m.id)}, new: true}}")
        else:
            note = "" if m.similarity >= REVIEW_BELOW else "  # below the threshold: check"
            was = f"  # was 第{m.old.number}条" if m.old and m.old.number != m.number and not note else ""
            lines.append(f"  - {{number: {m.number}, id: {_scalar(m.id)}, similarity: {m.similarity}}}{note}{was}")
    lines.append("gone:" if fates else "gone: []")
    for f in fates:
        if f.merged_into:
            reason = f"并入{stage}第{f.into_number}条"
            lines.append(f"  - {{id: {_scalar(f.old.id)}, merged_into: {_scalar(f.merged_into)}, "
                         f"reason: {_scalar(reason)}}}  # check")
        else:
            lines.append(f"  - {{id: {_scalar(f.old.id)}, deleted: true, reason: {_scalar(stage + '未保留本条')}}}"
                         "  # check, and write the reason")
    return "\n".join(lines) + "\n"


def _write(data_dir: Path, version_id: str, header: dict[str, Any], parts: list[dict[str, Any]], previous: str,
           matches: list[Match], fates: list[Fate]) -> list[Path]:
    """Write the version's folder beside the others, then move it into place in one step."""
    folder = data_dir / VERSIONS / version_id
    staging = data_dir / VERSIONS / f".{version_id}.importing"
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "parts").mkdir(parents=True)
    try:
        (staging / "version.yaml").write_text(to_yaml(header, SCHEMA_LINE.format("version")), encoding="utf-8")
        for part in parts:
            for section in part.get("sections", []):
                section["measures"] = [{k: v for k, v in m.items() if k != "id"} for m in section["measures"]]
            (staging / "parts" / f"{part['id']}.yaml").write_text(to_yaml(part, PART_SCHEMA_LINE), encoding="utf-8")
        (staging / "mapping.yaml").write_text(mapping_text(previous, matches, fates, header["stage"]),
                                              encoding="utf-8")
        os.rename(staging, folder)  # fails if the folder appeared meanwhile: a version is never overwritten
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sorted(p for p in folder.rglob("*.yaml"))
