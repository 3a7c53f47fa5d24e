# Panel measures (step module aicoord.steps.measures): inequality, composite indices, coupling coordination,
# β-convergence, spatial Markov chains, kernel densities, and the demo's recovery of its true parameters.


rule inequality_panel:
    input:
        unpack(inequality_inputs),
    output:
        out_year=report("results/tables/inequality_panel.csv", caption="../report/measures.rst", category="Measures"),
        out_pairs="results/tables/dagum_pairs_panel.csv",
    log:
        "logs/inequality_panel.log",
    params:
        step="aicoord.steps.measures.inequality_panel",
        variables=inequality_variables(),
        groups=MEASURES["inequality"]["groups"],
        population=inequality_population(),
    script:
        "../../scripts/step.py"


rule inequality_cross_section:
    input:
        data_csv="results/data/{dataset}.csv",
    output:
        out_year=report(
            "results/tables/inequality_{dataset}.csv", caption="../report/measures.rst", category="Measures"
        ),
        out_pairs="results/tables/dagum_pairs_{dataset}.csv",
    log:
        "logs/inequality_cross_section/{dataset}.log",
    params:
        step="aicoord.steps.measures.inequality_cross_section",
        variables=dataset_variables,
        groups=MEASURES["inequality"]["groups"],
        population=None,
    script:
        "../../scripts/step.py"


rule composite_indices:
    input:
        unpack(composite_inputs),
    output:
        out_scores=report("results/tables/composite_indices.csv", caption="../report/measures.rst", category="Measures"),
        out_weights="results/tables/composite_weights.csv",
    log:
        "logs/composite_indices.log",
    params:
        step="aicoord.steps.measures.composite_indices",
        specs=index_specs(),
    script:
        "../../scripts/step.py"


rule coupling_coordination:
    input:
        unpack(coordination_inputs),
    output:
        out_csv=report(
            "results/tables/coupling_coordination.csv", caption="../report/measures.rst", category="Measures"
        ),
    log:
        "logs/coupling_coordination.log",
    params:
        step="aicoord.steps.measures.coupling_coordination",
        subsystems=coordination_subsystems(),
        method=MEASURES["coordination"]["method"],
        by_year=MEASURES["coordination"]["by_year"],
    script:
        "../../scripts/step.py"


rule beta_convergence:
    input:
        panel_csv="results/data/panel.csv",
        weights_csv=measures_weights("beta"),
    output:
        out_csv=report("results/tables/beta_convergence.csv", caption="../report/measures.rst", category="Measures"),
    log:
        "logs/beta_convergence.log",
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        step="aicoord.steps.measures.beta_convergence",
        variable=beta_variable(),
        tau=MEASURES["beta"]["tau"],
        controls=beta_controls(),
        time_effects=MEASURES["beta"]["time_effects"],
        spatial_models=MEASURES["beta"]["spatial_models"],
        weights_name=MEASURES["beta"]["weights"],
    script:
        "../../scripts/step.py"


rule spatial_markov:
    input:
        panel_csv="results/data/panel.csv",
        weights_csv=measures_weights("markov"),
    output:
        out_transitions=report(
            "results/tables/spatial_markov_transitions.csv", caption="../report/measures.rst", category="Measures"
        ),
        out_steady="results/tables/spatial_markov_steady_state.csv",
        out_tests="results/tables/spatial_markov_tests.csv",
    log:
        "logs/spatial_markov.log",
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        step="aicoord.steps.measures.spatial_markov",
        variable=markov_variable(),
        k=MEASURES["markov"]["k"],
        population=population_column(),
        weights_name=MEASURES["markov"]["weights"],
    script:
        "../../scripts/step.py"


rule kde_figure:
    input:
        panel_csv="results/data/panel.csv",
    output:
        outputs=report_png(
            expand("results/figures/kde_{var}.{ext}", var=kde_variable(), ext=ESDA["figure_formats"]),
            caption="../report/measures.rst",
            category="Figures",
        ),
    log:
        "logs/kde_figure.log",
    params:
        step="aicoord.steps.measures.kde_figure",
        variable=kde_variable(),
        years=MEASURES["kde"]["years"],
        population=population_column(),
        language=LANGUAGE,
    script:
        "../../scripts/step.py"


rule demo_recovery:
    input:
        unpack(recovery_inputs),
        truth_json="results/demo/truth.json",
        weights_csv=measures_weights("recovery"),
    output:
        out_csv=report("results/tables/demo_recovery.csv", caption="../report/demo.rst", category="Demo panel"),
    log:
        "logs/demo_recovery.log",
    resources:
        mem_mb=4000,
        runtime=60,
    params:
        step="aicoord.steps.measures.demo_recovery",
        draws=MEASURES["recovery"]["draws"],
        seed=config["seed"],
    script:
        "../../scripts/step.py"
