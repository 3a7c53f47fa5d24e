"""The study's data contract in one place: what an input file must look like, and its readers.

* :func:`read_province_table`: a cross-section, one row per province (the seed's tables, configured
  ``datasets``).
* :func:`read_panel`: the province-year panel, read through its *data dictionary* (below).
* :func:`read_long_panel`: any long panel with arbitrary unit ids (``aicoord fit-panel``); it lives in
  :mod:`aicoord.long_panel` and is available here as well.
* :func:`read_tidy`: the tidy files the workflow writes under ``results/data/`` (codes as text).

The bounds on counts and seeds (:data:`MAX_DRAWS`, :data:`MAX_PERMUTATIONS`, :data:`MAX_SEED`,
:func:`check_count`, :func:`check_consecutive_periods`) live in :mod:`aicoord.limits`, which the engine
uses too; they are available here as well.

The cells of the files are read by :mod:`aicoord.cells` (which are missing, their numbers read exactly).

Every reader raises :class:`aicoord.errors.InputError` naming the file, the line (the header is line
1) and the column, and saying how to fix it.

A *data dictionary* maps the roles of the study to columns of the user's file::

    {
        "columns": {"省份": "province", "年份": "year", "人工智能指数": "ai_index"},  # optional
        "province": "province",        # default "province"
        "year": "year",                # default "year"
        "ai": "ai_index",
        "outcome": ["crd"],            # list (a single string is accepted)
        "gdp_pc": "gdp_pc",
        "population": "pop",           # optional
        "controls": ["open", "gov"],   # optional
        "instruments": ["post84_x_net"],  # optional: excluded instruments of AI (spatial IV)
        "mechanisms": {"industrial_upgrading": "ind_up", "value_chain": "gvc",
                       "resource_allocation": "misalloc", "regional_brand": "brand"},  # optional
        "ranges": {"ai_index": [0, 100], "open": [0, null]},  # optional, inclusive bounds
    }

``columns`` renames the file's headers first (so Chinese headers can be used); all other names
refer to the renamed columns. ``ranges`` keys may be column names or the roles ``ai``,
``gdp_pc``, ``population``; ``None`` means unbounded. GDP per capita and population must always
be strictly positive.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import numpy as np
import pandas as pd

from .cells import is_na, whole_number
from .errors import InputError
from .io import read_table
from .limits import MAX_DRAWS, MAX_PERMUTATIONS, MAX_SEED, check_consecutive_periods, check_count
from .long_panel import read_long_panel
from .units import normalize_unit, unit_table

__all__ = [
    "MECHANISMS",
    "ROLES",
    "MAX_DRAWS",
    "MAX_PERMUTATIONS",
    "MAX_SEED",
    "read_province_table",
    "read_panel",
    "read_long_panel",
    "read_tidy",
    "validate_dictionary",
    "check_count",
    "check_consecutive_periods",
]

#: Allowed keys of ``dictionary["mechanisms"]``.
MECHANISMS = ("industrial_upgrading", "value_chain", "resource_allocation", "regional_brand")

#: Roles of the data dictionary that name variables.
ROLES = ("ai", "outcome", "gdp_pc", "population", "controls", "instruments", "mechanisms")

_KNOWN_KEYS = {
    "columns",
    "province",
    "year",
    "ai",
    "outcome",
    "gdp_pc",
    "population",
    "controls",
    "instruments",
    "mechanisms",
    "ranges",
}


def read_province_table(
    path, id_col: str, value_cols, *, required_all: bool = True, level: str = "province"
) -> pd.DataFrame:
    """Read a one-row-per-province table (one row per unit of ``level``) and validate it.

    Parameters
    ----------
    path : str or Path
        CSV or ``.xlsx`` file with a header row.
    id_col : str
        Column holding province names or codes in any accepted form.
    value_cols : list of str
        Numeric columns to read.
    required_all : bool
        Require all 31 provinces (a spatial statistic on a subset of the map is a different study).
    level : {"province", "prefecture", "county"}
        The units of the rows (:mod:`aicoord.units`: code, or a name unique at the level).

    Returns
    -------
    pandas.DataFrame
        Indexed by province code in reference order, with the numeric ``value_cols``.

    Raises
    ------
    InputError
        Wrong header, unknown or duplicate province, missing value or non-numeric cell; the message
        names the file, line and column and says how to fix it.
    """
    path = Path(path)
    df = read_table(path)
    value_cols = list(value_cols)
    for col in [id_col, *value_cols]:
        if col not in df.columns:
            raise InputError(
                f"missing column '{col}'",
                file=path,
                row=1,
                hint=f"the header has {list(df.columns)}; rename the column or change the "
                "column name in the configuration",
            )
    codes = []
    seen: dict[str, int] = {}
    for i, name in enumerate(df[id_col]):
        line = i + 2
        code = normalize_unit(name, level, file=path, row=line, column=id_col)
        if code in seen:
            raise InputError(
                f"duplicate province '{str(name).strip()}' (also on row {seen[code]})",
                file=path,
                row=line,
                column=id_col,
                hint="keep one row per province",
            )
        seen[code] = line
        codes.append(code)
    out = pd.DataFrame(index=pd.Index(codes, name="code"))
    for col in value_cols:
        raw = df[col]
        values = pd.to_numeric(raw.str.strip(), errors="coerce").to_numpy(dtype=float)
        for i, (r, v) in enumerate(zip(raw, values)):
            if r is None or (isinstance(r, float) and np.isnan(r)) or str(r).strip() == "":
                raise InputError(
                    "missing value",
                    file=path,
                    row=i + 2,
                    column=col,
                    hint="fill in the value; the statistics need every province",
                )
            if not np.isfinite(v):
                raise InputError(
                    f"non-numeric value '{r}'",
                    file=path,
                    row=i + 2,
                    column=col,
                    hint="use a plain number with '.' as decimal separator",
                )
        out[col] = values
    units = unit_table(level)
    if required_all:
        missing = [c for c in units["code"] if c not in seen]
        if missing:
            names = units.set_index("code").loc[missing, "name_short"].tolist()
            shown = ", ".join(names[:10]) + (" ..." if len(names) > 10 else "")
            raise InputError(
                f"{len(missing)} {'province' if level == 'province' else level + '-level unit'}(s) missing: {shown}",
                file=path,
                column=id_col,
                hint="add a row for each of the 31 mainland provinces"
                if level == "province"
                else f"add a row for each of the {len(units)} units of the level",
            )
    order = [c for c in units["code"] if c in seen]
    return out.loc[order]


def validate_dictionary(dictionary) -> dict:
    """Check a data dictionary and return it with defaults filled in.

    Parameters
    ----------
    dictionary : dict
        See the module docstring.

    Returns
    -------
    dict
        With ``columns`` ({}), ``province`` ("province"), ``year`` ("year"), ``outcome``,
        ``controls`` and ``instruments`` as lists, ``population`` (None), ``mechanisms`` ({}), ``ranges`` ({}).

    Raises
    ------
    InputError
        Unknown keys, missing required roles (``ai``, ``outcome``, ``gdp_pc``), unknown
        mechanism keys or one column used for two roles.
    """
    if not isinstance(dictionary, dict):
        raise InputError("the data dictionary must be a mapping")
    unknown = set(dictionary) - _KNOWN_KEYS
    if unknown:
        raise InputError(
            f"unknown data dictionary keys: {', '.join(sorted(unknown))}",
            hint=f"allowed keys: {', '.join(sorted(_KNOWN_KEYS))}",
        )
    d = {
        "columns": {},
        "province": "province",
        "year": "year",
        "population": None,
        "controls": [],
        "instruments": [],
        "mechanisms": {},
        "ranges": {},
        **dictionary,
    }
    for role in ("ai", "outcome", "gdp_pc"):
        if not d.get(role):
            raise InputError(f"data dictionary lacks the role '{role}'", hint="map it to a column of the data file")
    for role in ("outcome", "controls", "instruments"):
        if d[role] is None:
            d[role] = []
        if isinstance(d[role], str):
            d[role] = [d[role]]
        d[role] = list(d[role])
    bad = set(d["mechanisms"]) - set(MECHANISMS)
    if bad:
        raise InputError(f"unknown mechanism(s): {', '.join(sorted(bad))}", hint=f"allowed: {', '.join(MECHANISMS)}")
    used = [
        d["province"],
        d["year"],
        d["ai"],
        *d["outcome"],
        d["gdp_pc"],
        *d["controls"],
        *d["instruments"],
        *d["mechanisms"].values(),
    ] + ([d["population"]] if d["population"] else [])
    dup = sorted({c for c in used if used.count(c) > 1})
    if dup:
        raise InputError(f"column(s) used for more than one role: {', '.join(dup)}")
    from .io import FORMULA_STARTS

    formula = [str(c) for c in used + list(d["columns"].values()) if str(c).startswith(FORMULA_STARTS)]
    if formula:  # the names are headers of the tidy files and labels of the tables a spreadsheet opens
        raise InputError(
            f"column name '{formula[0]}' starts with '{formula[0][0]}', which a spreadsheet runs as a formula",
            hint="rename it with the dictionary's 'columns' map, e.g. "
            f"columns: {{'{formula[0]}': {formula[0].lstrip('=+-@').strip() or 'x'}}}",
        )
    return d


def _read(path: Path) -> pd.DataFrame:
    return read_table(path, keep_default_na=False, excel_dtype=object)


def read_panel(path, dictionary, level: str = "province") -> pd.DataFrame:
    """Read and validate the study's province-year panel (CSV or .xlsx, long format).

    Parameters
    ----------
    path : str or path-like
        ``.csv`` (UTF-8, UTF-8 with BOM or GBK/GB18030) or ``.xlsx`` file, header in line 1,
        one row per province-year. Completely empty lines are ignored.
    dictionary : dict
        Data dictionary, see the module docstring and :func:`validate_dictionary`.
    level : {"province", "prefecture", "county"}
        The study's level: the unit column (the dictionary's ``province``) holds units of this level, each
        by its code or a name unique at the level (:func:`aicoord.units.normalize_unit`).

    Returns
    -------
    pandas.DataFrame
        Columns ``code`` (6-digit code of the unit), ``year`` (int), ``ai``, ``gdp_pc``,
        ``population`` (if given), the outcome columns, the control columns and the mechanism
        roles (``industrial_upgrading`` …) present in the dictionary, all float; sorted by code
        and year. ``attrs["roles"]`` maps every role to its output column(s), ``attrs["source"]``
        maps output columns to the headers in the file and ``attrs["years"]`` lists the years.

    Raises
    ------
    InputError
        For a missing column, unknown province (with the closest valid name), non-integer year,
        non-numeric cell, missing value, value out of range, duplicate province-year or a year
        gap of a province. The error names the file, the 1-based line in the file (header =
        line 1; for .xlsx the Excel row number) and the column as written in the file, and says
        how to fix it. The first problem in file order is raised; the message says how many more
        problems of the same kind were found.

    Notes
    -----
    Years are discovered from the data. The panel must be balanced over the years it spans:
    every province present must have every year from the first to the last year in the file
    (a year missing for all provinces is a gap as well).
    """
    path = Path(path)
    d = validate_dictionary(dictionary)
    raw = _read(path)
    raw.columns = [str(c).strip() for c in raw.columns]
    rename = {str(k): str(v) for k, v in d["columns"].items()}
    source = {rename.get(c, c): c for c in raw.columns}  # renamed -> header in file
    df = raw.rename(columns=rename)
    if df.columns.duplicated().any():
        dup = df.columns[df.columns.duplicated()][0]
        raise InputError(
            f"two columns are called '{dup}' after renaming",
            file=path,
            row=1,
            hint="check the 'columns' map of the data dictionary",
        )
    df.index = pd.RangeIndex(2, len(df) + 2)  # index = line number in the file
    empty = df.apply(lambda r: all(is_na(v) for v in r), axis=1)
    df = df[~empty]

    # role -> output column name, and output -> input column
    pairs = [("ai", d["ai"]), ("gdp_pc", d["gdp_pc"])]
    if d["population"]:
        pairs.append(("population", d["population"]))
    pairs += [(c, c) for c in d["outcome"] + d["controls"] + d["instruments"]]
    pairs += list(d["mechanisms"].items())
    outs = ["code", "year"] + [o for o, _ in pairs]
    clash = sorted({o for o in outs if outs.count(o) > 1})
    if clash:
        raise InputError(
            f"output column name(s) {', '.join(clash)} would be used twice",
            hint="an outcome or control may not be called code, year, ai, gdp_pc, "
            "population or a mechanism name; rename it with 'columns'",
        )
    out_of = dict(pairs)
    for col in [d["province"], d["year"], *out_of.values()]:
        if col not in df.columns:
            close = difflib.get_close_matches(col, list(df.columns), n=1, cutoff=0.5)
            raise InputError(
                f"column '{col}' not found",
                file=path,
                row=1,
                column=col,
                hint=(f"did you mean '{close[0]}'? " if close else "")
                + f"headers are: {', '.join(map(str, raw.columns))}",
            )

    def where(col):
        return source.get(col, col)

    known: dict = {}
    codes = []
    for i, v in df[d["province"]].items():
        key = str(v)
        if key not in known:
            known[key] = normalize_unit(v, level, file=path, row=int(i), column=where(d["province"]))
        codes.append(known[key])
    years = []
    for i, v in df[d["year"]].items():
        yf = whole_number(v)
        if yf is None:
            raise InputError(
                "missing year" if is_na(v) else f"year '{v}' is not a whole number",
                file=path,
                row=int(i),
                column=where(d["year"]),
                hint="write years as e.g. 2021",
            )
        if not 1000 <= yf <= 9999:
            raise InputError(
                f"year '{v}' is not a four-digit year",
                file=path,
                row=int(i),
                column=where(d["year"]),
                hint="write years as e.g. 2021",
            )
        years.append(int(yf))

    work = pd.DataFrame({"code": codes, "year": years}, index=df.index)
    for out, col in out_of.items():
        work[out] = [np.nan if is_na(v) else (v.strip() if isinstance(v, str) else v) for v in df[col]]

    # ---- pandera: numeric, not missing, in range, unique (code, year)
    import pandera.pandas as pa  # here, not at the top: the panel readers do without it (0.4 s to import)

    for key, spec in d["ranges"].items():
        if key not in out_of and key not in out_of.values():
            raise InputError(
                f"'ranges' names '{key}', which is not a variable of the data dictionary",
                hint=f"use one of: {', '.join(out_of.values())}",
            )
        if not (isinstance(spec, (list, tuple)) and len(spec) == 2):
            raise InputError(f"range of '{key}' must be [min, max] (null for no bound)")
    ranges = {}
    for out, col in out_of.items():
        lo, hi = None, None
        for key in (col, out):
            if key in d["ranges"]:
                lo, hi = d["ranges"][key]
        if out in ("gdp_pc", "population") and (lo is None or lo <= 0):
            lo = 0.0
            strict_lo = True
        else:
            strict_lo = False
        ranges[out] = (lo, hi, strict_lo)
    columns = {}
    for out in out_of:
        lo, hi, strict = ranges[out]
        checks = []
        if lo is not None:
            checks.append(pa.Check.gt(lo) if strict else pa.Check.ge(lo))
        if hi is not None:
            checks.append(pa.Check.le(hi))
        columns[out] = pa.Column(float, coerce=True, nullable=False, checks=checks)
    schema = pa.DataFrameSchema(columns, unique=["code", "year"])
    try:
        validated = schema.validate(work, lazy=True)
    except pa.errors.SchemaErrors as exc:
        _raise_first(exc.failure_cases, work, path, where, out_of, ranges, df[d["province"]], where(d["province"]))
        raise  # pragma: no cover
    validated["code"] = validated["code"].astype(str)
    validated["year"] = validated["year"].astype(int)
    for out, col in out_of.items():  # 'inf' and '1e400' coerce to infinity: not a usable value
        bad = ~np.isfinite(validated[out].to_numpy(dtype=float))
        if bad.any():
            line = int(validated.index[np.flatnonzero(bad)[0]])
            raise InputError(
                f"'{df.loc[line, col]}' is not a finite number",
                file=path,
                row=line,
                column=where(col),
                hint="use plain numbers with a decimal point; infinite values cannot be analysed",
            )

    # ---- balanced over the years it spans
    all_years = list(range(validated["year"].min(), validated["year"].max() + 1))
    problems = []
    for code, grp in validated.groupby("code", sort=False):
        missing = sorted(set(all_years) - set(grp["year"]))
        if missing:
            problems.append((int(grp.index.min()), code, missing, grp))
    if problems:
        line, code, missing, grp = min(problems, key=lambda p: p[0])
        name = df.loc[line, d["province"]]
        more = f"; {len(problems) - 1} more province(s) have gaps" if len(problems) > 1 else ""
        raise InputError(
            f"province '{name}' has no row for year(s) "
            f"{', '.join(map(str, missing))} (data span {all_years[0]}–"
            f"{all_years[-1]}){more}",
            file=path,
            row=line,
            column=where(d["year"]),
            hint="add the missing province-year rows (values may be interpolated before reading) or drop the province",
        )

    result = validated.sort_values(["code", "year"]).reset_index(drop=True)
    result = result[["code", "year", *out_of]]
    result.attrs["roles"] = {
        "ai": "ai",
        "gdp_pc": "gdp_pc",
        "population": "population" if d["population"] else None,
        "outcome": list(d["outcome"]),
        "controls": list(d["controls"]),
        "instruments": list(d["instruments"]),
        "mechanisms": {k: k for k in d["mechanisms"]},
    }
    result.attrs["source"] = {out: where(col) for out, col in out_of.items()}
    result.attrs["years"] = all_years
    return result


def _raise_first(fc: pd.DataFrame, work, path, where, out_of, ranges, names, prov_col):
    """Turn pandera failure cases into the first InputError in file order."""
    fc = fc[fc["index"].notna()].copy()
    fc["check"] = fc["check"].astype(str)
    fc = fc[~fc["check"].str.startswith("dtype(")]  # repeats a coerce failure
    uniq = fc[fc["check"] == "multiple_fields_uniqueness"]
    cells = fc[fc["check"] != "multiple_fields_uniqueness"]
    # a cell that failed coercion also fails the range checks with a TypeError: keep the first
    cells = cells.assign(line=cells["index"].astype(int))
    kind_order = {"coerce": 0, "not_nullable": 1}
    cells = cells.assign(kind=[next((v for k, v in kind_order.items() if c.startswith(k)), 2) for c in cells["check"]])
    cells = cells.sort_values(["line", "kind"]).drop_duplicates(["line", "column"])
    if not cells.empty:
        first = cells.iloc[0]
        out, line = first["column"], int(first["line"])
        n_more = len(cells) - 1
        more = f" ({n_more} more invalid cell(s) in the file)" if n_more else ""
        col = where(out_of[out])
        if first["kind"] == 0:
            raise InputError(
                f"'{first['failure_case']}' is not a number{more}",
                file=path,
                row=line,
                column=col,
                hint="use plain numbers with a decimal point, no units or thousands separators",
            )
        if first["kind"] == 1:
            raise InputError(
                f"missing value{more}",
                file=path,
                row=line,
                column=col,
                hint="fill the cell (or impute it before reading); empty, NA and NaN count as missing",
            )
        lo, hi, strict = ranges[out]
        rng = f"{'>' if strict else '>='} {lo:g}" if lo is not None else ""
        if hi is not None:
            rng += (" and " if rng else "") + f"<= {hi:g}"
        raise InputError(
            f"value {float(first['failure_case']):g} is out of range (must be {rng}){more}",
            file=path,
            row=line,
            column=col,
            hint="correct the value or the 'ranges' of the data dictionary",
        )
    if not uniq.empty:
        dup = work[work.duplicated(["code", "year"], keep=False)]
        first_key = tuple(dup.iloc[0][["code", "year"]])
        lines = [int(i) for i, r in dup.iterrows() if (r["code"], r["year"]) == first_key]
        raise InputError(
            f"province '{names.loc[lines[1]]}' ({first_key[0]}) in year "
            f"{first_key[1]} appears on lines {', '.join(map(str, lines))}",
            file=path,
            row=lines[1],
            column=prov_col,
            hint="keep one row per province and year (names in different spellings count as the same province)",
        )


def read_tidy(path, extra=()) -> pd.DataFrame:
    """Read a tidy table written by the workflow (``results/data/*.csv``), province codes as text.

    ``extra`` are tidy files with more columns of the same units and years (the mechanism files
    ``results/data/mechanisms/<role>.csv``); they are merged on ``code`` and ``year`` (their ``note``
    is dropped: it is the panel's). Rows keep the order of ``path``.
    """
    df = pd.read_csv(path, dtype={"code": str})
    for p in extra:
        more = pd.read_csv(p, dtype={"code": str}).drop(columns=["note"], errors="ignore")
        df = df.merge(more, on=["code", "year"], how="left", validate="one_to_one")
    return df
