"""Verdicts and effects on the default demo panels (settings A and B) against the DGP's truth."""

import numpy as np
import pytest

from aicoord.simulate import MECHANISM_NAMES
from aicoord.study._common import direction

SETTINGS = ("A", "B")


@pytest.mark.parametrize("s", SETTINGS)
def test_verdicts_equal_the_truth(s, runs, demos):
    truth = demos[s][1]["verdicts"]
    tab = runs[s]["verdict"].set_index("mechanism")
    assert list(tab.index) == ["baseline", *MECHANISM_NAMES]
    assert tab.loc["baseline", "verdict"] == truth["baseline"]["verdict"]
    for m in MECHANISM_NAMES:
        assert tab.loc[m, "verdict"] == truth["mechanisms"][m]["verdict"], (m, tab.loc[m].to_dict())


def test_the_settings_have_the_required_directions(demos):
    """A and B each have a promoting, a hindering and a null channel; baselines of opposite signs."""
    for s in SETTINGS:
        d = [e["direction"] for e in demos[s][1]["verdicts"]["mechanisms"].values()]
        assert {"promotes", "hinders", "none"} <= set(d)
    nulls = {
        s: [m for m, e in demos[s][1]["verdicts"]["mechanisms"].items() if e["direction"] == "none"] for s in SETTINGS
    }
    assert nulls["A"] != nulls["B"]
    assert demos["A"][1]["verdicts"]["baseline"]["verdict"] == "promotes"
    assert demos["B"][1]["verdicts"]["baseline"]["verdict"] == "hinders"


@pytest.mark.parametrize("s", SETTINGS)
def test_baseline_effects_cover_their_true_values(s, runs, demos):
    truth = demos[s][1]["verdicts"]["baseline"]
    eff = runs[s]["baseline"].effects.loc["ai_index"]
    for k in ("direct", "indirect", "total"):
        assert eff.loc[k, "lower"] <= truth[k] <= eff.loc[k, "upper"], (k, truth[k], eff.loc[k].to_dict())


@pytest.mark.parametrize("s", SETTINGS)
def test_mediated_effects_cover_their_true_values(s, runs, demos):
    truth = demos[s][1]["verdicts"]["mechanisms"]
    tab = runs[s]["verdict"].set_index("mechanism")
    for m in MECHANISM_NAMES:
        assert tab.loc[m, "lower"] <= truth[m]["mediated_total"] <= tab.loc[m, "upper"], m
        # AI's effect on the channel alone: its interval covers pi/10 too
        assert tab.loc[m, "ai_channel_lower"] <= truth[m]["ai_total_on_channel"] <= tab.loc[m, "ai_channel_upper"]


def test_verdict_table_columns_and_rule(runs):
    tab = runs["A"]["verdict"]
    for c in (
        "mechanism",
        "verdict",
        "basis",
        "ai_direct_on_channel",
        "ai_indirect_on_channel",
        "channel_total_on_y",
        "effect",
        "lower",
        "upper",
        "sobel_z",
        "variants_agree",
        "variants",
    ):
        assert c in tab.columns
    for _, r in tab.iterrows():
        assert r["verdict"] == direction(r["lower"], r["upper"])
        assert r["lower"] <= r["upper"]
    mech = tab[tab["mechanism"] != "baseline"]
    # the mediated point estimate is the product of the two totals
    np.testing.assert_allclose(mech["effect"], mech["ai_total_on_channel"] * mech["channel_total_on_y"], rtol=1e-12)
    # the Sobel z has the sign of the estimate
    assert (np.sign(mech["sobel_z"]) == np.sign(mech["effect"])).all()


def test_verdict_level_is_a_parameter(runs):
    """A wider interval (smaller alpha) can only move verdicts towards inconclusive."""
    r = runs["A"]
    strict = __import__("aicoord.study", fromlist=["verdict"]).verdict(r["mechanisms"], r["baseline"], alpha=0.001)
    loose = r["verdict"]
    for a, b in zip(strict["verdict"], loose["verdict"]):
        assert a == b or a == "inconclusive"
    assert (strict["upper"] - strict["lower"] >= loose["upper"] - loose["lower"]).all()


