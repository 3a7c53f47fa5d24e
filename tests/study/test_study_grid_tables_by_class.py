"""The specification table, the robustness grid, the dynamic SDM's effects, the scenario tables and the
identification table, checked by class (issue 22) on the small seeded panel of tests/small_panel.py: every p-value
recomputed (χ² survival function of the printed statistic and df, or 2 Φ(−|z|)), every interval against the
two-sided quantiles of independently recomputed draws or the normal interval at two levels, each function's
documented defaults, and every column with its value (each keyword argument passed on observable in the rows)."""

import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from aicoord.study import baseline, mechanism, robustness_variant, scenarios, specification_search
from aicoord.study._common import param_draws
from aicoord.study.dynamic import MODEL as DYNAMIC
from aicoord.study.dynamic import dynamic_mediated, dynamic_total
from aicoord.study.specification import BASELINE_NOTE, SELECTION_RULE, select_model
from aicoord.units import MUNICIPALITIES
from small_panel import (
    CONTROLS,
    IDS,
    KW,
    REGIONS,
    W_RAW,
    N,
    W,
    assert_summarised,
    check_defaults,
    dense_effects,
    dense_s,
    normal_p,
)


def _direction(lo, hi):
    return "promotes" if hi < 0 else "hinders" if lo > 0 else "inconclusive"


# ---- specification search

SPEC_KW = dict(y="y", x=["ai", *CONTROLS], unit="code", time="year", w=W_RAW)


@pytest.fixture(scope="module")
def spec(panel):
    return specification_search(panel, **SPEC_KW)


@pytest.mark.parametrize("alpha", [0.05, 0.3])
def test_specification_table_every_column(panel, spec, alpha):
    t = spec if alpha == 0.05 else specification_search(panel, **SPEC_KW, alpha=alpha)
    assert list(t.columns) == ["step", "test", "effects", "statistic", "df", "p", "reject", "null", "decision"]
    tests = t[~t["step"].str.startswith("5")]
    robust_hausman = "Mundlak" in str(t.loc[t["test"] == "hausman", "null"].iloc[0])
    for _, r in tests.iterrows():
        if r["test"] == "hausman" and robust_hausman:
            want = stats.f.sf(r["statistic"] / r["df"], r["df"], N - 1)
        else:
            want = stats.chi2.sf(r["statistic"], r["df"])
        assert r["p"] == pytest.approx(want, rel=1e-8, abs=1e-300), r["test"]
        assert r["reject"] == (r["p"] < alpha)
    lm = tests[tests["step"] == "1 LM (non-spatial model)"]
    keys = ["lm_lag", "lm_error", "robust_lm_lag", "robust_lm_error"]
    assert list(zip(lm["effects"], lm["test"])) == [(e, k) for e in ("none", "twoways") for k in keys]
    assert list(lm["null"]) == ["rho = 0", "lambda = 0"] * 4 and (lm["df"] == 1).all()
    lr = t[t["step"] == "2 LR fixed effects"]
    assert list(lr["test"]) == ["lr_unit_effects", "lr_time_effects"] and list(lr["df"]) == [N - 1, 7]
    assert list(lr["null"]) == ["no unit effects", "no time effects"] and (lr["effects"] == "").all()
    unit_fx, time_fx = lr["p"].to_numpy() < alpha
    eff = {(True, True): "twoways", (True, False): "individual", (False, True): "time", (False, False): "none"}[
        (bool(unit_fx), bool(time_fx))
    ]
    assert (lr["decision"] == f"effects: {eff}").all()
    h = t[t["test"] == "hausman"].iloc[0]
    assert (h["step"], h["effects"]) == ("3 Hausman FE vs RE (SDM)", "individual vs random")
    assert h["decision"] == ("fixed effects" if h["p"] < alpha else "random effects")
    sd = t[t["step"] == "4 SDM vs SAR/SEM"]
    assert list(sd["test"]) == ["wald_sar", "lr_sar", "wald_sem", "lr_sem"] and (sd["effects"] == eff).all()
    assert list(sd["null"]) == ["theta = 0 (SAR)"] * 2 + ["theta + rho beta = 0 (SEM)"] * 2
    assert (sd["decision"] == "").all() and (lm["decision"] == "").all()
    rej = dict(zip(sd["test"], sd["p"] < alpha))
    lmsel = lm[lm["effects"] == eff].set_index("test")["p"] if eff in ("none", "twoways") else None
    if lmsel is not None:
        model, why = select_model(
            bool(rej["wald_sar"] and rej["lr_sar"]),
            bool(rej["wald_sem"] and rej["lr_sem"]),
            lmsel["robust_lm_lag"],
            lmsel["robust_lm_error"],
            alpha,
        )
        assert t.attrs["selected"]["model"] == model
    model = t.attrs["selected"]["model"]
    assert t.attrs["selected"] == {
        "model": model,
        "effects": eff,
        "hausman_fixed": bool(h["p"] < alpha),
        "baseline": "sdm",
    }
    sel, base = t.iloc[-2], t.iloc[-1]
    assert (sel["step"], sel["test"], sel["effects"], sel["null"]) == (
        "5 selection",
        "selected model",
        eff,
        SELECTION_RULE,
    )
    assert sel["decision"].startswith(f"{model.upper()} with {eff} fixed effects (")
    assert sel["decision"].endswith(")" if model == "sdm" else f"; {BASELINE_NOTE}")
    assert (base["step"], base["test"], base["null"]) == (
        "5 selection",
        "baseline model",
        "analysis.baseline_model: sdm",
    )
    assert base["decision"] == ("SDM (the search's choice)" if model == "sdm" else "SDM (kept, see the note)")
    for r in (sel, base):
        assert np.isnan(r["statistic"]) and np.isnan(r["p"]) and r["df"] is pd.NA and r["reject"] is pd.NA


