"""Holm / Benjamini-Hochberg adjustment, mediation share and suppression, and the local/spillover split of
the mediated effect, against hand computations and the dense N x N product S_y S_M."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from aicoord.study.mediation_parts import adjust_pvalues, local_spillover, mediation_share


def test_holm_by_hand():
    # sorted p: 0.01, 0.02, 0.03, 0.04 (m = 4): 4*0.01 = 0.04, 3*0.02 = 0.06, 2*0.03 = 0.06, 1*0.04 = 0.04 -> 0.06
    p = [0.03, 0.01, 0.04, 0.02]
    assert_allclose(adjust_pvalues(p, "holm"), [0.06, 0.04, 0.06, 0.06], rtol=1e-15)
    assert_allclose(adjust_pvalues([0.5, 0.4], "holm"), [0.8, 0.8])  # 2*0.4 = 0.8, max(0.8, 0.5)
    assert_allclose(adjust_pvalues([0.9, 0.8], "holm"), [1.0, 1.0])  # capped at one


def test_bh_by_hand():
    # sorted p: 0.01, 0.02, 0.03, 0.04 (m = 4): 4p/j = 0.04, 0.04, 0.04, 0.04
    assert_allclose(adjust_pvalues([0.03, 0.01, 0.04, 0.02], "bh"), [0.04] * 4, rtol=1e-15)
    # 0.01, 0.04, 0.05 (m = 3): 0.03, 0.06, 0.05 -> step-up minimum: 0.03, 0.05, 0.05
    assert_allclose(adjust_pvalues([0.05, 0.01, 0.04], "bh"), [0.05, 0.03, 0.05], rtol=1e-15)


def test_nan_left_out_and_none():
    out = adjust_pvalues([0.01, np.nan, 0.02], "holm")
    assert np.isnan(out[1]) and out[0] == pytest.approx(0.02) and out[2] == pytest.approx(0.02)
    assert_allclose(adjust_pvalues([0.3, 0.2], "none"), [0.3, 0.2])
    with pytest.raises(ValueError):
        adjust_pvalues([0.1], "bonf")


def test_share_and_suppression_by_hand():
    assert mediation_share(-0.02, -0.06) == (pytest.approx(0.25), False)  # -0.02 / -0.08
    assert mediation_share(0.03, -0.06) == (pytest.approx(0.5), True)  # |0.03 / -0.06|, opposite signs


def test_local_spillover_equals_dense_product():
    rng = np.random.default_rng(0)
    n = 12
    w = (rng.random((n, n)) < 0.3).astype(float)
    np.fill_diagonal(w, 0)
    w[w.sum(1) == 0, 0] = 1.0
    w[0, 1] = 1.0
    W = w / w.sum(1, keepdims=True)
    a, a_w, rho_m, b, b_w, rho_y = 0.03, 0.01, 0.2, -0.15, -0.05, 0.35
    I = np.eye(n)
    S = (np.linalg.solve(I - rho_y * W, b * I + b_w * W)) @ np.linalg.solve(I - rho_m * W, a * I + a_w * W)
    omega = np.linalg.eigvals(W)
    loc, spill, tot = local_spillover(omega, a, a_w, rho_m, b, b_w, rho_y)
    assert_allclose(loc, np.trace(S) / n, rtol=1e-10)
    assert_allclose(tot, S.sum() / n, rtol=1e-10)
    assert_allclose(spill, S.sum() / n - np.trace(S) / n, rtol=1e-10)
    # draws: vectorised, same as the scalar evaluation row by row
    locs, _, tots = local_spillover(omega, [a, 2 * a], a_w, rho_m, b, b_w, [rho_y, 0.1])
    assert_allclose(locs[1], local_spillover(omega, 2 * a, a_w, rho_m, b, b_w, 0.1)[0], rtol=1e-12)
    assert_allclose(tots[0], tot, rtol=1e-12)


def test_verdict_carries_split_share_and_holm(runs):
    """On the demo study (setting A): local + spillover = the mediated total effect; share and suppression
    follow from the mediated effect and AI's total effect holding the channel fixed; p_adjusted is Holm of p."""
    tab = runs["A"]["verdict"]
    for c in ("p", "p_adjusted", "mediated_local", "mediated_spillover", "mediation_share", "suppression"):
        assert c in tab.columns
    assert_allclose(tab["p_adjusted"], adjust_pvalues(tab["p"], "holm"), rtol=1e-15)
    mech = tab[tab["mechanism"] != "baseline"]
    assert_allclose(mech["mediated_local"] + mech["mediated_spillover"], mech["effect"], rtol=1e-9, atol=1e-14)
    for m in runs["A"]["mechanisms"].values():
        share, sup = mediation_share(m.mediated["estimate"], m.ai_on_y.loc["total", "estimate"])
        assert m.mediated["share"] == pytest.approx(share) and m.mediated["suppression"] == sup
