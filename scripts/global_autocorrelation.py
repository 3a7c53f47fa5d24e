"""Rule ``global_autocorrelation`` (workflow/rules/esda.smk): global Moran's I, Geary's C, General G."""
from aicoord.runner import step
from aicoord.steps.esda import global_autocorrelation

with step(snakemake) as sm:  # noqa: F821
    global_autocorrelation(sm.input.data, sm.input.weights, sm.output[0], var=sm.wildcards.var,
                           year=int(sm.wildcards.year), matrix=sm.wildcards.w, permutations=sm.params.permutations,
                           seed=sm.params.seed, weights_summary=sm.input.summary)
