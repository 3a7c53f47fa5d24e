"""Rule ``weights_summary`` (workflow/rules/weights.smk): one summary table of all weights matrices."""
from aicoord.runner import step
from aicoord.steps.weights import weights_summary

with step(snakemake) as sm:  # noqa: F821
    weights_summary(list(sm.input), sm.output[0])
