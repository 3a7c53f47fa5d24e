"""Spatial weights, checked against R spdep/sf (tests/fixtures/esda/make_reference.R)."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from aicoord.errors import InputError
from aicoord.weights import (
    build_weights,
    capital_coords,
    distance_weights,
    economic_weights,
    great_circle_km,
    knn_weights,
    nested_weights,
    standardize,
    to_dense_frame,
    weights_summary,
)
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


def test_contiguity_is_computed_once_per_polygons_and_kind(provinces_gdf, spdep_reference, monkeypatch):
    import aicoord.weights as aw

    monkeypatch.setattr(aw, "_CONTIGUITY", {})
    built = []
    real = aw.shared_boundary_pairs

    def counting(*args, **kwargs):
        built.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(aw, "shared_boundary_pairs", counting)
    first = build_weights({"kind": "queen", "island_links": {}}, provinces_gdf)
    second = build_weights({"kind": "queen"}, provinces_gdf.copy())  # the same polygons, another frame
    assert len(built) == 1
    assert _nb(first) == {k: sorted(v) for k, v in spdep_reference["queen_unlinked"].items()}
    assert second.neighbors["460000"] == ["440000"] and first.neighbors["460000"] == []  # links not cached
    moved = provinces_gdf.copy()
    moved.loc[moved.index[0], "geometry"] = moved.geometry.iloc[0].buffer(0.5)  # other polygons: rebuilt
    build_weights({"kind": "queen", "island_links": {}}, moved)
    assert len(built) == 2


def test_knn_matches_r(spdep_reference):
    w = knn_weights(4)
    ref = spdep_reference["results"]["knn4"]["neighbours"]
    assert _nb(w) == {k: sorted(v) for k, v in ref.items()}
    assert all(len(v) == 4 for v in w.neighbors.values())


def test_great_circle_distances_match_s2(spdep_reference):
    # s2 uses a sphere of radius 6371.01 km, this package 6371.0088 km: relative difference 1.9e-7
    assert_allclose(great_circle_km(capital_coords()), np.array(spdep_reference["dist_km"]), rtol=RTOL_R, atol=1e-6)


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
    expected = phi * wd / wd.sum(1, keepdims=True) + (1 - phi) * we / we.sum(1, keepdims=True)
    assert_allclose(nested, expected, rtol=RTOL_R, atol=1e-15)
    with pytest.raises(InputError, match="need GDP per capita"):
        build_weights({"kind": "nested"})


# ---------------------------------------------------------------- mutation-testing additions
# (tests/MUTATION.md lists the mutants each of these kills)

from aicoord.weights import contiguity_weights, from_dense  # noqa: E402


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: contiguity_weights(None, "bishop"), "kind must be 'queen' or 'rook', not 'bishop'"),
        (lambda: knn_weights(0), "k must be between 1 and 30, not 0"),
        (lambda: knn_weights(31), "k must be between 1 and 30, not 31"),
        (
            lambda: economic_weights(pd.Series([1.0, 2.0, 2.0], index=["110000", "120000", "130000"])),
            "provinces 120000 and 130000 have identical mean GDP per capita; economic distance weights are undefined",
        ),
        (
            lambda: nested_weights(distance_weights(codes=["110000", "120000"]), None, form="scaled"),
            "form='scaled' needs gdp_pc_mean",
        ),
        (
            lambda: nested_weights(distance_weights(codes=["110000", "120000"]), None, form="mixed"),
            "form must be 'convex' or 'scaled', not 'mixed'",
        ),
        (lambda: build_weights({"kind": "economic"}), "'economic' weights need GDP per capita from a panel"),
        (lambda: build_weights({"kind": "nested"}), "'nested' weights need GDP per capita from a panel"),
        (lambda: build_weights({"kind": "hexagon"}), "unknown weights kind 'hexagon'"),
    ],
)
def test_bad_input_messages(call, message):
    with pytest.raises(InputError) as err:
        call()
    assert str(err.value) == message


def test_unknown_island_link_and_links_between_neighbours(provinces_gdf):
    with pytest.raises(InputError) as err:
        contiguity_weights(provinces_gdf, "queen", {"460000": ["999999"]})
    assert str(err.value) == (
        "island link 460000–999999: unknown unit code (name units of the study's level "
        "(island_links: nearest links every unit without a land border to its nearest unit))"
    )
    # a link between provinces that already share a border adds nothing (no duplicate neighbour)
    base = contiguity_weights(provinces_gdf, "rook", {})
    w = contiguity_weights(provinces_gdf, "rook", {"110000": ["120000"]})
    assert "120000" in base.neighbors["110000"]
    assert w.neighbors == base.neighbors


def test_knn_accepts_the_largest_k_and_builds_the_default_kinds(spdep_reference):
    full = knn_weights(30)
    assert all(len(v) == 30 for v in full.neighbors.values())
    assert _nb(build_weights({"kind": "knn"})) == _nb(knn_weights(4))
    # defaults of the distance kind: inverse distance (power 1), no cutoff, from the s2 distances of R
    d = np.array(spdep_reference["dist_km"])
    inv = np.where(d > 0, 1 / np.where(d > 0, d, 1), 0.0)
    assert_allclose(build_weights({"kind": "distance"}).full()[0], inv, rtol=1e-6)
    assert_allclose(distance_weights().full()[0], inv, rtol=1e-6)


def test_distance_cutoff_keeps_pairs_at_the_cutoff(spdep_reference):
    codes = ["110000", "120000", "130000"]
    d = great_circle_km(capital_coords(codes))
    w = distance_weights(power=1, cutoff_km=d[0, 1], codes=codes).full()[0]
    assert w[0, 1] == w[1, 0] == 1 / d[0, 1]


def test_economic_and_nested_defaults_from_independent_distances(spdep_reference):
    # nested default: phi = 0.5, convex, inverse distance; distances of R s2, economic distance by hand
    from aicoord.provinces import province_table

    codes = list(province_table()["code"])
    g = pd.Series(np.linspace(1.0, 4.0, len(codes)) ** 1.3, index=codes)
    d = np.array(spdep_reference["dist_km"])
    wd = np.where(d > 0, 1 / np.where(d > 0, d, 1), 0.0)
    diff = np.abs(g.to_numpy()[:, None] - g.to_numpy()[None, :])
    we = np.where(diff > 0, 1 / np.where(diff > 0, diff, 1), 0.0)
    assert_allclose(build_weights({"kind": "economic"}, gdp_pc_mean=g).full()[0], we, rtol=1e-12)
    expect = 0.5 * wd / wd.sum(1, keepdims=True) + 0.5 * we / we.sum(1, keepdims=True)
    assert_allclose(build_weights({"kind": "nested"}, gdp_pc_mean=g).full()[0], expect, rtol=1e-6)
    scaled = build_weights({"kind": "nested", "form": "scaled", "power": 2}, gdp_pc_mean=g).full()[0]
    assert_allclose(scaled, wd**2 * (g.to_numpy() / g.mean())[None, :], rtol=1e-6)


def test_great_circle_antipodes_and_identical_points():
    d = great_circle_km(np.array([[0.0, 0.0], [180.0, 0.0], [0.0, 0.0], [10.0, 90.0], [-170.0, 90.0]]))
    assert_allclose(d[0, 1], np.pi * 6371.0088, rtol=1e-15)
    assert d[0, 2] == 0.0 and d[3, 4] < 1e-9 and not np.isnan(d).any()


def test_dense_frame_transform_and_standardize_copy():
    w = from_dense(np.array([[0.0, 2.0, 0.0], [1.0, 0.0, 3.0], [0.0, 0.0, 0.0]]), ["a", "b", "c"])
    assert w.transform == "O"
    f = to_dense_frame(w)
    assert f.index.name == "code" and list(f.index) == list(f.columns) == ["a", "b", "c"]
    assert_allclose(f.to_numpy(), [[0, 2, 0], [1, 0, 3], [0, 0, 0]])
    r = standardize(w)
    assert_allclose(r.full()[0], [[0, 1, 0], [0.25, 0, 0.75], [0, 0, 0]])
    # the original is left as it was
    assert w.transform == "O"
    assert_allclose(w.full()[0], [[0, 2, 0], [1, 0, 3], [0, 0, 0]])


def test_weights_summary_of_a_small_asymmetric_matrix():
    # a -> b (2), b -> a (1), b -> c (3); c has no outgoing link
    w = from_dense(np.array([[0.0, 2.0, 0.0], [1.0, 0.0, 3.0], [0.0, 0.0, 0.0]]), ["a", "b", "c"])
    s = weights_summary(w, "toy")
    assert s == {
        "matrix": "toy",
        "n": 3,
        "links": 3,
        "pct_nonzero": 100 * 3 / 9,
        "min_neighbours": 0,
        "mean_neighbours": 1.0,
        "max_neighbours": 2,
        "islands": 1,
        "island_ids": "c",
        "components": 1,
        "asymmetric_links": 2,
        "symmetric_values": False,
    }
    sym = from_dense(np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]), ["a", "b", "c"])
    s = weights_summary(sym, "pair")
    assert (s["components"], s["asymmetric_links"], s["symmetric_values"], s["islands"]) == (2, 0, True, 1)
    # same links, different values: symmetric pattern, asymmetric values
    s = weights_summary(from_dense(np.array([[0.0, 1.0], [2.0, 0.0]]), ["a", "b"]), "v")
    assert (s["asymmetric_links"], s["symmetric_values"]) == (0, False)


def test_economic_weights_of_integer_gdp_and_nested_default_phi():
    g = pd.Series([1, 2, 4], index=["110000", "120000", "130000"])  # integer means are valid input
    we = economic_weights(g).full()[0]
    assert_allclose(we, [[0, 1, 1 / 3], [1, 0, 1 / 2], [1 / 3, 1 / 2, 0]], rtol=1e-15)
    wd = distance_weights(codes=list(g.index))
    d = great_circle_km(capital_coords(list(g.index)))
    inv = np.where(d > 0, 1 / np.where(d > 0, d, 1), 0.0)
    expect = 0.5 * inv / inv.sum(1, keepdims=True) + 0.5 * we / we.sum(1, keepdims=True)
    assert_allclose(nested_weights(wd, economic_weights(g)).full()[0], expect, rtol=1e-12)


def test_knn_default_k_subset_order_and_silence():
    import warnings

    assert all(len(v) == 4 for v in knn_weights().neighbors.values())
    # a subset of provinces in a given (not sorted) order: ids and neighbour lists follow that order,
    # neighbours from the great-circle distances of the subset computed here
    codes = ["650000", "110000", "310000", "120000", "440000", "130000"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        w1 = knn_weights(1, codes=codes)
        w = knn_weights(2, codes=codes)
    d = great_circle_km(capital_coords(codes))
    np.fill_diagonal(d, np.inf)
    assert w.id_order == codes and w1.id_order == codes
    for i, c in enumerate(codes):
        near = {codes[j] for j in np.argsort(d[i])[:2]}
        assert set(w.neighbors[c]) == near
        assert w.neighbors[c] == sorted(w.neighbors[c], key=codes.index)
        assert w1.neighbors[c] == [codes[int(np.argmin(d[i]))]]


def test_standardize_keeps_order_and_is_silent_with_islands():
    import warnings

    codes = ["650000", "540000", "110000", "120000"]  # Urumqi and Lhasa: no other capital within 1000 km
    w = distance_weights(cutoff_km=1000, codes=codes)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = standardize(w)
    assert r.id_order == codes and r.transform == "R"
    full = r.full()[0]
    assert_allclose(full[2:, 2:], [[0, 1], [1, 0]]) and not full[:2].any()


def test_weights_summary_of_an_empty_matrix():
    s = weights_summary(from_dense(np.zeros((3, 3)), ["a", "b", "c"]), "none")
    assert (s["links"], s["islands"], s["island_ids"], s["components"], s["max_neighbours"]) == (0, 3, "a;b;c", 3, 0)
    assert s["symmetric_values"] is True and s["asymmetric_links"] == 0


def test_knn_warns_at_most_once_about_disconnected_neighbours():
    import warnings

    # k = 1 on two far-apart pairs (Beijing-Tianjin, Shanghai-Zhejiang): two components
    codes = ["110000", "120000", "310000", "330000"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        w = knn_weights(1, codes=codes)
    assert w.neighbors == {"110000": ["120000"], "120000": ["110000"], "310000": ["330000"], "330000": ["310000"]}
    assert sum("not fully connected" in str(c.message) for c in caught) <= 1


def test_great_circle_rounding_at_antipodes_and_silent_distance_weights():
    import warnings

    # (1E, 8N) and its antipode (179W, 8S): the haversine term rounds to 1 + 2e-16; the distance is
    # still half the circumference, not NaN
    d = great_circle_km(np.array([[1.0, 8.0], [-179.0, -8.0]]))
    assert_allclose(d[0, 1], np.pi * 6371.0088, rtol=1e-12)
    # the zero self-distances are not divided into a warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        distance_weights(codes=["110000", "120000"])


def test_weights_summary_symmetry_tolerance_is_strict():
    # |w_ij - w_ji| = 1e-12 exactly is not below the tolerance 1e-12
    w = from_dense(np.array([[0.0, 2e-12], [1e-12, 0.0]]), ["a", "b"])
    assert weights_summary(w, "t")["symmetric_values"] is False


def test_from_dense_is_silent_about_islands():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        w = from_dense(np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]), ["a", "b", "c"])
    assert w.islands == ["c"]


def test_build_weights_passes_power_and_cutoff(spdep_reference):
    d = np.array(spdep_reference["dist_km"])
    expected = np.where((d > 0) & (d <= 1000), 1 / np.where(d > 0, d, 1) ** 2, 0.0)
    w = build_weights({"kind": "distance", "power": 2, "cutoff_km": 1000})
    assert_allclose(w.full()[0], expected, rtol=RTOL_R, atol=ATOL_R)


def test_build_nested_passes_phi_cutoff_and_the_panel_provinces(spdep_reference, provinces_gdf):
    # five provinces of a panel, phi 0.25, cutoff 1500 km; distances of R s2 for those five
    from aicoord.provinces import province_table

    codes = list(province_table()["code"])
    pick = [3, 0, 10, 18, 8]
    sub = [codes[i] for i in pick]
    g = pd.Series([2.0, 5.0, 3.5, 1.2, 4.1], index=sub)
    d = np.array(spdep_reference["dist_km"])[np.ix_(pick, pick)]
    wd = np.where((d > 0) & (d <= 1500), 1 / np.where(d > 0, d, 1), 0.0)
    diff = np.abs(g.to_numpy()[:, None] - g.to_numpy()[None, :])
    we = np.where(diff > 0, 1 / np.where(diff > 0, diff, 1), 0.0)
    expect = 0.25 * wd / wd.sum(1, keepdims=True) + 0.75 * we / we.sum(1, keepdims=True)
    w = build_weights({"kind": "nested", "phi": 0.25, "cutoff_km": 1500}, gdp_pc_mean=g)
    assert w.id_order == sub
    assert_allclose(w.full()[0], expect, rtol=1e-6)
    # contiguity: queen is the default kind
    assert _nb(contiguity_weights(provinces_gdf)) == _nb(contiguity_weights(provinces_gdf, "queen"))


def test_units_given_by_their_own_coordinates():
    """Prefecture- or county-level units: ``coords`` (lon, lat by code) replaces the capitals, in the order of
    ``codes`` when given, else of the frame; distance and nested weights then use them (checked against great
    circle distances computed here)."""
    coords = pd.DataFrame(
        {"lon": [116.4, 121.5, 113.3, 104.1], "lat": [39.9, 31.2, 23.1, 30.7]}, index=["u1", "u2", "u3", "u4"]
    )
    assert_allclose(capital_coords(coords=coords), coords.to_numpy())
    assert_allclose(capital_coords(["u3", "u1"], coords=coords), coords.loc[["u3", "u1"]].to_numpy())
    d = great_circle_km(coords.to_numpy())
    wd = distance_weights(codes=None, coords=coords)
    assert wd.id_order == ["u1", "u2", "u3", "u4"]
    off = ~np.eye(4, dtype=bool)
    assert_allclose(wd.full()[0][off], 1 / d[off])
    gdp = pd.Series([3.0, 4.0, 1.0, 2.0], index=coords.index)
    nested = build_weights({"kind": "nested", "phi": 0.5}, gdp_pc_mean=gdp, coords=coords).full()[0]
    rd = 1 / np.where(off, d, np.inf)
    rd = rd / rd.sum(1, keepdims=True)
    we = economic_weights(gdp).full()[0]
    assert_allclose(nested, 0.5 * rd + 0.5 * we / we.sum(1, keepdims=True))


def test_knn_of_units_given_by_their_own_coordinates():
    """k nearest neighbours by great-circle distance among units given by their own coordinates (not among
    the provinces), in the frame's order."""
    coords = pd.DataFrame(
        {"lon": [116.4, 121.5, 113.3, 104.1], "lat": [39.9, 31.2, 23.1, 30.7]}, index=["u1", "u2", "u3", "u4"]
    )
    d = great_circle_km(coords.to_numpy())
    off = ~np.eye(4, dtype=bool)
    for k in (1, 2):
        knn = build_weights({"kind": "knn", "k": k}, coords=coords)
        assert knn.id_order == list(coords.index)
        for i, code in enumerate(coords.index):
            nearest = [coords.index[j] for j in np.argsort(np.where(off[i], d[i], np.inf))[:k]]
            assert sorted(knn.neighbors[code]) == sorted(nearest)


