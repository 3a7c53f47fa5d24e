"""Rule ``cross_section`` (workflow/rules/data.smk): validate a cross-section and write it in tidy form."""
from aicoord.runner import step
from aicoord.steps.data import cross_section

with step(snakemake) as sm:  # noqa: F821
    cross_section(sm.input[0], sm.output[0], id_col=sm.params.id, variables=sm.params.variables, year=sm.params.year,
                  note=sm.params.note, level=sm.params.level, from_panel=sm.params.from_panel)
