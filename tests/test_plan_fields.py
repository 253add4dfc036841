"""The fields a plan of another convention brings: its own numbering, role labels as written,
text under headings, no consultation, no period; every value shown as text."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from plansite.render import render_site, site_nav
from plansite.validate import load_plan
from tests.plantools import ROOT, make_data
from tests.projectcopy import edit_yaml

HOSTILE = "*星号* <i>斜体</i> [链接](x) # 井号 &amp; {: .cls }"


def other_conventions(tmp: Path) -> Path:
    data = make_data(tmp)

    def part(doc: dict[str, Any]) -> None:
        doc["text"] = "部分说明：" + HOSTILE
        section = doc["sections"][0]
        section["text"] = "本节说明：" + HOSTILE
        first = section["measures"][0]
        first.update(numbering="（一）1", participating_label="配合单位")
        doc["sections"][1]["number"] = ""

    def plan(doc: dict[str, Any]) -> None:
        for key in ("consultation", "period"):
            doc.pop(key, None)
        doc["status"] = "正式稿"
        doc["issued"] = {"number": "示法办发〔2023〕<b>1</b>号", "issuer": "示例区*办公室*", "date": "2023-02-01"}

    edit_yaml(data / "parts" / "2.yaml", part)
    edit_yaml(data / "plan.yaml", plan)
    return data


def test_numbering_labels_and_heading_text(tmp_path: Path) -> None:
    plan = load_plan(other_conventions(tmp_path))
    pages = render_site(plan, ROOT / "templates")
    measure = pages["measures/1.md"]
    assert '\ntitle: "（一）1 ' in measure and '">（一）1 ' in measure and "第1条" not in measure
    assert "<li><strong>配合单位</strong>：" in measure and "参加单位" not in measure
    assert "（一）1。" in measure  # the citation
    assert pages["measures/2.md"].count("第2条") >= 2  # numbered 1. 2. 3.: still 第N条
    section = pages["sections/1.md"]
    assert "<p>本节说明：*星号* &lt;i&gt;斜体&lt;/i&gt; [链接](x) # 井号 &amp;amp; {: .cls }</p>" in section
    assert "<p>部分说明：*星号* &lt;i&gt;" in pages["parts/2.md"]
    unnumbered = pages["sections/2.md"]
    assert '">保障落实</h1>\n' in unnumbered and "（）" not in unnumbered
    assert "全文分 2 个部分、1 节、3 条措施" in pages["index.md"]  # the unnumbered section is not a 节
    assert "本部分共 1 节、3 条措施。" in pages["parts/2.md"] and ">保障落实</a></h2>" not in pages["parts/2.md"]
    crumbs = re.search(r'<p class="breadcrumbs"[^>]*>(.*?)</p>', pages["measures/3.md"])
    assert crumbs and crumbs.group(1) == '<a href="../../parts/2/">二、主要任务</a>'


def test_a_plan_without_consultation_or_period(tmp_path: Path) -> None:
    plan = load_plan(other_conventions(tmp_path))
    pages = render_site(plan, ROOT / "templates")
    assert "consultation.md" not in pages
    assert all("consultation.md" not in str(entry) for entry in site_nav(plan))
    assert all("对本条提出意见" not in text and "mailto:" not in text for text in pages.values()
               if isinstance(text, str))
    assert plan.full_title == plan.title and "（）" not in pages["index.md"] + pages["fulltext.md"]
    issued = "\n示例区\\*办公室\\*　示法办发〔2023〕&lt;b&gt;1&lt;/b&gt;号　2023年2月1日 印发\n{: .plan-issued }\n"
    assert issued in pages["index.md"]
    assert yaml.safe_load(pages["data/plan.json"])["consultation"] is None
