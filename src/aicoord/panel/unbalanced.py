"""Spatial panel models on an unbalanced panel by exact maximum likelihood.

When some unit-periods are missing (a city created or merged, a yearbook gap), the model is the
dummy-variable model on the stacked observed rows (period-major), with

* **weights**: for each period ``t`` the units observed in ``t`` and their sub-matrix of W (of the
  period's own W when ``w`` is a dict of periods), taken from the raw weights and then
  row-standardised (``standardize=True``, the default); with ``standardize=False`` the sub-matrix
  is used as it is.  A unit whose neighbours are all missing in a period has no neighbours in that
  period (a warning is given).  The stacked weights are block-diagonal;
* **fixed effects**: unit and/or period dummies partialled out by orthogonal projection on their
  column space, ``M = I - D (D'D)^- D'``.  Simple demeaning equals this projection only on a
  balanced panel;
* **log-Jacobian**: ``sum_t log|I - rho W_t|`` over the periods' sub-matrices.

SAR and SDM (the SDM is the SAR with the ``W x`` regressors, lagged within each period on the raw
data): the projection is the same for every ``rho``, so the concentrated likelihood is that of
:func:`aicoord.panel.fixed.fit_lag` with projected data.  SEM and SDEM: the filtered dummies
``(I - lambda W) D`` no longer span the space of ``D`` once periods differ in their units, so at
each ``lambda`` the filtered outcome is regressed on the filtered regressors and the filtered
dummies together (QR).  SLX: least squares after the projection.  Standard errors come from the
analytic information matrix of ``(beta, alpha, rho or lambda, sigma2)`` including the dummies'
coefficients ``alpha``; its inverse's block for ``(beta, rho or lambda)`` equals the inverse of
the information with ``alpha`` partialled out, which is what is computed (Elhorst 2014, ch. 3;
the information of :mod:`aicoord.panel.fixed` with ``M`` in place of demeaning).

Not identified, hence refused: a period with a single observed unit (its weights sub-matrix is
empty), a unit observed in one period only under unit effects (its dummy absorbs its only
observation), the Lee-Yu correction (defined for balanced panels), the SAC and random effects.

Effects (:func:`aicoord.panel.effects.impacts`) are computed per period from its sub-matrix and
averaged over periods with weights ``n_t / n``: the average over all observed unit-periods, i.e.
the effects of the stacked model (R ``spatialreg::impacts`` on the block-diagonal weights).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import InputError, listed
from ._numeric import check_interior, inverse
from .data import check_design, check_not_zero
from .fixed import fit_ols
from .fixed_effects import dummies
from .likelihood import concentrated_lag, line_search, loglik, ml_information
from .results import make_results
from .wmatrix import PanelWeights, as_matrix

__all__ = ["prepare_unbalanced", "fit", "missing_cells", "project"]


def missing_cells(df, id_col, time_col):
    """The unit-periods absent from a long panel.

    Parameters
    ----------
    df : pandas.DataFrame
        Long panel, one row per observed unit-period.
    id_col, time_col : str
        Unit and period columns.

    Returns
    -------
    list of tuple
        ``(unit, period)`` pairs of the full grid of units x periods that have no row, sorted by
        period, then unit.
    """
    units = sorted(df[id_col].unique())
    periods = sorted(df[time_col].unique())
    full = pd.MultiIndex.from_product([periods, units])
    have = pd.MultiIndex.from_frame(df[[time_col, id_col]])
    gone = full.difference(have)
    return [(u, p) for p, u in gone]


def _full_rank_columns(d):
    """Columns of ``d`` forming a basis of its column space, and an orthonormal basis of that space
    (pivoted QR)."""
    from scipy.linalg import qr

    if d.shape[1] == 0:
        return d, d
    q, r, piv = qr(d, mode="economic", pivoting=True)
    diag = np.abs(np.diag(r))
    rank = int(np.sum(diag > 1e-10 * diag[0]))
    return d[:, np.sort(piv[:rank])], q[:, :rank]


def prepare_unbalanced(mod, df, w, standardize, logdet, units, periods):
    """Set the data attributes of the :class:`~aicoord.panel.SpatialPanel` ``mod`` for an
    unbalanced panel (called by :func:`aicoord.panel.prepare.prepare`).

    ``df`` is the checked long frame (no missing values, no duplicate pairs).  Sets ``balanced``
    (False), ``missing`` (the absent ``(unit, period)`` pairs), ``n_t``, ``rows`` (row slice of each
    period), ``ws`` (one :class:`~aicoord.panel.wmatrix.PanelWeights` per period, of its observed
    units), ``Wbd`` (the block-diagonal weights), ``Y``, ``Wy`` (observed rows), ``Zraw``,
    ``znames``, ``D`` (a basis of the dummies), ``Zd``, ``yd``, ``Wyd`` (projected) and ``n_eff``.

    Raises
    ------
    InputError
        For the cases that are not identified or not implemented (module docstring).
    """
    if mod.effects == "random":
        raise InputError(
            "random effects need a balanced panel",
            hint="use fixed effects (individual, time or twoways) on an unbalanced panel",
        )
    if mod.model == "sac":
        raise InputError("the SAC is not implemented for unbalanced panels", hint="fit the SAR, SDM, SEM or SDEM")
    if mod.lee_yu:
        raise InputError(
            "the Lee-Yu correction is defined for balanced panels only",
            hint="drop the Lee-Yu option on an unbalanced panel",
        )
    df = df.sort_values([mod.time, mod.id]).reset_index(drop=True)
    upos = {u: i for i, u in enumerate(units)}
    ppos = {p: i for i, p in enumerate(periods)}
    ui = df[mod.id].map(upos).to_numpy()
    ti = df[mod.time].map(ppos).to_numpy()
    n_t = np.bincount(ti, minlength=len(periods))
    lone = [periods[i] for i in np.flatnonzero(n_t < 2)]
    if lone:
        raise InputError(
            f"periods {listed(lone[:5])} have a single observed unit: their weights sub-matrix "
            "is empty and the spatial model is not identified",
            column=mod.time,
            hint="drop those periods",
        )
    if mod.effects in ("individual", "twoways"):
        seen = np.bincount(ui, minlength=len(units))
        once = [units[i] for i in np.flatnonzero(seen < 2)]
        if once:
            raise InputError(
                f"units {listed(once[:5])} are observed in one period only: their unit effect "
                "absorbs the observation and the model is not identified",
                column=mod.id,
                hint="drop those units or use time effects only",
            )
    mod.balanced = False
    mod.missing = missing_cells(df, mod.id, mod.time)
    mod.units, mod.periods, mod.N, mod.T = units, periods, len(units), len(periods)
    mod.n_t = n_t
    starts = np.r_[0, np.cumsum(n_t)]
    mod.rows = [slice(starts[i], starts[i + 1]) for i in range(len(periods))]
    mod.obs = df[[mod.id, mod.time]]
    mod._ui, mod._ti = ui, ti
    mod.Y = df[mod.yname].to_numpy(dtype=float)
    mod.X = df[mod.xnames].to_numpy(dtype=float).reshape(len(df), len(mod.xnames))

    # weights: each period's sub-matrix of the raw weights, standardised afterwards
    if isinstance(w, dict):
        if set(w) != set(periods):
            raise InputError(
                "weights by year must give one matrix for every period", hint=f"periods: {listed(periods[:3])}..."
            )
        raw = {}
        mats = []
        for i, p in enumerate(periods):
            observed = [units[j] for j in ui[mod.rows[i]]]
            if _carries_ids(w[p], observed, len(units)):  # a yearly matrix of that year's units only
                mats.append(as_matrix(w[p], observed)[0])
                continue
            if id(w[p]) not in raw:
                raw[id(w[p])] = as_matrix(w[p], units, period=p)[0]
            mats.append(raw[id(w[p])])
    else:
        mats = [as_matrix(w, units)[0]] * len(periods)
    for p, mat in zip(periods, mats):
        check_not_zero(mat, period=p if isinstance(w, dict) else None)
    mod.ws = []
    islands = 0
    for i, mat in enumerate(mats):
        idx = ui[mod.rows[i]]
        sub = mat if mat.shape[0] == len(idx) < len(units) else mat[idx][:, idx]
        pw = PanelWeights(sub.tocsr(), standardize, logdet)
        islands += pw.islands
        mod.ws.append(pw)
    if islands:
        warnings.warn(
            f"{islands} unit-periods have no observed neighbours in their period's weights sub-matrix", stacklevel=4
        )
    mod.varying_w = True
    mod.Wbd = sp.block_diag([pw.W for pw in mod.ws], format="csr")

    # design, lags on the raw data within each period, dummies partialled out by projection
    wxi = [mod.xnames.index(v) for v in mod.wxnames]
    Z = mod.X if not wxi else np.hstack([mod.X, mod.Wbd @ mod.X[:, wxi]])
    names = mod.xnames + [f"W*{v}" for v in mod.wxnames]
    if mod.effects == "none":
        Z = np.hstack([np.ones((len(df), 1)), Z])
        names = ["const"] + names
    mod.Zraw, mod.znames = Z, names
    mod.D, mod._U = _full_rank_columns(dummies(ui, ti, len(units), len(periods), mod.effects))
    mod.Wy = mod.Wbd @ mod.Y
    mod.Zd, mod.yd, mod.Wyd = project(mod, Z), project(mod, mod.Y), project(mod, mod.Wy)
    check_design(mod.Zd, mod.Zraw, mod.znames, mod.effects)
    mod.n_eff, mod._ld_scale = len(df), 1.0


def _carries_ids(w, observed, n_units):
    """Whether ``w`` carries unit ids (libpysal W or Graph, DataFrame) that are exactly the ``observed`` units
    of a period, fewer than all ``n_units``: a yearly matrix of the units that exist that year (yearly
    boundaries give such files), taken as that period's weights."""
    if isinstance(w, pd.DataFrame):
        carried = list(w.index)
    else:
        carried = getattr(w, "id_order", None)
        if carried is None:
            carried = getattr(w, "unique_ids", None)
    return carried is not None and len(carried) == len(observed) < n_units and set(carried) == set(observed)


