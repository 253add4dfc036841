"""`make serve`: after an edit, make again only the pages the edit reaches.

The serve process keeps what it last generated: the inputs (plan, versions, progress, ledger), the
files it read (a data file read again only when its bytes changed), and the list of generated files.
After an edit of the plan's data, the old and the new plan are compared (plansite/depends.py) and
only the pages that may differ are rendered, then written if they did. Anything else (templates,
code, the plan's own fields, the ledger, versions, progress reports, an edit of the plan's shape)
renders everything, as `make build` does.

On a large plan (more than DEFER_ABOVE measures) the whole-site pages (the full text, the matrix,
the site map) and the data files are not made again after an edit that reaches them: each would cost
seconds in MkDocs too. They stay as they were, listed as stale in docs/.generated (so that the next
`make build` makes everything), and the preview says so on those pages (plansite/preview.py).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from . import depends
from .model import Plan
from .pipeline import Inputs, Project, fingerprint, input_digests, load_inputs, make_renderer, render_pages
from .problems import PlanError, Problem
from .render import Outputs, Renderer
from .validate import read_checked, site_url_problems
from .write import FileStats, WriteReport, file_stats, is_current, write_changed, write_manifest, write_outputs
from .yamlfile import YamlDoc

DEFER_ABOVE = 1000  # measures
WHOLE_SITE = ("fulltext.md", "matrix.md", "sitemap.md")
DATA_PAGE = "data/index.md"  # the page that offers the data files
_SKIPPED: Any = object()  # a page not rendered


class ReadCache:
    """Reads data files as `validate.read_checked` does, and again only when a file's bytes changed."""

    def __init__(self) -> None:
        self.entries: dict[Path, tuple[Any, tuple[YamlDoc | None, list[Problem]]]] = {}

    def __call__(self, path: Path, shown_as: str, inside: tuple[Path, ...], schema: str) -> tuple[YamlDoc | None,
                                                                                                   list[Problem]]:
        key = self._key(path, shown_as, inside, schema)
        cached = self.entries.get(path)
        if key is not None and cached is not None and cached[0] == key:
            return cached[1][0], list(cached[1][1])
        doc, found = read_checked(path, shown_as, inside, schema)
        if key is not None and key == self._key(path, shown_as, inside, schema):  # not changed while read
            self.entries[path] = (key, (doc, list(found)))
        return doc, found

    @staticmethod
    def _key(path: Path, shown_as: str, inside: tuple[Path, ...], schema: str) -> Any:
        try:
            content = hashlib.sha256(path.read_bytes()).digest()
        except OSError:
            return None
        return (shown_as, inside, schema, path.is_symlink(), os.path.realpath(path), content)


class SelectiveRenderer(Renderer):
    """A Renderer that renders only the pages `select(path, context)` wants (the others come back as
    empty text), and no data files when `without_data`."""

    select: Callable[[str, Mapping[str, Any]], bool] | None = None
    without_data = False
    data_paths: tuple[str, ...] = ()

    def page(self, template: str, path: str, **context: Any) -> tuple[str, str]:
        if self.select is not None and not self.select(path, context):
            return path, _SKIPPED
        return super().page(template, path, **context)

    def matrix_page(self) -> tuple[str, str]:
        if self.select is not None and not self.select("matrix.md", {}):  # not worth computing the matrix
            return "matrix.md", _SKIPPED
        return super().matrix_page()

    def data_files(self) -> Outputs:
        if self.without_data:
            return {}
        files = super().data_files()
        self.data_paths = tuple(files)
        return files


class _Pages(Mapping[str, str | bytes]):
    """Every page, for the ledger's check: those rendered now, the others as they are in docs/."""

    def __init__(self, paths: frozenset[str], fresh: Outputs, docs: Path):
        self.paths, self.fresh, self.docs = paths, fresh, docs

    def __getitem__(self, path: str) -> str | bytes:
        if path not in self.paths:
            raise KeyError(path)
        if path in self.fresh:
            return self.fresh[path]
        return (self.docs / path).read_text(encoding="utf-8") if path.endswith((".md", ".html")) \
            else (self.docs / path).read_bytes()

    def __iter__(self) -> Iterator[str]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)


@dataclass(frozen=True)
class _Generated:
    """What this process last wrote into docs/, and from what."""

    project: Project
    stamp: str
    digests: dict[str, bytes]
    inputs: Inputs
    pages: frozenset[str]  # the plan's and its versions' pages and data files
    history: frozenset[str]  # the ledger's redirect, withdrawal and renumbering pages
    data_paths: frozenset[str]
    stale: frozenset[str]  # left as they were: not what `inputs` make


