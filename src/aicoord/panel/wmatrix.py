"""Spatial weights for the panel engine: alignment, row standardisation, log-determinants, traces.

The log-Jacobian ``log|I - rho W|`` is computed from eigenvalues for small N and from a sparse LU
factorisation (``scipy.sparse.linalg.splu``) for large N.  For a row-standardised W that came from
a symmetric matrix ``C`` (``W = D^{-1} C``) the eigenvalues are those of the similar symmetric
matrix ``D^{-1/2} C D^{-1/2}`` and are real; otherwise complex eigenvalues are used.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..errors import InputError

__all__ = ["PanelWeights", "as_matrix"]

#: above this N the sparse LU log-determinant is used when ``logdet="auto"`` (unless the
#: eigenvalues are cheap: a symmetric-similar W whose reverse Cuthill-McKee bandwidth is small)
EIGEN_MAX_N = 1500
BAND_MAX = 400
#: use the banded symmetric eigensolver above this N
BANDED_MIN_N = 100
#: mean row sums of (I - rho W)^-1 of a W that is not row-standardised by batched dense solves up to this N
DENSE_IMPACT_MAX_N = 200


def _lower_banded(c, bw):
    """LAPACK lower banded storage (``bw + 1`` rows) of a symmetric sparse matrix ``c`` of bandwidth ``bw``."""
    c = c.tocoo()
    low = c.row >= c.col
    ab = np.zeros((bw + 1, c.shape[0]))
    ab[(c.row - c.col)[low], c.col[low]] = c.data[low]
    return ab


def as_matrix(w, ids=None):
    """Return ``(sparse CSR matrix, ids or None)`` from a libpysal W/Graph, array, sparse or DataFrame.

    Parameters
    ----------
    w : libpysal.weights.W, libpysal.graph.Graph, numpy.ndarray, scipy.sparse matrix or DataFrame
        The weights.  A DataFrame must be square with unit ids as index and columns.
    ids : sequence, optional
        Unit ids in the order wanted; rows and columns are permuted to match when ``w`` carries ids.

    Returns
    -------
    scipy.sparse.csr_matrix, list or None
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
            raise InputError(
                f"weights ids do not match the panel's units (missing from weights: {missing[:5]})"
            )
        order = np.array([pos[i] for i in ids])
        mat = mat[order][:, order]
    mat.eliminate_zeros()
    return mat.tocsr(), carried


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
    """

    def __init__(self, mat, standardize=True, logdet="auto"):
        n = mat.shape[0]
        self.n = n
        if mat.diagonal().any():
            raise InputError("weights matrix has non-zero diagonal entries (a unit is its own neighbour)")
        rs = np.asarray(mat.sum(axis=1)).ravel()
        self.islands = int(np.sum(rs == 0))
        raw_symmetric = abs(mat - mat.T).max() < 1e-12 if n else True
        if standardize:
            inv = np.where(rs > 0, 1.0 / np.where(rs > 0, rs, 1.0), 0.0)
            self.W = sp.csr_matrix(sp.diags(inv) @ mat)
            self.row_standardized = self.islands == 0
        else:
            self.W = mat.tocsr()
            self.row_standardized = bool(np.allclose(rs, 1.0))
        if logdet not in ("auto", "eigen", "lu"):
            raise InputError("logdet must be 'auto', 'eigen' or 'lu'")
        self._sym_raw = mat if (standardize and raw_symmetric) else None
        self._rs = rs
        if logdet == "auto":
            cheap = self.islands == 0 and self._sym_raw is not None and self._bandwidth() <= BAND_MAX
            self.method = "eigen" if (n <= EIGEN_MAX_N or cheap) else "lu"
        else:
            self.method = logdet
        self._eig = None
        self.eig_kind = None
        self._dense = None

    def _symmetric_similar(self):
        d = 1.0 / np.sqrt(self._rs)
        return sp.csr_matrix(sp.diags(d) @ self._sym_raw @ sp.diags(d))

    def _bandwidth(self):
        from scipy.sparse.csgraph import reverse_cuthill_mckee

        if getattr(self, "_perm", None) is None:
            self._perm = reverse_cuthill_mckee(sp.csr_matrix(self._sym_raw), symmetric_mode=True)
            c = self._sym_raw.tocsr()[self._perm][:, self._perm].tocoo()
            self._bw = int(np.max(np.abs(c.row - c.col))) if c.nnz else 0
        return self._bw

    @staticmethod
    def _eigvalsh_sparse(s, perm, bw):
        """Eigenvalues of a sparse symmetric matrix: banded solver after RCM reordering."""
        from scipy.linalg import eig_banded

        return np.sort(eig_banded(_lower_banded(s[perm][:, perm], bw), lower=True, eigvals_only=True))

    # ------------------------------------------------------------------ eigenvalues
    @property
    def eigenvalues(self):
        """Eigenvalues of W (real array when W is similar to a symmetric matrix, else complex)."""
        if self._eig is None:
            if self._sym_raw is not None and self.islands == 0:
                s = self._symmetric_similar()
                if self.n >= BANDED_MIN_N and self._bandwidth() <= BAND_MAX:
                    self._eig = self._eigvalsh_sparse(s, self._perm, self._bw)
                else:
                    self._eig = np.linalg.eigvalsh(s.toarray())
                self.eig_kind = "symmetric-similar"
            elif abs(self.W - self.W.T).max() < 1e-12:
                self._eig = np.linalg.eigvalsh(self.W.toarray())
                self.eig_kind = "symmetric"
            else:
                ev = np.linalg.eigvals(self.W.toarray())
                if np.max(np.abs(ev.imag)) < 1e-10:
                    ev = ev.real
                self._eig = ev
                self.eig_kind = "general"
        return self._eig

    def bounds(self):
        """Open interval of admissible spatial parameters, ``(1/omega_min, 1/omega_max)``."""
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
        ev = self.eigenvalues
        den = 1.0 - np.outer(rhos, ev)
        a1 = np.real(np.mean(1.0 / den, axis=1))
        a2 = np.real(np.mean(ev / den, axis=1))
        if self.row_standardized:
            t1 = 1.0 / (1.0 - rhos)
            t2 = 1.0 / (1.0 - rhos)
        elif self.n <= DENSE_IMPACT_MAX_N:  # small W (e.g. a period's sub-matrix): batched dense solves
            w = self.W.toarray()
            rhs = np.column_stack([np.ones(self.n), w.sum(axis=1)])
            t1 = np.empty_like(rhos)
            t2 = np.empty_like(rhos)
            step = max(1, 4_000_000 // self.n ** 2)
            for s0 in range(0, len(rhos), step):
                r = rhos[s0:s0 + step]
                a = np.eye(self.n)[None] - r[:, None, None] * w[None]
                sol = np.linalg.solve(a, np.broadcast_to(rhs, (len(r),) + rhs.shape))
                t1[s0:s0 + step] = sol[:, :, 0].mean(axis=1)
                t2[s0:s0 + step] = sol[:, :, 1].mean(axis=1)
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

    # ------------------------------------------------------------------ information-matrix traces
    def info_traces(self, rho, project=False):
        """``tr(B)``, ``tr(BB)``, ``tr(B'B)`` with ``B = W (I - rho W)^{-1}``.

        With ``project=True`` B is replaced by ``M B M``, ``M = I - 11'/N`` (the Lee-Yu two-way
        transformation removes the eigenvalue-one direction of a row-standardised W).
        """
        if (not project and self._sym_raw is not None and self.islands == 0
                and self.n >= BANDED_MIN_N and self._bandwidth() <= BAND_MAX):
            return self._info_traces_banded(rho)
        w = self.W.toarray()
        # B = W (I - rho W)^{-1} = (I - rho W)^{-1} W
        a = -rho * w
        a[np.diag_indices_from(a)] += 1.0
        b = np.linalg.solve(a, w)
        del a, w
        if project:
            b = b - b.mean(axis=0, keepdims=True)
            b = b - b.mean(axis=1, keepdims=True)
        return float(np.trace(b)), float(np.sum(b * b.T)), float(np.sum(b * b))

    def _info_traces_banded(self, rho):
        """Same traces for ``W = D^{-1} C`` with C symmetric, via ``S = D^{-1/2} C D^{-1/2}``:
        ``B = D^{-1/2} M D^{1/2}`` with ``M = (I - rho S)^{-1} S`` symmetric, so ``tr B`` and
        ``tr BB`` follow from the eigenvalues and ``tr B'B = sum_ij M_ij^2 d_j / d_i``; M comes from
        a banded Cholesky factorisation of ``I - rho S`` (positive definite inside the bounds)."""
        from scipy.linalg import cho_solve_banded, cholesky_banded

        ev = self.eigenvalues
        f = ev / (1.0 - rho * ev)
        perm, bw = self._perm, self._bw
        s = self._symmetric_similar()[perm][:, perm]
        chol = cholesky_banded(_lower_banded(sp.identity(self.n) - rho * s, bw), lower=True)
        r = self._rs[perm]
        rhs = s.toarray()

        def part(cols):
            m = cho_solve_banded((chol, True), rhs[:, cols])
            return float(np.einsum("ij,ij,j,i->", m, m, r[cols], 1.0 / r))

        # LAPACK releases the GIL: solve column blocks in parallel threads
        import os
        from concurrent.futures import ThreadPoolExecutor

        nthreads = max(1, min(4, os.cpu_count() or 1))
        blocks = np.array_split(np.arange(self.n), nthreads)
        with ThreadPoolExecutor(nthreads) as ex:
            trbtb = float(sum(ex.map(part, blocks)))
        return float(f.sum()), float((f * f).sum()), trbtb

    def solve(self, rho, rhs):
        """Solve ``(I - rho W) z = rhs`` (rhs N or N x k)."""
        lu = spla.splu(sp.identity(self.n, format="csc") - rho * self.W.tocsc())
        return lu.solve(np.asarray(rhs, dtype=float))
