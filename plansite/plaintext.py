"""The plan as one plain-text file (data/plan.txt): the document as published, for download.

Written in the numbering the usual plan text uses (一、 / (一) / 1. / 牵头单位:), so that for a
plan imported from such a text it reads back the same from the title on (but for the order of
the role lines, which the data does not keep); the texts are the data's, character for character.
"""

from __future__ import annotations

from .model import ROLES, Plan

PATH = "data/plan.txt"


def document_file(plan: Plan) -> str:
    """The file's content: the text, with a byte order mark so that browsers read it as UTF-8."""
    return "\ufeff" + document_text(plan)


def document_text(plan: Plan) -> str:
    lines = [plan.title, f"({plan.period})"]
    if plan.is_draft:
        lines.append(f"({plan.status})")
    lines.append(plan.preamble)
    for part in plan.parts:
        lines.append(f"{part.number}、{part.title}")
        lines += [f"({p.number}){p.title}。{p.text}" for p in part.paragraphs]
        for section in part.sections:
            lines.append(f"({section.number}){section.title}")
            for measure in section.measures:
                lines.append(f"{measure.number}.{measure.text}")
                lines += [f"{measure.role_labels[role]}:{'、'.join(ref.spelling for ref in measure.roles[role])}"
                          for role in ROLES if measure.roles[role]]
    return "\n".join(lines) + "\n"
