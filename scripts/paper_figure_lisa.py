"""Rule ``paper_figure_lisa`` (workflow/rules/paper.smk): LISA small multiples."""
from aicoord.runner import step
from aicoord.steps.paper import figure_lisa

with step(snakemake) as sm:  # noqa: F821
    figure_lisa(list(sm.input.lisa), sm.input.gpkg, sm.output.png, sm.output.pdf, weights=sm.params.weights,
                **sm.params.opts)
