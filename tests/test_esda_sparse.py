"""The sparse path of the spatial autocorrelation statistics (aicoord.esda_sparse) against esda itself.

Reference: esda 2.8 on a libpysal W of the same matrix (the path every level below
aicoord.esda_sparse.SPARSE_MIN_N units takes). The sparse path uses esda's formulas, its permutations and, for
the local Moran, its own conditional-permutation kernel, so the outputs are compared for equality (Geary's
permuted values to 1e-12 relative: their numerator is summed another way), on inverse-distance weights linking
every pair (the county level's full matrices), k-nearest neighbours (asymmetric), contiguity with an island,
negative values (no General G) and unstandardised weights.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from aicoord import autocorrelation as ac
from aicoord import esda_sparse as es
from aicoord.weights_io import to_libpysal
from aicoord.weights_sparse import Weights


def _full(n, rng):
    pts = rng.uniform(size=(n, 2))
    d = np.sqrt(((pts[:, None] - pts[None]) ** 2).sum(-1))
    np.fill_diagonal(d, np.inf)
    return sp.csr_matrix(1.0 / d)


def _knn(n, rng, k=4):
    pts = rng.uniform(size=(n, 2))
    d = np.sqrt(((pts[:, None] - pts[None]) ** 2).sum(-1))
    np.fill_diagonal(d, np.inf)
    near = np.argsort(d, axis=1)[:, :k]
    return sp.csr_matrix((np.ones(n * k), (np.repeat(np.arange(n), k), near.ravel())), shape=(n, n))


def _chain_with_island(n):
    """Units 0..n-2 in a chain (rook on a line), unit n-1 without neighbours."""
    i = np.arange(n - 2)
    rows, cols = np.concatenate([i, i + 1]), np.concatenate([i + 1, i])
    return sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))


def _weights(mat):
    return Weights(sp.csr_matrix(mat), [f"u{i:03d}" for i in range(mat.shape[0])])


CASES = {
    "full inverse distance": lambda rng: _full(45, rng),
    "knn4": lambda rng: _knn(45, rng),
}


@pytest.fixture
def sparse_everywhere(monkeypatch):
    """Route every size to the sparse path (the reference is esda called directly)."""
    monkeypatch.setattr(ac, "SPARSE_MIN_N", 1)


def _esda_global(y, w, **kw):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ac, "SPARSE_MIN_N", 10**9)
        return ac.global_autocorrelation(y, to_libpysal(w), **kw)


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("shift", [0.0, -1.0])  # -1: negative values, no General G
def test_global_equals_esda(case, shift, sparse_everywhere):
    rng = np.random.default_rng(7)
    w = _weights(CASES[case](rng)).row_standardised()
    y = rng.lognormal(size=w.n) + shift
    ref = _esda_global(y, w, permutations=499, seed=3)
    got = ac.global_autocorrelation(y, w, permutations=499, seed=3)
    assert list(got) == list(ref)  # the same keys in the same order (the JSON's bytes)
    for k, v in ref.items():  # p_C_sim too: no draw ties C within rounding here
        assert got[k] == v or (np.isnan(v) and np.isnan(got[k])), k


def test_geary_draws_to_rounding():
    """Geary's permuted values: esda's per-draw sum over the links against the shared product, 1e-12 relative."""
    import esda

    rng = np.random.default_rng(11)
    w = _weights(_full(40, rng)).row_standardised()
    y = rng.normal(size=w.n)
    lw = to_libpysal(w)
    np.random.seed(5)
    gc = esda.Geary(y, lw, transformation="r", permutations=200)
    np.random.seed(5)
    idx = es._draws(w.n, 200)
    r = es.esda_row_standardise(w.sparse)
    yd = y - y.mean()
    zp = yd[idx]
    num = (zp * zp) @ np.asarray(r.sum(axis=1)).ravel() + (zp * zp) @ np.asarray(r.sum(axis=0)).ravel()
    num -= 2.0 * (zp * np.asarray(r @ zp.T).T).sum(axis=1)
    den = sum(yd * yd) * r.sum() * 2.0
    np.testing.assert_allclose((w.n - 1) * num / den, gc.sim, rtol=1e-12, atol=0)


def test_unstandardised_and_no_permutations(sparse_everywhere):
    rng = np.random.default_rng(2)
    w = _weights(_knn(30, rng))
    y = rng.lognormal(size=w.n)
    ref = _esda_global(y, w, permutations=0, standardize=False)
    got = ac.global_autocorrelation(y, w, permutations=0, standardize=False)
    assert np.isnan(got["p_sim"]) and np.isnan(got["p_G_sim"])
    for k, v in ref.items():
        assert got[k] == v or (np.isnan(v) and np.isnan(got[k])), k


def _esda_local(y, w, **kw):
    with pytest.MonkeyPatch.context() as mp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mp.setattr(ac, "SPARSE_MIN_N", 10**9)
        return ac.local_moran(y, to_libpysal(w), **kw)


@pytest.mark.parametrize("case", sorted(CASES))
def test_local_equals_esda(case, sparse_everywhere):
    rng = np.random.default_rng(4)
    w = _weights(CASES[case](rng)).row_standardised()
    y = rng.normal(size=w.n)
    ref = _esda_local(y, w, permutations=199, seed=9, fdr=True)
    got = ac.local_moran(y, w, permutations=199, seed=9, fdr=True)
    pd.testing.assert_frame_equal(got, ref, check_exact=True)


def test_local_island_equals_esda(sparse_everywhere):
    w = _weights(_chain_with_island(25))
    y = np.random.default_rng(8).normal(size=w.n)
    ref = _esda_local(y, w, permutations=99, seed=1, standardize=False)
    with pytest.warns(UserWarning, match="1 unit"):
        got = ac.local_moran(y, w, permutations=99, seed=1, standardize=False)
    pd.testing.assert_frame_equal(got, ref, check_exact=True)
    assert got["cluster"].iloc[-1] == ac.NO_NEIGHBOURS


def test_moran_by_year_equals_esda(sparse_everywhere):
    rng = np.random.default_rng(5)
    w = _weights(_full(35, rng)).row_standardised()
    panel = pd.DataFrame(
        [{"code": c, "year": t, "v": rng.normal()} for t in (2020, 2021) for c in w.id_order],
    )
    got = ac.moran_by_year(panel, ["v"], {"d": w})
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ac, "SPARSE_MIN_N", 10**9)
        ref = ac.moran_by_year(panel, ["v"], {"d": to_libpysal(w)})
    pd.testing.assert_frame_equal(got, ref, check_exact=True)


def test_row_standardise_is_libpysal_r():
    """esda_row_standardise equals libpysal's "r" transform entry for entry (a row of uneven weights)."""
    rng = np.random.default_rng(6)
    mat = _full(20, rng)
    lw = to_libpysal(_weights(mat))
    lw.transform = "r"
    ref = lw.sparse.tocsr()
    ref.sort_indices()
    got = es.esda_row_standardise(mat)
    assert np.array_equal(got.indptr, ref.indptr) and np.array_equal(got.indices, ref.indices)
    assert np.array_equal(got.data, ref.data)
    assert es.summaries(got) == (lw.s0, lw.s1, lw.s2)


