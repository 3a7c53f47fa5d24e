"""Specification search, convergence with AI, heterogeneity and robustness variants."""

import numpy as np
import pandas as pd
import pytest

from aicoord.panel import lm_tests
from aicoord.simulate import MECHANISM_NAMES
from aicoord.study import baseline, convergence_with_ai, heterogeneity, robustness_variant, specification_search
from aicoord.study._common import effects_of, setting
from aicoord.study.specification import select_model
from aicoord.units import MUNICIPALITIES
from aicoord.weights import dense_w
from helpers import CONTROLS, study_kw


@pytest.fixture(scope="module")
def spec(demos, queen):
    return specification_search(
        demos["A"][0], y="coord_gap", x=["ai_index", *CONTROLS], unit="code", time="year", w=queen
    )


def test_specification_table_order_and_values(spec, demos, queen):
    steps = spec["step"].str[0].tolist()
    assert steps == sorted(steps) and steps[-1] == "5"
    assert list(spec.loc[spec.step.str.startswith("1"), "effects"].unique()) == ["none", "twoways"]
    st = setting(demos["A"][0], "code", "year", queen)
    lm = lm_tests(st.data, "coord_gap", ["ai_index", *CONTROLS], "code", "year", st.Wdf, effects="none")
    row = spec[(spec.test == "robust_lm_lag") & (spec.effects == "none")].iloc[0]
    assert row["statistic"] == pytest.approx(lm["robust_lm_lag"].statistic, rel=1e-12)
    tests = spec[~spec.step.str.startswith("5")]
    np.testing.assert_array_equal(tests["reject"].astype(bool), tests["p"] < 0.05)
    sel = spec.attrs["selected"]
    assert sel["model"] in ("sdm", "sar", "sem") and sel["effects"] == "twoways"  # both FE LR tests reject here
    assert spec[spec.test == "selected model"].iloc[0]["decision"].startswith(sel["model"].upper())
    # the last row states the baseline's model (analysis.baseline_model sdm: the SDM, kept when another is selected)
    assert spec.iloc[-1]["test"] == "baseline model" and spec.iloc[-1]["decision"].startswith("SDM (")
    # the decision follows the rule applied to the table's own figures
    r = spec.set_index(["test", "effects"])
    rej_sar = bool(r.loc[("wald_sar", "twoways"), "reject"] and r.loc[("lr_sar", "twoways"), "reject"])
    rej_sem = bool(r.loc[("wald_sem", "twoways"), "reject"] and r.loc[("lr_sem", "twoways"), "reject"])
    assert (
        select_model(
            rej_sar, rej_sem, r.loc[("robust_lm_lag", "twoways"), "p"], r.loc[("robust_lm_error", "twoways"), "p"]
        )[0]
        == sel["model"]
    )


def test_selection_rule_cases():
    assert select_model(True, True, 0.5, 0.5)[0] == "sdm"
    assert select_model(False, True, 0.01, 0.5)[0] == "sar"
    assert select_model(True, False, 0.5, 0.01)[0] == "sem"
    assert select_model(False, False, 0.01, 0.01)[0] == "sdm"  # LM tests do not single one out
    assert select_model(False, True, 0.5, 0.01)[0] == "sdm"  # SAR not rejected but LM points to the error


def test_selection_rule_at_p_exactly_alpha():
    """A robust LM test points to its side when p < alpha (rejection), as the other tables' stars do: p exactly
    on alpha, as a rounded p-value read from a CSV may be, is not a rejection (first mutation draw of issue 22)."""
    assert select_model(False, True, 0.05, 0.5)[0] == "sdm"
    assert select_model(False, True, np.nextafter(0.05, 0), 0.05)[0] == "sar"
    assert select_model(True, False, 0.5, 0.05)[0] == "sdm"
    assert select_model(True, False, 0.05, np.nextafter(0.05, 0))[0] == "sem"


