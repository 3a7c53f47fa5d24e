"""Snakemake adapter: global Moran's I, Geary's C, General G (rule global_autocorrelation)."""
from aicoord.pipeline import run_global
from aicoord.workflow import logged

sm = snakemake  # noqa: F821
with logged(sm.log[0]):
    run_global(sm.input.data, sm.input.weights, sm.output[0], var=sm.wildcards.var, year=int(sm.wildcards.year),
               matrix=sm.wildcards.w, permutations=sm.params.permutations, seed=sm.params.seed)
