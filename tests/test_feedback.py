"""Comment and cite: the feedback mail on every measure, the citation box, and what 正式稿 takes away."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from plansite.cite import Citer, chinese_date
from plansite.validate import load_plan
from tests.ourplan import OUR_DATA
from tests.plantools import make_data, run_cli
from tests.projectcopy import browse, copy_project, edit_yaml, mkdocs_build

FIXTURE_TITLE = "《示例区某某建设实施方案（2021—2023年）》"
CITATION_1 = f"{FIXTURE_TITLE}（征求意见稿），示例区某某办公室，2023年1月2日，第1条。"
SITE_URL = "https://example.org/plan/"


class _Links(HTMLParser):
    """Every <a>: its href, class and text; and the text of elements by id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[dict[str, str]] = []
        self.by_id: dict[str, str] = {}
        self._open: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" or (tag == "span" and "id" in a):
            self._open.append((tag, {**a, "text": ""}))

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1][0] == tag:
            _, a = self._open.pop()
            if tag == "a":
                self.links.append(a)
            else:
                self.by_id[a["id"]] = a["text"]

    def handle_data(self, data: str) -> None:
        for _, a in self._open:
            a["text"] += data


def links(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


# 对本条提出意见 on a measure's page; 对第N条提出意见 where several measures share a page (sections)
FEEDBACK_LINK = re.compile(r"对(本|第\d+)条提出意见")


def feedback_hrefs(path: Path) -> list[str]:
    return [a["href"] for a in links(path).links if FEEDBACK_LINK.fullmatch(a["text"])]


def decode_mailto(href: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(href)
    assert parts.scheme == "mailto"
    assert re.fullmatch(r"[A-Za-z0-9%._~@=&-]+", parts.path + parts.query), "not fully percent-encoded"
    fields = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True, encoding="utf-8",
                                           errors="strict").items()}
    return unquote(parts.path), fields


@pytest.fixture(scope="module")
def draft_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("draft") / "project")
    result = mkdocs_build(project, site_url=SITE_URL)
    assert result.returncode == 0, result.stderr
    return project / "site"


@pytest.fixture(scope="module")
def final_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("final") / "project")
    edit_yaml(project / "data" / "plan.yaml", lambda plan: plan.update(status="正式稿"))
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    return project / "site"


def test_the_site_description_says_draft_only_while_it_is_one(draft_site: Path, final_site: Path) -> None:
    description = re.compile(r'<meta name="description" content="([^"]*)"')
    [draft] = description.findall((draft_site / "measures" / "1" / "index.html").read_text(encoding="utf-8"))
    [final] = description.findall((final_site / "measures" / "1" / "index.html").read_text(encoding="utf-8"))
    assert draft == "示例区某某建设实施方案（2021—2023年）（征求意见稿）：全文、逐条措施、责任单位与搜索"
    assert final == draft.replace("（征求意见稿）", "") and "征求意见稿" not in final


# --- feedback ---------------------------------------------------------------------


def test_the_feedback_mail_has_the_right_address_subject_and_body(draft_site: Path) -> None:
    [href] = feedback_hrefs(draft_site / "measures" / "1" / "index.html")
    address, fields = decode_mailto(href)
    assert address == "demo@example.org"
    assert set(fields) == {"subject", "body"}
    assert fields["subject"] == f"意见：{FIXTURE_TITLE}第1条"
    assert fields["body"] == (
        "措施：第1条 开展“12.4”宪法宣传周活动\r\n"
        f"网址：{SITE_URL}measures/1/\r\n"
        "\r\n意见和建议：\r\n\r\n\r\n联系人及联系方式（选填）：\r\n"
    )


def test_every_measure_on_a_section_page_has_its_own_feedback_link(draft_site: Path) -> None:
    hrefs = feedback_hrefs(draft_site / "sections" / "1" / "index.html")
    subjects = [decode_mailto(h)[1]["subject"] for h in hrefs]
    assert subjects == [f"意见：{FIXTURE_TITLE}第1条", f"意见：{FIXTURE_TITLE}第2条"]
    texts = [a["text"] for a in links(draft_site / "sections" / "1" / "index.html").links]
    assert [t for t in texts if FEEDBACK_LINK.fullmatch(t)] == ["对第1条提出意见", "对第2条提出意见"]
    assert [t for t in texts if t.endswith("条页面")] == ["第1条页面", "第2条页面"]  # each link says which measure
    # markup in a measure's text stays text in the mail too
    body = decode_mailto(hrefs[1])[1]["body"]
    assert body.startswith("措施：第2条 标记不生效:*星号*、_下划线_、[方括号](x)…\r\n")


def test_the_real_plan_subject() -> None:
    plan = load_plan(OUR_DATA)
    measure = next(m for m in plan.measures if m.id == "7")
    _, fields = decode_mailto(str(Citer(plan).mailto(measure)))
    assert fields["subject"] == "意见：《西安区法治社会建设实施方案（2020—2025年）》第7条"
    assert urlsplit(str(Citer(plan).mailto(measure))).path == "xayfzqb@163.com"


