"""Steps of ``workflow/rules/paper.smk``: the study's tables and figures as a paper prints them.

Each table step reads tidy study outputs (``results/tables/*.csv``, ``results/study/baseline.json``,
``results/esda/lisa/*.csv``, the tidy panel), builds one :class:`aicoord.paper.PaperTable` and writes it
as ``results/paper/<name>.csv`` (tidy), ``.md``, ``.tex`` (standalone xelatex), ``.docx`` (三线表) and
``.json`` (the table model, read back by :func:`paper_tables`). The note of every table is built from the
``note`` column of its inputs -- never from the configuration -- so a table built from the simulated
demonstration panel says "模拟数据 (simulated data)" / "Simulated data" first, and one built from real
data does not. Regression tables add the star levels, what is in parentheses and the weights matrix.

Stars of a regression table are those of the two-sided normal p-value of estimate / SE computed from the
unrounded estimates of the input CSV (every study model is estimated by maximum likelihood).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
from matplotlib.ticker import MaxNLocator

from ..contract import read_tidy
from ..geometry import load_maritime_boundary, read_geopackage
from ..paper import (
    WORDS,
    ModelColumn,
    NumberFormat,
    RegressionTable,
    Row,
    columns_from_impacts,
    panel_table,
    read_fit_records,
    read_impacts,
    table_from_frame,
    write_docx_tables,
    write_tex_tables,
)
from ..paper.figures import choropleth, lisa_small_multiples, save_paper_figure
from ..paper.labels import term, verdict_rule, words
from ..paper.numbers import row_decimals
from ..paper.plots import effects_plot, mediation_plot
from ..paper.render import readme_markdown, write_text
from ..paper.stepwise import mechanism_table, moran_table
from ..paper.study_tables import (
    DEFAULT_LABELS,
    TABLES,
    TITLES,
    baseline_model_columns,
    column_label,
    correlations_and_vif,
    cov_note,
    failure_text,
    figure_note,
    group_label,
    interval_level,
    lee_yu_note,
    model_column,
    model_label,
    note_sentences,
    provenance,
    read_table,
    regression_options,
    save_table,
    specification_rows,
    table_notes,
    table_number,
    weights_note,
)
from ..units import unit_names

__all__ = [
    "TABLES",
    "TITLES",
    "DEFAULT_LABELS",
    "paper_descriptive",
    "paper_correlation",
    "paper_moran",
    "paper_lisa",
    "paper_inequality",
    "paper_convergence",
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
    "paper_tables",
    "read_table",
    "paper_readme",
    "paper_figure_ai_map",
    "paper_figure_lisa",
    "paper_figure_effects",
    "paper_figure_mediation",
    "provenance",
]


def paper_descriptive(
    panel_csv,
    mechanism_csvs,
    *,
    variables: Sequence[str],
    labels: Mapping,
    language: str,
    decimals: int,
    number: int | None = None,
    variable_decimals: Mapping | None = None,
    **out,
) -> None:
    """Table ``descriptive`` (rule ``paper_descriptive``): N, mean, SD, min and max of every variable the
    study uses (outcome, AI, controls, mechanisms, GDP per capita), rows labelled. Each row has its own
    decimals: ``variable_decimals`` (``paper.variable_decimals``, by column) where given, else
    :func:`row_decimals` of its magnitude."""
    d = read_tidy(panel_csv, mechanism_csvs)
    w = words(language, labels)
    fmt = NumberFormat(decimals=decimals)
    rows = []
    for v in variables:
        x = pd.to_numeric(d[v], errors="coerce").dropna()
        stats = [float(x.mean()), float(x.std(ddof=1)), float(x.min()), float(x.max())]
        dv = (variable_decimals or {}).get(v, row_decimals(stats, decimals))
        rows.append(
            {
                "label": column_label(labels, v, language),
                w["n"]: fmt.integer(len(x)),
                **{w[k]: fmt(val, dv) for k, val in zip(("mean", "sd", "min", "max"), stats)},
            }
        )
    sim, parts = table_notes([d], language)
    t = table_from_frame(
        pd.DataFrame(rows),
        number=number or table_number("descriptive"),
        title=TITLES[language]["descriptive"],
        language=language,
        decimals=decimals,
        label_col="label",
        notes=note_sentences(sim, parts, language),
    )
    save_table(t, out)


def paper_correlation(
    panel_csv,
    mechanism_csvs,
    *,
    variables: Sequence[str],
    outcome: str,
    labels: Mapping,
    language: str,
    decimals: int,
    number: int | None = None,
    **out,
) -> None:
    """Table ``correlation`` (rule ``paper_correlation``): Pearson correlations (lower triangle) of the
    study's variables and the variance inflation factor of each explanatory variable
    (:func:`aicoord.paper.study_tables.correlations_and_vif`)."""
    d = read_tidy(panel_csv, mechanism_csvs)
    corr, vif = correlations_and_vif(d, variables, outcome)
    heads = [f"({i + 1})" for i in range(len(variables))]
    rows = []
    fmt = NumberFormat(decimals=decimals)
    for i, v in enumerate(variables):
        r = {"label": f"({i + 1}) {column_label(labels, v, language)}"}
        for j, h in enumerate(heads):
            r[h] = fmt(corr.iloc[i, j]) if j <= i else ""
        r[words(language, labels)["vif"]] = fmt(vif[v], 2) if v in vif else ""
        rows.append(r)
    sim, parts = table_notes([d], language, extra=[words(language, labels)["vif_note"]])
    t = table_from_frame(
        pd.DataFrame(rows),
        number=number or table_number("correlation"),
        title=TITLES[language]["correlation"],
        language=language,
        label_col="label",
        notes=note_sentences(sim, parts, language),
    )
    save_table(t, out)


def paper_moran(
    moran_csv,
    *,
    stars: Sequence[float],
    weights_labels: Mapping,
    labels: Mapping,
    language: str,
    decimals: int,
    number: int | None = None,
    matrices: Sequence[str] | None = None,
    **out,
) -> None:
    """Table ``moran`` (rule ``paper_moran``): global Moran's I of the outcome and AI (one panel each) by year
    (rows) and weights matrix (column groups: I with stars from its p under randomisation, and z), from the
    study's ``moran_panel.csv`` (:func:`aicoord.paper.stepwise.moran_table`); ``matrices``
    (``esda.map_weights``) chooses the matrices printed (default: all)."""
    g = pd.read_csv(moran_csv)
    if matrices:
        g = g[g["matrix"].isin(list(matrices))]  # the notes of the matrices printed only
    w = words(language, labels)
    sim, parts = table_notes([g], language, weights_labels=weights_labels)
    reg = RegressionTable([ModelColumn("x", {}, {})], number=0, title="", language=language, star_levels=stars)
    notes = note_sentences(sim, [reg.star_note(), w["moran_panel_note"]] + parts, language)
    t = moran_table(
        g,
        matrices=list(matrices or dict.fromkeys(g["matrix"])),
        words=w,
        variable_label=lambda v: column_label(labels, v, language),
        weights_labels=weights_labels,
        language=language,
        fmt=NumberFormat(decimals=decimals),
        stars=stars,
        number=number or table_number("moran"),
        title=TITLES[language]["moran"],
        notes=notes,
    )
    save_table(t, out)


def paper_lisa(
    lisa_csvs, *, weights_labels: Mapping, labels: Mapping, language: str, number: int | None = None, **out
) -> None:
    """Table ``lisa`` (rule ``paper_lisa``): the LISA cluster of each province under each weights matrix
    (columns), for the cross-section's variable and year; ``—`` where not significant."""
    frames = [pd.read_csv(p, dtype={"id": str}) for p in lisa_csvs]
    w = words(language, labels)
    first = frames[0]
    names = unit_names(language)
    tab = pd.DataFrame({"label": [names.get(c, c) for c in first["id"]]})
    tab.insert(1, w["region"], [group_label(r, language) for r in first["region4"]])
    islands = []
    for f in frames:
        m = str(f["matrix"].iloc[0])
        cl = f.set_index("id").loc[first["id"], "cluster"]
        tab[weights_labels.get(m, m)] = [w.get(c, c) if c != "Not significant" else "—" for c in cl]
        if (cl == "No neighbours").any():  # islands (autocorrelation.NO_NEIGHBOURS): not tested, said in the note
            islands.append(w["islands_note"].format(n=int((cl == "No neighbours").sum()), w=weights_labels.get(m, m)))
    alpha = float(first["threshold"].iloc[0])
    matrices = [str(f["matrix"].iloc[0]) for f in frames]
    sim, parts = table_notes(
        frames,
        language,
        extra=[w["lisa_note"].format(alpha=f"{alpha:g}"), *islands, weights_note(matrices, weights_labels, language)],
        weights_labels=weights_labels,
    )
    var = column_label(labels, str(first["variable"].iloc[0]), language)
    t = table_from_frame(
        tab,
        number=number or table_number("lisa"),
        title=TITLES[language]["lisa"]
        + (f"（{var}，{first['year'].iloc[0]}）" if language == "zh" else f" ({var}, {first['year'].iloc[0]})"),
        language=language,
        label_col="label",
        stub=w["province"],
        notes=note_sentences(sim, parts, language),
    )
    save_table(t, out)


