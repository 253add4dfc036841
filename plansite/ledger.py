"""URLs that never break: the ledger of published URLs, and what became of those no longer pages.

`data/published-urls.txt` lists every URL path the site has published, one a line; it only
grows (`scripts/generate_pages.py --record-urls`). A measure's line may also carry the number
the draft (征求意见稿) gave it, `/measures/7/ 第7条`, for the renumbering page.

`data/url-changes.yaml` says what became of a URL that is no longer a page:

    changes:
      - url: /measures/70/
        redirect: /measures/7/        # moved or merged: a redirect page at the old URL
        reason: 与第7条合并
      - url: /measures/71/
        withdrawn:                    # a page at the old URL saying so, with the text as it last stood
          reason: 根据征求意见结果删除
          text: ……

After the pages are rendered (in memory, before anything is written) every ledger URL must
resolve: to a page, a redirect page or a withdrawal page; otherwise the build stops.
"""

from __future__ import annotations

import functools
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .cite import Citer
from .model import Location, Plan
from .problems import PlanError, Problem, char_name, did_you_mean, excerpt, is_invisible
from .render import Outputs, Renderer
from .urls import page_url, relative_url
from .validate import check_shape
from .yamlfile import read_yaml, unreadable_file

LEDGER = "published-urls.txt"
CHANGES = "url-changes.yaml"
RENUMBERING = "renumbering.md"

_URL = re.compile(r"^/(?:(?!\.\.?/)[A-Za-z0-9._~%-]+/)*$")  # no . or .. segment
_LINE = re.compile(r"^(\S+)(?:\s+第([1-9][0-9]*)条)?$")
_MEASURE_URL = re.compile(r"^/measures/([^/]+)/$")
# The anchors a generated page sets: attribute lists ({ #measure-7 }, {: #x }) and raw HTML (id="x").
# An escaped \{ or \# (text from the data) is not one.
_ANCHOR = re.compile(r"""(?<!\\)\{:?[^}\n]*?(?<!\\)#([A-Za-z0-9_:.-]+)|\sid=["']([^"'\\]+)["']""")

LEDGER_HEADER = """\
# Every URL path this site has published, one a line. It only ever grows.
# The build stops when one of them would no longer resolve, unless data/url-changes.yaml
# says what became of it (redirect: or withdrawn:).
# A measure's line also keeps the number the draft (征求意见稿) gave it, for /renumbering/.
# Update with: python scripts/generate_pages.py --record-urls
"""


def url_of(path: str) -> str | None:
    """The URL path of a generated file under docs/ (/measures/7/), or None if it is not a page."""
    url = page_url(path)
    return None if url is None else "/" + url


def page_urls(outputs: Outputs) -> dict[str, str]:
    """URL path -> docs path, for every page among the outputs."""
    return {url: path for path in outputs if (url := url_of(path)) is not None}


def _sort_key(url: str) -> tuple[tuple[int, int, str], ...]:
    return tuple((0, int(s), "") if s.isdigit() else (1, 0, s) for s in url.strip("/").split("/") if s)


@dataclass(frozen=True)
class LedgerEntry:
    url: str
    draft_number: int | None
    where: Location


@dataclass(frozen=True)
class Change:
    url: str
    where: Location
    redirect: str = ""
    reason: str = ""
    withdrawn: dict[str, object] | None = None


