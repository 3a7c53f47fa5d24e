"""Snakemake adapter: true vs estimated parameters of the demo panel (rule demo_recovery)."""
from aicoord.pipeline_measures import demo_recovery_table
from aicoord.workflow import logged

sm = snakemake  # noqa: F821
with logged(sm.log[0]):
    demo_recovery_table(sm.input.panel, sm.input.truth, sm.input.weights, sm.output[0], draws=sm.params.draws,
                        seed=sm.params.seed, note=sm.params.note)
