"""The eigen-decomposition behind the per-draw effects of the heterogeneity and scenario tables
(aicoord.study._common.Spectrum) against dense solves of S = (I - rho W)^-1 (beta I + theta W)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from aicoord.study._common import Spectrum, rho_bounds, spectrum


def _dense_s(W, rho, b, th):
    n = len(W)
    return np.linalg.solve(np.eye(n) - rho * W, b * np.eye(n) + th * W)


def _lattice(k=7):
    """Binary rook contiguity of a k x k grid (symmetric)."""
    n = k * k
    c = np.zeros((n, n))
    for i in range(k):
        for j in range(k):
            a = i * k + j
            if j + 1 < k:
                c[a, a + 1] = c[a + 1, a] = 1
            if i + 1 < k:
                c[a, a + k] = c[a + k, a] = 1
    return c


def _knn(n=40, k=4, seed=2):
    """Row-standardised k-nearest-neighbour weights of random points (asymmetric)."""
    xy = np.random.default_rng(seed).uniform(size=(n, 2))
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(d, np.inf)
    w = np.zeros((n, n))
    w[np.repeat(np.arange(n), k), np.argsort(d, axis=1)[:, :k].ravel()] = 1.0
    return w / k


MATRICES = {
    "row_standardised_symmetric": lambda: (lambda c: c / c.sum(1, keepdims=True))(_lattice()),
    "binary_symmetric": _lattice,
    "random_link_strengths": lambda: (lambda c: c / c.sum(1, keepdims=True))(
        _lattice() * np.random.default_rng(4).uniform(0.2, 1.0, size=(49, 49))
    ),
    "knn_asymmetric": _knn,
    "inverse_distance_unstandardised": lambda: (lambda d: np.where(d > 0, 1 / np.where(d > 0, d, 1), 0))(
        np.abs(np.subtract.outer(np.arange(30.0), np.arange(30.0))) ** 1.3
    ),
}


@pytest.mark.parametrize("name", list(MATRICES))
def test_diagonal_column_sums_and_products_equal_dense_solves(name):
    W = MATRICES[name]()
    spec = Spectrum(W)
    # kNN weights have a nearly defective eigenbasis (condition number 7e10: W rebuilt from it is off
    # by 1e-6), so they take the dense solves; asymmetric link strengths the general eigenvectors
    assert spec.exact == (name != "knn_asymmetric")
    assert np.iscomplexobj(spec.V) == (name in ("random_link_strengths", "knn_asymmetric"))
    hi = 1 / np.max(np.real(spec.omega))
    x = np.random.default_rng(5).normal(size=len(W))
    for rho, b, th in ((0.0, 1.3, 0.0), (0.45 * hi, -0.7, 0.25), (-0.3 * hi, 0.2, -1.1), (0.9 * hi, 1.0, 1.0)):
        S = _dense_s(W, rho, b, th)
        assert_allclose(spec.diagonal(rho, b, th), np.diag(S), rtol=1e-10, atol=1e-12)
        assert_allclose(spec.column_sums(rho, b, th), S.sum(axis=0), rtol=1e-10, atol=1e-12)
        assert_allclose(spec.apply(rho, b, th, x), S @ x, rtol=1e-10, atol=1e-12)


def test_defective_matrix_falls_back_to_dense_solves():
    # a nilpotent shift (one Jordan block): no basis of eigenvectors
    n = 6
    W = np.diag(np.ones(n - 1), 1)
    spec = Spectrum(W)
    assert not spec.exact
    S = _dense_s(W, 0.5, 1.0, 0.3)
    assert_allclose(spec.diagonal(0.5, 1.0, 0.3), np.diag(S), rtol=1e-12)
    assert_allclose(spec.column_sums(0.5, 1.0, 0.3), S.sum(axis=0), rtol=1e-12)
    assert_allclose(spec.apply(0.5, 1.0, 0.3, np.arange(n)), S @ np.arange(n), rtol=1e-12)


def test_spectrum_is_cached_by_content_and_gives_the_bounds():
    W = MATRICES["knn_asymmetric"]()
    assert spectrum(W) is spectrum(W.copy())
    other = W.copy()
    other[0, 0] = 0.0
    other[0, 1:] = W[0, 1:][::-1]  # another matrix of the same shape
    assert spectrum(other) is not spectrum(W)
    lo, hi, om = rho_bounds(W)
    ev = np.linalg.eigvals(W)
    assert_allclose(np.sort_complex(np.asarray(om, complex)), np.sort_complex(ev), atol=1e-10)
    assert lo == pytest.approx(1 / ev.real.min(), rel=1e-10) and hi == pytest.approx(1 / ev.real.max(), rel=1e-10)


@pytest.mark.parametrize("name", ["row_standardised_symmetric", "knn_asymmetric"])
def test_cached_spectrum_file_is_read_by_a_later_process_bit_for_bit(name, tmp_path, monkeypatch):
    """With AICOORD_CACHE set, the first spectrum(W) writes its eigenvalues to one content-hashed file, and its
    eigenvectors when first computed; a later process (here: the per-process memo emptied) reads them instead of
    recomputing: the same eigenvalues, eigenvectors and effects, bit for bit; a damaged file is recomputed and
    rewritten."""
    from aicoord.study import _common

    W = MATRICES[name]()
    monkeypatch.setenv(_common.CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(_common, "_SPECTRA", {})
    first = spectrum(W)
    files = list(tmp_path.glob("spectrum-*.npz"))
    assert len(files) == 1 and str(len(W)) in files[0].name
    with np.load(files[0]) as z:
        assert "om" not in z.files and "q" not in z.files and "V" not in z.files  # eigenvalues only, so far
    first.V  # noqa: B018 - the vectors, computed and added to the file
    with np.load(files[0]) as z:
        assert "om" in z.files and ("q" in z.files or "V" in z.files)
    monkeypatch.setattr(_common, "_SPECTRA", {})
    calls = []
    monkeypatch.setattr(np.linalg, "eigh", lambda *a, **k: calls.append(1))
    monkeypatch.setattr(np.linalg, "eig", lambda *a, **k: calls.append(1))
    again = spectrum(W)
    assert again is not first and not calls  # read, not recomputed
    for a, b in ((first.omega, again.omega), (first.V, again.V), (first.Vinv, again.Vinv)):
        assert np.array_equal(a, b)
    x = np.linspace(0, 1, len(W))
    assert np.array_equal(first.apply(0.3, 1.0, 0.5, x), again.apply(0.3, 1.0, 0.5, x))
    assert again.exact == first.exact
    monkeypatch.undo()
    monkeypatch.setenv(_common.CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(_common, "_SPECTRA", {})
    files[0].write_bytes(b"broken")
    assert np.array_equal(spectrum(W).omega, first.omega) and files[0].stat().st_size > 100


def test_spectrum_takes_the_symmetrizer_of_the_engine_weights():
    """Spectrum reuses the diagonal symmetriser that PanelWeights.shared computed for the same matrix."""
    import scipy.sparse as sp

    from aicoord.panel import wmatrix

    W = MATRICES["row_standardised_symmetric"]()
    pw = wmatrix.PanelWeights.shared(sp.csr_matrix(W), standardize=True)
    assert wmatrix.shared_symmetrizer(sp.csr_matrix(W)) is pw.symmetrizer
    assert Spectrum(W)._g is pw.symmetrizer


@pytest.mark.parametrize("name", list(MATRICES))
def test_region_means_of_many_draws_equal_dense_solves(name):
    """Spectrum.region_means (all draws at once, O(N) each): the mean diagonal and mean column sum of S over a
    region's units, against dense solves draw by draw (and the dense fallback of a defective basis)."""
    W = MATRICES[name]()
    spec = Spectrum(W)
    rng = np.random.default_rng(11)
    rho, b, th = rng.uniform(-0.4, 0.6, 5), rng.normal(size=5), rng.normal(size=5)
    idx = np.arange(len(W))[::3]
    direct, total = spec.region_means(rho, b, th, idx)
    for k in range(5):
        S = _dense_s(W, rho[k], b[k], th[k])
        assert_allclose(
            [direct[k], total[k]], [np.diag(S)[idx].mean(), S.sum(axis=0)[idx].mean()], rtol=1e-9, atol=1e-12
        )


