#!/usr/bin/env python3
"""Build the example project: a fictitious plan with fictitious progress reports, every progress feature.

    python scripts/build_example.py [--out build/example]      (or: make example)

Copies this repository's generator, templates and theme with the fixture data of
tests/fixtures/progress/data (示例区: four units, two half-years of reports) into --out, marks it as
an example (the plan's title, hence the site name on every page, and a notice on every
progress section), and builds it with `mkdocs build --strict` into <out>/site. Nothing in data/,
docs/ or site/ is touched.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_DATA = ROOT / "tests" / "fixtures" / "progress" / "data"
COPIED = ("mkdocs.yml", "templates", "overrides", "plansite", "scripts", "docs/assets")
MARK = ".plansite-example"  # only a folder holding this file is ever emptied
NOTICE = "示例：本站的方案和落实情况均为虚构数据，只用于演示落实情况的报送与发布，不是任何地方的真实情况。"


def prepare(out: Path) -> None:
    if out.exists():
        if not (out / MARK).is_file():
            raise SystemExit(f"{out} exists and is not an example build ({MARK} missing); choose another --out")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / MARK).write_text("built by scripts/build_example.py\n", encoding="utf-8")
    for name in COPIED:
        src, dest = ROOT / name, out / name
        if src.is_dir():
            shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, dest)
    shutil.copytree(EXAMPLE_DATA, out / "data")
    statuses = out / "data" / "progress" / "statuses.yaml"
    statuses.write_text(statuses.read_text(encoding="utf-8") + f"example: {NOTICE}\n", encoding="utf-8")
    # The site's name is the plan's title (the hook sets it from the data): mark the title itself,
    # so that the header and every page's <title> say it is an example.
    plan = out / "data" / "plan.yaml"
    text, marked = re.subn(r"(?m)^title: (.*)$", lambda m: f"title: 【示例·虚构数据】{m.group(1)}",
                           plan.read_text(encoding="utf-8"), count=1)
    if not marked:
        raise SystemExit(f"{plan}: no 'title:' line to mark as an example")
    plan.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "example", help="default: build/example")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    prepare(out)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SITE_URL", None)
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"], cwd=out, env=env)
    if result.returncode:
        return result.returncode
    print(f"Example site built in {out / 'site'} (open {out / 'site' / 'index.html'}, or serve that folder).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
