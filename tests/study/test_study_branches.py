"""Branches of the robustness grid that the study's default run does not take: each model of a variant draws with
its own seed (the k-th model of ``models`` with ``seed + 10 k``, so that a model's draws do not depend on which
other models the grid holds before it, only on its place; the dynamic SDM too), the message of a variant with too
few periods, compared whole, the dynamic SDM's mediated effect (its draws recorded, the channel equation drawn with
``seed`` and the outcome equation with ``seed + 1``, the short-run totals by the hand formula (β + θ)/(1 − ρ)) and
the baseline columns' matrix when none is named (the first one given)."""

import numpy as np
import pytest

from aicoord.simulate import MECHANISM_NAMES
from aicoord.study import robustness_variant
from aicoord.study._common import param_draws, setting
from aicoord.study.dynamic import dynamic_mediated, dynamic_total, fit_dynamic_sdm
from aicoord.study.models import baseline_columns
from aicoord.study.robustness import _too_few_periods
from helpers import study_kw


def test_each_model_of_a_variant_draws_with_seed_plus_ten_times_its_place(demos, queen):
    panel = demos["A"][0]
    kw = {**study_kw(queen), "mechanisms": list(MECHANISM_NAMES)[:1], "sample": "full", "draws": 100}
    grid = robustness_variant(panel, **kw, models=("sdm", "sar", "sem"), seed=5)
    cols = ["mechanism", "quantity", "estimate", "lower", "upper", "verdict", "nobs"]
    for k, model in enumerate(("sdm", "sar", "sem")):
        alone = robustness_variant(panel, **kw, models=(model,), seed=5 + 10 * k)
        got = grid[grid["model"] == model][cols].reset_index(drop=True)
        assert got.equals(alone[cols].reset_index(drop=True)), model
        if k:  # the draws differ with the seed: the test would see another rule
            other = robustness_variant(panel, **kw, models=(model,), seed=5 + 10 * k + 1)
            assert not got[["lower", "upper"]].equals(other[cols][["lower", "upper"]].reset_index(drop=True))


@pytest.mark.parametrize(
    "periods, model, effects, sample, message",
    [
        (
            2,
            "dynamic_sdm",
            "twoways",
            "full",
            "only 2 period(s) in this sample; dynamic_sdm needs at least 3 "
            "(one period is lost to the time lag and one more to the fixed effects)",
        ),
        (
            1,
            "sdm",
            "twoways",
            "ai_lag1",
            "only 1 period(s) in this sample after AI is lagged one year; sdm needs at least 2 "
            "(the unit fixed effects need two periods)",
        ),
        (
            1,
            "sar",
            "individual",
            "full",
            "only 1 period(s) in this sample; sar needs at least 2 (the unit fixed effects need two periods)",
        ),
        (1, "sdm", "time", "full", ""),
        (2, "sem", "twoways", "ai_lag1", ""),
        (3, "dynamic_sdm", "time", "full", ""),
    ],
)
def test_too_few_periods_message_whole(periods, model, effects, sample, message):
    assert _too_few_periods(periods, model, effects, sample) == message


def test_the_dynamic_model_of_a_variant_draws_with_seed_plus_ten_times_its_place(demos, queen):
    """The dynamic SDM second in ``models`` draws with ``seed + 10``: its rows equal those of a grid holding it
    alone with that seed, and differ from those of the next seed."""
    panel = demos["A"][0]
    kw = {**study_kw(queen), "mechanisms": list(MECHANISM_NAMES)[:1], "sample": "full", "draws": 100}
    cols = ["mechanism", "quantity", "estimate", "lower", "upper", "verdict", "nobs"]
    grid = robustness_variant(panel, **kw, models=("sdm", "dynamic_sdm"), seed=5)
    got = grid[grid["model"] == "dynamic_sdm"][cols].reset_index(drop=True)
    assert list(got["quantity"]) == ["ai_total_effect", "mediated_total"] and got["nobs"].gt(0).all()
    alone = robustness_variant(panel, **kw, models=("dynamic_sdm",), seed=15)
    assert got.equals(alone[cols].reset_index(drop=True))
    other = robustness_variant(panel, **kw, models=("dynamic_sdm",), seed=16)
    assert not got[["lower", "upper"]].equals(other[["lower", "upper"]].reset_index(drop=True))


def _short_run_total(par, var):
    """Short-run total effect of ``var`` in an SDM with a row-standardised W: (β + θ) / (1 − ρ)."""
    return (np.asarray(par[var], float) + np.asarray(par[f"W*{var}"], float)) / (1 - np.asarray(par["rho"], float))


