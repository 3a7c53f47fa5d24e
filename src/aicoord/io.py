"""Reading validated input tables and writing outputs atomically.

Every reader raises :class:`aicoord.errors.InputError` naming the file, the line (the header is line 1)
and the column, so that a user can open the file and fix it. Every writer writes to a temporary file in
the destination folder and renames it, so that a failed run never leaves a half-written result.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError

__all__ = [
    "read_table",
    "atomic_path",
    "write_csv",
    "write_json",
    "to_jsonable",
    "escape_formula",
    "FORMULA_STARTS",
    "remove_outputs",
]


def read_table(path, *, keep_default_na: bool = True, excel_dtype=str) -> pd.DataFrame:
    """Read a CSV (UTF-8 or GBK; also gzip-compressed, ``.csv.gz``) or Excel (``.xlsx``) file as text, so that no
    cell is silently coerced.

    Parameters
    ----------
    path : str or Path
    keep_default_na : bool
        Read empty cells and ``NA``-like strings as NaN (default) or keep them as strings.
    excel_dtype : type
        ``dtype`` for Excel files (``str`` or ``object``).

    Returns
    -------
    pandas.DataFrame
        Cells as text; header names stripped of surrounding spaces.

    Raises
    ------
    InputError
        Missing file, unsupported type, undecodable bytes, or a CSV line with more fields than the header
        (named by line number: usually a decimal comma or a thousands separator).
    """
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", file=path, hint="check the path")
    suffix = path.suffix.lower()
    if suffix == ".gz" and path.stem.lower().endswith((".csv", ".txt")):
        suffix = ".csv"  # a gzip-compressed CSV (pandas decompresses it by its name)
    if suffix in (".xlsx", ".xlsm"):
        df = pd.read_excel(path, dtype=excel_dtype, engine="openpyxl", keep_default_na=keep_default_na)
    elif suffix in (".csv", ".txt"):
        df = None
        for enc in ("utf-8-sig", "gb18030"):
            try:
                df = pd.read_csv(path, dtype=str, keep_default_na=keep_default_na, skip_blank_lines=False, encoding=enc)
                break
            except UnicodeDecodeError:
                continue
            except pd.errors.EmptyDataError:
                raise InputError("the file is empty", file=path, hint="it needs a header line and data rows") from None
            except pd.errors.ParserError as exc:
                m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
                if m:
                    raise InputError(
                        f"line has {m.group(3)} fields but the header has {m.group(1)}",
                        file=path,
                        row=int(m.group(2)),
                        hint="use '.' as decimal separator, remove thousands "
                        "separators, or quote cells that contain commas",
                    ) from None
                raise InputError(f"cannot parse the CSV file: {exc}", file=path) from None
        if df is None:
            raise InputError("cannot decode the file", file=path, hint="save it as UTF-8")
    else:
        raise InputError(f"unsupported file type '{suffix}'", file=path, hint="use a .csv (UTF-8 or GBK) or .xlsx file")
    df.columns = [str(c).strip() for c in df.columns]
    return df


@contextmanager
def atomic_path(path):
    """Yield a temporary path beside ``path``; rename it onto ``path`` only if the block succeeds."""
    path = Path(path)
    try:
        if path.is_dir():
            raise InputError("the output path is a folder", file=path, hint="give a file name inside it")
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    except OSError as exc:  # a folder of the path is a file, no permission, a name too long, a full disk ...
        raise InputError(
            f"cannot write the output: {exc.strerror or exc}",
            file=path,
            hint="choose a writable path with a shorter file name in an existing folder",
        ) from None
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


#: First characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection"): a label or header
#: such as ``=HYPERLINK(...)`` written bare would run when the CSV is opened in Excel.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_NUMBER = re.compile(r"[-+]?(\d[\d,]*)?\.?\d+([eE][-+]?\d+)?\**%?")


def escape_formula(cell):
    """``cell`` prefixed with a single quote when a spreadsheet would run it as a formula (OWASP's advice for
    CSV injection); numbers, and numbers as a table prints them (``-0.123***``, ``-1,234.5``, ``-5%``), are
    left as they are. Idempotent: an escaped cell starts with a quote.

    Examples
    --------
    >>> escape_formula("=1+2"), escape_formula("-0.123**"), escape_formula("@SUM(A1)"), escape_formula(-3.5)
    ("'=1+2", '-0.123**', "'@SUM(A1)", -3.5)
    """
    if (
        not isinstance(cell, str)
        or len(cell) < 2
        or not cell.startswith(FORMULA_STARTS)
        or _NUMBER.fullmatch(cell.strip())
    ):  # a lone "-" (an empty cell's dash) cannot be a formula
        return cell
    return "'" + cell


def remove_outputs(paths) -> list[str]:
    """Delete the files ``paths`` that exist, and their folders left empty; return the files deleted.

    The workflow calls it when it starts (``onstart``) on the outputs of rules that are no longer part of the
    study, e.g. the simulated demonstration panel's once ``panel.file`` names a real panel: those files would
    otherwise lie among the real results saying "simulated data".
    """
    removed = []
    for p in map(Path, paths):
        if p.is_file() or p.is_symlink():
            p.unlink()
            removed.append(str(p))
            try:
                p.parent.rmdir()  # only when empty
            except OSError:
                pass
    return removed


def write_csv(df: pd.DataFrame, path, *, index=False, float_format="%.10g") -> None:
    """Write a CSV atomically with a fixed float format, so that reruns are byte-identical. Text cells and
    headers that a spreadsheet would run as formulas are escaped (:func:`escape_formula`); numbers are
    written as numbers."""

    def is_text(dtype):
        return pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)

    text = [i for i, t in enumerate(df.dtypes) if is_text(t)]  # by position: headers may repeat
    if text or any(isinstance(c, str) and escape_formula(c) != c for c in df.columns) or index:
        df = df.copy()
        for i in text:
            df.isetitem(i, df.iloc[:, i].map(escape_formula))
        df.columns = [escape_formula(c) for c in df.columns]
        if index and (pd.api.types.is_object_dtype(df.index) or pd.api.types.is_string_dtype(df.index)):
            df.index = df.index.map(escape_formula)
    with atomic_path(path) as tmp:
        df.to_csv(tmp, index=index, float_format=float_format, lineterminator="\n")


def to_jsonable(obj, digits: int | None = 12):
    """Convert numpy scalars, DataFrames (``{index: {column: value}}``), tuples and non-finite floats
    (to ``None``) into plain JSON values; floats are rounded to ``digits`` significant digits
    (``None`` keeps full precision)."""
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v, digits) for k, v in obj.items()}
    if isinstance(obj, pd.DataFrame):
        return {str(i): to_jsonable(row.to_dict(), digits) for i, row in obj.iterrows()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v, digits) for v in obj]
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, (np.floating, float)):
        v = float(obj)
        if not np.isfinite(v):
            return None
        return v if digits is None else float(f"{v:.{digits}g}")
    if isinstance(obj, np.integer):
        return int(obj)
    return obj


def write_json(obj, path, *, digits: int | None = 12) -> None:
    """Write JSON atomically, keys sorted, floats to ``digits`` significant digits (NaN as null)."""
    with atomic_path(path) as tmp:
        Path(tmp).write_text(
            json.dumps(to_jsonable(obj, digits), indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
        )
