"""Where the engine checks a weights matrix against the panel (:func:`aicoord.panel.wmatrix.as_matrix`): once,
when it takes the matrix. A matrix without ids of the wrong size (too large or too small) gets one clean message
naming its size and the panel's; a matrix that carries the panel's ids in the panel's order (the study's
:class:`aicoord.weights_sparse.Weights` after :func:`aicoord.study.setting`) is taken in its order, not
permuted."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from aicoord.errors import InputError
from aicoord.panel import SpatialPanel
from aicoord.panel.wmatrix import as_matrix
from aicoord.weights_sparse import Weights


def _ring(n):
    w = np.zeros((n, n))
    for i in range(n):
        w[i, (i + 1) % n] = w[(i + 1) % n, i] = 1.0
    return w


def _panel(n=8, t=4, seed=0):
    rng = np.random.default_rng(seed)
    ids = [f"u{i}" for i in range(n)]
    d = pd.DataFrame([(u, y) for u in ids for y in range(t)], columns=["id", "year"])
    d["x"] = rng.standard_normal(len(d))
    d["y"] = d["x"] + rng.standard_normal(len(d))
    return d, ids


@pytest.mark.parametrize("size", [9, 7])
def test_a_matrix_of_the_wrong_size_gets_one_clean_message(size):
    d, _ = _panel()
    with pytest.raises(InputError) as exc:
        SpatialPanel(d, y="y", x=["x"], id="id", time="year", w=_ring(size), model="sar")
    assert str(exc.value) == f"w matrix is {size} x {size} but the panel has 8 units"  # w: the argument


def test_a_too_large_matrix_per_period_names_its_period():
    d, _ = _panel()
    d = d.drop(index=[0]).reset_index(drop=True)  # unbalanced: u0 misses year 0
    ws = {y: _ring(8) for y in range(4)}
    ws[2] = _ring(10)
    with pytest.raises(InputError) as exc:
        SpatialPanel(d, y="y", x=["x"], id="id", time="year", w=ws, model="sar")
    assert str(exc.value) == "weights matrix of period 2 is 10 x 10 but the panel has 8 units"


def test_weights_carrying_ids_are_put_in_the_panel_order_and_a_wrong_one_is_refused():
    _, ids = _panel()
    w = Weights(sp.csr_matrix(_ring(8)), ids)
    mat, carried = as_matrix(w, ids)
    assert carried == ids and (mat != w.sparse).nnz == 0
    # in another order the matrix is permuted to the panel's
    rev = Weights(sp.csr_matrix(_ring(8))[::-1][:, ::-1].tocsr(), ids[::-1])
    np.testing.assert_array_equal(as_matrix(rev, ids)[0].toarray(), _ring(8))
    # a matrix with a unit more than the panel is refused by its ids
    big = Weights(sp.csr_matrix(_ring(9)), [*ids, "u8"])
    with pytest.raises(InputError, match=r"1 unit\(s\) of the weights missing from the panel: u8"):
        as_matrix(big, ids)
