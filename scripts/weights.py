"""Rule ``weights`` (workflow/rules/weights.smk): build one weights matrix."""
from aicoord.runner import step
from aicoord.steps.weights import weights

with step(snakemake) as sm:  # noqa: F821
    weights(dict(sm.params.spec), sm.wildcards.w, sm.input.gpkg, sm.params.stem, sm.output.summary,
            panel_csv=sm.input.get("panel"), level=sm.params.level, dense_max=sm.params.dense_max)
