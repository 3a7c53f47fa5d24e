"""The information traces of a large W without dense solves (aicoord.panel.spectral and the paths of
PanelWeights.info_traces that use it), checked against the dense definition ``G = W (I - rho W)^{-1}``
computed with numpy's dense solve, and the dynamic model's covariance against the dense path it replaces."""

import numpy as np
import pytest
import scipy.sparse as sp
from libpysal.weights import lat2W
from numpy.testing import assert_allclose

import aicoord.panel.dynamic as dynamic_module
import aicoord.panel.wmatrix as wmatrix
from aicoord.panel.dynamic import DynamicSpatialPanel
from aicoord.panel.spectral import EigenBasis, project_traces
from aicoord.panel.wmatrix import PanelWeights

RHO = 0.37


def dense_g(pw, rho, project):
    """``G`` (or ``J G J``) by a dense solve: the definition the fast paths must reproduce."""
    w = pw.W.toarray()
    g = np.linalg.solve(np.eye(pw.n) - rho * w, w)
    if project:
        g = g - g.mean(axis=0, keepdims=True)
        g = g - g.mean(axis=1, keepdims=True)
    return g


def check(pw, rho, project):
    tr, trgg, trgtg, dg = pw.info_traces(rho, project=project, diagonal=True)
    g = dense_g(pw, rho, project)
    # the projected tr G is a difference of numbers near 1/(1 - rho): compared on the scale of tr G'G
    scale = float(np.sum(g * g))
    assert abs(tr - np.trace(g)) < 1e-12 * scale
    assert abs(trgg - np.sum(g * g.T)) < 1e-12 * scale
    assert abs(trgtg - np.sum(g * g)) < 1e-12 * scale
    assert_allclose(dg, np.diag(g), rtol=0, atol=1e-13 * np.abs(np.diag(g)).max())
    # without the diagonal the same three traces
    assert pw.info_traces(rho, project=project) == pytest.approx((tr, trgg, trgtg), rel=1e-14, abs=1e-14)


def inverse_distance(n, seed=3, power=1.0):
    xy = np.random.default_rng(seed).uniform(size=(n, 2))
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(d, np.inf)
    return sp.csr_matrix(1.0 / d**power)


@pytest.fixture
def small_threshold(monkeypatch):
    """The large-N paths at test size: the spectral threshold 40, the banded one 100."""
    monkeypatch.setattr(wmatrix, "SPECTRAL_MIN_N", 40)
    monkeypatch.setattr(dynamic_module, "SPECTRAL_MIN_N", 40)


@pytest.mark.parametrize("project", [False, True])
def test_eigenvector_basis_traces_equal_the_dense_solve(small_threshold, project):
    pw = PanelWeights(inverse_distance(60))
    assert pw._sym is not None and pw.W.nnz > wmatrix.DENSE_FRACTION * pw.n**2
    check(pw, RHO, project)
    check(pw, -0.6, project)


@pytest.mark.parametrize("project", [False, True])
def test_eigenvector_basis_of_a_matrix_not_row_standardised(small_threshold, project):
    """A symmetric W used as given (``standardize=False``): D is the identity's multiple, not the row sums."""
    m = inverse_distance(50, seed=5)
    m = m / abs(sp.linalg.eigsh(m, k=1, return_eigenvectors=False)[0])  # spectral radius 1
    pw = PanelWeights(sp.csr_matrix(m), standardize=False)
    check(pw, 0.5, project)


@pytest.mark.parametrize("project", [False, True])
def test_banded_path_with_projection_and_diagonal(small_threshold, project):
    """A 12 x 13 rook lattice: the banded Cholesky path (N >= 100) now also serves the two-way forms."""
    w = lat2W(12, 13, rook=True)
    pw = PanelWeights(sp.csr_matrix(w.sparse, dtype=float))
    assert pw._bandwidth() <= wmatrix.BAND_MAX and pw.n >= wmatrix.BANDED_MIN_N
    check(pw, RHO, project)


