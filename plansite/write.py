"""Write generated files into docs/: only what changed, stale ones removed, atomically.

`docs/.generated` lists what the generator wrote last time. A file not in it
is hand-written and never touched; a generated page that is no longer
produced (a deleted measure or unit) is removed.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .model import Location
from .problems import PlanError, Problem
from .render import GENERATED_MARK, Outputs

MANIFEST = ".generated"


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{len(self.written)} written, {len(self.removed)} removed, {self.unchanged} unchanged"


def _as_bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def read_manifest(docs: Path) -> set[str]:
    path = docs / MANIFEST
    if not path.is_file():
        return set()
    return {line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")}


def _is_ours(path: Path, previous: set[str], rel: str, content: bytes) -> bool:
    if rel in previous or not path.exists():
        return True
    existing = path.read_bytes()
    return existing == content or GENERATED_MARK.encode() in existing[:400]


def write_outputs(docs: Path, outputs: Outputs) -> WriteReport:
    """Bring docs/ in line with `outputs`; raise PlanError before writing if that would clobber a hand-written file."""
    previous = read_manifest(docs)
    encoded = {rel: _as_bytes(content) for rel, content in outputs.items()}
    root = docs.resolve()
    outside = [Problem(Location(f"docs/{rel}"), "a generated page would be written outside docs/",
                       "ids, slugs and URLs may not contain . or .. path segments")
               for rel in encoded if not (docs / rel).resolve().is_relative_to(root)]
    if outside:
        raise PlanError(outside)
    clashes = [
        Problem(Location(f"docs/{rel}"), "a hand-written file is in the way of a generated page",
                "rename or remove it; the generator never overwrites hand-written files")
        for rel, content in encoded.items()
        if not _is_ours(docs / rel, previous, rel, content)
    ]
    if clashes:
        raise PlanError(clashes)
    report = WriteReport()
    for rel, content in sorted(encoded.items()):
        target = docs / rel
        if target.is_file() and target.read_bytes() == content:
            report.unchanged += 1
            continue
        _atomic_write(target, content)
        report.written.append(rel)
    for rel in sorted(previous - set(encoded)):
        target = docs / rel
        if target.is_file():
            target.unlink()
            report.removed.append(rel)
            _remove_empty_parents(target.parent, docs)
    manifest = "# Files written by scripts/generate_pages.py; the rest of docs/ is hand-written.\n"
    manifest += "".join(f"{rel}\n" for rel in sorted(encoded))
    if not (docs / MANIFEST).is_file() or (docs / MANIFEST).read_text(encoding="utf-8") != manifest:
        _atomic_write(docs / MANIFEST, manifest.encode("utf-8"))
    return report


def _atomic_write(target: Path, content: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _remove_empty_parents(folder: Path, docs: Path) -> None:
    while folder != docs and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
