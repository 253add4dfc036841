"""Each failure case in tests/fixtures/invalid/ gives exactly its expected.txt, and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ourplan import OUR_DATA
from tests.plantools import BASE_DATA, INVALID, make_data, run_cli, snapshot

CASES = sorted(p.name for p in INVALID.iterdir() if p.is_dir())


def test_the_fixture_plan_is_valid() -> None:
    code, out, err = run_cli("--check", "--data", str(BASE_DATA))
    assert (code, err) == (0, "")
    assert out.startswith("OK: 2 parts, 2 sections, 3 measures, 3 units; ")


@pytest.mark.parametrize("case", CASES)
def test_failure_case(case: str, tmp_path: Path) -> None:
    data = make_data(tmp_path, case)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "keep.md").write_text("hand-written\n", encoding="utf-8")
    before = snapshot(docs)
    code, out, err = run_cli("--data", str(data), "--docs", str(docs))
    expected = (INVALID / case / "expected.txt").read_text(encoding="utf-8")
    assert f"exit {code}\n{err}" == expected
    assert "Traceback" not in err and out == ""
    assert snapshot(docs) == before


def test_every_problem_at_once_sorted_by_file_and_line(tmp_path: Path) -> None:
    data = make_data(tmp_path, "wrong-types")
    code, _, err = run_cli("--check", "--data", str(data))
    lines = err.splitlines()[:-1]
    assert code == 1 and len(lines) == 4
    keys = [(line.split(":")[0], int(line.split(":")[1])) for line in lines]
    assert keys == sorted(keys)


def test_check_reports_every_resolved_alias() -> None:
    code, out, _ = run_cli("--check", "--data", str(OUR_DATA))
    assert code == 0
    assert "'区为政法委' read as 区委政法委 (原文笔误)" in out
    assert "'区司法局等区直相关部门' read as 区司法局、区直相关部门" in out


def test_missing_files(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    code, _, err = run_cli("--check", "--data", str(tmp_path / "data"))
    assert code == 1
    assert err.splitlines() == [
        "data/parts: no part files (parts/*.yaml)",
        "data/plan.yaml: file is missing",
        "data/units.yaml: file is missing",
        "3 problems found; nothing was written.",
    ]


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    data = make_data(tmp_path)
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 12)]
    (data / "units.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = run_cli("--check", "--data", str(data))
    assert code == 1
    assert "data/units.yaml:2:" in err and "YAML aliases (*name) are not allowed" in err
