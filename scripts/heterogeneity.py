"""Rule ``heterogeneity`` (workflow/rules/study.smk): effects by region and by period."""
from aicoord.runner import step
from aicoord.steps.study import heterogeneity

with step(snakemake) as sm:  # noqa: F821
    p = dict(sm.params.study)
    heterogeneity(sm.input.panel, sm.input.weights, sm.output[0], y=p["y"], ai=p["ai"], controls=p["controls"],
                  effects=p["effects"], lee_yu=p["lee_yu"], draws=sm.params.draws, seed=sm.params.seed,
                  alpha=p["alpha"], split_year=sm.params.split_year, weights_name=p["weights_name"])
