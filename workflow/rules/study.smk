# The study (step module aicoord.steps.study): specification search, baseline SDM, convergence with AI, the
# mechanisms, heterogeneity, the robustness grid, the verdict and the policy scenarios.


rule specification:
    input:
        panel_csv="results/data/panel.csv",
        weights_csv=study_weights(),
    output:
        out_csv=report("results/tables/specification.csv", caption="../report/study.rst", category="Study"),
    log:
        "logs/study/specification.log",
    resources:
        mem_mb=4000,
        runtime=60,
    params:
        **study_params("y", "ai", "controls", "alpha", "weights_name"),
        step="aicoord.steps.study.specification",
        model_probabilities=bool(ANALYSIS["specification"]["model_probabilities"]),
        baseline_model=ANALYSIS["baseline_model"],
    script:
        "../../scripts/step.py"


rule baseline:
    input:
        panel_csv="results/data/panel.csv",
        weights_csv=study_weights(),
        spec_csv=baseline_spec(),
    output:
        out_coef=report("results/tables/baseline.csv", caption="../report/study.rst", category="Study"),
        out_effects=report("results/tables/baseline_effects.csv", caption="../report/study.rst", category="Study"),
        out_json="results/study/baseline.json",
    log:
        "logs/study/baseline.log",
    resources:
        mem_mb=4000,
        runtime=60,
    params:
        **study_params(),
        step="aicoord.steps.study.baseline",
        draws=ANALYSIS["draws"],
        seed=config["seed"],
        cov=study_cov(),
    script:
        "../../scripts/step.py"


rule baseline_columns:
    input:
        panel_csv="results/data/panel.csv",
        weights_csvs=baseline_column_weights(),
    output:
        out_csv=report("results/tables/baseline_columns.csv", caption="../report/study.rst", category="Study"),
    log:
        "logs/study/baseline_columns.log",
    resources:
        mem_mb=4000,
        runtime=60,
    params:
        **study_params("y", "ai", "controls", "effects", "lee_yu", "weights_name"),
        step="aicoord.steps.study.baseline_columns",
        names=baseline_column_names(),
        columns=PAPER["baseline_columns"],
        cov=study_cov(),
    script:
        "../../scripts/step.py"


rule identification:
    input:
        panel_csv="results/data/panel.csv",
        weights_csv=study_weights(),
    output:
        out_csv=report("results/tables/identification.csv", caption="../report/study.rst", category="Study"),
        out_json="results/study/identification.json",
    log:
        "logs/study/identification.log",
    resources:
        mem_mb=4000,
        runtime=60,
    params:
        **study_params(),
        step="aicoord.steps.study.identification",
        mode=IDENTIFICATION,
        instruments=ROLES["instruments"],
        iv_cov_type=ANALYSIS["iv_cov_type"],
        cluster=ANALYSIS["cluster"],
        draws=ANALYSIS["draws"],
        seed=config["seed"],
        cov=study_cov(),
    script:
        "../../scripts/step.py"


rule convergence_ai:
    input:
        panel_csv="results/data/panel.csv",
        weights_csv=study_weights(),
    output:
        out_csv=report("results/tables/convergence_ai.csv", caption="../report/study.rst", category="Study"),
    log:
        "logs/study/convergence_ai.log",
    resources:
        mem_mb=4000,
        runtime=60,
    params:
        **study_params("ai", "controls", "effects", "lee_yu", "alpha", "weights_name"),
        step="aicoord.steps.study.convergence_ai",
    script:
        "../../scripts/step.py"


rule mechanism:
    input:
        panel_csv="results/data/panel.csv",
        mechanism_csv="results/data/mechanisms/{mechanism}.csv",
        weights_csv=study_weights(),
    output:
        out_csv="results/study/mechanisms/{mechanism}.csv",
        out_json="results/study/mechanisms/{mechanism}.json",
    log:
        "logs/study/mechanism/{mechanism}.log",
    resources:
        mem_mb=4000,
        runtime=60,
    params:
        **study_params(),
        step="aicoord.steps.study.mechanism",
        name="{mechanism}",
        draws=ANALYSIS["draws"],
        seed=config["seed"],
        cov=study_cov(),
        instruments=IV_INSTRUMENTS,
        iv_cov_type=ANALYSIS["iv_cov_type"],
        cluster=ANALYSIS["cluster"],
    script:
        "../../scripts/step.py"


