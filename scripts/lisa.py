"""Rule ``lisa`` (workflow/rules/esda.smk): LISA table."""
from aicoord.runner import step
from aicoord.steps.esda import lisa

with step(snakemake) as sm:  # noqa: F821
    lisa(sm.input.data, sm.input.weights, sm.output[0], var=sm.wildcards.var, year=int(sm.wildcards.year),
         matrix=sm.wildcards.w, permutations=sm.params.permutations, seed=sm.params.seed, alpha=sm.params.alpha,
         fdr=sm.params.fdr, weights_summary=sm.input.summary)
