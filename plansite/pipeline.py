"""The whole generator, top to bottom: load, validate, render, write."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .model import Plan
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
    """Load and validate the data, then render every page in memory (raises PlanError)."""
    plan = load_plan(project.data)
    return plan, render_site(plan, project.templates)


def generate(project: Project) -> tuple[Plan, WriteReport]:
    """Validate, render and write docs/; nothing is written unless everything validates."""
    plan, outputs = build_outputs(project)
    return plan, write_outputs(project.docs, outputs)
