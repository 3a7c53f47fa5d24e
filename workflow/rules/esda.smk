# Global and local spatial autocorrelation, tables and figures (step module aicoord.steps.esda).


rule global_autocorrelation:
    input:
        data_csv=tidy_data,
        weights_csv=[std_weights(w) for w in WEIGHTS],
        weights_summary=expand("results/weights/{w}_summary.json", w=list(WEIGHTS)),
    output:
        out_json=expand("results/esda/global/{{var}}_{{year}}_{w}.json", w=list(WEIGHTS)),
    log:
        "logs/global_autocorrelation/{var}_{year}.log",
    resources:
        mem_mb=3000,
        runtime=60,
    params:
        step="aicoord.steps.esda.global_autocorrelation",
        var="{var}",
        year="{year}",
        matrix=list(WEIGHTS),
        permutations=ESDA["permutations"],
        seed=config["seed"],
    script:
        "../../scripts/step.py"


rule collect_global:
    input:
        jsons=global_jsons,
    output:
        out_long=report(
            "results/tables/global_autocorrelation.csv",
            caption="../report/global_autocorrelation.rst",
            category="Spatial autocorrelation",
        ),
        out_wide=report(
            "results/tables/moran_year_by_matrix.csv",
            caption="../report/moran_table.rst",
            category="Spatial autocorrelation",
        ),
    log:
        "logs/collect_global.log",
    params:
        step="aicoord.steps.esda.collect_global",
    script:
        "../../scripts/step.py"


rule moran_panel:
    input:
        panel_csv="results/data/panel.csv",
        weights_npz=[std_weights(w) for w in map_weights()],
        weights_summaries=expand("results/weights/{w}_summary.json", w=map_weights()),
    output:
        out_csv=report(
            "results/tables/moran_panel.csv", caption="../report/moran_table.rst", category="Spatial autocorrelation"
        ),
    log:
        "logs/moran_panel.log",
    resources:
        mem_mb=2000,
        runtime=20,
    params:
        step="aicoord.steps.esda.moran_panel",
        variables=[study_y(), "ai"],
        matrices=map_weights(),
    script:
        "../../scripts/step.py"


rule lisa:
    input:
        data_csv=tidy_data,
        weights_csv=[std_weights(w) for w in WEIGHTS],
        weights_summary=expand("results/weights/{w}_summary.json", w=list(WEIGHTS)),
    output:
        out_csv=report(
            expand("results/esda/lisa/{{var}}_{{year}}_{w}.csv", w=list(WEIGHTS)),
            caption="../report/lisa.rst",
            category="LISA",
        ),
    log:
        "logs/lisa/{var}_{year}.log",
    resources:
        mem_mb=3000,
        runtime=60,
    params:
        step="aicoord.steps.esda.lisa",
        var="{var}",
        year="{year}",
        matrix=list(WEIGHTS),
        permutations=ESDA["permutations"],
        seed=config["seed"],
        alpha=ESDA["alpha"],
        fdr=ESDA["fdr"],
    script:
        "../../scripts/step.py"


rule esda_figures:
    input:
        lisa_csv="results/esda/lisa/{var}_{year}_{w}.csv",
        global_json="results/esda/global/{var}_{year}_{w}.json",
        gpkg=GEOMETRY,
    output:
        scatter=report_png(
            expand("results/figures/moran_scatter_{{var}}_{{year}}_{{w}}.{ext}", ext=ESDA["figure_formats"]),
            caption="../report/moran_scatter.rst",
            category="Figures",
            labels={"variable": "{var}", "year": "{year}", "matrix": "{w}", "figure": "Moran scatter"},
        ),
        cluster=report_png(
            expand("results/figures/lisa_cluster_{{var}}_{{year}}_{{w}}.{ext}", ext=ESDA["figure_formats"]),
            caption="../report/lisa_map.rst",
            category="Figures",
            labels={"variable": "{var}", "year": "{year}", "matrix": "{w}", "figure": "LISA cluster map"},
        ),
        significance=report_png(
            expand("results/figures/lisa_significance_{{var}}_{{year}}_{{w}}.{ext}", ext=ESDA["figure_formats"]),
            caption="../report/lisa_map.rst",
            category="Figures",
            labels={"variable": "{var}", "year": "{year}", "matrix": "{w}", "figure": "LISA significance map"},
        ),
    log:
        "logs/esda_figures/{var}_{year}_{w}.log",
    resources:
        mem_mb=3000,
        runtime=30,
    params:
        step="aicoord.steps.esda.esda_figures",
        var="{var}",
        year="{year}",
        matrix="{w}",
        label=variable_label,
        language=LANGUAGE,
        map_approval=PAPER["map_approval"],
        matrix_label=esda_matrix_label,
    script:
        "../../scripts/step.py"
