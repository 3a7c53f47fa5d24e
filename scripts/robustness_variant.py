"""Rule ``robustness_variant`` (workflow/rules/study.smk): one weights x sample variant of the robustness grid."""
from aicoord.runner import step
from aicoord.steps.study import robustness_variant

with step(snakemake) as sm:  # noqa: F821
    p = dict(sm.params.study)
    robustness_variant(sm.input.panel, list(sm.input.mechanisms), sm.input.weights, sm.output[0],
                       weights_name=sm.wildcards.w, sample=sm.wildcards.sample, models=sm.params.models, y=p["y"],
                       ai=p["ai"], controls=p["controls"], mechanisms_=sm.params.mechanisms, effects=p["effects"],
                       lee_yu=p["lee_yu"], draws=sm.params.draws, seed=sm.params.seed, alpha=p["alpha"],
                       dlag=sm.params.dlag)
