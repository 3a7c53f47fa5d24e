"""Log-determinant and trace machinery: eigenvalue (real symmetric-similar, banded, complex) and
sparse-LU paths agree with dense linear algebra; weights inputs (libpysal W, sparse, DataFrame)."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose

from aicoord.errors import InputError
from aicoord.panel import SpatialPanel, symmetrizer
from aicoord.panel import wmatrix as pw_mod
from aicoord.panel.wmatrix import PanelWeights


def _dense_traces(w, rho):
    b = w @ np.linalg.inv(np.eye(len(w)) - rho * w)
    return np.trace(b), np.trace(b @ b), np.trace(b.T @ b)


def test_banded_eigen_and_traces_match_dense():
    libpysal = pytest.importorskip("libpysal")
    w = libpysal.weights.lat2W(25, 20, rook=False)  # N = 500 >= BANDED_MIN_N
    pw = PanelWeights(sp.csr_matrix(w.sparse, dtype=float))
    assert pw.method == "eigen" and pw.n >= pw_mod.BANDED_MIN_N
    dense = pw.W.toarray()
    assert_allclose(np.sort(pw.eigenvalues), np.sort(np.linalg.eigvals(dense).real), atol=1e-10)
    for rho in (-0.5, 0.3, 0.8):
        assert_allclose(pw.logdet(rho), np.linalg.slogdet(np.eye(500) - rho * dense)[1], rtol=1e-11)
        assert_allclose(pw.info_traces(rho), _dense_traces(dense, rho), rtol=1e-10)
    assert pw.eig_kind == "symmetric-similar"


def _knn4(seed, n=60):
    """Binary 4-nearest-neighbour matrix of ``n`` random points (asymmetric)."""
    rng = np.random.default_rng(seed)
    pts = rng.uniform(size=(n, 2))
    d = np.linalg.norm(pts[:, None] - pts[None], axis=2)
    np.fill_diagonal(d, np.inf)
    knn = np.zeros((n, n))
    for i in range(n):
        knn[i, np.argsort(d[i])[:4]] = 1
    return knn


def test_complex_eigenvalues_and_lu_agree():
    knn = _knn4(5)
    eig = PanelWeights(sp.csr_matrix(knn), logdet="eigen")
    lu = PanelWeights(sp.csr_matrix(knn), logdet="lu")
    assert np.iscomplexobj(eig.eigenvalues) and eig.eig_kind == "general"
    for rho in (-0.4, 0.2, 0.9):
        ref = np.linalg.slogdet(np.eye(60) - rho * eig.W.toarray())[1]
        assert_allclose(eig.logdet(rho), ref, rtol=1e-11)
        assert_allclose(lu.logdet(rho), ref, rtol=1e-11)
        assert_allclose(eig.info_traces(rho), _dense_traces(eig.W.toarray(), rho), rtol=1e-10)


def test_lu_method_fit_equals_eigen(cigar, w46, tol):
    a = SpatialPanel(
        cigar,
        y="logc",
        x=["logp", "logy"],
        id="state",
        time="year",
        w=w46,
        model="sdm",
        effects="twoways",
        logdet="eigen",
    ).fit()
    b = SpatialPanel(
        cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=w46, model="sdm", effects="twoways", logdet="lu"
    ).fit()
    assert_allclose(b.params.to_numpy(), a.params.to_numpy(), rtol=0, atol=1e-7)
    assert_allclose(b.std_errors.to_numpy(), a.std_errors.to_numpy(), rtol=1e-6)
    assert_allclose(b.loglik, a.loglik, rtol=1e-12)


def test_weights_inputs_equivalent(cigar, w46):
    libpysal = pytest.importorskip("libpysal")
    ids = sorted(cigar["state"].unique())
    kw = dict(y="logc", x=["logp", "logy"], id="state", time="year", model="sar", effects="individual")
    ref = SpatialPanel(cigar, w=w46, **kw).fit().params
    # libpysal W with ids in a shuffled order: aligned by id
    order = list(np.random.default_rng(1).permutation(46))
    neigh = {ids[i]: [ids[j] for j in np.nonzero(w46[i])[0]] for i in order}
    wl = libpysal.weights.W(neigh, id_order=[ids[i] for i in order], silence_warnings=True)
    for w in (wl, sp.csr_matrix(w46), pd.DataFrame(w46, index=ids, columns=ids)):
        assert_allclose(SpatialPanel(cigar, w=w, **kw).fit().params, ref, rtol=1e-12)
    with pytest.raises(InputError, match="do not match"):
        bad = pd.DataFrame(w46, index=[i + 1000 for i in ids], columns=[i + 1000 for i in ids])
        SpatialPanel(cigar, w=bad, **kw)


# ---------------------------------------------------------------- rescaled symmetric matrices
def _queen_lattice():
    libpysal = pytest.importorskip("libpysal")
    return sp.csr_matrix(libpysal.weights.lat2W(12, 10, rook=False).sparse, dtype=float)  # N = 120 (banded)


def _weighted_symmetric(c, seed=3):
    up = sp.triu(c, 1).tocsr()
    up.data = np.random.default_rng(seed).uniform(0.5, 2.0, up.nnz)
    return (up + up.T).tocsr()


def _row_standardised(c):
    return sp.csr_matrix(sp.diags(1 / np.asarray(c.sum(axis=1)).ravel()) @ c)


def _knn(n=60, k=4, seed=5):
    pts = np.random.default_rng(seed).uniform(size=(n, 2))
    d = np.linalg.norm(pts[:, None] - pts[None], axis=2)
    np.fill_diagonal(d, np.inf)
    m = np.zeros((n, n))
    for i in range(n):
        m[i, np.argsort(d[i])[:k]] = 1
    return sp.csr_matrix(m)


def _symmetry_gap(mat, g):
    c = (sp.diags(g) @ mat).toarray()
    return np.abs(c - c.T).max() / np.abs(c).max()


@pytest.mark.parametrize(
    "form", ["binary", "row-standardised", "weighted, row-standardised", "weighted, row-standardised, 6 decimals"]
)
def test_rescaled_symmetric_matrix_is_recognised(form):
    """W = D^-1 C with C symmetric, in whatever form it arrives, gets the real (symmetric-similar)
    eigenvalue path; its eigenvalues, log-determinants and traces equal dense linear algebra on W
    exactly as given (the 6-decimal file: to the rounding of the file)."""
    c = _queen_lattice()
    given = {
        "binary": c,
        "row-standardised": _row_standardised(c),
        "weighted, row-standardised": _row_standardised(_weighted_symmetric(c)),
        "weighted, row-standardised, 6 decimals": _row_standardised(_weighted_symmetric(c)),
    }[form]
    if form.endswith("decimals"):
        given = given.copy()
        given.data = np.round(given.data, 6)
        assert abs(given - given.T).max() > 1e-3  # genuinely asymmetric as written
    g = symmetrizer.diagonal_symmetrizer(given)
    assert g is not None and _symmetry_gap(given, g) < symmetrizer.SIMILAR_RTOL
    for standardize in (True, False):
        pw = PanelWeights(given, standardize=standardize)
        assert pw.method == "eigen" and not np.iscomplexobj(pw.eigenvalues)
        assert pw.eig_kind == "symmetric-similar"
        dense = pw.W.toarray()
        exact = 1e-10 if not form.endswith("decimals") else 1e-7
        assert_allclose(np.sort(pw.eigenvalues), np.sort(np.linalg.eigvals(dense).real), atol=exact)
        lo, hi = pw.bounds()
        for rho in (0.5 * lo, 0.4 * hi, 0.9 * hi):
            assert_allclose(pw.logdet(rho), np.linalg.slogdet(np.eye(len(dense)) - rho * dense)[1], rtol=exact)
            assert_allclose(pw.info_traces(rho), _dense_traces(dense, rho), rtol=exact)


def test_asymmetric_matrices_are_not_taken_for_rescaled_symmetric():
    """k-nearest neighbours (asymmetric pattern), a symmetric pattern whose weights break the
    cycle condition ``w12 w23 w31 = w21 w32 w13`` by 1% on one link, and weights rounded to 3
    decimals (relative errors beyond SIMILAR_RTOL) keep the general path."""
    knn = _knn()
    assert symmetrizer.diagonal_symmetrizer(knn) is None
    pw = PanelWeights(knn, logdet="eigen")
    assert np.iscomplexobj(pw.eigenvalues) and pw.eig_kind == "general"
    w = _row_standardised(_weighted_symmetric(_queen_lattice())).tolil()
    w[0, 1] *= 1.01
    assert symmetrizer.diagonal_symmetrizer(w.tocsr()) is None
    coarse = _row_standardised(_weighted_symmetric(_queen_lattice()))
    coarse.data = np.round(coarse.data, 3)
    assert symmetrizer.diagonal_symmetrizer(coarse) is None
    pw = PanelWeights(coarse)
    assert pw.method == "eigen" and pw._sym is None  # N = 120: the (dense) general path
    assert_allclose(pw.logdet(0.5), np.linalg.slogdet(np.eye(120) - 0.5 * pw.W.toarray())[1], rtol=1e-10)


def test_row_standardised_file_fits_like_binary(cigar, w46, tol):
    """The cigarette SDM with W given row-standardised and written with 6 decimals (as a long CSV
    would carry it) equals the fit with the binary W to the rounding of the file."""
    kw = dict(y="logc", x=["logp", "logy"], id="state", time="year", model="sdm", effects="twoways")
    ref = SpatialPanel(cigar, w=w46, **kw).fit()
    rounded = np.round(w46 / w46.sum(axis=1, keepdims=True), 6)
    mod = SpatialPanel(cigar, w=rounded, **kw)
    assert mod.ws[0]._sym is not None
    res = mod.fit()
    assert_allclose(res.params, ref.params, atol=1e-6)
    assert_allclose(res.std_errors, ref.std_errors, rtol=1e-5)


# ---------------------------------------------------------------- one eigen-decomposition per process
def test_eigenvalues_computed_once_for_fit_tests_and_effects(cigar, w46, monkeypatch):
    """The SDM fit, its Wald/LR tests (SAR and SEM refits), the LM tests, the LR tests of the
    fixed effects and the effects share one PanelWeights and one eigen-decomposition, also
    when W arrives in another object (a DataFrame of the same values)."""
    from aicoord.panel import lm_tests, lr_effects_tests, sdm_tests

    pw_mod._CACHE.clear()
    calls = []
    real = PanelWeights._compute_eigenvalues
    monkeypatch.setattr(PanelWeights, "_compute_eigenvalues", lambda self: calls.append(self) or real(self))
    kw = dict(y="logc", x=["logp", "logy"], id="state", time="year")
    res = SpatialPanel(cigar, w=w46, model="sdm", effects="twoways", **kw).fit()
    sdm_tests(res)
    ids = sorted(cigar["state"].unique())
    lm_tests(cigar, w=pd.DataFrame(w46.copy(), index=ids, columns=ids), effects="twoways", **kw)
    lr_effects_tests(cigar, w=w46.copy(), **kw)
    res.impacts(draws=200, seed=1)
    assert len(calls) == 1
    again = SpatialPanel(cigar, w=w46, model="sar", effects="individual", **kw)
    assert again.ws[0] is res.model.ws[0]
    other = SpatialPanel(cigar, w=w46, model="sar", effects="individual", standardize=False, **kw)
    assert other.ws[0] is not res.model.ws[0]


def test_shared_cache_is_bounded():
    pw_mod._CACHE.clear()
    base = _knn(30)
    for i in range(pw_mod.CACHE_SIZE + 5):
        m = base.copy()
        m.data = m.data * (1 + i)  # other values, same pattern
        PanelWeights.shared(m, standardize=False)
    assert len(pw_mod._CACHE) == pw_mod.CACHE_SIZE
    first = base.copy()
    assert PanelWeights.shared(first, standardize=False) is not PanelWeights.shared(base * 1.0, standardize=True)


def test_auto_logdet_takes_eigenvalues_of_a_dense_large_matrix(monkeypatch):
    """Above EIGEN_MAX_N a sparse W (a ring) takes the sparse LU path, a dense one (inverse distance,
    every pair linked) the eigenvalues: every LU of a dense matrix is a dense O(N^3) factorisation."""
    monkeypatch.setattr(pw_mod, "EIGEN_MAX_N", 50)
    monkeypatch.setattr(pw_mod, "BAND_MAX", 10)
    n = 80
    rng = np.random.default_rng(3)
    xy = rng.uniform(size=(n, 2))
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(d, np.inf)
    dense = 1.0 / d
    ring = sp.csr_matrix(
        (
            np.ones(2 * n),
            (np.r_[np.arange(n), np.arange(n)], np.r_[np.roll(np.arange(n), 1), np.roll(np.arange(n), -1)]),
        ),
        shape=(n, n),
    )
    knn_like = sp.csr_matrix(np.where(dense > np.sort(dense, axis=1)[:, [-5]], 1.0, 0.0))  # 4 per row, asymmetric
    assert PanelWeights(ring).method == "eigen"  # symmetric, bandwidth 2 after RCM: cheap eigenvalues
    assert PanelWeights(knn_like).method == "lu"  # sparse (5% non-zero) and general
    pw = PanelWeights(sp.csr_matrix(dense))
    assert pw.method == "eigen"
    w = dense / dense.sum(axis=1, keepdims=True)
    assert_allclose(pw.logdet(0.4), np.linalg.slogdet(np.eye(n) - 0.4 * w)[1], rtol=1e-12)


# ---------------------------------------------------------------- bounds, traces and cache of every path
def _dense_bounds(w, general):
    """Admissible interval from dense eigenvalues: the eigenvalue path uses the real eigenvalues only, the
    sparse-LU path (ARPACK, smallest/largest real part) every eigenvalue's real part."""
    ev = np.linalg.eigvals(w)
    re = ev.real if general else ev.real[np.abs(ev.imag) < 1e-10]
    return 1.0 / re.min(), 1.0 / re.max()


