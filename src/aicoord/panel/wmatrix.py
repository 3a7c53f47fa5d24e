"""Spatial weights for the panel engine: alignment, row standardisation, log-determinants, traces.

The log-Jacobian ``log|I - rho W|`` is computed from eigenvalues for small N and from a sparse LU
factorisation (``scipy.sparse.linalg.splu``) for large N.  When ``W = D^{-1} C`` with ``C``
symmetric and ``D`` a positive diagonal (a symmetric matrix, a row-standardised symmetric one,
also when it arrives already row-standardised, e.g. from a long ``from,to,weight`` file) the
eigenvalues are those of the similar symmetric matrix ``D^{-1/2} C D^{-1/2}`` and are real
(banded solver after a reverse Cuthill-McKee ordering); otherwise complex eigenvalues are used.
:func:`diagonal_symmetrizer` recognises such matrices.

Every fit, specification test and effects computation of a process shares one
:class:`PanelWeights` per distinct matrix: :meth:`PanelWeights.shared` keeps the most recently
used of them (at most :data:`CACHE_SIZE`, :data:`CACHE_NNZ` non-zeros in all), keyed by a hash of
the matrix's content and the options, so the eigenvalues (or the bounds of the sparse-LU path) are
computed once.
"""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..errors import InputError
from .spectral import BANDED_CALLS, SPECTRAL_MIN_N, EigenBasis, banded_traces, lower_banded
from .symmetrizer import diagonal_symmetrizer

__all__ = ["PanelWeights", "as_matrix", "check_size", "diagonal_symmetrizer", "shared_symmetrizer", "eigen_traces"]

#: above this N the sparse LU log-determinant is used when ``logdet="auto"`` (unless the
#: eigenvalues are cheap: a symmetric-similar W whose reverse Cuthill-McKee bandwidth is small, or
#: W is dense, see :data:`DENSE_FRACTION`)
EIGEN_MAX_N = 1500
#: a W with more than this share of non-zero entries (inverse distance, economic, nested matrices)
#: is factorised as a dense matrix by every sparse LU, one O(N^3) step per log-determinant, while
#: its eigenvalues cost one such step in all: ``logdet="auto"`` takes the eigenvalues (at N = 2,847
#: an inverse-distance W: 2.6 s per LU log-determinant, 1.8 s for all the eigenvalues)
DENSE_FRACTION = 0.1
BAND_MAX = 400
#: use the banded symmetric eigensolver above this N
BANDED_MIN_N = 100
#: mean row sums of (I - rho W)^-1 of a W that is not row-standardised by batched dense solves up to this N
DENSE_IMPACT_MAX_N = 200
#: truncation error allowed in the power series of the impact traces (``logdet="lu"``: no eigenvalues), and the
#: most powers of W it may take before the eigenvalues are computed instead
SERIES_TOL, SERIES_MAX_POWERS = 1e-13, 400
#: distinct weights matrices kept by :meth:`PanelWeights.shared` (least recently used dropped first),
#: and the most stored non-zeros they may hold together (about 12 bytes each, twice per matrix)
CACHE_SIZE = 12
CACHE_NNZ = 20_000_000
_CACHE = OrderedDict()
#: eigenvector bases (:meth:`PanelWeights.basis`, three N x N arrays each) kept at once: with a matrix per period
#: the oldest is given up and its matrix goes back to banded or dense solves, so that memory stays bounded
BASES_MAX = 2
_BASES = OrderedDict()


def check_size(n, units, what="weights", period=None):
    """Raise :class:`~aicoord.errors.InputError` unless a weights matrix of ``n`` rows has one per unit
    (``what`` and ``period`` name it in the message): the check of a matrix without ids, made by
    :func:`as_matrix` when the engine takes it."""
    if n != len(units):
        which = f"{what} matrix" + ("" if period is None else f" of period {period}")
        raise InputError(f"{which} is {n} x {n} but the panel has {len(units)} units")


#: environment variable naming the folder where the eigenvalues of large dense W are kept for later processes
#: (the workflow sets it to ``.cache/aicoord`` in the study folder: every job of a run then reads the eigenvalues
#: of a county matrix, a dense O(N^3) decomposition of 13 s at N = 2,847, that the first job computed)
CACHE_ENV = "AICOORD_CACHE"
#: the eigenvalues of W are cached on disk from this N on, unless the banded solver computes them
EIGEN_CACHE_MIN_N = 1000


