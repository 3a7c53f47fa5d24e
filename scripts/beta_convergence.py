"""Rule ``beta_convergence`` (workflow/rules/measures.smk): beta-convergence, non-spatial and spatial."""
from aicoord.runner import step
from aicoord.steps.measures import beta_convergence

with step(snakemake) as sm:  # noqa: F821
    beta_convergence(sm.input.panel, sm.input.weights, sm.output[0], variable=sm.params.variable, tau=sm.params.tau,
                     controls=sm.params.controls, time_effects=sm.params.time_effects,
                     spatial_models=sm.params.spatial_models, weights_name=sm.params.weights)