def paper_inequality(
    inequality_csv, *, labels: Mapping, language: str, decimals: int, number: int | None = None, **out
) -> None:
    """Table ``inequality`` (rule ``paper_inequality``): Theil T (total, within, between) and Dagum Gini
    (total, within, net between, transvariation) by year, each with the contribution rates (贡献率, %) of its
    parts, one panel per variable."""
    g = pd.read_csv(inequality_csv)
    cols = [
        "theil_t",
        "theil_t_within",
        "theil_t_between",
        "theil_t_within_share",
        "theil_t_between_share",
        "gini",
        "gini_within",
        "gini_between_net",
        "gini_transvariation",
        "gini_within_share",
        "gini_between_net_share",
        "gini_transvariation_share",
    ]
    heads = {
        "zh": [
            "总体",
            "组内",
            "组间",
            "组内 ",
            "组间 ",
            "总体 ",
            "组内  ",
            "净组间",
            "超变密度",
            "组内   ",
            "净组间 ",
            "超变密度 ",
        ],
        "en": [
            "Total",
            "Within",
            "Between",
            "Within ",
            "Between ",
            "Total ",
            "Within  ",
            "Net between",
            "Transvariation",
            "Within   ",
            "Net between ",
            "Transvariation ",
        ],
    }[language]
    rate = "贡献率（%）" if language == "zh" else "Contribution (%)"
    fmt = NumberFormat(decimals=decimals)
    panels = []
    for var, gv in g.groupby("variable", sort=False):
        f = pd.DataFrame({"year": gv["year"].astype(str).values})
        for c, h in zip(cols, heads):
            share = c.endswith("_share")
            f[h] = [fmt(v * 100 if share else v, 2 if share else None) for v in gv[c]]
        t = table_from_frame(
            f,
            number=0,
            title="",
            language=language,
            label_col="year",
            groups=[("Theil T", 3), (f"Theil T {rate}", 2), ("Dagum Gini", 4), (f"Dagum Gini {rate}", 3)],
            stub=words(language, labels)["year"],
        )
        t.columns = [h.strip() for h in heads]
        panels.append((column_label(labels, var, language), t))
    sim, parts = table_notes(
        [g],
        language,
        extra=["Regions: NBS East, Central, West, Northeast" if language == "en" else "分组为国家统计局四大区域"],
    )
    t = panel_table(
        panels,
        number=number or table_number("inequality"),
        title=TITLES[language]["inequality"],
        notes=note_sentences(sim, parts, language),
    )
    save_table(t, out)


