"""The same site built with Zensical, Material's successor (README, "Material's successor").

scripts/build_zensical.py builds the real plan (1×) into a temporary folder with the pinned
Zensical of .venv-zensical (`make test` installs it); these tests check that build: every URL of
the ledger, every measure's text, what the hook would set, no other host, and search in Chromium
with queries read from the data. The fixture plan checks redirect and withdrawal pages and markup in texts.
Without .venv-zensical the tests skip, unless CI=true: then they fail.
"""

from __future__ import annotations

import html
import os
import posixpath
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
import yaml

from plansite import zensical
from plansite.ledger import LEDGER
from plansite.model import Plan
from plansite.render import site_description
from plansite.urls import page_url, url_of
from plansite.validate import load_plan
from tests.plantools import ROOT, read_html, snapshot
from tests.projectcopy import browse, copy_project, delete_measure

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


ZENSICAL = ROOT / ".venv-zensical" / "bin" / "zensical"
BUILD = ROOT / "scripts" / "build_zensical.py"


def _require_zensical() -> None:
    if ZENSICAL.is_file():
        return
    message = f"{ZENSICAL} is missing (make test installs it: make .venv-zensical/.installed)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def build(out: Path, root: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SITE_URL": ""}
    command = [sys.executable, str(BUILD), "--root", str(root), "--out", str(out), "--zensical", str(ZENSICAL)]
    return subprocess.run(command, capture_output=True, text=True, env=env)


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(ROOT / "data")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real plan built with Zensical into a temporary folder (never site/)."""
    _require_zensical()
    out = tmp_path_factory.mktemp("zensical")
    done = build(out)
    assert done.returncode == 0, done.stdout + done.stderr
    return out / "site"


def ledger_urls(data: Path) -> list[str]:
    lines = (data / LEDGER).read_text(encoding="utf-8").splitlines()
    return [line.split()[0] for line in lines if line.strip() and not line.startswith("#")]


def resolves(site: Path, url: str) -> bool:
    path = site / url.strip("/")
    return (path / "index.html").is_file() or path.is_file()


# --------------------------------------------------------------------------- the generated config


def test_the_pinned_zensical_is_installed() -> None:
    _require_zensical()
    pinned = re.search(r"^zensical==(\S+)$", (ROOT / "requirements-zensical.txt").read_text(), re.M)
    assert pinned, "requirements-zensical.txt pins no zensical"
    version = subprocess.run([str(ZENSICAL), "--version"], capture_output=True, text=True).stdout.strip()
    assert version == pinned.group(1)


def test_config_carries_what_the_hook_sets(plan: Plan, monkeypatch: pytest.MonkeyPatch) -> None:
    """The generated config against MkDocs' own, after every plugin and our hook ran on_config."""
    from mkdocs.config import load_config

    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.delenv("SITE_URL", raising=False)
    mkdocs = load_config(str(ROOT / "mkdocs.yml"))
    mkdocs = mkdocs.plugins.on_config(mkdocs)
    settings = zensical.config(plan, zensical.read_mkdocs_config(ROOT / "mkdocs.yml"))
    for key in ("site_name", "copyright", "site_description", "nav"):
        assert settings[key] == mkdocs[key], key
    assert settings["extra"] == dict(mkdocs["extra"])  # the draft banner's `plan`, and the rest
    assert "hooks" not in settings
    search = [p["search"] for p in settings["plugins"] if "search" in p]
    assert search and set(search[0]) == {"separator"}  # Zensical refuses `fields` and `lang`


