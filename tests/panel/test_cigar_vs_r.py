"""SAR, SDM and SEM with none / individual / time / two-way effects on the cigarette panel versus
exact ML of the dummy-variable model in R spatialreg (lagsarlm / errorsarlm, method "eigen", on the
stacked NT rows with kronecker(I_T, W) and explicit state and year dummies).
Reference: tests/fixtures/panel/cigar_reference.json, made by make_reference.R.

Log-likelihood: the within (demeaned) concentrated likelihood with n = NT observations and
T log|I - rho W| equals the dummy-variable log-likelihood exactly (the dummy coefficients are
concentrated out, leaving the same residuals and sigma2 = e'e/NT), so no constant separates them.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from aicoord.panel import SpatialPanel

CASES = [(m, e) for m in ("sar", "sdm", "sem") for e in ("none", "individual", "time", "twoways")]
R_NAME = {"(Intercept)": "const", "W_logp": "W*logp", "W_logy": "W*logy"}


@pytest.fixture(scope="module")
def fits(cigar, w46):
    out = {}
    for m, e in CASES:
        out[m, e] = SpatialPanel(
            cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=w46, model=m, effects=e
        ).fit()
    return out


@pytest.mark.parametrize("model,effects", CASES)
def test_estimates_match_r(fits, r_reference, tol, model, effects):
    ref = r_reference[f"{model}_{effects}"]
    res = fits[model, effects]
    names = [R_NAME.get(k, k) for k in ref["coef"]]
    assert sorted(names) == sorted(res.params.index)
    assert_allclose(res.params[names].to_numpy(), list(ref["coef"].values()), rtol=0, atol=tol.COEF)
    assert_allclose(res.std_errors[names].to_numpy(), [ref["se"][k] for k in ref["coef"]], rtol=0, atol=tol.SE)
    assert_allclose(res.loglik, ref["loglik"], rtol=0, atol=tol.LOGLIK)
    assert_allclose(res.sigma2, ref["sigma2"], rtol=tol.SIGMA2_REL)


@pytest.mark.parametrize("model,effects", [c for c in CASES if c[0] != "sem"])
def test_impacts_match_r(fits, r_reference, tol, model, effects):
    """Point effects are exact functions of (beta, theta, rho); simulated SE agree within
    simulation error (see TOL.IMPACT_SE_REL).  R: spatialreg::impacts(R = 1000) for SAR; for the
    SDM (whose WX enter lagsarlm as ordinary regressors) the same simulation done explicitly in
    make_reference.R from the fitted asymptotic covariance."""
    ref = r_reference[f"{model}_{effects}"]
    imp = fits[model, effects].impacts(draws=1000, seed=1)
    for kind in ("direct", "indirect", "total"):
        for var in ("logp", "logy"):
            assert_allclose(imp.loc[(var, kind), "estimate"], ref["impacts"][kind][var], rtol=0, atol=tol.IMPACT)
            assert_allclose(imp.loc[(var, kind), "se"], ref["impacts_se"][kind][var], rtol=tol.IMPACT_SE_REL)


@pytest.mark.parametrize("effects", ["none", "individual", "time", "twoways"])
def test_lm_tests_match_r(cigar, w46, r_lm_reference, effects):
    """LM-lag, LM-error and their robust forms equal R spdep::lm.LMtests on the dummy-variable
    regression with block-diagonal weights (make_reference_lm.R), for every kind of effects.
    Observed agreement is 5e-8 relative or better; R works on the 77-column dummy design, we on
    the within-transformed data, so agreement is to rounding, not to the last bit."""
    from aicoord.panel.diagnostics import lm_tests

    ref = r_lm_reference[effects]
    ours = lm_tests(cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=w46, effects=effects)
    for name, value in ref.items():
        assert_allclose(ours[name].statistic, value, rtol=1e-6)


#: draws of the delta-method comparison: the simulated SE (an SD of DRAWS normal-theory draws) has a relative
#: standard error of about 1/sqrt(2 (DRAWS - 1)) = 0.5%
DRAWS = 20_000


def _dense_effects(w, theta, k, has_theta):
    """(direct, indirect, total) of every regressor from the parameter vector (beta, theta, rho) with the
    dense N x N matrices S_k = (I - rho W)^{-1} (beta_k I + theta_k W)."""
    beta, rho = theta[:k], theta[-1]
    th = theta[k : 2 * k] if has_theta else np.zeros(k)
    a = np.linalg.inv(np.eye(len(w)) - rho * w)
    out = []
    for j in range(k):
        s = a @ (beta[j] * np.eye(len(w)) + th[j] * w)
        d, t = np.mean(np.diag(s)), np.mean(s.sum(axis=1))
        out += [d, t - d, t]
    return np.array(out)


@pytest.mark.parametrize("model,effects", [("sar", "individual"), ("sdm", "twoways"), ("sdm", "none"), ("sar", "time")])
def test_simulated_effect_se_match_delta_method(fits, w46, model, effects):
    """The simulated standard errors of the effects agree with the delta-method ones, g' V g with the
    gradient g of the dense effects function taken here by central differences and V the estimated
    covariance of (beta, theta, rho). Tolerance: 4 simulation SDs (0.5% each with 20,000 draws) plus 1% for the
    curvature of the effects in rho, which the delta method ignores; a simulation from a diagonal V, or one
    that dropped the covariance of beta and rho, misses by far more."""
    res = fits[model, effects]
    names = ["logp", "logy"] + (["W*logp", "W*logy"] if model == "sdm" else []) + ["rho"]
    theta = res.params[names].to_numpy()
    v = res.cov.loc[names, names].to_numpy()
    w = w46 / w46.sum(axis=1, keepdims=True)
    f = lambda p: _dense_effects(w, p, 2, model == "sdm")  # noqa: E731
    grad = np.empty((len(f(theta)), len(theta)))
    for i in range(len(theta)):
        h = 1e-6 * max(1.0, abs(theta[i]))
        up, down = theta.copy(), theta.copy()
        up[i] += h
        down[i] -= h
        grad[:, i] = (f(up) - f(down)) / (2 * h)
    delta = np.sqrt(np.einsum("ij,jk,ik->i", grad, v, grad))
    imp = res.impacts(draws=DRAWS, seed=3)
    sim = np.array([imp.loc[(var, kind), "se"] for var in ("logp", "logy") for kind in ("direct", "indirect", "total")])
    assert_allclose(sim, delta, rtol=4 / np.sqrt(2 * (DRAWS - 1)) + 0.01)
