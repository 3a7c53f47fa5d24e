"""Rule ``baseline_columns`` (workflow/rules/study.smk): the baseline table's models side by side."""
from aicoord.runner import step
from aicoord.steps.study import baseline_columns

with step(snakemake) as sm:  # noqa: F821
    baseline_columns(sm.input.panel, list(sm.input.weights), sm.output[0], names=sm.params.names,
                     columns=list(sm.params.columns), cov=dict(sm.params.cov), **dict(sm.params.study))