def test_convergence_with_ai_arithmetic(demos, queen):
    panel = demos["A"][0]
    c = convergence_with_ai(
        panel,
        gdp_pc="gdp_pc",
        ai="ai_index",
        controls=CONTROLS,
        unit="code",
        time="year",
        w=queen,
        quantiles=(0.25, 0.75),
    )
    res = c.attrs["fit"]
    assert res.N == 31 and res.T == 12  # the last year has no growth
    assert res.nobs == 30 * 11  # Lee-Yu two-way: the likelihood uses (N - 1)(T - 1) observations
    b, d = res.params["ln_initial"], res.params["ai_x_ln_initial"]
    assert c.loc["mean_ai", "beta"] == pytest.approx(b, rel=1e-12)
    mean_ai = c.loc["mean_ai", "ai_level"]
    for lab in ("low_ai", "high_ai"):
        assert c.loc[lab, "beta"] == pytest.approx(b + d * (c.loc[lab, "ai_level"] - mean_ai), rel=1e-12)
        assert c.loc[lab, "speed"] == pytest.approx(-np.log1p(c.loc[lab, "beta"]), rel=1e-12)
        assert c.loc[lab, "half_life"] == pytest.approx(np.log(2) / c.loc[lab, "speed"], rel=1e-12)
    assert c.loc["low_ai", "ai_level"] < mean_ai < c.loc["high_ai", "ai_level"]
    # the demo's GDP converges (true beta -0.08; within estimates carry the Nickell bias)
    assert c.loc["mean_ai", "upper"] < 0


def test_region_heterogeneity_effects_follow_their_definition(demos, queen):
    from aicoord.provinces import province_table

    h = heterogeneity(demos["A"][0], **study_kw(queen), by="region", draws=200, seed=5)
    assert set(h["group"]) == {"East", "Central", "West", "Northeast"}
    assert h.groupby("group")["n_units"].first().to_dict() == {"East": 10, "Central": 6, "West": 12, "Northeast": 3}
    res = h.attrs["fit"]
    p = res.params
    pt = province_table()
    ids = sorted(pt["code"].astype(str))
    W = dense_w(queen, ids)
    reg = pt.set_index(pt["code"].astype(str)).loc[ids, "region4"].to_numpy()
    n = len(ids)
    for r in ("East", "Northeast"):
        S = np.linalg.solve(np.eye(n) - p["rho"] * W, p[f"ai_index_x_{r}"] * np.eye(n) + p[f"W*ai_index_x_{r}"] * W)
        idx = np.flatnonzero(reg == r)
        g = h[h.group == r].set_index("effect")
        assert g.loc["direct", "estimate"] == pytest.approx(np.diag(S)[idx].mean(), rel=1e-10)
        assert g.loc["total", "estimate"] == pytest.approx(S[:, idx].sum(axis=0).mean(), rel=1e-10)
        assert g.loc["indirect", "estimate"] == pytest.approx(g.loc["total", "estimate"] - g.loc["direct", "estimate"])
    # the demo's AI effect is the same in every region: every region's direct-effect interval covers
    # the true reduced-model direct effect
    true = demos["A"][1]["verdicts"]["baseline"]["direct"]
    d = h[h.effect == "direct"]
    assert ((d["lower"] <= true) & (true <= d["upper"])).all()


