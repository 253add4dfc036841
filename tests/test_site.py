"""Tests on the built site in site/ (`make test` builds it first)."""

from __future__ import annotations

import json
import re
from urllib.parse import urlparse

import pytest
import yaml

from tests.ourplan import OUR_DATA, OUR_SITE, SOURCE, our_site
from tests.plantools import read_html

SITE = OUR_SITE
pytestmark = pytest.mark.site


@pytest.fixture(scope="module", autouse=True)
def _built() -> None:
    our_site()
    if not (SITE / "index.html").is_file():
        pytest.fail("site/ is not built: run `make build` first (make test does)")


def source_measures() -> dict[str, str]:
    """Measure number -> text, read from the source independently of the importer."""
    text = SOURCE.read_text(encoding="utf-8")
    return {m.group(1): m.group(2) for m in re.finditer(r"^(\d+)\.\s*(.+)$", text, re.M)}


def test_every_measure_page_shows_its_exact_source_text() -> None:
    measures = source_measures()
    assert len(measures) == 68
    for number, text in measures.items():
        page = read_html(SITE / "measures" / number / "index.html", "measure-text")
        assert page.texts == [text], f"measure {number}"


def test_every_section_page_shows_its_measures_in_full() -> None:
    measures = source_measures()
    shown = []
    for n in range(1, 25):
        shown += read_html(SITE / "sections" / str(n) / "index.html", "measure-text").texts
    assert shown == list(measures.values())


def _registry() -> dict[str, list[str]]:
    """Spelling -> unit names, from data/units.yaml."""
    units = yaml.safe_load((OUR_DATA / "units.yaml").read_text(encoding="utf-8"))
    names: dict[str, list[str]] = {}
    for unit in units["units"]:
        names[unit["name"]] = [unit["name"]]
        for alias in unit.get("aliases", []):
            names[alias["spelling"]] = [unit["name"]]
    for combined in units.get("combined", []):
        names[combined["spelling"]] = combined["units"]
    return names


def test_every_unit_page_lists_exactly_its_measures() -> None:
    registry = _registry()
    units = yaml.safe_load((OUR_DATA / "units.yaml").read_text(encoding="utf-8"))["units"]
    expected: dict[str, set[str]] = {u["name"]: set() for u in units}
    for line in SOURCE.read_text(encoding="utf-8").splitlines():
        if m := re.match(r"^(\d+)\.", line):
            current = m.group(1)
        elif m := re.match(r"^(牵头单位|牵头部门|参加单位|责任单位)[:：](.+)$", line):
            for spelling in m.group(2).split("、"):
                for name in registry[spelling]:
                    expected[name].add(current)
    for unit in units:
        links = read_html(SITE / "units" / unit["slug"] / "index.html").links
        listed = {m.group(1) for href in links if (m := re.fullmatch(r"\.\./\.\./measures/(\w+)/", href))}
        assert listed == expected[unit["name"]], unit["name"]


def test_stable_urls_resolve() -> None:
    paths = ["", "parts/", "units/", "fulltext/", "consultation/", "404.html"]
    paths += [f"parts/{n}/" for n in range(1, 8)] + [f"sections/{n}/" for n in range(1, 25)]
    paths += [f"measures/{n}/" for n in range(1, 69)]
    paths += [f"units/{u['slug']}/" for u in yaml.safe_load((OUR_DATA / "units.yaml").read_text())["units"]]
    missing = [p for p in paths if not (SITE / p / "index.html").is_file() and not (SITE / p).is_file()]
    assert missing == []


def test_every_internal_link_resolves() -> None:
    broken = []
    for page in SITE.rglob("*.html"):
        for href in read_html(page).links:
            url = urlparse(href)
            if url.scheme or url.netloc or not url.path:
                continue
            base = SITE if url.path.startswith("/") else page.parent
            target = (base / url.path.lstrip("/")).resolve()
            if not (target.is_file() or (target / "index.html").is_file()):
                broken.append(f"{page.relative_to(SITE)} -> {href}")
    assert broken == []


def test_no_attribute_list_is_shown_as_text() -> None:
    shown = [page.relative_to(SITE).as_posix() for page in SITE.rglob("*.html")
             if "{: " in page.read_text(encoding="utf-8")]
    assert shown == []


def test_no_page_loads_anything_from_another_host() -> None:
    external = []
    for page in SITE.rglob("*.html"):
        external += [f"{page.relative_to(SITE)}: {ref}" for ref in read_html(page).refs if urlparse(ref).netloc]
    assert external == []
    for asset in [*SITE.rglob("*.css"), *SITE.rglob("*.js")]:
        text = asset.read_text(encoding="utf-8", errors="replace")
        assert "fonts.googleapis.com" not in text and "fonts.gstatic.com" not in text, asset


def test_script_in_data_shows_as_text() -> None:
    html = (SITE / "measures" / "7" / "index.html").read_text(encoding="utf-8")
    assert "&lt;中华人民共和国民法典&gt;" in html


def test_search_index_is_segmented_with_jieba() -> None:
    index = json.loads((SITE / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["zh"]
    separator = re.compile(index["config"]["separator"])
    words = set()
    for doc in index["docs"]:
        words.update(w for w in separator.split(doc["text"]) if w)
    # jieba splits running Chinese text into words; unsegmented text would leave whole sentences.
    assert {"民法典", "法律援助", "青少年"} <= words
    assert max(len(w) for w in words if re.fullmatch(r"[\u4e00-\u9fff]+", w)) <= 12


def test_measure_anchor_on_section_page() -> None:
    html = (SITE / "sections" / "2" / "index.html").read_text(encoding="utf-8")
    assert 'id="measure-7"' in html
