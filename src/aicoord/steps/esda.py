"""Steps of ``workflow/rules/esda.smk``: global and local spatial autocorrelation, tables and figures."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..autocorrelation import global_autocorrelation as stats
from ..autocorrelation import local_moran, moran_by_year
from ..contract import read_tidy
from ..errors import InputError
from ..esda_sparse import SPARSE_MIN_N
from ..geometry import load_maritime_boundary, read_geopackage
from ..io import write_csv, write_json
from ..notes import note_of
from ..paper.labels import translate_note
from ..plotting import lisa_cluster_map, lisa_significance_map, moran_scatter, save_figure
from ..weights_io import to_libpysal
from ..weights_load import load_standardised

__all__ = ["global_autocorrelation", "collect_global", "moran_panel", "lisa", "esda_figures"]


def _load_w(path):
    """The row-standardised weights (``{w}.npz``, or ``{w}_raw.npz`` standardised on reading): a libpysal W for
    esda below :data:`aicoord.esda_sparse.SPARSE_MIN_N` units, else the sparse :class:`Weights` itself, which
    :mod:`aicoord.autocorrelation` takes without building a W (a W of a matrix linking every pair of
    counties takes gigabytes)."""
    w = load_standardised(path)
    return to_libpysal(w) if w.n < SPARSE_MIN_N else w


def _notes(data_csv, summary_json, matrix):
    """(note of the data, addition for the matrix): the matrix's part is taken from its summary JSON, which
    keeps the note of the panel it was built from (economic and nested matrices), never from the configuration."""
    note = note_of(data_csv)
    extra = ""
    if summary_json is not None:
        summary = json.loads(Path(summary_json).read_text(encoding="utf-8"))
        if summary.get("note"):
            extra = f" | W = {matrix}: {summary['note']}"
    return note, extra


def _read_tidy(path, var, year):
    df = pd.read_csv(path, dtype={"code": str})
    sub = df[df["year"] == int(year)].set_index("code")
    if sub.empty:
        raise InputError(f"no rows for year {year}", file=path)
    return sub[var]


def _units_of(path, year):
    """Name and region of every unit, as the tidy data give them (at any level), indexed by code."""
    df = pd.read_csv(path, dtype={"code": str})
    sub = df[df["year"] == int(year)].set_index("code")
    return sub.rename(columns={"name": "name_short"})[["name_short", "region4"]]


def _per_matrix(weights_csv, out, matrix, weights_summary):
    """One tuple per matrix, whether the step got one matrix or lists of them."""
    if isinstance(matrix, str):
        return [(weights_csv, out, matrix, weights_summary)]
    summaries = list(weights_summary) if weights_summary is not None else [None] * len(matrix)
    return list(zip(weights_csv, out, matrix, summaries))


def global_autocorrelation(
    data_csv, weights_csv, out_json, *, var: str, year: int, matrix, permutations: int, seed: int, weights_summary=None
) -> None:
    """Global Moran's I, Geary's C and General G for one variable and year (rule ``global_autocorrelation``).

    ``weights_csv``, ``out_json``, ``matrix`` and ``weights_summary`` are one matrix's, or lists with one
    entry per matrix: the rule does every matrix of a variable-year in one job (one start-up, not one per
    matrix). Each JSON carries ``note`` (the tidy data's provenance note) and ``matrix_note`` (the panel's
    note for a matrix built from the panel, read from its weights summary; empty otherwise).
    """
    values = _read_tidy(data_csv, var, year)
    for wcsv, out, m, summary in _per_matrix(weights_csv, out_json, matrix, weights_summary):
        w = _load_w(wcsv)
        res = stats(values.loc[w.id_order].to_numpy(), w, permutations=permutations, seed=seed)
        note, extra = _notes(data_csv, summary, m)
        res.update({"variable": var, "year": int(year), "matrix": m, "note": note, "matrix_note": extra})
        write_json(res, out)


def _stars(p):
    return "***" if p < 0.01 else "**" if p < 0.05 else "*" if p < 0.1 else ""


def collect_global(jsons, out_long, out_wide) -> None:
    """Collect global statistics into a long table and the year × matrix table papers print (rule ``collect_global``).

    Parameters
    ----------
    jsons : list of paths
    out_long : path
        Every statistic, one row per variable, year and matrix.
    out_wide : path
        Rows: variable and year; columns: for each matrix, ``I`` (with stars from ``p_rand``), ``z`` and ``p``.

    Notes
    -----
    The notes come from the JSONs (:func:`global_autocorrelation`): each variable's data note, and for a
    matrix built from a panel the panel's note.
    """
    rows = [json.loads(Path(p).read_text(encoding="utf-8")) for p in jsons]
    long = pd.DataFrame(rows)
    if "note" not in long.columns:
        raise InputError(
            "the global statistics carry no provenance note",
            file=jsons[0] if jsons else None,
            hint="rerun the global_autocorrelation jobs",
        )
    long["matrix_note"] = long["matrix_note"].fillna("") if "matrix_note" in long.columns else ""
    notes = dict(sorted(long.groupby("variable")["note"].first().items()))
    matrix_notes = {m: t for m, t in long.groupby("matrix")["matrix_note"].first().sort_index().items() if t}
    first = [
        "variable",
        "year",
        "matrix",
        "n",
        "I",
        "EI",
        "VI_norm",
        "z_norm",
        "p_norm",
        "VI_rand",
        "z_rand",
        "p_rand",
        "EI_sim",
        "z_sim",
        "p_sim",
        "permutations",
        "seed",
    ]
    long["note"] = long["note"] + long["matrix_note"]
    long = long.drop(columns=["matrix_note"])
    long = long[first + [c for c in long.columns if c not in first]].sort_values(["variable", "year", "matrix"])
    write_csv(long, out_long)
    wide_rows = []
    matrices = list(dict.fromkeys(long["matrix"]))
    for (var, year), g in long.groupby(["variable", "year"], sort=True):
        g = g.set_index("matrix")
        row = {"variable": var, "year": year}
        for m in matrices:
            if m in g.index:
                r = g.loc[m]
                row[f"{m}_I"] = f"{r['I']:.4f}{_stars(r['p_rand'])}"
                row[f"{m}_z"] = f"{r['z_rand']:.3f}"
                row[f"{m}_p"] = "<0.0001" if r["p_rand"] < 1e-4 else f"{r['p_rand']:.4f}"
        wide_rows.append(row)
    wide = pd.DataFrame(wide_rows)
    foot = {
        "variable": "Note: z and two-sided p under randomisation; *** p<0.01, ** p<0.05, * p<0.1; "
        "row-standardised weights. "
        + " | ".join(f"{k}: {v}" for k, v in notes.items())
        + "".join(matrix_notes.values())
    }
    wide = pd.concat([wide, pd.DataFrame([foot])], ignore_index=True)
    write_csv(wide, out_wide)


def moran_panel(panel_csv, weights_npz, out_csv, *, variables, matrices, weights_summaries=None) -> None:
    """Global Moran's I of the study's outcome and AI in every year of the panel under every matrix (rule
    ``moran_panel``; :func:`aicoord.autocorrelation.moran_by_year`): the year × variable × matrix table of the
    paper. A row's note is the panel's, with its matrix's provenance when the matrix is built from the panel."""

    d = read_tidy(panel_csv)
    summaries = list(weights_summaries) if weights_summaries is not None else [None] * len(matrices)
    weights, extra = {}, {}
    for path, m, summary in zip(weights_npz, matrices, summaries):
        weights[m] = _load_w(path)
        extra[m] = _notes(panel_csv, summary, m)[1]
    tab = moran_by_year(d, list(variables), weights, unit="code", time="year")
    tab["note"] = note_of(d) + tab["matrix"].map(extra)  # each row: the panel's note and its own matrix's
    write_csv(tab, out_csv)


