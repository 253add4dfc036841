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
import re
import shutil
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

from .render import _CompiledTemplates


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


# The theme's templates, compiled once a process and not on every build (MkDocs makes a new Jinja
# environment for each): Jinja checks the code against each template's source.
THEME_CODE = _CompiledTemplates()


# --- the pages left for the full build -------------------------------------------------------------

STALE_CLASS = "plan-preview-stale"
_OPENING = re.compile(r"<article\b[^>]*>|<body\b[^>]*>")


def stale_note(html: str, downloads: bool = False) -> str:
    """A page's HTML with a note on top that the preview did not bring it up to date (the data files it
    offers, if `downloads`): it sums up the whole site, and is made again only by `make build`."""
    if STALE_CLASS in html:
        return html
    what = "本页提供的数据文件" if downloads else "本页"
    note = (f'<div class="admonition warning {STALE_CLASS}" data-search-exclude>'
            '<p class="admonition-title">预览</p>'
            f"<p>{what}汇总全站内容，在预览中没有随最近的修改更新，运行 <code>make build</code> 后即为最新。</p></div>")
    match = _OPENING.search(html)
    at = match.end() if match else 0
    return html[:at] + note + html[at:]


# --- watching: the kernel's change reports, without the generator's own writes ----------------------


def watch_with_inotify(server: Any, own: OwnWrites) -> None:
    """MkDocs polls what it watches every 0.5 s, a stat of every file in docs/ (seconds of work at
    scale, and up to 0.5 s before an edit is seen); the kernel's inotify reports a save at once.
    MkDocs 1.6 keeps what it watches in `server._watched_paths` (read only if it is there)."""
    watched = dict(getattr(server, "_watched_paths", {}))
    for path, count in watched.items():
        for _ in range(count):
            server.unwatch(path)
    server.observer = ChangeObserver(own)
    for path, count in watched.items():
        for _ in range(count):
            server.watch(path)


_CHANGES = (FileCreatedEvent, FileModifiedEvent, FileDeletedEvent, FileMovedEvent, FileClosedEvent,
            DirCreatedEvent, DirDeletedEvent, DirMovedEvent)


class ChangeObserver(Observer):
    """inotify also reports reads (a file opened, closed unwritten): each build, reading docs/ and data/,
    would set off the next. Only changes count, and not the generator's own writes into docs/."""

    def __init__(self, own: OwnWrites) -> None:
        super().__init__()
        self.own = own

    def schedule(self, event_handler: Any, path: Any, *, recursive: bool = False,
                 event_filter: Any = None, follow_symlink: bool = False) -> Any:
        return super().schedule(_Unless(event_handler, self.own.made), path, recursive=recursive,
                                follow_symlink=follow_symlink, event_filter=event_filter or list(_CHANGES))


class _Unless(FileSystemEventHandler):
    def __init__(self, handler: FileSystemEventHandler, ignore: Callable[[FileSystemEvent], bool]) -> None:
        self.handler, self.ignore = handler, ignore

    def dispatch(self, event: FileSystemEvent) -> None:
        if not self.ignore(event):
            self.handler.dispatch(event)


_TEMPORARY = re.compile(r"\.(.+)\.[^.]+\.tmp")  # plansite/write.py's: .<name>.<random>.tmp beside <name>


class OwnWrites:
    """The files the generator wrote into docs/ (or removed) while serving: a change the watcher then
    reports there is the generator's own, already in the build under way, if the file is still as the
    generator left it. One build per edit, not a second one for the generator's writes."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[int, int] | None] = {}
        self._idle = threading.Event()
        self._idle.set()

    def during(self, docs: Path, generate: Callable[[], Any]) -> Any:
        """Run `generate` (which returns a plan and its WriteReport), recording what it wrote in docs/."""
        self._idle.clear()
        try:
            plan, report = generate()
            written = [*report.written, *report.removed, ".generated"]
            self.files = {str(path): _state(path) for path in (docs.absolute() / rel for rel in written)}
            return plan, report
        finally:
            self._idle.set()

    def made(self, event: FileSystemEvent) -> bool:
        """Whether the event reports one of the generator's own writes."""
        self._idle.wait(timeout=600)  # the generator is writing: decide once it has finished
        paths = [event.src_path] + ([event.dest_path] if getattr(event, "dest_path", "") else [])
        return all(self._own(os.fsdecode(path)) for path in paths)

    def _own(self, path: str) -> bool:
        if path in self.files:
            return _state(Path(path)) == self.files[path]
        name = _TEMPORARY.fullmatch(os.path.basename(path))
        return name is not None and os.path.join(os.path.dirname(path), name.group(1)) in self.files


