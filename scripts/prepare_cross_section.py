"""Snakemake adapter: validate a cross-section and write it in tidy form (rule cross_section)."""
from aicoord.pipeline import prepare_cross_section
from aicoord.workflow import logged

sm = snakemake  # noqa: F821
with logged(sm.log[0]):
    prepare_cross_section(sm.input[0], sm.output[0], id_col=sm.params.id, variables=sm.params.variables,
                          year=sm.params.year)
