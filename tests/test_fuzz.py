"""Fuzzing the data files: whatever a careless edit or a hostile hand makes of them, the generator
either builds or reports problems as `data/…: message`; never a traceback, never a half-written docs/.

Bounded: a fixed number of examples per test, so `make test` stays quick; the mutations are the
slips seen in practice (a stray quote, colon, dash or #, a tab, a pasted invisible character, a
line lost or doubled, a file cut short) and random bytes.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plansite.pipeline import Project, build_outputs
from plansite.problems import PlanError
from tests.plantools import make_data, run_cli, snapshot

FILES = ["plan.yaml", "units.yaml", "parts/1.yaml", "parts/2.yaml", "url-changes.yaml", "published-urls.txt"]
# What slips into a hand-edited YAML file, and what an attacker would try.
SLIPS = ["'", '"', ":", ": ", " #", "#", "- ", "-", "[", "]", "{", "}", ",", "&a ", "*a", "!", "|", ">", "%",
         "@", "`", "\t", "\n", "  ", "\r", "\u2028", "\ufeff", "\u200b", "\u202e", "\x00", "\x07", "\\ud800",
         "\\x07", "\\u200b", "<script>", '"><img src=x onerror=alert(1)>', "javascript:", "../", "/measures/9/",
         "征求意见稿", "区司法局", "id: 1", "number: 1", "text:", "~", "null", "no", "1.10", "2020-01-01", "0x1F"]

SETTINGS = settings(max_examples=70, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                           HealthCheck.too_slow])


@st.composite
def mutation(draw: st.DrawFn) -> tuple[str, list[tuple[str, int, int, str]]]:
    """A file and a few edits to it: (kind, position, length, inserted text)."""
    name = draw(st.sampled_from(FILES))
    edits = draw(st.lists(st.tuples(
        st.sampled_from(["insert", "delete", "replace", "duplicate-line", "drop-line", "cut"]),
        st.integers(0, 4000), st.integers(0, 40),
        st.one_of(st.sampled_from(SLIPS), st.text(max_size=8)),
    ), min_size=1, max_size=4))
    return name, edits


def apply(text: str, edits: list[tuple[str, int, int, str]]) -> str:
    for kind, position, length, inserted in edits:
        at = position % (len(text) + 1)
        lines = text.split("\n")
        line = position % len(lines)
        if kind == "insert":
            text = text[:at] + inserted + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + length:]
        elif kind == "replace":
            text = text[:at] + inserted + text[at + len(inserted):]
        elif kind == "duplicate-line":
            text = "\n".join([*lines[:line + 1], lines[line], *lines[line + 1:]])
        elif kind == "drop-line":
            text = "\n".join(lines[:line] + lines[line + 1:])
        else:
            text = text[:at]
    return text


def _outcome(data: Path) -> None:
    """Build in memory; a failure must be a PlanError whose every problem points into data/."""
    try:
        _, outputs = build_outputs(Project(data_dir=data))
    except PlanError as err:
        assert err.problems
        for problem in err.problems:
            assert str(problem).startswith("data/"), str(problem)
            assert len(str(problem)) < 600, str(problem)[:600]
        return
    for path, content in outputs.items():
        assert isinstance(content, (str, bytes)) and not path.startswith(("/", "..")), path


@SETTINGS
@given(change=mutation())
def test_a_mutated_data_file_builds_or_is_reported(tmp_path: Path, change: tuple[str, list]) -> None:
    name, edits = change
    data = make_data(Path(tempfile.mkdtemp(dir=tmp_path)))
    path = data / name
    path.write_text(apply(path.read_text(encoding="utf-8"), edits), encoding="utf-8", errors="surrogatepass")
    _outcome(data)


@SETTINGS
@given(name=st.sampled_from(FILES), junk=st.binary(max_size=200), at=st.integers(0, 2000))
def test_random_bytes_in_a_data_file_are_reported(tmp_path: Path, name: str, junk: bytes, at: int) -> None:
    data = make_data(Path(tempfile.mkdtemp(dir=tmp_path)))
    path = data / name
    raw = path.read_bytes()
    at %= len(raw) + 1
    path.write_bytes(raw[:at] + junk + raw[at:])
    _outcome(data)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(change=mutation())
def test_a_failed_generate_writes_nothing(tmp_path: Path, change: tuple[str, list]) -> None:
    name, edits = change
    root = Path(tempfile.mkdtemp(dir=tmp_path))
    data = make_data(root)
    docs = root / "docs"
    docs.mkdir()
    (docs / "keep.md").write_text("hand-written\n", encoding="utf-8")
    before = snapshot(docs)
    path = data / name
    path.write_text(apply(path.read_text(encoding="utf-8"), edits), encoding="utf-8", errors="surrogatepass")
    code, _, err = run_cli("--data", str(data), "--docs", str(docs))
    assert "Traceback" not in err
    if code != 0:
        assert snapshot(docs) == before
