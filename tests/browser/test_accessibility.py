"""WCAG 2.1 A/AA in Chromium: axe-core on every page kind at desktop and phone width.

axe-core comes from npm, pinned in package.json / package-lock.json; `make test` installs it
with `npm ci` into node_modules/ (no network at test time).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from tests.axe import axe_violations
from tests.browser.conftest import search
from tests.browser.test_pages import PAGES, WIDTHS


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_no_wcag_violations(page: Callable[..., Page], axe_source: str, name: str, width: str) -> None:
    reader = page(PAGES[name])
    w, h = WIDTHS[width]
    reader.set_viewport_size({"width": w, "height": h})
    reader.wait_for_timeout(50)
    violations = axe_violations(reader, axe_source)
    assert not violations, f"{PAGES[name]} at {w}px: {len(violations)} violations:\n" + "\n".join(violations[:40])


@pytest.mark.parametrize("width", WIDTHS)
def test_no_wcag_violations_with_search_open(page: Callable[..., Page], axe_source: str, width: str) -> None:
    reader = page(PAGES["measure"])
    w, h = WIDTHS[width]
    reader.set_viewport_size({"width": w, "height": h})
    if width == "phone":  # the search box is behind the header's search button
        reader.locator("label.md-header__button[for='__search']").click()
    search(reader, "民法典")
    violations = axe_violations(reader, axe_source)
    assert not violations, f"search open at {w}px: {len(violations)} violations:\n" + "\n".join(violations[:40])


def test_no_wcag_violations_with_the_phone_menu_open(page: Callable[..., Page], axe_source: str) -> None:
    reader = page(PAGES["section"])
    w, h = WIDTHS["phone"]
    reader.set_viewport_size({"width": w, "height": h})
    reader.locator("label.md-header__button[for='__drawer']").click()
    reader.wait_for_timeout(400)
    assert reader.evaluate("document.getElementById('__drawer').checked")
    violations = axe_violations(reader, axe_source)
    assert not violations, f"menu open at {w}px: {len(violations)} violations:\n" + "\n".join(violations[:40])
