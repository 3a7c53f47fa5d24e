"""Rule ``identification`` (aicoord.steps.study.identification) on a simulated panel with an endogenous AI and its
instrument: one row per estimator x effect, the IV effects equal the hand formulas from the 2SLS/GMM estimates,
the intervals are estimate -+ z se, and the first-stage columns are the fit's diagnostics."""

import json

import numpy as np
import pandas as pd
import pytest
from scipy import special

from aicoord.panel import SpatialPanel
from aicoord.simulate import DEMO_DICTIONARY
from aicoord.steps import data as data_steps
from aicoord.steps import study as S
from aicoord.study._common import setting
from aicoord.weights import build_weights
from aicoord.weights_io import write_weights
from helpers import NOTE, ROOT

KW = {
    "y": "coord_gap",
    "ai": "ai",
    "controls": ["gov", "urban"],
    "instruments": ["hub_exposure"],
    "effects": "twoways",
    "lee_yu": True,
    "draws": 300,
    "seed": 1,
    "alpha": 0.05,
    "weights_name": "queen",
}


@pytest.fixture(scope="module")
def endo(tmp_path_factory, provinces_gdf):
    d = tmp_path_factory.mktemp("identification")
    w = build_weights({"kind": "queen", "island_links": {"460000": ["440000"]}}, provinces_gdf)
    write_weights(w, d / "queen", name="queen")
    data_steps.simulate_panel(
        ROOT / "data/raw/seed_table1_ai_index_2023.csv",
        d / "queen.csv",
        d / "demo.csv",
        d / "truth.json",
        d / "truth.csv",
        years=[2013, 2023],
        seed=7,
        weights_name="queen",
        note=NOTE,
        endogenous=True,
    )
    data_steps.panel(
        d / "demo.csv", d / "panel.csv", d / "roles.json", dictionary=DEMO_DICTIONARY, note=NOTE, simulated=True
    )
    S.identification(d / "panel.csv", d / "queen_raw.csv", d / "both.csv", d / "both.json", mode="both", **KW)
    S.identification(d / "panel.csv", d / "queen_raw.csv", d / "ml.csv", d / "ml.json", mode="ml", **KW)
    return d


def test_rows_columns_and_intervals(endo):
    t = pd.read_csv(endo / "both.csv")
    assert list(zip(t["estimator"], t["effect"])) == [
        (e, k) for e in ("ml", "iv", "gmm") for k in ("direct", "indirect", "total")
    ] + [("oster", "coefficient")]
    o = t.iloc[-1]
    # the Oster row: AI's within coefficient with the controls and their W-lags, by least squares here
    d = pd.read_csv(endo / "panel.csv", dtype={"code": str}).sort_values(["year", "code"])
    st = setting(d, "code", "year", pd.read_csv(endo / "queen_raw.csv", index_col=0))
    cols = {"ai": d["ai"].to_numpy(), "gov": d["gov"].to_numpy(), "urban": d["urban"].to_numpy()}
    T_ = d["year"].nunique()
    for c in ("gov", "urban"):
        cols[f"W{c}"] = np.concatenate([st.W @ v for v in cols[c].reshape(T_, -1)])
    Z = pd.DataFrame({"y": d["coord_gap"].to_numpy(), **cols})
    for g in ("code", "year"):
        Z = Z - Z.groupby(d[g].to_numpy()).transform("mean")
    X = Z.drop(columns="y").to_numpy()
    assert o["estimate"] == pytest.approx(np.linalg.lstsq(X, Z["y"].to_numpy(), rcond=None)[0][0], rel=1e-9)
    assert o["ci_low"] == min(o["estimate"], o["beta_star"]) and o["ci_high"] == max(o["estimate"], o["beta_star"])
    t = t[t.estimator != "oster"]
    for c in (
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "partial_r2",
        "sw_f",
        "kp_rk_wald_f",
        "kp_lm_p",
        "hansen_j",
        "endogeneity_p",
        "ar_low",
        "ar_high",
        "note",
        "weights",
        "instruments",
    ):
        assert c in t.columns, c
    q = special.ndtri(0.975)
    np.testing.assert_allclose(t["ci_low"], t["estimate"] - q * t["se"], rtol=1e-9)
    np.testing.assert_allclose(t["ci_high"], t["estimate"] + q * t["se"], rtol=1e-9)
    assert t.loc[t.estimator == "ml", "sw_f"].isna().all() and t.loc[t.estimator != "ml", "sw_f"].gt(0).all()
    assert t["note"].str.startswith(NOTE).all()
    ml = pd.read_csv(endo / "ml.csv")
    assert list(ml["estimator"]) == ["ml"] * 3 + ["oster"]
    keep = [c for c in ml.columns if c != "note"]
    pd.testing.assert_frame_equal(ml[ml.estimator == "ml"][keep], t[t.estimator == "ml"][keep], check_dtype=False)


