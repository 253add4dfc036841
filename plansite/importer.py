"""Import a plan from the plain text of a Chinese government document.

`parse_plan` reads the text as published (consultation notice, title page,
preamble, 一、 parts, (一) sections, 1. measures and 牵头单位: role lines) into
plain dicts shaped like the YAML data files; `dump_plan` writes them as
data/plan.yaml and data/parts/<id>.yaml (see README, "Editing the data").

Every non-blank line must find its place: a line the importer cannot place
raises `ImportProblem` with its line number instead of being dropped.
The unit registry (data/units.yaml) is curated by hand and never written here.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Data = dict[str, Any]

PLAN_SCHEMA = "# yaml-language-server: $schema=../plansite/schema/plan.schema.json"
PART_SCHEMA = "# yaml-language-server: $schema=../../plansite/schema/part.schema.json"

# Role labels as the source writes them -> role key in the data.
ROLE_OF_LABEL: dict[str, str] = {
    "牵头单位": "lead",
    "牵头部门": "lead",
    "参加单位": "participating",
    "责任单位": "responsible",
}
DEFAULT_LEAD_LABEL = "牵头单位"
ROLE_KEYS: tuple[str, ...] = ("lead", "participating", "responsible")  # order written in the data
DEFAULT_STATUS = "正式稿"  # when the title page has no (……稿) line

_NUMERAL = "零〇一二三四五六七八九十百"
PART_RE = re.compile(rf"^([{_NUMERAL}]+)、\s*(\S.*)$")
SECTION_RE = re.compile(rf"^[(（]([{_NUMERAL}]+)[)）]\s*(\S.*)$")
MEASURE_RE = re.compile(r"^(\d+)[.．](?!\d)\s*(\S.*)$")
ROLE_RE = re.compile(rf"^({'|'.join(ROLE_OF_LABEL)})\s*[:：]\s*(.*)$")
FIELD_RE = re.compile(r"^([^:：]{1,12})[:：]\s*(.*)$")
DATE_RE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
PERIOD_RE = re.compile(r"^[(（](\d{4}\s*[—–－-]+\s*\d{4}\s*年?)[)）]$")
STATUS_RE = re.compile(r"^[(（](\S*稿)[)）]$")

# Consultation field labels (spaces removed, parentheses half-width) -> keys they fill.
FIELD_KEYS: dict[str, tuple[str, ...]] = {
    "联系人": ("contact",),
    "联系电话(传真)": ("phone", "fax"),
    "联系电话": ("phone",),
    "电话": ("phone",),
    "传真": ("fax",),
    "电子邮箱": ("email",),
    "邮箱": ("email",),
}
REQUIRED_FIELDS: tuple[str, ...] = ("contact", "phone", "email")
CONSULTATION_KEYS: tuple[str, ...] = ("notice", "contact", "phone", "fax", "email")

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


class ImportProblem(Exception):
    """A line of the source the importer cannot place (or a missing one)."""

    def __init__(self, line: int, message: str):
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}")


# ---------------------------------------------------------------- small helpers


def chinese_number(numeral: str) -> int:
    """一 -> 1, 十 -> 10, 十四 -> 14, 二十四 -> 24, 一百零二 -> 102; ValueError otherwise."""
    total, digit = 0, None
    for char in numeral:
        if char in _DIGITS:
            if digit is not None:
                raise ValueError(f"not a Chinese numeral: {numeral}")
            digit = _DIGITS[char]
        elif char in "十百":
            total += (1 if digit is None else digit) * (10 if char == "十" else 100)
            digit = None
        else:
            raise ValueError(f"not a Chinese numeral: {numeral}")
    total += digit or 0
    if not numeral or total == 0:
        raise ValueError(f"not a Chinese numeral: {numeral}")
    return total


def _numbered_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, stripped text) for every non-blank line; a BOM is ignored."""
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        stripped = line.strip()
        if stripped:
            yield number, stripped


def _field_label(raw: str) -> str:
    return re.sub(r"\s+", "", raw).replace("（", "(").replace("）", ")")


def _split_units(value: str, line: int) -> list[str]:
    spellings = [part.strip() for part in value.split("、")]
    if not value.strip() or any(not s for s in spellings):
        raise ImportProblem(line, f"empty unit name in '{value}'")
    return spellings


