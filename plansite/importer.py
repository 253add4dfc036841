"""Import a plan from the plain text of a Chinese government document.

`parse_plan(text)` reads the text as published into plain dicts shaped like the YAML
data files; `dump_plan` writes them as data/plan.yaml and data/parts/<id>.yaml (README,
"Editing the data"); `plansite.plantext.export_text` writes the data back as plain text.

The text is read in two steps, as Python-Markdown reads blocks:

1. The lines before the first part heading (一、) are the header: a notice, letter or
   announcement (consultation notice, 印发通知, 函, 公告) ending with its issuer and date,
   then the title page (title, period, status) and the preamble. The lines after it are
   the body. Each line is offered, in priority order, to named *recognisers*
   (`HEADER` and `BODY` registries); the first whose `test` accepts it `run`s and says how
   many lines it consumed. A new convention is a new recogniser and one `register` line.
2. The body's tokens (headings of five numbering styles, unit lines, paragraphs, rows of
   an attachment table) are built into parts, sections and measures (`_Builder`).

Every non-blank line must find its place: a line the importer cannot place raises
`ImportProblem` naming the line, quoting it, and saying what was expected.
"""

from __future__ import annotations

import contextlib
import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Data = dict[str, Any]

PLAN_SCHEMA = "# yaml-language-server: $schema=../plansite/schema/plan.schema.json"
PART_SCHEMA = "# yaml-language-server: $schema=../../plansite/schema/part.schema.json"

CONVENTIONS = (
    "supported: a header (征求意见 notice with 联系人/电话/电子邮箱, 印发通知 with 文号, 函, 公告, "
    "issuer and date), a title page (title on one or two lines, (2021—2025年), (征求意见稿)), "
    "the body numbered 一、 / (一) / 1. 1、 1． / (1) / ①, unit lines 牵头单位：… 责任单位：… "
    "参加单位：… 配合单位：… 协办单位：… 主要责任单位：…, units at a paragraph's end (责任单位：…) "
    "【责任单位：…】 (A牵头，B按职责分工负责), and 附件：…分工表 rows 序号 | 任务 | 牵头单位 | …"
)

# Role labels as the source writes them -> role key in the data.
ROLE_OF_LABEL: dict[str, str] = {
    "主要责任单位": "lead",
    "牵头责任单位": "lead",
    "牵头单位": "lead",
    "牵头部门": "lead",
    "参加单位": "participating",
    "参与单位": "participating",
    "配合单位": "participating",
    "配合部门": "participating",
    "协办单位": "participating",
    "协助单位": "participating",
    "责任单位": "responsible",
    "责任部门": "responsible",
}
ROLE_KEYS: tuple[str, ...] = ("lead", "participating", "responsible")  # order written in the data
DEFAULT_LABELS: dict[str, str] = {"lead": "牵头单位", "participating": "参加单位", "responsible": "责任单位"}
DEFAULT_LEAD_LABEL = DEFAULT_LABELS["lead"]
DEFAULT_STATUS = "正式稿"  # when the title page has no (……稿) line
MEASURE_KEYS = ("id", "number", "numbering", "text", "lead_label", "lead", "participating_label", "participating",
                "responsible_label", "responsible")

_NUMERAL = "零〇一二三四五六七八九十百"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_LABELS = "|".join(sorted(ROLE_OF_LABEL, key=len, reverse=True))
PART_RE = re.compile(rf"^([{_NUMERAL}]+)、\s*(\S.*)$")
STYLES: dict[str, re.Pattern[str]] = {  # numbering styles, outermost first
    "part": PART_RE,
    "section": re.compile(rf"^[(（]([{_NUMERAL}]+)[)）]\s*(\S.*)$"),
    "item": re.compile(r"^(\d+)\s*(?:[.．](?!\d)|、)\s*(\S.*)$"),
    "sub": re.compile(r"^[(（](\d+)[)）]\s*(\S.*)$"),
    "circled": re.compile(rf"^([{_CIRCLED}])\s*(\S.*)$"),
}
ROLE_RE = re.compile(rf"^({_LABELS})\s*[:：]\s*(.*)$")
BRACKETED_ROLE_RE = re.compile(rf"^[【〔(（]\s*(?:{_LABELS})\s*[:：].*[】〕)）][。；]?$")
DATE_RE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
PERIOD_RE = re.compile(r"^[(（](\d{4}\s*[—–－-]+\s*\d{4}\s*年?)[)）]$")
STATUS_RE = re.compile(r"^[(（](\S*稿)[)）]$")
TITLE_TAIL_RE = re.compile(r"^(.+?)\s*(?:[(（](\d{4}\s*[—–－-]+\s*\d{4}\s*年?)[)）])?\s*(?:[(（](\S*稿)[)）])?$")
PUBLIC_RE = re.compile(r"^[(（]此件.{2,10}[)）]$")
DOC_NUMBER_RE = re.compile(r"^\S{0,20}[〔\[［(（]\d{4}[〕\]］)）]\s*\d+\s*号$")
NOTICE_TITLE_END = ("的通知", "的函", "的公告", "通知", "公告")
DEADLINE_RE = re.compile(r"请?于(\d{4})年(\d{1,2})月(\d{1,2})日(?:\d{1,2}[时点])?(?:之?前|以前|前)")
ATTACHMENT_RE = re.compile(r"^附件\s*\d*\s*[:：]?\s*(.*)$")
TERMINAL = "。！？；;：:"

