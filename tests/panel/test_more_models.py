"""SLX, SDEM, SAC and the SDM Wald / LR tests on the cigarette panel versus R, and the
random-effects likelihood versus a dense multivariate-normal evaluation.

References: tests/fixtures/panel/cigar_reference_extra.json from make_reference_extra.R (stats::lm
for the SLX with ML variance RSS/n; spatialreg::errorsarlm with the WX columns for the SDEM;
spatialreg::sacsarlm for the SAC; Wald statistics from lagsarlm's asymptotic covariance), all on the
dummy-variable stacked model.  SAC standard errors: both sides use the analytic (expected)
information matrix of Anselin (1988).  LR tests: R log-likelihoods of lagsarlm / errorsarlm in cigar_reference.json.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from aicoord.panel import SpatialPanel
from aicoord.panel.diagnostics import hausman, lr_effects_tests, sdm_tests

R_NAME = {"W_logp": "W*logp", "W_logy": "W*logy"}


def _fit(cigar, w46, model, effects):
    return SpatialPanel(cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=w46,
                        model=model, effects=effects).fit()


@pytest.mark.parametrize("model", ["slx", "sdem", "sac"])
@pytest.mark.parametrize("effects", ["individual", "twoways"])
def test_models_match_r(cigar, w46, r_extra_reference, tol, model, effects):
    ref = r_extra_reference[f"{model}_{effects}"]
    res = _fit(cigar, w46, model, effects)
    names = [R_NAME.get(k, k) for k in ref["coef"]]
    assert sorted(names) == sorted(res.params.index)
    assert_allclose(res.params[names].to_numpy(), list(ref["coef"].values()), rtol=0,
                    atol=tol.COEF)
    se_ref = [ref["se"][k] for k in ref["coef"]]
    assert_allclose(res.std_errors[names].to_numpy(), se_ref, rtol=0, atol=tol.SE)
    assert_allclose(res.loglik, ref["loglik"], rtol=0, atol=tol.LOGLIK)
    assert_allclose(res.sigma2, ref["sigma2"], rtol=tol.SIGMA2_REL)


@pytest.mark.parametrize("effects", ["individual", "twoways"])
def test_sdm_wald_and_lr_match_r(cigar, w46, r_extra_reference, r_reference, effects):
    res = _fit(cigar, w46, "sdm", effects)
    out = sdm_tests(res)
    ref = r_extra_reference[f"sdm_wald_{effects}"]
    assert_allclose(out["wald_sar"].statistic, ref["wald_sar"], rtol=1e-4)
    assert_allclose(out["wald_sem"].statistic, ref["wald_sem"], rtol=1e-4)
    ll = {m: r_reference[f"{m}_{effects}"]["loglik"] for m in ("sdm", "sar", "sem")}
    assert_allclose(out["lr_sar"].statistic, 2 * (ll["sdm"] - ll["sar"]), rtol=0, atol=1e-3)
    assert_allclose(out["lr_sem"].statistic, 2 * (ll["sdm"] - ll["sem"]), rtol=0, atol=1e-3)
    assert out["wald_sar"].df == 2
    assert_allclose(out["wald_sar"].pvalue, stats.chi2.sf(out["wald_sar"].statistic, 2))


def test_slx_sdem_effects_are_coefficients(cigar, w46):
    res = _fit(cigar, w46, "sdem", "twoways")
    imp = res.impacts()
    assert_allclose(imp.loc[("logp", "direct"), "estimate"], res.params["logp"])
    assert_allclose(imp.loc[("logp", "indirect"), "estimate"], res.params["W*logp"])
    v = res.cov.loc[["logp", "W*logp"], ["logp", "W*logp"]].to_numpy()
    assert_allclose(imp.loc[("logp", "total"), "se"], np.sqrt(v.sum()))


def test_lr_effects_tests(cigar, w46):
    out = lr_effects_tests(cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=w46)
    lls = {e: _fit(cigar, w46, "slx", e).loglik for e in ("individual", "time", "twoways")}
    # note: SLX here has WX; lr_effects_tests uses the plain non-spatial model, so refit that
    plain = {e: SpatialPanel(cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=w46,
                             model="slx", wx=[], effects=e).fit().loglik
             for e in ("individual", "time", "twoways")}
    assert lls != plain
    assert_allclose(out["individual"].statistic, 2 * (plain["twoways"] - plain["time"]))
    assert_allclose(out["time"].statistic, 2 * (plain["twoways"] - plain["individual"]))
    assert (out["individual"].df, out["time"].df) == (45, 29)


def _random_effects_five_years(cigar, w46, model):
    """RE fit on 1963-67 and the stacked (time-major) y, [1, X] and row-standardised W."""
    d = cigar[cigar["year"] <= 67]
    res = SpatialPanel(d, y="logc", x=["logp", "logy"], id="state", time="year", w=w46,
                       model=model, effects="random").fit()
    ds = d.sort_values(["year", "state"])
    x = np.column_stack([np.ones(len(ds)), ds[["logp", "logy"]].to_numpy()])
    return res, ds["logc"].to_numpy(), x, w46 / w46.sum(axis=1, keepdims=True)


def test_random_effects_loglik_is_dense_gaussian_max(cigar, w46):
    """RE SAR on 5 years: the reported log-likelihood equals the dense Gaussian log-density of
    y ~ N(A^-1 X b, A^-1 Omega A^-T), Omega = s2_mu (J_T x I_N) + s2 I, at the estimates, and
    perturbing rho or phi lowers it (a maximum)."""
    res, y, x, wr = _random_effects_five_years(cigar, w46, "sar")
    n, t = 46, 5

    def dense_ll(rho, s2mu, s2, b):
        a = np.eye(n * t) - rho * np.kron(np.eye(t), wr)
        omega = s2mu * np.kron(np.ones((t, t)), np.eye(n)) + s2 * np.eye(n * t)
        # density of y: |A| times the density of A y
        return (stats.multivariate_normal(x @ b, omega).logpdf(a @ y)
                + np.linalg.slogdet(a)[1])

    b = res.params[["const", "logp", "logy"]].to_numpy()
    ll0 = dense_ll(res.rho, res.sigma2_mu, res.sigma2, b)
    assert_allclose(res.loglik, ll0, rtol=0, atol=1e-8)
    assert dense_ll(res.rho + 1e-3, res.sigma2_mu, res.sigma2, b) < ll0
    assert dense_ll(res.rho, res.sigma2_mu * 1.05, res.sigma2, b) < ll0
    assert dense_ll(res.rho, res.sigma2_mu / 1.05, res.sigma2, b) < ll0


def test_hausman(cigar, w46):
    fe = _fit(cigar, w46, "sar", "individual")
    re = _fit(cigar, w46, "sar", "random")
    h = hausman(fe, re)
    common = ["logp", "logy", "rho"]
    dvec = (fe.params[common] - re.params[common]).to_numpy()
    v = fe.cov.loc[common, common].to_numpy() - re.cov.loc[common, common].to_numpy()
    assert h.df == 3
    assert_allclose(h.statistic, dvec @ np.linalg.pinv(v) @ dvec)


@pytest.mark.parametrize("effects", ["individual", "twoways"])
def test_fixed_effects_match_r_dummies(cigar, w46, r_extra_reference, effects):
    """Recovered effects: mu + alpha_i + gamma_t equals R's intercept + state + year dummies."""
    res = _fit(cigar, w46, "sar", effects)
    ref = np.array(r_extra_reference[f"fe_sar_{effects}"]["effect"])  # N x T
    fe = res.fixed_effects
    if effects == "individual":
        ours = np.repeat(fe["individual"].to_numpy()[:, None], 30, axis=1)
    else:
        ours = fe["mu"] + fe["individual"].to_numpy()[:, None] + fe["time"].to_numpy()[None, :]
    assert_allclose(ours, ref, rtol=0, atol=1e-5)


