"""The study's small functions by class (issue 22), without model fits: the documented defaults of each (the call
without the argument equals the call with the documented value and differs from another value), every key of the
rows they make with its value, and p-values and intervals against scipy. Quick: unit inputs only."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from aicoord.study._common import as_row, effects_of, param_draws, rho_bounds, setting, summarise
from aicoord.study.mediation_parts import adjust_pvalues, mediation_share
from aicoord.study.models import parse_column, split_year, study_cov
from aicoord.study.oster import oster_beta, oster_bound
from aicoord.study.robustness import _failed, _too_few_periods
from aicoord.study.sensitivity import benchmark_bounds, robustness_value
from aicoord.study.specification import select_model
from aicoord.study.verdict_table import a_path_verdict, add_adjusted_verdict, baseline_row, iv_baseline, mc_p
from small_panel import W_RAW, W, check_defaults, same, small_panel


@pytest.mark.quick
def test_as_row_reads_dicts_with_p_or_pvalue_and_result_objects():
    assert as_row("lm", {"statistic": 3, "df": 2.0, "p": 0.25, "null": None}, step="1", effects="none") == {
        "test": "lm",
        "statistic": 3.0,
        "df": 2,
        "p": 0.25,
        "null": "",
        "step": "1",
        "effects": "none",
    }
    assert as_row("lm", {"statistic": 3, "df": 2, "pvalue": 0.5, "null": "rho = 0"})["p"] == 0.5
    assert as_row("lm", {"statistic": 3, "df": 2, "pvalue": 0.5})["null"] == ""
    obj = SimpleNamespace(statistic=np.float64(4.5), df=np.int64(3), pvalue=0.125, null="theta = 0")
    assert as_row("wald", obj) == {"test": "wald", "statistic": 4.5, "df": 3, "p": 0.125, "null": "theta = 0"}
    assert as_row("wald", SimpleNamespace(statistic=1, df=1, pvalue=0.3))["null"] == ""
    assert as_row("wald", SimpleNamespace(statistic=1, df=1, pvalue=0.3, null=None))["null"] == ""


@pytest.mark.quick
@pytest.mark.parametrize("alpha", [0.05, 0.2])
def test_summarise_every_key_at_two_levels_and_undefined_without_spread(alpha):
    draws = np.random.default_rng(3).normal(-0.1, 0.05, 500)
    s = summarise(-0.08, draws, alpha)
    se = np.std(draws, ddof=1)
    lo, hi = np.quantile(draws, [alpha / 2, 1 - alpha / 2])
    assert list(s) == ["estimate", "se", "lower", "upper", "z", "p"]
    assert s == pytest.approx(
        {"estimate": -0.08, "se": se, "lower": lo, "upper": hi, "z": -0.08 / se, "p": 2 * stats.norm.sf(0.08 / se)},
        rel=1e-12,
    )
    flat = summarise(0.3, np.full(10, 0.25), alpha)
    assert flat["se"] == 0.0 and np.isnan(flat["z"]) and np.isnan(flat["p"])
    assert flat["lower"] == flat["upper"] == 0.25 and flat["estimate"] == 0.3


@pytest.mark.quick
def test_mc_p_is_the_two_sided_share_beyond_zero():
    d = np.array([-3.0, -2.0, -1.0, 0.0, 1.0, np.nan])
    assert mc_p(d) == pytest.approx(2 * 2 / 5)  # 0 and 1 at or above zero, of the five finite draws
    assert mc_p(np.array([-1.0, -2.0])) == 0.0
    assert mc_p(np.array([-1.0, 1.0, 0.0])) == 1.0  # capped at one
    assert np.isnan(mc_p(np.array([np.nan])))


@pytest.mark.quick
def test_effects_of_uses_rho_only_for_the_lag_models():
    om = np.linalg.eigvals(W).real
    par = pd.Series({"x": 0.5, "W*x": 0.2, "rho": 0.4})
    for kind in ("sdm", "sar"):
        e = effects_of(par, "x", kind, om)
        s = np.linalg.solve(np.eye(len(W)) - 0.4 * W, 0.5 * np.eye(len(W)) + 0.2 * W)
        assert e == pytest.approx(
            {
                "direct": np.trace(s) / len(W),
                "indirect": s.sum() / len(W) - np.trace(s) / len(W),
                "total": s.sum() / len(W),
            },
            rel=1e-10,
        )
    for kind in ("slx", "sem"):
        assert effects_of(par, "x", kind, om) == pytest.approx({"direct": 0.5, "indirect": 0.2, "total": 0.7})
    assert effects_of(pd.Series({"x": 0.5, "rho": 0.4}), "x", "sem", om) == pytest.approx(
        {"direct": 0.5, "indirect": 0.0, "total": 0.5}
    )


@pytest.mark.quick
def test_rho_bounds_are_the_reciprocals_of_the_extreme_eigenvalues():
    lo, hi, om = rho_bounds(W)
    ev = np.linalg.eigvals(W).real
    assert (lo, hi) == pytest.approx((1 / ev.min(), 1 / ev.max()), rel=1e-10)
    assert np.sort(np.real(om)) == pytest.approx(np.sort(ev), abs=1e-10)


@pytest.mark.quick
def test_param_draws_follow_the_fits_normal_and_stay_inside_the_bounds():
    """N(params, cov) (mean and covariance of 20,000 draws within their sampling error), every ρ inside its
    interval: with an SE as large as the interval, the draws outside are replaced, never kept."""
    params = pd.Series({"b": 0.5, "c": -1.0, "rho": 0.2})
    cov = pd.DataFrame(
        [[0.04, 0.01, 0.0], [0.01, 0.09, 0.0], [0.0, 0.0, 1e-4]], index=params.index, columns=params.index
    )
    res = SimpleNamespace(params=params, cov=cov)
    d = param_draws(res, 20000, np.random.default_rng(1), W)
    assert list(d.columns) == ["b", "c", "rho"] and len(d) == 20000
    assert d.mean().to_numpy() == pytest.approx(params.to_numpy(), abs=4 * np.sqrt(0.09 / 20000))
    assert np.cov(d.to_numpy().T) == pytest.approx(cov.to_numpy(), abs=0.004)
    assert d.equals(param_draws(res, 20000, np.random.default_rng(1), W))
    lo, hi, _ = rho_bounds(W)
    wide = SimpleNamespace(params=params, cov=cov.assign(rho=[0.0, 0.0, 1.0]).T.assign(rho=[0.0, 0.0, 1.0]))
    w = param_draws(wide, 3000, np.random.default_rng(2), W)
    assert len(w) == 3000 and (w["rho"] > lo).all() and (w["rho"] < hi).all()
    assert w["rho"].std() > 0.4
    with pytest.raises(ValueError, match=r"fewer than 10 of 1000 parameter draws have rho/lambda inside"):
        param_draws(SimpleNamespace(params=params.replace(0.2, 50.0), cov=cov), 10, np.random.default_rng(3), W)


@pytest.mark.quick
def test_setting_standardises_by_default_and_drops_the_named_units():
    panel = small_panel()
    st = setting(panel, "code", "year", W_RAW)
    assert np.array_equal(st.W, setting(panel, "code", "year", W_RAW, standardize=True).W)
    np.testing.assert_allclose(st.W, W, rtol=1e-14)
    raw = setting(panel, "code", "year", W_RAW, standardize=False)
    np.testing.assert_array_equal(raw.W, W_RAW.to_numpy())
    d = setting(panel, "code", "year", W_RAW, drop=("u02",))
    assert (
        "u02" not in d.ids
        and len(d.data) == len(panel) - 8
        and same(st.ids, setting(panel, "code", "year", W_RAW, drop=()).ids)
    )


@pytest.mark.quick
def test_split_year_default_is_the_middle_year_and_parse_column_defaults_the_matrix():
    assert split_year([2011, 2012, 2013, 2014]) == split_year([2011, 2012, 2013, 2014], None) == 2013
    assert split_year([2011, 2012, 2013], 2020) == 2020
    assert split_year([2015, 2011, 2012, 2011, 2013]) == 2013
    assert parse_column(" SDM ", "queen") == ("sdm", "queen")
    assert parse_column("sar: knn4 ", "queen") == ("sar", "knn4")
    assert parse_column("sem:", "queen") == ("sem", "queen")
    assert study_cov(None, "code") == {} and study_cov({"cov_type": "cluster", "cluster": "year"}, "code") == {
        "cov_type": "cluster",
        "cluster": "year",
    }


@pytest.mark.quick
def test_select_model_default_level_is_five_percent():
    for args, other in (
        ((False, True, 0.07, 0.5), 0.1),
        ((True, False, 0.5, 0.07), 0.1),
        ((False, True, 0.03, 0.5), 0.02),
    ):
        check_defaults(lambda a=args, **kw: select_model(*a, **kw), "alpha", 0.05, other)


@pytest.mark.quick
def test_adjust_pvalues_every_method_and_the_default():
    p = np.array([0.01, 0.04, 0.03, np.nan, 0.2])
    check_defaults(lambda **kw: adjust_pvalues(p, **kw), "method", "holm", "bh")
    assert same(adjust_pvalues(p, "none"), p)
    np.testing.assert_allclose(adjust_pvalues(p, "bh")[[0, 1, 2, 4]], [0.04, 0.16 / 3, 0.16 / 3, 0.2], rtol=1e-12)
    np.testing.assert_allclose(adjust_pvalues(p)[[0, 1, 2, 4]], [0.04, 0.09, 0.09, 0.2], rtol=1e-12)
    with pytest.raises(ValueError, match=r"unknown adjustment 'hochberg'; choose one of \('holm', 'bh', 'none'\)"):
        adjust_pvalues(p, "hochberg")


@pytest.mark.quick
def test_mediation_share_and_suppression():
    assert mediation_share(0.2, 0.6) == (pytest.approx(0.25), False)
    assert mediation_share(-0.2, 0.4) == (pytest.approx(0.5), True)
    assert mediation_share(0.2, -0.2)[1] is True
    share, sup = mediation_share(0.0, 0.0)
    assert np.isnan(share) and sup is False


@pytest.mark.quick
def test_sensitivity_defaults():
    t, dof = 3.2, 120
    check_defaults(lambda **kw: robustness_value(t, dof, **kw), "q", 1.0, 0.5)
    check_defaults(lambda **kw: robustness_value(t, dof, **kw), "alpha", None, 0.05)
    check_defaults(lambda **kw: benchmark_bounds(0.05, 0.1, **kw), "kd", 1.0, 2.0)
    check_defaults(lambda **kw: benchmark_bounds(0.05, 0.1, kd=2.0, **kw), "ky", None, 1.0)
    assert benchmark_bounds(0.05, 0.1, kd=2.0) == benchmark_bounds(0.05, 0.1, kd=2.0, ky=2.0)


@pytest.mark.quick
def test_oster_defaults():
    panel = small_panel()
    kw = dict(y="y", ai="ai", controls=["c1", "c2"], unit="code", time="year")
    check_defaults(lambda **k: oster_bound(panel, **kw, **k), "w", None, W_RAW)
    check_defaults(lambda **k: oster_bound(panel, **kw, **k), "delta", 1.0, 2.0)
    check_defaults(lambda **k: oster_bound(panel, **kw, **k), "r_max_factor", 1.3, 1.5)
    check_defaults(lambda **k: oster_beta(0.5, 0.1, 0.3, 0.4, 0.6, **k), "delta", 1.0, 0.5)
    assert oster_beta(0.5, 0.1, 0.3, 0.4, 0.6) == pytest.approx(0.3 - (0.5 - 0.3) * (0.6 - 0.4) / (0.4 - 0.1))


# ---- rows of the verdict table from given figures


def _base(draws, estimate=-0.2):
    effects = pd.DataFrame({"estimate": [estimate]}, index=pd.MultiIndex.from_tuples([("ai", "total")]))
    return SimpleNamespace(ai="ai", model="sar", effects=effects, effect_draws={"ai": {"total": draws}})


@pytest.mark.quick
@pytest.mark.parametrize("alpha", [0.05, 0.2])
def test_baseline_row_every_key(alpha):
    draws = np.random.default_rng(5).normal(-0.2, 0.1, 400)
    lo, hi = np.quantile(draws, [alpha / 2, 1 - alpha / 2])
    se = np.std(draws, ddof=1)
    row = baseline_row(_base(draws), alpha)
    want = {
        "mechanism": "baseline",
        "verdict": "promotes" if hi < 0 else "inconclusive",
        "basis": "ml",
        "verdict_basis": "total",
        "effect": -0.2,
        "lower": lo,
        "upper": hi,
        "se": se,
        "p": 2 * min(np.mean(draws <= 0), np.mean(draws >= 0)),
        "p_normal": 2 * stats.norm.sf(0.2 / se),
        "mechanism_model": "sar",
        "fallback_reason": "",
    }
    assert list(row) == list(want)
    for k, v in want.items():
        assert row[k] == (pytest.approx(v, rel=1e-12) if isinstance(v, float) else v), k
    assert same(baseline_row(_base(draws)), baseline_row(_base(draws), 0.05))
    assert not same(baseline_row(_base(draws)), baseline_row(_base(draws), 0.2))


@pytest.mark.quick
@pytest.mark.parametrize("sign", [1, -1])
def test_a_path_verdict_every_key(sign):
    row = {
        "mechanism": "m",
        "ai_total_on_channel": 0.3,
        "ai_channel_lower": 0.1,
        "ai_channel_upper": 0.5,
        "a_p": 0.004,
        "effect": 9.0,
        "verdict": "hinders",
    }
    out = a_path_verdict(row, sign)
    lo, hi = sorted((sign * 0.1, sign * 0.5))
    assert out == {
        **row,
        "effect": sign * 0.3,
        "lower": lo,
        "upper": hi,
        "p": 0.004,
        "verdict": "hinders" if sign > 0 else "promotes",
        "expected_sign": sign,
        "verdict_basis": "a_path",
    }
    assert np.isnan(a_path_verdict({k: v for k, v in row.items() if k != "a_p"}, sign)["p"])
    assert a_path_verdict(row, 0)["expected_sign"] == -1 and row["effect"] == 9.0


@pytest.mark.quick
def test_iv_baseline_default_estimator_is_2sls():
    ml = {
        "mechanism": "baseline",
        "effect": -0.02,
        "lower": -0.03,
        "upper": -0.01,
        "se": 0.005,
        "p": 1e-4,
        "verdict": "promotes",
    }
    ident = pd.DataFrame(
        {
            "estimator": ["iv", "gmm"],
            "effect": ["total", "total"],
            "estimate": [0.012, 0.9],
            "se": [0.004, 0.1],
            "ci_low": [0.004, 0.7],
            "ci_high": [0.02, 1.1],
            "p": [0.0027, 1e-9],
        }
    )
    check_defaults(lambda **kw: iv_baseline(ml, ident, **kw), "estimator", "iv", "gmm")


@pytest.mark.quick
def test_add_adjusted_verdict_is_strictly_below_alpha_at_two_levels():
    t = pd.DataFrame({"verdict": ["promotes", "hinders", "hinders"], "p_adjusted": [0.01, 0.1, 0.2]})
    assert list(add_adjusted_verdict(t, 0.1)["verdict_adjusted"]) == ["promotes", "inconclusive", "inconclusive"]
    assert list(add_adjusted_verdict(t, 0.2)["verdict_adjusted"]) == ["promotes", "hinders", "inconclusive"]


# ---- the robustness grid's rows that were not estimated


@pytest.mark.quick
def test_failed_row_every_key():
    row = _failed("m", "mediated_total", "sar", ValueError("rho on the bound"))
    assert list(row) == [
        "mechanism",
        "quantity",
        "estimate",
        "lower",
        "upper",
        "verdict",
        "model",
        "mechanism_model",
        "nobs",
        "failure",
    ]
    assert {k: v for k, v in row.items() if k not in ("estimate", "lower", "upper")} == {
        "mechanism": "m",
        "quantity": "mediated_total",
        "verdict": "not estimated",
        "model": "sar",
        "mechanism_model": "sar",
        "nobs": 0,
        "failure": "rho on the bound",
    }
    assert all(np.isnan(row[k]) for k in ("estimate", "lower", "upper"))


@pytest.mark.quick
@pytest.mark.parametrize(
    "periods, model, effects, sample, want",
    [
        (2, "sdm", "twoways", "full", ""),
        (1, "sdm", "time", "full", ""),
        (
            0,
            "sdm",
            "time",
            "full",
            "only 0 period(s) in this sample; sdm needs at least 1 (the unit fixed effects need two periods)",
        ),
        (
            1,
            "sar",
            "individual",
            "ai_lag1",
            "only 1 period(s) in this sample after AI is lagged one year; sar needs "
            "at least 2 (the unit fixed effects need two periods)",
        ),
        (3, "dynamic_sdm", "twoways", "full", ""),
        (
            2,
            "dynamic_sdm",
            "none",
            "no_municipalities",
            "only 2 period(s) in this sample; dynamic_sdm needs at least "
            "3 (one period is lost to the time lag and one more to the fixed effects)",
        ),
    ],
)
def test_too_few_periods_at_each_threshold(periods, model, effects, sample, want):
    assert _too_few_periods(periods, model, effects, sample) == want


def test_robust_hausman_row_every_key():
    """The Mundlak row that replaces a negative classical Hausman statistic: its statistic and df from
    :func:`mundlak_test` (the unit means of the three regressors and their W-lags), p from F(q, N − 1) of the
    statistic over q, and the reason with the classical statistic to four significant digits."""
    from aicoord.study.specification import mundlak_test, robust_hausman_row

    panel = small_panel()
    x = ["ai", "c1", "c2"]
    row = robust_hausman_row(panel, "y", x, "code", "year", W_RAW, -1.234567)
    t = mundlak_test(panel, W_RAW, "y", x, "code", "year")
    assert t["df"] == 6 and t["p"] == pytest.approx(stats.f.sf(t["statistic"] / 6, 6, 15), rel=1e-12)
    assert row == {
        "test": "hausman",
        "statistic": t["statistic"],
        "df": 6,
        "p": t["p"],
        "null": "random effects consistent; robust Mundlak version with errors clustered by unit, since the "
        "classical statistic (-1.235) was negative or its V_FE - V_RE not positive definite",
        "step": "3 Hausman FE vs RE (SDM)",
        "effects": "individual vs random",
    }


@pytest.mark.quick
def test_mechanism_row_of_a_mechanism_without_the_split_has_neither_p_nor_parts():
    """A Mechanism made before the local/spillover split (no ``local`` in ``mediated``): the row has no ``p``, no
    ``p_normal`` and no part columns, so that the verdict table adjusts no p it does not have."""
    from aicoord.study import Mechanism
    from aicoord.study.verdict_table import mechanism_row

    rng = np.random.default_rng(1)
    a, b = rng.normal(1, 0.1, 200), rng.normal(-0.5, 0.1, 200)
    frame = pd.DataFrame({"estimate": [0.5, 0.5, 1.0], "se": 0.1}, index=["direct", "indirect", "total"])
    med = {"estimate": -0.5, "se": 0.1, "sobel_z": -5.0, "sobel_p": 1e-6}
    row = mechanism_row(Mechanism("m", None, None, "slx", "why", frame, frame, frame, a, b, a * b, med, 0.05))
    assert not {"p", "p_normal", "mediated_local", "mediation_share", "b_rv"} & set(row)
    assert (row["mechanism_model"], row["fallback_reason"], row["basis"]) == ("slx", "why", "ml")
    assert row["a_p"] == 0.0 and row["verdict"] == "promotes"


@pytest.mark.quick
def test_baseline_row_without_spread_has_no_normal_p():
    row = baseline_row(_base(np.full(20, -0.25)), 0.05)
    assert row["se"] == 0.0 and np.isnan(row["p_normal"]) and row["p"] == 0.0 and row["verdict"] == "promotes"


@pytest.mark.quick
def test_messages_of_refused_arguments():
    from aicoord.errors import InputError
    from aicoord.study import convergence_with_ai, heterogeneity, robustness_variant
    from aicoord.study.models import baseline_columns

    panel = small_panel()
    kw = dict(y="y", ai="ai", controls=["c1"], unit="code", time="year", w=W_RAW)
    with pytest.raises(ValueError, match=r"^convergence_with_ai supports model='sdm' or 'sar'$"):
        convergence_with_ai(
            panel, gdp_pc="gdp_pc", ai="ai", controls=[], unit="code", time="year", w=W_RAW, model="sem"
        )
    with pytest.raises(ValueError, match=r"^by must be 'region' or 'period'$"):
        heterogeneity(panel, **kw, by="province")
    with pytest.raises(ValueError, match=r"^by='period' needs split_year$"):
        heterogeneity(panel, **kw, by="period")
    with pytest.raises(InputError) as exc:
        heterogeneity(panel, **kw, by="period", split_year=2010)
    assert exc.value.message == (
        "split_year 2010 is outside the panel's years (2010–2017): one sub-period would be empty"
    )
    assert exc.value.hint == "give a year after 2010 and at most 2017"
    with pytest.raises(ValueError, match=r"^sample must be one of \('full', 'no_municipalities', 'ai_lag1'\)$"):
        robustness_variant(panel, **kw, mechanisms=[], sample="half")
    with pytest.raises(
        ValueError,
        match=r"^models \['sac'\] are not in the grid's \('sdm', 'sar', 'sem', "
        r"'dynamic_sdm'\)$",
    ):
        robustness_variant(panel, **kw, mechanisms=[], models=("sdm", "sac"))
    with pytest.raises(InputError) as exc:
        parse_column("sac:queen", "queen")
    assert exc.value.message == "baseline column 'sac:queen': unknown model 'sac'"
    assert exc.value.hint == "use one of ols, slx, sar, sem, sdm, optionally as model:weights"
    bkw = {k: v for k, v in kw.items() if k != "w"}
    with pytest.raises(InputError) as exc:
        baseline_columns(panel, **bkw, weights={"ring": W_RAW}, columns=["sdm", "SDM:ring"])
    assert exc.value.message == "baseline columns ['sdm', 'SDM:ring'] repeat a model under the same matrix"
    assert exc.value.hint == "list each model (or model:weights) once"


# ---- the bounds of the study's caches (constants of _common)


def _distinct_matrices(k, n=5):
    """``k`` different row-standardised n x n rings with one weighted link each."""
    out = []
    for j in range(k):
        w = np.zeros((n, n))
        for i in range(n):
            w[i, (i + 1) % n] = w[(i + 1) % n, i] = 1.0
        w[0, 1] = w[1, 0] = 1.0 + j
        out.append(w / w.sum(axis=1, keepdims=True))
    return out


@pytest.mark.quick
def test_spectrum_keeps_the_two_most_recent_matrices(monkeypatch):
    from aicoord.study import _common

    monkeypatch.setattr(_common, "_SPECTRA", {})
    monkeypatch.setattr(_common, "_SEEN", {})
    monkeypatch.delenv(_common.CACHE_ENV, raising=False)
    w1, w2, w3 = _distinct_matrices(3)
    s1, s2, s3 = _common.spectrum(w1), _common.spectrum(w2), _common.spectrum(w3)
    assert len(_common._SPECTRA) == 2
    assert _common.spectrum(w3) is s3 and _common.spectrum(w2) is s2  # kept
    again = _common.spectrum(w1)  # the oldest was given up: computed anew, and w2 (now the oldest) goes
    assert again is not s1 and np.array_equal(again.omega, s1.omega)
    assert _common.spectrum(w3) is s3 and _common.spectrum(w2) is not s2


@pytest.mark.quick
def test_read_only_arrays_are_remembered_eight_at_a_time(monkeypatch):
    from aicoord.study import _common

    monkeypatch.setattr(_common, "_SPECTRA", {})
    monkeypatch.setattr(_common, "_SEEN", {})
    monkeypatch.delenv(_common.CACHE_ENV, raising=False)
    arrays = _distinct_matrices(9)
    for k, a in enumerate(arrays[:8]):
        a.setflags(write=False)
        _common.spectrum(a)
        assert len(_common._SEEN) == k + 1
    arrays[8].setflags(write=False)
    _common.spectrum(arrays[8])
    assert list(_common._SEEN) == [id(arrays[8])]  # the ninth clears the eight before it


@pytest.mark.quick
def test_derived_values_are_made_once_per_object_and_kept_sixteen_at_a_time(monkeypatch):
    from aicoord.study import _common

    class Obj:
        pass

    monkeypatch.setattr(_common, "_DERIVED", {})
    objs = [Obj() for _ in range(17)]
    made = []
    for k, o in enumerate(objs[:16]):
        assert _common._derived(o, "x", lambda k=k: made.append(k) or k) == k
        assert _common._derived(o, "x", lambda: made.append(-1) or -1) == k  # found, not made again
        assert len(_common._DERIVED) == k + 1
    assert made == list(range(16))
    assert _common._derived(objs[16], "x", lambda: 16) == 16
    assert list(_common._DERIVED) == [(id(objs[16]), "x")]
    assert _common._derived(objs[0], "y", lambda: "other") == "other"  # another key of the same object


@pytest.mark.quick
def test_the_cached_decomposition_file_is_named_by_the_matrix_size_and_content_hash(monkeypatch, tmp_path):
    import hashlib

    from aicoord.study import _common

    monkeypatch.setattr(_common, "_SPECTRA", {})
    monkeypatch.setattr(_common, "_SEEN", {})
    monkeypatch.setenv("AICOORD_CACHE", str(tmp_path))
    w = _distinct_matrices(1, n=6)[0]
    _common.spectrum(w)
    digest = hashlib.blake2b(np.ascontiguousarray(w).tobytes(), digest_size=20).hexdigest()
    assert [f.name for f in tmp_path.iterdir()] == [f"spectrum-v1-6-{digest}.npz"]


@pytest.mark.quick
def test_the_studys_vocabulary_is_as_documented():
    """The names and sentences the study's tables and notes print, as their modules document them (compared with
    literals: a table compared with the constant it was made from cannot see the constant change)."""
    from aicoord.study import SAMPLES
    from aicoord.study._common import CACHE_ENV
    from aicoord.study.dynamic import MODEL
    from aicoord.study.identification import ESTIMATORS, IDENTIFICATION_COLUMNS
    from aicoord.study.mechanisms import WEAK_LAG_F
    from aicoord.study.mediation_parts import ADJUSTMENTS
    from aicoord.study.models import COLUMN_MODELS
    from aicoord.study.robustness import MODELS
    from aicoord.study.specification import BASELINE_NOTE, SELECTION_RULE
    from aicoord.study.verdict_table import VERDICT_BASIS, VERDICT_RULE

    assert SELECTION_RULE == (
        "Elhorst (2010, 2014): effects by the LR tests of unit/time effects; SDM if Wald and LR reject both theta=0 "
        "and theta+rho*beta=0; SAR if theta=0 is not rejected and the robust LM tests point to the lag; SEM if "
        "theta+rho*beta=0 is not rejected and they point to the error; otherwise SDM"
    )
    assert BASELINE_NOTE == (
        "the baseline is nevertheless the SDM: it nests the SAR and SLX and gives unbiased estimates when the true "
        "process is any of them, while omitting W·X biases the others (LeSage and Pace 2009, sec. 6.2; Elhorst "
        "2014, sec. 2.3)"
    )
    assert VERDICT_BASIS == (
        "mediated total effect total(AI→M)·total(M→y), (1−alpha) Monte Carlo percentile interval from joint "
        "parameter draws; promotes if wholly < 0, hinders if wholly > 0"
    )
    assert VERDICT_RULE == (
        "promotes if the {level}% interval of the mediated total effect (baseline: of AI's total effect) lies "
        "wholly below 0 (AI lowers the gap), hinders if wholly above, else inconclusive"
    )
    assert IDENTIFICATION_COLUMNS == [
        "estimator", "effect", "estimate", "se", "ci_low", "ci_high", "p", "partial_r2", "sw_f", "kp_rk_wald_f",
        "kp_lm_p", "hansen_j", "hansen_p", "endogeneity_p", "ar_low", "ar_high", "cov_type",
    ]  # fmt: skip
    assert ESTIMATORS == {"ml": ("ml",), "iv": ("iv", "gmm"), "both": ("ml", "iv", "gmm")}
    assert SAMPLES == ("full", "no_municipalities", "ai_lag1")
    assert MODELS == ("sdm", "sar", "sem", "dynamic_sdm") and MODEL == "dynamic_sdm"
    assert COLUMN_MODELS == ("ols", "slx", "sar", "sem", "sdm")
    assert ADJUSTMENTS == ("holm", "bh", "none")
    assert WEAK_LAG_F == 10.0 and CACHE_ENV == "AICOORD_CACHE"


@pytest.mark.quick
def test_scenario_change_of_each_kind_and_its_refusals():
    from aicoord.study.scenarios import scenario_change
    from small_panel import IDS, REGIONS

    panel = small_panel()
    kw = dict(ai="ai", unit="code", time="year", ids=IDS, regions=REGIONS)
    a = panel[panel["year"] == 2017].set_index("code")["ai"].reindex(IDS).to_numpy()
    east = (REGIONS.reindex(IDS) == "East").to_numpy()
    np.testing.assert_array_equal(scenario_change(panel, {"kind": "shift", "amount": 2}, **kw), np.full(16, 2.0))
    np.testing.assert_array_equal(
        scenario_change(panel, {"kind": "raise_to_mean", "regions": ["East"]}, **kw),
        np.where(east, np.clip(a.mean() - a, 0, None), 0.0),
    )
    with pytest.raises(ValueError, match=r"^AI missing for some units in 2017$"):
        scenario_change(panel.drop(index=len(panel) - 1), {"kind": "shift", "amount": 1}, **kw)
    with pytest.raises(ValueError, match=r"^freeze_growth needs AI in 2009$"):
        scenario_change(panel, {"kind": "freeze_growth", "year": 2010}, **kw)
    with pytest.raises(ValueError, match=r"^unknown scenario kind 'double'$"):
        scenario_change(panel, {"kind": "double"}, **kw)


@pytest.mark.quick
def test_setting_reads_an_array_in_the_sorted_order_of_the_panels_ids():
    panel = small_panel().sample(frac=1.0, random_state=3)  # rows in any order
    from_frame = setting(panel, "code", "year", W_RAW, drop=("u07",))
    from_array = setting(panel, "code", "year", W_RAW.to_numpy(), drop=("u07",))
    assert from_array.ids == from_frame.ids and "u07" not in from_array.ids
    np.testing.assert_array_equal(from_array.W, from_frame.W)
    assert from_array.data.equals(from_frame.data)
    assert from_array.Wdf.equals(pd.DataFrame(from_frame.W, index=from_frame.ids, columns=from_frame.ids))


def test_mundlak_reads_sparse_weights_a_frame_and_an_array_alike():
    from scipy import sparse

    from aicoord.study.specification import mundlak_test
    from aicoord.weights_sparse import Weights
    from small_panel import IDS

    panel = small_panel()
    x = ["ai", "c1"]
    frame = mundlak_test(panel, W_RAW, "y", x, "code", "year")
    array = mundlak_test(panel, W_RAW.to_numpy(), "y", x, "code", "year")
    sw = mundlak_test(panel, Weights(sparse.csr_matrix(W_RAW.to_numpy()), IDS), "y", x, "code", "year")
    assert frame["df"] == array["df"] == sw["df"] == 4
    for other in (array, sw):
        assert other["statistic"] == pytest.approx(frame["statistic"], rel=1e-10)
        assert other["p"] == pytest.approx(frame["p"], rel=1e-10)


@pytest.mark.quick
def test_mechanism_row_and_adjusted_p_defaults():
    from aicoord.study import Mechanism
    from aicoord.study.verdict_table import add_adjusted_p, mechanism_row

    rng = np.random.default_rng(2)
    a, b = rng.normal(1, 0.3, 500), rng.normal(-0.5, 0.3, 500)
    frame = pd.DataFrame({"estimate": [0.5, 0.5, 1.0], "se": 0.1}, index=["direct", "indirect", "total"])
    med = {"estimate": -0.5, "se": 0.2, "sobel_z": -2.5, "sobel_p": 0.01}
    m = Mechanism("m", None, None, "sdm", "", frame, frame, frame, a, b, a * b, med, 0.3)
    check_defaults(lambda **kw: mechanism_row(m, **kw), "alpha", 0.05, 0.2)
    tab = pd.DataFrame({"p": [0.01, 0.02, 0.03]})
    check_defaults(lambda **kw: add_adjusted_p(tab, **kw), "adjust", "holm", "bh")


def test_fit_dynamic_sdm_and_iv_with_fallback_defaults():
    from aicoord.study.dynamic import fit_dynamic_sdm
    from aicoord.study.mechanisms import iv_with_fallback

    st = setting(small_panel(), "code", "year", W_RAW)
    x = ["ai", "c1", "c2"]

    def dyn(**kw):
        r = fit_dynamic_sdm(st, "y", x, **kw)
        return [r.params, r.std_errors]

    check_defaults(dyn, "effects", "twoways", "individual")
    check_defaults(dyn, "dlag", 1, 2)

    def iv(**kw):
        r, used, why = iv_with_fallback(st, "m", "ai", ["c1", "c2"], ["z"], "code", "year", **kw)
        return [r.params, r.std_errors, used, why, r.cov_info["cov_type"]]

    check_defaults(iv, "model", "sdm", "slx")
    check_defaults(iv, "effects", "twoways", "individual")
    check_defaults(iv, "iv_cov", None, {"cov_type": "robust"})
    assert iv()[4] == "cluster"
