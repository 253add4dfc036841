"""The conventions of government pages, built from hostile data: information table, 相关链接,
deadline, footer (issuer, contact, 网站地图, 备案 numbers), the SITE_URL warning."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.plantools import make_data, run_cli
from tests.projectcopy import copy_project, edit_yaml

HOSTILE_ICP = '<script>alert(1)</script>示ICP备00000001号'
HOSTILE_POLICE = '"><img src=x onerror=alert(2)>公网安备1号'


def _hostile(plan: dict) -> None:
    plan["related"] = [
        {"title": "上级关于印发<某某纲要>的通知 **粗** [x](javascript:alert(3)) {: .cls }", "issuer": "上级<机关>&",
         "url": "https://www.example.gov.cn/zhengce/content_1.htm?a=1&b=2"},
        {"title": "某某条例", "issuer": "某某人大常委会"},
    ]
    plan["consultation"]["deadline"] = "2023-02-01"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("conventions") / "project")
    edit_yaml(project / "data" / "plan.yaml", _hostile)
    env = {"NO_MKDOCS_2_WARNING": "1", "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
           "HOME": os.environ.get("HOME", "/tmp"), "BEIAN_ICP": HOSTILE_ICP, "BEIAN_POLICE": HOSTILE_POLICE}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=project, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return project / "site"


def read(site: Path, page: str) -> str:
    return (site / page / "index.html").read_text(encoding="utf-8")


def test_the_information_table_of_the_document_pages(site: Path) -> None:
    for page in ("", "fulltext"):
        html = read(site, page)
        assert '<th scope="row">发布机构</th><td>示例区某某办公室</td>' in html
        assert '<th scope="row">成文日期</th><td>2022年12月30日</td>' in html
        assert '<th scope="row">发布日期</th><td>2023年1月2日</td>' in html
        assert '<th scope="row">文号</th><td>示例办发〔2023〕1号</td>' in html
        assert '<th scope="row">状态</th><td>征求意见稿，正在公开征求意见</td>' in html


def test_related_documents_are_text_and_link_only_to_their_official_address(site: Path) -> None:
    html = read(site, "")
    assert ('<a href="https://www.example.gov.cn/zhengce/content_1.htm?a=1&amp;b=2">'
            '《上级关于印发&lt;某某纲要&gt;的通知 **粗** [x](javascript:alert(3)) {: .cls }》</a>'
            '（上级&lt;机关&gt;&amp;）') in html
    assert "<li>《某某条例》（某某人大常委会）</li>" in html
    assert "javascript:alert(3)\"" not in html and 'href="javascript' not in html


def test_the_consultation_page_says_the_deadline(site: Path) -> None:
    assert "<td>截止日期</td>\n<td>2023年2月1日</td>" in read(site, "consultation")


def test_without_a_deadline_the_page_says_the_notice_gives_none(tmp_path: Path) -> None:
    data = make_data(tmp_path)
    code, _, _ = run_cli("--data", str(data), "--docs", str(tmp_path / "docs"))
    assert code == 0
    page = (tmp_path / "docs" / "consultation.md").read_text(encoding="utf-8")
    assert "| 截止日期 | 征求意见通知未写明截止日期 |" in page


def test_a_deadline_before_publication_is_refused_with_its_line(tmp_path: Path) -> None:
    data = make_data(tmp_path)
    edit_yaml(data / "plan.yaml", lambda plan: plan["consultation"].update(deadline="2022-12-01"))
    code, _, err = run_cli("--check", "--data", str(data))
    assert code == 1
    assert err.startswith("data/plan.yaml:")
    assert ": 'deadline' 2022-12-01 is before the publication date 2023-01-02 (the last day for comments comes after " \
           "the notice is published)\n" in err


def test_the_footer_is_chinese_with_issuer_contact_sitemap_and_escaped_beian(site: Path) -> None:
    html = read(site, "measures/1")
    footer = html[html.index('<footer class="md-footer plan-footer">'):html.index("</footer>")]
    assert "Made with" not in html and "Material for MkDocs" not in footer
    assert "主办：示例区某某办公室" in footer
    assert "联系方式：李明　电话 1234567　电子邮箱 demo@example.org" in footer
    assert '<a href="../../sitemap/">网站地图</a>' in footer
    assert "&lt;script&gt;alert(1)&lt;/script&gt;示ICP备00000001号" in footer and "<script>alert(1)" not in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;公网安备1号" in footer and "<img src=x" not in html
    assert (site / "sitemap" / "index.html").is_file()


def test_without_beian_numbers_the_footer_has_no_room_left_empty(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    env = {"NO_MKDOCS_2_WARNING": "1", "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
           "HOME": os.environ.get("HOME", "/tmp")}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=project, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "plan-footer__beian" not in (project / "site" / "index.html").read_text(encoding="utf-8")


def test_the_generator_warns_once_naming_site_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SITE_URL", raising=False)
    data = make_data(tmp_path)
    code, _, err = run_cli("--data", str(data), "--docs", str(tmp_path / "docs"), "--site-url", "")
    assert code == 0
    assert err.count("\n") == 1 and err.startswith("warning: SITE_URL is not set") and "SITE_URL=https://" in err
    code, _, err = run_cli("--data", str(data), "--docs", str(tmp_path / "docs2"), "--site-url", "https://example.gov.cn/x/")
    assert code == 0 and err == ""
