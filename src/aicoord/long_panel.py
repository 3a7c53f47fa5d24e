"""Reading a long panel with arbitrary unit ids (``aicoord fit-panel``, ``aicoord did``): one row per unit and
period, the values checked cell by cell (:mod:`aicoord.cells`), every bad cell named by its row and column.

Part of the study's data contract (:mod:`aicoord.contract`, which makes :func:`read_long_panel` available
too).
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .cells import exact_float, floats, is_na, na_mask, whole_number
from .errors import InputError
from .io import read_table
from .provinces import normalize_province
from .weights_io import normalise_ids

__all__ = ["read_long_panel"]


def read_long_panel(path, id_col: str, time_col: str, value_cols, *, provinces="auto") -> pd.DataFrame:
    """Read a long panel with arbitrary unit ids (CSV in UTF-8 or GBK, or ``.xlsx``) for estimation.

    Parameters
    ----------
    path : str or Path
    id_col, time_col : str
        Unit and period columns. Periods must be whole numbers.
    value_cols : list of str
        Numeric columns (dependent variable and regressors).
    provinces : bool or "auto"
        Normalise the unit ids as province names/codes (any accepted spelling): always, never, or when
        every id is a province; otherwise ids are kept as text.

    Returns
    -------
    pandas.DataFrame
        ``id_col`` (text), ``time_col`` (int) and the value columns (float), in file order;
        ``attrs["provinces"]`` says whether the ids were normalised to province codes.

    Raises
    ------
    InputError
        Missing column, missing id, non-integer period, missing or non-numeric value (with the row
        and column), duplicate (id, period) pair (with both rows).
    """
    path = Path(path)
    df = read_table(path)
    value_cols = list(value_cols)
    for col in [id_col, time_col, *value_cols]:
        if col not in df.columns:
            close = difflib.get_close_matches(col, list(df.columns), n=1, cutoff=0.5)
            raise InputError(
                f"column '{col}' not found",
                file=path,
                row=1,
                hint=(f"did you mean '{close[0]}'? " if close else "")
                + f"headers are: {', '.join(map(str, df.columns))}",
            )
    miss = na_mask(df[id_col])
    if miss.any():
        raise InputError("missing unit id", file=path, row=int(np.flatnonzero(miss)[0]) + 2, column=id_col)
    raw_ids = df[id_col].tolist()
    uniq = list(dict.fromkeys(raw_ids))  # each distinct id normalised once
    norm, is_prov = normalise_ids(uniq, provinces)
    if not is_prov and provinces == "auto":
        _one_bad_province(uniq, raw_ids, path, id_col)
    to_norm = dict(zip(uniq, norm))
    out = pd.DataFrame({id_col: [to_norm[v] for v in raw_ids]})
    fast = floats(df[time_col])
    if fast is not None and np.all(np.abs(fast) < 2.0**53) and np.all(fast == np.round(fast)):
        out[time_col] = fast.astype(np.int64)
    times = []
    for i, v in enumerate(df[time_col] if time_col not in out else ()):  # the slow path names the bad cell
        tf = whole_number(v)
        if tf is None:
            raise InputError(
                "missing period" if is_na(v) else f"period '{v}' is not a whole number",
                file=path,
                row=i + 2,
                column=time_col,
                hint="write periods as whole numbers, e.g. 2021",
            )
        times.append(tf)
    if time_col not in out:
        out[time_col] = times
    for col in value_cols:
        raw = df[col]
        vals = floats(raw)
        if vals is None:
            vals = np.array([exact_float(v) for v in raw], dtype=float)
        bad = np.flatnonzero(~np.isfinite(vals))
        if len(bad):
            i = int(bad[0])
            cell = raw.iloc[i]
            what = "missing value" if is_na(cell) else f"'{cell}' is not a finite number"
            more = f" ({len(bad) - 1} more in this column)" if len(bad) > 1 else ""
            raise InputError(
                what + more,
                file=path,
                row=i + 2,
                column=col,
                hint="use plain numbers with '.' as decimal separator; drop or impute missing values",
            )
        out[col] = vals
    dup = out.duplicated([id_col, time_col], keep=False)
    if dup.any():
        rows = np.flatnonzero(dup.to_numpy())
        first = out.iloc[rows[0]]
        same = [
            int(r) + 2 for r in rows if (out.iloc[r][id_col], out.iloc[r][time_col]) == (first[id_col], first[time_col])
        ]
        raise InputError(
            f"unit '{df[id_col].iloc[rows[0]]}' in period {first[time_col]} appears on rows "
            f"{', '.join(map(str, same))}",
            file=path,
            row=same[1],
            column=id_col,
            hint="keep one row per unit and period",
        )
    out.attrs["provinces"] = is_prov
    return out


def _one_bad_province(uniq, raw_ids, path, id_col) -> None:
    """Raise the located error of a misspelt province when nearly all ids (at least two thirds, and three) are
    provinces: otherwise the one bad id would leave every unit unmatched against a province weights matrix
    ("31 unit(s) of the data are not in the weights matrix") instead of naming the row to fix."""
    if all(re.fullmatch(r"-?\d+(\.0)?", str(v).strip()) for v in uniq):  # numeric ids (state, county codes)
        return
    bad = []
    for v in uniq:
        try:
            normalize_province(v)
        except InputError:
            bad.append(v)
    if len(uniq) - len(bad) >= max(3, 2 * len(uniq) / 3):
        row = raw_ids.index(bad[0]) + 2
        normalize_province(bad[0], file=path, row=row, column=id_col)  # raises, with the closest valid name
