"""Rule ``collect_global`` (workflow/rules/esda.smk): global statistics as a long table and a year x matrix table."""
from aicoord.runner import step
from aicoord.steps.esda import collect_global

with step(snakemake) as sm:  # noqa: F821
    collect_global(list(sm.input), sm.output.long, sm.output.wide)
