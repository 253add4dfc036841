"""Problems found in the data: collected, sorted, reported all at once."""

from __future__ import annotations

import difflib
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
