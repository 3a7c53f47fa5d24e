"""Snakemake adapter: spatial Markov transition matrices, steady states and tests (rule spatial_markov)."""
from aicoord.pipeline_measures import spatial_markov_tables
from aicoord.workflow import logged

sm = snakemake  # noqa: F821
with logged(sm.log[0]):
    spatial_markov_tables(sm.input.panel, sm.input.weights, sm.output.transitions, sm.output.steady,
                          sm.output.tests, variable=sm.params.variable, k=sm.params.k,
                          population=sm.params.population, weights_name=sm.params.weights, note=sm.params.note)
