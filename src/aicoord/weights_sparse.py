"""Sparse weights: the :class:`Weights` object, its one loader, its one normaliser, and the sparse files.

:func:`aicoord.weights_load.load_weights` reads any weights file the project accepts
(:func:`aicoord.weights_io.read_weights_sparse`) into a :class:`Weights`: the sparse matrix, the unit ids, and,
for a ``.npz`` the workflow wrote, the summary of the matrix stored inside the file (:func:`write_npz`,
:func:`read_npz_summary`) with its kind and provenance note. The object
travels unchanged through the study and into the panel engine (:func:`aicoord.panel.wmatrix.as_matrix` takes
it like a libpysal W), so the matrix is never formed as an N×N table on the way.

:func:`row_standardise` is the one row-standardisation of the study: it divides every row by its sum,
computed as the study always has (the sum of the row's weights from left to right), so estimates are the
same bit for bit.

:func:`write_npz` and :func:`write_long` write the sparse forms (``.npz``, with the matrix's summary inside;
the long ``from,to,weight`` table, a unit without neighbours kept as the row ``unit,unit,0``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import EstimationError, InputError

__all__ = ["Weights", "read_npz_summary", "row_standardise", "text_id", "write_long", "write_npz"]


def text_id(v) -> str:
    """A unit id as text (an integer read as a float, ``"110000.0"``, loses its ``.0``)."""
    s = str(v).strip()
    if s.endswith(".0") and s[:-2].lstrip("-").isdigit():  # integer ids read as floats
        s = s[:-2]
    return s


@dataclass(frozen=True)
class Weights:
    """A weights matrix as it travels through the study and the engine.

    It has the ``sparse`` and ``id_order`` attributes of a libpysal W, so the panel engine
    (:func:`aicoord.panel.wmatrix.as_matrix`) takes it like one, without a dense copy.

    Attributes
    ----------
    sparse : scipy.sparse.csr_matrix
        N x N, row ``from``, column ``to``; no stored zeros, indices sorted.
    id_order : list of str
        Unit ids of the rows and columns.
    kind : str
        Kind of the matrix (``queen``, ``distance``, ...) when its summary says so, else ``""``.
    note : str
        Provenance note of a matrix built from the panel (economic and nested matrices), else ``""``.
    summary : dict
        The summary the weights rule wrote (:func:`aicoord.weights.weights_summary` and more), or ``{}``.
    """

    sparse: object
    id_order: list
    kind: str = ""
    note: str = ""
    summary: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def n(self) -> int:
        return self.sparse.shape[0]

    @property
    def name(self) -> str:
        """The matrix's configured name (its summary's ``matrix``), or ``""``."""
        return str(self.summary.get("matrix", ""))

    def restrict(self, ids) -> Weights:
        """The rows and columns of ``ids`` (text), in that order (each must be a unit of the matrix)."""
        ids = [str(i) for i in ids]
        if ids == list(self.id_order):
            return self
        at = {str(k): i for i, k in enumerate(self.id_order)}
        missing = [i for i in ids if i not in at]
        if missing:
            raise InputError(
                f"{len(missing)} unit(s) are not in the weights matrix: {', '.join(missing[:5])}",
                hint="the matrix needs a row and a column for every unit of the data",
            )
        sel = np.array([at[i] for i in ids], dtype=np.int64)
        mat = self.sparse[sel][:, sel].tocsr()
        mat.sort_indices()
        return Weights(mat, ids, self.kind, self.note, self.summary)

    def row_standardised(self) -> Weights:
        """Rows divided by their sums (:func:`row_standardise`); a unit without neighbours raises."""
        return Weights(
            row_standardise(self.sparse, self.id_order), list(self.id_order), self.kind, self.note, self.summary
        )

    def dense(self) -> np.ndarray:
        """The N x N array (for the dense eigen-decomposition of the study's effects)."""
        return self.sparse.toarray()

    def frame(self) -> pd.DataFrame:
        """The N x N DataFrame (index named ``code``); for small matrices and old callers."""
        return pd.DataFrame(self.dense(), index=pd.Index(list(self.id_order), name="code"), columns=list(self.id_order))


def row_standardise(mat, ids=None):
    """Divide every row of a sparse matrix by its sum: the one row-standardisation of the study.

    Each row's sum is that of its weights from left to right (as numpy sums a row of the N×N table the
    study used to build), so the result equals that table's, bit for bit, without forming it.

    Parameters
    ----------
    mat : scipy.sparse matrix
        Non-negative raw weights.
    ids : sequence, optional
        Unit ids, to name a unit without neighbours.

    Raises
    ------
    aicoord.errors.EstimationError
        A row sums to zero or less (a unit without neighbours in this sample).
    """
    import scipy.sparse as sp

    m = sp.csr_matrix(mat, dtype=float, copy=True)
    m.sort_indices()
    rs = _row_sums(m)
    bad = np.flatnonzero(rs <= 0)
    if len(bad):
        ids = list(range(m.shape[0])) if ids is None else list(ids)
        isl = [str(ids[i]) for i in bad[:5]]
        raise EstimationError(
            f"the weights have a unit without neighbours (an island) in this sample: {', '.join(isl)}",
            hint="its neighbours were dropped; link it to another unit (island_links) or use another matrix",
        )
    m.data = m.data / np.repeat(rs, np.diff(m.indptr))
    return m


def _row_sums(m, block: int = 256) -> np.ndarray:
    """Row sums of a CSR matrix, each from left to right (blocks of rows in column-major order: numpy
    then adds a row's entries one after another; a block of 256 rows of 2,847 units is 6 MB)."""
    out = np.empty(m.shape[0])
    for a in range(0, m.shape[0], block):
        out[a : a + block] = m[a : a + block].toarray(order="F").sum(axis=1)
    return out


def write_npz(mat, ids, path, summary=None) -> None:
    """Write a sparse matrix and its unit ids as ``.npz`` (atomic and byte-identical on reruns).

    The arrays are those of ``scipy.sparse.save_npz`` for a CSR matrix (``data``, ``indices``,
    ``indptr``, ``shape``, ``format``), so ``scipy.sparse.load_npz`` reads the matrix, plus ``ids``:
    the unit ids of the rows and columns, as text, and with ``summary`` (a dict: the matrix's name, kind,
    provenance note, ...) the entry ``summary``, that dict as JSON text with sorted keys, which
    :func:`read_npz_summary` reads back. Stored zeros are dropped; a unit without neighbours
    is an empty row and column. The zip entries carry a fixed date (numpy's ``savez`` stamps the
    current time, so two runs would differ).
    """
    import io as _io
    import zipfile

    import scipy.sparse as sp

    from .io import atomic_path

    m = sp.csr_matrix(mat, dtype=float, copy=True)
    m.eliminate_zeros()
    m.sort_indices()
    arrays = {
        "indices": m.indices.astype(np.int32),
        "indptr": m.indptr.astype(np.int64),
        "format": np.array("csr"),
        "shape": np.array(m.shape, dtype=np.int64),
        "data": m.data.astype(np.float64),
        "ids": np.array([text_id(i) for i in ids], dtype=str),
    }
    if summary is not None:
        text = json.dumps(summary, sort_keys=True, ensure_ascii=False, default=_plain)
        arrays["summary"] = np.array(text)
    with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for key, arr in arrays.items():
            buf = _io.BytesIO()
            np.lib.format.write_array(buf, np.asanyarray(arr), allow_pickle=False)
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, buf.getvalue())


