"""The parallel full build (scripts/build_site.py): the site a single `mkdocs build --strict` makes,
and links and anchors checked as strictly, across shards too."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.plantools import ROOT
from tests.projectcopy import copy_project

sys.path.insert(0, str(ROOT / "scripts"))

import build_site

SITE_URL = "https://example.org/plan/"
_LOC = re.compile(r"<loc>(.*?)</loc>")


def _env() -> dict[str, str]:
    return {"NO_MKDOCS_2_WARNING": "1", "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/tmp"), "SITE_URL": SITE_URL}


def single(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)]
    return subprocess.run(command, cwd=project, env=_env(), capture_output=True, text=True)


def parallel(project: Path, site: Path, shards: int | None = 2) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(project / "scripts" / "build_site.py"), "--site-dir", str(site)]
    command += ["--shards", str(shards)] if shards else []
    return subprocess.run(command, cwd=project, env=_env(), capture_output=True, text=True)


def files_of(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())


def assert_same_site(one: Path, other: Path) -> None:
    """HTML and every other file byte for byte; the search index as JSON with its docs sorted by
    location; the sitemap (and its gzip) as the same URLs in the same order."""
    assert files_of(one) == files_of(other)
    for rel in files_of(one):
        a, b = (one / rel).read_bytes(), (other / rel).read_bytes()
        if rel == "search/search_index.json":
            a_index, b_index = json.loads(a), json.loads(b)
            for index in (a_index, b_index):
                index["docs"].sort(key=lambda entry: entry["location"])
            assert a_index == b_index
        elif rel in ("sitemap.xml", "sitemap.xml.gz"):
            if rel.endswith(".gz"):
                a, b = gzip.decompress(a), gzip.decompress(b)
            assert _LOC.findall(a.decode()) == _LOC.findall(b.decode())
        else:
            assert a == b, rel


def project_with(tmp: Path, data: Path | None) -> Path:
    project = copy_project(tmp / "project")
    if data is not None:
        shutil.rmtree(project / "data")
        shutil.copytree(data, project / "data")
    return project


@pytest.mark.parametrize("data", [ROOT / "data", None], ids=["our-plan", "fixture"])
def test_parallel_build_is_the_single_build(tmp_path: Path, data: Path | None) -> None:
    project = project_with(tmp_path, data)
    done = single(project, tmp_path / "one")
    assert done.returncode == 0, done.stderr
    done = parallel(project, tmp_path / "two")
    assert done.returncode == 0, done.stderr
    assert "in 2 shards" in done.stderr
    assert not list(tmp_path.glob("two.shard*"))
    assert_same_site(tmp_path / "one", tmp_path / "two")
    assert len(_LOC.findall((tmp_path / "two" / "sitemap.xml").read_text(encoding="utf-8"))) > 10


def test_a_small_plan_builds_in_one_process(tmp_path: Path) -> None:
    project = project_with(tmp_path, None)
    assert single(project, tmp_path / "one").returncode == 0
    assert build_site._count_pages(project / "mkdocs.yml") < build_site.MIN_PAGES_TO_SHARD
    done = parallel(project, tmp_path / "two", shards=None)
    assert done.returncode == 0, done.stderr
    assert "shards" not in done.stderr and "Documentation built in" in done.stderr
    assert_same_site(tmp_path / "one", tmp_path / "two")


def _across(project: Path, note: str) -> str:
    """docs/notes.md with `note` (a Markdown link to TARGET); TARGET a measure page that the
    partition puts in the other shard."""
    (project / "docs" / "notes.md").write_text("# 说明\n", encoding="utf-8")
    pages = [(p.relative_to(project / "docs").as_posix(), str(p)) for p in (project / "docs").rglob("*.md")]
    shards = build_site.partition(pages, 2)
    other = shards[1] if "notes.md" in shards[0] else shards[0]
    target = next(p for p in sorted(other) if p.startswith("measures/"))
    (project / "docs" / "notes.md").write_text("# 说明\n\n" + note.replace("TARGET", target) + "\n", encoding="utf-8")
    assert next(s for s in build_site.partition(pages, 2) if "notes.md" in s) != other
    return target


def test_a_broken_anchor_into_another_shard_fails_the_build(tmp_path: Path) -> None:
    project = project_with(tmp_path, None)
    assert single(project, tmp_path / "one").returncode == 0  # generates docs/
    target = _across(project, "[y](TARGET#no-such-anchor)")

    expected = (f"Doc file 'notes.md' contains a link '{target}#no-such-anchor', but the doc "
                f"'{target}' does not contain an anchor '#no-such-anchor'.")
    done = single(project, tmp_path / "one")
    assert done.returncode == 1 and expected in done.stderr  # what MkDocs says in one build
    done = parallel(project, tmp_path / "two")
    assert done.returncode == 1
    assert f"WARNING -  {expected}\n  this page is made from data/parts/" in done.stderr, done.stderr
    assert "Aborted with 1 warnings in strict mode!" in done.stderr
    assert not (tmp_path / "two").exists() and not list(tmp_path.glob("two.shard*"))


def test_a_good_anchor_into_another_shard_passes(tmp_path: Path) -> None:
    project = project_with(tmp_path, None)
    assert single(project, tmp_path / "one").returncode == 0
    target = _across(project, "[y](TARGET#ANCHOR)")
    page = (tmp_path / "one" / target.removesuffix(".md") / "index.html").read_text(encoding="utf-8")
    anchor = re.findall(r'<h[1-6] id="([^"]+)"', page)[0]  # the page's heading
    notes = project / "docs" / "notes.md"
    notes.write_text(notes.read_text(encoding="utf-8").replace("ANCHOR", anchor), encoding="utf-8")
    done = parallel(project, tmp_path / "two")
    assert done.returncode == 0, done.stderr
    assert single(project, tmp_path / "one").returncode == 0
    assert_same_site(tmp_path / "one", tmp_path / "two")


def test_a_broken_link_in_one_shard_fails_the_build(tmp_path: Path) -> None:
    project = project_with(tmp_path, None)
    assert single(project, tmp_path / "one").returncode == 0
    (project / "docs" / "notes.md").write_text("# 说明\n\n[x](nowhere.md)\n", encoding="utf-8")
    done = parallel(project, tmp_path / "two")
    assert done.returncode == 1
    assert "Doc file 'notes.md' contains a link 'nowhere.md', but the target is not found" in done.stderr
    assert "the strict build failed" in done.stderr
    assert not (tmp_path / "two").exists() and not list(tmp_path.glob("two.shard*"))


def test_tagged_pages_spread_over_the_shards(tmp_path: Path) -> None:
    """Tagged pages go wherever the balance puts them, not all beside the listing."""
    docs = tmp_path / "docs"
    (docs / "m").mkdir(parents=True)
    (docs / "topics.md").write_text("# 专题\n\n<!-- material/tags -->\n", encoding="utf-8")
    for i in range(6):
        (docs / "m" / f"{i}.md").write_text(f"---\ntitle: x\ntags:\n  - \"a\"\n---\n# {i}\n", encoding="utf-8")
    pages = [(p.relative_to(docs).as_posix(), str(p)) for p in docs.rglob("*.md")]
    shards = build_site.partition(pages, 3)
    assert sorted(p for s in shards for p in s) == sorted(uri for uri, _ in pages)
    assert all(any(p.startswith("m/") for p in shard) for shard in shards)


def test_tags_link_to_the_listing_from_every_shard(tmp_path: Path) -> None:
    """Three shards, the listing (topics.md) in one of them: every measure page still links its
    topics to the listing, and the listing lists every measure, as in a single build."""
    project = project_with(tmp_path, ROOT / "tests" / "fixtures" / "ourplan" / "data")  # it has topics
    assert single(project, tmp_path / "one").returncode == 0
    docs = project / "docs"
    pages = [(p.relative_to(docs).as_posix(), str(p)) for p in docs.rglob("*.md")]
    shards = build_site.partition(pages, 3)
    owner = next(s for s in shards if "topics.md" in s)
    assert any(p.startswith("measures/") for shard in shards if shard is not owner for p in shard)
    done = parallel(project, tmp_path / "three", shards=3)
    assert done.returncode == 0, done.stderr
    assert "in 3 shards" in done.stderr
    assert_same_site(tmp_path / "one", tmp_path / "three")
    tagged = [p for p in (tmp_path / "three" / "measures").glob("*/index.html")
              if 'class="md-tag' in p.read_text(encoding="utf-8")]
    assert tagged and all('href="../../topics/#tag:' in p.read_text(encoding="utf-8") for p in tagged)


def test_merged_search_index_keeps_page_order() -> None:
    config = {"lang": ["zh"]}
    first = {"config": config, "docs": [{"location": ""}, {"location": "#a"}, {"location": "c/"}]}
    second = {"config": config, "docs": [{"location": "b/"}, {"location": "b/#x"}]}
    merged = build_site.merge_search([first, second], {"": 0, "b/": 1, "c/": 2})
    assert [d["location"] for d in merged["docs"]] == ["", "#a", "b/", "b/#x", "c/"]
    with pytest.raises(SystemExit, match="different settings"):
        build_site.merge_search([first, {**second, "config": {"lang": ["en"]}}], {})
