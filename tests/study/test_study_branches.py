"""Branches of the robustness grid that the study's default run does not take: each model of a variant draws with
its own seed (the k-th model of ``models`` with ``seed + 10 k``, so that a model's draws do not depend on which
other models the grid holds before it, only on its place), and the message of a variant with too few periods,
compared whole."""

import pytest

from aicoord.simulate import MECHANISM_NAMES
from aicoord.study import robustness_variant
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
