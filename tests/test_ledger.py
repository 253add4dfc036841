"""URLs that never break: the ledger (data/published-urls.txt), redirects, withdrawals, renumbering."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from plansite.ledger import url_of
from tests.plantools import make_data, run_cli, snapshot
from tests.projectcopy import add_change, browse, copy_project, delete_measure, edit_yaml, mkdocs_build

BROKEN_2 = re.compile(r"^data/published-urls\.txt:(\d+): /measures/2/ was published but would no longer resolve "
                      r"\(say what became of it in data/url-changes\.yaml: ", re.M)


def _ledger_line(data: Path, url: str) -> int:
    lines = (data / "published-urls.txt").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if line.split()[:1] == [url])


@pytest.mark.parametrize(("path", "url"), [
    ("index.md", "/"), ("fulltext.md", "/fulltext/"), ("parts/index.md", "/parts/"), ("measures/7.md", "/measures/7/"),
    ("measures/70/index.html", "/measures/70/"), ("index.html", "/"), ("data/plan.json", None), ("404.html", None),
])
def test_url_of_a_generated_file(path: str, url: str | None) -> None:
    assert url_of(path) == url


# --- the CLI ------------------------------------------------------------------


def test_deleting_a_published_measure_fails_naming_its_url(tmp_path: Path) -> None:
    data, docs = make_data(tmp_path), tmp_path / "docs"
    assert run_cli("--data", str(data), "--docs", str(docs))[0] == 0
    before = snapshot(docs)
    delete_measure(data, 2)
    code, out, err = run_cli("--data", str(data), "--docs", str(docs))
    assert code == 1 and out == ""
    match = BROKEN_2.search(err)
    assert match, err
    assert int(match.group(1)) == _ledger_line(data, "/measures/2/")
    assert err.endswith("1 problem found; nothing was written.\n")
    assert snapshot(docs) == before
    assert run_cli("--check", "--data", str(data))[0] == 1


def test_a_withdrawn_measure_gets_a_page_at_its_old_url(tmp_path: Path) -> None:
    data, docs = make_data(tmp_path), tmp_path / "docs"
    delete_measure(data, 2)
    add_change(data, {"url": "/measures/2/", "withdrawn": {"reason": "与上位法重复", "text": "旧的条文*原样*。"}})
    code, _, err = run_cli("--data", str(data), "--docs", str(docs))
    assert code == 0, err
    page = (docs / "measures" / "2.md").read_text(encoding="utf-8")
    assert 'title: "第2条（已撤销）"' in page  # its number, from the ledger
    assert "撤销原因：与上位法重复" in page
    assert "旧的条文\\*原样\\*。\n{: .measure-text .withdrawn-text }" in page
    assert "exclude: true" in page  # not in search


def test_a_redirected_measure_gets_a_redirect_page(tmp_path: Path) -> None:
    data, docs = make_data(tmp_path), tmp_path / "docs"
    delete_measure(data, 2)
    add_change(data, {"url": "/measures/2/", "redirect": "/sections/1/#measure-1", "reason": "并入第1条"})
    code, _, err = run_cli("--data", str(data), "--docs", str(docs), "--site-url", "https://example.org/plan/")
    assert code == 0, err
    assert not (docs / "measures" / "2.md").exists()
    page = (docs / "measures" / "2" / "index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=../../sections/1/#measure-1">' in page
    assert '<link rel="canonical" href="https://example.org/plan/sections/1/">' in page
    assert '<a href="../../sections/1/#measure-1">（一）加强宣传</a>' in page
    assert "<p>原因：并入第1条</p>" in page


@pytest.mark.parametrize(("entry", "message"), [
    ({"url": "/measures/2/", "redirect": "/measures/9/"},
     "change /measures/2/: redirect target /measures/9/ is not a page"),
    ({"url": "/measures/1/", "redirect": "/measures/3/"}, "change /measures/1/: /measures/1/ is still a page"),
    ({"url": "/measures/2/", "reason": "?"}, "change /measures/2/: give either 'redirect' or 'withdrawn'"),
    ({"url": "/measures/2/", "redirect": "/measures/4/"},
     "change /measures/2/: redirect target /measures/4/ is not a page (/measures/4/ is itself declared here"),
    ({"url": "/measures/2/", "redirct": "/measures/1/"},
     "change /measures/2/: unknown key 'redirct' (did you mean redirect?)"),
])
def test_url_changes_are_checked(tmp_path: Path, entry: dict[str, Any], message: str) -> None:
    data = make_data(tmp_path)
    delete_measure(data, 2)
    add_change(data, entry)
    code, _, err = run_cli("--check", "--data", str(data))
    assert code == 1
    assert re.search(r"^data/url-changes\.yaml:\d+:\d+: " + re.escape(message), err, re.M), err


def test_record_urls_adds_new_pages_and_keeps_every_old_url(tmp_path: Path) -> None:
    data = make_data(tmp_path)
    ledger = data / "published-urls.txt"
    ledger.write_text(ledger.read_text(encoding="utf-8").replace("/sections/2/\n", ""), encoding="utf-8")
    code, out, err = run_cli("--record-urls", "--data", str(data))
    assert code == 0, err
    assert re.fullmatch(r"Recorded \d+ URLs in data/published-urls\.txt \([1-9]\d* new\)\.\n", out)
    text = ledger.read_text(encoding="utf-8")
    assert "\n/sections/2/\n" in text
    assert "\n/measures/4/ 第4条\n/measures/5/ 第5条\n" in text  # redirected and withdrawn: kept
    assert run_cli("--record-urls", "--data", str(data))[1].endswith("(0 new).\n")
    assert ledger.read_text(encoding="utf-8") == text


def test_a_malformed_ledger_is_reported_by_line(tmp_path: Path) -> None:
    data = make_data(tmp_path)
    with (data / "published-urls.txt").open("a", encoding="utf-8") as ledger:
        ledger.write("measures/1\n")
    lines = (data / "published-urls.txt").read_text(encoding="utf-8").count("\n")
    code, _, err = run_cli("--check", "--data", str(data))
    assert code == 1
    assert f"data/published-urls.txt:{lines}: 'measures/1' is not a URL path (write it as /measures/1/)" in err


# --- renumbering in the final version ------------------------------------------


def _finalise_and_swap_1_and_2(data: Path) -> None:
    edit_yaml(data / "plan.yaml", lambda plan: plan.update(status="正式稿"))

    def swap(part: dict[str, Any]) -> None:
        first, second = part["sections"][0]["measures"]
        first["number"], second["number"] = 2, 1
        part["sections"][0]["measures"] = [second, first]

    edit_yaml(data / "parts" / "2.yaml", swap)


def test_renumbering_changes_numbers_never_urls(tmp_path: Path) -> None:
    data, docs = make_data(tmp_path), tmp_path / "docs"
    _finalise_and_swap_1_and_2(data)
    code, _, err = run_cli("--data", str(data), "--docs", str(docs))
    assert code == 0, err
    table = (docs / "renumbering.md").read_text(encoding="utf-8")
    rows = [line for line in table.splitlines() if line.startswith("| 第")]
    assert rows == [
        "| 第1条 | [第2条 开展“12.4”宪法宣传周活动](measures/1.md) |",
        "| 第2条 | [第1条 标记不生效:\\*星号\\*、\\_下划线\\_、\\[方括号\\]\\(x\\)…](measures/2.md) |",
        "| 第4条 | 见 [第3条 加强组织领导](measures/3.md)（征求意见后与第3条合并） |",
        "| 第5条 | [已撤销](measures/5.md)（根据征求意见结果删除） |",
    ]
    measure = (docs / "measures" / "1.md").read_text(encoding="utf-8")
    assert '">第2条 开展' in measure
    assert '本条在征求意见稿中为第1条，见<a href="../../renumbering/">条文编号对照</a>。' in measure
    home = (docs / "index.md").read_text(encoding="utf-8")
    assert "- [**编号对照**<span>征求意见稿与现在的条文编号对照</span>](renumbering.md)\n" in home
    # recording the final version keeps the draft's numbers, and now lists /renumbering/
    assert run_cli("--record-urls", "--data", str(data))[0] == 0
    ledger = (data / "published-urls.txt").read_text(encoding="utf-8")
    assert "\n/measures/1/ 第1条\n/measures/2/ 第2条\n" in ledger and "\n/renumbering/\n" in ledger


def test_no_renumbering_page_while_numbers_are_unchanged(tmp_path: Path) -> None:
    data, docs = make_data(tmp_path), tmp_path / "docs"
    edit_yaml(data / "plan.yaml", lambda plan: plan.update(status="正式稿"))
    assert run_cli("--data", str(data), "--docs", str(docs))[0] == 0
    assert not (docs / "renumbering.md").exists()
    assert "renumbering" not in "".join(p.read_text(encoding="utf-8") for p in docs.rglob("*.md"))


def test_a_draft_is_never_renumbered(tmp_path: Path) -> None:
    """While the plan is a draft its numbers are the draft's: recording updates them, no page."""
    data, docs = make_data(tmp_path), tmp_path / "docs"
    _finalise_and_swap_1_and_2(data)
    edit_yaml(data / "plan.yaml", lambda plan: plan.update(status="征求意见稿"))
    assert run_cli("--data", str(data), "--docs", str(docs))[0] == 0
    assert not (docs / "renumbering.md").exists()
    assert run_cli("--record-urls", "--data", str(data))[0] == 0
    assert "\n/measures/1/ 第2条\n/measures/2/ 第1条\n" in (data / "published-urls.txt").read_text(encoding="utf-8")


