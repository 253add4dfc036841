"""Search in Chromium finds each progress report's text on its measure's page, and shows it as written.

The index holds a report's text once, on its measure's page (README, "Search index size"), in the
compacted form plansite/search.py writes and our search worker reads back. Built from the example
project (tests/fixtures/progress), as `make example` builds it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

from tests.browser.conftest import SEARCH_ITEM, search
from tests.plantools import ROOT
from tests.projectcopy import browse

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

sys.path.insert(0, str(ROOT / "scripts"))
import build_example

ZWSP = "\u200b"


def reports() -> list[tuple[str, str]]:
    """(summary, measure page) of every report in the example data."""
    found = []
    for path in sorted((build_example.EXAMPLE_DATA / "progress").glob("*/*.yaml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["entries"]:
            found.append((entry["summary"], f"/measures/{entry['measure']}/"))
    return found


def query_of(summary: str) -> str:
    """A reader's query from a report: its longest clause, at most 12 characters."""
    return max(re.split(r"[，。；：、“”*<>/|\s]+", summary), key=len)[:12]


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("example") / "example"
    assert build_example.main(["--out", str(out)]) == 0
    return out / "site"


@pytest.fixture(scope="module")
def reader(example_site: Path, browser: Browser) -> Iterator[tuple[str, Page]]:
    with browse(example_site, browser) as opened:
        yield opened


def test_every_report_text_is_found_on_its_measure_page_only(reader: tuple[str, Page]) -> None:
    base, page = reader
    assert len(reports()) >= 8
    page.goto(base)
    for summary, measure in reports():  # one page, the box cleared before each query (as a reader would)
        found = [href.partition("#")[0] for _, href in search(page, query_of(summary))]
        assert found and found[0] == measure, (summary, query_of(summary), found)
        assert not [href for href in found if "progress" in href], (summary, found)


def test_a_found_report_is_shown_as_written(reader: tuple[str, Page]) -> None:
    """The index writes a zero-width space as a space and a space as two; the reader sees neither."""
    base, page = reader
    summary = next(s for s, m in reports() if "a|b 也不是表格" in s)
    page.goto(base)
    search(page, "以案释法典型案例")
    shown = page.locator(SEARCH_ITEM).first.evaluate(
        "li => [...li.querySelectorAll('article')].map(a => a.textContent).join('\\n')")
    shown = shown.replace(ZWSP, "")  # between jieba's words, as Material writes them: not seen
    assert "普法责任清单覆盖区直部门42家；发布以案释法典型案例10件" in shown, shown
    assert "a|b 也不是表格，<b>也不是粗体</b>" in shown, shown  # the one space kept, markup shown as text
    assert summary.split("注意")[0] in shown
    assert shown.startswith("第2条 落实“谁执法谁普法”普法责任制\n"), shown  # a title's one space
