"""Rule ``spatial_markov`` (workflow/rules/measures.smk): spatial Markov transition matrices, steady states and tests."""
from aicoord.runner import step
from aicoord.steps.measures import spatial_markov

with step(snakemake) as sm:  # noqa: F821
    spatial_markov(sm.input.panel, sm.input.weights, sm.output.transitions, sm.output.steady, sm.output.tests,
                   variable=sm.params.variable, k=sm.params.k, population=sm.params.population,
                   weights_name=sm.params.weights)