@pytest.mark.parametrize("standardize", [True, False])
@pytest.mark.parametrize("kind", ["knn", "weighted symmetric"])
def test_bounds_of_the_eigen_and_lu_paths_equal_dense_eigenvalues(kind, standardize):
    mat = _knn(60) if kind == "knn" else _weighted_symmetric(_queen_lattice())
    eig = PanelWeights(mat, standardize=standardize, logdet="eigen")
    lu = PanelWeights(mat, standardize=standardize, logdet="lu")
    dense = eig.W.toarray()
    assert_allclose(eig.bounds(), _dense_bounds(dense, general=False), rtol=1e-10)
    assert_allclose(lu.bounds(), _dense_bounds(dense, general=True), rtol=1e-5)  # ARPACK tol 1e-6
    if standardize:
        assert lu.bounds()[1] == 1.0
    if kind == "knn":
        assert np.iscomplexobj(eig.eigenvalues)  # the real-eigenvalue filter is exercised


def test_impact_traces_of_an_unstandardised_w_by_sparse_lu_equal_dense(monkeypatch):
    """The sparse-LU branch of the mean row sums (N above DENSE_IMPACT_MAX_N, W not row-standardised), and
    the batched dense branch with integer spatial parameters, against the dense inverse."""
    mat = _knn(60)
    mat.data = np.random.default_rng(2).uniform(0.2, 1.3, mat.nnz)  # row sums not integers
    pw = PanelWeights(mat, standardize=False)
    w = pw.W.toarray()
    rhos = np.array([-0.3, 0.0, 0.15, 0.4])

    def dense(r):
        a = np.linalg.inv(np.eye(60) - r * w)
        return np.trace(a) / 60, np.trace(a @ w) / 60, a.sum() / 60, (a @ w).sum() / 60

    want = np.array([dense(r) for r in rhos]).T
    assert_allclose(np.array(pw.impact_traces(rhos)), want, rtol=1e-10, atol=1e-13)
    assert_allclose(np.array(pw.impact_traces([0, 0])), np.array([dense(0.0)] * 2).T, rtol=1e-12, atol=1e-13)  # int
    monkeypatch.setattr(pw_mod, "DENSE_IMPACT_MAX_N", 10)
    assert_allclose(np.array(pw.impact_traces(rhos)), want, rtol=1e-10, atol=1e-13)


