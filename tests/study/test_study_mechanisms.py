"""Mechanism analysis: the chain-product identity, effects against dense matrices, the fallback rule,
the diagnostics adapter and the agreement count."""

import numpy as np
import pandas as pd
import pytest

from aicoord.study import add_agreement, mechanism
from aicoord.study._common import as_row, dense_w, effects_of, rho_bounds
from helpers import study_kw


def _S(W, rho, b, th):
    n = W.shape[0]
    return np.linalg.solve(np.eye(n) - rho * W, b * np.eye(n) + th * W)


def test_chain_total_equals_product_of_totals_dense(runs, demos, queen):
    """Mean row sum of the dense product S_y S_M = total(AI→M) · total(M→y) (row-standardised W)."""
    ids = sorted(demos["A"][0]["code"].astype(str).unique())
    W = dense_w(queen, ids)
    for name, m in runs["A"]["mechanisms"].items():
        pm, py = m.mechanism_fit.params, m.outcome_fit.params
        S_m = _S(W, pm.get("rho", 0.0), pm["ai_index"], pm["W*ai_index"])
        S_y = _S(W, py["rho"], py[name], py[f"W*{name}"])
        chain = (S_y @ S_m).sum() / W.shape[0]
        assert chain == pytest.approx(m.mediated["estimate"], rel=1e-10, abs=1e-14), name
        # and each total is the mean row sum of its own S
        assert m.ai_on_channel.loc["total", "estimate"] == pytest.approx(S_m.sum() / W.shape[0], rel=1e-10)
        assert m.channel_on_y.loc["total", "estimate"] == pytest.approx(S_y.sum() / W.shape[0], rel=1e-10)


def test_chain_identity_fails_without_row_standardisation(queen, demos):
    """The identity needs equal row sums: with a binary (unstandardised) W it does not hold."""
    ids = sorted(demos["A"][0]["code"].astype(str).unique())
    B = dense_w(queen, ids, standardize=False)
    B = B / np.abs(np.linalg.eigvals(B)).max()  # scaled, still unequal row sums
    S1, S2 = _S(B, 0.3, 1.0, 0.5), _S(B, -0.2, 0.4, 0.2)
    n = B.shape[0]
    assert abs((S2 @ S1).sum() / n - (S1.sum() / n) * (S2.sum() / n)) > 1e-3


def test_eigenvalue_effects_equal_dense(queen, demos):
    ids = sorted(demos["A"][0]["code"].astype(str).unique())
    W = dense_w(queen, ids)
    om = rho_bounds(W)[2]
    par = pd.Series({"x": 0.7, "W*x": -0.3, "rho": 0.45})
    S = _S(W, 0.45, 0.7, -0.3)
    e = effects_of(par, "x", "sdm", om)
    n = W.shape[0]
    assert e["direct"] == pytest.approx(np.trace(S) / n, rel=1e-12)
    assert e["total"] == pytest.approx(S.sum() / n, rel=1e-12)
    assert e["indirect"] == pytest.approx((S.sum() - np.trace(S)) / n, rel=1e-12)
    slx = effects_of(par, "x", "slx", om)
    assert (slx["direct"], slx["indirect"]) == pytest.approx((0.7, -0.3))
    sem = effects_of(pd.Series({"x": 0.7, "lambda": 0.4}), "x", "sem", om)
    assert (sem["direct"], sem["indirect"], sem["total"]) == pytest.approx((0.7, 0.0, 0.7))


def test_monte_carlo_draws_are_joint_and_seeded(runs, demos, queen):
    m = runs["A"]["mechanisms"]["industrial_upgrading"]
    np.testing.assert_allclose(m.mediated_draws, m.a_draws * m.b_draws)
    again = mechanism(demos["A"][0], mechanism="industrial_upgrading", **study_kw(queen), draws=2000, seed=2)
    np.testing.assert_array_equal(again.mediated_draws, m.mediated_draws)
    # independent draws: the two totals are (nearly) uncorrelated across draws
    assert abs(np.corrcoef(m.a_draws, m.b_draws)[0, 1]) < 0.1


def test_fallback_to_slx_when_rho_on_the_bound(demos, queen):
    """The rule: rho within bound_tol × (interval length) of a bound → SLX; bound_tol = 0.6 forces it."""
    m = mechanism(demos["A"][0], mechanism="value_chain", **study_kw(queen), draws=200, seed=1, bound_tol=0.6)
    assert m.mechanism_model == "slx" and "bound" in m.fallback_reason
    assert "rho" not in m.mechanism_fit.params.index
    # SLX effects: direct = beta, indirect = theta
    p = m.mechanism_fit.params
    assert m.ai_on_channel.loc["indirect", "estimate"] == pytest.approx(p["W*ai_index"])
    ok = mechanism(demos["A"][0], mechanism="value_chain", **study_kw(queen), draws=200, seed=1)
    assert ok.mechanism_model == "sdm" and ok.fallback_reason == ""


def test_fallback_when_the_fit_fails(demos, queen, monkeypatch):
    """An SDM fit that raises (e.g. the engine's EstimationError) → SLX, with the reason recorded."""
    import aicoord.study.mechanisms as mm

    real = mm.fit_panel

    def failing(data, y, x, unit, time, W, model="sdm", **kw):
        if y == "regional_brand" and model == "sdm":
            raise RuntimeError("no maximum of the likelihood found")
        return real(data, y, x, unit, time, W, model=model, **kw)

    monkeypatch.setattr(mm, "fit_panel", failing)
    m = mechanism(demos["A"][0], mechanism="regional_brand", **study_kw(queen), draws=200, seed=1)
    assert m.mechanism_model == "slx" and "fit failed" in m.fallback_reason
    assert m.outcome_fit.model.model == "sdm"  # the outcome equation is unaffected


def test_adapter_reads_dicts_and_test_result_objects():
    class TestResult:
        statistic, df, pvalue, null = 3.2, 2, 0.2019, "theta = 0"

    a = as_row("wald", {"statistic": 3.2, "df": 2, "p": 0.2019})
    b = as_row("wald", TestResult())
    assert {k: a[k] for k in ("statistic", "df", "p")} == {k: b[k] for k in ("statistic", "df", "p")}
    assert b["null"] == "theta = 0"


def test_add_agreement_counts_variants(runs):
    tab = runs["A"]["verdict"]
    grid = pd.DataFrame(
        {
            "mechanism": ["baseline", "baseline", "value_chain", "value_chain", "value_chain"],
            "verdict": [tab.iloc[0]["verdict"], "hinders", "inconclusive", "promotes", "inconclusive"],
        }
    )
    out = add_agreement(tab, grid).set_index("mechanism")
    assert (out.loc["baseline", "variants_agree"], out.loc["baseline", "variants"]) == (1, 2)
    vc = tab.set_index("mechanism").loc["value_chain", "verdict"]
    assert out.loc["value_chain", "variants_agree"] == int((grid["verdict"][2:] == vc).sum())
    assert out.loc["regional_brand", "variants"] == 0
