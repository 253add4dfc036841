"""Shared helpers for the tests: fixture plans, overlays, running the CLI."""

from __future__ import annotations

import contextlib
import io
import shutil
import sys
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
BASE_DATA = FIXTURES / "plan" / "data"
INVALID = FIXTURES / "invalid"
GOLDEN = FIXTURES / "golden"

sys.path.insert(0, str(ROOT / "scripts"))
import generate_pages  # noqa: E402


def make_data(tmp: Path, case: str | None = None) -> Path:
    """The base fixture plan, with a failure case's files laid over it."""
    data = tmp / "data"
    shutil.copytree(BASE_DATA, data)
    if case:
        shutil.copytree(INVALID / case / "data", data, dirs_exist_ok=True)
    return data


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = generate_pages.main(list(args))
    return code, out.getvalue(), err.getvalue()


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder with its bytes (to prove nothing changed)."""
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class HtmlPage(HTMLParser):
    """Collects the text of elements with a given class, the links, the ids and the loaded references."""

    def __init__(self, wanted_class: str = "") -> None:
        super().__init__(convert_charrefs=True)
        self.wanted, self.depth = wanted_class, 0
        self.texts: list[str] = []
        self.links: list[str] = []
        self.ids: list[str] = []
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if self.depth:
            self.depth += 1
        elif self.wanted and self.wanted in (a.get("class") or "").split():
            self.depth = 1
            self.texts.append("")
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if a.get("id"):
            self.ids.append(a["id"])
        for key in ("src", "href") if tag in ("script", "link", "img", "iframe", "source") else ():
            if a.get(key):
                self.refs.append(a[key])

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.texts[-1] += data


def read_html(path: Path, wanted_class: str = "") -> HtmlPage:
    page = HtmlPage(wanted_class)
    page.feed(path.read_text(encoding="utf-8"))
    return page
