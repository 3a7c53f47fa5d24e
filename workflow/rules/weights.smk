# Spatial weights matrices (step module aicoord.steps.weights).


rule weights:
    input:
        unpack(weights_inputs),
    output:
        **weights_files("results/weights/{w}", N_UNITS, DENSE_MAX),
        summary="results/weights/{w}_summary.json",
    params:
        spec=weights_spec,
        stem="results/weights/{w}",
        level=LEVEL,
        dense_max=DENSE_MAX,
    resources:
        mem_mb=3000,
        runtime=20,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/weights/{w}.log",
    script:
        "../../scripts/weights.py"


rule weights_summary:
    input:
        expand("results/weights/{w}_summary.json", w=list(WEIGHTS)),
    output:
        report(
            "results/tables/weights_summary.csv",
            caption="../report/weights_summary.rst",
            category="Spatial weights",
        ),
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/weights_summary.log",
    script:
        "../../scripts/weights_summary.py"


rule weights_gal:
    input:
        "results/weights/{w}_raw.npz",
    output:
        "results/weights/{w}.gal",
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/weights_gal/{w}.log",
    script:
        "../../scripts/weights_gal.py"


rule weights_long:
    input:
        "results/weights/{w}_raw.npz",
    output:
        "results/weights/{w}_long.csv",
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/weights_long/{w}.log",
    script:
        "../../scripts/weights_long.py"
