"""Snakemake adapter: one summary table of all weights matrices (rule weights_summary)."""
from aicoord.pipeline import summarise_weights
from aicoord.workflow import logged

sm = snakemake  # noqa: F821
with logged(sm.log[0]):
    summarise_weights(list(sm.input), sm.output[0])
