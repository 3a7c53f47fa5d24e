"""aicoord.geometry.albers: the projected (and simplified) outlines of the maps, computed once per process."""

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import LineString, Polygon

from aicoord import geometry
from aicoord.geometry import CHINA_ALBERS, albers


@pytest.fixture
def frame():
    """Three small polygons around 110°E, 30°N, detailed enough for a 1 km simplification to drop vertices."""
    polys = []
    for k in range(3):
        x0 = 110 + k
        ring = [(x0 + 0.5 * (i / 200), 30 + 0.003 * ((-1) ** i)) for i in range(201)]  # a zigzag edge
        polys.append(Polygon([*ring, (x0 + 0.5, 30.5), (x0, 30.5)]))
    return gpd.GeoDataFrame({"code": ["a", "b", "c"], "v": [1.0, 2.0, 3.0]}, geometry=polys, crs="EPSG:4326")


@pytest.fixture(autouse=True)
def empty_cache():
    geometry._ALBERS_CACHE.clear()
    yield
    geometry._ALBERS_CACHE.clear()


def _same(a, b):
    return all(shapely.to_wkb(x) == shapely.to_wkb(y) for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize("tolerance", [0.0, 1000.0])
def test_equals_to_crs_then_simplify_exactly(frame, tolerance):
    ref = frame.to_crs(CHINA_ALBERS)
    if tolerance:
        ref = ref.assign(geometry=ref.geometry.simplify(tolerance, preserve_topology=True))
        assert sum(len(p.exterior.coords) for p in ref.geometry) < sum(len(p.exterior.coords) for p in frame.geometry)
    for _ in range(2):  # computed, then from the cache
        out = albers(frame, tolerance)
        assert isinstance(out, gpd.GeoDataFrame) and out.crs == ref.crs and list(out.columns) == list(ref.columns)
        assert out.geometry.name == "geometry" and out.index.equals(frame.index)
        assert _same(out.geometry, ref.geometry)
        assert out.drop(columns="geometry").equals(frame.drop(columns="geometry"))
    assert frame.crs == "EPSG:4326"  # the input is left as it was


def test_a_geoseries_gives_a_geoseries():
    line = gpd.GeoSeries([LineString([(110, 20), (112, 21), (113, 20)])], crs="EPSG:4326", index=[7])
    out = albers(line, 500.0)
    assert isinstance(out, gpd.GeoSeries) and list(out.index) == [7] and out.crs == CHINA_ALBERS
    assert _same(out, line.to_crs(CHINA_ALBERS).simplify(500.0, preserve_topology=True))


def test_the_cache_keys_on_content_crs_and_tolerance(frame, monkeypatch):
    mercator = frame.to_crs("EPSG:3857")
    calls = []
    real = gpd.GeoSeries.to_crs
    monkeypatch.setattr(gpd.GeoSeries, "to_crs", lambda self, *a, **k: calls.append(1) or real(self, *a, **k))
    albers(frame, 1000.0)
    albers(frame.copy(), 1000.0)  # another object with the same outlines: reused
    albers(frame[["code", "geometry"]], 1000.0)  # other columns, same outlines: reused
    assert len(calls) == 1
    albers(frame, 0.0)  # another tolerance
    moved = frame.assign(geometry=frame.geometry.translate(0.01))  # other outlines
    albers(moved, 1000.0)
    albers(mercator, 1000.0)  # the same places in another CRS: other coordinates
    assert len(calls) == 4
    out = albers(frame.iloc[::-1], 1000.0)  # another order is another key, and each row keeps its outline
    assert len(calls) == 5 and list(out["code"]) == ["c", "b", "a"]
    assert _same(out.geometry, albers(frame, 1000.0).geometry.iloc[::-1])


def test_the_cache_is_bounded_and_drops_the_least_recently_used(frame, monkeypatch):
    monkeypatch.setattr(geometry, "ALBERS_CACHE_SIZE", 2)
    albers(frame, 1.0)
    albers(frame, 2.0)
    albers(frame, 1.0)  # used again: now the most recent
    albers(frame, 3.0)  # drops tolerance 2
    assert [k[1] for k in geometry._ALBERS_CACHE] == [1.0, 3.0]
