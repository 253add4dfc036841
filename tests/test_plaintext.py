"""data/plan.txt: the document as one plain-text file, character for character."""

from __future__ import annotations

import re

from plansite.plaintext import document_file, document_text
from plansite.render import render_site
from plansite.validate import load_plan
from tests.plantools import BASE_DATA, ROOT

ROLE_LINE = re.compile(r"^(牵头单位|牵头部门|参加单位|责任单位):")


def _blocks(text: str) -> list[tuple[str, frozenset[str]]]:
    """Each line that is not a role line, with the set of role lines after it. The data keeps neither
    the order of the role lines nor a space after a measure's number (19. 把…), so neither counts."""
    blocks: list[tuple[str, set[str]]] = []
    for raw in text.splitlines():
        line = re.sub(r"^(\d+)\.\s+", r"\1.", raw)
        if ROLE_LINE.match(line) and blocks:
            blocks[-1][1].add(line)
        else:
            blocks.append((line, set()))
    return [(line, frozenset(roles)) for line, roles in blocks]


def test_the_text_is_the_published_document_from_the_title_on() -> None:
    plan = load_plan(ROOT / "data")
    source = (ROOT / "source" / "plan-draft-2022-09-14.txt").read_text(encoding="utf-8")
    body = source[source.index(f"{plan.title}\n"):]
    text = document_text(plan)
    assert _blocks(text) == _blocks(body)


def test_the_text_is_the_data_as_written_never_escaped() -> None:
    plan = load_plan(BASE_DATA)
    text = document_text(plan)
    for measure in plan.measures:
        assert f"\n{measure.number}.{measure.text}\n" in text
    assert "<script>alert(1)</script>" in text and "&lt;" not in text and "\\*" not in text
    assert document_file(plan) == "\ufeff" + text
    assert render_site(plan, ROOT / "templates")["data/plan.txt"] == "\ufeff" + text
