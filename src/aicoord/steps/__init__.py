"""The workflow's steps: one module per rule file, one function per rule.

``workflow/rules/<name>.smk`` → ``scripts/<rule>.py`` (a few lines) → ``aicoord.steps.<name>.<rule>``.
Each step is a plain function from input paths and plain parameters to output paths; it reads
validated inputs, computes with the package's modules and writes every output atomically. Step
modules never import each other's private names; what two need lives in a shared module
(:mod:`aicoord.contract`, :mod:`aicoord.notes`, :mod:`aicoord.weights_io`).

Modules
-------
geometry
    ``province_geometry``.
data
    ``cross_section``, ``simulate_panel``, ``panel``.
weights
    ``weights``, ``weights_summary``, ``weights_gal``.
esda
    ``global_autocorrelation``, ``collect_global``, ``lisa``, ``esda_figures``.
seed
    ``seed_claims``.
measures
    ``inequality``, ``composite_indices``, ``coupling_coordination``, ``beta_convergence``,
    ``spatial_markov``, ``kde_figure``, ``demo_recovery``.
study
    ``specification``, ``baseline``, ``convergence_ai``, ``mechanism``, ``mechanisms``, ``heterogeneity``,
    ``robustness_variant``, ``robustness``, ``verdict``, ``scenarios``.
paper
    one function per paper table (``descriptive`` ... ``verdict``), ``combined``, ``paper_readme``, and
    ``figure_ai_map``, ``figure_lisa``, ``figure_effects``, ``figure_mediation``.
"""
