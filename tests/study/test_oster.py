"""Oster's (2019) bound (aicoord.study.oster): the formula by hand, the delta that sets the coefficient to zero,
recovery of a known effect under equal selection on observables and unobservables in a seeded simulation, and
the panel function equal to least squares on the two-way demeaned data computed here."""

import numpy as np
import pandas as pd
import pytest

from aicoord.study.oster import oster_beta, oster_bound


def test_formula_and_delta_for_zero_by_hand():
    # beta* = 1.4 - 1 * (1.8 - 1.4) * (0.65 - 0.5) / (0.5 - 0.3) = 1.4 - 0.4 * 0.75 = 1.1
    assert oster_beta(1.8, 0.3, 1.4, 0.5, 0.65, 1.0) == pytest.approx(1.1, rel=1e-14)
    d0 = 1.4 * (0.5 - 0.3) / ((1.8 - 1.4) * (0.65 - 0.5))
    assert oster_beta(1.8, 0.3, 1.4, 0.5, 0.65, d0) == pytest.approx(0.0, abs=1e-12)


def test_recovers_the_truth_under_equal_selection():
    """y = x + w1 + w2 + e, x = (w1 + w2)/2 + v, w2 unobserved: selection on w2 equals that on w1 (delta = 1);
    with R_max the R² of the full regression, beta* lands on the true 1.0 where the controlled OLS is 1.4
    (20 seeded samples of 20,000: mean within 3 Monte Carlo SEs of 1.0, and each within 0.05)."""
    rng = np.random.default_rng(2019)
    out = []
    for _ in range(20):
        n = 20000
        w1, w2 = rng.normal(size=n), rng.normal(size=n)
        x = 0.5 * w1 + 0.5 * w2 + rng.normal(size=n)
        y = x + w1 + w2 + rng.normal(size=n)

        def ols(*cols, y=y, n=n):
            X = np.column_stack([np.ones(n), *cols])
            b = np.linalg.lstsq(X, y, rcond=None)[0]
            e = y - X @ b
            return b[1], 1 - e @ e / ((y - y.mean()) @ (y - y.mean()))

        (b0, r0), (b1, r1), (_, rf) = ols(x), ols(x, w1), ols(x, w1, w2)
        assert b1 == pytest.approx(1.4, abs=0.05)
        out.append(oster_beta(b0, r0, b1, r1, rf, 1.0))
    out = np.array(out)
    assert abs(out.mean() - 1.0) < 3 * out.std(ddof=1) / np.sqrt(len(out))
    assert np.abs(out - 1.0).max() < 0.05


def test_panel_bound_is_least_squares_on_the_within_data():
    rng = np.random.default_rng(7)
    units, years = [f"{i:02d}" for i in range(12)], list(range(2010, 2018))
    d = pd.DataFrame([(u, t) for u in units for t in years], columns=["code", "year"])
    d["c1"], d["c2"] = rng.normal(size=len(d)), rng.normal(size=len(d))
    d["ai"] = d["c1"] + rng.normal(size=len(d)) + d["code"].astype(int) * 0.1
    d["y"] = 0.5 * d["ai"] + d["c1"] - d["c2"] + rng.normal(size=len(d)) + d["year"] * 0.01
    res = oster_bound(d, y="y", ai="ai", controls=["c1", "c2"], unit="code", time="year")
    z = d[["y", "ai", "c1", "c2"]].copy()
    for g in ("code", "year"):
        z = z - z.groupby(d[g]).transform("mean")
    yy = z["y"].to_numpy()

    def fit(cols):
        X = z[cols].to_numpy()
        b = np.linalg.solve(X.T @ X, X.T @ yy)
        e = yy - X @ b
        return b[0], 1 - e @ e / (yy @ yy)

    (b0, r0), (b1, r1) = fit(["ai"]), fit(["ai", "c1", "c2"])
    assert res["beta_short"] == pytest.approx(b0, rel=1e-10) and res["beta_controlled"] == pytest.approx(b1, rel=1e-10)
    assert res["r_max"] == pytest.approx(min(1.3 * r1, 1.0), rel=1e-10)
    assert res["beta_star"] == pytest.approx(b1 - (b0 - b1) * (res["r_max"] - r1) / (r1 - r0), rel=1e-10)
    assert (res["set_low"], res["set_high"]) == tuple(sorted((res["beta_controlled"], res["beta_star"])))


def test_r_max_is_capped_at_one_when_the_controls_explain_most_of_the_outcome():
    """R_max = min(1.3 R̃², 1): with controls explaining some 95% of the within variation of y, 1.3 R̃² exceeds 1
    and R_max is 1 exactly; with a weak fit it is 1.3 R̃²."""
    rng = np.random.default_rng(11)
    units, years = [f"{i:02d}" for i in range(10)], list(range(2010, 2016))
    d = pd.DataFrame([(u, t) for u in units for t in years], columns=["code", "year"])
    d["c1"] = rng.normal(size=len(d))
    d["ai"] = 0.5 * d["c1"] + rng.normal(size=len(d))
    d["y"] = d["ai"] + 3 * d["c1"] + 0.2 * rng.normal(size=len(d))
    strong = oster_bound(d, y="y", ai="ai", controls=["c1"], unit="code", time="year")
    assert 1.3 * strong["r2_controlled"] > 1 and strong["r_max"] == 1.0
    d["y"] = 0.1 * d["ai"] + 0.1 * d["c1"] + rng.normal(size=len(d))
    weak = oster_bound(d, y="y", ai="ai", controls=["c1"], unit="code", time="year")
    assert weak["r_max"] == pytest.approx(1.3 * weak["r2_controlled"], rel=1e-14) and weak["r_max"] < 1
