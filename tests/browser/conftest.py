"""Fixtures for end-to-end tests in headless Chromium against a built site.

The site is whatever `mkdocs build` left in site/ (or PLANSITE_SITE_DIR); these
fixtures never build it. Every test in this folder is marked `browser`.

    site_dir        the built site (fails, does not skip, when it has no index.html)
    server          base URL of the site served on 127.0.0.1 (ThreadingHTTPServer in a thread)
    browser         (tests/conftest.py) one headless Chromium per session: Debian's /usr/bin/chromium
    page            factory: page(path="/") opens a new page; any request to another host
                    than 127.0.0.1 is blocked, recorded, and fails the test at teardown
    screenshot_dir  a temporary folder for screenshots; its path is printed

and the helper search(page, query) -> [(title, href), ...] that types into
Material's search box and returns the results as shown, best first.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import pytest

from tests.ourplan import our_site
from tests.projectcopy import local_only, serve

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent

SEARCH_INPUT = "input.md-search__input"
SEARCH_META = ".md-search-result__meta"
SEARCH_ITEM = ".md-search-result__item"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test under tests/browser/ is a browser test (`-m "not browser"` leaves them out)."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


# --------------------------------------------------------------------------- site and server


@pytest.fixture(scope="session")
def site_dir() -> Path:
    """The built site: $PLANSITE_SITE_DIR, else our plan's: <repo>/site while data/ is our plan, else
    one built from tests/fixtures/ourplan (tests/ourplan.py)."""
    path = Path(os.environ.get("PLANSITE_SITE_DIR") or our_site()).resolve()
    if not (path / "index.html").is_file():
        pytest.fail(
            f"no built site at {path} (no index.html): run `make build` (or `mkdocs build`) first, "
            "or point PLANSITE_SITE_DIR at a built site",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def server(site_dir: Path) -> Iterator[str]:
    """Serves site_dir on 127.0.0.1 at a free port; yields the base URL, ending in '/'."""
    with serve(site_dir) as base:
        yield base


# --------------------------------------------------------------------------- browser and pages


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Callable[..., Page]]:
    """Factory: page(path="/") opens `path` of the site in a new context and returns the page.

    Every request to a host other than 127.0.0.1 (CDN, fonts, analytics, ...) is aborted and
    recorded; the test fails at teardown if there was any (tests.projectcopy.local_only).
    """
    with contextlib.ExitStack() as contexts:

        def open_page(path: str = "/", *, wait_until: str = "load") -> Page:
            context = contexts.enter_context(local_only(browser.new_context(locale="zh-CN", service_workers="block")))
            new_page = context.new_page()
            new_page.goto(urljoin(server, path.lstrip("/")), wait_until=wait_until)
            return new_page

        yield open_page


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """A folder for screenshots; its path is printed (also when output is captured)."""
    path = tmp_path_factory.mktemp("screenshots")
    capture = request.config.pluginmanager.getplugin("capturemanager")
    if capture is not None:
        with capture.global_and_fixture_disabled():
            print(f"\nscreenshots: {path}")
    else:
        print(f"screenshots: {path}")
    return path


# --------------------------------------------------------------------------- search helper


def _search_state(page: Page) -> dict[str, Any]:
    return page.evaluate(
        """([meta, item]) => {
          const m = document.querySelector(meta)
          return {
            meta: m ? m.textContent.trim() : "",
            items: [...document.querySelectorAll(item)].map(li => {
              const a = li.querySelector("a.md-search-result__link")
              const h = a && a.querySelector("h1, h2")
              return [h ? h.textContent.trim() : "", a ? a.href : ""]
            }),
          }
        }""",
        [SEARCH_META, SEARCH_ITEM],
    )


def search(page: Page, query: str, *, timeout: float = 15.0, settle: float = 0.4) -> list[tuple[str, str]]:
    """Type `query` into the search box; return the results as (title, href), best first.

    `href` is the link's path on the site, e.g. "/measures/7/" or "/units/sifaju/#...".
    Waits until the search engine answered and the list stayed unchanged for `settle` seconds.
    Only the results Material has rendered are returned (it renders the first ten, then more
    on scrolling).
    """
    config = json.loads(page.locator("#__config").text_content() or "{}")
    placeholder = config.get("translations", {}).get("search.result.placeholder", "")
    box = page.locator(SEARCH_INPUT)
    box.click()
    box.fill("")
    # Material shows its "initialising" text until the worker is ready, then the placeholder.
    page.wait_for_function(
        "([sel, text]) => { const m = document.querySelector(sel); return m && m.textContent.trim() === text }",
        arg=[SEARCH_META, placeholder],
        timeout=timeout * 1000,
    )
    box.press_sequentially(query, delay=15)
    # Chinese text arrives as text input without key events (as from an IME); Material reads the
    # box on keyup, so finish with a key press, as a user confirming the IME composition would.
    box.press("End")
    deadline = time.monotonic() + timeout
    last: dict[str, Any] | None = None
    stable_since = time.monotonic()
    while True:
        state = _search_state(page)
        if state != last:
            last, stable_since = state, time.monotonic()
        elif state["meta"] and state["meta"] != placeholder and time.monotonic() - stable_since >= settle:
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"search for {query!r} did not settle; last state: {last}")
        page.wait_for_timeout(50)
    results = []
    for title, href in last["items"]:
        parts = urlsplit(href)
        # Material shows the index's titles, where jieba's words are joined by zero-width spaces
        results.append((title.replace("\u200b", ""), parts.path + (f"#{parts.fragment}" if parts.fragment else "")))
    return results