def test_config_keeps_what_mkdocs_yml_says(plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: 方案\nsite_description: 'a: b # c'\nsite_url: !ENV [PLANSITE_TEST_URL, null]\n"
        "extra: {note: \"!ENV x\"}\nhooks: [h.py]\n", encoding="utf-8")
    monkeypatch.setenv("PLANSITE_TEST_URL", "https://example.gov.cn/plan/")
    settings = zensical.config(plan, zensical.read_mkdocs_config(tmp_path / "mkdocs.yml"))
    assert (settings["site_description"], settings["extra"]["note"]) == ("a: b # c", "!ENV x")
    assert settings["site_url"] == "https://example.gov.cn/plan/"
    monkeypatch.delenv("PLANSITE_TEST_URL")
    settings = zensical.config(plan, zensical.read_mkdocs_config(tmp_path / "mkdocs.yml"))
    assert "site_url" not in settings and "hooks" not in settings
    assert yaml.safe_load(yaml.safe_dump(settings, allow_unicode=True)) == settings  # what prepare() writes


def test_site_name_and_copyright_come_from_the_plan(plan: Plan) -> None:
    settings = zensical.config(plan, {"site_name": "方案", "copyright": "x", "theme": {"name": "material"}})
    assert (settings["site_name"], settings["copyright"]) == (plan.title, plan.office)


# --------------------------------------------------------------------------- the built site


def test_every_published_url_resolves(site: Path) -> None:
    urls = ledger_urls(ROOT / "data")
    assert urls
    assert [u for u in urls if not resolves(site, u)] == []


def test_every_page_and_file_of_docs_is_built(site: Path) -> None:
    docs = ROOT / "docs"
    files = [p.relative_to(docs).as_posix() for p in docs.rglob("*") if p.is_file() and p.name != ".generated"]
    assert any(f.endswith(".md") for f in files) and any(f.endswith(".csv") for f in files)
    expected = [page_url(f) if f.endswith(".md") else f for f in files]
    assert [f for f in expected if f is not None and not resolves(site, f)] == []


def test_measure_texts_match_the_data(site: Path, plan: Plan) -> None:
    for measure in plan.measures:
        page = read_html(site / url_of(measure) / "index.html", "measure-text")
        assert page.texts == [measure.text], f"measure {measure.id}"


def test_pages_carry_the_hook_settings(site: Path, plan: Plan) -> None:
    html = (site / "index.html").read_text(encoding="utf-8")
    assert f'<meta name="description" content="{site_description(plan)}">' in html
    assert all(part.title in html for part in plan.parts)  # the nav from the data
    assert ("plan-announce" in html) == plan.is_draft
    assert "plansite-search" not in html and not list(site.rglob("plansite-search.js"))


def test_no_page_names_another_host(site: Path) -> None:
    external = []
    for page in site.rglob("*.html"):
        external += [f"{page.relative_to(site)}: {ref}" for ref in read_html(page).refs if urlsplit(ref).netloc]
    assert external == []
    for asset in [*site.rglob("*.css"), *site.rglob("*.js")]:
        text = asset.read_text(encoding="utf-8", errors="replace")
        assert "fonts.googleapis.com" not in text and "fonts.gstatic.com" not in text, asset