def test_specification_auto_baseline_follows_the_search(panel, spec):
    t = specification_search(panel, **SPEC_KW, baseline_model="auto")
    model = t.attrs["selected"]["model"]
    assert t.attrs["selected"]["baseline"] == model
    assert t.iloc[-1]["decision"] == f"{model.upper()} (follows the search)"
    assert t.iloc[-1]["null"] == "analysis.baseline_model: auto"
    assert not t.iloc[-2]["decision"].endswith(BASELINE_NOTE)


def test_specification_probability_rows(panel, spec):
    t = specification_search(panel, **SPEC_KW, model_probabilities=True)
    pr = t[t["step"] == "6 Bayesian model probabilities"]
    assert list(pr["test"]) == [f"probability_{m}" for m in ("slx", "sar", "sem", "sdm", "sdem")]
    assert pr["statistic"].sum() == pytest.approx(1.0, rel=1e-10)
    assert list(pr["decision"]) == ["most probable" if s == pr["statistic"].max() else "" for s in pr["statistic"]]
    assert pr["null"].str.fullmatch(r"log marginal likelihood -?\d+\.\d{4} \(flat priors, LeSage 2014\)").all()
    assert (pr["effects"] == t.attrs["selected"]["effects"]).all() and pr["p"].isna().all()
    assert t.iloc[: len(spec)].equals(spec)


@pytest.mark.parametrize(
    "name, default, other",
    [
        ("alpha", 0.05, 0.3),
        ("lm_effects", ("none", "twoways"), ("none",)),
        ("hausman", True, False),
        ("lr", True, False),
        ("model_probabilities", False, True),
        ("baseline_model", "sdm", "auto"),
    ],
)
def test_specification_defaults(panel, spec, name, default, other):
    check_defaults(lambda **kw: specification_search(panel, **SPEC_KW, **kw), name, default, other, plain=spec)


# ---- robustness grid


GRID = dict(effects="individual", lee_yu=False, draws=150, seed=5, alpha=0.2)


