"""Log-determinant and trace machinery: eigenvalue (real symmetric-similar, banded, complex) and
sparse-LU paths agree with dense linear algebra; weights inputs (libpysal W, sparse, DataFrame)."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose

from aicoord.errors import InputError
from aicoord.panel import SpatialPanel
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


def test_complex_eigenvalues_and_lu_agree():
    rng = np.random.default_rng(5)
    pts = rng.uniform(size=(60, 2))
    d = np.linalg.norm(pts[:, None] - pts[None], axis=2)
    np.fill_diagonal(d, np.inf)
    knn = np.zeros((60, 60))
    for i in range(60):
        knn[i, np.argsort(d[i])[:4]] = 1  # asymmetric k-nearest neighbours
    eig = PanelWeights(sp.csr_matrix(knn), logdet="eigen")
    lu = PanelWeights(sp.csr_matrix(knn), logdet="lu")
    assert np.iscomplexobj(eig.eigenvalues) and eig.eig_kind == "general"
    for rho in (-0.4, 0.2, 0.9):
        ref = np.linalg.slogdet(np.eye(60) - rho * eig.W.toarray())[1]
        assert_allclose(eig.logdet(rho), ref, rtol=1e-11)
        assert_allclose(lu.logdet(rho), ref, rtol=1e-11)
        assert_allclose(eig.info_traces(rho), _dense_traces(eig.W.toarray(), rho), rtol=1e-10)


def test_lu_method_fit_equals_eigen(cigar, w46, tol):
    a = SpatialPanel(cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=w46,
                     model="sdm", effects="twoways", logdet="eigen").fit()
    b = SpatialPanel(cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=w46,
                     model="sdm", effects="twoways", logdet="lu").fit()
    assert_allclose(b.params.to_numpy(), a.params.to_numpy(), rtol=0, atol=1e-7)
    assert_allclose(b.std_errors.to_numpy(), a.std_errors.to_numpy(), rtol=1e-6)
    assert_allclose(b.loglik, a.loglik, rtol=1e-12)


def test_weights_inputs_equivalent(cigar, w46):
    libpysal = pytest.importorskip("libpysal")
    ids = sorted(cigar["state"].unique())
    kw = dict(y="logc", x=["logp", "logy"], id="state", time="year", model="sar",
              effects="individual")
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
