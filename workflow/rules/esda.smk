# Global and local spatial autocorrelation, tables and figures (step module aicoord.steps.esda).


rule global_autocorrelation:
    input:
        data=tidy_data,
        weights=[std_weights(w) for w in WEIGHTS],
        summaries=expand("results/weights/{w}_summary.json", w=list(WEIGHTS)),
    output:
        expand("results/esda/global/{{var}}_{{year}}_{w}.json", w=list(WEIGHTS)),
    params:
        matrices=list(WEIGHTS),
        permutations=ESDA["permutations"],
        seed=config["seed"],
    resources:
        mem_mb=3000,
        runtime=60,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/global_autocorrelation/{var}_{year}.log",
    script:
        "../../scripts/global_autocorrelation.py"


rule collect_global:
    input:
        global_jsons,
    output:
        long=report(
            "results/tables/global_autocorrelation.csv",
            caption="../report/global_autocorrelation.rst",
            category="Spatial autocorrelation",
        ),
        wide=report(
            "results/tables/moran_year_by_matrix.csv",
            caption="../report/moran_table.rst",
            category="Spatial autocorrelation",
        ),
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/collect_global.log",
    script:
        "../../scripts/collect_global.py"


rule lisa:
    input:
        data=tidy_data,
        weights=[std_weights(w) for w in WEIGHTS],
        summaries=expand("results/weights/{w}_summary.json", w=list(WEIGHTS)),
    output:
        report(
            expand("results/esda/lisa/{{var}}_{{year}}_{w}.csv", w=list(WEIGHTS)),
            caption="../report/lisa.rst",
            category="LISA",
        ),
    params:
        matrices=list(WEIGHTS),
        permutations=ESDA["permutations"],
        seed=config["seed"],
        alpha=ESDA["alpha"],
        fdr=ESDA["fdr"],
    resources:
        mem_mb=3000,
        runtime=60,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/lisa/{var}_{year}.log",
    script:
        "../../scripts/lisa.py"


rule esda_figures:
    input:
        lisa="results/esda/lisa/{var}_{year}_{w}.csv",
        glob="results/esda/global/{var}_{year}_{w}.json",
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
    params:
        label=variable_label,
        language=LANGUAGE,
        map_approval=PAPER["map_approval"],
        matrix_label=esda_matrix_label,
    resources:
        mem_mb=3000,
        runtime=30,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/esda_figures/{var}_{year}_{w}.log",
    script:
        "../../scripts/esda_figures.py"
