"""Snakemake adapter: global statistics as a long table and a year x matrix table (rule collect_global)."""
from aicoord.pipeline import collect_global
from aicoord.workflow import logged

sm = snakemake  # noqa: F821
with logged(sm.log[0]):
    collect_global(list(sm.input), sm.output.long, sm.output.wide, notes=dict(sm.params.notes),
                   matrix_notes=dict(sm.params.matrix_notes))