# The data files an edit may touch and still be compared measure by measure.
def _plan_file(name: str) -> bool:
    return name in ("data/units.yaml", "data/topics.yaml") or (
        name.startswith("data/parts/") and name.count("/") == 2 and name.endswith(".yaml"))


class Session:
    """One `mkdocs serve` process's generator."""

    def __init__(self) -> None:
        self.last: _Generated | None = None
        self.reads = ReadCache()
        self.rendered = 0  # pages and files rendered by the last call

    def generate(self, project: Project) -> tuple[Plan, WriteReport]:
        """Bring docs/ in line with the data, rendering only what changed since the last call."""
        if problems := site_url_problems(project.site_url):
            raise PlanError(problems)
        digests = input_digests(project)
        stamp = fingerprint(project, digests)
        last = self.last
        if last is not None and last.project == project and (
                current := is_current(project.docs, last.stamp, stale_ok=True)):  # docs/ as generated from `last`
            last = self.last = replace(last, stale=frozenset(current.stale))  # (make build may have run since)
            if last.stamp == stamp:
                self.rendered = 0
                return last.inputs.plan, current
            changed = {n for n in digests.keys() | last.digests.keys() if digests.get(n) != last.digests.get(n)}
            if all(_plan_file(name) for name in changed):
                inputs = load_inputs(project, self.reads)
                if (report := self._update(project, last, inputs, stamp, digests, current.stats)) is not None:
                    return inputs.plan, report
                return inputs.plan, self._everything(project, inputs, stamp, digests)
        inputs = load_inputs(project, self.reads)
        return inputs.plan, self._everything(project, inputs, stamp, digests)

    def _everything(self, project: Project, inputs: Inputs, stamp: str, digests: dict[str, bytes]) -> WriteReport:
        renderer = make_renderer(project, inputs, SelectiveRenderer)
        assert isinstance(renderer, SelectiveRenderer)
        pages = render_pages(renderer, inputs)
        history = inputs.history.pages(renderer, pages)
        report = write_outputs(project.docs, {**pages, **history}, stamp)
        self.rendered = len(pages) + len(history)
        self.last = _Generated(project, stamp, digests, inputs, frozenset(pages), frozenset(history),
                               frozenset(renderer.data_paths), frozenset())
        return report

    def _update(self, project: Project, last: _Generated, inputs: Inputs, stamp: str, digests: dict[str, bytes],
                stats: FileStats | None) -> WriteReport | None:
        """Render and write what the edit from `last` reaches; None when it reaches everything."""
        if inputs.versions.several or last.inputs.versions.several:
            return None
        reach = depends.reach(last.inputs.plan, inputs.plan)
        if reach is None:
            return None
        defer = len(inputs.plan.measures) > DEFER_ABOVE
        held = {path for path in WHOLE_SITE if path in last.pages} if defer else set()
        renderer = make_renderer(project, inputs, SelectiveRenderer)
        assert isinstance(renderer, SelectiveRenderer)
        renderer.select = lambda path, context: path not in held and reach.wants(path, context)
        renderer.without_data = defer
        fresh = {path: text for path, text in render_pages(renderer, inputs).items() if text is not _SKIPPED}
        history = inputs.history.pages(renderer, _Pages(last.pages, fresh, project.docs))
        if set(history) != last.history or not set(fresh) <= last.pages:
            return None
        self.rendered = len(fresh) + len(history)
        report = write_changed(project.docs, {rel: _as_bytes(content) for rel, content in {**fresh, **history}.items()})
        stale = set(last.stale) - set(fresh) - {DATA_PAGE}
        if defer:  # what the edit may have changed there
            stale |= {path for path in held if path != "sitemap.md" or not reach.text_only} | last.data_paths
        if stale & last.data_paths and DATA_PAGE in last.pages:  # it offers them
            stale.add(DATA_PAGE)
        if stats is not None:  # as checked, but for what was written now
            stats = {**stats, **(file_stats(project.docs, report.written) or {})}
        write_manifest(project.docs, sorted(last.pages | last.history), stamp, sorted(stale), stats)
        self.last = replace(last, stamp=stamp, digests=digests, inputs=inputs, stale=frozenset(stale))
        report.stale = sorted(stale)
        report.unchanged = len(last.pages | last.history) - len(report.written)
        return report


def _as_bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


SESSION = Session()


def generate(project: Project) -> tuple[Plan, WriteReport]:
    """`make serve`'s generator: this process's `Session`."""
    return SESSION.generate(project)