# --- the MkDocs hook, and the built site in a browser --------------------------


def test_the_mkdocs_build_fails_too_and_leaves_site_alone(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    assert mkdocs_build(project).returncode == 0
    before = snapshot(project / "site")
    delete_measure(project / "data", 2)
    result = mkdocs_build(project)
    assert result.returncode == 1
    assert BROKEN_2.search(result.stderr), result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(project / "site") == before


@pytest.fixture(scope="module")
def changed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture plan without measure 2 (merged into 1) and section 2 (withdrawn, with measure 3); built."""
    project = copy_project(tmp_path_factory.mktemp("changed") / "project")
    data = project / "data"
    delete_measure(data, 2)
    edit_yaml(data / "parts" / "2.yaml", lambda part: part["sections"].pop())

    def declare(changes: dict[str, Any]) -> None:
        withdrawn_5 = changes["changes"][1]
        changes["changes"] = [
            {"url": "/measures/2/", "redirect": "/measures/1/", "reason": "并入第1条"},
            {"url": "/measures/3/", "withdrawn": {"reason": "随本节撤销", "text": "加强组织领导"}},
            {"url": "/measures/4/", "redirect": "/measures/1/"},
            withdrawn_5,
            {"url": "/sections/2/", "withdrawn": {"reason": "本节撤销", "text": "（二）保障落实"}},
        ]

    edit_yaml(data / "url-changes.yaml", declare)
    result = mkdocs_build(project, site_url="https://example.org/plan/")
    assert result.returncode == 0, result.stderr
    return project / "site"


def test_the_built_site_has_the_withdrawal_and_redirect_pages(changed_site: Path) -> None:
    withdrawn = (changed_site / "measures" / "3" / "index.html").read_text(encoding="utf-8")
    assert "第3条（已撤销）" in withdrawn and "撤销原因：随本节撤销" in withdrawn and "加强组织领导" in withdrawn
    section = (changed_site / "sections" / "2" / "index.html").read_text(encoding="utf-8")
    assert "本页内容已撤销" in section and "（二）保障落实" in section
    redirect = (changed_site / "measures" / "2" / "index.html").read_text(encoding="utf-8")
    assert 'content="0; url=../1/"' in redirect and 'href="https://example.org/plan/measures/1/"' in redirect


@pytest.mark.browser
@pytest.mark.parametrize("old", ["measures/2/", "measures/4/"])
def test_in_a_browser_the_old_url_lands_on_the_new_page(changed_site: Path, browser: Any, old: str) -> None:
    with browse(changed_site, browser) as (base, page):
        page.goto(base + old)
        page.wait_for_url(base + "measures/1/", timeout=10_000)
        assert page.locator("h1").first.inner_text().startswith("第1条 开展")


@pytest.mark.browser
def test_in_a_browser_the_withdrawn_url_shows_the_notice(changed_site: Path, browser: Any) -> None:
    with browse(changed_site, browser) as (base, page):
        response = page.goto(base + "measures/3/")
        assert response is not None and response.status == 200
        assert page.url == base + "measures/3/"
        assert page.locator("h1").first.inner_text() == "第3条（已撤销）"
        assert page.locator(".withdrawn-text").inner_text() == "加强组织领导"
