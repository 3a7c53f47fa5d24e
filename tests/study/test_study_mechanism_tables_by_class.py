"""The mechanism tables and the verdict table, checked by class (issue 22) on the small seeded panel of
tests/small_panel.py: every p-value recomputed (normal from the printed estimate and SE, or the two-sided share of
the draws beyond zero), every interval against the two-sided quantiles of independently recomputed draws (dense
solves of each draw's S) at two levels, the documented defaults of :func:`aicoord.study.mechanism`, and every
column of the verdict table with its value."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from aicoord.panel import SpatialPanel
from aicoord.study import baseline as study_baseline
from aicoord.study import mechanism, verdict
from aicoord.study._common import param_draws
from aicoord.study.mechanisms import fit_with_fallback
from aicoord.study.verdict_table import VERDICT_RULE, verdict_note, verdict_rule
from small_panel import (
    CONTROLS,
    KW,
    W_RAW,
    W,
    assert_summarised,
    check_defaults,
    coef,
    dense_effects,
    dense_s,
    normal_p,
    same,
)


def _mc_p(draws):
    d = np.asarray(draws, float)
    return min(1.0, 2 * min((d <= 0).sum(), (d >= 0).sum()) / len(d))


def _direction(lo, hi):
    return "promotes" if hi < 0 else "hinders" if lo > 0 else "inconclusive"


def _chain(mp, yp):
    """Local (mean diagonal) and total (mean row sum) of S_y S_M, dense."""
    s = dense_s(coef(yp, "rho"), coef(yp, "m"), coef(yp, "W*m")) @ dense_s(
        coef(mp, "rho"), coef(mp, "ai"), coef(mp, "W*ai")
    )
    return np.mean(np.diag(s)), s.sum() / len(s)


# function-scoped: a mutation tool credits a function to the test during which it runs, and a module fixture runs
# during its first test only
@pytest.fixture(params=[0.05, 0.2])
def mech(panel, request):
    return mechanism(panel, **KW, w=W_RAW, mechanism="m", draws=300, seed=5, alpha=request.param), request.param


def test_mechanism_tables_are_the_dense_effects_of_the_seeded_draws_of_each_equation(mech):
    m, alpha = mech
    assert (m.name, m.mechanism_model, m.fallback_reason, m.alpha, m.a_path_estimator) == ("m", "sdm", "", alpha, "ml")
    mres, yres = m.mechanism_fit, m.outcome_fit
    assert list(mres.params.index[:3]) == ["ai", *CONTROLS] and mres.model.lee_yu and yres.model.lee_yu
    assert list(yres.params.index[:4]) == ["ai", "m", *CONTROLS]
    sm = param_draws(mres, 300, np.random.default_rng(5), W)  # the mechanism equation: seed
    sy = param_draws(yres, 300, np.random.default_rng(6), W)  # the outcome equation: seed + 1
    for table, res, sims, v in (
        (m.ai_on_channel, mres, sm, "ai"),
        (m.channel_on_y, yres, sy, "m"),
        (m.ai_on_y, yres, sy, "ai"),
    ):
        assert list(table.index) == ["direct", "indirect", "total"]
        assert list(table.columns) == ["estimate", "se", "lower", "upper", "z", "p"]
        point = dense_effects(res.params, v)
        draws = np.array([dense_effects(p, v) for _, p in sims.iterrows()])
        for j, k in enumerate(("direct", "indirect", "total")):
            assert_summarised(table.loc[k], point[j], draws[:, j], alpha)
    a = np.array([dense_effects(p, "ai")[2] for _, p in sm.iterrows()])
    b = np.array([dense_effects(p, "m")[2] for _, p in sy.iterrows()])
    np.testing.assert_allclose(m.a_draws, a, rtol=1e-9)
    np.testing.assert_allclose(m.b_draws, b, rtol=1e-9)
    np.testing.assert_allclose(m.mediated_draws, a * b, rtol=1e-9)
    a0, b0 = m.ai_on_channel.loc["total", "estimate"], m.channel_on_y.loc["total", "estimate"]
    med = m.mediated
    assert_summarised(med, a0 * b0, a * b, alpha)
    lo, hi = np.quantile(a * b, [alpha / 2, 1 - alpha / 2])
    assert m.interval() == pytest.approx((lo, hi), rel=1e-9)  # the default level is the mechanism's own
    assert m.interval(0.5) == pytest.approx(tuple(np.quantile(a * b, [0.25, 0.75])), rel=1e-9)
    sobel = a0 * b0 / np.sqrt(b0**2 * np.var(a, ddof=1) + a0**2 * np.var(b, ddof=1))
    assert med["sobel_z"] == pytest.approx(sobel, rel=1e-9)
    assert med["sobel_p"] == pytest.approx(2 * stats.norm.sf(abs(sobel)), rel=1e-9, abs=1e-300)
    # the local and spillover parts: the mean diagonal of the dense S_y S_M and the rest, SEs over the same draws
    loc0, tot0 = _chain(mres.params, yres.params)
    parts = np.array([_chain(p, q) for (_, p), (_, q) in zip(sm.iterrows(), sy.iterrows())])
    assert med["local"] == pytest.approx(loc0, rel=1e-9)
    assert med["spillover"] == pytest.approx(tot0 - loc0, rel=1e-9)
    assert tot0 == pytest.approx(a0 * b0, rel=1e-9)
    assert med["local_se"] == pytest.approx(np.std(parts[:, 0], ddof=1), rel=1e-8)
    assert med["spillover_se"] == pytest.approx(np.std(parts[:, 1] - parts[:, 0], ddof=1), rel=1e-8)
    c = m.ai_on_y.loc["total", "estimate"]
    if a0 * b0 * c < 0:
        assert med["suppression"] is True and med["share"] == pytest.approx(abs(a0 * b0 / c), rel=1e-12)
    else:
        assert med["suppression"] is False and med["share"] == pytest.approx(a0 * b0 / (a0 * b0 + c), rel=1e-12)


@pytest.mark.quick
def test_b_path_sensitivity_columns_from_the_channels_t_statistic(mech):
    """Cinelli-Hazlett robustness values of the channel's coefficient in the outcome equation (t = z, dof = the
    observations minus the parameters), by the formulas of their paper, and the benchmark as the control with the
    largest partial R² with the outcome."""
    m, alpha = mech
    yres = m.outcome_fit
    dof = yres.nobs - len(yres.params)
    t = yres.params["m"] / yres.std_errors["m"]
    f = abs(t) / np.sqrt(dof)
    assert m.mediated["b_rv"] == pytest.approx(0.5 * (np.sqrt(f**4 + 4 * f**2) - f**2), rel=1e-10)
    fa = f - stats.t.ppf(1 - alpha / 2, dof - 1) / np.sqrt(dof - 1)
    rva = 0.0 if fa < 0 else 0.5 * (np.sqrt(fa**4 + 4 * fa**2) - fa**2)
    if fa >= 0 and rva <= 1 - 1 / f**2:
        fc = stats.t.ppf(1 - alpha / 2, dof - 1) / np.sqrt(dof - 1)
        rva = (f**2 - fc**2) / (1 + f**2)
    assert m.mediated["b_rv_alpha"] == pytest.approx(rva, rel=1e-10, abs=1e-15)
    r2 = {c: (yres.params[c] / yres.std_errors[c]) ** 2 for c in CONTROLS}
    assert m.mediated["b_benchmark"] == max(r2, key=r2.get)


@pytest.mark.parametrize(
    "name, default, other",
    [
        ("model", "sdm", "sar"),
        ("effects", "twoways", "individual"),
        ("lee_yu", True, False),
        ("draws", 2000, 300),
        ("seed", 1, 2),
        ("alpha", 0.05, 0.2),
        ("bound_tol", 1e-3, 0.45),
        ("drop", (), ("u05",)),
        ("cov", None, {"cov_type": "robust"}),
        ("instruments", (), ["z"]),
    ],
)
def test_mechanism_defaults(panel, name, default, other):
    check_defaults(lambda **kw: mechanism(panel, **KW, w=W_RAW, mechanism="m", **kw), name, default, other)


def test_mechanism_iv_covariance_default_is_clustered_by_unit(panel):
    def call(**kw):
        return mechanism(panel, **KW, w=W_RAW, mechanism="m", instruments=["z"], draws=300, **kw)

    check_defaults(call, "iv_cov", None, {"cov_type": "robust"})
    m = call()
    assert m.a_path_estimator == "iv" and m.mechanism_fit.cov_info["cov_type"] == "cluster"
    assert call(iv_cov={"cov_type": "robust"}).mechanism_fit.cov_info["cov_type"] == "robust"


@pytest.mark.quick
@pytest.mark.filterwarnings("ignore:only 15 clusters:RuntimeWarning")
def test_mechanism_passes_cov_and_drop_to_both_equations(panel):
    m = mechanism(panel, **KW, w=W_RAW, mechanism="m", draws=200, cov={"cov_type": "cluster"}, drop=("u05",))
    assert m.mechanism_fit.cov_info["cov_type"] == "cluster" and m.outcome_fit.cov_info["cov_type"] == "cluster"
    assert m.mechanism_fit.N == m.outcome_fit.N == 15


@pytest.mark.quick
def test_a_rho_near_its_bound_falls_back_to_the_slx_with_the_reason(panel):
    """``bound_tol`` × the length of ρ's interval: ρ of the channel (near 0.3) lies within 0.45 × (1 − 1/ω_min) of
    the upper bound 1, so the channel equation is the SLX (same W-lags), with the reason naming ρ and the bounds."""
    m = mechanism(panel, **KW, w=W_RAW, mechanism="m", draws=200, bound_tol=0.45)
    assert m.mechanism_model == "slx" and m.mechanism_fit.model.model == "slx"
    assert "W*ai" in m.mechanism_fit.params.index
    om = np.linalg.eigvals(W).real
    lo, hi = 1 / om.min(), 1 / om.max()
    ref = SpatialPanel(panel, y="m", x=["ai", *CONTROLS], id="code", time="year", w=W_RAW, lee_yu=True).fit()
    r = ref.params["rho"]
    assert m.fallback_reason == f"rho = {r:.4g} on the bound of ({lo:.4g}, {hi:.4g})"


@pytest.mark.quick
@pytest.mark.parametrize(
    "name, default, other",
    [
        ("model", "sdm", "sar"),
        ("effects", "twoways", "time"),
        ("lee_yu", True, False),
        ("bound_tol", 1e-3, 0.45),
        ("cov", None, {"cov_type": "robust"}),
    ],
)
@pytest.mark.quick
def test_fit_with_fallback_defaults(panel, name, default, other):
    from aicoord.study._common import setting

    st = setting(panel, "code", "year", W_RAW)

    def call(**kw):
        res, used, why = fit_with_fallback(st.data, "m", ["ai", *CONTROLS], "code", "year", st, **kw)
        return [res.params, res.std_errors, used, why, bool(res.model.lee_yu), res.model.effects]

    check_defaults(call, name, default, other)


# ---- the verdict table


@pytest.fixture
def base(panel):
    return study_baseline(panel, **KW, w=W_RAW, draws=300, seed=9)


@pytest.fixture
def mech_z(panel, mech):
    """A second channel (the instrument, unrelated to the outcome) at the level of ``mech``."""
    return mechanism(panel, **KW, w=W_RAW, mechanism="z", draws=300, seed=5, alpha=mech[1])


@pytest.mark.quick
@pytest.mark.parametrize("adjust, method", [("holm", "holm"), ("bh", "fdr_bh"), ("none", None)])
def test_verdict_table_every_column(mech, mech_z, base, adjust, method):
    m, alpha = mech
    m2 = mech_z
    tab = verdict({"m": m, "z": m2}, base, alpha=alpha, adjust=adjust)
    assert list(tab["mechanism"]) == ["baseline", "m", "z"]
    b = tab.iloc[0]
    tot = base.effect_draws["ai"]["total"]
    lo, hi = np.quantile(tot, [alpha / 2, 1 - alpha / 2])
    est, se = base.effects.loc[("ai", "total"), "estimate"], np.std(tot, ddof=1)
    want = {
        "mechanism": "baseline",
        "verdict": _direction(lo, hi),
        "basis": "ml",
        "verdict_basis": "total",
        "effect": est,
        "lower": lo,
        "upper": hi,
        "se": se,
        "p": _mc_p(tot),
        "p_normal": float(normal_p(est, se)),
        "mechanism_model": "sdm",
        "fallback_reason": "",
    }
    for k, v in want.items():
        assert b[k] == (pytest.approx(v, rel=1e-12, abs=1e-300) if isinstance(v, float) else v), k
    for row, mm in zip(tab.iloc[1:].to_dict("records"), (m, m2)):
        lo, hi = np.quantile(mm.mediated_draws, [alpha / 2, 1 - alpha / 2])
        qa = np.quantile(mm.a_draws, [alpha / 2, 1 - alpha / 2])
        qb = np.quantile(mm.b_draws, [alpha / 2, 1 - alpha / 2])
        ac, cy, med = mm.ai_on_channel, mm.channel_on_y, mm.mediated
        want = {
            "mechanism": mm.name,
            "verdict": _direction(lo, hi),
            "basis": "ml",
            "verdict_basis": "product",
            "a_p": _mc_p(mm.a_draws),
            "ai_direct_on_channel": ac.loc["direct", "estimate"],
            "ai_indirect_on_channel": ac.loc["indirect", "estimate"],
            "ai_total_on_channel": ac.loc["total", "estimate"],
            "ai_channel_lower": qa[0],
            "ai_channel_upper": qa[1],
            "channel_total_on_y": cy.loc["total", "estimate"],
            "channel_y_lower": qb[0],
            "channel_y_upper": qb[1],
            "effect": ac.loc["total", "estimate"] * cy.loc["total", "estimate"],
            "lower": lo,
            "upper": hi,
            "se": np.std(mm.mediated_draws, ddof=1),
            "sobel_z": med["sobel_z"],
            "sobel_p": med["sobel_p"],
            "mechanism_model": mm.mechanism_model,
            "fallback_reason": mm.fallback_reason,
            "p": _mc_p(mm.mediated_draws),
            "p_normal": float(normal_p(med["estimate"], med["se"])),
            "mediated_local": med["local"],
            "mediated_local_se": med["local_se"],
            "mediated_spillover": med["spillover"],
            "mediated_spillover_se": med["spillover_se"],
            "mediation_share": med["share"],
            "suppression": med["suppression"],
            **{
                k: med[k]
                for k in ("b_rv", "b_rv_alpha", "b_benchmark", "b_benchmark_r2dz", "b_benchmark_r2yz", "b_adjusted")
            },
        }
        for k, v in want.items():
            assert row[k] == (pytest.approx(v, rel=1e-10, abs=1e-300) if isinstance(v, float) else v), k
    p = tab["p"].to_numpy(float)
    adjusted = p if method is None else multipletests(p, method=method)[1]
    np.testing.assert_allclose(tab["p_adjusted"], adjusted, rtol=1e-12)
    assert list(tab["verdict_adjusted"]) == [
        v if q < alpha else "inconclusive" for v, q in zip(tab["verdict"], tab["p_adjusted"])
    ]
    assert tab["variants_agree"].isna().all() and tab["variants"].isna().all()
    assert tab.attrs["alpha"] == alpha and tab.attrs["adjustment"] == adjust


def _drawn_mechanism(name, centre, rng, n=2000):
    """A Mechanism made of normal draws (no fit) whose mediated draws lie about ``centre`` / 0.01 SEs from zero."""
    from aicoord.study import Mechanism

    a, b = rng.normal(1.0, 0.01, n), rng.normal(centre, 0.01, n)
    frame = pd.DataFrame({"estimate": [0.5, 0.5, 1.0], "se": 0.01}, index=["direct", "indirect", "total"])
    med = {"estimate": centre, "se": float(np.std(a * b, ddof=1)), "sobel_z": 2.0, "sobel_p": 0.05, "p": 0.05}
    med.update(local=0.1, local_se=0.01, spillover=0.2, spillover_se=0.02, share=0.5, suppression=False)
    return Mechanism(name, None, None, "sdm", "", frame, frame, frame, a, b, a * b, med, 0.05)


def _drawn_baseline(centre, rng, n=2000):
    from types import SimpleNamespace

    effects = pd.DataFrame({"estimate": [centre]}, index=pd.MultiIndex.from_tuples([("ai", "total")]))
    return SimpleNamespace(
        ai="ai", model="sdm", effects=effects, effect_draws={"ai": {"total": rng.normal(centre, 0.01, n)}}
    )


@pytest.mark.quick
def test_verdict_defaults():
    """p about 0.01, 0.02 and 0.03: Holm's adjustment (0.03, 0.04, 0.04) and Benjamini-Hochberg's (0.03 each)
    differ, and so do the verdicts at 95% and 80%."""
    rng = np.random.default_rng(4)
    mechs = [_drawn_mechanism("a", 0.0233, rng), _drawn_mechanism("b", 0.0217, rng)]
    base = _drawn_baseline(0.0258, rng)
    check_defaults(lambda **kw: verdict(mechs, base, **kw), "alpha", 0.05, 0.2)
    check_defaults(lambda **kw: verdict(mechs, base, **kw), "adjust", "holm", "bh")
    assert same(verdict(mechs, base), verdict({"a": mechs[0], "b": mechs[1]}, base))


# ---- the verdict note, whole


@pytest.mark.quick
@pytest.mark.parametrize("alpha, level", [(0.05, "95"), (0.1, "90"), (0.025, "97.5")])
@pytest.mark.parametrize("adjust, words", [("holm", "Holm"), ("bh", "Benjamini-Hochberg"), ("none", "no")])
@pytest.mark.parametrize("verdict_basis", ["product", "a_path"])
@pytest.mark.parametrize("basis, estimator", [("ml", "ML"), ("iv", "spatial 2SLS")])
def test_verdict_note_whole(alpha, level, adjust, words, verdict_basis, basis, estimator):
    what = (
        "the mediated total effect"
        if verdict_basis == "product"
        else "AI's total effect on the mechanism times the mechanism's expected sign on the gap (a_path; "
        "expected_sign from theory)"
    )
    want = (
        f"Verdict rule: promotes if the {level}% interval of {what} (baseline: of AI's total effect) lies wholly "
        "below 0 (AI lowers the gap), hinders if wholly above, else inconclusive; variants_agree counts the "
        "robustness variants (weights x sample x model, ML) with the same verdict; p from the same draws or "
        "interval (p < alpha exactly when the verdict is not inconclusive); "
        f"baseline row by {estimator}; p_adjusted: {words} adjustment across the rows, verdict_adjusted keeps a "
        "verdict where p_adjusted < alpha"
    )
    assert verdict_note(alpha, adjust, verdict_basis, basis) == want
    assert verdict_rule(alpha) == "Verdict rule: " + VERDICT_RULE.format(level=level)


@pytest.mark.quick
def test_verdict_note_defaults():
    note = verdict_note(0.05)
    assert note == verdict_note(0.05, adjust="holm") == verdict_note(0.05, verdict_basis="product")
    assert note == verdict_note(0.05, basis="ml")
    assert note != verdict_note(0.05, adjust="bh")
    assert note != verdict_note(0.05, verdict_basis="a_path")
    assert note != verdict_note(0.05, basis="iv")


def test_b_path_benchmark_bounds_by_the_formulas_of_cinelli_and_hazlett(mech):
    """The strongest control as benchmark (kd = ky = 1): its partial R² with the channel from least squares of the
    channel on the other columns of the outcome equation's demeaned design with and without it, its partial R² with
    the outcome from its t statistic, the bounds r2dz, r2yz (capped at 1) and the coefficient moved towards zero."""
    m, _ = mech
    yres = m.outcome_fit
    dof = yres.nobs - len(yres.params)
    best = m.mediated["b_benchmark"]
    names = list(yres.model.znames)
    zd = np.asarray(yres.model.Zd)
    d = zd[:, names.index("m")]

    def rss(cols):
        x = zd[:, [names.index(c) for c in cols]]
        e = d - x @ np.linalg.lstsq(x, d, rcond=None)[0]
        return e @ e

    others = [c for c in names if c != "m"]
    r2dx = (rss([c for c in others if c != best]) - rss(others)) / rss([c for c in others if c != best])
    tb = yres.params[best] / yres.std_errors[best]
    r2yx = tb**2 / (tb**2 + dof)
    r2dz = r2dx / (1 - r2dx)
    r2zx = r2dx**2 / (1 - r2dx) ** 2
    r2yz = min(1.0, ((1 + np.sqrt(r2zx)) / np.sqrt(1 - r2zx)) ** 2 * r2yx / (1 - r2yx))
    b, se = yres.params["m"], yres.std_errors["m"]
    adjusted = b - np.sign(b) * se * np.sqrt(dof) * np.sqrt(r2yz * r2dz / (1 - r2dz))
    assert m.mediated["b_benchmark_r2dz"] == pytest.approx(r2dz, rel=1e-8)
    assert m.mediated["b_benchmark_r2yz"] == pytest.approx(r2yz, rel=1e-8)
    assert m.mediated["b_adjusted"] == pytest.approx(adjusted, rel=1e-8)


def test_a_channel_whose_lag_the_instruments_do_not_identify_falls_back_to_the_iv_slx(panel):
    """A channel with no spatial autoregression and no spillover of AI (noise): its W*y is weakly identified by the
    instruments (Sanderson-Windmeijer F below 10), so the a path is the IV SLX, and the reason gives that F."""
    m = mechanism(panel, **KW, w=W_RAW, mechanism="v", instruments=["z"], draws=200)
    sdm = SpatialPanel(
        panel, y="v", x=CONTROLS, id="code", time="year", w=W_RAW, model="sdm", endog=["ai"], instruments=["z"]
    ).fit(estimator="2sls", cov_type="cluster")
    f = sdm.first_stage["regressors"]["W*y"]["sw_f"]
    assert f < 10
    assert (m.mechanism_model, m.a_path_estimator) == ("slx", "iv")
    assert m.fallback_reason == f"W*y weakly identified by the instruments (Sanderson-Windmeijer F {f:.3g})"
    slx = SpatialPanel(
        panel, y="v", x=CONTROLS, id="code", time="year", w=W_RAW, model="slx", endog=["ai"], instruments=["z"]
    ).fit(estimator="2sls", cov_type="cluster")
    np.testing.assert_allclose(m.mechanism_fit.params, slx.params, rtol=1e-10)
    np.testing.assert_allclose(m.mechanism_fit.std_errors, slx.std_errors, rtol=1e-10)


@pytest.mark.quick
@pytest.mark.parametrize("model, name", [("sdm", "rho"), ("sar", "rho"), ("sem", "lambda")])
def test_the_fallback_of_each_model_is_the_slx_with_its_own_w_lags(panel, model, name):
    """``bound_tol`` 0.5: every ρ (λ) lies within half its interval of a bound, so the channel equation falls back;
    the SLX keeps the SDM's W-lags and has none for the SAR and SEM, and the reason names the spatial parameter."""
    m = mechanism(panel, **KW, w=W_RAW, mechanism="m", model=model, draws=100, bound_tol=0.5)
    assert m.mechanism_model == "slx" and m.fallback_reason.startswith(f"{name} = ")
    ref = SpatialPanel(
        panel, y="m", x=["ai", *CONTROLS], id="code", time="year", w=W_RAW, model="slx", lee_yu=True,
        wx=None if model == "sdm" else [],
    ).fit()  # fmt: skip
    assert list(m.mechanism_fit.params.index) == list(ref.params.index)
    np.testing.assert_allclose(m.mechanism_fit.params, ref.params, rtol=1e-10)
    assert ("W*ai" in ref.params.index) == (model == "sdm")
    assert m.outcome_fit.model.model == model


@pytest.mark.quick
def test_without_controls_the_b_path_has_robustness_values_but_no_benchmark(panel):
    m = mechanism(panel, **{**KW, "controls": []}, w=W_RAW, mechanism="m", draws=100)
    yres = m.outcome_fit
    dof = yres.nobs - len(yres.params)
    f = abs(yres.params["m"] / yres.std_errors["m"]) / np.sqrt(dof)
    assert m.mediated["b_rv"] == pytest.approx(0.5 * (np.sqrt(f**4 + 4 * f**2) - f**2), rel=1e-10)
    assert not {"b_benchmark", "b_benchmark_r2dz", "b_benchmark_r2yz", "b_adjusted"} & set(m.mediated)
