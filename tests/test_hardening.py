"""Careless input: links, editor leftovers, very deep or very long files, a ledger that lost lines,
a failed build. Each gets a message that points at the right place, never a traceback, and never
costs the published site or a published URL. (Single-file cases are in tests/fixtures/invalid/.)
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from plansite.problems import excerpt, visible
from plansite.yamlfile import read_yaml
from tests.plantools import ROOT, make_data, run_cli, snapshot
from tests.projectcopy import copy_project, delete_measure

SECRET = "SECRET-LINE-ONE-of-a-file-outside-the-project " * 20


def check(data: Path) -> tuple[int, str]:
    code, _, err = run_cli("--check", "--data", str(data))
    assert "Traceback" not in err
    return code, err


# --- files in data/ ----------------------------------------------------------------------------


def test_hidden_files_and_editor_leftovers_are_ignored(tmp_path: Path) -> None:
    data = make_data(tmp_path)
    parts = data / "parts"
    (parts / ".#2.yaml").symlink_to("root@host.12345:1700000000")  # Emacs' lock file: a dangling link
    (parts / ".2.yaml.swp").write_bytes(b"\x00\x01vim swap")
    (parts / "2.yaml~").write_text("id: [broken", encoding="utf-8")
    (parts / "#2.yaml#").write_text("id: [broken", encoding="utf-8")
    (parts / ".hidden.yaml").write_text("id: [broken", encoding="utf-8")
    (data / ".units.yaml.swp").write_bytes(b"\xff\xfe")
    assert check(data) == (0, "")
    code, _, err = run_cli("--data", str(data), "--docs", str(tmp_path / "docs"),  # generate: fingerprints data/
                           "--site-url", "https://example.org/plan/")
    assert (code, err) == (0, "")
    assert (tmp_path / "docs" / "measures" / "1.md").is_file()


def test_a_dangling_link_that_is_not_hidden_is_reported(tmp_path: Path) -> None:
    data = make_data(tmp_path)
    (data / "parts" / "3.yaml").symlink_to(tmp_path / "nowhere.yaml")
    code, err = check(data)
    assert code == 1
    assert run_cli("--data", str(data), "--docs", str(tmp_path / "docs"))[2] == err
    assert err.splitlines()[0] == ("data/parts/3.yaml: the file is a link to a file that does not exist "
                                   "(delete the link, or restore the file it points to)")


@pytest.mark.parametrize("name", ["parts/3.yaml", "units.yaml", "url-changes.yaml", "published-urls.txt"])
def test_a_link_out_of_the_project_is_not_read(tmp_path: Path, name: str) -> None:
    project = tmp_path / "project"
    data = make_data(project)
    outside = tmp_path / "elsewhere" / "secret.yaml"
    outside.parent.mkdir()
    outside.write_text(SECRET + "\n" + "key: [" * 3, encoding="utf-8")
    (data / name).unlink(missing_ok=True)
    (data / name).symlink_to(outside)
    code, err = check(data)
    assert code == 1
    assert f"data/{name}: the file is a link to a file outside the project; it was not read" in err
    assert "SECRET" not in err


def test_a_parts_folder_linked_out_of_the_project_is_not_read(tmp_path: Path) -> None:
    data = make_data(tmp_path / "project")
    outside = tmp_path / "elsewhere"
    (data / "parts").rename(outside)
    (outside / "2.yaml").write_text(SECRET + "\n", encoding="utf-8")
    (data / "parts").symlink_to(outside, target_is_directory=True)
    code, err = check(data)
    assert code == 1 and "SECRET" not in err
    assert err.splitlines()[:2] == [
        "data/parts/1.yaml: the file is a link to a file outside the project; it was not read "
        "(copy the file into the project instead of linking to it)",
        "data/parts/2.yaml: the file is a link to a file outside the project; it was not read "
        "(copy the file into the project instead of linking to it)",
    ]


def test_a_link_inside_the_project_is_followed(tmp_path: Path) -> None:
    data = make_data(tmp_path)
    shared = tmp_path / "shared"
    shared.mkdir()
    (data / "units.yaml").rename(shared / "units.yaml")
    (data / "units.yaml").symlink_to(shared / "units.yaml")
    assert check(data) == (0, "")


def test_a_yml_file_is_reported_not_silently_ignored(tmp_path: Path) -> None:
    data = make_data(tmp_path)
    (data / "parts" / "2.yaml").rename(data / "parts" / "2.yml")
    (data / "topics.YAML").write_text("topics: []\n", encoding="utf-8")
    code, err = check(data)
    assert code == 1
    assert "data/parts/2.yml: this file is ignored: data files end in .yaml, not .yml (rename it to 2.yaml)" in err
    assert ("data/topics.YAML: this file is ignored: data files end in .yaml, not .YAML "
            "(rename it to topics.yaml)") in err


@pytest.mark.parametrize("depth", [100, 100_000])
def test_very_deep_nesting_is_a_message_not_a_crash(tmp_path: Path, depth: int) -> None:
    # libyaml's parser recurses in C: 100 000 levels would overflow the stack (a segmentation fault)
    path = tmp_path / "units.yaml"
    block = "units:\n" + "".join(" " * i + "- \n" for i in range(min(depth, 200)))  # indented: 200 is plenty
    for text in ("units: " + "[" * depth + "]" * depth, "units: " + "{a: " * depth + "1" + "}" * depth, block):
        path.write_text(text, encoding="utf-8")
        doc, problems = read_yaml(path, "data/units.yaml")
        assert doc is None and [p.message for p in problems] == ["the file is nested more than 20 levels deep"]


def test_messages_quote_short_visible_excerpts(tmp_path: Path) -> None:
    data = make_data(tmp_path)
    long_key = "键" * 5000
    (data / "units.yaml").write_text(f"units: []\n{long_key}: 1\n", encoding="utf-8")
    code, err = check(data)
    assert code == 1 and max(len(line) for line in err.splitlines()) < 300
    assert excerpt("a\u200bb" + "c" * 100) == "a<U+200B>b" + "c" * 37 + "…"
    assert visible("\ufeff/x/\t") == "<U+FEFF>/x/<U+0009>"


# --- the ledger ----------------------------------------------------------------------------------


def test_a_byte_order_mark_at_the_start_of_the_ledger_is_harmless(tmp_path: Path) -> None:
    data = make_data(tmp_path)
    ledger = data / "published-urls.txt"
    ledger.write_bytes(b"\xef\xbb\xbf" + ledger.read_bytes().replace(b"\n", b"\r\n"))
    assert check(data) == (0, "")


def _git(cwd: Path, *args: str) -> str:
    command = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "init.defaultBranch=main", *args]
    return subprocess.run(command, cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A project whose data/ is committed to git (published), as in a clone of this repository."""
    if not shutil.which("git"):
        pytest.fail("git is needed to test the ledger against its history")
    data = make_data(tmp_path / "repo")
    _git(tmp_path / "repo", "init", "-q")
    _git(tmp_path / "repo", "add", "-A")
    _git(tmp_path / "repo", "commit", "-qm", "published")
    return data


