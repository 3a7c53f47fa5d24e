"""Rule ``lisa`` (workflow/rules/esda.smk): LISA tables of one variable-year, every matrix."""
from aicoord.runner import step
from aicoord.steps.esda import lisa

with step(snakemake) as sm:  # noqa: F821
    lisa(sm.input.data, list(sm.input.weights), list(sm.output), var=sm.wildcards.var, year=int(sm.wildcards.year),
         matrix=list(sm.params.matrices), permutations=sm.params.permutations, seed=sm.params.seed,
         alpha=sm.params.alpha, fdr=sm.params.fdr, weights_summary=list(sm.input.summaries))
