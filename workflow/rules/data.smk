# Validated input data (step module aicoord.steps.data): cross-sections, the simulated demonstration panel
# (only while panel.file is null) and the province-year panel.


rule cross_section:
    input:
        dataset_file,
    output:
        "results/data/{dataset}.csv",
    params:
        id=dataset_id,
        variables=dataset_variables,
        year=dataset_year,
        note=dataset_note,
        level=LEVEL,
        from_panel=dataset_from_panel,
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/cross_section/{dataset}.log",
    script:
        "../../scripts/cross_section.py"


rule simulate_panel:
    input:
        ai=config["seed_tables"]["index"],
        weights=f"results/weights/{config['demo']['weights']}.npz",
    output:
        panel="results/demo/panel.csv",
        truth="results/demo/truth.json",
        truth_csv=report("results/demo/truth.csv", caption="../report/demo.rst", category="Demo panel"),
    params:
        years=config["demo"]["years"],
        seed=config["demo"]["seed"],
        weights=config["demo"]["weights"],
        setting=config["demo"]["setting"],
        endogenous=config["demo"]["endogenous"],
        note=panel_note(),
        level=LEVEL,
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/simulate_panel.log",
    script:
        "../../scripts/simulate_panel.py"


rule panel:
    input:
        panel_source,
    output:
        csv="results/data/panel.csv",
        roles="results/data/panel_roles.json",
    params:
        dictionary=panel_dictionary(),
        note=panel_note(),
        simulated=DEMO,
        level=LEVEL,
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/panel.log",
    script:
        "../../scripts/panel.py"


rule mechanism_data:
    input:
        panel_source,
    output:
        "results/data/mechanisms/{mechanism}.csv",
    params:
        dictionary=mechanism_dictionary,
        note=panel_note(),
        level=LEVEL,
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/mechanism_data/{mechanism}.log",
    script:
        "../../scripts/mechanism_data.py"
