"""Rule ``mechanism`` (workflow/rules/study.smk): one channel's spatial mediation."""
from aicoord.runner import step
from aicoord.steps.study import mechanism

with step(snakemake) as sm:  # noqa: F821
    p = dict(sm.params.study)
    mechanism(sm.input.panel, sm.input.mechanism, sm.input.weights, sm.output.table, sm.output.row,
              name=sm.wildcards.mechanism, y=p["y"], ai=p["ai"], controls=p["controls"], effects=p["effects"],
              lee_yu=p["lee_yu"], draws=sm.params.draws, seed=sm.params.seed, alpha=p["alpha"],
              weights_name=p["weights_name"], cov=dict(sm.params.cov), instruments=list(sm.params.instruments),
              iv_cov_type=sm.params.iv_cov_type, cluster=sm.params.cluster)
