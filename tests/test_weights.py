"""Spatial weights, checked against R spdep/sf (tests/fixtures/esda/make_reference.R)."""
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from aicoord.errors import InputError
from aicoord.weights import (build_weights, capital_coords, distance_weights, economic_weights,
                             great_circle_km, knn_weights, nested_weights, standardize, to_dense_frame,
                             weights_summary)
from helpers import ATOL_R, RTOL_R


def _nb(w):
    return {k: sorted(v) for k, v in w.neighbors.items()}


@pytest.mark.parametrize("kind", ["queen", "rook"])
def test_contiguity_matches_spdep_poly2nb(provinces_gdf, spdep_reference, kind):
    w = build_weights({"kind": kind, "island_links": {}}, provinces_gdf)
    assert _nb(w) == {k: sorted(v) for k, v in spdep_reference[f"{kind}_unlinked"].items()}
    assert w.islands == ["460000"]


def test_hainan_linked_to_guangdong_by_default(provinces_gdf):
    w = build_weights({"kind": "queen"}, provinces_gdf)
    assert w.neighbors["460000"] == ["440000"] and "460000" in w.neighbors["440000"]
    s = weights_summary(w, "queen")
    assert (s["islands"], s["components"], s["links"], s["asymmetric_links"]) == (0, 1, 138, 0)


def test_knn_matches_r(spdep_reference):
    w = knn_weights(4)
    ref = spdep_reference["results"]["knn4"]["neighbours"]
    assert _nb(w) == {k: sorted(v) for k, v in ref.items()}
    assert all(len(v) == 4 for v in w.neighbors.values())


def test_great_circle_distances_match_s2(spdep_reference):
    # s2 uses a sphere of radius 6371.01 km, this package 6371.0088 km: relative difference 1.9e-7
    assert_allclose(great_circle_km(capital_coords()), np.array(spdep_reference["dist_km"]), rtol=RTOL_R,
                    atol=1e-6)


def test_inverse_distance_power_and_cutoff(spdep_reference):
    d = np.array(spdep_reference["dist_km"])
    w = distance_weights(power=2, cutoff_km=1000)
    mat = w.full()[0]
    expected = np.where((d > 0) & (d <= 1000), 1 / np.where(d > 0, d, 1) ** 2, 0.0)
    assert_allclose(mat, expected, rtol=RTOL_R, atol=ATOL_R)
    r = standardize(w).full()[0]
    has = expected.sum(1) > 0
    assert_allclose(r.sum(1)[has], 1.0)
    # Urumqi and Lhasa have no other capital within 1000 km: islands, reported as such
    assert weights_summary(w, "d")["islands"] == int((~has).sum()) == 2


def test_economic_and_nested_small_case():
    g = pd.Series([1.0, 2.0, 4.0], index=["110000", "120000", "130000"])
    we = economic_weights(g).full()[0]
    assert_allclose(we, [[0, 1, 1 / 3], [1, 0, 1 / 2], [1 / 3, 1 / 2, 0]])
    wd = distance_weights(codes=list(g.index))
    wn = nested_weights(wd, economic_weights(g), g, phi=0.25).full()[0]
    rd = wd.full()[0] / wd.full()[0].sum(1, keepdims=True)
    re = we / we.sum(1, keepdims=True)
    assert_allclose(wn, 0.25 * rd + 0.75 * re)
    ws = nested_weights(wd, economic_weights(g), g, form="scaled").full()[0]
    assert_allclose(ws, wd.full()[0] * (g.to_numpy() / g.mean())[None, :])
    with pytest.raises(ValueError, match="identical"):
        economic_weights(pd.Series([1.0, 1.0], index=["110000", "120000"]))




@pytest.mark.parametrize("phi", [0.0, 0.3, 1.0])
def test_build_weights_distance_and_nested(spdep_reference, phi):
    """build_weights: 'distance' is the inverse-distance matrix of R's great-circle distances; 'nested' is
    phi R(W_d) + (1 - phi) R(W_e) with W_e = 1/|g_i - g_j| (phi = 0: the economic matrix row-standardised,
    phi = 1: the distance one), all computed here from the R distances and a GDP series."""
    d = np.array(spdep_reference["dist_km"])
    codes = spdep_reference["codes"]
    wd = np.where(d > 0, 1 / np.where(d > 0, d, 1) ** 1.5, 0.0)
    got = build_weights({"kind": "distance", "power": 1.5})
    assert got.id_order == codes
    assert_allclose(got.full()[0], wd, rtol=RTOL_R, atol=ATOL_R)
    g = pd.Series(np.linspace(30_000, 150_000, 31)[::-1], index=codes)
    gap = np.abs(g.to_numpy()[:, None] - g.to_numpy()[None, :])
    we = np.where(gap > 0, 1 / np.where(gap > 0, gap, 1), 0.0)
    nested = build_weights({"kind": "nested", "power": 1.5, "phi": phi}, gdp_pc_mean=g).full()[0]
    expected = (phi * wd / wd.sum(1, keepdims=True) + (1 - phi) * we / we.sum(1, keepdims=True))
    assert_allclose(nested, expected, rtol=RTOL_R, atol=1e-15)
    with pytest.raises(InputError, match="need GDP per capita"):
        build_weights({"kind": "nested"})
