"""Scores and Hessian of the spatial panel fits: the pieces of every sandwich covariance of
:mod:`aicoord.panel.inference`.

:func:`scores_and_hessian` (:func:`fe_scores`) gives the per-observation scores and the analytic observed Hessian
of the full (not concentrated) log-likelihood in ``theta = (beta, [rho], [lambda], sigma2)`` at the ML estimate,
the log-Jacobian spread over the N observations of its period; :func:`fe_parts` the residuals, their derivatives
and that Hessian. The scores of ``rho`` and ``lambda`` are linear-quadratic forms of the residuals:
:func:`quadratic_matrices` are the matrices of their quadratic parts, :func:`md_pieces` the martingale-difference
pieces of the scores ("OPMD") and :func:`helmert` the forward orthogonal deviations (Lee and Yu's
``F_{T,T-1}``). Why, and what each covariance option does with them, is in the notes of
:mod:`aicoord.panel.inference`, which re-exports every public name here.
"""

from __future__ import annotations

import numpy as np

from .data import demean, spatial_lag

__all__ = [
    "fe_parts",
    "fe_scores",
    "helmert",
    "quadratic_matrices",
    "md_pieces",
    "scores_and_hessian",
]


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
            if pw.method == "eigen":  # from the (cached) eigenvalues: no dense solve
                f = pw.eigenvalues / (1.0 - r * pw.eigenvalues)
                memo[id(pw)] = (float(np.real(f.sum())), float(np.real((f * f).sum())))
            else:
                memo[id(pw)] = pw.info_traces(r)[:2]
        trb, trbb = memo[id(pw)]
        d1[ti * mod.N : (ti + 1) * mod.N] = -sc * trb / mod.N
        d2 -= sc * trbb
    if mod.lee_yu and mod.effects in ("time", "twoways"):
        d1 += sc / (mod.N * (1.0 - r))
        d2 += sc * mod.T / (1.0 - r) ** 2
    return d1, d2


def helmert(t):
    """``T x (T-1)`` orthonormal basis of the deviations from the time mean: forward orthogonal
    deviations (Arellano and Bover 1995), one choice of Lee and Yu's (2010) ``F_{T,T-1}``; column
    ``s`` is ``c_s (e_s - mean(e_{s+1..T}))``, ``c_s = sqrt((T-s)/(T-s+1))``."""
    f = np.zeros((t, t - 1))
    for s in range(t - 1):
        c = np.sqrt((t - s - 1) / (t - s))
        f[s, s] = c
        f[s + 1 :, s] = -c / (t - s - 1)
    return f


def fe_parts(res):
    """Residuals ``e`` (NT), their derivatives ``de = de/dtheta`` (NT x p, time-major), the
    analytic observed Hessian of ``(theta, sigma2)`` and the names of the spatial parameters
    of a pooled or fixed-effects fit."""
    mod = res.model
    names = list(res.params.index)
    beta = res.params[mod.znames].to_numpy()
    has_rho, has_lam = "rho" in names, "lambda" in names
    rho, lam, s2 = res.rho, res.lam, res.sigma2
    z, y = mod.Zd, mod.yd
    n, k = len(y), z.shape[1]
    wz = demean(spatial_lag(mod.ws_e, mod.Zraw), mod.effects).reshape(z.shape) if has_lam else 0 * z
    wewy = demean(spatial_lag(mod.ws_e, mod.Wy), mod.effects).ravel() if has_lam and has_rho else np.zeros(n)
    wy = mod.Wyd if has_rho else np.zeros(n)
    wy_e = mod.Wyd_e if has_lam else np.zeros(n)
    zt = z - lam * wz
    e = y - rho * wy - lam * (wy_e - rho * wewy) - zt @ beta
    cols = [-zt]
    jac2 = [np.zeros(k)]
    spatial = []
    if has_rho:
        cols.append(-(wy - lam * wewy)[:, None])
        jac2.append([_jacobian_parts(mod, mod.ws, rho)[1]])
        spatial.append("rho")
    if has_lam:
        cols.append(-(wy_e - rho * wewy - wz @ beta)[:, None])
        jac2.append([_jacobian_parts(mod, mod.ws_e, lam)[1]])
        spatial.append("lambda")
    de = np.hstack(cols)
    p = de.shape[1]
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
    hess[:p, p] = hess[p, :p] = e @ de / s2**2
    hess[p, p] = mod.n_eff / (2 * s2**2) - e @ e / s2**3
    return e, de, hess, spatial


def fe_scores(res):
    """Per-observation scores of the full log-likelihood (the log-Jacobian spread over the N
    observations of its period) and the analytic Hessian; their period sums are the period's
    linear-quadratic score (used by ``driscoll-kraay``)."""
    mod = res.model
    e, de, hess, spatial = fe_parts(res)
    s2 = res.sigma2
    n, p = de.shape
    jac1 = np.zeros((n, p))
    for j, name in enumerate(spatial):
        ws, r = (mod.ws, res.rho) if name == "rho" else (mod.ws_e, res.lam)
        jac1[:, p - len(spatial) + j] = _jacobian_parts(mod, ws, r)[0]
    scores = np.empty((n, p + 1))
    scores[:, :p] = -(e / s2)[:, None] * de + jac1
    frac = mod.n_eff / n  # Lee-Yu: -n_eff/2 log(sigma2) spread over the N T observations
    scores[:, p] = -0.5 * frac / s2 + e**2 / (2 * s2**2)
    return scores, hess


def _project(m):
    """``Q_N m Q_N`` with ``Q_N = I - 11'/N``."""
    m = m - m.mean(axis=0, keepdims=True)
    return m - m.mean(axis=1, keepdims=True)


