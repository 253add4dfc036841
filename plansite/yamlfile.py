"""Reading one YAML data file with line marks, strictly.

PyYAML silently keeps the last of two equal keys and happily expands
aliases; a hand-edited data file wants neither. `read_yaml` returns the data
with the position of every node, or the problems that stop it.
"""

from __future__ import annotations

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
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = Location(shown_as, mark.line + 1, mark.column + 1) if mark else Location(shown_as)
        return None, [Problem(where, f"YAML syntax error: {err.problem or err.context}")]
    except yaml.YAMLError as err:  # pragma: no cover - PyYAML marks nearly everything
        return None, [Problem(Location(shown_as), f"YAML error: {err}")]
    if node is None:
        return None, [Problem(Location(shown_as, 1), "the file is empty")]
    builder = _Builder(shown_as)
    data = builder.build(node, ())
    return YamlDoc(shown_as, data, builder.marks, builder.key_marks, builder.sources), builder.problems


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
