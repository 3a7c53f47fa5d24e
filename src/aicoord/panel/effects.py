"""Direct, indirect and total effects (LeSage and Pace 2009) with simulated inference.

For SAR, SDM and SAC the effects of regressor k are averages over the N x N matrix
``S_k = (I - rho W)^{-1} (beta_k I + theta_k W)``: direct = mean diagonal, total = mean row sum,
indirect = total - direct.  With eigenvalues ``omega`` of W the mean diagonal is
``beta_k mean(1/(1 - rho omega)) + theta_k mean(omega/(1 - rho omega))``; for a row-standardised
W the total is ``(beta_k + theta_k)/(1 - rho)``.  No inverse of ``(I - rho W)`` is formed for any
draw.  With a weights matrix per period the effects are averaged over periods (weighted by the
number of units observed in each, which is equal weighting on a balanced panel).

Inference: ``draws`` parameter vectors ``(beta, theta, rho)`` are drawn from the estimated
asymptotic normal distribution; the standard error is the standard deviation of the simulated
effects, ``z = estimate / se`` with the estimate evaluated at the ML point, and ``p`` two-sided
normal.  For SLX and SDEM the effects are the coefficients (direct = beta, indirect = theta,
total = beta + theta) with delta-method (exact linear) standard errors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from ..errors import InputError
from ..limits import MAX_DRAWS
from .effects_delta import delta_se, traces
from .wmatrix import eigen_traces

__all__ = ["impacts", "effects_from_eigenvalues"]


def effects_from_eigenvalues(omega, rho, beta, theta):
    """Direct, indirect and total effects of one regressor of an SDM (SAR: ``theta = 0``) with a
    row-standardised W given by its eigenvalues ``omega``, for one point or arrays of draws.

    ``direct = beta mean(1/(1 - rho omega)) + theta mean(omega/(1 - rho omega))`` (:func:`eigen_traces`),
    ``total = (beta + theta)/(1 - rho)``, ``indirect = total - direct`` (LeSage and Pace 2009, ch. 2.7);
    the module's :func:`impacts` uses the same traces through its weights.

    Parameters
    ----------
    omega : numpy.ndarray
        Eigenvalues of the row-standardised W.
    rho, beta, theta : float or numpy.ndarray
        Parameters (arrays of equal length: one entry per draw).

    Returns
    -------
    tuple of numpy.ndarray
        ``(direct, indirect, total)``, each at least one-dimensional.
    """
    b, th, r = (np.atleast_1d(np.asarray(a, float)) for a in (beta, theta, rho))
    a1, a2 = eigen_traces(omega, r)
    direct = b * a1 + th * a2
    total = (b + th) / (1.0 - r)
    return direct, total - direct, total


def _weights_mix(mod):
    """``(W, W_x, share)`` per distinct pair of matrices; the shares are of the observations (``n_t / n``
    per period: equal shares on a balanced panel, the observed units' shares on an unbalanced one)."""
    out = {}
    wsx = getattr(mod, "ws_x", mod.ws)
    for pw, pwx in zip(mod.ws, wsx):
        key = (id(pw), id(pwx))
        if key in out:
            out[key][2] += pw.n
        else:
            out[key] = [pw, pwx, pw.n]
    total = sum(pw.n for pw in mod.ws)
    return [(pw, pwx, c / total) for pw, pwx, c in out.values()]


def _effects_at(mod, rhos, betas, thetas):
    """Effects arrays (draws x k) for vectors of rho and matrices of beta, theta."""
    d = np.zeros_like(betas)
    tot = np.zeros_like(betas)
    for pw, pwx, share in _weights_mix(mod):
        a1, a2, t1, t2 = traces(pw, pwx, rhos)
        d += share * (betas * a1[:, None] + thetas * a2[:, None])
        tot += share * (betas * t1[:, None] + thetas * t2[:, None])
    return d, tot - d, tot


def cov_root(cov):
    """A matrix ``R`` with ``R R' = cov`` that does not depend on the units of the estimates.

    ``R = D L`` with ``D`` the standard errors and ``L`` the Cholesky factor of the correlation matrix (unique
    and continuous in it, so a fit in other units, or rounded differently, gets the same draws); when the
    correlation matrix is not positive definite, ``L = V sqrt(max(Lambda, 0))`` from its eigen-decomposition.
    A coefficient in units 1e15 times smaller thus gets draws exactly 1e15 times larger: a decomposition of
    the covariance itself loses the variance of the small-scale coefficients to rounding.
    """
    cov = (cov + cov.T) / 2
    sd = np.sqrt(np.clip(np.diag(cov), 0, None))
    d = np.where(sd > 0, sd, 1.0)
    corr = cov / np.outer(d, d)
    try:
        low = np.linalg.cholesky(corr)
    except np.linalg.LinAlgError:
        vals, vecs = np.linalg.eigh(corr)
        low = vecs * np.sqrt(np.clip(vals, 0, None))
    return d[:, None] * low


def _frame(vars_, est, se):
    rows = []
    for kind in ("direct", "indirect", "total"):
        for j, v in enumerate(vars_):
            e, s = est[kind][j], se[kind][j]
            z = e / s if s > 0 else np.nan
            rows.append({"variable": v, "effect": kind, "estimate": e, "se": s, "z": z, "p": 2 * special.ndtr(-abs(z))})
    return pd.DataFrame(rows).set_index(["variable", "effect"])


#: draws simulated at a time (the effects need a draws x N array per chunk); the random stream and so the
#: results do not depend on it, since the draws are generated in the same order
DRAW_CHUNK = 10_000


def impacts(res, draws=1000, seed=1, se="sim"):
    """Direct, indirect and total effects of every regressor.

    Parameters
    ----------
    res : SpatialPanelResults
    draws : int
        Number of simulation draws (SAR, SDM, SAC), 2 to ``aicoord.limits.MAX_DRAWS`` (100,000); they are
        simulated in chunks of :data:`DRAW_CHUNK`, so memory stays bounded whatever the number.
    seed : int
        Seed of ``numpy.random.default_rng``.
    se : {"sim", "delta"}
        Standard errors by simulation from the asymptotic normal distribution of the estimates
        (default) or by the delta method with analytic gradients
        (:func:`aicoord.panel.effects_delta.delta_se`); both use ``res.cov``, the covariance of
        the fit's ``cov_type``.  For SLX and SDEM the two coincide (the effects are linear).

    Returns
    -------
    pandas.DataFrame
        Index ``(variable, effect)`` with effect in direct/indirect/total; columns ``estimate``,
        ``se``, ``z``, ``p``.

    Raises
    ------
    InputError
        For an SEM, whose coefficients are the effects.

    Notes
    -----
    LeSage, J. and Pace, R.K. (2009), Introduction to Spatial Econometrics, ch. 2.7 and 5.6.
    """
    mod = res.model
    if se not in ("sim", "delta"):
        raise InputError(f"unknown effects standard errors '{se}'", hint="choose 'sim' or 'delta'")
    vars_ = list(mod.xnames)
    p = res.params
    if mod.model in ("sem",):
        raise InputError("the SEM has no spillover effects: the coefficients are the effects")
    theta_names = [f"W*{v}" if v in mod.wxnames else None for v in vars_]
    if mod.model in ("slx", "sdem"):
        est, se = {}, {}
        cov = res.cov
        b = np.array([p[v] for v in vars_])
        th = np.array([p[t] if t else 0.0 for t in theta_names])
        vb = np.array([cov.loc[v, v] for v in vars_])
        vt = np.array([cov.loc[t, t] if t else 0.0 for t in theta_names])
        cbt = np.array([cov.loc[v, t] if t else 0.0 for v, t in zip(vars_, theta_names)])
        est = {"direct": b, "indirect": th, "total": b + th}
        se = {"direct": np.sqrt(vb), "indirect": np.sqrt(vt), "total": np.sqrt(vb + vt + 2 * cbt)}
        return _frame(vars_, est, se)
    names = vars_ + [t for t in theta_names if t] + ["rho"]
    mean = p[names].to_numpy()
    cov = res.cov.loc[names, names].to_numpy()
    k = len(vars_)
    tidx = [names.index(t) if t else None for t in theta_names]

    def split(m):
        m = np.atleast_2d(m)
        th = np.column_stack([m[:, i] if i is not None else np.zeros(len(m)) for i in tidx])
        return m[:, -1], m[:, :k], th

    r0, b0, t0 = split(mean)
    d, ind, tot = _effects_at(mod, r0, b0, t0)
    est = {"direct": d[0], "indirect": ind[0], "total": tot[0]}
    if se == "delta":
        out = _frame(vars_, est, delta_se(_weights_mix(mod), float(r0[0]), b0[0], t0[0], tidx, cov))
        out.attrs["se"] = "delta"
        return out
    if isinstance(draws, bool) or not float(draws).is_integer() or not 2 <= int(draws) <= MAX_DRAWS:
        raise InputError(
            f"draws must be between 2 and {MAX_DRAWS:,}, not {draws}",
            hint="1,000 draws give standard errors to about 2%; more add little",
        )
    draws = int(draws)
    rng = np.random.default_rng(seed)
    root = cov_root(cov)
    lo, hi = mod._lo, mod._hi
    parts = []
    for start in range(0, draws, DRAW_CHUNK):  # bounded memory: the draws x N work is done a chunk at a time
        sims = mean + rng.standard_normal((min(DRAW_CHUNK, draws - start), len(mean))) @ root.T
        sims = sims[(sims[:, -1] > lo) & (sims[:, -1] < hi)]
        parts.append(_effects_at(mod, *split(sims)))
    d, ind, tot = (np.concatenate([p[i] for p in parts]) for i in range(3))
    se = {"direct": d.std(axis=0, ddof=1), "indirect": ind.std(axis=0, ddof=1), "total": tot.std(axis=0, ddof=1)}
    out = _frame(vars_, est, se)
    out.attrs["se"] = "sim"
    out.attrs["draws"] = int(draws)
    out.attrs["seed"] = seed
    out.attrs["simulated_mean"] = {
        "direct": d.mean(axis=0).tolist(),
        "indirect": ind.mean(axis=0).tolist(),
        "total": tot.mean(axis=0).tolist(),
    }
    return out
