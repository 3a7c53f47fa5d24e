"""Fits of the random-effects spatial panel models (Elhorst 2014, sec. 3.4): SAR/SDM and SEM.

Each function takes a prepared :class:`~aicoord.panel.SpatialPanel` ``mod`` and ``tol`` (the
Nelder-Mead ``xatol`` of the two-dimensional search, ``None`` for its default) and returns a
:class:`~aicoord.panel.SpatialPanelResults` with the extra attributes ``phi`` and
``sigma2_mu``.

References
----------
Elhorst, J.P. (2014). Spatial Econometrics: From Cross-Sectional Data to Spatial Panels.
Springer.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..errors import InputError
from ._numeric import check_interior, check_stationary, inverse, minimize_2d, num_hessian
from .results import make_results

__all__ = ["fit_re_lag", "fit_re_err"]


def fit_re_lag(mod, tol):
    """Random-effects SAR/SDM (Elhorst 2014, sec. 3.4): ``y = rho W y + X b + mu + e``.

    With ``phi = sigma2 / (T sigma2_mu + sigma2)`` the GLS transform is
    ``a - (1 - sqrt(phi)) mean_t(a)``; the log-likelihood is
    ``-NT/2 log(2 pi s2) + N/2 log(phi) + T log|I - rho W| - e'e/(2 s2)``, maximised jointly in
    ``(rho, phi)`` with ``b`` and ``s2`` concentrated out; covariance from a numerical Hessian.
    """
    t, nn = mod.T, mod.N
    nt = t * nn
    k = mod.Zraw.shape[2]

    def tr(a, s):
        return a - (1 - s) * a.mean(axis=0, keepdims=True)

    def parts(rho, phi):
        s = np.sqrt(phi)
        yt = tr(mod.Y - rho * mod.Wy, s).ravel()
        zt = tr(mod.Zraw, s).reshape(nt, k)
        bb, *_ = np.linalg.lstsq(zt, yt, rcond=None)
        r = yt - zt @ bb
        return r @ r, bb, r

    def negll(p):
        sse = parts(p[0], np.exp(p[1]))[0]
        return nt / 2 * np.log(sse / nt) - nn / 2 * p[1] - mod.logdet(p[0])

    lo, hi = mod._lo, mod._hi
    eps = 1e-6 * (hi - lo)
    res = minimize_2d(
        negll,
        ((0.0, np.log(0.5)), (0.3, np.log(0.05)), (0.3, np.log(0.9))),
        [(lo + eps, hi - eps), (-30.0, 0.0)],
        xatol=tol,
    )
    rho, phi = float(res.x[0]), float(np.exp(res.x[1]))
    if phi >= 1 - 1e-8:
        # on the bound phi = 1 the objective need not be stationary in phi: check rho alone (as the RE SEM does)
        warnings.warn(
            "random-effects variance is estimated at zero (phi = 1): the model reduces to the pooled one",
            RuntimeWarning,
            stacklevel=3,
        )
        check_stationary(lambda r: negll(np.r_[r, res.x[1]]), res.x[:1], "random-effects")
    else:
        check_stationary(negll, res.x, "random-effects")
    check_interior("rho", rho, lo, hi)
    sse, beta, e = parts(rho, phi)
    sig2 = sse / nt
    ll = -nt / 2 * (np.log(2 * np.pi * sig2) + 1) + nn / 2 * np.log(phi) + mod.logdet(rho)

    def full_ll(p):
        b, r, ph, s2 = p[:k], p[k], p[k + 1], p[k + 2]
        s = np.sqrt(ph)
        yt = tr(mod.Y - r * mod.Wy, s).ravel()
        res_ = yt - tr(mod.Zraw, s).reshape(nt, k) @ b
        return -nt / 2 * np.log(2 * np.pi * s2) + nn / 2 * np.log(ph) + mod.logdet(r) - res_ @ res_ / (2 * s2)

    return _re_results(mod, full_ll, beta, "rho", rho, phi, sig2, sig2 * (1 - phi) / (t * phi), ll, e)


def fit_re_err(mod, tol):
    """Random-effects SEM (Elhorst 2014, sec. 3.4): ``y = X b + mu + u``, ``u_t = lambda W u_t + e_t``.

    With ``B = I - lambda W``, ``phi = sigma2_mu / sigma2`` and ``V = T phi I + (B'B)^{-1}`` the
    log-likelihood is ``-NT/2 log(2 pi s2) - 1/2 log|V| + (T-1) log|B| - Q/(2 s2)``, where
    ``Q = sum_t ||B (r_t - rbar)||^2 + T rbar' V^{-1} rbar`` for residuals ``r = y - X b``.
    ``b`` and ``s2`` are concentrated out; ``(lambda, phi)`` are found numerically; covariance
    from a numerical Hessian.  Needs one symmetric eigen-decomposition of ``B'B`` per
    evaluation, so it is meant for moderate N with a single W.
    """
    if mod.varying_w:
        raise InputError("the random-effects SEM needs one weights matrix for all periods")
    t, nn = mod.T, mod.N
    nt = t * nn
    k = mod.Zraw.shape[2]
    w = mod.ws_e[0].W.toarray()
    ybar, zbar = mod.Y.mean(axis=0), mod.Zraw.mean(axis=0)
    yw, zw = mod.Y - ybar, mod.Zraw - zbar

    def transform(lam, phi):
        b = np.eye(nn) - lam * w
        sv, u = np.linalg.eigh(b.T @ b)
        vdiag = t * phi + 1.0 / sv
        p = (u / np.sqrt(vdiag)) @ u.T  # V^{-1/2}
        ys = np.concatenate([(yw @ b.T).ravel(), np.sqrt(t) * p @ ybar])
        zs = np.concatenate([np.einsum("ij,tjk->tik", b, zw).reshape(nt, k), np.sqrt(t) * p @ zbar])
        return ys, zs, float(np.sum(np.log(vdiag)))

    def parts(lam, phi):
        ys, zs, ldv = transform(lam, phi)
        bb, *_ = np.linalg.lstsq(zs, ys, rcond=None)
        r = ys - zs @ bb
        return r @ r, bb, r, ldv

    def conc(lam, phi):
        sse, _, _, ldv = parts(lam, phi)
        return -nt / 2 * (np.log(2 * np.pi * sse / nt) + 1) - ldv / 2 + (t - 1) / t * mod.logdet(lam, "error")

    def negll(p):
        return -conc(p[0], np.exp(p[1]))

    lo, hi = mod._lo, mod._hi
    eps = 1e-6 * (hi - lo)
    res = minimize_2d(
        negll,
        ((0.0, 0.0), (0.3, np.log(0.1)), (0.3, np.log(10.0))),
        [(lo + eps, hi - eps), (-30.0, 15.0)],
        polish_always=False,
        nm_maxiter=5000,
        xatol=tol,
    )
    lam, phi = float(res.x[0]), float(np.exp(res.x[1]))
    check_interior("lambda", lam, lo, hi)
    # when the maximum is on the bound phi = 0 the search in log phi stalls short of it (its slope there is
    # phi times the slope in phi), at a phi between 1e-12 and 1e-6 that depends on the floating-point path:
    # the bound is the estimate whenever its likelihood is at least the search's
    if phi < 1e-10 or conc(lam, 0.0) >= conc(lam, phi):
        phi = 0.0
        warnings.warn(
            "random-effects variance is estimated at zero: the model reduces to the pooled SEM",
            RuntimeWarning,
            stacklevel=3,
        )
    else:
        check_stationary(negll, res.x, "random-effects SEM")
    sse, beta, e, _ = parts(lam, phi)
    sig2 = sse / nt
    ll = conc(lam, phi)

    def full_ll(p):
        b_, lm, ph, s2 = p[:k], p[k], p[k + 1], p[k + 2]
        ys, zs, ldv = transform(lm, ph)
        r = ys - zs @ b_
        return -nt / 2 * np.log(2 * np.pi * s2) - ldv / 2 + (t - 1) / t * mod.logdet(lm, "error") - r @ r / (2 * s2)

    return _re_results(mod, full_ll, beta, "lambda", lam, phi, sig2, phi * sig2, ll, e)


# ------------------------------------------------------------------ results
def _re_results(mod, full_ll, beta, spatial_name, spatial, phi, sig2, sigma2_mu, ll, e):
    """Results of a random-effects fit.  The covariance of ``(beta, spatial)`` and the SE of
    ``sigma2`` come from a numerical Hessian of ``full_ll`` in ``(beta, spatial, phi,
    sigma2)``, with ``phi`` then dropped."""
    k = len(beta)
    neg_hess = -num_hessian(full_ll, np.r_[beta, spatial, phi, sig2])
    full = inverse(neg_hess)
    keep = list(range(k + 1)) + [k + 2]
    lag = spatial_name == "rho"
    # neg_hessian: for the cov_type options (aicoord.panel.inference)
    return make_results(
        mod,
        mod.znames + [spatial_name],
        np.r_[beta, spatial],
        full[np.ix_(keep, keep)],
        sig2,
        ll,
        e,
        rho=spatial if lag else 0.0,
        lam=0.0 if lag else spatial,
        phi=phi,
        neg_hessian=neg_hess,
        sigma2_mu=sigma2_mu,
    )
