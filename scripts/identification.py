"""Rule ``identification`` (workflow/rules/study.smk): AI's effects by ML, spatial 2SLS and GMM."""
from aicoord.runner import step
from aicoord.steps.study import identification

with step(snakemake) as sm:  # noqa: F821
    p = dict(sm.params.study)
    identification(sm.input.panel, sm.input.weights, sm.output.table, sm.output.fit, y=p["y"], ai=p["ai"],
                   controls=p["controls"], instruments=list(sm.params.instruments), mode=sm.params.mode,
                   effects=p["effects"], lee_yu=p["lee_yu"], draws=sm.params.draws, seed=sm.params.seed,
                   alpha=p["alpha"], weights_name=p["weights_name"], iv_cov_type=sm.params.iv_cov_type,
                   cluster=sm.params.cluster, cov=dict(sm.params.cov))
