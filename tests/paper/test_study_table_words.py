"""The wording helpers of the study's tables (aicoord.paper.study_tables) in both languages, each branch against its
exact text: the covariance note, a variant's failure, the robustness grid's model labels, regions, periods and
measures, column labels, interval levels, the weights note, and the provenance of notes for tables and figures."""

import math

import pytest

from aicoord.paper import NumberFormat
from aicoord.paper.study_tables import (
    column_label,
    cov_note,
    failure_text,
    figure_note,
    group_label,
    interval_level,
    model_label,
    provenance,
    weights_note,
)

BY_PROVINCE = {
    "en": "Values in parentheses are based on cluster-robust standard errors by province (31 clusters)",
    "zh": "括号内数值基于按省份聚类的稳健标准误（31 个聚类）",
}


@pytest.mark.quick
@pytest.mark.parametrize(
    "cov, en, zh",
    [
        (None, None, None),
        ({}, None, None),
        ({"cov_type": "oim"}, None, None),
        ({"n_clusters": 31}, None, None),  # no cov_type: the information matrix
        ({"cov_type": "cluster", "cluster": None, "n_clusters": 31}, BY_PROVINCE["en"] + ".", BY_PROVINCE["zh"] + "。"),
        (
            {"cov_type": "cluster", "cluster": "code", "n_clusters": 31},
            BY_PROVINCE["en"] + ".",
            BY_PROVINCE["zh"] + "。",
        ),
        (
            {"cov_type": "cluster", "cluster": "region4", "n_clusters": 4},
            "Values in parentheses are based on cluster-robust standard errors by region (4 clusters).",
            "括号内数值基于按区域聚类的稳健标准误（4 个聚类）。",
        ),
        (
            {"cov_type": "cluster", "cluster": "city", "n_clusters": 9},
            "Values in parentheses are based on cluster-robust standard errors by city (9 clusters).",
            "括号内数值基于按city聚类的稳健标准误（9 个聚类）。",
        ),
        (
            {"cov_type": "cluster", "n_clusters": 31, "bootstrap": {"weights": "webb", "draws": 999}},
            BY_PROVINCE["en"] + "; p-values from an unrestricted wild cluster bootstrap (Webb weights, 999 draws).",
            BY_PROVINCE["zh"] + "；p 值来自非约束野聚类自助法（Webb 权重，999 次抽样）。",
        ),
        (
            {"cov_type": "opg"},
            "Values in parentheses are based on outer-product-of-scores (OPG) standard errors.",
            "括号内数值基于得分外积（OPG）标准误。",
        ),
        (
            {"cov_type": "robust"},
            "Values in parentheses are based on heteroskedasticity-robust (sandwich) standard errors.",
            "括号内数值基于异方差稳健（三明治）标准误。",
        ),
        (
            {"cov_type": "driscoll-kraay", "dk_lag": 2},
            "Values in parentheses are based on Driscoll–Kraay standard errors (Bartlett kernel, lag 2).",
            "括号内数值基于Driscoll–Kraay 标准误（Bartlett 核，滞后 2 期）。",
        ),
    ],
)
def test_cov_note_says_which_standard_errors_in_each_language(cov, en, zh):
    assert cov_note(cov, "en") == en and cov_note(cov, "zh") == zh


DYNAMIC = "not stationary: max|(tau+eta w)/(1-rho w)| = 1.012 >= 1; the dynamic SDM of x is not estimated"
LONG = "the optimiser stopped after 200 iterations without reaching the tolerance of the gradient norm"


@pytest.mark.quick
@pytest.mark.parametrize(
    "text, en, zh",
    [
        ("rho = 1.000000 is at the boundary of (-4.7, 1.0)", "ρ = 1.000 (at its bound)", "ρ = 1.000（边界）"),
        ("lambda = -0.9999 is at the boundary of its interval", "λ = −1.000 (at its bound)", "λ = −1.000（边界）"),
        (DYNAMIC, "not stationary: max|(tau+eta w)/(1-rho w)| = 1.012 >= 1", "非平稳（最大模 1.012 ≥ 1）"),
        (LONG, LONG[:60], "原因见稳健性结果文件"),
        ("short reason; details", "short reason", "原因见稳健性结果文件"),
        (None, "", ""),
        (math.nan, "", ""),
        ("", "", ""),
    ],
)
def test_failure_text_of_each_kind_of_reason(text, en, zh):
    fmt = NumberFormat()
    assert failure_text(text, "en", fmt) == en and failure_text(text, "zh", fmt) == zh
    assert failure_text("rho = 0.98765 is at the boundary", "en", NumberFormat(decimals=2)) == "ρ = 0.99 (at its bound)"


