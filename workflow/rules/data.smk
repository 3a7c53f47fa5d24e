# Validated input data (step module aicoord.steps.data): cross-sections, the simulated demonstration panel
# (only while panel.file is null) and the province-year panel.


rule cross_section:
    input:
        src=dataset_file,
    output:
        out_csv="results/data/{dataset}.csv",
    log:
        "logs/cross_section/{dataset}.log",
    params:
        step="aicoord.steps.data.cross_section",
        id_col=dataset_id,
        variables=dataset_variables,
        year=dataset_year,
        note=dataset_note,
        level=LEVEL,
        from_panel=dataset_from_panel,
    script:
        "../../scripts/step.py"


rule simulate_panel:
    input:
        ai_csv=config["seed_tables"]["index"],
        weights_csv=std_weights(config["demo"]["weights"]),
    output:
        out_panel="results/demo/panel.csv",
        out_truth_json="results/demo/truth.json",
        out_truth_csv=report("results/demo/truth.csv", caption="../report/demo.rst", category="Demo panel"),
    log:
        "logs/simulate_panel.log",
    params:
        step="aicoord.steps.data.simulate_panel",
        years=config["demo"]["years"],
        seed=config["demo"]["seed"],
        weights_name=config["demo"]["weights"],
        setting=config["demo"]["setting"],
        endogenous=config["demo"]["endogenous"],
        note=panel_note(),
        level=LEVEL,
    script:
        "../../scripts/step.py"


rule panel:
    input:
        src=panel_source,
    output:
        out_csv="results/data/panel.csv",
        out_roles="results/data/panel_roles.json",
    log:
        "logs/panel.log",
    params:
        step="aicoord.steps.data.panel",
        dictionary=panel_dictionary(),
        note=panel_note(),
        simulated=DEMO,
        level=LEVEL,
    script:
        "../../scripts/step.py"


rule mechanism_data:
    input:
        src=panel_source,
    output:
        out_csv="results/data/mechanisms/{mechanism}.csv",
    log:
        "logs/mechanism_data/{mechanism}.log",
    params:
        step="aicoord.steps.data.mechanism_data",
        dictionary=mechanism_dictionary,
        mechanism="{mechanism}",
        note=panel_note(),
        level=LEVEL,
    script:
        "../../scripts/step.py"
