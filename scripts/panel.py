"""Rule ``panel`` (workflow/rules/data.smk): validate the panel and write it in tidy form with the development gap."""
from aicoord.runner import step
from aicoord.steps.data import panel

with step(snakemake) as sm:  # noqa: F821
    panel(sm.input[0], sm.output.csv, sm.output.roles, dictionary=dict(sm.params.dictionary), note=sm.params.note,
          simulated=sm.params.simulated, level=sm.params.level)
