"""`make serve` (mkdocs serve): the preview cites the public address and leaves docs/ as `make build` made it.

MkDocs' serve replaces site_url with its own http://127.0.0.1:<port>/ before the first build
(mkdocs/commands/serve.py); these tests run the hook's events in that order on a copy of the project.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from plansite.pipeline import Project, generate
from tests.projectcopy import add_change, copy_project, delete_measure, edit_yaml

PUBLIC = "https://example.gov.cn/plan/"
DEV = "http://127.0.0.1:8123/"


def _docs(project: Path) -> dict[str, bytes]:
    return {p.relative_to(project / "docs").as_posix(): p.read_bytes()
            for p in sorted((project / "docs").rglob("*")) if p.is_file()}


def _run_hook(project: Path, command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The hook's events as `mkdocs <command>` fires them, with serve's substitution of site_url."""
    from mkdocs.config import load_config

    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.setenv("SITE_URL", PUBLIC)
    config = load_config(str(project / "mkdocs.yml"))
    config.plugins.on_startup(command=command, dirty=False)
    config.site_url = DEV  # what serve does between on_startup and the first build
    config.plugins.on_config(config)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = copy_project(tmp_path / "project")
    generate(Project(project, site_url=PUBLIC))  # as `SITE_URL=… make build` left it
    return project


