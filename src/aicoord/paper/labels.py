"""The paper's vocabulary: every word a table or figure prints for an internal name, in Chinese and English.

The study's results files use short machine names (``lm_lag``, ``twoways``, ``no_municipalities``,
``catch_up``, ``gini_within``) and English words for their decisions and notes; a paper table prints none of
them. :data:`VOCABULARY` maps each to its printed form by language, under a kind (``test``, ``effects``,
``decision``, ``sample``, ``scenario``, ``measure``, ``model``, ``weights``, ``source``, ``reason``); a user
overrides any entry in ``paper.labels`` under the key ``"<kind>.<name>"`` (e.g.
``sample.no_municipalities: 剔除四个直辖市``), as a role or a column is overridden by its own name.

:func:`term` looks a name up; :func:`zh_punctuation` gives a Chinese sentence its full-width colon and
semicolon; :func:`foreign_words` finds what a Chinese table should not print (used by the tests and by
:func:`check_language`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..study.mechanisms import VERDICT_RULE

__all__ = [
    "VOCABULARY",
    "ALLOWED_LATIN",
    "term",
    "words",
    "translate_note",
    "zh_punctuation",
    "foreign_words",
    "verdict_rule",
    "weights_label",
]

#: Printed forms of the study's internal names, by language and kind.
VOCABULARY: dict[str, dict[str, dict[str, str]]] = {
    "zh": {
        "test": {
            "lm_lag": "LM-lag 检验",
            "lm_error": "LM-error 检验",
            "robust_lm_lag": "稳健 LM-lag 检验",
            "robust_lm_error": "稳健 LM-error 检验",
            "lr_unit_effects": "地区固定效应的 LR 检验",
            "lr_time_effects": "时间固定效应的 LR 检验",
            "hausman": "Hausman 检验",
            "wald_sar": "Wald 检验（SDM 可否退化为 SAR）",
            "lr_sar": "LR 检验（SDM 可否退化为 SAR）",
            "wald_sem": "Wald 检验（SDM 可否退化为 SEM）",
            "lr_sem": "LR 检验（SDM 可否退化为 SEM）",
            "selected model": "模型选择",
            "baseline model": "基准回归采用的模型",
            "probability_sar": "SAR 的后验概率",
            "probability_sem": "SEM 的后验概率",
            "probability_sdm": "SDM 的后验概率",
            "probability_slx": "SLX 的后验概率",
            "probability_sdem": "SDEM 的后验概率",
            "probability_sac": "SAC 的后验概率",
        },
        "effects": {
            "none": "无固定效应",
            "individual": "地区固定效应",
            "time": "时间固定效应",
            "twoways": "双向固定效应",
            "random": "随机效应",
            "individual vs random": "地区固定效应 vs 随机效应",
        },
        "decision": {
            "fixed effects": "固定效应",
            "random effects": "随机效应",
            "most probable": "后验概率最大",
            "reject": "拒绝原假设",
        },
        "reason": {
            "both SAR and SEM restrictions rejected": "SAR 与 SEM 的约束均被拒绝",
            "theta = 0 not rejected and the robust LM tests point to the lag": "θ = 0 未被拒绝，且稳健 LM 检验指向空间滞后",
            "theta + rho beta = 0 not rejected and the robust LM tests point to the error": "θ + ρβ = 0 未被拒绝，且稳健 LM 检验指向空间误差",
            "the tests disagree; the SDM nests SAR and SEM": "各检验结论不一致，SDM 嵌套 SAR 与 SEM",
            "follows the search": "随检验结果",
            "kept, see the note": "保留，见注",
            "the search's choice": "即检验所选模型",
            "baseline_sdm": "基准模型仍采用 SDM：SDM 嵌套 SAR 与 SLX，真实过程为其中任一时其估计无偏，而遗漏 W·X 会使"
            "其他模型的估计有偏（LeSage and Pace 2009，第 6.2 节；Elhorst 2014，第 2.3 节）",
            "robust_hausman": "经典 Hausman 统计量（{classical}）为负或固定效应与随机效应协方差之差非正定，表中报告按单元聚类的"
            "稳健 Mundlak 检验（Mundlak 1978；Wooldridge 2010，第 10.7.3 节）",
        },
        "sample": {"full": "全样本", "no_municipalities": "剔除直辖市", "ai_lag1": "人工智能滞后一期"},
        "scenario": {"catch_up": "中西部与东北追赶情景", "freeze_east": "东部增长冻结情景"},
        "measure": {
            "cv": "变异系数",
            "sd_log": "对数标准差",
            "theil_t": "泰尔指数 T",
            "theil_l": "泰尔指数 L",
            "gini": "基尼系数",
            "gini_within": "组内基尼系数",
            "gini_between": "组间基尼系数",
            "gini_region": "{region}基尼系数",
        },
        "model": {
            "ols": "固定效应 OLS",
            "sdm": "SDM",
            "sar": "SAR",
            "sem": "SEM",
            "slx": "SLX",
            "sdem": "SDEM",
            "sac": "SAC",
            "dynamic_sdm": "动态SDM（短期）",
            "with": "{effects} {model} 模型",
        },
        "beta": {
            "OLS (HC1)": "OLS（HC1 稳健标准误）",
            "FE two-way (cluster)": "双向固定效应（聚类稳健标准误）",
            "FE one-way (cluster)": "地区固定效应（聚类稳健标准误）",
            "SAR two-way FE (ML)": "SAR 双向固定效应（ML）",
            "SEM two-way FE (ML)": "SEM 双向固定效应（ML）",
            "SDM two-way FE (ML)": "SDM 双向固定效应（ML）",
            "absolute": "绝对 β 收敛",
            "conditional": "条件 β 收敛",
        },
        "weights": {
            "queen": "Queen 邻接矩阵",
            "rook": "Rook 邻接矩阵",
            "knn": "k 近邻矩阵（k = {k}）",
            "distance": "反距离矩阵（幂 {power}）",
            "economic": "经济距离矩阵",
            "nested": "经济地理嵌套矩阵",
            "cutoff": "，截断 {cutoff} 千米",
        },
        "source": {
            "aicoord.simulate demonstration panel; only the 2023 AI index is real "
            "(Fang, Chang and Hu 2025, Table 1)": "aicoord 模拟的示范面板，仅 2023 年人工智能指数为真实数据（方大春、常愉珠、胡梦婷，2025，表 1）",
            "方大春、常愉珠、胡梦婷 (2025) 表1 (Fang, Chang and Hu 2025, Table 1)": "方大春、常愉珠、胡梦婷（2025）表 1",
        },
        "derived": {"GDP per capita from the panel": "由面板的人均GDP构建"},
        "basis": {
            "mediated": "中介总效应的区间",
            "a_path": "人工智能对机制的总效应（a 路径）的区间",
            "mediated total effect total(AI→M)·total(M→y), (1−alpha) Monte Carlo percentile interval from joint "
            "parameter draws; promotes if wholly < 0, hinders if wholly > 0": "中介总效应的区间",
        },
        "word": {
            "est_ml": "最大似然（ML）",
            "est_iv": "空间两阶段最小二乘（IV）",
            "est_gmm": "两步有效 GMM",
            "partial_r2": "第一阶段偏 R²",
            "sw_f": "Sanderson–Windmeijer F 统计量",
            "kp_rk_wald_f": "Kleibergen–Paap Wald F 统计量",
            "kp_lm_p": "Kleibergen–Paap LM 不可识别检验 p 值",
            "hansen_j": "Hansen J 统计量（p 值）",
            "endogeneity_p": "内生性检验（C 统计量）p 值",
            "ar_set": "Anderson–Rubin {level}% 置信集（人工智能系数）",
            "unbounded": "无界",
            "ident_note": "最大似然估计视人工智能为外生；工具变量估计以工具变量及其空间滞后项作为人工智能及其空间滞后项的工具，以控制变量的二阶、三阶空间滞后项作为被解释变量空间滞后项的工具（Kelejian and Prucha 1998；Drukker、Egger and Prucha 2013）；工具变量：{instruments}；工具变量估计的标准误{cov}",
            "cov_cluster": "按省份聚类",
            "cov_robust": "为异方差稳健标准误",
            "cov_homoskedastic": "假定同方差",
            "oster": "Oster（2019）识别集（人工智能系数）",
            "oster_note": "Oster（2019）界不依赖工具变量：双向固定效应组内回归中加入控制变量后人工智能的系数为 {beta}，假定不可观测因素的选择与可观测因素相同（δ = 1）、最大 R² 为控制后 R² 的 1.3 倍时偏差调整系数为 {star}；使系数为 0 所需的 δ 为 {delta}",
            "n": "N",
            "mean": "均值",
            "sd": "标准差",
            "min": "最小值",
            "max": "最大值",
            "vif": "VIF",
            "I": "I",
            "z": "z",
            "p": "p",
            "province": "省份",
            "region": "地区",
            "ns": "不显著",
            "No neighbours": "无邻居",
            "islands_note": "{n} 个单元在 {w} 下无邻居，未作检验（标为“无邻居”）",
            "HH": "高-高",
            "LL": "低-低",
            "LH": "低-高",
            "HL": "高-低",
            "year": "年份",
            "estimate": "估计值",
            "se": "标准误",
            "speed": "收敛速度",
            "half_life": "半衰期",
            "spatial": "空间参数",
            "nobs": "观测值",
            "statistic": "统计量",
            "df": "自由度",
            "decision": "结论",
            "reject": "拒绝原假设",
            "direct": "直接效应",
            "indirect": "间接效应",
            "total": "总效应",
            "interval": "{level}% 区间",
            "verdict": "结论",
            "agree": "稳健性一致",
            "not_estimated": "未估计",
            "before": "情景前",
            "after": "情景后",
            "change": "变化",
            "sigma": "Panel A：σ 收敛（{v} 的变异系数）",
            "beta": "Panel B：β 收敛（{v}）",
            "promotes": "促进",
            "hinders": "阻碍",
            "inconclusive": "不确定",
            "vif_note": "VIF 为解释变量（除被解释变量外）对其余解释变量回归的方差膨胀因子",
            "lisa_note": "聚类为置换检验伪 p 值在 {alpha} 水平下显著的局部莫兰指数象限",
            "moran_note": "I 后的星号依据随机化假设下的 p 值",
            "variables": "变量",
            "mechanism": "机制",
            "ai_on_channel": "人工智能 → 机制（总效应）",
            "channel_on_y": "机制 → 协调差距（总效应）",
            "ai_on_y": "控制机制后人工智能 → 协调差距（总效应）",
            "mediated": "中介效应",
            "mc_interval": "中介效应 {level}% 蒙特卡洛区间",
            "sobel_z": "Sobel z",
            "model": "机制方程",
            "effects_note": "效应的标准误与区间来自参数的 {draws} 次模拟抽样",
            "robust_note": "区间为 {level}% 模拟区间；未估计的变体给出原因",
            "dynamic_note": "动态SDM含被解释变量的时间滞后项，经 Yu、de Jong 和 Lee（2008）偏差修正，其总效应与中介效应为短期效应"
            "（(I − ρW)⁻¹(βI + θW)）",
            "scen_note": "区间为 {level}% 模拟区间；离散度计算前被解释变量平移 {shift}",
            "mech_note": "中介效应 = 人工智能对机制的总效应 × 机制对被解释变量的总效应",
            "channel": "机制变量",
            "dependent": "被解释变量",
            "share": "中介效应占比",
            "suppression": "遮掩效应",
            "p_adjusted": "调整后 p 值",
            "mediated_local": "本地中介效应",
            "mediated_spillover": "溢出中介效应",
            "iv_a": "人工智能 → 机制（工具变量估计）",
            "basis": "结论依据",
            "share_note": "中介效应占比 = 中介效应 /（中介效应 + 控制机制后人工智能的总效应）；存在遮掩效应（二者异号）时为"
            "|中介效应 / 控制机制后人工智能的总效应|",
            "stepwise_note": "每个机制两列：(1) 人工智能 → 机制变量，(2) 机制变量与人工智能 → {y}；系数为总效应",
            "p_adjusted_note": "调整后 p 值经 {method} 多重检验校正",
            "moran_panel_note": "I 为全局莫兰指数，星号与 z 值依据随机化假设",
            "source": "数据来源",
            "verdict_rule": (
                "结论规则：中介总效应（基准行为人工智能的总效应）的 {level}% 区间整体位于 0 以下为“促进”（人工智能降低协调差距），"
                "整体位于 0 以上为“阻碍”，否则为“不确定”；稳健性一致为结论相同的稳健性变体（空间权重 × 样本 × 模型）个数"
            ),
        },
    },
    "en": {
        "test": {
            "lm_lag": "LM-lag",
            "lm_error": "LM-error",
            "robust_lm_lag": "Robust LM-lag",
            "robust_lm_error": "Robust LM-error",
            "lr_unit_effects": "LR test of unit effects",
            "lr_time_effects": "LR test of time effects",
            "hausman": "Hausman test",
            "wald_sar": "Wald test (SDM vs SAR)",
            "lr_sar": "LR test (SDM vs SAR)",
            "wald_sem": "Wald test (SDM vs SEM)",
            "lr_sem": "LR test (SDM vs SEM)",
            "selected model": "Selected model",
            "baseline model": "Model of the baseline",
            "probability_sar": "Posterior probability of SAR",
            "probability_sem": "Posterior probability of SEM",
            "probability_sdm": "Posterior probability of SDM",
            "probability_slx": "Posterior probability of SLX",
            "probability_sdem": "Posterior probability of SDEM",
            "probability_sac": "Posterior probability of SAC",
        },
        "effects": {
            "none": "no fixed effects",
            "individual": "unit fixed effects",
            "time": "time fixed effects",
            "twoways": "two-way fixed effects",
            "random": "random effects",
            "individual vs random": "unit fixed vs random effects",
        },
        "decision": {
            "fixed effects": "Fixed effects",
            "random effects": "Random effects",
            "most probable": "Most probable",
            "reject": "Reject",
        },
        "reason": {
            "both SAR and SEM restrictions rejected": "both SAR and SEM restrictions rejected",
            "theta = 0 not rejected and the robust LM tests point to the lag": "θ = 0 not rejected and the robust LM tests point to the lag",
            "theta + rho beta = 0 not rejected and the robust LM tests point to the error": "θ + ρβ = 0 not rejected and the robust LM tests point to the error",
            "the tests disagree; the SDM nests SAR and SEM": "the tests disagree; the SDM nests SAR and SEM",
            "follows the search": "follows the search",
            "kept, see the note": "kept, see the note",
            "the search's choice": "the search's choice",
            "baseline_sdm": "the baseline is nevertheless the SDM: it nests the SAR and SLX and gives unbiased "
            "estimates when the true process is any of them, while omitting W·X biases the "
            "others (LeSage and Pace 2009, sec. 6.2; Elhorst 2014, sec. 2.3)",
            "robust_hausman": "the classical Hausman statistic ({classical}) was negative or the difference "
            "of the FE and RE covariances not positive definite: the row is the robust "
            "Mundlak test with errors clustered by unit (Mundlak 1978; Wooldridge 2010, "
            "sec. 10.7.3)",
        },
        "sample": {
            "full": "Full sample",
            "no_municipalities": "Without the municipalities",
            "ai_lag1": "AI lagged one year",
        },
        "scenario": {"catch_up": "Catch-up of the Centre, West and Northeast", "freeze_east": "East's growth frozen"},
        "measure": {
            "cv": "CV",
            "sd_log": "SD of logs",
            "theil_t": "Theil T",
            "theil_l": "Theil L",
            "gini": "Gini",
            "gini_within": "Gini within regions",
            "gini_between": "Gini between regions",
            "gini_region": "Gini, {region}",
        },
        "model": {
            "ols": "FE OLS",
            "sdm": "SDM",
            "sar": "SAR",
            "sem": "SEM",
            "slx": "SLX",
            "sdem": "SDEM",
            "sac": "SAC",
            "dynamic_sdm": "Dynamic SDM (short run)",
            "with": "{model} with {effects}",
        },
        "beta": {
            "OLS (HC1)": "OLS (HC1)",
            "FE two-way (cluster)": "Two-way FE (clustered)",
            "FE one-way (cluster)": "Unit FE (clustered)",
            "SAR two-way FE (ML)": "SAR, two-way FE (ML)",
            "SEM two-way FE (ML)": "SEM, two-way FE (ML)",
            "SDM two-way FE (ML)": "SDM, two-way FE (ML)",
            "absolute": "absolute",
            "conditional": "conditional",
        },
        "weights": {
            "queen": "queen contiguity",
            "rook": "rook contiguity",
            "knn": "k nearest neighbours (k = {k})",
            "distance": "inverse distance (power {power})",
            "economic": "economic distance",
            "nested": "nested economic-geographic",
            "cutoff": ", cut off at {cutoff} km",
        },
        "source": {},
        "derived": {},
        "basis": {
            "mediated": "interval of the mediated total effect",
            "a_path": "interval of AI's total effect on the channel (a path)",
            "mediated total effect total(AI→M)·total(M→y), (1−alpha) Monte Carlo percentile interval from joint "
            "parameter draws; promotes if wholly < 0, hinders if wholly > 0": "interval of the mediated total effect",
        },
        "word": {
            "est_ml": "ML (AI exogenous)",
            "est_iv": "Spatial 2SLS",
            "est_gmm": "Two-step efficient GMM",
            "partial_r2": "First-stage partial R²",
            "sw_f": "Sanderson–Windmeijer F",
            "kp_rk_wald_f": "Kleibergen–Paap rk Wald F",
            "kp_lm_p": "Kleibergen–Paap LM underidentification, p",
            "hansen_j": "Hansen J (p)",
            "endogeneity_p": "Endogeneity (C) test, p",
            "ar_set": "Anderson–Rubin {level}% set (AI's coefficient)",
            "unbounded": "unbounded",
            "ident_note": "ML treats AI as exogenous; the IV fits instrument AI and W·AI by the excluded instruments and their W-lags, and W·y by the second and third W-lags of the controls (Kelejian and Prucha 1998; Drukker, Egger and Prucha 2013); instruments: {instruments}; IV standard errors {cov}",
            "cov_cluster": "clustered by province",
            "cov_robust": "heteroskedasticity-robust",
            "cov_homoskedastic": "homoskedastic",
            "oster": "Oster (2019) identified set (AI's coefficient)",
            "oster_note": "The Oster (2019) bound needs no instrument: AI's coefficient in the two-way within regression with the controls is {beta}; with selection on unobservables equal to that on observables (δ = 1) and a maximum R² of 1.3 times the controlled R², the bias-adjusted coefficient is {star}; the δ that would set it to 0 is {delta}",
            "n": "N",
            "mean": "Mean",
            "sd": "SD",
            "min": "Min",
            "max": "Max",
            "vif": "VIF",
            "I": "I",
            "z": "z",
            "p": "p",
            "province": "Province",
            "region": "Region",
            "ns": "Not significant",
            "No neighbours": "No neighbours",
            "islands_note": "{n} unit(s) have no neighbours under {w} and are not tested (marked 'No neighbours')",
            "HH": "High-High",
            "LL": "Low-Low",
            "LH": "Low-High",
            "HL": "High-Low",
            "year": "Year",
            "estimate": "Estimate",
            "se": "SE",
            "speed": "Speed",
            "half_life": "Half-life",
            "spatial": "Spatial parameter",
            "nobs": "Observations",
            "statistic": "Statistic",
            "df": "df",
            "decision": "Decision",
            "reject": "Reject",
            "direct": "Direct",
            "indirect": "Indirect",
            "total": "Total",
            "interval": "{level}% interval",
            "verdict": "Verdict",
            "agree": "Variants agreeing",
            "not_estimated": "not estimated",
            "before": "Before",
            "after": "After",
            "change": "Change",
            "sigma": "Panel A: σ-convergence (coefficient of variation of {v})",
            "beta": "Panel B: β-convergence ({v})",
            "promotes": "promotes",
            "hinders": "hinders",
            "inconclusive": "inconclusive",
            "vif_note": "VIF of each explanatory variable (all but the dependent variable) on the others",
            "lisa_note": "Clusters are quadrants of local Moran's I significant at the {alpha} level (pseudo p)",
            "moran_note": "Stars on I use the p-value under randomisation",
            "variables": "Variable",
            "mechanism": "Mechanism",
            "ai_on_channel": "AI → channel (total)",
            "channel_on_y": "Channel → outcome (total)",
            "ai_on_y": "AI → outcome given channel (total)",
            "mediated": "Mediated effect",
            "mc_interval": "Mediated effect, {level}% Monte Carlo interval",
            "sobel_z": "Sobel z",
            "model": "Channel model",
            "effects_note": "Standard errors and intervals of the effects from {draws} parameter draws",
            "robust_note": "Intervals are {level}% intervals from parameter draws; a variant not estimated gives its reason",
            "dynamic_note": "The dynamic SDM includes the time-lagged outcome and is bias-corrected (Yu, de Jong and "
            "Lee 2008); its total and mediated effects are short-run effects, (I − ρW)⁻¹(βI + θW)",
            "scen_note": "Intervals are {level}% intervals from parameter draws; the outcome is shifted by {shift} before "
            "its dispersion is measured",
            "mech_note": "Mediated effect = AI's total effect on the channel × the channel's total effect on "
            "the outcome",
            "channel": "Channel",
            "dependent": "Dependent variable",
            "share": "Share mediated",
            "suppression": "Suppression",
            "p_adjusted": "Adjusted p",
            "mediated_local": "Mediated, local part",
            "mediated_spillover": "Mediated, spillover part",
            "iv_a": "AI → channel (IV)",
            "basis": "Basis",
            "share_note": "Share mediated = mediated / (mediated + AI's total effect given the channel); with "
            "suppression (opposite signs) |mediated / AI's total effect given the channel|",
            "stepwise_note": "Two columns per channel: (1) AI → channel, (2) channel and AI → {y}; "
            "the coefficients are total effects",
            "p_adjusted_note": "Adjusted p-values by the {method} correction",
            "moran_panel_note": "I is global Moran's I; stars and z under randomisation",
            "source": "Source",
            "verdict_rule": (
                "Verdict rule: " + VERDICT_RULE + "; 'Variants agreeing' counts the robustness variants "
                "(weights × sample × model) with the same verdict"
            ),
        },
    },
}

#: Latin words a Chinese table may print: names of tests, estimators, statistics and authors, symbols.
ALLOWED_LATIN = frozenset(
    """
    SDM SAR SEM SLX SDEM SAC OLS ML QML GMM IV LM lag error LR Wald Hausman Sobel VIF LISA Moran Theil Gini Dagum
    Queen Rook HC0 HC1 HC2 HC3 Lee Yu de Jong Driscoll Kraay Bartlett Newey West CV SD AIC BIC GDP DID TWFE
    Panel A B C D N T I R W z p t k R2 MC vs OPG OPMD Kleibergen Paap Sanderson Windmeijer Hansen J Anderson Rubin
    Cragg Donald Holm Benjamini Hochberg Jiang Ting Elhorst LeSage Pace Yang Liu Lin Kelejian Prucha and
    Mundlak Wooldridge FE RE X Y
    Callaway Sant Anna Sun Abraham Borusyak Jaravel Spiess Goodman Bacon Rademacher Webb Cinelli Hazlett
    aicoord GS F C Drukker Egger Oster
