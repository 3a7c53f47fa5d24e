"""Rule ``baseline`` (workflow/rules/study.smk): the baseline SDM and its effects."""
from aicoord.runner import step
from aicoord.steps.study import baseline

with step(snakemake) as sm:  # noqa: F821
    p = dict(sm.params.study)
    baseline(sm.input.panel, sm.input.weights, sm.output.coef, sm.output.effects, sm.output.fit, y=p["y"], ai=p["ai"],
             controls=p["controls"], effects=p["effects"], lee_yu=p["lee_yu"], draws=sm.params.draws,
             seed=sm.params.seed, alpha=p["alpha"], weights_name=p["weights_name"], cov=dict(sm.params.cov),
             spec_csv=sm.input.spec[0] if len(sm.input.spec) else None)