def test_fixture_plan_redirects_withdrawals_markup_and_a_broken_link(tmp_path: Path) -> None:
    """The fixture plan: a redirected and a withdrawn URL (data/url-changes.yaml), and a measure
    text full of Markdown and HTML that must show as text, as in the MkDocs build."""
    _require_zensical()
    project = copy_project(tmp_path / "project")
    data = project / "data"
    done = build(tmp_path / "z", project)
    assert done.returncode == 0, done.stdout + done.stderr
    site = tmp_path / "z" / "site"
    assert [u for u in ledger_urls(data) if not resolves(site, u)] == []
    changes = yaml.safe_load((data / "url-changes.yaml").read_text(encoding="utf-8"))["changes"]
    assert {"redirect", "withdrawn"} <= {key for change in changes for key in change}
    for change in changes:
        page = (site / change["url"].strip("/") / "index.html").read_text(encoding="utf-8")
        if "redirect" in change:
            target = posixpath.relpath(change["redirect"], change["url"]) + "/"
            assert f'<meta http-equiv="refresh" content="0; url={target}">' in page, page
        else:
            assert html.escape(change["withdrawn"]["text"], quote=False) in page, page
    plan = load_plan(data)
    assert any("<script>" in m.text for m in plan.measures)
    for measure in plan.measures:
        assert read_html(site / url_of(measure) / "index.html", "measure-text").texts == [measure.text]

    # Built again into the same folder, with a hand-written page whose link and anchor are broken:
    # Zensical's --strict checks them as `mkdocs build --strict` does, and no traceback is shown.
    (project / "docs" / "notes.md").write_text("# 说明\n\n[x](nowhere.md) [y](index.md#no-such-anchor)\n",
                                                encoding="utf-8")
    done = build(tmp_path / "z", project)
    assert done.returncode == 1
    shown = re.sub(r"\x1b\[[0-9;]*m", "", done.stderr)  # Zensical colours its report even into a pipe
    assert "notes.md:3:5" in shown and "page does not exist" in shown, shown
    assert "notes.md:3:30" in shown and "anchor does not exist" in shown, shown
    assert "Traceback" not in shown and "zensical build --strict failed" in shown

    # Zensical does not look inside raw HTML: the links of the pages written as HTML are checked
    # against the built site instead, as the MkDocs hook checks them.
    (project / "docs" / "notes.md").unlink()
    template = project / "templates" / "measure.html.j2"
    links = '<p><a href="../../units/no-such-unit/">x</a> <a href="../../sections/1/#no-such">y</a></p>\n'
    template.write_text(template.read_text(encoding="utf-8").replace("</div>\n", links + "</div>\n"), encoding="utf-8")
    done = build(tmp_path / "z", project)
    assert done.returncode == 1
    assert ("docs/measures/1.md: the link '../../units/no-such-unit/' leads to /units/no-such-unit/, which the site "
            "does not have") in done.stderr, done.stderr[-2000:]
    assert ("docs/measures/1.md: the link '../../sections/1/#no-such' leads to an anchor '#no-such' that "
            "/sections/1/ does not have") in done.stderr


def test_a_data_error_stops_before_zensical(tmp_path: Path) -> None:
    _require_zensical()
    project = copy_project(tmp_path / "project")
    delete_measure(project / "data", 2)  # published, now gone, and not declared
    done = build(tmp_path / "z", project)
    assert done.returncode == 1
    assert "/measures/2/ was published but would no longer resolve" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "z").exists()


@pytest.mark.parametrize(("out", "problem"), [
    (".", "is the project"),
    ("..", "is a folder holding the project"),
    ("docs/z", "is inside docs/, which the build reads"),
    ("data", "is inside data/, which the build reads"),
    ("stranger", "holds files this script did not make"),
])
def test_out_folder_that_would_lose_files_is_refused(tmp_path: Path, out: str, problem: str) -> None:
    _require_zensical()
    project = copy_project(tmp_path / "project")
    (project / "stranger").mkdir()
    (project / "stranger" / "docs").mkdir()
    before = snapshot(tmp_path)
    done = build(project / out, project)
    assert done.returncode == 1
    assert done.stderr.startswith(f"--out {(project / out).resolve()}: {problem}"), done.stderr
    assert done.stderr.endswith("; nothing was written.\n") and snapshot(tmp_path) == before


# --------------------------------------------------------------------------- search in Chromium


