"""Rule ``mechanism_data`` (workflow/rules/data.smk): one mechanism proxy of the panel in tidy form."""
from aicoord.runner import step
from aicoord.steps.data import mechanism_data

with step(snakemake) as sm:  # noqa: F821
    mechanism_data(sm.input[0], sm.output[0], dictionary=dict(sm.params.dictionary), mechanism=sm.wildcards.mechanism,
                   note=sm.params.note, level=sm.params.level)
