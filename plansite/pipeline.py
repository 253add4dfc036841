"""The whole generator, top to bottom: load, validate, render, write."""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from . import plancache
from .ledger import load_history
from .model import Plan
from .problems import PlanError
from .progress import load_progress
from .render import Outputs, Renderer
from .validate import is_hidden, load_plan, site_url_problems
from .versionpages import VersionPages
from .versions import load_versions
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


def build_outputs(project: Project) -> tuple[Plan, Outputs]:
    """Load and validate the data, then render every page in memory (raises PlanError).

    Then every URL in the ledger (data/published-urls.txt) must still resolve: to a page, or to the
    redirect or withdrawal page data/url-changes.yaml declares for it.
    """
    problems = site_url_problems(project.site_url)
    plan = None
    try:
        plan = load_plan(project.data)
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
    renderer = Renderer(plan, project.templates, project.site_url,
                        {**history.draft_numbers, **versions.draft_numbers()}, progress)
    version_pages = VersionPages(renderer, versions)
    version_pages.prepare()
    outputs = renderer.pages()
    outputs = {**outputs, **version_pages.pages()}
    return plan, {**outputs, **history.pages(renderer, outputs)}


def fingerprint(project: Project) -> str:
    """A digest of everything the generated pages are made from: the data, the templates, this
    package's code and schemas, the site URL, Python's version and those of the libraries that read
    and render. Symlinked folders are followed, as the loader follows them."""
    versions = [metadata.version(name) for name in ("Jinja2", "MarkupSafe", "PyYAML", "jsonschema")]
    digest = hashlib.sha256("\0".join([project.site_url, sys.version, *versions]).encode())
    package = Path(__file__).resolve().parent
    for label, folder in (("data", project.data), ("templates", project.templates), ("plansite", package)):
        files = [Path(top, name) for top, dirs, names in os.walk(folder, followlinks=True) for name in names
                 if "__pycache__" not in Path(top).parts and not is_hidden(Path(name))]
        for path in sorted(files):
            digest.update(f"{label}/{path.relative_to(folder).as_posix()}\0".encode())
            try:
                digest.update(hashlib.sha256(path.read_bytes()).digest())
            except OSError:  # a link to nothing, a folder named x.yaml: the loader reports it
                digest.update(b"unreadable")
    return digest.hexdigest()


def generate(project: Project, force: bool = False, reuse: bool = False) -> tuple[Plan, WriteReport]:
    """Validate, render and write docs/; nothing is written unless everything validates.

    When docs/ already holds what these very inputs make (the build runs right after `make build`
    generated), the plan is still loaded and validated but no page is rendered; `force` renders
    and compares every page regardless. `reuse`: when docs/ is current, take the plan this process
    last generated from the same inputs instead of loading it again (`make serve`).
    """
    if problems := site_url_problems(project.site_url):
        raise PlanError(problems)
    stamp = fingerprint(project)
    if not force and (report := is_current(project.docs, stamp)):
        plan = ((reuse and _recent.get(stamp)) or plancache.load(project.docs, stamp)
                or load_versions(project.data, load_plan(project.data)).current.plan)
        return plan, report
    plan, outputs = build_outputs(project)
    report = write_outputs(project.docs, outputs, stamp)
    plancache.save(project.docs, stamp, plan)
    _recent.clear()
    _recent[stamp] = plan
    return plan, report


# The plan last generated in this process, by fingerprint: under `make serve`, the build that the
# generator's own writes to docs/ set off needs the plan again, unchanged.
_recent: dict[str, Plan] = {}
