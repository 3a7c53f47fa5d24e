"""Composite indices from several indicators: entropy weights (熵权法), equal weights and PCA.

All three functions take a long table with one row per unit-year, a list of positive indicators
(larger = better) and a list of negative indicators (larger = worse), and return a
:class:`CompositeIndex` with the index per unit-year and a weights table.

Normalisation (entropy and equal weights)
-----------------------------------------
Min–max with the direction of the indicator, plus an additive shift :math:`\\delta`:

.. math::

    x'_{ij} = \\frac{x_{ij}-\\min_i x_{ij}}{\\max_i x_{ij}-\\min_i x_{ij}} + \\delta
    \\quad(\\text{positive}),\\qquad
    x'_{ij} = \\frac{\\max_i x_{ij}-x_{ij}}{\\max_i x_{ij}-\\min_i x_{ij}} + \\delta
    \\quad(\\text{negative}).

The default :math:`\\delta = 0.0001` keeps :math:`\\ln p_{ij}` defined in the entropy; with
:math:`\\delta = 0` the convention :math:`0\\ln 0 = 0` is used. An indicator that is constant
over the normalisation sample gets :math:`x' = \\delta` for every row, hence entropy 1 and
weight 0. ``by_year=True`` normalises and weighs within each year (weights differ by year, the
index is comparable across units within a year only); ``by_year=False`` ("pooled") normalises
over all unit-years at once with one set of weights, which keeps the index comparable over time.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from .errors import InputError

__all__ = ["CompositeIndex", "minmax_normalize", "entropy_weight", "equal_weight", "pca_index"]


class CompositeIndex(NamedTuple):
    """Result of a composite-index function.

    Attributes
    ----------
    index : pandas.DataFrame
        Columns ``unit``, ``year`` (names as passed) and ``index``, one row per input row, in
        input order.
    weights : pandas.DataFrame
        One row per (``year``, indicator); ``year`` is ``"pooled"`` unless ``by_year=True``.
    """

    index: pd.DataFrame
    weights: pd.DataFrame


def _prepare(data, positive, negative, unit, year):
    positive, negative = list(positive), list(negative)
    cols = positive + negative
    if not cols:
        raise InputError("no indicators given", hint="pass positive and/or negative columns")
    if len(set(cols)) != len(cols):
        raise InputError("an indicator is listed twice (or as both positive and negative)")
    missing = [c for c in [unit, year, *cols] if c not in data.columns]
    if missing:
        raise InputError(f"missing columns: {', '.join(missing)}")
    X = data[cols].apply(pd.to_numeric, errors="coerce")
    if X.isna().any().any():
        col = X.columns[X.isna().any()][0]
        raise InputError(
            "missing or non-numeric indicator values", column=col, hint="impute or drop rows before building an index"
        )
    direction = pd.Series([1] * len(positive) + [-1] * len(negative), index=cols)
    return X.astype(float), direction


def _groups(data, year, by_year):
    if by_year:
        return [(y, np.flatnonzero(data[year].to_numpy() == y)) for y in sorted(pd.unique(data[year]))]
    return [("pooled", np.arange(len(data)))]


def minmax_normalize(X, direction, shift=1e-4) -> pd.DataFrame:
    """Direction-aware min–max normalisation plus an additive shift (see module Notes).

    Parameters
    ----------
    X : pandas.DataFrame
        Indicator values (rows = observations).
    direction : pandas.Series
        +1 (positive) or −1 (negative) per column of ``X``.
    shift : float, default 1e-4
        Added to every normalised value.

    Returns
    -------
    pandas.DataFrame
        Same shape as ``X``, values in ``[shift, 1 + shift]``.
    """
    if shift < 0:
        raise InputError("shift must be >= 0")
    lo, hi = X.min(), X.max()
    rng = (hi - lo).where(hi > lo, np.inf)  # constant column -> 0
    pos = (X - lo) / rng
    neg = (hi - X) / rng
    is_pos = direction.reindex(X.columns).to_numpy() > 0
    out = pd.DataFrame(np.where(is_pos[None, :], pos.to_numpy(), neg.to_numpy()), index=X.index, columns=X.columns)
    return out + shift


def _xlogx(p):
    return np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)


def entropy_weight(
    data, positive=(), negative=(), *, unit="code", year="year", by_year=False, shift=1e-4
) -> CompositeIndex:
    """Entropy-weight composite index (熵权法).

    Parameters
    ----------
    data : pandas.DataFrame
        Long table, one row per unit-year.
    positive, negative : sequence of str
        Indicator columns where larger values are better / worse.
    unit, year : str
        Identifier columns copied to the output.
    by_year : bool, default False
        Normalise and compute weights within each year instead of over the pooled sample.
    shift : float, default 1e-4
        Additive shift after min–max normalisation (module Notes).

    Returns
    -------
    CompositeIndex
        ``weights`` has columns ``year``, ``indicator``, ``direction``, ``entropy``,
        ``divergence``, ``weight``.

    Notes
    -----
    With *m* observations in the normalisation sample and normalised values :math:`x'_{ij}`:
    :math:`p_{ij} = x'_{ij}/\\sum_i x'_{ij}`,
    :math:`e_j = -\\frac{1}{\\ln m}\\sum_i p_{ij}\\ln p_{ij}`, :math:`d_j = 1-e_j`,
    :math:`w_j = d_j/\\sum_k d_k` and the index :math:`S_i = \\sum_j w_j x'_{ij}`
    (the shifted normalised values are used in the score, so :math:`S_i\\in[\\delta, 1+\\delta]`).
    The entropy is Shannon's (1948); the weighting scheme is the standard one, e.g. Zou, Yun &
    Sun (2006), *Journal of Environmental Sciences* 18(5): 1020–1023. The weights are invariant to positive affine rescaling of an
    indicator (min–max removes location and scale).
    """
    X, direction = _prepare(data, positive, negative, unit, year)
    index = np.empty(len(data))
    rows = []
    for label, idx in _groups(data, year, by_year):
        m = idx.size
        if m < 2:
            raise InputError(f"year {label}: entropy weights need at least two observations")
        Z = minmax_normalize(X.iloc[idx], direction, shift)
        colsum = Z.sum()
        P = Z / colsum.where(colsum > 0, np.inf)  # all-zero column (shift 0, constant) -> p = 0
        e = pd.Series(-_xlogx(P.to_numpy()).sum(axis=0) / np.log(m), index=Z.columns)
        sub = X.iloc[idx]
        e[(colsum <= 0) | (sub.max() == sub.min())] = 1.0  # constant: exactly uniform p
        d = 1.0 - e
        if d.sum() <= 0:
            raise InputError(
                f"{'year ' + str(label) if by_year else 'pooled sample'}: every "
                "indicator is constant, entropy weights are undefined"
            )
        w = d / d.sum()
        index[idx] = Z.to_numpy() @ w.to_numpy()
        for c in Z.columns:
            rows.append(
                {
                    "year": label,
                    "indicator": c,
                    "direction": int(direction[c]),
                    "entropy": float(e[c]),
                    "divergence": float(d[c]),
                    "weight": float(w[c]),
                }
            )
    out = data[[unit, year]].reset_index(drop=True).copy()
    out["index"] = index
    return CompositeIndex(out, pd.DataFrame(rows))


def equal_weight(
    data, positive=(), negative=(), *, unit="code", year="year", by_year=False, shift=0.0
) -> CompositeIndex:
    """Equal-weight composite index: mean of the min–max normalised indicators.

    Parameters
    ----------
    data, positive, negative, unit, year, by_year
        As in :func:`entropy_weight`.
    shift : float, default 0.0
        Additive shift after normalisation (no logs are taken, so none is needed).

    Returns
    -------
    CompositeIndex
        ``weights`` has columns ``year``, ``indicator``, ``direction``, ``weight`` (= 1/k).
    """
    X, direction = _prepare(data, positive, negative, unit, year)
    k = X.shape[1]
    index = np.empty(len(data))
    rows = []
    for label, idx in _groups(data, year, by_year):
        Z = minmax_normalize(X.iloc[idx], direction, shift)
        index[idx] = Z.to_numpy().mean(axis=1)
        rows += [{"year": label, "indicator": c, "direction": int(direction[c]), "weight": 1.0 / k} for c in Z.columns]
    out = data[[unit, year]].reset_index(drop=True).copy()
    out["index"] = index
    return CompositeIndex(out, pd.DataFrame(rows))


def pca_index(data, positive=(), negative=(), *, unit="code", year="year", by_year=False) -> CompositeIndex:
    """Composite index from the first principal component of the standardised indicators.

    Parameters
    ----------
    data, positive, negative, unit, year, by_year
        As in :func:`entropy_weight`.

    Returns
    -------
    CompositeIndex
        ``index`` holds the first-component score; ``weights`` has columns ``year``,
        ``indicator``, ``direction``, ``loading`` (unit-length eigenvector element),
        ``weight`` (loading / sum of loadings), ``eigenvalue`` and ``explained`` (share of
        the total variance explained by the first component).

    Notes
    -----
    Negative indicators are multiplied by −1, then every indicator is standardised to
    z-scores (population SD, ``ddof=0``) over the normalisation sample, so the PCA is of the
    correlation matrix and the result is invariant to rescaling an indicator. The score is
    :math:`S_i = \\sum_j v_j z_{ij}` with :math:`v` the unit-length leading eigenvector. The sign
    of an eigenvector is arbitrary; we fix it so that the loadings sum to a positive number
    (higher index = better on balance). The score has mean 0 in the normalisation sample.
    """
    X, direction = _prepare(data, positive, negative, unit, year)
    if X.shape[1] < 2:
        raise InputError("PCA needs at least two indicators")
    X = X * direction
    index = np.empty(len(data))
    rows = []
    for label, idx in _groups(data, year, by_year):
        sub = X.iloc[idx]
        sd = sub.std(ddof=0)
        if (sd <= 0).any():
            raise InputError(
                f"indicator '{sd.index[sd <= 0][0]}' is constant" + (f" in year {label}" if by_year else ""),
                hint="drop constant indicators before PCA",
            )
        Z = ((sub - sub.mean()) / sd).to_numpy()
        R = Z.T @ Z / Z.shape[0]
        vals, vecs = np.linalg.eigh(R)
        v = vecs[:, -1]
        s = v.sum()
        if s < 0 or (s == 0 and v[np.flatnonzero(v)[0]] < 0):
            v = -v
        index[idx] = Z @ v
        for j, c in enumerate(sub.columns):
            rows.append(
                {
                    "year": label,
                    "indicator": c,
                    "direction": int(direction[c]),
                    "loading": float(v[j]),
                    "weight": float(v[j] / v.sum()),
                    "eigenvalue": float(vals[-1]),
                    "explained": float(vals[-1] / vals.sum()),
                }
            )
    out = data[[unit, year]].reset_index(drop=True).copy()
    out["index"] = index
    return CompositeIndex(out, pd.DataFrame(rows))
