"""Loading a weights file as one :class:`aicoord.weights_sparse.Weights` (the one weights path of the study).

A step loads a matrix once with :func:`load_weights` (raw, as written) or :func:`load_standardised`
(row-standardised), and passes the object on unchanged: the sparse matrix, the ids, the kind and the provenance
note travel together with the summary the weights rule stored inside the ``.npz``
(:func:`aicoord.weights_sparse.read_npz_summary`); no file is looked for by its name.
"""

from __future__ import annotations

import json
from pathlib import Path

from .weights_io import read_weights_sparse
from .weights_sparse import Weights, read_npz_summary

__all__ = ["load_weights", "load_standardised"]


def load_weights(path, ids=None, *, provinces="auto", summary=None) -> Weights:
    """Read a weights file into a :class:`Weights`, with the matrix's summary.

    Parameters
    ----------
    path : str or Path
        Any form :func:`aicoord.weights_io.read_weights_sparse` reads (``.npz``, long or N×N table, GAL, GWT).
    ids : sequence, optional
        The units wanted, in that order (see :func:`aicoord.weights_io.read_weights`).
    provinces : bool or "auto"
        As :func:`aicoord.weights_io.read_weights`.
    summary : dict, str or Path, optional
        The matrix's summary, or the path of its JSON, given explicitly. Default: the summary stored in a
        ``.npz`` (:func:`aicoord.weights_sparse.write_npz`), none for the other forms.

    Returns
    -------
    Weights
        Raw weights as written; ``kind``, ``note`` and ``summary`` from the summary (empty without one).
    """
    sw = read_weights_sparse(path, ids, provinces=provinces)
    if summary is None:
        s = read_npz_summary(path) if str(path).endswith(".npz") else {}
    elif isinstance(summary, dict):
        s = dict(summary)
    else:
        s = json.loads(Path(summary).read_text(encoding="utf-8"))
    return Weights(sw.sparse, list(sw.id_order), str(s.get("kind", "")), str(s.get("note") or ""), s)


def load_standardised(path, ids=None, *, provinces="auto") -> Weights:
    """The row-standardised weights a workflow step reads (:func:`aicoord.weights_io.standardised_file`).

    ``<stem>.npz`` (written up to ``study.dense_weights_max`` units) is returned as written; the raw
    ``<stem>_raw.npz``, all there is above that size, is row-standardised here (:func:`row_standardise`).
    """
    w = load_weights(path, ids, provinces=provinces)
    return w.row_standardised() if str(path).endswith("_raw.npz") else w
