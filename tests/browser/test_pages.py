"""The pages as people see them: desktop and phone width, print, screenshots to look at."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page

PAGES = {
    "home": "/",
    "measure": "/measures/7/",
    "section": "/sections/2/",
    "part": "/parts/1/",
    "unit": "/units/sifaju/",
    "tasks": "/units/sifaju/tasks/",
    "units": "/units/",
    "matrix": "/matrix/",
    "topics": "/topics/",
    "data": "/data/",
    "consultation": "/consultation/",
    "fulltext": "/fulltext/",
    "sitemap": "/sitemap/",
    "404": "/404.html",
}
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_page_fits_the_screen(page: Callable[..., Page], screenshot_dir: Path, name: str, width: str) -> None:
    reader = page(PAGES[name])
    w, h = WIDTHS[width]
    reader.set_viewport_size({"width": w, "height": h})
    reader.wait_for_timeout(100)
    reader.screenshot(path=str(screenshot_dir / f"{name}-{width}.png"))
    # Nothing pushes the page sideways: wide tables scroll inside their own box.
    overflow = reader.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{PAGES[name]} is {overflow}px wider than a {w}px screen"
    assert reader.locator("h1").first.inner_text().strip()
    assert reader.evaluate("document.documentElement.lang") == "zh-CN"


def test_matrix_scrolls_inside_its_box_with_sticky_headers(page: Callable[..., Page]) -> None:
    reader = page("/matrix/")
    reader.set_viewport_size({"width": 390, "height": 844})
    box = reader.locator(".matrix-scroll").first
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
    header = box.locator("thead th").nth(1)
    assert header.evaluate("el => getComputedStyle(el).position") == "sticky"
    unit = box.locator("tbody th").first
    assert unit.evaluate("el => getComputedStyle(el).position") == "sticky"


@pytest.mark.parametrize("path", ["/fulltext/", "/units/sifaju/tasks/", "/matrix/"])
def test_print_hides_the_navigation(page: Callable[..., Page], screenshot_dir: Path, path: str) -> None:
    reader = page(path)
    reader.emulate_media(media="print")
    for selector in (".md-header", ".md-sidebar--primary", ".md-footer", ".md-banner"):
        hidden = reader.locator(selector).first.evaluate("el => getComputedStyle(el).display === 'none'")
        assert hidden, f"{selector} is printed on {path}"
    reader.screenshot(path=str(screenshot_dir / f"print-{path.strip('/').replace('/', '-')}.png"), full_page=False)


def test_draft_banner_links_the_consultation(page: Callable[..., Page]) -> None:
    reader = page("/measures/7/")
    banner = reader.locator(".md-banner a.plan-announce")
    assert "征求意见" in banner.inner_text()
    banner.click()
    reader.wait_for_url("**/consultation/")
    assert "xayfzqb@163.com" in reader.locator("article").inner_text()


def test_measure_page_links_units_and_neighbours(page: Callable[..., Page]) -> None:
    reader = page("/measures/7/")
    reader.get_by_role("link", name="区司法局").first.click()
    reader.wait_for_url("**/units/sifaju/")
    assert reader.get_by_role("link", name="第7条 广泛开展民法典普法工作").count() == 1
    reader.goto(reader.url.replace("/units/sifaju/", "/measures/7/"))
    reader.get_by_role("link", name="下一条：第8条", exact=False).click()
    reader.wait_for_url("**/measures/8/")
