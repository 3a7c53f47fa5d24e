"""Snakemake adapter: composite indices and their weights (rule composite_indices)."""
from aicoord.pipeline_measures import composite_index_tables
from aicoord.workflow import logged

sm = snakemake  # noqa: F821
with logged(sm.log[0]):
    composite_index_tables(sm.input[0], sm.output.scores, sm.output.weights, specs=dict(sm.params.specs),
                           note=sm.params.note)
