"""Rule ``robustness`` (workflow/rules/study.smk): the robustness grid in one table."""
from aicoord.runner import step
from aicoord.steps.study import robustness

with step(snakemake) as sm:  # noqa: F821
    robustness(list(sm.input), sm.output[0])
