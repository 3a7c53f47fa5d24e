"""Fits of the spatial panel models with pooled or fixed effects (within transformation).

SAR/SDM (spatial lag), SEM/SDEM (spatial error), SLX (least squares) and SAC (both), each a
function of a prepared :class:`~aicoord.panel.SpatialPanel` ``mod`` (its data and
log-determinants) and ``tol``, returning a :class:`~aicoord.panel.SpatialPanelResults`.
:meth:`SpatialPanel.fit <aicoord.panel.SpatialPanel.fit>` dispatches to them after setting the
admissible interval ``mod._lo, mod._hi`` of the spatial parameters.

References
----------
Anselin, L. (1988). Spatial Econometrics: Methods and Models. Kluwer.  Elhorst, J.P. (2014).
Spatial Econometrics: From Cross-Sectional Data to Spatial Panels. Springer.  Lee, L.-F. and
Yu, J. (2010). Estimation of spatial autoregressive panel data models with fixed effects.
Journal of Econometrics 154, 165-185.
"""

from __future__ import annotations

import numpy as np

from ._numeric import check_interior, check_stationary, inverse, minimize_2d, num_hessian
from .data import demean, spatial_lag
from .likelihood import concentrated_lag, line_search, loglik, ml_information, no_cov
from .results import make_results

__all__ = ["fit_lag", "fit_err", "fit_ols", "fit_sac"]


def fit_lag(mod, tol):
    """SAR and SDM with pooled or fixed effects: concentrated likelihood in ``rho`` (line search
    to ``tol``, then a root of the score), analytic information matrix of ``(beta, rho,
    sigma2)`` (Elhorst 2014, ch. 3)."""
    rho, beta, e, sig2, ll = concentrated_lag(mod, tol)
    Z, n = mod.Zd, mod.n_eff
    names = mod.znames + ["rho"]
    if getattr(mod, "_loglik_only", False):  # a refit for an LR test: no covariance needed
        return make_results(mod, names, np.r_[beta, rho], no_cov(len(names) + 1), sig2, ll, e, rho=rho, lam=0.0)
    # analytic information matrix of (beta, rho, sigma2)
    eta = (mod.Y - rho * mod.Wy).ravel() - e  # X beta + fixed effects (dummy-model mean)
    t, nn = mod.T, mod.N
    g = np.empty((t, nn))
    eta = eta.reshape(t, nn)
    groups = {}
    for ti, pw in enumerate(mod.ws):
        groups.setdefault(id(pw), (pw, []))[1].append(ti)
    for pw, idx in groups.values():  # one factorisation per distinct W
        g[idx] = pw.lag(pw.solve(rho, eta[idx].T)).T
    g = demean(g, mod.effects).ravel()
    cov = inverse(ml_information(Z.T @ Z, Z.T @ g, g @ g, mod._info_traces(rho), sig2, n))
    return make_results(mod, names, np.r_[beta, rho], cov, sig2, ll, e, rho=rho, lam=0.0)


def err_parts(mod):
    """Demeaned spatial lag of the raw design by the error matrix, ``Q (W_e Z)``, shaped (NT, p)."""
    wx = spatial_lag(mod.ws_e, mod.Zraw)
    return demean(wx, mod.effects).reshape(mod.Zd.shape)


def fit_err(mod, tol):
    """SEM and SDEM with pooled or fixed effects: concentrated likelihood in ``lambda`` (line
    search to ``tol``, then a root of the score), analytic information matrix with the
    ``beta`` block ``Z_t' Z_t / sigma2`` of the filtered design."""
    Z, y, wy, n = mod.Zd, mod.yd, mod.Wyd_e, mod.n_eff
    WZ = err_parts(mod)

    def sse_beta(lam):
        zt = Z - lam * WZ
        yt = y - lam * wy
        bb, *_ = np.linalg.lstsq(zt, yt, rcond=None)
        r = yt - zt @ bb
        return r @ r, bb, zt, r

    def negll(lam):
        return n / 2 * np.log(sse_beta(lam)[0] / n) - mod.logdet(lam, "error")

    def dsse(lam):
        sse, bb, zt, r = sse_beta(lam)
        return sse, -2 * r @ (wy - WZ @ bb)

    lam = line_search(mod, negll, tol, dsse, "error")
    check_interior("lambda", lam, mod._lo, mod._hi)
    sse, beta, zt, e = sse_beta(lam)
    sig2 = sse / n
    ll = loglik(n, sig2, mod.logdet(lam, "error"))
    names = mod.znames + ["lambda"]
    if getattr(mod, "_loglik_only", False):
        return make_results(mod, names, np.r_[beta, lam], no_cov(len(names) + 1), sig2, ll, e, rho=0.0, lam=lam)
    cov = inverse(ml_information(zt.T @ zt, 0.0, 0.0, mod._info_traces(lam, "error"), sig2, n))
    return make_results(mod, names, np.r_[beta, lam], cov, sig2, ll, e, rho=0.0, lam=lam)


def fit_ols(mod, tol):
    """SLX (and the non-spatial model): least squares in closed form with the ML variance
    ``e'e / n``.  There is no search, so any ``tol`` is met exactly."""
    Z, y, n = mod.Zd, mod.yd, mod.n_eff
    beta, *_ = np.linalg.lstsq(Z, y, rcond=None)
    e = y - Z @ beta
    sig2 = (e @ e) / n
    ll = loglik(n, sig2, 0.0)
    k = Z.shape[1]
    cov = np.zeros((k + 1, k + 1))
    cov[:k, :k] = sig2 * inverse(Z.T @ Z)
    cov[k, k] = 2 * sig2**2 / n
    return make_results(mod, list(mod.znames), beta, cov, sig2, ll, e, rho=0.0, lam=0.0)


