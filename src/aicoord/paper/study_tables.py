"""The study's paper tables: their order, titles, default labels and the wording of their notes, and the
helpers the table steps share (provenance of notes, labels, saving and reading a table model, model columns).

Used by :mod:`aicoord.steps.paper`; kept apart so that the step module holds the steps only. Every name the
steps use is public here.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from ..io import write_json
from . import (
    SIMULATED_NOTE,
    WORDS,
    ModelColumn,
    NumberFormat,
    PaperTable,
    Row,
    column_from_results,
    write_csv,
    write_docx,
    write_markdown,
    write_tex,
)
from .labels import VOCABULARY, term, translate_note

#: The paper's tables in print order (their numbers are positions in this list, from 1).
TABLES = (
    "descriptive",
    "correlation",
    "moran",
    "lisa",
    "inequality",
    "convergence",
    "specification",
    "baseline",
    "effects",
    "mechanisms",
    "heterogeneity",
    "robustness",
    "scenarios",
    "scenario_provinces",
    "identification",
    "verdict",
)

TITLES = {
    "zh": {
        "descriptive": "变量的描述性统计",
        "correlation": "相关系数矩阵与方差膨胀因子",
        "moran": "全局莫兰指数（年份 × 变量 × 空间权重矩阵）",
        "lisa": "局部空间自相关（LISA）聚类",
        "inequality": "区域差异的泰尔指数与 Dagum 基尼系数分解",
        "convergence": "σ 收敛与 β 收敛检验",
        "specification": "空间计量模型的设定检验",
        "baseline": "基准回归：双向固定效应空间面板模型",
        "effects": "人工智能影响的空间效应分解",
        "mechanisms": "作用机制检验：空间中介效应",
        "heterogeneity": "异质性分析：分地区与分时期",
        "robustness": "稳健性检验：人工智能的总效应与中介效应",
        "scenarios": "政策情景模拟：区域差异的变化",
        "scenario_provinces": "政策情景模拟：各省协调差距的变化",
        "identification": "人工智能效应的识别：最大似然估计与空间工具变量估计",
        "identification_ml": "人工智能效应的识别：最大似然估计与不依赖工具变量的 Oster 界",
        "verdict": "结论：人工智能促进还是阻碍区域协调发展",
    },
    "en": {
        "descriptive": "Descriptive statistics",
        "correlation": "Correlation matrix and variance inflation factors",
        "moran": "Global Moran's I by year, variable and weights matrix",
        "lisa": "Local spatial autocorrelation (LISA) clusters",
        "inequality": "Theil and Dagum Gini decompositions of regional inequality",
        "convergence": "σ- and β-convergence",
        "specification": "Specification tests of the spatial panel model",
        "baseline": "Baseline estimates: two-way fixed-effects spatial panel models",
        "effects": "Direct, indirect and total effects",
        "mechanisms": "Mechanisms: spatial mediation",
        "heterogeneity": "Heterogeneity by region and period",
        "robustness": "Robustness: AI's total effect and the mediated effects",
        "scenarios": "Policy scenarios: change of regional dispersion",
        "scenario_provinces": "Policy scenarios: change of each province's outcome",
        "identification": "Identification of AI's effect: maximum likelihood against spatial instrumental variables",
        "identification_ml": "Identification of AI's effect: maximum likelihood and the instrument-free Oster bound",
        "verdict": "Verdict: does AI promote or hinder regional coordination?",
    },
}

#: Labels of the panel's roles and of fixed terms, by language (``paper.labels`` overrides them).
DEFAULT_LABELS = {
    "zh": {
        "ai": "人工智能指数",
        "coord_gap": "区域协调差距",
        "gdp_pc": "人均GDP",
        "population": "人口",
        "industrial_upgrading": "产业结构升级",
        "value_chain": "价值链攀升",
        "resource_allocation": "资源错配",
        "regional_brand": "区域品牌",
        "dev_gap": "发展差距",
        "gov": "政府干预",
        "urban": "城镇化率",
        "ai_index": "人工智能指数",
        "hub_exposure": "人工智能枢纽暴露度（模拟工具变量）",
    },
    "en": {
        "ai": "AI index",
        "coord_gap": "Coordination gap",
        "gdp_pc": "GDP per capita",
        "population": "Population",
        "industrial_upgrading": "Industrial upgrading",
        "value_chain": "Value chain",
        "resource_allocation": "Resource misallocation",
        "regional_brand": "Regional brand",
        "dev_gap": "Development gap",
        "gov": "Government intervention",
        "urban": "Urbanisation",
        "ai_index": "AI index",
        "hub_exposure": "Exposure to an AI hub (simulated instrument)",
    },
}

#: The fixed words of the study's tables: the ``word`` kind of :data:`aicoord.paper.labels.VOCABULARY`, by language
#: (one vocabulary; ``paper.labels`` overrides an entry as ``word.<name>``).
STUDY_WORDS = {lang: VOCABULARY[lang]["word"] for lang in VOCABULARY}

#: Column labels of the robustness grid's models; a model not listed prints upper-cased (SDM, SAR, SEM).
MODEL_LABELS = {"zh": {"dynamic_sdm": "动态SDM（短期）"}, "en": {"dynamic_sdm": "Dynamic SDM (short run)"}}


def model_label(model, language) -> str:
    """The robustness grid's label of ``model`` in ``language`` (see :data:`MODEL_LABELS`)."""
    return MODEL_LABELS[language].get(str(model), term("model", str(model), language).upper())