def test_robustness_rows_are_the_baseline_and_mechanism_of_each_model_with_the_grids_arguments(panel):
    rv = robustness_variant(panel, **KW, w=W_RAW, mechanisms=["m"], weights_name="ring", models=("sdm", "sar"), **GRID)
    assert list(rv.columns) == [
        "weights",
        "sample",
        "model",
        "mechanism",
        "quantity",
        "estimate",
        "lower",
        "upper",
        "verdict",
        "mechanism_model",
        "nobs",
        "failure",
    ]
    assert (rv["weights"] == "ring").all() and (rv["sample"] == "full").all() and (rv["failure"] == "").all()
    assert list(zip(rv["model"], rv["mechanism"], rv["quantity"])) == [
        (m, k, q) for m in ("sdm", "sar") for k, q in (("baseline", "ai_total_effect"), ("m", "mediated_total"))
    ]
    for k, model in enumerate(("sdm", "sar")):
        kw = {**GRID, "seed": 5 + 10 * k}
        b = baseline(panel, **KW, w=W_RAW, model=model, **kw)
        tot = b.effects.loc[("ai", "total")]
        r = rv[(rv["model"] == model) & (rv["mechanism"] == "baseline")].iloc[0]
        assert (r["estimate"], r["lower"], r["upper"]) == (tot["estimate"], tot["lower"], tot["upper"])
        assert (r["verdict"], r["mechanism_model"], r["nobs"]) == (_direction(tot["lower"], tot["upper"]), model, N * 8)
        m = mechanism(panel, **KW, w=W_RAW, mechanism="m", model=model, **kw)
        r = rv[(rv["model"] == model) & (rv["mechanism"] == "m")].iloc[0]
        lo, hi = m.interval()
        assert (r["estimate"], r["lower"], r["upper"]) == (m.mediated["estimate"], lo, hi)
        assert (r["verdict"], r["mechanism_model"], r["nobs"]) == (
            _direction(lo, hi),
            m.mechanism_model,
            m.outcome_fit.nobs,
        )


@pytest.mark.quick
def test_robustness_samples_drop_the_named_units_or_lag_ai(panel):
    nm = robustness_variant(
        panel,
        **KW,
        w=W_RAW,
        mechanisms=[],
        models=("sdm",),
        sample="no_municipalities",
        municipalities=("u01", "u02"),
        **GRID,
    )
    b = baseline(panel, **KW, w=W_RAW, drop=("u01", "u02"), **GRID)
    assert nm.iloc[0]["estimate"] == b.effects.loc[("ai", "total"), "estimate"]
    assert nm.iloc[0]["nobs"] == (N - 2) * 8 and nm.iloc[0]["sample"] == "no_municipalities"
    lag = robustness_variant(panel, **KW, w=W_RAW, mechanisms=[], models=("sdm",), sample="ai_lag1", **GRID)
    d = panel.sort_values(["code", "year"]).copy()
    d["ai_lag1"] = d.groupby("code")["ai"].shift(1)
    b = baseline(d.dropna(subset=["ai_lag1"]), **{**KW, "ai": "ai_lag1"}, w=W_RAW, **GRID)
    assert lag.iloc[0]["estimate"] == b.effects.loc[("ai_lag1", "total"), "estimate"]
    assert lag.iloc[0]["upper"] == b.effects.loc[("ai_lag1", "total"), "upper"] and lag.iloc[0]["nobs"] == N * 7


def test_robustness_dynamic_rows_are_the_dynamic_sdms_with_the_grids_arguments(panel):
    kw = dict(effects="twoways", draws=150, seed=5, alpha=0.2)
    rv = robustness_variant(panel, **KW, w=W_RAW, mechanisms=["m"], models=("sdm", DYNAMIC), dlag=3, **kw)
    dyn = rv[rv["model"] == DYNAMIC].set_index("mechanism")
    fit, eff = dynamic_total(panel, **KW, w=W_RAW, dlag=3, effects="twoways", draws=150, seed=15, alpha=0.2)
    tot = eff["total"]
    assert tuple(dyn.loc["baseline", ["estimate", "lower", "upper", "nobs"]]) == (
        tot["estimate"],
        tot["lower"],
        tot["upper"],
        fit.nobs,
    )
    med = dynamic_mediated(
        panel, **KW, w=W_RAW, mechanism="m", dlag=3, effects="twoways", draws=150, seed=15, alpha=0.2
    )
    assert tuple(dyn.loc["m", ["estimate", "lower", "upper", "nobs"]]) == (
        med["estimate"],
        med["lower"],
        med["upper"],
        med["nobs"],
    )
    for mech, lo, hi in (("baseline", tot["lower"], tot["upper"]), ("m", med["lower"], med["upper"])):
        assert dyn.loc[mech, "verdict"] == _direction(lo, hi) and dyn.loc[mech, "mechanism_model"] == DYNAMIC


