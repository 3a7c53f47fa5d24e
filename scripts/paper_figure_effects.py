"""Rule ``paper_figure_effects`` (workflow/rules/paper.smk): AI's effects across robustness variants."""
from aicoord.runner import step
from aicoord.steps.paper import figure_effects

with step(snakemake) as sm:  # noqa: F821
    figure_effects(sm.input.effects, sm.input.robustness, sm.output.png, sm.output.pdf, ai="ai",
                   label=sm.params.label, **sm.params.opts)
