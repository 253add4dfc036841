"""Progress pages in Chromium: the example project (make example), at desktop and phone width, printed, searched."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import search
from tests.plantools import ROOT
from tests.projectcopy import browse

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

sys.path.insert(0, str(ROOT / "scripts"))
import build_example

from tests.axe import axe_violations

PAGES = {
    "progress": "/progress/",
    "progress-report": "/progress/2023-H2/",
    "progress-measure": "/measures/1/",
    "progress-collective-measure": "/measures/7/",
    "progress-unit": "/units/sifaju/progress/",
    "progress-silent-unit": "/units/minzhengju/progress/",
}
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("example") / "example"
    assert build_example.main(["--out", str(out)]) == 0
    return out / "site"


@pytest.fixture
def reader(example_site: Path, browser: Browser) -> Iterator[tuple[str, Page]]:
    with browse(example_site, browser) as opened:
        yield opened


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_progress_pages_fit_and_say_they_are_an_example(reader: tuple[str, Page], screenshot_dir: Path,
                                                        axe_source: str, name: str, width: str) -> None:
    base, page = reader
    w, h = WIDTHS[width]
    page.set_viewport_size({"width": w, "height": h})
    page.goto(base + PAGES[name].lstrip("/"))
    page.screenshot(path=str(screenshot_dir / f"{name}-{width}.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{PAGES[name]} is {overflow}px wider than a {w}px screen"
    assert "示例·虚构数据" in page.title()
    assert "虚构数据" in page.locator(".admonition.warning").first.inner_text()
    violations = axe_violations(page, axe_source)
    assert not violations, f"{PAGES[name]} at {w}px: WCAG 2.1 A/AA violations:\n" + "\n".join(violations[:40])


def test_the_overview_chart_and_its_table_agree(reader: tuple[str, Page]) -> None:
    base, page = reader
    page.goto(base + "progress/")
    chart = page.locator("svg#chart-progress-2023-H2")
    assert chart.is_visible()
    bars = chart.locator(".plan-chart-value").evaluate_all("els => els.map(e => e.textContent)")
    rows = page.locator("table").first.locator("tbody tr").evaluate_all(
        "trs => trs.map(tr => [...tr.cells].map(td => td.textContent.trim()))")
    assert [b.split()[0] for b in bars] == [row[1] for row in rows[:-1]]
    assert rows[-2][:3] == ["未报送", "2", "29%"] and rows[-1][:2] == ["合计", "7"]
    assert page.locator("nav.md-nav--primary").get_by_text("落实情况").count() >= 1


def test_a_measure_shows_who_did_what_and_when(reader: tuple[str, Page]) -> None:
    base, page = reader
    page.goto(base + "measures/1/")
    heading = page.locator("h2", has_text="落实情况").first
    assert heading.is_visible()
    evidence = page.get_by_role("link", name="关于2023年“宪法宣传周”活动情况的报告")
    assert evidence.get_attribute("href") == "https://example.org/fictitious/xianfa-2023.html"
    page.get_by_role("link", name="2023年上半年").first.click()
    page.wait_for_url("**/progress/2023-H1/")
    assert "2023年上半年落实情况报告" in page.locator("h1").inner_text()


def test_the_period_report_prints_without_navigation(reader: tuple[str, Page], screenshot_dir: Path) -> None:
    base, page = reader
    page.goto(base + "progress/2023-H1/")
    page.emulate_media(media="print")
    for selector in (".md-header", ".md-sidebar--primary", ".md-footer"):
        assert page.locator(selector).first.evaluate("el => getComputedStyle(el).display === 'none'"), selector
    headers = page.locator("table").first.locator("th").all_inner_texts()
    assert headers == ["序号", "措施", "牵头单位", "进展情况", "完成情况"]
    page.screenshot(path=str(screenshot_dir / "print-progress-2023-H1.png"), full_page=True)


def test_search_finds_progress_text(reader: tuple[str, Page]) -> None:
    base, page = reader
    page.goto(base)
    for query in ("12348", "工单双向转办"):  # in the measure's text and a report; in a report only
        found = [href.partition("#")[0] for _, href in search(page, query)]
        assert found[0] == "/measures/4/", (query, found)
        # each report text is indexed once, on its measure's page: not again on the period reports or cards
        assert not [href for href in found if "progress" in href], (query, found)
        page.goto(base)


def test_report_text_is_shown_as_written(reader: tuple[str, Page]) -> None:
    base, page = reader
    page.goto(base + "measures/2/")
    summary = page.locator(".progress-summary").first
    assert summary.inner_text() == ("普法责任清单覆盖区直部门42家；发布以案释法典型案例10件。"
                                    "注意：*这不是强调*，a|b 也不是表格，<b>也不是粗体</b>。")
    assert summary.locator("b, em, strong").count() == 0