@pytest.mark.parametrize(
    "name, default, other, extra",
    [
        ("weights_name", "w", "ring", {}),
        ("sample", "full", "ai_lag1", {}),
        ("models", ("sdm", "sar", "sem"), ("sdm",), {}),
        ("effects", "twoways", "individual", {"models": ("sdm",)}),
        ("lee_yu", True, False, {"models": ("sdm",)}),
        ("draws", 1000, 150, {"models": ("sdm",)}),
        ("seed", 1, 2, {"models": ("sdm",)}),
        ("alpha", 0.05, 0.2, {"models": ("sdm",)}),
        ("municipalities", MUNICIPALITIES, ("u01",), {"models": ("sdm",), "sample": "no_municipalities"}),
        ("dlag", 1, 2, {"models": (DYNAMIC,)}),
    ],
)
def test_robustness_defaults(panel, name, default, other, extra):
    check_defaults(
        lambda **kw: robustness_variant(panel, **KW, w=W_RAW, mechanisms=["m"], **extra, **kw), name, default, other
    )


# ---- the dynamic SDM


@pytest.mark.quick
@pytest.mark.parametrize("alpha", [0.05, 0.2])
def test_dynamic_effects_are_the_dense_short_run_effects_of_the_seeded_draws(panel, alpha):
    fit, eff = dynamic_total(panel, **KW, w=W_RAW, draws=200, seed=3, alpha=alpha)
    sims = param_draws(fit, 200, np.random.default_rng(3), W)
    point = dense_effects(fit.params, "ai")
    draws = np.array([dense_effects(p, "ai") for _, p in sims.iterrows()])
    assert list(eff) == ["direct", "indirect", "total"]
    for j, k in enumerate(eff):
        assert_summarised(eff[k], point[j], draws[:, j], alpha)
    med = dynamic_mediated(panel, **KW, w=W_RAW, mechanism="m", draws=200, seed=3, alpha=alpha)
    mfit = dynamic_total(panel, **{**KW, "y": "m"}, w=W_RAW, draws=2, seed=3)[0]
    yfit = dynamic_total(panel, **{**KW, "controls": ["m", *CONTROLS]}, w=W_RAW, draws=2, seed=3)[0]
    a = np.array([dense_effects(p, "ai")[2] for _, p in param_draws(mfit, 200, np.random.default_rng(3), W).iterrows()])
    b = np.array([dense_effects(p, "m")[2] for _, p in param_draws(yfit, 200, np.random.default_rng(4), W).iterrows()])
    np.testing.assert_allclose(med["draws"], a * b, rtol=1e-9)
    est = dense_effects(mfit.params, "ai")[2] * dense_effects(yfit.params, "m")[2]
    assert_summarised(med, est, a * b, alpha)
    assert med["nobs"] == yfit.nobs


@pytest.mark.quick
@pytest.mark.parametrize(
    "name, default, other",
    [
        ("effects", "twoways", "individual"),
        ("dlag", 1, 3),
        ("draws", 1000, 100),
        ("seed", 1, 2),
        ("alpha", 0.05, 0.2),
        ("drop", (), ("u04",)),
    ],
)
@pytest.mark.quick
def test_dynamic_defaults(panel, name, default, other):
    check_defaults(lambda **kw: dynamic_total(panel, **KW, w=W_RAW, **kw)[1], name, default, other)
    check_defaults(
        lambda **kw: {k: v for k, v in dynamic_mediated(panel, **KW, w=W_RAW, mechanism="m", **kw).items()},
        name,
        default,
        other,
    )


# ---- scenarios

SPECS = [
    {"name": "west_up", "kind": "shift", "regions": ["West"], "amount": 0.5},
    {"kind": "raise_to_mean"},
    {"name": "freeze", "kind": "freeze_growth", "regions": ["East", "Central"], "year": 2015},
]


@pytest.fixture(scope="module")
def base(panel):
    return baseline(panel, **KW, w=W_RAW, draws=100, seed=2)


def _measures(v, groups):
    """CV, Theil T, the Dagum Gini and its within part, between part and each group's, by their definitions."""
    v = np.asarray(v, float)
    n, mu = len(v), v.mean()
    out = {
        "cv": v.std() / mu,
        "theil_t": np.mean(v / mu * np.log(v / mu)),
        "gini": np.abs(v[:, None] - v[None, :]).sum() / (2 * n * n * mu),
    }
    within, own = 0.0, {}
    for g in dict.fromkeys(groups):
        vj = v[groups == g]
        nj, mj = len(vj), vj.mean()
        own[g] = np.abs(vj[:, None] - vj[None, :]).sum() / (2 * nj * nj * mj)
        within += own[g] * (nj / n) * (nj * mj / (n * mu))
    out.update(gini_within=within, gini_between=out["gini"] - within)
    out.update({f"gini_{g}": own[g] for g in own})
    return out


