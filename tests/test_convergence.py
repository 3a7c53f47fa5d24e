"""Tests of aicoord.convergence.

Reference values: ``fixtures/measures/convergence_reference.csv`` made by
``fixtures/measures/convergence_reference.R`` (base R ``lm`` + ``sandwich``) from the simulated
panel ``fixtures/measures/convergence_panel.csv`` (made by ``make_convergence_panel.py``).
"""

import math
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from libpysal.weights import W, lat2W
from numpy.testing import assert_allclose

from aicoord.convergence import (
    beta_convergence,
    beta_convergence_panel,
    convergence_panel_data,
    implied_speed,
    spatial_beta_convergence,
)
from aicoord.errors import InputError
from aicoord.gaps import development_gap, relative_to_national

matplotlib.use("Agg")
FIX = Path(__file__).parent / "fixtures" / "measures"


@pytest.fixture(scope="module")
def panel():
    return pd.read_csv(FIX / "convergence_panel.csv")


@pytest.fixture(scope="module")
def ref():
    r = pd.read_csv(FIX / "convergence_reference.csv")
    return dict(zip(r["name"], r["value"]))


def test_implied_speed_hand():
    # beta = -0.2 over 10 years: lambda = -ln(0.8)/10, half-life = ln 2 / lambda
    lam, half = implied_speed(-0.2, 10)
    assert_allclose(lam, -math.log(0.8) / 10, rtol=1e-15)
    assert_allclose(half, math.log(2) / (-math.log(0.8) / 10), rtol=1e-15)
    lam, half = implied_speed(0.05, 1)  # divergence: negative speed, no half-life
    assert lam < 0 and math.isnan(half)
    assert all(math.isnan(v) for v in implied_speed(-1.2, 5))


def test_cross_section_against_r(panel, ref):
    r = beta_convergence(panel, "gdp_pc", unit="unit", year="year")
    assert r.tau == 7 and r.nobs == 12
    assert_allclose(r.beta, ref["cs_abs_beta"], rtol=1e-10)
    assert_allclose(r.se, ref["cs_abs_se_hc1"], rtol=1e-10)
    lam, half = implied_speed(ref["cs_abs_beta"], 7)
    assert_allclose([r.speed, r.half_life], [lam, half], rtol=1e-10)
    c = beta_convergence(panel, "gdp_pc", unit="unit", year="year", controls=["x"])
    assert_allclose(c.beta, ref["cs_cond_beta"], rtol=1e-10)
    assert_allclose(c.se, ref["cs_cond_se_hc1"], rtol=1e-10)
    assert list(c.params.index) == ["const", "ln_initial", "x"]


def test_cross_section_closed_form_slope(panel):
    # simple regression slope = cov(g, l0) / var(l0)
    a = panel[panel.year == 2017].set_index("unit")["gdp_pc"]
    b = panel[panel.year == 2020].set_index("unit")["gdp_pc"].loc[a.index]
    g, l0 = np.log(b) - np.log(a), np.log(a)
    slope = np.cov(g, l0)[0, 1] / np.var(l0, ddof=1)
    r = beta_convergence(panel, "gdp_pc", unit="unit", year="year", start=2017, end=2020)
    assert_allclose(r.beta, slope, rtol=1e-10)
    assert r.tau == 3


def test_panel_fe_against_r(panel, ref):
    r = beta_convergence_panel(panel, "gdp_pc", unit="unit", year="year", controls=["x"])
    assert r.nobs == int(ref["fe_nobs"]) == 12 * 7
    assert_allclose(r.beta, ref["fe_cond_beta"], rtol=1e-10)
    assert_allclose(r.se, ref["fe_cond_se_cl"], rtol=1e-10)
    assert list(r.params.index) == ["const", "ln_initial", "x"]
    tw = beta_convergence_panel(panel, "gdp_pc", unit="unit", year="year", time_effects=True)
    assert_allclose(tw.beta, ref["twfe_abs_beta"], rtol=1e-10)


