"""Rule ``paper_figure_ai_map`` (workflow/rules/paper.smk): choropleth of the AI index."""
from aicoord.runner import step
from aicoord.steps.paper import figure_ai_map

with step(snakemake) as sm:  # noqa: F821
    figure_ai_map(sm.input.data, sm.input.note, sm.input.gpkg, sm.output.png, sm.output.pdf, variable=sm.params.variable,
                  label=sm.params.label, language=sm.params.language, map_approval=sm.params.map_approval)
