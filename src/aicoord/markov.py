"""Spatial Markov chains of regional income (Rey 2001), wrapping ``giddy``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import InputError
from .gaps import check_columns, relative_to_national

__all__ = ["spatial_markov"]


def spatial_markov(
    data, value, w, *, unit="code", year="year", k=4, m=None, relative=True, population=None, fixed=True
) -> dict:
    """Spatial Markov transition matrices conditioned on the neighbours' lag class.

    Wraps :class:`giddy.markov.Spatial_Markov` (Rey 2001, *Geographical Analysis* 33(1)) and
    returns tidy tables.

    Parameters
    ----------
    data : pandas.DataFrame
        Balanced long table (every unit in every year).
    value : str
        Variable to classify.
    w : libpysal.weights.W
        Spatial weights whose ids are the values of ``unit``; a row-standardised copy is used
        for the spatial lag.
    unit, year : str
        Identifier columns.
    k : int, default 4
        Number of quantile classes of the variable.
    m : int, optional
        Number of quantile classes of the spatial lag (default ``k``).
    relative : bool, default True
        Classify the value relative to its national value of the year
        (:func:`relative_to_national`) instead of the raw level.
    population : str, optional
        Population weights for the national value when ``relative``.
    fixed : bool, default True
        Quantile cut-offs pooled over all years (``True``) or per year (``False``), as in giddy.

    Returns
    -------
    dict
        ``transitions``: long DataFrame with ``lag_class`` (``"all"`` for the a-spatial chain,
        else 1..m), ``from_class``, ``to_class`` (1..k, 1 = lowest), ``count``,
        ``probability``; ``steady_state``: ``lag_class``, ``class``, ``probability`` (chains without
        a unique steady state, reducible ones with several closed classes, have no rows);
        ``tests``: one-row DataFrame with the homogeneity statistics ``Q``, ``Q_p_value``,
        ``LR``, ``LR_p_value``, ``dof``; ``cutoffs`` (upper bounds of the value classes, or
        None when not fixed); ``model``: the giddy object.
    """
    from giddy.markov import Spatial_Markov
    from libpysal.weights import W

    check_columns(data, [unit, year, value, population])
    d = data.copy()
    if relative:
        d["_v"] = relative_to_national(d, value, year=year, population=population)
    else:
        d["_v"] = pd.to_numeric(d[value], errors="coerce")
    wide = d.pivot(index=unit, columns=year, values="_v")
    if wide.isna().any().any():
        raise InputError("spatial Markov chains need a balanced panel without missing values", column=value)
    ids = list(w.id_order)
    if set(map(str, ids)) != set(map(str, wide.index)):
        raise InputError("the weights' ids do not match the units of the data", column=unit)
    wide.index = wide.index.map(str)
    wide = wide.loc[[str(i) for i in ids]]
    wr = W(w.neighbors, w.weights, id_order=ids, silence_warnings=True)
    wr.transform = "r"
    sm_ = Spatial_Markov(wide.to_numpy(), wr, k=k, m=k if m is None else m, fixed=fixed, fill_empty_classes=False)
    rows = []

    def add(label, T, P):
        for i in range(T.shape[0]):
            for j in range(T.shape[1]):
                rows.append(
                    {
                        "lag_class": label,
                        "from_class": i + 1,
                        "to_class": j + 1,
                        "count": int(T[i, j]),
                        "probability": float(P[i, j]),
                    }
                )

    add("all", np.asarray(sm_.transitions), np.asarray(sm_.p))
    for c in range(sm_.m):
        add(c + 1, sm_.T[c], sm_.P[c])
    ss = []

    def unique(s):
        """The steady state as a vector of length k, or None when the chain has several (giddy returns one
        row per closed class of a reducible chain, and a single row, 1 x k, when it is unique)."""
        s = np.asarray(s, dtype=float)
        if s.ndim == 2 and s.shape[0] == 1:
            s = s[0]
        return s if s.ndim == 1 and s.size == sm_.k else None

    try:
        chains = [("all", sm_.s)] + [(c + 1, s) for c, s in enumerate(sm_.S)]
    except Exception:  # giddy cannot form the steady states (empty classes)  # pragma: no cover
        chains = []
    for label, s in chains:
        s = unique(s)
        if s is not None:
            ss += [{"lag_class": label, "class": i + 1, "probability": float(p)} for i, p in enumerate(s)]
    tests = pd.DataFrame(
        [
            {
                "Q": float(sm_.Q),
                "Q_p_value": float(sm_.Q_p_value),
                "LR": float(sm_.LR),
                "LR_p_value": float(sm_.LR_p_value),
                "dof": int(sm_.dof_hom),
            }
        ]
    )
    return {
        "transitions": pd.DataFrame(rows),
        "steady_state": pd.DataFrame(ss),
        "tests": tests,
        "cutoffs": None if sm_.cutoffs is None else list(sm_.cutoffs),
        "model": sm_,
    }