def test_nearest_island_links_and_neighbour_order(provinces_gdf):
    """``island_links="nearest"`` links Hainan, the one province without a land border, to the province whose
    polygon is nearest (Guangdong, across the Qiongzhou Strait), like the default; neighbour lists follow the
    frame's order of units, also when the frame is not sorted by code; no warning."""
    import warnings

    from aicoord.weights import contiguity_weights

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        w = contiguity_weights(provinces_gdf, "queen", "nearest")
    assert w.neighbors["460000"] == ["440000"] and "460000" in w.neighbors["440000"]
    assert _nb(w) == _nb(contiguity_weights(provinces_gdf, "queen"))
    shuffled = provinces_gdf.iloc[::-1]
    ws = contiguity_weights(shuffled, "rook")
    pos = {c: i for i, c in enumerate(shuffled["code"])}
    assert ws.id_order == list(shuffled["code"])
    for nb in ws.neighbors.values():
        assert [pos[j] for j in nb] == sorted(pos[j] for j in nb)


def test_contiguity_cache_keeps_four_sets_of_polygons(monkeypatch):
    """The per-process contiguity cache is bounded: after five different sets of polygons it holds the last
    four (the first is evicted, and rebuilt when asked again)."""
    import geopandas as gpd
    from shapely.geometry import box

    import aicoord.weights as aw

    monkeypatch.setattr(aw, "_CONTIGUITY", {})
    frames = [
        gpd.GeoDataFrame(
            {"code": ["a", "b", "c"]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(s + 2, 0, s + 3, 1)]
        )
        for s in range(5)
    ]
    first = aw._land_contiguity(frames[0], "rook")
    for f in frames[1:]:
        aw._land_contiguity(f, "rook")
    assert len(aw._CONTIGUITY) == 4
    assert all(w is not first for w in aw._CONTIGUITY.values())
    assert aw._land_contiguity(frames[0], "rook") == first == {"a": ["b"], "b": ["a", "c"], "c": ["b"]}