def test_banded_matrix_asked_many_times_moves_to_its_basis(small_threshold):
    """The first BANDED_CALLS requests are answered by banded solves, the later ones by the eigenvector basis:
    the same traces to rounding, whichever answers."""
    w = lat2W(12, 13, rook=True)
    pw = PanelWeights(sp.csr_matrix(w.sparse, dtype=float))
    first = [pw.info_traces(r, project=True, diagonal=True) for r in np.linspace(-0.5, 0.5, wmatrix.BANDED_CALLS)]
    assert getattr(pw, "_basis", None) is None
    later = [pw.info_traces(r, project=True, diagonal=True) for r in np.linspace(-0.5, 0.5, wmatrix.BANDED_CALLS)]
    assert pw._basis is not None
    for a, b in zip(first, later):
        assert_allclose(a[:3], b[:3], rtol=1e-12)
        assert_allclose(a[3], b[3], rtol=0, atol=1e-14)
    check(pw, RHO, True)


def test_below_the_threshold_the_dense_solve_is_kept():
    """Smaller studies keep the dense solve (their results unchanged to the last bit): the traces are those of
    numpy's solve exactly, not merely to rounding."""
    pw = PanelWeights(inverse_distance(60))
    assert pw.n < wmatrix.SPECTRAL_MIN_N
    w = pw.W.toarray()
    a = -RHO * w
    a[np.diag_indices_from(a)] += 1.0
    g = np.linalg.solve(a, w)
    g = g - g.mean(axis=0, keepdims=True)
    g = g - g.mean(axis=1, keepdims=True)
    assert pw.info_traces(RHO, project=True) == (float(np.trace(g)), float(np.sum(g * g.T)), float(np.sum(g * g)))
    assert getattr(pw, "_basis", None) is None


def test_project_traces_is_the_two_way_transformation():
    rng = np.random.default_rng(8)
    g = rng.normal(size=(9, 9))
    j = np.eye(9) - 1.0 / 9
    jgj = j @ g @ j
    got, dg = project_traces(9, (np.trace(g), np.sum(g * g.T), np.sum(g * g)), g.sum(axis=1), g.sum(axis=0), np.diag(g))
    assert_allclose(got, (np.trace(jgj), np.sum(jgj * jgj.T), np.sum(jgj * jgj)), rtol=1e-13)
    assert_allclose(dg, np.diag(jgj), rtol=1e-13)


def nested(n=70):
    """Half inverse distance, half inverse squared distance, each row-standardised: not similar to a symmetric
    matrix (the study's nested weights are such a sum)."""
    m, other = inverse_distance(n), inverse_distance(n, seed=9, power=2.0)
    return sp.csr_matrix(
        0.5 * sp.diags(1 / np.asarray(m.sum(axis=1)).ravel()) @ m
        + 0.5 * sp.diags(1 / np.asarray(other.sum(axis=1)).ravel()) @ other
    )


@pytest.mark.parametrize("project", [False, True])
def test_dense_general_matrix_traces_share_the_lu_of_the_solve(small_threshold, project):
    pw = PanelWeights(nested())
    assert pw._sym is None and pw._dense_general()
    rhs = np.ones(pw.n)
    pw.solve(RHO, rhs)
    lu = pw._dense_lu(RHO)
    check(pw, RHO, project)
    assert pw._dense_lu(RHO) is lu  # one factorisation at this rho for the solve and the traces
    check(pw, -0.4, project)


@pytest.mark.parametrize("dense", [True, False])
def test_solve_of_a_large_dense_matrix(small_threshold, dense):
    """``(I - rho W) z = rhs`` through the basis (symmetric-similar) and a dense LU (a general W, :func:`nested`)."""
    pw = PanelWeights(inverse_distance(70) if dense else nested())
    assert (pw._sym is not None) is dense
    rhs = np.random.default_rng(1).normal(size=(pw.n, 3))
    z = pw.solve(RHO, rhs)
    assert_allclose(z - RHO * (pw.W @ z), rhs, atol=1e-12)
    assert_allclose(pw.solve(RHO, rhs[:, 0]), z[:, 0], atol=1e-13)
    assert (getattr(pw, "_basis", None) is not None) is dense


