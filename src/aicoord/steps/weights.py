"""Steps of ``workflow/rules/weights.smk``: the configured weights matrices and their summary."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..contract import read_tidy
from ..geometry import read_geopackage
from ..io import write_csv, write_json
from ..notes import note_of
from ..units import unit_table
from ..weights import build_weights, full_spec
from ..weights_io import (
    DENSE_MAX,
    read_weights,
    read_weights_sparse,
    weights_files,
    write_gal_gwt,
    write_long,
    write_weights,
)

__all__ = ["weights", "weights_summary", "weights_gal", "weights_long"]


def weights(
    spec: dict,
    name: str,
    gpkg,
    out_stem,
    out_summary,
    panel_csv=None,
    level: str = "province",
    dense_max: int | None = None,
    **files,
) -> None:
    """Build one configured weights matrix; write its files and a summary (rule ``weights``).

    The files are those of :func:`aicoord.weights_io.weights_files`: sparse ``.npz`` (raw and
    row-standardised) always; N×N CSVs and ``.gwt`` up to ``dense_max`` units (default
    :data:`aicoord.weights_io.DENSE_MAX`), all named after ``out_stem``. ``files`` are those files as the
    rule declares them (its outputs ``npz``, ``raw_npz``, ...); when given they must be the ones written.

    Economic and nested matrices use the mean GDP per capita of the tidy panel ``panel_csv`` over its
    years; the panel's provenance note (e.g. "simulated data" for the demo) is kept in the summary.
    Below the provinces (``level``), the distance-based kinds use the unit locations of the GeoPackage
    ``gpkg`` (:func:`aicoord.geometry.load_units`) instead of the provincial capitals.
    """
    gdp_pc_mean = note = None
    if panel_csv is not None:
        d = read_tidy(panel_csv)
        order = [c for c in unit_table(level)["code"] if c in set(d["code"])]
        gdp_pc_mean = d.groupby("code")["gdp_pc"].mean().loc[order]
        note = "GDP per capita from the panel: " + note_of(d)
    gdf = read_geopackage(gpkg) if spec["kind"] in ("queen", "rook") or level != "province" else None
    coords = gdf.set_index("code")[["lon", "lat"]] if level != "province" else None
    dense_max = DENSE_MAX if dense_max is None else dense_max
    # above dense_max no N×N table or GWT is written: the full kinds are built sparse, without a libpysal W
    w = build_weights(spec, gdf, gdp_pc_mean, coords=coords, sparse=len(unit_table(level)) > dense_max)
    written = weights_files(out_stem, w.n, dense_max)
    if files and {k: str(v) for k, v in files.items()} != written:
        raise ValueError(f"rule weights: the declared files {files} are not those written, {written}")
    about = {
        "level": level,
        "kind": spec["kind"],
        "spec": json.dumps(full_spec(spec), sort_keys=True),
        "row_standardised": True,
        **({"note": note} if note else {}),
    }
    write_json(write_weights(w, out_stem, name=name, dense_max=dense_max, summary=about), out_summary)


def weights_summary(summary_jsons, out_csv) -> None:
    """Collect the per-matrix summaries into one table (rule ``weights_summary``)."""
    rows = [json.loads(Path(p).read_text(encoding="utf-8")) for p in summary_jsons]
    first = [
        "matrix",
        "kind",
        "n",
        "links",
        "pct_nonzero",
        "min_neighbours",
        "mean_neighbours",
        "max_neighbours",
        "islands",
        "island_ids",
        "components",
        "asymmetric_links",
        "symmetric_values",
        "row_standardised",
    ]
    df = pd.DataFrame(rows)
    write_csv(df[first + [c for c in df.columns if c not in first]], out_csv)


def weights_gal(raw_weights, out_gal) -> None:
    """GAL neighbour lists of a binary weights matrix, from its raw weights file (rule ``weights_gal``)."""
    write_gal_gwt(read_weights(raw_weights), out_gal)


def weights_long(raw_weights, out_csv) -> None:
    """The long ``from,to,weight`` table of a matrix's raw weights, a unit without neighbours as the row
    ``unit,unit,0`` (rule ``weights_long``; :func:`aicoord.weights_io.write_long`)."""
    sw = read_weights_sparse(raw_weights, provinces=False)
    write_long(sw.sparse, sw.id_order, out_csv)
