#!/usr/bin/env python3
"""The full strict build on every core: shards of the pages built side by side, then merged.

    python scripts/build_site.py [--site-dir site.new] [--shards N] [-f mkdocs.yml]

`make build` calls this after generating docs/. The pages of docs/ are split into N disjoint
shards (N = the number of cores; one shard for a small plan, where a second process costs more
than it saves). Each shard is a `mkdocs build --strict` with the same mkdocs.yml in which the
other shards' pages are excluded (as `exclude_docs` would: they stay known, so links to them
resolve as in a single build), into its own folder. Then:

- shard 0's folder becomes the site; every other shard moves in its pages' HTML;
- the search indexes (as the hook refined them) and the sitemaps are merged, in the order a single
  build writes them; 404.html, the theme's assets and docs/' other files are shard 0's (every
  shard writes the same ones);
- links with an anchor into another shard's page, which MkDocs cannot check there, are checked
  against the anchors MkDocs found on that page, with MkDocs' own message and the place in data/
  the page comes from; any broken one fails the build as `--strict` does.

Measure pages carry tags and may go to any shard: before the tags plugin fills its listings, each
shard shows it the tagged pages and the listing pages of the other shards (their front matter and
Markdown, as a single build reads them), so that the listing (topics.md) lists every tagged page and
every page links its tags to the listing. The result is the site a single `mkdocs build --strict`
makes, file for file (tests/test_build_site.py).
On failure neither the site folder nor any shard folder is left behind; the caller swaps the
finished folder in (scripts/swap_site.py). Each shard is MkDocs run in process (`--shard JOB`, an
internal option): its own pages stay included, the others are marked excluded in an `on_files`
handler registered before the plugins', which is what `exclude_docs` does without matching
thousands of patterns.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Below this many pages one process is faster than two (each shard pays MkDocs' and the theme's
# start-up and the hook's validation of the data); measured in README, "Performance".
MIN_PAGES_TO_SHARD = 400
SEARCH_INDEX = Path("search") / "search_index.json"
SITEMAP = "sitemap.xml"
_TAGS_LISTING = "<!-- material/tags"
_FRONT_MATTER_TAGS = re.compile(r"\A---\s*\n(?:.*\n)*?tags:\s*\n\s*-", re.MULTILINE)
_URL_BLOCK = re.compile(r"[ \t]*<url>.*?</url>\n?", re.DOTALL)
_LOC = re.compile(r"<loc>(.*?)</loc>")

log = logging.getLogger("mkdocs.build_site")


# --- the shards ----------------------------------------------------------------


def _head(path: str, size: int = 4096) -> str:
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read(size)


def _needs_tags(path: str) -> bool:
    """A page with `tags:` in its front matter, or the page that lists them."""
    head = _head(path)
    if _FRONT_MATTER_TAGS.match(head):
        return True
    return _TAGS_LISTING in Path(path).read_text(encoding="utf-8", errors="replace")


def _weight(path: str) -> int:
    """The cost of a page: a fixed part (the theme renders the nav into every page) and its Markdown."""
    return 3000 + os.path.getsize(path)


def partition(pages: list[tuple[str, str]], shards: int) -> list[list[str]]:
    """`pages` as (src_uri, abs_src_path) split into `shards` lists of src_uri of about equal cost:
    heaviest first, each into the lightest shard."""
    rest = sorted(((_weight(path), uri) for uri, path in pages), key=lambda item: (-item[0], item[1]))
    lists: list[list[str]] = [[] for _ in range(shards)]
    loads = [0] * shards
    for weight, uri in rest:
        lightest = loads.index(min(loads))
        lists[lightest].append(uri)
        loads[lightest] += weight
    return lists


# --- one shard (a subprocess) -----------------------------------------------------


def run_shard(job: dict[str, Any]) -> int:
    """Build the pages `job["pages"]` of the site; the others are excluded but known."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort
    from mkdocs.plugins import event_priority
    from mkdocs.structure.files import InclusionLevel
    from mkdocs.structure.pages import Page

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-8s-  %(message)s"))
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(handler)
    mkdocs_log.setLevel(logging.WARNING)
    mine = set(job["pages"])
    seen: dict[str, Any] = {}

    @event_priority(100)  # before the tags and search plugins look at the files
    def exclude_others(files: Any, config: Any) -> Any:
        for file in files.documentation_pages():
            if file.src_uri not in mine:
                file.inclusion = InclusionLevel.EXCLUDED
        seen["files"] = files
        return files

    @event_priority(110)  # before Material's tags plugin fills its listings (priority 100)
    def show_tags_the_others(env: Any, config: Any, files: Any) -> Any:
        tags = config.plugins.get("material/tags")
        if tags is not None:
            for file in files.documentation_pages(inclusion=lambda _level: True):
                if file.src_uri not in mine and _needs_tags(file.abs_src_path):
                    page = file.page or Page(None, file, config)
                    page.read_source(config)
                    excluded, file.inclusion = file.inclusion, InclusionLevel.INCLUDED  # else the plugin skips it
                    try:
                        tags.on_page_markdown(page.markdown, page=page, config=config, files=files)
                    finally:
                        file.inclusion = excluded
                    page.content = page.content or ""  # a listing here is filled in, never written
        return env

    config = load_config(job["config"], site_dir=job["site_dir"], strict=True)
    config.plugins._register_event("files", exclude_others, "build_site")
    config.plugins._register_event("env", show_tags_the_others, "build_site")
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    except Abort as err:
        mkdocs_log.error(str(err))
        return 1
    finally:
        config.plugins.on_shutdown()
    Path(job["report"]).write_text(json.dumps(_report(seen["files"]), ensure_ascii=False), encoding="utf-8")
    return 0


