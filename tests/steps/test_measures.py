"""Step functions of the panel measures (aicoord.pipeline_measures) on a small simulated panel."""
import json

import numpy as np
import pandas as pd
import pytest

from aicoord import pipeline_measures as pm
from aicoord.errors import InputError
from aicoord.simulate import DEMO_DICTIONARY
from aicoord.weights import build_weights, write_weights
from refs import ROOT

NOTE = "Simulated data. Source: test"


@pytest.fixture(scope="module")
def files(tmp_path_factory, provinces_gdf):
    d = tmp_path_factory.mktemp("measures")
    w = build_weights({"kind": "queen", "island_links": {"460000": ["440000"]}}, provinces_gdf)
    write_weights(w, d / "queen", name="queen")
    pm.simulate_panel_files(ROOT / "data/raw/seed_table1_ai_index_2023.csv", d / "queen.csv", d / "demo.csv",
                            d / "truth.json", d / "truth.csv", years=[2017, 2023], seed=7, weights_name="queen",
                            note=NOTE)
    pm.prepare_panel(d / "demo.csv", d / "panel.csv", d / "roles.json", dictionary=DEMO_DICTIONARY, note=NOTE,
                     simulated=True)
    return d


def test_simulated_file_is_in_the_real_panel_format(files):
    raw = pd.read_csv(files / "demo.csv")
    assert list(raw.columns[:2]) == ["province", "year"] and "code" not in raw
    assert raw["year"].min() == 2017 and raw["year"].max() == 2023 and len(raw) == 31 * 7
    truth = json.loads((files / "truth.json").read_text(encoding="utf-8"))
    assert truth["seed"] == 7 and truth["weights"] == "queen" and truth["note"] == NOTE
    assert (pd.read_csv(files / "truth.csv")["note"] == NOTE).all()


def test_panel_is_tidy_with_development_gap(files):
    p = pd.read_csv(files / "panel.csv", dtype={"code": str})
    assert list(p.columns[:4]) == ["code", "name", "region4", "year"]
    assert {"ai", "gdp_pc", "population", "coord_gap", "dev_gap", "dev_gap_growth"} <= set(p.columns)
    y = p[p["year"] == 2020]
    nat = (y["gdp_pc"] * y["population"]).sum() / y["population"].sum()
    assert np.allclose(y["dev_gap"], np.abs(np.log(y["gdp_pc"] / nat)))
    assert p.loc[p["year"] == 2017, "dev_gap_growth"].isna().all()
    roles = json.loads((files / "roles.json").read_text(encoding="utf-8"))
    assert roles["demo_panel"] is True and roles["roles"]["ai"] == "ai"


def test_panel_errors_are_located(files, tmp_path):
    raw = pd.read_csv(files / "demo.csv", dtype=str)
    raw.loc[5, "gdp_pc"] = "abc"
    bad = tmp_path / "bad.csv"
    raw.to_csv(bad, index=False)
    with pytest.raises(InputError) as exc:
        pm.prepare_panel(bad, tmp_path / "p.csv", tmp_path / "r.json", dictionary=DEMO_DICTIONARY, note="x",
                         simulated=False)
    msg = str(exc.value)
    assert "bad.csv" in msg and "7" in msg and "gdp_pc" in msg
    assert not (tmp_path / "p.csv").exists()


def test_gdp_pc_mean_feeds_economic_weights(files):
    from aicoord.weights import build_weights as bw

    assert pm.panel_note(files / "panel.csv") == NOTE
    g = pm.panel_gdp_pc_mean(files / "panel.csv")
    assert len(g) == 31 and g.index[0] == "110000"
    w = bw({"kind": "economic"}, None, g)
    assert w.n == 31


def test_inequality_tables(files, tmp_path):
    pm.inequality_tables(files / "panel.csv", tmp_path / "y.csv", tmp_path / "p.csv", variables=["gdp_pc", "ai"],
                         groups="region4", population="population", note=NOTE)
    y = pd.read_csv(tmp_path / "y.csv")
    assert len(y) == 2 * 7 and (y["note"] == NOTE).all()
    assert np.allclose(y["theil_t_within"] + y["theil_t_between"], y["theil_t"])
    assert np.allclose(y["gini_within_share"] + y["gini_between_net_share"] + y["gini_transvariation_share"], 1)
    p = pd.read_csv(tmp_path / "p.csv")
    assert len(p) == 2 * 7 * 10  # 4 within + 6 between pairs