def test_panel_fe_equals_within_estimator(panel):
    # Frisch-Waugh-Lovell: LSDV slope == OLS on unit-demeaned data (numpy lstsq)
    d = convergence_panel_data(panel, "gdp_pc", unit="unit", year="year", tau=2)
    dm = d.groupby("unit")[["growth", "ln_initial"]].transform(lambda s: s - s.mean())
    slope = np.linalg.lstsq(dm[["ln_initial"]].to_numpy(), dm["growth"].to_numpy(), rcond=None)[0][0]
    r = beta_convergence_panel(panel, "gdp_pc", unit="unit", year="year", tau=2)
    assert_allclose(r.beta, slope, rtol=1e-10)
    assert r.nobs == 12 * 6 and r.tau == 2


def test_spatial_beta_convergence_fits_the_engine_on_the_growth_panel(panel):
    """The spatial form is the engine's SAR/SDM on convergence_panel_data, and its speed follows from β."""
    from aicoord.panel import SpatialPanel

    w = _lattice_w()
    r = spatial_beta_convergence(panel, "gdp_pc", w, unit="unit", year="year", controls=["x"], model="sdm")
    d = convergence_panel_data(panel, "gdp_pc", unit="unit", year="year", controls=["x"])
    direct = SpatialPanel(
        d, y="growth", x=["ln_initial", "x"], id="unit", time="year", w=w, model="sdm", effects="twoways"
    ).fit()
    assert r.form == "spatial" and r.nobs == direct.nobs == 12 * 7
    assert_allclose(r.beta, direct.params["ln_initial"], rtol=1e-12)
    assert_allclose(r.se, direct.std_errors["ln_initial"], rtol=1e-12)
    assert r.result.model.effects == "twoways" and "W*x" in r.result.params.index
    assert_allclose(r.speed, -math.log1p(r.beta), rtol=1e-14)


def _lattice_w():
    base = lat2W(3, 4)  # rook contiguity on a 3 x 4 lattice, ids 0..11
    name = {i: f"u{i:02d}" for i in range(12)}
    return W(
        {name[i]: [name[j] for j in nb] for i, nb in base.neighbors.items()},
        id_order=[name[i] for i in range(12)],
        silence_warnings=True,
    )


def test_development_gap_hand():
    df = pd.DataFrame(
        {
            "code": ["a", "b", "a", "b"],
            "year": [2020, 2020, 2021, 2021],
            "y": [1.0, 3.0, 2.0, 2.0],
            "pop": [3.0, 1.0, 1.0, 1.0],
        }
    )
    g = development_gap(df, "y")
    # 2020: mean 2 -> |ln(1/2)|, |ln(3/2)|; 2021: mean 2 -> 0, 0
    assert_allclose(g["gap"], [math.log(2), math.log(1.5), 0, 0], rtol=1e-15, atol=0)
    assert_allclose(g["gap_change"].iloc[2:], [-math.log(2), -math.log(1.5)], rtol=1e-15)
    assert g["gap_change"].iloc[:2].isna().all()
    assert_allclose(g["gap_growth"].iloc[2:], [-1, -1], rtol=1e-15)
    gw = development_gap(df, "y", population="pop")
    # 2020 weighted: (3*1 + 1*3)/4 = 1.5
    assert_allclose(gw["national"], [1.5, 1.5, 2, 2], rtol=1e-15)
    assert_allclose(gw["gap"].iloc[:2], [math.log(1.5), math.log(2)], rtol=1e-15)


def test_relative_population_weighted():
    df = pd.DataFrame({"year": [1, 1], "y": [1.0, 3.0], "p": [3.0, 1.0]})
    assert_allclose(relative_to_national(df, "y", population="p"), [1 / 1.5, 3 / 1.5], rtol=1e-15)