# Contact labels (spaces removed, parentheses half-width) -> keys they fill.
FIELD_KEYS: dict[str, tuple[str, ...]] = {
    "联系人": ("contact",),
    "联系电话(传真)": ("phone", "fax"),
    "电话(传真)": ("phone", "fax"),
    "联系电话": ("phone",),
    "电话": ("phone",),
    "传真": ("fax",),
    "电子邮箱": ("email",),
    "电子邮件": ("email",),
    "邮箱": ("email",),
    "通讯地址": ("address",),
    "通信地址": ("address",),
    "邮寄地址": ("address",),
    "地址": ("address",),
}
_FIELD_LABELS = sorted(FIELD_KEYS, key=len, reverse=True)
CONSULTATION_KEYS: tuple[str, ...] = ("notice", "deadline", "contact", "phone", "fax", "email", "address")

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


class ImportProblem(Exception):
    """A line of the source the importer cannot place (or a missing one)."""

    def __init__(self, line: int, message: str, text: str = "", hint: str = ""):
        self.line = line
        self.message = message
        self.text = text
        self.hint = hint
        super().__init__(f"line {line}: {message}")

    def report(self, source: str) -> str:
        """`source:line: message`, the line as written, and what is supported."""
        lines = [f"{source}:{self.line}: {self.message}"]
        if self.text:
            lines.append(f"    {self.line} | {self.text}")
        lines.append(f"    ({self.hint or CONVENTIONS})")
        return "\n".join(lines)


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


def number_value(style: str, number: str) -> int:
    if style in ("part", "section"):
        return chinese_number(number)
    if style == "circled":
        return _CIRCLED.index(number) + 1
    return int(number)


def _field_label(raw: str) -> str:
    return re.sub(r"\s+", "", raw).replace("（", "(").replace("）", ")")


def _split_outside_brackets(value: str, separators: str) -> list[str]:
    """Split at separators that are not inside （…） or (…): 各镇（街道、管理处） stays whole."""
    pieces, depth, current = [], 0, ""
    for char in value:
        depth += char in "（(【["
        depth -= char in "）)】]"
        if char in separators and depth <= 0:
            pieces.append(current)
            current = ""
        else:
            current += char
    pieces.append(current)
    return pieces


_TRAILING_CLAUSE = re.compile(r"(?:(?:按照?职责分工|根据职责)?(?:分别|共同|各自)?(?:负责|落实|配合|参与)|[。；;，,])$")


def _without_trailing_clause(name: str) -> str:
    """区直各部门按职责分工分别负责。 -> 区直各部门"""
    while (shorter := _TRAILING_CLAUSE.sub("", name).strip()) != name:
        name = shorter
    return name


def split_units(value: str, line: int, text: str = "") -> list[str]:
    """区委宣传部、区司法局，区直各部门按职责分工负责。 -> the unit names, as written."""
    spellings = []
    pieces = _split_outside_brackets(value.strip(), "、，,；;")
    for index, piece in enumerate(pieces):
        name = _without_trailing_clause(piece.strip())
        if sum(c in "（(【[〔" for c in name) != sum(c in "）)】]〕" for c in name):
            raise ImportProblem(line, f"the unit name '{name}' has a bracket that is not closed", text,
                                "unit names are separated by 、 ， or ；, brackets closed: 各镇（街道、管理处）")
        if name:
            spellings.append(name)
        elif not piece.strip() and index < len(pieces) - 1:
            raise ImportProblem(line, f"empty unit name in '{value}'", text,
                                "unit names are separated by one 、 ， or ；")
    if not spellings:
        raise ImportProblem(line, f"no unit name in '{value}'", text,
                            "a unit line names units separated by 、 ， or ；, e.g. 牵头单位：区司法局、区教育局")
    return spellings


def parse_date(line: int, text: str) -> str:
    match = DATE_RE.match(text.replace(" ", ""))
    if not match:
        raise ImportProblem(line, f"expected a date like 2022年9月14日, found '{text}'", text)
    try:
        return datetime.date(*(int(g) for g in match.groups())).isoformat()
    except ValueError as err:
        raise ImportProblem(line, f"'{text}' is not a valid date ({err})", text) from None


def _ends_sentence(text: str) -> bool:
    return bool(text) and text[-1] in TERMINAL


_UNITS_START = re.compile(r"^[(（【〔]\s*(?:" + "|".join(ROLE_OF_LABEL) + r")\s*[:：]")


def wraps_onto(previous: str, text: str, width: int) -> bool:
    """Whether `text` continues `previous`, a line a PDF wrapped: `previous` is full, and unfinished
    (no final 。 or a bracket left open) or followed by the units of its paragraph."""
    open_brackets = sum(c in _OPEN for c in previous) > sum(c in _CLOSE for c in previous)
    return bool(width) and len(previous) >= width - 2 and (
        not _ends_sentence(previous) or open_brackets or bool(_UNITS_START.match(text)))


def _stands_alone(text: str) -> bool:
    """A header line that is never the rest of the line before it: a date, 文号, period, status, field."""
    compact = text.replace(" ", "")
    return any(pattern.match(compact) for pattern in (DATE_RE, DOC_NUMBER_RE, PERIOD_RE, STATUS_RE, PUBLIC_RE)) or (
        _is_field(text) or text.startswith("关于"))


def join_wrapped(lines: list[Line], width: int) -> list[Line]:
    """The header's lines, each one a PDF wrapped joined to the line before it (which keeps its number).
    The line after a date or （此件公开发布） starts the title page: it is set on its own."""
    joined: list[Line] = []
    last, after_alone = "", False
    for line in lines:
        if joined and wraps_onto(last, line.text, width) and not _stands_alone(line.text) and not after_alone:
            joined[-1] = Line(joined[-1].number, joined[-1].text + line.text)
        else:
            after_alone = bool(joined) and bool(DATE_RE.match(last.replace(" ", "")) or PUBLIC_RE.match(last))
            joined.append(line)
        last = line.text
    return joined


