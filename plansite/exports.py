"""Open data made from the validated Plan, and the responsibility matrix the pages share.

`data_files(plan)` gives every file published under docs/data/: plan.json
(everything) with its JSON Schema beside it, and three CSV files in UTF-8
with a byte order mark, so that Excel shows the Chinese text. The pages and
these files come from the same `Plan`, in the same run.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from .model import ROLE_LABELS, ROLE_MARKS, ROLES, Measure, Part, Plan, Section, Unit
from .urls import url_of

DATA_DIR = "data"
JOIN = "、"  # how several units share one CSV cell, as the source writes lists

# Each CSV's columns, with what they hold (shown on the /data/ page).
MEASURE_COLUMNS: dict[str, str] = {
    "id": "措施编号，稳定不变，对应网址 /measures/编号/",
    "number": "条号（第N条）",
    "part": "所属部分",
    "section": "所属节",
    "text": "措施原文",
    "lead": "牵头单位",
    "participating": "参加单位",
    "responsible": "责任单位",
    "topics": "专题",
}
UNIT_COLUMNS: dict[str, str] = {
    "slug": "单位编号，对应网址 /units/编号/",
    "name": "规范名称",
    "kind": "department：单位；collective：统称（如“区直各部门”）",
    "aliases": "原文中的其他写法",
    "lead": "牵头的措施条数",
    "participating": "参加的措施条数",
    "responsible": "负责的措施条数",
    "total": "合计",
}
MATRIX_COLUMNS: dict[str, str] = {
    "measure_id": "措施编号",
    "measure_number": "条号",
    "unit_slug": "单位编号",
    "unit_name": "单位规范名称",
    "role": "lead：牵头；participating：参加；responsible：负责",
    "mark": "矩阵中的标记：牵、参、责",
}
COLUMNS: dict[str, dict[str, str]] = {
    "measures.csv": MEASURE_COLUMNS, "units.csv": UNIT_COLUMNS, "matrix.csv": MATRIX_COLUMNS,
}


# --- the responsibility matrix ------------------------------------------------


@dataclass(frozen=True)
class MatrixBlock:
    """One part's table: its measures as columns, the units named in them as rows."""

    part: Part
    measures: tuple[Measure, ...]
    units: tuple[Unit, ...]
    cells: dict[tuple[str, str], str]  # (unit slug, measure id) -> role

    def role(self, unit: Unit, measure: Measure) -> str:
        return self.cells.get((unit.slug, measure.id), "")

    def count(self, unit: Unit) -> int:
        return sum(1 for m in self.measures if (unit.slug, m.id) in self.cells)

    @property
    def unassigned(self) -> tuple[Measure, ...]:
        """Measures of the part for which the source names no unit."""
        marked = {measure_id for _, measure_id in self.cells}
        return tuple(m for m in self.measures if m.id not in marked)


@dataclass(frozen=True)
class Matrix:
    blocks: tuple[MatrixBlock, ...]

    @property
    def cells(self) -> int:
        return sum(len(b.cells) for b in self.blocks)

    @property
    def units(self) -> int:
        return len({u.slug for b in self.blocks for u in b.units})

    @property
    def measures(self) -> int:
        return sum(len(b.measures) for b in self.blocks)


def measure_cells(measure: Measure) -> dict[str, str]:
    """Unit slug -> its role in the measure (the first role that names it: lead, participating, responsible)."""
    cells: dict[str, str] = {}
    for role in ROLES:
        for unit in measure.units(role):
            cells.setdefault(unit.slug, role)
    return cells


def matrix(plan: Plan) -> Matrix:
    """The matrix, one block per part that has measures; rows in registry order."""
    blocks = []
    for part in plan.parts:
        if not part.measures:
            continue
        cells = {(slug, m.id): role for m in part.measures for slug, role in measure_cells(m).items()}
        named = {slug for slug, _ in cells}
        units = tuple(u for u in plan.units if u.slug in named)
        blocks.append(MatrixBlock(part, part.measures, units, cells))
    return Matrix(tuple(blocks))


# --- plan.json --------------------------------------------------------------


def part_label(part: Part) -> str:
    return part.heading


def section_label(section: Section) -> str:
    return section.heading


def _measure(m: Measure) -> dict[str, Any]:
    return {
        "id": m.id,
        "number": m.number,
        "label": m.label,
        "text": m.text,
        "url": url_of(m),
        **{role: [{"spelling": ref.spelling, "units": [u.slug for u in ref.units]} for ref in m.roles.get(role, ())]
           for role in ROLES},
        "labels": {role: m.role_labels.get(role, ROLE_LABELS[role]) for role in ROLES},
        "topics": list(m.topics),
    }