def test_period_heterogeneity(demos, queen):
    h = heterogeneity(demos["A"][0], **study_kw(queen), by="period", split_year=2018, draws=300, seed=6)
    p = h.attrs["fit"].params
    g = h.set_index(["group", "effect"])["estimate"]
    om = setting(demos["A"][0], "code", "year", queen).omega
    pre = effects_of(p, "ai_index", "sdm", om)
    post = effects_of(
        pd.Series(
            {
                "ai_index": p["ai_index"] + p["ai_index_x_post"],
                "W*ai_index": p["W*ai_index"] + p["W*ai_index_x_post"],
                "rho": p["rho"],
            }
        ),
        "ai_index",
        "sdm",
        om,
    )
    for k in ("direct", "indirect", "total"):
        assert g[("pre", k)] == pytest.approx(pre[k], rel=1e-10)
        assert g[("post", k)] == pytest.approx(post[k], rel=1e-10)
        assert g[("difference", k)] == pytest.approx(post[k] - pre[k], rel=1e-9, abs=1e-15)
    # no break in the DGP: the difference's total-effect interval covers zero
    r = h.set_index(["group", "effect"]).loc[("difference", "total")]
    assert r["lower"] <= 0 <= r["upper"]
    with pytest.raises(ValueError, match="split_year"):
        heterogeneity(demos["A"][0], **study_kw(queen), by="period")


def test_robustness_variant_samples(demos, queen):
    panel = demos["A"][0]
    kw = {**study_kw(queen), "mechanisms": list(MECHANISM_NAMES)}
    full = robustness_variant(panel, **kw, weights_name="queen", sample="full", draws=300, seed=7)
    assert len(full) == 3 * 5 and set(full["model"]) == {"sdm", "sar", "sem"}
    b = baseline(panel, **study_kw(queen), draws=300, seed=7)
    row = full[(full.model == "sdm") & (full.mechanism == "baseline")].iloc[0]
    assert row["estimate"] == pytest.approx(b.effects.loc[("ai_index", "total"), "estimate"], rel=1e-12)
    assert row["lower"] == pytest.approx(b.effects.loc[("ai_index", "total"), "lower"], rel=1e-12)
    sem = full[full.model == "sem"]
    assert sem["estimate"].notna().all()
    nm = robustness_variant(panel, **kw, sample="no_municipalities", models=("sdm",), draws=100, seed=7)
    assert (nm["nobs"] == 26 * 12).all()  # 27 units x 13 years, Lee-Yu two-way: (N - 1)(T - 1)
    lag = robustness_variant(panel, **kw, sample="ai_lag1", models=("sdm",), draws=100, seed=7)
    assert (lag["nobs"] == 30 * 11).all()  # 31 units x 12 years
    for tab in (full, nm, lag):
        assert set(tab["verdict"]) <= {"promotes", "hinders", "inconclusive"}


def test_weights_rebuilt_without_municipalities(demos, queen):
    """The raw matrix restricted to the 27 remaining units, then row-standardised."""
    st = setting(demos["A"][0], "code", "year", queen, drop=MUNICIPALITIES)
    assert len(st.ids) == 27 and not set(MUNICIPALITIES) & set(st.ids)
    raw = dense_w(queen, st.ids, standardize=False)
    np.testing.assert_allclose(st.W, raw / raw.sum(axis=1, keepdims=True))
    full = dense_w(queen, sorted(demos["A"][0]["code"].unique()))
    keep = [i for i, c in enumerate(sorted(demos["A"][0]["code"].unique())) if c not in MUNICIPALITIES]
    assert not np.allclose(st.W, full[np.ix_(keep, keep)])  # not the standardised matrix cut down


