"""Writing spatial weights files: which files one matrix is stored as, and the writers.

:func:`write_weights` writes a matrix as the files :func:`weights_files` names: the raw weights as a sparse
``.npz`` (what every step reads) and, for at most :data:`DENSE_MAX` units, also the row-standardised ``.npz``,
the N×N CSV tables (raw and row-standardised) and the libpysal ``.gwt`` (:func:`write_gal_gwt`, which also writes
``.gal``). Every file it writes is read back by :func:`aicoord.weights_io.read_weights`;
:mod:`aicoord.weights_io` re-exports every name here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .errors import InputError
from .weights_sparse import write_npz

if TYPE_CHECKING:  # libpysal (2.5 s to import) is loaded only where a libpysal W is made or written
    from libpysal.weights import W

__all__ = [
    "DENSE_MAX",
    "weights_files",
    "standardised_file",
    "write_weights",
    "write_gal_gwt",
]


#: Largest number of units for which :func:`write_weights` also writes the N×N CSV tables and the ``.gwt``
#: (the configuration's ``study.dense_weights_max`` sets it in the workflow).
DENSE_MAX = 500


def weights_files(stem, n: int, dense_max: int = DENSE_MAX) -> dict:
    """The files :func:`write_weights` writes for a matrix of ``n`` units, by kind.

    Returns
    -------
    dict
        ``raw_npz``: the raw weights as sparse ``.npz``, what every step reads; for ``n <= dense_max``
        also ``npz`` (row-standardised ``.npz``), ``csv`` (N×N row-standardised), ``raw`` (N×N raw) and
        ``gwt`` (raw). Above ``dense_max`` only the raw matrix is stored (a full matrix of 2,847 units is
        some 60 MB as ``.npz`` and 185 MB as an N×N table); the steps row-standardise it on reading
        (:func:`aicoord.weights_sparse.row_standardise`), and the long table of a sparse matrix is
        :func:`write_long`'s (rule ``weights_long``).
    """
    stem = str(stem)
    out = {"raw_npz": f"{stem}_raw.npz"}
    if n <= dense_max:
        out = {"npz": f"{stem}.npz", **out, "csv": f"{stem}.csv", "raw": f"{stem}_raw.csv", "gwt": f"{stem}.gwt"}
    return out


def standardised_file(stem, n: int, dense_max: int = DENSE_MAX) -> str:
    """The file a step reads for the row-standardised weights: ``{stem}.npz`` up to ``dense_max`` units,
    else the raw ``{stem}_raw.npz``, which the step row-standardises on reading."""
    return weights_files(stem, n, dense_max).get("npz", f"{stem}_raw.npz")


def write_weights(w, stem, *, name: str, dense_max: int = DENSE_MAX, summary=None) -> dict:
    """Write ``w`` as the files of :func:`weights_files`; return its summary.

    ``{stem}_raw.npz`` holds the raw weights (sparse, :func:`write_npz`); up to ``dense_max`` units also
    ``{stem}.npz`` (row-standardised), ``{stem}_raw.csv`` and ``{stem}.csv`` (N×N, 17 significant digits)
    and ``{stem}.gwt`` (libpysal GWT, raw). ``w`` is a libpysal W, or above ``dense_max`` units also an
    :class:`aicoord.weights_sparse.Weights`. The summary, :func:`aicoord.weights.weights_summary` updated
    with ``summary`` (the matrix's kind, provenance note, ...), is stored inside both ``.npz`` files, so that
    it travels with the matrix (:func:`aicoord.weights_load.load_weights`).
    """
    from .io import write_csv
    from .weights import standardize, to_dense_frame, weights_summary

    files = weights_files(stem, w.n, dense_max)
    info = {**weights_summary(w, name), **(summary or {})}
    if "gwt" in files:
        std = standardize(w)
        write_gal_gwt(w, files["gwt"])
        write_csv(to_dense_frame(w), files["raw"], index=True, float_format="%.17g")
        write_csv(to_dense_frame(std), files["csv"], index=True, float_format="%.17g")
    write_npz(w.sparse, list(w.id_order), files["raw_npz"], summary=info)
    if "npz" in files:
        write_npz(std.sparse, list(std.id_order), files["npz"], summary=info)
    return info


def write_gal_gwt(w: W, path) -> None:
    """Write ``w`` with libpysal's writer, as GAL (neighbour lists) or GWT (weights) by ``path``'s suffix.

    Raises
    ------
    InputError
        For a ``.gal`` path when ``w`` is not binary (GAL would drop the weights).
    """
    import libpysal

    from .io import atomic_path

    path = Path(path)
    if path.suffix == ".gal":
        vals = np.concatenate([np.asarray(v, float) for v in w.weights.values()]) if w.s0 else np.array([1.0])
        if not np.all(vals == 1.0):
            raise InputError("GAL holds binary neighbour lists; use .gwt for weighted matrices", file=path)
    with atomic_path(path) as tmp:
        f = libpysal.io.open(str(tmp), "w")
        f.write(w)
        f.close()
