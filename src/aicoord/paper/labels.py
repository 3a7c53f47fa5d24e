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

__all__ = ["VOCABULARY", "ALLOWED_LATIN", "term", "translate_note", "zh_punctuation", "foreign_words",
           "verdict_rule", "weights_label"]

#: Printed forms of the study's internal names, by language and kind.
VOCABULARY: dict[str, dict[str, dict[str, str]]] = {
    "zh": {
        "test": {"lm_lag": "LM-lag 检验", "lm_error": "LM-error 检验", "robust_lm_lag": "稳健 LM-lag 检验",
                 "robust_lm_error": "稳健 LM-error 检验", "lr_unit_effects": "地区固定效应的 LR 检验",
                 "lr_time_effects": "时间固定效应的 LR 检验", "hausman": "Hausman 检验",
                 "wald_sar": "Wald 检验（SDM 可否退化为 SAR）", "lr_sar": "LR 检验（SDM 可否退化为 SAR）",
                 "wald_sem": "Wald 检验（SDM 可否退化为 SEM）", "lr_sem": "LR 检验（SDM 可否退化为 SEM）",
                 "selected model": "模型选择", "baseline model": "基准回归采用的模型", "probability_sar": "SAR 的后验概率",
                 "probability_sem": "SEM 的后验概率", "probability_sdm": "SDM 的后验概率",
                 "probability_slx": "SLX 的后验概率", "probability_sdem": "SDEM 的后验概率",
                 "probability_sac": "SAC 的后验概率"},
        "effects": {"none": "无固定效应", "individual": "地区固定效应", "time": "时间固定效应",
                    "twoways": "双向固定效应", "random": "随机效应",
                    "individual vs random": "地区固定效应 vs 随机效应"},
        "decision": {"fixed effects": "固定效应", "random effects": "随机效应", "most probable": "后验概率最大",
                     "reject": "拒绝原假设"},
        "reason": {"both SAR and SEM restrictions rejected": "SAR 与 SEM 的约束均被拒绝",
                   "theta = 0 not rejected and the robust LM tests point to the lag":
                       "θ = 0 未被拒绝，且稳健 LM 检验指向空间滞后",
                   "theta + rho beta = 0 not rejected and the robust LM tests point to the error":
                       "θ + ρβ = 0 未被拒绝，且稳健 LM 检验指向空间误差",
                   "the tests disagree; the SDM nests SAR and SEM": "各检验结论不一致，SDM 嵌套 SAR 与 SEM",
                   "follows the search": "随检验结果", "kept, see the note": "保留，见注",
                   "the search's choice": "即检验所选模型",
                   "baseline_sdm": "基准模型仍采用 SDM：SDM 嵌套 SAR 与 SLX，真实过程为其中任一时其估计无偏，而遗漏 W·X 会使"
                                   "其他模型的估计有偏（LeSage and Pace 2009，第 6.2 节；Elhorst 2014，第 2.3 节）",
                   "robust_hausman": "经典 Hausman 统计量（{classical}）为负或固定效应与随机效应协方差之差非正定，表中报告按单元聚类的"
                                     "稳健 Mundlak 检验（Mundlak 1978；Wooldridge 2010，第 10.7.3 节）"},
        "sample": {"full": "全样本", "no_municipalities": "剔除直辖市", "ai_lag1": "人工智能滞后一期"},
        "scenario": {"catch_up": "中西部与东北追赶情景", "freeze_east": "东部增长冻结情景"},
        "measure": {"cv": "变异系数", "sd_log": "对数标准差", "theil_t": "泰尔指数 T", "theil_l": "泰尔指数 L",
                    "gini": "基尼系数", "gini_within": "组内基尼系数", "gini_between": "组间基尼系数",
                    "gini_region": "{region}基尼系数"},
        "model": {"sdm": "SDM", "sar": "SAR", "sem": "SEM", "slx": "SLX", "sdem": "SDEM", "sac": "SAC",
                  "dynamic_sdm": "动态SDM（短期）", "with": "{effects} {model} 模型"},
        "beta": {"OLS (HC1)": "OLS（HC1 稳健标准误）", "FE two-way (cluster)": "双向固定效应（聚类稳健标准误）",
                 "FE one-way (cluster)": "地区固定效应（聚类稳健标准误）",
                 "SAR two-way FE (ML)": "SAR 双向固定效应（ML）", "SEM two-way FE (ML)": "SEM 双向固定效应（ML）",
                 "SDM two-way FE (ML)": "SDM 双向固定效应（ML）", "absolute": "绝对 β 收敛",
                 "conditional": "条件 β 收敛"},
        "weights": {"queen": "Queen 邻接矩阵", "rook": "Rook 邻接矩阵", "knn": "k 近邻矩阵（k = {k}）",
                    "distance": "反距离矩阵（幂 {power}）", "economic": "经济距离矩阵", "nested": "经济地理嵌套矩阵",
                    "cutoff": "，截断 {cutoff} 千米"},
        "source": {"aicoord.simulate demonstration panel; only the 2023 AI index is real "
                   "(Fang, Chang and Hu 2025, Table 1)":
                       "aicoord 模拟的示范面板，仅 2023 年人工智能指数为真实数据（方大春、常愉珠、胡梦婷，2025，表 1）",
                   "方大春、常愉珠、胡梦婷 (2025) 表1 (Fang, Chang and Hu 2025, Table 1)": "方大春、常愉珠、胡梦婷（2025）表 1"},
        "derived": {"GDP per capita from the panel": "由面板的人均GDP构建"},
        "word": {"source": "数据来源", "verdict_rule": (
            "结论规则：中介总效应（基准行为人工智能的总效应）的 {level}% 区间整体位于 0 以下为“促进”（人工智能降低协调差距），"
            "整体位于 0 以上为“阻碍”，否则为“不确定”；稳健性一致为结论相同的稳健性变体（空间权重 × 样本 × 模型）个数")},
    },
    "en": {
        "test": {"lm_lag": "LM-lag", "lm_error": "LM-error", "robust_lm_lag": "Robust LM-lag",
                 "robust_lm_error": "Robust LM-error", "lr_unit_effects": "LR test of unit effects",
                 "lr_time_effects": "LR test of time effects", "hausman": "Hausman test",
                 "wald_sar": "Wald test (SDM vs SAR)", "lr_sar": "LR test (SDM vs SAR)",
                 "wald_sem": "Wald test (SDM vs SEM)", "lr_sem": "LR test (SDM vs SEM)",
                 "selected model": "Selected model", "baseline model": "Model of the baseline", "probability_sar": "Posterior probability of SAR",
                 "probability_sem": "Posterior probability of SEM", "probability_sdm": "Posterior probability of SDM",
                 "probability_slx": "Posterior probability of SLX", "probability_sdem": "Posterior probability of SDEM",
                 "probability_sac": "Posterior probability of SAC"},
        "effects": {"none": "no fixed effects", "individual": "unit fixed effects", "time": "time fixed effects",
                    "twoways": "two-way fixed effects", "random": "random effects",
                    "individual vs random": "unit fixed vs random effects"},
        "decision": {"fixed effects": "Fixed effects", "random effects": "Random effects",
                     "most probable": "Most probable", "reject": "Reject"},
        "reason": {"both SAR and SEM restrictions rejected": "both SAR and SEM restrictions rejected",
                   "theta = 0 not rejected and the robust LM tests point to the lag":
                       "θ = 0 not rejected and the robust LM tests point to the lag",
                   "theta + rho beta = 0 not rejected and the robust LM tests point to the error":
                       "θ + ρβ = 0 not rejected and the robust LM tests point to the error",
                   "the tests disagree; the SDM nests SAR and SEM": "the tests disagree; the SDM nests SAR and SEM",
                   "follows the search": "follows the search", "kept, see the note": "kept, see the note",
                   "the search's choice": "the search's choice",
                   "baseline_sdm": "the baseline is nevertheless the SDM: it nests the SAR and SLX and gives unbiased "
                                   "estimates when the true process is any of them, while omitting W·X biases the "
                                   "others (LeSage and Pace 2009, sec. 6.2; Elhorst 2014, sec. 2.3)",
                   "robust_hausman": "the classical Hausman statistic ({classical}) was negative or the difference "
                                     "of the FE and RE covariances not positive definite: the row is the robust "
                                     "Mundlak test with errors clustered by unit (Mundlak 1978; Wooldridge 2010, "
                                     "sec. 10.7.3)"},
        "sample": {"full": "Full sample", "no_municipalities": "Without the municipalities",
                   "ai_lag1": "AI lagged one year"},
        "scenario": {"catch_up": "Catch-up of the Centre, West and Northeast", "freeze_east": "East's growth frozen"},
        "measure": {"cv": "CV", "sd_log": "SD of logs", "theil_t": "Theil T", "theil_l": "Theil L", "gini": "Gini",
                    "gini_within": "Gini within regions", "gini_between": "Gini between regions",
                    "gini_region": "Gini, {region}"},
        "model": {"sdm": "SDM", "sar": "SAR", "sem": "SEM", "slx": "SLX", "sdem": "SDEM", "sac": "SAC",
                  "dynamic_sdm": "Dynamic SDM (short run)", "with": "{model} with {effects}"},
        "beta": {"OLS (HC1)": "OLS (HC1)", "FE two-way (cluster)": "Two-way FE (clustered)",
                 "FE one-way (cluster)": "Unit FE (clustered)", "SAR two-way FE (ML)": "SAR, two-way FE (ML)",
                 "SEM two-way FE (ML)": "SEM, two-way FE (ML)", "SDM two-way FE (ML)": "SDM, two-way FE (ML)",
                 "absolute": "absolute", "conditional": "conditional"},
        "weights": {"queen": "queen contiguity", "rook": "rook contiguity", "knn": "k nearest neighbours (k = {k})",
                    "distance": "inverse distance (power {power})", "economic": "economic distance",
                    "nested": "nested economic-geographic", "cutoff": ", cut off at {cutoff} km"},
        "source": {},
        "derived": {},
        "word": {"source": "Source", "verdict_rule": (
            "Verdict rule: promotes if the {level}% interval of the mediated total effect (baseline: of AI's total "
            "effect) lies wholly below 0 (AI lowers the gap), hinders if wholly above, else inconclusive; "
            "'Variants agreeing' counts the robustness variants (weights × sample × model) with the same verdict")},
    },
}

