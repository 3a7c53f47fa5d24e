"""Rule ``verdict`` (workflow/rules/study.smk): the verdict table."""
from aicoord.runner import step
from aicoord.steps.study import verdict

with step(snakemake) as sm:  # noqa: F821
    ident = list(sm.input.identification)
    verdict(sm.input.baseline, list(sm.input.mechanisms), sm.input.robustness, sm.output[0], alpha=sm.params.alpha,
            adjust=sm.params.adjust, identification_csv=ident[0] if ident else None,
            verdict_basis=sm.params.verdict_basis, expected_sign=dict(sm.params.expected_sign))
