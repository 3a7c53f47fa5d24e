"""Steps of workflow/rules/study.smk (aicoord.steps.study) that only the workflow tests ran before (the mutation
draw of issue 22 found them without a test of their own): the mechanism step's table and JSON, and the
heterogeneity step's split year, regions and rows. Each step is called in the test itself, so that mutmut
attributes it to the test."""

import json

import numpy as np
import pandas as pd
import pytest

from aicoord.steps import study as S
from aicoord.study import heterogeneity, mechanism
from aicoord.study.mechanisms import mechanism_row
from helpers import NOTE

CONTROLS = ["gdp_pc"]
CHANNEL = "value_chain"


def test_mechanism_step_writes_the_three_equations_and_the_mediated_product(files, tmp_path):
    out = {k: tmp_path / f"m.{k}" for k in ("csv", "json")}
    S.mechanism(
        files / "panel.csv",
        files / f"mechanism_{CHANNEL}.csv",
        files / "queen_raw.csv",
        out["csv"],
        out["json"],
        name=CHANNEL,
        y="coord_gap",
        ai="ai",
        controls=CONTROLS,
        effects="twoways",
        lee_yu=True,
        draws=150,
        seed=4,
        alpha=0.1,
        weights_name="queen",
        cov={"cov_type": None, "cluster": "code"},
    )
    tab = pd.read_csv(out["csv"])
    # three equations with the three effects each, then the mediated total effect
    assert list(zip(tab["quantity"], tab["effect"])) == [
        (q, e) for q in ("ai_on_channel", "channel_on_y", "ai_on_y") for e in ("direct", "indirect", "total")
    ] + [("mediated", "total")]
    assert (tab["mechanism"] == CHANNEL).all() and (tab["weights"] == "queen").all()
    assert (tab["mechanism_model"] == "sdm").all() and (tab["note"] == NOTE).all()
    t = tab.set_index(["quantity", "effect"])
    for q in ("ai_on_channel", "channel_on_y", "ai_on_y"):  # LeSage-Pace: total = direct + indirect
        assert t.loc[(q, "total"), "estimate"] == pytest.approx(
            t.loc[(q, "direct"), "estimate"] + t.loc[(q, "indirect"), "estimate"], rel=1e-8
        )
    # the mediated effect is the product of the a path's and the b path's total effects (10 significant digits)
    a, b = t.loc[("ai_on_channel", "total"), "estimate"], t.loc[("channel_on_y", "total"), "estimate"]
    assert t.loc[("mediated", "total"), "estimate"] == pytest.approx(a * b, rel=1e-8)
    # the same analysis through the study function: the step passes every option through (alpha 0.1, seed 4,
    # 150 draws, the clustering by the province dropped: the default covariance)
    d, _ = S._data(files / "panel.csv", [files / f"mechanism_{CHANNEL}.csv"])
    w, _ = S._weights(files / "queen_raw.csv")
    m = mechanism(
        d,
        y="coord_gap",
        ai="ai",
        mechanism=CHANNEL,
        controls=CONTROLS,
        unit="code",
        time="year",
        w=w,
        effects="twoways",
        lee_yu=True,
        draws=150,
        seed=4,
        alpha=0.1,
    )
    for q, frame in (("ai_on_channel", m.ai_on_channel), ("channel_on_y", m.channel_on_y), ("ai_on_y", m.ai_on_y)):
        for col in ("estimate", "se", "lower", "upper"):
            assert t.loc[q, col].to_numpy() == pytest.approx(
                frame.loc[["direct", "indirect", "total"], col].to_numpy(float), rel=1e-8
            ), (q, col)
    for col in ("estimate", "se", "lower", "upper", "sobel_z", "sobel_p"):
        assert t.loc[("mediated", "total"), col] == pytest.approx(m.mediated[col], rel=1e-8), col
    # the 90% interval of the product of the draws, by hand
    lo, hi = np.quantile(m.a_draws * m.b_draws, [0.05, 0.95])
    rec = json.loads(out["json"].read_text(encoding="utf-8"))
    assert rec["lower"] == pytest.approx(lo, rel=1e-12) and rec["upper"] == pytest.approx(hi, rel=1e-12)
    row = mechanism_row(m, 0.1)
    assert rec == {**row, "cov": rec["cov"], "note": NOTE} | {
        k: pytest.approx(v, rel=1e-12, nan_ok=True) for k, v in row.items() if isinstance(v, float)
    }
    assert rec["cov"]["cov_type"] == "oim" and rec["mechanism"] == CHANNEL


