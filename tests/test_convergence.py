"""Tests of aicoord.convergence.

Reference values: ``fixtures/measures/convergence_reference.csv`` made by
``fixtures/measures/convergence_reference.R`` (base R ``lm`` + ``sandwich``) from the simulated
panel ``fixtures/measures/convergence_panel.csv`` (made by ``make_convergence_panel.py``).
"""

import math
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from libpysal.weights import W, lat2W
from numpy.testing import assert_allclose

from aicoord.convergence import (
    beta_convergence, beta_convergence_panel, convergence_panel_data, development_gap,
    implied_speed, kde_figure, relative_to_national, spatial_beta_convergence, spatial_markov)
from aicoord.errors import InputError

matplotlib.use("Agg")
FIX = Path(__file__).parent / "fixtures" / "measures"


@pytest.fixture(scope="module")
def panel():
    return pd.read_csv(FIX / "convergence_panel.csv")


@pytest.fixture(scope="module")
def ref():
    r = pd.read_csv(FIX / "convergence_reference.csv")
    return dict(zip(r["name"], r["value"]))


def test_implied_speed_hand():
    # beta = -0.2 over 10 years: lambda = -ln(0.8)/10, half-life = ln 2 / lambda
    lam, half = implied_speed(-0.2, 10)
    assert_allclose(lam, -math.log(0.8) / 10, rtol=1e-15)
    assert_allclose(half, math.log(2) / (-math.log(0.8) / 10), rtol=1e-15)
    lam, half = implied_speed(0.05, 1)  # divergence: negative speed, no half-life
    assert lam < 0 and math.isnan(half)
    assert all(math.isnan(v) for v in implied_speed(-1.2, 5))


def test_cross_section_against_r(panel, ref):
    r = beta_convergence(panel, "gdp_pc", unit="unit", year="year")
    assert r.tau == 7 and r.nobs == 12
    assert_allclose(r.beta, ref["cs_abs_beta"], rtol=1e-10)
    assert_allclose(r.se, ref["cs_abs_se_hc1"], rtol=1e-10)
    lam, half = implied_speed(ref["cs_abs_beta"], 7)
    assert_allclose([r.speed, r.half_life], [lam, half], rtol=1e-10)
    c = beta_convergence(panel, "gdp_pc", unit="unit", year="year", controls=["x"])
    assert_allclose(c.beta, ref["cs_cond_beta"], rtol=1e-10)
    assert_allclose(c.se, ref["cs_cond_se_hc1"], rtol=1e-10)
    assert list(c.params.index) == ["const", "ln_initial", "x"]


def test_cross_section_closed_form_slope(panel):
    # simple regression slope = cov(g, l0) / var(l0)
    a = panel[panel.year == 2017].set_index("unit")["gdp_pc"]
    b = panel[panel.year == 2020].set_index("unit")["gdp_pc"].loc[a.index]
    g, l0 = np.log(b) - np.log(a), np.log(a)
    slope = np.cov(g, l0)[0, 1] / np.var(l0, ddof=1)
    r = beta_convergence(panel, "gdp_pc", unit="unit", year="year", start=2017, end=2020)
    assert_allclose(r.beta, slope, rtol=1e-10)
    assert r.tau == 3


def test_panel_fe_against_r(panel, ref):
    r = beta_convergence_panel(panel, "gdp_pc", unit="unit", year="year", controls=["x"])
    assert r.nobs == int(ref["fe_nobs"]) == 12 * 7
    assert_allclose(r.beta, ref["fe_cond_beta"], rtol=1e-10)
    assert_allclose(r.se, ref["fe_cond_se_cl"], rtol=1e-10)
    assert list(r.params.index) == ["const", "ln_initial", "x"]
    tw = beta_convergence_panel(panel, "gdp_pc", unit="unit", year="year", time_effects=True)
    assert_allclose(tw.beta, ref["twfe_abs_beta"], rtol=1e-10)


