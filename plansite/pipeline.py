"""The whole generator, top to bottom: load, validate, render, write."""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from . import plancache
from .ledger import History, load_history
from .model import Plan
from .problems import PlanError
from .progress import Progress, load_progress
from .render import Outputs, Renderer
from .validate import ReadFile, is_hidden, load_plan, read_checked, site_url_problems
from .versionpages import VersionPages
from .versions import Versions, load_versions
from .write import WriteReport, is_current, write_outputs

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Project:
    """The folders one site is made from: by default data/, templates/ and docs/ under `root`."""

    root: Path = ROOT
    data_dir: Path | None = None
    templates_dir: Path | None = None
    docs_dir: Path | None = None
    site_url: str = ""  # the public address (mkdocs.yml site_url, or $SITE_URL); "" when unknown

    def __post_init__(self) -> None:
        # MkDocs hands the hook "https://x/plan/", the command line may get "https://x/plan": one address.
        object.__setattr__(self, "site_url", self.site_url.strip().rstrip("/"))

    @property
    def data(self) -> Path:
        return self.data_dir or self.root / "data"

    @property
    def templates(self) -> Path:
        return self.templates_dir or self.root / "templates"

    @property
    def docs(self) -> Path:
        return self.docs_dir or self.root / "docs"


@dataclass(frozen=True)
class Inputs:
    """What the generated pages are made from, loaded and validated."""

    plan: Plan  # the current version
    versions: Versions
    progress: Progress
    history: History


def load_inputs(project: Project, read_file: ReadFile = read_checked) -> Inputs:
    """Load and validate the data (raises PlanError with every problem)."""
    problems = site_url_problems(project.site_url)
    plan = None
    try:
        plan = load_plan(project.data, read_file)
        versions = load_versions(project.data, plan)
        plan = versions.current.plan  # the site shows the current version; progress is checked against it
    except PlanError as err:
        problems += err.problems
    try:
        progress = load_progress(project.data, plan)
    except PlanError as err:
        problems += err.problems
    try:
        history = load_history(project.data)
    except PlanError as err:
        problems += err.problems
    if problems or plan is None:
        raise PlanError(problems)
    return Inputs(plan, versions, progress, history)


def make_renderer(project: Project, inputs: Inputs, kind: type[Renderer] = Renderer) -> Renderer:
    return kind(inputs.plan, project.templates, project.site_url,
                {**inputs.history.draft_numbers, **inputs.versions.draft_numbers()}, inputs.progress)


def render_pages(renderer: Renderer, inputs: Inputs) -> Outputs:
    """The plan's pages and data files, and those of its versions, by path under docs/."""
    version_pages = VersionPages(renderer, inputs.versions)
    version_pages.prepare()
    return {**renderer.pages(), **version_pages.pages()}


def render_outputs(renderer: Renderer, inputs: Inputs) -> Outputs:
    """Every page and data file under docs/, by path (raises PlanError).

    Every URL in the ledger (data/published-urls.txt) must still resolve: to a page, or to the
    redirect or withdrawal page data/url-changes.yaml declares for it.
    """
    outputs = render_pages(renderer, inputs)
    return {**outputs, **inputs.history.pages(renderer, outputs)}


def build_outputs(project: Project) -> tuple[Plan, Outputs]:
    """Load and validate the data, then render every page in memory (raises PlanError)."""
    inputs = load_inputs(project)
    return inputs.plan, render_outputs(make_renderer(project, inputs), inputs)


def input_digests(project: Project) -> dict[str, bytes]:
    """Each input file (data/…, templates/…, plansite/…) and a digest of its content. Symlinked folders
    are followed, as the loader follows them."""
    package = Path(__file__).resolve().parent
    digests = {}
    for label, folder in (("data", project.data), ("templates", project.templates), ("plansite", package)):
        files = [Path(top, name) for top, dirs, names in os.walk(folder, followlinks=True) for name in names
                 if "__pycache__" not in Path(top).parts and not is_hidden(Path(name))]
        for path in sorted(files):
            try:
                digest = hashlib.sha256(path.read_bytes()).digest()
            except OSError:  # a link to nothing, a folder named x.yaml: the loader reports it
                digest = b"unreadable"
            digests[f"{label}/{path.relative_to(folder).as_posix()}"] = digest
    return digests


def fingerprint(project: Project, digests: dict[str, bytes] | None = None) -> str:
    """A digest of everything the generated pages are made from: the data, the templates, this
    package's code and schemas (`input_digests`), the site URL, Python's version and those of the
    libraries that read and render."""
    versions = [metadata.version(name) for name in ("Jinja2", "MarkupSafe", "PyYAML", "jsonschema")]
    digest = hashlib.sha256("\0".join([project.site_url, sys.version, *versions]).encode())
    for name, content in (input_digests(project) if digests is None else digests).items():
        digest.update(f"{name}\0".encode())
        digest.update(content)
    return digest.hexdigest()


def generate(project: Project, force: bool = False) -> tuple[Plan, WriteReport]:
    """Validate, render and write docs/; nothing is written unless everything validates.

    When docs/ already holds what these very inputs make (the build runs right after `make build`
    generated), no page is rendered, and the plan the generator kept for these inputs is read back
    (plansite/plancache.py), or else loaded and validated again; `force` renders
    and compares every page regardless. (`make serve` generates with plansite/incremental.py.)
    """
    if problems := site_url_problems(project.site_url):
        raise PlanError(problems)
    stamp = fingerprint(project)
    if not force and (report := is_current(project.docs, stamp)):
        plan = plancache.load(project.docs, stamp) or load_versions(project.data, load_plan(project.data)).current.plan
        return plan, report
    plan, outputs = build_outputs(project)
    report = write_outputs(project.docs, outputs, stamp)
    plancache.save(project.docs, stamp, plan)
    return plan, report
