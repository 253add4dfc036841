"""Render a validated `Plan` into Markdown pages (and data files) for `docs/`.

One template per page kind in `templates/`. Every page is a path relative to
`docs/` and its content; nothing here touches the disk except reading templates.
"""

from __future__ import annotations

import functools
import posixpath
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from . import charts, exports, plaintext
from .cite import Citer, chinese_date
from .htmlpages import heading_id
from .markdown import finalize, html_lines, html_text, md_escape, summary, yaml_string
from .model import ROLE_LABELS, ROLE_MARKS, ROLES, Location, Measure, Plan, Unit
from .problems import PlanError, Problem
from .progress import Progress
from .progress_pages import ProgressView
from .urls import page_path, page_url, relative_url

GENERATED_MARK = "# 本页由 scripts/generate_pages.py 根据 data/ 生成，请勿直接编辑。"

Outputs = dict[str, str | bytes]

# The theme renders the whole nav into every page: past this many entries the nav lists parts
# only, then only the parts index, so that build time stays linear in plan size.
NAV_LIMIT = 60
# A department's pages list the collectives (区直各部门 …) it may belong to, up to this many;
# beyond, they point to the units index (else every unit page lists every collective).
COLLECTIVES_LISTED = 12

# Links between pages: the same few (target, folder) pairs over and over, and relpath is slow.
_relpath = functools.cache(posixpath.relpath)
_relative_url = functools.cache(relative_url)


def anchor(measure: Measure) -> str:
    """The anchor of a measure on its section page: stable, built from its id."""
    return f"measure-{measure.id}"


@dataclass(frozen=True)
class UnitTasks:
    """What one unit must do: its measures by role, and the collectives it may belong to."""

    unit: Unit
    by_role: dict[str, tuple[Measure, ...]]
    collectives: tuple[tuple[Unit, int], ...]

    @property
    def total(self) -> int:
        return sum(len(ms) for ms in self.by_role.values())


def unit_tasks(plan: Plan) -> dict[str, UnitTasks]:
    """Every unit's measures by role, computed in one pass over the measures."""
    index: dict[str, dict[str, list[Measure]]] = {u.slug: {r: [] for r in ROLES} for u in plan.units}
    for measure in plan.measures:
        for role in ROLES:
            for unit in measure.units(role):
                index[unit.slug][role].append(measure)
    collectives = tuple(
        (u, sum(len(ms) for ms in index[u.slug].values())) for u in plan.units if u.is_collective
    )
    return {
        u.slug: UnitTasks(u, {r: tuple(ms) for r, ms in index[u.slug].items()},
                          () if u.is_collective else collectives)
        for u in plan.units
    }


class _CompiledTemplates(jinja2.BytecodeCache):
    """Each template compiled once a process, not on every run: `make serve` renders again after every
    edit. Jinja keys the code by template and checks it against the template's source."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if (code := self.code.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


def make_environment(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        bytecode_cache=_COMPILED,
        undefined=jinja2.StrictUndefined,
        # *.html.j2 write HTML (plansite/htmlpages.py): every value is escaped as HTML there, as Markdown elsewhere
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        finalize=finalize,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(yaml=yaml_string, html=html_text, md=lambda s: Markup(md_escape(s)), summary=summary,
                       lines=html_lines)
    env.globals.update(ROLES=ROLES, ROLE_LABELS=ROLE_LABELS, ROLE_MARKS=ROLE_MARKS, anchor=anchor,
                       GENERATED_MARK=Markup(GENERATED_MARK), charts=charts, tasks_path=exports.tasks_path,
                       COLLECTIVES_LISTED=COLLECTIVES_LISTED)
    env.globals["cndate"] = chinese_date  # 2022年9月14日, as formal documents write dates
    return env


class Renderer:
    """Renders each page kind with its template; `href` links are relative to the page."""

    def __init__(self, plan: Plan, templates: Path, site_url: str = "", draft_numbers: dict[str, int] | None = None,
                 progress: Progress | None = None):
        self.plan = plan
        self.env = make_environment(templates)
        self.env.globals["cite"] = Citer(plan, site_url, draft_numbers)
        self.progress = ProgressView(plan, progress) if progress is not None and progress.reports else None
        self.env.globals["progress"] = self.progress  # None: the progress includes render nothing
        self.env.globals["search_examples"] = search_examples(plan)
        self.tasks = unit_tasks(plan)
        measures = plan.measures
        self.neighbours = {
            m.id: (measures[i - 1] if i else None, measures[i + 1] if i + 1 < len(measures) else None)
            for i, m in enumerate(measures)
        }
        self.parts = {p.id: p for p in plan.parts}
        self.sections = {s.id: s for s in plan.sections}

    def page(self, template: str, path: str, **context: Any) -> tuple[str, str]:
        here = posixpath.dirname(path)

        def href(target: Any, fragment: str = "") -> Markup:
            rel = _relpath(page_path(target), here or ".")
            return Markup(rel + (f"#{fragment}" if fragment else ""))

        def url(target: Any, fragment: str = "") -> Markup:  # for raw HTML, which MkDocs does not rewrite
            link = _relative_url(page_url(page_path(target)) or "", page_url(path) or "")
            return html_text(link + (f"#{fragment}" if fragment else ""))

        used_ids: set[str] = set()

        def auto_id(text: str) -> str:  # a heading's id where Markdown would have made one
            return heading_id(text, used_ids)

        text = self.env.get_template(template).render(
            plan=self.plan, href=href, url=url, auto_id=auto_id, path=path, tasks=self.tasks, parts=self.parts,
            sections=self.sections, **context,
        )
        return path, text

    def pages(self) -> Outputs:
        plan = self.plan
        pages = [
            self.page("home.md.j2", "index.md"),
            self.page("fulltext.html.j2", "fulltext.md"),
            self.page("parts_index.md.j2", "parts/index.md"),
            self.page("units_index.md.j2", "units/index.md"),
        ]
        if plan.consultation is not None:  # a plan that never went out for comment has no such page
            pages.append(self.page("consultation.md.j2", "consultation.md"))
        pages += [self.page("part.html.j2", page_path(p), part=p) for p in plan.parts]
        pages += [self.page("section.html.j2", page_path(s), section=s, part=self.parts[s.part_id])
                  for s in plan.sections]
        for m in plan.measures:
            previous, following = self.neighbours[m.id]
            pages.append(self.page("measure.html.j2", page_path(m), measure=m, section=self.sections[m.section_id],
                                   part=self.parts[m.part_id], previous=previous, next=following))
        pages += [self.page("unit.html.j2", page_path(u), unit=u, task=self.tasks[u.slug]) for u in plan.units]
        pages += [self.page("unit_tasks.html.j2", exports.tasks_path(u), unit=u, task=self.tasks[u.slug])
                  for u in plan.units]
        pages += [self.matrix_page(),
                  self.page("topics.md.j2", "topics.md"),
                  self.page("data.md.j2", "data/index.md", columns=exports.COLUMNS),
                  self.page("sitemap.html.j2", "sitemap.md")]
        data_files = self.data_files()
        if self.progress is not None:
            pages += self.progress.pages(self)
        counts = Counter([path for path, _ in pages] + list(data_files))
        if twice := sorted(path for path, n in counts.items() if n > 1):
            raise PlanError([Problem(Location(f"docs/{path}"), "two pages would be written to the same file",
                                     "an id or slug names a page that already exists") for path in twice])
        return {**dict(pages), **data_files}


    def matrix_page(self) -> tuple[str, str]:
        return self.page("matrix.html.j2", "matrix.md", matrix=exports.matrix(self.plan))

    def data_files(self) -> Outputs:
        """The open data: the plan as JSON and CSV, its plain text, and the progress reports' files."""
        files = {**exports.data_files(self.plan), plaintext.PATH: plaintext.document_file(self.plan)}
        if self.progress is not None:
            files.update(self.progress.data_files())
        return files


