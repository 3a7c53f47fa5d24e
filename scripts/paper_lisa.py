"""Rule ``paper_lisa`` (workflow/rules/paper.smk): LISA clusters by province and matrix."""
from aicoord.runner import step
from aicoord.steps.paper import lisa

with step(snakemake) as sm:  # noqa: F821
    lisa(list(sm.input), dict(sm.output.items()), **sm.params.opts)
