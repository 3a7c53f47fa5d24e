"""Rule ``moran_panel`` (workflow/rules/esda.smk): Moran's I by year × variable × matrix of the study panel."""
from aicoord.runner import step
from aicoord.steps.esda import moran_panel

with step(snakemake) as sm:  # noqa: F821
    moran_panel(sm.input.panel, list(sm.input.weights), sm.output[0], variables=list(sm.params.variables),
                matrices=list(sm.params.matrices), weights_summaries=list(sm.input.summaries))
