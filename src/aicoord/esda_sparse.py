"""Moran's I, Geary's C, Getis–Ord General G and the local Moran from a sparse matrix, for many units.

:mod:`aicoord.autocorrelation` computes these statistics with ``esda`` on a libpysal ``W``. A ``W`` keeps every
link in Python dictionaries: a matrix linking every pair of 2,847 counties (inverse distance, economic,
nested) is 8.1 million links, gigabytes of dictionaries, and esda then draws its permutations one at a time.
From :data:`SPARSE_MIN_N` units on, :mod:`aicoord.autocorrelation` calls the functions here instead, which
take the ``scipy.sparse`` matrix itself and give the same statistics:

* the same formulas as esda, on the same row-standardised matrix (:func:`esda_row_standardise`, libpysal's
  ``"r"`` transform: each row divided by its sum from left to right), with the same summaries ``s0``, ``s1``,
  ``s2`` as libpysal computes them, so the statistics and their analytic moments are those of esda;
* the same permutations: the global statistics' draws are numpy's ``permutation`` under the same seed, one
  per draw in the same order as esda's; the local Moran's conditional draws are esda's own
  (``esda.crand.crand``, the numba kernel ``Moran_Local`` runs);
* the global statistics' permuted values a block of draws at a time: the permuted vectors stacked as the
  columns of one matrix and multiplied by the sparse W in one product, instead of one Python-level product per
  draw (scipy adds each row's terms in the same order either way, so Moran's and General G's permuted values
  are esda's bit for bit); Geary's numerator for a draw is
  :math:`\\sum_i z_i^2 r_i + \\sum_j z_j^2 c_j - 2 z'Wz` (row sums r, column sums c of W), which shares that
  product instead of summing every link's squared difference per draw, and agrees with esda's to rounding
  (about 1e-15 relative), so its pseudo p-value is esda's unless a draw ties the observed C within rounding.

``tests/test_esda_sparse.py`` compares every output with esda's.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import scipy.sparse as sp
from scipy import stats

__all__ = ["SPARSE_MIN_N", "esda_row_standardise", "summaries", "global_sparse", "moran_sparse", "local_sparse"]

#: Units from which :mod:`aicoord.autocorrelation` computes from the sparse matrix instead of esda's ``W``
#: (below it, at province and prefecture level, esda runs as it always has).
SPARSE_MIN_N = 1000

#: Permuted vectors multiplied by W at once (a block of 1,000 draws of 2,847 units is 23 MB).
BLOCK = 1000


def esda_row_standardise(mat) -> sp.csr_matrix:
    """libpysal's ``"r"`` transform of a sparse matrix: each row divided by the sum of its weights taken from
    left to right (as Python's ``sum`` adds a row's weights); a row without weights stays empty.

    Parameters
    ----------
    mat : scipy.sparse matrix
        N x N weights; explicit zeros are dropped and column indices sorted first.

    Returns
    -------
    scipy.sparse.csr_matrix
    """
    m = sp.csr_matrix(mat, dtype=float, copy=True)
    m.eliminate_zeros()
    m.sort_indices()
    counts = np.diff(m.indptr)
    sums = np.zeros(m.shape[0])
    # left-to-right sums of each row: the k-th weight of every row with more than k weights added in turn
    # (what Python's sum does row by row, vectorised over the rows)
    start = m.indptr[:-1]
    for k in range(int(counts.max()) if len(counts) else 0):
        rows = np.flatnonzero(counts > k)
        sums[rows] = sums[rows] + m.data[start[rows] + k]
    scale = np.repeat(np.where(counts > 0, sums, 1.0), counts)
    m.data = m.data / scale
    return m


def summaries(w) -> tuple[float, float, float]:
    """``(s0, s1, s2)`` of a sparse matrix, computed as libpysal's ``W`` computes them."""
    s0 = w.sum()
    t = w.transpose() + w
    s1 = t.multiply(t).sum() / 2.0
    s2 = (np.array(w.sum(1) + w.sum(0).transpose()) ** 2).sum()
    return s0, s1, s2


def _draws(n: int, permutations: int) -> np.ndarray:
    """The permutations esda's global statistics draw from numpy's global generator (already seeded): one
    ``np.random.permutation`` per draw, as index arrays (draws x n)."""
    return np.array([np.random.permutation(n) for _ in range(permutations)], dtype=np.int64).reshape(permutations, n)


def _pseudo_p(sim: np.ndarray, observed: float, permutations: int) -> float:
    larger = int((sim >= observed).sum())
    if permutations - larger < larger:
        larger = permutations - larger
    return (larger + 1.0) / (permutations + 1.0)