def _eigen_cache_path(pw):
    """``<AICOORD_CACHE>/eigenvalues-v1-<N>-<hash>.npz`` for a W whose eigenvalues take a dense decomposition,
    else None. The hash covers every array the eigenvalues are computed from (W, and the symmetric matrix
    and the diagonal of its similarity transform), so a file is only ever read for the same matrix."""
    folder = os.environ.get(CACHE_ENV)
    if not folder or pw.n < EIGEN_CACHE_MIN_N:
        return None
    if pw._sym is not None and pw.n >= BANDED_MIN_N and pw._bandwidth() <= BAND_MAX:
        return None  # cheap: the banded solver
    h = hashlib.blake2b(digest_size=20)
    parts = [pw.W] + ([pw._sym] if pw._sym is not None else [])
    for m in parts:
        m = sp.csr_matrix(m)
        for a in (np.asarray(m.shape, dtype=np.int64), m.indptr.astype(np.int64), m.indices.astype(np.int64), m.data):
            h.update(np.ascontiguousarray(a).tobytes())
    if pw._d is not None:
        h.update(np.ascontiguousarray(pw._d, dtype=float).tobytes())
    return Path(folder) / f"eigenvalues-v1-{pw.n}-{h.hexdigest()}.npz"


def as_matrix(w, ids=None, what="weights", period=None):
    """Return ``(sparse CSR matrix, ids or None)`` from a libpysal W/Graph, array, sparse or DataFrame.

    This is where the engine checks a matrix against the panel's units, once per matrix it is given: a
    matrix that carries ids (libpysal W or Graph, DataFrame, :class:`aicoord.weights_sparse.Weights`) must
    hold exactly the units ``ids`` (it is permuted to their order, unless it is in that order already, as the
    study's weights are); a bare array or sparse matrix must have one row per unit
    (:func:`check_size`).

    Parameters
    ----------
    w : libpysal.weights.W, libpysal.graph.Graph, numpy.ndarray, scipy.sparse matrix or DataFrame
        The weights.  A DataFrame must be square with unit ids as index and columns.
    ids : sequence, optional
        Unit ids in the order wanted; rows and columns are permuted to match when ``w`` carries ids.
    what, period : str, optional
        Name the matrix (and its period, for a matrix per period) in the messages.

    Returns
    -------
    scipy.sparse.csr_matrix, list or None

    Raises
    ------
    aicoord.errors.InputError
        A matrix that is not square, has missing entries, or does not fit the units ``ids``.
    """
    import pandas as pd

    carried = None
    if hasattr(w, "sparse") and hasattr(w, "id_order"):  # libpysal W
        mat = sp.csr_matrix(w.sparse, dtype=float)
        carried = list(w.id_order)
    elif hasattr(w, "sparse") and hasattr(w, "unique_ids"):  # libpysal Graph
        mat = sp.csr_matrix(w.sparse, dtype=float)
        carried = list(w.unique_ids)
    elif isinstance(w, pd.DataFrame):
        if list(w.index) != list(w.columns):
            raise InputError("weights DataFrame must have the same ids as index and columns")
        mat = sp.csr_matrix(w.to_numpy(dtype=float))
        carried = list(w.index)
    elif sp.issparse(w):
        mat = sp.csr_matrix(w, dtype=float)
    else:
        arr = np.asarray(w, dtype=float)
        if arr.ndim != 2:
            raise InputError("weights must be a square 2-d matrix")
        mat = sp.csr_matrix(arr)
    if mat.shape[0] != mat.shape[1]:
        raise InputError(f"weights matrix is not square: {mat.shape}")
    if not np.all(np.isfinite(mat.data)):
        raise InputError("weights matrix has missing or infinite entries")
    if carried is not None and ids is not None:
        pos = {k: i for i, k in enumerate(carried)}
        missing = [i for i in ids if i not in pos]
        if missing or len(carried) != len(ids):
            wanted = set(ids)
            extra = [k for k in carried if k not in wanted]  # e.g. a province the panel lacks
            raise InputError(
                "weights ids do not match the panel's units ("
                + "; ".join(
                    (
                        [f"{len(missing)} unit(s) of the panel missing from the weights: {_named(missing)}"]
                        if missing
                        else []
                    )
                    + (
                        [f"{len(extra)} unit(s) of the weights missing from the panel: {_named(extra)}"]
                        if extra
                        else []
                    )
                )
                + ")",
                hint="the panel and the matrix must hold the same units: add the missing rows or drop the units "
                "from the matrix",
            )
        if carried != list(ids):
            order = np.array([pos[i] for i in ids])
            mat = mat[order][:, order]
    elif ids is not None:
        check_size(mat.shape[0], ids, what, period)
    mat = mat.tocsr()
    mat.eliminate_zeros()
    mat.sort_indices()
    return mat, carried