def _drop_ledger_line(data: Path, line: str) -> None:
    ledger = data / "published-urls.txt"
    text = ledger.read_text(encoding="utf-8")
    assert f"\n{line}\n" in text
    ledger.write_text(text.replace(f"\n{line}\n", "\n"), encoding="utf-8")


def test_a_published_measure_deleted_with_its_ledger_line_is_refused(repo: Path) -> None:
    delete_measure(repo, 2)
    _drop_ledger_line(repo, "/measures/2/ 第2条")
    code, err = check(repo)
    commit = _git(repo, "log", "-1", "--format=%h").strip()
    assert code == 1
    assert err.splitlines() == [
        f"data/published-urls.txt: /measures/2/ was published (listed since commit {commit}) but its line was "
        "removed from the ledger (the ledger only grows: restore the line '/measures/2/'; if the page is gone, "
        "say what became of it in data/url-changes.yaml)",
        "1 problem found; nothing was written.",
    ]


def test_a_line_removed_and_committed_is_still_refused(repo: Path) -> None:
    _drop_ledger_line(repo, "/units/sifaju/")
    _git(repo, "commit", "-qam", "drop a line")
    code, err = check(repo)
    assert code == 1 and "/units/sifaju/ was published (listed since commit" in err


def test_a_fresh_clone_builds_and_a_growing_ledger_is_fine(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo.parent), str(clone)], check=True, capture_output=True)
    assert check(clone / "data") == (0, "")
    code, _out, err = run_cli("--record-urls", "--data", str(clone / "data"))
    assert code == 0 and err == ""
    assert check(clone / "data") == (0, "")


def test_without_git_the_ledger_on_disk_is_the_reference(tmp_path: Path) -> None:
    data = make_data(tmp_path)  # a temporary copy, no repository: nothing to compare with
    _drop_ledger_line(data, "/units/sifaju/")
    assert check(data) == (0, "")