def quadratic_matrices(res, ti):
    """Dense ``N x N`` matrices ``M`` of the quadratic parts of the spatial scores in period
    ``ti``: the stochastic part of ``-de/d rho`` is ``M_rho e_t`` and of ``-de/d lambda`` is
    ``M_lambda e_t``.

    ``M_rho = W A^{-1}`` (SAR, SDM), ``M_lambda = W_e B^{-1}`` (SEM, SDEM, SAC) and
    ``M_rho = B W A^{-1} B^{-1}`` (SAC), ``A = I - rho W``, ``B = I - lambda W_e``; with time
    effects ``Q_N M Q_N`` (the period demeaning ``Q_N = I - 11'/N``).
    """
    mod = res.model
    nn = mod.N
    eye = np.eye(nn)
    names = list(res.params.index)
    pw, pe = mod.ws[ti], mod.ws_e[ti]
    out = {}
    # sparse LU of I - r W with the dense W as right-hand side: much cheaper than a dense solve at large N
    if "lambda" in names:
        we = pe.W.toarray()
        out["lambda"] = pe.solve(res.lam, we)  # B^{-1} W_e = W_e B^{-1}
    if "rho" in names:
        g = pw.solve(res.rho, pw.W.toarray())
        if "lambda" in names:
            b = eye - res.lam * we
            g = b @ g @ np.linalg.inv(b)
        out["rho"] = g
    if mod.effects in ("time", "twoways"):
        out = {k: _project(v) for k, v in out.items()}
    return out


def md_pieces(res, labels=None):
    """Martingale-difference pieces of the scores (module notes, "OPMD").

    Parameters
    ----------
    res : SpatialPanelResults
        A balanced pooled or fixed-effects fit.
    labels : numpy.ndarray, optional
        ``(T, N)`` integer cluster codes (time-major); the units of each period are ordered by
        code (stably) before the decomposition, so that the pieces of a cluster sum to its
        martingale difference.  With individual or two-way effects the codes must be constant
        within each unit.

    Returns
    -------
    pieces : numpy.ndarray
        ``(T' N, q)``, one row per (transformed) observation, columns ``params`` then ``sigma2``;
        ``T' = T - 1`` with individual or two-way effects (forward orthogonal deviations of
        :func:`helmert`), else ``T``.
    codes : numpy.ndarray or None
        Cluster code of each row (``labels`` carried over).
    """
    mod = res.model
    t, nn = mod.T, mod.N
    e, de, _, spatial = fe_parts(res)
    s2 = res.sigma2
    p = de.shape[1]
    ee, dd = e.reshape(t, nn), (-de).reshape(t, nn, p)  # dd: the "regressors" -de/dtheta
    if mod.effects in ("individual", "twoways"):
        f = helmert(t)
        ee, dd = f.T @ ee, np.einsum("st,snp->tnp", f, dd)
        lab = None if labels is None else np.broadcast_to(labels[:1], (t - 1, nn))
        wkey = [0] * (t - 1)
    else:
        lab = labels
        wkey = list(range(t))
    tt = ee.shape[0]
    qn = mod.effects in ("time", "twoways")
    pieces = np.empty((tt, nn, p + 1))
    codes = np.empty((tt, nn), dtype=int) if lab is not None else None
    perms = [np.arange(nn)] * tt if lab is None else [np.argsort(lab[i], kind="stable") for i in range(tt)]
    groups = {}
    for i in range(tt):
        key = (id(mod.ws[wkey[i]]), id(mod.ws_e[wkey[i]]), perms[i].tobytes())
        groups.setdefault(key, []).append(i)
    for idx in groups.values():
        perm = perms[idx[0]]
        ident = bool(np.all(perm == np.arange(nn)))  # no reordering needed (e.g. clusters = units)
        ep = ee[idx][:, perm]  # (g, N)
        rp = dd[idx][:, perm, :]  # (g, N, p)
        out = np.empty((len(idx), nn, p + 1))
        out[:, :, :p] = rp * (ep / s2)[:, :, None]  # linear pieces (beta)
        mats = quadratic_matrices(res, wkey[idx[0]]) if spatial else {}
        for j, name in enumerate(spatial):
            col = p - len(spatial) + j
            m = mats[name] if ident else mats[name][np.ix_(perm, perm)]
            low = np.tril((m + m.T) / 2, -1)
            dg = np.diag(m)
            lin = rp[:, :, col] - ep @ m.T  # the non-stochastic part d of -de/dtheta
            out[:, :, col] = (lin * ep + ep * (2 * ep @ low.T + dg * ep) - s2 * dg) / s2
        if qn:  # e'e = u' Q_N u: Q_N's strict lower triangle is -1/N
            below = np.cumsum(ep, axis=1) - ep
            dq = 1 - 1 / nn
            out[:, :, p] = (ep * (-2 * below / nn + dq * ep) - s2 * dq) / (2 * s2**2)
        else:
            out[:, :, p] = (ep**2 - s2) / (2 * s2**2)
        pieces[idx] = out
        if codes is not None:
            codes[idx] = lab[idx][:, perm]
    return pieces.reshape(tt * nn, p + 1), (None if codes is None else codes.ravel())


def scores_and_hessian(res):
    """Per-observation scores and observed Hessian of the full log-likelihood at the estimate.

    Parameters
    ----------
    res : SpatialPanelResults
        A balanced pooled or fixed-effects fit.

    Returns
    -------
    scores : numpy.ndarray
        ``(N T, q)``, rows time-major (period, then unit); columns ``params`` and ``sigma2``
        last.  Their period sums are the period's linear-quadratic score (``driscoll-kraay``);
        the observations themselves are not independent pieces (use :func:`md_pieces`).
    hessian : numpy.ndarray
        ``(q, q)`` analytic observed Hessian.
    """
    return fe_scores(res)
