"""No page shows Markdown or attribute-list syntax as text (as /fulltext/ once showed `{: .fulltext-units }`)."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, Page

from tests.projectcopy import local_only

# What leaks when a template's Markdown is not parsed: attribute lists, links, emphasis, escapes,
# headings and table rows, and HTML escaped twice.
LEAKS = {
    "attribute list": re.compile(r"\{\s*[:#.][^}]*\}"),
    "Markdown link": re.compile(r"\]\([^)\s]*\)"),
    "bold marks": re.compile(r"\*\*\S"),
    "backslash escape": re.compile(r"\\[#*()\[\]_`|!{}<>]"),
    "escaped HTML": re.compile(r"&(?:lt|gt|amp|quot|#\d+);|<br\s*/?>|</?(?:p|span|div|a)\b[^>]*>"),
    "heading marks": re.compile(r"^#{1,6}\s", re.M),
    "table row": re.compile(r"^\|.*\|\s*$", re.M),
}


def pages(site: Path) -> list[str]:
    """Every page of the built site (redirect pages are plain HTML and say where the page went)."""
    found = []
    for index in sorted(site.rglob("index.html")):
        html = index.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in html or "/assets/" in index.as_posix():
            continue
        found.append("/" + index.parent.relative_to(site).as_posix().removeprefix(".") + "/")
    return [p.replace("//", "/") for p in found] + ["/404.html"]


def leaks(text: str) -> list[str]:
    return [f"{kind}: {m.group(0)!r}" for kind, pattern in LEAKS.items() for m in pattern.finditer(text)]


def test_the_leak_patterns_catch_what_once_leaked() -> None:
    assert leaks("牵头单位：区司法局{: .fulltext-units }") == ["attribute list: '{: .fulltext-units }'"]
    text = "见[全文](../fulltext.md)与**加粗**和\\#号&lt;br&gt;\n## 标题\n| a | b |"
    found = {leak.split(":")[0] for leak in leaks(text)}
    assert found == {"Markdown link", "bold marks", "backslash escape", "escaped HTML", "heading marks", "table row"}
    assert leaks("深入推进宪法学习宣传教育。推动“12.4”国家宪法日,《关于<中华人民共和国民法典>的实施方案》") == []


def test_no_page_shows_markup_as_text(browser: Browser, server: str, site_dir: Path) -> None:
    paths = pages(site_dir)
    assert len(paths) > 100 and "/fulltext/" in paths and "/measures/7/" in paths
    # The text the pages are served with, laid out by their stylesheets. Scripts are off: the text
    # they add (search results, buttons) is the theme's, never the data's, and loading them on each
    # of 190 pages was half this test's time.
    context = browser.new_context(locale="zh-CN", service_workers="block", java_script_enabled=False)
    with local_only(context):
        reader = context.new_page()
        found = _leaking_pages(reader, server, paths)
    shown = "; ".join(f"{path} {problems}" for path, problems in list(found.items())[:8])
    assert not found, f"{len(found)} pages show markup as text: {shown}"


def _leaking_pages(reader: Page, server: str, paths: list[str]) -> dict[str, list[str]]:
    found = {}
    for path in paths:
        reader.goto(server.rstrip("/") + path)
        text = reader.locator("body").inner_text()
        if problems := leaks(text):
            found[path] = problems[:3]
    return found
