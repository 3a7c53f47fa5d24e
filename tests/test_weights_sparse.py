"""The one weights object, loader and normaliser (aicoord.weights_sparse)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from numpy.testing import assert_array_equal

from aicoord.errors import EstimationError, InputError
from aicoord.study._common import dense_w, setting
from aicoord.weights_load import load_standardised, load_weights
from aicoord.weights_sparse import Weights, read_npz_summary, row_standardise, write_npz


def _raw(n=120, seed=0, density=0.3):
    rng = np.random.default_rng(seed)
    a = rng.random((n, n)) * (rng.random((n, n)) < density)
    np.fill_diagonal(a, 0)
    a[np.arange(n), (np.arange(n) + 1) % n] += 0.5  # no unit without neighbours
    return a, [f"u{i:03d}" for i in range(n)]


def test_row_standardise_equals_the_dense_table_bit_for_bit():
    """The independent reference is the study's former path: an N×N DataFrame restricted with .loc and
    divided by numpy's row sums (dense_w on a DataFrame); equal bit for bit, also after dropping units."""
    a, ids = _raw()
    frame = pd.DataFrame(a, index=ids, columns=ids)
    w = Weights(sp.csr_matrix(a), ids)
    keep = [i for k, i in enumerate(ids) if k % 7]
    for sub in (ids, keep):
        assert_array_equal(dense_w(w, sub), dense_w(frame, sub))
        assert_array_equal(row_standardise(w.restrict(sub).sparse).toarray(), dense_w(frame, sub))


def test_a_row_without_neighbours_is_refused_by_name():
    m = sp.csr_matrix(np.array([[0, 1.0, 0], [1.0, 0, 0], [0, 0, 0]]))
    with pytest.raises(EstimationError, match="c"):
        row_standardise(m, ["a", "b", "c"])


def test_the_summary_travels_with_the_weights(tmp_path):
    a, ids = _raw(20)
    about = {"matrix": "econ", "kind": "economic", "note": "GDP per capita from the panel", "n": np.int64(20)}
    write_npz(sp.csr_matrix(a), ids, tmp_path / "econ_raw.npz", summary=about)
    w = load_weights(tmp_path / "econ_raw.npz")
    assert (w.kind, w.name, w.note) == ("economic", "econ", "GDP per capita from the panel")
    assert w.summary == {**about, "n": 20} and read_npz_summary(tmp_path / "econ_raw.npz") == w.summary
    assert_array_equal(w.dense(), a)
    rs = np.asfortranarray(a).sum(axis=1, keepdims=True)  # each row from left to right
    s = load_standardised(tmp_path / "econ_raw.npz")
    assert_array_equal(s.dense(), a / rs)
    assert s.summary == w.summary and w.restrict(ids[:5]).summary == w.summary  # it stays with the matrix


def test_no_summary_is_looked_for_by_file_name(tmp_path):
    """A summary JSON lying beside a weights file is not read (it once was, found by the file's name): the
    summary is the one inside the .npz, or one given explicitly."""
    a, ids = _raw(10)
    write_npz(sp.csr_matrix(a), ids, tmp_path / "econ_raw.npz")
    (tmp_path / "econ_summary.json").write_text(json.dumps({"matrix": "econ", "kind": "economic", "note": "beside"}))
    w = load_weights(tmp_path / "econ_raw.npz")
    assert (w.kind, w.note, w.summary) == ("", "", {})
    given = load_weights(tmp_path / "econ_raw.npz", summary=tmp_path / "econ_summary.json")
    assert (given.kind, given.name, given.note) == ("economic", "econ", "beside")
    assert load_weights(tmp_path / "econ_raw.npz", summary={"kind": "knn"}).kind == "knn"


def test_a_broken_stored_summary_gets_a_clean_message(tmp_path):
    a, ids = _raw(6)
    write_npz(sp.csr_matrix(a), ids, tmp_path / "w.npz", summary=["not", "a", "dict"])
    with pytest.raises(InputError, match="summary stored in the weights file is not a JSON object"):
        load_weights(tmp_path / "w.npz")
    with pytest.raises(TypeError, match="not object"):
        write_npz(sp.csr_matrix(a), ids, tmp_path / "v.npz", summary={"x": object()})


def test_setting_keeps_the_weights_sparse_and_equal_to_the_dense_path():
    a, ids = _raw(40)
    data = pd.DataFrame({"code": np.repeat(ids, 3), "year": np.tile([1, 2, 3], len(ids)), "y": 1.0})
    frame = pd.DataFrame(a, index=ids, columns=ids)
    s_sparse = setting(data, "code", "year", Weights(sp.csr_matrix(a), ids), drop=("u005",))
    s_dense = setting(data, "code", "year", frame, drop=("u005",))
    assert sp.issparse(s_sparse.weights.sparse) and s_sparse.ids == s_dense.ids
    assert_array_equal(s_sparse.W, s_dense.W)
    assert s_sparse.W.flags["F_CONTIGUOUS"] == s_dense.W.flags["F_CONTIGUOUS"]


@pytest.mark.parametrize("kind", ["distance", "economic", "nested"])
def test_full_kinds_built_sparse_write_the_same_raw_file(tmp_path, kind):
    """Above dense_max the weights step builds the full kinds without a libpysal W: the raw .npz and the
    summary equal those written from the libpysal W (the reference), byte for byte."""
    from aicoord.provinces import province_table
    from aicoord.weights import build_weights
    from aicoord.weights_io import write_weights

    codes = list(province_table()["code"])
    gdp = pd.Series(np.linspace(1.0, 4.0, len(codes)) ** 1.3, index=codes)
    spec = {"kind": kind}
    ref = build_weights(spec, gdp_pc_mean=gdp)
    new = build_weights(spec, gdp_pc_mean=gdp, sparse=True)
    assert isinstance(new, Weights)
    s_ref = write_weights(ref, tmp_path / "a" / "w", name="w", dense_max=10)
    s_new = write_weights(new, tmp_path / "b" / "w", name="w", dense_max=10)
    assert s_ref == s_new
    assert (tmp_path / "a" / "w_raw.npz").read_bytes() == (tmp_path / "b" / "w_raw.npz").read_bytes()
