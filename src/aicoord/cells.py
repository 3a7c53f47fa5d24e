"""Cells of an input table: which are missing, and their numbers read exactly.

The readers of input files (:func:`aicoord.contract.read_panel`, :func:`aicoord.long_panel.read_long_panel`)
read every cell as text first, so that a bad cell can be named by its row and column; these functions turn
such cells into values, one cell at a time (:func:`is_na`, :func:`exact_float`) or a whole column at once
(:func:`na_mask`, :func:`floats`), with the same result either way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["NA_STRINGS", "exact_float", "floats", "is_na", "na_mask", "whole_number"]

#: Texts of a cell read as missing (compared after stripping spaces and lower-casing).
NA_STRINGS = frozenset({"", "na", "nan", "n/a", "null", "none", "#n/a"})


def is_na(cell) -> bool:
    """Whether a cell is missing: ``None``, a float NaN, or one of :data:`NA_STRINGS` (any case, spaces around).

    Examples
    --------
    >>> [is_na(v) for v in (None, float("nan"), " N/A ", "", "0", 0.0)]
    [True, True, True, True, False, False]
    """
    if cell is None:
        return True
    if isinstance(cell, float) and np.isnan(cell):
        return True
    return isinstance(cell, str) and cell.strip().lower() in NA_STRINGS


def na_mask(column: pd.Series) -> np.ndarray:
    """Which cells of a column :func:`is_na` takes for missing, for the whole column at once.

    Parameters
    ----------
    column : pandas.Series
        Cells as read (text, numbers or missing).

    Returns
    -------
    numpy.ndarray of bool
    """
    text = column.where(column.notna(), "").astype(str).str.strip().str.lower()
    return (column.isna() | text.isin(NA_STRINGS)).to_numpy()


def floats(column: pd.Series) -> np.ndarray | None:
    """A column of cells as floats, or ``None`` when some cell is not a number.

    The text is parsed by Python's correctly rounded ``float`` (in numpy's loop), so the values are those of
    :func:`exact_float` cell by cell; a missing cell (``None``, NaN, ``"nan"``) becomes NaN. On ``None`` the
    caller reads the column cell by cell to name the bad one.

    Parameters
    ----------
    column : pandas.Series

    Returns
    -------
    numpy.ndarray of float, or None
    """
    try:
        return column.to_numpy(dtype=object).astype(float)
    except (TypeError, ValueError):
        return None


def exact_float(cell) -> float:
    """A cell as a correctly rounded float, NaN when it is missing or not a number.

    Python's parser reads a value written with full precision (17 significant digits) back bit for bit.

    Examples
    --------
    >>> exact_float(" 0.1 "), exact_float("x")
    (0.1, nan)
    """
    try:
        return float(str(cell).strip())
    except (TypeError, ValueError):
        return float("nan")


def whole_number(cell) -> int | None:
    """A cell as a whole number (``"2021"``, ``2021.0``, ``" 2021 "``), ``None`` when it is missing or not one.

    Examples
    --------
    >>> [whole_number(v) for v in ("2021", 2021.0, " 7 ", "2021.5", "x", "", None, "inf")]
    [2021, 2021, 7, None, None, None, None, None]
    """
    text = "" if is_na(cell) else str(cell).strip()
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if value.is_integer() else None
