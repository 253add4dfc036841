"""No value from the data can change what a page does.

Hostile values, as hostile as validation lets through, go into every field of the fixture plan; the
site is built with MkDocs (every template, the theme, the hook) and every HTML page is read back with
a real HTML parser: no attribute broken out of, no event handler, no javascript: URL, no tag or
refresh from the data, and each value shown as exactly itself. Values validation must refuse
(an email with headers, a site_url with a quote) are refused with a message.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import yaml

from plansite.render import site_description
from plansite.validate import load_plan
from tests.plantools import make_data, run_cli
from tests.projectcopy import copy_project, mkdocs_build

# A name or title may not hold < > & (the theme prints them as they are); everything else is tried:
# quotes that would end an attribute, Markdown links and attribute lists, Jinja, HTML entities' cousins.
NAME = ('甲" onmouseover="alert(1)" x=\'y\' [链](javascript:alert(2)) {: onclick="alert(3)" } '
        "{{ 7*7 }} {% raw %} *星* _线_ `码` |竖| \\ # 井 --! ]]")
# Texts may hold anything and are always shown as written.
TEXT = ('<script>alert(1)</script><img src=x onerror=alert(2)>'
        '<meta http-equiv="refresh" content="0;url=https://evil.example/">'
        '"\' onmouseover=alert(3) [链](javascript:alert(4)) <a href="javascript:alert(5)">x</a> &lt; &amp;'
        ' {: onclick="alert(6)" } <!-- --> <style>*{display:none}</style>\n- 列表\n1. 编号\n    缩进 ]]> </textarea>')
EVIL_HOST = "evil.example"


def _write(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")  # JSON is YAML


def hostile_data(data: Path) -> None:
    """Put NAME or TEXT (with a distinct tail, so each can be found) into every field of the fixture plan."""
    plan = yaml.safe_load((data / "plan.yaml").read_text(encoding="utf-8"))
    plan.update(title="方案" + NAME, period="2021—2023年" + NAME, office="办公室" + NAME, preamble="前言" + TEXT)
    plan["consultation"].update(notice="通知" + TEXT, contact="联系人" + NAME, phone='1234"567', fax="<1234567>")
    _write(data / "plan.yaml", plan)
    units = yaml.safe_load((data / "units.yaml").read_text(encoding="utf-8"))
    units["units"][0]["name"] = "司法局" + NAME
    units["units"][1]["aliases"][0].update(spelling="别名" + NAME, note="说明" + TEXT)
    units["combined"] = [{"spelling": "合称" + NAME, "units": ["司法局" + NAME, "区教育局"], "note": "注" + TEXT}]
    _write(data / "units.yaml", units)
    _write(data / "topics.yaml", {"topics": [{"name": "专题" + NAME, "slug": "zhuanti", "description": "描述" + TEXT}]})
    part1 = yaml.safe_load((data / "parts" / "1.yaml").read_text(encoding="utf-8"))
    part1.update(number="一" + NAME, title="总体" + NAME)
    part1["paragraphs"][0].update(number="一" + NAME, title="思想" + NAME, text="段落" + TEXT)
    _write(data / "parts" / "1.yaml", part1)
    part2 = yaml.safe_load((data / "parts" / "2.yaml").read_text(encoding="utf-8"))
    part2.update(title="任务" + NAME)
    first = part2["sections"][0]
    first.update(number="一" + NAME, title="宣传" + NAME)
    first["measures"][0].update(text="措施" + TEXT, lead=["司法局" + NAME, "别名" + NAME],
                                participating=["合称" + NAME], topics=["专题" + NAME])
    _write(data / "parts" / "2.yaml", part2)
    changes = yaml.safe_load((data / "url-changes.yaml").read_text(encoding="utf-8"))
    changes["changes"][0]["reason"] = "合并" + TEXT
    changes["changes"][1]["withdrawn"].update(reason="撤销" + TEXT, text="旧文" + TEXT)
    _write(data / "url-changes.yaml", changes)


class Page(HTMLParser):
    """Every element with its attributes, inline script bodies, and the text, as a browser reads them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []
        self.titles: list[str] = []
        self.text: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        if tag in ("script", "style", "title"):
            self._in.append(tag)
        if tag == "title":
            self.titles.append("")

    def handle_endtag(self, tag: str) -> None:
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if self._in and self._in[-1] == "script":
            self.scripts.append(data)
        elif self._in and self._in[-1] == "title":
            self.titles[-1] += data
        else:
            self.text.append(data)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


