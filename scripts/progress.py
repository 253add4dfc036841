#!/usr/bin/env python3
"""Progress reports (落实情况) through Excel: send each unit its 任务台账, read the filled sheets back.

    python scripts/progress.py sheets --period 2023-H1 --out sheets/
        one <unit-slug>.xlsx per unit: its measures pre-filled, the columns to fill, a drop-down
        of the declared statuses (data/progress/statuses.yaml); what it already reported is filled in
    python scripts/progress.py import sheets/*.xlsx
        the filled sheets back into data/progress/<period>/<unit-slug>.yaml; exit 0 and the files
        written, or exit 1 with every problem as `file.xlsx:任务台账!C7: …` and nothing written

Periods: a year (2023), a half-year (2023-H1, 2023-H2) or a quarter (2023-Q1 … 2023-Q4).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from plansite.pipeline import ROOT
from plansite.problems import PlanError
from plansite.progress_sheets import import_sheets, write_sheets


def count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="the data folder (default: data/)")
    commands = parser.add_subparsers(dest="command", required=True)
    sheets = commands.add_parser("sheets", help="write one <unit-slug>.xlsx per unit for a period")
    sheets.add_argument("--period", required=True, help="2023, 2023-H1 or 2023-Q3")
    sheets.add_argument("--out", type=Path, required=True, help="the folder to write the sheets into")
    read = commands.add_parser("import", help="read filled sheets back into data/progress/")
    read.add_argument("files", type=Path, nargs="+", metavar="file.xlsx")
    args = parser.parse_args(argv)
    try:
        if args.command == "sheets":
            written = write_sheets(args.data, args.period, args.out)
            for path, rows in written:
                print(f"{path}: {rows} measures")
            print(f"Wrote {len(written)} sheets for {args.period} into {args.out}.")
        else:
            missing = [p for p in args.files if not p.is_file()]
            if missing:
                for path in missing:
                    print(f"{path}: no such file", file=sys.stderr)
                print(f"{len(missing)} problem{'s' if len(missing) > 1 else ''} found; nothing was written.",
                      file=sys.stderr)
                return 1
            results = import_sheets(args.data, args.files)
            for path, changed in results:
                print(f"{path.relative_to(args.data.parent) if path.is_relative_to(args.data.parent) else path}: "
                      + ("written" if changed else "unchanged"))
            changed = sum(c for _, c in results)
            print(f"Read {count(len(args.files), 'sheet')}: {count(changed, 'file')} written, "
                  f"{len(results) - changed} unchanged, {len(args.files) - len(results)} with no row filled in.")
    except PlanError as err:
        print(err.report(), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
