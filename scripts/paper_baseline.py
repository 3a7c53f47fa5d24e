"""Rule ``paper_baseline`` (workflow/rules/paper.smk): the baseline regression table."""
from aicoord.runner import step
from aicoord.steps.paper import baseline

with step(snakemake) as sm:  # noqa: F821
    baseline(sm.input.coef, sm.input.fit, dict(sm.output.items()), **sm.params.opts)
