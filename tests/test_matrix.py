"""The responsibility matrix (/matrix/), the units' task lists (/units/<slug>/tasks/) and the topics (/topics/)."""

from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plansite.exports import matrix, tasks_path
from plansite.render import render_site, site_nav
from plansite.urls import page_url, relative_url
from plansite.validate import load_plan
from tests.ourplan import OUR_DATA, OUR_SITE, our_site
from tests.plantools import BASE_DATA, ROOT, HtmlPage, read_html

SITE = OUR_SITE


@pytest.fixture(scope="module")
def plan():
    return load_plan(OUR_DATA)


@pytest.fixture(scope="module")
def pages(plan):
    return render_site(plan, ROOT / "templates")


# --- the matrix itself ---------------------------------------------------------


def test_matrix_figures(plan) -> None:
    m = matrix(plan)
    assert (m.cells, m.units, m.measures) == (255, 41, 68)
    assert [(b.part.id, len(b.units), len(b.measures)) for b in m.blocks] == [
        ("2", 16, 17), ("3", 8, 5), ("4", 17, 13), ("5", 26, 16), ("6", 17, 12), ("7", 0, 5),
    ]
    assert [x.id for x in m.blocks[-1].unassigned] == ["64", "65", "66", "67", "68"]
    assert all(not b.unassigned for b in m.blocks[:-1])


def test_matrix_cells(plan) -> None:
    block = matrix(plan).blocks[0]
    units = {u.name: u for u in block.units}
    measures = {x.id: x for x in block.measures}
    assert block.role(units["区委组织部"], measures["2"]) == "lead"
    assert block.role(units["区人大"], measures["3"]) == "responsible"
    assert block.role(units["区直各部门"], measures["1"]) == "participating"
    assert block.role(units["区人大"], measures["1"]) == ""
    assert block.count(units["区司法局"]) == 13
    # rows follow the registry's order
    assert [u.name for u in block.units][:3] == ["区委组织部", "区委宣传部", "区委政法委"]


def test_aliases_and_combined_spellings_mark_their_units(plan) -> None:
    block = next(b for b in matrix(plan).blocks if b.part.id == "4")
    units = {u.name: u for u in block.units}
    m26 = next(x for x in block.measures if x.id == "26")
    assert block.role(units["区委政法委"], m26) == "lead"  # written 区为政法委
    block5 = next(b for b in matrix(plan).blocks if b.part.id == "5")
    units5 = {u.name: u for u in block5.units}
    m49 = next(x for x in block5.measures if x.id == "49")
    assert block5.role(units5["区直相关部门"], m49) == "participating"  # 区司法局等区直相关部门
    assert block5.role(units5["区司法局"], m49) == "participating"


def test_matrix_page_markup(pages) -> None:
    page = pages["matrix.md"]
    assert page.count('<table class="plan-matrix">') == 5
    assert page.count("<h2") == 7  # six parts and the chart
    assert ('">七、加强组织保障</h2>\n<p>本部分措施原文未列明责任单位：<a href="../measures/64/">第64条</a>、'
            in page)
    assert ('<tr><th scope="col" class="matrix-corner">单位＼条号</th><th scope="col" class="matrix-measure">'
            '<a href="../measures/1/" title="第1条 深入推进宪法学习宣传教育">1</a></th>') in page
    assert ('<tr><th scope="row" class="matrix-unit"><a href="../units/quwei-zuzhibu/">区委组织部</a></th><td></td>'
            '<td class="role-lead"><abbr title="牵头单位">牵</abbr></td>'
            '<td class="role-responsible"><abbr title="责任单位">责</abbr></td>') in page
    assert '<abbr title="牵头部门">牵</abbr>' in page  # measure 46 calls its leads 牵头部门
    assert page.count('<td class="role-') == 255
    assert ('<div class="matrix-scroll" role="region" tabindex="0" aria-label="二、推动全社会增强法治观念 责任矩阵">'
            in page)
    # raw HTML blocks must not be broken up by blank lines
    for table in re.findall(r"<div class=\"matrix-scroll\".*?</div>", page, re.S):
        assert "\n\n" not in table


def test_matrix_escapes_data_in_html() -> None:
    page = render_site(load_plan(BASE_DATA), ROOT / "templates")["matrix.md"]
    assert "<script" not in page
    assert 'title="第2条 标记不生效:*星号*、_下划线_、[方括号](x)…"' in page


