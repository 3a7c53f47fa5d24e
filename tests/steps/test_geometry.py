"""Step of workflow/rules/geometry.smk: the provincial polygons, byte-identical on every rebuild (item 14)."""

import time

import pandas as pd

from aicoord.geometry import read_geopackage
from aicoord.steps.geometry import province_geometry


def test_geopackage_is_byte_identical_on_rebuild(tmp_path):
    province_geometry(tmp_path / "a.gpkg")
    time.sleep(1.1)  # the GeoPackage driver stamps the time of writing, to the second unless fixed
    province_geometry(tmp_path / "b.gpkg")
    assert (tmp_path / "a.gpkg").read_bytes() == (tmp_path / "b.gpkg").read_bytes()
    gdf = read_geopackage(tmp_path / "a.gpkg")
    assert len(gdf) == 31 and gdf["code"].str.fullmatch(r"\d{6}").all()


# ---- below the provinces (study.level prefecture): polygons, locations and every weights kind on them

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from aicoord.weights import build_weights, great_circle_km, weights_summary  # noqa: E402


@pytest.fixture(scope="module")
def prefectures(tmp_path_factory):
    path = tmp_path_factory.mktemp("pref") / "prefectures.gpkg"
    province_geometry(path, level="prefecture")
    return read_geopackage(path)


def test_prefecture_geopackage_has_every_unit_with_a_location_inside_it(prefectures):
    import geopandas as gpd

    g = prefectures
    assert len(g) == 367 and g["code"].is_unique
    assert {"110100", "500000", "419001", "469001", "659001"} <= set(g["code"])
    assert (
        g["lon"].between(73, 135).all() and g["lat"].between(3, 54).all()
    )  # Sansha (三沙) lies in the South China Sea
    pts = gpd.GeoSeries(gpd.points_from_xy(g["lon"], g["lat"]), crs="EPSG:4326")
    inside = pts.within(g.geometry.buffer(1e-6), align=False)  # centroid, or representative point
    assert inside.mean() > 0.99, g.loc[~inside.to_numpy(), "name_full"].tolist()
    assert (g["area_km2"] > 0).all()


def test_every_weights_kind_at_prefecture_level(prefectures):
    coords = prefectures.set_index("code")[["lon", "lat"]]
    queen = build_weights({"kind": "queen", "island_links": "nearest"}, prefectures, coords=coords)
    s = weights_summary(queen, "queen")
    assert s["n"] == 367 and s["islands"] == 0 and s["symmetric_values"]
    bare = build_weights({"kind": "queen", "island_links": {}}, prefectures, coords=coords)
    islands = [i for i in bare.id_order if not bare.neighbors[i]]
    assert islands  # e.g. Sansha and Zhoushan have no land border
    d = great_circle_km(coords.to_numpy())
    np.fill_diagonal(d, np.inf)
    codes = list(coords.index)
    albers = prefectures.to_crs("+proj=aea +lat_1=25 +lat_2=47 +lon_0=105 +datum=WGS84")
    for i in islands:  # each is linked to the unit whose polygon is nearest (shapely distances, pair by pair)
        gi = albers.geometry.iloc[codes.index(i)]
        dist = {c: gi.distance(g) for c, g in zip(codes, albers.geometry) if c != i}
        assert queen.neighbors[i] == [min(dist, key=dist.get)]
    knn = build_weights({"kind": "knn", "k": 5}, prefectures, coords=coords)
    assert all(len(v) == 5 for v in knn.neighbors.values())
    i = codes.index("420100")
    assert set(knn.neighbors["420100"]) == {codes[j] for j in np.argsort(d[i])[:5]}
    dist = build_weights({"kind": "distance", "power": 1}, coords=coords)
    full = dist.full()[0]
    np.testing.assert_allclose(full[i, codes.index("110100")], 1 / d[i, codes.index("110100")], rtol=1e-12)
    g = pd.Series(np.linspace(1e4, 2e5, 367), index=codes)
    econ = build_weights({"kind": "economic"}, gdp_pc_mean=g, coords=coords)
    np.testing.assert_allclose(econ.full()[0][0, 1], 1 / abs(g.iloc[0] - g.iloc[1]), rtol=1e-12)
    nested = build_weights({"kind": "nested", "phi": 0.5}, gdp_pc_mean=g, coords=coords)
    wd, we = full / full.sum(1, keepdims=True), econ.full()[0] / econ.full()[0].sum(1, keepdims=True)
    np.testing.assert_allclose(nested.full()[0], 0.5 * wd + 0.5 * we, rtol=1e-10)