@pytest.fixture(scope="module", params=["征求意见稿", "正式稿"])
def hostile_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """The hostile plan built as a draft (banner, feedback links) and as final with a renumbered
    measure (the /renumbering/ page), so that every template renders hostile values."""
    project = copy_project(tmp_path_factory.mktemp("hostile"))
    hostile_data(project / "data")
    if request.param == "正式稿":
        for name, change in (("plan.yaml", lambda d: d.update(status="正式稿")),
                             ("parts/2.yaml", lambda d: d["sections"][0]["measures"][0].update(number=9))):
            data = yaml.safe_load((project / "data" / name).read_text(encoding="utf-8"))
            change(data)
            _write(project / "data" / name, data)
    plan = load_plan(project / "data")  # the values are valid: they must be shown, not refused
    result = mkdocs_build(project, site_url="https://example.gov.cn/plan/")
    assert result.returncode == 0, result.stderr[-3000:]
    assert (project / "site" / "renumbering" / "index.html").is_file() == (request.param == "正式稿")
    return project / "site", plan


def _pages(site: Path) -> list[Path]:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    return pages


def test_no_attribute_break_out_event_handler_or_script_from_data(hostile_site: tuple[Path, Any]) -> None:
    site, _ = hostile_site
    for path in _pages(site):
        page = parse(path)
        where = path.relative_to(site).as_posix()
        for tag, attrs in page.elements:
            for name, value in attrs.items():
                allowed = tag == "button" and name == "onclick" and value == "window.print()"
                assert not name.startswith("on") or allowed, (where, tag, name, value)
                assert name not in ("formaction", "srcdoc") and (name, value) != ("x", "y"), (where, tag, name)
                if name in ("href", "src", "action", "data", "poster", "xlink:href"):
                    scheme = urlsplit(value.strip().lower()).scheme
                    assert scheme in ("", "http", "https", "mailto"), (where, tag, name, value)
                    assert EVIL_HOST not in value, (where, tag, name, value)
            assert not (tag == "img" and attrs.get("src") == "x"), where
            assert tag not in ("textarea", "iframe", "object", "embed", "base"), (where, tag)
            if tag == "meta" and "http-equiv" in attrs:
                # only the redirect pages refresh, and only to a page of this site
                assert where.startswith("measures/4/"), (where, attrs)
                target = attrs["content"].split("url=", 1)[1]
                assert urlsplit(target).scheme == "" and not target.startswith("//"), target
            if tag == "script" and attrs.get("src"):
                assert not urlsplit(attrs["src"]).netloc, (where, attrs)  # the site's own scripts only
        for script in page.scripts:
            assert "alert(" not in script and EVIL_HOST not in script, (where, script[:200])


def test_values_from_data_are_shown_as_text(hostile_site: tuple[Path, Any]) -> None:
    site, plan = hostile_site
    measure = " ".join(parse(site / "measures" / "1" / "index.html").text)
    assert "<script>alert(1)</script><img src=x onerror=alert(2)>" in measure
    assert '<a href="javascript:alert(5)">x</a> &lt; &amp;' in measure
    assert "司法局" + NAME in measure  # a unit name, with its quotes and brackets, as written
    home = parse(site / "index.html")
    assert "前言<script>alert(1)</script>" in " ".join(home.text)
    withdrawn = " ".join(parse(site / "measures" / "5" / "index.html").text)
    assert "旧文<script>alert(1)</script>" in withdrawn
    if not plan.is_draft:
        renumbering = " ".join(parse(site / "renumbering" / "index.html").text)
        assert "合并<script>alert(1)</script>" in renumbering and "撤销<script>alert(1)</script>" in renumbering


def test_the_description_and_title_the_theme_prints_stay_whole(hostile_site: tuple[Path, Any]) -> None:
    site, plan = hostile_site
    for path in (site / "index.html", site / "measures" / "1" / "index.html", site / "404.html"):
        page = parse(path)
        metas = [a for t, a in page.elements if t == "meta" and a.get("name") == "description"]
        assert [m["content"] for m in metas] == [site_description(plan)]
        canonical = [a["href"] for t, a in page.elements if t == "link" and a.get("rel") == "canonical"]
        assert all(c.startswith("https://example.gov.cn/plan/") for c in canonical), canonical
    assert parse(site / "index.html").titles[0].startswith(plan.full_title)  # the page's <title>, whole
    assert parse(site / "units" / "sifaju" / "index.html").titles[0].startswith(plan.units[0].name + " - ")


def test_every_mailto_link_is_the_one_address_with_subject_and_body_only(hostile_site: tuple[Path, Any]) -> None:
    site, plan = hostile_site
    seen = 0
    for path in _pages(site):
        for tag, attrs in parse(path).elements:
            href = attrs.get("href", "")
            if tag == "a" and href.startswith("mailto:"):
                seen += 1
                parts = urlsplit(href)
                assert unquote(parts.path) == plan.consultation.email
                assert set(parse_qs(parts.query)) <= {"subject", "body"}
    assert seen >= 3 if plan.is_draft else seen == 0  # a final plan has no feedback links