def lisa(
    data_csv,
    weights_csv,
    out_csv,
    *,
    var: str,
    year: int,
    matrix,
    permutations: int,
    seed: int,
    alpha: float,
    fdr: bool,
    weights_summary=None,
) -> None:
    """LISA tables for one variable and year (rule ``lisa``).

    ``weights_csv``, ``out_csv``, ``matrix`` and ``weights_summary`` are one matrix's, or lists with one
    entry per matrix: the rule does every matrix of a variable-year in one job, so that esda's permutation
    kernel is compiled once, not once per matrix. Each table's ``note`` is the tidy data's note, with the
    panel's note for a matrix built from the panel (read from its weights summary).
    """
    values = _read_tidy(data_csv, var, year)
    table = _units_of(data_csv, year)
    for wcsv, out, m, summary in _per_matrix(weights_csv, out_csv, matrix, weights_summary):
        w = _load_w(wcsv)
        y = values.loc[w.id_order]
        res = local_moran(y.to_numpy(), w, permutations=permutations, seed=seed, alpha=alpha, fdr=fdr)
        res.insert(0, "name", table.loc[res.index, "name_short"].to_numpy())
        res.insert(1, "region4", table.loc[res.index, "region4"].to_numpy())
        res.insert(2, "value", y.to_numpy())
        res = res.reset_index().rename(columns={"code": "id"})
        note, extra = _notes(data_csv, summary, m)
        res["variable"], res["year"], res["matrix"], res["note"] = var, int(year), m, note + extra
        write_csv(res, out)