def test_shared_cache_drops_the_least_recently_used_and_keys_on_every_option(monkeypatch):
    pw_mod._CACHE.clear()
    monkeypatch.setattr(pw_mod, "CACHE_SIZE", 2)
    a, b, c = (_knn(30, seed=s) for s in (1, 2, 3))
    pa, pb = PanelWeights.shared(a), PanelWeights.shared(b)
    assert PanelWeights.shared(a) is pa  # a is now the most recently used
    pc = PanelWeights.shared(c)  # drops b, keeps a and c
    assert PanelWeights.shared(c) is pc and PanelWeights.shared(a) is pa
    assert PanelWeights.shared(b) is not pb
    pw_mod._CACHE.clear()
    auto, lu = PanelWeights.shared(a, logdet="auto"), PanelWeights.shared(a, logdet="lu")
    assert auto.method == "eigen" and lu.method == "lu" and auto is not lu
    pw_mod._CACHE.clear()


def test_dense_rescaled_symmetric_matrix_follows_a_spanning_tree():
    """Every unit linked to every other (more than symmetrizer.DENSE_LINKS links per unit): the symmetrising weights come
    from a breadth-first tree instead of the least-squares solve, and still symmetrise W exactly."""
    n = 2 * symmetrizer.DENSE_LINKS + 10
    xy = np.random.default_rng(8).uniform(size=(n, 2))
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(d, np.inf)
    given = _row_standardised(sp.csr_matrix(1.0 / d))
    assert abs(given - given.T).max() > 1e-3
    g = symmetrizer.diagonal_symmetrizer(given)
    assert g is not None and _symmetry_gap(given, g) < 1e-12
    pw = PanelWeights(given)
    assert pw.eig_kind is None and not np.iscomplexobj(pw.eigenvalues) and pw.eig_kind == "symmetric-similar"


