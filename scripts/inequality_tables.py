"""Snakemake adapter: inequality by year and Dagum region pairs (rules inequality_panel, inequality_cross_section)."""
from aicoord.pipeline_measures import inequality_tables
from aicoord.workflow import logged

sm = snakemake  # noqa: F821
with logged(sm.log[0]):
    inequality_tables(sm.input[0], sm.output.by_year, sm.output.pairs, variables=sm.params.variables,
                      groups=sm.params.groups, population=sm.params.population, note=sm.params.note)
