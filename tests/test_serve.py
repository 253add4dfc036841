"""`make serve` (mkdocs serve): the preview cites the public address and leaves docs/ as `make build` made it.

MkDocs' serve replaces site_url with its own http://127.0.0.1:<port>/ before the first build
(mkdocs/commands/serve.py); these tests run the hook's events in that order on a copy of the project.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from plansite.pipeline import Project, generate
from tests.projectcopy import copy_project

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
    import sys

    from tests.plantools import ROOT

    sys.path.insert(0, str(ROOT / "scripts"))
    import bench

    project = copy_project(tmp_path / "project")
    generate(Project(project))
    ports_before = _listening(bench.LOCAL_HOST)
    seconds = bench.edit_to_preview(project, start_timeout=300, edit_timeout=300)
    assert seconds > 0
    assert "预览测试" in "".join(p.read_text(encoding="utf-8") for p in (project / "data" / "parts").glob("*.yaml"))
    assert _listening(bench.LOCAL_HOST) == ports_before
    (tmp_path / "empty" / "parts").mkdir(parents=True)
    with pytest.raises(RuntimeError, match="no measure in"):
        bench.edit_measure(tmp_path / "empty", "x")


def _listening(host: str) -> set[int]:
    """The TCP ports listening on `host` (from /proc/net/tcp)."""
    hexhost = "".join(f"{int(b):02X}" for b in reversed(host.split(".")))
    ports: set[int] = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, port = local.split(":")
        if state == "0A" and address == hexhost:
            ports.add(int(port, 16))
    return ports
