"""Tests of aicoord.markov (spatial Markov chains) against an independent count on a lattice."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from libpysal.weights import W, lat2W
from numpy.testing import assert_allclose

from aicoord.errors import InputError
from aicoord.markov import spatial_markov

FIX = Path(__file__).parent / "fixtures" / "measures"


@pytest.fixture(scope="module")
def panel():
    return pd.read_csv(FIX / "convergence_panel.csv")


def _panel_w(panel):
    base = lat2W(3, 4)  # rook contiguity on a 3 x 4 lattice, ids 0..11
    name = {i: f"u{i:02d}" for i in range(12)}
    return W(
        {name[i]: [name[j] for j in nb] for i, nb in base.neighbors.items()},
        id_order=[name[i] for i in range(12)],
        silence_warnings=True,
    )


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


def _counts(panel, w, k, relative=True):
    """Transition counts by lag class (m = k, pooled quantiles), counted here without giddy."""
    v = panel["gdp_pc"] / panel.groupby("year")["gdp_pc"].transform("mean") if relative else panel["gdp_pc"]
    ids = list(w.id_order)
    y = panel.assign(r=v).pivot(index="unit", columns="year", values="r").loc[ids].to_numpy()
    full, _ = w.full()
    lag = full / full.sum(axis=1, keepdims=True) @ y
    q = np.arange(1, k + 1) / k
    cls = np.searchsorted(np.quantile(y, q), y, side="left")
    lcls = np.searchsorted(np.quantile(lag, q), lag, side="left")
    t = np.zeros((k, k, k))
    for i in range(y.shape[0]):
        for s in range(y.shape[1] - 1):
            t[lcls[i, s], cls[i, s], cls[i, s + 1]] += 1
    return t


def _homogeneity(t):
    """Bickenbach and Bode (2003) Q and LR statistics of the hypothesis that the transition matrices of
    the lag classes equal the pooled one, with dof = sum_i (regimes with row i observed - 1) x (non-zero
    pooled entries of row i - 1); chi-square p-values (upper tail)."""
    from scipy.stats import chi2

    pooled = t.sum(axis=0)
    n_i = pooled.sum(axis=1)
    p = np.divide(pooled, n_i[:, None], out=np.zeros_like(pooled), where=n_i[:, None] > 0)
    q = lr = 0.0
    for tl in t:
        n_li = tl.sum(axis=1)
        for i in range(t.shape[1]):
            if n_li[i] == 0:
                continue
            for j in range(t.shape[2]):
                p_l = tl[i, j] / n_li[i]
                if p[i, j] > 0:
                    q += n_li[i] * (p_l - p[i, j]) ** 2 / p[i, j]
                if tl[i, j] > 0:
                    lr += 2 * tl[i, j] * np.log(p_l / p[i, j])
    regimes = (t.sum(axis=2) > 0).sum(axis=0)
    dof = int(((regimes - 1) * ((pooled > 0).sum(axis=1) - 1)).sum())
    return q, chi2.sf(q, dof), lr, chi2.sf(lr, dof), dof


def _stationary(p):
    """Left eigenvector of P for eigenvalue 1, summing to one (solve s (P - I) = 0 with sum s = 1)."""
    k = len(p)
    a = np.vstack([(p - np.eye(k)).T, np.ones(k)])
    return np.linalg.lstsq(a, np.r_[np.zeros(k), 1.0], rcond=None)[0]


@pytest.mark.parametrize("relative", [True, False])
def test_homogeneity_tests_and_steady_states_independent(panel, relative):
    """Q and LR homogeneity statistics, their degrees of freedom and p-values, and the steady state of
    every lag class's chain, against the computation above on independently counted transitions;
    ``relative=False`` classifies the raw levels (whose quantile classes differ from the relative ones)."""
    w = _panel_w(panel)
    k = 3
    res = spatial_markov(panel, "gdp_pc", w, unit="unit", year="year", k=k, relative=relative)
    t = _counts(panel, w, k, relative)
    tr = res["transitions"]
    for c in range(k):
        sub = tr[tr["lag_class"] == c + 1].sort_values(["from_class", "to_class"])
        assert_allclose(sub["count"].to_numpy().reshape(k, k), t[c], rtol=0, atol=0)
    q, q_p, lr, lr_p, dof = _homogeneity(t)
    row = res["tests"].iloc[0]
    assert row["dof"] == dof
    assert_allclose([row["Q"], row["LR"]], [q, lr], rtol=1e-12)
    assert_allclose([row["Q_p_value"], row["LR_p_value"]], [q_p, lr_p], rtol=1e-9, atol=1e-15)
    ss = res["steady_state"]
    unique = 0
    for c in range(k):
        got = ss[ss["lag_class"].astype(str) == str(c + 1)].sort_values("class")["probability"].to_numpy()
        if not (t[c].sum(axis=1) > 0).all():
            continue  # a class never observed in this lag class: not a stochastic matrix
        p = t[c] / t[c].sum(axis=1, keepdims=True)
        if np.linalg.matrix_rank(p - np.eye(k)) < k - 1:  # several closed classes: no unique steady state
            assert len(got) == 0
            continue
        assert_allclose(got, _stationary(p), rtol=1e-8, atol=1e-12)
        unique += 1
    assert unique >= 1
    pooled = t.sum(axis=0)
    got = ss[ss["lag_class"].astype(str) == "all"].sort_values("class")["probability"].to_numpy()
    assert_allclose(got, _stationary(pooled / pooled.sum(axis=1, keepdims=True)), rtol=1e-8, atol=1e-12)


def test_relative_and_raw_levels_differ(panel):
    """The relative classification is not the raw one on this panel (the two tests above are not the same
    test twice)."""
    w = _panel_w(panel)
    assert not np.array_equal(_counts(panel, w, 3, True), _counts(panel, w, 3, False))