def test_dynamic_mediated_records_the_product_of_the_channel_draws_of_seed_and_the_outcome_draws_of_seed_plus_one(
    demos, queen
):
    """``draws`` holds the product's draws: the channel equation's short-run total of AI under the parameter
    draws of ``seed`` times the outcome equation's short-run total of the channel under those of ``seed + 1``
    (totals by the hand formula); the estimate is the product at the point estimates, and the interval and SE
    are the draws' percentiles and standard deviation."""
    panel = demos["A"][0]
    kw = study_kw(queen)
    m, n, seed = list(MECHANISM_NAMES)[0], 150, 7
    out = dynamic_mediated(panel, mechanism=m, **kw, draws=n, seed=seed, alpha=0.1)
    st = setting(panel, "code", "year", queen)
    mres = fit_dynamic_sdm(st, m, [kw["ai"], *kw["controls"]])
    yres = fit_dynamic_sdm(st, kw["y"], [kw["ai"], m, *kw["controls"]])
    a = _short_run_total(param_draws(mres, n, np.random.default_rng(seed), st.W), kw["ai"])
    b = _short_run_total(param_draws(yres, n, np.random.default_rng(seed + 1), st.W), m)
    assert out["draws"].shape == (n,)
    np.testing.assert_allclose(out["draws"], a * b, rtol=1e-9)
    point = _short_run_total(mres.params, kw["ai"]) * _short_run_total(yres.params, m)
    assert out["estimate"] == pytest.approx(float(point), rel=1e-9)
    assert [out["lower"], out["upper"]] == pytest.approx(list(np.quantile(a * b, [0.05, 0.95])), rel=1e-9)
    assert out["se"] == pytest.approx(float(np.std(a * b, ddof=1)), rel=1e-9)
    assert out["nobs"] == yres.nobs


def test_dynamic_total_draws_with_its_seed(demos, queen):
    """AI's short-run total effect in the dynamic SDM: SE and interval from the parameter draws of ``seed``
    (totals by the hand formula)."""
    panel = demos["A"][0]
    kw = study_kw(queen)
    n, seed = 150, 3
    fit, eff = dynamic_total(panel, **kw, draws=n, seed=seed)
    st = setting(panel, "code", "year", queen)
    sims = _short_run_total(param_draws(fit, n, np.random.default_rng(seed), st.W), kw["ai"])
    assert eff["total"]["estimate"] == pytest.approx(float(_short_run_total(fit.params, kw["ai"])), rel=1e-9)
    assert eff["total"]["se"] == pytest.approx(float(np.std(sims, ddof=1)), rel=1e-9)
    assert [eff["total"]["lower"], eff["total"]["upper"]] == pytest.approx(
        list(np.quantile(sims, [0.025, 0.975])), rel=1e-9
    )


def test_baseline_columns_without_a_default_matrix_take_the_first_given(demos, queen):
    """``default_weights`` unset: a column that names no matrix is fitted with the first matrix of ``weights``
    (its ``weights`` column says which), the same fit as with that matrix named."""
    panel = demos["A"][0]
    kw = {k: v for k, v in study_kw(queen).items() if k != "w"}
    flipped = queen.full()[0][::-1, ::-1]  # another matrix on the same units (the order of the units reversed)
    for first, weights in (
        ("queen", {"queen": queen, "flipped": flipped}),
        ("flipped", {"flipped": flipped, "queen": queen}),
    ):
        got = baseline_columns(panel, **kw, weights=weights, columns=("sar",))
        named = baseline_columns(panel, **kw, weights=weights, columns=(f"sar:{first}",))
        assert set(got["weights"]) == {first}
        assert got["estimate"].tolist() == named["estimate"].tolist()
    assert not np.allclose(
        baseline_columns(panel, **kw, weights={"queen": queen}, columns=("sar",))["estimate"],
        baseline_columns(panel, **kw, weights={"flipped": flipped}, columns=("sar",))["estimate"],
    )


def test_the_dynamic_rows_of_a_variant_use_its_draws_and_seed(demos, queen):
    """The dynamic SDM's rows of a variant are :func:`dynamic_total` and :func:`dynamic_mediated` with the
    variant's ``draws`` and seed (100 here, not the functions' default 1000)."""
    panel = demos["A"][0]
    m = list(MECHANISM_NAMES)[0]
    kw = study_kw(queen)
    grid = robustness_variant(panel, **kw, mechanisms=[m], sample="full", models=("dynamic_sdm",), draws=100, seed=5)
    _, eff = dynamic_total(panel, **kw, draws=100, seed=5)
    med = dynamic_mediated(panel, mechanism=m, **kw, draws=100, seed=5)
    rows = grid.set_index("quantity")
    for quantity, want in (("ai_total_effect", eff["total"]), ("mediated_total", med)):
        got = rows.loc[quantity]
        assert [got["estimate"], got["lower"], got["upper"]] == [want["estimate"], want["lower"], want["upper"]]