def moran_sparse(y: np.ndarray, w, *, s=None) -> dict:
    """Moran's I and its analytic moments (no permutations) of ``y`` under the sparse matrix ``w`` (used as it
    is: pass the row-standardised matrix for esda's ``transformation="r"``); ``s`` its :func:`summaries`."""
    n = len(y)
    s0, s1, s2 = summaries(w) if s is None else s
    z = y - y.mean()
    z2ss = (z * z).sum()
    EI = -1.0 / (n - 1)
    n2 = n * n
    s02 = s0 * s0
    VI_norm = (n2 * s1 - n * s2 + 3 * s02) / ((n - 1) * (n + 1) * s02) - (1.0 / (n - 1)) ** 2
    k = ((z**4).sum() / n) / ((z**2).sum() / n) ** 2
    A = n * ((n2 - 3 * n + 3) * s1 - n * s2 + 3 * s02)
    B = k * ((n2 - n) * s1 - 2 * n * s2 + 6 * s02)
    VI_rand = (A - B) / ((n - 1) * (n - 2) * (n - 3) * s02) - EI * EI
    I = n / s0 * (z * (w @ z)).sum() / z2ss
    z_norm = (I - EI) / VI_norm ** (1 / 2.0)
    z_rand = (I - EI) / VI_rand ** (1 / 2.0)
    one = stats.norm.sf if z_norm > 0 else stats.norm.cdf  # esda: the side of the normal z for both
    return {
        "I": I,
        "EI": EI,
        "VI_norm": VI_norm,
        "VI_rand": VI_rand,
        "z_norm": z_norm,
        "p_norm": one(z_norm) * 2.0,
        "z_rand": z_rand,
        "p_rand": one(z_rand) * 2.0,
        "_z": z,
        "_z2ss": z2ss,
    }


def _geary(y: np.ndarray, w, s) -> dict:
    """Geary's C and its analytic moments (esda's ``Geary``) under the sparse matrix ``w``."""
    n = len(y)
    s0, s1, s2 = s
    s02 = s0 * s0
    yd = y - y.mean()
    n2 = n * n
    k = ((yd**4).sum() / n) / (((yd**2).sum() / n) ** 2)
    A = (n - 1) * s1 * (n2 - 3 * n + 3 - (n - 1) * k)
    B = (1.0 / 4) * ((n - 1) * s2 * (n2 + 3 * n - 6 - (n2 - n + 2) * k))
    C = s02 * (n2 - 3 - (n - 1) ** 2 * k)
    VC_rand = (A - B + C) / (n * (n - 2) * (n - 3) * s02)
    VC_norm = (1 / (2 * (n + 1) * s02)) * ((2 * s1 + s2) * (n - 1) - 4 * s02)
    yss = sum(yd * yd)  # esda's Python sum, left to right
    den = yss * s0 * 2.0
    coo = w.tocoo()
    num = (coo.data * ((y[coo.row] - y[coo.col]) ** 2)).sum()
    Cstat = (n - 1) * num / den
    de = Cstat - 1.0
    z_norm, z_rand = de / VC_norm ** (0.5), de / VC_rand ** (0.5)
    one = stats.norm.sf if de > 0 else stats.norm.cdf
    return {
        "C": Cstat,
        "EC": 1.0,
        "VC_norm": VC_norm,
        "VC_rand": VC_rand,
        "z_C_norm": z_norm,
        "p_C_norm": 2 * one(z_norm),
        "z_C_rand": z_rand,
        "p_C_rand": 2 * one(z_rand),
        "_den": den,
    }


def _general_g(y: np.ndarray, b) -> dict:
    """Getis–Ord General G and its moments (esda's ``G``) under the binary sparse matrix ``b``."""
    n = len(y)
    s0, s1, s2 = summaries(b)
    n2 = n * n
    s02 = s0 * s0
    EG = s0 / (n * (n - 1))
    b0 = (n2 - 3 * n + 3) * s1 - n * s2 + 3 * s02
    b1 = (-1.0) * ((n2 - n) * s1 - 2 * n * s2 + 6 * s02)
    b2 = (-1.0) * (2 * n * s1 - (n + 3) * s2 + 6 * s02)
    b3 = 4 * (n - 1) * s1 - 2 * (n + 1) * s2 + 8 * s02
    b4 = s1 - s2 + s02
    y2 = y * y
    y3 = y * y2
    y4 = y2 * y2
    # esda's Python sums, left to right
    sy, sy2, sy3, sy4 = sum(y), sum(y2), sum(y3), sum(y4)
    EG2 = b0 * (sy2**2) + b1 * sy4 + b2 * (sy**2) * sy2
    EG2 += b3 * sy * sy3 + b4 * (sy**4)
    EG2 = EG2 / (((sy**2 - sy2) ** 2) * n * (n - 1) * (n - 2) * (n - 3))
    VG = EG2 - EG**2
    den_sum = np.outer(y, y).sum() - (y * y).sum()
    G = (y * (b @ y)).sum() / den_sum
    z = (G - EG) / np.sqrt(VG)
    return {"G": G, "EG": EG, "VG": VG, "z_G": z, "p_G": 2 * (1.0 - stats.norm.cdf(np.abs(z))), "_den": den_sum}


