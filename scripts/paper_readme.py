"""Rule ``paper_readme`` (workflow/rules/paper.smk): results/paper/README.md."""
from aicoord.runner import step
from aicoord.steps.paper import paper_readme

with step(snakemake) as sm:  # noqa: F821
    paper_readme(list(sm.input), sm.output[0], entries=sm.params.entries, figures=sm.params.figures)
