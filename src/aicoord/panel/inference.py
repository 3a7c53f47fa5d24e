"""Covariance options of the spatial panel fits: ``oim``, ``opg``, ``robust``, ``cluster`` and
``driscoll-kraay``.

Every option but ``oim`` starts from the per-observation scores ``s_i`` of the **full** (not
concentrated) log-likelihood of the within-transformed model in ``theta = (beta, [rho],
[lambda], sigma2)`` (random-effects SAR/SDM: ``(beta, rho, phi, sigma2)``), evaluated at the ML
estimate, and from the observed Hessian ``H`` of the same log-likelihood.

Conventions
-----------
* Observations are the ``N T`` unit-periods of the within-transformed model (time-major), as in
  ``xsmle`` (Belotti, Hughes and Piano Mortari 2017), which evaluates the likelihood of the
  demeaned data observation by observation.
* The log-Jacobian ``log|I - rho W_t|`` of period ``t`` is spread equally over the ``N``
  observations of that period (each gets ``log|I - rho W_t| / N``; ``xsmle`` spreads it the same
  way), and so is ``log|I - lambda W_e,t|``; for random effects ``N/2 log(phi)`` is spread as
  ``log(phi) / (2 T)`` per observation.  The scores therefore sum to zero at the estimate.
* ``sigma2`` is in the score vector and in ``H``; the covariance of ``sigma2`` is reported as
  ``sigma2_se`` and dropped from the table, and for random effects ``phi`` is dropped.
* Fixed and pooled effects: ``H`` is analytic, ``H_ab = -(e_a'e_b + e'e_ab)/sigma2 + J''`` for the
  coefficients and spatial parameters, ``H_a,s2 = e'e_a / sigma2^2`` and
  ``H_s2,s2 = n/(2 sigma2^2) - e'e/sigma2^3`` (``e_a`` the derivative of the residual vector).
  Random effects: the numerical Hessian of the fit.  ``oim`` is unchanged: the analytic
  (expected) information matrix of the fit (or the numerical Hessian where the fit uses one).

Formulas (``A = (-H)^{-1}``, ``n`` observations):

========================  ====================================================================
``opg``                   ``(sum_i s_i s_i')^{-1}`` (outer product of gradients, BHHH)
``robust``                ``n/(n-1) A (sum_i s_i s_i') A`` (Huber-White sandwich with Stata's
                          ``n/(n-1)``, as ``xsmle``'s ``vce(robust)`` through Stata's ``ml``)
``cluster``               ``G/(G-1) A (sum_g S_g S_g') A`` with ``S_g`` the sum of the scores
                          of cluster ``g`` (by unit by default); ``G/(G-1)`` is the
                          small-sample factor of Stata's ``ml`` and of Cameron and Miller (2015,
                          sec. VI.C) for non-linear estimators
``driscoll-kraay``        ``A (Gamma_0 + sum_{l=1..L} (1 - l/(L+1)) (Gamma_l + Gamma_l')) A``,
                          ``Gamma_l = sum_{t>l} S_t S_{t-l}'`` with ``S_t`` the sum of the
                          scores of period ``t`` (Driscoll and Kraay 1998; Bartlett kernel);
                          default ``L = floor(4 (T/100)^(2/9))`` (Hoechle 2007); no
                          small-sample factor
========================  ====================================================================

With the Lee-Yu correction (``n_eff`` observations, log-determinant scaled by ``(T-1)/T``, and
``- T log(1 - rho)`` for time and two-way effects) the observations are still the ``N T``
within-demeaned residuals, whose sum of squares equals that of the orthonormally transformed
ones: each gets ``-(n_eff/(N T))/2 log(2 pi sigma2) - e_i^2/(2 sigma2)`` and its share ``1/N`` of
its period's scaled log-Jacobian.  The sandwich options are refused for the random-effects SEM,
whose likelihood (a GLS transform mixing periods and a between part) does not split by
unit-period.

References
----------
Belotti, F., Hughes, G. and Piano Mortari, A. (2017). Spatial panel-data models using Stata.
Stata Journal 17(1), 139-180.  Cameron, A.C. and Miller, D.L. (2015). A practitioner's guide to
cluster-robust inference. Journal of Human Resources 50(2), 317-372.  Driscoll, J.C. and Kraay,
A.C. (1998). Consistent covariance matrix estimation with spatially dependent panel data. Review
of Economics and Statistics 80(4), 549-560.  Hoechle, D. (2007). Robust standard errors for
panel regressions with cross-sectional dependence. Stata Journal 7(3), 281-312.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError
from ._numeric import _inv
from .data import _demean, spatial_lag

__all__ = ["COV_TYPES", "scores_and_hessian", "sandwich", "apply_cov_type", "dk_default_lag"]

COV_TYPES = ("oim", "opg", "robust", "cluster", "driscoll-kraay")


def dk_default_lag(t):
    """``floor(4 (T/100)^(2/9))``, the default Driscoll-Kraay lag of Hoechle (2007)."""
    return int(np.floor(4 * (t / 100.0) ** (2.0 / 9.0)))


def _jacobian_parts(mod, ws, r):
    """Per-observation first derivative and total second derivative of the log-Jacobian
    ``sum_t log|I - r W_t|`` spread equally over the N observations of each period (with the
    Lee-Yu scale ``(T-1)/T`` and, for time and two-way effects, ``- T log(1 - r)`` as in
    :meth:`SpatialPanel.logdet`)."""
    d1 = np.empty(mod.T * mod.N)
    d2 = 0.0
    sc = mod._ld_scale
    memo = {}
    for ti, pw in enumerate(ws):
        if id(pw) not in memo:
            trb, trbb, _ = pw.info_traces(r)
            memo[id(pw)] = (trb, trbb)
        trb, trbb = memo[id(pw)]
        d1[ti * mod.N:(ti + 1) * mod.N] = -sc * trb / mod.N
        d2 -= sc * trbb
    if mod.lee_yu and mod.effects in ("time", "twoways"):
        d1 += sc / (mod.N * (1.0 - r))
        d2 += sc * mod.T / (1.0 - r) ** 2
    return d1, d2


def _fe_scores(res):
    """Scores (n x p) and analytic observed Hessian of the pooled/fixed-effects models."""
    mod = res.model
    names = list(res.params.index)
    beta = res.params[mod.znames].to_numpy()
    has_rho, has_lam = "rho" in names, "lambda" in names
    rho, lam, s2 = res.rho, res.lam, res.sigma2
    z, y = mod.Zd, mod.yd
    n, k = len(y), z.shape[1]
    wz = _demean(spatial_lag(mod.ws_e, mod.Zraw), mod.effects).reshape(z.shape) if has_lam else 0 * z
    wewy = (_demean(spatial_lag(mod.ws_e, mod.Wy), mod.effects).ravel() if has_lam and has_rho
            else np.zeros(n))
    wy = mod.Wyd if has_rho else np.zeros(n)
    wy_e = mod.Wyd_e if has_lam else np.zeros(n)
    zt = z - lam * wz
    e = y - rho * wy - lam * (wy_e - rho * wewy) - zt @ beta
    cols = [-zt]
    jac1, jac2 = [np.zeros((n, k))], [np.zeros(k)]
    if has_rho:
        cols.append(-(wy - lam * wewy)[:, None])
        d1, d2 = _jacobian_parts(mod, mod.ws, rho)
        jac1.append(d1[:, None])
        jac2.append([d2])
    if has_lam:
        cols.append(-(wy_e - rho * wewy - wz @ beta)[:, None])
        d1, d2 = _jacobian_parts(mod, mod.ws_e, lam)
        jac1.append(d1[:, None])
        jac2.append([d2])
    de = np.hstack(cols)
    p = de.shape[1]
    scores = np.empty((n, p + 1))
    scores[:, :p] = -(e / s2)[:, None] * de + np.hstack(jac1)
    frac = mod.n_eff / n  # Lee-Yu: -n_eff/2 log(sigma2) spread over the N T observations
    scores[:, p] = -0.5 * frac / s2 + e ** 2 / (2 * s2 ** 2)
    # e'e_ab: the only non-zero second derivatives of e are e_{beta,lambda} = Q W_e Z and
    # e_{rho,lambda} = Q W_e W y
    cross = np.zeros((p, p))
    if has_lam:
        li = p - 1
        cross[:k, li] = cross[li, :k] = wz.T @ e
        if has_rho:
            cross[k, li] = cross[li, k] = e @ wewy
    hess = np.empty((p + 1, p + 1))
    hess[:p, :p] = -(de.T @ de + cross) / s2 + np.diag(np.concatenate(jac2))
    hess[:p, p] = hess[p, :p] = e @ de / s2 ** 2
    hess[p, p] = mod.n_eff / (2 * s2 ** 2) - e @ e / s2 ** 3
    return scores, hess, None


def _re_lag_scores(res):
    """Scores of the random-effects SAR/SDM in ``(beta, rho, phi, sigma2)``; numerical Hessian
    of the fit."""
    mod = res.model
    t, nn = mod.T, mod.N
    beta = res.params[mod.znames].to_numpy()
    rho, phi, s2 = res.rho, res.phi, res.sigma2
    s = np.sqrt(phi)
    k = len(beta)
    a = mod.Y - rho * mod.Wy - mod.Zraw @ beta  # (T, N) raw residual
    abar = a.mean(axis=0, keepdims=True)
    r = (a - (1 - s) * abar).ravel()
    zt = (mod.Zraw - (1 - s) * mod.Zraw.mean(axis=0, keepdims=True)).reshape(t * nn, k)
    wyt = (mod.Wy - (1 - s) * mod.Wy.mean(axis=0, keepdims=True)).ravel()
    d1, _ = _jacobian_parts(mod, mod.ws, rho)
    scores = np.empty((t * nn, k + 3))
    scores[:, :k] = (r / s2)[:, None] * zt
    scores[:, k] = r * wyt / s2 + d1
    scores[:, k + 1] = 1 / (2 * t * phi) - r * np.broadcast_to(abar, a.shape).ravel() / (2 * s * s2)
    scores[:, k + 2] = -0.5 / s2 + r ** 2 / (2 * s2 ** 2)
    return scores, -res._neg_hessian, [k + 1]


def scores_and_hessian(res):
    """Per-observation scores and observed Hessian of the full log-likelihood at the estimate.

    Parameters
    ----------
    res : SpatialPanelResults

    Returns
    -------
    scores : numpy.ndarray
        ``(N T, q)``, rows time-major (period, then unit); columns ``params`` then, for random
        effects, ``phi``, and ``sigma2`` last.
    hessian : numpy.ndarray
        ``(q, q)`` observed Hessian (analytic for fixed and pooled effects, numerical for random
        effects).
    drop : list of int or None
        Columns that are not reported (``phi``).

    Raises
    ------
    InputError
        For the random-effects SEM (see the module notes).
    """
    mod = res.model
    if mod.effects == "random":
        if mod.model == "sem":
            raise InputError("the robust, cluster, Driscoll-Kraay and OPG covariances are not "
                             "available for the random-effects SEM",
                             hint="use cov_type='oim', fixed effects, or the random-effects SAR/SDM")
        return _re_lag_scores(res)
    return _fe_scores(res)


def sandwich(scores, hessian, cov_type, groups=None, periods=None, lag=None):
    """Covariance of ``theta`` from the scores and the Hessian (formulas in the module notes).

    Parameters
    ----------
    scores : numpy.ndarray
        ``(n, q)`` per-observation scores.
    hessian : numpy.ndarray
        ``(q, q)`` observed Hessian of the log-likelihood.
    cov_type : {"opg", "robust", "cluster", "driscoll-kraay"}
    groups : array-like, optional
        Cluster label of each observation (``cluster``).
    periods : array-like of int, optional
        Period index ``0..T-1`` of each observation (``driscoll-kraay``).
    lag : int, optional
        Bartlett lag length ``L`` (``driscoll-kraay``).

    Returns
    -------
    cov : numpy.ndarray
    info : dict
        ``n_clusters`` or ``dk_lag`` where they apply, and ``factor``, the small-sample factor.
    """
    n = scores.shape[0]
    if cov_type == "opg":
        return _inv(scores.T @ scores), {"factor": 1.0}
    a = _inv(-hessian)
    if cov_type == "robust":
        f = n / (n - 1)
        return f * a @ (scores.T @ scores) @ a, {"factor": f}
    if cov_type == "cluster":
        codes, uniq = pd.factorize(pd.Series(groups), sort=True)
        g = len(uniq)
        if g < 2:
            raise InputError("clustered standard errors need at least two clusters")
        sg = np.zeros((g, scores.shape[1]))
        np.add.at(sg, codes, scores)
        f = g / (g - 1)
        return f * a @ (sg.T @ sg) @ a, {"factor": f, "n_clusters": int(g)}
    if cov_type == "driscoll-kraay":
        periods = np.asarray(periods, dtype=int)
        tt = int(periods.max()) + 1
        st = np.zeros((tt, scores.shape[1]))
        np.add.at(st, periods, scores)
        omega = st.T @ st
        for lg in range(1, int(lag) + 1):
            gam = st[lg:].T @ st[:-lg]
            omega += (1 - lg / (lag + 1)) * (gam + gam.T)
        return a @ omega @ a, {"factor": 1.0, "dk_lag": int(lag)}
    raise InputError(f"unknown cov_type '{cov_type}'", hint=f"choose one of {', '.join(COV_TYPES)}")


def check_options(cov_type, cluster, dk_lag, t):
    """Normalise and check ``cov_type``, ``cluster`` and ``dk_lag``; returns the three."""
    cov_type = str(cov_type).lower().replace("_", "-")
    cov_type = {"dk": "driscoll-kraay", "dkraay": "driscoll-kraay", "sandwich": "robust",
                "clustered": "cluster"}.get(cov_type, cov_type)
    if cov_type not in COV_TYPES:
        raise InputError(f"unknown cov_type '{cov_type}'", hint=f"choose one of {', '.join(COV_TYPES)}")
    if cluster is not None and cov_type != "cluster":
        raise InputError("a cluster column is given but cov_type is not 'cluster'",
                         hint="set cov_type='cluster' or drop the cluster column")
    if dk_lag is not None:
        if cov_type != "driscoll-kraay":
            raise InputError("a Driscoll-Kraay lag is given but cov_type is not 'driscoll-kraay'",
                             hint="set cov_type='driscoll-kraay' or drop the lag")
        if isinstance(dk_lag, bool) or not float(dk_lag).is_integer() or not 0 <= int(dk_lag) < t:
            raise InputError(f"the Driscoll-Kraay lag must be a whole number from 0 to T-1 = {t - 1}, "
                             f"not {dk_lag}")
        dk_lag = int(dk_lag)
    return cov_type, cluster, dk_lag


def describe(cov_type, cluster=None, dk_lag=None, n_clusters=None, what="unit"):
    """One phrase for a table note: what the standard errors in parentheses are."""
    if cov_type == "oim":
        return "standard errors from the information matrix"
    if cov_type == "opg":
        return "standard errors from the outer product of the scores (OPG)"
    if cov_type == "robust":
        return "heteroskedasticity-robust (sandwich) standard errors"
    if cov_type == "cluster":
        return f"cluster-robust standard errors by {cluster or what} ({n_clusters} clusters)"
    return f"Driscoll-Kraay standard errors (Bartlett kernel, lag {dk_lag})"


def apply_cov_type(res, cov_type, cluster=None, dk_lag=None):
    """Replace the covariance of ``res`` by the one of ``cov_type`` and record it.

    Parameters
    ----------
    res : SpatialPanelResults
        A fit with the ``oim`` covariance.
    cov_type : str
        One of :data:`COV_TYPES`.
    cluster : str, optional
        Column of the model's data defining the clusters (default: the unit id).
    dk_lag : int, optional
        Driscoll-Kraay lag (default :func:`dk_default_lag`).

    Returns
    -------
    SpatialPanelResults
        ``res`` itself, with ``cov``, ``std_errors``, ``zvalues``, ``pvalues``, ``sigma2_se`` and
        ``cov_info`` (``cov_type``, ``cluster``, ``n_clusters``, ``dk_lag``, ``factor``, ``note``)
        updated.
    """
    mod = res.model
    cov_type, cluster, dk_lag = check_options(cov_type, cluster, dk_lag, mod.T)
    if cov_type == "oim":
        return res
    scores, hess, drop = scores_and_hessian(res)
    t, nn = mod.T, mod.N
    groups = periods = None
    if cov_type == "cluster":
        if cluster is None or cluster == mod.id:
            groups = np.tile(np.arange(nn), t)
        else:
            data = mod._spec["data"]
            if cluster not in data.columns:
                raise InputError(f"cluster column '{cluster}' is not in the data", column=cluster,
                                 hint="name a column of the panel (e.g. a province or region code)")
            col = data.set_index([mod.time, mod.id]).sort_index()[cluster]
            if col.isna().any():
                raise InputError(f"cluster column '{cluster}' has missing values", column=cluster)
            groups = col.to_numpy()
    if cov_type == "driscoll-kraay":
        periods = np.repeat(np.arange(t), nn)
        if dk_lag is None:
            dk_lag = dk_default_lag(t)
    full, info = sandwich(scores, hess, cov_type, groups, periods, dk_lag)
    keep = [i for i in range(full.shape[0]) if i not in (drop or [])]
    full = full[np.ix_(keep, keep)]
    k = len(res.params)
    names = list(res.params.index)
    res._set_cov(pd.DataFrame(full[:k, :k], index=names, columns=names), float(np.sqrt(full[k, k])))
    label = cluster if cluster not in (None, mod.id) else mod.id
    res.cov_info = {"cov_type": cov_type, "cluster": label if cov_type == "cluster" else None,
                    "n_clusters": info.get("n_clusters"), "dk_lag": info.get("dk_lag"),
                    "factor": info["factor"],
                    "note": describe(cov_type, label, info.get("dk_lag"), info.get("n_clusters"))}
    return res