def global_sparse(y: np.ndarray, mat, *, permutations: int, standardize: bool = True) -> dict:
    """Moran's I, Geary's C and (for non-negative ``y``) General G of ``y`` under the sparse raw matrix ``mat``,
    with the keys and the values of :func:`aicoord.autocorrelation.global_autocorrelation`'s esda path.

    The permutations are drawn from numpy's global generator, which the caller seeds (esda's global
    statistics draw from it, each statistic under the same seed, hence from the same permutations).

    Parameters
    ----------
    y : numpy.ndarray
        Checked values (finite, not constant), in the order of the matrix.
    mat : scipy.sparse matrix
        Raw weights.
    permutations : int
        Draws of the pseudo p-values (0: none, ``p_sim`` NaN).
    standardize : bool
        Row-standardise for Moran and Geary (:func:`esda_row_standardise`).
    """
    n = len(y)
    raw = sp.csr_matrix(mat, dtype=float, copy=True)
    raw.eliminate_zeros()
    raw.sort_indices()
    w = esda_row_standardise(raw) if standardize else raw
    s = summaries(w)
    mi = moran_sparse(y, w, s=s)
    gc = _geary(y, w, s)
    positive = bool(np.all(y >= 0))
    if positive:
        binary = raw.copy()
        binary.data = np.ones_like(binary.data)
        g = _general_g(y, binary)
    out = {k: v for k, v in mi.items() if not k.startswith("_")}
    nan = float("nan")
    out.update({"EI_sim": nan, "z_sim": nan, "p_sim": nan})
    out.update({k: v for k, v in gc.items() if not k.startswith("_")})
    out["p_C_sim"] = nan
    if positive:
        out.update({k: v for k, v in g.items() if not k.startswith("_")})
        out["p_G_sim"] = nan
    else:
        out.update({k: nan for k in ("G", "EG", "VG", "z_G", "p_G", "p_G_sim")})
    if not permutations:
        return out
    idx = _draws(n, permutations)
    z, z2ss = mi["_z"], mi["_z2ss"]
    row_sums = np.asarray(w.sum(axis=1)).ravel()
    col_sums = np.asarray(w.sum(axis=0)).ravel()
    sim_i, sim_c, sim_g = (np.empty(permutations) for _ in range(3))
    for a in range(0, permutations, BLOCK):
        ix = idx[a : a + BLOCK]
        zp = z[ix]  # draws x n: each row a permuted z (y's permutation, centred)
        lag = np.asarray(w @ zp.T).T  # each column as esda's product of W and one draw
        cross = (zp * lag).sum(axis=1)
        sim_i[a : a + len(ix)] = n / s[0] * cross / z2ss
        num = (zp * zp) @ row_sums + (zp * zp) @ col_sums - 2.0 * cross
        sim_c[a : a + len(ix)] = (n - 1) * num / gc["_den"]
        if positive:
            yp = y[ix]
            sim_g[a : a + len(ix)] = (yp * np.asarray(binary @ yp.T).T).sum(axis=1) / g["_den"]
    out["p_sim"] = _pseudo_p(sim_i, out["I"], permutations)
    out["EI_sim"] = sim_i.sum() / permutations
    with np.errstate(divide="ignore"):
        out["z_sim"] = (out["I"] - out["EI_sim"]) / sim_i.std()
    out["p_C_sim"] = _pseudo_p(sim_c, out["C"], permutations)
    if positive:
        out["p_G_sim"] = _pseudo_p(sim_g, out["G"], permutations)
    return out


