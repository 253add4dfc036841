"""The scale benchmark's synthetic plan (scripts/bench.py), at scale 2: valid, distinct, twice the size.

Nothing here is timed; `make bench` measures.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from plansite.model import Plan
from plansite.pipeline import generate
from plansite.validate import load_plan
from tests.ourplan import OUR_DATA
from tests.plantools import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import bench


def make_project(root: Path, scale: int) -> bench.Project:
    """bench.make_project with our plan's data (tests/ourplan.py), whatever data/ holds."""
    project = bench.make_project(root, scale)
    shutil.rmtree(root / "data")
    bench.synth_data(OUR_DATA, root / "data", scale)
    return project


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> tuple[Plan, Plan]:
    data = tmp_path_factory.mktemp("bench") / "data"
    bench.synth_data(OUR_DATA, data, 2)
    return load_plan(OUR_DATA), load_plan(data)


def _unique(values: list[str]) -> bool:
    return len({v.casefold() for v in values}) == len(values)


def test_counts_double(plans: tuple[Plan, Plan]) -> None:
    base, twice = plans
    assert len(twice.parts) == 2 * len(base.parts)
    assert len(twice.sections) == 2 * len(base.sections)
    assert len(twice.measures) == 2 * len(base.measures)
    assert len(twice.units) == 2 * len(base.units)
    assert len(twice.aliases_used) == 2 * len(base.aliases_used)


def test_ids_slugs_and_spellings_are_unique(plans: tuple[Plan, Plan]) -> None:
    _, twice = plans
    assert _unique([p.id for p in twice.parts])
    assert _unique([s.id for s in twice.sections])
    assert _unique([m.id for m in twice.measures])
    assert len({m.number for m in twice.measures}) == len(twice.measures)
    assert _unique([u.slug for u in twice.units])
    spellings = [u.name for u in twice.units] + [a.spelling for u in twice.units for a in u.aliases]
    assert len(set(spellings)) == len(spellings)


def test_each_copy_names_its_own_units(plans: tuple[Plan, Plan]) -> None:
    base, twice = plans
    first = twice.measures[: len(base.measures)]  # copy 0 is data/ itself
    assert [(m.id, m.number, m.text) for m in first] == [(m.id, m.number, m.text) for m in base.measures]
    copy_slugs = {u.slug for u in twice.units[len(base.units):]}
    for measure in twice.measures[len(base.measures):]:
        for role in ("lead", "participating", "responsible"):
            assert {u.slug for u in measure.units(role)} <= copy_slugs


def test_topics_stay_shared(plans: tuple[Plan, Plan]) -> None:
    base, twice = plans
    assert [t.name for t in twice.topics] == [t.name for t in base.topics]
    tagged = sorted(t for m in twice.measures for t in m.topics)
    assert tagged == sorted(2 * [t for m in base.measures for t in m.topics])


def test_project_generates_and_regenerates_nothing(tmp_path: Path) -> None:
    project = make_project(tmp_path / "x2", 2)
    assert (tmp_path / "x2" / "plansite" / "mkdocs_hook.py").is_file()
    assert (tmp_path / "x2" / "mkdocs.yml").is_file()
    plan, first = generate(project)
    assert first.written and len(plan.measures) == 2 * len(load_plan(OUR_DATA).measures)
    _, again = generate(project)
    assert again.written == [] and again.removed == []
    nav = bench.naive_nav(project)
    listed = str(nav)
    assert all(f"measures/{m.id}.md" in listed for m in plan.measures)
    assert all(f"units/{u.slug}.md" in listed for u in plan.units)


def test_theme_floor_cuts_every_generated_page_and_builds_both_ways(tmp_path: Path) -> None:
    root = tmp_path / "x1"
    generate(make_project(root, 1))
    seconds = bench.floor_build(root)
    assert seconds["ours"] > 0 and seconds["defaults"] > 0
    measure = (root / "docs-floor" / "measures" / "7.md").read_text(encoding="utf-8")
    assert measure.startswith("---\n") and "title:" in measure and measure.endswith(bench.FLOOR_BODY)
    assert "民法典相伴" not in measure
    for site in ("site-floor", "site-defaults"):
        assert (root / site / "measures" / "7" / "index.html").is_file()
        assert (root / site / "units" / "sifaju" / "tasks" / "index.html").is_file()
    ours = (root / "site-floor" / "index.html").read_text(encoding="utf-8")
    assert "plan-announce" in ours and "责任单位" in ours  # the banner and our nav stay in the floor
    assert "plan-announce" not in (root / "site-defaults" / "index.html").read_text(encoding="utf-8")


def test_progress_grows_with_the_plan(tmp_path: Path) -> None:
    from plansite.progress import load_progress

    data = tmp_path / "data"
    bench.synth_data(ROOT / "data", data, 2)
    entries = bench.synth_progress(data)
    plan = load_plan(data)
    progress = load_progress(data, plan)
    assert progress is not None and [p.key for p in progress.periods] == list(bench.PROGRESS_PERIODS)
    pairs = [(m.id, u.slug) for m in plan.measures for u in m.units("lead") if not u.is_collective]
    departments = {slug for _, slug in pairs}
    assert entries == len(progress.entries) == 5 * len(pairs)
    assert len(progress.reports) == 5 * len(departments)


def _run(scale: int, build_s: float, floor_s: float | None = None) -> bench.Run:
    ratio = round(build_s / floor_s, 2) if floor_s else None
    return bench.Run(scale, 68 * scale, 190 * scale, 1.0, 0.1, build_s, build_s + 1.0, 100.0, 1500 * 68 * scale, 0,
                     floor_s, ratio)


def test_floor_ratio_is_a_target_and_a_column() -> None:
    within, beyond = _run(100, 90.0, 60.0), _run(100, 120.0, 60.0)
    assert bench.targets([_run(10, 9.0), within])[0][1:] == (True, "100x: 90.0 s / 60.0 s = 1.50")
    assert bench.targets([beyond])[0][1] is False
    assert bench.targets([_run(10, 9.0, 4.0)])[0][1] is None  # shown, but the target is at 100x
    assert bench.targets([_run(10, 9.0)])[0][1:] == (None, "not run")
    lines = bench.table([_run(10, 9.0), beyond]).splitlines()
    assert "build/floor" in lines[0] and "KB/measure" in lines[0]
    assert lines[1].split()[7:9] == ["-", "-"] and lines[2].split()[7:9] == ["60.00", "2.00"]
    assert lines[2].split()[11] == f"{1500 / 1024:.2f}"
