"""Traces behind the spatial effects, their derivatives in ``rho``, and delta-method standard errors.

For the SAR, SDM and SAC the effects of regressor k are linear in ``(beta_k, theta_k)`` given
``rho``:

``direct_k = beta_k a1(rho) + theta_k a2(rho)``, ``total_k = beta_k t1(rho) + theta_k t2(rho)``

with ``a1 = tr(A)/N``, ``a2 = tr(A W_x)/N``, ``t1 = 1'A1/N``, ``t2 = 1'A W_x 1/N`` and
``A = (I - rho W)^{-1}`` (LeSage and Pace 2009, ch. 2.7).  Since ``dA/drho = A W A``,

``a1' = tr(A W A)/N``, ``a2' = tr(A W A W_x)/N``, ``t1' = 1'A W A 1/N``, ``t2' = 1'A W A W_x 1/N``.

With the eigenvalues ``omega`` of W and ``W_x = W``: ``a1' = mean(omega/(1 - rho omega)^2)``,
``a2' = mean(omega^2/(1 - rho omega)^2)``, and for a row-standardised W
``t1' = t2' = 1/(1 - rho)^2``.  With ``W_x`` other than W, ``W = V diag(omega) V^{-1}`` gives
``a2 = sum_j c_j/(1 - rho omega_j)/N`` with ``c = diag(V^{-1} W_x V)`` and
``t2 = sum_j d_j/(1 - rho omega_j)/N`` with ``d = (1'V) * (V^{-1} W_x 1)``, and their derivatives
with ``omega_j/(1 - rho omega_j)^2`` in place of ``1/(1 - rho omega_j)``.

Delta method: with ``g`` the gradient of an effect in ``(beta, theta, rho)`` and ``V`` the
covariance of the fit (whatever its ``cov_type``), ``se = sqrt(g' V g)``; indirect = total -
direct, so its gradient is the difference of the two.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

__all__ = ["traces", "delta_se"]

_CROSS = {}


def _cross_parts(pw, pwx):
    """Eigen-decomposition quantities of W for the cross traces with ``W_x`` (cached)."""
    key = (id(pw), id(pwx))
    hit = _CROSS.get(key)
    if hit is not None and hit[0] is pw and hit[1] is pwx:
        return hit[2]
    w, wx = pw.W.toarray(), pwx.W.toarray()
    omega, v = np.linalg.eig(w)
    vinv = np.linalg.inv(v)
    c = np.einsum("ij,ji->i", vinv @ wx, v)
    d = (np.ones(pw.n) @ v) * (vinv @ (wx @ np.ones(pw.n)))
    out = (omega, c, d)
    _CROSS[key] = (pw, pwx, out)
    return out


def traces(pw, pwx, rhos, deriv=False):
    """``(a1, a2, t1, t2)`` per rho (see the module notes), and with ``deriv=True`` also their
    derivatives in rho.

    Parameters
    ----------
    pw, pwx : PanelWeights
        The weights of the spatial lag of y and of the W*x terms (the same object by default).
    rhos : array-like
    deriv : bool

    Returns
    -------
    tuple of numpy.ndarray
        Four arrays (eight with ``deriv``), each of the length of ``rhos``.
    """
    rhos = np.atleast_1d(np.asarray(rhos, dtype=float))
    a1, a2, t1, t2 = pw.impact_traces(rhos)
    if pwx is not pw:
        omega, c, d = _cross_parts(pw, pwx)
        den = 1.0 - np.outer(rhos, omega)
        a2 = np.real((c / den).sum(axis=1)) / pw.n
        t2 = np.real((d / den).sum(axis=1)) / pw.n
    if not deriv:
        return a1, a2, t1, t2
    ev = pw.eigenvalues
    den2 = (1.0 - np.outer(rhos, ev)) ** 2
    da1 = np.real(np.mean(ev / den2, axis=1))
    if pwx is pw:
        da2 = np.real(np.mean(ev**2 / den2, axis=1))
    else:
        omega, c, d = _cross_parts(pw, pwx)
        den2x = (1.0 - np.outer(rhos, omega)) ** 2
        da2 = np.real((c * omega / den2x).sum(axis=1)) / pw.n
        dt2 = np.real((d * omega / den2x).sum(axis=1)) / pw.n
    one = np.ones(pw.n)
    if pw.row_standardized:
        dt1 = 1.0 / (1.0 - rhos) ** 2
        if pwx is pw:
            dt2 = dt1
    else:
        eye = sp.identity(pw.n, format="csc")
        dt1 = np.empty_like(rhos)
        dt2 = np.empty_like(rhos)
        wx1 = pwx.W @ one
        for i, r in enumerate(rhos):
            m = (eye - r * pw.W).tocsc()
            wl = pw.W.T @ spla.splu(m.T.tocsc()).solve(one)  # W' A' 1
            lu = spla.splu(m)
            dt1[i] = (lu.solve(one) @ wl) / pw.n  # 1'A W A 1 / N
            dt2[i] = (lu.solve(wx1) @ wl) / pw.n  # 1'A W A W_x 1 / N
    return a1, a2, t1, t2, da1, da2, dt1, dt2


def delta_se(mix, rho, beta, theta, tidx, cov):
    """Delta-method standard errors of the direct, indirect and total effects.

    Parameters
    ----------
    mix : list of (PanelWeights, PanelWeights, float)
        ``(W, W_x, share)`` per distinct pair of matrices and its share of the periods.
    rho : float
    beta, theta : numpy.ndarray
        Coefficients of the regressors and of their ``W*x`` (0 where there is none).
    tidx : list of int or None
        Position of each ``W*x`` in the parameter vector ``(beta..., theta..., rho)`` of ``cov``.
    cov : numpy.ndarray
        Covariance of that parameter vector.

    Returns
    -------
    dict
        ``{"direct", "indirect", "total"}`` arrays of standard errors.
    """
    k = len(beta)
    p = cov.shape[0]
    gd = np.zeros((k, p))
    gt = np.zeros((k, p))
    for pw, pwx, share in mix:
        a1, a2, t1, t2, da1, da2, dt1, dt2 = (float(v[0]) for v in traces(pw, pwx, [rho], deriv=True))
        for j in range(k):
            gd[j, j] += share * a1
            gt[j, j] += share * t1
            if tidx[j] is not None:
                gd[j, tidx[j]] += share * a2
                gt[j, tidx[j]] += share * t2
            gd[j, -1] += share * (beta[j] * da1 + theta[j] * da2)
            gt[j, -1] += share * (beta[j] * dt1 + theta[j] * dt2)
    out = {}
    for kind, g in (("direct", gd), ("indirect", gt - gd), ("total", gt)):
        out[kind] = np.sqrt(np.einsum("ij,jk,ik->i", g, cov, g))
    return out