MEASURE_LABELS = {
    "cv": "CV",
    "sd_log": "SD(log)",
    "theil_t": "Theil T",
    "theil_l": "Theil L",
    "gini": "Gini",
    "gini_within": "Gini within",
    "gini_between": "Gini between",
}

#: Names of the NBS regions, sub-periods and groups of the heterogeneity table, by language.
GROUPS = {
    "zh": {
        "East": "东部",
        "Central": "中部",
        "West": "西部",
        "Northeast": "东北",
        "pre": "前期",
        "post": "后期",
        "difference": "差异（后期 − 前期）",
        "region": "分地区",
        "period": "分时期",
    },
    "en": {
        "East": "East",
        "Central": "Central",
        "West": "West",
        "Northeast": "Northeast",
        "pre": "Early period",
        "post": "Late period",
        "difference": "Difference (late − early)",
        "region": "By region",
        "period": "By period",
    },
}


def group_label(name, language) -> str:
    """A region, sub-period, inequality measure or 'gini_<region>' in the paper's language
    (:data:`aicoord.paper.labels.VOCABULARY`)."""
    g = GROUPS[language]
    if name in g:
        return g[name]
    if name.startswith("gini_") and name[5:] in g:
        return term("measure", "gini_region", language, region=g[name[5:]])
    if name in VOCABULARY[language]["measure"]:
        return term("measure", name, language)
    return MEASURE_LABELS.get(name, name)


# ---------------------------------------------------------------------------------------------- helpers
def provenance(notes, language: str = "zh") -> tuple[bool, list[str]]:
    """Whether any input note says "simulated data", and the notes' other content, each once.

    ``notes`` are the values of the inputs' ``note`` columns; a note is split at " | " (a matrix built from
    the panel appends its own provenance so), and the leading "模拟数据 (simulated data). " / "Simulated
    data. " is taken off each part (the table's note puts it first, once).
    """
    simulated, parts = False, []
    prefixes = [SIMULATED_NOTE["zh"], SIMULATED_NOTE["en"]]
    for note in notes:
        if note is None or (isinstance(note, float) and np.isnan(note)):
            continue
        for part in str(note).split(" | "):
            part = part.strip()
            if "simulated data" in part.lower():
                simulated = True
            for pre in prefixes:
                part = part.replace(pre + ". ", "").replace(pre + ": ", ": ").replace(pre, "")
            part = part.strip(" :.")
            if part and part not in parts:
                parts.append(part)
    return simulated, parts


