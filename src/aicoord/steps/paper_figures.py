"""Steps of ``workflow/rules/paper_figures.smk``: the paper's figures, each as a PNG (300 dpi) and a vector PDF.

The choropleth of the AI index (``ai_map``), the LISA cluster maps (``lisa``), AI's effects across the
baseline and the robustness variants (``effects``) and the mediated effect of each mechanism
(``mediation``). Every figure's note is built from the ``note`` column of its inputs, so a figure drawn from
the simulated demonstration panel says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
from matplotlib.ticker import MaxNLocator

from ..geometry import load_maritime_boundary, read_geopackage
from ..paper.figures import choropleth, lisa_small_multiples, save_paper_figure
from ..paper.labels import term
from ..paper.plots import effects_plot, mediation_plot
from ..paper.study_tables import (
    column_label,
    figure_note,
    model_label,
)

__all__ = [
    "paper_figure_ai_map",
    "paper_figure_lisa",
    "paper_figure_effects",
    "paper_figure_mediation",
]


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
