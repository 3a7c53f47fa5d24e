"""Rule ``kde_figure`` (workflow/rules/measures.smk): kernel densities of relative GDP per capita by year."""
from aicoord.runner import step
from aicoord.steps.measures import kde_figure

with step(snakemake) as sm:  # noqa: F821
    kde_figure(sm.input[0], list(sm.output), variable=sm.params.variable, years=sm.params.years,
               population=sm.params.population, language=sm.params.language)