""".split()
)

_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9_']*")


def term(kind: str, name, language: str = "zh", labels: Mapping | None = None, **fields) -> str:
    """The printed form of an internal ``name`` of ``kind``; ``paper.labels`` (``labels``) may override it
    under ``"<kind>.<name>"``. An unknown name is printed as it is (a user's own sample or scenario name,
    which the user may label), with ``fields`` formatted into the entry."""
    labels = labels or {}
    key = f"{kind}.{name}"
    if key in labels:
        return str(labels[key])
    text = VOCABULARY[language].get(kind, {}).get(str(name), str(name))
    return text.format(**fields) if fields else text


def words(language: str = "zh", labels: Mapping | None = None) -> dict[str, str]:
    """The fixed words of the tables (the ``word`` kind) in ``language``, with the user's ``paper.labels``
    entries ``"word.<name>"`` laid over them."""
    out = dict(VOCABULARY[language]["word"])
    for key, text in (labels or {}).items():
        kind, _, name = str(key).partition(".")
        if kind == "word" and name in out:
            out[name] = str(text)
    return out


def weights_label(spec: Mapping, language: str = "zh") -> str:
    """Description of a weights matrix from its configuration entry (kind, k, power, cutoff_km)."""
    words = VOCABULARY[language]["weights"]
    text = words[spec["kind"]].format(k=spec.get("k", ""), power=spec.get("power", 1))
    if spec.get("cutoff_km"):
        text += words["cutoff"].format(cutoff=f"{spec['cutoff_km']:g}")
    return text


def zh_punctuation(text: str) -> str:
    """Full-width colon and semicolon after Chinese text ("数据来源: x; y" → "数据来源：x；y"); Latin
    ``a: b`` inside a Latin phrase and ratios such as ``1:2`` are kept."""
    text = re.sub(r"(?<=[\u3000-\u9fff\uff00-\uffef）)]) ?: ?", "：", text)
    return re.sub(r"(?<=[\u3000-\u9fff\uff00-\uffef）)])\s*;\s*", "；", text)


def translate_note(
    part: str, language: str = "zh", labels: Mapping | None = None, weights_labels: Mapping | None = None
) -> str:
    """A note sentence in the table's language: the data source line (``数据来源: <source>``) with its
    source translated where the vocabulary has it; a matrix's provenance (``W = economic: GDP per capita from
    the panel: <source>``) with the matrix's description (``weights_labels``); Chinese punctuation after
    Chinese words."""
    m = re.match(r"W = ([^:]+): (.*)$", part)
    if m:
        name, rest = m.groups()
        what = (weights_labels or {}).get(name, name)
        for derived in VOCABULARY[language]["derived"]:
            if rest.startswith(derived + ": "):
                rest = rest[len(derived) + 2 :]
                what += f"（{term('derived', derived, language, labels)}）" if language == "zh" else f" ({derived})"
                break
        return f"{what}{'：' if language == 'zh' else ': '}{translate_note(rest, language, labels, weights_labels)}"
    if language != "zh":
        return part
    m = re.match(r"(.*?)(?:数据来源: |数据来源：|Source: )(.*)$", part)
    if m:  # "[模拟数据 (simulated data). ]数据来源: <source>"
        head = m.group(1).replace(". ", "。") if m.group(1) else ""
        part = head + "数据来源：" + term("source", m.group(2), "zh", labels)
    return zh_punctuation(part)


def verdict_rule(alpha: float, language: str = "zh") -> str:
    """The verdict rule, stated in the table's language at level ``1 - alpha`` (English: the study's
    :data:`aicoord.study.mechanisms.VERDICT_RULE`; Chinese: its translation)."""
    return VOCABULARY[language]["word"]["verdict_rule"].format(level=f"{(1 - float(alpha)) * 100:g}")


def foreign_words(text: str) -> list[str]:
    """Latin words of ``text`` that a Chinese table should not print: internal names (with ``_``) and any
    word not in :data:`ALLOWED_LATIN` (numbers, symbols and Greek letters are not words)."""
    out = []
    for w in _LATIN.findall(text):
        if "_" in w or (w not in ALLOWED_LATIN and w.rstrip("'") not in ALLOWED_LATIN):
            out.append(w)
    return out