def esda_figures(
    lisa_csv,
    global_json,
    gpkg,
    *,
    scatter,
    cluster,
    significance,
    var: str,
    label: str,
    year: int,
    matrix: str,
    language: str = "zh",
    map_approval: str | None = None,
    matrix_label: str | None = None,
) -> None:
    """Moran scatter plot, LISA cluster map and significance map, each as PNG and PDF (rule ``esda_figures``).

    The note printed under each figure is the LISA table's (the data's, and the panel's for a matrix built
    from the panel).

    ``scatter``, ``cluster`` and ``significance`` are the lists of output paths of each figure; ``map_approval``
    (``paper.map_approval``) prints the base map's 审图号 under both maps; ``matrix_label`` describes the
    matrix in the titles (default its name), and the note is printed in the figure's language
    (:func:`aicoord.paper.labels.translate_note`).
    """
    lisa = pd.read_csv(lisa_csv, dtype={"id": str}).set_index("id")
    what = matrix_label or matrix
    sep = "；" if language == "zh" else " | "
    note = sep.join(
        translate_note(p.strip(), language, weights_labels={matrix: what}) for p in note_of(lisa).split(" | ")
    )
    glob = json.loads(Path(global_json).read_text(encoding="utf-8"))
    gdf = read_geopackage(gpkg).set_index("code").loc[lisa.index].reset_index()
    names = gdf["name_short"] if language == "zh" else gdf["name_en"]
    kind = {
        "zh": ("Moran 散点图", "LISA 聚类图", "LISA 显著性图"),
        "en": ("Moran scatter plot", "LISA cluster map", "LISA significance map"),
    }[language]
    head = f"{label}，{year}，{what}" if language == "zh" else f"{label}, {year}, {what}"
    colon = "：" if language == "zh" else ": "
    maritime = load_maritime_boundary()
    figs = {
        "scatter": lambda: moran_scatter(
            lisa["z_value"],
            lisa["lag_z"],
            names,
            var=label,
            I=glob["I"],
            p_sim=glob["p_sim"],
            title=f"{kind[0]}{colon}{head}",
            note=note,
            language=language,
        ),
        "cluster": lambda: lisa_cluster_map(
            gdf,
            lisa["cluster"],
            title=f"{kind[1]}{colon}{head}",
            note=note,
            language=language,
            maritime=maritime,
            map_approval=map_approval,
        ),
        "significance": lambda: lisa_significance_map(
            gdf,
            lisa["p_sim"],
            title=f"{kind[2]}{colon}{head}",
            note=note,
            language=language,
            maritime=maritime,
            map_approval=map_approval,
        ),
    }
    for key, paths in (("scatter", scatter), ("cluster", cluster), ("significance", significance)):
        save_figure(figs[key](), *paths)