# ---------------------------------------------------------------- the recogniser loop


@dataclass(frozen=True)
class Line:
    number: int
    text: str


@dataclass(frozen=True)
class Recogniser:
    """One convention: `test(state, lines, i)` says whether it reads line i; `run` reads it
    (and maybe more) and returns how many lines it consumed (0 declines)."""

    name: str
    test: Callable[[Any, list[Line], int], bool]
    run: Callable[[Any, list[Line], int], int]


class Registry:
    """Recognisers by priority: the highest first."""

    def __init__(self) -> None:
        self._items: list[tuple[int, Recogniser]] = []

    def register(self, recogniser: Recogniser, priority: int) -> None:
        self._items = sorted([*[i for i in self._items if i[1].name != recogniser.name], (priority, recogniser)],
                             key=lambda item: -item[0])

    @property
    def names(self) -> list[str]:
        return [r.name for _, r in self._items]

    def read(self, state: Any, lines: list[Line], expected: str) -> None:
        i = 0
        while i < len(lines):
            for _, recogniser in self._items:
                if recogniser.test(state, lines, i) and (taken := recogniser.run(state, lines, i)):
                    i += taken
                    break
            else:
                line = lines[i]
                raise ImportProblem(line.number, f"cannot place this line: expected {expected}", line.text)


# ---------------------------------------------------------------- the header


@dataclass
class _Header:
    notice: list[str] = field(default_factory=list)
    fields: Data = field(default_factory=dict)
    issued: Data = field(default_factory=dict)
    office: str = ""
    date: str = ""
    consultation_kind: bool = False


def _is_field(text: str) -> bool:
    compact = _field_label(text)
    return any(compact.startswith(label) and compact[len(label):len(label) + 1] in (":", "：")
               for label in _FIELD_LABELS)


def _label_pattern(label: str) -> str:
    return r"\s*".join("[（(]" if c == "(" else "[）)]" if c == ")" else re.escape(c) for c in label)


FIELD_LABEL_RE = re.compile(rf"({'|'.join(_label_pattern(label) for label in _FIELD_LABELS)})\s*[:：]")


def _read_fields(state: _Header, lines: list[Line], i: int) -> int:
    """联系人：张冰  or several on one line: 联系人：王明，联系电话：1234567，电子邮箱：a@b.cn。"""
    line = lines[i]
    matches = list(FIELD_LABEL_RE.finditer(line.text))
    if not matches or matches[0].start() != 0:
        return 0
    for match, following in zip(matches, [*matches[1:], None], strict=False):
        end = following.start() if following else len(line.text)
        value = line.text[match.end():end].strip().rstrip("，,；;。、　 ")
        for key in FIELD_KEYS[_field_label(match.group(1))]:
            if key in state.fields:
                raise ImportProblem(line.number, f"'{match.group(1)}' repeats the {key} already given", line.text)
            state.fields[key] = value
    return 1


def _signature(state: _Header, lines: list[Line], i: int) -> int:
    state.office = lines[i].text
    state.date = parse_date(lines[i + 1].number, lines[i + 1].text)
    return 2


def _is_signature(lines: list[Line], i: int) -> bool:
    text = lines[i].text
    return (i + 1 < len(lines) and bool(DATE_RE.match(lines[i + 1].text.replace(" ", "")))
            and len(text) <= 40 and not _ends_sentence(text) and not _is_field(text))


def _is_date(text: str) -> bool:
    return bool(DATE_RE.match(text.replace(" ", "")))


def _date_only(state: _Header, lines: list[Line], i: int) -> int:
    state.date = parse_date(lines[i].number, lines[i].text)
    state.office = state.office or state.issued.get("issuer", "")
    return 1


def _issuer_before_title(state: _Header, lines: list[Line], i: int) -> bool:
    """西平县人民政府办公室 on its own line, right above 关于印发……的通知."""
    text = lines[i].text
    return (i + 1 < len(lines) and "关于" in lines[i + 1].text and "关于" not in text and len(text) <= 30
            and not _ends_sentence(text) and not state.notice)


def _notice_title(state: _Header, lines: list[Line], i: int) -> int:
    taken, title = 0, ""
    while i + taken < len(lines) and taken < 3:
        title += lines[i + taken].text
        taken += 1
        if title.endswith(NOTICE_TITLE_END):
            break
    else:
        return 0
    state.issued["title"] = title
    state.consultation_kind = "征求" in title
    return taken


def _append_notice(state: _Header, lines: list[Line], i: int) -> int:
    state.notice.append(lines[i].text)
    return 1


def _set(key: str) -> Callable[[_Header, list[Line], int], int]:
    def run(state: _Header, lines: list[Line], i: int) -> int:
        state.issued[key] = lines[i].text.rstrip(":：")
        return 1
    return run


HEADER = Registry()
HEADER.register(Recogniser("public-mark", lambda s, ls, i: bool(PUBLIC_RE.match(ls[i].text)), _set("publication")), 90)
HEADER.register(Recogniser("banner", lambda s, ls, i: ls[i].text.endswith("文件") and len(ls[i].text) <= 30
                           and not s.issued, _set("banner")), 85)
HEADER.register(Recogniser("document-number", lambda s, ls, i: bool(DOC_NUMBER_RE.match(ls[i].text)),
                           _set("number")), 80)
