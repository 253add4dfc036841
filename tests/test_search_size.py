"""What the search index holds of progress reports: each report's text once, not its head line.

A measure page's 报送记录 repeats for every report the date, unit, role, status and period; the
unit's latest status is in the 落实情况 table above it, so the heads stay out of the index (the
index is one file every visitor downloads; README, "Performance")."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from tests.plantools import ROOT
from tests.projectcopy import copy_project, mkdocs_build

ZWSP = "\u200b"


def test_progress_reports_are_indexed_once_without_their_heads(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    shutil.rmtree(project / "data")
    shutil.copytree(ROOT / "tests" / "fixtures" / "progress" / "data", project / "data")
    done = mkdocs_build(project)
    assert done.returncode == 0, done.stderr
    index = json.loads((project / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    entries = [{**d, "title": d["title"].replace(ZWSP, ""), "text": d["text"].replace(ZWSP, "")}
               for d in index["docs"]]
    reports = [e for e in entries if e["title"] == "报送记录"]
    tables = {e["location"].split("#")[0]: e["text"] for e in entries if e["title"] == "落实情况"}
    assert reports
    for entry in reports:
        assert "·" not in entry["text"] and "牵头单位" not in entry["text"], entry  # no head line
        assert tables[entry["location"].split("#")[0]]  # the latest status per unit stays searchable
    summaries = [e["summary"] for path in sorted((project / "data" / "progress").glob("*/*.yaml"))
                 for e in yaml.safe_load(path.read_text(encoding="utf-8"))["entries"]]
    texts = "".join(e["text"] for e in reports)
    assert summaries and all(s.strip()[:12] in texts for s in summaries)
