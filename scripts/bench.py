#!/usr/bin/env python3
"""The scale benchmark: the whole pipeline on synthetic plans N times the size of data/.

    python scripts/bench.py --scales 1,10,100 [--json FILE] [--naive-scale 10] [--floor-scale 100] [--keep]
                            [--progress]

For each scale N, a temporary project is made whose data/ holds N copies of
data/ (copy 0 is data/ itself; copy k>=1 has its part, section and measure ids
and display numbers offset, unit slugs suffixed -k and every unit spelling
suffixed -k, so pages and units grow N times; topics are shared). Then it
times generate (in process, through the library), a second generate on
unchanged data that renders and compares every page (which must write
nothing) and the full strict build as `make build` runs it (scripts/build_site.py:
`mkdocs build --strict` in one shard a core, merged; a subprocess of this venv, with the
peak RSS of its largest process; its hook finds docs/ current and only
loads and validates the data: that part is timed in process as "hook s" and
counted in the generator's share), and prints a table and each target with
PASS/FAIL. Once, the --naive-scale plan is also built with
every measure and unit page in the nav, to show what the small nav saves.
Once, the --floor-scale plan is built as a theme floor: every generated page
cut to one heading and one line (front matter kept) and no hook, built with
our mkdocs.yml, nav and banner, and again with Material's defaults: what
MkDocs and the theme cost before any content or generator. The full build at that
scale, divided by the floor with our config, is the floor ratio (target <= 1.5).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from plansite.pipeline import Project, generate  # noqa: E402
from plansite.progress import parse_period  # noqa: E402
from plansite.render import page_path, site_description, site_nav, theme_extra  # noqa: E402
from plansite.validate import load_plan  # noqa: E402
from plansite.write import read_manifest  # noqa: E402

ROLES = ("lead", "participating", "responsible")

# Targets (benchmark targets, not test assertions). The full build at 100x is held against the
# theme floor measured in the same run (issue 16: MkDocs 1.x and Material cannot reach 60 s here).
MAX_FLOOR_RATIO = 1.5
MAX_GROWTH_10_TO_100 = 12.0
MAX_GENERATOR_SHARE = 0.15
MAX_RSS_MB_AT_100 = 1536.0
MAX_SEARCH_BYTES_PER_MEASURE = 3 * 1024
MAX_EDIT_TO_PREVIEW_S = {1: 1.0, 100: 5.0}  # by scale
LOCAL_HOST = "127.0.0.1"


# --- the synthetic plan ------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Writes every value out in full: the strict loader refuses YAML aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _dump(data: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)
    path.write_text(text, encoding="utf-8")


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _stride(values: list[Any]) -> int:
    """A round offset above every whole-number value: 68 -> 100, so copy 1 of measure 7 is 107."""
    top = max((v for v in values if isinstance(v, int)), default=0)
    return 10 ** len(str(top))


def _shift(value: int | str, k: int, stride: int) -> int | str:
    if k == 0:
        return value
    return value + k * stride if isinstance(value, int) else f"{value}-c{k}"


def _spell(spelling: str, k: int) -> str:
    return spelling if k == 0 else f"{spelling}-{k}"


def _slug(slug: str, k: int) -> str:
    return slug if k == 0 else f"{slug}-{k}"


def synth_data(source: Path, dest: Path, scale: int) -> None:
    """Write into `dest` a data folder made of `scale` copies of the data folder `source`."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    dest.mkdir(parents=True, exist_ok=True)
    # plan.yaml, topics.yaml (if any: topic names stay shared), the URL ledger and url-changes.yaml
    # are copied as they are: copy 0 keeps every published URL, so the ledger still resolves.
    for path in sorted(source.iterdir()):
        if path.is_file() and path.name != "units.yaml":
            shutil.copy2(path, dest / path.name)

    registry = _load(source / "units.yaml")
    units, combined = [], []
    for k in range(scale):
        for raw in registry.get("units", []):
            unit = copy.deepcopy(raw)
            unit["slug"], unit["name"] = _slug(raw["slug"], k), _spell(raw["name"], k)
            for alias in unit.get("aliases", []):
                alias["spelling"] = _spell(alias["spelling"], k)
            units.append(unit)
        for raw in registry.get("combined", []):
            entry = copy.deepcopy(raw)
            entry["spelling"] = _spell(raw["spelling"], k)
            entry["units"] = [_spell(name, k) for name in raw["units"]]
            combined.append(entry)
    registry["units"] = units
    if combined:
        registry["combined"] = combined
    _dump(registry, dest / "units.yaml")

    parts = [_load(path) for path in sorted((source / "parts").glob("*.yaml"))]
    sections = [s for p in parts for s in p.get("sections", [])]
    measures = [m for s in sections for m in s["measures"]]
    part_stride = _stride([p["id"] for p in parts])
    section_stride = _stride([s["id"] for s in sections])
    measure_stride = _stride([m["id"] for m in measures])
    number_stride = _stride([m["number"] for m in measures])
    for k in range(scale):
        for raw in parts:
            part = copy.deepcopy(raw)
            part["id"] = _shift(raw["id"], k, part_stride)
            if k:
                part["title"] = f"{raw['title']}（副本{k}）"
            for section in part.get("sections", []):
                section["id"] = _shift(section["id"], k, section_stride)
                for measure in section["measures"]:
                    measure["id"] = _shift(measure["id"], k, measure_stride)
                    measure["number"] = _shift(measure["number"], k, number_stride)
                    for role in ROLES:
                        if role in measure:
                            measure[role] = [_spell(s, k) for s in measure[role]]
            _dump(part, dest / "parts" / f"{part['id']}.yaml")


