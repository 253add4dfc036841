"""Putting data text into Markdown so that it shows exactly as written.

Nothing from the data is ever run as markup: every value printed by a
template is escaped here unless the template marks it as already safe.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from markupsafe import Markup

# Python-Markdown's escapable characters that matter anywhere in a line,
# plus '|' (tables). '-', '+', '.' and '>' only matter at the start of a line.
_INLINE = re.compile(r"([\\`*_{}\[\]()#!|])")
_LINE_START = re.compile(r"^(\s*)([-+>]|\d+(?=[.)]))")


def md_escape(text: str) -> str:
    """Escape `text` for Markdown: it renders as exactly these characters."""
    text = html.escape(text, quote=False)
    text = _INLINE.sub(r"\\\1", text)
    lines = [_escape_line_start(line) for line in text.split("\n")]
    return "<br>".join(lines)


def _escape_line_start(line: str) -> str:
    match = _LINE_START.match(line)
    if not match:
        return line
    lead, token = match.groups()
    if token.isdigit():  # "1. text" would start an ordered list
        cut = len(lead) + len(token)
        return f"{line[:cut]}\\{line[cut:]}"
    return f"{lead}\\{line[len(lead):]}"


def finalize(value: Any) -> str:
    """Jinja2 `finalize`: escape every printed value that is not marked safe."""
    if isinstance(value, Markup):
        return str(value)
    if isinstance(value, bool) or value is None:
        raise TypeError(f"refusing to print {value!r} into a page")
    if isinstance(value, (int, str)):
        return md_escape(str(value))
    raise TypeError(f"refusing to print a {type(value).__name__} into a page; print one of its fields")


def yaml_string(value: str) -> Markup:
    """A string for front matter: JSON is valid YAML and quotes everything."""
    return Markup(json.dumps(value, ensure_ascii=False))


def html_text(value: str) -> Markup:
    """Text for an HTML context (attributes, raw HTML blocks)."""
    return Markup(html.escape(value, quote=True))


def summary(text: str, limit: int = 24) -> str:
    """A short title for a measure: its first sentence when short, else its start.

    It stops before any < > &: it becomes a page title, which the theme prints as markup.
    """
    safe = re.split(r"[<>&]", text, maxsplit=1)[0]
    for stop in ("。", "，", ",", "；", ";"):
        head, found, _ = safe.partition(stop)
        if found and head and len(head) <= limit:
            return head
    if safe == text and len(text) <= limit:
        return text
    return safe[:limit] + "…"
