"""Agreement with PySAL spreg 1.9.

* ``spreg.Panel_FE_Lag`` (ML spatial lag panel with individual fixed effects; spreg 1.9 has no
  ``slx_lags`` option for it, so the SDM is fitted by passing the W-lagged regressors as columns).
  Its log-likelihood is reported on another scale and its line search stops at ~3e-8 in rho, so
  coefficients are compared at TOL.SPREG_COEF, standard errors at TOL.SE.
* Effects point estimates: computed here from spreg's estimates with the dense inverse
  ``(I - rho W)^{-1}`` (LeSage-Pace definition), independent of the engine's eigenvalue formulas.
* LM tests: for the pooled model and individual effects the panel LM statistics equal the
  cross-sectional ones of ``spreg.OLS(spat_diag=True)`` on the stacked (demeaned) data with the
  block-diagonal ``kron(I_T, W)``, because individual demeaning commutes with ``I_T (x) W``.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose

from aicoord.panel import SpatialPanel
from aicoord.panel.diagnostics import lm_tests

libpysal = pytest.importorskip("libpysal")
spreg = pytest.importorskip("spreg")


def _spreg_w(w):
    wl = libpysal.weights.full2W(w)
    wl.transform = "r"
    return wl


@pytest.mark.parametrize("model", ["sar", "sdm"])
def test_panel_fe_lag(cigar, w46, tol, model):
    d = cigar.sort_values(["year", "state"])
    t = d["year"].nunique()
    wr = w46 / w46.sum(axis=1, keepdims=True)
    x = d[["logp", "logy"]].to_numpy()
    if model == "sdm":
        x = np.column_stack([x, sp.kron(sp.identity(t), wr) @ x])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = spreg.Panel_FE_Lag(d[["logc"]].to_numpy(), x, _spreg_w(w46), epsilon=1e-12)
    res = SpatialPanel(
        cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=w46, model=model, effects="individual"
    ).fit()
    assert_allclose(res.params.to_numpy(), ref.betas.ravel(), rtol=0, atol=tol.SPREG_COEF)
    assert_allclose(res.std_errors.to_numpy(), np.sqrt(np.diag(ref.vm)), rtol=0, atol=tol.SE)
    assert_allclose(res.sigma2, float(np.ravel(ref.sig2)[0]), rtol=1e-5)
    # effects at spreg's estimates, by dense inversion
    b = ref.betas.ravel()
    rho = b[-1]
    a = np.linalg.inv(np.eye(46) - rho * wr)
    imp = res.impacts(draws=200, seed=3)
    for j, var in enumerate(["logp", "logy"]):
        s = a * b[j] + (a @ wr * b[j + 2] if model == "sdm" else 0)
        direct, total = np.trace(s) / 46, s.sum() / 46
        assert_allclose(imp.loc[(var, "direct"), "estimate"], direct, atol=tol.SPREG_COEF * 10)
        assert_allclose(imp.loc[(var, "total"), "estimate"], total, atol=tol.SPREG_COEF * 10)
        assert_allclose(imp.loc[(var, "indirect"), "estimate"], total - direct, atol=tol.SPREG_COEF * 10)


@pytest.mark.parametrize("effects", ["none", "individual"])
def test_lm_tests_vs_spreg_ols(cigar, w46, tol, effects):
    d = cigar.sort_values(["year", "state"])
    t = d["year"].nunique()
    y = d["logc"].to_numpy().reshape(t, 46)
    x = d[["logp", "logy"]].to_numpy().reshape(t, 46, 2)
    if effects == "individual":
        y = y - y.mean(axis=0)
        x = x - x.mean(axis=0)
    wbig = libpysal.weights.WSP(sp.kron(sp.identity(t), w46 / w46.sum(axis=1, keepdims=True)).tocsr()).to_W(
        silence_warnings=True
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ols = spreg.OLS(y.reshape(-1, 1), x.reshape(-1, 2), w=wbig, spat_diag=True)
    ours = lm_tests(cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=w46, effects=effects)
    assert_allclose(ours["lm_lag"].statistic, ols.lm_lag[0], rtol=1e-8)
    assert_allclose(ours["lm_error"].statistic, ols.lm_error[0], rtol=1e-8)
    assert_allclose(ours["robust_lm_lag"].statistic, ols.rlm_lag[0], rtol=1e-8)
    assert_allclose(ours["robust_lm_error"].statistic, ols.rlm_error[0], rtol=1e-8)
    assert_allclose(ours["lm_lag"].pvalue, ols.lm_lag[1], rtol=1e-6, atol=1e-300)
