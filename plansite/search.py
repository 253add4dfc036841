"""What search should match beyond a page's words: keywords, and words jieba must keep whole.

Plain Python, no MkDocs import. What is indexed at all is decided in the templates
(`data-search-exclude` on navigation, on the section pages' copies of measures and on
lists of links; `search: exclude` for the full text and the indexes), so each measure
is found once, on its own page. This module adds what the page text cannot carry:

- a hidden `keywords` field on a page's own entry: 第7条 for measure 7; for a unit its name,
  every tail of the name (司法局, 法局) and its other spellings, so that any part of a unit
  name a reader types is the start of a term of that unit's page;
- the words jieba must not cut: unit names, which it otherwise splits into nonsense
  (区人社局 -> 区人/社局), so that neither the name nor a part of it could be found.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .model import Plan
from .urls import url_of

KEYWORDS_FIELD = "keywords"
# Material's title boost is 1000 and text 1: a keyword is a short name for the page, weaker
# evidence than a title ("宣传" finds measures titled 宣传… before 区委宣传部).
KEYWORDS_BOOST = 100.0

ZWSP = "\u200b"  # how Material joins jieba's words in the index
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def name_parts(name: str, shortest: int = 2) -> list[str]:
    """The name and each of its tails of at least `shortest` characters, longest first."""
    return [name[i:] for i in range(max(1, len(name) - shortest + 1))]


def keywords(plan: Plan) -> dict[str, list[str]]:
    """Hidden keywords by page location."""
    found = {url_of(m): [m.label] for m in plan.measures}
    for unit in plan.units:
        words = name_parts(unit.name)
        for alias in unit.aliases:
            words += name_parts(alias.spelling)
        found[url_of(unit)] = list(dict.fromkeys(words))
    return found


def jieba_words(plan: Plan) -> list[str]:
    """Unit names and spellings (each Chinese run of three or more characters) to keep whole."""
    spellings = [u.name for u in plan.units] + [a.spelling for u in plan.units for a in u.aliases]
    return sorted({run for s in spellings for run in _HAN_RUN.findall(s) if len(run) >= 3})


def refine_index(
    index: Mapping[str, Any], words: Mapping[str, Iterable[str]], cut: Callable[[str], Iterable[str]] | None = None
) -> dict[str, Any]:
    """A copy of a Material search index with the keywords field, and tags cut into words.

    Material segments titles and texts with jieba (`cut`) but not tags: a topic such as
    公共法律服务 stayed one term, so the query, cut into 公共 and 法律服务 as in the texts,
    could never match a title and a tag at once.
    """
    config = dict(index["config"])
    config["fields"] = {**config.get("fields", {}), KEYWORDS_FIELD: {"boost": KEYWORDS_BOOST}}
    docs = []
    for entry in index["docs"]:
        entry = dict(entry)
        if "#" not in entry["location"] and entry["location"] in words:
            entry[KEYWORDS_FIELD] = " ".join(words[entry["location"]])
        if cut is not None and entry.get("tags"):
            entry["tags"] = [ZWSP.join(cut(tag)) for tag in entry["tags"]]
        docs.append(entry)
    return {**index, "config": config, "docs": docs}
