"""Load and validate `data/` into a `Plan`, or raise `PlanError` with every problem.

Two passes. The JSON Schemas in `plansite/schema/` check each file's shape
(the same schemas editors use to underline mistakes); then the checks here
look across files: duplicate ids, unit spellings, declared topics.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from .model import (
    ROLE_LABELS,
    ROLES,
    Alias,
    Consultation,
    Location,
    Measure,
    Paragraph,
    Part,
    Plan,
    RelatedDocument,
    Section,
    Topic,
    Unit,
    UnitRef,
)
from .problems import PlanError, Problem, did_you_mean, excerpt
from .yamlfile import Path_, YamlDoc, read_yaml

SCHEMA_DIR = Path(__file__).parent / "schema"


@cache
def schema_validator(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


ReadFile = Callable[[Path, str, tuple[Path, ...], str], tuple[YamlDoc | None, list[Problem]]]


def read_checked(path: Path, shown_as: str, inside: tuple[Path, ...], schema: str) -> tuple[YamlDoc | None,
                                                                                              list[Problem]]:
    """One data file read (`read_yaml`) and, when well-formed, its shape checked against `schema`."""
    doc, found = read_yaml(path, shown_as, inside)
    if doc is not None and len(found) == len(doc.text_problems):  # well-formed: check the shape too
        found += list(check_shape(doc, schema))
    return doc, found


def load_plan(data_dir: Path, read_file: ReadFile = read_checked) -> Plan:
    """Read every file of `data_dir`; return the plan or raise PlanError.

    `read_file` reads one file (`make serve` passes one that remembers the files it read unchanged)."""
    problems: list[Problem] = []
    shown = data_dir.name

    inside = (data_dir, data_dir.absolute().parent)  # a link is followed only within the project

    def read(path: Path, schema: str) -> YamlDoc | None:
        doc, found = read_file(path, f"{shown}/{path.relative_to(data_dir).as_posix()}", inside, schema)
        problems.extend(found)
        return doc if not found else None

    for name in ("plan.yaml", "units.yaml"):
        if not (data_dir / name).is_file() and not (data_dir / name).is_symlink():
            problems.append(Problem(Location(f"{shown}/{name}"), "file is missing"))
    problems += list(misnamed_files(data_dir))
    part_files = data_files(data_dir / "parts")
    if not part_files:
        problems.append(Problem(Location(f"{shown}/parts"), "no part files (parts/*.yaml)"))

    def read_if_there(path: Path, schema: str) -> YamlDoc | None:
        return read(path, schema) if path.is_file() or path.is_symlink() else None

    plan_doc = read_if_there(data_dir / "plan.yaml", "plan")
    units_doc = read_if_there(data_dir / "units.yaml", "units")
    topics_path = data_dir / "topics.yaml"
    topics_doc = read_if_there(topics_path, "topics")
    part_docs = [read(path, "part") for path in part_files]

    # The cross-file checks run on every file that read cleanly, so that one slip does not hide
    # the others; checks that need a broken file (unit names, topics) are left out.
    builder = _PlanBuilder(problems)
    builder.units_known = units_doc is not None
    builder.topics_known = topics_doc is not None or not (topics_path.is_file() or topics_path.is_symlink())
    units = builder.units(units_doc) if units_doc else ()
    topics = builder.topics(topics_doc) if topics_doc else ()
    parts = builder.parts([d for d in part_docs if d is not None], topics)
    if problems or plan_doc is None:
        raise PlanError(problems)
    return builder.plan(plan_doc, parts, units, topics)


# The site's public address reaches canonical links, favicons and the 404 page, printed by the theme as
# it is: a plain http(s) address, nothing that could end an attribute or start a script.
_SITE_URL = re.compile(r"^https?://[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?(/[A-Za-z0-9._~%/-]*)?$")


def site_url_problems(site_url: str) -> list[Problem]:
    """The public address (mkdocs.yml site_url or $SITE_URL) is empty or a plain http(s) address."""
    if not site_url or _SITE_URL.match(site_url):
        return []
    return [Problem(Location("site_url"), f"the site's address '{excerpt(site_url, 80)}' is not a plain web address",
                    "set SITE_URL (or site_url in mkdocs.yml) to an address such as https://example.gov.cn/plan/: "
                    "http or https, letters, digits and . _ ~ % / - only")]


def is_hidden(path: Path) -> bool:
    """Hidden files and editors' leftovers (.#7.yaml, .7.yaml.swp, 7.yaml~, #7.yaml#): never data."""
    return path.name.startswith((".", "#")) or path.name.endswith(("~", "#"))


