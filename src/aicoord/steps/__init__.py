"""The workflow's steps: one module per rule file, one function per rule.

``workflow/rules/<name>.smk`` → ``aicoord.steps.<name>.<rule>`` → ``tests/steps/test_<name>.py``. Every rule
names its step in ``params: step="aicoord.steps.<name>.<rule>"`` and runs the one script ``scripts/step.py``,
which calls it with the rule's named inputs, outputs and params as keyword arguments
(:func:`aicoord.runner.run_rule`; docs/guide/workflow.md). Each step is a plain function from input paths and
plain parameters to output paths; it reads validated inputs, calls the package's modules and writes every
output atomically. Step modules never import each other's private names; what two need lives in a shared
module (:mod:`aicoord.contract`, :mod:`aicoord.notes`, :mod:`aicoord.weights_io`, :mod:`aicoord.paper`).

Modules
-------
geometry
    ``province_geometry``.
data
    ``cross_section``, ``simulate_panel``, ``panel``, ``mechanism_data``.
weights
    ``weights``, ``weights_summary``, ``weights_gal``, ``weights_long``.
esda
    ``global_autocorrelation``, ``collect_global``, ``lisa``, ``esda_figures``.
seed
    ``seed_claims``.
measures
    ``inequality_panel``, ``inequality_cross_section``, ``composite_indices``, ``coupling_coordination``,
    ``beta_convergence``, ``spatial_markov``, ``kde_figure``, ``demo_recovery``.
study
    ``specification``, ``baseline``, ``convergence_ai``, ``mechanism``, ``mechanisms``, ``heterogeneity``,
    ``robustness_variant``, ``robustness``, ``verdict``, ``scenarios``.
paper
    one function per paper table (``paper_descriptive`` ... ``paper_verdict``), ``paper_tables``,
    ``paper_readme``, and ``paper_figure_ai_map``, ``paper_figure_lisa``, ``paper_figure_effects``,
    ``paper_figure_mediation``.
did
    ``did``.
"""
