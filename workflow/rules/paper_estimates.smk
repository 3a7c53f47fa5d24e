# The tables of the study's estimates as a paper prints them (step module aicoord.steps.paper_estimates): one
# rule per table (specification, baseline, effects, mechanisms, heterogeneity, robustness, scenarios,
# identification, verdict), writing results/paper/<name>.csv, .md, .tex, .docx (and .json, the table model)
# from one job.


rule paper_specification:
    input:
        spec_csv="results/tables/specification.csv",
    output:
        **paper_out("specification"),
    log:
        "logs/paper/specification.log",
    params:
        **paper_opts("weights_labels", "language", "decimals", table="specification"),
        step="aicoord.steps.paper_estimates.paper_specification",
    script:
        "../../scripts/step.py"


rule paper_baseline:
    input:
        coef_csv="results/tables/baseline_columns.csv",
        fit_json="results/study/baseline.json",
    output:
        **paper_out("baseline"),
    log:
        "logs/paper/baseline.log",
    params:
        **paper_opts(
            "labels",
            "language",
            "decimals",
            "stars",
            "parentheses",
            "weights_labels",
            "show_controls",
            table="baseline",
        ),
        step="aicoord.steps.paper_estimates.paper_baseline",
    script:
        "../../scripts/step.py"


rule paper_effects:
    input:
        effects_csv="results/tables/baseline_effects.csv",
        fit_json="results/study/baseline.json",
    output:
        **paper_out("effects"),
    log:
        "logs/paper/effects.log",
    params:
        **paper_opts("labels", "language", "decimals", "stars", "parentheses", "weights_labels", table="effects"),
        step="aicoord.steps.paper_estimates.paper_effects",
    script:
        "../../scripts/step.py"


rule paper_mechanisms:
    input:
        mechanisms_csv="results/tables/mechanisms.csv",
        verdict_csv="results/tables/verdict.csv",
    output:
        **paper_out("mechanisms"),
    log:
        "logs/paper/mechanisms.log",
    params:
        **paper_opts(
            "labels",
            "language",
            "decimals",
            "stars",
            "parentheses",
            "weights_labels",
            "alpha",
            table="mechanisms",
        ),
        step="aicoord.steps.paper_estimates.paper_mechanisms",
        outcome=study_y(),
    script:
        "../../scripts/step.py"


rule paper_heterogeneity:
    input:
        het_csv="results/tables/heterogeneity.csv",
    output:
        **paper_out("heterogeneity"),
    log:
        "logs/paper/heterogeneity.log",
    params:
        **paper_opts(
            "labels",
            "language",
            "decimals",
            "stars",
            "parentheses",
            "weights_labels",
            table="heterogeneity",
        ),
        step="aicoord.steps.paper_estimates.paper_heterogeneity",
    script:
        "../../scripts/step.py"


rule paper_robustness:
    input:
        robustness_csv="results/tables/robustness.csv",
    output:
        **paper_out("robustness"),
    log:
        "logs/paper/robustness.log",
    params:
        **paper_opts("labels", "weights_labels", "language", "decimals", "alpha", table="robustness"),
        step="aicoord.steps.paper_estimates.paper_robustness",
    script:
        "../../scripts/step.py"


# the scenario tables only when scenarios are configured (analysis.scenarios: {} has none)
if ANALYSIS["scenarios"]:

    rule paper_scenarios:
        input:
            dispersion_csv="results/tables/scenarios_dispersion.csv",
        output:
            **paper_out("scenarios"),
        log:
            "logs/paper/scenarios.log",
        params:
            **paper_opts("labels", "language", "decimals", "alpha", table="scenarios"),
            step="aicoord.steps.paper_estimates.paper_scenarios",
        script:
            "../../scripts/step.py"

    rule paper_scenario_provinces:
        input:
            provinces_csv="results/tables/scenarios.csv",
        output:
            **paper_out("scenario_provinces"),
        log:
            "logs/paper/scenario_provinces.log",
        params:
            **paper_opts("labels", "language", "decimals", table="scenario_provinces"),
            step="aicoord.steps.paper_estimates.paper_scenario_provinces",
        script:
            "../../scripts/step.py"


rule paper_identification:
    input:
        identification_csv="results/tables/identification.csv",
    output:
        **paper_out("identification"),
    log:
        "logs/paper/identification.log",
    params:
        **paper_opts(
            "labels", "language", "decimals", "stars", "parentheses", "weights_labels", "alpha", table="identification"
        ),
        step="aicoord.steps.paper_estimates.paper_identification",
    script:
        "../../scripts/step.py"


rule paper_verdict:
    input:
        verdict_csv="results/tables/verdict.csv",
    output:
        **paper_out("verdict"),
    log:
        "logs/paper/verdict.log",
    params:
        **paper_opts("labels", "language", "decimals", "alpha", table="verdict"),
        step="aicoord.steps.paper_estimates.paper_verdict",
    script:
        "../../scripts/step.py"