def test_robustness_dynamic_sdm_short_run_effects(demos, queen):
    """The dynamic SDM's rows are short-run effects: AI's total against the engine's own eigenvalue formula
    (``DynamicPanelResults.impacts``) and the closed form (β + θ)/(1 − ρ); each mediated effect is the product of
    the two equations' short-run totals, each equation refitted here with its own lag."""
    from aicoord.panel.dynamic import DynamicSpatialPanel

    panel = demos["A"][0]
    kw = {**study_kw(queen), "mechanisms": ["industrial_upgrading"]}
    grid = robustness_variant(
        panel, **kw, weights_name="queen", sample="full", models=("dynamic_sdm",), draws=400, seed=3
    )
    assert list(grid["model"]) == ["dynamic_sdm"] * 2 and (grid["failure"] == "").all()
    assert (grid["nobs"] == 31 * 12).all()  # N (T - 1): the first year is conditioned on
    st = setting(panel, "code", "year", queen)

    def fit(y, x):
        return DynamicSpatialPanel(
            st.data, y=y, x=x, id="code", time="year", w=st.Wdf, model="sdm", effects="twoways", dlag=1
        ).fit()

    res = fit("coord_gap", ["ai_index", *CONTROLS])
    p = res.params
    closed = (p["ai_index"] + p["W*ai_index"]) / (1 - p["rho"])
    imp = res.impacts(draws=400, seed=3)
    base = grid[grid.mechanism == "baseline"].iloc[0]
    assert base["estimate"] == pytest.approx(closed, rel=1e-10)
    assert base["estimate"] == pytest.approx(imp.loc[("ai_index", "total"), ("short_run", "estimate")], rel=1e-10)
    # the interval: a 95% percentile interval of 400 draws, about +-1.96 engine simulated SEs around the estimate
    se = imp.loc[("ai_index", "total"), ("short_run", "se")]
    assert base["upper"] - base["lower"] == pytest.approx(2 * 1.96 * se, rel=0.2)
    assert base["lower"] < base["estimate"] < base["upper"]
    m = fit("industrial_upgrading", ["ai_index", *CONTROLS]).params
    o = fit("coord_gap", ["ai_index", "industrial_upgrading", *CONTROLS]).params
    a = (m["ai_index"] + m["W*ai_index"]) / (1 - m["rho"])
    b = (o["industrial_upgrading"] + o["W*industrial_upgrading"]) / (1 - o["rho"])
    med = grid[grid.mechanism == "industrial_upgrading"].iloc[0]
    assert med["estimate"] == pytest.approx(a * b, rel=1e-10)
    assert med["verdict"] in {"promotes", "hinders", "inconclusive"}


def test_robustness_dynamic_sdm_not_estimated_rows(demos, queen, monkeypatch):
    """A dynamic SDM that is not stationary, or that the engine cannot estimate, gives ``not estimated`` rows
    with the reason; the grid goes on (the static SDM rows of the same variant are estimated)."""
    panel = demos["A"][0].sort_values(["code", "year"]).copy()
    # an explosive outcome: y_t = 1.15 y_{t-1} + e, every unit, seeded
    rng = np.random.default_rng(11)
    for _code, g in panel.groupby("code"):
        y = np.empty(len(g))
        y[0] = 1.0
        for t in range(1, len(g)):
            y[t] = 1.15 * y[t - 1] + rng.normal(0, 0.05)
        panel.loc[g.index, "coord_gap"] = y
    kw = {**study_kw(queen), "mechanisms": ["industrial_upgrading"]}
    grid = robustness_variant(panel, **kw, sample="full", models=("sdm", "dynamic_sdm"), draws=100, seed=3)
    dyn = grid[grid.model == "dynamic_sdm"]
    assert len(dyn) == 2 and (dyn["verdict"] == "not estimated").all()
    # a failed row says what was not estimated, as the estimated rows do (draw 9's survivor _dynamic_rows 65)
    assert list(zip(dyn["mechanism"], dyn["quantity"])) == [
        ("baseline", "ai_total_effect"),
        ("industrial_upgrading", "mediated_total"),
    ]
    static = grid[grid.model == "sdm"]
    assert list(zip(static["mechanism"], static["quantity"])) == list(zip(dyn["mechanism"], dyn["quantity"]))
    pattern = (
        r"not stationary: max\|\(tau\+eta w\)/\(1-rho w\)\| = (\d+\.\d{3}) >= 1; "
        r"the dynamic SDM of (coord_gap|industrial_upgrading) is not estimated"
    )
    assert dyn["failure"].str.fullmatch(pattern).all()
    assert (dyn["failure"].str.extract(pattern)[0].astype(float) >= 1).all()
    assert dyn["estimate"].isna().all()
    assert (grid[grid.model == "sdm"]["verdict"] != "not estimated").all()

    from aicoord.errors import EstimationError
    from aicoord.panel import dynamic

    def boundary(self):
        raise EstimationError("rho = 0.999990 is at the boundary of (-1.4, 1.0)", hint="check the weights")

    monkeypatch.setattr(dynamic.DynamicSpatialPanel, "fit", boundary)
    grid = robustness_variant(demos["A"][0], **kw, sample="full", models=("dynamic_sdm",), draws=100, seed=3)
    assert (grid["verdict"] == "not estimated").all()
    assert grid["failure"].str.startswith("rho = 0.999990 is at the boundary").all()


