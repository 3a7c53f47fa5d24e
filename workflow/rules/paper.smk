# The study's tables and figures as a paper prints them (step module aicoord.steps.paper): one rule per table,
# writing results/paper/<name>.csv, .md, .tex, .docx (and .json, the table model) from one job; the combined
# tables.docx and tables.tex; the paper figures (PNG 300 dpi + PDF); and results/paper/README.md.


rule paper_descriptive:
    input:
        unpack(paper_descriptive_inputs),
    output:
        **paper_out("descriptive"),
    params:
        variables=paper_variables(),
        opts=paper_opts("labels", "language", "decimals", "variable_decimals", table="descriptive"),
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/paper/descriptive.log",
    script:
        "../../scripts/paper_descriptive.py"


rule paper_correlation:
    input:
        unpack(paper_correlation_inputs),
    output:
        **paper_out("correlation"),
    params:
        variables=paper_variables(),
        outcome=study_y(),
        opts=paper_opts("labels", "language", "decimals", table="correlation"),
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/paper/correlation.log",
    script:
        "../../scripts/paper_correlation.py"


rule paper_moran:
    input:
        "results/tables/global_autocorrelation.csv",
    output:
        **paper_out("moran"),
    params:
        opts=paper_opts("stars", "weights_labels", "labels", "language", "decimals", table="moran"),
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/paper/moran.log",
    script:
        "../../scripts/paper_moran.py"


rule paper_lisa:
    input:
        paper_lisa_csvs(list(WEIGHTS), latest=True),
    output:
        **paper_out("lisa"),
    params:
        opts=paper_opts("weights_labels", "labels", "language", table="lisa"),
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/paper/lisa.log",
    script:
        "../../scripts/paper_lisa.py"


rule paper_inequality:
    input:
        "results/tables/inequality_panel.csv",
    output:
        **paper_out("inequality"),
    params:
        opts=paper_opts("labels", "language", "decimals", table="inequality"),
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/paper/inequality.log",
    script:
        "../../scripts/paper_inequality.py"


rule paper_convergence:
    input:
        inequality="results/tables/inequality_panel.csv",
        beta="results/tables/beta_convergence.csv",
    output:
        **paper_out("convergence"),
    params:
        variable=beta_variable(),
        opts=paper_opts("labels", "language", "decimals", table="convergence"),
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/paper/convergence.log",
    script:
        "../../scripts/paper_convergence.py"


rule paper_specification:
    input:
        "results/tables/specification.csv",
    output:
        **paper_out("specification"),
    params:
        opts=paper_opts("weights_labels", "language", "decimals", table="specification"),
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/paper/specification.log",
    script:
        "../../scripts/paper_specification.py"


rule paper_baseline:
    input:
        coef="results/tables/baseline.csv",
        fit="results/study/baseline.json",
    output:
        **paper_out("baseline"),
    params:
        opts=paper_opts(
            "labels",
            "language",
            "decimals",
            "stars",
            "parentheses",
            "weights_labels",
            "show_controls",
            table="baseline",
        ),
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/paper/baseline.log",
    script:
        "../../scripts/paper_baseline.py"


rule paper_effects:
    input:
        effects="results/tables/baseline_effects.csv",
        fit="results/study/baseline.json",
    output:
        **paper_out("effects"),
    params:
        opts=paper_opts("labels", "language", "decimals", "stars", "parentheses", "weights_labels", table="effects"),
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/paper/effects.log",
    script:
        "../../scripts/paper_effects.py"


rule paper_mechanisms:
    input:
        "results/tables/mechanisms.csv",
    output:
        **paper_out("mechanisms"),
    params:
        opts=paper_opts(
            "labels", "language", "decimals", "stars", "parentheses", "weights_labels", "alpha",
            table="mechanisms",
        ),
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/paper/mechanisms.log",
    script:
        "../../scripts/paper_mechanisms.py"


rule paper_heterogeneity:
    input:
        "results/tables/heterogeneity.csv",
    output:
        **paper_out("heterogeneity"),
    params:
        opts=paper_opts(
            "labels", "language", "decimals", "stars", "parentheses", "weights_labels", table="heterogeneity",
        ),
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/paper/heterogeneity.log",
    script:
        "../../scripts/paper_heterogeneity.py"


rule paper_robustness:
    input:
        "results/tables/robustness.csv",
    output:
        **paper_out("robustness"),
    params:
        opts=paper_opts("labels", "weights_labels", "language", "decimals", "alpha", table="robustness"),
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/paper/robustness.log",
    script:
        "../../scripts/paper_robustness.py"


