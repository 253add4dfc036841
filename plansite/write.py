"""Write generated files into docs/: only what changed, stale ones removed, atomically.

`docs/.generated` lists what the generator wrote last time. A file not in it
is hand-written and never touched; a generated page that is no longer
produced (a deleted measure or unit) is removed. Its header also records a
fingerprint of the inputs and the size and time of every file written, so that
`is_current` can tell, without rendering, that docs/ already holds exactly what
those inputs make (the build runs the generator again right after `make build`
did). Under `make serve` a few whole-site files may be left as they were (stale):
the manifest lists them, and only `make serve` itself takes such a docs/ as current.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .model import Location
from .problems import PlanError, Problem
from .render import GENERATED_MARK, Outputs

MANIFEST = ".generated"
_INPUTS, _FILES, _STALE = "# inputs ", "# files ", "# stale "
FileStats = dict[str, tuple[int, int]]  # path in docs/ -> size, modification time


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    current: bool = False  # nothing was rendered: docs/ already held what these inputs make
    stale: list[str] = field(default_factory=list)  # left as they were, not what these inputs make (make serve)
    stats: FileStats | None = field(default=None, repr=False)  # current: the generated files as checked

    def __str__(self) -> str:
        text = f"{len(self.written)} written, {len(self.removed)} removed, {self.unchanged} unchanged"
        if self.stale:
            text += f", {len(self.stale)} left for the full build ({', '.join(self.stale[:4])}" + (
                ", …)" if len(self.stale) > 4 else ")")
        return text + (" (data, templates and generator unchanged since the last run)" if self.current else "")


def _as_bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def _manifest_lines(docs: Path) -> list[str]:
    path = docs / MANIFEST
    return path.read_text(encoding="utf-8").splitlines() if path.is_file() else []


def read_manifest(docs: Path) -> set[str]:
    return {line for line in _manifest_lines(docs) if line and not line.startswith("#")}


def file_stats(docs: Path, rels: list[str]) -> FileStats | None:
    """Each file's size and modification time; None if one is missing."""
    stats = {}
    folder = str(docs)
    for rel in rels:
        try:
            stat = os.stat(os.path.join(folder, rel))  # not pathlib: 18,000 files at 100x, on every edit under serve
        except OSError:
            return None
        stats[rel] = (stat.st_size, stat.st_mtime_ns)
    return stats


def _files_state(stats: FileStats | None) -> str | None:
    """A digest of each file's path, size and modification time."""
    if stats is None:
        return None
    digest = hashlib.sha256()
    for rel, (size, mtime) in stats.items():
        digest.update(f"{rel}\0{size}\0{mtime}\n".encode())
    return digest.hexdigest()


def is_current(docs: Path, fingerprint: str, stale_ok: bool = False) -> WriteReport | None:
    """A report of nothing written if docs/ was generated from inputs with this fingerprint and no
    generated file has been touched since (edited, replaced or deleted); else None. A docs/ with
    files left stale (`make serve`) is current only if `stale_ok`."""
    lines = _manifest_lines(docs)
    inputs = next((line[len(_INPUTS):] for line in lines if line.startswith(_INPUTS)), None)
    files = next((line[len(_FILES):] for line in lines if line.startswith(_FILES)), None)
    stale = [line[len(_STALE):] for line in lines if line.startswith(_STALE)]
    if inputs != fingerprint or files is None or (stale and not stale_ok):
        return None
    rels = sorted(line for line in lines if line and not line.startswith("#"))
    stats = file_stats(docs, rels)
    if _files_state(stats) != files:
        return None
    return WriteReport(unchanged=len(rels), current=True, stale=stale, stats=stats)


def _is_ours(path: Path, previous: set[str], rel: str, content: bytes) -> bool:
    if rel in previous or not path.exists():
        return True
    existing = path.read_bytes()
    return existing == content or GENERATED_MARK.encode() in existing[:400]


def write_outputs(docs: Path, outputs: Outputs, fingerprint: str = "") -> WriteReport:
    """Bring docs/ in line with `outputs`; raise PlanError before writing if that would clobber a hand-written file.

    `fingerprint` identifies the inputs `outputs` were made from (see `is_current`).
    """
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
    report = write_changed(docs, encoded)
    for rel in sorted(previous - set(encoded)):
        target = docs / rel
        if target.is_file():
            target.unlink()
            report.removed.append(rel)
            _remove_empty_parents(target.parent, docs)
    write_manifest(docs, sorted(encoded), fingerprint)
    return report


def write_changed(docs: Path, outputs: dict[str, bytes]) -> WriteReport:
    """Write each of `outputs` whose file in docs/ differs (the checks of `write_outputs` already made)."""
    report = WriteReport()
    for rel, content in sorted(outputs.items()):
        target = docs / rel
        if target.is_file() and target.read_bytes() == content:
            report.unchanged += 1
            continue
        atomic_write(target, content)
        report.written.append(rel)
    return report


def write_manifest(docs: Path, rels: list[str], fingerprint: str = "", stale: list[str] | None = None,
                   stats: FileStats | None = None) -> None:
    """docs/.generated: the generated files `rels`, the inputs they were made from, and which of them
    (`stale`) were left as they were. `stats`: the files' sizes and times if known (`file_stats`)."""
    manifest = "# Files written by scripts/generate_pages.py; the rest of docs/ is hand-written.\n"
    if fingerprint and (files := _files_state(stats if stats is not None else file_stats(docs, rels))):
        manifest += f"{_INPUTS}{fingerprint}\n{_FILES}{files}\n" + "".join(f"{_STALE}{rel}\n" for rel in stale or ())
    manifest += "".join(f"{rel}\n" for rel in rels)
    if not (docs / MANIFEST).is_file() or (docs / MANIFEST).read_text(encoding="utf-8") != manifest:
        atomic_write(docs / MANIFEST, manifest.encode("utf-8"))


def atomic_write(target: Path, content: bytes) -> None:
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
