"""Snakemake adapter: the seed paper's descriptive claims recomputed (rule seed_claims)."""
from aicoord.pipeline import write_seed_claims
from aicoord.workflow import logged

sm = snakemake  # noqa: F821
with logged(sm.log[0]):
    write_seed_claims(sm.input.index, sm.input.shares, sm.output[0])
