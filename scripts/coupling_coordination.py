"""Snakemake adapter: coupling coordination degree and class (rule coupling_coordination)."""
from aicoord.pipeline_measures import coupling_table
from aicoord.workflow import logged

sm = snakemake  # noqa: F821
with logged(sm.log[0]):
    coupling_table(sm.input[0], sm.output[0], subsystems=dict(sm.params.subsystems), method=sm.params.method,
                   by_year=sm.params.by_year, note=sm.params.note)
