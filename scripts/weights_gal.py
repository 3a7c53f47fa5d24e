"""Rule ``weights_gal`` (workflow/rules/weights.smk): GAL neighbour lists of a binary weights matrix."""
from aicoord.runner import step
from aicoord.steps.weights import weights_gal

with step(snakemake) as sm:  # noqa: F821
    weights_gal(sm.input[0], sm.output[0])
