"""A throwaway copy of the project (fixture plan by default), built with MkDocs, served, opened in Chromium.

Used by tests/test_ledger.py and tests/test_feedback.py; their browser tests use the session's
`browser` fixture (tests/conftest.py) through `browse`. `serve` and `local_only` also serve the
fixtures of tests/browser/.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import yaml

from tests.plantools import ROOT, make_data

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Route

LOCAL_HOST = "127.0.0.1"
COPIED = ("mkdocs.yml", "templates", "overrides", "plansite", "scripts", "docs/assets")


def copy_project(dest: Path) -> Path:
    """The tool, templates and theme of this repository with the fixture plan as data/."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, dest / name)
    make_data(dest)
    return dest


def mkdocs_build(project: Path, site_url: str = "") -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` in `project` (the hook generates docs/ first), SITE_URL as given."""
    env = {"NO_MKDOCS_2_WARNING": "1", "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
           "HOME": os.environ.get("HOME", "/tmp")}
    if site_url:
        env["SITE_URL"] = site_url
    command = [sys.executable, "-m", "mkdocs", "build", "--strict"]
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)


def edit_yaml(path: Path, change: Any) -> None:
    """Load a data file, let `change(data)` edit it in place, write it back."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def delete_measure(data: Path, measure_id: int) -> None:
    def drop(part: dict[str, Any]) -> None:
        for section in part["sections"]:
            section["measures"] = [m for m in section["measures"] if m["id"] != measure_id]

    edit_yaml(data / "parts" / "2.yaml", drop)


def add_change(data: Path, entry: dict[str, Any]) -> None:
    edit_yaml(data / "url-changes.yaml", lambda d: d["changes"].append(entry))


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # stdlib signature
        pass


@contextlib.contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve a built site on 127.0.0.1; yields its base URL ending in '/'."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(site)))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _is_external(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme not in ("data", "blob", "about") and parts.hostname != LOCAL_HOST


@contextlib.contextmanager
def local_only(context: BrowserContext) -> Iterator[BrowserContext]:
    """Abort and record every request of `context` to a host other than 127.0.0.1 (CDN, fonts,
    analytics, ...); on leaving, close the context and fail if there was any."""
    external: list[str] = []

    def record(url: str) -> None:
        if _is_external(url) and url not in external:
            external.append(url)

    def on_route(route: Route) -> None:
        if _is_external(route.request.url):
            record(route.request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", on_route)
    context.on("request", lambda request: record(request.url))  # also sees what routing might not
    try:
        yield context
    finally:
        context.close()
    assert not external, f"requests to other hosts than {LOCAL_HOST}:\n" + "\n".join(external)


@contextlib.contextmanager
def browse(site: Path, browser: Browser, init_script: str = "", **options: Any) -> Iterator[tuple[str, Page]]:
    """Serve a built site and open a page on it in a fresh local-only context: yields (base URL, page).

    `options` go to browser.new_context; `init_script` runs in every page before the site's own."""
    options = {"locale": "zh-CN", "service_workers": "block", **options}
    with serve(site) as base, local_only(browser.new_context(**options)) as context:
        if init_script:
            context.add_init_script(init_script)
        yield base, context.new_page()