# ---------------------------------------------------------------- the header


class _Lines:
    """A cursor over the non-blank lines, remembering the last line number."""

    def __init__(self, text: str):
        self._lines = list(_numbered_lines(text))
        self._pos = 0

    def peek(self) -> tuple[int, str] | None:
        return self._lines[self._pos] if self._pos < len(self._lines) else None

    def take(self, what: str) -> tuple[int, str]:
        current = self.peek()
        if current is None:
            last = self._lines[-1][0] if self._lines else 1
            raise ImportProblem(last, f"the text ends where {what} was expected")
        self._pos += 1
        return current

    def rest(self) -> list[tuple[int, str]]:
        rest, self._pos = self._lines[self._pos:], len(self._lines)
        return rest


def _is_field(line: str) -> bool:
    match = FIELD_RE.match(line)
    return bool(match) and _field_label(match.group(1)) in FIELD_KEYS


def _parse_consultation(lines: _Lines) -> Data:
    notice: list[str] = []
    while (current := lines.peek()) is not None and not _is_field(current[1]):
        notice.append(lines.take("the notice")[1])
    if not notice:
        raise ImportProblem(lines.take("the consultation notice")[0], "the consultation notice is missing")
    fields: Data = {}
    while (current := lines.peek()) is not None and _is_field(current[1]):
        line, text = lines.take("a contact line")
        label, value = FIELD_RE.match(text).groups()  # type: ignore[union-attr]
        for key in FIELD_KEYS[_field_label(label)]:
            if key in fields:
                raise ImportProblem(line, f"'{label}' repeats the {key} already given")
            fields[key] = value.strip()
    following = lines.peek()
    for key in REQUIRED_FIELDS:
        if not fields.get(key):
            raise ImportProblem(following[0] if following else 1, f"the consultation block has no {key} line")
    consultation = {"notice": "\n".join(notice), **fields}
    return {key: consultation[key] for key in CONSULTATION_KEYS if key in consultation}


def _parse_date(line: int, text: str) -> str:
    match = DATE_RE.match(text)
    if not match:
        raise ImportProblem(line, f"expected a date like 2022年9月14日, found '{text}'")
    try:
        return datetime.date(*(int(g) for g in match.groups())).isoformat()
    except ValueError as err:
        raise ImportProblem(line, f"'{text}' is not a valid date ({err})") from None


def _parse_header(lines: _Lines) -> Data:
    consultation = _parse_consultation(lines)
    office = lines.take("the issuing office")[1]
    date = _parse_date(*lines.take("the date line"))
    title_line, title = lines.take("the title")
    if PART_RE.match(title) or DATE_RE.match(title):
        raise ImportProblem(title_line, f"expected the title, found '{title}'")
    period_line, period_text = lines.take("the period line, e.g. (2020—2025年)")
    period = PERIOD_RE.match(period_text)
    if not period:
        raise ImportProblem(period_line, f"expected the period, e.g. (2020—2025年), found '{period_text}'")
    status = DEFAULT_STATUS
    if (current := lines.peek()) is not None and (match := STATUS_RE.match(current[1])):
        status = match.group(1)
        lines.take("the status line")
    preamble: list[str] = []
    while (current := lines.peek()) is not None and not PART_RE.match(current[1]):
        preamble.append(lines.take("the preamble")[1])
    if not preamble:
        raise ImportProblem(lines.take("the preamble")[0], "the preamble is missing")
    return {
        "title": title,
        "period": period.group(1),
        "status": status,
        "office": office,
        "date": date,
        "consultation": consultation,
        "preamble": "\n".join(preamble),
        **_related(" ".join(preamble)),
    }


# A document the preamble names as a basis: 《<issuer>关于印发<…>的通知》 and the like.
RELATED_RE = re.compile(r"《(([^《》]{2,40}?)关于[^《》]*的(?:通知|意见|决定))》")


def _related(preamble: str) -> Data:
    """`related` (相关链接): the parent documents the preamble names, with their issuers; no addresses."""
    found = [{"title": m.group(1), "issuer": m.group(2)} for m in RELATED_RE.finditer(preamble)]
    return {"related": found} if found else {}


