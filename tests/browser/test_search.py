"""Chinese search as readers use it, in headless Chromium against the built site.

Each query lists the page that must come first and pages that must be in the top five.
The hit rates over the whole table are printed (and reported in the issue's closing note).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import search

# query: (the first result, others that must be in the top five)
QUERIES: dict[str, tuple[str, tuple[str, ...]]] = {
    # topic words
    "民法典": ("/measures/7/", ()),
    "青少年": ("/measures/48/", ("/measures/9/", "/measures/4/")),
    "法律援助": ("/measures/31/", ()),
    "扫黑除恶": ("/measures/45/", ()),
    "人民陪审员": ("/measures/30/", ()),
    "网络素养": ("/measures/57/", ()),
    "信访": ("/measures/49/", ()),
    "公共法律服务": ("/measures/33/", ()),
    "心理": ("/measures/47/", ()),
    # phrases longer than one word
    "宪法宣传周": ("/measures/5/", ("/measures/1/",)),
    "劳动人事争议": ("/measures/51/", ()),
    "以案释法": ("/measures/13/", ("/measures/12/",)),
    "农村土地承包": ("/measures/50/", ()),
    "宪法宣誓": ("/measures/3/", ()),
    "行政执法公示": ("/measures/24/", ()),
    "民族宗教": ("/measures/40/", ()),
    # a unit's full name, part of it, another spelling
    "区司法局": ("/units/sifaju/", ()),
    "司法局": ("/units/sifaju/", ()),
    "区教育局": ("/units/jiaoyuju/", ("/measures/4/",)),
    "教育局": ("/units/jiaoyuju/", ()),
    "人社局": ("/units/rensheju/", ()),
    "区委宣传部": ("/units/quwei-xuanchuanbu/", ()),
    "团区委": ("/units/tuanquwei/", ("/measures/48/",)),
    "泰安公安分局": ("/units/taian-gongan-fenju/", ()),
    "区政法委": ("/units/quwei-zhengfawei/", ()),
    "区为政法委": ("/units/quwei-zhengfawei/", ()),
    # numbers
    "12338": ("/measures/47/", ()),
    "“12338”": ("/measures/47/", ()),
    "12385": ("/measures/47/", ()),
    "第7条": ("/measures/7/", ()),
    "7": ("/measures/7/", ()),
    "第46条": ("/measures/46/", ()),
    "12.4": ("/measures/5/", ("/measures/1/",)),
    # section titles
    "维护宪法权威": ("/sections/1/", ()),
    "推进社会诚信建设": ("/sections/7/", ()),
    "完善网络法律制度": ("/sections/18/", ()),
    "健全普法工作格局": ("/sections/3/", ()),
}


def _path(href: str) -> str:
    return href.split("#")[0]


@pytest.mark.parametrize("query", QUERIES)
def test_query_puts_the_right_page_first(page: Callable[..., Page], query: str) -> None:
    first, also = QUERIES[query]
    results = [_path(href) for _, href in search(page("/"), query)]
    assert results, f"nothing found for {query!r}"
    assert results[0] == first, results[:5]
    assert set(also) <= set(results[:5]), results[:5]
    assert len(results) == len(set(results)), f"a page came back twice: {results}"
    assert not any(p.startswith("/fulltext/") for p in results)


def test_hit_rates(page: Callable[..., Page], capsys: pytest.CaptureFixture[str]) -> None:
    """Top-1 and top-5 hit rates over the whole table (the other test asserts each query)."""
    reader = page("/")
    top1 = top5 = 0
    for query, (first, also) in QUERIES.items():
        results = [_path(href) for _, href in search(reader, query)]
        top1 += bool(results) and results[0] == first
        top5 += {first, *also} <= set(results[:5])
    with capsys.disabled():
        total = len(QUERIES)
        print(f"\nsearch hit rates over {total} queries: top-1 {top1}/{total}, top-5 {top5}/{total}")
    assert len(QUERIES) >= 30
    assert top1 == top5 == len(QUERIES)


def test_a_unit_name_does_not_bring_every_unit_starting_with_qu(page: Callable[..., Page]) -> None:
    results = search(page("/"), "区司法局")
    units = [_path(href) for _, href in results if href.startswith("/units/")]
    assert units == ["/units/sifaju/"], results


def test_clicking_a_result_lands_on_the_page(page: Callable[..., Page]) -> None:
    reader = page("/")
    search(reader, "劳动人事争议")
    reader.locator(".md-search-result__item a").first.click()
    reader.wait_for_url(lambda url: urlsplit(url).path == "/measures/51/")
    assert reader.locator("h1").inner_text().startswith("第51条")


def test_section_anchor_lands_on_the_measure(page: Callable[..., Page]) -> None:
    reader = page("/sections/2/#measure-7")
    heading = reader.locator("#measure-7")
    assert heading.inner_text().startswith("第7条")
    assert heading.evaluate("el => el.getBoundingClientRect().top") < 200


@pytest.mark.parametrize(("width", "height", "name"), [(1280, 900, "desktop"), (390, 844, "phone")])
def test_search_works_at_desktop_and_phone_width(
    page: Callable[..., Page], screenshot_dir, width: int, height: int, name: str
) -> None:
    reader = page("/")
    reader.set_viewport_size({"width": width, "height": height})
    if name == "phone":
        reader.locator("label.md-header__button[for='__search']").click()
    results = search(reader, "宪法宣传周")
    assert _path(results[0][1]) == "/measures/5/"
    reader.screenshot(path=str(screenshot_dir / f"search-{name}.png"))
