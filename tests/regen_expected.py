#!/usr/bin/env python3
"""Regenerate the expected outputs of the tests: review the diff before committing.

    .venv/bin/python tests/regen_expected.py

- tests/fixtures/golden/: the Markdown generated from tests/fixtures/plan/data
- tests/fixtures/invalid/<case>/expected.txt: what --check prints for each failure case
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.plantools import BASE_DATA, GOLDEN, INVALID, make_data, run_cli


def main() -> None:
    shutil.rmtree(GOLDEN, ignore_errors=True)
    code, _, err = run_cli("--data", str(BASE_DATA), "--docs", str(GOLDEN))
    assert code == 0, err
    (GOLDEN / ".generated").unlink()
    for case in sorted(p.name for p in INVALID.iterdir()):
        with tempfile.TemporaryDirectory() as tmp:
            data = make_data(Path(tmp), case)
            code, _, err = run_cli("--check", "--data", str(data))
        (INVALID / case / "expected.txt").write_text(f"exit {code}\n{err}", encoding="utf-8")
    print(f"regenerated {GOLDEN} and {len(list(INVALID.iterdir()))} expected outputs; review with git diff")


if __name__ == "__main__":
    main()
