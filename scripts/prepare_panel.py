"""Snakemake adapter: validate the panel and write it in tidy form with the development gap (rule panel)."""
from aicoord.pipeline_measures import prepare_panel
from aicoord.workflow import logged

sm = snakemake  # noqa: F821
with logged(sm.log[0]):
    prepare_panel(sm.input[0], sm.output.csv, sm.output.roles, dictionary=dict(sm.params.dictionary),
                  note=sm.params.note, simulated=sm.params.simulated)
