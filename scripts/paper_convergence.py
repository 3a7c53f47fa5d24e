"""Rule ``paper_convergence`` (workflow/rules/paper.smk): sigma- and beta-convergence."""
from aicoord.runner import step
from aicoord.steps.paper import convergence

with step(snakemake) as sm:  # noqa: F821
    convergence(sm.input.inequality, sm.input.beta, dict(sm.output.items()), variable=sm.params.variable,
                **sm.params.opts)
