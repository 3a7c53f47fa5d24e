"""Tests of aicoord.markov (spatial Markov chains) against an independent count on a lattice."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from libpysal.weights import W, lat2W
from numpy.testing import assert_allclose

from aicoord.errors import InputError
from aicoord.markov import spatial_markov

FIX = Path(__file__).parent / "fixtures" / "measures"


@pytest.fixture(scope="module")
def panel():
    return pd.read_csv(FIX / "convergence_panel.csv")


def _panel_w(panel):
    base = lat2W(3, 4)  # rook contiguity on a 3 x 4 lattice, ids 0..11
    name = {i: f"u{i:02d}" for i in range(12)}
    return W({name[i]: [name[j] for j in nb] for i, nb in base.neighbors.items()},
             id_order=[name[i] for i in range(12)], silence_warnings=True)

def test_spatial_markov_counts_independent(panel):
    w = _panel_w(panel)
    res = spatial_markov(panel, "gdp_pc", w, unit="unit", year="year", k=3)
    # independent count: relative values, pooled quantile classes (numpy), row-standardised lag
    rel = panel["gdp_pc"] / panel.groupby("year")["gdp_pc"].transform("mean")
    wide = panel.assign(r=rel).pivot(index="unit", columns="year", values="r")
    ids = list(w.id_order)
    Y = wide.loc[ids].to_numpy()
    full, _ = w.full()
    Wr = full / full.sum(axis=1, keepdims=True)
    L = Wr @ Y
    cls = np.searchsorted(np.quantile(Y, [1 / 3, 2 / 3, 1]), Y, side="left")
    lcls = np.searchsorted(np.quantile(L, [1 / 3, 2 / 3, 1]), L, side="left")
    T = np.zeros((3, 3, 3))
    for i in range(Y.shape[0]):
        for t in range(Y.shape[1] - 1):
            T[lcls[i, t], cls[i, t], cls[i, t + 1]] += 1
    tr = res["transitions"]
    for c in range(3):
        sub = tr[tr["lag_class"] == c + 1].sort_values(["from_class", "to_class"])
        assert_allclose(sub["count"].to_numpy().reshape(3, 3), T[c], rtol=0, atol=0)
        rows = T[c].sum(axis=1, keepdims=True)
        P = np.divide(T[c], rows, out=np.zeros_like(T[c]), where=rows > 0)
        assert_allclose(sub["probability"].to_numpy().reshape(3, 3), P, rtol=1e-14)
    allc = tr[tr["lag_class"] == "all"].sort_values(["from_class", "to_class"])
    assert_allclose(allc["count"].to_numpy().reshape(3, 3), T.sum(axis=0), rtol=0, atol=0)
    assert int(allc["count"].sum()) == 12 * 7
    assert {"Q", "Q_p_value", "LR", "LR_p_value", "dof"} <= set(res["tests"].columns)
    # the a-spatial steady state s solves s P = s and sums to 1
    P_all = allc["probability"].to_numpy().reshape(3, 3)
    s = res["steady_state"].query("lag_class == 'all'")["probability"].to_numpy()
    assert_allclose(s @ P_all, s, rtol=1e-10)
    assert_allclose(s.sum(), 1.0, rtol=1e-12)

def test_spatial_markov_rejects_unbalanced(panel):
    with pytest.raises(InputError):
        spatial_markov(panel.iloc[1:], "gdp_pc", _panel_w(panel), unit="unit", year="year")
