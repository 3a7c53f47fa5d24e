"""Rule ``specification`` (workflow/rules/study.smk): the specification search."""
from aicoord.runner import step
from aicoord.steps.study import specification

with step(snakemake) as sm:  # noqa: F821
    p = dict(sm.params.study)
    specification(sm.input.panel, sm.input.weights, sm.output[0], y=p["y"], ai=p["ai"], controls=p["controls"],
                  alpha=p["alpha"], weights_name=p["weights_name"],
                  model_probabilities=bool(sm.params.model_probabilities), baseline_model=sm.params.baseline_model)