def project(mod, a):
    """``M a``: the residual of ``a`` (shape ``(n,)`` or ``(n, k)``) after least squares on the
    dummies of ``mod`` (a copy of ``a`` when there are none)."""
    u = mod._U
    return a - u @ (u.T @ a) if u.shape[1] else a.copy()


def fit(mod, tol):
    """Fit the unbalanced model ``mod`` (dispatched by :meth:`SpatialPanel.fit`).

    Parameters
    ----------
    mod : SpatialPanel
        Prepared by :func:`prepare_unbalanced`, with ``mod._lo, mod._hi`` set.
    tol : float
        ``xatol`` of the line search in the spatial parameter (then refined to a root of the score).

    Returns
    -------
    SpatialPanelResults
    """
    if mod.model in ("sar", "sdm"):
        return _fit_lag(mod, tol)
    if mod.model in ("sem", "sdem"):
        return _fit_err(mod, tol)
    return fit_ols(mod, None)  # the projected data make the balanced panel's least squares exact


def _fit_lag(mod, tol):
    """SAR/SDM: concentrated likelihood in ``rho`` on the projected data; analytic information."""
    rho, beta, e, sig2, ll = concentrated_lag(mod, tol)
    Z, n = mod.Zd, mod.n_eff
    eta = mod.Y - rho * mod.Wy - e  # X beta + D alpha, the mean of (I - rho W) y
    g = np.empty(n)
    for pw, rows in zip(mod.ws, mod.rows):
        g[rows] = pw.W @ pw.solve(rho, eta[rows])
    g = project(mod, g)
    info = ml_information(Z.T @ Z, Z.T @ g, g @ g, mod._info_traces(rho), sig2, n)
    res = make_results(mod, mod.znames + ["rho"], np.r_[beta, rho], inverse(info), sig2, ll, e, rho=rho, lam=0.0)
    return res