def test_graph_object_and_non_float_frames_are_read_like_a_w(cigar, w46):
    libpysal = pytest.importorskip("libpysal")
    ids = sorted(cigar["state"].unique())
    kw = dict(y="logc", x=["logp", "logy"], id="state", time="year", model="sar", effects="individual")
    ref = SpatialPanel(cigar, w=w46, **kw).fit().params
    frame = pd.DataFrame(w46, index=ids, columns=ids)
    graph = libpysal.graph.Graph.from_W(
        libpysal.weights.W(
            {i: [ids[j] for j in np.nonzero(w46[k])[0]] for k, i in enumerate(ids)}, silence_warnings=True
        )
    )
    for w in (graph, frame.astype(object), frame.astype(int)):
        assert_allclose(SpatialPanel(cigar, w=w, **kw).fit().params, ref, rtol=1e-12)
    with pytest.raises(InputError, match="^weights must be a square 2-d matrix$"):
        SpatialPanel(cigar, w=np.ones(46), **kw)


def test_rescaled_symmetric_matrix_with_two_components():
    """Each connected component gets its own grounding; a block-diagonal row-standardised weighted matrix
    (two separate regions) is still recognised and its eigenvalues are exact."""
    c1 = _weighted_symmetric(_queen_lattice(), seed=1)
    c2 = _weighted_symmetric(sp.csr_matrix(_knn(40).toarray() + _knn(40).toarray().T > 0, dtype=float), seed=2)
    given = _row_standardised(sp.block_diag([c1, c2], format="csr"))
    g = symmetrizer.diagonal_symmetrizer(given)
    assert g is not None and _symmetry_gap(given, g) < 1e-12
    pw = PanelWeights(given)
    assert_allclose(np.sort(pw.eigenvalues), np.sort(np.linalg.eigvals(pw.W.toarray()).real), atol=1e-10)


