"""The plan as validated, immutable domain objects.

Every object remembers where it was read from (`where`), so a check made late
(a duplicate found while linking) still points at a file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES: tuple[str, ...] = ("lead", "participating", "responsible")
ROLE_LABELS: dict[str, str] = {"lead": "牵头单位", "participating": "参加单位", "responsible": "责任单位"}
ROLE_MARKS: dict[str, str] = {"lead": "牵", "participating": "参", "responsible": "责"}
DRAFT_STATUS = "征求意见稿"


@dataclass(frozen=True, order=True)
class Location:
    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        parts = [self.file]
        if self.line:
            parts.append(str(self.line))
            if self.col:
                parts.append(str(self.col))
        return ":".join(parts)


@dataclass(frozen=True)
class Alias:
    spelling: str
    note: str
    where: Location


@dataclass(frozen=True)
class Unit:
    slug: str
    name: str
    kind: str  # "department" or "collective"
    aliases: tuple[Alias, ...]
    where: Location

    @property
    def is_collective(self) -> bool:
        return self.kind == "collective"


@dataclass(frozen=True)
class UnitRef:
    """One spelling as the source writes it, and the unit(s) it means."""

    spelling: str
    units: tuple[Unit, ...]

    @property
    def is_alias(self) -> bool:
        return len(self.units) != 1 or self.units[0].name != self.spelling


@dataclass(frozen=True)
class Measure:
    id: str
    number: int
    text: str
    roles: dict[str, tuple[UnitRef, ...]]  # role -> spellings, in source order
    role_labels: dict[str, str]  # role -> label as the source writes it
    topics: tuple[str, ...]
    where: Location
    part_id: str = ""
    section_id: str = ""
    numbering: str = ""  # the document's own number when it is not 第N条: （二）3, 一（三）

    @property
    def label(self) -> str:
        """How the site names and cites the measure: as the document numbers it."""
        return self.numbering or f"第{self.number}条"

    def units(self, role: str) -> tuple[Unit, ...]:
        """The distinct units a role names, in source order."""
        seen: dict[str, Unit] = {}
        for ref in self.roles.get(role, ()):
            for unit in ref.units:
                seen.setdefault(unit.slug, unit)
        return tuple(seen.values())



@dataclass(frozen=True)
class Section:
    id: str
    number: str  # as the source numbers it: 一 … 二十四
    title: str
    measures: tuple[Measure, ...]
    where: Location
    part_id: str = ""
    text: str = ""  # unnumbered paragraphs under the heading

    @property
    def heading(self) -> str:
        """（一）title, 1. title, or the title alone when the document does not number it."""
        return _numbered(self.number, self.title, "（{}）")


@dataclass(frozen=True)
class Paragraph:
    number: str
    title: str
    text: str
    where: Location


@dataclass(frozen=True)
class Part:
    id: str
    number: str  # 一 … 七
    title: str
    paragraphs: tuple[Paragraph, ...]
    sections: tuple[Section, ...]
    where: Location
    text: str = ""  # unnumbered paragraphs under the heading

    @property
    def heading(self) -> str:
        return _numbered(self.number, self.title, "{}、")

    @property
    def measures(self) -> tuple[Measure, ...]:
        return tuple(m for s in self.sections for m in s.measures)


@dataclass(frozen=True)
class Consultation:
    notice: str
    contact: str
    phone: str
    fax: str
    email: str
    deadline: str = ""  # YYYY-MM-DD when the notice gives a last day for comments, else ""
    address: str = ""  # a postal address for written comments, where the notice gives one


@dataclass(frozen=True)
class RelatedDocument:
    """A document the plan rests on (相关链接): its title as the preamble writes it, who issued it,
    and its address where one is known (only on an official host, checked by the schema)."""

    title: str
    issuer: str
    url: str
    where: Location


@dataclass(frozen=True)
class Topic:
    name: str
    slug: str
    description: str
    where: Location


@dataclass(frozen=True)
class Plan:
    title: str
    period: str
    status: str
    office: str
    date: str
    consultation: Consultation | None  # None: the plan never went out for comment
    preamble: str
    parts: tuple[Part, ...]
    units: tuple[Unit, ...]
    topics: tuple[Topic, ...] = ()
    number: str = ""  # 文号, where the document has one (a later version: its version.yaml doc_number)
    written: str = ""  # 成文日期 (YYYY-MM-DD), where the source gives one
    related: tuple[RelatedDocument, ...] = ()
    aliases_used: tuple[tuple[Location, str, tuple[str, ...], str], ...] = field(default=())
    issued: tuple[tuple[str, str], ...] = ()  # the 印发通知's fields: number (文号), title, addressees …

    @property
    def is_draft(self) -> bool:
        """Open for comment: a 征求意见稿 with a consultation notice (banner and feedback links)."""
        return self.status == DRAFT_STATUS and self.consultation is not None

    @property
    def sections(self) -> tuple[Section, ...]:
        return tuple(s for p in self.parts for s in p.sections)

    @property
    def measures(self) -> tuple[Measure, ...]:
        return tuple(m for p in self.parts for m in p.measures)

    @property
    def full_title(self) -> str:
        return f"{self.title}（{self.period}）" if self.period else self.title

    @property
    def parts_without_measures(self) -> tuple[Part, ...]:
        return tuple(p for p in self.parts if not p.measures)


def _numbered(number: str, title: str, chinese: str) -> str:
    if not number:
        return title
    if number.isascii() and number.isdigit():
        return f"{number}. {title}"
    return chinese.format(number) + title
