"""Modified QML of the fixed-effects SAR and SDM under unknown heteroskedasticity (Liu and Yang 2015).

ML of rho is inconsistent when the error variances differ across units and the diagonal of
``G = W (I - rho W)^{-1}`` is not constant (Lin and Lee 2010): its concentrated score
``(W y)' e(rho) - (e'e / n) tr G`` has a mean of ``sum_i (G_ii - tr G / n) sigma_i^2``.  The modified QML
estimator of Liu and Yang (2015) replaces ``(e'e / n) tr G`` by ``e' D e`` with
``D = diag(M_X G) / diag(M_X)`` (``M_X`` the residual maker of the regressors), whose expectation is
``sum_i (M_X G)_ii sigma_i^2`` whatever the variances: rho solves

``psi(rho) = (W y)' e(rho) - e(rho)' D(rho) e(rho) = 0``,  ``e(rho) = M_X (y - rho W y)``,

and ``beta = (X'X)^{-1} X' (y - rho W y)``.

Panel with fixed effects (derived here, following :mod:`aicoord.panel.inference`): the estimating equations are
written on the unit-wise forward orthogonal deviations of the demeaned data (Lee and Yu's ``F_{T,T-1}``;
individual and two-way effects), which keep the errors of different units independent and their variances
those of the units; ``G`` is then ``I_{T-1} kron Q_N G Q_N`` (``Q_N`` with two-way effects).  Individual or
two-way effects, balanced panel, one weights matrix.

Covariance: the sandwich ``J^{-1} (sum_i g_i g_i') J^{-T}`` of the joint estimating equations
``(X' e, psi)`` with ``J`` their Jacobian and ``g_i`` the martingale-difference pieces
``(x_i e_i, d_i e_i + e_i 2 sum_{j<i} B^s_ij e_j + B_ii e_i^2)``, ``B = G - D`` (Liu and Yang 2015, OPMD).
``sigma2`` is the mean squared residual (its standard error is not reported).

References
----------
Lin, X. and Lee, L.-F. (2010). GMM estimation of spatial autoregressive models with unknown
heteroskedasticity. Journal of Econometrics 157, 34-52.  Liu, S.F. and Yang, Z. (2015). Modified QML
estimation of spatial autoregressive models with unknown heteroskedasticity and nonnormality. Regional Science
and Urban Economics 52, 50-70.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize

from ..errors import EstimationError, InputError
from ._numeric import inverse
from .data import demean
from .inference import helmert
from .results import make_results

__all__ = ["fit_mqml"]


def _transform(mod, a):
    """Unit-wise forward orthogonal deviations of the demeaned (T, N[, k]) array ``a``: (T-1, N[, k])."""
    return np.tensordot(helmert(mod.T).T, demean(a, mod.effects), axes=1)


def _gmat(mod, rho):
    w = mod.ws[0].W.toarray()
    g = np.linalg.solve(np.eye(mod.N) - rho * w, w)
    if mod.effects == "twoways":
        g = g - g.mean(axis=0, keepdims=True)
        g = g - g.mean(axis=1, keepdims=True)
    return g


def _parts(mod, rho, x, xtx_inv, hdiag):
    """``G`` and ``D`` (as (T', N) arrays of the diagonal) at ``rho``."""
    g = _gmat(mod, rho)
    tp = x.shape[0]
    xa = x @ xtx_inv  # (T', N, k): rows x_i'(X'X)^{-1}
    gx = np.einsum("ji,tjk->tik", g, x)  # (G' X_t): row i is column i of X_t' G
    pg = np.einsum("tik,tik->ti", xa, gx)  # diag(P_X G)
    mg = np.broadcast_to(np.diag(g), (tp, mod.N)) - pg
    return g, mg / (1.0 - hdiag)


def fit_mqml(mod):
    """Modified QML fit of a prepared SAR/SDM :class:`~aicoord.panel.SpatialPanel` (module notes).

    Raises
    ------
    InputError
        For models other than the SAR and SDM, effects other than individual or two-way, a weights matrix per
        period or an unbalanced panel.
    EstimationError
        When ``psi`` has no root in the admissible interval near the ML estimate.
    """
    if mod.model not in ("sar", "sdm") or mod.effects not in ("individual", "twoways"):
        raise InputError(
            "the modified QML estimator is implemented for the SAR and SDM with individual or two-way fixed effects",
            hint="use estimator='ml'",
        )
    if not mod.balanced or mod.varying_w:
        raise InputError(
            "the modified QML estimator needs a balanced panel and one weights matrix", hint="use estimator='ml'"
        )
    nn, k = mod.N, mod.Zraw.shape[2]
    y = _transform(mod, mod.Y)
    wy = _transform(mod, mod.Wy)
    x = _transform(mod, mod.Zraw)
    tp = y.shape[0]
    xf = x.reshape(tp * nn, k)
    xtx_inv = inverse(xf.T @ xf)
    hdiag = np.einsum("tik,kl,til->ti", x, xtx_inv, x)
    coef = xtx_inv @ xf.T @ np.column_stack([y.ravel(), wy.ravel()])
    e0 = y.ravel() - xf @ coef[:, 0]
    e1 = wy.ravel() - xf @ coef[:, 1]

    def psi(r):
        e = e0 - r * e1
        _, d = _parts(mod, r, x, xtx_inv, hdiag)
        return float(wy.ravel() @ e - e @ (d.ravel() * e))

    from .fixed import fit_lag

    lo, hi = mod.bounds()
    mod._lo, mod._hi = lo, hi
    start = fit_lag(mod, 1e-10).rho
    eps = 1e-6 * (hi - lo)
    a = b = start
    fa = fb = psi(start)
    step = 0.02
    while np.sign(fa) == np.sign(fb):  # widen a bracket around the ML estimate
        a, b = max(lo + eps, a - step), min(hi - eps, b + step)
        fa, fb = psi(a), psi(b)
        if a <= lo + eps and b >= hi - eps and np.sign(fa) == np.sign(fb):
            raise EstimationError("the modified QML estimating equation has no root in the admissible interval")
        step *= 2
    rho = optimize.brentq(psi, a, b, xtol=1e-13)
    beta = coef[:, 0] - rho * coef[:, 1]
    e = e0 - rho * e1
    n = e.size
    sig2 = float(e @ e) / n
    g, d = _parts(mod, rho, x, xtx_inv, hdiag)
    dflat = d.ravel()
    wyf = wy.ravel()
    # Jacobian of (X'e, psi) in (beta, rho); dD/drho by central differences
    h = 1e-6
    dd = (_parts(mod, rho + h, x, xtx_inv, hdiag)[1] - _parts(mod, rho - h, x, xtx_inv, hdiag)[1]).ravel() / (2 * h)
    jac = np.empty((k + 1, k + 1))
    jac[:k, :k] = -xf.T @ xf
    jac[:k, k] = -xf.T @ wyf
    jac[k, :k] = -xf.T @ wyf + 2 * xf.T @ (dflat * e)
    jac[k, k] = -wyf @ wyf + 2 * wyf @ (dflat * e) - e @ (dd * e)
    # martingale-difference pieces
    ee = e.reshape(tp, nn)
    lin = wy - ee @ g.T  # d = W y - G e: the non-stochastic part
    bs = (g + g.T) / 2
    low = np.tril(bs, -1)
    bdiag = np.diag(g)[None, :] - d
    pieces = np.empty((tp, nn, k + 1))
    pieces[:, :, :k] = x * ee[:, :, None]
    pieces[:, :, k] = lin * ee + ee * (2 * ee @ low.T) + bdiag * ee**2
    pieces = pieces.reshape(n, k + 1)
    ji = np.linalg.inv(jac)  # not symmetric: a plain inverse
    cov = ji @ (pieces.T @ pieces) @ ji.T
    full = np.full((k + 2, k + 2), np.nan)
    full[: k + 1, : k + 1] = cov
    ll = -n / 2 * (np.log(2 * np.pi * sig2) + 1) + mod.logdet(rho)
    resid = (demean(mod.Y - rho * mod.Wy - mod.Zraw @ beta, mod.effects)).ravel()
    info = {
        "cov_type": "mqml",
        "cluster": None,
        "n_clusters": None,
        "dk_lag": None,
        "bootstrap": None,
        "factor": 1.0,
        "note": "modified QML (Liu and Yang 2015) with heteroskedasticity-robust (OPMD sandwich) standard errors",
    }
    return make_results(
        mod,
        mod.znames + ["rho"],
        np.r_[beta, rho],
        full,
        sig2,
        ll,
        resid,
        rho=rho,
        lam=0.0,
        cov_info=info,
        estimator="mqml",
    )
