# The paper figures (step module aicoord.steps.paper_figures): PNG 300 dpi + vector PDF in
# results/paper/figures/.


rule paper_figure_ai_map:
    input:
        data_csv=f"results/data/{paper_cross_section()[0]}.csv",
        note_csv=paper_cross_note_csv(),
        gpkg=GEOMETRY,
    output:
        out_png=report(
            "results/paper/figures/ai_map.png",
            caption="../report/paper_figure.rst",
            category="Paper figures",
            labels={"figure": "AI index map"},
        ),
        out_pdf="results/paper/figures/ai_map.pdf",
    log:
        "logs/paper/figure_ai_map.log",
    resources:
        mem_mb=3000,
        runtime=20,
    params:
        step="aicoord.steps.paper_figures.paper_figure_ai_map",
        variable=paper_cross_section()[1],
        label=paper_ai_label(),
        language=PAPER_LANGUAGE,
        map_approval=PAPER["map_approval"],
    script:
        "../../scripts/step.py"


rule paper_figure_lisa:
    input:
        lisa_csvs=paper_lisa_csvs(map_weights()),
        gpkg=GEOMETRY,
    output:
        out_png=report(
            "results/paper/figures/lisa.png",
            caption="../report/paper_figure.rst",
            category="Paper figures",
            labels={"figure": "LISA small multiples"},
        ),
        out_pdf="results/paper/figures/lisa.pdf",
    log:
        "logs/paper/figure_lisa.log",
    resources:
        mem_mb=3000,
        runtime=30,
    params:
        **paper_opts("weights_labels", "language", "map_approval"),
        step="aicoord.steps.paper_figures.paper_figure_lisa",
        weights=map_weights(),
    script:
        "../../scripts/step.py"


rule paper_figure_effects:
    input:
        effects_csv="results/tables/baseline_effects.csv",
        robustness_csv="results/tables/robustness.csv",
    output:
        out_png=report(
            "results/paper/figures/effects.png",
            caption="../report/paper_figure.rst",
            category="Paper figures",
            labels={"figure": "AI effects across variants"},
        ),
        out_pdf="results/paper/figures/effects.pdf",
    log:
        "logs/paper/figure_effects.log",
    params:
        **paper_opts("weights_labels", "language", "alpha"),
        step="aicoord.steps.paper_figures.paper_figure_effects",
        ai="ai",
        label=paper_labels().get("ai", ""),
    script:
        "../../scripts/step.py"


rule paper_figure_mediation:
    input:
        verdict_csv="results/tables/verdict.csv",
    output:
        out_png=report(
            "results/paper/figures/mediation.png",
            caption="../report/paper_figure.rst",
            category="Paper figures",
            labels={"figure": "mediated effects"},
        ),
        out_pdf="results/paper/figures/mediation.pdf",
    log:
        "logs/paper/figure_mediation.log",
    params:
        **paper_opts("labels", "language", "alpha"),
        step="aicoord.steps.paper_figures.paper_figure_mediation",
    script:
        "../../scripts/step.py"
