"""Rule ``province_geometry`` (workflow/rules/geometry.smk): cache the polygons of the study's units."""
from aicoord.runner import step
from aicoord.steps.geometry import province_geometry

with step(snakemake) as sm:  # noqa: F821
    province_geometry(sm.output[0], level=sm.params.level)