# --- a failed build never costs the published site -----------------------------------------------


def test_swap_site_exchanges_the_folders(tmp_path: Path) -> None:
    from swap_site import swap  # scripts/ is on the path (tests/plantools.py)

    live, new = tmp_path / "site", tmp_path / "site.new"
    new.mkdir()
    (new / "index.html").write_text("first", encoding="utf-8")
    swap(new, live)
    assert (live / "index.html").read_text(encoding="utf-8") == "first" and not new.exists()
    new.mkdir()
    (new / "index.html").write_text("second", encoding="utf-8")
    swap(new, live)
    assert (live / "index.html").read_text(encoding="utf-8") == "second" and not new.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    with pytest.raises(SystemExit):
        swap(new, live)
    assert (live / "index.html").read_text(encoding="utf-8") == "second"


def _make_build(project: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SITE_URL", None)
    return subprocess.run(["make", "-s", "-o", ".venv/bin/.installed", "build"], cwd=project, env=env,
                          capture_output=True, text=True)


def test_a_failed_make_build_leaves_the_site_whole_and_names_the_data(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    shutil.copy2(ROOT / "Makefile", project / "Makefile")
    shutil.copy2(ROOT / "requirements.txt", project / "requirements.txt")
    (project / ".venv").symlink_to(ROOT / ".venv", target_is_directory=True)
    first = _make_build(project)
    assert first.returncode == 0, first.stderr[-2000:]
    before = snapshot(project / "site")
    assert "measures/2/index.html" in before

    # A template slip that only a strict build sees: a link to a page that does not exist (in a
    # page written as HTML, which the hook checks as MkDocs checks a Markdown page's links).
    template = project / "templates" / "measure.html.j2"
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace("</div>\n", '<p><a href="../no-such-page/">另见</a></p>\n</div>\n'),
                        encoding="utf-8")
    failed = _make_build(project)
    assert failed.returncode != 0
    assert snapshot(project / "site") == before
    assert sorted(p.name for p in project.iterdir() if p.name.startswith("site")) == ["site"]
    assert "Doc file 'measures/2.md' contains a link '../no-such-page/'" in failed.stderr
    assert "this page is made from data/parts/2.yaml:15:9 (measure 2)" in failed.stderr, failed.stderr[-2000:]


def test_only_real_anchors_count_for_a_redirect() -> None:
    from plansite.ledger import anchors

    page = ('## 第7条 { #measure-7 data-search-exclude }\n\n{: #fulltext-measure-7 }\n'
            '<span id="cite-text">\n措施\\{: \\#made-up }，见\\#also-not\n')
    assert anchors(page) == {"measure-7", "fulltext-measure-7", "cite-text"}
    assert anchors(b"binary") == set()


def test_names_are_one_line_and_other_keys_are_treated_as_text(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    text = 'name: "区司法局\\n区教育局"\nprogress: "第一行\\n第二行"\nsummary: "a\\u200bb"\n'
    path.write_text(text, encoding="utf-8")
    doc, problems = read_yaml(path, "data/x.yaml")
    assert doc is not None and doc.data["progress"] == "第一行\n第二行"
    assert [str(p) for p in problems] == [
        "data/x.yaml:1:7: 'name' contains a line break U+000A (a control character) after '区司法局' "
        "(a name, title, id or spelling is one line of visible text)",
        "data/x.yaml:3:10: 'summary' contains the invisible character U+200B ZERO WIDTH SPACE after 'a' "
        "(delete it; it often comes from copying out of a PDF or a web page)",
    ]


def test_warnings_about_whole_plan_pages_name_the_plan_files(tmp_path: Path) -> None:
    from plansite.provenance import locate, origins
    from plansite.validate import load_plan
    from tests.plantools import make_data

    known = origins(load_plan(make_data(tmp_path)))
    home = locate("Doc file 'index.md' contains a link 'x.md'", known)
    assert home.endswith("\n  this page is made from data/plan.yaml (the plan's header and preamble)")
    full = locate("Doc file 'fulltext.md' contains a link 'x.md'", known)
    assert full.endswith("\n  this page is made from data/ (the whole plan: plan.yaml, parts/*.yaml, units.yaml)")
    assert locate("Doc file 'notes.md' contains a link 'x.md'", known) == "Doc file 'notes.md' contains a link 'x.md'"
