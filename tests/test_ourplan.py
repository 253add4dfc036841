"""The tests of our plan follow our source file, not whatever data/ holds (tests/ourplan.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.ourplan import COPY, OUR_DATA, is_our_plan
from tests.plantools import ROOT

CORPUS = Path(__file__).parent / "fixtures" / "import"


def test_our_plan_is_recognised_by_its_source(tmp_path: Path) -> None:
    assert is_our_plan(COPY)
    assert is_our_plan(OUR_DATA)
    assert (ROOT / "data" if is_our_plan(ROOT / "data") else COPY) == OUR_DATA


def test_another_plan_in_data_is_not_ours(tmp_path: Path) -> None:
    from plansite.importer import dump_plan, parse_plan

    other = tmp_path / "data"
    dump_plan(parse_plan((CORPUS / "yinfa-zhengshi" / "plan.txt").read_text(encoding="utf-8")), other)
    assert not is_our_plan(other)
    assert not is_our_plan(tmp_path / "absent")
    shutil.copytree(COPY, tmp_path / "ours")
    (tmp_path / "ours" / "plan.yaml").write_text("- not: a mapping\n", encoding="utf-8")
    assert not is_our_plan(tmp_path / "ours")
