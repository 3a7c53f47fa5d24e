"""Every table the study's models print, checked by class (issue 22) on a small seeded panel (tests/small_panel.py):

1. every p-value recomputed from the printed estimate and SE (2 Φ(−|z|), scipy) or from the draws it is read from;
2. every interval against the two-sided quantiles (alpha/2, 1 − alpha/2) of independently recomputed draws, or the
   normal interval estimate ∓ Φ⁻¹(1 − alpha/2) SE, at two levels;
3. each function's documented defaults: the call without the argument equals the call with the documented value and
   differs from the call with another value;
5. every column with its value (from the fit, the arguments or a dense recomputation), and each keyword argument a
   function passes on observable in its output.

The effects are recomputed by dense solves of S = (I − ρW)⁻¹(βI + θW) for every draw (not by the eigenvalue
formulas the study uses), the draws by :func:`aicoord.study._common.param_draws` with the documented seed (its own
distribution is checked against N(params, cov) in test_study_small_functions_by_class.py).

Every study function is called in the test that checks it (not in a module fixture): a mutation tool credits a
function to the test during which it runs, and a shared fixture runs during its first test only."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from aicoord.panel import SpatialPanel
from aicoord.study import baseline, convergence_with_ai, heterogeneity
from aicoord.study._common import fit_panel, param_draws, setting
from aicoord.study.models import baseline_columns, fit_summary
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
    coef,
    dense_effects,
    dense_s,
    normal_p,
    same,
)

# ---- baseline: coefficients and effect tables


@pytest.mark.quick
@pytest.mark.parametrize("model", ["sdm", "sar", "slx", "sem"])
@pytest.mark.parametrize("alpha", [0.05, 0.2])
def test_baseline_tables_are_the_fit_and_the_dense_effects_of_the_seeded_draws(panel, model, alpha):
    b = baseline(panel, **KW, w=W_RAW, model=model, draws=300, seed=4, alpha=alpha)
    res = b.fit
    assert (res.model.model, res.model.effects, bool(res.model.lee_yu)) == (model, "twoways", True)
    c = b.coefficients
    assert c.index.name == "parameter" and list(c.columns) == ["estimate", "se", "z", "p"]
    np.testing.assert_array_equal(c["estimate"], res.params)
    np.testing.assert_array_equal(c["se"], res.std_errors)
    np.testing.assert_allclose(c["z"], res.params / res.std_errors, rtol=1e-14)
    np.testing.assert_allclose(c["p"], normal_p(c["estimate"], c["se"]), rtol=1e-10, atol=1e-300)
    sims = param_draws(res, 300, np.random.default_rng(4), W)
    assert b.param_draws.equals(sims)
    x = ["ai", *CONTROLS]
    assert list(b.effects.index) == [(v, k) for v in x for k in ("direct", "indirect", "total")]
    assert list(b.effects.columns) == ["estimate", "se", "lower", "upper", "z", "p"]
    for v in x:
        point = dense_effects(res.params, v, kind=model)
        draws = np.array([dense_effects(r, v, kind=model) for _, r in sims.iterrows()])
        for j, k in enumerate(("direct", "indirect", "total")):
            np.testing.assert_allclose(b.effect_draws[v][k], draws[:, j], rtol=1e-9, atol=1e-13)
            assert_summarised(b.effects.loc[(v, k)], point[j], draws[:, j], alpha)
    assert b.ai_total() == b.effects.loc[("ai", "total")].to_dict()
    assert (b.ai, b.y, b.controls, b.model, b.alpha) == ("ai", "y", CONTROLS, model, alpha)
    assert b.setting.ids == IDS and b.extra == {}


@pytest.mark.quick
@pytest.mark.parametrize(
    "name, default, other",
    [
        ("model", "sdm", "sar"),
        ("effects", "twoways", "individual"),
        ("lee_yu", True, False),
        ("draws", 1000, 300),
        ("seed", 1, 2),
        ("alpha", 0.05, 0.2),
        ("drop", (), ("u03",)),
        ("cov", None, {"cov_type": "robust"}),
    ],
)
@pytest.mark.quick
def test_baseline_defaults(panel, name, default, other):
    check_defaults(lambda **kw: baseline(panel, **KW, w=W_RAW, **kw), name, default, other)


@pytest.mark.quick
@pytest.mark.filterwarnings("ignore:only 15 clusters:RuntimeWarning")
def test_baseline_passes_drop_and_cov_to_its_fit(panel):
    b = baseline(panel, **KW, w=W_RAW, drop=("u03",), cov={"cov_type": "cluster"}, draws=100)
    assert "u03" not in b.setting.ids and b.fit.N == N - 1
    assert b.fit.cov_info["cov_type"] == "cluster"
    st = setting(panel, "code", "year", W_RAW, drop=("u03",))
    ref = SpatialPanel(st.data, y="y", x=["ai", *CONTROLS], id="code", time="year", w=st.Wdf, lee_yu=True).fit(
        cov_type="cluster"
    )
    np.testing.assert_allclose(b.coefficients["se"], ref.std_errors, rtol=1e-8)


# ---- fit_panel, fit_summary


@pytest.mark.quick
@pytest.mark.parametrize(
    "name, default, other",
    [
        ("model", "sdm", "sar"),
        ("effects", "twoways", "time"),
        ("wx", None, ["ai"]),
        ("lee_yu", False, True),
        ("cov", None, {"cov_type": "robust"}),
    ],
)
@pytest.mark.quick
def test_fit_panel_defaults(panel, name, default, other):
    def call(**kw):
        r = fit_panel(panel, "y", ["ai", *CONTROLS], "code", "year", W_RAW, **kw)
        return [r.params, r.std_errors, float(r.loglik), r.model.model, r.model.effects, bool(r.model.lee_yu)]

    check_defaults(call, name, default, other)


@pytest.mark.quick
def test_fit_summary_reports_every_figure_of_the_fit(panel):
    res = fit_panel(
        panel,
        "y",
        ["ai", *CONTROLS],
        "code",
        "year",
        W_RAW,
        effects="individual",
        lee_yu=True,
        cov={"cov_type": "robust"},
    )
    s = fit_summary(res, outcome="y", draws=7)
    assert s == {
        "model": "sdm",
        "effects": "individual",
        "lee_yu": True,
        "N": N,
        "T": 8,
        "nobs": N * 7,  # Lee-Yu with unit effects: N (T - 1)
        "loglik": float(res.loglik),
        "sigma2": float(res.sigma2),
        "r2": float(res.r2),
        "r2_within": float(res.r2_within),
        "cov": dict(res.cov_info),
        "outcome": "y",
        "draws": 7,
    }
    assert s["cov"]["cov_type"] == "robust" and s["r2"] != s["r2_within"]


# ---- heterogeneity


def _region_dense(par, r, w=W):
    """(direct, indirect, total) of AI in region r: the mean diagonal of S_r over r's units, the mean of their
    column sums, and the difference."""
    s = dense_s(coef(par, "rho"), coef(par, f"ai_x_{r}"), coef(par, f"W*ai_x_{r}"), w)
    idx = np.flatnonzero(REGIONS.reindex(IDS).to_numpy() == r)
    direct, total = np.diag(s)[idx].mean(), s.sum(axis=0)[idx].mean()
    return direct, total - direct, total


@pytest.mark.parametrize("alpha", [0.05, 0.2])
def test_region_heterogeneity_table_from_dense_region_effects_of_the_seeded_draws(panel, alpha):
    h = heterogeneity(panel, **KW, w=W_RAW, by="region", regions=REGIONS, draws=200, seed=6, alpha=alpha)
    res = h.attrs["fit"]
    assert list(h.columns) == ["group", "effect", "estimate", "se", "lower", "upper", "z", "p", "n_units"]
    labels = ["East", "Central", "West", "Northeast"]
    assert list(zip(h["group"], h["effect"])) == [(r, k) for r in labels for k in ("direct", "indirect", "total")]
    assert (h["n_units"] == 4).all()
    assert [v for v in res.params.index if not v.startswith("W*")][:4] == [f"ai_x_{r}" for r in labels]
    sims = param_draws(res, 200, np.random.default_rng(6), W)
    for r in labels:
        point = _region_dense(res.params, r)
        draws = np.array([_region_dense(p, r) for _, p in sims.iterrows()])
        g = h[h["group"] == r].set_index("effect")
        for j, k in enumerate(("direct", "indirect", "total")):
            assert_summarised(g.loc[k], point[j], draws[:, j], alpha)
    assert {k: h.attrs[k] for k in ("by", "model", "draws", "seed", "alpha")} == {
        "by": "region",
        "model": "sdm",
        "draws": 200,
        "seed": 6,
        "alpha": alpha,
    }


@pytest.mark.parametrize("alpha", [0.05, 0.2])
def test_period_heterogeneity_table_from_dense_effects_of_the_seeded_draws(panel, alpha):
    h = heterogeneity(panel, **KW, w=W_RAW, by="period", split_year=2014, draws=200, seed=8, alpha=alpha)
    res = h.attrs["fit"]
    d = panel.copy()
    post = (d["year"] >= 2014).to_numpy()
    assert (res.model.model, res.model.effects, bool(res.model.lee_yu)) == ("sdm", "twoways", True)
    # the post regressor is AI times the dummy: its estimate equals that of an independent fit
    d["ai_x_post"] = d["ai"] * post
    ref = SpatialPanel(d, y="y", x=["ai", "ai_x_post", *CONTROLS], id="code", time="year", w=W_RAW, lee_yu=True).fit()
    np.testing.assert_allclose(res.params, ref.params, rtol=1e-8)

    def shifted(p):
        return pd.Series({"ai": p["ai"] + p["ai_x_post"], "W*ai": p["W*ai"] + p["W*ai_x_post"], "rho": p["rho"]})

    sims = param_draws(res, 200, np.random.default_rng(8), W)
    pre = np.array([dense_effects(p, "ai") for _, p in sims.iterrows()])
    aft = np.array([dense_effects(shifted(p), "ai") for _, p in sims.iterrows()])
    p0, p1 = np.array(dense_effects(res.params, "ai")), np.array(dense_effects(shifted(res.params), "ai"))
    g = h.set_index(["group", "effect"])
    assert list(g.index) == [(a, k) for a in ("pre", "post", "difference") for k in ("direct", "indirect", "total")]
    for j, k in enumerate(("direct", "indirect", "total")):
        assert_summarised(g.loc[("pre", k)], p0[j], pre[:, j], alpha)
        assert_summarised(g.loc[("post", k)], p1[j], aft[:, j], alpha)
        assert_summarised(g.loc[("difference", k)], p1[j] - p0[j], aft[:, j] - pre[:, j], alpha)
    assert (h["n_units"] == N).all()
    assert h.attrs["split_year"] == 2014 and h.attrs["by"] == "period" and h.attrs["draws"] == 200


@pytest.mark.quick
@pytest.mark.parametrize(
    "name, default, other",
    [
        ("by", "region", "period"),
        ("model", "sdm", "sar"),
        ("effects", "twoways", "individual"),
        ("lee_yu", True, False),
        ("draws", 1000, 200),
        ("seed", 1, 3),
        ("alpha", 0.05, 0.2),
    ],
)
@pytest.mark.quick
def test_heterogeneity_defaults(panel, name, default, other):
    def call(**kw):
        return heterogeneity(panel, **KW, w=W_RAW, regions=REGIONS, split_year=2014, **kw)

    check_defaults(call, name, default, other)


def test_heterogeneity_takes_the_provinces_regions_by_default(demos, queen):
    """Without ``regions`` the regions are ``region4`` of the province table (the demo panel's provinces)."""
    from aicoord.provinces import province_table
    from helpers import study_kw

    pt = province_table()
    regions = pd.Series(pt["region4"].to_numpy(), index=pt["code"].astype(str))
    kw = {**study_kw(queen), "draws": 50, "seed": 2}
    assert same(heterogeneity(demos["A"][0], **kw), heterogeneity(demos["A"][0], **kw, regions=regions))
    other = regions.copy()
    other[other == "Northeast"] = "Central"
    assert not same(heterogeneity(demos["A"][0], **kw), heterogeneity(demos["A"][0], **kw, regions=other))


# ---- convergence with AI


@pytest.mark.quick
@pytest.mark.parametrize("alpha", [0.05, 0.2])
@pytest.mark.parametrize("quantiles", [(0.25, 0.75), (0.1, 0.6)])
def test_convergence_table_every_row_and_column(panel, alpha, quantiles):
    c = convergence_with_ai(
        panel,
        gdp_pc="gdp_pc",
        ai="ai",
        controls=CONTROLS,
        unit="code",
        time="year",
        w=W_RAW,
        alpha=alpha,
        quantiles=quantiles,
    )
    res = c.attrs["fit"]
    assert list(c.index) == ["beta_ln_initial", "ai", "ai_x_ln_initial", "rho", "low_ai", "mean_ai", "high_ai"]
    assert list(c.columns) == ["ai_level", "beta", "se", "p", "lower", "upper", "speed", "half_life"]
    # the growth panel: the last year has no growth
    d = panel.sort_values(["code", "year"]).copy()
    lny = np.log(d["gdp_pc"])
    d["growth"] = lny.groupby(d["code"]).shift(-1) - lny
    used = d.dropna(subset=["growth"])
    assert res.T == 7 and res.nobs == (N - 1) * 6
    for name, row in (
        ("ln_initial", "beta_ln_initial"),
        ("ai", "ai"),
        ("ai_x_ln_initial", "ai_x_ln_initial"),
        ("rho", "rho"),
    ):
        assert c.loc[row, "beta"] == res.params[name] and c.loc[row, "se"] == res.std_errors[name]
        assert np.isnan(c.loc[row, "ai_level"]) and np.isnan(c.loc[row, "speed"]) and np.isnan(c.loc[row, "half_life"])
    levels = {
        "low_ai": used["ai"].quantile(quantiles[0]),
        "mean_ai": used["ai"].mean(),
        "high_ai": used["ai"].quantile(quantiles[1]),
    }
    v = res.cov
    for row, a in levels.items():
        cc = a - used["ai"].mean()
        g = np.array([1.0, cc])
        names = ["ln_initial", "ai_x_ln_initial"]
        assert c.loc[row, "ai_level"] == pytest.approx(a, rel=1e-12)
        assert c.loc[row, "beta"] == pytest.approx(g @ res.params[names].to_numpy(), rel=1e-10)
        assert c.loc[row, "se"] == pytest.approx(np.sqrt(g @ v.loc[names, names].to_numpy() @ g), rel=1e-10)
        speed = -np.log(1 + c.loc[row, "beta"])
        assert c.loc[row, "speed"] == pytest.approx(speed, rel=1e-12)
        assert c.loc[row, "half_life"] == pytest.approx(
            np.log(2) / speed if speed > 0 else np.nan, rel=1e-12, nan_ok=True
        )
    q = stats.norm.ppf(1 - alpha / 2)
    np.testing.assert_allclose(c["p"], normal_p(c["beta"], c["se"]), rtol=1e-9, atol=1e-300)
    np.testing.assert_allclose(c["lower"], c["beta"] - q * c["se"], rtol=1e-12)
    np.testing.assert_allclose(c["upper"], c["beta"] + q * c["se"], rtol=1e-12)
    assert {k: c.attrs[k] for k in ("model", "effects", "nobs", "quantiles")} == {
        "model": "sdm",
        "effects": "twoways",
        "nobs": res.nobs,
        "quantiles": quantiles,
    }


@pytest.mark.quick
@pytest.mark.parametrize(
    "name, default, other",
    [
        ("model", "sdm", "sar"),
        ("effects", "twoways", "individual"),
        ("quantiles", (0.25, 0.75), (0.2, 0.8)),
        ("lee_yu", True, False),
        ("alpha", 0.05, 0.1),
    ],
)
@pytest.mark.quick
def test_convergence_defaults(panel, name, default, other):
    def call(**kw):
        return convergence_with_ai(
            panel, gdp_pc="gdp_pc", ai="ai", controls=CONTROLS, unit="code", time="year", w=W_RAW, **kw
        )

    check_defaults(call, name, default, other)


# ---- the baseline table's columns


def _second_order_ring():
    """Each unit linked to the two units on either side of it on the ring."""
    w = np.zeros((N, N))
    for i in range(N):
        for k in (1, 2):
            w[i, (i + k) % N] = w[(i + k) % N, i] = 1.0
    return pd.DataFrame(w, index=IDS, columns=IDS)


def test_baseline_columns_every_column_from_an_independent_fit(panel):
    weights = {"ring": W_RAW, "alt": _second_order_ring()}
    cols = ("ols", "sar", "sem", "sdm", "SDM : alt")
    t = baseline_columns(
        panel, **KW, weights=weights, columns=cols, effects="individual", lee_yu=False, cov={"cov_type": "robust"}
    )
    assert list(t.columns) == [
        "column",
        "model",
        "weights",
        "parameter",
        "estimate",
        "se",
        "z",
        "p",
        "effects",
        "lee_yu",
        "N",
        "T",
        "nobs",
        "sigma2",
        "r2_within",
        "loglik",
        "cov_type",
    ]
    assert list(dict.fromkeys(t["column"])) == list(cols)
    for spec, model, wname in zip(cols, ("ols", "sar", "sem", "sdm", "sdm"), ("ring", "ring", "ring", "ring", "alt")):
        g = t[t["column"] == spec]
        assert (g["model"] == model).all() and (g["weights"] == wname).all()
        kind, wx = ("slx", []) if model == "ols" else (model, None)
        ref = SpatialPanel(
            panel,
            y="y",
            x=["ai", *CONTROLS],
            id="code",
            time="year",
            w=weights[wname],
            model=kind,
            effects="individual",
            wx=wx,
            lee_yu=False,
        ).fit(cov_type="robust")
        assert list(g["parameter"]) == list(ref.params.index)
        np.testing.assert_allclose(g["estimate"], ref.params, rtol=1e-8, atol=1e-12)
        np.testing.assert_allclose(g["se"], ref.std_errors, rtol=1e-7)
        np.testing.assert_allclose(g["z"], g["estimate"] / g["se"], rtol=1e-14)
        np.testing.assert_allclose(g["p"], normal_p(g["estimate"], g["se"]), rtol=1e-9, atol=1e-300)
        first = g.iloc[0]
        assert (first["effects"], first["lee_yu"], first["N"], first["T"], first["nobs"], first["cov_type"]) == (
            "individual",
            False,
            N,
            8,
            N * 8,
            "robust",
        )
        assert first["sigma2"] == pytest.approx(ref.sigma2, rel=1e-8)
        assert first["r2_within"] == pytest.approx(ref.r2_within, rel=1e-8)
        assert first["loglik"] == pytest.approx(ref.loglik, rel=1e-10)
        for c in ("effects", "lee_yu", "N", "T", "nobs", "sigma2", "r2_within", "loglik", "cov_type"):
            assert (g[c] == first[c]).all()
    assert not any(p.startswith("W*") for p in t.loc[t["column"] == "ols", "parameter"])
    assert t.loc[t["column"] == "sem", "parameter"].iloc[-1] == "lambda"


@pytest.mark.parametrize(
    "name, default, other",
    [
        ("columns", ("ols", "sar", "sem", "sdm"), ("ols", "sdm")),
        ("default_weights", None, "alt"),
        ("effects", "twoways", "individual"),
        ("lee_yu", True, False),
        ("cov", None, {"cov_type": "robust"}),
    ],
)
def test_baseline_columns_defaults(panel, name, default, other):
    weights = {"ring": W_RAW, "alt": _second_order_ring()}
    check_defaults(lambda **kw: baseline_columns(panel, **KW, weights=weights, **kw), name, default, other)
