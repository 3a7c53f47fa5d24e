"""Steps of workflow/rules/weights.smk (aicoord.steps.weights)."""

import json

import pandas as pd

from aicoord.steps import weights as steps
from helpers import NOTE


def test_economic_weights_from_panel_keep_its_note(files, tmp_path):
    steps.weights(
        {"kind": "economic"},
        "economic",
        None,
        tmp_path / "economic",
        tmp_path / "s.json",
        panel_csv=files / "panel.csv",
    )
    summary = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert summary["note"] == "GDP per capita from the panel: " + NOTE and summary["n"] == 31
    p = pd.read_csv(files / "panel.csv", dtype={"code": str})
    g = p.groupby("code")["gdp_pc"].mean()
    w = pd.read_csv(tmp_path / "economic_raw.csv", dtype={"code": str}).set_index("code")
    a, b = "110000", "120000"
    assert abs(w.loc[a, b] - 1 / abs(g[a] - g[b])) < 1e-9 * w.loc[a, b]


def test_gal_and_summary(files, tmp_path):
    from aicoord.weights_io import read_weights

    steps.weights_gal(files / "queen_raw.csv", tmp_path / "q.gal")
    gal, raw = read_weights(tmp_path / "q.gal"), read_weights(files / "queen_raw.csv")
    assert gal.id_order == raw.id_order
    assert {k: sorted(v) for k, v in gal.neighbors.items()} == {k: sorted(v) for k, v in raw.neighbors.items()}
    summaries = []
    for name, links in (("a", 138), ("b", 120)):
        path = tmp_path / f"{name}.json"
        path.write_text(
            json.dumps(
                {
                    "matrix": name,
                    "kind": "queen",
                    "n": 31,
                    "links": links,
                    "pct_nonzero": 1.0,
                    "min_neighbours": 1,
                    "mean_neighbours": 4.0,
                    "max_neighbours": 9,
                    "islands": 0,
                    "island_ids": "",
                    "components": 1,
                    "asymmetric_links": 0,
                    "symmetric_values": True,
                    "row_standardised": True,
                    "note": "x",
                }
            )
        )
        summaries.append(path)
    steps.weights_summary(summaries, tmp_path / "s.csv")
    s = pd.read_csv(tmp_path / "s.csv")
    assert list(s["matrix"]) == ["a", "b"] and list(s["links"]) == [138, 120] and s.columns[0] == "matrix"


def test_weights_long_writes_every_link_and_an_isolate(tmp_path):
    """Rule weights_long: the long table of a matrix's raw .npz, read back to the same matrix; a unit without
    neighbours is its explicit row unit,unit,0 (queen contiguity of the provinces with Hainan left an island)."""
    from numpy.testing import assert_array_equal

    from aicoord.geometry import load_provinces
    from aicoord.weights import build_weights
    from aicoord.weights_io import read_weights_sparse, write_weights

    w = build_weights({"kind": "queen", "island_links": {}}, load_provinces())
    write_weights(w, tmp_path / "queen", name="queen", dense_max=0)
    steps.weights_long(tmp_path / "queen_raw.npz", tmp_path / "queen_long.csv")
    long = pd.read_csv(tmp_path / "queen_long.csv", dtype=str)
    assert long[long["from"] == "460000"].values.tolist() == [["460000", "460000", "0"]]
    assert len(long) == w.s0 + 1  # every binary link, and Hainan's row
    back, raw = read_weights_sparse(tmp_path / "queen_long.csv"), read_weights_sparse(tmp_path / "queen_raw.npz")
    assert back.id_order == raw.id_order and "460000" in back.id_order
    assert_array_equal(back.sparse.toarray(), raw.sparse.toarray())


def test_weights_summary_columns_in_the_documented_order_then_any_others(tmp_path):
    """The summary table's columns: the fourteen documented ones in their order, then any other key of the JSONs
    (here the cutoff of a distance matrix) in its order of appearance; one row per JSON, in the order given."""
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
    paths = []
    for i, name in enumerate(("knn4", "invdist")):
        row = {k: f"{k}-{i}" for k in reversed(first)}  # written in the reverse order
        row["note"] = f"note {i}"
        if name == "invdist":
            row["cutoff_km"] = 800
        row["matrix"] = name
        paths.append(tmp_path / f"{name}.json")
        paths[-1].write_text(json.dumps(row), encoding="utf-8")
    steps.weights_summary(paths, tmp_path / "s.csv")
    s = pd.read_csv(tmp_path / "s.csv", dtype=str, keep_default_na=False)
    assert list(s.columns) == first + ["note", "cutoff_km"]
    assert s["matrix"].tolist() == ["knn4", "invdist"] and s["kind"].tolist() == ["kind-0", "kind-1"]
    assert s["island_ids"].tolist() == ["island_ids-0", "island_ids-1"] and s["cutoff_km"].tolist() == ["", "800"]


def test_dense_files_up_to_and_including_dense_max_units(files, tmp_path):
    """``dense_max`` is the largest N that still gets the N×N CSVs and the GWT (the 31 provinces with
    ``dense_max`` 31: the same files as under the default of 500); one unit fewer allowed, only the raw ``.npz``
    is written, holding the same matrix."""
    from aicoord.weights_io import read_weights_sparse

    spec = {"kind": "economic"}
    kw = {"panel_csv": files / "panel.csv"}
    steps.weights(spec, "economic", None, tmp_path / "default", tmp_path / "default.json", **kw)
    steps.weights(spec, "economic", None, tmp_path / "edge", tmp_path / "edge.json", dense_max=31, **kw)
    steps.weights(spec, "economic", None, tmp_path / "below", tmp_path / "below.json", dense_max=30, **kw)
    for suffix in ("_raw.csv", ".csv", ".gwt"):
        assert (tmp_path / f"edge{suffix}").read_bytes() == (tmp_path / f"default{suffix}").read_bytes(), suffix
        assert not (tmp_path / f"below{suffix}").exists(), suffix
    assert (tmp_path / "edge.npz").exists() and not (tmp_path / "below.npz").exists()
    edge, below = read_weights_sparse(tmp_path / "edge_raw.npz"), read_weights_sparse(tmp_path / "below_raw.npz")
    assert edge.id_order == below.id_order
    assert (edge.sparse != below.sparse).nnz == 0
