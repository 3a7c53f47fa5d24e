"""Counterfactual scenarios: arithmetic against a dense computation, dispersion, non-positive outcomes."""

import numpy as np
import pytest

from aicoord.inequality import dagum_gini, sigma_convergence, theil
from aicoord.provinces import province_table
from aicoord.study import baseline, scenarios
from aicoord.study.scenarios import dispersion
from helpers import study_kw

SPECS = [
    {"name": "catch_up", "kind": "raise_to_mean", "regions": ["Central", "West", "Northeast"], "year": 2023},
    {"name": "freeze_east", "kind": "freeze_growth", "regions": ["East"]},
]


@pytest.fixture(scope="module")
def base_b(demos, queen):
    return baseline(demos["B"][0], **study_kw(queen), draws=300, seed=3)


@pytest.fixture(scope="module")
def out_b(base_b):
    return scenarios(base_b, SPECS, draws=300, seed=4)


def test_scenario_arithmetic_equals_dense_computation(base_b, out_b, demos):
    panel = demos["B"][0]
    prov, _ = out_b
    pt = province_table()
    region = dict(zip(pt["code"].astype(str), pt["region4"]))
    ids = base_b.setting.ids
    W = base_b.setting.W
    p = base_b.fit.params
    n = len(ids)
    Ainv = np.linalg.inv(np.eye(n) - p["rho"] * W)
    a23 = panel[panel.year == 2023].set_index("code")["ai_index"].reindex(ids).to_numpy()
    a22 = panel[panel.year == 2022].set_index("code")["ai_index"].reindex(ids).to_numpy()
    catch = np.array([max(a23.mean() - a, 0.0) if region[c] != "East" else 0.0 for c, a in zip(ids, a23)])
    freeze = np.array([a22[i] - a23[i] if region[c] == "East" else 0.0 for i, c in enumerate(ids)])
    for name, dx in (("catch_up", catch), ("freeze_east", freeze)):
        got = prov[prov.scenario == name].set_index("unit").reindex(ids)
        np.testing.assert_allclose(got["delta_ai"], dx, rtol=0, atol=1e-12)
        S = Ainv @ (p["ai_index"] * np.eye(n) + p["W*ai_index"] * W)
        dy = Ainv @ (p["ai_index"] * dx + p["W*ai_index"] * (W @ dx))
        np.testing.assert_allclose(got["delta_y"], dy, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(got["own"], np.diag(S) * dx, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(got["own"] + got["spillover"], got["delta_y"], rtol=1e-12, atol=1e-15)
        assert (got["delta_y_lower"] <= got["delta_y"] + 1e-15).all()
        assert (got["delta_y"] <= got["delta_y_upper"] + 1e-15).all()
    # provinces outside the scenario still respond (spillovers), with no own part
    outside = prov[(prov.scenario == "catch_up") & (prov.region == "East")]
    assert (outside["own"] == 0).all() and (outside["spillover"].abs() > 0).all()


def test_dispersion_measures_equal_direct_computation(out_b, demos):
    prov, disp = out_b
    for name in ("catch_up", "freeze_east"):
        g = prov[prov.scenario == name]
        after = (g["y_before"] + g["delta_y"]).to_numpy()
        d = disp[disp.scenario == name].set_index("measure")
        assert d.loc["cv", "after"] == pytest.approx(sigma_convergence(after)["cv"], rel=1e-12)
        assert d.loc["theil_t", "after"] == pytest.approx(
            theil(after, g["region"].to_numpy())["theil_t"]["total"], rel=1e-12
        )
        assert d.loc["gini", "before"] == pytest.approx(
            dagum_gini(g["y_before"].to_numpy(), g["region"].to_numpy())["total"], rel=1e-12
        )
        dg = dagum_gini(after, g["region"].to_numpy())
        for r in ("East", "Central", "West", "Northeast"):
            assert d.loc[f"gini_{r}", "after"] == pytest.approx(dg["groups"].loc[r, "gini"], rel=1e-12)
        assert d.loc["gini_between", "after"] == pytest.approx(dg["between_gross"], rel=1e-12)
        np.testing.assert_allclose(d["change"], d["after"] - d["before"], rtol=1e-12)
        assert (d["change_lower"] <= d["change_upper"]).all() and (d["dropped_draws"] == 0).all()


@pytest.mark.parametrize("sizes", [(9, 8, 11, 3), (1, 5, 2), (6,)])
def test_dispersion_of_many_draws_equals_the_inequality_functions_row_by_row(sizes):
    """The vectorised measures of the scenario draws against aicoord.inequality, one row at a time: groups of
    unequal size (one of a single unit), labels not in order of their means, tied values."""
    rng = np.random.default_rng(11)
    labels = np.repeat([f"g{k}" for k in range(len(sizes))], sizes)
    labels = labels[rng.permutation(labels.size)]
    values = rng.lognormal(0.0, 0.6, size=(25, labels.size)) * rng.uniform(0.5, 2.0, size=labels.size)
    values[3, :4] = values[3, 4]  # ties
    got = dispersion(values, labels)
    first = dagum_gini(values[0], labels)["groups"]
    assert list(got)[5:] == [f"gini_{g}" for g in first.index]  # Dagum's order of the groups
    for r, v in enumerate(values):
        dg = dagum_gini(v, labels)
        want = {
            "cv": sigma_convergence(v)["cv"],
            "theil_t": theil(v, labels)["theil_t"]["total"],
            "gini": dg["total"],
            "gini_within": dg["within"],
            "gini_between": dg["between_gross"],
            **{f"gini_{g}": x for g, x in dg["groups"]["gini"].items()},
        }
        for m, x in want.items():
            assert got[m][r] == pytest.approx(x, rel=1e-11, abs=1e-14), (m, r)


def test_catch_up_raises_the_gap_where_ai_hinders(out_b):
    """In setting B AI raises the gap: raising laggards' AI raises their outcome (delta_y > 0 where AI rises)."""
    prov, _ = out_b
    g = prov[(prov.scenario == "catch_up") & (prov.delta_ai > 0)]
    assert len(g) > 0 and (g["delta_y"] > 0).all()


def test_non_positive_outcome_needs_a_shift(demos, queen):
    panel = demos["A"][0]  # setting A's outcome has negative values
    assert (panel["coord_gap"] <= 0).any()
    b = baseline(panel, **study_kw(queen), draws=100, seed=3)
    with pytest.raises(ValueError, match="shift"):
        scenarios(b, SPECS[:1], draws=50, seed=1)
    c = 1.0 - float(panel["coord_gap"].min())
    prov, disp = scenarios(b, SPECS[:1], draws=50, seed=1, shift=c)
    assert (disp["shift"] == c).all()
    g = prov[prov.scenario == "catch_up"]
    assert disp.set_index("measure").loc["cv", "before"] == pytest.approx(
        sigma_convergence(g["y_before"].to_numpy() + c)["cv"], rel=1e-12
    )


def test_unknown_kind_raises(base_b):
    with pytest.raises(ValueError, match="unknown scenario kind"):
        scenarios(base_b, [{"kind": "double"}], draws=10)


def test_shift_raises_ai_by_its_amount_in_the_named_regions(demos):
    """The ``shift`` kind: AI raised by ``amount`` in the listed regions, unchanged elsewhere (first mutation draw
    of issue 22: no test used it)."""
    from aicoord.study.scenarios import scenario_change

    d = demos["B"][0].copy()
    d["code"] = d["code"].astype(str)
    ids = sorted(d["code"].unique())
    regions = province_table().assign(code=lambda t: t["code"].astype(str)).set_index("code")["region4"]
    dx = scenario_change(
        d,
        {"kind": "shift", "regions": ["West"], "amount": 0.25},
        ai="ai_index",
        unit="code",
        time="year",
        ids=ids,
        regions=regions,
    )
    west = regions.reindex(ids).to_numpy() == "West"
    assert west.any() and (~west).any()
    assert (dx[west] == 0.25).all() and (dx[~west] == 0).all()


def test_regions_are_matched_to_the_units_by_id_not_by_position(demos):
    """The regions (a Series indexed by unit id) are read in the order of ``ids`` whatever their own order: given
    in the reverse order, the ``raise_to_mean`` change of the Central, West and Northeast units is the same (draw
    9's survivor ``scenario_change`` 17 read them by position)."""
    from aicoord.study.scenarios import scenario_change

    d = demos["B"][0].copy()
    d["code"] = d["code"].astype(str)
    ids = sorted(d["code"].unique())
    regions = province_table().assign(code=lambda t: t["code"].astype(str)).set_index("code")["region4"]
    spec = {"kind": "raise_to_mean", "regions": ["Central", "West", "Northeast"]}
    kw = dict(ai="ai_index", unit="code", time="year", ids=ids)
    dx = scenario_change(d, spec, **kw, regions=regions)
    np.testing.assert_array_equal(scenario_change(d, spec, **kw, regions=regions.iloc[::-1]), dx)
    cur = d[d["year"] == d["year"].max()].set_index("code")["ai_index"].reindex(ids).to_numpy(float)
    east = regions.reindex(ids).to_numpy() == "East"
    assert (dx[east] == 0).all() and (dx[~east] == np.clip(cur.mean() - cur[~east], 0, None)).all()
    assert (dx[~east] > 0).any()


def test_scenario_intervals_are_two_sided_quantiles_of_the_dense_changes_of_each_draw(base_b, out_b):
    """The (1 − alpha) interval of each province's change, own part and spillover: the alpha/2 and 1 − alpha/2
    quantiles over the parameter draws (the same draws: ``param_draws`` with the scenarios' seed) of the dense
    solves (I − ρW)⁻¹(βΔx + θWΔx), each draw's own part the diagonal of (I − ρW)⁻¹(βI + θW) times Δx."""
    from aicoord.study._common import param_draws

    prov, _ = out_b
    ids, W = base_b.setting.ids, base_b.setting.W
    sims = param_draws(base_b.fit, 300, np.random.default_rng(4), W)
    n = len(ids)
    for name in ("catch_up", "freeze_east"):
        got = prov[prov.scenario == name].set_index("unit").reindex(ids)
        dx = got["delta_ai"].to_numpy(float)
        dy, own = [], []
        for _, r in sims.iterrows():
            A = np.linalg.inv(np.eye(n) - r["rho"] * W)
            S = A @ (r["ai_index"] * np.eye(n) + r["W*ai_index"] * W)
            dy.append(S @ dx)
            own.append(np.diag(S) * dx)
        dy, own = np.array(dy), np.array(own)
        for lab, d in (("delta_y", dy), ("own", own), ("spillover", dy - own)):
            lo, hi = np.quantile(d, [0.025, 0.975], axis=0)
            np.testing.assert_allclose(got[f"{lab}_lower"], lo, rtol=1e-10, atol=1e-14)
            np.testing.assert_allclose(got[f"{lab}_upper"], hi, rtol=1e-10, atol=1e-14)