def test_cross_section_controls_at_mean_lstsq(panel):
    # design built by hand: const, ln y(2016), mean of x over 2016..2021; numpy least squares
    sub = panel[(panel.year >= 2016) & (panel.year <= 2021)]
    a = sub[sub.year == 2016].set_index("unit")
    b = sub[sub.year == 2021].set_index("unit").loc[a.index]
    xbar = sub.groupby("unit")["x"].mean().loc[a.index]
    X = np.column_stack([np.ones(len(a)), np.log(a["gdp_pc"]), xbar])
    coef = np.linalg.lstsq(X, np.log(b["gdp_pc"]) - np.log(a["gdp_pc"]), rcond=None)[0]
    r = beta_convergence(
        panel, "gdp_pc", unit="unit", year="year", start=2016, end=2021, controls=["x"], controls_at="mean"
    )
    assert_allclose(r.params.to_numpy(), coef, rtol=1e-10)
    assert r.tau == 5


# ---------------------------------------------------------------- mutation-testing additions
# (tests/MUTATION.md lists the mutants each of these kills)


def test_implied_speed_boundaries():
    # 1 + beta = 0: no speed; beta = 0: speed 0 and no half-life; tau must be positive
    assert all(math.isnan(v) for v in implied_speed(-1.0, 5))
    lam, half = implied_speed(0.0, 4)
    assert lam == 0.0 and math.isnan(half)
    for tau in (0, -1):
        with pytest.raises(InputError, match="^tau must be positive$"):
            implied_speed(-0.1, tau)


def test_cross_section_reports_pvalue_r2_and_form(panel):
    # p-value from the normal distribution of beta/se (HC1 is an asymptotic covariance), R^2 from numpy
    from scipy.stats import norm

    r = beta_convergence(panel, "gdp_pc", unit="unit", year="year")
    assert r.form == "cross-section"
    assert_allclose(r.pvalue, 2 * norm.sf(abs(r.beta / r.se)), rtol=1e-10)
    a = panel[panel.year == 2015].set_index("unit")["gdp_pc"]
    b = panel[panel.year == 2022].set_index("unit")["gdp_pc"].loc[a.index]
    g, l0 = np.log(b) - np.log(a), np.log(a)
    assert_allclose(r.r2, np.corrcoef(g, l0)[0, 1] ** 2, rtol=1e-10)
    assert r.result.cov_type == "HC1"


def test_panel_reports_pvalue_r2_form_and_cluster_se(panel):
    # the LSDV R^2 and the unit-clustered SE computed with numpy (CR1 small-sample factor of statsmodels:
    # G/(G-1) * (N-1)/(N-K))
    from scipy.stats import norm

    r = beta_convergence_panel(panel, "gdp_pc", unit="unit", year="year")
    d = convergence_panel_data(panel, "gdp_pc", unit="unit", year="year")
    D = pd.get_dummies(d["unit"], dtype=float).to_numpy()
    X = np.column_stack([d["ln_initial"].to_numpy(), D])
    y = d["growth"].to_numpy()
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    e = y - X @ coef
    assert_allclose(r.r2, 1 - e @ e / np.sum((y - y.mean()) ** 2), rtol=1e-10)
    bread = np.linalg.inv(X.T @ X)
    meat = sum(np.outer(X[m].T @ e[m], X[m].T @ e[m]) for m in (d["unit"] == u for u in d["unit"].unique()))
    n, k, G = len(y), X.shape[1], d["unit"].nunique()
    V = bread @ meat @ bread * G / (G - 1) * (n - 1) / (n - k)
    assert_allclose(r.se, math.sqrt(V[0, 0]), rtol=1e-8)
    assert r.form == "panel-fe" and r.tau == 1.0
    assert_allclose(r.pvalue, 2 * norm.sf(abs(r.beta / r.se)), rtol=1e-8)
    # any other covariance type is passed on: classical OLS SE
    s2 = e @ e / (n - k)
    nr = beta_convergence_panel(panel, "gdp_pc", unit="unit", year="year", cov_type="nonrobust")
    assert_allclose(nr.se, math.sqrt(s2 * bread[0, 0]), rtol=1e-8)