def _state(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


# --- what one dirty build leaves for the next ------------------------------------------------------


class DirtyBuilds:
    """Under `mkdocs serve --dirty`: what the last build left for the next, and the generator's writes."""

    def __init__(self) -> None:
        self.restart()

    def restart(self) -> None:
        """A new mkdocs command: nothing built yet."""
        self.own = OwnWrites()
        self.stale: list[str] = []  # generated files left for the full build (plansite/incremental.py)
        self.dest_of: dict[str, str] = {}  # the built file of each page, while some are stale
        self.sources: dict[str, tuple[tuple[int, int], Any]] = {}  # file -> (its size and time, what it read as)
        self.marked: set[str] = set()  # the pages whose built file carries the note of `stale_note`
        self.reset()

    def reset(self) -> None:
        self.state: str | None = None  # site_state of the last build that succeeded
        self.search: list[dict[str, Any]] = []  # its search entries
        self.tagged: set[str] = set()  # its tagged pages and tag listings (src paths)
        self.listings: set[str] = set()
        self.next_state: str | None = None
        self.kept = False  # this build started from the last one's site (its state unchanged)
        self.retag = True  # this build rebuilds the tag listings
        self.rebuilt: set[str] = set()  # URLs of the pages this build renders
        self.fresh: list[dict[str, Any]] = []  # this build's own search entries

    def begin(self, state: str, site_dir: Path, pages: dict[str, tuple[str, str]]) -> None:
        """A build starts, with `pages` the source and built file of each page: from nothing if what
        every page shows changed (or the last build failed); else the tag listings are built again if
        a page to build again is or was tagged."""
        kept = state == self.state
        if not kept:
            self.reset()
            for child in site_dir.iterdir():
                shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
        changed = [src for src, (source, built) in pages.items() if kept and _newer(source, built)]
        self.retag = not kept or any(src in self.tagged or src in self.listings or _may_have_tags(pages[src][0])
                                     for src in changed)
        again = (self.listings if self.retag else set()) | (self.marked - set(self.stale))  # notes to take off
        for src in again:
            if src in pages:
                Path(pages[src][1]).unlink(missing_ok=True)
        self.marked &= set(self.stale)
        self.state, self.next_state, self.kept = None, state, kept  # state: set again once this build succeeded
        self.rebuilt, self.fresh = set(), []

    def end(self, tagged: set[str] | None, listings: set[str] | None) -> list[dict[str, Any]]:
        """The build succeeded: the search entries of the whole site (the last build's, with those of
        the pages this build rendered, `fresh`, in their place). `tagged` and `listings`: the pages
        with tags and the tag listings, None if the tags were not gathered again."""
        self.search = merge_search_docs(self.search, self.fresh, self.rebuilt)
        self.state = self.next_state
        if tagged is not None and listings is not None:
            self.tagged, self.listings = tagged, listings
        return self.search

    def recall(self, path: str) -> Any:
        """What `path` read as last time (see `keep`), if it has not changed since; else None."""
        kept = self.sources.get(path)
        return kept[1] if kept is not None and kept[0] == _size_and_time(path) else None

    def keep(self, path: str, read: Any) -> None:
        if (key := _size_and_time(path)) is not None:
            self.sources[path] = (key, read)


def _newer(source: str, built: str) -> bool:
    """What MkDocs' dirty build rebuilds: a page whose built file is missing or older than its source."""
    try:
        return os.path.getmtime(built) < os.path.getmtime(source)
    except OSError:
        return True


def _may_have_tags(source: str) -> bool:
    """Whether a page's front matter may list tags (a key `tags:` anywhere near its start)."""
    try:
        with open(source, "rb") as handle:
            return b"tags:" in handle.read(4096)
    except OSError:
        return True


def _size_and_time(path: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


def mark_stale(builds: DirtyBuilds, downloads_page: str) -> list[str]:
    """Put the note of `stale_note` on the built pages of the stale generated files (and on the page
    that offers stale downloads): the pages marked."""
    for src in sorted(set(builds.stale) & set(builds.dest_of)):
        if src.endswith(".md") and (path := Path(builds.dest_of[src])).is_file():
            path.write_text(stale_note(path.read_text(encoding="utf-8"), src == downloads_page), encoding="utf-8")
            builds.marked.add(src)
    return sorted(builds.marked)
