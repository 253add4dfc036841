"""Open data (/data/): plan.json with its schema, and the CSV files, read back and compared with data/."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from plansite.exports import PLAN_SCHEMA, data_files, measure_cells
from plansite.model import ROLE_LABELS, Location, Measure, Unit, UnitRef
from plansite.pipeline import Project, build_outputs
from plansite.problems import PlanError
from plansite.render import render_site
from plansite.validate import load_plan
from tests.ourplan import OUR_DATA, our_site
from tests.plantools import ROOT, run_cli

DATA = OUR_DATA
BOM = b"\xef\xbb\xbf"


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """data/ generated into a fresh docs folder by the CLI, as `make build` does."""
    docs = tmp_path_factory.mktemp("docs")
    code, _, err = run_cli("--data", str(DATA), "--docs", str(docs))
    assert code == 0, err
    return docs / "data"


def raw_measures() -> list[dict]:
    """The measures as data/parts/*.yaml write them, read with plain YAML (not through plansite)."""
    measures = []
    for path in sorted((DATA / "parts").glob("*.yaml"), key=lambda p: int(p.stem)):
        part = yaml.safe_load(path.read_text(encoding="utf-8"))
        for section in part.get("sections", []):
            for m in section["measures"]:
                measures.append({**m, "_part": f"{part['number']}、{part['title']}",
                                 "_section": f"（{section['number']}）{section['title']}"})
    return measures


def raw_spellings() -> dict[str, list[str]]:
    """Every spelling in data/units.yaml -> the registry names it stands for."""
    registry = yaml.safe_load((DATA / "units.yaml").read_text(encoding="utf-8"))
    names: dict[str, list[str]] = {}
    for unit in registry["units"]:
        names[unit["name"]] = [unit["name"]]
        for alias in unit.get("aliases", []):
            names[alias["spelling"]] = [unit["name"]]
    for combined in registry.get("combined", []):
        names[combined["spelling"]] = combined["units"]
    return names


def read_csv(path: Path) -> list[dict[str, str]]:
    content = path.read_bytes()
    assert content.startswith(BOM), f"{path.name} has no byte order mark"
    assert b"\r\n" in content and b"\n\n" not in content
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def names(spellings: list[str], registry: dict[str, list[str]]) -> str:
    seen: list[str] = []
    for spelling in spellings:
        seen += [n for n in registry[spelling] if n not in seen]
    return "、".join(seen)


# --- the files the generator writes ---------------------------------------


def test_the_data_files_are_in_the_same_outputs_as_the_pages() -> None:
    plan, outputs = build_outputs(Project())
    files = data_files(plan)
    assert sorted(files) == ["data/matrix.csv", "data/measures.csv", "data/plan.json", "data/plan.schema.json",
                             "data/units.csv"]
    for path, content in files.items():
        assert outputs[path] == content
    assert isinstance(outputs["data/measures.csv"], bytes) and isinstance(outputs["data/plan.json"], str)
    assert "data/index.md" in outputs


def test_measures_csv_has_one_row_per_measure_as_the_data_writes_it(written: Path) -> None:
    rows = read_csv(written / "measures.csv")
    registry = raw_spellings()
    source = raw_measures()
    assert len(rows) == len(source) == 68
    assert list(rows[0]) == ["id", "number", "part", "section", "text", "lead", "participating", "responsible",
                             "topics"]
    for row, m in zip(rows, source, strict=True):
        assert row["id"] == str(m["id"]) and row["number"] == str(m["number"])
        assert row["part"] == m["_part"] and row["section"] == m["_section"]
        assert row["text"] == m["text"]
        for role in ("lead", "participating", "responsible"):
            assert row[role] == names(m.get(role, []), registry), (m["id"], role)
        assert row["topics"] == "、".join(m.get("topics", []))


def test_measures_csv_first_rows_literally(written: Path) -> None:
    rows = read_csv(written / "measures.csv")
    assert rows[0]["part"] == "二、推动全社会增强法治观念"
    assert rows[0]["section"] == "（一）维护宪法权威"
    roles = [rows[0][role] for role in ("lead", "participating", "responsible")]
    assert roles == ["区委宣传部、区司法局", "区直各部门", ""]
    assert rows[0]["topics"] == "宪法、普法"
    by_id = {r["id"]: r for r in rows}
    # 区司法局等区直相关部门: one spelling for two units
    assert by_id["49"]["participating"].endswith("、区司法局、区直相关部门")
    assert by_id["26"]["lead"].startswith("区委政法委")  # written 区为政法委 (a typo in the source)
    assert by_id["68"]["lead"] == by_id["68"]["participating"] == by_id["68"]["responsible"] == ""


def test_units_csv_counts_agree_with_the_matrix(written: Path) -> None:
    units = read_csv(written / "units.csv")
    matrix = read_csv(written / "matrix.csv")
    registry = yaml.safe_load((DATA / "units.yaml").read_text(encoding="utf-8"))["units"]
    assert [u["slug"] for u in units] == [u["slug"] for u in registry]
    assert [u["name"] for u in units] == [u["name"] for u in registry]
    assert list(units[0]) == ["slug", "name", "kind", "aliases", "lead", "participating", "responsible", "total"]
    for unit in units:
        mine = [r for r in matrix if r["unit_slug"] == unit["slug"]]
        for role in ("lead", "participating", "responsible"):
            assert int(unit[role]) == sum(r["role"] == role for r in mine), (unit["slug"], role)
        assert int(unit["total"]) == len(mine)
    sifaju = next(u for u in units if u["slug"] == "sifaju")
    assert (sifaju["lead"], sifaju["participating"], sifaju["responsible"], sifaju["total"]) == ("14", "8", "6", "28")
    zhengfawei = next(u for u in units if u["slug"] == "quwei-zhengfawei")
    assert zhengfawei["aliases"] == "区政法委、区为政法委"


def test_matrix_csv_marks_every_unit_each_measure_names(written: Path) -> None:
    rows = read_csv(written / "matrix.csv")
    assert list(rows[0]) == ["measure_id", "measure_number", "unit_slug", "unit_name", "role", "mark"]
    assert len(rows) == 255
    registry = raw_spellings()
    expected = set()
    for m in raw_measures():
        for role in ("lead", "participating", "responsible"):
            for name in names(m.get(role, []), registry).split("、"):
                if name:
                    expected.add((str(m["id"]), name, role))
    assert {(r["measure_id"], r["unit_name"], r["role"]) for r in rows} == expected
    assert {(r["role"], r["mark"]) for r in rows} == {("lead", "牵"), ("participating", "参"), ("responsible", "责")}
    assert rows[:3] == [
        {"measure_id": "1", "measure_number": "1", "unit_slug": "quwei-xuanchuanbu", "unit_name": "区委宣传部",
         "role": "lead", "mark": "牵"},
        {"measure_id": "1", "measure_number": "1", "unit_slug": "sifaju", "unit_name": "区司法局",
         "role": "lead", "mark": "牵"},
        {"measure_id": "1", "measure_number": "1", "unit_slug": "quzhi-gebumen", "unit_name": "区直各部门",
         "role": "participating", "mark": "参"},
    ]


def test_plan_json_holds_the_data_exactly(written: Path) -> None:
    data = json.loads((written / "plan.json").read_text(encoding="utf-8"))
    plan_yaml = yaml.safe_load((DATA / "plan.yaml").read_text(encoding="utf-8"))
    for key in ("title", "period", "status", "office", "date", "preamble"):
        assert data[key] == plan_yaml[key]
    assert data["consultation"] == {"fax": "", "deadline": "", **plan_yaml["consultation"]}
    for key in ("number", "written"):
        assert data[key] == plan_yaml.get(key, "")
    assert data["related"] == [{"url": "", **doc} for doc in plan_yaml.get("related", [])]
    measures = [m for p in data["parts"] for s in p["sections"] for m in s["measures"]]
    for got, m in zip(measures, raw_measures(), strict=True):
        assert (got["id"], got["number"], got["text"]) == (str(m["id"]), m["number"], m["text"])
        assert got["label"] == m.get("numbering", f"第{m['number']}条")
        for role in ("lead", "participating", "responsible"):
            assert [ref["spelling"] for ref in got[role]] == m.get(role, [])
        assert got["topics"] == m.get("topics", [])
        assert got["url"] == f"measures/{m['id']}/"
    m49 = next(m for m in measures if m["id"] == "49")
    assert {"spelling": "区司法局等区直相关部门", "units": ["sifaju", "quzhi-xiangguan-bumen"]} in m49["participating"]
    m46 = next(m for m in measures if m["id"] == "46")
    assert m46["labels"]["lead"] == "牵头部门"
    assert [u["slug"] for u in data["units"]][:2] == ["quwei-bangongshi", "quwei-zuzhibu"]
    assert len(data["units"]) == 41 and len(data["parts"]) == 7
    topics = yaml.safe_load((DATA / "topics.yaml").read_text(encoding="utf-8"))["topics"]
    assert data["topics"] == [{"description": "", **t} for t in topics]


def test_plan_json_is_valid_against_its_published_schema(written: Path) -> None:
    schema = json.loads((written / "plan.schema.json").read_text(encoding="utf-8"))
    assert schema == PLAN_SCHEMA
    jsonschema.Draft202012Validator.check_schema(schema)
    data = json.loads((written / "plan.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    assert list(validator.iter_errors(data)) == []
    data["parts"][1]["sections"][0]["measures"][0]["surprise"] = 1
    assert [e.validator for e in validator.iter_errors(data)] == ["additionalProperties"]


def test_csv_keeps_markup_and_quotes_as_text() -> None:
    from tests.plantools import BASE_DATA

    plan = load_plan(BASE_DATA)
    rows = list(csv.DictReader(io.StringIO(data_files(plan)["data/measures.csv"].decode("utf-8-sig"), newline="")))
    assert rows[1]["text"] == ("标记不生效:*星号*、_下划线_、[方括号](x)、<script>alert(1)</script>、a|b、# 井号、"
                               "{: .cls }、&amp;。")
    assert rows[0]["lead"] == "区司法局、区教育局"  # 区为教育局 read as 区教育局


def test_csv_cells_never_run_as_formulas(tmp_path: Path) -> None:
    """A text Excel or WPS would run as a formula starts with ' in every CSV file; the others as written."""
    from tests.plantools import make_data

    data = make_data(tmp_path)
    part = data / "parts" / "2.yaml"
    text = part.read_text(encoding="utf-8")
    first = re.search(r"(?m)^( +text: )(.*)$", text)
    assert first
    hostile = '=HYPERLINK("http://evil.example/","点我")'
    part.write_text(text[:first.start(2)] + "'" + hostile.replace("'", "''") + "'" + text[first.end(2):],
                    encoding="utf-8")
    plan = load_plan(data)
    files = data_files(plan)
    rows = list(csv.DictReader(io.StringIO(files["data/measures.csv"].decode("utf-8-sig"), newline="")))
    assert rows[0]["text"] == "'" + hostile
    assert all(cell[:1] not in "=+-@" for name in ("measures.csv", "units.csv", "matrix.csv")
               for row in csv.reader(io.StringIO(files[f"data/{name}"].decode("utf-8-sig"), newline=""))
               for cell in row if cell)


def test_data_page_documents_every_column() -> None:
    plan = load_plan(DATA)
    page = render_site(plan, ROOT / "templates")["data/index.md"]
    for link in ("(plan.json)", "(plan.schema.json)", "(measures.csv)", "(units.csv)", "(matrix.csv)"):
        assert link in page
    for name in ("measures.csv", "units.csv", "matrix.csv"):
        header = data_files(plan)[f"data/{name}"].decode("utf-8-sig").split("\r\n", 1)[0]
        for column in header.split(","):
            assert f"| `{column}` |" in page, (name, column)
    assert "UTF-8 编码并带字节顺序标记（BOM）" in page


def test_matrix_cells_take_the_first_role_that_names_a_unit() -> None:
    where = Location("x")
    a, b = Unit("a", "甲", "department", (), where), Unit("b", "乙", "collective", (), where)
    roles = {"lead": (UnitRef("甲", (a,)),), "participating": (UnitRef("甲等乙", (a, b)),)}
    measure = Measure("1", 1, "text", roles, dict(ROLE_LABELS), (), where)
    assert measure_cells(measure) == {"a": "lead", "b": "participating"}


# --- topics -------------------------------------------------------------------


def test_every_measure_has_declared_topics() -> None:
    plan = load_plan(DATA)
    declared = [t.name for t in plan.topics]
    assert declared[:3] == ["宪法", "民法典", "普法"]
    assert len(declared) == len(set(declared)) == 22
    for m in plan.measures:
        assert m.topics, f"measure {m.id} has no topics"
        assert set(m.topics) <= set(declared)
    used = {t for m in plan.measures for t in m.topics}
    assert used == set(declared), "a declared topic no measure uses"
    assert next(m for m in plan.measures if m.id == "7").topics == ("民法典", "普法")


def test_an_undeclared_topic_is_rejected(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    part = data / "parts" / "2.yaml"
    text = part.read_text(encoding="utf-8")
    assert text.count("topics: [民法典, 普法]") == 1
    part.write_text(text.replace("topics: [民法典, 普法]", "topics: [民法點, 普法]"), encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        load_plan(data)
    line = text.split("topics: [民法典, 普法]")[0].count("\n") + 1
    assert caught.value.report().splitlines()[0] == (
        f"data/parts/2.yaml:{line}:18: measure 7: undeclared topic '民法點' (did you mean 民法典?)"
    )


@pytest.mark.site
def test_built_site_serves_the_same_files() -> None:
    site = our_site() / "data"
    if not (site / "plan.json").is_file():
        pytest.fail("site/ is not built: run `make build` first")
    plan = load_plan(DATA)
    for path, content in data_files(plan).items():
        expected = content.encode("utf-8") if isinstance(content, str) else content
        assert (our_site() / path).read_bytes() == expected, path