def test_shared_cache_keeps_only_the_newest_when_over_its_nonzero_budget(monkeypatch):
    pw_mod._CACHE.clear()
    monkeypatch.setattr(pw_mod, "CACHE_NNZ", 10)  # every matrix is over the budget
    a, b = _knn(30, seed=1), _knn(30, seed=2)
    PanelWeights.shared(a)
    pb = PanelWeights.shared(b)
    assert len(pw_mod._CACHE) == 1 and next(iter(pw_mod._CACHE.values())) is pb
    pw_mod._CACHE.clear()


def test_diagonal_message_and_a_symmetric_w_with_a_negative_link():
    """A unit that is its own neighbour is refused with one message; a symmetric W with a negative link
    (no positive diagonal symmetriser) has the eigenvalues of the dense symmetric routine."""
    c = np.ones((4, 4)) - np.eye(4)
    c[2, 2] = 1.0
    with pytest.raises(InputError) as exc:
        PanelWeights(sp.csr_matrix(c), standardize=False)
    assert str(exc.value) == "weights matrix has non-zero diagonal entries (a unit is its own neighbour)"
    sym = np.ones((4, 4)) - np.eye(4)
    sym[0, 1] = sym[1, 0] = -2.0  # a negative link: no positive diagonal symmetriser
    pw = PanelWeights(sp.csr_matrix(sym), standardize=False)
    assert_allclose(np.sort(pw.eigenvalues), np.sort(np.linalg.eigvalsh(sym)), atol=1e-12)


