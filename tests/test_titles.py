"""Measure titles: the first clause as written, cut only at punctuation, never inside a word."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from plansite.markdown import TITLE_MAX, summary

CUT_AFTER = set("。，,；;：:！!？?、“”《》〈〉（）()<>&\n")


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("广泛开展民法典普法工作。全面落实……", "广泛开展民法典普法工作"),
        # a short first clause takes the next one too: not the fragment 结合“12.4”国家宪法日
        ("结合“12.4”国家宪法日,开展“宪法宣传周”集中宣传活动,推动宪法宣传教育常态化。",
         "结合“12.4”国家宪法日,开展“宪法宣传周”集中宣传活动"),
        # a long first clause is kept whole rather than cut inside a word (was …示…)
        ("充分发挥领导干部带头尊法学法守法用法对全社会的示范带动作用,进一步落实……",
         "充分发挥领导干部带头尊法学法守法用法对全社会的示范带动作用"),
        ("引导和推动企业及其他组织履行法定义务、承担社会责任,促进社会健康有序运行。",
         "引导和推动企业及其他组织履行法定义务、承担社会责任"),
        # longer than TITLE_MAX: cut after an enumeration comma, marked with …
        ("做好互联网信息服务管理办法、互联网信息服务严重失信主体信用信息管理办法以及网络直播、自媒体等工作。",
         "做好互联网信息服务管理办法…"),
        ("加强组织领导。", "加强组织领导"),
        ("标记不生效:*星号*、[方括号](x)、<script>alert(1)</script>。", "标记不生效:*星号*、[方括号](x)…"),
    ],
)
def test_title_is_a_whole_clause(text: str, title: str) -> None:
    assert summary(text) == title


WORDS_AND_MARKS = st.sampled_from(list("法治社会建设加强宣传教育") + list("，。、“”《》<&\n"))


@given(st.text(alphabet=WORDS_AND_MARKS, min_size=1, max_size=120))
def test_title_never_ends_inside_a_word(text: str) -> None:
    title = summary(text)
    head = title.removesuffix("…")
    text = text.lstrip("。，,；;：:！!？?")  # punctuation before the first word is no clause
    assume(text)
    assert text.startswith(head), (text, title)
    rest = text[len(head):]
    assert not rest or rest[0] in CUT_AFTER or head[-1:] in CUT_AFTER, f"{title!r} cuts {text!r} inside a word"
    if len(head) > TITLE_MAX:  # only a clause with no punctuation to cut at is longer
        assert not set(head[:TITLE_MAX]) & set("、“”《》〈〉（）()")
