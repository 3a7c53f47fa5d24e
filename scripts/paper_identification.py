"""Rule ``paper_identification`` (workflow/rules/paper.smk): AI's effects by ML, spatial 2SLS and GMM."""
from aicoord.runner import step
from aicoord.steps.paper import identification

with step(snakemake) as sm:  # noqa: F821
    identification(sm.input[0], dict(sm.output.items()), **sm.params.opts)
