"""Rule ``paper_correlation`` (workflow/rules/paper.smk): the correlation matrix with VIFs."""
from aicoord.runner import step
from aicoord.steps.paper import correlation

with step(snakemake) as sm:  # noqa: F821
    correlation(sm.input.panel, list(sm.input.mechanisms), dict(sm.output.items()), variables=sm.params.variables,
                outcome=sm.params.outcome, **sm.params.opts)
