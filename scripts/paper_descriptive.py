"""Rule ``paper_descriptive`` (workflow/rules/paper.smk): the descriptive statistics table."""
from aicoord.runner import step
from aicoord.steps.paper import descriptive

with step(snakemake) as sm:  # noqa: F821
    descriptive(sm.input.panel, list(sm.input.mechanisms), dict(sm.output.items()), variables=sm.params.variables,
                **sm.params.opts)