def test_mechanisms_and_robustness_steps_stack_their_inputs(tmp_path):
    parts = [
        pd.DataFrame({"mechanism": [m] * 2, "estimate": [i + 0.5, i + 0.25], "note": ["n", "n"]})
        for i, m in enumerate(("a", "b", "c"))
    ]
    paths = []
    for i, p in enumerate(parts):
        paths.append(tmp_path / f"{i}.csv")
        p.to_csv(paths[-1], index=False)
    for step in (S.mechanisms, S.robustness):
        step(paths, tmp_path / "all.csv")
        got = pd.read_csv(tmp_path / "all.csv")
        assert list(got["mechanism"]) == ["a", "a", "b", "b", "c", "c"]
        assert list(got["estimate"]) == [0.5, 0.25, 1.5, 1.25, 2.5, 2.25]


def _heterogeneity(files, panel, tmp_path, split_year=None):
    out = tmp_path / "het.csv"
    S.heterogeneity(
        panel,
        files / "queen_raw.csv",
        out,
        y="coord_gap",
        ai="ai",
        controls=CONTROLS,
        effects="twoways",
        lee_yu=True,
        draws=120,
        seed=2,
        alpha=0.05,
        split_year=split_year,
        weights_name="queen",
    )
    return pd.read_csv(out)


def test_heterogeneity_step_splits_at_the_middle_year_by_default(files, tmp_path):
    """Seven years 2017-2023: the middle one, 2020, starts the later sub-period unless a year is configured."""
    tab = _heterogeneity(files, files / "panel.csv", tmp_path)
    assert set(tab["by"]) == {"region", "period (split 2020)"} and (tab["weights"] == "queen").all()
    assert (tab["note"] == NOTE).all()
    assert set(tab.loc[tab["by"] == "region", "group"]) == {"East", "Central", "West", "Northeast"}
    period = tab[tab["by"] != "region"].set_index(["group", "effect"])
    d, _ = S._data(files / "panel.csv")
    w, _ = S._weights(files / "queen_raw.csv")
    kw = {
        "y": "coord_gap",
        "ai": "ai",
        "controls": CONTROLS,
        "unit": "code",
        "time": "year",
        "w": w,
        "effects": "twoways",
        "lee_yu": True,
        "draws": 120,
        "seed": 2,
        "alpha": 0.05,
    }
    ref = heterogeneity(d, by="period", split_year=2020, **kw).set_index(["group", "effect"])
    assert period["estimate"].to_numpy() == pytest.approx(ref.loc[period.index, "estimate"].to_numpy(), rel=1e-8)
    other = heterogeneity(d, by="period", split_year=2019, **kw).set_index(["group", "effect"])
    assert not np.allclose(other.loc[period.index, "estimate"], period["estimate"])
    # a configured year is used as given
    tab19 = _heterogeneity(files, files / "panel.csv", tmp_path, split_year=2019)
    assert set(tab19["by"]) == {"region", "period (split 2019)"}
    p19 = tab19[tab19["by"] != "region"].set_index(["group", "effect"])
    assert p19["estimate"].to_numpy() == pytest.approx(other.loc[p19.index, "estimate"].to_numpy(), rel=1e-8)


def test_heterogeneity_step_takes_the_regions_of_the_panel(files, tmp_path):
    """The regions come from the panel's ``region4`` column (a prefecture's or county's is its province's), not
    from the province table: relabelling the Northeast as East in the panel leaves three regions, and East's
    effects are those of the ten East provinces and the three north-eastern ones together."""
    p = pd.read_csv(files / "panel.csv", dtype={"code": str})
    p["region4"] = p["region4"].replace({"Northeast": "East"})
    p.to_csv(tmp_path / "panel.csv", index=False)
    tab = _heterogeneity(files, tmp_path / "panel.csv", tmp_path, split_year=2020)
    reg = tab[tab["by"] == "region"]
    assert set(reg["group"]) == {"East", "Central", "West"}
    assert (reg.loc[reg["group"] == "East", "n_units"] == 10 + 3).all()
    assert (reg.loc[reg["group"] == "West", "n_units"] == 12).all()