def test_bounds_of_a_w_with_complex_eigenvalues_are_its_first_singular_points():
    """An asymmetric kNN matrix whose complex eigenvalues reach further left (real part -0.485) than its
    real ones (-0.460): rho's interval ends where ``I - rho W`` first becomes singular, at the reciprocals
    of the extreme *real* eigenvalues -- the determinant keeps its sign inside and changes it just
    beyond the lower end, while the real parts of the complex pair would give a narrower interval."""
    knn = _knn4(6)
    pw = PanelWeights(sp.csr_matrix(knn), logdet="eigen")
    dense = pw.W.toarray()
    ev = np.linalg.eigvals(dense)
    real = ev[np.abs(ev.imag) < 1e-10].real
    assert ev.real.min() < real.min() - 0.02
    lo, hi = pw.bounds()
    assert_allclose((lo, hi), (1 / real.min(), 1 / real.max()), rtol=1e-12)
    for rho in np.linspace(lo, hi, 41)[1:-1]:
        assert np.linalg.slogdet(np.eye(60) - rho * dense)[0] == 1.0
    assert np.linalg.slogdet(np.eye(60) - lo * (1 + 1e-6) * dense)[0] == -1.0


@pytest.mark.parametrize("scale", [1e-6, 1e6])
def test_a_symmetrisable_w_in_any_units_takes_the_symmetric_route(scale):
    """``W = D^-1 C`` with ``C`` symmetric and positive ``D`` (here unstandardised and scaled): the
    symmetriser is found whatever the units of the weights (its test is relative), the eigenvalues are
    real and equal the dense ones."""
    rng = np.random.default_rng(2)
    c = np.triu(rng.uniform(0.5, 2.0, size=(12, 12)) * (rng.uniform(size=(12, 12)) < 0.4), 1)
    c = c + c.T
    c[np.arange(12), (np.arange(12) + 1) % 12] = c[(np.arange(12) + 1) % 12, np.arange(12)] = 1.0
    mat = scale * np.diag(1 / rng.uniform(0.2, 5.0, size=12)) @ c
    pw = PanelWeights(sp.csr_matrix(mat), standardize=False)
    assert not np.iscomplexobj(pw.eigenvalues) and pw.eig_kind == "symmetric-similar"
    assert_allclose(np.sort(pw.eigenvalues), np.sort(np.linalg.eigvals(mat).real), rtol=1e-9, atol=1e-12 * scale)


def test_a_symmetrisable_w_whose_last_unit_is_an_island():
    """The symmetriser's graph Laplacian keeps every unit, also an island in the last row (no link to size
    it by): the eigenvalues are real, equal the dense ones and include the island's zero."""
    rng = np.random.default_rng(8)
    n = 9
    c = np.zeros((n, n))
    for i in range(n - 2):
        c[i, i + 1] = c[i + 1, i] = rng.uniform(0.5, 2.0)
    c[0, 3] = c[3, 0] = 1.0
    mat = np.diag(rng.uniform(0.3, 3.0, size=n)) @ c  # asymmetric, unit 8 isolated
    pw = PanelWeights(sp.csr_matrix(mat), standardize=False)
    assert pw.islands == 1
    assert not np.iscomplexobj(pw.eigenvalues) and pw.eig_kind == "symmetric-similar"
    assert_allclose(np.sort(pw.eigenvalues), np.sort(np.linalg.eigvals(mat).real), atol=1e-12)


def test_projected_traces_of_a_banded_w_equal_dense():
    """``info_traces(project=True)`` (Lee-Yu: B replaced by M B M) on a banded W large enough for the banded
    route (N = 120 >= BANDED_MIN_N): the dense projected traces, not the unprojected banded ones."""
    n = 120
    c = sp.diags([np.ones(n - 1), np.ones(n - 1), np.ones(n - 2), np.ones(n - 2)], [-1, 1, -2, 2], format="csr")
    pw = PanelWeights(c)
    assert n >= pw_mod.BANDED_MIN_N and pw.method == "eigen"
    w = pw.W.toarray()
    m = np.eye(n) - np.ones((n, n)) / n
    for rho in (-0.4, 0.5):
        b = m @ w @ np.linalg.inv(np.eye(n) - rho * w) @ m
        assert_allclose(pw.info_traces(rho, project=True), (np.trace(b), np.sum(b * b.T), np.sum(b * b)), rtol=1e-10)
        assert_allclose(pw.info_traces(rho), _dense_traces(w, rho), rtol=1e-10)