def test_panel_data_growth_over_tau_years():
    df = pd.DataFrame(
        {
            "code": ["a"] * 4 + ["b"] * 3,
            "year": [2000, 2001, 2002, 2003, 2000, 2002, 2001],
            "y": [1.0, 2.0, 4.0, 8.0, 3.0, 6.0, 5.0],
            "c": [10, 11, 12, 13, 20, 22, 21],
        }
    )
    d = convergence_panel_data(df, "y", tau=2, controls=["c"])
    assert list(d.columns) == ["code", "year", "growth", "ln_initial", "c"]
    assert list(zip(d["code"], d["year"])) == [("a", 2000), ("a", 2001), ("b", 2000)]
    assert_allclose(d["growth"], [math.log(4), math.log(4), math.log(2)], rtol=1e-14)
    assert_allclose(d["ln_initial"], np.log([1.0, 2.0, 3.0]), rtol=1e-15)
    assert list(d["c"]) == [10, 11, 20]


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda p: beta_convergence(p, "gdp", unit="unit", year="year"),
            "missing columns: gdp (available: unit, year, gdp_pc, population, x)",
        ),
        (
            lambda p: beta_convergence(p, "gdp_pc", unit="unit", year="year", start=2020, end=2020),
            "end year 2020 must be after start year 2020",
        ),
        (
            lambda p: beta_convergence(p, "gdp_pc", unit="unit", year="year", controls=["x"], controls_at="end"),
            "controls_at must be 'start' or 'mean'",
        ),
        (
            lambda p: beta_convergence(pd.concat([p, p.iloc[:1]]), "gdp_pc", unit="unit", year="year"),
            "column 'unit': duplicate unit-year rows",
        ),
        (
            lambda p: beta_convergence(p[~((p.unit == "u03") & (p.year == 2022))], "gdp_pc", unit="unit", year="year"),
            "column 'unit': units without both 2015 and 2022: u03 (use a balanced panel or choose other years)",
        ),
        (
            lambda p: beta_convergence(
                p.assign(gdp_pc=p.gdp_pc.where(p.unit != "u01", 0.0)), "gdp_pc", unit="unit", year="year"
            ),
            "column 'gdp_pc': 'gdp_pc' must be positive and non-missing (logs are taken)",
        ),
        (
            lambda p: convergence_panel_data(p, "gdp_pc", unit="unit", year="year", tau=1.5),
            "tau must be a positive integer",
        ),
        (
            lambda p: convergence_panel_data(p, "gdp_pc", unit="unit", year="year", tau=0),
            "tau must be a positive integer",
        ),
        (
            lambda p: convergence_panel_data(pd.concat([p, p.iloc[:1]]), "gdp_pc", unit="unit", year="year"),
            "column 'unit': duplicate unit-year rows",
        ),
        (
            lambda p: beta_convergence_panel(p, "gdp_pc", unit="unit", year="year", tau=20),
            "no unit has two observations 20 year(s) apart",
        ),
        (
            lambda p: development_gap(pd.concat([p, p.iloc[:1]]), "gdp_pc", unit="unit", year="year"),
            "column 'unit': duplicate unit-year rows",
        ),
        (
            lambda p: development_gap(
                p.assign(population=-1.0), "gdp_pc", unit="unit", year="year", population="population"
            ),
            "column 'population': 'population' must be positive and non-missing (logs are taken)",
        ),
        (
            lambda p: relative_to_national(p.assign(population=np.nan), "gdp_pc", population="population"),
            "column 'population': 'population' must be positive and non-missing (logs are taken)",
        ),
        (
            lambda p: relative_to_national(p.assign(gdp_pc="x"), "gdp_pc"),
            "column 'gdp_pc': 'gdp_pc' must be positive and non-missing (logs are taken)",
        ),
    ],
)
def test_bad_input_messages(panel, call, message):
    with pytest.raises(InputError) as err:
        call(panel)
    assert str(err.value) == message


