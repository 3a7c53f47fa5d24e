# Staggered spatial difference-in-differences around the AI pilot zones (step module aicoord.steps.did), at
# study.level prefecture or county (did.enabled: auto), on did.outcomes and, on the demo panel, on the simulated
# pilot_outcome whose true effects are in results/demo/truth.json.


rule did:
    input:
        unpack(did_inputs),
    output:
        out_event_study=report("results/tables/did_event_study.csv", caption="../report/study.rst", category="DID"),
        out_att=report("results/tables/did_att.csv", caption="../report/study.rst", category="DID"),
        out_spillover=report("results/tables/did_spillover.csv", caption="../report/study.rst", category="DID"),
        out_json="results/study/did.json",
        out_figure=report("results/paper/figures/event_study.png", caption="../report/study.rst", category="DID"),
        out_paper_did=multiext("results/paper/did", ".csv", ".md", ".tex", ".docx"),
        out_paper_spillover=multiext("results/paper/did_spillover", ".csv", ".md", ".tex", ".docx"),
    log:
        "logs/study/did.log",
    resources:
        mem_mb=4000,
        runtime=60,
    params:
        **did_params(),
        step="aicoord.steps.did.did",
    script:
        "../../scripts/step.py"