def test_lag_of_a_large_dense_matrix_is_the_dense_product(small_threshold):
    pw = PanelWeights(inverse_distance(60))
    x = np.random.default_rng(4).normal(size=(60, 2))
    assert_allclose(pw.lag(x), pw.W @ x, rtol=1e-13, atol=1e-15)
    assert pw._dense is not None  # kept for the next product


def test_eigen_basis_reproduces_w():
    pw = PanelWeights(inverse_distance(30))
    b = EigenBasis(pw._symmetric_similar().toarray(), pw._d)
    w = (b.v * b.omega) @ b.v.T
    assert_allclose(w / b.sq[:, None] * b.sq[None, :], pw.W.toarray(), atol=1e-14)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # Cigar's individual-effects fit is not stationary
@pytest.mark.parametrize("effects", ["individual", "twoways"])
def test_dynamic_information_from_one_basis_equals_the_dense_path(cigar, w46, monkeypatch, effects):
    """The dynamic SDM's bias correction and covariance with the traces and diagonal of G from the eigenvector
    basis equal those of the two dense solves (SDPDmod's Cigar data, 46 states)."""
    kw = dict(y="logc", x=["logp", "logy"], id="state", time="year", w=w46, model="sdm", effects=effects)
    dense = DynamicSpatialPanel(cigar, **kw).fit()
    wmatrix._CACHE.clear()
    monkeypatch.setattr(wmatrix, "SPECTRAL_MIN_N", 40)
    monkeypatch.setattr(dynamic_module, "SPECTRAL_MIN_N", 40)
    fast = DynamicSpatialPanel(cigar, **kw).fit()
    wmatrix._CACHE.clear()
    assert_allclose(fast.params, dense.params, rtol=1e-11)
    assert_allclose(fast.cov, dense.cov, rtol=1e-9)


def test_the_same_weights_object_is_converted_once(monkeypatch):
    """Every fit of a job passes the same frozen Weights object: converted and hashed once (a matrix of 8 million
    weights took a second per fit); another object with the same matrix is converted again but finds the same
    shared PanelWeights by its content."""
    from aicoord.panel import data
    from aicoord.weights_sparse import Weights

    m = inverse_distance(40)
    ids = [f"u{i:02d}" for i in range(40)]
    w = Weights(sp.csr_matrix(m), ids)
    calls = []
    real = data.as_matrix
    monkeypatch.setattr(data, "as_matrix", lambda *a, **k: calls.append(1) or real(*a, **k))
    first = data.panel_weights(w, ids, True, "auto")
    assert data.panel_weights(w, ids, True, "auto") is first and len(calls) == 1
    twin = Weights(sp.csr_matrix(m), ids)
    assert data.panel_weights(twin, ids, True, "auto") is first and len(calls) == 2
    other_order = data.panel_weights(w, ids[::-1], True, "auto")
    assert other_order is not first and len(calls) == 3
    assert_allclose(other_order.W.toarray(), first.W.toarray()[::-1, ::-1])


def test_at_most_bases_max_bases_are_kept(small_threshold, monkeypatch):
    """A matrix per period would hold a basis each (three N x N arrays): beyond BASES_MAX the oldest is given up and
    that matrix goes back to its dense LU (or banded) solves, with the same traces to rounding."""
    monkeypatch.setattr(wmatrix, "BASES_MAX", 1)
    monkeypatch.setattr(wmatrix, "_BASES", wmatrix.OrderedDict())
    one, two = PanelWeights(inverse_distance(60, seed=1)), PanelWeights(inverse_distance(60, seed=2))
    first = one.info_traces(RHO, project=True, diagonal=True)
    assert one._basis is not None
    two.info_traces(RHO, project=True)
    assert one._basis is None and one._basis_evicted and two._basis is not None and len(wmatrix._BASES) == 1
    again = one.info_traces(RHO, project=True, diagonal=True)
    assert one._basis is None and one._dense_general()  # the dense LU now
    assert_allclose(again[:3], first[:3], rtol=1e-11)
    assert_allclose(again[3], first[3], rtol=0, atol=1e-13)
    check(one, RHO, True)
    rhs = np.ones((60, 2))
    z = one.solve(RHO, rhs)
    assert_allclose(z - RHO * (one.W @ z), rhs, atol=1e-12)
