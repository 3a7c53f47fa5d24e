"""Rule ``paper_tables`` (workflow/rules/paper.smk): every table in one Word and one LaTeX document."""
from aicoord.runner import step
from aicoord.steps.paper import combined

with step(snakemake) as sm:  # noqa: F821
    combined(list(sm.input), sm.output.docx, sm.output.tex)
