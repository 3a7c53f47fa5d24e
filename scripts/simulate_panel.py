"""Rule ``simulate_panel`` (workflow/rules/data.smk): simulate the demonstration panel and write its truth."""
from aicoord.runner import step
from aicoord.steps.data import simulate_panel

with step(snakemake) as sm:  # noqa: F821
    simulate_panel(sm.input.ai, sm.input.weights, sm.output.panel, sm.output.truth, sm.output.truth_csv,
                   years=sm.params.years, seed=sm.params.seed, weights_name=sm.params.weights, note=sm.params.note,
                   setting=sm.params.setting, level=sm.params.level,
                   endogenous=sm.params.endogenous)
