"""Snakemake adapter: β-convergence, non-spatial and spatial (rule beta_convergence)."""
from aicoord.pipeline_measures import beta_convergence_table
from aicoord.workflow import logged

sm = snakemake  # noqa: F821
with logged(sm.log[0]):
    beta_convergence_table(sm.input.panel, sm.input.weights, sm.output[0], variable=sm.params.variable,
                           tau=sm.params.tau, controls=sm.params.controls, time_effects=sm.params.time_effects,
                           spatial_models=sm.params.spatial_models, weights_name=sm.params.weights,
                           note=sm.params.note)
