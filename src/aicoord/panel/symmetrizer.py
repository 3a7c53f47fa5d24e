"""The diagonal similarity that makes a weights matrix symmetric: positive weights ``g`` with ``diag(g) W``
symmetric, when they exist (a symmetric W, a row-standardised symmetric one, any such rescaling). The engine
(:mod:`aicoord.panel.wmatrix`) then takes the eigenvalues and traces of W from a symmetric matrix."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

__all__ = ["diagonal_symmetrizer", "SIMILAR_RTOL", "DENSE_LINKS"]

#: largest relative asymmetry ``|c_ij - c_ji| / max(c_ij, c_ji)`` of ``C = diag(g) W`` accepted by
#: :func:`diagonal_symmetrizer`: weights written with six decimals (entries down to 0.01) pass, a
#: matrix that is asymmetric by design does not
SIMILAR_RTOL = 1e-4
#: :func:`diagonal_symmetrizer` solves the least-squares problem up to this many links per unit, beyond
#: it (dense matrices) it follows a spanning tree
DENSE_LINKS = 64


def diagonal_symmetrizer(mat, rtol=SIMILAR_RTOL):
    """Positive weights ``g`` such that ``diag(g) mat`` is symmetric, or ``None``.

    Such a ``g`` exists exactly when ``mat = D^{-1} C`` with ``C`` symmetric and ``D`` a positive
    diagonal: a symmetric matrix (``g = 1``), a row-standardised symmetric one (``g`` proportional
    to the row sums of ``C``), or any such rescaling.  ``log g`` is the least-squares solution of
    ``log g_i - log g_j = log m_ji - log m_ij`` over the links (one equation per pair, a grounded
    graph Laplacian per connected component), so rounding in the weights (e.g. written with six
    decimals) does not accumulate along paths.

    Parameters
    ----------
    mat : scipy.sparse matrix
        Square weights with a zero diagonal.
    rtol : float
        Largest accepted relative asymmetry of ``diag(g) mat`` on any link
        (:data:`SIMILAR_RTOL`).

    Returns
    -------
    numpy.ndarray or None
        ``g`` (scaled arbitrarily within each connected component; 1 for units without links),
        or ``None`` when the sparsity pattern is not symmetric, a weight is negative or the
        relative asymmetry exceeds ``rtol``.
    """
    from scipy.sparse.csgraph import connected_components

    a = sp.csr_matrix(mat, dtype=float)
    a.eliminate_zeros()
    n = a.shape[0]
    at = a.T.tocsr()
    if a.nnz == 0 or abs(a - at).max() <= 1e-12 * abs(a).max():
        return np.ones(n)
    if (a.data < 0).any():
        return None
    upper = sp.triu(a, 1, format="csr")
    lower_t = sp.triu(at, 1, format="csr")  # m_ji on the same (i < j) positions, when the pattern is symmetric
    upper.sort_indices()
    lower_t.sort_indices()
    if (
        2 * upper.nnz != a.nnz
        or upper.nnz != lower_t.nnz
        or not np.array_equal(upper.indptr, lower_t.indptr)
        or not np.array_equal(upper.indices, lower_t.indices)
    ):
        return None
    i = np.repeat(np.arange(n), np.diff(upper.indptr))
    j = upper.indices
    b = np.log(lower_t.data) - np.log(upper.data)  # u_i - u_j = b with u = log g
    _, comp = connected_components(a, directed=False)
    roots = np.unique(comp, return_index=True)[1]
    if upper.nnz <= DENSE_LINKS * n:
        lap = sp.csr_matrix((-np.ones(2 * len(i)), (np.r_[i, j], np.r_[j, i])), shape=(n, n))
        lap = lap - sp.diags(np.asarray(lap.sum(axis=1)).ravel())
        rhs = np.bincount(i, b, minlength=n) - np.bincount(j, b, minlength=n)
        ground = np.zeros(n)
        ground[roots] = 1.0  # u = 0 at one unit per component
        u = spla.spsolve((lap + sp.diags(ground)).tocsc(), rhs)
    else:  # dense links: every unit is a link or two from its root, so a spanning tree is as accurate
        u = _tree_potentials(a, roots)
    g = np.exp(u)
    ci, cj = g[i] * upper.data, g[j] * lower_t.data
    if np.max(np.abs(ci - cj) / np.maximum(ci, cj)) > rtol:
        return None
    return g


def _tree_potentials(a, roots):
    """``u`` with ``u_v - u_p = log a_pv - log a_vp`` along breadth-first trees from ``roots``."""
    from scipy.sparse.csgraph import breadth_first_order

    u = np.zeros(a.shape[0])
    for r in roots:
        order, pred = breadth_first_order(a, r, directed=False, return_predecessors=True)
        kids = order[1:]
        par = pred[kids]
        step = np.log(np.asarray(a[par, kids]).ravel()) - np.log(np.asarray(a[kids, par]).ravel())
        for v, p, d in zip(kids, par, step):  # parents come before their children in ``order``
            u[v] = u[p] + d
    return u
