"""Rule ``paper_mechanisms`` (workflow/rules/paper.smk): the stepwise mechanism table."""
from aicoord.runner import step
from aicoord.steps.paper import mechanisms

with step(snakemake) as sm:  # noqa: F821
    mechanisms(sm.input.mechanisms, dict(sm.output.items()), verdict_csv=sm.input.verdict,
               outcome=sm.params.outcome, **sm.params.opts)