def test_relative_to_national_unweighted_and_gap_growth_edges():
    df = pd.DataFrame(
        {"code": ["a", "b", "a", "b", "a", "b"], "year": [1, 1, 2, 2, 3, 3], "y": [1.0, 3.0, 2.0, 2.0, 1.0, 4.0]}
    )
    assert_allclose(relative_to_national(df, "y"), [0.5, 1.5, 1, 1, 0.4, 1.6], rtol=1e-15)
    g = development_gap(df, "y")
    assert list(g.columns) == ["code", "year", "national", "gap", "gap_change", "gap_growth"]
    # year 3 follows a zero gap: change defined, growth undefined
    assert_allclose(g["gap_change"].iloc[4:], [math.log(2.5), math.log(1.6)], rtol=1e-14)
    assert g["gap_growth"].iloc[4:].isna().all() and g["gap_growth"].iloc[:2].isna().all()
    # input row order is kept
    shuffled = development_gap(df.iloc[::-1], "y")
    assert list(zip(shuffled["code"], shuffled["year"])) == list(zip(df["code"], df["year"]))[::-1]
    assert_allclose(shuffled["gap"], g["gap"].iloc[::-1], rtol=1e-15)


def test_development_gap_refuses_conflicting_duplicates_and_bad_values():
    df = pd.DataFrame({"code": ["a", "a", "b"], "year": [2020, 2020, 2020], "y": [1.0, 2.0, 3.0]})
    with pytest.raises(InputError) as err:
        development_gap(df, "y")
    assert str(err.value) == "column 'code': duplicate unit-year rows"
    with pytest.raises(InputError) as err:
        development_gap(df.iloc[1:].assign(y=[0.0, 3.0]), "y")
    assert str(err.value) == "column 'y': 'y' must be positive and non-missing (logs are taken)"


def test_default_column_names_and_lost_units_named(panel):
    # the defaults unit="code", year="year"; units without both years are all named, ids of any type
    df = panel.rename(columns={"unit": "code"})
    r = beta_convergence(df, "gdp_pc")
    ref = beta_convergence(panel, "gdp_pc", unit="unit", year="year")
    assert_allclose(r.beta, ref.beta, rtol=1e-15)
    p = beta_convergence_panel(df, "gdp_pc")
    assert_allclose(p.beta, beta_convergence_panel(panel, "gdp_pc", unit="unit", year="year").beta, rtol=1e-15)
    mixed = pd.DataFrame(
        {
            "code": [1, 1, "b", "b", 2, "c"],
            "year": [2000, 2001, 2000, 2001, 2000, 2001],
            "y": [1.0, 2.0, 1.0, 3.0, 2.0, 2.0],
        }
    )
    with pytest.raises(InputError) as err:
        beta_convergence(mixed, "y")
    assert str(err.value) == (
        "column 'code': units without both 2000 and 2001: 2, c (use a balanced panel or choose other years)"
    )
    bad_end = pd.DataFrame({"code": ["a", "b", "a", "b"], "year": [2000, 2000, 2001, 2001], "y": [1.0, 2.0, 1.0, -3.0]})
    with pytest.raises(InputError) as err:
        beta_convergence(bad_end, "y")
    assert str(err.value) == "column 'y': 'y' must be positive and non-missing (logs are taken)"