def test_verdict_step_joins_the_rows_counts_agreement_adjusts_p_and_states_the_rule(tmp_path):
    """The verdict step (called in this test; only the workflow ran it): the baseline row then one row per channel
    from their JSONs, each row's agreeing variants counted by hand, Benjamini-Hochberg p-values equal to
    statsmodels', and the rule at the study's level in the note, followed by the baseline's note."""
    from statsmodels.stats.multitest import multipletests

    base = {
        "verdict": {
            "mechanism": "baseline",
            "verdict": "promotes",
            "effect": -0.3,
            "lower": -0.5,
            "upper": -0.1,
            "p": 0.004,
        },
        "note": "Source: b",
    }
    chans = [
        {
            "mechanism": "m1",
            "verdict": "inconclusive",
            "effect": 0.01,
            "lower": -0.02,
            "upper": 0.04,
            "p": 0.3,
            "note": "Source: m1",
        },
        {
            "mechanism": "m2",
            "verdict": "hinders",
            "effect": 0.2,
            "lower": 0.05,
            "upper": 0.35,
            "p": 0.02,
            "note": "Source: m2",
        },
    ]
    (tmp_path / "b.json").write_text(json.dumps(base), encoding="utf-8")
    paths = []
    for c in chans:
        paths.append(tmp_path / f"{c['mechanism']}.json")
        paths[-1].write_text(json.dumps(c), encoding="utf-8")
    pd.DataFrame(
        {
            "mechanism": ["baseline", "baseline", "m1", "m2", "m2", "m2"],
            "verdict": ["promotes", "not estimated", "hinders", "hinders", "hinders", "inconclusive"],
        }
    ).to_csv(tmp_path / "grid.csv", index=False)
    S.verdict(tmp_path / "b.json", paths, tmp_path / "grid.csv", tmp_path / "v.csv", alpha=0.1, adjust="bh")
    v = pd.read_csv(tmp_path / "v.csv")
    assert list(v["mechanism"]) == ["baseline", "m1", "m2"]
    assert list(v["variants"]) == [1, 1, 3] and list(v["variants_agree"]) == [1, 0, 2]
    assert v["p_adjusted"].to_numpy() == pytest.approx(multipletests([0.004, 0.3, 0.02], method="fdr_bh")[1])
    note = v["note"].iloc[0]
    assert (v["note"] == note).all() and note.endswith(" | Source: b")
    assert note.startswith(
        "Verdict rule: promotes if the 90% interval of the mediated total effect (baseline: of "
        "AI's total effect) lies wholly below 0 (AI lowers the gap), hinders if wholly above"
    )
    assert "Benjamini-Hochberg adjustment" in note and "Source: m1" not in note


def test_baseline_effects_equal_the_dense_lesage_pace_formulas(files):
    """The baseline's point effects of AI, by dense matrices from its own coefficients: direct = mean diagonal of
    S = (I − ρW)⁻¹(βI + θW), total = mean row sum = (β + θ)/(1 − ρ), indirect = total − direct (the baseline is
    fitted in this test, so mutmut attributes ``effects_table`` to it)."""
    from aicoord.study import baseline
    from aicoord.study._common import setting

    d, _ = S._data(files / "panel.csv")
    w, _ = S._weights(files / "queen_raw.csv")
    b = baseline(d, y="coord_gap", ai="ai", controls=CONTROLS, unit="code", time="year", w=w, draws=50, seed=1)
    c = b.coefficients["estimate"]
    rho, beta, theta = c["rho"], c["ai"], c["W*ai"]
    wm = setting(d, "code", "year", w).W
    wm = wm.toarray() if hasattr(wm, "toarray") else np.asarray(wm)
    n = len(wm)
    s = np.linalg.solve(np.eye(n) - rho * wm, beta * np.eye(n) + theta * wm)
    e = b.effects.loc["ai", "estimate"]
    assert abs(rho) > 0.05  # (a spatial lag that matters, so that the formulas differ from β and β + θ)
    assert e["direct"] == pytest.approx(np.trace(s) / n, rel=1e-8)
    assert e["total"] == pytest.approx(s.sum() / n, rel=1e-8)
    assert e["indirect"] == pytest.approx((s.sum() - np.trace(s)) / n, rel=1e-8)


def test_robustness_variant_logs_one_progress_line_per_model(files, caplog):
    """The grid's progress in the rule's log: one line per model, "model k of n (name), D draws per effect, S s so
    far" (a one-year sample: every model is reported as not estimated, without a fit)."""
    import logging
    import re

    from aicoord.study import robustness_variant

    d, _ = S._data(files / "panel.csv")
    d = d[d["year"] == 2023]
    w, _ = S._weights(files / "queen_raw.csv")
    with caplog.at_level(logging.INFO, logger="aicoord.study.robustness"):
        tab = robustness_variant(
            d,
            y="coord_gap",
            ai="ai",
            mechanisms=[],
            controls=CONTROLS,
            unit="code",
            time="year",
            w=w,
            weights_name="queen",
            sample="full",
            models=("sdm", "sar"),
            effects="twoways",
            lee_yu=True,
            draws=100,
            seed=3,
            alpha=0.05,
            municipalities=(),
        )
    assert (tab["verdict"] == "not estimated").all()
    lines = [r.getMessage() for r in caplog.records if "robustness queen x full: model" in r.getMessage()]
    assert len(lines) == 2
    for k, (line, model) in enumerate(zip(lines, ("sdm", "sar")), start=1):
        assert re.fullmatch(
            rf"robustness queen x full: model {k} of 2 \({model}\), 100 draws per effect, "
            r"\d+ s so far",
            line,
        ), line