@pytest.mark.quick
@pytest.mark.parametrize("alpha", [0.05, 0.2])
@pytest.mark.parametrize("shift", [None, 4.0])
def test_scenario_tables_every_column_from_dense_changes_of_the_seeded_draws(panel, base, alpha, shift):
    prov, disp = scenarios(base, SPECS, regions=REGIONS, draws=200, seed=7, alpha=alpha, shift=shift)
    assert list(prov.columns) == [
        "scenario",
        "unit",
        "region",
        "year",
        "delta_ai",
        "y_before",
        "delta_y",
        "delta_y_lower",
        "delta_y_upper",
        "own",
        "own_lower",
        "own_upper",
        "spillover",
        "spillover_lower",
        "spillover_upper",
    ]
    assert list(disp.columns) == [
        "scenario",
        "year",
        "measure",
        "before",
        "after",
        "change",
        "change_lower",
        "change_upper",
        "shift",
        "dropped_draws",
    ]
    p = base.fit.params
    sims = param_draws(base.fit, 200, np.random.default_rng(7), W)
    mats = [dense_s(r["rho"], r["ai"], r["W*ai"]) for _, r in sims.iterrows()]
    s0 = dense_s(p["rho"], p["ai"], p["W*ai"])
    reg = REGIONS.reindex(IDS).to_numpy()
    by_year = panel.set_index(["year", "code"])
    c0 = 0.0 if shift is None else shift
    for spec, name, year in zip(SPECS, ("west_up", "scenario_2", "freeze"), (2017, 2017, 2015)):
        a = by_year.loc[year, "ai"].reindex(IDS).to_numpy()
        if spec["kind"] == "shift":
            dx = np.where(reg == "West", 0.5, 0.0)
        elif spec["kind"] == "raise_to_mean":
            dx = np.clip(a.mean() - a, 0, None)
        else:
            prev = by_year.loc[year - 1, "ai"].reindex(IDS).to_numpy()
            dx = np.where(np.isin(reg, ["East", "Central"]), prev - a, 0.0)
        g = prov[prov["scenario"] == name]
        assert list(g["unit"]) == IDS and list(g["region"]) == list(reg) and (g["year"] == year).all()
        y0 = by_year.loc[year, "y"].reindex(IDS).to_numpy()
        np.testing.assert_allclose(g["delta_ai"], dx, rtol=0, atol=1e-14)
        np.testing.assert_array_equal(g["y_before"], y0)
        dy = np.array([s @ dx for s in mats])
        own = np.array([np.diag(s) * dx for s in mats])
        for lab, pt, d in (
            ("delta_y", s0 @ dx, dy),
            ("own", np.diag(s0) * dx, own),
            ("spillover", s0 @ dx - np.diag(s0) * dx, dy - own),
        ):
            np.testing.assert_allclose(g[lab], pt, rtol=1e-9, atol=1e-13)
            lo, hi = np.quantile(d, [alpha / 2, 1 - alpha / 2], axis=0)
            np.testing.assert_allclose(g[f"{lab}_lower"], lo, rtol=1e-9, atol=1e-13)
            np.testing.assert_allclose(g[f"{lab}_upper"], hi, rtol=1e-9, atol=1e-13)
        m0 = _measures(y0 + c0, reg)
        m1 = _measures(y0 + s0 @ dx + c0, reg)
        md = [_measures(y0 + x + c0, reg) for x in dy]
        h = disp[disp["scenario"] == name].set_index("measure")
        order = ["cv", "theil_t", "gini", "gini_within", "gini_between"]
        groups = sorted(dict.fromkeys(reg), key=lambda r: (y0 + c0)[reg == r].mean())
        assert list(h.index) == order + [f"gini_{r}" for r in groups]
        for k in h.index:
            assert h.loc[k, "before"] == pytest.approx(m0[k], rel=1e-10)
            assert h.loc[k, "after"] == pytest.approx(m1[k], rel=1e-10)
            assert h.loc[k, "change"] == pytest.approx(m1[k] - m0[k], rel=1e-8, abs=1e-15)
            lo, hi = np.quantile([m[k] - m0[k] for m in md], [alpha / 2, 1 - alpha / 2])
            assert h.loc[k, "change_lower"] == pytest.approx(lo, rel=1e-7, abs=1e-14)
            assert h.loc[k, "change_upper"] == pytest.approx(hi, rel=1e-7, abs=1e-14)
        assert (h["year"] == year).all() and (h["shift"] == c0).all() and (h["dropped_draws"] == 0).all()


