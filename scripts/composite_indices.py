"""Rule ``composite_indices`` (workflow/rules/measures.smk): composite indices and their weights."""
from aicoord.runner import step
from aicoord.steps.measures import composite_indices

with step(snakemake) as sm:  # noqa: F821
    composite_indices(sm.input.panel, sm.output.scores, sm.output.weights, specs=dict(sm.params.specs),
                      mechanism_csvs=list(sm.input.mechanisms))
