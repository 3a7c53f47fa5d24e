"""Rule ``paper_heterogeneity`` (workflow/rules/paper.smk): effects by region and period."""
from aicoord.runner import step
from aicoord.steps.paper import heterogeneity

with step(snakemake) as sm:  # noqa: F821
    heterogeneity(sm.input[0], dict(sm.output.items()), **sm.params.opts)
