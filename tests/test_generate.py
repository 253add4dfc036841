"""The generator on the fixture plan: golden pages, safe text, and how it writes docs/."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from plansite.pipeline import ROOT, Project, build_outputs, generate
from tests.plantools import BASE_DATA, GOLDEN, make_data, run_cli, snapshot
from tests.projectcopy import copy_project, mkdocs_build


def test_generated_pages_match_the_goldens() -> None:
    """On a mismatch, run `.venv/bin/python tests/regen_expected.py` and review the diff."""
    _, outputs = build_outputs(Project(data_dir=BASE_DATA))
    goldens = {p.relative_to(GOLDEN).as_posix(): p.read_bytes() for p in GOLDEN.rglob("*") if p.is_file()}
    generated = {path: (c.encode() if isinstance(c, str) else c) for path, c in outputs.items()}
    assert sorted(generated) == sorted(goldens)
    for path, content in generated.items():
        assert content == goldens[path], f"{path} differs from its golden"


def test_markup_in_data_is_escaped() -> None:
    page = (GOLDEN / "measures" / "2.md").read_text(encoding="utf-8")
    # a measure page is written as HTML (plansite/htmlpages.py): text is escaped as HTML, no more
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page
    assert "*星号*" in page and "a|b" in page and "&amp;amp;" in page


def test_section_page_anchors_are_built_from_ids() -> None:
    page = (GOLDEN / "sections" / "1.md").read_text(encoding="utf-8")
    assert '<h2 data-search-exclude id="measure-1">' in page and '<h2 data-search-exclude id="measure-2">' in page


def _generate(data: Path, docs: Path) -> str:
    code, out, err = run_cli("--data", str(data), "--docs", str(docs))
    assert code == 0, err
    return out


def test_unchanged_data_writes_nothing(tmp_path: Path) -> None:
    data, docs = make_data(tmp_path), tmp_path / "docs"
    assert re.match(r"Generated docs/: [1-9][0-9]* written, 0 removed, 0 unchanged", _generate(data, docs))
    assert _generate(data, docs).startswith("Generated docs/: 0 written, 0 removed, ")


UNCHANGED = "(data, templates and generator unchanged since the last run)"


def test_unchanged_inputs_are_not_rendered_again(tmp_path: Path) -> None:
    """The build runs the generator right after `make build` did: it must see docs/ is current."""
    data, docs = make_data(tmp_path), tmp_path / "docs"
    assert UNCHANGED not in _generate(data, docs)
    before = snapshot(docs)
    assert _generate(data, docs).rstrip().endswith(UNCHANGED + ".")
    assert snapshot(docs) == before


@pytest.mark.parametrize("touch", ["edit", "delete", "same size"])
def test_a_touched_generated_page_is_regenerated(tmp_path: Path, touch: str) -> None:
    data, docs = make_data(tmp_path), tmp_path / "docs"
    _generate(data, docs)
    page = docs / "measures" / "1.md"
    original = page.read_bytes()
    if touch == "edit":
        page.write_text("改过的\n", encoding="utf-8")
    elif touch == "delete":
        page.unlink()
    else:  # other bytes of the same length: only the modification time tells
        page.write_bytes(original.replace("第1条".encode(), "第9条".encode(), 1))
    out = _generate(data, docs)
    assert UNCHANGED not in out and out.startswith("Generated docs/: 1 written, 0 removed, ")
    assert page.read_bytes() == original


@pytest.mark.parametrize("change", ["data", "template", "site url"])
def test_changed_inputs_are_rendered_again(tmp_path: Path, change: str) -> None:
    data, templates = make_data(tmp_path), tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    project = Project(data_dir=data, templates_dir=templates, docs_dir=tmp_path / "docs")
    generate(project)
    assert generate(project)[1].current
    if change == "data":
        plan = data / "plan.yaml"
        text = plan.read_text(encoding="utf-8")
        plan.write_text(text.replace("office: 示例区某某办公室", "office: 示例区某某委员会"), encoding="utf-8")
    elif change == "template":
        measure = templates / "measure.html.j2"
        measure.write_text(measure.read_text(encoding="utf-8") + "\n本页完。\n", encoding="utf-8")
    else:
        project = Project(data_dir=data, templates_dir=templates, docs_dir=tmp_path / "docs",
                          site_url="https://example.org/plan/")
    _, report = generate(project)
    assert not report.current and report.written


def test_an_edit_behind_a_symlinked_data_folder_is_seen(tmp_path: Path) -> None:
    data, docs = make_data(tmp_path), tmp_path / "docs"
    shutil.move(data / "parts", tmp_path / "parts")
    (data / "parts").symlink_to(tmp_path / "parts", target_is_directory=True)
    _generate(data, docs)
    part = tmp_path / "parts" / "2.yaml"
    part.write_text(part.read_text(encoding="utf-8").replace("text: ", "text: 改：", 1), encoding="utf-8")
    out = _generate(data, docs)
    assert UNCHANGED not in out and not out.startswith("Generated docs/: 0 written")
    assert "改：" in "".join(p.read_text(encoding="utf-8") for p in (docs / "measures").glob("*.md"))


def test_the_build_right_after_the_generator_renders_nothing(tmp_path: Path) -> None:
    """`make build`: the command line generates, then the hook finds docs/ current, SITE_URL with or
    without its final slash (MkDocs adds one)."""
    project = copy_project(tmp_path / "project")
    env = {"PATH": "/usr/bin:/bin", "SITE_URL": "https://example.org/plan"}
    subprocess.run([sys.executable, "scripts/generate_pages.py"], cwd=project, env=env, check=True,
                   capture_output=True)
    before = snapshot(project / "docs")
    result = mkdocs_build(project, site_url="https://example.org/plan")
    assert result.returncode == 0, result.stderr
    assert re.search(r"Generated docs/: 0 written, 0 removed, [1-9][0-9]* unchanged " + re.escape(UNCHANGED),
                     result.stderr)
    assert snapshot(project / "docs") == before
    assert "https://example.org/plan/measures/1/" in (project / "site" / "measures" / "1" / "index.html").read_text(
        encoding="utf-8")


def test_deleted_measure_page_is_removed_and_hand_written_pages_kept(tmp_path: Path) -> None:
    data, docs = make_data(tmp_path), tmp_path / "docs"
    for name in ("published-urls.txt", "url-changes.yaml"):  # the writer is under test here, not the URL ledger
        (data / name).unlink()
    (docs / "about").mkdir(parents=True)
    (docs / "about" / "index.md").write_text("# 关于\n", encoding="utf-8")
    _generate(data, docs)
    assert (docs / "measures" / "3.md").is_file()
    part = yaml.safe_load((data / "parts" / "2.yaml").read_text(encoding="utf-8"))
    del part["sections"][1]
    (data / "parts" / "2.yaml").write_text(yaml.safe_dump(part, allow_unicode=True), encoding="utf-8")
    out = _generate(data, docs)
    assert "2 removed" in out
    assert not (docs / "measures" / "3.md").exists() and not (docs / "sections" / "2.md").exists()
    assert (docs / "about" / "index.md").read_text(encoding="utf-8") == "# 关于\n"


def test_a_hand_written_page_in_the_way_is_never_overwritten(tmp_path: Path) -> None:
    data, docs = make_data(tmp_path), tmp_path / "docs"
    (docs / "measures").mkdir(parents=True)
    (docs / "measures" / "1.md").write_text("我自己写的\n", encoding="utf-8")
    before = snapshot(docs)
    code, _, err = run_cli("--data", str(data), "--docs", str(docs))
    assert code == 1
    assert err.splitlines()[0] == (
        "docs/measures/1.md: a hand-written file is in the way of a generated page "
        "(rename or remove it; the generator never overwrites hand-written files)"
    )
    assert snapshot(docs) == before


@pytest.mark.parametrize("tool", ["generate_pages", "mkdocs"])
def test_failed_validation_leaves_docs_and_site_unchanged(tmp_path: Path, tool: str) -> None:
    """A copy of the project with a broken data file: neither docs/ nor site/ change."""
    project = copy_project(tmp_path / "project")
    assert mkdocs_build(project).returncode == 0
    docs_before, site_before = snapshot(project / "docs"), snapshot(project / "site")
    assert "measures/1/index.html" in site_before
    broken = project / "data" / "parts" / "2.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("[区教育局]", "[区教肓局]"), encoding="utf-8")
    if tool == "mkdocs":
        result = mkdocs_build(project)
    else:
        result = subprocess.run([sys.executable, "scripts/generate_pages.py"], cwd=project,
                                capture_output=True, text=True)
    assert result.returncode == 1
    assert "data/parts/2.yaml:18:23: measure 2: unknown unit '区教肓局' (did you mean 区教育局?)" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(project / "docs") == docs_before
    assert snapshot(project / "site") == site_before
