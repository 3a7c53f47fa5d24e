"""Rule ``demo_recovery`` (workflow/rules/measures.smk): true vs estimated parameters of the demo panel."""
from aicoord.runner import step
from aicoord.steps.measures import demo_recovery

with step(snakemake) as sm:  # noqa: F821
    demo_recovery(sm.input.panel, sm.input.truth, sm.input.weights, sm.output[0], draws=sm.params.draws,
                  seed=sm.params.seed, mechanism_csvs=list(sm.input.mechanisms))