def test_relative_urls_for_raw_html() -> None:
    assert relative_url(page_url("measures/1.md"), page_url("matrix.md")) == "../measures/1/"
    assert relative_url(page_url("units/sifaju.md"), page_url("units/sifaju/tasks.md")) == "../"
    assert relative_url(page_url("matrix.md"), page_url("index.md")) == "matrix/"
    assert relative_url(page_url("index.md"), page_url("matrix.md")) == "../"
    assert relative_url(page_url("data/index.md"), page_url("matrix.md")) == "../data/"


# --- task lists -------------------------------------------------------------


def test_every_unit_has_a_task_list(plan, pages) -> None:
    for unit in plan.units:
        assert tasks_path(unit) == f"units/{unit.slug}/tasks.md"
        assert f"units/{unit.slug}.md" in pages  # the unit's own page stays where it was
        page = pages[tasks_path(unit)]
        assert f">{html.escape(unit.name)}任务分工清单</h1>\n" in page
        assert '<a href="tasks/">打印本单位任务分工清单</a>' in pages[f"units/{unit.slug}.md"]


def test_task_list_lists_each_measure_by_role_in_full(plan, pages) -> None:
    page = pages["units/sifaju/tasks.md"]
    assert "本单位共涉及 <strong>28</strong> 条措施：牵头单位 14 条，参加单位 8 条，责任单位 6 条。" in page
    assert re.findall(r"^<h2 id=\"[^\"]*\">(.+)</h2>$", page, re.M) == [
        "作为牵头单位（14 条）", "作为参加单位（8 条）", "作为责任单位（6 条）", "作为统称成员承担的措施",
    ]
    assert len(re.findall(r'^<h3 id="(?:lead|participating|responsible)-measure-\d+">第', page, re.M)) == 28
    assert ('<h3 id="lead-measure-1">第1条</h3>\n'
            '<p class="task-where">二、推动全社会增强法治观念 › （一）维护宪法权威</p>') in page
    assert '<p class="task-units">牵头单位：区委宣传部、<strong>区司法局</strong><br>参加单位：区直各部门</p>' in page
    # the combined spelling is shown as written, in bold because it names this unit
    assert "<strong>区司法局等区直相关部门</strong>" in page
    # what it carries as a member of a collective, in full too, each measure once
    member = _member_measures(plan, next(u for u in plan.units if u.slug == "sifaju"))
    assert [(c.name, len(ms)) for c, ms in member if ms] == [
        (name, int(n)) for name, n in re.findall(r"^<h3 id=\"[^\"]*\">作为“(.+)”的成员（(\d+) 条）</h3>$", page, re.M)]
    assert page.count("\n<h4 id=") == sum(len(ms) for _, ms in member) > 0
    assert '<h4 id="member-quzhi-gebumen-measure-6">第6条</h4>' in page
    assert "参加单位：<strong>区直各部门</strong></p>" in page
    assert "search:\n  exclude: true" in page


