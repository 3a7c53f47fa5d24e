"""Snakemake adapter: cache the provincial polygons (rule province_geometry)."""
from aicoord.pipeline import build_geometry
from aicoord.workflow import logged

with logged(snakemake.log[0]):  # noqa: F821
    build_geometry(snakemake.output[0])  # noqa: F821
