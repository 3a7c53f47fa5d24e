"""What the study reports, checked against independent computations (issue 22): the Sobel z of every channel,
the (1 − alpha) intervals of the verdict table (two-sided: alpha/2 in each tail), and the agreement count of the
robustness variants (variants that were not estimated count in neither figure).

Each test was checked by planting its mistake by hand in a clean checkout: the Sobel SE with the a path's SE
twice, the quantiles [alpha, 1 − alpha] (in ``Mechanism.interval``, ``mechanism_row``, ``baseline_row`` and
``summarise``), and ``add_agreement`` without its "not estimated" filter; each plant fails its test."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from aicoord.study import Mechanism, add_agreement, verdict
from aicoord.study._common import summarise
from aicoord.study.mechanisms import baseline_row, mechanism_row


def test_sobel_z_uses_the_se_of_each_path(runs):
    """Sobel (1982) z of the mediated total effect, ab / sqrt(b² se_a² + a² se_b²), recomputed from the two
    effect tables the mechanism reports (the totals and their simulated SEs), with its two-sided normal p."""
    checked = 0
    for m in runs["A"]["mechanisms"].values():
        a, se_a = m.ai_on_channel.loc["total", ["estimate", "se"]]
        b, se_b = m.channel_on_y.loc["total", ["estimate", "se"]]
        z = a * b / np.sqrt(b**2 * se_a**2 + a**2 * se_b**2)
        assert m.mediated["sobel_z"] == pytest.approx(z, rel=1e-12)
        assert m.mediated["sobel_p"] == pytest.approx(2 * stats.norm.sf(abs(z)), rel=1e-10, abs=1e-300)
        # the two paths' SEs differ, so an SE taken twice changes z (by more than 1% here)
        wrong = a * b / np.sqrt(b**2 * se_a**2 + a**2 * se_a**2)
        checked += abs(wrong / z - 1) > 0.01
    assert checked >= 3
    row = runs["A"]["verdict"].set_index("mechanism")
    for name, m in runs["A"]["mechanisms"].items():
        assert (row.loc[name, "sobel_z"], row.loc[name, "sobel_p"]) == (m.mediated["sobel_z"], m.mediated["sobel_p"])


def _tails(draws, lower, upper):
    """Shares of the draws strictly below ``lower`` and strictly above ``upper``."""
    d = np.asarray(draws)
    return np.mean(d < lower), np.mean(d > upper)


def _assert_two_sided(draws, lower, upper, alpha):
    """[lower, upper] leaves alpha/2 of the draws in each tail (to one draw: interpolated quantiles)."""
    below, above = _tails(draws, lower, upper)
    n = len(draws)
    assert abs(below - alpha / 2) <= 1 / n and abs(above - alpha / 2) <= 1 / n, (below, above, alpha)


def _mechanism(rng, n=4000):
    """A Mechanism with known draws (no fit): a, b normal, their product mediated."""
    a, b = rng.normal(-0.3, 0.1, n), rng.normal(0.5, 0.2, n)
    frame = pd.DataFrame({"estimate": [0.1, 0.2, 0.3], "se": 0.1}, index=["direct", "indirect", "total"])
    return Mechanism(
        "value_chain",
        None,
        None,
        "sdm",
        "",
        frame,
        frame,
        frame,
        a,
        b,
        a * b,
        {"estimate": -0.15, "se": float(np.std(a * b, ddof=1)), "sobel_z": -2.0, "sobel_p": 0.0455},
        0.05,
    )


@pytest.mark.parametrize("alpha", [0.05, 0.10, 0.32])
def test_intervals_leave_alpha_over_two_in_each_tail(alpha):
    """Every (1 − alpha) interval the verdict table prints is two-sided: the mediated effect's (the verdict's
    basis), AI's effect on the channel, the channel's on the outcome, the baseline's total effect, and
    ``summarise``'s (the effect tables). A one-sided [alpha, 1 − alpha] would be a (1 − 2 alpha) interval."""
    rng = np.random.default_rng(22)
    m = _mechanism(rng)
    lo, hi = m.interval(alpha)
    _assert_two_sided(m.mediated_draws, lo, hi, alpha)
    assert m.interval() == m.interval(0.05)
    row = mechanism_row(m, alpha)
    assert (row["lower"], row["upper"]) == (lo, hi)
    _assert_two_sided(m.a_draws, row["ai_channel_lower"], row["ai_channel_upper"], alpha)
    _assert_two_sided(m.b_draws, row["channel_y_lower"], row["channel_y_upper"], alpha)
    tot = rng.normal(-0.2, 0.05, 4000)
    effects = pd.DataFrame({"estimate": [-0.2]}, index=pd.MultiIndex.from_tuples([("ai", "total")]))
    base = SimpleNamespace(ai="ai", effect_draws={"ai": {"total": tot}}, effects=effects, model="sdm")
    b = baseline_row(base, alpha)
    _assert_two_sided(tot, b["lower"], b["upper"], alpha)
    s = summarise(-0.2, tot, alpha)
    _assert_two_sided(tot, s["lower"], s["upper"], alpha)
    table = verdict({"value_chain": m}, base, alpha=alpha).set_index("mechanism")
    assert (table.loc["baseline", "lower"], table.loc["value_chain", "upper"]) == (b["lower"], hi)


def test_verdict_interval_decides_at_the_two_sided_level():
    """Draws whose 95% quantile lies below 0 but whose 97.5% quantile lies above: at alpha = 0.05 the verdict
    is inconclusive (the two-sided 95% interval reaches past 0; [alpha, 1 − alpha] would say "promotes"), at
    alpha = 0.10 it promotes."""
    rng = np.random.default_rng(7)
    m = _mechanism(rng)
    d = np.sort(m.mediated_draws)
    shift = -np.quantile(d, 0.96)  # the 96% quantile moved to 0: 95% lies below 0, 97.5% above
    m.mediated_draws = d + shift
    assert np.quantile(m.mediated_draws, 0.95) < 0 < np.quantile(m.mediated_draws, 0.975)
    assert mechanism_row(m, 0.05)["verdict"] == "inconclusive"
    assert mechanism_row(m, 0.10)["verdict"] == "promotes"


def test_agreement_leaves_out_variants_not_estimated(runs):
    """Variants that could not be estimated (verdict ``not estimated``) count neither as variants nor as
    agreeing ones, whatever their number."""
    tab = runs["A"]["verdict"]
    v = tab.set_index("mechanism")["verdict"]
    other = {"promotes": "hinders", "hinders": "promotes", "inconclusive": "promotes"}
    grid = pd.DataFrame(
        {
            "mechanism": ["baseline"] * 5 + ["value_chain"] * 4,
            "verdict": [
                v["baseline"],
                v["baseline"],
                other[v["baseline"]],
                "not estimated",
                "not estimated",
                v["value_chain"],
                "not estimated",
                "not estimated",
                "not estimated",
            ],
        }
    )
    out = add_agreement(tab, grid).set_index("mechanism")
    assert (out.loc["baseline", "variants_agree"], out.loc["baseline", "variants"]) == (2, 3)
    assert (out.loc["value_chain", "variants_agree"], out.loc["value_chain", "variants"]) == (1, 1)
    only_failed = pd.DataFrame({"mechanism": ["baseline"] * 2, "verdict": ["not estimated"] * 2})
    none = add_agreement(tab, only_failed).set_index("mechanism")
    assert (none.loc["baseline", "variants_agree"], none.loc["baseline", "variants"]) == (0, 0)
