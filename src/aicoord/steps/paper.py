"""Steps of ``workflow/rules/paper.smk``: the descriptive tables of the paper, the combined tables and the README.

Each table step reads tidy study outputs (the tidy panel, ``results/tables/*.csv``, ``results/esda/lisa/*.csv``),
builds one :class:`aicoord.paper.PaperTable` and writes it as ``results/paper/<name>.csv`` (tidy), ``.md``,
``.tex`` (standalone xelatex), ``.docx`` (三线表) and ``.json`` (the table model, read back by
:func:`paper_tables`). The note of every table is built from the ``note`` column of its inputs -- never from
the configuration -- so a table built from the simulated demonstration panel says "模拟数据 (simulated data)" /
"Simulated data" first, and one built from real data does not.

The tables of the study's estimates are the steps of :mod:`aicoord.steps.paper_estimates`
(``workflow/rules/paper_estimates.smk``); the figures those of :mod:`aicoord.steps.paper_figures`
(``workflow/rules/paper_figures.smk``). :func:`paper_tables` and :func:`paper_readme` gather them all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from ..contract import read_tidy
from ..paper import (
    WORDS,
    ModelColumn,
    NumberFormat,
    RegressionTable,
    panel_table,
    table_from_frame,
    write_docx_tables,
    write_tex_tables,
)
from ..paper.labels import term, words
from ..paper.numbers import row_decimals
from ..paper.render import readme_markdown, write_text
from ..paper.stepwise import moran_table
from ..paper.study_tables import (
    DEFAULT_LABELS,
    TABLES,
    TITLES,
    column_label,
    correlations_and_vif,
    group_label,
    note_sentences,
    provenance,
    read_table,
    save_table,
    table_notes,
    table_number,
    weights_note,
)
from ..units import unit_names

__all__ = [
    "TABLES",
    "TITLES",
    "DEFAULT_LABELS",
    "read_table",
    "provenance",
    "paper_descriptive",
    "paper_correlation",
    "paper_moran",
    "paper_lisa",
    "paper_inequality",
    "paper_convergence",
    "paper_tables",
    "paper_readme",
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
