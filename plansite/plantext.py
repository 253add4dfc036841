"""The plan's data written back as plain text, in the document's own conventions.

`export_text(parse_plan(text))` is a document that `parse_plan` reads back as the same data:
the header it was published with (consultation notice or 印发通知), the title page, parts 一、,
sections (一), measures numbered as the document numbers them, and unit lines with their labels
as written (units the source gave inline or in an attachment table come back as unit lines).
"""

from __future__ import annotations

from typing import Any

from .importer import DEFAULT_LABELS, DEFAULT_STATUS, ROLE_KEYS

Data = dict[str, Any]


def chinese_date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{year}年{int(month)}月{int(day)}日"


def _header(plan: Data) -> list[str]:
    issued: Data = plan.get("issued", {})
    lines = [issued[key] for key in ("banner", "number", "title") if key in issued]
    if "addressees" in issued:
        lines.append(issued["addressees"] + "：")
    if consultation := plan.get("consultation"):
        lines.append(consultation["notice"])
        if "contact" in consultation:
            lines.append(f"联系人：{consultation['contact']}")
        phone, fax = consultation.get("phone"), consultation.get("fax")
        if phone and phone == fax:
            lines.append(f"联系电话（传真）：{phone}")
        else:
            lines += [f"{label}：{value}" for label, value in (("联系电话", phone), ("传真", fax)) if value]
        lines.append(f"电子邮箱：{consultation['email']}")
        if "address" in consultation:
            lines.append(f"通讯地址：{consultation['address']}")
    elif "text" in issued:
        lines.append(issued["text"])
    front = bool(lines)
    if front:
        lines += [plan["office"], chinese_date(plan["date"])]
        if "publication" in issued:
            lines.append(issued["publication"])
    lines.append(plan["title"])
    if "period" in plan:
        lines.append(f"（{plan['period']}）")
    if plan["status"] != DEFAULT_STATUS:
        lines.append(f"（{plan['status']}）")
    if not front:  # no notice: the issuer and date stand on the title page
        lines += [plan["office"], chinese_date(plan["date"])]
    if "preamble" in plan:
        lines.append(plan["preamble"])
    return lines


def _own_number(measure: Data, part: Data, section: Data) -> str:
    """The measure's own number as the document prints it: 3. or (二)."""
    numbering = measure.get("numbering")
    dot = "、" if measure["text"][:1].isdigit() else "."  # 1、2023年… : never read back as 1.2023
    if not numbering:
        return f"{measure['number']}{dot}"
    own = numbering.removeprefix(part["number"])
    if section["number"]:
        own = own.removeprefix(f"（{section['number']}）")
    return f"{own}{dot}" if own.isascii() and own.isdigit() else own


def _measure(measure: Data, part: Data, section: Data) -> list[str]:
    lines = [_own_number(measure, part, section) + measure["text"]]
    for role in ROLE_KEYS:
        if role in measure:
            label = measure.get(f"{role}_label", DEFAULT_LABELS[role])
            lines.append(f"{label}：{'、'.join(measure[role])}")
    return lines


def export_text(plan: Data) -> str:
    """The plan (parse_plan's dict: plan.yaml's keys and `parts`) as plain text."""
    lines = _header(plan)
    for part in plan["parts"]:
        lines.append(f"{part['number']}、{part['title']}")
        if "text" in part:
            lines.append(part["text"])
        for paragraph in part.get("paragraphs", []):
            lines.append(f"（{paragraph['number']}）{paragraph['title']}。{paragraph['text']}")
        for section in part.get("sections", []):
            if section["number"]:
                lines.append(f"（{section['number']}）{section['title']}")
            if "text" in section:
                lines.append(section["text"])
            for measure in section["measures"]:
                lines += _measure(measure, part, section)
    return "\n".join(lines) + "\n"
