"""Step of workflow/rules/geometry.smk: the provincial polygons, byte-identical on every rebuild (item 14)."""
import time

from aicoord.geometry import read_geopackage
from aicoord.steps.geometry import province_geometry


def test_geopackage_is_byte_identical_on_rebuild(tmp_path):
    province_geometry(tmp_path / "a.gpkg")
    time.sleep(1.1)  # the GeoPackage driver stamps the time of writing, to the second unless fixed
    province_geometry(tmp_path / "b.gpkg")
    assert (tmp_path / "a.gpkg").read_bytes() == (tmp_path / "b.gpkg").read_bytes()
    gdf = read_geopackage(tmp_path / "a.gpkg")
    assert len(gdf) == 31 and gdf["code"].str.fullmatch(r"\d{6}").all()