def plan_data(plan: Plan) -> dict[str, Any]:
    """Everything in the plan, as plain JSON values."""
    c = plan.consultation
    return {
        "title": plan.title,
        "period": plan.period,
        "status": plan.status,
        "office": plan.office,
        "date": plan.date,
        "number": plan.number,
        "written": plan.written,
        "consultation": {"notice": c.notice, "contact": c.contact, "phone": c.phone, "fax": c.fax,
                         "email": c.email, "deadline": c.deadline} if c else None,
        "preamble": plan.preamble,
        "related": [{"title": r.title, "issuer": r.issuer, "url": r.url} for r in plan.related],
        "parts": [
            {
                "id": p.id,
                "number": p.number,
                "title": p.title,
                "url": url_of(p),
                "paragraphs": [{"number": g.number, "title": g.title, "text": g.text} for g in p.paragraphs],
                "sections": [
                    {"id": s.id, "number": s.number, "title": s.title, "url": url_of(s),
                     "measures": [_measure(m) for m in s.measures]}
                    for s in p.sections
                ],
            }
            for p in plan.parts
        ],
        "units": [
            {"slug": u.slug, "name": u.name, "kind": u.kind, "url": url_of(u),
             "aliases": [{"spelling": a.spelling, "note": a.note} for a in u.aliases]}
            for u in plan.units
        ],
        "topics": [{"name": t.name, "slug": t.slug, "description": t.description} for t in plan.topics],
    }


def _strings(description: str) -> dict[str, Any]:
    return {"type": "array", "items": {"type": "string"}, "description": description}


def _object(description: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "description": description, "additionalProperties": False,
            "required": list(properties), "properties": properties}


def _text(description: str) -> dict[str, Any]:
    return {"type": "string", "description": description}


_ID = {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_-]*$",
       "description": "稳定编号，用于网址，不随重新编号改变"}
_URL = {"type": "string", "description": "页面地址，相对于网站根目录"}
_REF = _object("原文的一处单位写法及其所指单位", {
    "spelling": _text("原文写法"),
    "units": _strings("所指单位的 slug（见 units）；一处写法可指多个单位"),
})
_MEASURE = _object("一条措施", {
    "id": _ID,
    "number": {"type": "integer", "description": "顺序号；原文按 1. 2. 3. 通篇编号时即条号“第N条”"},
    "label": _text("显示和引用时的编号：“第N条”，或原文自己的编号，如“（二）3”"),
    "text": _text("措施原文"),
    "url": _URL,
    **{role: {"type": "array", "items": {"$ref": "#/$defs/ref"}, "description": ROLE_LABELS[role]} for role in ROLES},
    "labels": _object("原文对各角色的称呼（如“牵头部门”）", {role: _text(ROLE_LABELS[role]) for role in ROLES}),
    "topics": _strings("专题名称（见 topics）"),
})