def typical_queries(plan: Plan) -> dict[str, set[str]]:
    """What readers type, read from the data, and the pages that answer it: each topic (its
    measures, and the sections that show them in full), each phrase the texts quote (“宪法宣传周”,
    “12338”: the measures quoting it), the three units named by most measures (the unit's page),
    and the first three section titles."""
    queries: dict[str, set[str]] = {}
    for topic in plan.topics:
        tagged = {m.id for m in plan.measures if topic.name in m.topics}
        queries[topic.name] = {url_of(m) for m in plan.measures if m.id in tagged}
        queries[topic.name] |= {url_of(s) for s in plan.sections if tagged & {m.id for m in s.measures}}
    for measure in plan.measures:
        for phrase in re.findall(r"“([^”“]{2,12})”", measure.text):
            queries.setdefault(phrase, set()).add(url_of(measure))
    named = {u.slug: sum(any(u in m.units(role) for role in m.roles) for m in plan.measures) for u in plan.units}
    for unit in sorted(plan.units, key=lambda u: -named[u.slug])[:3]:
        queries[unit.name] = {url_of(unit)}
    for section in plan.sections[:3]:
        queries[section.title] = {url_of(section)}
    return {q: pages for q, pages in queries.items() if pages}


@pytest.fixture(scope="module")
def search_page(browser: Browser, site: Path) -> Iterator[tuple[str, Page]]:
    with browse(site, browser) as (base, page):
        page.goto(base)
        page.click(".md-search__button")  # opens Zensical's search dialog (in a shadow root)
        page.locator("input[role=combobox]").wait_for()  # Playwright's locators pierce shadow roots
        yield base, page


# Types each query into Zensical's search box in the page itself (one round trip for all of them, not
# two per query) and reads the results shown: the status line counts them and each links with
# ?h=<query>. Emptied, the box shows no status; typed, it flashes "No results" before the results
# arrive, so a query is waited for until it shows some (every query here has pages that answer it),
# for at most `wait` ms; then it counts as not found.
_SEARCH_ALL = """async ([queries, wait]) => {
  const root = [...document.querySelectorAll("body > div")].find(e => e.shadowRoot).shadowRoot
  const input = root.querySelector("input[role=combobox]")
  const shown = query => {
    const status = root.querySelector("[role=status]")?.textContent.trim() ?? ""
    if (query === "") return status === "" && []
    const links = [...root.querySelectorAll("a[role=option]")].map(a => a.href)
    const fresh = links.every(href => new URL(href).searchParams.get("h") === query)
    return /^[0-9]+ results?$/.test(status) && links.length > 0 && fresh && links
  }
  const until = (query, ms) => new Promise(done => {
    const start = performance.now()
    const poll = () => {
      const links = shown(query)
      if (links || performance.now() - start > ms) done(links || [])
      else setTimeout(poll, 10)
    }
    poll()
  })
  const found = {}
  for (const query of queries) {
    for (const text of ["", query]) {
      input.value = text
      input.dispatchEvent(new Event("input", { bubbles: true }))
      found[query] = await until(text, wait)
    }
  }
  return found
}"""
QUERY_WAIT_MS = 15_000


def search_all(base: str, page: Page, queries: list[str]) -> dict[str, list[str]]:
    """The result pages shown for each query (the first ten), best first, as URLs relative to the
    site root; [] for a query that showed none within QUERY_WAIT_MS."""
    found = page.evaluate(_SEARCH_ALL, [queries, QUERY_WAIT_MS])
    prefix = urlsplit(base).path
    return {q: [urlsplit(href).path.removeprefix(prefix) for href in found[q]] for q in queries}


def test_search_finds_typical_queries(search_page: tuple[str, Page], plan: Plan) -> None:
    base, page = search_page
    queries = typical_queries(plan)
    found = search_all(base, page, list(queries))
    ranks = {q: next((i for i, url in enumerate(found[q], 1) if url in pages), None) for q, pages in queries.items()}
    print("\nZensical search, the rank of the first page that answers each query (- when not found):")
    print("  " + "  ".join(f"{q} {r or '-'}" for q, r in ranks.items()))
    top1 = sum(r == 1 for r in ranks.values())
    top5 = sum(r is not None and r <= 5 for r in ranks.values())
    print(f"  top-1 {top1}/{len(ranks)}, top-5 {top5}/{len(ranks)}, found {sum(r is not None for r in ranks.values())}")
    assert [q for q, r in ranks.items() if r is None] == []