def test_panel_fe_equals_within_estimator(panel):
    # Frisch-Waugh-Lovell: LSDV slope == OLS on unit-demeaned data (numpy lstsq)
    d = convergence_panel_data(panel, "gdp_pc", unit="unit", year="year", tau=2)
    dm = d.groupby("unit")[["growth", "ln_initial"]].transform(lambda s: s - s.mean())
    slope = np.linalg.lstsq(dm[["ln_initial"]].to_numpy(), dm["growth"].to_numpy(),
                            rcond=None)[0][0]
    r = beta_convergence_panel(panel, "gdp_pc", unit="unit", year="year", tau=2)
    assert_allclose(r.beta, slope, rtol=1e-10)
    assert r.nobs == 12 * 6 and r.tau == 2


def test_spatial_hook_with_stub_estimator(panel):
    calls = {}

    def stub(d, y, x, w, unit, year, model):
        calls.update(y=y, x=x, w=w, model=model, n=len(d))
        return {"params": {"rho": 0.3, "ln_initial": -0.1}, "bse": {"ln_initial": 0.02},
                "nobs": len(d)}

    r = spatial_beta_convergence(panel, "gdp_pc", "W-object", stub, unit="unit", year="year",
                                 controls=["x"], model="sdm")
    assert calls == {"y": "growth", "x": ["ln_initial", "x"], "w": "W-object", "model": "sdm",
                     "n": 84}
    assert r.form == "spatial" and r.beta == -0.1 and r.se == 0.02 and math.isnan(r.pvalue)
    assert_allclose(r.speed, -math.log(0.9), rtol=1e-15)


def test_development_gap_hand():
    df = pd.DataFrame({"code": ["a", "b", "a", "b"], "year": [2020, 2020, 2021, 2021],
                       "y": [1.0, 3.0, 2.0, 2.0], "pop": [3.0, 1.0, 1.0, 1.0]})
    g = development_gap(df, "y")
    # 2020: mean 2 -> |ln(1/2)|, |ln(3/2)|; 2021: mean 2 -> 0, 0
    assert_allclose(g["gap"], [math.log(2), math.log(1.5), 0, 0], rtol=1e-15, atol=0)
    assert_allclose(g["gap_change"].iloc[2:], [-math.log(2), -math.log(1.5)], rtol=1e-15)
    assert g["gap_change"].iloc[:2].isna().all()
    assert_allclose(g["gap_growth"].iloc[2:], [-1, -1], rtol=1e-15)
    gw = development_gap(df, "y", population="pop")
    # 2020 weighted: (3*1 + 1*3)/4 = 1.5
    assert_allclose(gw["national"], [1.5, 1.5, 2, 2], rtol=1e-15)
    assert_allclose(gw["gap"].iloc[:2], [math.log(1.5), math.log(2)], rtol=1e-15)


def _panel_w(panel):
    base = lat2W(3, 4)  # rook contiguity on a 3 x 4 lattice, ids 0..11
    name = {i: f"u{i:02d}" for i in range(12)}
    return W({name[i]: [name[j] for j in nb] for i, nb in base.neighbors.items()},
             id_order=[name[i] for i in range(12)], silence_warnings=True)