# ---------------------------------------------------------------- the body


@dataclass
class _Body:
    """What the body parser has built so far, and where it stands."""

    parts: list[Data] = field(default_factory=list)
    section_count: int = 0
    measure_count: int = 0
    section: Data | None = None
    measure: Data | None = None
    heading_lines: dict[int, int] = field(default_factory=dict)  # id(dict) -> line, for late problems


def _expect_next(line: int, what: str, numeral: str, expected: int) -> None:
    try:
        value = chinese_number(numeral)
    except ValueError:
        raise ImportProblem(line, f"'{numeral}' is not a Chinese numeral") from None
    if value != expected:
        raise ImportProblem(line, f"{what} {numeral} is out of sequence: expected number {expected}")


def _start_part(body: _Body, line: int, numeral: str, title: str) -> None:
    _expect_next(line, "part", numeral, len(body.parts) + 1)
    part: Data = {"id": len(body.parts) + 1, "number": numeral, "title": title}
    body.parts.append(part)
    body.heading_lines[id(part)] = line
    body.section = body.measure = None


def _add_paragraph(body: _Body, line: int, numeral: str, heading: str) -> None:
    part = body.parts[-1]
    if "sections" in part:
        raise ImportProblem(
            line, f"a run-in paragraph ({numeral}) in part {part['number']}, which has sections"
        )
    paragraphs = part.setdefault("paragraphs", [])
    _expect_next(line, "paragraph", numeral, len(paragraphs) + 1)
    title, text = heading.split("。", 1)
    paragraphs.append({"number": numeral, "title": title, "text": text.strip()})
    body.section = body.measure = None


def _start_section(body: _Body, line: int, numeral: str, title: str) -> None:
    part = body.parts[-1]
    if "paragraphs" in part:
        raise ImportProblem(
            line, f"section ({numeral}) in part {part['number']}, which has run-in paragraphs"
        )
    _expect_next(line, "section", numeral, body.section_count + 1)
    body.section_count += 1
    section: Data = {"id": body.section_count, "number": numeral, "title": title, "measures": []}
    part.setdefault("sections", []).append(section)
    body.heading_lines[id(section)] = line
    body.section, body.measure = section, None


def _start_measure(body: _Body, line: int, digits: str, text: str) -> None:
    if body.section is None:
        raise ImportProblem(line, f"measure {digits}. is not under a section heading")
    number = int(digits)
    if number != body.measure_count + 1:
        raise ImportProblem(line, f"measure {digits}. is out of sequence: expected {body.measure_count + 1}.")
    body.measure_count = number
    body.measure = {"id": number, "number": number, "text": text}
    body.section["measures"].append(body.measure)


def _add_role(body: _Body, line: int, label: str, value: str) -> None:
    if body.measure is None:
        raise ImportProblem(line, f"'{label}' line does not follow a measure")
    role = ROLE_OF_LABEL[label]
    if role in body.measure:
        raise ImportProblem(line, f"measure {body.measure['number']} already has a {role} line")
    body.measure[role] = _split_units(value, line)
    if role == "lead" and label != DEFAULT_LEAD_LABEL:
        body.measure["lead_label"] = label


def _place(body: _Body, line: int, text: str) -> None:
    """Put one body line where it belongs, or raise ImportProblem."""
    if match := PART_RE.match(text):
        _start_part(body, line, *match.groups())
    elif not body.parts:
        raise ImportProblem(line, "expected a part heading like 一、总体要求")
    elif match := SECTION_RE.match(text):
        numeral, heading = match.groups()
        if "。" in heading and heading.split("。", 1)[1].strip():
            _add_paragraph(body, line, numeral, heading)
        else:
            _start_section(body, line, numeral, heading)
    elif match := MEASURE_RE.match(text):
        _start_measure(body, line, *match.groups())
    elif match := ROLE_RE.match(text):
        _add_role(body, line, *match.groups())
    else:
        raise ImportProblem(
            line,
            f"cannot place this line: '{text[:30]}' is not a part heading (一、), section heading ((一)), "
            "measure (1.) or role line (牵头单位:)",
        )