HEADER.register(Recogniser("signature", lambda s, ls, i: _is_signature(ls, i), _signature), 70)
HEADER.register(Recogniser("date", lambda s, ls, i: _is_date(ls[i].text), _date_only), 65)
HEADER.register(Recogniser("issuer", lambda s, ls, i: _issuer_before_title(s, ls, i), _set("issuer")), 55)
HEADER.register(Recogniser("contact-fields", lambda s, ls, i: _is_field(ls[i].text), _read_fields), 60)
HEADER.register(Recogniser("notice-title",
                           lambda s, ls, i: "关于" in ls[i].text and not s.notice and len(ls[i].text) < 80,
                           _notice_title), 50)
HEADER.register(Recogniser("addressees", lambda s, ls, i: ls[i].text[-1] in ":：" and len(ls[i].text) <= 100
                           and not s.notice, _set("addressees")), 40)
HEADER.register(Recogniser("notice-text", lambda s, ls, i: True, _append_notice), 0)


def _front_matter_end(lines: list[Line]) -> int:
    """How many header lines belong to the notice before the title page (0 when there is none)."""
    for i in range(len(lines)):
        if _is_date(lines[i].text):
            before = lines[:i]
            noticed = any(_is_field(x.text) or x.text.endswith(NOTICE_TITLE_END) or len(x.text) > 40
                          or DOC_NUMBER_RE.match(x.text) for x in before)
            if not noticed:
                return 0
            end = i + 1
            while end < len(lines) and PUBLIC_RE.match(lines[end].text):
                end += 1
            return end
    return 0


def _consultation(header: _Header, lines: list[Line]) -> Data | None:
    fields = header.fields
    if not fields and not header.consultation_kind:
        return None
    where = lines[0].number if lines else 1
    if not header.notice:
        raise ImportProblem(where, "the consultation notice is missing", lines[0].text if lines else "")
    notice = "\n".join(header.notice)
    if not fields.get("email"):
        raise ImportProblem(where, "the consultation block has no email line (电子邮箱：… or 电子邮件：…)",
                            lines[0].text if lines else "", "a plan open for comment needs the address comments go to")
    consultation = {"notice": notice, **fields}
    if deadline := DEADLINE_RE.search(notice):
        with contextlib.suppress(ValueError):
            consultation["deadline"] = datetime.date(*(int(g) for g in deadline.groups())).isoformat()
    return {key: consultation[key] for key in CONSULTATION_KEYS if consultation.get(key)}


def _title_page(lines: list[Line], header: _Header) -> Data:
    """Title (one or two lines, maybe with period and status), period, status, maybe issuer and date, preamble."""
    if not lines:
        raise ImportProblem(1, "the title is missing", "", "the title page comes before the first part heading 一、")
    i, title_lines = 0, []
    while (i < len(lines) and len(title_lines) < 3 and not _ends_sentence(lines[i].text) and len(lines[i].text) <= 60
           and not PERIOD_RE.match(lines[i].text) and not STATUS_RE.match(lines[i].text)
           and not _is_signature(lines, i)):
        title_lines.append(lines[i].text)
        i += 1
        if TITLE_TAIL_RE.match(title_lines[-1]) and re.search(r"[)）]$", title_lines[-1]):
            break
    if not title_lines:
        raise ImportProblem(lines[0].number, "expected the title", lines[0].text)
    match = TITLE_TAIL_RE.match("".join(title_lines))
    assert match is not None
    title, period, status = match.group(1), match.group(2) or "", match.group(3) or ""
    if i < len(lines) and (m := PERIOD_RE.match(lines[i].text)):
        period, i = m.group(1), i + 1
    if i < len(lines) and (m := STATUS_RE.match(lines[i].text)):
        status, i = m.group(1), i + 1
    if i < len(lines) and _is_signature(lines, i) and not header.date:
        _signature(header, lines, i)
        i += 2
    plan: Data = {"title": title}
    if period:
        plan["period"] = period
    plan["status"] = status or DEFAULT_STATUS
    if not header.date:
        where = lines[min(i, len(lines) - 1)]
        raise ImportProblem(where.number, "no issuer and date found: expected the issuing office on one line and "
                            "the date (2022年9月14日) on the next, before the title or under it", where.text)
    plan["office"], plan["date"] = header.office, header.date
    plan["preamble"] = "\n".join(x.text for x in lines[i:])
    return plan


def parse_header(lines: list[Line], width: int = 0) -> Data:
    """The header's fields; `width` is the PDF's wrap width (0: one paragraph a line)."""
    lines = join_wrapped(lines, width)
    end = _front_matter_end(lines)
    header = _Header()
    HEADER.read(header, lines[:end], "a notice line")
    plan = _title_page(lines[end:], header)
    preamble = plan.pop("preamble")
    if header.issued or (header.notice and not header.fields and not header.consultation_kind):
        issued = {**header.issued}
        if header.notice and not header.fields:
            issued["text"] = "\n".join(header.notice)
        issued.update(issuer=header.office or issued.get("issuer", ""), date=header.date)
        order = ("banner", "number", "title", "addressees", "text", "issuer", "date", "publication")
        plan["issued"] = {key: issued[key] for key in order if issued.get(key)}
    consultation = _consultation(header, lines[:end])
    if consultation:
        plan["consultation"] = consultation
    if preamble:
        plan["preamble"] = preamble
        plan.update(_related(preamble.replace("\n", " ")))
    return plan


# A document the preamble names as a basis: 《<issuer>关于印发<…>的通知》 and the like.
RELATED_RE = re.compile(r"《(([^《》]{2,40}?)关于[^《》]*的(?:通知|意见|决定))》")


def _related(preamble: str) -> Data:
    """`related` (相关链接): the parent documents the preamble names, with their issuers; no addresses."""
    found = [{"title": m.group(1), "issuer": m.group(2)} for m in RELATED_RE.finditer(preamble)]
    return {"related": found} if found else {}


