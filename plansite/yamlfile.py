"""Reading one YAML data file with line marks, strictly.

PyYAML silently keeps the last of two equal keys and happily expands
aliases; a hand-edited data file wants neither. `read_yaml` returns the data
with the position of every node, or the problems that stop it.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .model import Location
from .problems import Problem, char_name, excerpt, is_invisible

Path_ = tuple[str | int, ...]

# Keys of names (ids, slugs, titles, unit spellings, URLs, addresses): one line of visible text,
# compared exactly, so no line break, tab, invisible character or space at either end.
NAME_KEYS = frozenset({"id", "slug", "name", "title", "number", "spelling", "period", "status", "office", "date",
                       "contact", "phone", "fax", "email", "url", "redirect", "kind", "lead_label", "lead",
                       "participating", "responsible", "units", "topics"})
# Keys of free text (a measure's text, a notice, a reason): a trailing comment there is surely a text cut.
# Other keys (data files added later) are treated as text, without that last check.
TEXT_KEYS = frozenset({"text", "notice", "preamble", "reason", "description", "note"})
# Joiners some scripts need inside words (ZWNJ, ZWJ); in texts only.
ALLOWED_IN_TEXTS = frozenset("\u200c\u200d")


@dataclass(frozen=True)
class YamlDoc:
    """A loaded file: its data, and where each node (by path) starts."""

    file: str
    data: Any
    marks: dict[Path_, Location]
    key_marks: dict[Path_, Location]
    sources: dict[Path_, str]  # the raw text of each scalar, as written
    # Slips in the text of values (invisible characters, blanks, a cut at ' #'): the data is still
    # well-formed, so its shape can be checked too, and every problem reported at once.
    text_problems: tuple[Problem, ...] = ()

    def where(self, path: Path_) -> Location:
        """The closest recorded position for a path (its parent's if it is missing)."""
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path, Location(self.file, 1))

    def where_key(self, path: Path_) -> Location:
        """Where the key that names `path` is written (for unknown or misplaced keys)."""
        return self.key_marks.get(path) or self.where(path)


def read_yaml(path: Path, shown_as: str, inside: tuple[Path, ...] = ()) -> tuple[YamlDoc | None, list[Problem]]:
    """Load `path`; `shown_as` is the name used in messages (e.g. data/units.yaml).

    A file that is a link is read only when it leads to a file in one of the folders `inside`
    (the project); a link out of the project is never read, so its content never reaches a message.
    """
    if problem := unreadable_file(path, shown_as, inside):
        return None, [problem]
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return None, [Problem(Location(shown_as, line), "the file is not UTF-8 text", "save it as UTF-8")]
    if breaks := _odd_line_breaks(shown_as, text):
        return None, breaks
    if line := _too_deep_text(text):
        return None, [_too_deep(shown_as, line)]
    try:
        node = _compose(text)
    except yaml.reader.ReaderError as err:
        return None, [_unreadable_character(shown_as, text, err)]
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = Location(shown_as, mark.line + 1, mark.column + 1) if mark else Location(shown_as)
        problem = err.problem or err.context or ""
        return None, [Problem(where, f"YAML syntax error: {excerpt(problem, 120)}", _syntax_hint(problem, text, mark))]
    except yaml.YAMLError as err:  # pragma: no cover - PyYAML marks nearly everything
        return None, [Problem(Location(shown_as), f"YAML error: {excerpt(str(err))}")]
    except RecursionError:
        return None, [_too_deep(shown_as)]
    if node is None:
        hint = ("a part file needs at least id, number and title" if Path(shown_as).parent.name == "parts"
                else 'see README, "Editing the data"')
        return None, [Problem(Location(shown_as, 1), "the file is empty", hint)]
    builder = _Builder(shown_as, text)
    data = builder.build(node, ())
    doc = YamlDoc(shown_as, data, builder.marks, builder.key_marks, builder.sources, tuple(builder.text_problems))
    return doc, builder.problems + builder.text_problems


