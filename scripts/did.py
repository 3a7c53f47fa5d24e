"""Rule ``did`` (workflow/rules/did.smk): staggered spatial DID around the AI pilot zones."""
from aicoord.runner import step
from aicoord.steps.did import did_study

with step(snakemake) as sm:  # noqa: F821
    paper = {k: dict(zip(("csv", "md", "tex", "docx"), sm.output[k])) for k in ("paper_did", "paper_spillover")}
    out = {k: sm.output[k] for k in ("event_study", "att", "spillover", "json", "figure")}
    did_study(sm.input.panel, sm.input.weights, sm.input.gpkg, {**out, **paper},
              demo_csv=sm.input.get("demo"), **sm.params.opts)
