"""Rule ``paper_scenarios`` (workflow/rules/paper.smk): the policy scenarios."""
from aicoord.runner import step
from aicoord.steps.paper import scenarios

with step(snakemake) as sm:  # noqa: F821
    scenarios(sm.input[0], dict(sm.output.items()), **sm.params.opts)