def test_the_draft_has_the_banner_and_the_feedback_links(draft_site: Path) -> None:
    page = (draft_site / "measures" / "1" / "index.html").read_text(encoding="utf-8")
    assert 'class="md-banner' in page and 'class="plan-announce"' in page
    assert "公开征求意见" in (draft_site / "consultation" / "index.html").read_text(encoding="utf-8")


def test_the_final_version_has_no_banner_and_no_feedback_links(final_site: Path) -> None:
    pages = sorted(final_site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "plan-announce" not in html and 'class="md-banner' not in html, page
        assert "mailto:" not in html, page
        assert not FEEDBACK_LINK.search(html), page
    consultation = (final_site / "consultation" / "index.html").read_text(encoding="utf-8")
    assert "意见征求已经结束" in consultation
    citation = links(final_site / "measures" / "1" / "index.html").by_id["cite-text"]
    assert citation == CITATION_1.replace("征求意见稿", "示例办发〔2023〕1号")  # a final is cited by its 文号


# --- citation ---------------------------------------------------------------------


def test_the_citation_box_of_a_measure(draft_site: Path) -> None:
    ids = links(draft_site / "measures" / "1" / "index.html").by_id
    assert ids["cite-text"] == CITATION_1
    assert ids["cite-url"] == f"{SITE_URL}measures/1/"


def test_without_a_site_url_the_citation_says_the_address_is_not_yet_known(final_site: Path) -> None:
    html = (final_site / "measures" / "2" / "index.html").read_text(encoding="utf-8")
    assert "cite-url" not in links(final_site / "measures" / "2" / "index.html").by_id
    assert "本站的正式网址尚未确定" in html
    assert ">/measures/2/<" not in html  # no path shown as if it were an address


def test_the_real_plan_citation() -> None:
    plan = load_plan(OUR_DATA)
    measure = next(m for m in plan.measures if m.id == "7")
    assert Citer(plan).text(measure) == (
        "《西安区法治社会建设实施方案（2020—2025年）》（征求意见稿），中共西安区委全面依法治区委员会办公室，"
        "2022年9月14日，第7条。"
    )
    assert Citer(plan, "https://example.gov.cn/fzsh/").permalink(measure) == "https://example.gov.cn/fzsh/measures/7/"


def test_chinese_date() -> None:
    assert chinese_date("2022-09-14") == "2022年9月14日"
    assert chinese_date("2023-10-01") == "2023年10月1日"


def test_the_cli_takes_the_site_url_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data, docs = make_data(tmp_path), tmp_path / "docs"
    monkeypatch.setenv("SITE_URL", "https://example.net/x/")
    assert run_cli("--data", str(data), "--docs", str(docs))[0] == 0
    page = (docs / "measures" / "3.md").read_text(encoding="utf-8")
    assert '<span class="plan-cite__url" id="cite-url">https://example.net/x/measures/3/</span>' in page


# --- the copy buttons, in a browser ------------------------------------------------


@pytest.mark.browser
def test_copy_buttons_copy_the_citation_and_the_url(draft_site: Path, browser: Any) -> None:
    with browse(draft_site, browser, permissions=["clipboard-read", "clipboard-write"]) as (base, page):
        page.goto(base + "measures/1/")
        button = page.locator("button[data-copy-target=cite-text]")
        assert button.is_visible()
        button.click()
        page.wait_for_function("document.querySelector('[data-copy-target=cite-text]').textContent === '已复制'")
        assert page.evaluate("navigator.clipboard.readText()") == CITATION_1
        page.locator("button[data-copy-target=cite-url]").click()
        page.wait_for_function("document.querySelector('[data-copy-target=cite-url]').textContent === '已复制'")
        assert page.evaluate("navigator.clipboard.readText()") == f"{SITE_URL}measures/1/"


@pytest.mark.browser
def test_without_navigator_clipboard_the_text_is_selected(draft_site: Path, browser: Any) -> None:
    with browse(draft_site, browser, init_script="delete Navigator.prototype.clipboard") as (base, page):
        page.goto(base + "measures/1/")
        assert page.evaluate("navigator.clipboard") is None
        page.locator("button[data-copy-target=cite-text]").click()
        assert page.evaluate("window.getSelection().toString()") == CITATION_1
        assert page.locator("button[data-copy-target=cite-text]").inner_text() in (
            "已复制", "已选中，请按 Ctrl+C 复制")


@pytest.mark.browser
def test_the_feedback_link_is_a_plain_mailto_link(draft_site: Path, browser: Any) -> None:
    with browse(draft_site, browser) as (base, page):
        page.goto(base + "measures/1/")
        link = page.get_by_role("link", name="对本条提出意见")
        assert link.count() == 1
        address, fields = decode_mailto(link.get_attribute("href") or "")
        assert address == "demo@example.org" and fields["subject"] == f"意见：{FIXTURE_TITLE}第1条"
