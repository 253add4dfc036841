"""The search index's format: compacted by plansite/search.py, read by Material's client as if it had
not been (the same terms at the same positions), and back to Material's own text in our worker."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from material.plugins.search.plugin import SearchIndex
from mkdocs.utils.yaml import yaml_load

from plansite.search import SPACES_KEY, ZWSP, Compactor, decode_spaces, encode_spaces, refine_index
from plansite.validate import load_plan
from tests.plantools import ROOT

with (ROOT / "mkdocs.yml").open("rb") as config:
    SEPARATOR = next(p["search"] for p in yaml_load(config)["plugins"] if "search" in p)["separator"]


def material_terms(text: str, separator: str) -> list[tuple[str, int, int]]:
    """Each term as Material's client indexes it (integrations/search/internal: extract, tokenize): the
    term and its position, (block, place in the block's table of tags and terms)."""
    pattern = re.compile(separator)
    terms: list[tuple[str, int, int]] = []
    table: dict[int, int] = {}

    def add(block: int, term: str | None) -> None:
        table[block] = table.get(block, 0) + 1
        if term is not None:
            terms.append((term.lower(), block, table[block] - 1))

    def words(block: int, section: str) -> None:
        for word in pattern.split(section):
            if word:
                add(block, word)

    block = start = end = stack = 0
    while end < len(text):
        if text[end] == "<" and end > start:
            words(block, text[start:end])
            start = end
        elif text[end] == ">":
            if text[start + 1:start + 2] == "/":
                stack -= 1
                if stack == 0:
                    add(block, None)
                    block += 1
            elif text[end - 1] != "/":
                if stack == 0:
                    add(block, None)
                stack += 1
            start = end + 1
        end += 1
    if end > start:
        words(block, text[start:end])
    return terms


def compacted(texts: list[str]) -> list[str]:
    compact = Compactor(SEPARATOR, set("".join(texts)))
    return [decode_spaces(compact(t)) if compact.encodes else compact(t) for t in texts]


def materials_texts() -> list[str]:
    """Every measure's text as Material's search plugin writes it into the index: HTML-escaped,
    in a paragraph and a list, each Chinese run cut by jieba and joined with zero-width spaces."""
    segment = SearchIndex()._segment_chinese
    texts = []
    for m in load_plan(ROOT / "data").measures:
        body = html.escape(m.text, quote=False)
        leads = "、".join(u.name for u in m.units("lead"))
        texts.append(segment(f"<p>{body}</p>\n<ul>\n<li>  牵头单位：{leads}  </li>\n</ul>"))
        texts.append(segment(f"{m.label} {body}"))  # as a title, and as a table's cells
    return texts


def test_compacting_keeps_every_term_of_our_plan_where_material_put_it() -> None:
    texts = materials_texts()
    assert sum(t.count(ZWSP) for t in texts) > 1000  # Material's index as the hook gets it
    for before, after in zip(texts, compacted(texts), strict=True):
        assert material_terms(after, SEPARATOR) == material_terms(before, SEPARATOR), before
    size = sum(len(t.encode()) for t in texts)
    compact = Compactor(SEPARATOR, set("".join(texts)))
    assert sum(len(compact(t).encode()) for t in texts) < 0.8 * size


PIECES = st.sampled_from([
    "<p>", "</p>", "<ul>", "</ul>", "<li>", "</li>", "<code>", "</code>", "<pre>", "</pre>", "<br/>",
    ZWSP, ZWSP * 2, " ", "  ", "\n", "\t", "\u3000", "，", "。", "、", "“", "”", "(", ")", ",", ".", "-", "·", "…",
    "&lt;", "&amp;", "%", "12.4", "2024", "年度", "区司法局", "民法典", "普法", "a", "B", "x1",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=30).map("".join))
def test_compacting_keeps_the_terms_of_any_text(text: str) -> None:
    [after] = compacted([text])
    assert material_terms(after, SEPARATOR) == material_terms(text, SEPARATOR)


@given(st.text(st.sampled_from(["a", "中", " ", ZWSP, "<", ">", "\n"]), max_size=40))
def test_spaces_read_back_as_written(text: str) -> None:
    text = re.sub(f"{ZWSP}+", ZWSP, text)
    text = re.sub(f"{ZWSP}(?= )|(?<= ){ZWSP}", "", text)  # what the compactor leaves: no ZWSP beside a space
    assert decode_spaces(encode_spaces(text)) == text


def test_the_refined_index_says_how_its_spaces_are_written() -> None:
    text = f"<p>{ZWSP}广泛开展{ZWSP}民法典{ZWSP}。 x</p>"
    raw = {"config": {"separator": SEPARATOR, "lang": ["zh"]},
           "docs": [{"location": "a/", "title": f"第{ZWSP}7{ZWSP}条", "text": text}]}
    index = refine_index(raw, {})
    assert index["config"][SPACES_KEY] is True
    assert index["docs"][0]["title"] == "第 7 条"
    assert index["docs"][0]["text"] == "<p>广泛开展 民法典。  x</p>"
    no_space_cut = refine_index({**raw, "config": {**raw["config"], "separator": "[。]+"}}, {})
    assert SPACES_KEY not in no_space_cut["config"]
    assert no_space_cut["docs"][0]["text"] == f"<p>广泛开展{ZWSP}民法典。 x</p>"


def test_a_page_and_its_heading_are_one_entry_and_its_tags_are_on_it_only() -> None:
    """Material writes an empty entry for a page whose heading comes after something left out of the
    index (the breadcrumbs), and the heading as a second entry with the same title."""
    tags = {"tags": ["普法"], "boost": 3}
    raw = {"config": {"separator": SEPARATOR, "lang": ["zh"]}, "docs": [
        {"location": "measures/7/", "title": "第7条", "text": "", **tags},
        {"location": "measures/7/#7", "title": "第7条", "text": "<p>措施</p>", **tags},
        {"location": "measures/7/#_1", "title": "落实情况", "text": "滞后", **tags},
        {"location": "units/a/", "title": "区司法局", "text": "", "boost": 4},
        {"location": "units/a/#roles", "title": "职责", "text": "牵头"},
        {"location": "units/b/", "title": "区教育局", "text": ""},
        {"location": "units/b/#b", "title": "区教育局", "text": "参加"},
    ]}
    docs = refine_index(raw, {"measures/7/": ["第7条"]})["docs"]
    assert docs == [
        {"location": "measures/7/", "title": "第7条", "text": "<p>措施</p>", **tags, "keywords": "第7条"},
        {"location": "measures/7/#_1", "title": "落实情况", "text": "滞后", "boost": 3},
        {"location": "units/a/", "title": "区司法局", "text": "", "boost": 4},
        {"location": "units/a/#roles", "title": "职责", "text": "牵头"},
        {"location": "units/b/", "title": "区教育局", "text": "参加"},
    ]


def test_refining_a_refined_index_changes_nothing() -> None:
    """The parallel build merges refined indexes and `make serve` keeps entries between builds: a
    second pass must not read a written zero-width space as a space, or cut a tag twice."""
    texts = materials_texts()[:40]
    raw = {"config": {"separator": SEPARATOR, "lang": ["zh"]},
           "docs": [{"location": f"p{i}/", "title": t[:30], "text": t, "tags": ["公共法律服务"]}
                    for i, t in enumerate(texts)]}
    cut = SearchIndex()._segment_chinese
    once = refine_index(raw, {"p1/": ["第1条"]}, lambda tag: cut(tag).split(ZWSP))
    assert once["docs"][0]["tags"] == [f"公共{ZWSP}法律{ZWSP}服务"]
    assert refine_index(once, {"p1/": ["第1条"]}, lambda tag: cut(tag).split(ZWSP)) == once