@pytest.mark.quick
@pytest.mark.parametrize(
    "name, default, other", [("draws", 1000, 100), ("seed", 1, 2), ("alpha", 0.05, 0.2), ("shift", None, 3.0)]
)
@pytest.mark.quick
def test_scenarios_defaults(base, name, default, other):
    check_defaults(lambda **kw: scenarios(base, SPECS, regions=REGIONS, **kw), name, default, other)


# ---- identification


ID_KW = dict(**KW, instruments=["z"], w=W_RAW)


@pytest.mark.parametrize("alpha", [0.05, 0.2])
def test_identification_rows_normal_intervals_and_p(panel, alpha):
    from aicoord.panel import SpatialPanel
    from aicoord.study.identification import identification

    t = identification(panel, **ID_KW, draws=200, seed=4, alpha=alpha)
    q = stats.norm.ppf(1 - alpha / 2)
    np.testing.assert_allclose(t["ci_low"], t["estimate"] - q * t["se"], rtol=1e-12)
    np.testing.assert_allclose(t["ci_high"], t["estimate"] + q * t["se"], rtol=1e-12)
    np.testing.assert_allclose(t["p"], normal_p(t["estimate"], t["se"]), rtol=1e-9, atol=1e-300)
    ref = SpatialPanel(panel, y="y", x=["ai", *CONTROLS], id="code", time="year", w=W_RAW, lee_yu=True).fit()
    imp = ref.impacts(draws=200, seed=4)
    ml = t[t["estimator"] == "ml"].set_index("effect")
    for k in ("direct", "indirect", "total"):
        assert ml.loc[k, "estimate"] == pytest.approx(imp.loc[("ai", k), "estimate"], rel=1e-9)
        assert ml.loc[k, "se"] == pytest.approx(imp.loc[("ai", k), "se"], rel=1e-7)
    assert (ml["cov_type"] == "oim").all() and ml["sw_f"].isna().all()
    iv = t[t["estimator"] != "ml"]
    assert (iv["cov_type"] == "cluster").all() and iv["sw_f"].notna().all()


@pytest.mark.parametrize(
    "name, default, other",
    [
        ("effects", "twoways", "individual"),
        ("lee_yu", True, False),
        ("estimators", ("ml", "iv", "gmm"), ("ml", "iv")),
        ("cov_type", "cluster", "robust"),
        ("cluster", None, "block"),
        ("draws", 1000, 100),
        ("seed", 1, 2),
        ("alpha", 0.05, 0.2),
        ("ml_cov", None, {"cov_type": "robust"}),
    ],
)
def test_identification_defaults(panel, name, default, other):
    from aicoord.study.identification import identification

    check_defaults(lambda **kw: identification(panel, **ID_KW, **kw), name, default, other)


@pytest.mark.parametrize(
    "name, default, other",
    [
        ("mode", "both", "iv"),
        ("effects", "twoways", "individual"),
        ("lee_yu", False, True),
        ("cov_type", "cluster", "robust"),
        ("cluster", None, "block"),
        ("draws", 1000, 100),
        ("seed", 0, 1),
        ("alpha", 0.05, 0.2),
        ("ml_cov", None, {"cov_type": "robust"}),
    ],
)
def test_identification_table_defaults(panel, name, default, other):
    from aicoord.study.identification import identification_table

    check_defaults(lambda **kw: identification_table(panel, **ID_KW, **kw)[0], name, default, other)


def test_identification_table_oster_row_and_the_bootstrap_left_out(panel):
    from aicoord.study.identification import identification, identification_table
    from aicoord.study.oster import oster_bound

    tab, first, ob = identification_table(
        panel, **ID_KW, mode="ml", draws=100, ml_cov={"cov_type": "robust", "bootstrap": {"draws": 9}}
    )
    assert ob == oster_bound(panel, y="y", ai="ai", controls=CONTROLS, unit="code", time="year", w=W_RAW)
    last = tab.iloc[-1]
    want = {
        "estimator": "oster",
        "effect": "coefficient",
        "estimate": ob["beta_controlled"],
        "ci_low": ob["set_low"],
        "ci_high": ob["set_high"],
        **{k: ob[k] for k in ("beta_star", "delta_for_zero", "r_max", "r2_controlled", "beta_short")},
    }
    assert {k: last[k] for k in want} == want
    assert first is None and list(tab["estimator"]) == ["ml"] * 3 + ["oster"]
    ref = identification(
        panel, **ID_KW, estimators=("ml",), lee_yu=False, draws=100, seed=0, ml_cov={"cov_type": "robust"}
    )
    assert tab.iloc[:3][list(ref.columns)].reset_index(drop=True).equals(ref)