def test_contiguity_with_an_island_is_silent(provinces_gdf, monkeypatch):
    """Hainan left unlinked is an island; the caller reports it (weights_summary), libpysal does not warn
    (neither when building the land contiguity, so the cache is emptied first, nor the W)."""
    import warnings

    import aicoord.weights as aw
    from aicoord.weights import contiguity_weights

    monkeypatch.setattr(aw, "_CONTIGUITY", {})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        w = contiguity_weights(provinces_gdf, "queen", {})
    assert w.islands == ["460000"] and weights_summary(w, "queen")["islands"] == 1


def test_units_at_the_same_place_are_refused():
    """Inverse distance is infinite between two units at the same coordinates (a duplicated centroid): one
    message naming them, not a silent zero weight."""
    coords = pd.DataFrame({"lon": [116.4, 121.5, 116.4], "lat": [39.9, 31.2, 39.9]}, index=["u1", "u2", "u3"])
    with pytest.raises(InputError) as exc:
        distance_weights(coords=coords)
    assert str(exc.value) == (
        "units u1 and u3 have the same coordinates: their inverse distance is infinite "
        "(check the units' coordinates (each unit needs its own location))"
    )
    assert exc.value.hint == "check the units' coordinates (each unit needs its own location)"
    close = pd.DataFrame({"lon": [116.4, 116.4], "lat": [39.9, 39.9045]}, index=["u1", "u2"])  # 0.5 km apart
    d = great_circle_km(close.to_numpy())[0, 1]
    assert 0.4 < d < 0.6
    assert_allclose(distance_weights(coords=close).full()[0], [[0, 1 / d], [1 / d, 0]])
    assert_allclose(distance_weights(2, coords=close).full()[0][0, 1], d**-2)


