# The study (step module aicoord.steps.study): specification search, baseline SDM, convergence with AI, the
# mechanisms, heterogeneity, the robustness grid, the verdict and the policy scenarios.


rule specification:
    input:
        panel="results/data/panel.csv",
        weights=study_weights(),
    output:
        report("results/tables/specification.csv", caption="../report/study.rst", category="Study"),
    params:
        study=study_params(),
        model_probabilities=ANALYSIS["specification"]["model_probabilities"],
        baseline_model=ANALYSIS["baseline_model"],
    resources:
        mem_mb=4000,
        runtime=60,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/study/specification.log",
    script:
        "../../scripts/specification.py"


rule baseline:
    input:
        panel="results/data/panel.csv",
        weights=study_weights(),
        spec=baseline_spec(),
    output:
        coef=report("results/tables/baseline.csv", caption="../report/study.rst", category="Study"),
        effects=report("results/tables/baseline_effects.csv", caption="../report/study.rst", category="Study"),
        fit="results/study/baseline.json",
    params:
        study=study_params(),
        draws=ANALYSIS["draws"],
        seed=config["seed"],
        cov=study_cov(),
    resources:
        mem_mb=4000,
        runtime=60,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/study/baseline.log",
    script:
        "../../scripts/baseline.py"


rule identification:
    input:
        panel="results/data/panel.csv",
        weights=study_weights(),
    output:
        table=report("results/tables/identification.csv", caption="../report/study.rst", category="Study"),
        fit="results/study/identification.json",
    params:
        study=study_params(),
        mode=IDENTIFICATION,
        instruments=ROLES["instruments"],
        iv_cov_type=ANALYSIS["iv_cov_type"],
        cluster=ANALYSIS["cluster"],
        draws=ANALYSIS["draws"],
        seed=config["seed"],
        cov=study_cov(),
    resources:
        mem_mb=4000,
        runtime=60,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/study/identification.log",
    script:
        "../../scripts/identification.py"


rule convergence_ai:
    input:
        panel="results/data/panel.csv",
        weights=study_weights(),
    output:
        report("results/tables/convergence_ai.csv", caption="../report/study.rst", category="Study"),
    params:
        study=study_params(),
    resources:
        mem_mb=4000,
        runtime=60,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/study/convergence_ai.log",
    script:
        "../../scripts/convergence_ai.py"


rule mechanism:
    input:
        panel="results/data/panel.csv",
        mechanism="results/data/mechanisms/{mechanism}.csv",
        weights=study_weights(),
    output:
        table="results/study/mechanisms/{mechanism}.csv",
        row="results/study/mechanisms/{mechanism}.json",
    params:
        study=study_params(),
        draws=ANALYSIS["draws"],
        seed=config["seed"],
        cov=study_cov(),
        instruments=IV_INSTRUMENTS,
        iv_cov_type=ANALYSIS["iv_cov_type"],
        cluster=ANALYSIS["cluster"],
    resources:
        mem_mb=4000,
        runtime=60,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/study/mechanism/{mechanism}.log",
    script:
        "../../scripts/mechanism.py"


rule mechanisms:
    input:
        expand("results/study/mechanisms/{mechanism}.csv", mechanism=study_mechanisms()),
    output:
        report("results/tables/mechanisms.csv", caption="../report/study.rst", category="Study"),
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/study/mechanisms.log",
    script:
        "../../scripts/mechanisms.py"


rule heterogeneity:
    input:
        panel="results/data/panel.csv",
        weights=study_weights(),
    output:
        report("results/tables/heterogeneity.csv", caption="../report/study.rst", category="Study"),
    params:
        study=study_params(),
        draws=ANALYSIS["draws"],
        seed=config["seed"],
        split_year=ANALYSIS["split_year"],
    resources:
        mem_mb=4000,
        runtime=60,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/study/heterogeneity.log",
    script:
        "../../scripts/heterogeneity.py"


rule robustness_variant:
    input:
        unpack(variant_inputs),
    output:
        "results/study/robustness/{w}_{sample}.csv",
    params:
        study=study_params(),
        mechanisms=study_mechanisms(),
        models=ANALYSIS["robustness"]["models"],
        dlag=ANALYSIS["robustness"]["dlag"],
        draws=ANALYSIS["draws"],
        seed=config["seed"],
    resources:
        mem_mb=4000,
        runtime=90,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/study/robustness/{w}_{sample}.log",
    script:
        "../../scripts/robustness_variant.py"


rule robustness:
    input:
        robustness_csvs,
    output:
        report("results/tables/robustness.csv", caption="../report/study.rst", category="Study"),
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/study/robustness.log",
    script:
        "../../scripts/robustness.py"


rule verdict:
    input:
        baseline="results/study/baseline.json",
        mechanisms=expand("results/study/mechanisms/{mechanism}.json", mechanism=study_mechanisms()),
        robustness="results/tables/robustness.csv",
        identification=verdict_identification(),
    output:
        report("results/tables/verdict.csv", caption="../report/verdict.rst", category="Study"),
    params:
        alpha=ANALYSIS["alpha"],
        adjust=ANALYSIS["p_adjust"],
        verdict_basis=ANALYSIS["verdict_basis"],
        expected_sign=canonical(ANALYSIS["expected_sign"]),
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/study/verdict.log",
    script:
        "../../scripts/verdict.py"


rule scenarios:
    input:
        panel="results/data/panel.csv",
        weights=study_weights(),
    output:
        provinces=report("results/tables/scenarios.csv", caption="../report/study.rst", category="Study"),
        dispersion="results/tables/scenarios_dispersion.csv",
    params:
        study=study_params(),
        specs=canonical(ANALYSIS["scenarios"]),
        draws=ANALYSIS["draws"],
        seed=config["seed"],
    resources:
        mem_mb=4000,
        runtime=60,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/study/scenarios.log",
    script:
        "../../scripts/scenarios.py"
