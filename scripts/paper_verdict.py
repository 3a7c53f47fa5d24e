"""Rule ``paper_verdict`` (workflow/rules/paper.smk): the verdict table."""
from aicoord.runner import step
from aicoord.steps.paper import verdict

with step(snakemake) as sm:  # noqa: F821
    verdict(sm.input[0], dict(sm.output.items()), **sm.params.opts)