# ---------------------------------------------------------------- the body: tokens


@dataclass
class Token:
    kind: str  # heading, role, paragraph, attachment, row
    line: int
    source: str
    style: str = ""  # a heading's numbering style (STYLES)
    number: str = ""  # as written, without its brackets or dot: 一, 3, ①
    text: str = ""
    label: str = ""  # a role line's label
    cells: list[str] = field(default_factory=list)
    last_line: str = ""  # the physical line that ended this token (PDF wraps)


@dataclass
class _Body:
    tokens: list[Token] = field(default_factory=list)
    wrap_width: int = 0
    in_attachment: bool = False

    @property
    def last(self) -> Token | None:
        return self.tokens[-1] if self.tokens else None


def wrap_width(lines: Iterable[Line]) -> int:
    """The width at which a PDF's text was wrapped: the most common length of long lines, when most
    long lines have it (eight and more, three in five); 0 when the text keeps one paragraph a line."""
    lengths = [len(x.text) for x in lines if len(x.text) >= 15]
    if not lengths:
        return 0
    best = max(set(lengths), key=lambda n: sum(abs(n - m) <= 1 for m in lengths))
    share = sum(abs(best - m) <= 1 for m in lengths)
    return best if share >= max(8, len(lengths) * 0.6) else 0


def _heading(style: str) -> Recogniser:
    pattern = STYLES[style]

    def run(body: _Body, lines: list[Line], i: int) -> int:
        number, text = pattern.match(lines[i].text).groups()  # type: ignore[union-attr]
        body.tokens.append(Token("heading", lines[i].number, lines[i].text, style, number, text,
                                 last_line=lines[i].text))
        return 1

    return Recogniser(style, lambda b, ls, i: bool(pattern.match(ls[i].text)) and not b.in_attachment, run)


def _is_role(text: str) -> bool:
    if ROLE_RE.match(text):
        return True
    group = trailing_group(text) if BRACKETED_ROLE_RE.match(text) else None
    return group is not None and not group[0].strip()  # one bracketed group: the whole line


def _role(body: _Body, lines: list[Line], i: int) -> int:
    """牵头单位：A、B on its own line, or the same in brackets: 【责任单位：A；配合单位：B】."""
    text = lines[i].text
    match = ROLE_RE.match(text)
    value = match.group(2) if match else trailing_group(text)[1]  # type: ignore[index]
    body.tokens.append(Token("role", lines[i].number, text, label=match.group(1) if match else "", text=value,
                             last_line=text))
    return 1


def _continues(body: _Body, lines: list[Line], i: int) -> bool:
    last = body.last
    return last is not None and last.kind != "row" and wraps_onto(last.last_line, lines[i].text, body.wrap_width)


def _continue(body: _Body, lines: list[Line], i: int) -> int:
    last = body.last
    assert last is not None
    last.text += lines[i].text
    last.source += lines[i].text
    last.last_line = lines[i].text
    return 1


def _paragraph(body: _Body, lines: list[Line], i: int) -> int:
    body.tokens.append(Token("paragraph", lines[i].number, lines[i].text, text=lines[i].text,
                             last_line=lines[i].text))
    return 1


def _attachment(body: _Body, lines: list[Line], i: int) -> int:
    body.in_attachment = True
    title = ATTACHMENT_RE.match(lines[i].text).group(1)  # type: ignore[union-attr]
    body.tokens.append(Token("attachment", lines[i].number, lines[i].text, text=title))
    return 1


def _cells(text: str) -> list[str]:
    separator = "|" if "|" in text else "\t" if "\t" in text else None
    cells = text.strip("|").split(separator) if separator else re.split(r"\s{2,}|　+", text)
    return [c.strip() for c in cells]


def _row(body: _Body, lines: list[Line], i: int) -> int:
    last = body.last
    if last is not None and last.kind == "attachment" and not last.text:
        last.text = lines[i].text  # 附件 on its own line, then the table's title
        return 1
    body.tokens.append(Token("row", lines[i].number, lines[i].text, cells=_cells(lines[i].text)))
    return 1


BODY = Registry()
BODY.register(Recogniser("attachment", lambda b, ls, i: bool(ATTACHMENT_RE.match(ls[i].text)) and not b.in_attachment,
                         _attachment), 100)
BODY.register(Recogniser("table-row", lambda b, ls, i: b.in_attachment, _row), 95)
BODY.register(Recogniser("unit-line", lambda b, ls, i: _is_role(ls[i].text), _role), 90)
for _priority, _style in zip((80, 70, 60, 50, 45), STYLES, strict=False):
    BODY.register(_heading(_style), _priority)
BODY.register(Recogniser("line-wrap", _continues, _continue), 20)
BODY.register(Recogniser("paragraph", lambda b, ls, i: True, _paragraph), 0)


# ---------------------------------------------------------------- the body: building the tree


_CLAUSE_ROLE = (("牵头", "lead"), ("配合", "participating"), ("参与", "participating"), ("协助", "participating"),
                ("负责", "responsible"), ("落实", "responsible"))
_OPEN, _CLOSE = "（(【〔", "）)】〕"


def trailing_group(text: str) -> tuple[str, str, str] | None:
    """'正文。（责任单位：A）' -> ('正文。', '责任单位：A', ''): the bracketed group a text ends with
    (before an optional final 。), or None."""
    after = text[-1:] if text.endswith(("。", "；")) else ""
    body = text[: len(text) - len(after)]
    if not body or body[-1] not in _CLOSE:
        return None
    depth = 0
    for index in range(len(body) - 1, -1, -1):
        depth += body[index] in _CLOSE
        depth -= body[index] in _OPEN
        if depth == 0:
            return body[:index], body[index + 1:-1], after
    return None


