"""Rule ``inequality_panel`` (workflow/rules/measures.smk): inequality by year and Dagum region pairs of the panel."""
from aicoord.runner import step
from aicoord.steps.measures import inequality

with step(snakemake) as sm:  # noqa: F821
    inequality(sm.input.panel, sm.output.by_year, sm.output.pairs, variables=sm.params.variables,
               groups=sm.params.groups, population=sm.params.population, mechanism_csvs=list(sm.input.mechanisms))
