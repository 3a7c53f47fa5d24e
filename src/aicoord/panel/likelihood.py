"""The concentrated Gaussian likelihood shared by the balanced (:mod:`aicoord.panel.fixed`) and unbalanced
(:mod:`aicoord.panel.unbalanced`) fits.

Both fits work on transformed data ``mod.Zd``, ``mod.yd``, ``mod.Wyd`` (demeaned on a balanced panel,
projected off the dummies on an unbalanced one) and the log-determinants ``mod.logdet``; given those, the
lag model's likelihood concentrated in ``rho`` is one function of three cross-products
(:func:`concentrated_lag`), and the information matrix of ``(beta, rho or lambda, sigma2)`` one formula
(:func:`ml_information`; Elhorst 2014, ch. 3).

References
----------
Elhorst, J.P. (2014). Spatial Econometrics: From Cross-Sectional Data to Spatial Panels. Springer.
"""

from __future__ import annotations

import numpy as np

from ._numeric import check_interior
from ._optim import minimize_bounded, root_bracketed

__all__ = ["ml_information", "line_search", "loglik", "no_cov", "concentrated_lag"]


def ml_information(zz, zg, gg, traces, sig2, n):
    """Information matrix of (beta, rho or lambda, sigma2) of the concentrated Gaussian likelihood.

    ``zz`` is the regressors' cross-product (Z'Z, or its filtered form for the error models), ``zg`` and
    ``gg`` the cross-products with ``g = Q W (I - rho W)^-1 X beta`` (zero for the error models),
    ``traces`` the ``(tr B, tr B'B, tr BB)`` terms of :meth:`SpatialPanel._info_traces` (Elhorst 2014,
    ch. 3)."""
    trb, trbb, trbtb = traces
    k = zz.shape[0]
    info = np.zeros((k + 2, k + 2))
    info[:k, :k] = zz / sig2
    info[:k, k] = info[k, :k] = zg / sig2
    info[k, k] = trbb + trbtb + gg / sig2
    info[k, k + 1] = info[k + 1, k] = trb / sig2
    info[k + 1, k + 1] = n / (2 * sig2**2)
    return info


def line_search(mod, f, tol, dsse=None, kind="lag"):
    """Bounded Brent search, then (when derivatives are available) a root of the score.

    ``dsse(r)`` returns ``(sse, d sse / d r)`` of the concentrated problem; the score is
    ``-n/2 dsse/sse + dlogdet``.  Function-value search alone stops at ~1e-8 in rho.
    """
    lo, hi = mod._lo, mod._hi
    eps = 1e-9 * (hi - lo)
    x, _ = minimize_bounded(f, lo + eps, hi - eps, xatol=tol, maxiter=1000)
    if dsse is None or mod.dlogdet(x, kind) is None:
        return x

    def score(r):
        sse, ds = dsse(r)
        return -mod.n_eff / 2 * ds / sse + mod.dlogdet(r, kind)

    for step in (1e-6, 1e-5, 1e-4):
        a, b = max(lo + eps, x - step), min(hi - eps, x + step)
        fa, fb = score(a), score(b)
        if np.sign(fa) != np.sign(fb):
            return root_bracketed(score, a, b, xtol=1e-15, maxiter=200)
    return x


def loglik(n, sig2, logdet):
    """The Gaussian log-likelihood at its maximum over ``beta`` and ``sigma2``: ``-n/2 (log(2 pi sigma2) + 1)
    + logdet`` (``logdet`` the log-Jacobian at the spatial parameter)."""
    return -n / 2 * (np.log(2 * np.pi * sig2) + 1) + logdet


def no_cov(k):
    """Covariance placeholder (all NaN) of a fit made for its log-likelihood only."""
    return np.full((k, k), np.nan)


def concentrated_lag(mod, tol):
    """Maximise the SAR/SDM likelihood concentrated in ``rho`` on the transformed data of ``mod``.

    With ``e0``, ``e1`` the residuals of ``yd`` and ``Wyd`` on ``Zd``, ``sse(rho) = e0'e0 - 2 rho e0'e1 +
    rho^2 e1'e1``; the search (:func:`line_search` to ``tol``, then a root of the score) is bounded by
    ``mod._lo, mod._hi``, and an estimate on the bound is refused.

    Returns
    -------
    tuple
        ``(rho, beta, e, sig2, ll)``: the estimate, the coefficients, the residuals, ``sse/n`` and the
        log-likelihood.
    """
    Z, y, wy, n = mod.Zd, mod.yd, mod.Wyd, mod.n_eff
    coef, *_ = np.linalg.lstsq(Z, np.column_stack([y, wy]), rcond=None)
    e0 = y - Z @ coef[:, 0]
    e1 = wy - Z @ coef[:, 1]
    a, b, c = e0 @ e0, e0 @ e1, e1 @ e1

    def negll(r):
        sse = a - 2 * r * b + r * r * c
        return n / 2 * np.log(sse / n) - mod.logdet(r)

    rho = line_search(mod, negll, tol, lambda r: (a - 2 * r * b + r * r * c, -2 * b + 2 * r * c))
    check_interior("rho", rho, mod._lo, mod._hi)
    beta = coef[:, 0] - rho * coef[:, 1]
    e = e0 - rho * e1
    sig2 = (e @ e) / n
    return rho, beta, e, sig2, loglik(n, sig2, mod.logdet(rho))