def _report(files: Any) -> dict[str, Any]:
    """What the merge needs: the pages built and their anchors, and the links into other shards."""
    pages, anchors, links = [], {}, []
    for file in files.documentation_pages():
        page = file.page
        if file.inclusion.is_excluded() or page is None:
            continue
        pages.append(file.dest_uri)
        anchors[file.src_uri] = sorted(page.present_anchor_ids or ())
        for target, found in page.links_to_anchors.items():
            if target.inclusion.is_excluded():
                links += [[file.src_uri, target.src_uri, anchor, link] for anchor, link in found.items()]
    return {"pages": pages, "anchors": anchors, "links": links}


# --- the merge ----------------------------------------------------------------------


def broken_anchors(reports: list[dict[str, Any]]) -> list[str]:
    """MkDocs' message for every link into another shard's page to an anchor that page lacks."""
    anchors = {src: set(ids) for report in reports for src, ids in report["anchors"].items()}
    return [f"Doc file '{source}' contains a link '{link}', but the doc '{target}' does not contain an anchor "
            f"'#{anchor}'." for report in reports for source, target, anchor, link in report["links"]
            if target in anchors and anchor not in anchors[target]]


def _page_of(location: str) -> str:
    return location.split("#", 1)[0]


def merge_search(indexes: list[dict[str, Any]], order: dict[str, int]) -> dict[str, Any]:
    """One index from the shards': the same config, each page's entries where a single build puts them."""
    configs = {json.dumps(index["config"], sort_keys=True) for index in indexes}
    if len(configs) != 1:
        raise SystemExit("the shards wrote search indexes with different settings; the site was not built")
    docs = [entry for index in indexes for entry in index["docs"]]
    docs.sort(key=lambda entry: order.get(_page_of(entry["location"]), len(order)))
    return {**indexes[0], "docs": docs}


