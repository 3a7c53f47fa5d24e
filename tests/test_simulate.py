"""The simulated demonstration panel: real 2023 AI values, reproducibility, and recovery of the truth."""
import numpy as np
import pandas as pd
import pytest
import yaml

from aicoord.simulate import (REGRESSORS, fit_demo_sdm, recovery_table, simulate_demo_panel, true_effects,
                              truth_table)
from aicoord.weights import build_weights
from helpers import ROOT

# the configured demo seed (20250 is its schema default)
DEFAULT_SEED = yaml.safe_load((ROOT / "config/config.yaml").read_text(encoding="utf-8")).get("demo", {}).get("seed", 20250)


@pytest.fixture(scope="module")
def queen(provinces_gdf):
    return build_weights({"kind": "queen", "island_links": {"460000": ["440000"]}}, provinces_gdf)


@pytest.fixture(scope="module")
def demo(ai_index, queen):
    return simulate_demo_panel(ai_index, queen, seed=DEFAULT_SEED)


def test_last_year_ai_equals_table1_exactly(demo, ai_index):
    panel, truth = demo
    last = panel[panel["year"] == 2023].set_index("code")["ai_index"]
    assert (last.loc[ai_index.index].to_numpy() == ai_index.to_numpy()).all()
    assert panel.groupby("code").size().eq(13).all() and len(panel) == 31 * 13
    assert truth["years"] == [2011, 2023] and truth["seed"] == DEFAULT_SEED


def test_reproducible_with_seed(ai_index, queen, demo):
    again, truth = simulate_demo_panel(ai_index, queen, seed=DEFAULT_SEED)
    pd.testing.assert_frame_equal(again, demo[0])
    assert truth == demo[1]
    other, _ = simulate_demo_panel(ai_index, queen, seed=DEFAULT_SEED + 1)
    assert not np.allclose(other["coord_gap"], demo[0]["coord_gap"])


def test_true_effects_are_exact(queen):
    W = queen.full()[0]
    W = W / W.sum(1, keepdims=True)
    eff = true_effects(0.4, {"x": 1.0}, {"x": 0.5}, W)
    assert eff.loc["x", "total"] == pytest.approx(1.5 / 0.6, rel=1e-12)  # (β+θ)/(1−ρ), row-standardised W
    n = W.shape[0]
    S = np.linalg.solve(np.eye(n) - 0.4 * W, np.eye(n) + 0.5 * W)
    assert eff.loc["x", "direct"] == pytest.approx(np.trace(S) / n, rel=1e-12)


def test_truth_table_lists_every_parameter(demo):
    tab = truth_table(demo[1])
    assert set(tab.loc[(tab["parameter"] == "beta") & (tab["group"] == "outcome"), "variable"]) == set(REGRESSORS)
    assert (tab["dgp_version"] == demo[1]["dgp_version"]).all()


def test_default_seed_recovers_every_parameter_within_99pct_ci(demo, queen):
    panel, truth = demo
    tab = recovery_table(fit_demo_sdm(panel, queen), truth, alpha=0.01, draws=1000, seed=1)
    assert len(tab) == 2 * len(REGRESSORS) + 2 + 3 * len(REGRESSORS)
    assert tab["covers"].all(), tab[~tab["covers"]]


def test_monte_carlo_mean_and_coverage(ai_index, queen):
    """20 seeded replications: mean estimates within 3 Monte-Carlo SEs of the truth; 95% coverage ≥ 0.8.

    σ² is the ML estimate SSE/n of the Lee–Yu transformed model, biased by the factor (n − k)/n
    (k = 15 mean parameters); its mean is compared after that degrees-of-freedom correction.
    """
    reps = 20
    tabs = []
    for r in range(reps):
        panel, truth = simulate_demo_panel(ai_index, queen, seed=DEFAULT_SEED + 1 + r)
        tabs.append(recovery_table(fit_demo_sdm(panel, queen), truth, draws=300, seed=r))
    allr = pd.concat(tabs, keys=range(reps), names=["rep", "row"])
    g = allr.groupby(["parameter", "variable"], sort=False)
    summary = pd.DataFrame({"true": g["true"].first(), "mean": g["estimate"].mean(),
                            "mcse": g["estimate"].std(ddof=1) / np.sqrt(reps), "coverage": g["covers"].mean()})
    n_eff, k = (31 - 1) * (13 - 1), 2 * len(REGRESSORS) + 1
    summary.loc[("sigma2", ""), ["mean", "mcse"]] *= n_eff / (n_eff - k)
    z = (summary["mean"] - summary["true"]) / summary["mcse"]
    assert (z.abs() < 3).all(), summary[z.abs() >= 3]
    assert (summary["coverage"] >= 0.8).all(), summary[summary["coverage"] < 0.8]