def test_task_list_escapes_measure_text() -> None:
    pages = render_site(load_plan(BASE_DATA), ROOT / "templates")
    page = pages["units/jiaoyuju/tasks.md"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script" not in page
    assert "牵头单位：区司法局、<strong>区为教育局</strong><br>参加单位：区直各部门" in page


# --- nav, home, topics ------------------------------------------------------------


def test_nav_has_three_new_index_entries_only(plan) -> None:
    flat = [entry for item in site_nav(plan) for entry in item.items()]
    titles = [title for title, _ in flat]
    assert ("矩阵", "matrix.md") in flat and ("专题", "topics.md") in flat and ("开放数据", "data/index.md") in flat
    assert titles.index("矩阵") < titles.index("全文")
    text = repr(site_nav(plan))
    assert "tasks.md" not in text and "measures/" not in text


def test_home_links_the_new_pages(pages) -> None:
    home = pages["index.md"]
    section = home[home.index("## 查阅方式"):]
    for target in ("(matrix.md)", "(topics.md)", "(data/index.md)"):
        assert target in section


def test_measure_pages_carry_their_topics_as_tags(pages) -> None:
    assert '\ntags:\n  - "宪法"\n  - "普法"\n---\n' in pages["measures/1.md"]
    assert '\ntags:\n  - "组织保障"\n---\n' in pages["measures/68.md"]


def test_topics_page_lists_topics_and_the_tags_listing(pages) -> None:
    page = pages["topics.md"]
    # raw HTML links: MkDocs checks Markdown anchors before the tags plugin has made them
    assert '| <a href="#tag:%E5%AE%AA%E6%B3%95">宪法</a> | 宪法学习宣传、宪法宣誓、国家宪法日 | 6 条 |' in page
    assert '| <a href="#tag:%E7%BD%91%E7%BB%9C">网络</a> |' in page
    assert page.count('\n| <a href="#tag:') == 22
    assert "<!-- material/tags { toc: false } -->" in page
    assert "尚未给措施标注专题" in render_site(load_plan(BASE_DATA), ROOT / "templates")["topics.md"]


# --- the built site ---------------------------------------------------------------


def _read(path: Path, wanted_class: str = "") -> HtmlPage:
    our_site()
    if not (SITE / "index.html").is_file():
        pytest.fail("site/ is not built: run `make build` first")
    return read_html(path, wanted_class)


def _assert_links_resolve(page: Path) -> None:
    base = page.parent.relative_to(SITE).as_posix()
    for href in _read(page).links:
        if re.match(r"^[a-z]+:", href) or href.startswith("#"):
            continue
        target = posixpath.normpath(posixpath.join(base, href.split("#")[0]))
        path = SITE / target
        assert path.is_file() or (path / "index.html").is_file(), f"{page}: broken link {href}"


@pytest.mark.site
def test_built_matrix_and_task_pages_link_only_to_existing_pages(plan) -> None:
    _assert_links_resolve(SITE / "matrix" / "index.html")
    _assert_links_resolve(SITE / "topics" / "index.html")
    _assert_links_resolve(SITE / "data" / "index.html")
    for unit in plan.units:
        _assert_links_resolve(SITE / "units" / unit.slug / "tasks" / "index.html")


@pytest.mark.site
def _member_measures(plan, unit):
    """(collective, the measures it carries that the unit is not named in directly), as the task list orders them."""
    if unit.is_collective:
        return []
    seen = {m.id for m in plan.measures for role in ("lead", "participating", "responsible") if unit in m.units(role)}
    found = []
    for collective in (u for u in plan.units if u.is_collective):
        carried = [m for role in ("lead", "participating", "responsible") for m in plan.measures
                   if collective in m.units(role) and m.id not in seen]
        seen.update(m.id for m in carried)
        found.append((collective, sorted(carried, key=lambda m: m.number)))
    return found


def test_built_task_lists_show_each_measure_text_exactly(plan) -> None:
    for unit in plan.units:
        page = _read(SITE / "units" / unit.slug / "tasks" / "index.html", "task-text")
        expected = [m.text for role in ("lead", "participating", "responsible")
                    for m in plan.measures if unit in m.units(role)]
        expected += [m.text for _, ms in _member_measures(plan, unit) for m in ms]
        assert page.texts == expected, unit.slug
        assert (SITE / "units" / unit.slug / "index.html").is_file()


@pytest.mark.site
def test_built_topics_page_has_an_anchor_per_topic_and_measures_in_order(plan) -> None:
    page = _read(SITE / "topics" / "index.html")
    assert [i for i in page.ids if i.startswith("tag:")] == [f"tag:{t.name}" for t in plan.topics]
    html = (SITE / "topics" / "index.html").read_text(encoding="utf-8")
    section = html[html.index('id="tag:普法"'):html.index('id="tag:青少年"')]
    numbers = [int(n) for n in re.findall(r'href="\.\./measures/(\d+)/"', section)]
    assert numbers == [1, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16]


@pytest.mark.site
def test_built_measure_page_shows_its_topic_tags() -> None:
    html = (SITE / "measures" / "1" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<a href="([^"]+)" class="md-tag">([^<]+)</a>', html) == [
        ("../../topics/#tag:宪法", "宪法"), ("../../topics/#tag:普法", "普法"),
    ]


@given(st.lists(st.sampled_from(["a", "b", "measures", "7", "units", ".", ".."]), max_size=4),
       st.lists(st.sampled_from(["a", "b", "measures", "8", "units", ".", ".."]), max_size=4),
       st.booleans(), st.booleans())
def test_relative_urls_are_what_relpath_gives(target: list[str], here: list[str], slash_t: bool, slash_h: bool) -> None:
    """The quick relative URL is posixpath.relpath's, for any pair of site paths."""
    t, h = "/".join(target) + ("/" if slash_t and target else ""), "/".join(here) + ("/" if slash_h and here else "")
    rel = posixpath.relpath(t or ".", h or ".")
    assert relative_url(t, h) == ("./" if rel == "." else rel + "/")