class _ErrGram:
    """Cross-products for the SEM/SDEM regression at any ``lambda``.

    The filtered outcome ``(I - lam W) y`` is regressed on ``(I - lam W) [Z D]``.  Replacing ``y``
    and ``Z`` by their projections ``M y`` and ``M Z`` off the dummies changes them by ``D c``,
    whose filtered value ``(I - lam W) D c`` lies in the span of the filtered dummies, so the
    coefficients of ``Z`` and the residuals are unchanged, and the sums of squares stay small (no
    cancellation).  With ``G = [MZ, D, My]`` the cross-product matrix of the filtered ``G`` is the
    quadratic ``P0 - lam (P1 + P1') + lam^2 P2`` (``P0 = G'G``, ``P1 = G'WG``, ``P2 = (WG)'WG``); a
    Cholesky factorisation of it gives the coefficients, ``sse`` (the squared last pivot) and, by the
    envelope theorem, ``d sse / d lam`` (the derivative of the quadratic form at fixed
    coefficients).
    """

    def __init__(self, mod):
        g = np.hstack([mod.Zd, mod.D, mod.yd[:, None]])
        wg = mod.Wbd @ g
        self.p0, self.p1, self.p2 = g.T @ g, g.T @ wg, wg.T @ wg
        self.k = mod.Zd.shape[1]
        self.m = g.shape[1] - 1

    def gram(self, lam):
        return self.p0 - lam * (self.p1 + self.p1.T) + lam * lam * self.p2

    def solve(self, lam):
        """``(sse, coef of [MZ, D], d sse / d lam)``."""
        from scipy.linalg import cho_factor, cho_solve

        a = self.gram(lam)
        m = self.m
        fac = cho_factor(a[:m, :m], lower=True)
        coef = cho_solve(fac, a[:m, m])
        v = np.r_[-coef, 1.0]
        sse = float(v @ a @ v)
        dsse = float(v @ (-(self.p1 + self.p1.T) + 2 * lam * self.p2) @ v)
        return sse, coef, dsse


