"""Information traces and solves of a large weights matrix without an N x N solve per spatial parameter.

The information matrix of a spatial lag or error model needs, at the estimate of the spatial parameter,
``tr G``, ``tr GG`` and ``tr G'G`` with ``G = W (I - rho W)^{-1}`` (Lee 2004; Elhorst 2014, ch. 3),
the dynamic model also the diagonal of ``G`` (Yu, de Jong and Lee 2008, Theorem 2), and with the
Lee-Yu two-way transformation each of them for ``J G J``, ``J = I - 11'/N``. A dense solve gives them in
O(N^3) each time; a county study asks for them several hundred times.

When ``W = D^{-1} C`` with ``C`` symmetric (a symmetric matrix, row-standardised or not: contiguity,
inverse distance, economic distance), ``W = D^{-1/2} S D^{1/2}`` with ``S`` symmetric. One eigen-decomposition
``S = V diag(omega) V'`` then gives, for ``f = omega / (1 - rho omega)`` and ``M = V diag(f) V'``
(``G = D^{-1/2} M D^{1/2}``):

* ``tr G = sum f``, ``tr GG = sum f^2``;
* ``tr G'G = sum_ij M_ij^2 d_j / d_i = f' H f`` with ``H = (V' D^{-1} V) o (V' D V)`` (``o``: elementwise), so
  that every later ``rho`` costs O(N^2);
* ``diag G = diag M = (V o V) f``; ``G 1`` and ``G' 1`` by two products with ``V``;
* the two-way forms from those: with ``a = G 1``, ``b = G' 1``, ``s = 1'a``,
  ``tr JGJ = tr G - s/N``, ``tr (JGJ)^2 = tr GG - 2 b'a/N + s^2/N^2``,
  ``tr (JGJ)'(JGJ) = tr G'G - (a'a + b'b)/N + s^2/N^2`` and
  ``diag JGJ = diag G - (a + b)/N + s/N^2``.

:class:`PanelWeights` uses this basis from :data:`SPECTRAL_MIN_N` units on for such a W when its reverse
Cuthill-McKee bandwidth is too wide for the banded path (a dense inverse-distance or economic matrix), or when a
banded W has answered :data:`BANDED_CALLS` requests already, and :func:`project_traces` for the two-way forms of
the banded path. Below that size a dense solve takes a
fraction of a second and stays the method, so that smaller studies' results are unchanged to the last bit.
The traces agree with the dense solve to rounding (``tests/panel/test_spectral.py``).
"""

from __future__ import annotations

import os

import numpy as np
import scipy.sparse as sp

__all__ = ["BANDED_CALLS", "SPECTRAL_MIN_N", "EigenBasis", "banded_traces", "lower_banded", "project_traces"]

#: from this many units on, the eigenvector basis (or the banded path) replaces the dense solves of the
#: information traces, the dynamic model's diagonal of G and the solves with ``I - rho W`` of a dense W
SPECTRAL_MIN_N = 1000
#: a W with a narrow band answers its first requests for traces by banded Cholesky solves (about a second each
#: at N = 2,847), the later ones from its eigenvector basis (a decomposition of several seconds, once, then
#: milliseconds per request): a job that fits many models on one matrix (a robustness variant: about 45
#: requests) pays the decomposition once, a job with a few fits never
BANDED_CALLS = 6


def lower_banded(c, bw):
    """LAPACK lower banded storage (``bw + 1`` rows) of a symmetric sparse matrix ``c`` of bandwidth ``bw``."""
    c = c.tocoo()
    low = c.row >= c.col
    ab = np.zeros((bw + 1, c.shape[0]))
    ab[(c.row - c.col)[low], c.col[low]] = c.data[low]
    return ab


def project_traces(n, traces, a, b, diagonal=None):
    """The traces of ``J G J`` (``J = I - 11'/n``) from those of ``G``.

    Parameters
    ----------
    n : int
        Number of units.
    traces : tuple of float
        ``(tr G, tr GG, tr G'G)``.
    a, b : numpy.ndarray
        ``G 1`` and ``G' 1``.
    diagonal : numpy.ndarray, optional
        The diagonal of ``G``; returned for ``J G J`` when given.

    Returns
    -------
    tuple
        ``(tr JGJ, tr (JGJ)^2, tr (JGJ)'(JGJ))``, and the diagonal of ``JGJ`` (or None).
    """
    tr, trgg, trgtg = traces
    s = float(a.sum())
    out = (
        tr - s / n,
        trgg - 2.0 * float(b @ a) / n + s * s / n**2,
        trgtg - (float(a @ a) + float(b @ b)) / n + s * s / n**2,
    )
    dg = None if diagonal is None else diagonal - (a + b) / n + s / n**2
    return out, dg


