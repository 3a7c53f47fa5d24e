"""Reading and writing spatial weights files: ONE reader for every format the project accepts.

The writers are in :mod:`aicoord.weights_write` (every name of it importable from here too).

:func:`read_weights` reads

* an N×N table (CSV in UTF-8 or GBK, or ``.xlsx``) whose first column and header are the unit ids;
* a long table with columns ``from``, ``to`` and optionally ``weight`` (default 1): row ``from``,
  column ``to`` of the matrix, so an asymmetric matrix keeps its direction;
* a libpysal ``.gal`` (binary neighbour lists) or ``.gwt`` (weighted links) file, recognised by its
  suffix or by a header line without commas;
* a sparse ``.npz`` file written by :func:`write_npz` (``scipy.sparse.load_npz`` reads its matrix; the
  array ``ids`` holds the unit ids of its rows and columns).

A unit without neighbours (an isolate) keeps its place in every form: a row and a column of zeros in an
N×N table and in a ``.npz`` file, and in a long table the explicit row ``unit,unit,0`` (the reader counts
a zero weight as no link but keeps the unit). :func:`write_weights` writes the long table so.

Ids are arbitrary (city codes, state names, integers read as text). When every id is a province in
any accepted spelling (``上海``, ``Shanghai``, ``310000``), the ids are normalised to province codes,
so a file written with names matches data written with codes. Every problem raises
:class:`aicoord.errors.InputError` naming the file, the row and the fix. The command line, the
workflow steps and the tests all read weights through this module.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .errors import InputError
from .weights_sparse import Weights, row_standardise, text_id, write_long, write_npz

if TYPE_CHECKING:  # libpysal (2.5 s to import) is loaded only where a libpysal W is made or written
    from libpysal.weights import W
from .weights_write import DENSE_MAX, standardised_file, weights_files, write_gal_gwt, write_weights

__all__ = [
    "read_weights",
    "read_weights_sparse",
    "read_weights_frame",
    "SparseWeights",
    "read_weights_by_year",
    "resolve_weights",
    "write_weights",
    "weights_files",
    "standardised_file",
    "write_gal_gwt",
    "write_npz",
    "write_long",
    "normalise_ids",
    "DENSE_MAX",
    "to_libpysal",
    "Weights",
    "row_standardise",
    "read_npz",
]


#: The raw weights read back (the former name of :class:`aicoord.weights_sparse.Weights`).
SparseWeights = Weights


def _try_provinces(values):
    """Province codes for ``values`` if every one is a province name or code, else None."""
    from .provinces import normalize_province

    out = []
    for v in values:
        try:
            out.append(normalize_province(v))
        except InputError:
            return None
    return out


def normalise_ids(values, provinces="auto"):
    """Unit ids as text, or as province codes (``provinces=True``, or ``"auto"`` when all are provinces).

    Returns
    -------
    (list of str, bool)
        The ids and whether they were normalised to province codes.
    """
    text = [text_id(v) for v in values]
    if provinces is False:
        return text, False
    codes = _try_provinces(text)
    if codes is None:
        if provinces is True:
            from .provinces import normalize_province

            for v in text:  # raises the located error of the first bad name
                normalize_province(v)
        return text, False
    return codes, True


def _is_gal_gwt(path: Path) -> bool:
    if path.suffix.lower() in (".gal", ".gwt"):
        return True
    if path.suffix.lower() in (".xlsx", ".xlsm", ".gz", ".npz"):
        return False
    head = path.read_bytes()[:4096].decode("utf-8", errors="replace").split("\n", 1)[0].strip()
    return bool(head) and "," not in head


def _read_gal_gwt(path: Path):
    import libpysal

    try:
        w = libpysal.io.open(str(path)).read()
    except Exception as exc:  # libpysal raises many types for malformed files
        raise InputError(
            f"cannot read the weights file: {exc}",
            file=path,
            hint="a .gal file lists neighbours, a .gwt file 'from to weight' lines",
        ) from None
    links = [(text_id(a), text_id(b), float(v)) for a, nbrs in w.neighbors.items() for b, v in zip(nbrs, w.weights[a])]
    ids = [text_id(i) for i in w.id_order]
    return ids, links


def _numbers(frame, path):
    """Columns of ``frame`` as floats; the first missing or non-numeric cell raises a located error."""
    vals = frame.apply(lambda s: pd.to_numeric(s.astype(str).str.strip(), errors="coerce")).to_numpy(dtype=float)
    bad = np.argwhere(~np.isfinite(vals))
    if len(bad):
        r, c = bad[0]
        raise InputError(
            f"weight '{frame.iloc[r, c]}' is missing or not a number",
            file=path,
            row=int(frame.index[r]) + 2,
            column=frame.columns[c],
            hint="use plain numbers with '.' as decimal separator",
        )
    return vals


def _missing_ids(series):
    s = series.astype(str).str.strip()
    return (series.isna() | (s == "")).to_numpy()


def _text_ids(series):
    """:func:`_text_id` of every cell, each distinct cell converted once (a long table repeats its ids)."""
    cells = series.tolist()
    text = {c: text_id(c) for c in dict.fromkeys(cells)}
    return [text[c] for c in cells]


def _read_long(df, path):
    cols = {c.lower(): c for c in df.columns}
    for need in ("from", "to"):
        if need not in cols:
            raise InputError(
                f"the weights table lacks a '{need}' column",
                file=path,
                row=1,
                hint="a long weights table has the columns from, to and weight",
            )
    for need in ("from", "to"):
        miss = _missing_ids(df[cols[need]])
        if miss.any():
            raise InputError(
                "missing unit id", file=path, row=int(df.index[np.flatnonzero(miss)[0]]) + 2, column=cols[need]
            )
    f = _text_ids(df[cols["from"]])
    t = _text_ids(df[cols["to"]])
    v = _numbers(df[[cols["weight"]]], path)[:, 0] if "weight" in cols else np.ones(len(df))
    dup = pd.DataFrame({"f": f, "t": t}).duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        first = next(j for j in range(i) if (f[j], t[j]) == (f[i], t[i]))
        raise InputError(
            f"link {f[i]} -> {t[i]} appears twice (also on row {int(df.index[first]) + 2})",
            file=path,
            row=int(df.index[i]) + 2,
            hint="keep one row per pair",
        )
    links = list(zip(f, t, v.tolist()))
    ids = list(dict.fromkeys(f + t))
    return ids, links, [int(i) + 2 for i in df.index]


def _read_square(df, path):
    first = df.columns[0]
    miss = _missing_ids(df[first])
    if miss.any():
        raise InputError("missing unit id", file=path, row=int(np.flatnonzero(miss)[0]) + 2, column=first)
    rows = [text_id(v) for v in df[first]]
    cols = [text_id(c) for c in df.columns[1:]]
    if len(set(rows)) != len(rows):
        dup = pd.Series(rows).duplicated()
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise InputError(f"unit '{rows[i]}' appears twice in the first column", file=path, row=i + 2, column=first)
    return rows, cols, _numbers(df.iloc[:, 1:], path)


def read_weights(path, ids=None, *, provinces="auto", allow_negative=False) -> W:
    """Read a weights file into a raw libpysal W (:func:`read_weights_sparse` made a libpysal W).

    Parameters
    ----------
    path : str or Path
        N×N table, long ``from,to,weight`` table, ``.gal`` or ``.gwt`` file (see the module docstring).
    ids : sequence, optional
        The units wanted, in the order wanted (for example the panel's units). Every one must be in
        the file and the file may have no other unit; ids are compared after the same normalisation.
        Default: the file's units (province reference order when they are provinces).
    provinces : bool or "auto"
        Normalise ids as province names/codes: always, never, or when every id is a province.

    Returns
    -------
    libpysal.weights.W
        Raw (as written) weights, ``id_order`` as described; the diagonal must be zero.

    Raises
    ------
    InputError
        Missing file, unreadable format, non-numeric or missing weight (with its row), duplicate
        unit or link, header and first column naming different units, a unit of ``ids`` missing
        from the file or a unit in the file missing from ``ids``, a non-zero diagonal entry.
    """
    return to_libpysal(read_weights_sparse(path, ids, provinces=provinces, allow_negative=allow_negative))


def read_weights_sparse(path, ids=None, *, provinces="auto", allow_negative=False) -> SparseWeights:
    """Read a weights file into a sparse matrix with its ids, without libpysal (the command line's reader).

    Parameters, ids and errors as :func:`read_weights`; the matrix is never formed densely for a
    long ``from,to,weight`` table or a ``.gal`` / ``.gwt`` file.

    Returns
    -------
    SparseWeights
    """
    from .io import read_table

    path = Path(path)
    if not path.exists():
        raise InputError("file not found", file=path, hint="check the path")
    if path.suffix.lower() == ".npz":
        return read_npz(path, ids, provinces, allow_negative)
    if _is_gal_gwt(path):
        fids, links = _read_gal_gwt(path)
        return _assemble(path, fids, links, None, ids, provinces, allow_negative)
    return _from_table(read_table(path), path, ids, provinces, allow_negative)


def read_weights_frame(path, ids=None, *, provinces="auto") -> pd.DataFrame:
    """Read a weights file into a dense N×N DataFrame of the raw weights, without libpysal.

    What the study and measure steps take (``aicoord.weights.to_dense_frame(read_weights(path))`` gives
    the same frame, but importing libpysal costs some 3 s in every job that only needs the matrix).
    Parameters, ids and errors as :func:`read_weights`.

    Returns
    -------
    pandas.DataFrame
        Row = from, column = to; index (named ``code``) and columns are the unit ids in the order
        described under :func:`read_weights`.
    """
    sw = read_weights_sparse(path, ids, provinces=provinces)
    ids = list(sw.id_order)
    return pd.DataFrame(sw.sparse.toarray().astype(float), index=pd.Index(ids, name="code"), columns=ids)


def to_libpysal(sw: SparseWeights) -> W:
    """A :class:`~aicoord.weights_sparse.Weights` as a libpysal W (transform ``"O"``: the weights as they are)."""
    from libpysal.weights import WSP

    w = WSP(sw.sparse, id_order=list(sw.id_order)).to_W(silence_warnings=True)
    w.transform = "O"
    return w


def read_weights_by_year(path, ids, periods, *, provinces="auto", allow_negative=False, observed=None) -> dict:
    """Year-specific weights from one long table ``year,from,to,weight`` (CSV or ``.xlsx``).

    Returns
    -------
    dict
        ``{period: libpysal.weights.W}`` for every period in ``periods`` (ids ordered like ``ids``).

    Raises
    ------
    InputError
        As :func:`read_weights`, and a period of the data without a matrix (named as a plain number).

    Notes
    -----
    ``observed`` (optional, ``{period: ids}``) are the units of an unbalanced panel present in each period: a
    period's matrix may list all ``ids`` or only those units (yearly boundaries give such files).
    """
    from .io import read_table

    path = Path(path)
    if not path.exists():
        raise InputError("file not found", file=path, hint="check the path")
    df = read_table(path)
    cols = {c.lower(): c for c in df.columns}
    if "year" not in cols:
        raise InputError(
            "the weights-by-year table lacks a 'year' column", file=path, row=1, hint="columns: year, from, to, weight"
        )
    years = pd.to_numeric(df[cols["year"]].astype(str).str.strip(), errors="coerce")
    if years.isna().any() or not np.all(np.mod(years, 1) == 0):
        i = int(np.flatnonzero((years.isna() | (np.mod(years.fillna(0), 1) != 0)).to_numpy())[0])
        raise InputError(
            f"year '{df[cols['year']].iloc[i]}' is not a whole number", file=path, row=i + 2, column=cols["year"]
        )
    years = years.astype(int)
    missing = [int(p) for p in periods if int(p) not in set(years)]
    if missing:
        raise InputError(
            f"no weights for period(s) {', '.join(map(str, missing[:5]))}",
            file=path,
            hint="give a matrix for every period of the data",
        )
    out = {}
    for p in periods:
        sub = df[(years == int(p)).to_numpy()].drop(columns=[cols["year"]])
        try:
            sw = _from_table(sub, path, ids, provinces, allow_negative)
        except InputError:
            units = (observed or {}).get(p)
            if units is None or len(units) == len(ids):
                raise
            try:  # a matrix of that period's units only
                sw = _from_table(sub, path, units, provinces, allow_negative)
            except InputError:
                pass
            else:
                out[p] = to_libpysal(sw)
                continue
            raise
        out[p] = to_libpysal(sw)
    return out


def _from_table(df, path, ids, provinces, allow_negative=False):
    if df.shape[1] < 2:
        raise InputError(
            "a weights table needs at least two columns",
            file=path,
            row=1,
            hint="an N×N table with ids in the first column and header, or from,to,weight",
        )
    if {"from", "to"} <= {c.lower() for c in df.columns}:
        fids, links, rows = _read_long(df, path)
        return _assemble(path, fids, links, None, ids, provinces, allow_negative, rows)
    rows, cols, values = _read_square(df, path)
    return _assemble(path, rows, None, (cols, values), ids, provinces, allow_negative)


def _order(path, file_ids, is_prov, ids):
    """The units in the order wanted: ``ids`` (each in the file, and no other) or the file's own order
    (province reference order for provinces)."""
    from .provinces import province_table

    if ids is None:
        if is_prov:
            order = [c for c in province_table()["code"] if c in set(file_ids)]
        else:
            order = list(file_ids)
    else:
        order = normalise_ids(ids, is_prov)[0] if is_prov else [text_id(i) for i in ids]
        have = set(file_ids)
        missing = [i for i in order if i not in have]
        if missing:
            raise InputError(
                f"{len(missing)} unit(s) of the data are not in the weights matrix: "
                f"{', '.join(map(str, missing[:5]))}{' ...' if len(missing) > 5 else ''}",
                file=path,
                hint="the matrix needs a row and a column for every unit of the data",
            )
        wanted = set(order)
        extra = [i for i in file_ids if i not in wanted]
        if extra:
            raise InputError(
                f"{len(extra)} unit(s) of the weights matrix are not in the data: "
                f"{', '.join(map(str, extra[:5]))}{' ...' if len(extra) > 5 else ''}",
                file=path,
                hint="drop them from the matrix or add them to the data",
            )
    return order


def _assemble(path, fids, links, square, ids, provinces, allow_negative=False, link_rows=None):
    rows = fids if square is not None else None
    if square is not None:
        cols, values = square
    try:
        file_ids, is_prov = normalise_ids(fids, provinces)
    except InputError as exc:  # an unknown province: say where it is
        if exc.file is not None:
            raise
        raise _located_id_error(exc, path, fids, links, link_rows) from None
    norm = dict(zip(fids, file_ids))
    if rows is not None:
        col_ids = normalise_ids(cols, is_prov)[0] if is_prov else cols
        if sorted(col_ids) != sorted(file_ids) or len(set(col_ids)) != len(col_ids):
            raise InputError(
                "the header and the first column name different units",
                file=path,
                row=1,
                hint="an N×N matrix needs the same ids, in any order, in both",
            )
        frame = pd.DataFrame(values, index=file_ids, columns=col_ids).loc[file_ids, file_ids]
    else:
        file_ids = list(dict.fromkeys(file_ids))
        cells = {(norm[a], norm[b]): v for a, b, v in links}  # the last of two spellings of one link wins
    order = _order(path, file_ids, is_prov, ids)
    import scipy.sparse as sp

    if rows is not None:
        mat = sp.csr_matrix(frame.loc[order, order].to_numpy(dtype=float))
    else:
        at = {k: i for i, k in enumerate(order)}
        (ri, ci), vals = (zip(*cells) if cells else ((), ())), list(cells.values())
        mat = sp.csr_matrix(
            (np.asarray(vals, dtype=float), ([at[i] for i in ri], [at[j] for j in ci])), shape=(len(order), len(order))
        )
    return _checked(path, mat, order, allow_negative)


def _checked(path, mat, order, allow_negative=False) -> SparseWeights:
    """``mat`` without stored zeros, indices sorted; a non-zero diagonal entry raises a located error, and so
    does a negative weight unless ``allow_negative`` (:func:`check_signs`)."""
    mat.eliminate_zeros()
    mat.sort_indices()
    diag = np.flatnonzero(mat.diagonal())
    if len(diag):
        raise InputError(
            f"unit '{order[diag[0]]}' is its own neighbour (non-zero diagonal)", file=path, hint="set the diagonal to 0"
        )
    check_signs(mat, order, path, allow_negative)
    return SparseWeights(mat, list(order))


def _located_id_error(exc, path, fids, links, link_rows):
    """``exc`` (a bad unit id of a weights file) with the file and the first row where the id occurs."""
    from .provinces import normalize_province

    bad = None
    for v in fids:
        try:
            normalize_province(v)
        except InputError:
            bad = v
            break
    row = column = None
    if bad is not None and links is None:  # N x N table: the id's row in the first column
        row = fids.index(bad) + 2
    elif bad is not None:
        i = next((i for i, (a, b, _) in enumerate(links) if bad in (a, b)), None)
        if i is not None and link_rows is not None:
            row, column = link_rows[i], "from" if links[i][0] == bad else "to"
    return InputError(exc.message, file=path, row=row, column=column, hint=exc.hint)


def check_signs(mat, order, path=None, allow_negative=False) -> None:
    """Refuse negative weights, naming the first one's row and column units (spatial weights are
    non-negative: a negative one is usually a sign error), unless ``allow_negative``; with them allowed,
    warn about rows that sum to zero (row-standardisation cannot scale them: they act as no neighbours).

    Raises
    ------
    InputError
        ``weight <v> of row '<unit>', column '<unit>' is negative``, with the hint of ``--allow-negative``.
    """
    import warnings

    coo = mat.tocoo()
    neg = np.flatnonzero(coo.data < 0)
    if len(neg) and not allow_negative:
        i = neg[np.lexsort((coo.col[neg], coo.row[neg]))[0]]
        raise InputError(
            f"weight {coo.data[i]:g} of row '{order[coo.row[i]]}', column '{order[coo.col[i]]}' is "
            f"negative ({len(neg)} negative weight(s) in all)",
            file=path,
            hint="spatial weights are 0 or more; pass --allow-negative (allow_negative=True) only for a "
            "matrix that means them",
        )
    if len(neg):
        sums = np.asarray(mat.sum(axis=1)).ravel()
        has = np.diff(mat.tocsr().indptr) > 0
        zero = np.flatnonzero(has & (np.abs(sums) <= 1e-12 * np.asarray(abs(mat).sum(axis=1)).ravel()))
        if len(zero):
            warnings.warn(
                f"{len(zero)} row(s) of the weights sum to zero (first: '{order[zero[0]]}'): "
                "row-standardisation leaves them as units without neighbours",
                stacklevel=3,
            )


def resolve_weights(spec: str, codes=None, *, allow_negative=False) -> W:
    """Raw weights from a command-line spec: ``queen``, ``rook``, ``knn:K``, ``distance[:POWER]`` or a file.

    Parameters
    ----------
    spec : str
    codes : sequence of str, optional
        Restrict to these provinces (must be all 31 for contiguity).
    """
    from .weights import contiguity_weights, distance_weights, knn_weights

    kind, _, arg = spec.partition(":")
    if kind in ("queen", "rook"):
        from .geometry import load_provinces

        return contiguity_weights(load_provinces(), kind)
    try:
        if kind == "knn":
            return knn_weights(int(arg or 4), codes)
        if kind == "distance":
            return distance_weights(float(arg or 1.0), None, codes)
    except ValueError as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(
            f"bad weights option '{spec}'", hint="use knn:K with an integer K or distance:POWER with a number"
        ) from None
    if Path(spec).exists() or Path(spec).suffix.lower() in (".csv", ".xlsx", ".gal", ".gwt", ".npz", ".gz"):
        return read_weights(spec, provinces=True, allow_negative=allow_negative)
    raise InputError(f"unknown weights '{spec}'", hint="use queen, rook, knn:K, distance[:POWER] or a weights file")


def read_npz(path, ids, provinces, allow_negative=False):
    """A ``.npz`` of :func:`write_npz`, ordered and checked like the other forms, without a dense matrix."""
    import scipy.sparse as sp

    try:
        with np.load(path, allow_pickle=False) as z:
            mat = sp.csr_matrix((z["data"], z["indices"], z["indptr"]), shape=tuple(int(v) for v in z["shape"]))
            fids = [text_id(v) for v in z["ids"].tolist()]
    except Exception as exc:  # a corrupt or foreign .npz raises many types
        raise InputError(
            f"cannot read the sparse weights file: {exc}",
            file=path,
            hint="a weights .npz holds data, indices, indptr, shape and ids (aicoord write_npz)",
        ) from None
    if len(fids) != mat.shape[0] or mat.shape[0] != mat.shape[1] or len(set(fids)) != len(fids):
        raise InputError(
            "the ids do not match the matrix (or repeat)",
            file=path,
            hint="write the file again with aicoord's write_npz",
        )
    file_ids, is_prov = normalise_ids(fids, provinces)
    order = _order(path, file_ids, is_prov, ids)
    at = {k: i for i, k in enumerate(file_ids)}
    perm = np.array([at[i] for i in order], dtype=np.int64)
    if not np.array_equal(perm, np.arange(len(perm))):
        mat = mat[perm][:, perm].tocsr()
    return _checked(path, mat, order, allow_negative)
