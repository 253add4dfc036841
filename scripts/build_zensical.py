#!/usr/bin/env python3
"""Build the site with Zensical, Material's successor, from the same data/ and docs/ (README).

    python scripts/build_zensical.py [--out site-zensical] [--zensical .venv-zensical/bin/zensical]

Generates docs/ as `make build` does (nothing is written unless the data validates), lays out a
Zensical project in --out (a generated zensical.yml, copies of docs/ and overrides/), then runs
`zensical build --strict` there: the site is in <out>/site/. `make zensical` runs this.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from plansite import zensical
from plansite.pipeline import ROOT, Project, generate
from plansite.problems import PlanError

ZENSICAL = ROOT / ".venv-zensical" / "bin" / "zensical"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=ROOT, help="the project: mkdocs.yml, data/, docs/ (default: .)")
    parser.add_argument("--out", type=Path, help="the Zensical project folder (default: <root>/site-zensical)")
    parser.add_argument("--zensical", type=Path, default=ZENSICAL, help=f"the zensical command (default: {ZENSICAL})")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    out = (args.out or root / "site-zensical").resolve()
    if not args.zensical.is_file():
        print(f"{args.zensical}: no such command (make .venv-zensical installs it from requirements-zensical.txt)",
              file=sys.stderr)
        return 1
    if problem := zensical.out_problem(root, out):
        print(f"--out {out}: {problem}; nothing was written.", file=sys.stderr)
        return 1
    try:
        plan, report = generate(Project(root, site_url=os.environ.get("SITE_URL", "")))
    except PlanError as err:
        print(err.report(), file=sys.stderr)
        return 1
    print(f"Generated docs/: {report}.")
    config = zensical.prepare(plan, root, out)
    start = time.perf_counter()
    done = subprocess.run([str(args.zensical), "build", "--strict", "-f", str(config)], cwd=out,
                          stderr=subprocess.PIPE, text=True)
    report = done.stderr.split("Traceback (most recent call last):")  # Zensical's own, after its warnings
    print(report[0], end="", file=sys.stderr)
    if done.returncode:
        reason = report[-1].strip().splitlines()[-1] if len(report) > 1 else f"exit status {done.returncode}"
        print(f"zensical build --strict failed ({reason}); the pages named above are in docs/ "
              f"(a hand-written page, or a template).", file=sys.stderr)
        return 1
    if broken := zensical.broken_html_links(out / "docs", out / "site"):
        print("\n".join(broken), file=sys.stderr)
        print(f"zensical build --strict failed: {len(broken)} broken links in pages written as HTML "
              f"(templates/*.html.j2).", file=sys.stderr)
        return 1
    print(f"Zensical built {out / 'site'} in {time.perf_counter() - start:.2f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
