"""The whole generator, top to bottom: load, validate, render, write."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .ledger import load_history
from .model import Plan
from .problems import PlanError
from .render import Outputs, render_site
from .validate import load_plan
from .write import WriteReport, write_outputs

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Project:
    """The folders one site is made from: by default data/, templates/ and docs/ under `root`."""

    root: Path = ROOT
    data_dir: Path | None = None
    templates_dir: Path | None = None
    docs_dir: Path | None = None
    site_url: str = ""  # the public address (mkdocs.yml site_url, or $SITE_URL); "" when unknown

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
    problems = []
    try:
        plan = load_plan(project.data)
    except PlanError as err:
        problems += err.problems
    try:
        history = load_history(project.data)
    except PlanError as err:
        problems += err.problems
    if problems:
        raise PlanError(problems)
    outputs = render_site(plan, project.templates, project.site_url, history.draft_numbers)
    return plan, {**outputs, **history.pages(plan, outputs, project.templates, project.site_url)}


def generate(project: Project) -> tuple[Plan, WriteReport]:
    """Validate, render and write docs/; nothing is written unless everything validates."""
    plan, outputs = build_outputs(project)
    return plan, write_outputs(project.docs, outputs)
