"""Shared fixtures and tolerances."""

import json
import os
import warnings

# One BLAS thread per test process, set before numpy loads OpenBLAS: `pytest -n 2` runs two workers on two cores,
# and OpenBLAS's own threads on top of them oversubscribe the cores; on a busy machine a test of dense
# 230 x 230 likelihoods took 33 s instead of 4 s (tests/panel/test_random.py). The Snakemake jobs of the workflow
# tests get their thread count from Snakemake (a rule's `threads`). A value set by the user is kept.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import pytest  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from helpers import FIXTURES, ROOT  # noqa: E402

threadpool_limits(int(os.environ["OPENBLAS_NUM_THREADS"]), user_api="blas")  # in case numpy was loaded before

warnings.filterwarnings("ignore", message=".*disconnected components.*")
warnings.filterwarnings("ignore", message=".*island.*")


@pytest.fixture(scope="session")
def spdep_reference():
    """R spdep reference values, made by tests/fixtures/esda/make_reference.R."""
    return json.loads((FIXTURES / "esda" / "reference.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def provinces_gdf():
    from aicoord.geometry import load_provinces

    return load_provinces()


@pytest.fixture(scope="session")
def ai_index():
    from aicoord.contract import read_province_table

    return read_province_table(ROOT / "data/raw/seed_table1_ai_index_2023.csv", "province", ["ai_index"])["ai_index"]


# ---- the daily loop: `pytest -n 2 -m quick` (marker registered in pyproject.toml)

#: Folders whose tests are unit tests of the engine and the study functions on small inputs (never Snakemake),
#: and the modules of a folder taken (None: all of them). tests/steps, tests/commands and the other study modules
#: write and read files through whole steps or commands, or share fixtures that fit many models with thousands of
#: draws: they stay out of the quick loop.
QUICK_DIRS = {"tests": None, "panel": None, "study": {"test_study_spectrum.py", "test_study_formulas.py"}}
#: Modules left out of the quick loop as a whole: command-line runs in subprocesses, Monte Carlo, Hypothesis
#: searches, figures, and module fixtures that fit random-effects models on dense likelihoods.
NOT_QUICK_MODULES = {
    "test_monte_carlo.py",
    "test_random.py",
    "test_cli_and_errors.py",
    "test_dynamic_cli.py",
    "test_inference_cli.py",
    "test_properties.py",
    "test_plotting.py",
    "test_runner.py",
    "test_unbalanced.py",
}
#: Tests with long calls or fixtures (measured with --durations on 2026-12-06 under a load of 15-27 on 2 cores:
#: 0.3 s or more each there), by module. A test that takes longer than about 0.1 s on an idle core belongs here.
LONG = {
    "test_autocorrelation.py": {
        "test_general_g_equals_getis_ord_and_its_permutation_variance",
        "test_general_g_uses_the_binary_links_in_the_weights_order",
        "test_global_moran_matches_spdep",
        "test_local_moran_matches_spdep",
        "test_permutation_outputs_against_an_independent_permutation_distribution",
        "test_permutation_p_values_are_seeded",
        "test_results_are_invariant_to_the_scale_of_the_variable",
        "test_z_sim_agrees_with_the_randomisation_z",
    },
    "test_bare_baseline.py": {"test_bare_script_agrees_with_engine"},
    "test_bayes.py": {
        "test_bad_options",
        "test_integral_matches_dense_quadrature",
        "test_integrands_default_to_two_way_effects",
        "test_log_marginals_are_a_named_series",
        "test_sdpdmod_printed_values_reproduced",
    },
    "test_cigar_vs_r.py": {"test_estimates_match_r", "test_simulated_effect_se_match_delta_method"},
    "test_config.py": {
        "test_default_study_is_valid_and_schema_and_defaults_do_not_drift",
        "test_errors_name_the_key_and_the_fix",
        "test_missing_input_files_are_refused_naming_key_and_path",
        "test_variables_resolve_by_role",
    },
    "test_contract.py": {
        "test_bad_ranges_in_dictionary",
        "test_negative_gdp_and_dictionary_range",
        "test_non_numeric_cell",
        "test_read_good_csv",
        "test_xlsx_and_gbk_csv_equal_utf8",
    },
    "test_convergence.py": {
        "test_default_column_names_and_lost_units_named",
        "test_panel_fe_equals_within_estimator",
        "test_panel_reports_pvalue_r2_form_and_cluster_se",
        "test_panel_within_estimator_equals_the_lsdv_with_dummies",
        "test_spatial_beta_convergence_defaults_and_passed_options",
        "test_spatial_beta_convergence_fits_the_engine_on_the_growth_panel",
    },
    "test_data.py": {"test_design_messages_name_the_problem_and_the_fix"},
    "test_diagnostics.py": {
        "test_hausman",
        "test_lm_tests_refuse_an_unbalanced_panel_and_say_what_can_be_done",
        "test_lr_effects_tests",
        "test_lr_effects_tests_against_dummy_regressions",
    },
    "test_dynamic.py": {
        "test_effects_against_dense_formula_general_w",
        "test_sdpdmod_dynamic_sar_twoways",
        "test_sdpdmod_twoways_with_spatial_time_lag",
        "test_sdpdmod_vignette_individual_effects",
        "test_unbalanced_panel_is_refused_by_the_dynamic_model_only",
    },
    "test_effects.py": {"test_effects_equal_dense_formula", "test_simulated_effects_follow_a_change_of_units"},
    "test_effects_delta.py": {
        "test_delta_close_to_simulation_on_cigar",
        "test_delta_matches_numerical_gradient",
        "test_same_matrix_three_times_changes_nothing",
    },
    "test_fixed.py": {"test_models_match_r"},
    "test_indices.py": {"test_entropy_by_year_equals_single_year_pooled", "test_entropy_invariances"},
    "test_inference.py": {
        "test_bad_options",
        "test_option_spellings_messages_and_notes",
        "test_random_effects_sar_scores",
        "test_robust_covariance_with_a_binary_regressor",
        "test_sac_expected_information_equals_the_gaussian_fisher_information",
        "test_score_covariances_match_numerical_derivatives",
        "test_separate_error_weights_estimates_maximise_the_dense_likelihood",
        "test_separate_error_weights_scores",
        "test_weights_by_year_scores",
    },
    "test_input_checks.py": {"test_effects_simulation_memory_is_bounded"},
    "test_markov.py": {"test_spatial_markov_counts_independent"},
    "test_model.py": {
        "test_import_does_not_load_scipy_optimize",
        "test_sac_takes_the_error_parameter_bounds_from_the_error_matrix",
        "test_tol_reaches_the_sac_search",
    },
    "test_provinces.py": {"test_capitals_lie_in_their_prefecture_polygons"},
    "test_published.py": {"test_sdpdmod_sar_individual", "test_sdpdmod_twoways"},
    "test_results.py": {
        "test_information_criteria_and_r2_independently",
        "test_repr_is_one_line",
        "test_respecify_keeps_what_it_is_not_told_to_change",
        "test_results_api",
    },
    "test_simulate.py": {
        "test_demo_below_the_provinces",
        "test_last_year_ai_equals_table1_exactly",
        "test_monte_carlo_mean_and_coverage",
        "test_reduced_form_baseline_is_exact",
    },
    "test_study_spectrum.py": {
        "test_cached_spectrum_file_is_read_by_a_later_process_bit_for_bit",
        "test_region_means_of_many_draws_equal_dense_solves",
    },
    "test_template.py": {
        "test_cli_bad_years_through_the_installed_command",
        "test_cli_writes_the_template_and_says_where_the_snippet_is",
        "test_configuration_with_the_filled_template_validates",
        "test_filled_template_reads_back_through_the_contract",
        "test_template_shape_headers_and_description",
        "test_unfilled_template_is_refused_naming_the_first_empty_cell",
    },
    "test_units.py": {"test_codes_and_unique_names_match", "test_kinmen_dropped_with_a_note"},
    "test_vs_spreg.py": {"test_lm_tests_vs_spreg_ols", "test_panel_fe_lag"},
    "test_weights.py": {
        "test_build_nested_passes_phi_cutoff_and_the_panel_provinces",
        "test_contiguity_is_computed_once_per_polygons_and_kind",
        "test_contiguity_matches_spdep_poly2nb",
        "test_contiguity_with_an_island_is_silent",
        "test_hainan_linked_to_guangdong_by_default",
        "test_nearest_island_links_and_neighbour_order",
        "test_unknown_island_link_and_links_between_neighbours",
    },
    "test_weights_by_year.py": {"test_by_year_matches_r"},
    "test_weights_io.py": {
        "test_every_format_gives_the_known_matrix",
        "test_knn_round_trip_keeps_direction",
        "test_queen_gal_and_gal_refuses_weights",
        "test_sparse_forms_give_the_known_matrix_and_keep_an_isolate",
        "test_write_weights_writes_dense_tables_only_up_to_dense_max",
    },
    "test_wmatrix.py": {
        "test_asymmetric_matrices_are_not_taken_for_rescaled_symmetric",
        "test_auto_logdet_takes_eigenvalues_of_a_dense_large_matrix",
        "test_banded_eigen_and_traces_match_dense",
        "test_bounds_of_the_eigen_and_lu_paths_equal_dense_eigenvalues",
        "test_dense_rescaled_symmetric_matrix_follows_a_spanning_tree",
        "test_eigenvalues_computed_once_for_fit_tests_and_effects",
        "test_graph_object_and_non_float_frames_are_read_like_a_w",
        "test_lu_method_fit_equals_eigen",
        "test_projected_traces_of_a_banded_w_equal_dense",
        "test_rescaled_symmetric_matrix_is_recognised",
        "test_rescaled_symmetric_matrix_with_two_components",
        "test_row_standardised_file_fits_like_binary",
        "test_shared_cache_drops_the_least_recently_used_and_keys_on_every_option",
        "test_shared_cache_is_bounded",
        "test_weights_inputs_equivalent",
    },
}
#: Fixtures that run a Snakemake study or fit many models with thousands of draws.
HEAVY_FIXTURES = {"default_study", "real_study", "real_measures", "runs"}


def pytest_collection_modifyitems(config, items):
    """Mark ``quick`` the unit tests of :data:`QUICK_DIRS` on small inputs: not in :data:`NOT_QUICK_MODULES`
    nor :data:`LONG`, not ``slow`` or ``whole_study``, and using none of :data:`HEAVY_FIXTURES`."""
    for item in items:
        path = item.path
        if path.parent.name not in QUICK_DIRS or path.name in NOT_QUICK_MODULES:
            continue
        if QUICK_DIRS[path.parent.name] is not None and path.name not in QUICK_DIRS[path.parent.name]:
            continue
        if (
            getattr(item, "originalname", item.name) in LONG.get(path.name, ())
            or item.get_closest_marker("slow")
            or _runs_a_study(item)
        ):
            continue
        item.add_marker(pytest.mark.quick)
    items.sort(key=_cost_rank)  # stable: the collection order within a rank


def _runs_a_study(item) -> bool:
    """The test runs a study through Snakemake: it uses one of :data:`HEAVY_FIXTURES` or is ``whole_study``."""
    return bool(HEAVY_FIXTURES & set(getattr(item, "fixturenames", ()))) or bool(item.get_closest_marker("whole_study"))


def _cost_rank(item) -> int:
    """Where a test goes in the order in which ``pytest -n 2`` hands tests out: the longest first, so that the
    last minute of a run is short tests that spread evenly over the workers.

    0. tests that run a study through Snakemake (:data:`HEAVY_FIXTURES`, ``whole_study``): minutes each;
    1. the other tests of tests/workflow/: a Snakemake run or dry run each, seconds;
    2. the tests not in the quick loop: steps, commands, figures, Monte Carlo;
    3. the quick loop's unit tests, a fraction of a second each.

    Measured on 2026-12-07 (2 idle cores): in collection order the tests of tests/workflow/ came last, and
    one worker ran the real-panel measures (24 s) and two other Snakemake runs while the other had finished,
    24 s apart; the xdist groups (:mod:`tests.workflow.conftest`) are handed out first either way
    (``--dist loadgroup`` sorts the units of work by their number of tests)."""
    if _runs_a_study(item):
        return 0
    if item.path.parent.name == "workflow":
        return 1
    return 3 if item.get_closest_marker("quick") else 2
