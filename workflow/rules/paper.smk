# The study's descriptive tables as a paper prints them (step module aicoord.steps.paper): one rule per table,
# writing results/paper/<name>.csv, .md, .tex, .docx (and .json, the table model) from one job; the combined
# tables.docx and tables.tex of every table; and results/paper/README.md. The tables of the estimates are in
# paper_estimates.smk, the figures in paper_figures.smk (both included before this file: the README rule
# reads their rules).


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
