"""Rule ``verdict`` (workflow/rules/study.smk): the verdict table."""
from aicoord.runner import step
from aicoord.steps.study import verdict

with step(snakemake) as sm:  # noqa: F821
    verdict(sm.input.baseline, list(sm.input.mechanisms), sm.input.robustness, sm.output[0], alpha=sm.params.alpha)