@pytest.mark.parametrize("name", list(MATRICES))
def test_changes_of_many_draws_equal_dense_solves(name):
    """Spectrum.changes (all draws at once, as the scenarios take them): S x and diag(S) x against dense solves
    draw by draw (and the dense fallback of a defective basis)."""
    W = MATRICES[name]()
    spec = Spectrum(W)
    rng = np.random.default_rng(12)
    rho, b, th = rng.uniform(-0.4, 0.6, 4), rng.normal(size=4), rng.normal(size=4)
    x = rng.normal(size=len(W))
    dy, own = spec.changes(rho, b, th, x)
    assert dy.shape == own.shape == (4, len(W))
    for k in range(4):
        S = _dense_s(W, rho[k], b[k], th[k])
        assert_allclose(dy[k], S @ x, rtol=1e-9, atol=1e-12)
        assert_allclose(own[k], np.diag(S) * x, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", ["row_standardised_symmetric", "knn_asymmetric"])
def test_cached_spectrum_reads_its_eigenvectors_only_when_used(name, tmp_path, monkeypatch):
    """A job that asks only for the bounds of rho (the robustness variants at county size) holds the eigenvalues of
    the cached file, not its N x N eigenvectors; the vectors are read on first use, bit for bit, and computed again
    when the file has gone in between."""
    from aicoord.study import _common

    W = MATRICES[name]()
    monkeypatch.setenv(_common.CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(_common, "_SPECTRA", {})
    first = spectrum(W)
    x = np.linspace(0, 1, len(W))
    want = first.apply(0.3, 1.0, 0.5, x)
    monkeypatch.setattr(_common, "_SPECTRA", {})
    lazy = spectrum(W)
    assert lazy._parts is None and np.array_equal(lazy.omega, first.omega)
    assert np.array_equal(lazy.apply(0.3, 1.0, 0.5, x), want) and lazy._parts is not None
    monkeypatch.setattr(_common, "_SPECTRA", {})
    gone = spectrum(W)
    for f in tmp_path.glob("spectrum-*.npz"):
        f.unlink()
    assert_allclose(gone.apply(0.3, 1.0, 0.5, x), want, rtol=1e-10, atol=1e-12)


def test_a_read_only_matrix_is_hashed_once(monkeypatch):
    """A Setting's W is read-only and asked for its spectrum by every fit and draw: hashed once, then found by
    identity; a writable array (it may change in place) is hashed on every call."""
    import hashlib

    from aicoord.study import _common

    monkeypatch.setattr(_common, "_SPECTRA", {})
    monkeypatch.setattr(_common, "_SEEN", {})
    calls = []
    real = hashlib.blake2b
    W = MATRICES["row_standardised_symmetric"]().copy()
    # the hashes of the whole array (the engine's symmetriser hashes its sparse parts: not counted)
    monkeypatch.setattr(
        hashlib, "blake2b", lambda *a, **k: (a and len(a[0]) == W.nbytes and calls.append(1)) or real(*a, **k)
    )
    first = spectrum(W)
    spectrum(W)
    assert len(calls) == 2  # writable: hashed each time
    W.setflags(write=False)
    assert spectrum(W) is first and spectrum(W) is first
    assert len(calls) == 3
    other = W.copy()
    other[0, 1] += 0.0  # the same content in another (writable) array: the same spectrum, by its hash
    assert spectrum(other) is first and len(calls) == 4


def test_settings_of_one_weights_object_share_its_restricted_matrix_and_dense_array():
    """The fits of a job make one Setting each from the same Weights: they share the restricted, row-standardised
    matrix and its read-only dense array (one spectrum lookup by identity), bit for bit what each would make."""
    import pandas as pd
    import scipy.sparse as sp

    from aicoord.study._common import setting
    from aicoord.weights_sparse import Weights

    W = MATRICES["row_standardised_symmetric"]()
    n = len(W)
    ids = [f"u{i:02d}" for i in range(n)]
    w = Weights(sp.csr_matrix(W), ids)
    data = pd.DataFrame({"unit": ids * 2, "year": [1] * n + [2] * n, "y": np.arange(2 * n, dtype=float)})
    a = setting(data, "unit", "year", w, drop=[ids[0]])
    b = setting(data, "unit", "year", w, drop=[ids[0]])
    assert a.weights is b.weights and a.W is b.W and not a.W.flags.writeable
    fresh = Weights(sp.csr_matrix(W), ids).restrict(ids[1:]).row_standardised()
    assert np.array_equal(a.W, fresh.sparse.toarray())
    c = setting(data, "unit", "year", w, drop=[ids[1]])
    assert c.weights is not a.weights and c.W.shape == a.W.shape
