"""Specification tests for spatial panels.

* LM-lag, LM-error and their robust versions on the non-spatial panel (pooled, individual, time
  or two-way fixed effects): Anselin, Bera, Florax and Yoon (1996) in the panel form of Elhorst
  (2014, section 3.5; Debarsy and Ertur 2010).  Spatial lags are taken on raw data, then demeaned.
* LR tests of the joint significance of individual and of time fixed effects (non-spatial model).
* Wald and LR tests of ``theta = 0`` (SDM -> SAR) and ``theta + rho beta = 0`` (SDM -> SEM).
* Hausman test of fixed against random effects.

Every test gives a :class:`~aicoord.panel.results.TestResult` (statistic, degrees of freedom,
p-value, null hypothesis); functions that run several tests give a dict of them.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
from scipy import special

from ..errors import InputError
from .data import demean, scaled_design
from .model import SpatialPanel
from .results import TestResult

__all__ = ["lm_tests", "lr_effects_tests", "sdm_tests", "hausman"]

_NULL = {
    "lm_lag": "rho = 0 (no spatial lag) in the non-spatial panel model",
    "lm_error": "lambda = 0 (no spatial error) in the non-spatial panel model",
    "robust_lm_lag": "rho = 0, robust to a local spatial error",
    "robust_lm_error": "lambda = 0, robust to a local spatial lag",
    "lr_individual": "no individual fixed effects (given time fixed effects)",
    "lr_time": "no time fixed effects (given individual fixed effects)",
    "wald_sar": "theta = 0: the SDM reduces to the SAR",
    "lr_sar": "theta = 0: the SDM reduces to the SAR",
    "wald_sem": "theta + rho beta = 0: the SDM reduces to the SEM",
    "lr_sem": "theta + rho beta = 0: the SDM reduces to the SEM",
    "hausman": "the random effects are uncorrelated with the regressors (random effects "
    "consistent, no systematic difference from fixed effects)",
}


def _chi2(name, stat, df, null_key=None):
    return TestResult(name, float(stat), int(df), float(special.chdtrc(df, stat)), _NULL[null_key or name])


def lm_tests(data, y, x, id, time, w, effects="none", standardize=True):
    """LM tests for a spatial lag or a spatial error in the non-spatial panel model.

    Parameters
    ----------
    data, y, x, id, time, w, standardize
        As in :class:`aicoord.panel.SpatialPanel`.
    effects : {"none", "individual", "time", "twoways"}

    Returns
    -------
    dict of TestResult
        ``lm_lag``, ``lm_error``, ``robust_lm_lag``, ``robust_lm_error``, each with one degree
        of freedom.

    Notes
    -----
    With residuals ``e`` of the within OLS regression, ``s2 = e'e/NT``, ``T_W = sum_t
    tr(W_t'W_t + W_t W_t)`` and ``J = [(W X b)' M (W X b) + T_W s2] / s2``:
    ``LM_lag = (e'Wy/s2)^2 / J``, ``LM_err = (e'We/s2)^2 / T_W``,
    ``RLM_lag = (e'Wy/s2 - e'We/s2)^2 / (J - T_W)``,
    ``RLM_err = (e'We/s2 - T_W/J e'Wy/s2)^2 / (T_W (1 - T_W/J))``.
    These are the LM tests of the dummy-variable regression (state and/or year dummies, weights
    ``I_T (x) W``), i.e. score tests of ``rho = 0`` and ``lambda = 0`` in the model that
    :class:`SpatialPanel` estimates; they equal R ``spdep::lm.LMtests`` on that regression.
    Elhorst's Matlab routines lag the demeaned ``y`` instead, which gives other values with time
    effects.

    Anselin, L., Bera, A.K., Florax, R. and Yoon, M.J. (1996). Simple diagnostic tests for spatial
    dependence. Regional Science and Urban Economics 26, 77-104.  Elhorst, J.P. (2014),
    Spatial Econometrics, Springer.
    """
    mod = SpatialPanel(
        data, y=y, x=x, id=id, time=time, w=w, model="slx", wx=[], effects=effects, standardize=standardize
    )
    if not mod.balanced:
        raise InputError(
            "the LM tests are implemented for balanced panels only",
            hint="the spatial models themselves can be fitted on an unbalanced panel",
        )
    with scaled_design(mod):  # the statistics do not depend on the units of the regressors
        Z, zraw, yd, wy = mod.Zd, mod.Zraw, mod.yd, mod.Wyd
    beta, *_ = np.linalg.lstsq(Z, yd, rcond=None)
    e = yd - Z @ beta
    nt = len(e)
    s2 = e @ e / nt
    t, n = mod.T, mod.N
    we = np.concatenate([mod.ws[ti].W @ e[ti * n : (ti + 1) * n] for ti in range(t)])
    # W (X b) on raw X, demeaned (the fixed effects are not part of X b)
    wxb = demean(mod.lag(zraw @ beta), mod.effects).ravel()
    resid_wxb = wxb - Z @ np.linalg.lstsq(Z, wxb, rcond=None)[0]
    tw = 0.0
    for pw in mod.ws:
        wd = pw.W
        tw += float((wd.multiply(wd)).sum() + (wd.multiply(wd.T)).sum())
    j = (resid_wxb @ resid_wxb + tw * s2) / s2
    lag = e @ wy / s2
    err = e @ we / s2
    return {
        "lm_lag": _chi2("lm_lag", lag**2 / j, 1),
        "lm_error": _chi2("lm_error", err**2 / tw, 1),
        "robust_lm_lag": _chi2("robust_lm_lag", (lag - err) ** 2 / (j - tw), 1),
        "robust_lm_error": _chi2("robust_lm_error", (err - tw / j * lag) ** 2 / (tw * (1 - tw / j)), 1),
    }


def lr_effects_tests(data, y, x, id, time, w=None, standardize=True):
    """LR tests of the joint significance of individual and of time fixed effects.

    Uses the non-spatial model: ``LR_ind = 2 (ll_twoways - ll_time)`` with ``N - 1`` degrees of
    freedom and ``LR_time = 2 (ll_twoways - ll_individual)`` with ``T - 1``.

    Returns
    -------
    dict of TestResult
        ``individual`` and ``time``.
    """
    lls = {}
    mod = None
    for eff in ("individual", "time", "twoways"):
        mod = SpatialPanel(
            data, y=y, x=x, id=id, time=time, w=w, model="slx", wx=[], effects=eff, standardize=standardize
        )
        lls[eff] = mod.fit().loglik
    return {
        "individual": _chi2("lr_individual", 2 * (lls["twoways"] - lls["time"]), mod.N - 1),
        "time": _chi2("lr_time", 2 * (lls["twoways"] - lls["individual"]), mod.T - 1),
    }


def sdm_tests(res, lr=True):
    """Wald and LR tests of the SDM against the SAR (``theta = 0``) and the SEM
    (``theta + rho beta = 0``).

    Parameters
    ----------
    res : SpatialPanelResults
        A fitted SDM.
    lr : bool
        Also refit the SAR and SEM for the LR tests.

    Returns
    -------
    dict of TestResult
        ``wald_sar``, ``wald_sem`` and (with ``lr``) ``lr_sar``, ``lr_sem``.

    Raises
    ------
    InputError
        When ``res`` is not an SDM.
    """
    mod = res.model
    if mod.model != "sdm":
        raise InputError("sdm_tests needs a fitted SDM", hint=f"got a {mod.model.upper()}")
    p, v = res.params, res.cov
    th = [f"W*{x}" for x in mod.wxnames]
    bs = list(mod.wxnames)
    theta = p[th].to_numpy()
    out = {"wald_sar": _chi2("wald_sar", _quad_inv(v.loc[th, th].to_numpy(), theta), len(th))}
    rho = p["rho"]
    g = theta + rho * p[bs].to_numpy()
    names = list(p.index)
    jac = np.zeros((len(th), len(names)))
    for i, (b, t_) in enumerate(zip(bs, th)):
        jac[i, names.index(t_)] = 1.0
        jac[i, names.index(b)] = rho
        jac[i, names.index("rho")] = p[b]
    vg = jac @ v.to_numpy() @ jac.T
    out["wald_sem"] = _chi2("wald_sem", _quad_inv(vg, g), len(th))
    if lr:
        sar, sem = (_loglik_fit(mod.respecify(model=m, wx=None)) for m in ("sar", "sem"))
        out["lr_sar"] = _chi2("lr_sar", 2 * (res.loglik - sar.loglik), len(th))
        out["lr_sem"] = _chi2("lr_sem", 2 * (res.loglik - sem.loglik), len(th))
    return out


def _quad_inv(v, g):
    """``g' V^{-1} g`` computed on the correlation scale of ``V`` (its diagonal equilibrated), so that the Wald
    statistics do not depend on the units of the regressors."""
    sd = np.sqrt(np.abs(np.diag(v)))
    sd = np.where(sd > 0, sd, 1.0)
    gs = g / sd
    return float(gs @ np.linalg.solve(v / np.outer(sd, sd), gs))


def _loglik_fit(mod):
    """Fit ``mod`` for its maximised log-likelihood only (an LR test needs no standard errors;
    the pooled and fixed-effects SAR and SEM then skip their information matrix)."""
    mod._loglik_only = True
    return mod.fit()


def hausman(fe, re):
    """Hausman test of fixed against random effects on the common coefficients.

    Parameters
    ----------
    fe, re : SpatialPanelResults
        Individual fixed effects and random effects fits of the same SAR/SDM.

    Returns
    -------
    TestResult
        ``H = d' (V_FE - V_RE)^{-1} d``, ``d = b_FE - b_RE``, with ``df`` the number of common
        coefficients; when ``V_FE - V_RE`` is not positive definite a generalised inverse is
        used, the statistic may be negative (the p-value is that of ``max(H, 0)``) and a note is
        added.  The form assumes random effects efficient under the null: when either fit has a
        covariance other than ``oim`` (robust, clustered, Driscoll-Kraay) the note says the test is
        not valid with it and a ``RuntimeWarning`` is issued.
    """
    robust = [
        f"{lab} {r.cov_info['cov_type']}"
        for lab, r in (("FE", fe), ("RE", re))
        if getattr(r, "cov_info", {}).get("cov_type", "oim") != "oim"
    ]
    if robust:
        warnings.warn(
            "the Hausman test assumes random effects efficient under the null; with "
            f"non-default covariances ({', '.join(robust)}) its V_FE - V_RE form is not valid: "
            "refit both with cov_type='oim'",
            RuntimeWarning,
            stacklevel=2,
        )
    common = [c for c in fe.params.index if c in re.params.index]
    d = (fe.params[common] - re.params[common]).to_numpy()
    v = fe.cov.loc[common, common].to_numpy() - re.cov.loc[common, common].to_numpy()
    # in the units of the FE standard errors, so that neither the eigenvalues' sign nor the generalised inverse's
    # cut-off depend on the units of the regressors
    sd = np.sqrt(np.diag(fe.cov.loc[common, common].to_numpy()))
    sd = np.where(sd > 0, sd, 1.0)
    v, d = v / np.outer(sd, sd), d / sd
    vals = np.linalg.eigvalsh(v)
    stat = float(d @ np.linalg.pinv(v) @ d)
    out = _chi2("hausman", max(stat, 0.0), len(common))
    notes = []
    if vals.min() <= 0:
        notes.append("V_FE - V_RE is not positive definite; generalised inverse used")
    if robust:
        notes.append(f"not valid with non-default covariances ({', '.join(robust)})")
    return dataclasses.replace(out, statistic=stat, note="; ".join(notes) or None)