@dataclass
class History:
    """The ledger and the declared URL changes of one data folder, with any problems reading them."""

    data_dir: Path
    ledger: tuple[LedgerEntry, ...] = ()
    changes: tuple[Change, ...] = ()
    problems: list[Problem] = field(default_factory=list)
    declared: set[str] = field(default_factory=set)  # every url in url-changes.yaml, even one in error
    ledger_read: bool = False  # the ledger file was there and readable

    @functools.cached_property
    def published_before(self) -> dict[str, str]:
        """Every URL the ledger ever listed in git's history (url -> the commit that added it), when the
        ledger is tracked by git: the last published state, against which the ledger only grows.
        Asked of git only when the ledger is checked, not by every reader of the history."""
        return ledger_history(self.data_dir / LEDGER) if self.ledger_read else {}

    @property
    def draft_numbers(self) -> dict[str, int]:
        """Measure id -> the number the draft gave it (as the ledger recorded it)."""
        numbers = {}
        for entry in self.ledger:
            match = _MEASURE_URL.match(entry.url)
            if match and entry.draft_number is not None:
                numbers[match.group(1)] = entry.draft_number
        return numbers

    # --- checking, and the pages for URLs that are no longer pages ---

    def pages(self, renderer: Renderer, outputs: Outputs) -> Outputs:
        """The redirect, withdrawal and renumbering pages; raise PlanError if a published URL would break.

        `renderer` rendered `outputs` (with this history's draft numbers); it renders these pages too.
        """
        cite: Citer = renderer.env.globals["cite"]
        live = page_urls(outputs)
        if cite.renumbered:
            live["/renumbering/"] = RENUMBERING
        problems = list(self.problems)
        extra, rows = self._change_pages(renderer, outputs, live, problems)
        self._check_ledger(live, problems)
        if problems:
            raise PlanError(problems)
        if cite.renumbered:
            extra[RENUMBERING] = self._renumbering_page(renderer, rows)
        return extra

    def _change_pages(self, renderer: Renderer, outputs: Outputs, live: dict[str, str],
                      problems: list[Problem]) -> tuple[Outputs, dict[str, dict[str, Any]]]:
        """A page for each declared change (a redirect, or a withdrawal notice), and for each changed URL
        the row of the renumbering table; a change in error adds a problem instead."""
        cite: Citer = renderer.env.globals["cite"]
        changed = {c.url for c in self.changes}
        published = {e.url for e in self.ledger} | set(self.published_before)
        extra: Outputs = {}
        rows: dict[str, dict[str, Any]] = {}  # draft-numbered measure URL -> what became of it
        seen: dict[str, Location] = {}
        for change in self.changes:
            subject = f"change {change.url}: "
            if change.url in seen:
                problems.append(Problem(change.where, f"{subject}declared twice",
                                        f"the first one is at line {seen[change.url].line}"))
                continue
            seen[change.url] = change.where
            if change.url in live:
                problems.append(Problem(change.where, f"{subject}{change.url} is still a page",
                                        "remove this entry, or the page"))
                continue
            if change.url not in published:
                problems.append(Problem(
                    change.where, f"{subject}{change.url} was never published: it is not in {self._shown(LEDGER)}",
                    "remove this entry; only a published URL can be redirected or withdrawn"))
                continue
            if bool(change.redirect) == (change.withdrawn is not None):
                problems.append(Problem(change.where, f"{subject}give either 'redirect' or 'withdrawn'"
                                        + (", not both" if change.redirect else "")))
                continue
            if change.withdrawn is not None and change.reason:
                problems.append(Problem(change.where, f"{subject}write the reason inside 'withdrawn'"))
                continue
            if change.redirect:
                target, _, fragment = change.redirect.partition("#")
                if target not in live:
                    hint = (f"{target} is itself declared here; point at the page it leads to" if target in changed
                            else did_you_mean(target, live) or "it must be a page of the site")
                    problems.append(Problem(change.where, f"{subject}redirect target {change.redirect} is not a page",
                                            hint))
                    continue
                if fragment and fragment not in anchors(outputs.get(live[target], "")):
                    known = sorted(anchors(outputs.get(live[target], "")))
                    hint = (did_you_mean(fragment, known) or "anchors there: " + excerpt(", ".join(known), 60)
                            if known else f"{target} has no anchors; redirect to the page itself")
                    problems.append(Problem(change.where, f"{subject}redirect target {target} has no anchor "
                                            f"#{excerpt(fragment)}", hint))
                    continue
                path = _redirect_path(change.url)
                relative = _relative(change.url, change.redirect)
                title = _title(outputs.get(live[target], ""))
                extra[path] = renderer.page(
                    "redirect.html.j2", path, change=change, target=relative, target_title=title,
                    canonical=cite.absolute(target) if cite.site_url else relative.partition("#")[0],
                )[1]
                rows[change.url] = {"change": change, "target": live[target], "fragment": fragment,
                                    "title": title or target}
            else:
                assert change.withdrawn is not None
                match = _MEASURE_URL.match(change.url)
                measure_id = match.group(1) if match else ""
                number = change.withdrawn.get("number") or self.draft_numbers.get(measure_id, 0)
                path = _withdrawn_path(change.url)
                extra[path] = renderer.page("withdrawn.md.j2", path, change=change, withdrawn=change.withdrawn,
                                            measure_id=measure_id, number=number)[1]
                rows[change.url] = {"change": change, "target": path, "fragment": "", "title": ""}
        return extra, rows

    def _shown(self, name: str) -> str:
        return f"{self.data_dir.name}/{name}"

    def _check_ledger(self, live: dict[str, str], problems: list[Problem]) -> None:
        """Every URL in the ledger, once, still resolves: to a page, or to a declared change;
        and no URL the ledger listed before (in git's history) is missing from it."""
        changed = {c.url for c in self.changes}
        listed = {e.url for e in self.ledger}
        for url, commit in sorted(self.published_before.items(), key=lambda item: _sort_key(item[0])):
            if url not in listed:
                problems.append(Problem(
                    Location(self._shown(LEDGER)),
                    f"{url} was published (listed since commit {commit}) but its line was removed from the ledger",
                    f"the ledger only grows: restore the line '{url}'; if the page is gone, say what became of it "
                    f"in {self._shown(CHANGES)}"))
        first_at: dict[str, Location] = {}
        for entry in self.ledger:
            if entry.url in first_at:
                problems.append(Problem(entry.where, f"{entry.url} is listed twice",
                                        f"the first one is at line {first_at[entry.url].line}"))
                continue
            first_at[entry.url] = entry.where
            if entry.url not in live and entry.url not in changed and entry.url not in self.declared:
                problems.append(Problem(
                    entry.where, f"{entry.url} was published but would no longer resolve",
                    f"say what became of it in {self.data_dir.name}/{CHANGES}: 'redirect: <URL>' if it moved or "
                    "was merged, 'withdrawn: {reason, text}' if it was withdrawn; or restore the page"))

    def _renumbering_page(self, renderer: Renderer, rows: dict[str, dict[str, Any]]) -> str:
        """/renumbering/: each draft number, in order, with the measure's new number or what became of it."""
        cite: Citer = renderer.env.globals["cite"]
        measures = {m.id: m for m in renderer.plan.measures}
        table = []
        for measure_id, draft in sorted(self.draft_numbers.items(), key=lambda item: item[1]):
            url = f"/measures/{measure_id}/"
            if measure_id in cite.renumbered:
                table.append({"draft": draft, "measure": measures[measure_id], "change": None})
            elif url in rows:
                table.append({"draft": draft, "measure": None, **rows[url]})
        return renderer.page("renumbering.md.j2", RENUMBERING, rows=table)[1]

    # --- recording ---

    def record(self, plan: Plan, outputs: Outputs) -> tuple[int, int]:
        """Add every page URL of `outputs` to the ledger, keeping every URL it had; return (total, added).

        While the plan is a draft, each measure's line records its current number; once final,
        the numbers recorded from the draft are kept (and new measures get none).
        """
        entries: dict[str, int | None] = {e.url: e.draft_number for e in self.ledger}
        before = set(entries)
        for url in page_urls(outputs):
            entries.setdefault(url, None)
        if plan.is_draft:
            entries.update({f"/measures/{m.id}/": m.number for m in plan.measures})
        lines = [LEDGER_HEADER]
        for url in sorted(entries, key=_sort_key):
            number = entries[url]
            lines.append(f"{url} 第{number}条\n" if number is not None else f"{url}\n")
        text = "".join(lines)
        path = self.data_dir / LEDGER
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        return len(entries), len(set(entries) - before)


