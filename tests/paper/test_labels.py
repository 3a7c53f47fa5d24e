"""The paper's vocabulary (aicoord.paper.labels): internal names in print, user overrides, Chinese punctuation,
and the scanner that keeps internal names and English sentences out of the Chinese tables."""

import pytest

from aicoord.paper.labels import (
    VOCABULARY,
    foreign_words,
    term,
    translate_note,
    verdict_rule,
    weights_label,
    zh_punctuation,
)
from aicoord.paper.study_tables import decision as _decision


def test_every_kind_has_the_same_names_in_both_languages():
    zh, en = VOCABULARY["zh"], VOCABULARY["en"]
    assert set(zh) == set(en)
    for kind in zh:
        if kind not in ("source", "derived"):  # sources are translated into Chinese only
            assert set(zh[kind]) == set(en[kind]), kind


@pytest.mark.parametrize(
    "kind, name, zh, en",
    [
        ("test", "wald_sar", "Wald 检验（SDM 可否退化为 SAR）", "Wald test (SDM vs SAR)"),
        ("effects", "twoways", "双向固定效应", "two-way fixed effects"),
        ("sample", "no_municipalities", "剔除直辖市", "Without the municipalities"),
        ("scenario", "catch_up", "中西部与东北追赶情景", "Catch-up of the Centre, West and Northeast"),
        ("measure", "gini_within", "组内基尼系数", "Gini within regions"),
    ],
)
def test_term_prints_an_internal_name_in_each_language(kind, name, zh, en):
    assert term(kind, name, "zh") == zh and term(kind, name, "en") == en


def test_a_user_label_overrides_the_vocabulary_and_unknown_names_pass_through():
    labels = {"sample.no_municipalities": "剔除四个直辖市", "scenario.my_plan": "我的情景"}
    assert term("sample", "no_municipalities", "zh", labels) == "剔除四个直辖市"
    assert term("scenario", "my_plan", "zh", labels) == "我的情景"
    assert term("scenario", "other_plan", "zh", labels) == "other_plan"  # the user's own name, unlabelled


def test_decisions_of_the_specification_search_in_print():
    assert _decision("effects: twoways", "zh") == "双向固定效应"
    assert _decision("SAR with twoways fixed effects", "zh") == "双向固定效应 SAR 模型"
    assert _decision("SDM with individual fixed effects", "en") == "SDM with unit fixed effects"
    assert _decision("random effects", "zh") == "随机效应"


def test_notes_in_chinese_with_full_width_punctuation():
    note = (
        "模拟数据 (simulated data). 数据来源: aicoord.simulate demonstration panel; only the 2023 AI index is "
        "real (Fang, Chang and Hu 2025, Table 1)"
    )
    out = translate_note(note, "zh")
    assert out == (
        "模拟数据 (simulated data)。数据来源：aicoord 模拟的示范面板，仅 2023 年人工智能指数为真实数据"
        "（方大春、常愉珠、胡梦婷，2025，表 1）"
    )
    derived = translate_note(
        "W = economic: GDP per capita from the panel: 数据来源: 统计年鉴",
        "zh",
        weights_labels={"economic": "经济距离矩阵"},
    )
    assert derived == "经济距离矩阵（由面板的人均GDP构建）：数据来源：统计年鉴"
    assert translate_note(note, "en") == note
    assert zh_punctuation("数据来源: 统计年鉴; 作者计算") == "数据来源：统计年鉴；作者计算"
    assert zh_punctuation("ratio 1:2; a: b") == "ratio 1:2; a: b"


def test_weights_labels_and_the_verdict_rule():
    assert weights_label({"kind": "knn", "k": 4}, "zh") == "k 近邻矩阵（k = 4）"
    assert (
        weights_label({"kind": "distance", "power": 2, "cutoff_km": 400}, "zh") == "反距离矩阵（幂 2），截断 400 千米"
    )
    assert weights_label({"kind": "distance", "power": 1}, "en") == "inverse distance (power 1)"
    assert "95% 区间" in verdict_rule(0.05, "zh") and "90% interval" in verdict_rule(0.1, "en")
    assert foreign_words(verdict_rule(0.05, "zh")) == []


def test_foreign_words_finds_internal_names_and_english_but_not_names_of_tests():
    assert foreign_words("稳健 LM-lag 检验（双向固定效应）；Hausman 检验；SDM；Panel A：σ 收敛") == []
    assert foreign_words("queen × no_municipalities") == ["queen", "no_municipalities"]
    assert foreign_words("OLS (HC1), absolute") == ["absolute"]
