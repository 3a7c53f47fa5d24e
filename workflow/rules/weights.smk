# Spatial weights matrices (step module aicoord.steps.weights).


rule weights:
    input:
        unpack(weights_inputs),
    output:
        csv="results/weights/{w}.csv",
        raw="results/weights/{w}_raw.csv",
        gwt="results/weights/{w}.gwt",
        summary="results/weights/{w}_summary.json",
    params:
        spec=weights_spec,
        stem="results/weights/{w}",
        level=LEVEL,
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
        "results/weights/{w}_raw.csv",
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