def labelled_units(value: str, line: int, text: str) -> list[tuple[str, list[str]]] | None:
    """'牵头单位：A、B；配合单位：C' -> [(牵头单位, [A, B]), (配合单位, [C])]; None without a label first."""
    pieces = re.split(rf"[；;，,。]?\s*({_LABELS})\s*[:：]", value)
    if pieces[0].strip() or len(pieces) < 2:
        return None
    return [(label, split_units(units, line, text)) for label, units in zip(pieces[1::2], pieces[2::2], strict=False)]


def clause_units(value: str, line: int, text: str) -> list[tuple[str, list[str]]] | None:
    """'A、B牵头，C按职责分工负责' -> [(牵头, [A, B]), (负责, [C])]; None unless every clause names units and a role."""
    found = []
    for clause in _split_outside_brackets(value, "，,；;"):
        clause = clause.strip().rstrip("。")
        verb = next((v for v, _ in _CLAUSE_ROLE if clause.endswith(v)), None)
        if verb is None:
            return None
        names = re.sub(r"(?:按照?职责分工|根据职责)?(?:分别|共同|各自)?$", "", clause[: -len(verb)])
        if not names or re.search(r"[。“”《》0-9：:]", names) or len(names) > 120:
            return None
        found.append((verb, split_units(names, line, text)))
    return found or None


def inline_units(text: str, line: int) -> tuple[str, dict[str, list[str]], dict[str, str]] | None:
    """A paragraph ending with (责任单位：A、B) 【牵头单位：…】 or (A、B牵头，C按职责分工负责):
    (text without it, role -> units, role -> label as written); None when it ends otherwise."""
    group = trailing_group(text)
    if group is None or not group[0].strip():
        return None
    before, inside, after = group
    pairs = labelled_units(inside, line, text)
    if pairs is None:
        clauses = clause_units(inside, line, text)
        if clauses is None:
            return None
        pairs = [(DEFAULT_LABELS[dict(_CLAUSE_ROLE)[verb]], units) for verb, units in clauses]
    roles: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    for label, units in pairs:
        role = ROLE_OF_LABEL[label]
        roles.setdefault(role, []).extend(units)
        labels[role] = label
    return before + after, roles, labels


@dataclass
class _Node:
    token: Token
    kind: str = ""  # part, section, measure, paragraph, sub
    children: list[_Node] = field(default_factory=list)
    roles: list[Token] = field(default_factory=list)
    paragraphs: list[Token] = field(default_factory=list)  # unnumbered paragraphs under it

    @property
    def text(self) -> list[str]:
        return [p.text for p in self.paragraphs]


