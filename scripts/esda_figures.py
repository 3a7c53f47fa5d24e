"""Rule ``esda_figures`` (workflow/rules/esda.smk): Moran scatter plot and LISA maps."""
from aicoord.runner import step
from aicoord.steps.esda import esda_figures

with step(snakemake) as sm:  # noqa: F821
    esda_figures(sm.input.lisa, sm.input.glob, sm.input.gpkg,
                 {"scatter": list(sm.output.scatter), "cluster": list(sm.output.cluster),
                  "significance": list(sm.output.significance)},
                 var=sm.wildcards.var, label=sm.params.label, year=int(sm.wildcards.year), matrix=sm.wildcards.w,
                 language=sm.params.language, map_approval=sm.params.map_approval,
                 matrix_label=sm.params.matrix_label)
