"""Charts: static inline SVG made at build time, each with a text alternative."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from plansite.charts import (
    VALUE_ROOM,
    WIDTH,
    Bar,
    bar_chart,
    lead_bars,
    leads_chart,
    parts_bars,
    parts_chart,
    top_leads,
)
from plansite.render import render_site
from plansite.validate import load_plan
from tests.ourplan import OUR_DATA, our_site
from tests.plantools import BASE_DATA, ROOT

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def plan():
    return load_plan(OUR_DATA)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_measures_per_part() -> None:
    plan = load_plan(OUR_DATA)
    assert parts_bars(plan) == [
        Bar("二、推动全社会增强法治观念", 17),
        Bar("三、健全社会领域制度规范", 5),
        Bar("四、加强权利保护", 13),
        Bar("五、推进社会治理法治化", 16),
        Bar("六、依法治理网络空间", 12),
        Bar("七、加强组织保障", 5),
    ]


def test_units_that_lead_the_most_measures(plan) -> None:
    assert lead_bars(plan) == [
        Bar("区司法局", 14), Bar("区委宣传部", 11), Bar("区委政法委", 9),
        Bar("泰安公安分局", 5), Bar("仙城公安分局", 5), Bar("东山公安分局", 5),
        Bar("区委网信办", 3), Bar("市场监管局西安分局", 3), Bar("区政务局", 3), Bar("区法院", 3),
    ]


def test_units_tied_with_the_last_one_shown_are_shown_too(plan) -> None:
    assert [u.name for u, _ in top_leads(plan, 4)] == ["区司法局", "区委宣传部", "区委政法委", "泰安公安分局",
                                                         "仙城公安分局", "东山公安分局"]
    assert len(top_leads(plan, 8)) == 10
    assert len(top_leads(plan, 100)) == 28


def test_chart_is_svg_with_title_desc_and_aria(plan) -> None:
    root = parse(parts_chart(plan))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-parts-title chart-parts-desc"
    assert root.find(f"{SVG}title").text == "各部分措施数"
    assert root.find(f"{SVG}title").get("id") == "chart-parts-title"
    assert root.find(f"{SVG}desc").get("id") == "chart-parts-desc"
    assert root.find(f"{SVG}desc").text == (
        "二、推动全社会增强法治观念：17 条；三、健全社会领域制度规范：5 条；四、加强权利保护：13 条；"
        "五、推进社会治理法治化：16 条；六、依法治理网络空间：12 条；七、加强组织保障：5 条。"
    )
    assert root.get("viewBox") == f"0 0 {WIDTH} {44 * 6 + 4}"


def test_bars_are_proportional_and_labelled(plan) -> None:
    root = parse(leads_chart(plan))
    rects = root.findall(f".//{SVG}rect")
    widths = [float(r.get("width")) for r in rects]
    assert len(rects) == 10
    assert widths[0] == WIDTH - VALUE_ROOM
    assert widths[1] == pytest.approx((WIDTH - VALUE_ROOM) * 11 / 14, abs=0.1)
    labels = [t.text for t in root.findall(f".//{SVG}text") if t.get("class") == "plan-chart-label"]
    values = [t.text for t in root.findall(f".//{SVG}text") if t.get("class") == "plan-chart-value"]
    assert labels[:3] == ["区司法局", "区委宣传部", "区委政法委"]
    assert values[:3] == ["14 条", "11 条", "9 条"]


def test_chart_has_no_script_and_fetches_nothing(plan) -> None:
    for svg in (parts_chart(plan), leads_chart(plan)):
        assert "<script" not in svg and "href" not in svg and "url(" not in svg
        assert re.findall(r"https?://[^\"']+", svg) == ["http://www.w3.org/2000/svg"]


def test_labels_are_escaped() -> None:
    svg = bar_chart([Bar('<b>"甲" & 乙</b>', 2), Bar("丙", 0)], "x", "标题 <i>", "条")
    root = parse(svg)
    assert root.find(f"{SVG}title").text == "标题 <i>"
    assert root.findall(f".//{SVG}text")[0].text == '<b>"甲" & 乙</b>'
    assert "<b>" not in svg
    assert float(root.findall(f".//{SVG}rect")[1].get("width")) == 1  # zero still shows a sliver


def test_an_empty_chart_still_says_so() -> None:
    root = parse(bar_chart([], "empty", "空", "条"))
    assert root.find(f"{SVG}desc").text == "没有数据。"


def test_charts_sit_on_home_and_matrix_with_a_table_beside_them(plan) -> None:
    pages = render_site(plan, ROOT / "templates")
    home, matrix = pages["index.md"], pages["matrix.md"]
    assert home.count('<svg xmlns="http://www.w3.org/2000/svg" class="plan-chart" id="chart-parts"') == 1
    assert "<figcaption>各部分措施数（总体要求部分不含具体措施）；同样的数字见上表。</figcaption>" in home
    assert "| [二、推动全社会增强法治观念](parts/2.md) |" in home  # the table with the same figures
    assert matrix.count('id="chart-leads"') == 1
    assert '<td><a href="../units/sifaju/">区司法局</a></td>\n<td style="text-align: right;">14 条</td>' in matrix
    assert '<td><a href="../units/fayuan/">区法院</a></td>\n<td style="text-align: right;">3 条</td>' in matrix


def test_fixture_plan_charts() -> None:
    small = load_plan(BASE_DATA)
    assert parts_bars(small) == [Bar("二、主要任务", 3)]
    assert lead_bars(small) == [Bar("区司法局", 1), Bar("区教育局", 1)]


@pytest.mark.site
def test_built_pages_carry_the_charts_inline() -> None:
    site = our_site()
    if not (site / "index.html").is_file():
        pytest.fail("site/ is not built: run `make build` first")
    home = (site / "index.html").read_text(encoding="utf-8")
    matrix = (site / "matrix" / "index.html").read_text(encoding="utf-8")
    for page, chart in ((home, "chart-parts"), (matrix, "chart-leads")):
        start = page.index(f'id="{chart}"')
        svg = page[page.rindex("<svg", 0, start):page.index("</svg>", start) + 6]
        root = parse(svg)
        assert root.get("role") == "img"
        assert root.find(f"{SVG}desc").text.endswith("条。")
