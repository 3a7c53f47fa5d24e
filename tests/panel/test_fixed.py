"""SLX, SDEM and SAC with individual and two-way fixed effects on the cigarette panel versus R,
and the recovered fixed effects versus R's dummy coefficients.

References: tests/fixtures/panel/cigar_reference_extra.json from make_reference_extra.R (stats::lm
for the SLX with ML variance RSS/n; spatialreg::errorsarlm with the WX columns for the SDEM;
spatialreg::sacsarlm for the SAC), all on the dummy-variable stacked model.  SAC standard errors:
both sides use the analytic (expected) information matrix of Anselin (1988).  The SAR, SDM and SEM
are compared in test_cigar_vs_r.py.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from aicoord.panel import SpatialPanel

R_NAME = {"W_logp": "W*logp", "W_logy": "W*logy"}


def _fit(cigar, w46, model, effects):
    return SpatialPanel(
        cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=w46, model=model, effects=effects
    ).fit()


@pytest.mark.parametrize("model", ["slx", "sdem", "sac"])
@pytest.mark.parametrize("effects", ["individual", "twoways"])
def test_models_match_r(cigar, w46, r_extra_reference, tol, model, effects):
    ref = r_extra_reference[f"{model}_{effects}"]
    res = _fit(cigar, w46, model, effects)
    names = [R_NAME.get(k, k) for k in ref["coef"]]
    assert sorted(names) == sorted(res.params.index)
    assert_allclose(res.params[names].to_numpy(), list(ref["coef"].values()), rtol=0, atol=tol.COEF)
    se_ref = [ref["se"][k] for k in ref["coef"]]
    assert_allclose(res.std_errors[names].to_numpy(), se_ref, rtol=0, atol=tol.SE)
    assert_allclose(res.loglik, ref["loglik"], rtol=0, atol=tol.LOGLIK)
    assert_allclose(res.sigma2, ref["sigma2"], rtol=tol.SIGMA2_REL)


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


# ---- Lee-Yu (2010) transformation approach: standard errors against the expected information of the
# transformed likelihood, built here with dense matrices (orthonormal F_T, and F_N for two-way effects)


def _basis(n):
    """Orthonormal N x (N-1) basis of the complement of the unit vector (eigenvectors of I - 11'/N)."""
    vals, vecs = np.linalg.eigh(np.eye(n) - np.ones((n, n)) / n)
    return vecs[:, vals > 0.5]


def _lee_yu_transformed(cigar, w46, model, effects):
    """(y*, (Wy)*, Z*, W*, T') of the Lee-Yu transformed model: y* = F_T' Y F_N, W* = F_N' W F_N, with F_T the
    identity for time effects alone, F_N the identity for individual effects alone, and T' = T for time
    effects alone, T - 1 otherwise."""
    d = cigar.sort_values(["year", "state"])
    t, n = 30, 46
    w = w46 / w46.sum(axis=1, keepdims=True)
    ft = np.eye(t) if effects == "time" else _basis(t)  # time effects alone: no transformation over time
    fn = _basis(n) if effects in ("twoways", "time") else np.eye(n)
    ws = fn.T @ w @ fn

    def tr(a):  # a: T x N (period rows)
        return (ft.T @ a @ fn).ravel()

    y = d["logc"].to_numpy().reshape(t, n)
    xs = [d[v].to_numpy().reshape(t, n) for v in ("logp", "logy")]
    if model == "sdm":
        xs += [x @ w.T for x in xs]
    z = np.column_stack([tr(x) for x in xs])
    return tr(y), tr(y @ w.T), z, ws, t if effects == "time" else t - 1


@pytest.mark.parametrize(
    "model,effects",
    [
        ("sar", "twoways"),
        ("sdm", "twoways"),
        ("sar", "individual"),
        ("sem", "twoways"),
        ("sdm", "individual"),
        ("sar", "time"),
        ("sem", "time"),
    ],
)
def test_lee_yu_standard_errors_equal_expected_information(cigar, w46, model, effects):
    """Lee and Yu (2010), transformation approach: at the package's estimates the transformed
    log-likelihood (built here) equals the reported one, its score in the spatial parameter is zero, and
    the standard errors equal those of the inverse expected information of the transformed model:
    I_bb = Z*'Z*/s2, I_br = Z*'G*Z*b/s2, I_rr = |G*Z*b|^2/s2 + T' tr(G*G* + G*'G*), I_rs = T' tr G*/s2,
    I_ss = n/(2 s2^2), with G* = W*(I - rho W*)^{-1} (SEM: B*Z* for Z* and no G*Z*b terms)."""
    res = SpatialPanel(
        cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=w46, model=model, effects=effects, lee_yu=True
    ).fit()
    ys, wys, zs, ws, tp = _lee_yu_transformed(cigar, w46, model, effects)
    n_units = len(ws)
    n = len(ys)
    b = res.params.to_numpy()[:-1]
    sp_name = "lambda" if model == "sem" else "rho"
    r = res.params[sp_name]
    eye = np.eye(n_units)

    def resid(r_, b_):
        if model == "sem":
            u = ys - zs @ b_
            return u - r_ * (u.reshape(tp, n_units) @ ws.T).ravel()
        return ys - r_ * wys - zs @ b_

    def conc_ll(r_):
        if model == "sem":
            ybar = ys - r_ * (ys.reshape(tp, n_units) @ ws.T).ravel()
            zbar = zs - r_ * np.einsum("tnk,mn->tmk", zs.reshape(tp, n_units, -1), ws).reshape(zs.shape)
            b_ = np.linalg.lstsq(zbar, ybar, rcond=None)[0]
        else:
            b_ = np.linalg.lstsq(zs, ys - r_ * wys, rcond=None)[0]
        e_ = resid(r_, b_)
        return -n / 2 * (np.log(2 * np.pi * (e_ @ e_) / n) + 1) + tp * np.linalg.slogdet(eye - r_ * ws)[1]

    e = resid(r, b)
    s2 = e @ e / n
    assert n == res.nobs
    assert_allclose(res.sigma2, s2, rtol=1e-10)
    assert_allclose(res.loglik, conc_ll(r), rtol=1e-11)
    h = 1e-5
    assert abs(conc_ll(r + h) - conc_ll(r - h)) / (2 * h) < 1e-4  # the estimate is a root of the score

    g = ws @ np.linalg.inv(eye - r * ws)
    k = zs.shape[1]
    info = np.zeros((k + 2, k + 2))
    if model == "sem":
        zb = zs - r * np.einsum("tnk,mn->tmk", zs.reshape(tp, n_units, -1), ws).reshape(zs.shape)
        info[:k, :k] = zb.T @ zb / s2
        info[k, k] = tp * (np.trace(g @ g) + np.trace(g.T @ g))
    else:
        gzb = ((zs @ b).reshape(tp, n_units) @ g.T).ravel()
        info[:k, :k] = zs.T @ zs / s2
        info[:k, k] = info[k, :k] = zs.T @ gzb / s2
        info[k, k] = gzb @ gzb / s2 + tp * (np.trace(g @ g) + np.trace(g.T @ g))
    info[k, k + 1] = info[k + 1, k] = tp * np.trace(g) / s2
    info[k + 1, k + 1] = n / (2 * s2**2)
    cov = np.linalg.inv(info)
    assert_allclose(res.std_errors.to_numpy(), np.sqrt(np.diag(cov))[:-1], rtol=1e-7)
    assert_allclose(res.sigma2_se, np.sqrt(cov[-1, -1]), rtol=1e-7)


@pytest.mark.parametrize("effects", ["time", "twoways"])
@pytest.mark.parametrize("offset", [-8e-7, 5e-6, -4e-5])
def test_lee_yu_score_polishes_a_search_that_stopped_short(cigar, w46, monkeypatch, effects, offset):
    """With the Lee-Yu correction for time effects the score carries the derivative of ``-T log(1 - rho)``:
    a bounded search stopped up to 1e-4 short of the maximum (forced here) ends at the same rho to 1e-12."""
    import aicoord.panel.likelihood as likelihood

    kw = dict(y="logc", x=["logp", "logy"], id="state", time="year", w=w46, model="sar", effects=effects, lee_yu=True)
    exact = SpatialPanel(cigar, **kw).fit().rho
    monkeypatch.setattr(likelihood, "minimize_bounded", lambda f, a, b, **o: (exact + offset, f(exact + offset)))
    assert abs(SpatialPanel(cigar, **kw).fit().rho - exact) < 1e-12