# the scenario tables only when scenarios are configured (analysis.scenarios: {} has none)
if ANALYSIS["scenarios"]:

    rule paper_scenarios:
        input:
            "results/tables/scenarios_dispersion.csv",
        output:
            **paper_out("scenarios"),
        params:
            opts=paper_opts("labels", "language", "decimals", "alpha", table="scenarios"),
        resources:
            mem_mb=1000,
            runtime=10,
        conda:
            "../../envs/aicoord.yaml"
        log:
            "logs/paper/scenarios.log",
        script:
            "../../scripts/paper_scenarios.py"


    rule paper_scenario_provinces:
        input:
            "results/tables/scenarios.csv",
        output:
            **paper_out("scenario_provinces"),
        params:
            opts=paper_opts("labels", "language", "decimals", table="scenario_provinces"),
        resources:
            mem_mb=1000,
            runtime=10,
        conda:
            "../../envs/aicoord.yaml"
        log:
            "logs/paper/scenario_provinces.log",
        script:
            "../../scripts/paper_scenario_provinces.py"


rule paper_identification:
    input:
        "results/tables/identification.csv",
    output:
        **paper_out("identification"),
    params:
        opts=paper_opts("labels", "language", "decimals", "stars", "parentheses", "weights_labels", "alpha",
                        table="identification"),
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/paper/identification.log",
    script:
        "../../scripts/paper_identification.py"


rule paper_verdict:
    input:
        "results/tables/verdict.csv",
    output:
        **paper_out("verdict"),
    params:
        opts=paper_opts("labels", "language", "decimals", "alpha", table="verdict"),
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/paper/verdict.log",
    script:
        "../../scripts/paper_verdict.py"


rule paper_tables:
    input:
        [f"results/paper/{name}.json" for name in PAPER_TABLES],
    output:
        docx=report("results/paper/tables.docx", caption="../report/paper_tables.rst", category="Paper tables",
                    labels={"table": "all tables (Word)"}),
        tex="results/paper/tables.tex",
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/paper/tables.log",
    script:
        "../../scripts/paper_tables.py"


rule paper_figure_ai_map:
    input:
        data=f"results/data/{paper_cross_section()[0]}.csv",
        note=paper_cross_note_csv(),
        gpkg=GEOMETRY,
    output:
        png=report("results/paper/figures/ai_map.png", caption="../report/paper_figure.rst", category="Paper figures",
                   labels={"figure": "AI index map"}),
        pdf="results/paper/figures/ai_map.pdf",
    params:
        variable=paper_cross_section()[1],
        label=paper_ai_label(),
        language=PAPER_LANGUAGE,
        map_approval=PAPER["map_approval"],
    resources:
        mem_mb=3000,
        runtime=20,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/paper/figure_ai_map.log",
    script:
        "../../scripts/paper_figure_ai_map.py"


rule paper_figure_lisa:
    input:
        lisa=paper_lisa_csvs(map_weights()),
        gpkg=GEOMETRY,
    output:
        png=report("results/paper/figures/lisa.png", caption="../report/paper_figure.rst", category="Paper figures",
                   labels={"figure": "LISA small multiples"}),
        pdf="results/paper/figures/lisa.pdf",
    params:
        weights=map_weights(),
        opts=paper_opts("weights_labels", "language", "map_approval"),
    resources:
        mem_mb=3000,
        runtime=30,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/paper/figure_lisa.log",
    script:
        "../../scripts/paper_figure_lisa.py"


rule paper_figure_effects:
    input:
        effects="results/tables/baseline_effects.csv",
        robustness="results/tables/robustness.csv",
    output:
        png=report("results/paper/figures/effects.png", caption="../report/paper_figure.rst",
                   category="Paper figures", labels={"figure": "AI effects across variants"}),
        pdf="results/paper/figures/effects.pdf",
    params:
        label=paper_labels().get("ai", ""),
        opts=paper_opts("weights_labels", "language", "alpha"),
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/paper/figure_effects.log",
    script:
        "../../scripts/paper_figure_effects.py"


rule paper_figure_mediation:
    input:
        "results/tables/verdict.csv",
    output:
        png=report("results/paper/figures/mediation.png", caption="../report/paper_figure.rst",
                   category="Paper figures", labels={"figure": "mediated effects"}),
        pdf="results/paper/figures/mediation.pdf",
    params:
        opts=paper_opts("labels", "language", "alpha"),
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/paper/figure_mediation.log",
    script:
        "../../scripts/paper_figure_mediation.py"


rule paper_readme:
    input:
        [f"results/paper/{name}.json" for name in PAPER_TABLES],
    output:
        "results/paper/README.md",
    params:
        entries=paper_readme_entries(),
        figures=paper_readme_figures(),
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/paper/readme.log",
    script:
        "../../scripts/paper_readme.py"