@pytest.mark.quick
def test_model_group_and_column_labels_in_each_language():
    assert [model_label(m, "zh") for m in ("sdm", "sar", "ols", "dynamic_sdm", "xyz")] == [
        "SDM",
        "SAR",
        "固定效应 OLS",
        "动态SDM（短期）",
        "XYZ",
    ]
    assert [model_label(m, "en") for m in ("sem", "ols", "dynamic_sdm")] == ["SEM", "FE OLS", "Dynamic SDM (short run)"]
    zh = [group_label(g, "zh") for g in ("East", "Northeast", "post", "difference", "region", "period")]
    assert zh == ["东部", "东北", "后期", "差异（后期 − 前期）", "分地区", "分时期"]
    en = [group_label(g, "en") for g in ("Central", "pre", "post", "difference", "region", "period")]
    assert en == ["Central", "Early period", "Late period", "Difference (late − early)", "By region", "By period"]
    assert group_label("gini_West", "zh") == "西部基尼系数" and group_label("gini_East", "en") == "Gini, East"
    assert group_label("theil_t", "zh") == "泰尔指数 T" and group_label("sd_log", "en") == "SD of logs"
    assert group_label("gini_within", "en") == "Gini within regions" and group_label("cv", "zh") == "变异系数"
    assert group_label("gini_Mars", "en") == "gini_Mars" and group_label("other", "zh") == "other"
    assert column_label({}, "ai", "en") == "AI index" and column_label({}, "ai", "zh") == "人工智能指数"
    assert column_label({"ai": "X"}, "W*ai", "en") == "W×X" and column_label({}, "W*gov", "zh") == "W×政府干预"
    assert column_label({"W*ai": "Wai"}, "W*ai", "en") == "Wai" and column_label({}, "zzz", "zh") == "zzz"


@pytest.mark.quick
def test_interval_levels_and_the_weights_note():
    assert [interval_level(a) for a in (0.05, 0.1, 0.01, 0.025, "0.2")] == ["95", "90", "99", "97.5", "80"]
    assert weights_note(["a", "b", "a"], {"a": "A"}, "zh") == "空间权重矩阵：A；b"
    assert weights_note(["a", "b", "a"], {"a": "A"}, "en") == "Spatial weights: A; b"


@pytest.mark.quick
def test_provenance_takes_simulated_data_off_each_part_once():
    notes = [
        "模拟数据 (simulated data). 数据来源: x | W = economic: GDP per capita from the panel: Simulated data. Source: y",
        None,
        math.nan,
        "Source: z",
        "Source: z",
        "Simulated data",
    ]
    assert provenance(notes) == (
        True,
        ["数据来源: x", "W = economic: GDP per capita from the panel: Source: y", "Source: z"],
    )
    assert provenance(["Source: a"], "en") == (False, ["Source: a"])
    assert provenance([]) == (False, [])


@pytest.mark.quick
def test_figure_note_is_simulated_data_and_the_first_source_in_the_figure_language():
    notes = ["Simulated data. Source: S | W = economic: GDP per capita from the panel: Simulated data. Source: S"]
    assert figure_note(notes, "en") == "Simulated data. Source: S"
    assert figure_note(notes, "zh") == "模拟数据 (simulated data)；数据来源：S"
    assert figure_note(["Source: T"], "zh") == "数据来源：T"
    assert figure_note(["Source: A | Source: B"], "en") == "Source: A"  # one source line
    # without a source line, the first part of the note
    assert figure_note(["W = economic: GDP per capita from the panel: x"], "en") == (
        "economic: GDP per capita from the panel: x"
    )
