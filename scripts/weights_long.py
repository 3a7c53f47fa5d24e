"""Rule ``weights_long`` (workflow/rules/weights.smk): the long from,to,weight table of a matrix's raw weights."""
from aicoord.runner import step
from aicoord.steps.weights import weights_long

with step(snakemake) as sm:  # noqa: F821
    weights_long(sm.input[0], sm.output[0])
