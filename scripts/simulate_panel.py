"""Snakemake adapter: simulate the demonstration panel and write its truth (rule simulate_panel)."""
from aicoord.pipeline_measures import simulate_panel_files
from aicoord.workflow import logged

sm = snakemake  # noqa: F821
with logged(sm.log[0]):
    simulate_panel_files(sm.input.ai, sm.input.weights, sm.output.panel, sm.output.truth, sm.output.truth_csv,
                         years=sm.params.years, seed=sm.params.seed, weights_name=sm.params.weights,
                         note=sm.params.note)
