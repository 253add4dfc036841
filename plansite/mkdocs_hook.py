"""The only MkDocs-specific code: run the generator from MkDocs.

`mkdocs build` and `mkdocs serve` regenerate docs/ before reading it, and
`serve` also watches data/ and templates/. Everything else is plain Python in
`plansite`, so the same docs/ builds with any tool that reads mkdocs.yml.
"""

from __future__ import annotations

import html
import json
import logging
import sys
from pathlib import Path
from typing import Any

from markupsafe import Markup
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_build_date
from mkdocs.utils.yaml import yaml_load

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from plansite import htmlpages, incremental, preview, provenance, search
from plansite.ledger import load_history
from plansite.model import Plan
from plansite.pipeline import Project, generate
from plansite.problems import PlanError
from plansite.progress_pages import INDEX as PROGRESS_INDEX
from plansite.render import site_description, site_nav, theme_extra
from plansite.urls import url_of

log = logging.getLogger("mkdocs.hooks.plansite")
_built: dict[str, Plan] = {}  # the plan of the build under way, for on_post_build
_run: dict[str, Any] = {}  # "command": the mkdocs command this process runs (build, serve, gh-deploy); "dirty"
_dirty = preview.DirtyBuilds()  # under `mkdocs serve`: what the last build left (see plansite/preview.py)


def on_startup(command: str, dirty: bool) -> None:
    """`mkdocs serve` replaces site_url with its own http://127.0.0.1:8000/ before any build: the
    pages keep citing the public address, so that serving never rewrites docs/."""
    _run.update(command=command, dirty=dirty)
    _dirty.restart()


def _incremental() -> bool:
    return _run.get("command") == "serve" and bool(_run.get("dirty"))


def _public_url(config: Any) -> str:
    """The site's public address as mkdocs.yml gives it (with $SITE_URL resolved): under serve, the
    config holds the dev server's address instead."""
    if _run.get("command") != "serve":
        return config.site_url or ""
    with open(config.config_file_path, "rb") as handle:
        return yaml_load(handle).get("site_url") or ""


def _project(config: Any) -> Project:
    return Project(Path(config.config_file_path).resolve().parent, site_url=_public_url(config))


def on_config(config: Any) -> Any:
    project = _project(config)
    try:
        if _run.get("command") == "serve":  # only what the edit reaches (plansite/incremental.py)
            plan, report = _dirty.own.during(project.docs, lambda: incremental.generate(project))
            _dirty.stale = report.stale
        else:
            plan, report = generate(project)
    except PlanError as err:
        raise PluginError("the data in data/ is invalid; docs/ and site/ were left unchanged.\n"
                          + err.report()) from None
    log.info(f"Generated docs/: {report}")
    _built["plan"] = plan
    if not config.nav:
        config.nav = site_nav(plan)
        if (project.docs / PROGRESS_INDEX).is_file():  # generated only when units have reported
            config.nav.insert(-2, {"落实情况": PROGRESS_INDEX})
    config.site_name = plan.title  # the header and the title of every page: from data/plan.yaml
    config.copyright = plan.office
    if not config.site_description:  # follows the data: no "征求意见稿" left behind once the plan is final
        config.site_description = site_description(plan)
    _as_text(config)
    _locate_warnings(provenance.origins(plan, load_history(project.data)))
    if jieba := _jieba():  # keep unit names whole: 区人社局, not 区人/社局
        for word in search.jieba_words(plan):
            jieba.add_word(word)
    _order_topics(config, plan)
    config.extra["plan"] = theme_extra(plan)
    return config


def _as_text(config: Any) -> None:
    """The theme prints these settings as they are, inside attributes too (<meta name="description"
    content="{{ config.site_description }}">): escape each once, as text. Markup is not escaped
    again where the theme does escape (`| e`)."""
    for key in ("site_name", "site_description", "site_author", "copyright"):
        value = config.get(key)
        if isinstance(value, str) and not isinstance(value, Markup):
            config[key] = Markup(html.escape(value, quote=True))


class _DataLocation(logging.Filter):
    """Adds to a warning about a generated page the place in data/ that page was made from."""

    def __init__(self) -> None:
        super().__init__()
        self.origins: dict[str, str] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING and not getattr(record, "plansite_located", False):
            located = provenance.locate(record.getMessage(), self.origins)
            record.msg, record.args, record.plansite_located = located, (), True
        return True


_located = _DataLocation()


def _locate_warnings(origins: dict[str, str]) -> None:
    _located.origins = origins
    for handler in logging.getLogger("mkdocs").handlers:
        if _located not in handler.filters:
            handler.addFilter(_located)


def _order_topics(config: Any, plan: Plan) -> None:
    """Material's tags plugin sorts by text (第10条 before 第2条); list measures and topics in plan order."""
    tags = config.plugins.get("material/tags")
    if tags is None:
        return
    numbers = {url_of(m): m.number for m in plan.measures}
    topics = {t.name: i for i, t in enumerate(plan.topics)}
    tags.config.listings_sort_by = lambda mapping: (numbers.get(mapping.item.url, 1 << 30), str(mapping.item.title))
    tags.config.tags_sort_by = lambda tag, *_: (topics.get(tag.name, len(topics)), tag.name)
    tags.config.listings_tags_sort_by = tags.config.tags_sort_by


def _jieba() -> Any:
    """Material's search segments Chinese with jieba when it is installed (it is pinned here)."""
    try:
        import jieba
    except ImportError:
        return None
    jieba.setLogLevel(logging.WARNING)  # not "Building prefix dict …" on every build
    return jieba


