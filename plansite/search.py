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

It also writes the index in fewer bytes (`Compactor`): every visitor downloads it whole.
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
# In the index's config: titles and texts are written with a space for each zero-width space and two for
# a space (`encode_spaces`); our search worker (overrides/…/plansite-search.js) reads them back.
SPACES_KEY = "zwsp_as_space"
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_BLANKS = re.compile(r"[ \t\r\n]+")  # what HTML shows as one space (not the full-width \u3000)
_BLOCK_TAG = re.compile(r" ?(</?(?:p|ul|ol|li)>) ?")  # a space beside these shows as nothing


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


class Compactor:
    """Writes an index's titles and texts in fewer bytes, with the same terms for Material's client.

    Material's client cuts a text into terms at its tags and wherever the `separator` matches; Material
    puts a zero-width space between jieba's words and around every Chinese run. A zero-width space
    beside a tag, a separator (punctuation, a space) or the end of the text cuts nothing more, and
    shows as nothing: it goes. Runs of spaces and line breaks show as one space, and none beside a
    paragraph or list item (text in <pre> keeps its spaces). Where the separator cuts at a space (it
    does in Material's defaults and ours), no zero-width space is then left beside a space, and each
    is written as a space (`encode_spaces`). `chars`: every character of the texts to compact."""

    def __init__(self, separator: str, chars: Iterable[str]):
        pattern = re.compile(separator)
        cuts = sorted(c for c in set(chars) | {" "} if c != ZWSP and (c in "<>" or pattern.fullmatch(c)))
        beside = "[" + "".join(re.escape(c) for c in cuts) + "]"
        self._needless = re.compile(f"(?<={beside}){ZWSP}|{ZWSP}(?={beside})")
        self.encodes = bool(pattern.fullmatch(" "))

    def __call__(self, text: str) -> str:
        if "<pre>" not in text:
            text = _BLOCK_TAG.sub(r"\1", _BLANKS.sub(" ", text)).strip(" ")
        if ZWSP in text:
            text = self._needless.sub("", re.sub(ZWSP + "{2,}", ZWSP, text).strip(ZWSP))
        return encode_spaces(text) if self.encodes else text


def encode_spaces(text: str) -> str:
    """A space as two spaces and a zero-width space as one (no zero-width space may touch a space)."""
    return text.replace(" ", "  ").replace(ZWSP, " ")


def decode_spaces(text: str) -> str:
    """What our search worker does with a title or text before Material reads it (`SPACES_KEY`)."""
    return re.sub("  | ", lambda spaces: " " if len(spaces.group()) == 2 else ZWSP, text)


def refine_index(
    index: Mapping[str, Any], words: Mapping[str, Iterable[str]], cut: Callable[[str], Iterable[str]] | None = None
) -> dict[str, Any]:
    """A copy of a Material search index with the keywords field, tags cut into words, titles and texts
    compacted (`Compactor`), and each page's heading in the page's own entry (`_one_head`).

    Material segments titles and texts with jieba (`cut`) but not tags: a topic such as
    公共法律服务 stayed one term, so the query, cut into 公共 and 法律服务 as in the texts,
    could never match a title and a tag at once. A page's tags are on its own entry only: on each
    of its sections they only repeated it.
    """
    config = dict(index["config"])
    entries = index["docs"]
    if config.pop(SPACES_KEY, False):  # refined before (a merged or kept index): the same again
        entries = [{**e, "title": decode_spaces(e["title"]), "text": decode_spaces(e["text"])} for e in entries]
    compact = Compactor(config["separator"], set("".join(e["title"] + e["text"] for e in entries)))
    config["fields"] = {**config.get("fields", {}), KEYWORDS_FIELD: {"boost": KEYWORDS_BOOST}}
    if compact.encodes:
        config[SPACES_KEY] = True
    docs = []
    for entry in _one_head(entries):
        entry["title"], entry["text"] = compact(entry["title"]), compact(entry["text"])
        if "#" in entry["location"]:
            entry.pop("tags", None)
        elif entry["location"] in words:
            entry[KEYWORDS_FIELD] = " ".join(words[entry["location"]])
        if cut is not None and entry.get("tags"):
            entry["tags"] = [ZWSP.join(cut(tag.replace(ZWSP, ""))) for tag in entry["tags"]]
        docs.append(entry)
    return {**index, "config": config, "docs": docs}


def _one_head(entries: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Copies of the entries; where a page's entry has no text and the next is its heading (what
    Material writes when something left out of the index, such as the breadcrumbs, comes before
    the page's <h1>), one entry: the page's, with the heading's text."""
    docs: list[dict[str, Any]] = []
    for entry in entries:
        page = docs[-1] if docs else None
        if (page is not None and "#" not in page["location"] and not page["text"]
                and entry["location"].startswith(page["location"] + "#") and entry["title"] == page["title"]):
            page["text"] = entry["text"]
        else:
            docs.append(dict(entry))
    return docs
