"""What the search index holds of progress reports: each report's text once, on its measure's page.

A report's text is indexed on its measure's page, where a reader wants to land: the measure's own
text, every unit's latest status and all reports in order are there. The period reports and the units'
report cards show the same texts again and stay out of the index, as do the progress overview's
tables of figures and its list of reports behind. A measure page's 报送记录 repeats for every report
the date, unit, role, status and period; the unit's latest status is in the 落实情况 table above it,
so the heads stay out too, and a text a unit reports again unchanged is indexed once (the index is
one file every visitor downloads; README, "Search index size")."""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from plansite.search import SPACES_KEY, ZWSP, decode_spaces
from tests.plantools import ROOT
from tests.projectcopy import copy_project, edit_yaml, mkdocs_build

REPEATED = "全区38所中小学中已有21所配备法治副校长；开展“模拟法庭”进校园活动6场。"  # 2023-H1, measure 3


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The progress fixture, where 区教育局 reports the same text on measure 3 in both half-years."""
    project = copy_project(tmp_path_factory.mktemp("search") / "project")
    shutil.rmtree(project / "data")
    shutil.copytree(ROOT / "tests" / "fixtures" / "progress" / "data", project / "data")

    def repeat(report: dict[str, Any]) -> None:
        [entry] = [e for e in report["entries"] if e["measure"] == 3]
        entry["summary"] = REPEATED

    edit_yaml(project / "data" / "progress" / "2023-H2" / "jiaoyuju.yaml", repeat)
    done = mkdocs_build(project)
    assert done.returncode == 0, done.stderr
    return project


def entries(project: Path) -> list[dict[str, str]]:
    """The index's entries as the reader's browser holds them, zero-width spaces taken out."""
    index = json.loads((project / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"][SPACES_KEY] is True

    def plain(text: str) -> str:
        return decode_spaces(text).replace(ZWSP, "")

    return [{**d, "title": plain(d["title"]), "text": plain(d["text"])} for d in index["docs"]]


def summaries(project: Path) -> list[tuple[str, str]]:
    """(summary, its measure's page) of every report."""
    return [(e["summary"], f"measures/{e['measure']}/")
            for path in sorted((project / "data" / "progress").glob("*/*.yaml"))
            for e in yaml.safe_load(path.read_text(encoding="utf-8"))["entries"]]


def test_progress_reports_are_indexed_without_their_heads(project: Path) -> None:
    found = entries(project)
    reports = [e for e in found if e["title"] == "报送记录"]
    tables = {e["location"].split("#")[0]: e["text"] for e in found if e["title"] == "落实情况"}
    assert reports
    for entry in reports:
        assert "·" not in entry["text"] and "牵头单位" not in entry["text"], entry  # no head line
        assert tables[entry["location"].split("#")[0]]  # the latest status per unit stays searchable


def test_each_report_text_is_indexed_once_on_its_measure_page(project: Path) -> None:
    found = entries(project)
    texts = summaries(project)
    assert [s for s, _ in texts].count(REPEATED) == 2  # reported twice, indexed once
    for summary, measure in texts:
        escaped = html.escape(summary, quote=False)
        holders = [e["location"] for e in found for _ in range(e["text"].count(escaped))]
        assert [h.split("#")[0] for h in holders] == [measure], (summary, holders)


def test_the_progress_overview_indexes_words_not_figures(project: Path) -> None:
    """Its tables of figures are left out with their headings; the list of measures behind keeps its
    heading, so that 滞后 finds it, but not the reports it repeats."""
    overview = [e for e in entries(project) if e["location"].split("#")[0] == "progress/"]
    assert [e["title"] for e in overview] == ["落实情况", "进度滞后的措施（2023年下半年）", "状态说明"]
    assert overview[1]["text"] == ""
    assert "未报送" in overview[2]["text"]
    assert not any(word in e["text"] for e in overview for word in ("合计", "按部分", "区司法局"))