def local_sparse(y: np.ndarray, mat, *, permutations: int, seed: int, standardize: bool = True) -> SimpleNamespace:
    """The local Moran of ``y`` under the sparse raw matrix ``mat``, as esda's ``Moran_Local`` computes it
    (``geoda_quads=False``, ``keep_simulations=True``, one job), with esda's conditional permutations.

    Returns
    -------
    types.SimpleNamespace
        ``Is``, ``EIc``, ``VIc``, ``z`` (standardised values), ``lag`` (their spatial lag), ``q`` (quadrant
        codes 1-4), ``p_sim``, ``cardinalities`` (links per unit) as esda's ``Moran_Local`` attributes.
    """
    from esda.crand import crand
    from esda.moran import _moran_local_crand  # the statistic Moran_Local hands to crand

    n = len(y)
    raw = sp.csr_matrix(mat, dtype=float, copy=True)
    raw.eliminate_zeros()
    raw.sort_indices()
    w = esda_row_standardise(raw) if standardize else raw
    z = y - y.mean()
    with np.errstate(all="ignore"):
        z /= y.std()
    den = (z * z).sum()
    lag = w @ z
    Is = (n - 1) * z * lag / den
    zp, lp = z > 0, lag > 0
    q = 1 * (zp * lp) + 2 * ((1 - zp) * lp) + 3 * ((1 - zp) * (1 - lp)) + 4 * (zp * (1 - lp))
    m2 = (z * z).sum() / n
    wi = np.asarray(w.sum(axis=1)).flatten()
    wi2 = np.asarray(w.multiply(w).sum(axis=1)).flatten()
    EIc = -(z**2 * wi) / ((n - 1) * m2)
    VIc = (z / m2) ** 2 * (n / (n - 2)) * (wi2 - (wi**2 / (n - 1))) * (m2 - (z**2 / (n - 1)))
    p_sim = np.full(n, np.nan)
    if permutations:
        if _complete(w):  # every unit linked to every other (inverse distance, economic, nested matrices)
            rlisas = complete_rlisas(z, w, permutations, seed)
        else:
            holder = SimpleNamespace(sparse=w.copy())  # crand reads .sparse (and zeroes its diagonal in place)
            _, rlisas = crand(
                z, holder, Is, permutations, True, 1, _moran_local_crand, seed=seed, alternative="directed"
            )
        larger = (rlisas.T >= Is).sum(0)
        low = (permutations - larger) < larger
        larger[low] = permutations - larger[low]
        p_sim = (larger + 1.0) / (permutations + 1.0)
    return SimpleNamespace(Is=Is, EIc=EIc, VIc=VIc, z=z, lag=lag, q=q, p_sim=p_sim, cardinalities=np.diff(w.indptr))


def _complete(w) -> bool:
    """Whether the CSR matrix ``w`` links every unit to every other and to no self (a full distance matrix)."""
    n = w.shape[0]
    return n > 2 and w.nnz == n * (n - 1) and not w.diagonal().any()


def complete_rlisas(z: np.ndarray, w, permutations: int, seed: int) -> np.ndarray:
    """esda's conditional-permutation local Morans (``crand`` with ``keep=True``) for a matrix that links every
    unit to all the others, without its per-unit gathers.

    esda draws one table of permuted ids ``R`` (``vec_permutations``: ``permutations`` rows of ``n - 1`` ids,
    seeded) and, for unit ``i``, takes the other units' values ``z_{-i}[R]``, i.e. ``z[R]`` where ``R < i`` and
    ``z[R + 1]`` elsewhere, as the values of its neighbours in the order of its row. Here ``z[R]`` and ``z[R + 1]``
    are gathered once and each unit only selects between them: the same simulated statistics to rounding (one
    unit in the last place of the product, so the p-values, counts of simulated statistics at least the
    observed one, are the same; ``tests/test_esda_sparse.py``) in a tenth of the time at 2,847 units, where
    esda gathers 2.8 million values per unit.

    Parameters
    ----------
    z : numpy.ndarray
        Standardised values.
    w : scipy.sparse.csr_matrix
        The complete matrix (sorted indices, zero diagonal, row-standardised or not).
    permutations, seed : int
        As esda's ``crand``.

    Returns
    -------
    numpy.ndarray
        ``n x permutations`` simulated local Morans.
    """
    from esda.crand import vec_permutations

    n = len(z)
    scaling = (n - 1) / (z * z).sum()
    ids = vec_permutations(n - 1, n, permutations, seed)
    below, above = z[ids], z[ids + 1]
    weights = w.data.reshape(n, n - 1)  # each row's weights in column order, the unit itself left out
    out = np.empty((n, permutations))
    for a in range(0, permutations, 16):  # 16 permutations at a time: the three tables' slices stay in cache
        ib, bb, ab = ids[a : a + 16], below[a : a + 16], above[a : a + 16]
        for i in range(n):
            out[i, a : a + 16] = z[i] * (np.where(ib >= i, ab, bb) @ weights[i]) * scaling
    return out
