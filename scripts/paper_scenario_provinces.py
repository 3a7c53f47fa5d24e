"""Rule ``paper_scenario_provinces`` (workflow/rules/paper.smk): each province's change under the scenarios."""
from aicoord.runner import step
from aicoord.steps.paper import scenario_provinces

with step(snakemake) as sm:  # noqa: F821
    scenario_provinces(sm.input[0], dict(sm.output.items()), **sm.params.opts)
