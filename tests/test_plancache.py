"""The validated plan kept between the generator's run and the build's (plansite/plancache.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from plansite import pipeline, plancache
from plansite.pipeline import Project, generate
from tests.plantools import BASE_DATA, ROOT


def _project(tmp_path: Path) -> Project:
    shutil.copytree(BASE_DATA, tmp_path / "data")
    return Project(tmp_path, data_dir=tmp_path / "data", templates_dir=ROOT / "templates", docs_dir=tmp_path / "docs")


def test_a_current_build_reads_the_kept_plan_instead_of_the_data(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(tmp_path)
    plan, _ = generate(project)
    assert plancache.path_for(project.docs).is_file()

    def refuse(*_args: object) -> None:
        raise AssertionError("the data was loaded again")

    monkeypatch.setattr(pipeline, "load_plan", refuse)
    again, report = generate(project)
    assert report.current and again == plan


def test_a_changed_input_loads_the_data_again(tmp_path: Path) -> None:
    project = _project(tmp_path)
    generate(project)
    plan_file = project.data / "plan.yaml"
    plan_file.write_text(plan_file.read_text(encoding="utf-8").replace("示例区某某办公室", "示例区某某委员会"),
                         encoding="utf-8")
    plan, report = generate(project)
    assert not report.current and plan.office == "示例区某某委员会"
    assert plancache.load(project.docs, pipeline.fingerprint(project)) == plan


@pytest.mark.parametrize("content", [b"", b"not a pickle", b"\x80\x05K\x01."])
def test_a_broken_or_foreign_file_is_not_used(tmp_path: Path, content: bytes) -> None:
    project = _project(tmp_path)
    generate(project)
    plancache.path_for(project.docs).write_bytes(content)
    assert plancache.load(project.docs, pipeline.fingerprint(project)) is None
    plan, report = generate(project)  # loads the data as without a cache
    assert report.current and plan.office
    assert plancache.load(project.docs, "another fingerprint") is None
