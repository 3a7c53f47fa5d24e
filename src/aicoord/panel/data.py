"""Preparation of a spatial panel for estimation.

Checks of the long DataFrame (columns, missing and non-numeric values, duplicates), the
time-major arrays ``Y`` (T, N) and ``X`` (T, N, k) in the order of the sorted periods and unit ids,
the weights matrix of every period, the spatial lags, the design (regressors, ``W*x``, the
constant of pooled and random-effects models), the within transformation, the checks for
regressors wiped out by the fixed effects or collinear after it, and the effective sample size of
the likelihood (Lee and Yu 2010).  :mod:`aicoord.panel.prepare` hands a balanced panel to
:func:`prepare_balanced` and an unbalanced one to :mod:`aicoord.panel.unbalanced`.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager

import numpy as np
import pandas as pd

from ..errors import InputError, listed
from .wmatrix import PanelWeights, as_matrix

__all__ = [
    "prepare_balanced",
    "spatial_lag",
    "check_long",
    "read_panel",
    "to_arrays",
    "panel_weights",
    "check_design",
    "check_magnitudes",
    "column_scales",
    "scaled_design",
    "unscale_results",
    "MAGNITUDE",
]

#: Largest and smallest (non-zero) magnitude of a variable that the estimators take: beyond them the sums of
#: squares and cross-products of the likelihood and its information matrix over- or underflow in double
#: precision (about 1e154 and 1e-154), whatever internal scaling is done.
MAGNITUDE = (1e-100, 1e100)


def check_magnitudes(data, cols, file=None):
    """Refuse a variable whose values reach beyond :data:`MAGNITUDE` (double precision cannot hold its sums of
    squares); the message names the column and its largest value's row and says how to rescale it.

    Raises
    ------
    InputError
        ``the values of '<col>' reach <v> in magnitude ...``, with the hint to rescale.
    """
    lo, hi = MAGNITUDE
    for col in cols:
        v = np.abs(np.asarray(data[col], dtype=float))
        size = float(np.max(v)) if len(v) else 0.0
        if size > hi or 0 < size < lo:
            row = int(np.argmax(v)) + (2 if file else 1)
            raise InputError(
                f"the values of '{col}' reach {size:.3g} in magnitude, beyond what the estimator "
                f"handles ({lo:g} to {hi:g})",
                file=file,
                row=row,
                column=col,
                hint="rescale the column (e.g. thousands, millions or logs); the coefficients scale with it",
            )


#: columns whose largest magnitude lies in this range are left as they are by :func:`column_scales` (the
#: estimators are accurate there, and ordinary data keep bit for bit the results they had before scaling)
UNSCALED = (2.0**-10, 2.0**10)


def column_scales(a):
    """Power of two nearest above the largest magnitude of every column (last axis) of ``a`` whose magnitude is
    outside :data:`UNSCALED` (1 for the others and for an all-zero column).  Dividing by a power of two is
    exact, so a column multiplied by ``2**k`` gives bit-identical scaled data."""
    flat = np.abs(a.reshape(-1, a.shape[-1]))
    top = flat.max(axis=0) if len(flat) else np.zeros(a.shape[-1])
    _, expo = np.frexp(top)
    far = (top > 0) & ((top < UNSCALED[0]) | (top > UNSCALED[1]))
    return np.where(far, np.ldexp(1.0, expo), 1.0)


@contextmanager
def scaled_design(mod):
    """Within the block, the design of ``mod`` (``X``, ``Zraw``, ``Zd``) has every column divided by its
    :func:`column_scales` (the constant left as it is), so that the least squares, the information matrix,
    the numerical Hessians and the searches of a fit see columns of magnitude about one; restored on exit.

    Yields the scales of the ``znames`` columns (for :func:`unscale_results`).
    """
    scale = column_scales(mod.Zraw)
    scale[[i for i, nm in enumerate(mod.znames) if nm == "const"]] = 1.0
    xscale = np.array([scale[mod.znames.index(v)] for v in mod.xnames]) if mod.xnames else np.ones(0)
    saved = (mod.X, mod.Zraw, mod.Zd)
    try:
        mod.X, mod.Zraw, mod.Zd = mod.X / xscale, mod.Zraw / scale, mod.Zd / scale
        yield scale
    finally:
        mod.X, mod.Zraw, mod.Zd = saved


def unscale_results(res, scale):
    """Put the estimates of a fit made on the scaled design (:func:`scaled_design`) back in the data's units:
    the coefficient of a column divided by ``s`` is ``s`` times too large; its covariance ``s_i s_j`` times.
    Returns a new results object (``res`` is unchanged)."""
    names = list(res.params.index)
    full = np.ones(len(names))
    full[: len(scale)] = scale
    cov = res.cov.to_numpy() / np.outer(full, full)
    boot = getattr(res, "boot_crit", None) is not None  # the wild cluster bootstrap's p-values (and critical
    extra = {}  # |t|) do not depend on the units
    if getattr(res, "neg_hessian", None) is not None:  # random effects: (beta, spatial, phi, sigma2)
        h = np.ones(len(res.neg_hessian))
        h[: len(scale)] = scale
        extra["neg_hessian"] = res.neg_hessian * np.outer(h, h)
    return res.with_cov(
        pd.DataFrame(cov, index=names, columns=names),
        res.sigma2_se,
        res.cov_info,
        params=res.params / full,
        pvalues=res.pvalues if boot else None,
        boot_crit=res.boot_crit if boot else None,
        **extra,
    )


def demean(a, effects):
    """Within transformation of an array shaped (T, N, ...)."""
    if effects == "individual":
        return a - a.mean(axis=0, keepdims=True)
    if effects == "time":
        return a - a.mean(axis=1, keepdims=True)
    if effects == "twoways":
        return a - a.mean(axis=0, keepdims=True) - a.mean(axis=1, keepdims=True) + a.mean(axis=(0, 1), keepdims=True)
    return a


def spatial_lag(ws, a):
    """Spatial lag per period of an array shaped (T, N[, k]), with ``ws[t]`` the weights of
    period ``t``."""
    out = np.empty_like(a)
    for ti, pw in enumerate(ws):
        out[ti] = pw.lag(a[ti])
    return out


def check_long(data, id, time, y, x):
    """Check a long panel (balanced or not) and return its columns of interest.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per observed (unit, period).
    id, time, y : str
        Unit, period and dependent-variable columns.
    x : list of str
        Regressor columns.

    Returns
    -------
    df : pandas.DataFrame
        The columns ``[id, time, y] + x``.
    units, periods : list
        Sorted unit ids and periods.

    Raises
    ------
    InputError
        For a frame that is not a DataFrame, missing or repeated columns, missing, non-numeric or
        infinite values, a constant dependent variable or duplicate (id, time) pairs; the message
        names the row, column or units and the fix.
    """
    if not isinstance(data, pd.DataFrame):
        raise InputError("data must be a pandas DataFrame in long format")
    cols = [id, time, y] + x
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
        raise InputError(
            f"{int(na.sum())} rows have missing values (first: data row {first + 1})",
            column=col,
            hint="drop or impute them",
        )
    for c in [y] + x:
        if not pd.api.types.is_numeric_dtype(df[c]):
            raise InputError("column is not numeric", column=c)
        if not np.all(np.isfinite(df[c].to_numpy(dtype=float))):
            raise InputError("column has infinite values", column=c)
    check_magnitudes(df, [y] + x)
    if np.ptp(df[y].to_numpy(dtype=float)) == 0:
        raise InputError(
            f"the dependent variable '{y}' is constant",
            column=y,
            hint="a constant outcome has nothing to explain; check the column",
        )
    if df.duplicated([id, time]).any():
        raise InputError("duplicate (id, time) pairs", column=id)
    units = sorted(df[id].unique())
    periods = sorted(df[time].unique())
    return df, units, periods


def to_arrays(df, id, time, y, x, units, periods):
    """``Y`` (T, N) and ``X`` (T, N, k) of a balanced long frame checked by :func:`check_long`."""
    n, t = len(units), len(periods)
    df = df.set_index([time, id]).sort_index()
    return (df[y].to_numpy(dtype=float).reshape(t, n), df[x].to_numpy(dtype=float).reshape(t, n, len(x)))


def read_panel(data, id, time, y, x):
    """The checks of :func:`check_long` and a balanced panel's arrays.

    Returns
    -------
    units, periods : list
        Sorted unit ids and periods.
    Y : numpy.ndarray, shape (T, N)
    X : numpy.ndarray, shape (T, N, k)

    Raises
    ------
    InputError
        What :func:`check_long` refuses, and an unbalanced panel (naming units with missing periods).
    """
    df, units, periods = check_long(data, id, time, y, x)
    n, t = len(units), len(periods)
    if len(df) != n * t:
        counts = df.groupby(id).size()
        short = counts[counts < t].index.tolist()[:5]
        raise InputError(
            f"unbalanced panel: {len(df)} rows for {n} units x {t} periods (units with missing periods: {short})",
            column=id,
        )
    return (units, periods, *to_arrays(df, id, time, y, x, units, periods))


def panel_weights(w, units, standardize, logdet, what="weights", period=None):
    """:class:`~aicoord.panel.wmatrix.PanelWeights` of one matrix ``w`` in the order of ``units``
    (``what`` names the matrix in messages, with ``period`` when it is one of a matrix per period).

    Raises
    ------
    InputError
        When the matrix does not have one row and column per unit.
    """
    from ..weights_sparse import Weights

    frozen = isinstance(w, Weights)  # a frozen dataclass whose matrix is never written to
    key = (id(w), tuple(units), bool(standardize), str(logdet))
    hit = _BY_OBJECT.get(key) if frozen else None
    if hit is not None and hit[0]() is w:  # the same frozen Weights again (every fit of a job): no reconversion
        return hit[1]
    mat, _ = as_matrix(w, units, what, period)
    check_not_zero(mat, what, period)
    pw = PanelWeights.shared(mat, standardize, logdet)
    if frozen:
        import weakref

        if len(_BY_OBJECT) >= 16:
            _BY_OBJECT.clear()
        _BY_OBJECT[key] = (weakref.ref(w), pw)
    return pw


#: (id of a frozen aicoord Weights, units, options) -> (weak reference to it, its PanelWeights): the study passes the
#: same Weights object to every fit of a job, and a matrix of 8 million weights took a second to convert and hash
_BY_OBJECT: dict = {}


def check_not_zero(mat, what="weights", period=None):
    """Raise :class:`InputError` for an all-zero weights matrix (every spatial lag would be zero, and the
    message would otherwise be about the ``W*x`` terms wiped out by the fixed effects)."""
    if not mat.nnz or not np.any(mat.data):
        which = f"{what} matrix" + ("" if period is None else f" of period {period}")
        raise InputError(
            f"the {which} is all zero: no unit has a neighbour",
            hint="check the weights file (or the cutoff that built it)",
        )


def prepare_balanced(mod, df, units, periods, w, standardize, logdet):
    """Set the data attributes of the :class:`~aicoord.panel.SpatialPanel` ``mod`` for the balanced
    panel ``df`` (checked by :func:`check_long`; called by :func:`aicoord.panel.prepare.prepare`).

    Sets ``units``, ``periods``, ``N``, ``T``, ``Y`` (T, N), ``X`` (T, N, k), ``ws`` (one
    :class:`~aicoord.panel.wmatrix.PanelWeights` per period), ``varying_w``, ``Zraw`` (T, N, p)
    and ``znames`` (the design: ``const`` for pooled and random effects, the regressors and their
    ``W*`` lags), the demeaned ``Zd`` (NT, p), ``yd`` and ``Wyd``, the raw lag ``Wy`` (T, N),
    ``n_eff`` and ``_ld_scale``.  Spatial lags are taken on the raw data, then demeaned.

    Raises
    ------
    InputError
        For weights that do not fit the panel, or a design with regressors wiped out by the fixed
        effects or perfectly collinear.
    """
    n, t = len(units), len(periods)
    mod.balanced, mod.missing = True, []
    mod.Y, mod.X = to_arrays(df, mod.id, mod.time, mod.yname, mod.xnames, units, periods)
    mod.units, mod.periods, mod.N, mod.T = units, periods, n, t

    # weights: of the spatial lag of y (``w``), of the error (``w_error``) and of the W*x terms (``w_x``)
    mod.ws = _weights_list(w, units, periods, standardize, logdet, "w")
    mod.ws_e = (
        mod.ws if mod.w_error is None else _weights_list(mod.w_error, units, periods, standardize, logdet, "w_error")
    )
    mod.ws_x = mod.ws if mod.w_x is None else _weights_list(mod.w_x, units, periods, standardize, logdet, "w_x")
    mod.ws_e, mod.ws_x = _same_as(mod.ws_e, mod.ws), _same_as(mod.ws_x, mod.ws)
    mod.varying_w = len({id(p) for p in mod.ws}) > 1 or len({id(p) for p in mod.ws_e}) > 1
    if mod.lee_yu and mod.varying_w:
        raise InputError("the Lee-Yu correction needs one weights matrix for all periods")
    if mod.lee_yu and mod.effects in ("time", "twoways") and not all(pw.row_standardized for pw in mod.ws):
        raise InputError("the Lee-Yu correction for time effects needs a row-standardised W")

    # design
    def lag(a):
        return spatial_lag(mod.ws, a)

    WX = spatial_lag(mod.ws_x, mod.X[:, :, [mod.xnames.index(v) for v in mod.wxnames]]) if mod.wxnames else None
    Z = mod.X if WX is None else np.concatenate([mod.X, WX], axis=2)
    names = mod.xnames + [f"W*{v}" for v in mod.wxnames]
    if mod.effects in ("none", "random"):
        Z = np.concatenate([np.ones((t, n, 1)), Z], axis=2)
        names = ["const"] + names
    mod.Zraw = Z
    mod.znames = names
    mod.Zd = demean(Z, mod.effects).reshape(t * n, -1)
    mod.yd = demean(mod.Y, mod.effects).ravel()
    mod.Wy = lag(mod.Y)
    mod.Wyd = demean(mod.Wy, mod.effects).ravel()
    if mod.ws_e is mod.ws:
        mod.Wy_e, mod.Wyd_e = mod.Wy, mod.Wyd
    else:
        mod.Wy_e = spatial_lag(mod.ws_e, mod.Y)
        mod.Wyd_e = demean(mod.Wy_e, mod.effects).ravel()
    check_design(mod.Zd, mod.Zraw, mod.znames, mod.effects)
    mod.n_eff, mod._ld_scale = _sample_size(n, t, mod.lee_yu, mod.effects)


def _weights_list(w, units, periods, standardize, logdet, what):
    """One :class:`PanelWeights` per period from a single weights object or a dict by period
    (``what`` names the argument in messages)."""
    if isinstance(w, dict):
        if set(w) != set(periods):
            raise InputError(
                f"{what} by year must give one matrix for every period", hint=f"periods: {listed(periods[:3])}..."
            )
        cache = {}
        out = []
        for p in periods:
            key = id(w[p])
            if key not in cache:
                cache[key] = panel_weights(w[p], units, standardize, logdet, what, period=p)
            out.append(cache[key])
    else:
        out = [panel_weights(w, units, standardize, logdet, what)] * len(periods)
    for pw in out:
        if pw.islands:
            warnings.warn(f"{what} matrix has {pw.islands} units without neighbours", stacklevel=5)
    return out


def _same_as(other, ws):
    """``ws`` itself when ``other`` holds the same matrices (so a repeated matrix changes nothing)."""
    if other is ws:
        return ws
    same = all(a is b or (a.W.shape == b.W.shape and (a.W != b.W).nnz == 0) for a, b in zip(other, ws))
    return ws if same else other


def check_design(zd, zraw, znames, effects):
    """Raise :class:`InputError` when a column of the demeaned design ``zd`` is wiped out by the
    fixed effects or the columns are perfectly collinear."""
    if zd.shape[1] == 0:
        return
    scale = np.sqrt((zd**2).mean(axis=0))
    raw = np.sqrt((zraw.reshape(len(zd), -1) ** 2).mean(axis=0)) + 1e-300
    # relative to the column's own size: a column in tiny units (x 1e-10) is not "wiped out"
    dead = [nm for nm, s, r in zip(znames, scale, raw) if not s > 1e-10 * r]
    if dead:
        if effects not in ("individual", "time", "twoways"):  # pooled or random effects: no transformation
            raise InputError(f"regressors {dead} are zero in every row", hint="drop them")
        what = {
            "individual": "time-invariant",
            "time": "the same for all units in a period",
            "twoways": "time-invariant or unit-invariant",
        }[effects]
        raise InputError(
            f"regressors {dead} are {what} and are wiped out by the {effects} fixed effects", hint="drop them"
        )
    zs = zd / np.where(scale > 0, scale, 1.0)
    sv = np.linalg.svd(zs, compute_uv=False)
    if sv[-1] < 1e-8 * sv[0]:
        rank = int(np.sum(sv > 1e-8 * sv[0]))
        raise InputError(
            f"regressors {znames} are perfectly collinear after the "
            f"within transformation (rank {rank} < {len(znames)})",
            hint="drop a redundant regressor",
        )


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
