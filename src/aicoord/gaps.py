"""Values relative to the national level and the development gap of regional income.

:func:`relative_to_national` divides a value by the national value of the same year (the mean, or the
population-weighted mean); :func:`development_gap` is each unit's distance from it, the outcome the study
explains. :func:`check_columns` and :func:`positive_values` are the input checks these and
:mod:`aicoord.convergence` share.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import InputError

__all__ = ["check_columns", "positive_values", "relative_to_national", "development_gap"]


def check_columns(data, cols):
    """Raise :class:`InputError` naming every column of ``cols`` (``None`` skipped) missing from ``data``."""
    missing = [c for c in cols if c is not None and c not in data.columns]
    if missing:
        raise InputError(
            f"missing columns: {', '.join(missing)}", hint=f"available: {', '.join(map(str, data.columns))}"
        )


def positive_values(values, name):
    """``values`` as floats, or an :class:`InputError` naming column ``name`` when one is missing or not positive."""
    v = pd.to_numeric(values, errors="coerce").astype(float)
    if v.isna().any() or (v <= 0).any():
        raise InputError(f"'{name}' must be positive and non-missing (logs are taken)", column=name)
    return v


def _national(d, value, year, population):
    if population is None:
        return d.groupby(year)[value].transform("mean")
    num = (d[value] * d[population]).groupby(d[year]).transform("sum")
    return num / d.groupby(year)[population].transform("sum")


def relative_to_national(data, value, *, year="year", population=None) -> pd.Series:
    """Value relative to the national value of the same year (y_it / ȳ_t).

    The national value is the population-weighted mean :math:`\\sum_i P_{it}y_{it}/\\sum_i P_{it}`
    (national GDP over national population when ``value`` is GDP per capita) if ``population``
    is given, else the arithmetic mean over the units present in that year.

    Returns
    -------
    pandas.Series
        Aligned with ``data.index``.
    """
    check_columns(data, [year, value, population])
    d = data.copy()
    d[value] = positive_values(d[value], value)
    if population is not None:
        d[population] = positive_values(d[population], population)
    return d[value] / _national(d, value, year, population)


def development_gap(data, gdp_pc, *, unit="code", year="year", population=None) -> pd.DataFrame:
    """Per unit-year development gap: absolute log deviation from the national value.

    Parameters
    ----------
    data : pandas.DataFrame
        Long table.
    gdp_pc : str
        GDP per capita column (> 0).
    unit, year : str
        Identifier columns.
    population : str, optional
        Population column; if given the national value is population-weighted (see
        :func:`relative_to_national`), else the arithmetic mean of the units.

    Returns
    -------
    pandas.DataFrame
        ``unit``, ``year``, ``national`` (ȳ_t), ``gap`` = :math:`|\\ln y_{it}-\\ln\\bar y_t|`,
        ``gap_change`` = gap_t − gap_{t−1} and ``gap_growth`` = gap_t / gap_{t−1} − 1 (both NaN
        when the unit has no observation in year t − 1, ``gap_growth`` also when gap_{t−1} = 0),
        in input row order.
    """
    check_columns(data, [unit, year, gdp_pc, population])
    d = data[[unit, year, gdp_pc] + ([population] if population else [])].copy()
    if d.duplicated([unit, year]).any():
        raise InputError("duplicate unit-year rows", column=unit)
    d[gdp_pc] = positive_values(d[gdp_pc], gdp_pc)
    if population:
        d[population] = positive_values(d[population], population)
    d["national"] = _national(d, gdp_pc, year, population)
    d["gap"] = np.abs(np.log(d[gdp_pc]) - np.log(d["national"]))
    prev = d[[unit, year, "gap"]].rename(columns={"gap": "_prev"})
    prev[year] = prev[year] + 1
    d = d.reset_index(drop=True).reset_index().merge(prev, on=[unit, year], how="left")
    d = d.sort_values("index")
    d["gap_change"] = d["gap"] - d["_prev"]
    with np.errstate(divide="ignore", invalid="ignore"):
        d["gap_growth"] = np.where(d["_prev"] > 0, d["gap"] / d["_prev"] - 1.0, np.nan)
    return d[[unit, year, "national", "gap", "gap_change", "gap_growth"]].reset_index(drop=True)
