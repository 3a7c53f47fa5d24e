# The study's tables and figures as a paper prints them (step module aicoord.steps.paper): one rule per table,
# writing results/paper/<name>.csv, .md, .tex, .docx (and .json, the table model) from one job; the combined
# tables.docx and tables.tex; the paper figures (PNG 300 dpi + PDF); and results/paper/README.md.


rule paper_descriptive:
    input:
        unpack(paper_descriptive_inputs),
    output:
        **paper_out("descriptive"),
    log:
        "logs/paper/descriptive.log",
    params:
        **paper_opts("labels", "language", "decimals", "variable_decimals", table="descriptive"),
        step="aicoord.steps.paper.paper_descriptive",
        variables=paper_variables(),
    script:
        "../../scripts/step.py"


rule paper_correlation:
    input:
        unpack(paper_correlation_inputs),
    output:
        **paper_out("correlation"),
    log:
        "logs/paper/correlation.log",
    params:
        **paper_opts("labels", "language", "decimals", table="correlation"),
        step="aicoord.steps.paper.paper_correlation",
        variables=paper_variables(),
        outcome=study_y(),
    script:
        "../../scripts/step.py"


rule paper_moran:
    input:
        moran_csv="results/tables/moran_panel.csv",
    output:
        **paper_out("moran"),
    log:
        "logs/paper/moran.log",
    params:
        **paper_opts("stars", "weights_labels", "labels", "language", "decimals", table="moran"),
        step="aicoord.steps.paper.paper_moran",
        matrices=map_weights(),
    script:
        "../../scripts/step.py"


rule paper_lisa:
    input:
        lisa_csvs=paper_lisa_csvs(list(WEIGHTS), latest=True),
    output:
        **paper_out("lisa"),
    log:
        "logs/paper/lisa.log",
    params:
        **paper_opts("weights_labels", "labels", "language", table="lisa"),
        step="aicoord.steps.paper.paper_lisa",
    script:
        "../../scripts/step.py"


rule paper_inequality:
    input:
        inequality_csv="results/tables/inequality_panel.csv",
    output:
        **paper_out("inequality"),
    log:
        "logs/paper/inequality.log",
    params:
        **paper_opts("labels", "language", "decimals", table="inequality"),
        step="aicoord.steps.paper.paper_inequality",
    script:
        "../../scripts/step.py"


rule paper_convergence:
    input:
        inequality_csv="results/tables/inequality_panel.csv",
        beta_csv="results/tables/beta_convergence.csv",
    output:
        **paper_out("convergence"),
    log:
        "logs/paper/convergence.log",
    params:
        **paper_opts("labels", "language", "decimals", table="convergence"),
        step="aicoord.steps.paper.paper_convergence",
        variable=beta_variable(),
    script:
        "../../scripts/step.py"


rule paper_specification:
    input:
        spec_csv="results/tables/specification.csv",
    output:
        **paper_out("specification"),
    log:
        "logs/paper/specification.log",
    params:
        **paper_opts("weights_labels", "language", "decimals", table="specification"),
        step="aicoord.steps.paper.paper_specification",
    script:
        "../../scripts/step.py"


rule paper_baseline:
    input:
        coef_csv="results/tables/baseline_columns.csv",
        fit_json="results/study/baseline.json",
    output:
        **paper_out("baseline"),
    log:
        "logs/paper/baseline.log",
    params:
        **paper_opts(
            "labels",
            "language",
            "decimals",
            "stars",
            "parentheses",
            "weights_labels",
            "show_controls",
            table="baseline",
        ),
        step="aicoord.steps.paper.paper_baseline",
    script:
        "../../scripts/step.py"


rule paper_effects:
    input:
        effects_csv="results/tables/baseline_effects.csv",
        fit_json="results/study/baseline.json",
    output:
        **paper_out("effects"),
    log:
        "logs/paper/effects.log",
    params:
        **paper_opts("labels", "language", "decimals", "stars", "parentheses", "weights_labels", table="effects"),
        step="aicoord.steps.paper.paper_effects",
    script:
        "../../scripts/step.py"


