"""Snakemake adapter: build one weights matrix (rule weights)."""
from pathlib import Path

from aicoord.pipeline import build_weights_files
from aicoord.workflow import logged

sm = snakemake  # noqa: F821
with logged(sm.log[0]):
    stem = Path(sm.output.gwt).with_suffix("")
    gdp_pc_mean = note = None
    if "panel" in sm.input.keys():  # economic and nested kinds: mean GDP per capita over the panel's years
        from aicoord.pipeline_measures import panel_gdp_pc_mean, panel_note

        gdp_pc_mean = panel_gdp_pc_mean(sm.input.panel)
        note = "GDP per capita from the panel: " + panel_note(sm.input.panel)
    build_weights_files(dict(sm.params.spec), sm.wildcards.w, sm.input.gpkg, stem, sm.output.summary,
                        gdp_pc_mean=gdp_pc_mean, note=note)