def test_direction_rule():
    assert direction(-2.0, -0.1) == "promotes"
    assert direction(0.1, 2.0) == "hinders"
    assert direction(-0.1, 0.1) == "inconclusive"
    assert direction(0.0, 1.0) == "inconclusive"


def test_no_municipalities_drops_units_left_without_neighbours():
    """A unit whose only neighbours are municipal (舟山 330900 next to 上海 310100 at prefecture level) is dropped
    with them; with an asymmetric matrix (knn) a unit whose only neighbour was so dropped goes in a second pass;
    the others stay."""
    import pandas as pd

    from aicoord.study.robustness import _with_stranded

    ids = ["310100", "330900", "330200", "330100", "999001", "999002", "999003", "999004"]
    w = pd.DataFrame(0.0, index=ids, columns=ids)
    for a, b in [
        ("310100", "330900"),
        ("330200", "330100"),
        ("310100", "999001"),
        ("999001", "999002"),
        ("310100", "330100"),
    ]:
        w.loc[a, b] = w.loc[b, a] = 1.0
    w.loc["999004", "310100"] = w.loc["999003", "999004"] = w.loc["310100", "999004"] = 1.0  # one-way links
    assert _with_stranded(w, ids, ("310100",)) == ("310100", "330900", "999004", "999003")


def test_the_verdict_rule_is_stated_once():
    """verdict.csv's note and the paper's English note state the study's one rule (VERDICT_RULE) at the same
    level; the note names the adjustment of p_adjusted."""
    from aicoord.paper.labels import verdict_rule as paper_rule
    from aicoord.study.mechanisms import VERDICT_RULE, verdict_note, verdict_rule

    rule = VERDICT_RULE.format(level="90")
    assert verdict_rule(0.1) == "Verdict rule: " + rule
    assert verdict_note(0.1, "bh").startswith(verdict_rule(0.1) + "; variants_agree")
    assert verdict_note(0.05, "holm").endswith(
        "p_adjusted: Holm adjustment across the rows, verdict_adjusted keeps a verdict where p_adjusted < alpha"
    )
    assert "baseline row by spatial 2SLS" in verdict_note(0.05, basis="iv")
    assert verdict_note(0.05, verdict_basis="a_path").startswith(
        "Verdict rule: promotes if the 95% interval of AI's total effect on the mechanism times"
    )
    assert paper_rule(0.1, "en").startswith("Verdict rule: " + rule + "; ")
    assert "95% interval" in verdict_rule(0.05) and "97.5% interval" in verdict_rule(0.025)


def test_each_row_says_what_its_verdict_is_based_on(runs):
    """``verdict_basis``: the baseline row's verdict rests on AI's total effect, a channel's on the product of
    its two paths (the rows as :func:`baseline_row` and :func:`mechanism_row` make them)."""
    from aicoord.study.verdict_table import baseline_row, mechanism_row

    assert baseline_row(runs["A"]["baseline"])["verdict_basis"] == "total"
    for m in runs["A"]["mechanisms"].values():
        assert mechanism_row(m)["verdict_basis"] == "product"


def test_verdict_note_says_what_p_and_the_baseline_row_are():
    """The note's middle part, whole: what ``variants_agree`` counts, what ``p`` is, and the baseline row's
    estimator."""
    from aicoord.study.mechanisms import verdict_note, verdict_rule

    middle = (
        "; variants_agree counts the robustness variants (weights x sample x model, ML) with the same verdict; p from "
        "the same draws or interval (p < alpha exactly when the verdict is not inconclusive); baseline row by ML; "
    )
    assert verdict_note(0.05).startswith(verdict_rule(0.05) + middle)


def test_a_channel_estimated_without_instruments_is_based_on_ml(runs):
    """A mechanism fitted without instruments records its a path as ML, and its verdict row says so (``basis``)."""
    table = runs["A"]["verdict"].set_index("mechanism")
    for name, m in runs["A"]["mechanisms"].items():
        assert m.a_path_estimator == "ml"
        assert table.loc[name, "basis"] == "ml"