@pytest.mark.quick
@pytest.mark.parametrize("model", ["sar", "sem", "slx"])
def test_scenario_changes_of_the_other_models(panel, model):
    """SAR: θ = 0; SEM and SLX: ρ = 0 (the SEM's λ is no lag of the outcome), so the SEM's change is β Δx, all own."""
    b = baseline(panel, **KW, w=W_RAW, model=model, draws=50, seed=2)
    prov, _ = scenarios(b, SPECS[:1], regions=REGIONS, draws=50, seed=7)
    p = b.fit.params
    rho = p["rho"] if model == "sar" else 0.0
    s = dense_s(rho, p["ai"], p.get("W*ai", 0.0))
    dx = prov["delta_ai"].to_numpy()
    np.testing.assert_allclose(prov["delta_y"], s @ dx, rtol=1e-9, atol=1e-13)
    np.testing.assert_allclose(prov["own"], np.diag(s) * dx, rtol=1e-9, atol=1e-13)
    if model == "sem":
        np.testing.assert_allclose(prov["delta_y"], p["ai"] * dx, rtol=1e-9, atol=1e-13)
        assert (prov["spillover"].abs() < 1e-12).all()


def test_scenarios_and_the_grid_log_their_progress(panel, base, caplog):
    import logging

    with caplog.at_level(logging.INFO, logger="aicoord.study"):
        scenarios(base, SPECS[:2], regions=REGIONS, draws=40, seed=7)
        robustness_variant(panel, **KW, w=W_RAW, mechanisms=[], weights_name="ring", models=("sdm", "sar"), draws=30)
    msgs = [r.getMessage() for r in caplog.records if r.name.startswith("aicoord.study")]
    assert msgs[:2] == ["scenario west_up: 40 draws at once", "scenario scenario_2: 40 draws at once"]
    grid = msgs[2:]
    assert len(grid) == 3
    assert re.fullmatch(r"robustness ring x full: model 1 of 2 \(sdm\), 30 draws per effect, \d+ s so far", grid[0])
    assert re.fullmatch(r"robustness ring x full: model 2 of 2 \(sar\), 30 draws per effect, \d+ s so far", grid[1])
    assert re.fullmatch(r"robustness ring x full: 2 models done in \d+ s", grid[2])


def test_identification_first_stage_columns_are_the_2sls_and_gmm_fits_diagnostics(panel):
    from aicoord.panel import SpatialPanel
    from aicoord.study.identification import identification

    t = identification(panel, **ID_KW, draws=100, seed=4)
    for est, name in (("2sls", "iv"), ("gmm", "gmm")):
        fit = SpatialPanel(
            panel, y="y", x=CONTROLS, id="code", time="year", w=W_RAW, model="sdm", endog=["ai"], instruments=["z"]
        ).fit(estimator=est, cov_type="cluster")
        fs = fit.first_stage
        reg, joint = fs["regressors"]["ai"], fs["joint"]
        want = {
            "partial_r2": reg["partial_r2"],
            "sw_f": reg["sw_f"],
            "kp_rk_wald_f": joint["kp_rk_wald_f"],
            "kp_lm_p": joint["kp_lm"]["p"],
            "hansen_j": joint.get("hansen_j", {}).get("statistic", np.nan),
            "hansen_p": joint.get("hansen_j", {}).get("p", np.nan),
            "endogeneity_p": fs["endogeneity"]["ai"]["p"],
            "ar_low": fs["anderson_rubin"]["ai"]["lower"],
            "ar_high": fs["anderson_rubin"]["ai"]["upper"],
        }
        rows = t[t["estimator"] == name]
        for k, v in want.items():
            np.testing.assert_allclose(rows[k].astype(float), v, rtol=1e-10, equal_nan=True, err_msg=k)
        imp = fit.impacts(draws=100, seed=4)
        np.testing.assert_allclose(rows["estimate"], imp.loc["ai", "estimate"], rtol=1e-10)
        np.testing.assert_allclose(rows["se"], imp.loc["ai", "se"], rtol=1e-10)
        if name == "iv":
            assert t.attrs["first_stage"]["regressors"]["ai"]["sw_f"] == reg["sw_f"]


