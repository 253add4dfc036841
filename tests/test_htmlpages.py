"""Pages the generator writes as HTML (plansite/htmlpages.py): taken as they are, with the table of
contents, anchors and link checks MkDocs gives a Markdown page."""

from __future__ import annotations

import re
from pathlib import Path

from plansite import htmlpages
from plansite.pipeline import Project, build_outputs
from tests.plantools import BASE_DATA
from tests.projectcopy import copy_project, mkdocs_build

PAGE = """<div class="plan-page">
<p class="breadcrumbs"><a href="../../parts/2/">二、任务</a> › <a href="../../sections/2/#measure-7">（二）节</a></p>
<h1 id="_1">第7条 &lt;标题&gt;</h1>
<h2 id="a">落实情况</h2>
<h3 id="b">报送记录 <span>新</span></h3>
<h2 id="c">另一节</h2>
<p><a href="#b">本页</a> <a href="../8/">下一条</a> <a href="mailto:x@example.org?a=1&amp;b=2">信</a>
<a href="https://example.org/x/">外站</a> <a href="../../data/measures.csv">数据</a> <a href="../../">首页</a></p>
</div>"""


def test_a_page_is_html_only_when_it_is_one_plan_page_block() -> None:
    assert htmlpages.body(PAGE + "\n").startswith('<p class="breadcrumbs">')
    assert htmlpages.body("# 标题\n\n" + PAGE) is None
    assert htmlpages.body(PAGE + "\n\n[另见](x.md)\n") is None  # Markdown after it: a Markdown page


def test_headings_nest_as_the_table_of_contents() -> None:
    tops = htmlpages.headings(PAGE)
    assert [(h.level, h.id, h.name) for h in tops] == [(1, "_1", "第7条 &lt;标题&gt;")]
    assert [(h.level, h.id) for h in tops[0].children] == [(2, "a"), (2, "c")]
    assert [(h.id, h.name) for h in tops[0].children[0].children] == [("b", "报送记录 新")]
    token = tops[0].as_token()
    assert token["id"] == "_1" and len(token["children"]) == 2  # type: ignore[arg-type]


def test_links_resolve_from_the_page_url() -> None:
    found = {(link.href, link.target, link.anchor) for link in htmlpages.links(PAGE, "measures/7/")}
    assert found == {("../../parts/2/", "parts/2/", ""), ("../../sections/2/#measure-7", "sections/2/", "measure-7"),
                     ("#b", "measures/7/", "b"), ("../8/", "measures/8/", ""),
                     ("../../data/measures.csv", "data/measures.csv", ""), ("../../", "", "")}
    assert htmlpages.anchor_ids(PAGE) == {"_1", "a", "b", "c"}


def test_auto_ids_are_what_markdown_made() -> None:
    used: set[str] = set()
    assert [htmlpages.heading_id(t, used) for t in ("区司法局任务分工清单", "作为牵头单位（14 条）", "统称", "14 条")] \
        == ["_1", "14", "_2", "14_1"]


def test_the_pages_made_for_each_item_and_the_long_lists_are_written_as_html() -> None:
    _, outputs = build_outputs(Project(data_dir=BASE_DATA))
    for path in ("measures/1.md", "units/sifaju/tasks.md", "units/sifaju.md", "sections/1.md", "parts/2.md",
                 "matrix.md", "fulltext.md", "sitemap.md"):
        page = str(outputs[path])
        assert htmlpages.body(page.split("\n---\n", 1)[1]) is not None, path
        assert "](../" not in page and "\n{: " not in page, path  # no Markdown left in them


def _broken(tmp_path: Path, link: str) -> str:
    project = copy_project(tmp_path / "project")
    template = project / "templates" / "measure.html.j2"
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace("</div>\n", f'<p><a href="{link}">另见</a></p>\n</div>\n'), encoding="utf-8")
    done = mkdocs_build(project)
    assert done.returncode != 0
    return done.stderr


def test_a_broken_anchor_in_an_html_page_fails_the_strict_build(tmp_path: Path) -> None:
    stderr = _broken(tmp_path, "../../sections/1/#no-such-anchor")
    assert re.search(r"Doc file 'measures/1\.md' contains a link '\.\./\.\./sections/1/#no-such-anchor', but the "
                     r"doc 'sections/1\.md' does not contain an anchor '#no-such-anchor'", stderr), stderr[-1500:]
    assert "this page is made from data/parts/" in stderr


def test_a_link_to_a_missing_page_in_an_html_page_fails_the_strict_build(tmp_path: Path) -> None:
    stderr = _broken(tmp_path, "../../units/no-such-unit/")
    assert ("Doc file 'measures/1.md' contains a link '../../units/no-such-unit/', but the target "
            "'units/no-such-unit/' is not found among documentation files.") in stderr


def test_the_table_of_contents_and_anchors_of_an_html_page(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    assert mkdocs_build(project).returncode == 0
    page = (project / "site" / "units" / "sifaju" / "tasks" / "index.html").read_text(encoding="utf-8")
    toc = page[page.index('class="md-nav md-nav--secondary"'):]
    assert 'href="#lead-measure-1"' in toc  # Material's table of contents lists the page's headings
    assert '<div class="plan-page">' not in page  # the wrapper is the generator's, not the site's
