"""Staggered DID (aicoord.did, ``aicoord did``): pilot-zone data, estimators checked against hand computations,
against each other where theory says they agree, and against a simulation with known effects."""

import numpy as np
import pandas as pd
import pytest

from aicoord import did
from aicoord.cli import main

ARGS = ("unit", "year", "y", "g")
#: staggered design where TWFE is biased: early cohort, effects growing fast in event time
COHORTS = {**{i: 2013 for i in range(30)}, **{i: 2016 for i in range(30, 60)}, **{i: 2019 for i in range(60, 90)}}


def _effect(g, e):
    return 1.0 + 0.5 * e + 0.2 * (g - 2016) / 3


# ------------------------------------------------------------------------------------------- pilot zones
def test_pilot_zones_table_and_cohorts():
    from aicoord.units import unit_table

    z = did.pilot_zones()
    assert len(z) == 18 and z["code"].is_unique and z["source"].str.len().min() > 20
    pref = set(unit_table("prefecture")["code"])
    assert set(z.loc[z["level"] == "prefecture", "code"]) <= pref
    assert {"110100", "120100", "310100", "500000"} <= set(z["code"])
    cohorts, dropped = did.pilot_cohorts("prefecture", cutoff_month=6)
    assert dropped == ["330500"] and len(cohorts) == 17
    # Beijing (Feb) and Shanghai (22 May) by June -> 2019; October 2019 and Deqing (2 Nov) -> 2020; March 2020 -> 2020
    assert cohorts.value_counts().sort_index().to_dict() == {2019: 2, 2020: 8, 2021: 4, 2022: 3}
    assert cohorts["310100"] == 2019 and cohorts["440300"] == 2020 and cohorts["420100"] == 2021
    c12, _ = did.pilot_cohorts("prefecture", cutoff_month=2)  # Shanghai (May) moves to 2020, Beijing stays
    assert c12["310100"] == 2020 and c12["110100"] == 2019
    treat, dropped = did.pilot_cohorts("prefecture", deqing="treat")
    assert treat["330500"] == 2020 and dropped == []
    county, _ = did.pilot_cohorts("county")
    assert county["330521"] == 2020 and "330502" not in county.index  # Deqing alone of Huzhou
    assert did.treatment_year("2019-06-30") == 2019 and did.treatment_year("2019-07-01") == 2020


