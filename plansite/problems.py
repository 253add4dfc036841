"""Problems found in the data: collected, sorted, reported all at once."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from .model import Location


@dataclass(frozen=True, order=True)
class Problem:
    where: Location
    message: str
    hint: str = ""

    def __str__(self) -> str:
        hint = f" ({self.hint})" if self.hint else ""
        return f"{self.where}: {self.message}{hint}"


class PlanError(Exception):
    """The data is invalid; carries every problem found, sorted by file and line."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(set(problems))
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.problems)
        lines = [str(p) for p in self.problems]
        lines.append(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.")
        return "\n".join(lines)


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """A hint naming the closest allowed values, or '' when nothing is close."""
    close = difflib.get_close_matches(value, list(dict.fromkeys(choices)), n=3, cutoff=0.6)
    if not close:
        return ""
    return "did you mean " + " or ".join(close) + "?"


# Characters that do not show, or show as something else: a message names them as U+XXXX.
_INVISIBLE_CATEGORIES = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")
EXCERPT = 40


def is_invisible(char: str) -> bool:
    """A character a reader cannot see or that an editor shows as something else (U+200B, U+FEFF,
    U+202E, a control character, a lone surrogate); tab and newline excepted."""
    return char not in "\n\t" and unicodedata.category(char) in _INVISIBLE_CATEGORIES


def visible(text: str) -> str:
    """`text` with every invisible character written as <U+XXXX>, so a message shows what is there."""
    if not any(is_invisible(c) or c in "\n\t" for c in text):
        return text
    return "".join(f"<U+{ord(c):04X}>" if is_invisible(c) or c in "\n\t" else c for c in text)


def excerpt(value: object, limit: int = EXCERPT) -> str:
    """A value as a message quotes it: visible, and never more than `limit` characters of it."""
    text = value if isinstance(value, str) else repr(value)
    cut = text[:limit] + "…" if len(text) > limit else text
    return visible(cut)


def char_name(char: str) -> str:
    """'U+200B ZERO WIDTH SPACE', or the code alone for a character Unicode gives no name."""
    name = unicodedata.name(char, "")
    if not name:
        category = unicodedata.category(char)
        name = {"Cc": "(a control character)", "Cs": "(half of a surrogate pair, not a character)",
                "Co": "(a private-use character)"}.get(category, "(not a character)")
    return f"U+{ord(char):04X} {name}"
