# Spatial weights matrices (step module aicoord.steps.weights).


rule weights:
    input:
        unpack(weights_inputs),
    output:
        **weights_files("results/weights/{w}", N_UNITS, DENSE_MAX),
        out_summary="results/weights/{w}_summary.json",
    log:
        "logs/weights/{w}.log",
    resources:
        mem_mb=3000,
        runtime=20,
    params:
        step="aicoord.steps.weights.weights",
        spec=weights_spec,
        name="{w}",
        out_stem="results/weights/{w}",
        level=LEVEL,
        dense_max=DENSE_MAX,
    script:
        "../../scripts/step.py"


rule weights_summary:
    input:
        summary_jsons=expand("results/weights/{w}_summary.json", w=list(WEIGHTS)),
    output:
        out_csv=report(
            "results/tables/weights_summary.csv",
            caption="../report/weights_summary.rst",
            category="Spatial weights",
        ),
    log:
        "logs/weights_summary.log",
    params:
        step="aicoord.steps.weights.weights_summary",
    script:
        "../../scripts/step.py"


rule weights_gal:
    input:
        raw_weights="results/weights/{w}_raw.npz",
    output:
        out_gal="results/weights/{w}.gal",
    log:
        "logs/weights_gal/{w}.log",
    params:
        step="aicoord.steps.weights.weights_gal",
    script:
        "../../scripts/step.py"


rule weights_long:
    input:
        raw_weights="results/weights/{w}_raw.npz",
    output:
        out_csv="results/weights/{w}_long.csv",
    log:
        "logs/weights_long/{w}.log",
    params:
        step="aicoord.steps.weights.weights_long",
    script:
        "../../scripts/step.py"