def anchors(content: str | bytes) -> set[str]:
    """The ids a generated page sets (measure-7 on a section page), so a redirect may point at one."""
    if isinstance(content, bytes):
        return set()
    return {a or b for a, b in _ANCHOR.findall(content)}


def _title(content: str | bytes) -> str:
    """The title in a generated page's front matter, or ''."""
    if isinstance(content, bytes) or not content.startswith("---\n"):
        return ""
    try:
        meta = yaml.safe_load(content[4:].split("\n---\n", 1)[0])
    except yaml.YAMLError:
        return ""
    title = meta.get("title") if isinstance(meta, dict) else None
    return title if isinstance(title, str) else ""


def _redirect_path(url: str) -> str:
    """A redirect is a raw HTML page, in the folder MkDocs (use_directory_urls) serves the URL from."""
    return url.strip("/") + "/index.html"


def _withdrawn_path(url: str) -> str:
    """A withdrawal notice is a Markdown page, served at the old URL."""
    return url.strip("/") + ".md"


def _relative(old: str, target: str) -> str:
    """The link from the page at URL `old` to URL `target` (with any #fragment), as served."""
    path, _, fragment = target.partition("#")
    return relative_url(path, old) + (f"#{fragment}" if fragment else "")


def load_history(data_dir: Path) -> History:
    """Read the ledger and url-changes.yaml of `data_dir` (either may be absent); problems are kept, not raised."""
    history = History(data_dir)
    shown = data_dir.name
    inside = (data_dir, data_dir.absolute().parent)
    ledger_path = data_dir / LEDGER
    if ledger_path.is_file() or ledger_path.is_symlink():
        if problem := unreadable_file(ledger_path, f"{shown}/{LEDGER}", inside):
            history.problems.append(problem)
        else:
            history.ledger = tuple(_read_ledger(ledger_path, f"{shown}/{LEDGER}", history.problems))
            history.ledger_read = True
    changes_path = data_dir / CHANGES
    if changes_path.is_file() or changes_path.is_symlink():
        doc, found = read_yaml(changes_path, f"{shown}/{CHANGES}", inside)
        if doc is not None and not found:
            found = list(check_shape(doc, "url-changes"))
        history.problems.extend(found)
        if doc is not None and isinstance(doc.data, dict) and isinstance(doc.data.get("changes"), list):
            history.declared = {c["url"] for c in doc.data["changes"] if isinstance(c, dict)
                                and isinstance(c.get("url"), str)}
        if doc is not None and not found:
            history.changes = tuple(
                Change(raw["url"], doc.where(("changes", i)), raw.get("redirect", ""), raw.get("reason", ""),
                       raw.get("withdrawn"))
                for i, raw in enumerate(doc.data["changes"])
            )
    return history