def test_serve_leaves_docs_as_the_build_made_them(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _docs(project)
    assert any(PUBLIC.encode() in content for content in before.values())  # citations carry the address
    _run_hook(project, "serve", monkeypatch)
    assert _docs(project) == before


def test_serve_regenerates_with_the_public_address(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit while serving: the pages made for it cite the public address, never the dev server's."""
    part = project / "data" / "parts" / "2.yaml"
    part.write_text(part.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    (project / "docs" / ".generated").unlink()  # force a full render and compare
    _run_hook(project, "serve", monkeypatch)
    docs = _docs(project)
    assert not [rel for rel, content in docs.items() if b"127.0.0.1" in content]
    assert any(PUBLIC.encode() in content for content in docs.values())


def test_a_build_with_another_address_rewrites_docs(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The counter-check: outside serve, site_url is the address to cite, and the pages follow it."""
    _run_hook(project, "build", monkeypatch)
    assert any(b"http://127.0.0.1:8123/" in content for content in _docs(project).values())


def test_bench_times_an_edit_under_serve_and_stops_the_server(tmp_path: Path) -> None:
    """scripts/bench.py's edit to preview on the fixture plan: the edit lands in data/, the served page
    showed it (else a RuntimeError), and the server is gone afterwards. Nothing here is timed."""
    from tests.plantools import ROOT

    sys.path.insert(0, str(ROOT / "scripts"))
    import bench

    project = copy_project(tmp_path / "project")
    generate(Project(project))
    seconds = bench.edit_to_preview(project, start_timeout=300, edit_timeout=300, edits=2)
    assert seconds > 0
    assert "预览测试" in "".join(p.read_text(encoding="utf-8") for p in (project / "data" / "parts").glob("*.yaml"))
    assert _running_in(project) == []  # (other servers on this machine may come and go meanwhile)
    (tmp_path / "empty" / "parts").mkdir(parents=True)
    with pytest.raises(RuntimeError, match="no measure in"):
        bench.edit_measure(tmp_path / "empty", "x")


def _running_in(folder: Path) -> list[int]:
    """The processes whose working folder is `folder` (mkdocs serve runs in the project)."""
    import os

    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            with contextlib.suppress(OSError):
                if Path(os.readlink(proc / "cwd")) == folder.resolve():
                    found.append(int(proc.name))
    return found


# --- serve --dirty: only what an edit changed is rebuilt, and the site is what a full build makes ---


def _tag_measures(data: Path) -> None:
    (data / "topics.yaml").write_text(
        "topics:\n  - {name: 宪法, slug: xianfa, description: 宪法宣传}\n"
        "  - {name: 教育, slug: jiaoyu, description: 学校教育}\n", encoding="utf-8")

    def tag(part: dict[str, Any]) -> None:
        part["sections"][0]["measures"][0]["topics"] = ["宪法"]
        part["sections"][0]["measures"][1]["topics"] = ["教育"]

    edit_yaml(data / "parts" / "2.yaml", tag)


def _rename_unit(units: dict[str, Any]) -> None:
    unit = units["units"][0]
    unit.setdefault("aliases", []).append({"spelling": unit["name"]})  # the measures keep their spelling
    unit["name"] += "（新）"


def _measures(part: dict[str, Any]) -> list[dict[str, Any]]:
    return part["sections"][0]["measures"]


EDITS: list[tuple[str, Any]] = [
    ("measure text", lambda data: edit_yaml(data / "parts" / "2.yaml",
                                            lambda p: _measures(p)[0].update(text=_measures(p)[0]["text"] + "新句。"))),
    ("unit name", lambda data: edit_yaml(data / "units.yaml", _rename_unit)),
    ("a measure's topics", lambda data: edit_yaml(data / "parts" / "2.yaml",
                                                  lambda p: _measures(p)[1]["topics"].append("宪法"))),
    ("untagged measure text", lambda data: edit_yaml(data / "parts" / "2.yaml", lambda p: p["sections"][1][
        "measures"][0].update(text=p["sections"][1]["measures"][0]["text"] + "补充。"))),
    ("a measure's first topic", lambda data: edit_yaml(data / "parts" / "2.yaml", lambda p: p["sections"][1][
        "measures"][0].update(topics=["教育"]))),
    ("topic", lambda data: edit_yaml(data / "topics.yaml", lambda t: t["topics"][0].update(description="宪法学习"))),
    ("part title", lambda data: edit_yaml(data / "parts" / "2.yaml", lambda p: p.update(title=p["title"] + "（新）"))),
    ("a template", lambda data: (data.parent / "templates" / "part.html.j2").write_text(
        (data.parent / "templates" / "part.html.j2").read_text(encoding="utf-8") + "\n本部分完。\n", encoding="utf-8")),
    ("deleted measure", lambda data: (delete_measure(data, 2), add_change(
        data, {"url": "/measures/2/", "withdrawn": {"reason": "合并", "text": "旧的条文。"}}))),
]


def _site(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("defer", [False, True], ids=["whole", "deferred"])
def test_dirty_serve_builds_after_each_edit_what_a_full_build_makes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     defer: bool) -> None:
    """`make serve` (mkdocs serve --dirty) after each kind of edit, in one session as serve runs them,
    against a fresh `mkdocs build` of the same data: every file byte for byte, search index included.
    `deferred`: as on a large plan, the whole-site pages and data files wait for the full build; those
    may differ, and the preview says so on each such page."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from plansite import incremental
    from plansite.preview import STALE_CLASS

    if defer:
        monkeypatch.setattr(incremental, "DEFER_ABOVE", 0)
    project = copy_project(tmp_path / "project")
    _tag_measures(project / "data")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.chdir(project)
    preview = tmp_path / "preview"
    preview.mkdir()
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(preview))
    config.plugins.on_startup(command="serve", dirty=True)
    build(config, dirty=True)
    marked = 0
    for name, edit in EDITS:
        edit(project / "data")
        build(load_config(str(project / "mkdocs.yml"), site_dir=str(preview)), dirty=True)
        stale = _stale_in_site(project)
        full = tmp_path / f"full-{len(list(tmp_path.glob('full-*')))}"
        result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(full)],
                                cwd=project, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        expected, got = _site(full), _site(preview)
        assert sorted(got) == sorted(expected), name
        assert [rel for rel in expected if got[rel] != expected[rel] and rel not in stale] == [], name
        notes = [rel for rel in got if STALE_CLASS.encode() in got[rel]]
        assert notes == sorted(rel for rel in stale if rel.endswith(".html")), name
        marked += any(got[rel] != expected[rel] for rel in notes)
    assert marked if defer else not marked


def _stale_in_site(project: Path) -> set[str]:
    """The built files of what docs/.generated lists as stale (fulltext.md -> fulltext/index.html)."""
    from plansite.urls import url_of

    lines = (project / "docs" / ".generated").read_text(encoding="utf-8").splitlines()
    stale = [line.removeprefix("# stale ") for line in lines if line.startswith("# stale ")]
    return {(url_of(rel) or "").lstrip("/") + "index.html" if rel.endswith(".md") else rel for rel in stale}


def test_serve_keeps_the_plan_it_last_generated(tmp_path: Path) -> None:
    """The builds of one serve session take the plan from memory while the data stays as it was;
    `make build`'s hook loads and validates it again, as the bench times it."""
    from plansite.incremental import Session

    project = Project(copy_project(tmp_path / "project"))
    session = Session()
    plan, report = session.generate(project)
    assert report.written
    again, report = session.generate(project)
    assert report.current and again is plan
    loaded, report = generate(project)
    assert report.current and loaded is not plan


def test_search_entries_of_rebuilt_pages_take_the_place_of_their_old_ones() -> None:
    from plansite.preview import merge_search_docs

    def entries(*locations: str) -> list[dict[str, Any]]:
        return [{"location": location, "text": location.upper()} for location in locations]

    previous = entries("", "a/", "a/#x", "b/", "c/", "c/#y", "c/#z")
    fresh = entries("c/", "c/#new", "a/")  # as MkDocs rebuilt them; a/ lost its section
    assert merge_search_docs(previous, fresh, {"a/", "c/"}) == entries("", "a/", "b/", "c/", "c/#new")
    assert merge_search_docs([], entries("", "a/"), {"", "a/"}) == entries("", "a/")  # a full build
    assert merge_search_docs(previous, [], set()) == previous  # nothing rebuilt
    assert merge_search_docs(previous, entries("d/"), {"d/"}) == previous + entries("d/")  # no old place: last


def test_serve_rebuilds_after_an_edit_and_then_rests(tmp_path: Path) -> None:
    """`make serve` watches with inotify, which also reports reads: a build (reading docs/ and data/)
    must not set off another, nor must the generator's own writes to docs/. After an edit the server
    shows it, then stops rebuilding: one build per edit."""
    import os
    import time

    from tests.plantools import ROOT

    sys.path.insert(0, str(ROOT / "scripts"))
    import bench

    project = copy_project(tmp_path / "project")
    generate(Project(project))
    port, log = bench._free_port(), tmp_path / "serve.log"
    env = {**{k: v for k, v in os.environ.items() if k != "SITE_URL"}, "NO_MKDOCS_2_WARNING": "1"}
    with log.open("wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dirty", "--dev-addr",
                                   f"127.0.0.1:{port}"], cwd=project, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}/"
        bench._wait_for(lambda: bench._fetch(base) is not None, 300, "page served", server)
        measure = bench.edit_measure(project / "data", "预览静候")
        bench._wait_for(lambda: "预览静候" in (bench._fetch(f"{base}measures/{measure}/") or ""), 300,
                        "the edit", server)
        builds = [-1]
        for _ in range(30):  # until no build started for 2 s; a build that sets off the next never gets there
            builds.append(log.read_text(encoding="utf-8", errors="replace").count("Building documentation"))
            if builds[-1] == builds[-2]:
                break
            time.sleep(2)
        assert builds[-1] == builds[-2], f"still rebuilding: {builds}"
        assert builds[-1] == 2, builds  # the first build and the edit's: none for the generator's own writes
    finally:
        server.terminate()
        server.wait(timeout=30)