# ------------------------------------------------------------------------------------ hand computations
def test_callaway_santanna_att_gt_equals_hand_2x2():
    p, _ = did.simulate_staggered(30, range(2011, 2017), {i: 2013 + i // 5 for i in range(15)}, seed=4)
    _, _, res = did.callaway_santanna(p, *ARGS)
    y = p.pivot(index="unit", columns="year", values="y")
    gu = p.groupby("unit")["g"].first()
    never = gu.index[gu == 0]
    n = 0
    for (g, t), v in res.group_time_effects.items():
        base = g - 1 if t >= g else t - 1  # varying base period (R did's default)
        coh = gu.index[gu == g]
        hand = (y.loc[coh, t] - y.loc[coh, base]).mean() - (y.loc[never, t] - y.loc[never, base]).mean()
        assert v["effect"] == pytest.approx(hand, abs=1e-10)
        n += 1
    assert n == 3 * 5  # cohorts 2013, 2014, 2015 x periods 2012..2016 (pre-periods against t - 1)


def test_bacon_weights_sum_to_one_and_reproduce_twfe():
    p, _ = did.simulate_staggered(150, cohorts=COHORTS, effect=_effect, seed=5)
    b = did.bacon(p, *ARGS)
    comp = b["comparisons"]
    assert comp["weight"].sum() == pytest.approx(1.0, abs=1e-12)
    assert (comp["weight"] * comp["estimate"]).sum() == pytest.approx(b["twfe"], abs=1e-10)
    assert did.twfe(p, *ARGS).loc["D", "estimate"] == pytest.approx(b["twfe"], abs=1e-10)


def test_own_imputation_equals_diff_diff():
    p, _ = did.simulate_staggered(120, cohorts=COHORTS, effect=_effect, seed=6)
    es, ov, _, _ = did.imputation(p, *ARGS, x=["x"])
    assert did.imputation_att(p, *ARGS, x=["x"]) == pytest.approx(ov["estimate"], abs=1e-9)
    own = did.imputation_att(p, *ARGS, x=["x"], by_event=True)
    got = es.set_index("event_time")["estimate"].drop(-1)
    np.testing.assert_allclose(own.loc[got.index].to_numpy(), got.to_numpy(), atol=1e-9)


@pytest.mark.parametrize("x", [[], ["x"]])
def test_placebo_draws_are_the_imputation_att_of_each_reassignment(x):
    """Each placebo draw is :func:`did.imputation_att` of the panel with the cohorts reassigned by the seeded
    permutation (computed here the slow way, one reassigned panel at a time), bit for bit."""
    p, _ = did.simulate_staggered(60, cohorts={i: (2014, 2017)[i % 2] for i in range(30)}, effect=_effect, seed=9)
    p = p.sample(frac=1.0, random_state=2)  # rows in any order: the placebo sorts them as imputation_att does
    out = did.placebo(p, *ARGS, x=x, reps=7, seed=11)
    d = p.sort_values(["unit", "year"]).reset_index(drop=True)
    d["g"] = d["g"].fillna(0).astype(int)
    units = d["unit"].unique()
    gu = d.groupby("unit")["g"].first().reindex(units).to_numpy()
    pos = pd.Index(units).get_indexer(d["unit"])
    rng = np.random.default_rng(11)
    want = [did.imputation_att(d.assign(g=rng.permutation(gu)[pos]), *ARGS, x=x) for _ in range(7)]
    assert out["draws"].tolist() == want
    assert out["estimate"] == did.imputation_att(p, *ARGS, x=x)


def test_one_cohort_homogeneous_effect_all_estimators_agree():
    # noise-free y = a_i + l_t + 0.5 x + 2 D: every estimator returns 2 exactly
    p, _ = did.simulate_staggered(60, cohorts={i: 2017 for i in range(20)}, effect=lambda g, e: 2.0, sigma=0.0, seed=7)
    p["y"] = p["y"] - 0.5 * p["x"]
    assert did.twfe(p, *ARGS).loc["D", "estimate"] == pytest.approx(2.0, abs=1e-9)
    for fn in (did.callaway_santanna, did.sun_abraham):
        assert fn(p, *ARGS)[1]["estimate"] == pytest.approx(2.0, abs=1e-8)
    assert did.imputation(p, *ARGS)[1]["estimate"] == pytest.approx(2.0, abs=1e-8)
    # with noise: one cohort, balanced panel -> static TWFE equals the imputation ATT
    q, _ = did.simulate_staggered(60, cohorts={i: 2017 for i in range(20)}, effect=lambda g, e: 2.0, seed=8)
    assert did.twfe(q, *ARGS).loc["D", "estimate"] == pytest.approx(did.imputation_att(q, *ARGS), abs=1e-9)


# --------------------------------------------------------------------------------------- simulation
#: the same three cohorts spread around the ring (every third unit), so that untreated units too are exposed
SPREAD = {3 * k: (2013, 2016, 2019)[k % 3] for k in range(50)}


def _replicate(seed, W=None, spill=0.0, cohorts=COHORTS):
    p, truth = did.simulate_staggered(150, cohorts=cohorts, effect=_effect, seed=seed, W=W, spill=spill)
    x = ["x", "W*D"] if W is not None else ["x"]
    out = {"truth": truth, "twfe": did.twfe(p, *ARGS, x=x).loc["D", "estimate"]}
    es, ov, _, _ = did.imputation(p, *ARGS, x=x)
    out["imputation"] = es.set_index("event_time")
    out["imputation_att"] = ov
    cs, _, _ = did.callaway_santanna(p, *ARGS, x=["x"] if W is None else ["x"])
    out["cs"] = cs.set_index("event_time")
    return out


def _ring(n=150):
    W = np.zeros((n, n))
    for i in range(n):
        W[i, (i - 1) % n] = W[i, (i + 1) % n] = 0.5
    return W


def test_recovery_few_replications():
    """Fast seeded check (6 replications): the robust estimators are centred on each event-time ATT, the
    pre-periods on 0, and TWFE is biased away from the ATT by more than 4 Monte Carlo SEs."""
    reps = [_replicate(s) for s in range(6)]
    att = reps[0]["truth"]["att_by_event"]
    for e in (0, 2, 4):
        imp = np.array([r["imputation"].loc[e, "estimate"] for r in reps])
        cs = np.array([r["cs"].loc[e, "estimate"] for r in reps])
        for est in (imp, cs):
            assert abs(est.mean() - att[e]) < 4 * est.std(ddof=1) / np.sqrt(len(est)) + 0.05
    pre = np.array([r["cs"].loc[-3, "estimate"] for r in reps])
    assert abs(pre.mean()) < 4 * pre.std(ddof=1) / np.sqrt(len(pre)) + 0.05
    bias = np.array([r["twfe"] - r["truth"]["att"] for r in reps])
    assert abs(bias.mean()) > 4 * bias.std(ddof=1) / np.sqrt(len(bias))


@pytest.mark.slow
def test_coverage_monte_carlo():
    """200 replications with a W*D spillover (cohorts spread around a ring): 95% intervals of the imputation
    estimator (W*D a covariate, estimated on the untreated) cover each event-time ATT at 93-97% (pooled over event
    times 0..4: 1,000 intervals)."""
    W = _ring()
    reps = [_replicate(1000 + s, W=W, spill=0.5, cohorts=SPREAD) for s in range(200)]
    att = reps[0]["truth"]["att_by_event"]
    for key in ("imputation",):
        cover = [(r[key].loc[e, "ci_low"] <= att[e] <= r[key].loc[e, "ci_high"]) for r in reps for e in range(5)]
        assert 0.93 <= np.mean(cover) <= 0.97, np.mean(cover)


# ------------------------------------------------------------------------------------------------- CLI
@pytest.fixture
def small_panel(tmp_path):
    p, _ = did.simulate_staggered(60, cohorts={i: 2015 + i // 5 for i in range(20)}, seed=9)
    p["tyear"] = p["g"].where(p["g"] > 0)
    p[["unit", "year", "y", "x", "tyear"]].to_csv(tmp_path / "panel.csv", index=False)
    W = _ring(60)
    rows = [(i, j, W[i, j]) for i in range(60) for j in np.flatnonzero(W[i])]
    pd.DataFrame(rows, columns=["from", "to", "weight"]).to_csv(tmp_path / "w.csv", index=False)
    return tmp_path


def test_cli_writes_outputs(small_panel):
    out = small_panel / "out"
    rc = main(
        [
            "did",
            "--data",
            str(small_panel / "panel.csv"),
            "--id",
            "unit",
            "--time",
            "year",
            "--y",
            "y",
            "--x",
            "x",
            "--treatment-year",
            "tyear",
            "--weights",
            str(small_panel / "w.csv"),
            "--placebo",
            "20",
            "--no-sdm",
            "--seed",
            "3",
            "--out",
            str(out),
        ]
    )
    assert rc == 0
    es = pd.read_csv(out / "event_study.csv")
    assert list(es.columns) == ["estimator", "event_time", "estimate", "se", "ci_low", "ci_high"]
    assert {"twfe", "callaway_santanna", "sun_abraham", "imputation"} <= set(es["estimator"])
    sp = pd.read_csv(out / "spillover.csv")
    assert "W*D" in set(sp["term"])
    assert (out / "event_study.png").stat().st_size > 1000 and (out / "diagnostics.json").exists()


def test_cli_bad_input_one_line_exit_2(small_panel, capsys):
    rc = main(
        [
            "did",
            "--data",
            str(small_panel / "panel.csv"),
            "--id",
            "unit",
            "--time",
            "year",
            "--y",
            "y",
            "--treatment-year",
            "nope",
            "--out",
            str(small_panel / "o"),
        ]
    )
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and "nope" in err
    assert not (small_panel / "o").exists()


def test_honest_did_bounds_contain_the_estimate_and_widen_with_m():
    p, _ = did.simulate_staggered(150, cohorts=COHORTS, effect=_effect, seed=11)
    _, _, res = did.callaway_santanna(p, *ARGS)
    h0, h1 = did.honest_did(res, M=0.0), did.honest_did(res, M=1.0)
    assert h1["ci_low"] <= h1["lb"] <= h1["estimate"] <= h1["ub"] <= h1["ci_high"]
    assert h1["ub"] - h1["lb"] > h0["ub"] - h0["lb"] - 1e-12


def test_demo_pilot_outcome_truth_is_recovered():
    """The simulated prefecture outcome of the demo (real pilot cities, known dynamic ATT and W*D spillover): the
    imputation estimator with W*D recovers the overall ATT and the spillover within 3 standard errors."""
    from aicoord.simulate import simulate_pilot_outcome

    codes = [f"{i:06d}" for i in range(100, 467)]
    cohorts, _ = did.pilot_cohorts("prefecture")
    codes[: len(cohorts)] = list(cohorts.index)
    W = _ring(len(codes))
    years = range(2011, 2024)
    y, truth = simulate_pilot_outcome(codes, years, W, cohorts, seed=12345)
    assert truth["att_by_event"]["0"] == pytest.approx(
        truth["a"] + truth["c"] * np.mean([g - 2020 for g in cohorts]), abs=1e-12
    )
    g = pd.Series(cohorts).reindex(codes).fillna(0).astype(int).to_numpy()
    D = ((g[:, None] > 0) & (np.arange(2011, 2024)[None, :] >= g[:, None])).astype(float)
    p = pd.DataFrame(
        {
            "unit": np.repeat(codes, 13),
            "year": np.tile(np.arange(2011, 2024), len(codes)),
            "g": np.repeat(g, 13),
            "y": y.ravel(),
            "W*D": (W @ D).ravel(),
        }
    )
    _, ov, _, _ = did.imputation(p, *ARGS, x=["W*D"])
    assert abs(ov["estimate"] - truth["att"]) < 3 * ov["se"]
    tw = did.twfe(p, *ARGS, x=["W*D"])
    assert abs(tw.loc["W*D", "estimate"] - truth["spill"]) < 3 * tw.loc["W*D", "se"]


def test_cli_unbalanced_panel_is_refused_with_the_missing_cell(small_panel, capsys):
    p = pd.read_csv(small_panel / "panel.csv")
    p.iloc[5:].to_csv(small_panel / "gap.csv", index=False)
    rc = main(
        [
            "did",
            "--data",
            str(small_panel / "gap.csv"),
            "--id",
            "unit",
            "--time",
            "year",
            "--y",
            "y",
            "--treatment-year",
            "tyear",
            "--out",
            str(small_panel / "o2"),
        ]
    )
    err = capsys.readouterr().err
    assert rc == 2 and "unbalanced" in err and "gap.csv" in err and err.count("\n") == 1


@pytest.mark.slow
def test_wild_cluster_bootstrap_size_and_coverage():
    """300 panels of 40 units (8 treated, one cohort; the effect is 0.7 in truth): the WCR bootstrap test of the
    true value rejects at 5% in 2-8% of them, and its interval covers the truth in 92-98%."""
    rej, cover = [], []
    for s in range(300):
        p, _ = did.simulate_staggered(40, cohorts={i: 2016 for i in range(8)}, effect=lambda g, e: 0.7, seed=5000 + s)
        p["y"] = p["y"] - 0.7 * ((p["g"] > 0) & (p["year"] >= p["g"]))  # test the true value as the null 0
        r = did.wild_cluster_bootstrap(p, *ARGS, x=["x"], reps=199, seed=s)
        rej.append(r["p"] < 0.05)
        cover.append(r["ci_low"] <= 0 <= r["ci_high"])
    assert 0.02 <= np.mean(rej) <= 0.08, np.mean(rej)
    assert 0.92 <= np.mean(cover) <= 0.98, np.mean(cover)


@pytest.mark.parametrize(
    "extra, words",
    [
        (["--pilot-zones", "prefecture"], ["no unit of the panel is a pilot zone", "110100"]),
        (["--treatment-year", "tyear", "--bands", "100", "50"], ["--bands"]),
    ],
)
def test_cli_other_bad_inputs(small_panel, capsys, extra, words):
    rc = main(
        [
            "did",
            "--data",
            str(small_panel / "panel.csv"),
            "--id",
            "unit",
            "--time",
            "year",
            "--y",
            "y",
            *extra,
            "--out",
            str(small_panel / "o3"),
        ]
    )
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and all(w in err for w in words), err
    assert not (small_panel / "o3").exists()