def _named(codes, most: int = 5) -> str:
    """Up to ``most`` unit ids, each province code with its short name (``540000 (西藏)``)."""
    from ..provinces import province_table

    try:
        names = province_table().set_index("code")["name_short"].to_dict()
    except Exception:  # pragma: no cover - the names are a courtesy
        names = {}
    shown = [f"{c} ({names[str(c)]})" if str(c) in names else str(c) for c in list(codes)[:most]]
    return ", ".join(shown) + (" ..." if len(codes) > most else "")


def _content_key(mat, standardize, logdet):
    mat = sp.csr_matrix(mat, dtype=float)
    mat.sort_indices()
    h = hashlib.blake2b(digest_size=20)
    for part in (
        np.asarray(mat.shape, dtype=np.int64),
        mat.indptr.astype(np.int64),
        mat.indices.astype(np.int64),
        mat.data,
    ):
        h.update(np.ascontiguousarray(part).tobytes())
    return h.hexdigest(), bool(standardize), str(logdet)


def shared_symmetrizer(mat):
    """:func:`diagonal_symmetrizer` of ``mat``, taken from a :meth:`PanelWeights.shared` instance built from
    this very matrix (any options) when the process holds one, else computed.

    Returns
    -------
    numpy.ndarray or None
    """
    digest = _content_key(mat, True, "auto")[0]
    for (h, _, _), pw in reversed(_CACHE.items()):
        if h == digest:
            return pw.symmetrizer
    return diagonal_symmetrizer(sp.csr_matrix(mat, dtype=float)) if mat.shape[0] else np.ones(0)


def eigen_traces(omega, rhos):
    """``(tr(A)/N, tr(AW)/N)`` per rho from the eigenvalues ``omega`` of W, ``A = (I - rho W)^{-1}``:
    ``mean(1/(1 - rho omega))`` and ``mean(omega/(1 - rho omega))`` (LeSage and Pace 2009, ch. 4.2).

    Parameters
    ----------
    omega : numpy.ndarray
        Eigenvalues of W (real or complex).
    rhos : array-like
        Values of the spatial parameter.

    Returns
    -------
    tuple of numpy.ndarray
        Two real arrays of the length of ``rhos``.
    """
    rhos = np.atleast_1d(np.asarray(rhos, dtype=float))
    den = 1.0 - np.outer(rhos, omega)
    return np.real(np.mean(1.0 / den, axis=1)), np.real(np.mean(omega / den, axis=1))