def data_files(folder: Path) -> list[Path]:
    """The data files of a folder: *.yaml, hidden files and editors' leftovers left out."""
    return sorted(p for p in folder.glob("*.yaml") if not is_hidden(p))


def misnamed_files(data_dir: Path) -> Iterable[Problem]:
    """A data file ending in .yml (or .YAML) would be ignored without a word: say so."""
    for folder in (data_dir, data_dir / "parts"):
        for path in sorted(folder.glob("*")) if folder.is_dir() else ():
            suffix = path.suffix
            if not is_hidden(path) and suffix.lower() in (".yml", ".yaml") and suffix != ".yaml":
                shown = f"{data_dir.name}/{path.relative_to(data_dir).as_posix()}"
                yield Problem(Location(shown), f"this file is ignored: data files end in .yaml, not {suffix}",
                              f"rename it to {path.stem}.yaml")


# --- shape: JSON Schema errors turned into one-line messages -----------------

_TYPE_NAMES = {"string": "text", "integer": "a whole number", "array": "a list", "object": "a mapping",
               "boolean": "true or false"}


def check_shape(doc: YamlDoc, schema: str) -> Iterable[Problem]:
    for error in schema_validator(schema).iter_errors(doc.data):
        yield from _explain(doc, tuple(error.absolute_path), error)


def _explain(doc: YamlDoc, path: Path_, error: jsonschema.ValidationError) -> Iterable[Problem]:
    subject = _subject(doc, path)
    field = f"'{excerpt(path[-1])}'" if path and isinstance(path[-1], str) else "item"
    value, kind = error.instance, error.validator
    if kind == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        for key in sorted(set(value) - set(allowed), key=str):
            hint = did_you_mean(str(key), allowed) or "allowed keys: " + ", ".join(allowed)
            yield Problem(doc.where_key((*path, key)), f"{subject}unknown key '{excerpt(key)}'", hint)
    elif kind == "required":
        for key in error.validator_value:
            if key not in value:
                yield Problem(doc.where_key(path), f"{subject}missing required field '{key}'")
    elif kind == "type" or (kind == "oneOf" and not isinstance(value, str)):
        expected = _expected(error.schema)
        hint = _quote_hint(doc, path, value, error.schema) if expected == "text" or isinstance(value, str) else ""
        yield Problem(doc.where(path), f"{subject}{field} must be {expected}, got {_describe(value)}", hint)
    elif kind == "minLength" or (kind == "minItems" and not value):
        yield Problem(doc.where(path), f"{subject}{field} is empty")
    elif kind == "enum":
        allowed = ", ".join(error.validator_value)
        yield Problem(doc.where(path), f"{subject}{field} is '{excerpt(value)}', not one of: {allowed}",
                      did_you_mean(str(value), error.validator_value))
    elif kind in ("pattern", "oneOf", "maxLength") and isinstance(value, str):
        yield Problem(doc.where(path), f"{subject}{field} '{excerpt(value)}' is not allowed",
                      error.schema.get("description") or _pattern_hint(error.schema))
    elif kind in ("minimum", "maximum") and isinstance(value, int | float):
        bound = "at least" if kind == "minimum" else "at most"
        yield Problem(doc.where(path), f"{subject}{field} is {value}; it must be {bound} {error.validator_value}")
    else:
        yield Problem(doc.where(path), f"{subject}{field} {_describe(value)} is not allowed here ({kind})")


