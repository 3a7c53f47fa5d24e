"""Rule ``convergence_ai`` (workflow/rules/study.smk): spatial beta-convergence with AI."""
from aicoord.runner import step
from aicoord.steps.study import convergence_ai

with step(snakemake) as sm:  # noqa: F821
    p = dict(sm.params.study)
    convergence_ai(sm.input.panel, sm.input.weights, sm.output[0], ai=p["ai"], controls=p["controls"],
                   effects=p["effects"], lee_yu=p["lee_yu"], alpha=p["alpha"], weights_name=p["weights_name"])
