# Panel measures (step module aicoord.steps.measures): inequality, composite indices, coupling coordination,
# β-convergence, spatial Markov chains, kernel densities, and the demo's recovery of its true parameters.


rule inequality_panel:
    input:
        unpack(inequality_inputs),
    output:
        by_year=report("results/tables/inequality_panel.csv", caption="../report/measures.rst", category="Measures"),
        pairs="results/tables/dagum_pairs_panel.csv",
    params:
        variables=inequality_variables(),
        groups=MEASURES["inequality"]["groups"],
        population=inequality_population(),
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/inequality_panel.log",
    script:
        "../../scripts/inequality_panel.py"


rule inequality_cross_section:
    input:
        "results/data/{dataset}.csv",
    output:
        by_year=report("results/tables/inequality_{dataset}.csv", caption="../report/measures.rst", category="Measures"),
        pairs="results/tables/dagum_pairs_{dataset}.csv",
    params:
        variables=dataset_variables,
        groups=MEASURES["inequality"]["groups"],
        population=None,
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/inequality_cross_section/{dataset}.log",
    script:
        "../../scripts/inequality_cross_section.py"


rule composite_indices:
    input:
        unpack(composite_inputs),
    output:
        scores=report("results/tables/composite_indices.csv", caption="../report/measures.rst", category="Measures"),
        weights="results/tables/composite_weights.csv",
    params:
        specs=index_specs(),
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/composite_indices.log",
    script:
        "../../scripts/composite_indices.py"


rule coupling_coordination:
    input:
        unpack(coordination_inputs),
    output:
        report("results/tables/coupling_coordination.csv", caption="../report/measures.rst", category="Measures"),
    params:
        subsystems=coordination_subsystems(),
        method=MEASURES["coordination"]["method"],
        by_year=MEASURES["coordination"]["by_year"],
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/coupling_coordination.log",
    script:
        "../../scripts/coupling_coordination.py"


rule beta_convergence:
    input:
        panel="results/data/panel.csv",
        weights=measures_weights("beta"),
    output:
        report("results/tables/beta_convergence.csv", caption="../report/measures.rst", category="Measures"),
    params:
        variable=beta_variable(),
        tau=MEASURES["beta"]["tau"],
        controls=beta_controls(),
        time_effects=MEASURES["beta"]["time_effects"],
        spatial_models=MEASURES["beta"]["spatial_models"],
        weights=MEASURES["beta"]["weights"],
    resources:
        mem_mb=4000,
        runtime=30,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/beta_convergence.log",
    script:
        "../../scripts/beta_convergence.py"


rule spatial_markov:
    input:
        panel="results/data/panel.csv",
        weights=measures_weights("markov"),
    output:
        transitions=report(
            "results/tables/spatial_markov_transitions.csv", caption="../report/measures.rst", category="Measures"
        ),
        steady="results/tables/spatial_markov_steady_state.csv",
        tests="results/tables/spatial_markov_tests.csv",
    params:
        variable=markov_variable(),
        k=MEASURES["markov"]["k"],
        population=population_column(),
        weights=MEASURES["markov"]["weights"],
    resources:
        mem_mb=2000,
        runtime=30,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/spatial_markov.log",
    script:
        "../../scripts/spatial_markov.py"


rule kde_figure:
    input:
        "results/data/panel.csv",
    output:
        report_png(
            expand("results/figures/kde_{var}.{ext}", var=kde_variable(), ext=ESDA["figure_formats"]),
            caption="../report/measures.rst",
            category="Figures",
        ),
    params:
        variable=kde_variable(),
        years=MEASURES["kde"]["years"],
        population=population_column(),
        language=LANGUAGE,
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/kde_figure.log",
    script:
        "../../scripts/kde_figure.py"


rule demo_recovery:
    input:
        unpack(recovery_inputs),
        truth="results/demo/truth.json",
        weights=measures_weights("recovery"),
    output:
        report("results/tables/demo_recovery.csv", caption="../report/demo.rst", category="Demo panel"),
    params:
        draws=MEASURES["recovery"]["draws"],
        seed=config["seed"],
    resources:
        mem_mb=4000,
        runtime=60,
    conda:
        "../../envs/aicoord.yaml"
    log:
        "logs/demo_recovery.log",
    script:
        "../../scripts/demo_recovery.py"