def ledger_history(ledger_path: Path) -> dict[str, str]:
    """Every URL any committed version of the ledger listed, with the (oldest) commit that added it.

    Empty when the ledger is not in a git repository, is not tracked, or git is not installed:
    then the ledger on disk is all there is to compare with. Works in a fresh (even shallow) clone:
    it reads whatever history the clone has.
    """
    command = ["git", "log", "--format=commit %h", "-p", "--no-color", "--no-ext-diff", "--no-renames",
               "--", ledger_path.name]
    try:
        result = subprocess.run(command, cwd=ledger_path.parent, capture_output=True, text=True, timeout=60,
                                encoding="utf-8", errors="replace")
    except (OSError, subprocess.SubprocessError):
        return {}
    if result.returncode != 0:
        return {}
    added: dict[str, str] = {}
    commit = ""
    for line in result.stdout.splitlines():  # newest first: the last commit seen for a URL added it first
        if line.startswith("commit "):
            commit = line.split()[1]
        elif line.startswith("+/"):
            match = _LINE.match(line[1:].strip())
            if match and _URL.match(match.group(1)):
                added[match.group(1)] = commit
    return added


def _read_ledger(path: Path, shown: str, problems: list[Problem]) -> list[LedgerEntry]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        problems.append(Problem(Location(shown, line), "the file is not UTF-8 text", "save it as UTF-8"))
        return []
    text = text.removeprefix("\ufeff")  # a byte order mark, as some Windows editors save: harmless
    entries = []
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        where = Location(shown, number)
        if hidden := next((c for c in line if is_invisible(c)), None):
            problems.append(Problem(where, f"'{excerpt(line)}' contains the invisible character {char_name(hidden)}",
                                    "delete it: the line must be the URL path alone, optionally followed by 第N条"))
            continue
        match = _LINE.match(line)
        if not match or not _URL.match(match.group(1)):
            url = line.split()[0]
            hint = (f"write it as /{url.strip('/')}/" if match and url.strip("/") and _URL.match(f"/{url.strip('/')}/")
                    else "one URL path a line, starting and ending with /, optionally followed by 第N条")
            problems.append(Problem(where, f"'{excerpt(line)}' is not a URL path", hint))
            continue
        entries.append(LedgerEntry(match.group(1), int(match.group(2)) if match.group(2) else None, where))
    return entries