def note_column(*frames) -> list[str]:
    out = []
    for f in frames:
        if "note" not in f.columns:
            raise ValueError("an input table has no note column: its provenance is unknown")
        out += [n for n in f["note"].dropna().unique()]
    return out


def table_notes(frames_or_notes, language, extra=(), weights_labels=None) -> tuple[bool, list[str]]:
    """Whether the inputs are simulated, and the note's sentences: ``extra`` first, then the inputs' notes in
    the table's language (:func:`aicoord.paper.labels.translate_note`; ``weights_labels`` describe a matrix
    whose provenance a note gives)."""
    notes = []
    for x in frames_or_notes:
        notes += note_column(x) if isinstance(x, pd.DataFrame) else [x]
    sim, parts = provenance(notes, language)
    parts = list(dict.fromkeys(translate_note(p, language, weights_labels=weights_labels) for p in parts))
    return sim, list(extra) + parts


def note_sentences(sim, parts, language) -> list[str]:
    return ([SIMULATED_NOTE[language]] if sim else []) + list(parts)


def column_label(labels: Mapping, key: str, language: str) -> str:
    if key in labels:
        return labels[key]
    if key.startswith("W*"):
        return "W×" + column_label(labels, key[2:], language)
    return DEFAULT_LABELS[language].get(key, key)


def weights_note(names, weights_labels, language) -> str:
    """ "空间权重矩阵：Queen 邻接矩阵；k 近邻矩阵（k = 4）..." for the matrices a table names (their descriptions,
    ``paper_weights_labels`` of the workflow, never their configuration names)."""
    sep = "；" if language == "zh" else "; "
    descr = [weights_labels.get(m, m) for m in dict.fromkeys(names)]
    return WORDS[language]["weights"].format(w=sep.join(descr))


def interval_level(alpha) -> str:
    return f"{(1 - float(alpha)) * 100:g}"


def save_table(table: PaperTable, out: Mapping) -> None:
    """Write ``table`` to ``out["csv"]``, ``out["md"]``, ``out["tex"]``, ``out["docx"]`` and its model to
    ``out["json"]``."""
    write_csv(table, out["csv"])
    write_markdown(table, out["md"])
    write_tex(table, out["tex"])
    write_docx(table, out["docx"])
    write_json(dataclasses.asdict(table), out["json"], digits=None)


def read_table(path) -> PaperTable:
    """A :class:`PaperTable` from the ``.json`` written by :func:`save_table`."""
    d = json.loads(Path(path).read_text(encoding="utf-8"))
    d["rows"] = [Row(**r) for r in d["rows"]]
    if d.get("groups") is not None:
        d["groups"] = [tuple(g) for g in d["groups"]]
    return PaperTable(**d)


def table_number(name):
    """The table's number when every table of :data:`TABLES` is printed (steps take ``number`` otherwise)."""
    return TABLES.index(name) + 1


def regression_options(language, decimals, stars, parentheses, labels, weights_label, sim, parts, extra=()):
    labels = {
        **labels,
        **{f"W*{k}": column_label(labels, f"W*{k}", language) for k in labels if not k.startswith("W*")},
    }
    return dict(
        language=language,
        decimals=decimals,
        star_levels=tuple(stars),
        parens=parentheses,
        labels=labels,
        weights=weights_label,
        simulated=sim,
        notes=list(extra) + list(parts),
    )


def model_column(name, frame, key, *, group=None, scalars=None, flags=None, rename=None) -> ModelColumn:
    """A model column from rows of ``frame`` (columns ``estimate``, ``se``): stars from estimate / se."""
    rename = rename or (lambda k: k)
    params = {rename(k): float(v) for k, v in zip(frame[key], frame["estimate"])}
    se = {rename(k): float(v) for k, v in zip(frame[key], frame["se"])}
    return ModelColumn(
        name=name, params=params, se=se, scalars=dict(scalars or {}), flags=dict(flags or {}), group=group
    )


