"""Rule ``paper_moran`` (workflow/rules/paper.smk): Moran's I by year × variable × weights matrix."""
from aicoord.runner import step
from aicoord.steps.paper import moran

with step(snakemake) as sm:  # noqa: F821
    moran(sm.input[0], dict(sm.output.items()), matrices=list(sm.params.matrices), **sm.params.opts)
