"""Rule ``inequality_cross_section`` (workflow/rules/measures.smk): inequality and Dagum region pairs of a cross-section."""
from aicoord.runner import step
from aicoord.steps.measures import inequality

with step(snakemake) as sm:  # noqa: F821
    inequality(sm.input[0], sm.output.by_year, sm.output.pairs, variables=sm.params.variables,
               groups=sm.params.groups, population=sm.params.population)
