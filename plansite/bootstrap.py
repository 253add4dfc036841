"""A first unit registry (data/units.yaml) for a newly imported plan.

Every spelling the measures use becomes a unit of that name. Slugs are the name in pinyin
(pypinyin), lowercase ASCII joined by hyphens: the same text always gives the same slugs, and a
second unit whose pinyin is taken gets -2, -3 in order of first use. Kinds are guessed from the
name (各…, …相关部门, …等 → collective) and listed for review.
"""

from __future__ import annotations

import re
from typing import Any

from pypinyin import lazy_pinyin

MAX_SLUG = 60
# Names that stand for many units: 各镇（街道）, 区直各部门, 县直有关部门, 相关单位, 成员单位, 区司法局等区直相关部门
COLLECTIVE = re.compile(r"各|相关|有关|成员单位|等|全[区市县省]|^[区市县]直")
REVIEW_NOTE = ("# kind was guessed from the names (各…, …相关部门, …等 are collective): review every kind,\n"
               "# merge spellings of one unit as aliases, and split spellings that name several units (combined:).\n")


def slug_of(name: str) -> str:
    """区委宣传部 -> qu-wei-xuan-chuan-bu; letters and digits only, never empty, never 'index'."""
    words = [re.sub(r"[^a-z0-9]+", "-", w.lower()).strip("-") for w in lazy_pinyin(name)]
    slug = "-".join(w for w in words if w)[:MAX_SLUG].strip("-")
    return slug if slug and slug != "index" else "unit"


def guess_kind(name: str) -> str:
    return "collective" if COLLECTIVE.search(name) else "department"


def unit_registry(spellings: list[str]) -> dict[str, Any]:
    """{'units': [...]} for these names, in order of first use, with unique slugs."""
    taken: set[str] = set()
    units = []
    for name in dict.fromkeys(spellings):
        base = slug_of(name)
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        units.append({"slug": slug, "name": name, "kind": guess_kind(name)})
    return {"units": units}
