"""Where each page lives: its file under docs/, its URL, and links between pages.

URLs follow MkDocs' use_directory_urls: docs/measures/7.md is served at measures/7/.
"""

from __future__ import annotations

import posixpath
from typing import Any

from .model import Measure, Part, Section, Unit


def page_path(obj: Any) -> str:
    """Where an object's page lives under docs/ (its URL is this without .md)."""
    if isinstance(obj, Measure):
        return f"measures/{obj.id}.md"
    if isinstance(obj, Section):
        return f"sections/{obj.id}.md"
    if isinstance(obj, Part):
        return f"parts/{obj.id}.md"
    if isinstance(obj, Unit):
        return f"units/{obj.slug}.md"
    if isinstance(obj, str):
        return obj
    raise TypeError(f"no page for {type(obj).__name__}")


def page_url(path: str) -> str | None:
    """The URL (relative to the site root) of a file under docs/, or None if it is not a page.

    measures/7.md -> measures/7/, index.md -> "", parts/index.md -> parts/, x/index.html -> x/.
    """
    if path.endswith(".md"):
        stem = path.removesuffix(".md")
    elif path == "index.html" or path.endswith("/index.html"):
        stem = path.removesuffix(".html")
    else:
        return None
    if stem == "index" or stem.endswith("/index"):
        stem = stem.removesuffix("index").rstrip("/")
    return f"{stem}/" if stem else ""


def url_of(obj: Any) -> str:
    """The URL of an object's page, relative to the site root: measures/7/."""
    return page_url(page_path(obj)) or ""


def relative_url(target: str, here: str) -> str:
    """The link from page `here` to page `target` (URLs relative to the site root, as served).

    What posixpath.relpath gives, without its trips to the file system (it makes both paths absolute
    from the working directory): the generator asks this for every link of every page."""
    to, at = _segments(target), _segments(here)
    if to is None or at is None:  # "." or ".." in a path: as relpath resolves them
        rel = posixpath.relpath(target or ".", here or ".")
        return "./" if rel == "." else rel + "/"
    common = 0
    while common < min(len(to), len(at)) and to[common] == at[common]:
        common += 1
    parts = [".."] * (len(at) - common) + to[common:]
    return "/".join(parts) + "/" if parts else "./"


def _segments(url: str) -> list[str] | None:
    parts = [part for part in url.split("/") if part]
    return None if any(part in (".", "..") for part in parts) else parts