def paper_convergence(
    inequality_csv,
    beta_csv,
    *,
    variable: str,
    labels: Mapping,
    language: str,
    decimals: int,
    number: int | None = None,
    **out,
) -> None:
    """Table ``convergence`` (rule ``paper_convergence``): σ-convergence (the variable's coefficient of
    variation by year, from the inequality table) and β-convergence (cross-section, panel FE, spatial
    panels with ρ/λ, from ``beta_convergence.csv``)."""
    w = words(language, labels)
    ineq = pd.read_csv(inequality_csv)
    beta = pd.read_csv(beta_csv)
    heads = [w["estimate"], w["se"], w["p"], w["speed"], w["half_life"], w["spatial"], w["nobs"]]
    fmt = NumberFormat(decimals=decimals)
    s = ineq[ineq["variable"] == variable]
    sig = pd.DataFrame({"label": s["year"].astype(str).values, heads[0]: s["cv"].values})
    for h in heads[1:]:
        sig[h] = ""
    rows, controls = [], set()
    for _, r in beta[beta["variable"] == variable].iterrows():
        sp = ""
        if isinstance(r.get("spatial"), str) and pd.notna(r.get("spatial_coef")):
            sp = f"{'ρ' if r['spatial'] == 'rho' else 'λ'} = {fmt(r['spatial_coef'])}"
        lab = (
            f"{term('beta', r['model'], language)}，{term('beta', r['type'], language)}"
            if language == "zh"
            else f"{term('beta', r['model'], language)}, {term('beta', r['type'], language)}"
        )
        if isinstance(r.get("controls"), str) and r["controls"]:
            controls.add(r["controls"])
        rows.append(
            {
                "label": lab,
                heads[0]: fmt(r["beta"]),
                heads[1]: fmt(r["se"]),
                heads[2]: fmt(r["pvalue"]),
                heads[3]: fmt(r["speed"]),
                heads[4]: fmt(r["half_life"], 2),
                heads[5]: sp,
                heads[6]: fmt.integer(r["nobs"]),
            }
        )
    a = table_from_frame(sig, number=0, title="", language=language, decimals=decimals, label_col="label", stub="")
    b = table_from_frame(pd.DataFrame(rows), number=0, title="", language=language, label_col="label", stub="")
    cond = (
        [
            ("conditional β: controls " if language == "en" else "条件 β 收敛的控制变量：")
            + WORDS[language]["list_sep"].join(
                column_label(labels, c, language) for c in sorted(controls)[0].split(";")
            )
        ]
        if controls
        else []
    )
    sim, parts = table_notes([ineq, beta], language, extra=cond)
    lab = column_label(labels, variable, language)
    t = panel_table(
        [(w["sigma"].format(v=lab), a), (w["beta"].format(v=lab), b)],
        number=number or table_number("convergence"),
        title=TITLES[language]["convergence"],
        notes=note_sentences(sim, parts, language),
    )
    save_table(t, out)


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
            lo = w["unbounded"] if pd.isna(r["ar_low"]) else fmt(r["ar_low"])
            hi = w["unbounded"] if pd.isna(r["ar_high"]) else fmt(r["ar_high"])
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
        iv_rows.append(
            Row(
                w["oster"],
                [f"[{fmt(o['ci_low'])}, {fmt(o['ci_high'])}]" if e == ests[0] else "" for e in ests],
                "text",
                "oster_set",
            )
        )
        extra.append(
            w["oster_note"].format(beta=fmt(o["estimate"]), star=fmt(o["beta_star"]), delta=fmt(o["delta_for_zero"]))
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


# ------------------------------------------------------------------------------------- combined, README
def paper_tables(table_jsons, out_docx, out_tex) -> None:
    """``results/paper/tables.docx`` and ``tables.tex`` (rule ``paper_tables``): every table, in order,
    with its number, caption and note."""
    tables = [read_table(p) for p in table_jsons]
    numbers = [int(t.number) for t in tables]
    if numbers != sorted(numbers):
        raise ValueError(f"tables out of order: {numbers}")
    write_docx_tables(tables, out_docx)
    write_tex_tables(tables, out_tex)


def paper_readme(table_jsons, out_md, *, entries: Sequence[Mapping], figures: Sequence[Mapping]) -> None:
    """``results/paper/README.md`` (rule ``paper_readme``): every table (number, caption, files) and figure
    with the rule that made it and the configuration entries it depends on."""
    captions = {Path(p).stem: read_table(p).caption for p in table_jsons}
    write_text(readme_markdown(captions, entries, figures), out_md)


# ------------------------------------------------------------------------------------- figures
def paper_figure_ai_map(
    data_csv,
    note_csv,
    gpkg,
    out_png,
    out_pdf,
    *,
    variable: str,
    label: str,
    language: str,
    decimals: int = 2,
    map_approval: str | None = None,
) -> None:
    """Figure ``ai_map`` (rule ``paper_figure_ai_map``): choropleth of the cross-section's AI index
    (Jenks natural breaks, five classes). The tidy cross-section has no note column; the note is that of
    ``note_csv``, a LISA table of the same variable and year under a matrix not built from the panel.
    ``map_approval`` (``paper.map_approval``) prints the base map's 审图号 under the map."""
    d = pd.read_csv(data_csv, dtype={"code": str})
    gdf = read_geopackage(gpkg).set_index("code").loc[d["code"]].reset_index()
    year = int(d["year"].iloc[0])
    title = f"{label}（{year}）" if language == "zh" else f"{label} ({year})"
    fig = choropleth(
        gdf,
        d[variable].to_numpy(float),
        title=title,
        legend_title=label,
        note=figure_note(pd.read_csv(note_csv)["note"].unique(), language),
        language=language,
        maritime=load_maritime_boundary(),
        decimals=decimals,
        map_approval=map_approval,
    )
    save_paper_figure(fig, out_png, out_pdf)


def paper_figure_lisa(
    lisa_csvs,
    gpkg,
    out_png,
    out_pdf,
    *,
    weights: Sequence[str],
    weights_labels: Mapping,
    language: str,
    map_approval: str | None = None,
) -> None:
    """Figure ``lisa`` (rule ``paper_figure_lisa``): LISA cluster maps, one row per map weights matrix, one
    column per year of the cross-section; ``map_approval`` prints the base map's 审图号 under the maps."""
    frames = [pd.read_csv(p, dtype={"id": str}) for p in lisa_csvs]
    ids = frames[0]["id"]
    gdf = read_geopackage(gpkg).set_index("code").loc[ids].reset_index()
    clusters = {
        (int(f["year"].iloc[0]), str(f["matrix"].iloc[0])): list(f.set_index("id").loc[ids, "cluster"]) for f in frames
    }
    years = sorted({k[0] for k in clusters})
    notes = [n for f in frames for n in f["note"].unique()]
    title = "LISA 聚类图" if language == "zh" else "LISA cluster maps"
    labels = {m: weights_labels.get(m, m) for m in weights}
    if len(years) == 1:  # one cross-section: the matrices side by side (columns), the year as the row title
        year = years[0]
        clusters = {(labels[m], str(year)): v for (y, m), v in clusters.items()}
        cols, rows, row_labels = [labels[m] for m in weights], [str(year)], {str(year): str(year)}
        size = (3.6, 3.0)
    else:
        cols, rows, row_labels, size = years, list(weights), labels, (2.5, 2.0)
    fig = lisa_small_multiples(
        gdf,
        clusters,
        years=cols,
        weights=rows,
        weight_labels=row_labels,
        title=title,
        note=figure_note(notes, language),
        language=language,
        maritime=load_maritime_boundary(),
        panel_size=size,
        map_approval=map_approval,
    )
    save_paper_figure(fig, out_png, out_pdf)


def paper_figure_effects(
    effects_csv,
    robustness_csv,
    out_png,
    out_pdf,
    *,
    ai: str,
    label: str,
    weights_labels: Mapping,
    language: str,
    alpha: float,
) -> None:
    """Figure ``effects`` (rule ``paper_figure_effects``): AI's direct, indirect and total effects in the
    baseline model and AI's total effect in every estimated robustness variant, with intervals."""
    e = pd.read_csv(effects_csv)
    r = pd.read_csv(robustness_csv)
    base = "基准模型" if language == "zh" else "Baseline"
    rows = [
        {"variant": base, "effect": k, "estimate": s["estimate"], "lower": s["lower"], "upper": s["upper"]}
        for k in ("direct", "indirect", "total")
        for _, s in e[(e["variable"] == ai) & (e["effect"] == k)].iterrows()
    ]
    rb = r[(r["mechanism"] == "baseline") & (r["verdict"] != "not estimated") & r["estimate"].notna()]
    for _, s in rb.iterrows():
        rows.append(
            {
                "variant": f"{weights_labels.get(s['weights'], s['weights'])} · "
                f"{term('sample', s['sample'], language)} · {model_label(s['model'], language)}",
                "effect": "total",
                "estimate": s["estimate"],
                "lower": s["lower"],
                "upper": s["upper"],
            }
        )
    title = f"{label}的空间效应" if language == "zh" else f"Effects of {label}"
    fig = effects_plot(
        pd.DataFrame(rows),
        level=1 - alpha,
        title=title,
        note=figure_note(list(e["note"].unique()) + list(r["note"].unique()), language),
        language=language,
    )
    for ax in fig.axes:
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
    save_paper_figure(fig, out_png, out_pdf)


def paper_figure_mediation(verdict_csv, out_png, out_pdf, *, labels: Mapping, language: str, alpha: float) -> None:
    """Figure ``mediation`` (rule ``paper_figure_mediation``): each mechanism's mediated total effect with
    its (1 − alpha) Monte Carlo interval, from the verdict table."""
    v = pd.read_csv(verdict_csv)
    m = v[v["mechanism"] != "baseline"]
    df = pd.DataFrame(
        {
            "mechanism": [column_label(labels, x, language) for x in m["mechanism"]],
            "estimate": m["effect"].values,
            "lower": m["lower"].values,
            "upper": m["upper"].values,
        }
    )
    title = "人工智能经各机制的中介效应" if language == "zh" else "Mediated effects of AI by mechanism"
    note = figure_note(v["note"].unique(), language)
    fig = mediation_plot(df, level=1 - alpha, title=title, note=note, language=language)
    save_paper_figure(fig, out_png, out_pdf)