def test_gap_growth_ratio_and_no_warning_after_a_zero_gap():
    import warnings

    # gaps |ln y - ln mean|: year 1 (1, 3): ln 2, ln 1.5; years 2 and 3 equal values: 0, 0 (growth 0/0);
    # year 4 (1, 7): ln 4, ln 1.75 after a zero gap (x/0); year 5 (1, 3) again. Neither 0/0 nor x/0 is
    # evaluated into a warning; the growth of year 5 is the ratio of the gaps minus 1.
    df = pd.DataFrame(
        {
            "code": ["a", "b"] * 5,
            "year": [1, 1, 2, 2, 3, 3, 4, 4, 5, 5],
            "y": [1.0, 3.0, 2.0, 2.0, 5.0, 5.0, 1.0, 7.0, 1.0, 3.0],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = development_gap(df, "y")
    gap = [math.log(2), math.log(1.5), 0, 0, 0, 0, math.log(4), math.log(1.75), math.log(2), math.log(1.5)]
    assert_allclose(g["gap"], gap, rtol=1e-14, atol=1e-15)
    assert_allclose(g["gap_growth"].iloc[2:4], [-1.0, -1.0], rtol=1e-15)
    assert g["gap_growth"].iloc[4:8].isna().all()
    assert_allclose(
        g["gap_growth"].iloc[8:], [math.log(2) / math.log(4) - 1, math.log(1.5) / math.log(1.75) - 1], rtol=1e-14
    )


def test_cross_section_adds_the_constant_also_beside_a_constant_control():
    # a control that does not vary across units in the start year: the intercept is still in the model
    df = pd.DataFrame(
        {
            "code": list("abcd") * 2,
            "year": [2000] * 4 + [2005] * 4,
            "y": [1.0, 2.0, 3.0, 4.0, 1.5, 2.5, 3.2, 4.1],
            "c": [7.0] * 4 + [1.0, 2.0, 3.0, 4.0],
        }
    )
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the control is collinear with the intercept: rank-deficient design
        r = beta_convergence(df, "y", controls=["c"])
    assert list(r.params.index) == ["const", "ln_initial", "c"]


def test_panel_two_way_lsdv_against_numpy_and_other_column_names(panel):
    # two-way LSDV built by hand (constant, ln_initial, unit and year dummies without the first) and solved
    # with numpy; columns named differently from the defaults; a control constant over all rows keeps the
    # intercept in the model
    df = panel.rename(columns={"unit": "u", "year": "t"})
    r = beta_convergence_panel(df, "gdp_pc", unit="u", year="t", tau=2, time_effects=True)
    d = convergence_panel_data(df, "gdp_pc", unit="u", year="t", tau=2)
    U = pd.get_dummies(d["u"], dtype=float).to_numpy()[:, 1:]
    T = pd.get_dummies(d["t"], dtype=float).to_numpy()[:, 1:]
    X = np.column_stack([np.ones(len(d)), d["ln_initial"], U, T])
    coef = np.linalg.lstsq(X, d["growth"].to_numpy(), rcond=None)[0]
    assert list(r.params.index) == ["const", "ln_initial"]
    assert_allclose(r.params.to_numpy(), coef[:2], rtol=1e-9)
    assert r.tau == 2.0 and r.nobs == 12 * 6
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the constant control is collinear with the intercept: rank-deficient
        c = beta_convergence_panel(df.assign(k=1.0), "gdp_pc", unit="u", year="t", controls=["k"])
    assert list(c.params.index) == ["const", "ln_initial", "k"]


def test_spatial_beta_convergence_defaults_and_passed_options(panel):
    """Defaults (SAR, two-way effects, columns code and year) and the options passed on to the engine; every
    field of the result is the engine's."""
    from aicoord.panel import SpatialPanel

    w = _lattice_w()
    r = spatial_beta_convergence(panel.rename(columns={"unit": "code"}), "gdp_pc", w)
    d = convergence_panel_data(panel, "gdp_pc", unit="unit", year="year")
    ref = SpatialPanel(
        d, y="growth", x=["ln_initial"], id="unit", time="year", w=w, model="sar", effects="twoways"
    ).fit()
    assert r.result.model.model == "sar" and r.result.model.effects == "twoways"
    assert_allclose(
        [r.beta, r.se, r.pvalue, r.r2],
        [ref.params["ln_initial"], ref.std_errors["ln_initial"], ref.pvalues["ln_initial"], ref.r2_within],
        rtol=1e-12,
    )
    assert r.tau == 1.0 and r.nobs == ref.nobs
    assert_allclose(r.half_life, implied_speed(r.beta, 1)[1], rtol=1e-14)
    assert list(r.params.index) == list(ref.params.index)
    o = spatial_beta_convergence(
        panel.rename(columns={"year": "t"}),
        "gdp_pc",
        w,
        unit="unit",
        year="t",
        tau=2,
        model="sem",
        effects="individual",
        lee_yu=True,
    )
    d2 = convergence_panel_data(panel, "gdp_pc", unit="unit", year="year", tau=2)
    ref2 = SpatialPanel(
        d2, y="growth", x=["ln_initial"], id="unit", time="year", w=w, model="sem", effects="individual", lee_yu=True
    ).fit()
    assert (o.result.model.model, o.result.model.effects, o.result.model.lee_yu) == ("sem", "individual", True)
    assert_allclose([o.beta, o.se], [ref2.params["ln_initial"], ref2.std_errors["ln_initial"]], rtol=1e-12)
    assert o.tau == 2.0 and o.nobs == ref2.nobs == 12 * 5  # Lee-Yu drops one of the six periods


def test_panel_speed_half_life_and_underlying_result(panel):
    r = beta_convergence_panel(panel, "gdp_pc", unit="unit", year="year", tau=2)
    lam = -math.log1p(r.beta) / 2  # lambda = -ln(1 + beta) / tau
    assert_allclose([r.speed, r.half_life], [lam, math.log(2) / lam], rtol=1e-14)
    assert r.result is not None and r.result.nobs == r.nobs
    assert_allclose(r.result.params["ln_initial"], r.beta, rtol=0)


def test_panel_data_refuses_conflicting_duplicates_and_bad_values():
    df = pd.DataFrame({"code": ["a", "a", "b"], "year": [2020, 2020, 2020], "y": [1.0, 2.0, 3.0]})
    with pytest.raises(InputError) as err:
        convergence_panel_data(df, "y")
    assert str(err.value) == "column 'code': duplicate unit-year rows"
    with pytest.raises(InputError) as err:
        convergence_panel_data(df.iloc[1:].assign(y=[np.nan, 3.0]), "y")
    assert str(err.value) == "column 'y': 'y' must be positive and non-missing (logs are taken)"


def test_every_missing_column_is_named(panel):
    with pytest.raises(InputError) as err:
        beta_convergence(panel, "gdp", unit="unit", year="yr")
    assert str(err.value) == "missing columns: yr, gdp (available: unit, year, gdp_pc, population, x)"


@pytest.mark.parametrize("time_effects", [False, True])
@pytest.mark.parametrize("cov_type", ["cluster", "HC0", "HC1", "HC2", "HC3", "nonrobust"])
def test_panel_within_estimator_equals_the_lsdv_with_dummies(panel, cov_type, time_effects):
    """The within transformation (no dummies) gives statsmodels' LSDV figures -- coefficients, SEs with their
    degrees-of-freedom corrections, p-values, R² and the intercept -- on an unbalanced panel (rows dropped)."""
    from aicoord.convergence import _lsdv

    p = panel.drop(index=panel.sample(frac=0.15, random_state=4).index)  # unbalanced
    kw = dict(unit="unit", year="year", controls=["x"], time_effects=time_effects, cov_type=cov_type)
    r = beta_convergence_panel(p, "gdp_pc", **kw)
    d = convergence_panel_data(p, "gdp_pc", unit="unit", year="year", controls=["x"])
    ref = _lsdv(d, "unit", "year", ["x"], time_effects, cov_type, 1)
    assert type(ref.result).__module__.startswith("statsmodels") and type(r.result).__name__ == "WithinFit"
    assert_allclose(r.params.to_numpy(), ref.params.to_numpy(), rtol=1e-9)
    assert_allclose([r.se, r.pvalue, r.r2], [ref.se, ref.pvalue, ref.r2], rtol=1e-9)
    assert_allclose(r.result.bse["x"], ref.result.bse["x"], rtol=1e-9)
    assert r.nobs == ref.nobs and r.result.df_resid == ref.result.df_resid
    if time_effects:
        yr = [c for c in ref.result.params.index if str(c).startswith("_yr_")]
        assert_allclose(r.result.params[yr].to_numpy(), ref.result.params[yr].to_numpy(), rtol=1e-8)
        assert_allclose(r.result.bse[yr].to_numpy(), ref.result.bse[yr].to_numpy(), rtol=1e-8)
