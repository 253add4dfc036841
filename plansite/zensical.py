"""A Zensical project made from the same docs/: Material's successor, beside the MkDocs build.

Plain Python, no MkDocs or Zensical import. Zensical (0.0.x) reads mkdocs.yml but runs no hook, so
what plansite/mkdocs_hook.py sets at build time is written into a generated config instead:

- the nav from the data, the site's description, and `extra.plan` (the draft banner of overrides/);
- site_name and copyright: the plan's title and office (mkdocs.yml's site_name is a placeholder).

What Zensical cannot take from any config is left out and listed in README ("Material's
successor"): jieba words, the hidden search keywords, field boosts, topic order in plan order.

The project is one folder: `zensical.yml`, a copy of docs/ (Zensical wants docs_dir and site_dir
inside the config's folder) and of overrides/ without the site's search worker, which Zensical's
own search cannot run behind ("Search is unavailable").
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import yaml

from .model import Plan
from .render import site_description, site_nav

CONFIG_NAME = "zensical.yml"  # not .toml: Zensical reads any other name as mkdocs.yml
SEARCH_WORKER = Path("assets", "javascripts", "workers", "plansite-search.js")
SEARCH_PARTIAL = Path("partials", "plansite-search.html")
MANIFEST = ".generated"  # the generator's own bookkeeping in docs/, not a page
# Options of mkdocs.yml that Zensical would drop or refuse; left out so the config says what it does.
DROPPED = ("hooks",)
SEARCH_OPTIONS = ("separator",)  # Zensical's search takes only this (and `enabled`); no fields, no lang
TAGS_DROPPED = ("export",)


class _Loader(yaml.SafeLoader):
    """mkdocs.yml as MkDocs reads it: `!ENV [NAME, default]` is the variable's value, else the default."""


def _env(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    else:
        names = [loader.construct_scalar(child) for child in node.value]
        default = loader.construct_object(node.value[-1]) if len(names) > 1 else None
        names = names[:-1] if len(names) > 1 else names
    for name in names:
        if name in os.environ:  # typed as YAML would type the bare value (as pyyaml_env_tag does)
            value = os.environ[name]
            tag = loader.resolve(yaml.ScalarNode, value, (True, False))
            return loader.construct_object(yaml.ScalarNode(tag, value))
    return default


_Loader.add_constructor("!ENV", _env)


def read_mkdocs_config(path: Path) -> dict[str, Any]:
    """The settings of mkdocs.yml, `!ENV` resolved as MkDocs would."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}  # _Loader is a SafeLoader


def plan_extra(plan: Plan) -> dict[str, Any]:
    """What overrides/main.html reads as `config.extra.plan` (the hook sets the same)."""
    return {"title": plan.full_title, "draft": plan.is_draft, "status": plan.status,
            "email": plan.consultation.email}


def _plugin(entry: Any) -> tuple[str, dict[str, Any]]:
    if isinstance(entry, str):
        return entry, {}
    ((name, options),) = entry.items()
    return name, dict(options or {})


def _plugins(plugins: list[Any]) -> list[Any]:
    kept: list[Any] = []
    for name, options in map(_plugin, plugins):
        if name in ("search", "material/search"):
            options = {k: v for k, v in options.items() if k in SEARCH_OPTIONS}
        elif name in ("tags", "material/tags"):
            options = {k: v for k, v in options.items() if k not in TAGS_DROPPED}
        kept.append({name: options})
    return kept


def config(plan: Plan, mkdocs: dict[str, Any]) -> dict[str, Any]:
    """Zensical's config: mkdocs.yml with what the hook would set filled in from the plan."""
    result = {k: v for k, v in mkdocs.items() if k not in DROPPED}
    result["site_name"], result["copyright"] = plan.title, plan.office  # as the hook sets them, from the data
    result["site_description"] = mkdocs.get("site_description") or site_description(plan)
    result["nav"] = mkdocs.get("nav") or site_nav(plan)
    if not result.get("site_url"):
        result.pop("site_url", None)
    result["docs_dir"], result["site_dir"] = "docs", "site"
    result["extra"] = {**(mkdocs.get("extra") or {}), "plan": plan_extra(plan)}
    if mkdocs.get("plugins"):
        result["plugins"] = _plugins(mkdocs["plugins"])
    return result


def prepare(plan: Plan, root: Path, out: Path) -> Path:
    """Lay out the Zensical project in `out` from `root` (its mkdocs.yml, docs/, theme overrides);
    returns the config's path. `out` is replaced, except Zensical's cache."""
    mkdocs = read_mkdocs_config(root / "mkdocs.yml")
    settings = config(plan, mkdocs)
    out.mkdir(parents=True, exist_ok=True)
    docs = out / "docs"
    shutil.rmtree(docs, ignore_errors=True)
    shutil.copytree(root / mkdocs.get("docs_dir", "docs"), docs, ignore=shutil.ignore_patterns(MANIFEST))
    custom = mkdocs.get("theme", {}).get("custom_dir")
    if custom:
        theme = out / "overrides"
        shutil.rmtree(theme, ignore_errors=True)
        shutil.copytree(root / custom, theme)
        (theme / SEARCH_WORKER).unlink(missing_ok=True)
        if (theme / SEARCH_PARTIAL).is_file():
            (theme / SEARCH_PARTIAL).write_text(
                "{#- Zensical: its own search worker; the site's (plansite-search.js) is left out. -#}\n",
                encoding="utf-8")
        settings["theme"] = {**settings["theme"], "custom_dir": "overrides"}
    path = out / CONFIG_NAME
    header = "# Generated by scripts/build_zensical.py from mkdocs.yml and data/: edit those, not this.\n"
    path.write_text(header + yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
