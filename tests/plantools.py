"""Shared helpers for the tests: fixture plans, overlays, running the CLI."""

from __future__ import annotations

import contextlib
import io
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
BASE_DATA = FIXTURES / "plan" / "data"
INVALID = FIXTURES / "invalid"
GOLDEN = FIXTURES / "golden"

sys.path.insert(0, str(ROOT / "scripts"))
import generate_pages  # noqa: E402


def make_data(tmp: Path, case: str | None = None) -> Path:
    """The base fixture plan, with a failure case's files laid over it."""
    data = tmp / "data"
    shutil.copytree(BASE_DATA, data)
    if case:
        shutil.copytree(INVALID / case / "data", data, dirs_exist_ok=True)
    return data


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = generate_pages.main(list(args))
    return code, out.getvalue(), err.getvalue()


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder with its bytes (to prove nothing changed)."""
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