def unreadable_file(path: Path, shown_as: str, inside: tuple[Path, ...] = ()) -> Problem | None:
    """Why `path` must not be read (a link to nothing, or out of the project), or None."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return Problem(Location(shown_as), "the file is a link to a file that does not exist",
                       "delete the link, or restore the file it points to")
    # Any link on the way counts (the file's, or its folder's): the file must really be in the project.
    if inside and not any(target.is_relative_to(folder.resolve()) for folder in inside):
        return Problem(Location(shown_as), "the file is a link to a file outside the project; it was not read",
                       "copy the file into the project instead of linking to it")
    if not path.is_file():
        return Problem(Location(shown_as), "not a file that can be read")
    if not os.access(path, os.R_OK):
        return Problem(Location(shown_as), "the file cannot be read (permission denied)")
    return None


# Deeper than any data file needs (a measure's units are at depth 6); far below Python's recursion limit.
MAX_DEPTH = 20


def _too_deep(shown_as: str, line: int = 1) -> Problem:
    return Problem(Location(shown_as, line), f"the file is nested more than {MAX_DEPTH} levels deep",
                   "a data file needs only a few levels; check for runs of [ or - ")


_OPEN = (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken, yaml.BlockSequenceStartToken,
         yaml.BlockMappingStartToken)
_CLOSE = (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken, yaml.BlockEndToken)


def _too_deep_text(text: str) -> int:
    """The line where the text nests deeper than MAX_DEPTH levels (0 if it does not), found by scanning
    its tokens (which does not recurse), before a parser that does (libyaml's overflows the C stack)."""
    depth = 0
    loader = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader
    try:
        for token in yaml.scan(text, Loader=loader):
            if isinstance(token, _OPEN):
                depth += 1
                if depth > MAX_DEPTH:
                    return token.start_mark.line + 1
            elif isinstance(token, _CLOSE):
                depth -= 1
    except yaml.YAMLError:
        return 0  # the parser reports it, at its place
    return 0


# YAML ends a line at these too, editors (and `file:line` readers) do not: line numbers would differ.
_ODD_BREAKS = {"\u2028": "LINE SEPARATOR", "\u2029": "PARAGRAPH SEPARATOR", "\x85": "NEXT LINE",
               "\r": "CARRIAGE RETURN"}


_ODD_BREAK = re.compile("[\u2028\u2029\x85]|\r(?!\n)")


def _odd_line_breaks(shown_as: str, text: str) -> list[Problem]:
    if not _ODD_BREAK.search(text):
        return []
    problems = []
    for line_number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")  # Windows line ends are fine
        for column, char in enumerate(line, start=1):
            if char in _ODD_BREAKS:
                problems.append(Problem(
                    Location(shown_as, line_number, column),
                    f"the file contains U+{ord(char):04X} {_ODD_BREAKS[char]}, which YAML reads as a line break "
                    "but editors do not", "delete it, or replace it with a real line break"))
    return problems[:10]


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
    if mark is not None and (quote := _closed_too_early(text, mark)):
        other = "'" if quote == '"' else '"'
        return (f"the value starts with {quote}, so YAML ends it at the next {quote}; put the whole value "
                f"in {other}…{other} instead" + (", and write each ' inside it as ''" if other == "'" else ""))
    if problem.startswith(_INDENTATION_ERRORS):
        if problem.startswith("mapping") and mark is not None:
            before = text[text.rfind("\n", 0, mark.pointer) + 1: mark.pointer]
            if ": " in before:  # key: text: more, not a misplaced key
                return "the value contains ': '; put it in quotes"
        return "check the indentation of this line and the one above"
    return ""


_QUOTED_START = re.compile(r"""^\s*(?:-\s+)?(?:[^\s:#'"][^:#]*:\s+)?(["'])""")


def _closed_too_early(text: str, mark: yaml.Mark) -> str:
    """The quote a value on the error's line starts with, when text follows its closing quote:
    `text: "12338"热线` is a quoted value with more after it, not an indentation problem."""
    start = text.rfind("\n", 0, mark.pointer) + 1
    end = text.find("\n", mark.pointer)
    line = text[start: end if end != -1 else len(text)]
    match = _QUOTED_START.match(line)
    if not match:
        return ""
    quote = match.group(1)
    rest = line[match.end():]
    closing = rest.find(quote)
    while quote == "'" and closing != -1 and rest[closing + 1: closing + 2] == "'":  # '' is a quote inside
        closing = rest.find(quote, closing + 2)
    if closing == -1:
        return ""
    after = rest[closing + 1:].strip()
    return quote if after and not after.startswith("#") else ""


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

    def __init__(self, file: str, text: str = ""):
        self.file = file
        self.lines = text.split("\n")
        self.marks: dict[Path_, Location] = {}
        self.key_marks: dict[Path_, Location] = {}
        self.sources: dict[Path_, str] = {}
        self.problems: list[Problem] = []
        self.text_problems: list[Problem] = []
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
        value = self._scalar(node)
        if isinstance(value, str):
            self._check_text(node, path, value)
        return value

    def _check_text(self, node: yaml.Node, path: Path_, value: str) -> None:
        """Refuse what a reader cannot see, blank texts, and a text YAML cut at ' #'."""
        key = next((step for step in reversed(path) if isinstance(step, str)), "")
        where = self._loc(node)
        if value and not value.strip():
            self.text_problems.append(Problem(where, f"'{key}' is blank: only spaces",
                                              "write the text, or remove the key"))
        is_name = key in NAME_KEYS
        if is_name and value.strip() and value != value.strip():
            end = "start" if value[0].isspace() else "end"
            self.text_problems.append(Problem(where, f"'{key}' '{excerpt(value)}' has a space at its {end}",
                                              "delete it: names, titles, ids and spellings are compared exactly"))
        for index, char in enumerate(value if not value.isprintable() else ""):  # isprintable: the quick case
            if (is_invisible(char) and (is_name or char not in ALLOWED_IN_TEXTS)) or (is_name and char in "\n\t"):
                before = excerpt(value[max(0, index - 12):index], 12) if index else ""
                what = "a line break" if char == "\n" else "a tab" if char == "\t" else "the invisible character"
                place = f" after '{before}'" if before else " at its start"
                hint = ("a name, title, id or spelling is one line of visible text" if is_name
                        else "delete it; it often comes from copying out of a PDF or a web page")
                self.text_problems.append(Problem(where, f"'{key}' contains {what} {char_name(char)}{place}", hint))
                break
        if not node.style and (comment := self._comment_after(node)) is not None:  # plain: None, or '' (libyaml)
            gap, rest = comment
            if key in TEXT_KEYS or gap == 1:
                self.text_problems.append(Problem(
                    Location(self.file, node.end_mark.line + 1, node.end_mark.column + gap + 1),
                    f"'{key}' stops before ' {excerpt(rest, 20)}': YAML reads ' #' as the start of a comment",
                    f"if it belongs to the text, put the whole text in quotes: {key}: '…{excerpt(rest, 8)}'; "
                    "a comment goes on a line of its own"))

    def _comment_after(self, node: yaml.Node) -> tuple[int, str] | None:
        """(spaces before it, the comment) when a comment follows a plain scalar on its last line."""
        if node.end_mark.line >= len(self.lines):
            return None
        rest = self.lines[node.end_mark.line][node.end_mark.column:].rstrip("\r")
        stripped = rest.lstrip(" ")
        if not stripped.startswith("#"):
            return None
        return len(rest) - len(stripped), stripped

    def _scalar(self, node: yaml.Node) -> Any:
        try:
            return self._constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as err:
            # an unknown tag such as !1, a bad !!binary, a date such as 2020-99-99
            problem = getattr(err, "problem", None) or str(err)
            self.problems.append(Problem(self._loc(node), f"YAML value not understood: {excerpt(problem, 120)}",
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
