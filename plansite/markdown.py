"""Putting data text into Markdown so that it shows exactly as written.

Nothing from the data is ever run as markup: every value printed by a
template is escaped here unless the template marks it as already safe.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
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


@pass_eval_context
def finalize(context: EvalContext, value: Any) -> str:
    """Jinja2 `finalize`: escape every printed value that is not marked safe, for Markdown, or leave
    it to HTML escaping in a template that writes HTML (autoescape)."""
    if isinstance(value, Markup):
        return value if context.autoescape else str(value)
    if isinstance(value, bool) or value is None:
        raise TypeError(f"refusing to print {value!r} into a page")
    if isinstance(value, (int, str)):
        return str(value) if context.autoescape else md_escape(str(value))
    raise TypeError(f"refusing to print a {type(value).__name__} into a page; print one of its fields")


def html_lines(text: str) -> Markup:
    """Text for HTML, its line breaks kept (as md_escape keeps them in Markdown)."""
    return Markup("<br>").join(text.split("\n"))  # each line escaped


def yaml_string(value: str) -> Markup:
    """A string for front matter: JSON is valid YAML and quotes everything."""
    return Markup(json.dumps(value, ensure_ascii=False))


def html_text(value: str) -> Markup:
    """Text for an HTML context (attributes, raw HTML blocks)."""
    return Markup(html.escape(str(value), quote=True))  # str: a Markup value is escaped too


# A measure's title is its first clause as written; these end a clause, these may end a cut inside one.
_CLAUSE_END = re.compile(r"[。，,；;：:！!？?]")
_INNER_STOP = "、“”《》〈〉（）()"
TITLE_SHORT = 14  # a first clause shorter than this gets the next one too, if both fit TITLE_JOINED
TITLE_JOINED = 30
TITLE_MAX = 32


def summary(text: str) -> str:
    """A measure's title: its first clause (or two short ones) as written, cut only at punctuation.

    A clause longer than TITLE_MAX is cut after the last 、 or quote mark that keeps it within,
    and ends in "…"; a clause without such a mark is kept whole, never cut inside a word.
    It stops before any < > &: it becomes a page title, which the theme prints as markup.
    """
    first_line = text.split("\n", 1)[0]
    safe = re.split(r"[<>&]", first_line, maxsplit=1)[0]
    clauses = _clauses(safe)
    if not clauses:
        return "…"  # nothing but punctuation before any < > &
    title, end = clauses[0]
    if len(clauses) > 1 and len(title) < TITLE_SHORT and not set(end) & set("。；;！!？?"):
        joined = title + end + clauses[1][0]
        if len(joined) <= TITLE_JOINED:
            title, end = joined, clauses[1][1]
    if len(title) > TITLE_MAX:
        return _cut(title)
    if not end and safe != text:  # stopped at < > & or at the end of the first line
        return title.rstrip(_INNER_STOP[:1]) + "…"
    return title


def _clauses(text: str) -> list[tuple[str, str]]:
    """(clause, the punctuation that ends it) for each non-empty clause; the last may end in ''."""
    found = []
    start = 0
    for match in _CLAUSE_END.finditer(text):
        if match.start() > start:
            found.append((text[start:match.start()], match.group()))
        elif found:  # two marks in a row: both end the clause, as written
            found[-1] = (found[-1][0], found[-1][1] + match.group())
        start = match.end()
        if found and match.group() in "。！!？?":
            return found  # the first sentence is enough
    if start < len(text) and text[start:].strip():
        found.append((text[start:], ""))
    return found


def _cut(clause: str) -> str:
    """A long clause cut after the last inner punctuation within TITLE_MAX, else whole."""
    cut = max((i for i, ch in enumerate(clause[:TITLE_MAX]) if ch in _INNER_STOP and i > 0), default=-1)
    if cut <= 0:
        return clause
    head = clause[:cut + 1] if clause[cut] in "”》〉）)" else clause[:cut]
    return head.rstrip("、") + "…"
