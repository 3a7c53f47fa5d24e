"""Rule ``seed_claims`` (workflow/rules/seed.smk): the seed paper's descriptive claims recomputed."""
from aicoord.runner import step
from aicoord.steps.seed import seed_claims

with step(snakemake) as sm:  # noqa: F821
    seed_claims(sm.input.index, sm.input.shares, sm.output[0])
