"""`make serve`'s generator (plansite/incremental.py, plansite/depends.py): after each kind of edit,
in one session as serve runs them, docs/ holds byte for byte what a full generation makes, while
only the pages the edit reaches were rendered."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from plansite import incremental
from plansite.incremental import Session
from plansite.pipeline import Project, build_outputs, fingerprint, generate
from plansite.problems import PlanError
from plansite.write import is_current, read_manifest
from tests.plantools import BASE_DATA, ROOT
from tests.projectcopy import add_change, copy_project, delete_measure, edit_yaml

sys.path.insert(0, str(ROOT / "scripts"))
import bench

Edit = Callable[[Path], Any]


def _project(tmp_path: Path, scale: int) -> Project:
    """The fixture plan, `scale` copies of it (bench.py's synthetic plan)."""
    root = copy_project(tmp_path / f"x{scale}")
    if scale > 1:
        shutil.rmtree(root / "data")
        bench.synth_data(BASE_DATA, root / "data", scale)
    return Project(root)


def _full(project: Project) -> dict[str, bytes]:
    """What a full generation makes of the data as it is now."""
    _plan, outputs = build_outputs(project)
    return {rel: content.encode() if isinstance(content, str) else content for rel, content in outputs.items()}


def _generated(project: Project) -> dict[str, bytes]:
    return {rel: (project.docs / rel).read_bytes() for rel in read_manifest(project.docs)}


def _measures(part: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for s in part["sections"] for m in s["measures"]]


def _measure(data: Path, measure_id: int, change: Callable[[dict[str, Any]], Any]) -> None:
    edit_yaml(data / "parts" / "2.yaml", lambda p: change(next(m for m in _measures(p) if m["id"] == measure_id)))


def _unit(data: Path, slug: str, change: Callable[[dict[str, Any]], Any]) -> None:
    edit_yaml(data / "units.yaml", lambda u: change(next(x for x in u["units"] if x["slug"] == slug)))


def _rename(unit: dict[str, Any]) -> None:
    unit.setdefault("aliases", []).append({"spelling": unit["name"]})  # the measures keep their spelling
    unit["name"] += "（新）"


def _prepend(path: Path, line: str) -> None:
    path.write_text(line + path.read_text(encoding="utf-8"), encoding="utf-8")


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _add_measure(part: dict[str, Any]) -> None:
    part["sections"][-1]["measures"].append({"id": 9, "number": 9, "text": "新增的措施。", "lead": ["区司法局"]})


# (what, the edit, whether only the pages it reaches are rendered)
EDITS: list[tuple[str, Edit, bool]] = [
    ("text of a measure naming a collective", lambda d: _measure(d, 1, lambda m: m.update(text=m["text"] + "新句。")),
     True),
    ("text of a measure naming one department", lambda d: _measure(d, 2, lambda m: m.update(text=m["text"] + "又")),
     True),
    ("a measure's unit", lambda d: _measure(d, 2, lambda m: m.update(responsible=["区司法局"])), True),
    ("a collective added to a measure", lambda d: _measure(d, 3, lambda m: m.update(participating=["区直各部门"])),
     True),
    ("a measure's own numbering", lambda d: _measure(d, 3, lambda m: m.update(numbering="（三）")), True),
    ("a department renamed", lambda d: _unit(d, "sifaju", _rename), True),
    ("another spelling of a unit", lambda d: _unit(d, "jiaoyuju", lambda u: u["aliases"].append(
        {"spelling": "区教委", "note": "旧称"})), True),
    ("a collective renamed", lambda d: _unit(d, "quzhi-gebumen", _rename), True),
    ("lines moved, nothing else", lambda d: _prepend(d / "parts" / "2.yaml", "# 一行说明\n"), True),
    ("a section's title", lambda d: edit_yaml(d / "parts" / "2.yaml", lambda p: p["sections"][0].update(
        title=p["sections"][0]["title"] + "（新）")), False),
    ("a measure added", lambda d: edit_yaml(d / "parts" / "2.yaml", _add_measure), False),
    ("a measure deleted", lambda d: (delete_measure(d, 2), add_change(
        d, {"url": "/measures/2/", "withdrawn": {"reason": "合并", "text": "旧的条文。"}})), False),
    ("the plan's title", lambda d: edit_yaml(d / "plan.yaml", lambda p: p.update(title=p["title"] + "（修订）")),
     False),
    ("a template", lambda d: _append(d.parent / "templates" / "part.html.j2", "\n本部分完。\n"), False),
    ("text again, after all that", lambda d: _measure(d, 1, lambda m: m.update(text=m["text"] + "再改。")), True),
]


@pytest.mark.parametrize("scale", [1, 13])  # 13 copies: more collectives than a unit's page lists
def test_after_each_edit_docs_holds_what_a_full_generation_makes(tmp_path: Path, scale: int) -> None:
    project = _project(tmp_path, scale)
    session = Session()
    session.generate(project)
    total = session.rendered
    assert total == len(_full(project))
    for what, edit, reached in EDITS:
        edit(project.data)
        _plan, report = session.generate(project)
        assert _generated(project) == _full(project), what
        assert not report.stale, what
        assert (session.rendered < total) if reached else (session.rendered == len(_full(project))), what
        assert is_current(project.docs, fingerprint(project)), what  # make build has nothing left to do


def test_an_edit_renders_what_shows_the_measure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The dependency map at work: a text edit of a measure naming one department renders that
    measure's page and its neighbours', its section and part, that department's pages and the
    whole-site pages, and the ledger's pages (they are checked on every run)."""
    project = _project(tmp_path, 13)
    session = Session()
    session.generate(project)
    seen: list[str] = []
    original = incremental.SelectiveRenderer.page

    def page(self: incremental.SelectiveRenderer, template: str, path: str, **context: Any) -> tuple[str, str]:
        result = original(self, template, path, **context)
        if result[1] is not incremental._SKIPPED:
            seen.append(path)
        return result

    monkeypatch.setattr(incremental.SelectiveRenderer, "page", page)
    _measure(project.data, 2, lambda m: m.update(text=m["text"] + "又"))
    _plan, report = session.generate(project)
    assert sorted(seen) == ["fulltext.md", "matrix.md", "measures/1.md", "measures/2.md", "measures/3.md",
                            "measures/4/index.html", "measures/5.md",  # the ledger's redirect and withdrawal
                            "parts/2.md", "sections/1.md", "sitemap.md", "units/jiaoyuju.md",
                            "units/jiaoyuju/tasks.md"]
    # a summary cuts a long text: the neighbours' links, the unit page and the matrix stay as they were
    assert sorted(report.written) == ["data/measures.csv", "data/plan.json", "data/plan.txt", "fulltext.md",
                                      "measures/2.md", "sections/1.md", "units/jiaoyuju/tasks.md"]


def test_a_large_plan_leaves_the_whole_site_pages_for_the_full_build(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Past DEFER_ABOVE measures, the full text, the matrix and the data files wait for `make build`
    (the site map too once labels or units change): docs/.generated lists them as stale, so that
    `make build` makes everything again; every other file is what a full generation makes."""
    monkeypatch.setattr(incremental, "DEFER_ABOVE", 0)
    project = _project(tmp_path, 2)
    session = Session()
    session.generate(project)
    before = _generated(project)
    _measure(project.data, 1, lambda m: m.update(text=m["text"] + "新句。"))
    _plan, report = session.generate(project)
    data_files = ["data/matrix.csv", "data/measures.csv", "data/plan.json", "data/plan.schema.json",
                  "data/plan.txt", "data/units.csv"]
    assert report.stale == sorted(["fulltext.md", "matrix.md", "data/index.md", *data_files])
    full, now = _full(project), _generated(project)
    assert {rel for rel in full if full[rel] != now[rel]} == {"fulltext.md", "data/measures.csv", "data/plan.json",
                                                              "data/plan.txt"}  # all stale, the rest current
    assert all(now[rel] == before[rel] for rel in report.stale)
    stamp = fingerprint(project)
    assert is_current(project.docs, stamp) is None  # not for make build
    assert is_current(project.docs, stamp, stale_ok=True) is not None

    _unit(project.data, "sifaju", _rename)
    _plan, report = session.generate(project)
    assert "sitemap.md" in report.stale and "fulltext.md" in report.stale

    _plan, report = generate(project)  # make build's generator
    assert not report.stale and _generated(project) == _full(project)
    _plan, report = session.generate(project)  # serve again: nothing left stale
    assert report.current and not report.stale


def test_an_invalid_edit_writes_nothing_and_the_next_one_starts_from_the_last_good_data(tmp_path: Path) -> None:
    project = _project(tmp_path, 1)
    session = Session()
    session.generate(project)
    before = _generated(project)
    part = project.data / "parts" / "2.yaml"
    good = part.read_text(encoding="utf-8")
    part.write_text(good.replace("text: 加强组织领导", "text: 加强组织领导\n  bad: [", 1), encoding="utf-8")
    with pytest.raises(PlanError) as raised:
        session.generate(project)
    assert "parts/2.yaml" in raised.value.report()
    assert _generated(project) == before
    part.write_text(good.replace("加强组织领导", "加强组织领导和协调"), encoding="utf-8")
    session.generate(project)
    assert _generated(project) == _full(project)
    assert session.rendered < len(before)  # only what the edit reaches, from the last good data


def test_the_data_files_are_read_again_only_when_their_bytes_change(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from plansite.validate import load_plan

    project = _project(tmp_path, 3)
    reads = incremental.ReadCache()
    counted: list[str] = []
    original = incremental.read_checked

    def counting(path: Path, *args: Any) -> Any:
        counted.append(path.name)
        return original(path, *args)

    monkeypatch.setattr(incremental, "read_checked", counting)
    first = load_plan(project.data, reads)
    assert sorted(counted) == sorted(["plan.yaml", "units.yaml", *(p.name for p in project.data.glob("parts/*.yaml"))])
    counted.clear()
    assert load_plan(project.data, reads) == first and counted == []
    _measure(project.data, 3, lambda m: m.update(text="改过的条文"))
    assert load_plan(project.data, reads).measures[2].text == "改过的条文"
    assert counted == ["2.yaml"]
