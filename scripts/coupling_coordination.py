"""Rule ``coupling_coordination`` (workflow/rules/measures.smk): coupling coordination degree and class."""
from aicoord.runner import step
from aicoord.steps.measures import coupling_coordination

with step(snakemake) as sm:  # noqa: F821
    coupling_coordination(sm.input.panel, sm.output[0], subsystems=dict(sm.params.subsystems), method=sm.params.method,
                          by_year=sm.params.by_year, mechanism_csvs=list(sm.input.mechanisms))