PROGRESS_PERIODS = ("2021", "2022", "2023-H1", "2023-H2", "2024")
PROGRESS_STATUSES = ROOT / "tests" / "fixtures" / "progress" / "data" / "progress" / "statuses.yaml"


def synth_progress(data: Path) -> int:
    """With --progress: a report per period (5) and per department leading a measure, an entry for each
    measure it leads (statuses that need no evidence, cycled); returns the number of entries."""
    plan = load_plan(data)
    leads: dict[str, list[Any]] = {}
    for measure in plan.measures:
        for unit in measure.units("lead"):
            if not unit.is_collective:
                leads.setdefault(unit.slug, []).append(measure)
    (data / "progress").mkdir()
    shutil.copy2(PROGRESS_STATUSES, data / "progress" / "statuses.yaml")
    count = 0
    for i, key in enumerate(PROGRESS_PERIODS):
        period = parse_period(key)
        assert period is not None
        for slug, measures in leads.items():
            entries = [{"measure": int(m.id) if m.id.isdigit() else m.id, "role": "lead",
                        "status": ("未启动", "序时推进", "滞后")[(n + i) % 3], "as_of": period.end.isoformat(),
                        "progress": min(100, 20 * i + n % 20),
                        "summary": f"{period.label}：{m.text[:40]}……（合成的落实情况）"}
                       for n, m in enumerate(measures)]
            _dump({"entries": entries}, data / "progress" / key / f"{slug}.yaml")
            count += len(entries)
    return count