class _Builder:
    """Turns the body's tokens into parts, sections and measures."""

    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.parts: list[_Node] = []
        self.rows: list[Token] = []
        self.table_header: Token | None = None
        self.measures: list[Data] = []

    # 1. nest the headings by style
    def nest(self) -> None:
        stack: list[_Node] = []
        order = list(STYLES)
        in_table = False
        for token in self.tokens:
            if token.kind == "attachment":
                in_table = True
                continue
            if in_table:
                if token.kind == "row":
                    self.rows.append(token)
                continue
            if token.kind == "heading":
                if token.style != "part" and not stack:
                    raise ImportProblem(token.line, "expected a part heading like 一、总体要求 before this line",
                                        token.source)
                node = _Node(token)
                while stack and order.index(stack[-1].token.style) >= order.index(token.style):
                    stack.pop()
                (stack[-1].children if stack else self.parts).append(node)
                stack.append(node)
            elif not stack:
                raise ImportProblem(token.line, "expected a part heading like 一、总体要求", token.source)
            elif token.kind == "role":
                stack[-1].roles.append(token)
            else:
                target = stack[-1]
                if target.roles:  # a measure closed by its unit lines takes no more text
                    raise ImportProblem(token.line, "cannot place this line: it follows the unit lines of "
                                        f"{_cite(target.token)}; expected a heading (一、 (一) 1.) or a unit line",
                                        token.source)
                target.paragraphs.append(token)
        if not self.parts:
            last = self.tokens[-1] if self.tokens else None
            raise ImportProblem(last.line if last else 1, "no part heading (一、…) found", last.source if last else "")

    # 2. decide what each level is
    def classify(self) -> None:
        """A part's numbered children are sections when one of them has numbered items of its own
        (and is not a run-in item: (一)标题。正文); else measures when they name units; else paragraphs."""
        for part in self.parts:
            part.kind = "part"
            if part.roles:
                raise ImportProblem(part.roles[0].line, "a unit line directly under a part heading: expected it "
                                    "after a measure", part.roles[0].source)
            if not part.children:
                continue
            first = part.children[0]
            for child in part.children:
                if child.token.style != first.token.style:
                    raise ImportProblem(child.token.line, f"{_cite(child.token)} is numbered otherwise than "
                                        f"{_cite(first.token)} before it, under the same heading", child.token.source)
            if first.token.style == "section" and any(c.children and not _run_in(c.token.text) for c in part.children):
                for child in part.children:
                    child.kind = "section"
                    if child.roles:
                        raise ImportProblem(child.roles[0].line, "a unit line directly under a section heading: "
                                            "expected it after a measure", child.roles[0].source)
                    for grandchild in child.children:
                        self._measure(grandchild)
            elif first.token.style != "section" or self._has_units(part):
                for child in part.children:
                    self._measure(child)
            else:
                for child in part.children:
                    self._paragraph(child)

    def _has_units(self, part: _Node) -> bool:
        return any(c.roles or any(g.roles for g in c.children) or inline_units(self._full_text(c), c.token.line)
                   for c in part.children)

    def _full_text(self, node: _Node) -> str:
        lines = [node.token.text, *node.text, *(c.token.source for c in node.children)]
        return "\n".join(lines)

    def _measure(self, node: _Node) -> None:
        node.kind = "measure"
        if node.paragraphs:
            where = node.paragraphs[0]
            raise ImportProblem(where.line, "cannot place this line: an unnumbered paragraph after "
                                f"{_cite(node.token)}; "
                                "expected a unit line, a numbered item or a heading", where.source,
                                "unnumbered paragraphs belong to the heading above them (一、 or (一) with items "
                                "of its own), or continue a PDF line wrap")
        if node.children and node.children[-1].roles:  # unit lines after the measure's last item
            node.roles += node.children[-1].roles
            node.children[-1].roles = []
        for index, child in enumerate(node.children, start=1):
            if number_value(child.token.style, child.token.number) != index:
                raise ImportProblem(child.token.line, f"{_cite(child.token)} is out of sequence: expected number "
                                    f"{index}", child.token.source, "a measure's own items are numbered from 1")
            if child.children or child.roles:
                where = (child.children[0].token if child.children else child.roles[0])
                raise ImportProblem(where.line, f"{_cite(where)} is nested deeper than a measure's items",
                                    where.source, "a measure's own items (1) ① become part of its text")
            child.kind = "sub"

    def _paragraph(self, node: _Node) -> None:
        node.kind = "paragraph"
        if node.children or node.roles:
            where = node.children[0].token if node.children else node.roles[0]
            raise ImportProblem(where.line, f"cannot place this line under the paragraph {_cite(node.token)}",
                                where.source)

    # 3. write the data
    def data(self) -> list[Data]:
        counters = {"section": 0, "measure": 0}
        parts = []
        last_number: dict[str, int] = {}
        for index, node in enumerate(self.parts, start=1):
            _check_sequence(node.token, index, last_number)
            part: Data = {"id": index, "number": node.token.number, "title": node.token.text}
            if node.text:
                part["text"] = "\n".join(node.text)
            children = node.children
            if children and children[0].kind == "paragraph":
                part["paragraphs"] = [self._paragraph_data(c, i, last_number) for i, c in enumerate(children, 1)]
            elif children and children[0].kind == "section":
                part["sections"] = [self._section_data(c, i, counters, last_number) for i, c in enumerate(children, 1)]
            elif children:
                counters["section"] += 1
                section = {"id": counters["section"], "number": "", "title": node.token.text, "measures": []}
                section["measures"] = [self._measure_data(c, i, counters, last_number)
                                       for i, c in enumerate(children, 1)]
                part["sections"] = [section]
            elif not node.text:
                raise ImportProblem(node.token.line, f"part {node.token.number} is empty", node.token.source)
            parts.append(part)
        self._join_table()
        self._number_measures(parts)
        return parts

    def _paragraph_data(self, node: _Node, index: int, last: dict[str, int]) -> Data:
        _check_sequence(node.token, index, last)
        title, _, text = node.token.text.partition("。")
        body = "\n".join([text.strip(), *node.text] if text.strip() else node.text)
        if not body:
            raise ImportProblem(node.token.line, f"{_cite(node.token)} has no text and no measures",
                                node.token.source)
        return {"number": node.token.number, "title": title, "text": body}

    def _section_data(self, node: _Node, index: int, counters: dict[str, int], last: dict[str, int]) -> Data:
        _check_sequence(node.token, index, last)
        counters["section"] += 1
        section: Data = {"id": counters["section"], "number": node.token.number, "title": node.token.text}
        if node.text:
            section["text"] = "\n".join(node.text)
        if not node.children:
            raise ImportProblem(node.token.line, f"section ({node.token.number}) has no measures", node.token.source)
        section["measures"] = [self._measure_data(c, i, counters, last) for i, c in enumerate(node.children, 1)]
        return section

    def _measure_data(self, node: _Node, index: int, counters: dict[str, int], last: dict[str, int]) -> Data:
        _check_sequence(node.token, index, last)
        counters["measure"] += 1
        text = "\n".join([node.token.text, *node.text, *(self._sub_text(c) for c in node.children)])
        measure: Data = {"id": counters["measure"], "number": counters["measure"], "text": text}
        if found := inline_units(text, node.token.line):
            measure["text"] = found[0]
            for role, units in found[1].items():
                measure[role] = units
            for role, label in found[2].items():
                if label != DEFAULT_LABELS[role]:
                    measure[f"{role}_label"] = label
        for role_token in node.roles:
            if role_token.label:
                pairs = [(role_token.label, split_units(role_token.text, role_token.line, role_token.source))]
            else:
                pairs = labelled_units(role_token.text, role_token.line, role_token.source) or []
            for label, units in pairs:
                role = ROLE_OF_LABEL[label]
                if role in measure:
                    raise ImportProblem(role_token.line, f"{_cite(node.token)} already has its {label} "
                                        f"({'、'.join(measure[role])})", role_token.source)
                measure[role] = units
                if label != DEFAULT_LABELS[role]:
                    measure[f"{role}_label"] = label
        measure["_token"] = node.token
        self.measures.append(measure)
        return measure

    def _sub_text(self, node: _Node) -> str:
        return "\n".join([node.token.source, *node.text])

    def _join_table(self) -> None:
        if not self.rows:
            return
        while self.rows and len(self.rows[0].cells) == 1 and "序号" not in self.rows[0].cells[0]:
            self.rows.pop(0)  # the table's title, before its header row
        if not self.rows:
            return
        header, *rows = self.rows
        labels = header.cells[2:]
        if len(header.cells) < 3 or "序号" not in header.cells[0] or any(lb not in ROLE_OF_LABEL for lb in labels):
            raise ImportProblem(header.line, "expected the table's header row: 序号 | 任务 | 牵头单位 | 配合单位 …",
                                header.source, "cells separated by | or tabs; unit columns labelled as in "
                                + "、".join(ROLE_OF_LABEL))
        for row in rows:
            if len(row.cells) != len(header.cells) or not row.cells[0].isdigit():
                raise ImportProblem(row.line, f"expected a row of {len(header.cells)} cells starting with its 序号",
                                    row.source)
            number = int(row.cells[0])
            if not 1 <= number <= len(self.measures):
                raise ImportProblem(row.line, f"row {number}: the plan has measures 1 to {len(self.measures)}",
                                    row.source)
            measure = self.measures[number - 1]
            task = row.cells[1].rstrip("。")
            if task and task not in measure["text"]:
                raise ImportProblem(row.line, f"row {number}: the task '{task}' is not in measure {number}'s text "
                                    f"'{measure['text'][:20]}…'", row.source)
            for label, value in zip(labels, row.cells[2:], strict=False):
                role = ROLE_OF_LABEL[label]
                if not value or value in ("—", "-", "／", "/"):
                    continue
                if role in measure:
                    raise ImportProblem(row.line, f"row {number}: measure {number} already has its {label}",
                                        row.source)
                measure[role] = split_units(value, row.line, row.source)
                if label != DEFAULT_LABELS[role]:
                    measure[f"{role}_label"] = label

    def _number_measures(self, parts: list[Data]) -> None:
        """Measures numbered 1. 2. 3. … through the whole document are cited 第N条 (no `numbering`);
        otherwise each is cited as the document numbers it, with as many of its headings' numbers as
        make it unique: （三）, （二）3, 二（三）3."""
        tokens = [m["_token"] for m in self.measures]
        running = all(t.style == "item" and int(t.number) == i for i, t in enumerate(tokens, 1))
        paths = []
        for part in parts:
            for section in part.get("sections", []):
                for measure in section["measures"]:
                    own = _display(measure["_token"])
                    paths.append((f"{part['number']}", f"（{section['number']}）" if section["number"] else "", own))
        if not running:
            for depth in (1, 2, 3):
                cited = ["".join(p[3 - depth:]) for p in paths]
                if len(set(cited)) == len(cited):
                    break
            for measure, citation in zip(self.measures, cited, strict=False):
                measure["numbering"] = citation
        for measure in self.measures:
            del measure["_token"]
            ordered = {key: measure[key] for key in MEASURE_KEYS if key in measure}
            measure.clear()
            measure.update(ordered)


