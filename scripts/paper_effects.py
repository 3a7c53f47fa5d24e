"""Rule ``paper_effects`` (workflow/rules/paper.smk): the effects of the baseline model."""
from aicoord.runner import step
from aicoord.steps.paper import effects

with step(snakemake) as sm:  # noqa: F821
    effects(sm.input.effects, sm.input.fit, dict(sm.output.items()), **sm.params.opts)
