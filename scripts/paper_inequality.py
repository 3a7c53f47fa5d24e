"""Rule ``paper_inequality`` (workflow/rules/paper.smk): Theil and Dagum Gini decompositions."""
from aicoord.runner import step
from aicoord.steps.paper import inequality

with step(snakemake) as sm:  # noqa: F821
    inequality(sm.input[0], dict(sm.output.items()), **sm.params.opts)