#: Latin words a Chinese table may print: names of tests, estimators, statistics and authors, symbols.
ALLOWED_LATIN = frozenset("""
    SDM SAR SEM SLX SDEM SAC OLS ML QML GMM IV LM lag error LR Wald Hausman Sobel VIF LISA Moran Theil Gini Dagum
    Queen Rook HC0 HC1 HC2 HC3 Lee Yu de Jong Driscoll Kraay Bartlett Newey West CV SD AIC BIC GDP DID TWFE
    Panel A B C D N T I R W z p t k R2 MC vs OPG OPMD Kleibergen Paap Sanderson Windmeijer Hansen J Anderson Rubin
    Cragg Donald Holm Benjamini Hochberg Jiang Ting Elhorst LeSage Pace Yang Liu Lin Kelejian Prucha and
    Mundlak Wooldridge FE RE X Y
    Callaway Sant Anna Sun Abraham Borusyak Jaravel Spiess Goodman Bacon Rademacher Webb Cinelli Hazlett
    aicoord GS F C Drukker Egger Oster
""".split())

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


def translate_note(part: str, language: str = "zh", labels: Mapping | None = None,
                   weights_labels: Mapping | None = None) -> str:
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
                rest = rest[len(derived) + 2:]
                what += (f"（{term('derived', derived, language, labels)}）" if language == "zh"
                         else f" ({derived})")
                break
        return f"{what}{'：' if language == 'zh' else ': '}{translate_note(rest, language, labels, weights_labels)}"
    if language != "zh":
        return part
    m = re.match(r"(.*?)(?:数据来源: |数据来源：|Source: )(.*)$", part)
    if m:   # "[模拟数据 (simulated data). ]数据来源: <source>"
        head = m.group(1).replace(". ", "。") if m.group(1) else ""
        part = head + "数据来源：" + term("source", m.group(2), "zh", labels)
    return zh_punctuation(part)


def verdict_rule(alpha: float, language: str = "zh") -> str:
    """The verdict rule, stated in the table's language at level ``1 - alpha``."""
    return VOCABULARY[language]["word"]["verdict_rule"].format(level=f"{(1 - float(alpha)) * 100:g}")


def foreign_words(text: str) -> list[str]:
    """Latin words of ``text`` that a Chinese table should not print: internal names (with ``_``) and any
    word not in :data:`ALLOWED_LATIN` (numbers, symbols and Greek letters are not words)."""
    out = []
    for w in _LATIN.findall(text):
        if "_" in w or (w not in ALLOWED_LATIN and w.rstrip("'") not in ALLOWED_LATIN):
            out.append(w)
    return out
