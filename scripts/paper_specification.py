"""Rule ``paper_specification`` (workflow/rules/paper.smk): the specification tests."""
from aicoord.runner import step
from aicoord.steps.paper import specification

with step(snakemake) as sm:  # noqa: F821
    specification(sm.input[0], dict(sm.output.items()), **sm.params.opts)