# ------------------------------------------------------------------------------------- descriptive tables


def failure_text(text, language, fmt) -> str:
    """The reason a variant was not estimated, shortened for a cell ("ρ = 1.000 at its bound")."""
    import re

    if not isinstance(text, str) or not text:
        return ""
    m = re.match(r"(rho|lambda) = ([-0-9.eE+]+) is at the boundary", text)
    if m:
        sym = "ρ" if m.group(1) == "rho" else "λ"
        return f"{sym} = {fmt(float(m.group(2)))}" + ("（边界）" if language == "zh" else " (at its bound)")
    m = re.match(r"not stationary: .*= ([-0-9.eE+]+) >= 1", text)
    if m and language == "zh":
        return f"非平稳（最大模 {fmt(float(m.group(1)))} ≥ 1）"
    if language == "zh":  # an engine's message has no translation: the results file holds it in full
        return "原因见稳健性结果文件"
    return text.split(";")[0][:60]


def figure_note(notes, language) -> str:
    """One line under a figure: "simulated data" when an input says so, and the data source (the first part
    of the notes naming one; a matrix built from the panel adds no new source)."""
    sim, parts = provenance(notes, language)
    parts = [translate_note(p, language) for p in parts]
    sources = [p for p in parts if p.startswith(("数据来源", "Source"))][:1] or parts[:1]
    return ("；" if language == "zh" else ". ").join(note_sentences(sim, sources, language))


#: what the unit and the region column are called in a note on clustering
_CLUSTER_NAMES = {"en": {"code": "province", "region4": "region"}, "zh": {"code": "省份", "region4": "区域"}}


def cov_note(cov, language) -> str | None:
    """The sentence of a table note that says which standard errors the values in parentheses rest on, from a
    fit's ``cov_info`` (:mod:`aicoord.panel.inference`; the ``cov`` entry of the study's fit JSON); ``None`` for
    the information-matrix default (and for a JSON without it)."""
    if not cov or cov.get("cov_type", "oim") == "oim":
        return None
    ct, en = cov["cov_type"], language == "en"
    if ct == "cluster":
        who = _CLUSTER_NAMES[language].get(cov.get("cluster") or "code", cov.get("cluster"))
        boot = cov.get("bootstrap")
        if boot:
            return (
                f"Values in parentheses are based on cluster-robust standard errors by {who} "
                f"({cov['n_clusters']} clusters); p-values from an unrestricted wild cluster bootstrap "
                f"({boot['weights'].title()} weights, {boot['draws']} draws)."
                if en
                else f"括号内数值基于按{who}聚类的稳健标准误（{cov['n_clusters']} 个聚类）；p 值来自非约束野聚类自助法"
                f"（{boot['weights'].title()} 权重，{boot['draws']} 次抽样）。"
            )
        return (
            f"Values in parentheses are based on cluster-robust standard errors by {who} "
            f"({cov['n_clusters']} clusters)."
            if en
            else f"括号内数值基于按{who}聚类的稳健标准误（{cov['n_clusters']} 个聚类）。"
        )
    what = {
        "opg": ("outer-product-of-scores (OPG) standard errors", "得分外积（OPG）标准误"),
        "robust": ("heteroskedasticity-robust (sandwich) standard errors", "异方差稳健（三明治）标准误"),
        "driscoll-kraay": (
            f"Driscoll–Kraay standard errors (Bartlett kernel, lag {cov.get('dk_lag')})",
            f"Driscoll–Kraay 标准误（Bartlett 核，滞后 {cov.get('dk_lag')} 期）",
        ),
    }[ct]
    return f"Values in parentheses are based on {what[0]}." if en else f"括号内数值基于{what[1]}。"


