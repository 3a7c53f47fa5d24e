"""Steps of workflow/rules/esda.smk (aicoord.steps.esda): the LISA table, its p-value convention, the figures."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from aicoord.autocorrelation import local_moran
from aicoord.steps import esda as steps
from aicoord.weights import build_weights, standardize
from aicoord.weights_io import read_weights, write_weights


def test_lisa_table(esda_inputs, tmp_path):
    out = tmp_path / "lisa.csv"
    steps.lisa(
        esda_inputs / "ai.csv",
        esda_inputs / "queen.csv",
        out,
        var="ai_index",
        year=2023,
        matrix="queen",
        permutations=999,
        seed=7,
        alpha=0.05,
        fdr=False,
    )
    t = pd.read_csv(out, dtype={"id": str})
    assert len(t) == 31 and (t["note"] == "Source: Table 1").all() and (t["matrix"] == "queen").all()
    data = pd.read_csv(esda_inputs / "ai.csv", dtype={"code": str}).set_index("code")
    assert_allclose(t["value"], data.loc[t["id"], "ai_index"])
    assert t.loc[t["id"] == "440000", "name"].iloc[0] == "广东"
    w = read_weights(esda_inputs / "queen.csv")
    ref = local_moran(data.loc[w.id_order, "ai_index"].to_numpy(), w, permutations=999, seed=7)
    assert_allclose(t["Ii"], ref["Ii"], rtol=5e-10, atol=1e-15)  # the table keeps 10 significant digits
    assert (t["p_sim"].to_numpy() == ref["p_sim"].to_numpy()).all()  # same seed, same permutations
    sig = t["p_sim"] <= 0.05
    assert (t.loc[sig, "cluster"] == t.loc[sig, "quadrant"]).all()
    assert (t.loc[~sig, "cluster"] == "Not significant").all()


def test_lisa_p_sim_is_the_directed_folded_convention(esda_inputs):
    """Regression test of esda's p_sim convention: the one-sided ("directed", folded) pseudo p-value
    (min(#{I_sim >= I}, P - #{I_sim >= I}) + 1) / (P + 1), recomputed from the kept simulations. esda's
    next major release announces a two-sided default that roughly doubles p_sim; pyproject pins esda < 3,
    and this test fails if the convention changes under the pin."""
    import esda

    data = pd.read_csv(esda_inputs / "ai.csv", dtype={"code": str}).set_index("code")
    w = standardize(read_weights(esda_inputs / "queen.csv"))
    y = data.loc[w.id_order, "ai_index"].to_numpy()
    lm = esda.Moran_Local(y, w, transformation="r", permutations=999, seed=11, keep_simulations=True)
    larger = (lm.sim.T >= lm.Is[:, None]).sum(axis=1)  # lm.sim: permutations x units
    expected = (np.minimum(larger, 999 - larger) + 1) / 1000
    assert_allclose(lm.p_sim, expected, rtol=0, atol=0)


def test_esda_figures_written_for_every_format(esda_inputs, tmp_path):
    lisa_csv = tmp_path / "lisa.csv"
    steps.lisa(
        esda_inputs / "ai.csv",
        esda_inputs / "queen.csv",
        lisa_csv,
        var="ai_index",
        year=2023,
        matrix="queen",
        permutations=99,
        seed=1,
        alpha=0.05,
        fdr=False,
    )
    glob = tmp_path / "g.json"
    steps.global_autocorrelation(
        esda_inputs / "ai.csv",
        esda_inputs / "queen.csv",
        glob,
        var="ai_index",
        year=2023,
        matrix="queen",
        permutations=99,
        seed=1,
    )
    from aicoord.steps.geometry import province_geometry

    province_geometry(tmp_path / "p.gpkg")
    outputs = {k: [tmp_path / f"{k}.png", tmp_path / f"{k}.pdf"] for k in ("scatter", "cluster", "significance")}
    steps.esda_figures(
        lisa_csv,
        glob,
        tmp_path / "p.gpkg",
        **outputs,
        var="ai_index",
        label="AI 指数",
        year=2023,
        matrix="queen",
        language="zh",
    )
    for paths in outputs.values():
        for p in paths:
            assert p.stat().st_size > 5000, p


def test_notes_come_from_the_data_and_the_weights_summary(esda_inputs, tmp_path):
    """The LISA table, the global JSON and the collected tables take their note from the tidy data, and for a
    matrix built from the panel the panel's note from the matrix's summary JSON, never from the configuration."""
    import json

    summary = tmp_path / "econ_summary.json"
    summary.write_text(json.dumps({"note": "GDP per capita from the panel: Simulated data. Source: test"}))
    out = tmp_path / "lisa.csv"
    steps.lisa(
        esda_inputs / "ai.csv",
        esda_inputs / "queen.csv",
        out,
        var="ai_index",
        year=2023,
        matrix="economic",
        permutations=9,
        seed=1,
        alpha=0.05,
        fdr=False,
        weights_summary=summary,
    )
    note = pd.read_csv(out)["note"].unique().tolist()
    assert note == ["Source: Table 1 | W = economic: GDP per capita from the panel: Simulated data. Source: test"]
    for m, s in (("queen", None), ("economic", summary)):
        steps.global_autocorrelation(
            esda_inputs / "ai.csv",
            esda_inputs / "queen.csv",
            tmp_path / f"g_{m}.json",
            var="ai_index",
            year=2023,
            matrix=m,
            permutations=9,
            seed=1,
            weights_summary=s,
        )
    steps.collect_global(
        [tmp_path / "g_queen.json", tmp_path / "g_economic.json"], tmp_path / "long.csv", tmp_path / "wide.csv"
    )
    long = pd.read_csv(tmp_path / "long.csv").set_index("matrix")["note"]
    assert long["queen"] == "Source: Table 1" and long["economic"] == note[0]
    foot = pd.read_csv(tmp_path / "wide.csv")["variable"].iloc[-1]
    assert "ai_index: Source: Table 1" in foot and "Simulated data" in foot


#: Provinces without a neighbour within 400 km (capital to capital) under weights.invdist.cutoff_km: 400
ISLANDS_400KM = {"福建", "广东", "云南", "西藏", "陕西", "新疆"}


def test_units_without_neighbours_are_labelled_no_neighbours_not_clusters(esda_inputs, tmp_path, provinces_gdf):
    """Issue 24, item 2: under a 400 km cutoff six provinces have no neighbour; esda gives them Ii = 0 and the
    smallest pseudo p-value, 1 / (P + 1), which labelled them significant HL/LL clusters. They are labelled
    'No neighbours' (p_sim NaN, no quadrant), with a warning, in the LISA table, the maps and the paper table."""
    import warnings

    from aicoord.steps import paper as paper_steps

    w = build_weights({"kind": "distance", "power": 1, "cutoff_km": 400}, provinces_gdf)
    write_weights(w, tmp_path / "invdist", name="invdist")
    out = tmp_path / "lisa.csv"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        steps.lisa(
            esda_inputs / "ai.csv",
            tmp_path / "invdist.csv",
            out,
            var="ai_index",
            year=2023,
            matrix="invdist",
            permutations=999,
            seed=7,
            alpha=0.05,
            fdr=True,
        )
    said = [str(c.message) for c in caught if "without neighbours" in str(c.message)]
    assert len(said) == 1 and said[0].startswith("6 unit(s) without neighbours"), [str(c.message) for c in caught]
    t = pd.read_csv(out, dtype={"id": str})
    island = t["cluster"] == "No neighbours"
    assert set(t.loc[island, "name"]) == ISLANDS_400KM
    assert t.loc[island, "p_sim"].isna().all() and (t.loc[island, "Ii"] == 0).all()
    assert t.loc[island, "quadrant"].isna().all()  # empty: no quadrant without a spatial lag
    assert t.loc[~island, "p_sim"].notna().all() and not t.loc[~island, "cluster"].eq("No neighbours").any()
    # the FDR threshold is computed from the 25 tested units only
    import esda

    assert t["threshold"].iloc[0] == pytest.approx(float(esda.fdr(t.loc[~island, "p_sim"].to_numpy(), 0.05)))
    # maps: the islands are drawn in their own colour with their own legend entry
    glob = tmp_path / "g.json"
    steps.global_autocorrelation(
        esda_inputs / "ai.csv",
        tmp_path / "invdist.csv",
        glob,
        var="ai_index",
        year=2023,
        matrix="invdist",
        permutations=99,
        seed=1,
    )
    from aicoord.steps.geometry import province_geometry

    province_geometry(tmp_path / "p.gpkg")
    outputs = {k: [tmp_path / f"{k}.png"] for k in ("scatter", "cluster", "significance")}
    steps.esda_figures(
        out,
        glob,
        tmp_path / "p.gpkg",
        **outputs,
        var="ai_index",
        label="AI 指数",
        year=2023,
        matrix="invdist",
        language="zh",
    )
    assert all(p[0].stat().st_size > 5000 for p in outputs.values())
    from aicoord.geometry import read_geopackage
    from aicoord.plotting import lisa_cluster_map, lisa_significance_map

    gdf = read_geopackage(tmp_path / "p.gpkg").set_index("code").loc[t["id"]].reset_index()
    for fig in (lisa_cluster_map(gdf, t["cluster"], language="zh"), lisa_significance_map(gdf, t["p_sim"])):
        texts = [x.get_text() for ax in fig.axes for leg in [ax.get_legend()] if leg for x in leg.get_texts()]
        texts += [x.get_text() for leg in fig.legends for x in leg.get_texts()]
        assert "无邻居" in texts, texts
    # the paper's LISA table: 无邻居 in the cell, a note sentence, never a cluster
    paper = {ext: tmp_path / f"paper_lisa.{ext}" for ext in ("csv", "md", "tex", "docx", "json")}
    paper_steps.paper_lisa([out], **paper, weights_labels={"invdist": "invdist: 反距离矩阵"}, labels={}, language="zh")
    p = pd.read_csv(paper["csv"])
    cells = p[p["column"] == "invdist: 反距离矩阵"].set_index("label")["value"]  # the matrix's description
    assert set(cells[cells == "无邻居"].index) == ISLANDS_400KM
    assert "6 个单元在 invdist: 反距离矩阵 下无邻居" in p["note"].iloc[0]


def test_moran_table_stars_at_p_values_exactly_on_a_level(tmp_path):
    """The year x matrix Moran table gives stars for p < level: a p under randomisation exactly on 0.10, 0.05
    or 0.01 gets the stars of the level above only."""
    import json

    ps = {"m1": 0.1, "m2": 0.05, "m3": 0.01, "m4": 0.0099, "m5": 0.5}
    paths = []
    for m, p in ps.items():
        row = {
            "variable": "ai_index",
            "year": 2023,
            "matrix": m,
            "n": 31,
            "I": 0.25,
            "EI": -1 / 30,
            "VI_norm": 0.01,
            "z_norm": 2.0,
            "p_norm": p,
            "VI_rand": 0.01,
            "z_rand": 2.0,
            "p_rand": p,
            "EI_sim": -0.03,
            "z_sim": 2.0,
            "p_sim": p,
            "permutations": 99,
            "seed": 1,
            "note": "Source: test",
        }
        paths.append(tmp_path / f"{m}.json")
        paths[-1].write_text(json.dumps(row), encoding="utf-8")
    steps.collect_global(paths, tmp_path / "long.csv", tmp_path / "wide.csv")
    wide = pd.read_csv(tmp_path / "wide.csv", dtype=str).iloc[0]
    assert [wide[f"{m}_I"] for m in ps] == ["0.2500", "0.2500*", "0.2500**", "0.2500***", "0.2500"]


def test_moran_panel_step_cells_equal_esda_moran_on_the_panel(files, tmp_path):
    """Rule ``moran_panel``: each year × variable cell of the table is esda's global Moran's I (and its z under
    randomisation) of that year's cross-section under the row-standardised matrix, and the note is the panel's."""
    import esda

    from aicoord.contract import read_tidy
    from aicoord.weights_io import to_libpysal
    from aicoord.weights_load import load_standardised

    steps.moran_panel(
        files / "panel.csv",
        [files / "queen.npz"],
        tmp_path / "m.csv",
        variables=["coord_gap", "ai"],
        matrices=["queen"],
    )
    tab = pd.read_csv(tmp_path / "m.csv")
    d = read_tidy(files / "panel.csv")
    assert set(tab["variable"]) == {"coord_gap", "ai"} and set(tab["year"]) == set(d["year"])
    w = to_libpysal(load_standardised(files / "queen.npz"))
    for var, year in (("coord_gap", int(d["year"].min())), ("ai", int(d["year"].max()))):
        y = d[d["year"] == year].set_index("code").loc[[str(i) for i in w.id_order], var].to_numpy(float)
        ref = esda.Moran(y, w, permutations=0)
        row = tab[(tab["variable"] == var) & (tab["year"] == year)].iloc[0]
        # the CSV prints 10 significant digits: half a unit in the last one is at most 5e-10 relative
        assert row["I"] == pytest.approx(ref.I, rel=5e-10) and row["z_rand"] == pytest.approx(ref.z_rand, rel=5e-10)
    assert (tab["note"] == d["note"].iloc[0]).all()