def merge_sitemaps(texts: list[str], order: dict[str, int]) -> str:
    """One sitemap from the shards': every <url> of each, in page order."""
    blocks = [block for text in texts for block in _URL_BLOCK.findall(text)]

    def rank(block: str) -> int:
        loc = _LOC.search(block)
        return order.get(urlsplit(loc.group(1)).path if loc else "", len(order))

    blocks.sort(key=rank)
    first = texts[0]
    head, tail = first[: first.index("<urlset")], first[first.index("</urlset>"):]
    opening = re.match(r"<urlset[^>]*>\n?", first[len(head):])
    return head + (opening.group(0) if opening else "") + "".join(blocks) + tail


def _gzip_mtime(path: Path) -> int:
    return int.from_bytes(path.read_bytes()[4:8], "little")


def merge(site: Path, shard_dirs: list[Path], reports: list[dict[str, Any]], config: Any) -> None:
    """Shard 0's folder `site` receives the other shards' pages; search index and sitemap are merged."""
    # A page's search entries are located at its URL, "" for the home page (File.url "./").
    order = {file.url.removeprefix("./"): i for i, file in enumerate(config_files(config).documentation_pages())}
    paths = {urlsplit(urljoin(config.site_url or "/", url)).path: i for url, i in order.items()}
    for folder, report in zip(shard_dirs[1:], reports[1:], strict=True):
        for dest in report["pages"]:
            target = site / dest
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(folder / dest, target)
    indexes = [folder / SEARCH_INDEX for folder in shard_dirs]
    if all(path.is_file() for path in indexes):
        merged = merge_search([json.loads(p.read_text(encoding="utf-8")) for p in indexes], order)
        (site / SEARCH_INDEX).write_text(json.dumps(merged, ensure_ascii=False, separators=(",", ":")),
                                         encoding="utf-8")
    sitemaps = [folder / SITEMAP for folder in shard_dirs]
    if all(path.is_file() for path in sitemaps):
        text = merge_sitemaps([p.read_text(encoding="utf-8") for p in sitemaps], paths)
        (site / SITEMAP).write_text(text, encoding="utf-8")
        gz = site / (SITEMAP + ".gz")
        mtime = max(_gzip_mtime(folder / (SITEMAP + ".gz")) for folder in shard_dirs)
        with open(gz, "wb") as raw, gzip.GzipFile(fileobj=raw, filename=str(gz), mode="wb", mtime=mtime) as out:
            out.write(text.encode("utf-8"))


def config_files(config: Any) -> Any:
    from mkdocs.structure.files import get_files

    return get_files(config)


def _wait(jobs: list[subprocess.Popen[bytes]], took: list[float]) -> list[int]:
    """The shards' exit codes, and in `took` when each ended; once one fails, the others are stopped
    (their work would be thrown away)."""
    running, started = {job.pid: job for job in jobs}, time.monotonic()
    took[:] = [0.0] * len(jobs)
    while running:
        pid, status = os.wait()
        job = running.pop(pid, None)
        if job is None:
            continue
        took[jobs.index(job)] = time.monotonic() - started
        job.returncode = os.waitstatus_to_exitcode(status)
        if job.returncode:
            for other in running.values():
                other.terminate()
    return [job.wait() for job in jobs]


def _locate(messages: list[str], root: Path) -> list[str]:
    """Each message with the place in data/ its page is made from (as the hook does for MkDocs')."""
    from plansite import provenance
    from plansite.ledger import load_history
    from plansite.problems import PlanError
    from plansite.validate import load_plan
    from plansite.versions import load_versions

    try:
        data = root / "data"
        plan = load_versions(data, load_plan(data)).current.plan
        origins = provenance.origins(plan, load_history(data))
    except (PlanError, OSError):
        return messages
    return [provenance.locate(message, origins) for message in messages]


def _count_pages(config_file: Path) -> int:
    """About how many pages docs_dir holds (its Markdown files)."""
    named = re.search(r"^docs_dir:\s*['\"]?([^'\"#\s]+)", config_file.read_text(encoding="utf-8"), re.MULTILINE)
    docs = config_file.parent / (named.group(1) if named else "docs")
    return sum(name.endswith(".md") for _top, _dirs, names in os.walk(docs) for name in names)