# ------------------------------------------------------------------------------------- wording of the study's rows
def decision(text: str, language: str) -> str:
    """A decision of the specification search in the table's language: "effects: twoways" → 双向固定效应,
    "SAR with twoways fixed effects" → 双向固定效应 SAR 模型, "random effects" → 随机效应."""
    m = re.fullmatch(r"effects: (\w+)", text)
    if m:
        return term("effects", m.group(1), language)
    m = re.fullmatch(r"(\w+) with (\w+) fixed effects", text)
    if m:
        return term(
            "model",
            "with",
            language,
            model=term("model", m.group(1).lower(), language),
            effects=term("effects", m.group(2), language),
        )
    return term("decision", text, language)


def specification_rows(g: pd.DataFrame, language: str, fmt: NumberFormat) -> tuple[list[dict], list[str]]:
    """Rows of the specification table (label, statistic, df, p, decision in the table's language) from the
    study's ``specification.csv``, and the note's sentences: why the Hausman row is the robust Mundlak test,
    each decision's reason, then why the baseline stays an SDM."""
    from ..study.specification import BASELINE_NOTE

    w = STUDY_WORDS[language]
    rows, reasons, tail = [], [], []
    for _, r in g.iterrows():
        text = r.get("decision")
        eff = r.get("effects") if isinstance(r.get("effects"), str) else None
        null = r.get("null") if isinstance(r.get("null"), str) else ""
        m = re.search(r"robust Mundlak version .*classical statistic \(([^)]*)\)", null)
        if m:  # the Hausman row is the robust Mundlak test: the note says why
            reasons.append(term("reason", "robust_hausman", language, classical=fmt(float(m.group(1)))))
        if isinstance(text, str) and text.endswith("; " + BASELINE_NOTE):
            text = text[: -len(BASELINE_NOTE) - 2]
            tail.append(term("reason", "baseline_sdm", language))  # after the selection's reason
        if isinstance(text, str) and text:
            text, _, why = text.partition(" (")
            text = decision(text, language)
            if why and r["test"] == "baseline model":  # the cell says it: "SDM（保留，见注）"
                why = term("reason", why.rstrip(")"), language)
                text = f"{text}（{why}）" if language == "zh" else f"{text} ({why})"
            elif why:
                why = term("reason", why.rstrip(")"), language)
                reasons.append(
                    f"{term('test', r['test'], language)}：{text}（{why}）"
                    if language == "zh"
                    else f"{term('test', r['test'], language)}: {text} ({why})"
                )
        else:
            text = w["reject"] if str(r.get("reject")) == "True" else ""
        label = term("test", r["test"], language)
        if eff and r["test"] != "selected model":
            effects = term("effects", eff, language)
            label += f"（{effects}）" if language == "zh" else f" ({effects})"
        rows.append(
            {
                "label": label,
                w["statistic"]: fmt(r["statistic"]),
                w["df"]: "" if pd.isna(r["df"]) else fmt.integer(r["df"]),
                w["p"]: fmt(r["p"]),
                w["decision"]: text,
            }
        )
    return rows, reasons + tail


def lee_yu_sample(n: int, t: int, nobs: int) -> tuple[int, int]:
    """The factors of the Lee–Yu effective sample: (N − 1)(T − 1) with two-way effects, N(T − 1) with unit
    effects, (N − 1)T with time effects; whichever multiplies to ``nobs``."""
    for a, b in ((n - 1, t - 1), (n, t - 1), (n - 1, t)):
        if a * b == nobs:
            return a, b
    return n, nobs // n if n else 0


def lee_yu_note(fit: Mapping, language: str) -> str:
    """The note's sentence on the Lee–Yu correction of a fit's summary (the study's fit JSON), with the
    effective sample when the observations are fewer than N × T; empty without the correction."""
    if not fit.get("lee_yu"):
        return ""
    note = "Lee–Yu bias correction" if language == "en" else "经 Lee–Yu 偏误修正"
    if fit["nobs"] != fit["N"] * fit["T"]:
        n_eff, t_eff = lee_yu_sample(fit["N"], fit["T"], fit["nobs"])
        note += (
            f"; observations are the effective sample after the Lee–Yu orthogonal transformation, "
            f"{n_eff} × {t_eff} = {fit['nobs']} of N × T = {fit['N'] * fit['T']}"
            if language == "en"
            else f"，观测值为 Lee–Yu 正交变换后的有效样本 {n_eff} × {t_eff} = {fit['nobs']}"
            f"（原样本 N × T = {fit['N'] * fit['T']}）"
        )
    return note