def test_robustness_refuses_unknown_model(demos, queen):
    with pytest.raises(ValueError, match="not in the grid"):
        robustness_variant(demos["A"][0], **study_kw(queen), mechanisms=[], models=("sdm", "dynamic_sem"))


def test_specification_model_probabilities_rows(demos, queen):
    """``model_probabilities=True`` appends step 6: the posterior probabilities of aicoord.panel.bayes with the
    selected effects (checked there against SDPDmod's printed values and a Monte Carlo), and leaves steps 1-5 as
    they are."""
    from aicoord.panel.bayes import model_probabilities

    d = demos["A"][0]
    kw = dict(y="coord_gap", x=["ai_index", *CONTROLS], unit="code", time="year", w=queen, hausman=False, lr=False)
    plain = specification_search(d, **kw)
    tab = specification_search(d, **kw, model_probabilities=True)
    pd.testing.assert_frame_equal(tab.iloc[: len(plain)], plain)
    rows = tab[tab.step.str.startswith("6")].set_index("test")
    eff = tab.attrs["selected"]["effects"]
    st = setting(d, "code", "year", queen)
    ref = model_probabilities(st.data, "coord_gap", ["ai_index", *CONTROLS], "code", "year", st.Wdf, effects=eff)
    assert list(rows.index) == [f"probability_{m}" for m in ref.index]
    np.testing.assert_allclose(rows["statistic"].to_numpy(float), ref["probability"].to_numpy(), rtol=1e-12)
    assert rows["statistic"].sum() == pytest.approx(1.0)
    assert rows.loc[f"probability_{ref['probability'].idxmax()}", "decision"] == "most probable"


def test_split_year_outside_the_panel_names_the_years_not_collinearity(demos, queen):
    """Issue 24: split_year 1990 was reported as "perfectly collinear"; it is outside the panel's years."""
    from aicoord.errors import InputError

    with pytest.raises(InputError, match=r"split_year 1990 is outside the panel's years \(2011–2023\)"):
        heterogeneity(demos["A"][0], **study_kw(queen), by="period", split_year=1990, draws=200, seed=6)


def test_a_two_year_panel_gives_not_estimated_rows_with_the_reason(ai_index, queen):
    """Issue 24: on a 2-year panel robustness_variant failed (no verdict was produced); a model the sample's
    periods cannot carry gives 'not estimated' rows with the reason, as docs/guide/study.md says, and the others are
    estimated."""
    from aicoord.simulate import simulate_demo_panel

    panel, _ = simulate_demo_panel(ai_index, queen, seed=3, years=(2022, 2023))
    mech = list(MECHANISM_NAMES)[:1]
    full = robustness_variant(
        panel, **study_kw(queen), mechanisms=mech, sample="full", models=("sdm", "dynamic_sdm"), draws=200, seed=1
    )
    assert (full.loc[full["model"] == "sdm", "verdict"] != "not estimated").all()
    dyn = full[full["model"] == "dynamic_sdm"]
    assert len(dyn) == 2 and (dyn["verdict"] == "not estimated").all()
    assert (
        dyn["failure"].str.contains("only 2 period(s) in this sample; dynamic_sdm needs at least 3", regex=False).all()
    )
    lag = robustness_variant(
        panel, **study_kw(queen), mechanisms=mech, sample="ai_lag1", models=("sdm",), draws=200, seed=1
    )
    assert (lag["verdict"] == "not estimated").all() and len(lag) == 2
    assert lag["failure"].str.contains("only 1 period(s) in this sample after AI is lagged one year", regex=False).all()