class EigenBasis:
    """The eigen-decomposition of a symmetric-similar weights matrix, ``W = D^{-1/2} V diag(omega) V' D^{1/2}``.

    Parameters
    ----------
    s : numpy.ndarray
        The dense symmetric matrix ``S = D^{-1/2} C D^{-1/2}`` similar to W.
    d : numpy.ndarray
        The positive diagonal ``D`` of ``W = D^{-1} C``.

    Notes
    -----
    Holds ``V`` and ``V o V`` (two N x N arrays, 65 MB each at N = 2,847) and, once :meth:`traces` is first
    called, ``H`` (a third). One instance per matrix and process: :meth:`PanelWeights.basis`.
    """

    def __init__(self, s, d):
        self.omega, self.v = np.linalg.eigh(s)
        self.n = len(self.omega)
        self.sq = np.sqrt(np.asarray(d, dtype=float))
        self.v2 = self.v * self.v
        self.p = self.v.T @ self.sq  # V' D^{1/2} 1
        self.q = self.v.T @ (1.0 / self.sq)  # V' D^{-1/2} 1
        self._h = None

    def h(self):
        """``H = (V' D^{-1} V) o (V' D V)``, so that ``tr G'G = f' H f`` (computed once)."""
        if self._h is None:
            d = self.sq**2
            left = self.v.T @ (self.v / d[:, None])
            left *= self.v.T @ (self.v * d[:, None])
            self._h = left
        return self._h

    def traces(self, rho, project=False, diagonal=False):
        """``(tr G, tr GG, tr G'G)`` of ``G = W (I - rho W)^{-1}`` (of ``JGJ`` with ``project``), and its diagonal.

        Parameters
        ----------
        rho : float
            The spatial parameter, inside the bounds.
        project : bool
            The two-way (Lee-Yu) forms of ``J G J``.
        diagonal : bool
            Also return the diagonal.

        Returns
        -------
        tuple
            Three floats, and the diagonal (numpy.ndarray) with ``diagonal=True``.
        """
        f = self.omega / (1.0 - rho * self.omega)
        traces = (float(f.sum()), float(f @ f), float(f @ self.h() @ f))
        dg = self.v2 @ f if diagonal else None
        if project:
            a = (self.v @ (f * self.p)) / self.sq
            b = (self.v @ (f * self.q)) * self.sq
            traces, dg = project_traces(self.n, traces, a, b, dg)
        return (*traces, dg) if diagonal else traces

    def solve(self, rho, rhs):
        """Solve ``(I - rho W) z = rhs`` (``rhs``: N or N x k) through the basis: O(N^2 k)."""
        rhs = np.asarray(rhs, dtype=float)
        scale = self.sq if rhs.ndim == 1 else self.sq[:, None]
        g = 1.0 / (1.0 - rho * self.omega)
        c = self.v.T @ (rhs * scale)
        c *= g if rhs.ndim == 1 else g[:, None]
        return (self.v @ c) / scale


def banded_traces(pw, rho, project=False, diagonal=False):
    """``(tr B, tr BB, tr B'B)`` of ``B = W (I - rho W)^{-1}`` (of ``J B J`` with ``project``; and the diagonal
    with ``diagonal``) for the :class:`~aicoord.panel.wmatrix.PanelWeights` ``pw`` of a banded
    ``W = D^{-1} C`` with C symmetric, via ``S = D^{-1/2} C D^{-1/2}``:
    ``B = D^{-1/2} M D^{1/2}`` with ``M = (I - rho S)^{-1} S`` symmetric, so ``tr B`` and
    ``tr BB`` follow from the eigenvalues and ``tr B'B = sum_ij M_ij^2 d_j / d_i``; M comes from
    a banded Cholesky factorisation of ``I - rho S`` (positive definite inside the bounds). The
    diagonal of B is that of M; ``B 1`` and ``B' 1`` (for the two-way forms, :func:`project_traces`) are
    ``D^{-1/2} M D^{1/2} 1`` and ``D^{1/2} M D^{-1/2} 1``."""
    from scipy.linalg import cho_solve_banded, cholesky_banded

    ev = pw.eigenvalues
    f = ev / (1.0 - rho * ev)
    perm, bw = pw._perm, pw._bw
    s = pw._symmetric_similar()[perm][:, perm]
    chol = cholesky_banded(lower_banded(sp.identity(pw.n) - rho * s, bw), lower=True)
    r = pw._d[perm]
    sq = np.sqrt(r)
    rhs = s.toarray()
    extra = project or diagonal

    def part(cols):
        m = cho_solve_banded((chol, True), rhs[:, cols])
        t = float(np.einsum("ij,ij,j,i->", m, m, r[cols], 1.0 / r))
        if not extra:
            return t, None, None, None
        return t, m[cols, np.arange(len(cols))], m @ sq[cols], m @ (1.0 / sq[cols])

    # LAPACK releases the GIL: solve column blocks in parallel threads
    from concurrent.futures import ThreadPoolExecutor

    nthreads = max(1, min(4, os.cpu_count() or 1))
    blocks = np.array_split(np.arange(pw.n), nthreads)
    with ThreadPoolExecutor(nthreads) as ex:
        parts = list(ex.map(part, blocks))
    out = (float(f.sum()), float((f * f).sum()), float(sum(p[0] for p in parts)))
    if not extra:
        return out
    inv = np.empty_like(perm)
    inv[perm] = np.arange(pw.n)
    dg = np.concatenate([p[1] for p in parts])[inv]
    a = (sum(p[2] for p in parts) / sq)[inv]
    b = (sum(p[3] for p in parts) * sq)[inv]
    if project:
        out, dg = project_traces(pw.n, out, a, b, dg)
    return (*out, dg) if diagonal else out
