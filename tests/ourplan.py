"""Our own plan for the tests that check it: data/ while it is our plan, else a committed copy.

The tests that check our plan's faithful texts, units, search results and pages are keyed to our
source file (source/plan-draft-2022-09-14.txt): they run on data/ and site/ as long as data/ is
that plan (its title, office and date are the source's), and on tests/fixtures/ourplan/data, and
a site built from it once into a temporary folder, when data/ holds another plan. So a clone that
replaces data/ with its own plan keeps `make test` green, and our plan stays tested.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from functools import cache
from pathlib import Path

import yaml

from plansite.importer import parse_plan
from tests.plantools import FIXTURES, ROOT

SOURCE = ROOT / "source" / "plan-draft-2022-09-14.txt"
COPY = FIXTURES / "ourplan" / "data"


def is_our_plan(data: Path) -> bool:
    """Whether `data` holds the plan of our source file (same title, office and date)."""
    try:
        plan = yaml.safe_load((data / "plan.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return False
    source = parse_plan(SOURCE.read_text(encoding="utf-8"))
    return isinstance(plan, dict) and all(plan.get(key) == source[key] for key in ("title", "office", "date"))


OURS = is_our_plan(ROOT / "data")
OUR_DATA = ROOT / "data" if OURS else COPY


def _digest() -> str:
    digest = hashlib.sha256()
    for folder in (COPY, ROOT / "templates", ROOT / "plansite", ROOT / "overrides", ROOT / "docs" / "assets"):
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(path.as_posix().encode() + path.read_bytes())
    digest.update((ROOT / "mkdocs.yml").read_bytes())
    return digest.hexdigest()[:16]


OUR_SITE = ROOT / "site" if OURS else Path(tempfile.gettempdir()) / f"plansite-ourplan-{_digest()}" / "site"


@cache
def our_site() -> Path:
    """The built site of our plan: site/, or (data/ holding another plan) one built from the copy."""
    if OURS or (OUR_SITE / "index.html").is_file():
        return OUR_SITE
    from tests.projectcopy import COPIED, mkdocs_build

    project = Path(tempfile.mkdtemp(prefix="plansite-ourplan-"))
    for name in COPIED:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, project / name)
    shutil.copytree(COPY, project / "data")
    result = mkdocs_build(project, os.environ.get("SITE_URL", ""))
    if result.returncode != 0:
        raise RuntimeError(f"building our plan's site from {COPY} failed:\n{result.stderr}")
    OUR_SITE.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(OUR_SITE, ignore_errors=True)
    shutil.move(str(project / "site"), OUR_SITE)
    shutil.rmtree(project, ignore_errors=True)
    return OUR_SITE