def make_project(root: Path, scale: int, source: Path = ROOT, progress: bool = False) -> Project:
    """A temporary project folder: mkdocs.yml, templates/, overrides/, hand-written docs/, plansite/ and the data."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / "mkdocs.yml", root / "mkdocs.yml")
    for folder in ("templates", "overrides"):
        if (source / folder).is_dir():
            shutil.copytree(source / folder, root / folder)
    (root / "plansite").symlink_to(source / "plansite", target_is_directory=True)  # the hook's path
    generated = read_manifest(source / "docs")
    for path in sorted((source / "docs").rglob("*")):
        rel = path.relative_to(source / "docs").as_posix()
        if path.is_file() and rel not in generated and rel != ".generated":
            (root / "docs" / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, root / "docs" / rel)
    synth_data(source / "data", root / "data", scale)
    if progress:
        synth_progress(root / "data")
    return Project(root)


# --- running and measuring -----------------------------------------------------


@dataclass
class Run:
    scale: int
    measures: int
    pages: int
    generate_s: float
    hook_generate_s: float  # the generator's part of build_s: the hook finds docs/ current, loads, validates
    build_s: float
    total_s: float
    peak_rss_mb: float
    search_index_bytes: int
    unchanged_regenerate_writes: int
    floor_s: float | None = None  # at the floor's scale: the theme floor with our config, same run
    floor_ratio: float | None = None  # build_s / floor_s
    edit_to_preview_s: float | None = None  # `mkdocs serve` running: a one-measure edit to the page showing it

    @property
    def search_bytes_per_measure(self) -> float:
        return self.search_index_bytes / self.measures


def mkdocs_command() -> str:
    local = Path(sys.executable).parent / "mkdocs"
    return str(local) if local.exists() else (shutil.which("mkdocs") or "mkdocs")


def mkdocs_build(root: Path, config: str = "mkdocs.yml") -> tuple[float, float]:
    """`mkdocs build --strict` in `root`: wall seconds and the subprocess's peak RSS in MB."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1")
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        proc = subprocess.Popen([mkdocs_command(), "build", "--strict", "-f", config],
                                cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage, not the running max
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            log.seek(0)
            raise RuntimeError(f"mkdocs build failed in {root}:\n{log.read().decode('utf-8', 'replace')[-4000:]}")
    return elapsed, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def site_build(root: Path) -> tuple[float, float]:
    """The full strict build as `make build` runs it (scripts/build_site.py) into root/site: wall
    seconds and the peak RSS in MB of its largest process (shards are its children)."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1")
    command = [sys.executable, str(ROOT / "scripts" / "build_site.py"), "-f", str(root / "mkdocs.yml"),
               "--site-dir", str(root / "site")]
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        proc = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(proc.pid, 0)  # includes the shards it waited for
        elapsed = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status):
            log.seek(0)
            raise RuntimeError(f"the build failed in {root}:\n{log.read().decode('utf-8', 'replace')[-4000:]}")
    return elapsed, usage.ru_maxrss / 1024


def run_scale(root: Path, scale: int, progress: bool = False) -> Run:
    project = make_project(root, scale, progress=progress)
    start = time.perf_counter()
    plan, _report = generate(project)
    generate_s = time.perf_counter() - start
    _plan, again = generate(project, force=True)  # render and compare every page: what serve does on an edit
    start = time.perf_counter()
    _plan, current = generate(project)  # what the build's hook does next: docs/ is current, nothing rendered
    hook_s = time.perf_counter() - start
    if not current.current:
        raise RuntimeError(f"docs/ in {root} should be current after generating")
    build_s, rss = site_build(root)
    index = root / "site" / "search" / "search_index.json"
    pages = sum(1 for rel in read_manifest(project.docs) if rel.endswith((".md", ".html")))
    return Run(scale, len(plan.measures), pages, round(generate_s, 3), round(hook_s, 3),
               round(build_s, 3), round(generate_s + build_s, 3), round(rss, 1),
               index.stat().st_size if index.is_file() else 0, len(again.written) + len(again.removed))


# --- edit to preview -------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOCAL_HOST, 0))
        return probe.getsockname()[1]


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except (OSError, ValueError):  # not serving yet, or mid-rebuild
        return None


def _wait_for(condition: Any, timeout: float, what: str, server: subprocess.Popen[bytes]) -> float:
    """Poll `condition()` every 20 ms until true: the seconds it took; RuntimeError on timeout or exit."""
    start = time.perf_counter()
    while not condition():
        if server.poll() is not None:
            raise RuntimeError(f"mkdocs serve stopped (exit {server.returncode}) while waiting for {what}")
        if time.perf_counter() - start > timeout:
            raise RuntimeError(f"no {what} within {timeout:.0f} s")
        time.sleep(0.02)
    return time.perf_counter() - start


def edit_measure(data: Path, marker: str) -> int:
    """Append `marker` to the text of the first measure in data/parts/: the id of that measure."""
    for path in sorted((data / "parts").glob("*.yaml"), key=lambda p: (len(p.stem), p.stem)):
        measures = [m for s in _load(path).get("sections", []) for m in s["measures"]]
        if measures:
            raw, text = path.read_text(encoding="utf-8"), measures[0]["text"]
            if raw.count(text) != 1:
                raise RuntimeError(f"{path}: measure {measures[0]['id']}'s text is not written out once")
            path.write_text(raw.replace(text, text + marker), encoding="utf-8")
            return int(measures[0]["id"])
    raise RuntimeError(f"no measure in {data / 'parts'}")


def edit_to_preview(root: Path, start_timeout: float = 1800, edit_timeout: float = 600, edits: int = 3) -> float:
    """Seconds from saving a one-measure edit in data/ to `mkdocs serve` serving the measure's page
    with the new text, served as `make serve` does (--dirty); on a free 127.0.0.1 port, always stopped.
    The median of `edits` edits, each after the server has settled (this machine's load varies)."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}  # docs/ was generated without one
    env.update(NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1")
    base = f"http://{LOCAL_HOST}:{port}/"
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen([mkdocs_command(), "serve", "--dirty", "--dev-addr", f"{LOCAL_HOST}:{port}"],
                                  cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_for(lambda: _fetch(base) is not None, start_timeout, "page served", server)
            seconds = []
            for _ in range(edits):
                marker = f"预览测试{time.time_ns()}"
                measure = edit_measure(root / "data", marker)
                page = f"{base}measures/{measure}/"
                seconds.append(_wait_for(lambda: marker in (_fetch(page) or ""), edit_timeout,  # noqa: B023
                                         f"edit of measure {measure} on {page}", server))
                time.sleep(1 + 2 * seconds[-1])  # the rest of the build (search index, tag listings), then quiet
            return round(sorted(seconds)[len(seconds) // 2], 3)
        except RuntimeError as err:
            log.seek(0)
            raise RuntimeError(f"{err}; mkdocs serve said:\n{log.read().decode('utf-8', 'replace')[-4000:]}") from None
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def naive_nav(project: Project) -> list[dict[str, Any]]:
    """The nav a naive configuration would list: every part, section, measure and unit."""
    plan = load_plan(project.data)
    nav: list[dict[str, Any]] = [{"首页": "index.md"}]
    for part in plan.parts:
        children: list[dict[str, Any]] = [{"本部分概览": page_path(part)}]
        for s in part.sections:
            measures = [{f"第{m.number}条": page_path(m)} for m in s.measures]
            children.append({f"（{s.number}）{s.title}": [{"本节": page_path(s)}, *measures]})
        nav.append({f"{part.number}、{part.title}": children})
    nav.append({"责任单位": [{"全部单位": "units/index.md"}, *({u.name: page_path(u)} for u in plan.units)]})
    listed = {"index.md", "units/index.md", "parts/index.md"}
    # the rest of our nav's own pages (full text, consultation, …), in its order
    nav += [entry for entry in site_nav(plan)
            if isinstance(target := next(iter(entry.values())), str)
            and target not in listed and not target.startswith("parts/")]
    return nav


def naive_build(root: Path) -> float:
    """Build with an explicit full nav (mkdocs-naive.yml beside mkdocs.yml); wall seconds."""
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    if re.search(r"^nav\s*:", text, re.MULTILINE):
        raise RuntimeError("mkdocs.yml already has a nav; the naive comparison expects none")
    nav = yaml.dump({"nav": naive_nav(Project(root))}, Dumper=_Dumper, allow_unicode=True, sort_keys=False)
    (root / "mkdocs-naive.yml").write_text(text + "\n" + nav, encoding="utf-8")
    seconds, _rss = mkdocs_build(root, "mkdocs-naive.yml")
    return round(seconds, 3)


FLOOR_BODY = "\n# 标题\n\n正文一行。\n"


def _floor_docs(root: Path) -> None:
    """docs-floor/: a copy of docs/ whose generated pages keep their front matter but hold one line."""
    docs, floor = root / "docs", root / "docs-floor"
    shutil.copytree(docs, floor)
    for rel in read_manifest(docs):
        if rel.endswith(".md"):
            text = (floor / rel).read_text(encoding="utf-8")
            head = re.match(r"---\n.*?\n---\n", text, re.DOTALL)
            (floor / rel).write_text((head.group(0) if head else "") + FLOOR_BODY, encoding="utf-8")


def floor_build(root: Path) -> dict[str, float]:
    """The theme floor of a generated project, in wall seconds of `mkdocs build --strict` on docs-floor/:

    - "ours": our mkdocs.yml minus the hook, plus what the hook would have set (nav, banner, description);
    - "defaults": Material with its defaults (language zh, no Google Fonts, search) and a one-page nav.
    """
    plan = load_plan(root / "data")
    _floor_docs(root)
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    text, hooks = re.subn(r"^hooks:\n(?:  - .*\n)+", "", text, flags=re.MULTILINE)
    text = re.sub(r"^(docs_dir|site_dir):.*\n", "", text, flags=re.MULTILINE)
    text += "docs_dir: docs-floor\nsite_dir: site-floor\n"
    text = re.sub(r"^extra:\n(?:[ #].*\n)+", "", text, flags=re.MULTILINE)  # set below, with the hook's part
    if hooks != 1 or re.search(r"^(nav|extra)\s*:", text, re.MULTILINE):
        raise RuntimeError("the floor expects mkdocs.yml to name one hook, no nav, and extra only as one block")
    extra = {"plan": theme_extra(plan)}
    hooked = {"site_description": site_description(plan), "nav": site_nav(plan), "extra": extra}
    text += "\n" + yaml.dump(hooked, Dumper=_Dumper, allow_unicode=True, sort_keys=False)
    (root / "mkdocs-floor.yml").write_text(text, encoding="utf-8")
    defaults = {"site_name": "floor", "docs_dir": "docs-floor", "site_dir": "site-defaults",
                "theme": {"name": "material", "language": "zh", "font": False},
                "nav": ["index.md"], "validation": {"omitted_files": "ignore"}}
    (root / "mkdocs-defaults.yml").write_text(yaml.safe_dump(defaults, allow_unicode=True), encoding="utf-8")
    return {"ours": round(mkdocs_build(root, "mkdocs-floor.yml")[0], 3),
            "defaults": round(mkdocs_build(root, "mkdocs-defaults.yml")[0], 3)}


# --- targets and report ----------------------------------------------------------


def targets(runs: list[Run]) -> list[tuple[str, bool | None, str]]:
    """(target, PASS/FAIL or None when the scales run do not show it, the figure)."""
    by_scale = {r.scale: r for r in runs}
    big, ten = by_scale.get(100), by_scale.get(10)
    shares = {r.scale: (r.generate_s + r.hook_generate_s) / r.total_s for r in runs}
    per_measure = {r.scale: r.search_bytes_per_measure for r in runs}
    floored = next((r for r in runs if r.floor_ratio is not None), None)
    return [
        (f"full build within {MAX_FLOOR_RATIO}x of the theme floor (our config) at 100x",
         floored.floor_ratio <= MAX_FLOOR_RATIO if floored and floored.scale == 100 and floored.floor_ratio else None,
         f"{floored.scale}x: {floored.build_s:.1f} s / {floored.floor_s:.1f} s = {floored.floor_ratio:.2f}"
         if floored and floored.floor_s else "not run"),
        (f"total time 10x -> 100x grows <= {MAX_GROWTH_10_TO_100:.0f}x",
         big and ten and big.total_s / ten.total_s <= MAX_GROWTH_10_TO_100,
         f"{big.total_s / ten.total_s:.2f}x" if big and ten else "not run"),
        (f"generator share (generate + hook) <= {MAX_GENERATOR_SHARE:.0%} at every scale",
         all(s <= MAX_GENERATOR_SHARE for s in shares.values()),
         ", ".join(f"{k}x {s:.1%}" for k, s in shares.items())),
        ("unchanged regenerate writes 0 files", all(r.unchanged_regenerate_writes == 0 for r in runs),
         ", ".join(f"{r.scale}x {r.unchanged_regenerate_writes}" for r in runs)),
        (f"peak memory <= {MAX_RSS_MB_AT_100 / 1024:.1f} GB at 100x", big and big.peak_rss_mb <= MAX_RSS_MB_AT_100,
         f"{big.peak_rss_mb:.0f} MB" if big else "not run"),
        (f"search index <= {MAX_SEARCH_BYTES_PER_MEASURE // 1024} KB per measure",
         all(b <= MAX_SEARCH_BYTES_PER_MEASURE for b in per_measure.values()),
         ", ".join(f"{k}x {b / 1024:.2f} KB" for k, b in per_measure.items())),
        *(_preview_target(scale, by_scale.get(scale), seconds) for scale, seconds in MAX_EDIT_TO_PREVIEW_S.items()),
    ]


def _preview_target(scale: int, run: Run | None, limit: float) -> tuple[str, bool | None, str]:
    name = f"edit to preview at {scale}x <= {limit:.0f} s"
    if run is None or run.edit_to_preview_s is None:
        return name, None, "not run"
    return name, run.edit_to_preview_s <= limit, f"{run.edit_to_preview_s:.2f} s"


def table(runs: list[Run]) -> str:
    head = ("scale", "measures", "pages", "generate s", "hook s", "build s", "total s", "floor s", "build/floor",
            "peak RSS MB", "search KB", "KB/measure", "regen writes", "edit to preview s")
    rows = [head] + [
        (f"{r.scale}x", str(r.measures), str(r.pages), f"{r.generate_s:.2f}", f"{r.hook_generate_s:.2f}",
         f"{r.build_s:.2f}", f"{r.total_s:.2f}",
         f"{r.floor_s:.2f}" if r.floor_s else "-", f"{r.floor_ratio:.2f}" if r.floor_ratio else "-",
         f"{r.peak_rss_mb:.0f}", f"{r.search_index_bytes / 1024:.0f}", f"{r.search_bytes_per_measure / 1024:.2f}",
         str(r.unchanged_regenerate_writes),
         "-" if r.edit_to_preview_s is None else f"{r.edit_to_preview_s:.2f}")
        for r in runs
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    return "\n".join("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)) for row in rows)


def parse_scales(text: str) -> list[int]:
    scales = [int(s) for s in text.split(",") if s.strip()]
    if not scales or min(scales) < 1:
        raise argparse.ArgumentTypeError("scales are whole numbers >= 1, e.g. 1,10,100")
    return scales


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=parse_scales, default=[1, 10, 100], help="comma-separated, e.g. 1,10,100")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--naive-scale", type=int, default=10, help="scale of the full-nav comparison (0: skip)")
    parser.add_argument("--floor-scale", type=int, default=100,
                        help="scale of the theme floor (pages cut to one line, no hook; 0: skip)")
    parser.add_argument("--preview-scales", type=parse_scales,
                        help="scales at which to time edit to preview under mkdocs serve (default: every scale)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary projects and print where")
    parser.add_argument("--progress", action="store_true",
                        help="add progress reports: 5 periods x every department that leads a measure")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="plansite-bench-"))
    runs: list[Run] = []
    naive: dict[str, Any] | None = None
    floor: dict[str, Any] | None = None
    try:
        for scale in args.scales:
            run = run_scale(work / f"x{scale}", scale, args.progress)
            runs.append(run)
            print(f"{scale}x: {run.measures} measures, {run.pages} pages, generate {run.generate_s:.2f} s, "
                  f"build {run.build_s:.2f} s", flush=True)
            if scale in (args.preview_scales or args.scales):
                run.edit_to_preview_s = edit_to_preview(work / f"x{scale}")
                print(f"{scale}x: edit to preview {run.edit_to_preview_s:.2f} s", flush=True)
        if args.naive_scale:
            root = work / f"x{args.naive_scale}"
            ours = next((r for r in runs if r.scale == args.naive_scale), None) or run_scale(root, args.naive_scale)
            naive_s = naive_build(root)
            naive = {"scale": args.naive_scale, "build_s": naive_s, "ours_build_s": ours.build_s,
                     "ratio": round(naive_s / ours.build_s, 2)}
        if args.floor_scale:
            root = work / f"x{args.floor_scale}"
            ours = next((r for r in runs if r.scale == args.floor_scale), None) or run_scale(root, args.floor_scale)
            seconds = floor_build(root)
            ours.floor_s, ours.floor_ratio = seconds["ours"], round(ours.build_s / seconds["ours"], 2)
            floor = {"scale": args.floor_scale, "pages": ours.pages, "build_s": seconds["ours"],
                     "defaults_build_s": seconds["defaults"], "ours_total_s": ours.total_s,
                     "ours_build_s": ours.build_s, "ratio": ours.floor_ratio,
                     "ours_generate_s": ours.generate_s}
    finally:
        if args.keep:
            print(f"temporary projects kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    print()
    print(table(runs))
    if naive:
        print(f"\nnaive full nav at {naive['scale']}x: build {naive['build_s']:.2f} s vs ours "
              f"{naive['ours_build_s']:.2f} s: {naive['ratio']:.2f}x slower")
    if floor:
        print(f"\ntheme floor at {floor['scale']}x, {floor['pages']} pages cut to one line each, no hook:\n"
              f"  our mkdocs.yml, nav and banner: {floor['build_s']:.2f} s "
              f"({1000 * floor['build_s'] / floor['pages']:.2f} ms a page)\n"
              f"  Material's defaults:            {floor['defaults_build_s']:.2f} s "
              f"({1000 * floor['defaults_build_s'] / floor['pages']:.2f} ms a page)\n"
              f"  the full build ({floor['ours_build_s']:.2f} s) is {floor['ratio']:.2f}x the floor with our config;\n"
              f"  plus our generator's {floor['ours_generate_s']:.2f} s, {floor['ours_total_s']:.2f} s in all")
    results = targets(runs)
    print()
    for name, ok, figure in results:
        verdict = "n/a " if ok is None else "PASS" if ok else "FAIL"
        print(f"{verdict}  {name}: {figure}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {"runs": [asdict(r) for r in runs], "naive": naive, "floor": floor,
                   "floor_s": floor and floor["build_s"], "floor_ratio": floor and floor["ratio"],
                   "targets": [{"target": n, "pass": ok, "figure": f} for n, ok, f in results]}
        args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