def _fit_err(mod, tol):
    """SEM/SDEM: concentrated likelihood in ``lambda``, the filtered dummies regressed out at every
    ``lambda`` (:class:`_ErrGram`); analytic information (block-diagonal between the coefficients
    and ``lambda``)."""
    n = mod.n_eff
    gram = _ErrGram(mod)

    def negll(lam):
        return n / 2 * np.log(gram.solve(lam)[0] / n) - mod.logdet(lam)

    def dsse(lam):
        sse, _, ds = gram.solve(lam)
        return sse, ds

    lam = line_search(mod, negll, tol, dsse)
    check_interior("lambda", lam, mod._lo, mod._hi)
    return err_results(mod, lam, gram)


def err_results(mod, lam, gram=None):
    """Results of the SEM/SDEM ``mod`` at a given ``lam``: the coefficients, ``sigma2`` and
    log-likelihood concentrated at ``lam`` and the information matrix there (used by
    :func:`_fit_err` at the maximum, and by the tests at another program's ``lambda``)."""
    n, k = mod.n_eff, mod.Zraw.shape[1]
    gram = _ErrGram(mod) if gram is None else gram
    _, coef, _ = gram.solve(lam)
    beta = coef[:k]
    g = np.hstack([mod.Zd, mod.D])
    gt = g - lam * (mod.Wbd @ g)
    e = (mod.yd - lam * (mod.Wbd @ mod.yd)) - gt @ coef
    sig2 = float(e @ e) / n
    ll = loglik(n, sig2, mod.logdet(lam))
    # the coefficients' block of the inverse information: sigma2 (Zt' M_lam Zt)^-1, M_lam the
    # projection off the filtered dummies (the Schur complement of the dummies' block)
    a = gram.gram(lam)[:-1, :-1]
    zz = a[:k, :k]
    if a.shape[0] > k:
        zz = zz - a[:k, k:] @ np.linalg.solve(a[k:, k:], a[k:, :k])
    info = ml_information(zz, 0.0, 0.0, mod._info_traces(lam), sig2, n)
    return make_results(mod, mod.znames + ["lambda"], np.r_[beta, lam], inverse(info), sig2, ll, e, rho=0.0, lam=lam)
