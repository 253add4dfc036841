"""A keyboard user can do everything: skip link, visible focus, phone menu, search; nothing hidden takes focus."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.test_pages import PAGES, WIDTHS

# Pages whose every tab stop is checked (the matrix scrolls inside its own boxes, so it is left out).
TAB_PAGES = ["home", "measure", "section", "tasks", "consultation", "fulltext"]
MAX_STOPS = 400

FOCUSED = """() => {
  const e = document.activeElement
  if (!e || e === document.body) return null
  const r = e.getBoundingClientRect(), s = getComputedStyle(e)
  return {
    tag: e.tagName, name: (e.getAttribute("aria-label") || e.textContent || "").trim().slice(0, 30),
    left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height,
    visibility: s.visibility, outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0,
    inDrawer: !!e.closest(".md-sidebar--primary"), inSearch: !!e.closest(".md-search"),
  }
}"""


def open_at(page: Callable[..., Page], path: str, width: str) -> Page:
    reader = page(path)
    w, h = WIDTHS[width]
    reader.set_viewport_size({"width": w, "height": h})
    return reader


def tab_stops(reader: Page, limit: int = MAX_STOPS) -> list[dict[str, Any]]:
    """Press Tab from the top of the page until focus leaves the page; every element focused, in order."""
    stops = []
    for _ in range(limit):
        reader.keyboard.press("Tab")
        stop = reader.evaluate(FOCUSED)
        if stop is None:
            return stops
        stops.append(stop)
    raise AssertionError(f"more than {limit} tab stops")


def tab_to(reader: Page, name: str, limit: int = 40) -> dict[str, Any]:
    for _ in range(limit):
        reader.keyboard.press("Tab")
        stop = reader.evaluate(FOCUSED)
        if stop and stop["name"] == name:
            return stop
    raise AssertionError(f"no tab stop named {name!r} in the first {limit}")


def shown(stop: dict[str, Any], width: int) -> bool:
    return (stop["width"] > 0 and stop["height"] > 0 and stop["visibility"] == "visible"
            and stop["right"] > 0 and stop["left"] < width)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_skip_link_comes_first_and_leads_to_the_content(page: Callable[..., Page], width: str) -> None:
    reader = open_at(page, PAGES["measure"], width)
    reader.keyboard.press("Tab")
    stop = reader.evaluate(FOCUSED)
    assert stop["name"] == "跳转至正文" and shown(stop, WIDTHS[width][0]), stop
    reader.keyboard.press("Enter")
    reader.wait_for_function("location.hash !== ''")
    target = reader.evaluate("decodeURIComponent(location.hash.slice(1))")
    heading = reader.locator("article h1").first
    assert heading.get_attribute("id") == target
    assert 0 <= heading.bounding_box()["y"] < WIDTHS[width][1] / 2


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", TAB_PAGES)
def test_every_tab_stop_is_on_screen_and_shows_focus(page: Callable[..., Page], name: str, width: str) -> None:
    reader = open_at(page, PAGES[name], width)
    stops = tab_stops(reader)
    assert len(stops) > 5
    hidden = [s for s in stops if not shown(s, WIDTHS[width][0])]
    assert not hidden, f"{len(hidden)} tab stops not on screen, e.g. {hidden[:3]}"
    unmarked = [s for s in stops if not s["outline"]]
    assert not unmarked, f"{len(unmarked)} tab stops without a visible focus outline, e.g. {unmarked[:3]}"
    if width == "phone":  # the closed drawer's links are not in the tab order
        assert not [s for s in stops if s["inDrawer"]]


def test_the_phone_menu_opens_and_closes_by_keyboard(page: Callable[..., Page]) -> None:
    reader = open_at(page, PAGES["measure"], "phone")
    tab_to(reader, "打开导航菜单")
    reader.keyboard.press("Enter")
    assert reader.evaluate("document.getElementById('__drawer').checked")
    inside = reader.evaluate(FOCUSED)
    assert inside["inDrawer"], inside
    reader.wait_for_timeout(400)  # the drawer slides in
    for _ in range(5):
        stop = reader.evaluate(FOCUSED)
        assert stop["inDrawer"] and shown(stop, WIDTHS["phone"][0]), stop
        reader.keyboard.press("Tab")
    reader.keyboard.press("Escape")
    assert not reader.evaluate("document.getElementById('__drawer').checked")
    assert reader.evaluate(FOCUSED)["name"] == "打开导航菜单"


def test_the_phone_menu_opens_a_part_and_goes_back_by_keyboard(page: Callable[..., Page]) -> None:
    reader = open_at(page, PAGES["measure"], "phone")
    tab_to(reader, "打开导航菜单")
    reader.keyboard.press("Enter")
    part = tab_to(reader, "二、推动全社会增强法治观念")
    assert part["inDrawer"] and part["tag"] == "LABEL"
    reader.keyboard.press("Enter")
    reader.wait_for_function("document.activeElement.textContent.trim() === '本部分概览'")
    reader.wait_for_timeout(400)  # the panel slides in
    inside = reader.evaluate(FOCUSED)
    assert shown(inside, WIDTHS["phone"][0]), inside
    stops = [reader.evaluate(FOCUSED)]
    for _ in range(4):
        reader.keyboard.press("Tab")
        stops.append(reader.evaluate(FOCUSED))
    assert [s["name"] for s in stops] == ["本部分概览", "（一）维护宪法权威", "（二）增强全民法治观念",
                                          "（三）健全普法工作格局", "（四）建设社会主义法治文化"]
    assert all(shown(s, WIDTHS["phone"][0]) for s in stops)
    for _ in range(5):
        reader.keyboard.press("Shift+Tab")
    assert reader.evaluate(FOCUSED)["name"] == "返回上一级：二、推动全社会增强法治观念"
    reader.keyboard.press("Enter")
    reader.wait_for_function("document.activeElement.textContent.trim().startsWith('二、推动全社会增强法治观念')")
    # leaving the drawer by Tab closes it
    for _ in range(30):
        reader.keyboard.press("Tab")
        if not reader.evaluate(FOCUSED)["inDrawer"]:
            break
    assert not reader.evaluate("document.getElementById('__drawer').checked")


@pytest.mark.parametrize("width", WIDTHS)
def test_search_works_by_keyboard_alone(page: Callable[..., Page], width: str) -> None:
    reader = open_at(page, PAGES["section"], width)
    dialog = reader.locator(".md-search")
    assert dialog.get_attribute("role") == "dialog" and dialog.get_attribute("aria-label") == "搜索"
    if width == "phone":
        tab_to(reader, "搜索")
        reader.keyboard.press("Enter")
    else:
        tab_to(reader, "搜索措施、单位、专题")
    reader.wait_for_function("document.activeElement.classList.contains('md-search__input')")
    reader.wait_for_function(
        "() => { const m = document.querySelector('.md-search-result__meta');"
        " return m && !/初始化/.test(m.textContent) }")
    reader.keyboard.type("民法典")
    reader.keyboard.press("End")
    reader.wait_for_function("document.querySelectorAll('.md-search-result__item').length > 0")
    # focus stays inside the open dialog
    for _ in range(15):
        reader.keyboard.press("Tab")
        assert reader.evaluate(FOCUSED)["inSearch"]
    reader.locator(".md-search__input").focus()
    reader.keyboard.press("ArrowDown")
    link = reader.evaluate("document.activeElement.getAttribute('href')")
    assert link and "measures/" in link, link
    reader.keyboard.press("Enter")
    reader.wait_for_url("**/measures/**")
    assert "民法典" in reader.locator("article").inner_text()
