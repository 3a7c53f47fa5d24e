"""Steps of ``workflow/rules/paper_estimates.smk``: the tables of the study's estimates as a paper prints them.

The specification, baseline, effects, mechanisms, heterogeneity, robustness, scenario, identification and
verdict tables. Each step reads tidy study outputs (``results/tables/*.csv``, ``results/study/baseline.json``),
builds one :class:`aicoord.paper.PaperTable` and writes it as ``results/paper/<name>.csv`` (tidy), ``.md``,
``.tex`` (standalone xelatex), ``.docx`` (三线表) and ``.json`` (the table model, read back by
:func:`aicoord.steps.paper.paper_tables`). The note of every table is built from the ``note`` column of its
inputs -- never from the configuration -- so a table built from the simulated demonstration panel says
"模拟数据 (simulated data)" / "Simulated data" first, and one built from real data does not. Regression
tables add the star levels, what is in parentheses and the weights matrix.

Stars of a regression table are those of the two-sided normal p-value of estimate / SE computed from the
unrounded estimates of the input CSV (every study model is estimated by maximum likelihood).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from ..paper import (
    WORDS,
    NumberFormat,
    RegressionTable,
    Row,
    columns_from_impacts,
    panel_table,
    read_fit_records,
    read_impacts,
    table_from_frame,
)
from ..paper.labels import term, verdict_rule, words
from ..paper.numbers import interval_decimals
from ..paper.stepwise import mechanism_table
from ..paper.study_tables import (
    DEFAULT_LABELS,
    TITLES,
    baseline_model_columns,
    column_label,
    cov_note,
    failure_text,
    group_label,
    interval_level,
    lee_yu_note,
    model_column,
    model_label,
    note_sentences,
    regression_options,
    save_table,
    specification_rows,
    table_notes,
    table_number,
    weights_note,
)
from ..units import unit_names

__all__ = [
    "paper_specification",
    "paper_baseline",
    "paper_effects",
    "paper_mechanisms",
    "paper_heterogeneity",
    "paper_robustness",
    "paper_scenarios",
    "paper_scenario_provinces",
    "paper_identification",
    "paper_verdict",
]


def paper_specification(
    spec_csv, *, weights_labels: Mapping, language: str, decimals: int, number: int | None = None, **out
) -> None:
    """Table ``specification`` (rule ``paper_specification``): LM, LR, Hausman, Wald and LR tests of the
    specification search, with the statistic, degrees of freedom, p-value and the model selected."""
    g = pd.read_csv(spec_csv)
    fmt = NumberFormat(decimals=decimals)
    rows, reasons = specification_rows(g, language, fmt)
    m = str(g["weights"].iloc[0])
    weights = WORDS[language]["weights"].format(w=weights_labels.get(m, m))
    sim, parts = table_notes([g], language, extra=reasons + [weights])
    t = table_from_frame(
        pd.DataFrame(rows),
        number=number or table_number("specification"),
        title=TITLES[language]["specification"],
        language=language,
        label_col="label",
        notes=note_sentences(sim, parts, language),
    )
    save_table(t, out)


# ------------------------------------------------------------------------------------- regression tables
def paper_baseline(
    coef_csv,
    fit_json,
    *,
    labels: Mapping,
    language: str,
    decimals: int,
    stars: Sequence[float],
    parentheses: str,
    weights_labels: Mapping,
    number: int | None = None,
    show_controls: bool = True,
    **out,
) -> None:
    """Table ``baseline`` (rule ``paper_baseline``): the baseline's models side by side as a regression table
    (``coef_csv``: the study's ``baseline_columns.csv``, FE OLS, SAR, SEM and SDM by default) -- AI, the
    controls and their W-lags (``show_controls``, as most Chinese papers print them; else a Yes row only) with
    stars over the standard error (or t/z) in parentheses, ρ or λ, σ², R² (within), log-likelihood, N, T,
    observations (with a note on the Lee–Yu sample), and Yes/No rows for the controls and the unit and time
    effects."""
    g = pd.read_csv(coef_csv)
    fit = json.loads(Path(fit_json).read_text(encoding="utf-8"))
    cols, variables, wnotes = baseline_model_columns(
        read_fit_records(coef_csv),
        fit,
        labels=labels,
        language=language,
        weights_labels=weights_labels,
        show_controls=show_controls,
    )
    sim, parts = table_notes([g, fit["note"]], language)
    lee = lee_yu_note(fit, language)
    mats = list(dict.fromkeys(g["weights"]))
    title = TITLES[language]["baseline"]
    if fit["model"] != "sdm":  # analysis.baseline_model auto: the model the search selected
        head = (
            "基准回归：双向固定效应 {m} 模型" if language == "zh" else "Baseline estimates: two-way fixed-effects {m}"
        )
        title = head.format(m=fit["model"].upper())
    reg = RegressionTable(
        cols,
        number=number or table_number("baseline"),
        title=title,
        variables=variables,
        **regression_options(
            language,
            decimals,
            stars,
            parentheses,
            labels,
            "" if len(mats) > 1 else weights_labels.get(mats[0], mats[0]),
            sim,
            parts,
            wnotes + [n for n in (lee, cov_note(fit.get("cov"), language)) if n],
        ),
    )
    save_table(reg.table(), out)


def paper_effects(
    effects_csv,
    fit_json,
    *,
    labels: Mapping,
    language: str,
    decimals: int,
    stars: Sequence[float],
    parentheses: str,
    weights_labels: Mapping,
    number: int | None = None,
    **out,
) -> None:
    """Table ``effects`` (rule ``paper_effects``): direct, indirect and total effects of AI and the
    controls in the baseline model (LeSage–Pace), one column each."""
    g = pd.read_csv(effects_csv)
    fit = json.loads(Path(fit_json).read_text(encoding="utf-8"))
    w = words(language, labels)
    cols = columns_from_impacts(read_impacts(effects_csv), names={k: w[k] for k in ("direct", "indirect", "total")})
    sim, parts = table_notes(
        [g],
        language,
        extra=[w["effects_note"].format(draws=fit["draws"])] + [n for n in [cov_note(fit.get("cov"), language)] if n],
    )
    reg = RegressionTable(
        cols,
        number=number or table_number("effects"),
        title=TITLES[language]["effects"],
        **regression_options(
            language,
            decimals,
            stars,
            parentheses,
            labels,
            weights_labels.get(fit["weights"], fit["weights"]),
            sim,
            parts,
        ),
    )
    save_table(reg.table(), out)


def paper_mechanisms(
    mechanisms_csv,
    *,
    labels: Mapping,
    language: str,
    decimals: int,
    stars: Sequence[float],
    parentheses: str,
    weights_labels: Mapping,
    alpha: float,
    number: int | None = None,
    verdict_csv=None,
    outcome: str | None = None,
    **out,
) -> None:
    """Table ``mechanisms`` (rule ``paper_mechanisms``) in the stepwise layout
    (:func:`aicoord.paper.stepwise.mechanism_table`): per channel (1) AI → M and (2) M and AI → the outcome
    (total effects, stars from estimate / SE), then the mediated effect with its SE, its Monte Carlo interval,
    its share and the suppression flag, and the verdict table's adjusted p, local/spillover split, basis and IV
    a path where ``verdict_csv`` has them."""
    g = pd.read_csv(mechanisms_csv)
    v = pd.read_csv(verdict_csv) if verdict_csv is not None else None
    w = words(language, labels)
    y_label = column_label(labels, outcome or "coord_gap", language)
    extra = [w["stepwise_note"].format(y=y_label), w["mech_note"]]
    if v is not None and "mediation_share" in v.columns:
        extra.append(w["share_note"])
    if v is not None and "p_adjusted" in v.columns:
        text = " ".join(str(n) for n in v["note"].dropna().unique()) if "note" in v.columns else ""
        extra.append(w["p_adjusted_note"].format(method="Benjamini–Hochberg" if "Benjamini" in text else "Holm"))
    sim, parts = table_notes([g], language, extra=extra)
    m0 = str(g["weights"].iloc[0])
    t = mechanism_table(
        g,
        v,
        labels={**DEFAULT_LABELS[language], **labels},
        words=w,
        y_label=y_label,
        language=language,
        decimals=decimals,
        stars=stars,
        parentheses=parentheses,
        alpha=alpha,
        number=number or table_number("mechanisms"),
        title=TITLES[language]["mechanisms"],
        notes=parts,
        weights=weights_labels.get(m0, m0),
        simulated=sim,
    )
    save_table(t, out)


def paper_heterogeneity(
    het_csv,
    *,
    labels: Mapping,
    language: str,
    decimals: int,
    stars: Sequence[float],
    parentheses: str,
    weights_labels: Mapping,
    number: int | None = None,
    **out,
) -> None:
    """Table ``heterogeneity`` (rule ``paper_heterogeneity``): AI's direct, indirect and total effects by
    region and by sub-period, one panel each."""
    g = pd.read_csv(het_csv)
    w = words(language, labels)
    m0 = str(g["weights"].iloc[0])
    sim, parts = table_notes([g], language)
    panels = []
    for by, gb in g.groupby("by", sort=False):
        cols = [
            model_column(w[k], gb[gb["effect"] == k], "group", rename=lambda x: group_label(x, language))
            for k in ("direct", "indirect", "total")
        ]
        reg = RegressionTable(
            cols,
            number=0,
            title="",
            stub="",
            **regression_options(
                language, decimals, stars, parentheses, labels, weights_labels.get(m0, m0), sim, parts
            ),
        )
        kind, _, split = str(by).partition(" (split ")
        name = group_label(kind, language) + (
            f"（{split.rstrip(')')} 年起为后期）"
            if split and language == "zh"
            else f" (late period from {split.rstrip(')')})"
            if split
            else ""
        )
        panels.append((name, reg.table()))
    t = panel_table(panels, number=number or table_number("heterogeneity"), title=TITLES[language]["heterogeneity"])
    save_table(t, out)


# ------------------------------------------------------------------------------------- summary tables
def paper_robustness(
    robustness_csv,
    *,
    labels: Mapping,
    weights_labels: Mapping,
    language: str,
    decimals: int,
    alpha: float,
    number: int | None = None,
    **out,
) -> None:
    """Table ``robustness`` (rule ``paper_robustness``): for every weights × sample variant (rows) and model
    (column groups) AI's total effect (panel "baseline") and each channel's mediated total effect: estimate
    and interval, or "not estimated"."""
    g = pd.read_csv(robustness_csv)
    w = words(language, labels)
    fmt = NumberFormat(decimals=decimals)
    models = list(dict.fromkeys(g["model"]))
    panels = []
    for mech, gm in g.groupby("mechanism", sort=False):
        rows = []
        for (wn, sample), gv in gm.groupby(["weights", "sample"], sort=False):
            r = {"label": f"{weights_labels.get(wn, wn)} × {term('sample', sample, language, labels)}"}
            for mo in models:
                s = gv[gv["model"] == mo]
                if s.empty or s.iloc[0]["verdict"] == "not estimated" or pd.isna(s.iloc[0]["estimate"]):
                    r[f"{mo} e"] = w["not_estimated"]
                    r[f"{mo} i"] = "" if s.empty else failure_text(s.iloc[0].get("failure"), language, fmt)
                else:
                    s = s.iloc[0]
                    r[f"{mo} e"] = fmt(s["estimate"])
                    r[f"{mo} i"] = f"[{fmt(s['lower'])}, {fmt(s['upper'])}]"
            rows.append(r)
        t = table_from_frame(
            pd.DataFrame(rows),
            number=0,
            title="",
            language=language,
            label_col="label",
            groups=[(model_label(mo, language), 2) for mo in models],
            stub="",
        )
        t.columns = [w["estimate"], w["interval"].format(level=interval_level(alpha))] * len(models)
        name = (
            "AI total effect"
            if mech == "baseline" and language == "en"
            else (
                "人工智能总效应" if mech == "baseline" else f"{w['mediated']}: {column_label(labels, mech, language)}"
            )
        )
        panels.append((name, t))
    sim, parts = table_notes(
        [g],
        language,
        extra=[w["robust_note"].format(level=interval_level(alpha))]
        + [w["dynamic_note"]] * ("dynamic_sdm" in models)
        + [weights_note(g["weights"], weights_labels, language)],
        weights_labels=weights_labels,
    )
    t = panel_table(
        panels,
        number=number or table_number("robustness"),
        title=TITLES[language]["robustness"],
        notes=note_sentences(sim, parts, language),
    )
    save_table(t, out)


def paper_scenarios(
    dispersion_csv,
    *,
    language: str,
    decimals: int,
    alpha: float,
    number: int | None = None,
    labels: Mapping | None = None,
    **out,
) -> None:
    """Table ``scenarios`` (rule ``paper_scenarios``): each scenario's dispersion measures of the outcome
    before and after, the change and its interval, one panel per scenario."""
    g = pd.read_csv(dispersion_csv)
    w = words(language, labels)
    fmt = NumberFormat(decimals=decimals)
    panels = []
    for sc, gs in g.groupby("scenario", sort=False):
        rows = [
            {
                "label": f"{group_label(r['measure'], language)} ({int(r['year'])})",
                w["before"]: fmt(r["before"]),
                w["after"]: fmt(r["after"]),
                w["change"]: fmt(r["change"]),
                w["interval"].format(
                    level=interval_level(alpha)
                ): f"[{fmt(r['change_lower'])}, {fmt(r['change_upper'])}]",
            }
            for _, r in gs.iterrows()
        ]
        panels.append(
            (
                term("scenario", sc, language, labels),
                table_from_frame(pd.DataFrame(rows), number=0, title="", language=language, label_col="label", stub=""),
            )
        )
    shifts = sorted({fmt(s, 0) for s in g["shift"].dropna()}) or ["0"]
    sim, parts = table_notes(
        [g], language, extra=[w["scen_note"].format(level=interval_level(alpha), shift=", ".join(shifts))]
    )
    t = panel_table(
        panels,
        number=number or table_number("scenarios"),
        title=TITLES[language]["scenarios"],
        notes=note_sentences(sim, parts, language),
    )
    save_table(t, out)


def paper_scenario_provinces(
    provinces_csv, *, language: str, decimals: int, number: int | None = None, labels: Mapping | None = None, **out
) -> None:
    """Table ``scenario_provinces`` (rule ``paper_scenario_provinces``): for each province (rows, in the
    input's order) and scenario (column groups) the change of AI, the predicted change of the outcome, and its
    own and spillover parts."""
    g = pd.read_csv(provinces_csv, dtype={"unit": str})
    w = words(language, labels)
    fmt = NumberFormat(decimals=decimals)
    names = unit_names(language)
    scen = list(dict.fromkeys(g["scenario"]))
    heads = {"zh": ["Δ人工智能", "Δ协调差距", "本地", "溢出"], "en": ["ΔAI", "Δoutcome", "Own", "Spillover"]}[language]
    rows = []
    for unit in dict.fromkeys(g["unit"]):
        gu = g[g["unit"] == unit]
        r = {"label": str(names.get(unit, unit)), w["region"]: group_label(str(gu["region"].iloc[0]), language)}
        for sc in scen:
            x = gu[gu["scenario"] == sc]
            x = x.iloc[0] if len(x) else None
            for h, col in zip(heads, ("delta_ai", "delta_y", "own", "spillover")):
                r[f"{sc} {h}"] = "" if x is None else fmt(x[col], 2 if col == "delta_ai" else decimals)
        rows.append(r)
    t = table_from_frame(
        pd.DataFrame(rows),
        number=number or table_number("scenario_provinces"),
        title=TITLES[language]["scenario_provinces"],
        language=language,
        label_col="label",
        stub=w["province"],
        groups=[("", 1)] + [(term("scenario", sc, language, labels), 4) for sc in scen],
        notes=note_sentences(*table_notes([g], language), language),
    )
    t.columns = [w["region"]] + heads * len(scen)
    save_table(t, out)


def paper_identification(
    identification_csv,
    *,
    labels: Mapping,
    language: str,
    decimals: int,
    stars: Sequence[float],
    parentheses: str,
    weights_labels: Mapping,
    alpha: float,
    number: int | None = None,
    **out,
) -> None:
    """Table ``identification`` (rule ``paper_identification``): AI's direct, indirect and total effects by ML,
    spatial 2SLS and GMM (one column each; stars from estimate / SE as the verdict's normal p), then the first-stage
    statistics of AI under the IV columns."""
    g = pd.read_csv(identification_csv)
    oster = g[g["estimator"] == "oster"]
    g = g[g["estimator"] != "oster"]
    w = words(language, labels)
    fmt = NumberFormat(decimals=decimals)
    ests = list(dict.fromkeys(g["estimator"]))
    cols = [model_column(w[f"est_{e}"], g[g["estimator"] == e], "effect") for e in ests]
    iv_rows = []
    if any(e != "ml" for e in ests):
        first = {e: g[g["estimator"] == e].iloc[0] for e in ests}

        def cells(key, show):
            return ["" if e == "ml" else show(first[e]) for e in ests]

        def num(v):
            return "" if pd.isna(v) else fmt(v)

        def ar(r):
            d = interval_decimals(fmt, r["ar_low"], r["ar_high"])
            lo = w["unbounded"] if pd.isna(r["ar_low"]) else fmt(r["ar_low"], d)
            hi = w["unbounded"] if pd.isna(r["ar_high"]) else fmt(r["ar_high"], d)
            return f"[{lo}, {hi}]"

        iv_rows = [
            Row(w["partial_r2"], cells("partial_r2", lambda r: num(r["partial_r2"])), "text", "partial_r2"),
            Row(w["sw_f"], cells("sw_f", lambda r: num(r["sw_f"])), "text", "sw_f"),
            Row(w["kp_rk_wald_f"], cells("kp", lambda r: num(r["kp_rk_wald_f"])), "text", "kp_rk_wald_f"),
            Row(w["kp_lm_p"], cells("kp_lm_p", lambda r: num(r["kp_lm_p"])), "text", "kp_lm_p"),
            Row(
                w["hansen_j"],
                cells(
                    "hansen", lambda r: "" if pd.isna(r["hansen_j"]) else f"{fmt(r['hansen_j'])} ({fmt(r['hansen_p'])})"
                ),
                "text",
                "hansen_j",
            ),
            Row(w["endogeneity_p"], cells("c", lambda r: num(r["endogeneity_p"])), "text", "endogeneity_p"),
            Row(w["ar_set"].format(level=interval_level(alpha)), cells("ar", ar), "text", "anderson_rubin"),
        ]
    extra = []
    if iv_rows:
        iv = g[g["estimator"] != "ml"].iloc[0]
        inst = [column_label(labels, c, language) for c in str(iv.get("instruments", "") or "").split(";") if c]
        extra = [
            w["ident_note"].format(
                instruments=("、" if language == "zh" else ", ").join(inst),
                cov=w.get(f"cov_{iv['cov_type']}", w["cov_cluster"]),
            )
        ]
    if len(oster):
        o = oster.iloc[0]
        d = interval_decimals(fmt, o["ci_low"], o["ci_high"])
        iv_rows.append(
            Row(
                w["oster"],
                [f"[{fmt(o['ci_low'], d)}, {fmt(o['ci_high'], d)}]" if e == ests[0] else "" for e in ests],
                "text",
                "oster_set",
            )
        )
        extra.append(
            w["oster_note"].format(
                beta=fmt(o["estimate"], d), star=fmt(o["beta_star"], d), delta=fmt(o["delta_for_zero"])
            )
        )
    rl = {**labels, **{k: w[k] for k in ("direct", "indirect", "total")}}
    m0 = str(g["weights"].iloc[0])
    sim, parts = table_notes([g], language, extra=extra)
    t = RegressionTable(
        cols,
        number=number or table_number("identification"),
        # without instruments (analysis.identification ml) the table has no IV column: its title says so
        title=TITLES[language]["identification" if set(ests) - {"ml"} else "identification_ml"],
        variables=["direct", "indirect", "total"],
        stub=w["variables"],
        **regression_options(language, decimals, stars, parentheses, rl, weights_labels.get(m0, m0), sim, parts),
    ).table()
    t.rows += iv_rows
    save_table(t, out)


def paper_verdict(
    verdict_csv, *, labels: Mapping, language: str, decimals: int, alpha: float, number: int | None = None, **out
) -> None:
    """Table ``verdict`` (rule ``paper_verdict``): for the baseline and each mechanism the effect behind the
    verdict with its interval, AI's total effect on the channel, the verdict and the robustness variants
    that agree; the verdict rule is in the note (from the input's note)."""
    g = pd.read_csv(verdict_csv)
    w = words(language, labels)
    fmt = NumberFormat(decimals=decimals)
    rows = []
    for _, r in g.iterrows():
        name = (
            ("人工智能总效应（基准）" if language == "zh" else "AI total effect (baseline)")
            if r["mechanism"] == "baseline"
            else column_label(labels, r["mechanism"], language)
        )
        rows.append(
            {
                "label": name,
                w["estimate"]: fmt(r["effect"]),
                w["interval"].format(level=interval_level(alpha)): f"[{fmt(r['lower'])}, {fmt(r['upper'])}]",
                w["ai_on_channel"]: fmt(r.get("ai_total_on_channel")),
                w["verdict"]: w.get(r["verdict"], r["verdict"]),
                **(
                    {
                        w["basis"]: str(r["basis"]).upper() if r.get("basis") in ("iv", "ml") else "",
                        w["p_adjusted"]: fmt(r["p_adjusted"]),
                    }
                    if "p_adjusted" in g.columns
                    else {}
                ),
                w["agree"]: ""
                if pd.isna(r.get("variants_agree"))
                else f"{int(r['variants_agree'])}/{int(r['variants'])}"
                if "variants" in g.columns and pd.notna(r.get("variants"))
                else fmt.integer(r["variants_agree"]),
            }
        )
    sim, parts = table_notes([g], language)
    # the rule is stated from the vocabulary in the table's language (the results file states it in English)
    parts = [verdict_rule(alpha, language)] + [p for p in parts if not p.startswith("Verdict rule")]
    t = table_from_frame(
        pd.DataFrame(rows),
        number=number or table_number("verdict"),
        title=TITLES[language]["verdict"],
        language=language,
        label_col="label",
        stub=w["mechanism"],
        notes=note_sentences(sim, parts, language),
    )
    save_table(t, out)
