"""Rule ``paper_mechanisms`` (workflow/rules/paper.smk): the mediation table."""
from aicoord.runner import step
from aicoord.steps.paper import mechanisms

with step(snakemake) as sm:  # noqa: F821
    mechanisms(sm.input[0], dict(sm.output.items()), **sm.params.opts)