def _expected(schema: dict[str, Any]) -> str:
    options = schema.get("oneOf") or [schema]
    return " or ".join(_TYPE_NAMES.get(o.get("type", ""), o.get("type", "?")) for o in options)


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, datetime.date):
        return f"the date {value.isoformat()}"
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"'{excerpt(value)}'"


def _quote_hint(doc: YamlDoc, path: Path_, value: Any, schema: dict[str, Any]) -> str:
    """How to write the value so that YAML reads it as the type the schema wants."""
    raw = doc.sources.get(path)
    if raw is not None and not isinstance(value, str):
        return f"YAML reads {raw} as {_describe(value)}; write it in quotes: '{raw}'"
    if not isinstance(value, str):
        return ""
    wanted = schema.get("type")
    if wanted == "array" and schema.get("items", {}).get("type") == "string":
        # 区委宣传部、区司法局 as the source prints a list of units (or topics)
        for separator in "，,；;":
            value = value.replace(separator, "、")
        items = [item.strip() for item in value.split("、") if item.strip()]
        special = set(",[]{}#:'\"&*!|>%@`")
        written = [f"'{i}'" if i.isascii() or special & set(i) else i for i in (x.replace("'", "''") for x in items)]
        return f"write a list: [{', '.join(written)}]" if written else "write a list: []"
    if wanted == "array":
        return "write a list: [a, b]"
    if wanted == "integer" and value.strip().isdecimal():
        return f"write the number without quotes: {int(value)}"
    if wanted == "boolean" and value.strip().lower() in ("true", "false"):
        return f"write it without quotes: {value.strip().lower()}"
    return ""


def _pattern_hint(schema: dict[str, Any]) -> str:
    return f"it must match {schema['pattern']}" if "pattern" in schema else ""


_KINDS = {"measures": "measure", "sections": "section", "units": "unit", "aliases": "alias",
          "combined": "combined spelling", "paragraphs": "paragraph", "topics": "topic", "changes": "change",
          "related": "related document"}


def _subject(doc: YamlDoc, path: Path_) -> str:
    """'measure 7: ' for anything inside measure 7, and so on (the innermost named item wins)."""
    node: Any = doc.data
    subject = ""
    for depth, step in enumerate(path):
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(step, int) and isinstance(node, dict) and depth:
            label = next((k for k in ("id", "slug", "spelling", "name", "url") if k in node), None)
            if label is not None:
                subject = f"{_KINDS.get(str(path[depth - 1]), 'item')} {excerpt(node[label])}: "
    return subject


# --- the cross-file checks --------------------------------------------------