def test_cross_section_inequality(tmp_path):
    from aicoord.pipeline import prepare_cross_section

    prepare_cross_section(ROOT / "data/raw/seed_table1_ai_index_2023.csv", tmp_path / "ai.csv", id_col="province",
                          variables=["ai_index"], year=2023)
    pm.inequality_tables(tmp_path / "ai.csv", tmp_path / "y.csv", tmp_path / "p.csv", variables=["ai_index"],
                         groups="region4", note="Source: Table 1")
    y = pd.read_csv(tmp_path / "y.csv")
    assert len(y) == 1 and y.loc[0, "n"] == 31 and "simulated" not in y.loc[0, "note"].lower()


def test_indices_and_coupling(files, tmp_path):
    specs = {"mech": {"positive": ["industrial_upgrading", "value_chain"], "negative": ["resource_allocation"],
                      "method": "entropy", "by_year": False},
             "mech_pca": {"positive": ["industrial_upgrading", "value_chain"], "method": "pca", "by_year": True}}
    pm.composite_index_tables(files / "panel.csv", tmp_path / "s.csv", tmp_path / "w.csv", specs=specs, note=NOTE)
    s = pd.read_csv(tmp_path / "s.csv")
    assert set(s["index"]) == {"mech", "mech_pca"} and len(s) == 2 * 31 * 7
    w = pd.read_csv(tmp_path / "w.csv")
    assert np.isclose(w[w["index"] == "mech"]["weight"].sum(), 1)
    pm.coupling_table(files / "panel.csv", tmp_path / "c.csv", note=NOTE,
                      subsystems={"a": {"positive": ["ai"]}, "b": {"positive": ["gdp_pc"], "negative": ["dev_gap"]}})
    c = pd.read_csv(tmp_path / "c.csv")
    assert c[["U_a", "U_b", "C", "D"]].apply(lambda s: s.between(0, 1).all()).all()
    assert c["class"].between(1, 10).all() and (c["note"] == NOTE).all()


def test_beta_convergence_markov_kde(files, tmp_path):
    pm.beta_convergence_table(files / "panel.csv", files / "queen.csv", tmp_path / "b.csv", variable="gdp_pc", tau=1,
                              controls=["gov"], time_effects=True, spatial_models=["sar", "sem", "sdm"],
                              weights_name="queen", note=NOTE)
    b = pd.read_csv(tmp_path / "b.csv")
    assert len(b) == 2 * 5 and (b["beta"] < 0).all()
    assert np.allclose(b["speed"], -np.log1p(b["beta"]) / b["tau"])
    assert set(b.loc[b["form"] == "spatial panel", "spatial"]) == {"rho", "lambda"}
    pm.spatial_markov_tables(files / "panel.csv", files / "queen.csv", tmp_path / "t.csv", tmp_path / "s.csv",
                             tmp_path / "q.csv", variable="gdp_pc", k=3, population="population",
                             weights_name="queen", note=NOTE)
    t = pd.read_csv(tmp_path / "t.csv")
    assert len(t) == 9 * 4  # a-spatial chain and three lag classes
    out = [tmp_path / "k.png", tmp_path / "k.pdf"]
    pm.kde_figures(files / "panel.csv", out, variable="gdp_pc", note=NOTE, language="en")
    first = out[0].read_bytes()
    pm.kde_figures(files / "panel.csv", out, variable="gdp_pc", note=NOTE, language="en")
    assert out[0].read_bytes() == first and out[1].stat().st_size > 0


def test_demo_recovery_table(files, tmp_path):
    pm.demo_recovery_table(files / "panel.csv", files / "truth.json", files / "queen.csv", tmp_path / "r.csv",
                           draws=200, seed=1, note=NOTE)
    r = pd.read_csv(tmp_path / "r.csv")
    assert {"true", "estimate", "se", "lower", "upper", "covers"} <= set(r.columns)
    assert len(r) == 7 * 2 + 2 + 7 * 3 and (r["note"] == NOTE).all()
    assert r["covers"].mean() >= 0.8
