"""Snakemake adapter: Moran scatter plot and LISA maps (rule esda_figures)."""
from aicoord.pipeline import draw_esda_figures
from aicoord.workflow import logged

sm = snakemake  # noqa: F821
with logged(sm.log[0]):
    outputs = {"scatter": list(sm.output.scatter), "cluster": list(sm.output.cluster),
               "significance": list(sm.output.significance)}
    draw_esda_figures(sm.input.lisa, sm.input.glob, sm.input.gpkg, outputs, var=sm.wildcards.var,
                      label=sm.params.label, year=int(sm.wildcards.year), matrix=sm.wildcards.w,
                      note=sm.params.note, language=sm.params.language)
