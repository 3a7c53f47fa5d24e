"""Snakemake adapter: LISA table (rule lisa)."""
from aicoord.pipeline import run_lisa
from aicoord.workflow import logged

sm = snakemake  # noqa: F821
with logged(sm.log[0]):
    run_lisa(sm.input.data, sm.input.weights, sm.output[0], var=sm.wildcards.var, year=int(sm.wildcards.year),
             matrix=sm.wildcards.w, permutations=sm.params.permutations, seed=sm.params.seed,
             alpha=sm.params.alpha, fdr=sm.params.fdr, note=sm.params.note)