def build_site(config_file: Path, site: Path, shards: int | None = None) -> int:
    """Build the whole site into `site` (removed first); 0 on success, 1 after printing why not.

    `shards` None: one a core, or one for a small plan (counted without loading MkDocs, so that a
    small plan's build costs what `mkdocs build --strict` costs)."""
    if shards is None:
        small = _count_pages(config_file) < MIN_PAGES_TO_SHARD
        shards = 1 if small else (os.cpu_count() or 1)
    shutil.rmtree(site, ignore_errors=True)
    if shards == 1:
        command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config_file), "--site-dir", str(site)]
        return subprocess.run(command).returncode

    from mkdocs.config import load_config

    config = load_config(str(config_file), site_dir=str(site))
    pages = [(f.src_uri, f.abs_src_path) for f in config_files(config).documentation_pages()]
    shards = min(shards, len(pages))
    lists = partition(pages, shards)
    dirs = [site] + [site.with_name(f"{site.name}.shard{k}") for k in range(1, shards)]
    with tempfile.TemporaryDirectory(prefix="build_site.") as work:
        jobs, started = [], time.monotonic()
        for k, (folder, mine) in enumerate(zip(dirs, lists, strict=True)):
            shutil.rmtree(folder, ignore_errors=True)
            job = {"config": str(config_file), "site_dir": str(folder), "pages": mine,
                   "report": str(Path(work) / f"{k}.json")}
            (Path(work) / f"{k}.job").write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
            jobs.append(subprocess.Popen([sys.executable, __file__, "--shard", str(Path(work) / f"{k}.job")]))
        took: list[float] = []
        codes = _wait(jobs, took)
        try:
            if any(codes):
                failed = ", ".join(str(k + 1) for k, code in enumerate(codes) if code > 0) or "stopped"
                print(f"the strict build failed (shard {failed} of {shards}); {site} was not made", file=sys.stderr)
                shutil.rmtree(site, ignore_errors=True)
                return 1
            reports = [json.loads((Path(work) / f"{k}.json").read_text(encoding="utf-8")) for k in range(shards)]
            level = config.validation.links.anchors
            if (broken := broken_anchors(reports)) and level >= logging.WARNING:
                for message in _locate(broken, config_file.resolve().parent):
                    print(f"{logging.getLevelName(level):<8}-  {message}", file=sys.stderr)
                print(f"Aborted with {len(broken)} warnings in strict mode! {site} was not made", file=sys.stderr)
                shutil.rmtree(site, ignore_errors=True)
                return 1
            merge(site, dirs, reports, config)
        finally:
            for folder in dirs[1:]:
                shutil.rmtree(folder, ignore_errors=True)
    sizes = ", ".join(f"{len(mine)} in {seconds:.1f} s" for mine, seconds in zip(lists, took, strict=True))
    total = time.monotonic() - started
    print(f"INFO    -  Built {len(pages)} pages in {shards} shards ({sizes}), merged: {total:.2f} s", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-f", "--config-file", type=Path, default=ROOT / "mkdocs.yml")
    parser.add_argument("--site-dir", type=Path, default=ROOT / "site.new")
    parser.add_argument("--shards", type=int,
                        help=f"processes side by side (default: one a core; one below {MIN_PAGES_TO_SHARD} pages)")
    parser.add_argument("--shard", type=Path, help=argparse.SUPPRESS)  # one shard's job file (internal)
    args = parser.parse_args(argv)
    if args.shard:
        return run_shard(json.loads(args.shard.read_text(encoding="utf-8")))
    return build_site(args.config_file.resolve(), args.site_dir.resolve(), args.shards)


if __name__ == "__main__":
    sys.exit(main())