PLAN_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "plan.schema.json",
    "title": "法治社会建设实施方案开放数据（plan.json）",
    **_object("方案全文、各条措施、责任单位与专题，由网站生成程序根据与网页相同的、经过校验的数据生成。", {
        "title": _text("方案标题"),
        "period": _text("实施期限，如“2020—2025年”"),
        "status": _text("文稿状态：征求意见稿或正式稿"),
        "office": _text("发布单位"),
        "date": {"type": "string", "format": "date", "description": "发布日期（ISO 8601）"},
        "number": _text("文号（无则为空）"),
        "written": _text("成文日期，YYYY-MM-DD（原文未写明则为空）"),
        "consultation": {**_object("征求意见信息；未公开征求意见的方案为 null", {
            "notice": _text("征求意见说明原文"), "contact": _text("联系人"), "phone": _text("联系电话"),
            "fax": _text("传真（可为空）"), "email": _text("电子邮箱"),
            "deadline": _text("意见截止日期，YYYY-MM-DD（通知未写明则为空）"),
        }), "type": ["object", "null"]},
        "preamble": _text("前言原文"),
        "related": {"type": "array", "description": "相关链接：前言所依据的上级文件", "items": _object("一份文件", {
            "title": _text("文件标题，照前言原文"), "issuer": _text("发文机关"),
            "url": _text("官方网址（……gov.cn；未知则为空）"),
        })},
        "parts": {"type": "array", "description": "各部分，按顺序", "items": _object("一个部分", {
            "id": _ID,
            "number": _text("序号：一、二……"),
            "title": _text("标题"),
            "url": _URL,
            "paragraphs": {"type": "array", "description": "不分节的部分（总体要求）的各段", "items": _object("一段", {
                "number": _text("序号"), "title": _text("标题"), "text": _text("正文"),
            })},
            "sections": {"type": "array", "description": "各节", "items": _object("一节", {
                "id": _ID,
                "number": _text("序号：一、二……，全文连续编号"),
                "title": _text("标题"),
                "url": _URL,
                "measures": {"type": "array", "items": {"$ref": "#/$defs/measure"}, "description": "本节措施"},
            })},
        })},
        "units": {"type": "array", "description": "单位名录", "items": _object("一个单位或统称", {
            "slug": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "description": "单位编号，用于网址"},
            "name": _text("规范名称"),
            "kind": {"enum": ["department", "collective"], "description": "department：单位；collective：统称"},
            "url": _URL,
            "aliases": {"type": "array", "description": "原文中的其他写法", "items": _object("一种其他写法", {
                "spelling": _text("写法"), "note": _text("说明"),
            })},
        })},
        "topics": {"type": "array", "description": "专题", "items": _object("一个专题", {
            "name": _text("名称"), "slug": _text("编号"), "description": _text("说明"),
        })},
    }),
    "$defs": {"ref": _REF, "measure": _MEASURE},
}


# --- CSV ----------------------------------------------------------------------


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A text cell that a spreadsheet would run as a formula (=HYPERLINK(…), +1, @SUM) starts with ' instead."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv(columns: dict[str, str], rows: list[tuple[Any, ...]]) -> bytes:
    """CSV for Excel: UTF-8 with a byte order mark, CRLF line ends, every text field as is, except that a
    text Excel or WPS would run as a formula (it starts with = + - @) starts with ' (OWASP's advice)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(tuple(neutralise(v) if isinstance(v, str) else v for v in row) for row in rows)
    return out.getvalue().encode("utf-8-sig")


def measures_csv(plan: Plan) -> bytes:
    """One row per measure; units by their registry names, several joined with 、."""
    sections = {s.id: s for s in plan.sections}
    parts = {p.id: p for p in plan.parts}
    rows = [
        (m.id, m.number, part_label(parts[m.part_id]), section_label(sections[m.section_id]), m.text,
         *(JOIN.join(u.name for u in m.units(role)) for role in ROLES), JOIN.join(m.topics))
        for m in plan.measures
    ]
    return _csv(MEASURE_COLUMNS, rows)


def units_csv(plan: Plan) -> bytes:
    counts = {u.slug: dict.fromkeys(ROLES, 0) for u in plan.units}
    for m in plan.measures:
        for slug, role in measure_cells(m).items():
            counts[slug][role] += 1
    rows = [
        (u.slug, u.name, u.kind, JOIN.join(a.spelling for a in u.aliases),
         *(counts[u.slug][r] for r in ROLES), sum(counts[u.slug].values()))
        for u in plan.units
    ]
    return _csv(UNIT_COLUMNS, rows)


def matrix_csv(plan: Plan) -> bytes:
    """The matrix in long form: one row per marked cell, by measure then registry order."""
    order = {u.slug: i for i, u in enumerate(plan.units)}
    names = {u.slug: u.name for u in plan.units}
    rows = []
    for m in plan.measures:
        cells = measure_cells(m)
        for slug in sorted(cells, key=order.__getitem__):
            rows.append((m.id, m.number, slug, names[slug], cells[slug], ROLE_MARKS[cells[slug]]))
    return _csv(MATRIX_COLUMNS, rows)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def data_files(plan: Plan) -> dict[str, str | bytes]:
    """Every open-data file, by its path under docs/."""
    return {
        f"{DATA_DIR}/plan.json": _json(plan_data(plan)),
        f"{DATA_DIR}/plan.schema.json": _json(PLAN_SCHEMA),
        f"{DATA_DIR}/measures.csv": measures_csv(plan),
        f"{DATA_DIR}/units.csv": units_csv(plan),
        f"{DATA_DIR}/matrix.csv": matrix_csv(plan),
    }


def tasks_path(unit: Unit) -> str:
    """A unit's printable task list: /units/<slug>/tasks/ (its page /units/<slug>/ stays as it is)."""
    return f"units/{unit.slug}/tasks.md"