def _plain(v):
    """A numpy scalar or array of a summary as the Python value JSON writes."""
    if isinstance(v, (np.generic, np.ndarray)):
        return v.tolist()
    raise TypeError(f"a weights summary holds numbers, text, lists and dicts, not {type(v).__name__}")


def read_npz_summary(path) -> dict:
    """The summary stored in a weights ``.npz`` by :func:`write_npz` (its entry ``summary``), or ``{}`` for a
    file without one (written without a summary, or by another program).

    Raises
    ------
    aicoord.errors.InputError
        The file is not a readable ``.npz``, or its summary is not a JSON object.
    """
    try:
        with np.load(path, allow_pickle=False) as z:
            text = str(z["summary"][()]) if "summary" in z.files else None
    except Exception as exc:  # a corrupt or foreign .npz raises many types
        raise InputError(f"cannot read the sparse weights file: {exc}", file=path) from None
    if text is None:
        return {}
    try:
        summary = json.loads(text)
    except json.JSONDecodeError as exc:
        summary, why = None, str(exc)
    else:
        why = "not a JSON object"
    if not isinstance(summary, dict):
        raise InputError(
            f"the summary stored in the weights file is {why}", file=path, hint="rewrite the file with write_npz"
        )
    return summary


def write_long(mat, ids, path) -> None:
    """Write a sparse matrix as the long table ``from,to,weight`` (row ``from``, column ``to``).

    Every link is one row, in row-major order, the weight with 17 significant digits (read back
    exactly). A unit without neighbours gets the row ``unit,unit,0``, so that it does not vanish: the
    readers count a zero weight as no link and keep the unit. A path ending in ``.gz`` is gzip-compressed
    without a time stamp or file name in its header (byte-identical on reruns); the readers read both.
    """
    import gzip

    import scipy.sparse as sp

    from .io import atomic_path

    m = sp.csr_matrix(mat, dtype=float, copy=True)
    m.eliminate_zeros()
    m.sort_indices()
    coo = m.tocoo()
    iso = np.flatnonzero(np.diff(m.indptr) == 0)
    r = np.concatenate([coo.row, iso])
    c = np.concatenate([coo.col, iso])
    v = np.concatenate([coo.data, np.zeros(len(iso))])
    o = np.lexsort((c, r))
    text = np.array([text_id(i) for i in ids], dtype=object)
    df = pd.DataFrame({"from": text[r[o]], "to": text[c[o]], "weight": v[o]})
    with atomic_path(path) as tmp:
        if str(path).endswith(".gz"):
            with open(tmp, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
                gz.write(df.to_csv(index=False, float_format="%.17g", lineterminator="\n").encode("utf-8"))
        else:
            df.to_csv(tmp, index=False, float_format="%.17g", lineterminator="\n")