rule mechanisms:
    input:
        csvs=expand("results/study/mechanisms/{mechanism}.csv", mechanism=study_mechanisms()),
    output:
        out_csv=report("results/tables/mechanisms.csv", caption="../report/study.rst", category="Study"),
    log:
        "logs/study/mechanisms.log",
    params:
        step="aicoord.steps.study.mechanisms",
    script:
        "../../scripts/step.py"


rule heterogeneity:
    input:
        panel_csv="results/data/panel.csv",
        weights_csv=study_weights(),
    output:
        out_csv=report("results/tables/heterogeneity.csv", caption="../report/study.rst", category="Study"),
    log:
        "logs/study/heterogeneity.log",
    resources:
        mem_mb=4000,
        runtime=60,
    params:
        **study_params(),
        step="aicoord.steps.study.heterogeneity",
        draws=ANALYSIS["draws"],
        seed=config["seed"],
        split_year=ANALYSIS["split_year"],
    script:
        "../../scripts/step.py"


rule robustness_variant:
    input:
        unpack(variant_inputs),
    output:
        out_csv="results/study/robustness/{w}_{sample}.csv",
    log:
        "logs/study/robustness/{w}_{sample}.log",
    resources:
        mem_mb=4000,
        runtime=90,
    params:
        **study_params("y", "ai", "controls", "effects", "lee_yu", "alpha"),
        step="aicoord.steps.study.robustness_variant",
        weights_name="{w}",
        sample="{sample}",
        mechanism_names=study_mechanisms(),
        models=ANALYSIS["robustness"]["models"],
        dlag=ANALYSIS["robustness"]["dlag"],
        draws=ANALYSIS["draws"],
        seed=config["seed"],
    script:
        "../../scripts/step.py"


rule robustness:
    input:
        csvs=robustness_csvs,
    output:
        out_csv=report("results/tables/robustness.csv", caption="../report/study.rst", category="Study"),
    log:
        "logs/study/robustness.log",
    params:
        step="aicoord.steps.study.robustness",
    script:
        "../../scripts/step.py"


rule verdict:
    input:
        baseline_json="results/study/baseline.json",
        mechanism_jsons=expand("results/study/mechanisms/{mechanism}.json", mechanism=study_mechanisms()),
        robustness_csv="results/tables/robustness.csv",
        identification_csv=verdict_identification(),
    output:
        out_csv=report("results/tables/verdict.csv", caption="../report/verdict.rst", category="Study"),
    log:
        "logs/study/verdict.log",
    params:
        step="aicoord.steps.study.verdict",
        alpha=ANALYSIS["alpha"],
        adjust=ANALYSIS["p_adjust"],
        verdict_basis=ANALYSIS["verdict_basis"],
        expected_sign=canonical(ANALYSIS["expected_sign"]),
    script:
        "../../scripts/step.py"


rule scenarios:
    input:
        panel_csv="results/data/panel.csv",
        weights_csv=study_weights(),
        spec_csv=baseline_spec(),
    output:
        out_provinces=report("results/tables/scenarios.csv", caption="../report/study.rst", category="Study"),
        out_dispersion="results/tables/scenarios_dispersion.csv",
    log:
        "logs/study/scenarios.log",
    resources:
        mem_mb=4000,
        runtime=60,
    params:
        **study_params(),
        step="aicoord.steps.study.scenarios",
        specs=canonical(ANALYSIS["scenarios"]),
        draws=ANALYSIS["draws"],
        seed=config["seed"],
        cov=study_cov(),
    script:
        "../../scripts/step.py"
