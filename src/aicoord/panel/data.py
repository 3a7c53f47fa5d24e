"""Preparation of a spatial panel for estimation.

Checks of the long DataFrame (columns, missing and non-numeric values, duplicates, balance), the
time-major arrays ``Y`` (T, N) and ``X`` (T, N, k) in the order of the sorted periods and unit ids,
the weights matrix of every period, the spatial lags, the design (regressors, ``W*x``, the
constant of pooled and random-effects models), the within transformation, the checks for
regressors wiped out by the fixed effects or collinear after it, and the effective sample size of
the likelihood (Lee and Yu 2010).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..errors import InputError
from .wmatrix import PanelWeights, as_matrix

__all__ = ["prepare", "spatial_lag"]


def _demean(a, effects):
    """Within transformation of an array shaped (T, N, ...)."""
    if effects == "individual":
        return a - a.mean(axis=0, keepdims=True)
    if effects == "time":
        return a - a.mean(axis=1, keepdims=True)
    if effects == "twoways":
        return a - a.mean(axis=0, keepdims=True) - a.mean(axis=1, keepdims=True) + a.mean(
            axis=(0, 1), keepdims=True
        )
    return a


def spatial_lag(ws, a):
    """Spatial lag per period of an array shaped (T, N[, k]), with ``ws[t]`` the weights of
    period ``t``."""
    out = np.empty_like(a)
    for ti, pw in enumerate(ws):
        out[ti] = pw.W @ a[ti]
    return out


def prepare(mod, data, w, standardize, logdet):
    """Check the data and weights of the :class:`~aicoord.panel.SpatialPanel` ``mod`` and set
    its data attributes.

    Sets ``units``, ``periods``, ``N``, ``T``, ``Y`` (T, N), ``X`` (T, N, k), ``ws`` (one
    :class:`~aicoord.panel.wmatrix.PanelWeights` per period), ``varying_w``, ``Zraw`` (T, N, p)
    and ``znames`` (the design: ``const`` for pooled and random effects, the regressors and their
    ``W*`` lags), the demeaned ``Zd`` (NT, p), ``yd`` and ``Wyd``, the raw lag ``Wy`` (T, N),
    ``n_eff`` and ``_ld_scale``.  Spatial lags are taken on the raw data, then demeaned.

    Raises
    ------
    InputError
        For a malformed or unbalanced panel, weights that do not fit it, or a design with
        regressors wiped out by the fixed effects or perfectly collinear.
    """
    if not isinstance(data, pd.DataFrame):
        raise InputError("data must be a pandas DataFrame in long format")
    cols = [mod.id, mod.time, mod.yname] + mod.xnames
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise InputError(f"columns not in the data: {missing}")
    if len(set(cols)) != len(cols):
        raise InputError("a column is used twice among id, time, y and x")
    df = data[cols]
    na = df.isna().any(axis=1)
    if na.any():
        first = int(np.flatnonzero(na.to_numpy())[0])
        col = df.columns[df.iloc[first].isna()][0]
        raise InputError(f"{int(na.sum())} rows have missing values (first: data row {first + 1})",
                         column=col, hint="drop or impute them; the panel must be balanced")
    for c in [mod.yname] + mod.xnames:
        if not pd.api.types.is_numeric_dtype(df[c]):
            raise InputError("column is not numeric", column=c)
        if not np.all(np.isfinite(df[c].to_numpy(dtype=float))):
            raise InputError("column has infinite values", column=c)
    if np.ptp(df[mod.yname].to_numpy(dtype=float)) == 0:
        raise InputError(f"the dependent variable '{mod.yname}' is constant", column=mod.yname,
                         hint="a constant outcome has nothing to explain; check the column")
    if df.duplicated([mod.id, mod.time]).any():
        raise InputError("duplicate (id, time) pairs", column=mod.id)
    units = sorted(df[mod.id].unique())
    periods = sorted(df[mod.time].unique())
    n, t = len(units), len(periods)
    if len(df) != n * t:
        counts = df.groupby(mod.id).size()
        short = counts[counts < t].index.tolist()[:5]
        raise InputError(f"unbalanced panel: {len(df)} rows for {n} units x {t} periods "
                         f"(units with missing periods: {short})", column=mod.id)
    if t < 2 and mod.effects in ("individual", "twoways", "random"):
        raise InputError("individual effects need at least two periods")
    mod.units, mod.periods, mod.N, mod.T = units, periods, n, t
    df = df.set_index([mod.time, mod.id]).sort_index()
    mod.Y = df[mod.yname].to_numpy(dtype=float).reshape(t, n)
    mod.X = df[mod.xnames].to_numpy(dtype=float).reshape(t, n, len(mod.xnames))

    # weights
    if isinstance(w, dict):
        keys = {k: k for k in w}
        if set(keys) != set(periods):
            raise InputError("weights by year must give one matrix for every period",
                             hint=f"periods: {periods[:3]}...")
        cache = {}
        mod.ws = []
        for p in periods:
            key = id(w[p])
            if key not in cache:
                mat, _ = as_matrix(w[p], units)
                cache[key] = PanelWeights.shared(mat, standardize, logdet)
            mod.ws.append(cache[key])
    else:
        mat, _ = as_matrix(w, units)
        pw = PanelWeights.shared(mat, standardize, logdet)
        mod.ws = [pw] * t
    for pw in mod.ws:
        if pw.n != n:
            raise InputError(f"weights matrix is {pw.n} x {pw.n} but the panel has {n} units")
        if pw.islands:
            warnings.warn(f"weights matrix has {pw.islands} units without neighbours", stacklevel=3)
    mod.varying_w = len({id(p) for p in mod.ws}) > 1
    if mod.lee_yu and mod.varying_w:
        raise InputError("the Lee-Yu correction needs one weights matrix for all periods")
    if mod.lee_yu and mod.effects in ("time", "twoways") and not all(
            pw.row_standardized for pw in mod.ws):
        raise InputError("the Lee-Yu correction for time effects needs a row-standardised W")

    # design
    def lag(a):
        return spatial_lag(mod.ws, a)

    WX = lag(mod.X[:, :, [mod.xnames.index(v) for v in mod.wxnames]]) if mod.wxnames else None
    Z = mod.X if WX is None else np.concatenate([mod.X, WX], axis=2)
    names = mod.xnames + [f"W*{v}" for v in mod.wxnames]
    if mod.effects in ("none", "random"):
        Z = np.concatenate([np.ones((t, n, 1)), Z], axis=2)
        names = ["const"] + names
    mod.Zraw = Z
    mod.znames = names
    mod.Zd = _demean(Z, mod.effects).reshape(t * n, -1)
    mod.yd = _demean(mod.Y, mod.effects).ravel()
    mod.Wy = lag(mod.Y)
    mod.Wyd = _demean(mod.Wy, mod.effects).ravel()
    _check_design(mod.Zd, mod.Zraw, mod.znames, mod.effects)
    mod.n_eff, mod._ld_scale = _sample_size(n, t, mod.lee_yu, mod.effects)


def _check_design(zd, zraw, znames, effects):
    """Raise :class:`InputError` when a column of the demeaned design ``zd`` is wiped out by the
    fixed effects or the columns are perfectly collinear."""
    if zd.shape[1] == 0:
        return
    scale = np.sqrt((zd ** 2).mean(axis=0))
    raw = np.sqrt((zraw.reshape(len(zd), -1) ** 2).mean(axis=0)) + 1e-300
    dead = [nm for nm, s, r in zip(znames, scale, raw) if s <= 1e-10 * max(r, 1.0)]
    if dead:
        what = {"individual": "time-invariant", "time": "the same for all units in a period",
                "twoways": "time-invariant or unit-invariant"}.get(effects, "constant")
        raise InputError(f"regressors {dead} are {what} and are wiped out by the "
                         f"{effects} fixed effects", hint="drop them")
    zs = zd / np.where(scale > 0, scale, 1.0)
    sv = np.linalg.svd(zs, compute_uv=False)
    if sv[-1] < 1e-8 * sv[0]:
        rank = int(np.sum(sv > 1e-8 * sv[0]))
        raise InputError(f"regressors {znames} are perfectly collinear after the "
                         f"within transformation (rank {rank} < {len(znames)})",
                         hint="drop a redundant regressor")


def _sample_size(n, t, lee_yu, effects):
    """Observations the likelihood uses and the scale of the log-determinant term.

    ``(NT, 1)`` without the Lee-Yu correction; with it ``(N(T-1), (T-1)/T)`` for individual,
    ``((N-1)(T-1), (T-1)/T)`` for two-way and ``((N-1)T, 1)`` for time effects.
    """
    if lee_yu and effects == "individual":
        return n * (t - 1), (t - 1) / t
    if lee_yu and effects == "twoways":
        return (n - 1) * (t - 1), (t - 1) / t
    if lee_yu and effects == "time":
        return (n - 1) * t, 1.0
    return n * t, 1.0