def _ordered_measure(measure: Data) -> Data:
    keys = ("id", "number", "text", "lead_label", *ROLE_KEYS)
    return {key: measure[key] for key in keys if key in measure}


def _check_complete(body: _Body, last_line: int) -> None:
    if not body.parts:
        raise ImportProblem(last_line, "no part heading (一、…) found")
    for part in body.parts:
        if not part.get("paragraphs") and not part.get("sections"):
            raise ImportProblem(body.heading_lines[id(part)], f"part {part['number']} is empty")
        for section in part.get("sections", []):
            if not section["measures"]:
                where = body.heading_lines[id(section)]
                raise ImportProblem(where, f"section ({section['number']}) has no measures")
            section["measures"] = [_ordered_measure(m) for m in section["measures"]]


def _parse_body(lines: list[tuple[int, str]]) -> list[Data]:
    body = _Body()
    for line, text in lines:
        _place(body, line, text)
    _check_complete(body, lines[-1][0] if lines else 1)
    return body.parts


def parse_plan(text: str) -> Data:
    """The plan as a dict: plan.yaml's keys in order, then `parts` (a list of part dicts)."""
    lines = _Lines(text)
    header = _parse_header(lines)
    return {**header, "parts": _parse_body(lines.rest())}


# ---------------------------------------------------------------- writing YAML


class PlanDumper(yaml.SafeDumper):
    """Block style, sequences indented under their key, no anchors; unit lists in flow style.

    A string is written plain only when it reads back as the same string; anything a
    YAML loader would resolve to another type (3635352, 2022-09-14, no, on, null …)
    is quoted.
    """

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _needs_escape(char: str) -> bool:
    """Characters only a double-quoted scalar keeps intact (controls, odd line breaks, BOM)."""
    if char == "\n":
        return False
    return char in "\x85\u2028\u2029\ufeff\r\t" or not (
        " " <= char <= "~" or "\xa0" <= char <= "\ud7ff" or "\ue000" <= char <= "\ufffd" or char > "\uffff"
    )


def _represent_str(dumper: PlanDumper, value: str) -> yaml.ScalarNode:
    tag = "tag:yaml.org,2002:str"
    if dumper.resolve(yaml.ScalarNode, value, (True, False)) != tag:
        return dumper.represent_scalar(tag, value, style="'")
    if any(_needs_escape(char) for char in value):
        return dumper.represent_scalar(tag, value, style='"')
    return dumper.represent_scalar(tag, value, style="|" if "\n" in value else None)


def _represent_list(dumper: PlanDumper, value: list[Any]) -> yaml.SequenceNode:
    flow = bool(value) and all(isinstance(item, str) for item in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


PlanDumper.add_representer(str, _represent_str)
PlanDumper.add_representer(list, _represent_list)


def to_yaml(data: Data, schema_line: str = "") -> str:
    """`data` as YAML text (after an optional first comment line)."""
    body = yaml.dump(
        data,
        Dumper=PlanDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=1_000_000,
    )
    return f"{schema_line}\n{body}" if schema_line else body


def dump_plan(parsed: Data, out_dir: str | Path) -> list[Path]:
    """Write plan.yaml and parts/<id>.yaml under `out_dir`; return the paths written.

    units.yaml is curated by hand and left alone.
    """
    out = Path(out_dir)
    (out / "parts").mkdir(parents=True, exist_ok=True)
    plan = {key: value for key, value in parsed.items() if key != "parts"}
    written = [out / "plan.yaml"]
    written[0].write_text(to_yaml(plan, PLAN_SCHEMA), encoding="utf-8")
    for part in parsed["parts"]:
        path = out / "parts" / f"{part['id']}.yaml"
        path.write_text(to_yaml(part, PART_SCHEMA), encoding="utf-8")
        written.append(path)
    return written


def measure_spellings(parsed: Data) -> dict[str, list[int]]:
    """Every unit spelling in the measures -> the measure numbers using it, in source order."""
    found: dict[str, list[int]] = {}
    for part in parsed["parts"]:
        for section in part.get("sections", []):
            for measure in section["measures"]:
                for role in ROLE_KEYS:
                    for spelling in measure.get(role, []):
                        found.setdefault(spelling, []).append(measure["number"])
    return found
