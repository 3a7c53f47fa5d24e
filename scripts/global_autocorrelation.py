"""Rule ``global_autocorrelation`` (workflow/rules/esda.smk): global Moran's I, Geary's C, General G of one
variable-year, every matrix."""
from aicoord.runner import step
from aicoord.steps.esda import global_autocorrelation

with step(snakemake) as sm:  # noqa: F821
    global_autocorrelation(sm.input.data, list(sm.input.weights), list(sm.output), var=sm.wildcards.var,
                           year=int(sm.wildcards.year), matrix=list(sm.params.matrices),
                           permutations=sm.params.permutations, seed=sm.params.seed,
                           weights_summary=list(sm.input.summaries))