class PanelWeights:
    """One N x N weights matrix with cached eigenvalues / LU machinery.

    Parameters
    ----------
    mat : scipy.sparse.csr_matrix
        The raw weights (not yet standardised).
    standardize : bool
        Row-standardise (rows summing to zero are left as zero rows, with a check elsewhere).
    logdet : {"auto", "eigen", "lu"}
        Log-determinant method.

    Notes
    -----
    Use :meth:`shared` to get the process-wide instance for a matrix, so that its eigenvalues
    are computed once for every model fitted with it.
    """

    @classmethod
    def shared(cls, mat, standardize=True, logdet="auto"):
        """The instance for ``(mat, standardize, logdet)`` shared by the whole process.

        Instances are kept in a least-recently-used cache of at most :data:`CACHE_SIZE` entries
        and :data:`CACHE_NNZ` stored non-zeros (the last one is always kept), keyed by a hash of
        the matrix's content (shape, sparsity pattern and values), so refits of other models on
        the same weights (specification tests, effects) reuse the eigenvalues, the ordering and
        the bounds computed by the first.
        """
        key = _content_key(mat, standardize, logdet)
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
        pw = cls(mat, standardize, logdet)
        _CACHE[key] = pw
        while len(_CACHE) > 1 and (
            len(_CACHE) > CACHE_SIZE or sum(p.W.nnz + p._sym_nnz for p in _CACHE.values()) > CACHE_NNZ
        ):
            _CACHE.popitem(last=False)
        return pw

    def __init__(self, mat, standardize=True, logdet="auto"):
        n = mat.shape[0]
        self.n = n
        if mat.diagonal().any():
            raise InputError("weights matrix has non-zero diagonal entries (a unit is its own neighbour)")
        rs = np.asarray(mat.sum(axis=1)).ravel()
        self.islands = int(np.sum(rs == 0))
        if standardize:
            inv = np.where(rs > 0, 1.0 / np.where(rs > 0, rs, 1.0), 0.0)
            self.W = sp.csr_matrix(sp.diags(inv) @ mat)
            self.row_standardized = self.islands == 0
        else:
            self.W = mat.tocsr()
            self.row_standardized = bool(np.allclose(rs, 1.0))
        if logdet not in ("auto", "eigen", "lu"):
            raise InputError("logdet must be 'auto', 'eigen' or 'lu'")
        # W = diag(d)^{-1} C with C symmetric, when there is such a C (see diagonal_symmetrizer)
        g = diagonal_symmetrizer(mat) if n else np.ones(0)
        self.symmetrizer = g  #: diagonal_symmetrizer(mat) of the matrix as given (see shared_symmetrizer)
        if g is not None:
            c = sp.csr_matrix(sp.diags(g) @ mat)
            self._sym = ((c + c.T) / 2).tocsr()
            self._d = np.where(rs > 0, g * rs, 1.0) if standardize else g
        else:
            self._sym, self._d = None, None
        self._sym_nnz = 0 if self._sym is None else self._sym.nnz
        if logdet == "auto":
            dense = mat.nnz > DENSE_FRACTION * n * n
            cheap = dense or (self._sym is not None and self._bandwidth() <= BAND_MAX)
            self.method = "eigen" if (n <= EIGEN_MAX_N or cheap) else "lu"
        else:
            self.method = logdet
        self._eig = None
        self.eig_kind = None
        self._bounds = None
        self._powers = None

    def _symmetric_similar(self):
        d = 1.0 / np.sqrt(self._d)
        return sp.csr_matrix(sp.diags(d) @ self._sym @ sp.diags(d))

    def _bandwidth(self):
        from scipy.sparse.csgraph import reverse_cuthill_mckee

        if getattr(self, "_perm", None) is None:
            self._perm = reverse_cuthill_mckee(sp.csr_matrix(self._sym), symmetric_mode=True)
            c = self._sym.tocsr()[self._perm][:, self._perm].tocoo()
            self._bw = int(np.max(np.abs(c.row - c.col))) if c.nnz else 0
        return self._bw

    @staticmethod
    def _eigvalsh_sparse(s, perm, bw):
        """Eigenvalues of a sparse symmetric matrix: banded solver after RCM reordering."""
        from scipy.linalg import eig_banded

        return np.sort(eig_banded(lower_banded(s[perm][:, perm], bw), lower=True, eigvals_only=True))

    # ------------------------------------------------------------------ eigenvalues
    @property
    def eigenvalues(self):
        """Eigenvalues of W (real array when W is similar to a symmetric matrix, else complex);
        computed once per instance."""
        if self._eig is None:
            self._eig, self.eig_kind = self._compute_eigenvalues()
        return self._eig

    def _compute_eigenvalues(self):
        """``(eigenvalues, kind)``; the dense decompositions of a large W are read from and written to the
        cache folder when the environment names one (:func:`_eigen_cache_path`)."""
        path = _eigen_cache_path(self)
        if path is not None and path.exists():
            try:
                with np.load(path, allow_pickle=False) as z:
                    if z["ev"].shape == (self.n,):
                        return z["ev"], str(z["kind"])
            except Exception:  # a partial or foreign file: recomputed and written again
                pass
        ev, kind = self._eigenvalues_now()
        if path is not None:
            from ..io import atomic_path

            with atomic_path(path) as tmp, open(tmp, "wb") as f:
                np.savez(f, ev=ev, kind=np.array(kind))
        return ev, kind

    def _eigenvalues_now(self):
        if self._sym is not None:
            s = self._symmetric_similar()
            if self.n >= BANDED_MIN_N and self._bandwidth() <= BAND_MAX:
                return self._eigvalsh_sparse(s, self._perm, self._bw), "symmetric-similar"
            return np.linalg.eigvalsh(s.toarray()), "symmetric-similar"
        if abs(self.W - self.W.T).max() < 1e-12:
            return np.linalg.eigvalsh(self.W.toarray()), "symmetric"
        ev = np.linalg.eigvals(self.W.toarray())
        if np.max(np.abs(ev.imag)) < 1e-10:
            ev = ev.real
        return ev, "general"

    def bounds(self):
        """Open interval of admissible spatial parameters, ``(1/omega_min, 1/omega_max)``."""
        if self._bounds is None:
            self._bounds = self._compute_bounds()
        return self._bounds

    def _compute_bounds(self):
        if self.method == "eigen":
            ev = self.eigenvalues
            re = np.real(ev[np.abs(np.imag(ev)) < 1e-10]) if np.iscomplexobj(ev) else ev
            lo, hi = 1.0 / re.min(), 1.0 / re.max()
            return lo, hi
        if self.row_standardized:
            try:
                wmin = spla.eigs(self.W, k=1, which="SR", return_eigenvectors=False, tol=1e-6)
                return 1.0 / float(np.real(wmin[0])), 1.0
            except Exception:  # pragma: no cover - fallback
                return -1.0, 1.0
        wmax = spla.eigs(self.W, k=1, which="LR", return_eigenvectors=False, tol=1e-6)
        wmin = spla.eigs(self.W, k=1, which="SR", return_eigenvectors=False, tol=1e-6)
        return 1.0 / float(np.real(wmin[0])), 1.0 / float(np.real(wmax[0]))

    def logdet(self, rho):
        """``log|I - rho W|``."""
        if self.method == "eigen":
            ev = self.eigenvalues
            return float(np.sum(np.log(np.abs(1.0 - rho * ev))))
        lu = spla.splu(sp.identity(self.n, format="csc") - rho * self.W.tocsc())
        return float(np.sum(np.log(np.abs(lu.U.diagonal()))))

    # ------------------------------------------------------------------ traces for impacts
    def impact_traces(self, rhos):
        """Mean diagonal of ``A = (I - rho W)^{-1}`` and ``A W`` and mean row sum of A, AW, per rho.

        Returns
        -------
        tuple of numpy.ndarray
            ``(tr(A)/N, tr(AW)/N, 1'A1/N, 1'AW1/N)`` each of the length of ``rhos``.
        """
        rhos = np.atleast_1d(np.asarray(rhos, dtype=float))
        series = self._series_traces(rhos) if self.method == "lu" and self._eig is None else None
        if series is not None:
            a1, a2 = series
        else:
            a1, a2 = eigen_traces(self.eigenvalues, rhos)
        if self.row_standardized:
            t1 = 1.0 / (1.0 - rhos)
            t2 = 1.0 / (1.0 - rhos)
        elif self.n <= DENSE_IMPACT_MAX_N:  # small W (e.g. a period's sub-matrix): batched dense solves
            w = self.W.toarray()
            rhs = np.column_stack([np.ones(self.n), w.sum(axis=1)])
            t1 = np.empty_like(rhos)
            t2 = np.empty_like(rhos)
            step = max(1, 4_000_000 // self.n**2)
            for s0 in range(0, len(rhos), step):
                r = rhos[s0 : s0 + step]
                a = np.eye(self.n)[None] - r[:, None, None] * w[None]
                sol = np.linalg.solve(a, np.broadcast_to(rhs, (len(r),) + rhs.shape))
                t1[s0 : s0 + step] = sol[:, :, 0].mean(axis=1)
                t2[s0 : s0 + step] = sol[:, :, 1].mean(axis=1)
        else:
            one = np.ones(self.n)
            w1 = self.W @ one
            t1 = np.empty_like(rhos)
            t2 = np.empty_like(rhos)
            eye = sp.identity(self.n, format="csc")
            for i, r in enumerate(rhos):
                lu = spla.splu(eye - r * self.W.tocsc())
                t1[i] = lu.solve(one).mean()
                t2[i] = lu.solve(w1).mean()
        return a1, a2, t1, t2

    def _series_traces(self, rhos):
        """``(tr(A)/N, tr(AW)/N)`` per rho from ``A = sum_j rho^j W^j`` and exact ``tr(W^j)`` (:meth:`power_traces`),
        or ``None`` when the series would need more than :data:`SERIES_MAX_POWERS` terms.

        The path of a large W without cheap eigenvalues (``method="lu"``): a dense eigen-decomposition of an
        asymmetric W (a k-nearest-neighbour matrix) of N = 3,000 took most of a two-minute fit.  With
        ``g = ||W||_inf`` (1 when row-standardised), ``|tr(W^j)|/N <= g^j``, so ``m`` terms leave at most
        ``q^(m+1) / (1 - q)``, ``q = g max|rho|``; ``m`` is chosen to make that below :data:`SERIES_TOL`.
        """
        g = float(abs(self.W).sum(axis=1).max()) if self.W.nnz else 0.0
        q = g * float(np.max(np.abs(rhos))) if len(rhos) else 0.0
        if q >= 1.0:
            return None
        m = 1 if q == 0.0 else int(np.ceil(np.log(SERIES_TOL * (1.0 - q) / max(g, 1.0)) / np.log(q)))
        if m > SERIES_MAX_POWERS:
            return None
        t = self.power_traces(m + 1)
        powers = rhos[:, None] ** np.arange(m + 1)[None, :]
        return powers @ t[: m + 1], powers @ t[1 : m + 2]

    def power_traces(self, m):
        """``tr(W^j) / N`` for ``j = 0, ..., m``, exact: ``W^j`` applied to blocks of unit vectors (``m`` sparse
        products with an N x B block per block of B columns), kept for later calls."""
        if self._powers is not None and len(self._powers) > m:
            return self._powers[: m + 1]
        n = self.n
        t = np.zeros(m + 1)
        t[0] = float(n)
        w = self.W.tocsr()
        width = max(1, min(n, 4_000_000 // max(n, 1)))
        for s0 in range(0, n, width):
            cols = np.arange(s0, min(n, s0 + width))
            at = (cols, np.arange(len(cols)))
            x = np.zeros((n, len(cols)))
            x[at] = 1.0
            for j in range(1, m + 1):
                x = w @ x
                t[j] += x[at].sum()
        self._powers = t / n
        return self._powers

    # ------------------------------------------------------------------ information-matrix traces
    def info_traces(self, rho, project=False, diagonal=False):
        """``tr(B)``, ``tr(BB)``, ``tr(B'B)`` with ``B = W (I - rho W)^{-1}``, and with ``diagonal`` also its diagonal.

        With ``project=True`` B is replaced by ``M B M``, ``M = I - 11'/N`` (the Lee-Yu two-way
        transformation removes the eigenvalue-one direction of a row-standardised W). From
        :data:`~aicoord.panel.spectral.SPECTRAL_MIN_N` units on, a W similar to a symmetric matrix takes the
        banded path (its first :data:`~aicoord.panel.spectral.BANDED_CALLS` requests, when its band is narrow) or
        its eigenvector basis (:mod:`aicoord.panel.spectral`) instead of a dense solve.
        """
        banded = self._sym is not None and self.n >= BANDED_MIN_N and self._bandwidth() <= BAND_MAX
        if self.n >= SPECTRAL_MIN_N and self._sym is not None:
            evicted = getattr(self, "_basis_evicted", False)  # its basis given up for other matrices' (BASES_MAX)
            self._trace_calls = getattr(self, "_trace_calls", 0) + 1
            if banded and (evicted or (self._trace_calls <= BANDED_CALLS and getattr(self, "_basis", None) is None)):
                return self._info_traces_banded(rho, project, diagonal)
            if not evicted:
                return self.basis().traces(rho, project, diagonal)
        elif banded and not (project or diagonal):
            return self._info_traces_banded(rho, project, diagonal)
        # B = W (I - rho W)^{-1} = (I - rho W)^{-1} W
        if self._dense_general():  # the LU that solve() at this rho uses too
            from scipy.linalg import lu_solve

            b = lu_solve(self._dense_lu(rho), self._dense_w(), check_finite=False)
        elif self.method == "lu":  # a large W: sparse LU of I - rho W (N solves), not a dense O(N^3) factorisation
            b = spla.splu((sp.identity(self.n, format="csc") - rho * self.W).tocsc()).solve(self.W.toarray())
        else:
            w = self.W.toarray()
            a = -rho * w
            a[np.diag_indices_from(a)] += 1.0
            b = np.linalg.solve(a, w)
            del a, w
        if project:  # in place: no N x N temporaries beside b
            b -= b.mean(axis=0, keepdims=True)
            b -= b.mean(axis=1, keepdims=True)
        out = (float(np.trace(b)), float(np.sum(b * b.T)), float(np.sum(b * b)))
        return (*out, np.diag(b).copy()) if diagonal else out

    def basis(self):
        """The :class:`~aicoord.panel.spectral.EigenBasis` of a symmetric-similar W (computed once)."""
        if getattr(self, "_basis", None) is None:
            self._basis = EigenBasis(self._symmetric_similar().toarray(), self._d)
            _BASES[id(self)] = self
            while len(_BASES) > BASES_MAX:  # a matrix per period: the oldest basis goes, its matrix solves again
                old = _BASES.pop(next(iter(_BASES)))
                old._basis, old._basis_evicted = None, True
        return self._basis

    def _info_traces_banded(self, rho, project=False, diagonal=False):
        """:func:`~aicoord.panel.spectral.banded_traces` of this W."""
        return banded_traces(self, rho, project, diagonal)

    def lag(self, x):
        """``W x`` (x: N or N x k); a dense W of :data:`~aicoord.panel.spectral.SPECTRAL_MIN_N` units or more is
        multiplied as a dense array (kept), not as a sparse matrix of N^2 stored entries."""
        if self.n >= SPECTRAL_MIN_N and self.W.nnz > DENSE_FRACTION * self.n**2:
            return self._dense_w() @ x
        return self.W @ x

    def _dense_w(self):
        """W as a dense array, made once (read-only: the products and solves share it)."""
        if getattr(self, "_dense", None) is None:
            self._dense = self.W.toarray()
            self._dense.setflags(write=False)
        return self._dense

    def _dense_big(self):
        return self.n >= SPECTRAL_MIN_N and self.W.nnz > DENSE_FRACTION * self.n**2

    def _dense_general(self):
        """A dense W of :data:`~aicoord.panel.spectral.SPECTRAL_MIN_N` units or more without an eigenvector basis (not
        similar to a symmetric matrix, as a nested matrix, or its basis given up for others'): its solves share a
        dense LU (a sparse LU would fill in completely)."""
        return self._dense_big() and (self._sym is None or getattr(self, "_basis_evicted", False))

    def _dense_lu(self, rho):
        """``scipy.linalg.lu_factor`` of ``I - rho W``, kept for the last rho (a fit's solve and traces share it)."""
        from scipy.linalg import lu_factor

        memo = getattr(self, "_lu_memo", None)
        if memo is None or memo[0] != rho:
            a = -rho * self._dense_w()
            a[np.diag_indices_from(a)] += 1.0
            self._lu_memo = memo = (rho, lu_factor(a, overwrite_a=True, check_finite=False))
        return memo[1]

    def solve(self, rho, rhs):
        """Solve ``(I - rho W) z = rhs`` (rhs N or N x k). A dense W of :data:`~aicoord.panel.spectral.SPECTRAL_MIN_N`
        units or more is solved through its eigenvector basis (symmetric-similar) or a dense LU, else a sparse LU."""
        if self._dense_big() and self._sym is not None and not getattr(self, "_basis_evicted", False):
            return self.basis().solve(rho, rhs)
        if self._dense_general():
            from scipy.linalg import lu_solve

            return lu_solve(self._dense_lu(rho), np.asarray(rhs, dtype=float), check_finite=False)
        lu = spla.splu(sp.identity(self.n, format="csc") - rho * self.W.tocsc())
        return lu.solve(np.asarray(rhs, dtype=float))