def test_a_channel_that_cannot_be_estimated_gives_its_own_row(demos, queen, monkeypatch):
    """A channel whose fit raises the engine's EstimationError in a robustness variant is reported as 'not
    estimated' with the reason, under its own mechanism and quantity; the grid goes on (first mutation draw of
    issue 22: the failure path was never run)."""
    import aicoord.study.robustness as rb
    from aicoord.errors import EstimationError

    def failing(data, *, mechanism, **kw):
        raise EstimationError(f"rho on the bound for {mechanism}")

    monkeypatch.setattr(rb, "_mechanism", failing)
    grid = robustness_variant(
        demos["A"][0],
        **study_kw(queen),
        mechanisms=["value_chain"],
        weights_name="queen",
        sample="full",
        models=("sdm",),
        draws=100,
        seed=7,
    )
    assert list(grid["mechanism"]) == ["baseline", "value_chain"]
    row = grid.iloc[1]
    assert (row["quantity"], row["verdict"], row["model"], row["nobs"]) == ("mediated_total", "not estimated", "sdm", 0)
    assert row["failure"] == "rho on the bound for value_chain" and np.isnan(row["estimate"])
    assert grid.iloc[0]["verdict"] != "not estimated"


def test_regional_heterogeneity_logs_its_draws_and_regions(demos, queen, caplog):
    """The log line of the regional heterogeneity's batched draws names their number and the regions' (the
    workflow's log of the rule shows it)."""
    import logging

    with caplog.at_level(logging.INFO, logger="aicoord.study.models"):
        heterogeneity(demos["A"][0], **study_kw(queen), by="region", draws=120, seed=5)
    assert "heterogeneity: 120 draws x 4 regions at once" in [r.getMessage() for r in caplog.records]


def test_specification_search_tests_both_sdm_restrictions_by_wald_and_lr_and_selects_on_them(demos, queen, monkeypatch):
    """With the LR tests on (the default), step 4 holds the Wald and LR tests of θ = 0 (SAR) and θ + ρβ = 0 (SEM)
    for the selected effects, each with its null; the selection is given, for each restriction, whether both of
    its tests reject (a bool), and the robust LM p-values of the table. Called here, not in a fixture, so that a
    mutation tool credits this test with the search."""
    from aicoord.study import specification as spec_module

    calls = []
    real = spec_module.select_model
    monkeypatch.setattr(spec_module, "select_model", lambda *a: calls.append(a) or real(*a))
    tab = specification_search(
        demos["A"][0], y="coord_gap", x=["ai_index", *CONTROLS], unit="code", time="year", w=queen
    )
    eff = tab.attrs["selected"]["effects"]
    step4 = tab[tab.step == "4 SDM vs SAR/SEM"].set_index("test")
    assert list(step4.index) == ["wald_sar", "lr_sar", "wald_sem", "lr_sem"]
    assert (step4["effects"] == eff).all()
    assert list(step4["null"]) == ["theta = 0 (SAR)"] * 2 + ["theta + rho beta = 0 (SEM)"] * 2
    rej_sar = bool(step4.loc["wald_sar", "reject"]) and bool(step4.loc["lr_sar", "reject"])
    rej_sem = bool(step4.loc["wald_sem", "reject"]) and bool(step4.loc["lr_sem", "reject"])
    r = tab.set_index(["test", "effects"])
    (args,) = calls
    assert [type(a) for a in args[:2]] == [bool, bool]
    assert args[:4] == (rej_sar, rej_sem, r.loc[("robust_lm_lag", eff), "p"], r.loc[("robust_lm_error", eff), "p"])
