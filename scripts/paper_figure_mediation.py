"""Rule ``paper_figure_mediation`` (workflow/rules/paper.smk): the mediated effects."""
from aicoord.runner import step
from aicoord.steps.paper import figure_mediation

with step(snakemake) as sm:  # noqa: F821
    figure_mediation(sm.input[0], sm.output.png, sm.output.pdf, **sm.params.opts)