def test_specification_without_lr_or_hausman_selects_on_the_wald_tests(panel):
    """Without the LR forms the SDM restrictions are rejected on the Wald tests alone; without the Hausman test
    there is no Hausman row and ``hausman_fixed`` is None."""
    t = specification_search(panel, **SPEC_KW, lr=False, hausman=False, alpha=0.3)
    assert not {"lr_sar", "lr_sem", "hausman"} & set(t["test"])
    sel = t.attrs["selected"]
    assert sel["hausman_fixed"] is None
    sd = t[t["step"] == "4 SDM vs SAR/SEM"].set_index("test")["p"]
    lm = t[(t["step"] == "1 LM (non-spatial model)") & (t["effects"] == sel["effects"])].set_index("test")["p"]
    model, why = select_model(
        sd["wald_sar"] < 0.3, sd["wald_sem"] < 0.3, lm["robust_lm_lag"], lm["robust_lm_error"], 0.3
    )
    assert sel["model"] == model and t.iloc[-2]["decision"].startswith(f"{model.upper()} with {sel['effects']} fixed")
    assert why in t.iloc[-2]["decision"]


def test_scenario_draws_with_a_non_positive_outcome_are_dropped_and_counted(panel, base):
    """A shift of AI in the West so large that the point estimate leaves the lowest outcome at 0.5: the draws in
    which some outcome is not positive are dropped (counted in ``dropped_draws``), the intervals of the measures'
    changes are the quantiles of the other draws."""
    p = base.fit.params
    west = (REGIONS.reindex(IDS) == "West").to_numpy().astype(float)
    u = dense_s(p["rho"], p["ai"], p["W*ai"]) @ west
    y0 = panel[panel["year"] == 2017].set_index("code")["y"].reindex(IDS).to_numpy()
    amount = min((0.5 - y0[i]) / u[i] for i in range(N) if u[i] < 0)  # AI lowers the outcome there
    spec = [{"name": "big", "kind": "shift", "regions": ["West"], "amount": amount}]
    prov, disp = scenarios(base, spec, regions=REGIONS, draws=200, seed=7, alpha=0.1)
    sims = param_draws(base.fit, 200, np.random.default_rng(7), W)
    drawn = np.array([y0 + dense_s(r["rho"], r["ai"], r["W*ai"]) @ (amount * west) for _, r in sims.iterrows()])
    keep = drawn.min(axis=1) > 0
    assert 0 < (~keep).sum() < 200
    assert (disp["dropped_draws"] == (~keep).sum()).all()
    reg = REGIONS.reindex(IDS).to_numpy()
    m0 = _measures(y0, reg)
    for k in ("cv", "gini", "gini_within"):
        lo, hi = np.quantile([_measures(v, reg)[k] - m0[k] for v in drawn[keep]], [0.05, 0.95])
        row = disp[disp["measure"] == k].iloc[0]
        assert row["change_lower"] == pytest.approx(lo, rel=1e-7) and row["change_upper"] == pytest.approx(hi, rel=1e-7)


@pytest.mark.parametrize("alpha", [0.45, 0.7])
def test_without_lr_the_selection_is_given_the_wald_rejections(panel, monkeypatch, alpha):
    """Without the LR forms a restriction counts as rejected when its Wald test rejects (the missing LR test does
    not veto it): at 0.45 the Wald test of θ = 0 rejects (p near 0.40) and that of θ + ρβ = 0 does not (p near
    0.67), at 0.7 both do; the selection receives exactly these."""
    from aicoord.study import specification as spec_module

    calls = []
    real = spec_module.select_model
    monkeypatch.setattr(spec_module, "select_model", lambda *a: calls.append(a) or real(*a))
    t = specification_search(panel, **SPEC_KW, lr=False, hausman=False, alpha=alpha)
    sd = t[t["step"] == "4 SDM vs SAR/SEM"].set_index("test")["p"]
    assert list(sd.index) == ["wald_sar", "wald_sem"]
    (args,) = calls
    assert args[:2] == (bool(sd["wald_sar"] < alpha), bool(sd["wald_sem"] < alpha))
    assert args[:2] == ((True, False) if alpha == 0.45 else (True, True))
