"""Rule ``mechanisms`` (workflow/rules/study.smk): all channels in one table."""
from aicoord.runner import step
from aicoord.steps.study import mechanisms

with step(snakemake) as sm:  # noqa: F821
    mechanisms(list(sm.input), sm.output[0])