def test_random_effects_sem_loglik_is_dense_gaussian_max(cigar, w46):
    """RE SEM on 5 years: the reported log-likelihood equals the dense Gaussian log-density of
    y ~ N(X b, s2_mu (J_T x I_N) + s2 (I_T x (B'B)^-1)), B = I - lambda W, at the estimates,
    and perturbing lambda or s2_mu lowers it."""
    res, y, x, wr = _random_effects_five_years(cigar, w46, "sem")
    n, t = 46, 5

    def dense_ll(lam, s2mu, s2, b):
        bm = np.eye(n) - lam * wr
        omega = (s2mu * np.kron(np.ones((t, t)), np.eye(n))
                 + s2 * np.kron(np.eye(t), np.linalg.inv(bm.T @ bm)))
        return stats.multivariate_normal(x @ b, omega).logpdf(y)

    b = res.params[["const", "logp", "logy"]].to_numpy()
    ll0 = dense_ll(res.lam, res.sigma2_mu, res.sigma2, b)
    assert_allclose(res.loglik, ll0, rtol=0, atol=1e-8)
    assert dense_ll(res.lam + 1e-3, res.sigma2_mu, res.sigma2, b) < ll0
    assert dense_ll(res.lam - 1e-3, res.sigma2_mu, res.sigma2, b) < ll0
    assert dense_ll(res.lam, res.sigma2_mu * 1.05, res.sigma2, b) < ll0
    assert dense_ll(res.lam, res.sigma2_mu / 1.05, res.sigma2, b) < ll0
