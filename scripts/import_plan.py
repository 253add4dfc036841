"""Import a plan's plain text into data/plan.yaml and data/parts/<id>.yaml.

    python scripts/import_plan.py SOURCE.txt [--out data]     # re-import into existing data
    python scripts/import_plan.py --new SOURCE.txt            # start a new site: a complete data/

With --new (data/ absent or empty) it also writes a first unit registry (units.yaml: every
spelling the measures use, slugs in pinyin, kinds guessed and listed for review), an empty
URL ledger (published-urls.txt) and url-changes.yaml; then `make build` builds the site.
Without --new, units.yaml is never written: it is curated by hand. If it exists, every unit
spelling in the imported measures that it does not know is listed, so the
registry can be completed. A source line the importer cannot place stops the
import with `SOURCE:LINE: message` and exit status 2; nothing is written then.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import yaml  # noqa: E402

from plansite.bootstrap import REVIEW_NOTE, unit_registry  # noqa: E402
from plansite.importer import ImportProblem, all_measures, dump_plan, measure_spellings, parse_plan, to_yaml  # noqa: E402
from plansite.ledger import LEDGER_HEADER  # noqa: E402

UNITS_SCHEMA = "# yaml-language-server: $schema=../plansite/schema/units.schema.json"
CHANGES_SCHEMA = "# yaml-language-server: $schema=../plansite/schema/url-changes.schema.json"


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def known_spellings(registry: Any) -> set[str]:
    """Names, alias spellings and combined spellings of a loaded units.yaml."""
    if not isinstance(registry, dict):
        return set()
    known: set[str] = set()
    for unit in registry.get("units") or []:
        if isinstance(unit, dict):
            known.add(str(unit.get("name", "")))
            known.update(str(a.get("spelling", "")) for a in unit.get("aliases") or [] if isinstance(a, dict))
    for combined in registry.get("combined") or []:
        if isinstance(combined, dict):
            known.add(str(combined.get("spelling", "")))
    return known


def report_unknown_spellings(parsed: dict[str, Any], units_file: Path) -> None:
    try:
        registry = yaml.safe_load(units_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        print(f"warning: cannot read {_shown(units_file)}: {err}", file=sys.stderr)
        return
    known = known_spellings(registry)
    unknown = {s: numbers for s, numbers in measure_spellings(parsed).items() if s not in known}
    if not unknown:
        print(f"every unit spelling is known to {_shown(units_file)}")
        return
    print(f"{len(unknown)} unit spelling(s) unknown to {_shown(units_file)}:")
    for spelling, numbers in unknown.items():
        print(f"  {spelling}  (measures {', '.join(str(n) for n in numbers)})")


def import_version_command(args: argparse.Namespace) -> int:
    """--version: add a version beside the existing data, match its measures, print the review list."""
    from plansite.versionimport import VersionImportError, import_version

    try:
        text = args.source.read_text(encoding="utf-8-sig")
        review = import_version(args.out, args.version, text, args.stage or "", args.source.name)
    except (OSError, UnicodeDecodeError) as err:
        print(f"{args.source}: cannot read: {err}", file=sys.stderr)
        return 2
    except ImportProblem as problem:
        print(f"{args.source}:{problem.line}: {problem.message}", file=sys.stderr)
        return 2
    except VersionImportError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print("\n".join(review.lines()))
    for path in review.written:
        print(f"wrote {_shown(path)}")
    print(f"Review the list above; correct ids in {_shown(args.out / 'versions' / args.version / 'mapping.yaml')} "
          "if a match is wrong, then rebuild (make build).")
    units_file = args.out / "units.yaml"
    if units_file.exists():
        report_unknown_spellings(review.parsed, units_file)
    return 0


def new_site(parsed: dict[str, Any], out: Path) -> int:
    """Write a complete data/ for a new site into `out` (absent or empty), all at once."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        print(f"{_shown(out)} is not empty: --new starts a site from nothing (move the old data away, "
              "or import into it without --new)", file=sys.stderr)
        return 2
    staging = out.parent / f".{out.name}.import-new"
    shutil.rmtree(staging, ignore_errors=True)
    dump_plan(parsed, staging)
    registry = unit_registry(list(measure_spellings(parsed)))
    (staging / "units.yaml").write_text(f"{UNITS_SCHEMA}\n{REVIEW_NOTE}{to_yaml(registry)}", encoding="utf-8")
    (staging / "url-changes.yaml").write_text(f"{CHANGES_SCHEMA}\nchanges: []\n", encoding="utf-8")
    (staging / "published-urls.txt").write_text(LEDGER_HEADER, encoding="utf-8")
    if out.exists():
        out.rmdir()
    staging.rename(out)
    units = registry["units"]
    print(f"wrote {_shown(out)}/: plan.yaml, {len(parsed['parts'])} part files, units.yaml ({len(units)} units), "
          "url-changes.yaml, published-urls.txt")
    print("review the units' kinds (guessed from the names) in units.yaml:")
    for unit in units:
        print(f"  {unit['name']}  {unit['kind']}  /units/{unit['slug']}/")
    print("then: make build")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="the plan as plain UTF-8 text")
    parser.add_argument("--out", type=Path, default=REPO / "data", help="data directory (default: data)")
    parser.add_argument("--force", action="store_true", help="overwrite plan.yaml and parts/*.yaml that exist")
    parser.add_argument("--version", metavar="VERSION_ID",
                        help="add SOURCE as a later version of the plan in --out (data/versions/VERSION_ID/)")
    parser.add_argument("--stage", choices=("征求意见稿", "正式稿", "修订"),
                        help="with --version: the version's stage, when the text does not say")
    parser.add_argument("--new", action="store_true",
                        help="start a new site: write a complete data/ (plan, parts, units, empty ledger)")
    args = parser.parse_args(argv)
    if args.version is not None:
        return import_version_command(args)
    try:
        text = args.source.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        print(f"{args.source}: cannot read: {err}", file=sys.stderr)
        return 2
    try:
        parsed = parse_plan(text)
    except ImportProblem as problem:
        print(problem.report(str(args.source)), file=sys.stderr)
        return 2
    if args.new:
        return new_site(parsed, args.out)
    existing = [path for path in [args.out / "plan.yaml", *sorted((args.out / "parts").glob("*.yaml"))]
                if path.exists()]
    if existing and not args.force:
        print(f"{_shown(existing[0])} exists: refusing to overwrite hand-edited data "
              "(use --force, or --out another folder and compare)", file=sys.stderr)
        return 2
    written = dump_plan(parsed, args.out)
    measures = len(all_measures(parsed))
    sections = sum(len(p.get("sections", [])) for p in parsed["parts"])
    print(f"read {args.source}: {len(parsed['parts'])} parts, {sections} sections, {measures} measures")
    for path in written:
        print(f"wrote {_shown(path)}")
    expected = {path.name for path in written[1:]}
    for stale in sorted((args.out / "parts").glob("*.yaml")):
        if stale.name not in expected:
            print(f"warning: {_shown(stale)} is not a part of this import; delete it if it is stale")
    units_file = args.out / "units.yaml"
    if units_file.exists():
        report_unknown_spellings(parsed, units_file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