def fit_sac(mod, tol):
    """SAC with pooled or fixed effects: ``(rho, lambda)`` maximise the concentrated likelihood
    by :func:`~aicoord.panel._numeric.minimize_2d` (``tol``: its Nelder-Mead ``xatol``, ``None``
    for the default), checked for stationarity.  Covariance from the analytic information matrix
    (Anselin 1988), with the Lee-Yu correction from a numerical Hessian of the full likelihood."""
    Z, y, wy, n = mod.Zd, mod.yd, mod.Wyd, mod.n_eff
    WZ = err_parts(mod)
    wy_e = mod.Wyd_e
    wwy = demean(spatial_lag(mod.ws_e, mod.Wy), mod.effects).ravel()  # Q (W_e W y)

    def parts(rho, lam):
        yt = y - rho * wy - lam * (wy_e - rho * wwy)
        zt = Z - lam * WZ
        bb, *_ = np.linalg.lstsq(zt, yt, rcond=None)
        r = yt - zt @ bb
        return r @ r, bb, r

    lo, hi = mod._lo, mod._hi
    lo_e, hi_e = mod._lo_e, mod._hi_e
    eps = 1e-6 * (hi - lo)
    eps_e = 1e-6 * (hi_e - lo_e)

    def negll(p):
        return n / 2 * np.log(parts(p[0], p[1])[0] / n) - mod.logdet(p[0]) - mod.logdet(p[1], "error")

    res = minimize_2d(
        negll,
        ((0.0, 0.0), (0.3, 0.3), (-0.3, 0.5), (0.5, -0.3)),
        [(lo + eps, hi - eps), (lo_e + eps_e, hi_e - eps_e)],
        xatol=tol,
    )
    check_stationary(negll, res.x, "SAC")
    rho, lam = map(float, res.x)
    check_interior("rho", rho, lo, hi)
    check_interior("lambda", lam, lo_e, hi_e)
    sse, beta, e = parts(rho, lam)
    sig2 = sse / n
    ll = -n / 2 * (np.log(2 * np.pi * sig2) + 1) + mod.logdet(rho) + mod.logdet(lam, "error")

    def full_ll(p):
        k = Z.shape[1]
        b, r, lm, s2 = p[:k], p[k], p[k + 1], p[k + 2]
        yt = y - r * wy - lm * (wy_e - r * wwy)
        res_ = yt - (Z - lm * WZ) @ b
        return -n / 2 * np.log(2 * np.pi * s2) - res_ @ res_ / (2 * s2) + mod.logdet(r) + mod.logdet(lm, "error")

    theta = np.r_[beta, rho, lam, sig2]
    if mod.lee_yu:
        cov = inverse(-num_hessian(full_ll, theta))
    else:
        cov = _sac_information(mod, rho, lam, sig2, e, Z - lam * WZ)
    names = mod.znames + ["rho", "lambda"]
    return make_results(mod, names, np.r_[beta, rho, lam], cov, sig2, ll, e, rho=rho, lam=lam)


def _sac_information(mod, rho, lam, sig2, e, zt):
    """Inverse of the analytic information matrix of the SAC (Anselin 1988, as in
    spatialreg::sacsarlm), in the order (beta, rho, lambda, sigma2), with the fixed effects
    partialled out (their transformed columns span the demeaning space for row-standardised
    W)."""
    t, nn = mod.T, mod.N
    k = zt.shape[1]
    eye = np.eye(nn)
    terms = np.zeros(7)
    g = np.empty((t, nn))
    memo = {}
    for ti, (pw, pe) in enumerate(zip(mod.ws, mod.ws_e)):
        if (id(pw), id(pe)) not in memo:
            w, we = pw.W.toarray(), pe.W.toarray()
            ai = np.linalg.inv(eye - rho * w)
            b = eye - lam * we
            bi = np.linalg.inv(b)
            wa, wb = w @ ai, we @ bi
            bwabi = b @ wa @ bi
            memo[(id(pw), id(pe))] = (
                np.array(
                    [
                        np.sum(wa * wa.T) + np.sum(bwabi * bwabi),  # rho-rho traces
                        np.sum(wb * wb.T) + np.sum(wb * wb),  # lambda-lambda
                        np.trace(wa),
                        np.trace(wb),  # sigma2-rho, sigma2-lambda
                        np.sum(wb * bwabi) + np.trace(we @ wa @ bi),  # rho-lambda
                        0.0,
                        0.0,
                    ]
                ),
                ai,
                b,
                bi,
                w,
            )
        tr_, ai, b, bi, w = memo[(id(pw), id(pe))]
        terms += tr_
        sl = slice(ti * nn, (ti + 1) * nn)
        u = bi @ e[sl]
        eta = mod.Y[ti] - rho * mod.Wy[ti] - u
        g[ti] = b @ (w @ (ai @ eta))
    g = demean(g, mod.effects).ravel()
    info = np.zeros((k + 3, k + 3))
    info[:k, :k] = zt.T @ zt / sig2
    info[:k, k] = info[k, :k] = zt.T @ g / sig2
    info[k, k] = terms[0] + g @ g / sig2
    info[k + 1, k + 1] = terms[1]
    info[k, k + 1] = info[k + 1, k] = terms[4]
    info[k, k + 2] = info[k + 2, k] = terms[2] / sig2
    info[k + 1, k + 2] = info[k + 2, k + 1] = terms[3] / sig2
    info[k + 2, k + 2] = mod.n_eff / (2 * sig2**2)
    return inverse(info)
