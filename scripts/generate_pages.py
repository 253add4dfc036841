#!/usr/bin/env python3
"""Generate the site's Markdown pages in docs/ from the YAML in data/.

    python scripts/generate_pages.py            validate, then write docs/
    python scripts/generate_pages.py --check    validate only; write nothing; list every lead unit ×
                                                measure × period without a progress entry
    python scripts/generate_pages.py --record-urls
                                                validate, then add every page's URL to
                                                data/published-urls.txt (the ledger); write no page

Problems are printed as `file:line: what is wrong (hint)`, all at once,
and nothing is written unless the whole plan validates.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from plansite.ledger import LEDGER, load_history
from plansite.model import Plan
from plansite.pipeline import Project, build_outputs, generate
from plansite.problems import PlanError
from plansite.progress import coverage_report, load_progress


def alias_report(plan: Plan) -> str:
    """Every spelling that was read as another unit's name: what a maintainer should know."""
    if not plan.aliases_used:
        return "No aliases were needed: every unit is written by its registry name."
    lines = [f"{len(plan.aliases_used)} spellings were read through the unit registry's aliases:"]
    for where, spelling, names, note in plan.aliases_used:
        why = f" ({note})" if note else ""
        lines.append(f"  {where}: '{spelling}' read as {'、'.join(names)}{why}")
    return "\n".join(lines)


NO_SITE_URL = ("warning: SITE_URL is not set, so citations show no address and sitemap.xml is empty; "
               "build with the public address: SITE_URL=https://example.gov.cn/plan/ make build")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="validate data/ and report; write nothing")
    parser.add_argument("--data", type=Path, help="the data folder (default: data/)")
    parser.add_argument("--docs", type=Path, help="where pages are written (default: docs/)")
    parser.add_argument("--record-urls", action="store_true",
                        help=f"validate, then record every page's URL in data/{LEDGER}; write no page")
    parser.add_argument("--site-url", default=os.environ.get("SITE_URL", ""),
                        help="the site's public address, for permanent URLs (default: $SITE_URL)")
    args = parser.parse_args(argv)
    project = Project(data_dir=args.data, docs_dir=args.docs, site_url=args.site_url or "")
    try:
        if args.record_urls:
            plan, outputs = build_outputs(project)
            total, added = load_history(project.data).record(plan, outputs)
            print(f"Recorded {total} URLs in {project.data.name}/{LEDGER} ({added} new).")
        elif args.check:
            plan, outputs = build_outputs(project)
            print(f"OK: {len(plan.parts)} parts, {len(plan.sections)} sections, {len(plan.measures)} measures, "
                  f"{len(plan.units)} units; {len(outputs)} pages would be generated.")
            print(alias_report(plan))
            print(coverage_report(plan, load_progress(project.data, plan)))
        else:
            plan, report = generate(project)
            print(f"Generated docs/: {report}.")
            if not project.site_url:
                print(NO_SITE_URL, file=sys.stderr)
    except PlanError as err:
        print(err.report(), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