@pytest.mark.parametrize("estimator, name", [("2sls", "iv"), ("gmm", "gmm")])
def test_iv_effects_equal_the_hand_formulas_and_first_stage_is_the_fits(endo, estimator, name):
    """Total = (beta + theta) / (1 - rho) and direct = mean diag of (I - rho W)^-1 (beta I + theta W), computed
    densely here from the fit's estimates; the first-stage columns are the fit's own."""
    t = pd.read_csv(endo / "both.csv").set_index(["estimator", "effect"])
    d = pd.read_csv(endo / "panel.csv", dtype={"code": str})
    w = pd.read_csv(endo / "queen_raw.csv", index_col=0)
    st = setting(d, "code", "year", w)
    res = SpatialPanel(
        st.data,
        y="coord_gap",
        x=["gov", "urban"],
        id="code",
        time="year",
        w=st.Wdf,
        model="sdm",
        effects="twoways",
        endog=["ai"],
        instruments=["hub_exposure"],
    ).fit(cov_type="cluster", estimator=estimator)
    b, th, rho = (float(res.params[k]) for k in ("ai", "W*ai", "rho"))
    n = st.W.shape[0]
    S_ = np.linalg.solve(np.eye(n) - rho * st.W, b * np.eye(n) + th * st.W)
    assert t.loc[(name, "total"), "estimate"] == pytest.approx((b + th) / (1 - rho), rel=1e-8)
    assert t.loc[(name, "direct"), "estimate"] == pytest.approx(np.trace(S_) / n, rel=1e-8)
    fs = res.first_stage
    assert t.loc[(name, "total"), "partial_r2"] == pytest.approx(fs["regressors"]["ai"]["partial_r2"], rel=1e-9)
    assert t.loc[(name, "total"), "kp_rk_wald_f"] == pytest.approx(fs["joint"]["kp_rk_wald_f"], rel=1e-9)
    js = json.loads((endo / "both.json").read_text())
    assert js["mode"] == "both" and js["instruments"] == ["hub_exposure"]
    assert js["first_stage"]["regressors"]["ai"]["partial_r2"] == pytest.approx(
        fs["regressors"]["ai"]["partial_r2"], rel=1e-9
    )


@pytest.mark.parametrize("language", ["zh", "en"])
def test_paper_table_prints_the_estimates_first_stage_and_no_english_in_zh(endo, tmp_path, language):
    from aicoord.paper.labels import foreign_words
    from aicoord.paper.study_tables import DEFAULT_LABELS
    from aicoord.steps import paper as P

    out = {k: tmp_path / f"identification.{k}" for k in ("csv", "md", "tex", "docx", "json")}
    P.identification(
        endo / "both.csv",
        out,
        labels=DEFAULT_LABELS[language],
        language=language,
        decimals=4,
        stars=[0.10, 0.05, 0.01],
        parentheses="se",
        weights_labels={"queen": "Queen"},
        alpha=0.05,
    )
    md = out["md"].read_text(encoding="utf-8")
    from aicoord.paper import NumberFormat

    fmt = NumberFormat(decimals=4)
    t = pd.read_csv(endo / "both.csv")
    for est in ("ml", "iv", "gmm"):
        r = t[(t.estimator == est) & (t.effect == "total")].iloc[0]
        assert fmt(r["estimate"]) in md and f"({fmt(r['se'])})" in md
    r = t[t.estimator == "iv"].iloc[0]
    assert fmt(r["kp_rk_wald_f"]) in md and fmt(r["partial_r2"]) in md
    if language == "zh":
        from aicoord.notes import SIMULATED_NOTE

        assert set(foreign_words(md.replace(SIMULATED_NOTE["zh"], ""))) <= {"test"}  # the test panel's source
        assert "人工智能枢纽暴露度" in md


def test_mechanism_a_path_by_iv(endo, tmp_path):
    """With instruments the mechanism step estimates AI -> channel by spatial 2SLS: its total equals
    (beta + theta) / (1 - rho) of a 2SLS fit of the channel made here, and the row says basis iv."""
    m = "industrial_upgrading"
    data_steps.mechanism_data(endo / "demo.csv", endo / f"{m}.csv", dictionary=DEMO_DICTIONARY, mechanism=m, note=NOTE)
    kw = {k: v for k, v in KW.items() if k != "instruments"}
    S.mechanism(
        endo / "panel.csv",
        endo / f"{m}.csv",
        endo / "queen_raw.csv",
        tmp_path / "m.csv",
        tmp_path / "m.json",
        name=m,
        instruments=["hub_exposure"],
        **kw,
    )
    row = json.loads((tmp_path / "m.json").read_text())
    assert row["basis"] == "iv" and row["verdict_basis"] == "product"
    d = pd.read_csv(endo / "panel.csv", dtype={"code": str}).merge(
        pd.read_csv(endo / f"{m}.csv", dtype={"code": str}).drop(columns="note"), on=["code", "year"]
    )
    st = setting(d, "code", "year", pd.read_csv(endo / "queen_raw.csv", index_col=0))
    res = SpatialPanel(
        st.data,
        y=m,
        x=["gov", "urban"],
        id="code",
        time="year",
        w=st.Wdf,
        model="sdm",
        effects="twoways",
        endog=["ai"],
        instruments=["hub_exposure"],
    ).fit(cov_type="cluster", estimator="2sls")
    b, th, rho = (float(res.params[k]) for k in ("ai", "W*ai", "rho"))
    assert row["ai_total_on_channel"] == pytest.approx((b + th) / (1 - rho), rel=1e-8)
    truth = json.loads((endo / "truth.json").read_text())
    assert (
        row["ai_channel_lower"] <= truth["verdicts"]["mechanisms"][m]["ai_total_on_channel"] <= row["ai_channel_upper"]
    )
