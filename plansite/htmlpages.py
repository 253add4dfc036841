"""Pages the generator writes as HTML: what a site builder needs to take them as they are.

Most generated pages are regular: the same few elements over and over, every value from the data.
Their templates (`*.html.j2`) write HTML inside a Markdown file: front matter, then one raw HTML
block, `<div class="plan-page">…</div>`. Any Markdown processor passes such a block through
unchanged, so docs/ still builds with any tool that reads mkdocs.yml; Python-Markdown's inline
processing, most of a build's time at scale, is not needed for it.

What Python-Markdown would have found on such a page, this module finds in the HTML, so that the
hook can give MkDocs the same: the headings (the table of contents), the ids (anchors other pages
may link to) and the links (to check, as `mkdocs build --strict` checks a Markdown page's links).
The HTML is the generator's own, in one shape: double-quoted attributes, no comments, headings
without nested headings. Plain Python: the MkDocs side is in the hook.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from markdown.extensions.toc import slugify, unique

OPEN = '<div class="plan-page">'
CLOSE = "</div>"

_HEADING = re.compile(r"<h([1-6])(?P<attrs>[^>]*)>(?P<inner>.*?)</h\1>", re.DOTALL)
_ID = re.compile(r'\sid="([^"]*)"')
_HREF = re.compile(r'<a\s[^>]*?href="([^"]*)"')
_TAG = re.compile(r"<[^>]+>")


def body(markdown: str) -> str | None:
    """The HTML inside the plan-page block of a page written as HTML (its Markdown, front matter
    removed, is that one block), else None."""
    text = markdown.strip()
    if text.startswith(OPEN) and text.endswith(CLOSE):
        return text[len(OPEN):-len(CLOSE)].strip("\n")
    return None


def heading_id(text: str, used: set[str]) -> str:
    """The id Python-Markdown's toc extension gives a heading without one (so that an anchor stays
    what it was when the page was Markdown): `used` collects the page's ids."""
    return unique(slugify(text, "-"), used)


@dataclass
class Heading:
    level: int
    id: str
    name: str  # its text, as the table of contents shows it
    children: list[Heading] = field(default_factory=list)

    def as_token(self) -> dict[str, object]:
        """What Python-Markdown's toc extension records of a heading (MkDocs builds page.toc from it)."""
        return {"level": self.level, "id": self.id, "name": self.name, "html": self.name,
                "data-toc-label": "", "children": [child.as_token() for child in self.children]}


def headings(page: str) -> list[Heading]:
    """The page's headings with an id, nested as the table of contents nests them."""
    tops: list[Heading] = []
    stack: list[Heading] = []
    for match in _HEADING.finditer(page):
        found = _ID.search(match.group("attrs"))
        if not found:
            continue
        name = html.escape(html.unescape(_TAG.sub("", match.group("inner"))).strip(), quote=False)
        heading = Heading(int(match.group(1)), html.unescape(found.group(1)), name)
        while stack and stack[-1].level >= heading.level:
            stack.pop()
        (stack[-1].children if stack else tops).append(heading)
        stack.append(heading)
    return tops


def anchor_ids(page: str) -> set[str]:
    return {html.unescape(value) for value in _ID.findall(page)}


@dataclass(frozen=True)
class Link:
    href: str  # as written in the page
    target: str  # the URL it leads to, relative to the site root ("" for the home page)
    anchor: str


def links(page: str, here: str) -> list[Link]:
    """The page's links to other places on this site (not mailto:, not other hosts), resolved from
    `here`, the page's URL relative to the site root (measures/7/)."""
    found = []
    for raw in _HREF.findall(page):
        href = html.unescape(raw)
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or href.startswith(("/", "\\")):
            continue
        if not parts.path:
            found.append(Link(href, here, unquote(parts.fragment)))
            continue
        target = posixpath.normpath(posixpath.join("/" + here, unquote(parts.path))).lstrip("/")
        if target == ".":
            target = ""
        if parts.path.endswith("/") and target:
            target += "/"
        found.append(Link(href, target, unquote(parts.fragment)))
    return found
