"""Rule ``scenarios`` (workflow/rules/study.smk): policy scenarios."""
from aicoord.runner import step
from aicoord.steps.study import scenarios

with step(snakemake) as sm:  # noqa: F821
    p = dict(sm.params.study)
    scenarios(sm.input.panel, sm.input.weights, sm.output.provinces, sm.output.dispersion, specs=dict(sm.params.specs),
              y=p["y"], ai=p["ai"], controls=p["controls"], effects=p["effects"], lee_yu=p["lee_yu"],
              draws=sm.params.draws, seed=sm.params.seed, alpha=p["alpha"], weights_name=p["weights_name"])
