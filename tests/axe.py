"""axe-core in the browser tests: WCAG 2.1 A/AA violations on a page, one line each.

axe-core comes from npm, pinned in package.json / package-lock.json; `make test` installs it with
`npm ci` into node_modules/ (no network at test time). The `axe_source` fixture is in tests/conftest.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(reader: Page, source: str) -> list[str]:
    """Every WCAG 2.1 A/AA violation axe finds on the page, one line each (rule, element, summary)."""
    reader.add_script_tag(content=source)
    found = reader.evaluate(
        """async (tags) => {
          const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
          return result.violations.flatMap(v => v.nodes.map(n =>
            `${v.id}: ${n.target.join(" ")}: ${(n.failureSummary || "").split("\\n").slice(1, 2).join("").trim()}`))
        }""",
        WCAG,
    )
    return list(found)