# ------------------------------------------------------------------------------------- the baseline's model columns
def baseline_model_columns(
    fits: Mapping,
    fit: Mapping,
    *,
    labels: Mapping,
    language: str,
    weights_labels: Mapping,
    show_controls: bool = True,
) -> tuple[list[ModelColumn], list[str], list[str]]:
    """The model columns of the baseline table from the fits of its models, side by side, and the baseline's
    fit summary ``fit``.

    ``fits`` maps each column to its fit: a results object (:class:`aicoord.panel.SpatialPanelResults`) or its
    record read from the study's ``baseline_columns.csv`` (:func:`aicoord.paper.read_fit_records`), with the
    attributes ``model`` (its kind, ``ols``, ``sar``, ...; a results object's ``model.model``) and ``weights`` (the
    matrix's name; none for a results object); each column is
    built by :func:`aicoord.paper.column_from_results`. Each column is headed by its model (固定效应 OLS, SAR,
    SEM, SDM); when the columns use more than one weights matrix the header adds W1, W2, ... and the note says
    which matrix each is. Returns the columns, the regressors in print order (AI, the controls, then their
    W-lags; only AI without ``show_controls``) and the note's sentences on the matrices."""
    ai, controls = fit["ai"], list(fit["controls"])
    eff = fit["effects"]
    mats = list(dict.fromkeys(str(getattr(r, "weights", "")) for r in fits.values()))
    several = len(mats) > 1
    flags = {
        **({} if show_controls else {"controls": bool(controls)}),
        "unit_effects": eff in ("individual", "twoways"),
        "time_effects": eff in ("time", "twoways"),
    }
    cols = []
    for res in fits.values():
        kind = res.model if isinstance(res.model, str) else res.model.model
        name = term("model", str(kind), language)
        if several:
            name += f" W{mats.index(str(getattr(res, 'weights', ''))) + 1}"
        cols.append(column_from_results(res, name, flags=flags, group=column_label(labels, fit["y"], language)))
    shown = [ai, *controls] if show_controls else [ai]
    variables = shown + [f"W*{v}" for v in shown]
    notes = []
    if several:
        sep = "；" if language == "zh" else "; "
        notes.append(
            WORDS[language]["weights"].format(
                w=sep.join(f"W{i + 1} = {weights_labels.get(m, m)}" for i, m in enumerate(mats))
            )
        )
    return cols, variables, notes


def correlations_and_vif(data: pd.DataFrame, variables, outcome: str) -> tuple[pd.DataFrame, dict]:
    """Pearson correlations of ``variables`` and the variance inflation factor of each explanatory variable.

    Rows with a missing or non-numeric value in any of ``variables`` are dropped first. The VIF of an
    explanatory variable (every variable but ``outcome``) is that of its regression, with a constant, on
    the others (:func:`statsmodels.stats.outliers_influence.variance_inflation_factor`).

    Returns
    -------
    corr : pandas.DataFrame
        The correlation matrix, ``variables`` × ``variables``.
    vif : dict
        Explanatory variable -> VIF.
    """
    # statsmodels is imported here, not at the top: only the correlation table needs it, and this module is
    # imported when the Snakefile is parsed (workflow/rules/common.smk), where it would cost about a second.
    from statsmodels.stats.outliers_influence import variance_inflation_factor

    x = data[list(variables)].apply(pd.to_numeric, errors="coerce").dropna()
    expl = [v for v in variables if v != outcome]
    design = np.column_stack([np.ones(len(x)), x[expl].to_numpy(float)])
    return x.corr(), {v: float(variance_inflation_factor(design, i + 1)) for i, v in enumerate(expl)}
