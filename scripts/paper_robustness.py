"""Rule ``paper_robustness`` (workflow/rules/paper.smk): the robustness grid."""
from aicoord.runner import step
from aicoord.steps.paper import robustness

with step(snakemake) as sm:  # noqa: F821
    robustness(sm.input[0], dict(sm.output.items()), **sm.params.opts)