def render_site(plan: Plan, templates: Path, site_url: str = "",
                draft_numbers: dict[str, int] | None = None) -> Outputs:
    """Every generated file under docs/, by path."""
    return Renderer(plan, templates, site_url, draft_numbers).pages()


def site_description(plan: Plan) -> str:
    """The site's description (search engines show it): the plan's title, and its status while a draft."""
    status = f"（{plan.status}）" if plan.is_draft else ""
    return f"{plan.full_title}{status}：全文、逐条措施、责任单位与搜索"


def theme_extra(plan: Plan) -> dict[str, Any]:
    """What the theme overrides read as `config.extra.plan`: the banner (overrides/main.html) and
    the footer's issuer and contact (overrides/partials/footer.html)."""
    c = plan.consultation
    return {"title": plan.full_title, "draft": plan.is_draft, "status": plan.status,
            "email": c.email if c else "", "office": plan.office,
            "contact": c.contact if c else "", "phone": c.phone if c else ""}


def site_nav(plan: Plan) -> list[dict[str, Any]]:
    """A small navigation: home, each part with its sections, and the indexes.

    Measures and units stay out of it, and so do sections (then parts) past
    NAV_LIMIT entries: the theme renders the whole nav into every page, so a
    nav that grows with the plan makes the build quadratic in plan size.
    """
    nav: list[dict[str, Any]] = [{"首页": "index.md"}]
    with_sections = len(plan.parts) + len(plan.sections) <= NAV_LIMIT
    if len(plan.parts) > NAV_LIMIT:
        nav.append({"各部分": "parts/index.md"})
    for part in plan.parts if len(plan.parts) <= NAV_LIMIT else ():
        title = part.heading
        if with_sections and any(s.number for s in part.sections):  # not the unnumbered one of a part's measures
            children = [{"本部分概览": page_path(part)}]
            children += [{s.heading: page_path(s)} for s in part.sections]
            nav.append({title: children})
        else:
            nav.append({title: page_path(part)})
    nav += [{"责任单位": "units/index.md"}, {"矩阵": "matrix.md"}, {"专题": "topics.md"}, {"全文": "fulltext.md"},
            {"开放数据": "data/index.md"}]
    if plan.consultation is not None:
        nav.append({"征求意见": "consultation.md"})
    return nav


def search_examples(plan: Plan) -> list[str]:
    """What the home page suggests typing into the search box, taken from this plan."""
    used = Counter(name for m in plan.measures for name in m.topics)
    examples = [t.name for t in sorted(plan.topics, key=lambda t: -used[t.name])[:1]]
    named = Counter(u.slug for m in plan.measures for role in ROLES for u in m.units(role))
    examples += [u.name for u in sorted(plan.units, key=lambda u: -named[u.slug]) if not u.is_collective][:1]
    if plan.measures:
        examples.append(plan.measures[min(6, len(plan.measures) - 1)].label)
    return examples