def test_routing_by_size():
    """Below SPARSE_MIN_N a Weights goes to esda as a libpysal W; from it on, its sparse matrix is used."""
    rng = np.random.default_rng(1)
    small = _weights(_knn(12, rng))
    ew, mat = ac._route(small)
    assert mat is None and ew.n == 12
    big = _weights(sp.random(es.SPARSE_MIN_N, es.SPARSE_MIN_N, density=0.002, format="csr", random_state=1))
    ew, mat = ac._route(big)
    assert ew is None and mat is big.sparse


def test_complete_matrix_simulations_equal_esda_crand():
    """A matrix linking every pair (the county level's distance matrices) takes esda's permuted ids without its
    per-unit gathers: the simulated local Morans equal those of esda's crand to rounding, and the p-values
    (counts of simulated values at least the observed one) exactly; the full inverse-distance case of
    test_local_equals_esda goes through it too."""
    from types import SimpleNamespace

    from esda.crand import crand
    from esda.moran import _moran_local_crand

    rng = np.random.default_rng(12)
    w = _weights(_full(150, rng)).row_standardised().sparse.tocsr()
    w.sort_indices()
    assert es._complete(w) and not es._complete(_knn(150, rng).tocsr())
    y = rng.lognormal(size=150)
    z = (y - y.mean()) / y.std()
    Is = (150 - 1) * z * (w @ z) / (z * z).sum()
    _, ref = crand(
        z, SimpleNamespace(sparse=w.copy()), Is, 999, True, 1, _moran_local_crand, seed=5, alternative="directed"
    )
    got = es.complete_rlisas(z, w, 999, 5)
    np.testing.assert_allclose(got, ref, rtol=1e-13, atol=1e-15 * np.abs(ref).max())
    assert np.array_equal((got >= Is[:, None]).sum(1), (ref >= Is[:, None]).sum(1))