def _run_in(text: str) -> bool:
    """(一)标题。正文: a heading sentence and more text on the same line."""
    return bool(re.search(r"。.", text))


def _display(token: Token) -> str:
    return {"part": f"{token.number}、", "section": f"（{token.number}）", "sub": f"（{token.number}）"}.get(
        token.style, token.number)


def _cite(token: Token) -> str:
    return {"part": f"{token.number}、", "section": f"({token.number})", "item": f"{token.number}.",
            "sub": f"({token.number})"}.get(token.style, token.number or token.label)


def _check_sequence(token: Token, index: int, last: dict[str, int]) -> None:
    """Number 1 of its heading (restarting), or one more than the last of its style (running on)."""
    try:
        value = number_value(token.style, token.number)
    except ValueError:
        raise ImportProblem(token.line, f"'{token.number}' is not a Chinese numeral", token.source) from None
    previous = last.get(token.style, 0)
    if value not in (index, previous + 1):
        expected = sorted({index, previous + 1})
        raise ImportProblem(token.line, f"{_cite(token)} is out of sequence: expected number "
                            f"{' or '.join(str(e) for e in expected)}", token.source,
                            "numbering restarts under each heading or runs on through the document")
    last[token.style] = value


# ---------------------------------------------------------------- the whole document


def source_lines(text: str) -> list[Line]:
    """Every non-blank line, stripped, with its line number; a BOM is ignored."""
    return [Line(n, raw.strip()) for n, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1) if raw.strip()]


def parse_plan(text: str) -> Data:
    """The plan as a dict: plan.yaml's keys in order, then `parts` (a list of part dicts).

    A 印发通知 header is returned as `issued` (banner, number (文号), title, addressees, text,
    issuer, date, publication); a consultation notice as `consultation`.
    """
    lines = source_lines(text)
    start = next((i for i, x in enumerate(lines) if PART_RE.match(x.text)), len(lines))
    if start == len(lines):
        where = lines[-1] if lines else Line(1, "")
        raise ImportProblem(where.number, "no part heading (一、…) found", where.text)
    width = wrap_width(lines)
    plan = parse_header(lines[:start], width)
    body = _Body(wrap_width=width)
    BODY.read(body, lines[start:], "a heading (一、 (一) 1. (1) ①), a unit line or a paragraph")
    builder = _Builder(body.tokens)
    builder.nest()
    builder.classify()
    return {**plan, "parts": builder.data()}


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


def all_measures(parsed: Data) -> list[Data]:
    return [m for p in parsed["parts"] for s in p.get("sections", []) for m in s["measures"]]


def measure_spellings(parsed: Data) -> dict[str, list[int]]:
    """Every unit spelling in the measures -> the measure numbers using it, in source order."""
    found: dict[str, list[int]] = {}
    for measure in all_measures(parsed):
        for role in ROLE_KEYS:
            for spelling in measure.get(role, []):
                found.setdefault(spelling, []).append(measure["number"])
    return found
