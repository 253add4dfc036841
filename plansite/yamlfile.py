"""Reading one YAML data file with line marks, strictly.

PyYAML silently keeps the last of two equal keys and happily expands
aliases; a hand-edited data file wants neither. `read_yaml` returns the data
with the position of every node, or the problems that stop it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .model import Location
from .problems import Problem

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class YamlDoc:
    """A loaded file: its data, and where each node (by path) starts."""

    file: str
    data: Any
    marks: dict[Path_, Location]
    key_marks: dict[Path_, Location]
    sources: dict[Path_, str]  # the raw text of each scalar, as written

    def where(self, path: Path_) -> Location:
        """The closest recorded position for a path (its parent's if it is missing)."""
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path, Location(self.file, 1))

    def where_key(self, path: Path_) -> Location:
        """Where the key that names `path` is written (for unknown or misplaced keys)."""
        return self.key_marks.get(path) or self.where(path)


def read_yaml(path: Path, shown_as: str) -> tuple[YamlDoc | None, list[Problem]]:
    """Load `path`; `shown_as` is the name used in messages (e.g. data/units.yaml)."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return None, [Problem(Location(shown_as, line), "the file is not UTF-8 text", "save it as UTF-8")]
    try:
        node = _compose(text)
    except yaml.reader.ReaderError as err:
        return None, [_unreadable_character(shown_as, text, err)]
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = Location(shown_as, mark.line + 1, mark.column + 1) if mark else Location(shown_as)
        problem = err.problem or err.context or ""
        return None, [Problem(where, f"YAML syntax error: {problem}", _syntax_hint(problem, text, mark))]
    except yaml.YAMLError as err:  # pragma: no cover - PyYAML marks nearly everything
        return None, [Problem(Location(shown_as), f"YAML error: {err}")]
    if node is None:
        hint = ("a part file needs at least id, number and title" if Path(shown_as).parent.name == "parts"
                else 'see README, "Editing the data"')
        return None, [Problem(Location(shown_as, 1), "the file is empty", hint)]
    builder = _Builder(shown_as)
    data = builder.build(node, ())
    return YamlDoc(shown_as, data, builder.marks, builder.key_marks, builder.sources), builder.problems


def _unreadable_character(shown_as: str, text: str, err: yaml.reader.ReaderError) -> Problem:
    """A character YAML refuses (a control character pasted from a PDF), at its line and column."""
    position = min(err.position, len(text))
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    code = err.character if isinstance(err.character, int) else ord(str(err.character)[:1] or "\0")
    what = "a control character" if unicodedata.category(chr(code)) == "Cc" else "a character"
    return Problem(Location(shown_as, line, column),
                   f"the file contains {what} U+{code:04X} that YAML does not allow",
                   "delete it; it often comes from copying out of a PDF")


_INDENTATION_ERRORS = ("mapping values are not allowed here", "expected <block end>, but found")


def _syntax_hint(problem: str, text: str, mark: yaml.Mark | None) -> str:
    """What to do about the commonest syntax errors of a hand-edited file."""
    if "'\\t'" in problem:
        return "indent with spaces, not tabs"
    if problem.startswith(_INDENTATION_ERRORS):
        if problem.startswith("mapping") and mark is not None:
            before = text[text.rfind("\n", 0, mark.pointer) + 1: mark.pointer]
            if ": " in before:  # key: text: more, not a misplaced key
                return "the value contains ': '; put it in quotes"
        return "check the indentation of this line and the one above"
    return ""


def _compose(text: str) -> yaml.Node | None:
    """libyaml's parser when PyYAML has it (ten times faster, same nodes and marks); on an error,
    the pure-Python parser again, whose messages are the ones reported."""
    if getattr(yaml, "__with_libyaml__", False):
        try:
            return yaml.compose(text, Loader=yaml.CSafeLoader)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


class _Builder:
    """Turns a composed node tree into Python values, noting marks and problems."""

    def __init__(self, file: str):
        self.file = file
        self.marks: dict[Path_, Location] = {}
        self.key_marks: dict[Path_, Location] = {}
        self.sources: dict[Path_, str] = {}
        self.problems: list[Problem] = []
        self._constructor = yaml.SafeLoader("")
        self._visited: set[int] = set()

    def _loc(self, node: yaml.Node) -> Location:
        return Location(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.marks[path] = self._loc(node)
        # A node met twice is an alias (*name): expanding aliases can blow a
        # few lines up into gigabytes, and a hand-edited file never needs them.
        if id(node) in self._visited:
            where = self.key_marks.get(path) or self._loc(node)
            self.problems.append(Problem(where, "YAML aliases (*name) are not allowed", "write the value out in full"))
            return None
        self._visited.add(id(node))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        self.sources[path] = node.value
        return self._scalar(node)

    def _scalar(self, node: yaml.Node) -> Any:
        try:
            return self._constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as err:
            # an unknown tag such as !1, a bad !!binary, a date such as 2020-99-99
            problem = getattr(err, "problem", None) or str(err)
            self.problems.append(Problem(self._loc(node), f"YAML value not understood: {problem}",
                                         "write the value as plain text in quotes"))
            return None

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        first_seen: dict[Any, Location] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problems.append(
                    Problem(self._loc(key_node), "YAML merge keys (<<) are not allowed", "write the keys out in full")
                )
                continue
            key = self._scalar(key_node)
            try:
                hash(key)
            except TypeError:
                self.problems.append(Problem(self._loc(key_node), "a key must be plain text"))
                continue
            if key in first_seen:
                self.problems.append(
                    Problem(self._loc(key_node), f"duplicate key '{key}'",
                            f"the first one is at line {first_seen[key].line}")
                )
                continue
            first_seen[key] = self.key_marks[(*path, key)] = self._loc(key_node)
            result[key] = self.build(value_node, (*path, key))
        return result