def test_series_impact_traces_of_an_asymmetric_w_equal_the_eigenvalue_path():
    """Issue 24: with the sparse-LU log-determinant (large N) the impact traces of an asymmetric W come from the
    power series with exact tr(W^j), not from a dense eigen-decomposition (146 s of a fit at N = 3,000); on a
    small asymmetric kNN W they equal the eigenvalue path's, row-standardised or not, for rho across the
    interval, and a fit's effects are the same by either path."""
    import pandas as pd
    import scipy.sparse as sp
    from scipy.spatial import cKDTree

    from aicoord.panel import SpatialPanel
    from aicoord.panel.wmatrix import PanelWeights

    rng = np.random.default_rng(7)
    n = 60
    pts = rng.uniform(size=(n, 2))
    _, idx = cKDTree(pts).query(pts, 5)
    knn = sp.csr_matrix((rng.uniform(0.5, 2.0, n * 4), (np.repeat(np.arange(n), 4), idx[:, 1:].ravel())), shape=(n, n))
    assert abs(knn - knn.T).max() > 0  # asymmetric
    for standardize in (True, False):
        lu, eig = PanelWeights(knn, standardize, "lu"), PanelWeights(knn, standardize, "eigen")
        g = abs(lu.W).sum(axis=1).max()
        rhos = np.array([-0.5, 0.0, 0.3, 0.6, 0.85]) / g
        got, want = lu.impact_traces(rhos), eig.impact_traces(rhos)
        assert lu._eig is None  # no eigenvalues were computed
        for a, b in zip(got, want):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
        for r in rhos:  # the information traces by the sparse LU equal the dense solve's
            np.testing.assert_allclose(lu.info_traces(r), eig.info_traces(r), rtol=1e-12, atol=1e-13)
            np.testing.assert_allclose(
                lu.info_traces(r, project=True), eig.info_traces(r, project=True), rtol=1e-12, atol=1e-13
            )
    rows = [{"id": i, "t": t, "y": rng.normal(), "x": rng.normal()} for t in range(3) for i in range(n)]
    data = pd.DataFrame(rows)
    fits = [
        SpatialPanel(data, y="y", x=["x"], id="id", time="t", w=knn, model="sdm", effects="individual", logdet=m).fit()
        for m in ("lu", "eigen")
    ]
    imp = [f.impacts(draws=200, seed=3) for f in fits]
    # the LU path's rho stops within ~1e-8 of the eigenvalue path's (no score refinement, see test_cli_and_errors)
    np.testing.assert_allclose(imp[0]["estimate"], imp[1]["estimate"], rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(imp[0]["se"], imp[1]["se"], rtol=1e-4)


def test_eigenvalue_cache_on_disk(tmp_path, monkeypatch):
    """A large dense W's eigenvalues are written to the cache folder once and read back bit for bit by a later
    instance (another job of the workflow), which then decomposes nothing; another matrix gets its own file."""
    from aicoord.panel import wmatrix

    monkeypatch.setenv(wmatrix.CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(wmatrix, "EIGEN_CACHE_MIN_N", 30)
    rng = np.random.default_rng(3)
    pts = rng.uniform(size=(40, 2))
    d = np.sqrt(((pts[:, None] - pts[None]) ** 2).sum(-1))
    np.fill_diagonal(d, np.inf)
    full = sp.csr_matrix(1.0 / d)  # every pair linked: the dense decomposition, not the banded one
    first = wmatrix.PanelWeights(full).eigenvalues
    files = list(tmp_path.glob("eigenvalues-v1-40-*.npz"))
    assert len(files) == 1

    def refuse(self):
        raise AssertionError("the eigenvalues were computed again")

    monkeypatch.setattr(wmatrix.PanelWeights, "_eigenvalues_now", refuse)
    again = wmatrix.PanelWeights(full)
    assert np.array_equal(again.eigenvalues, first) and again.eig_kind == "symmetric-similar"
    monkeypatch.undo()
    monkeypatch.setenv(wmatrix.CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(wmatrix, "EIGEN_CACHE_MIN_N", 30)
    other = full.copy()
    other.data = other.data**2
    ev2 = wmatrix.PanelWeights(other).eigenvalues
    assert len(list(tmp_path.glob("eigenvalues-v1-40-*.npz"))) == 2
    np.testing.assert_allclose(
        np.sort(ev2),
        np.sort(np.linalg.eigvals(other.toarray() / other.toarray().sum(1, keepdims=True)).real),
        atol=1e-12,
    )