def on_files(files: Any, config: Any) -> Any:
    """Under `serve --dirty`: a full build when what every page shows changed, else rebuild what
    changed and the tag listings (they list every tagged page)."""
    if not _incremental():
        return files
    settings = (config.nav, config.site_name, config.site_description, config.copyright, config.extra,
                get_build_date())  # sitemap.xml's lastmod
    theme = [Path(config.config_file_path)] + ([Path(config.theme.custom_dir)] if config.theme.custom_dir else [])
    state = preview.site_state([f.src_uri for f in files], settings, theme)
    pages = {f.src_uri: (f.abs_src_path, f.abs_dest_path) for f in files.documentation_pages() if f.abs_src_path}
    _dirty.begin(state, Path(config.site_dir), pages)
    for src in sorted(_dirty.listings) if _dirty.kept else ():  # built last: the edited page shows first
        if (listing := files.get_file_from_path(src)) is not None:
            files.remove(listing)
            files.append(listing)
    return files


@event_priority(110)  # before Material's tags plugin fills its listings
def on_env(env: Any, config: Any, files: Any) -> Any:
    """Under `serve`: which built page each stale generated page is. Under `serve --dirty`: show the
    tags plugin the tagged pages this build did not read."""
    _dirty.dest_of = {f.src_uri: f.abs_dest_path for f in files.documentation_pages()} if _dirty.stale else {}
    tags, index = config.plugins.get("material/tags"), config.plugins.get("material/search")
    if _run.get("command") == "serve" and env.bytecode_cache is None:
        env.bytecode_cache = preview.THEME_CODE
    if not _incremental():
        return env
    if _dirty.kept:  # what these show is part of the site's state, unchanged: 404.html, sitemap.xml
        config.theme.static_templates.difference_update(
            [t for t in config.theme.static_templates if (Path(config.site_dir) / t).is_file()])
    _dirty.fresh = index.search_index.entries if index is not None else []  # this build's entries only
    for file in files.documentation_pages() if tags is not None and _dirty.retag else ():
        page = file.page
        if page is not None and page.markdown is None and file.src_uri in _dirty.tagged:
            _read_source(page, config)
            tags.on_page_markdown(page.markdown, page=page, config=config, files=files)
    return env


_html: dict[str, str] = {}  # the pages written as HTML (plansite/htmlpages.py), by src_uri, between two events
# The build's files by URL, for checking the links of those pages: made once a build, for the Files
# object held here (held, so that a later build's Files can never be taken for it).
_urls: dict[str, Any] = {}


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """A page the generator wrote as HTML is taken as it is: Python-Markdown gets nothing to do."""
    body = htmlpages.body(markdown)
    if body is None:
        return markdown
    _html[page.file.src_uri] = body
    return ""


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    """What Python-Markdown and MkDocs would have found on a page written as HTML: its table of
    contents and anchors, and its links, checked as `--strict` checks a Markdown page's."""
    body = _html.pop(page.file.src_uri, None)
    if body is None:
        return html
    page.toc = get_toc([heading.as_token() for heading in htmlpages.headings(body)])
    page.present_anchor_ids = htmlpages.anchor_ids(body)
    if _urls.get("files") is not files:
        _urls.update(files=files, by_url={file.url.removeprefix("./"): file for file in files})
    by_url = _urls["by_url"]
    page.links_to_anchors = {}
    for link in htmlpages.links(body, page.file.url.removeprefix("./")):
        target = by_url.get(link.target)
        if target is None:
            log.warning(f"Doc file '{page.file.src_uri}' contains a link '{link.href}', but the target "
                        f"'{link.target}' is not found among documentation files.")
        elif link.anchor:
            page.links_to_anchors.setdefault(target, {}).setdefault(link.anchor, link.href)
    return body


def _read_source(page: Any, config: Any) -> None:
    """page.read_source(config), from memory if the file has not changed since it was last read."""
    if (read := _dirty.recall(page.file.abs_src_path)) is None:
        page.read_source(config)
        _dirty.keep(page.file.abs_src_path, (page.markdown, page.meta))
    else:
        page.markdown, page.meta = read[0], dict(read[1])


@event_priority(-100)
def on_page_context(context: Any, page: Any, config: Any, nav: Any) -> Any:
    if _incremental():
        _dirty.rebuilt.add(page.url)
    return context


@event_priority(-100)  # after Material's search plugin has written the index
def on_post_build(config: Any) -> None:
    if _dirty.stale and (marked := preview.mark_stale(_dirty, incremental.DATA_PAGE)):
        log.info(f"Preview: not brought up to date, until `make build`: {', '.join(_dirty.stale)} "
                 f"(said on {', '.join(marked)})")
    path = Path(config.site_dir) / "search" / "search_index.json"
    if not path.is_file() or "plan" not in _built:
        return
    jieba = _jieba()
    raw = json.loads(path.read_text(encoding="utf-8"))
    if _incremental():
        tags = config.plugins.get("material/tags") if _dirty.retag else None
        tagged = {m.item.file.src_uri for m in tags.mappings if hasattr(m.item, "file")} if tags else None
        listings = {listing.page.file.src_uri for listing in tags.listings} if tags else None
        raw["docs"] = _dirty.end(tagged, listings)
    index = search.refine_index(raw, search.keywords(_built["plan"]), jieba.lcut if jieba else None)
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def on_serve(server: Any, config: Any, builder: Any) -> Any:
    project = _project(config)
    preview.watch_with_inotify(server, _dirty.own)
    server.watch(str(project.data))
    server.watch(str(project.templates))
    return server