# --- refused at the source -----------------------------------------------------------------------

HOSTILE_EMAILS = [
    "javascript:alert(1)//@example.org",
    "demo@example.org?bcc=spy@evil.example",
    "demo@example.org?bcc=spy",
    "demo@example.org%0D%0ABcc:spy@evil.example",
    "demo@example.org,spy@evil.example",
    "demo@example.org)[x](javascript:alert%281%29",
    'demo@example.org"onmouseover="alert(1)',
    "demo@example.org\u200b",
    "demo@@example.org",
    "<demo@example.org>",
    "demo@localhost",
    "demo@example..org",
    " demo@example.org",
    "data:text/html,x@example.org",
]


@pytest.mark.parametrize("email", HOSTILE_EMAILS)
def test_an_email_is_one_plain_address(tmp_path: Path, email: str) -> None:
    data = make_data(tmp_path)
    plan = yaml.safe_load((data / "plan.yaml").read_text(encoding="utf-8"))
    plan["consultation"]["email"] = email
    _write(data / "plan.yaml", plan)
    code, _, err = run_cli("--check", "--data", str(data))
    assert code == 1 and "Traceback" not in err
    assert err.splitlines()[0].startswith("data/plan.yaml:"), err
    assert ("'email'" in err and "One plain email address" in err) or "invisible character U+200B" in err, err


HOSTILE_SITE_URLS = [
    'https://example.gov.cn/"><script>alert(1)</script>',
    "https://example.gov.cn/plan/' onmouseover='alert(1)",
    "javascript:alert(1)",
    "https://example.gov.cn/plan/?q=<x>",
    "https://example.gov.cn/plan/ x",
    "//evil.example/",
    "https://exa\u200bmple.gov.cn/",
]


@pytest.mark.parametrize("site_url", HOSTILE_SITE_URLS)
def test_a_site_url_that_could_end_an_attribute_is_refused(tmp_path: Path, site_url: str) -> None:
    data = make_data(tmp_path)
    docs = tmp_path / "docs"
    code, out, err = run_cli("--data", str(data), "--docs", str(docs), "--site-url", site_url)
    assert code == 1 and out == "" and "Traceback" not in err
    assert err.startswith("site_url: the site's address '") and "is not a plain web address" in err
    assert not docs.exists()


def test_a_site_url_with_a_quote_stops_the_mkdocs_build_too(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    result = mkdocs_build(project, site_url='https://example.gov.cn/plan/"><script>alert(1)</script>')
    assert result.returncode != 0
    assert "site_url: the site's address" in result.stderr and "Traceback" not in result.stderr
    assert not (project / "site").exists()


@pytest.mark.parametrize("site_url", ["https://example.gov.cn/plan/", "http://127.0.0.1:8000/", "https://x.cn"])
def test_plain_site_urls_are_accepted(tmp_path: Path, site_url: str) -> None:
    code, _, err = run_cli("--check", "--data", str(make_data(tmp_path)), "--site-url", site_url)
    assert (code, err) == (0, "")


def test_settings_the_theme_prints_raw_are_escaped_by_the_hook(tmp_path: Path) -> None:
    """site_name, copyright, site_author, site_description from mkdocs.yml: the theme prints them
    as they are, into attributes too; the hook makes each one text."""
    project = copy_project(tmp_path / "p")
    config = project / "mkdocs.yml"
    lines = [line for line in config.read_text(encoding="utf-8").splitlines()
             if not line.startswith(("site_name:", "copyright:", "site_description:", "site_author:"))]
    hostile = {"site_name": '名" onmouseover="alert(1)', "copyright": '<img src=x onerror=alert(2)>©',
               "site_author": '"><script>alert(3)</script>', "site_description": '描述" http-equiv="refresh'}
    lines[1:1] = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in hostile.items()]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr[-2000:]
    site = project / "site"
    for path in (site / "index.html", site / "measures" / "1" / "index.html", site / "404.html"):
        page = parse(path)
        for tag, attrs in page.elements:
            assert not any(name.startswith("on") for name in attrs), (path, tag, attrs)
            assert not (tag == "img" and attrs.get("src") == "x") and "http-equiv" not in attrs, (path, attrs)
        assert not any("alert(" in script for script in page.scripts)
        metas = {a["name"]: a["content"] for t, a in page.elements if t == "meta" and a.get("name")}
        assert metas["description"] == hostile["site_description"]
        assert metas["author"] == hostile["site_author"]
    # site_name and copyright are then set from the data by the hook (the header and the footer name the
    # plan and its issuer); the hostile mkdocs.yml values must not reach a page even as markup
    assert "alert(2)" not in (site / "index.html").read_text(encoding="utf-8")
