"""What `make serve` needs to rebuild only the pages an edit changed and still show a whole site.

MkDocs' dirty build (`mkdocs serve --dirty`) renders only the pages whose source in docs/ is newer
than their HTML; the generator rewrites only the pages an edit changes. What a dirty build gets
wrong is whole-site output: the search index then holds only the rebuilt pages, and a tag listing
only the tagged pages that were read. The hook keeps the last build's index and merges (this
module, plain Python); it starts over with a full build when anything that every page shows has
changed (`site_state`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def page_of(location: str) -> str:
    """The page of a search index location: "measures/7/#measure-7" -> "measures/7/"."""
    return location.split("#", 1)[0]


def merge_search_docs(previous: list[dict[str, Any]], fresh: list[dict[str, Any]],
                      rebuilt: set[str]) -> list[dict[str, Any]]:
    """The search entries of a full build from the last build's and those of the pages rebuilt now.

    Each rebuilt page's entries take the place of its old ones, in the order a full build lists them
    (page by page, in the order MkDocs builds them); a rebuilt page that had none goes last.
    """
    by_page: dict[str, list[dict[str, Any]]] = {}
    for entry in fresh:
        by_page.setdefault(page_of(entry["location"]), []).append(entry)
    merged: list[dict[str, Any]] = []
    placed: set[str] = set()
    for entry in previous:
        page = page_of(entry["location"])
        if page not in rebuilt:
            merged.append(entry)
        elif page not in placed:
            merged.extend(by_page.get(page, []))
            placed.add(page)
    for page, entries in by_page.items():
        if page not in placed:
            merged.extend(entries)
    return merged


def site_state(pages: Iterable[str], settings: Iterable[Any], paths: Iterable[Path]) -> str:
    """A digest of what every page shows: the list of pages (the nav and links follow it), the
    settings the theme prints on each page, and the files given (mkdocs.yml, the theme overrides)."""
    digest = hashlib.sha256()
    for page in sorted(pages):
        digest.update(f"page {page}\0".encode())
    for value in settings:
        digest.update(f"setting {value!r}\0".encode())
    for path in paths:
        files = [path] if path.is_file() else sorted(Path(top, n) for top, _d, names in os.walk(path) for n in names)
        for file in files:
            stat = file.stat()
            digest.update(f"file {file}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()