@pytest.mark.parametrize("kind", ["queen", "rook"])
def test_contiguity_equals_libpysal(provinces_gdf, kind):
    """The sorted vertex (queen) and edge (rook) matching gives libpysal's Queen and Rook.from_dataframe
    neighbours exactly (on ten provinces of the north and centre, to keep the libpysal build short; the 31
    provinces' queen matrix is checked against R spdep in test_contiguity_is_computed_once_per_polygons_and_kind),
    and on boxes touching at a corner only (queen, not rook)."""
    import geopandas as gpd
    import libpysal.weights as lw
    from shapely.geometry import box

    from aicoord.weights import shared_boundary_pairs

    sub = provinces_gdf[
        provinces_gdf["code"].str[:2].isin(["11", "12", "13", "14", "15", "21", "37", "41", "61", "62"])
    ].reset_index(drop=True)
    boxes = gpd.GeoDataFrame(
        {"code": list("abcd")}, geometry=[box(0, 0, 1, 1), box(1, 1, 2, 2), box(1, 0, 2, 1), box(5, 5, 6, 6)]
    )
    for frame in (sub, boxes):
        ref = (lw.Queen if kind == "queen" else lw.Rook).from_dataframe(frame, use_index=False, silence_warnings=True)
        want = {(i, j) for i, nb in ref.neighbors.items() for j in nb if i < j}
        assert shared_boundary_pairs(frame.geometry, kind) == want
    assert ((0, 1) in shared_boundary_pairs(boxes.geometry, kind)) == (kind == "queen")