rule paper_mechanisms:
    input:
        mechanisms_csv="results/tables/mechanisms.csv",
        verdict_csv="results/tables/verdict.csv",
    output:
        **paper_out("mechanisms"),
    log:
        "logs/paper/mechanisms.log",
    params:
        **paper_opts(
            "labels",
            "language",
            "decimals",
            "stars",
            "parentheses",
            "weights_labels",
            "alpha",
            table="mechanisms",
        ),
        step="aicoord.steps.paper.paper_mechanisms",
        outcome=study_y(),
    script:
        "../../scripts/step.py"


rule paper_heterogeneity:
    input:
        het_csv="results/tables/heterogeneity.csv",
    output:
        **paper_out("heterogeneity"),
    log:
        "logs/paper/heterogeneity.log",
    params:
        **paper_opts(
            "labels",
            "language",
            "decimals",
            "stars",
            "parentheses",
            "weights_labels",
            table="heterogeneity",
        ),
        step="aicoord.steps.paper.paper_heterogeneity",
    script:
        "../../scripts/step.py"


rule paper_robustness:
    input:
        robustness_csv="results/tables/robustness.csv",
    output:
        **paper_out("robustness"),
    log:
        "logs/paper/robustness.log",
    params:
        **paper_opts("labels", "weights_labels", "language", "decimals", "alpha", table="robustness"),
        step="aicoord.steps.paper.paper_robustness",
    script:
        "../../scripts/step.py"


# the scenario tables only when scenarios are configured (analysis.scenarios: {} has none)
if ANALYSIS["scenarios"]:

    rule paper_scenarios:
        input:
            dispersion_csv="results/tables/scenarios_dispersion.csv",
        output:
            **paper_out("scenarios"),
        log:
            "logs/paper/scenarios.log",
        params:
            **paper_opts("labels", "language", "decimals", "alpha", table="scenarios"),
            step="aicoord.steps.paper.paper_scenarios",
        script:
            "../../scripts/step.py"

    rule paper_scenario_provinces:
        input:
            provinces_csv="results/tables/scenarios.csv",
        output:
            **paper_out("scenario_provinces"),
        log:
            "logs/paper/scenario_provinces.log",
        params:
            **paper_opts("labels", "language", "decimals", table="scenario_provinces"),
            step="aicoord.steps.paper.paper_scenario_provinces",
        script:
            "../../scripts/step.py"


rule paper_identification:
    input:
        identification_csv="results/tables/identification.csv",
    output:
        **paper_out("identification"),
    log:
        "logs/paper/identification.log",
    params:
        **paper_opts(
            "labels", "language", "decimals", "stars", "parentheses", "weights_labels", "alpha", table="identification"
        ),
        step="aicoord.steps.paper.paper_identification",
    script:
        "../../scripts/step.py"


rule paper_verdict:
    input:
        verdict_csv="results/tables/verdict.csv",
    output:
        **paper_out("verdict"),
    log:
        "logs/paper/verdict.log",
    params:
        **paper_opts("labels", "language", "decimals", "alpha", table="verdict"),
        step="aicoord.steps.paper.paper_verdict",
    script:
        "../../scripts/step.py"


rule paper_tables:
    input:
        table_jsons=[f"results/paper/{name}.json" for name in PAPER_TABLES],
    output:
        out_docx=report(
            "results/paper/tables.docx",
            caption="../report/paper_tables.rst",
            category="Paper tables",
            labels={"table": "all tables (Word)"},
        ),
        out_tex="results/paper/tables.tex",
    log:
        "logs/paper/tables.log",
    params:
        step="aicoord.steps.paper.paper_tables",
    script:
        "../../scripts/step.py"


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
        step="aicoord.steps.paper.paper_figure_ai_map",
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
        step="aicoord.steps.paper.paper_figure_lisa",
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
        step="aicoord.steps.paper.paper_figure_effects",
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
        step="aicoord.steps.paper.paper_figure_mediation",
    script:
        "../../scripts/step.py"


rule paper_readme:
    input:
        table_jsons=[f"results/paper/{name}.json" for name in PAPER_TABLES],
    output:
        out_md="results/paper/README.md",
    log:
        "logs/paper/readme.log",
    params:
        step="aicoord.steps.paper.paper_readme",
        entries=paper_readme_entries(),
        figures=paper_readme_figures(),
    script:
        "../../scripts/step.py"