class _PlanBuilder:
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        self.units_known = self.topics_known = True  # False when that file could not be read
        self.spellings: dict[str, tuple[Unit, ...]] = {}
        self.alias_notes: dict[str, str] = {}
        self.aliases_used: list[tuple[Location, str, tuple[str, ...], str]] = []

    def problem(self, where: Location, message: str, hint: str = "") -> None:
        self.problems.append(Problem(where, message, hint))

    # units.yaml
    def units(self, doc: YamlDoc) -> tuple[Unit, ...]:
        units: list[Unit] = []
        spelled_at: dict[str, Location] = {}
        slugs: dict[str, Location] = {}

        def claim(spelling: str, where: Location, what: str) -> bool:
            if spelling in spelled_at:
                self.problem(where, f"{what} '{excerpt(spelling)}' is already in the registry",
                             f"the first one is at line {spelled_at[spelling].line}")
                return False
            spelled_at[spelling] = where
            return True

        for i, raw in enumerate(doc.data["units"]):
            where = doc.where(("units", i))
            if raw["slug"] in slugs:
                self.problem(doc.where(("units", i, "slug")), f"unit {raw['name']}: duplicate slug '{raw['slug']}'",
                             f"the first one is at line {slugs[raw['slug']].line}")
            slugs.setdefault(raw["slug"], where)
            aliases = tuple(
                Alias(a["spelling"], a.get("note", ""), doc.where(("units", i, "aliases", j)))
                for j, a in enumerate(raw.get("aliases", []))
            )
            unit = Unit(raw["slug"], raw["name"], raw["kind"], aliases, where)
            units.append(unit)
            if claim(unit.name, doc.where(("units", i, "name")), "unit name"):
                self.spellings[unit.name] = (unit,)
            for alias in aliases:
                if claim(alias.spelling, alias.where, "spelling"):
                    self.spellings[alias.spelling] = (unit,)
                    self.alias_notes[alias.spelling] = alias.note
        by_name = {u.name: u for u in units}
        for i, raw in enumerate(doc.data.get("combined", [])):
            members = []
            for j, name in enumerate(raw["units"]):
                if name in by_name:
                    members.append(by_name[name])
                else:
                    self.problem(doc.where(("combined", i, "units", j)),
                                 f"combined spelling {raw['spelling']}: unknown unit '{excerpt(name)}'",
                                 did_you_mean(name, by_name))
            if claim(raw["spelling"], doc.where(("combined", i, "spelling")), "spelling"):
                self.spellings[raw["spelling"]] = tuple(members)
                self.alias_notes[raw["spelling"]] = raw.get("note", "")
        return tuple(units)

    def topics(self, doc: YamlDoc) -> tuple[Topic, ...]:
        topics = []
        seen: dict[str, Location] = {}
        for i, raw in enumerate(doc.data["topics"]):
            where = doc.where(("topics", i))
            for key in ("name", "slug"):
                if raw[key] in seen:
                    self.problem(doc.where(("topics", i, key)), f"duplicate topic {key} '{raw[key]}'",
                                 f"the first one is at line {seen[raw[key]].line}")
                seen.setdefault(raw[key], where)
            topics.append(Topic(raw["name"], raw["slug"], raw.get("description", ""), where))
        return tuple(topics)

    # parts/*.yaml
    def parts(self, docs: list[YamlDoc], topics: tuple[Topic, ...]) -> tuple[Part, ...]:
        ids = _IdRegistry(self)
        topic_names = {t.name for t in topics}
        parts = []
        for doc in docs:
            part_id = ids.claim("part", doc.data["id"], doc.where(("id",)))
            sections = []
            for i, raw_section in enumerate(doc.data.get("sections", [])):
                path: Path_ = ("sections", i)
                section_id = ids.claim("section", raw_section["id"], doc.where((*path, "id")))
                measures = tuple(
                    self.measure(doc, (*path, "measures", j), ids, topic_names, part_id, section_id)
                    for j in range(len(raw_section["measures"]))
                )
                sections.append(Section(section_id, raw_section["number"], raw_section["title"], measures,
                                        doc.where(path), part_id, raw_section.get("text", "")))
            paragraphs = tuple(
                Paragraph(p["number"], p["title"], p["text"], doc.where(("paragraphs", i)))
                for i, p in enumerate(doc.data.get("paragraphs", []))
            )
            if not sections and not paragraphs and not doc.data.get("text"):
                self.problem(doc.where(()), f"part {part_id}: has neither sections nor paragraphs nor text")
            parts.append(Part(part_id, doc.data["number"], doc.data["title"], paragraphs, tuple(sections),
                              doc.where(()), doc.data.get("text", "")))
        return tuple(sorted(parts, key=lambda p: _natural(p.id)))

    def measure(self, doc: YamlDoc, path: Path_, ids: _IdRegistry, topic_names: set[str],
                part_id: str, section_id: str) -> Measure:
        raw = _get(doc.data, path)
        measure_id = ids.claim("measure", raw["id"], doc.where((*path, "id")))
        ids.claim_number(raw["number"], doc.where((*path, "number")), measure_id)
        roles = {
            role: tuple(self.resolve(doc, (*path, role, k), measure_id, spelling)
                        for k, spelling in enumerate(raw.get(role, [])))
            for role in ROLES
        }
        labels = {role: raw.get(f"{role}_label", label) for role, label in ROLE_LABELS.items()}
        for k, topic in enumerate(raw.get("topics", [])):
            if topic not in topic_names and self.topics_known:
                self.problem(doc.where((*path, "topics", k)),
                             f"measure {measure_id}: undeclared topic '{excerpt(topic)}'",
                             did_you_mean(topic, topic_names) or "declare it in data/topics.yaml")
        return Measure(measure_id, raw["number"], raw["text"], roles, labels, tuple(raw.get("topics", [])),
                       doc.where(path), part_id, section_id, raw.get("numbering", ""))

    def resolve(self, doc: YamlDoc, path: Path_, measure_id: str, spelling: str) -> UnitRef:
        units = self.spellings.get(spelling)
        where = doc.where(path)
        if units is None and not self.units_known:
            return UnitRef(spelling, ())
        if units is None:
            names = [units[0].name for units in self.spellings.values() if len(units) == 1]
            self.problem(where, f"measure {measure_id}: unknown unit '{excerpt(spelling)}'",
                         did_you_mean(spelling, names) or "add it to data/units.yaml, as a unit or an alias")
            return UnitRef(spelling, ())
        ref = UnitRef(spelling, units)
        if ref.is_alias:
            names = tuple(u.name for u in units)
            self.aliases_used.append((where, spelling, names, self.alias_notes.get(spelling, "")))
        return ref

    def plan(self, doc: YamlDoc, parts: tuple[Part, ...], units: tuple[Unit, ...],
             topics: tuple[Topic, ...]) -> Plan:
        data = doc.data
        c = data.get("consultation")
        consultation = c and Consultation(c["notice"], c.get("contact", ""), c.get("phone", ""), c.get("fax", ""),
                                          c["email"], c.get("deadline", ""), c.get("address", ""))
        if consultation and consultation.deadline and consultation.deadline < data["date"]:
            self.problem(doc.where(("consultation", "deadline")),
                         f"'deadline' {consultation.deadline} is before the publication date {data['date']}",
                         "the last day for comments comes after the notice is published")
        related = tuple(RelatedDocument(r["title"], r["issuer"], r.get("url", ""), doc.where(("related", i)))
                        for i, r in enumerate(data.get("related", [])))
        if self.problems:
            raise PlanError(self.problems)
        issued = data.get("issued", {})
        return Plan(data["title"], data.get("period", ""), data["status"], data["office"], data["date"], consultation,
                    data.get("preamble", ""), parts, units, topics,
                    number=issued.get("number", "") or data.get("number", ""),  # the notice says it as issued
                    written=issued.get("date", "") or data.get("written", ""),
                    related=related, aliases_used=tuple(sorted(self.aliases_used)), issued=tuple(issued.items()))