def test_spatial_markov_counts_independent(panel):
    w = _panel_w(panel)
    res = spatial_markov(panel, "gdp_pc", w, unit="unit", year="year", k=3)
    # independent count: relative values, pooled quantile classes (numpy), row-standardised lag
    rel = panel["gdp_pc"] / panel.groupby("year")["gdp_pc"].transform("mean")
    wide = panel.assign(r=rel).pivot(index="unit", columns="year", values="r")
    ids = list(w.id_order)
    Y = wide.loc[ids].to_numpy()
    full, _ = w.full()
    Wr = full / full.sum(axis=1, keepdims=True)
    L = Wr @ Y
    cls = np.searchsorted(np.quantile(Y, [1 / 3, 2 / 3, 1]), Y, side="left")
    lcls = np.searchsorted(np.quantile(L, [1 / 3, 2 / 3, 1]), L, side="left")
    T = np.zeros((3, 3, 3))
    for i in range(Y.shape[0]):
        for t in range(Y.shape[1] - 1):
            T[lcls[i, t], cls[i, t], cls[i, t + 1]] += 1
    tr = res["transitions"]
    for c in range(3):
        sub = tr[tr["lag_class"] == c + 1].sort_values(["from_class", "to_class"])
        assert_allclose(sub["count"].to_numpy().reshape(3, 3), T[c], rtol=0, atol=0)
        rows = T[c].sum(axis=1, keepdims=True)
        P = np.divide(T[c], rows, out=np.zeros_like(T[c]), where=rows > 0)
        assert_allclose(sub["probability"].to_numpy().reshape(3, 3), P, rtol=1e-14)
    allc = tr[tr["lag_class"] == "all"].sort_values(["from_class", "to_class"])
    assert_allclose(allc["count"].to_numpy().reshape(3, 3), T.sum(axis=0), rtol=0, atol=0)
    assert int(allc["count"].sum()) == 12 * 7
    assert {"Q", "Q_p_value", "LR", "LR_p_value", "dof"} <= set(res["tests"].columns)
    # the a-spatial steady state s solves s P = s and sums to 1
    P_all = allc["probability"].to_numpy().reshape(3, 3)
    s = res["steady_state"].query("lag_class == 'all'")["probability"].to_numpy()
    assert_allclose(s @ P_all, s, rtol=1e-10)
    assert_allclose(s.sum(), 1.0, rtol=1e-12)


def test_spatial_markov_rejects_unbalanced(panel):
    with pytest.raises(InputError):
        spatial_markov(panel.iloc[1:], "gdp_pc", _panel_w(panel), unit="unit", year="year")


def test_kde_figure_curves_and_note(panel):
    fig = kde_figure(panel, "gdp_pc", years=[2015, 2022], note="simulated data")
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert [ln.get_label() for ln in lines] == ["2015", "2022"]
    assert "simulated data" in [t.get_text() for t in fig.texts]
    # independent Gaussian KDE with Scott's bandwidth h = sd * n^(-1/5)
    rel = relative_to_national(panel, "gdp_pc")
    x = rel[panel["year"] == 2022].to_numpy()
    h = x.std(ddof=1) * len(x) ** (-1 / 5)
    grid = lines[1].get_xdata()
    dens = np.exp(-0.5 * ((grid[:, None] - x[None, :]) / h) ** 2).sum(1) / (
        len(x) * h * math.sqrt(2 * math.pi))
    assert_allclose(lines[1].get_ydata(), dens, rtol=1e-10)


def test_relative_population_weighted():
    df = pd.DataFrame({"year": [1, 1], "y": [1.0, 3.0], "p": [3.0, 1.0]})
    assert_allclose(relative_to_national(df, "y", population="p"), [1 / 1.5, 3 / 1.5],
                    rtol=1e-15)


def test_kde_figure_chinese_note_uses_cjk_font(panel):
    import warnings

    fig = kde_figure(panel, "gdp_pc", years=[2015], note="注：模拟数据", xlabel="相对人均GDP")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing CJK glyph would warn while drawing
        fig.canvas.draw()
    note = [t for t in fig.texts if t.get_text() == "注：模拟数据"][0]
    assert "CJK" in note.get_fontproperties().get_name()


def test_cross_section_controls_at_mean_lstsq(panel):
    # design built by hand: const, ln y(2016), mean of x over 2016..2021; numpy least squares
    sub = panel[(panel.year >= 2016) & (panel.year <= 2021)]
    a = sub[sub.year == 2016].set_index("unit")
    b = sub[sub.year == 2021].set_index("unit").loc[a.index]
    xbar = sub.groupby("unit")["x"].mean().loc[a.index]
    X = np.column_stack([np.ones(len(a)), np.log(a["gdp_pc"]), xbar])
    coef = np.linalg.lstsq(X, np.log(b["gdp_pc"]) - np.log(a["gdp_pc"]), rcond=None)[0]
    r = beta_convergence(panel, "gdp_pc", unit="unit", year="year", start=2016, end=2021,
                         controls=["x"], controls_at="mean")
    assert_allclose(r.params.to_numpy(), coef, rtol=1e-10)
    assert r.tau == 5
