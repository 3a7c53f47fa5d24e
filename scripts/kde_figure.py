"""Snakemake adapter: kernel densities of relative GDP per capita by year (rule kde_figure)."""
from aicoord.pipeline_measures import kde_figures
from aicoord.workflow import logged

sm = snakemake  # noqa: F821
with logged(sm.log[0]):
    kde_figures(sm.input[0], list(sm.output), variable=sm.params.variable, years=sm.params.years,
                population=sm.params.population, note=sm.params.note, language=sm.params.language)
