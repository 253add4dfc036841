"""The only MkDocs-specific code: run the generator from MkDocs.

`mkdocs build` and `mkdocs serve` regenerate docs/ before reading it, and
`serve` also watches data/ and templates/. Everything else is plain Python in
`plansite`, so the same docs/ builds with any tool that reads mkdocs.yml.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from plansite.pipeline import Project, generate
from plansite.problems import PlanError
from plansite.render import site_nav


def _project(config: Any) -> Project:
    return Project(Path(config.config_file_path).resolve().parent, site_url=config.site_url or "")


def on_config(config: Any) -> Any:
    try:
        plan, _report = generate(_project(config))
    except PlanError as err:
        raise PluginError("the data in data/ is invalid; docs/ and site/ were left unchanged.\n"
                          + err.report()) from None
    if not config.nav:
        config.nav = site_nav(plan)
    _order_topics(config, plan)
    config.extra["plan"] = {
        "title": plan.full_title,
        "draft": plan.is_draft,
        "status": plan.status,
        "email": plan.consultation.email,
    }
    return config


def _order_topics(config: Any, plan: Any) -> None:
    """Material's tags plugin sorts by text (第10条 before 第2条); list measures and topics in plan order."""
    tags = config.plugins.get("material/tags")
    if tags is None:
        return
    numbers = {f"measures/{m.id}/": m.number for m in plan.measures}
    topics = {t.name: i for i, t in enumerate(plan.topics)}
    tags.config.listings_sort_by = lambda mapping: (numbers.get(mapping.item.url, 1 << 30), str(mapping.item.title))
    tags.config.tags_sort_by = lambda tag, *_: (topics.get(tag.name, len(topics)), tag.name)
    tags.config.listings_tags_sort_by = tags.config.tags_sort_by


def on_serve(server: Any, config: Any, builder: Any) -> Any:
    project = _project(config)
    server.watch(str(project.data))
    server.watch(str(project.templates))
    return server
