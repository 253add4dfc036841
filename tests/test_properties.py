"""Properties: any text survives load and validation unchanged; junk never gives a traceback."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import markdown
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plansite.markdown import md_escape
from plansite.problems import PlanError
from plansite.validate import load_plan
from tests.plantools import make_data

# Printable text as maintainers type it: any letters, marks, punctuation, symbols, spaces
# (invisible format characters are refused, README "What is refused", except the joiners U+200C/D).
TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn", "Zl", "Zp", "Cf"), blacklist_characters="\x85")
    | st.sampled_from("\u200c\u200d"),
    min_size=1,
    max_size=60,
).filter(lambda s: s.strip() == s and s.strip())

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(text=TEXT)
def test_any_measure_text_survives_load_and_validation(tmp_path: Path, text: str) -> None:
    data = make_data(Path(tempfile.mkdtemp(dir=tmp_path)))
    part = yaml.safe_load((data / "parts" / "2.yaml").read_text(encoding="utf-8"))
    part["sections"][0]["measures"][0]["text"] = text
    # JSON is YAML: this writes the text with every character escaped as YAML would need.
    (data / "parts" / "2.yaml").write_text(json.dumps(part, ensure_ascii=False), encoding="utf-8")
    plan = load_plan(data)
    assert plan.measures[0].text == text


@SETTINGS
@given(junk=st.binary(max_size=300))
def test_junk_never_gives_a_traceback(tmp_path: Path, junk: bytes) -> None:
    data = make_data(Path(tempfile.mkdtemp(dir=tmp_path)))
    (data / "parts" / "2.yaml").write_bytes(junk)
    try:
        load_plan(data)
    except PlanError as err:
        assert err.problems and all(str(p).startswith("data/") for p in err.problems)


@SETTINGS
@given(junk=st.text(alphabet="-:[]{}&*!|>'\"%@`#,? \n\tabc区1", max_size=120))
def test_yaml_shaped_junk_never_gives_a_traceback(tmp_path: Path, junk: str) -> None:
    data = make_data(Path(tempfile.mkdtemp(dir=tmp_path)))
    (data / "units.yaml").write_text(junk, encoding="utf-8")
    try:
        load_plan(data)
    except PlanError as err:
        assert err.problems


def _rendered_text(source: str) -> str:
    html = markdown.markdown(source, extensions=["attr_list", "tables", "admonition"])
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self.tags: list[str] = []

        def handle_starttag(self, tag: str, attrs: object) -> None:
            self.tags.append(tag)

        def handle_data(self, data: str) -> None:
            self.parts.append(data)

    parser = Text()
    parser.feed(html)
    assert set(parser.tags) <= {"p", "br"}, (source, html)
    return "".join(parser.parts)


@settings(max_examples=300, deadline=None)
@given(text=TEXT)
def test_escaped_text_renders_as_exactly_itself(text: str) -> None:
    rendered = _rendered_text(md_escape(text))
    assert " ".join(rendered.split()) == " ".join(text.split())
