"""字号 大/中/小 that persists, 打印本页, and what a printed page holds (black titles, issuer and date, no buttons)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

PRINTED = ["/fulltext/", "/measures/7/", "/sections/2/", "/units/sifaju/tasks/"]
SCREEN_ONLY = [".plan-tools", ".plan-print", ".md-skip", ".feedback-link", ".plan-cite__copy", ".md-header",
               ".md-footer", ".md-banner"]


def display(reader: Page, selector: str) -> list[str]:
    return reader.eval_on_selector_all(selector, "els => els.map(e => getComputedStyle(e).display)")


@pytest.mark.parametrize("path", PRINTED)
def test_a_printed_page_has_black_titles_and_no_screen_only_parts(page: Callable[..., Page], path: str) -> None:
    reader = page(path)
    reader.emulate_media(media="print")
    assert reader.eval_on_selector("article h1", "e => getComputedStyle(e).color") == "rgb(0, 0, 0)"
    colours = reader.eval_on_selector_all("article h2, article h3", "els => els.map(e => getComputedStyle(e).color)")
    assert set(colours) <= {"rgb(0, 0, 0)"}
    for selector in SCREEN_ONLY:
        assert set(display(reader, selector)) <= {"none"}, f"{selector} is printed on {path}"
    reader.emulate_media(media="screen")
    assert display(reader, ".plan-tools") == ["flex"]


def test_the_printed_full_text_names_its_issuer_and_date(page: Callable[..., Page]) -> None:
    reader = page("/fulltext/")
    reader.emulate_media(media="print")
    table = reader.locator("table.plan-info")
    assert table.is_visible()
    text = table.inner_text()
    assert "中共西安区委全面依法治区委员会办公室" in text and "2022年9月14日" in text
    ending = reader.locator("article").inner_text().rstrip().splitlines()[-3:]
    assert [line for line in ending if line.strip()] == ["中共西安区委全面依法治区委员会办公室", "2022年9月14日"]


@pytest.mark.parametrize("path", PRINTED)
def test_the_print_button_prints(page: Callable[..., Page], path: str) -> None:
    reader = page(path)
    reader.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1 } }")
    reader.locator("button.plan-print").first.click()
    assert reader.evaluate("window.printed") == 1


def test_the_font_size_switch_applies_and_persists(page: Callable[..., Page]) -> None:
    reader = page("/measures/7/")
    text = reader.locator(".measure-text")

    def size() -> float:
        return float(text.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))

    medium = size()
    assert reader.get_by_role("button", name="中字号").get_attribute("aria-pressed") == "true"
    reader.get_by_role("button", name="大字号").click()
    large = size()
    assert large >= medium * 1.15
    assert reader.get_by_role("button", name="大字号").get_attribute("aria-pressed") == "true"
    reader.goto(reader.url.replace("/measures/7/", "/measures/8/"))  # another page, same choice
    text = reader.locator(".measure-text")
    assert size() == large
    assert reader.get_by_role("button", name="大字号").get_attribute("aria-pressed") == "true"
    reader.get_by_role("button", name="小字号").click()
    assert size() < medium
    reader.get_by_role("button", name="中字号").click()
    assert size() == medium
    assert reader.evaluate("localStorage.getItem('plansite.size')") is None