class _IdRegistry:
    """Ids unique per kind (case-insensitively: URLs are case-sensitive, people are not)."""

    def __init__(self, builder: _PlanBuilder):
        self.builder = builder
        self.seen: dict[tuple[str, str], tuple[str, Location]] = {}
        self.numbers: dict[int, tuple[str, Location]] = {}

    def claim(self, kind: str, raw: int | str, where: Location) -> str:
        value = str(raw)
        key = (kind, value.casefold())
        if key in self.seen:
            first, at = self.seen[key]
            twin = "" if first == value else f": a twin of '{first}' differing only in case"
            self.builder.problem(where, f"duplicate {kind} id '{value}'{twin}",
                                 f"the first one is at {at.file}:{at.line}")
        else:
            self.seen[key] = (value, where)
        return value

    def claim_number(self, number: int, where: Location, measure_id: str) -> None:
        if number in self.numbers:
            first, at = self.numbers[number]
            self.builder.problem(where, f"measure {measure_id}: duplicate display number {number}",
                                 f"measure {first} has it, at {at.file}:{at.line}")
        else:
            self.numbers[number] = (measure_id, where)


def _get(data: Any, path: Path_) -> Any:
    for step in path:
        data = data[step]
    return data


def _natural(value: str) -> tuple[int, str]:
    return (int(value), "") if value.isdigit() else (1 << 30, value)
