"""Steps of workflow/rules/measures.smk (aicoord.steps.measures) on a small simulated panel."""

import numpy as np
import pandas as pd
import pytest

from aicoord.steps import data as data_steps
from aicoord.steps import measures as steps
from helpers import NOTE, ROOT, binomial_bounds


def test_inequality_tables(files, tmp_path):
    steps.inequality_panel(
        files / "panel.csv",
        tmp_path / "y.csv",
        tmp_path / "p.csv",
        variables=["gdp_pc", "ai"],
        groups="region4",
        population="population",
    )
    y = pd.read_csv(tmp_path / "y.csv")
    assert len(y) == 2 * 7 and (y["note"] == NOTE).all()
    assert np.allclose(y["theil_t_within"] + y["theil_t_between"], y["theil_t"])
    assert np.allclose(y["gini_within_share"] + y["gini_between_net_share"] + y["gini_transvariation_share"], 1)
    p = pd.read_csv(tmp_path / "p.csv")
    assert len(p) == 2 * 7 * 10  # 4 within + 6 between pairs


def test_cross_section_inequality(tmp_path):
    data_steps.cross_section(
        ROOT / "data/raw/seed_table1_ai_index_2023.csv",
        tmp_path / "ai.csv",
        id_col="province",
        variables=["ai_index"],
        year=2023,
        note="Source: Table 1",
    )
    steps.inequality_cross_section(
        tmp_path / "ai.csv", tmp_path / "y.csv", tmp_path / "p.csv", variables=["ai_index"], groups="region4"
    )
    y = pd.read_csv(tmp_path / "y.csv")
    assert len(y) == 1 and y.loc[0, "n"] == 31 and (y["note"] == "Source: Table 1").all()


def test_tables_take_the_note_of_their_data_not_a_parameter(files, tmp_path):
    """A table's provenance comes from the data it was built from: relabelling the tidy panel relabels the
    tables, and no step accepts a note of its own."""
    import inspect

    p = pd.read_csv(files / "panel.csv", dtype={"code": str})
    p["note"] = "Source: relabelled test panel"
    p.to_csv(tmp_path / "panel.csv", index=False)
    steps.inequality(tmp_path / "panel.csv", tmp_path / "y.csv", tmp_path / "p.csv", variables=["gdp_pc"])
    assert (pd.read_csv(tmp_path / "y.csv")["note"] == "Source: relabelled test panel").all()
    for name in steps.__all__:
        assert "note" not in inspect.signature(getattr(steps, name)).parameters, name


def test_indices_and_coupling(files, mechanism_csvs, tmp_path):
    specs = {
        "mech": {
            "positive": ["industrial_upgrading", "value_chain"],
            "negative": ["resource_allocation"],
            "method": "entropy",
            "by_year": False,
        },
        "mech_pca": {"positive": ["industrial_upgrading", "value_chain"], "method": "pca", "by_year": True},
    }
    steps.composite_indices(
        files / "panel.csv", tmp_path / "s.csv", tmp_path / "w.csv", specs=specs, mechanism_csvs=mechanism_csvs
    )
    s = pd.read_csv(tmp_path / "s.csv")
    assert set(s["index"]) == {"mech", "mech_pca"} and len(s) == 2 * 31 * 7
    w = pd.read_csv(tmp_path / "w.csv")
    assert np.isclose(w[w["index"] == "mech"]["weight"].sum(), 1)
    steps.coupling_coordination(
        files / "panel.csv",
        tmp_path / "c.csv",
        subsystems={"a": {"positive": ["ai"]}, "b": {"positive": ["gdp_pc"], "negative": ["dev_gap"]}},
    )
    c = pd.read_csv(tmp_path / "c.csv")
    assert c[["U_a", "U_b", "C", "D"]].apply(lambda s: s.between(0, 1).all()).all()
    assert c["class"].between(1, 10).all() and (c["note"] == NOTE).all()


def test_beta_convergence_markov_kde(files, tmp_path):
    steps.beta_convergence(
        files / "panel.csv",
        files / "queen.csv",
        tmp_path / "b.csv",
        variable="gdp_pc",
        tau=1,
        controls=["gov"],
        time_effects=True,
        spatial_models=["sar", "sem", "sdm"],
        weights_name="queen",
    )
    b = pd.read_csv(tmp_path / "b.csv")
    assert len(b) == 2 * 5 and (b["beta"] < 0).all()
    assert np.allclose(b["speed"], -np.log1p(b["beta"]) / b["tau"])
    assert set(b.loc[b["form"] == "spatial panel", "spatial"]) == {"rho", "lambda"}
    steps.spatial_markov(
        files / "panel.csv",
        files / "queen.csv",
        tmp_path / "t.csv",
        tmp_path / "s.csv",
        tmp_path / "q.csv",
        variable="gdp_pc",
        k=3,
        population="population",
        weights_name="queen",
    )
    t = pd.read_csv(tmp_path / "t.csv")
    assert len(t) == 9 * 4  # a-spatial chain and three lag classes
    out = [tmp_path / "k.png", tmp_path / "k.pdf"]
    steps.kde_figure(files / "panel.csv", out, variable="gdp_pc", language="en")
    first = out[0].read_bytes()
    steps.kde_figure(files / "panel.csv", out, variable="gdp_pc", language="en")
    assert out[0].read_bytes() == first and out[1].stat().st_size > 0


def test_demo_recovery_table(files, mechanism_csvs, tmp_path):
    steps.demo_recovery(
        files / "panel.csv",
        files / "truth.json",
        files / "queen.csv",
        tmp_path / "r.csv",
        draws=200,
        seed=1,
        mechanism_csvs=mechanism_csvs,
    )
    r = pd.read_csv(tmp_path / "r.csv")
    assert {"true", "estimate", "se", "lower", "upper", "covers"} <= set(r.columns)
    assert len(r) == 7 * 2 + 2 + 7 * 3 and (r["note"] == NOTE).all()
    # the number of the 37 intervals (95%) covering the truth, within two-sided binomial bounds at 0.1%
    # (one replication: the upper bound is 37, so inflated standard errors are left to the Monte Carlo
    # check of tests/test_simulate.py)
    lo, hi = binomial_bounds(len(r), 0.95, 0.001)
    assert lo <= r["covers"].sum() <= hi, r[~r["covers"]]


def test_demo_recovery_records_the_fit(files, mechanism_csvs, tmp_path):
    """The recovery table records the fit's log-likelihood and sample size, and the DGP version (first mutation
    draw of issue 22: the columns were not read)."""
    import json

    from aicoord.contract import read_tidy
    from aicoord.simulate import fit_demo_sdm
    from aicoord.weights_io import read_weights_frame

    steps.demo_recovery(
        files / "panel.csv",
        files / "truth.json",
        files / "queen.csv",
        tmp_path / "r.csv",
        draws=2,
        seed=1,
        mechanism_csvs=mechanism_csvs,
    )
    r = pd.read_csv(tmp_path / "r.csv")
    truth = json.loads((files / "truth.json").read_text(encoding="utf-8"))
    d = read_tidy(files / "panel.csv", mechanism_csvs).rename(columns={"ai": "ai_index"})
    fit = fit_demo_sdm(d, read_weights_frame(files / "queen.csv"), y=truth["outcome"], x=truth["regressors"])
    assert np.allclose(r["loglik"], fit.loglik, rtol=1e-9, atol=0) and (r["nobs"] == fit.nobs).all()  # 10 digits
    assert (r["dgp_version"] == truth["dgp_version"]).all()


def test_demo_recovery_columns_are_the_documented_ones(files, mechanism_csvs, tmp_path):
    """The recovery table's columns, in order: the estimator (``ml``) and equation (``outcome``) first, then
    recovery_table's, the fit's log-likelihood and size, the DGP version and the note (draw 4 of issue 22: the
    ``estimator`` column renamed went unseen)."""
    steps.demo_recovery(
        files / "panel.csv",
        files / "truth.json",
        files / "queen.csv",
        tmp_path / "r.csv",
        draws=2,
        seed=1,
        mechanism_csvs=mechanism_csvs,
    )
    r = pd.read_csv(tmp_path / "r.csv")
    assert list(r.columns) == [
        "estimator",
        "equation",
        "kind",
        "parameter",
        "variable",
        "true",
        "estimate",
        "se",
        "lower",
        "upper",
        "covers",
        "loglik",
        "nobs",
        "dgp_version",
        "note",
    ]
    assert (r["estimator"] == "ml").all() and (r["equation"] == "outcome").all()


def _dummy_variable_ml(y, xs, w, model):
    """Spatial coefficient and slopes of the dummy-variable model (constant, unit and period dummies) by
    maximising its concentrated log-likelihood over a bounded interval with dense algebra: an independent
    check of the two-way within estimator. ``y`` and each of ``xs`` are T x N arrays (period rows)."""
    from scipy.optimize import minimize_scalar

    t, n = y.shape

    def lag(a):
        return a @ w.T

    unit = np.tile(np.eye(n), (t, 1))[:, 1:]
    period = np.repeat(np.eye(t), n, axis=0)[:, 1:]
    dummies = np.column_stack([np.ones(t * n), unit, period])
    cols = [x.ravel() for x in xs] + ([lag(x).ravel() for x in xs] if model == "sdm" else [])
    z = np.column_stack(cols + [dummies])

    def fit(r):
        if model == "sem":
            zz = z - r * np.concatenate([lag(z[i * n : (i + 1) * n].T).T for i in range(t)])
            yy = (y - r * lag(y)).ravel()
        else:
            zz, yy = z, (y - r * lag(y)).ravel()
        b = np.linalg.lstsq(zz, yy, rcond=None)[0]
        e = yy - zz @ b
        return e @ e, b

    def negll(r):
        return t * n / 2 * np.log(fit(r)[0]) - t * np.linalg.slogdet(np.eye(n) - r * w)[1]

    r = minimize_scalar(negll, bounds=(-0.99, 0.99), method="bounded", options={"xatol": 1e-11}).x
    return r, fit(r)[1][: len(cols)]


def test_spatial_beta_convergence_rows_equal_two_way_dummy_variable_ml(files, tmp_path):
    """The spatial beta-convergence rows (SAR, SEM, SDM) are two-way fixed-effects ML: beta and the spatial
    coefficient equal the dummy-variable model maximised in the test, growth computed here from the panel."""
    steps.beta_convergence(
        files / "panel.csv",
        files / "queen.csv",
        tmp_path / "b.csv",
        variable="gdp_pc",
        tau=1,
        controls=["gov"],
        time_effects=True,
        spatial_models=["sar", "sem", "sdm"],
        weights_name="queen",
    )
    b = pd.read_csv(tmp_path / "b.csv")
    panel = pd.read_csv(files / "panel.csv", dtype={"code": str}).sort_values(["year", "code"])
    w = pd.read_csv(files / "queen.csv", dtype={"code": str}, index_col=0)
    codes = sorted(panel["code"].unique())
    w.index, w.columns = w.index.astype(str), w.columns.astype(str)
    w = w.loc[codes, codes].to_numpy()
    t = panel["year"].nunique()
    lny = np.log(panel["gdp_pc"].to_numpy()).reshape(t, len(codes))
    gov = panel["gov"].to_numpy().reshape(t, len(codes))
    growth, init = lny[1:] - lny[:-1], lny[:-1]
    checked = 0
    for typ, xs in (("absolute", [init]), ("conditional", [init, gov[:-1]])):
        for model in ("sar", "sem", "sdm"):
            row = b[
                (b["form"] == "spatial panel") & (b["type"] == typ) & b["model"].str.startswith(model.upper())
            ].iloc[0]
            r, coefs = _dummy_variable_ml(growth, xs, w, model)
            np.testing.assert_allclose(row["spatial_coef"], r, atol=2e-6)
            np.testing.assert_allclose(row["beta"], coefs[0], atol=2e-6)
            assert row["nobs"] == growth.size
            checked += 1
    assert checked == 6


def test_a_panel_without_a_province_of_the_matrix_names_it(files, tmp_path):
    """Issue 24: a panel missing 西藏 said "weights ids do not match the panel's units (missing from weights: [])";
    the message names the unit of the matrix the panel lacks."""
    from aicoord.errors import InputError

    d = pd.read_csv(files / "panel.csv", dtype={"code": str})
    d[d["code"] != "540000"].to_csv(tmp_path / "panel.csv", index=False)
    with pytest.raises(InputError) as exc:
        steps.beta_convergence(
            tmp_path / "panel.csv",
            files / "queen.csv",
            tmp_path / "b.csv",
            variable="gdp_pc",
            tau=1,
            controls=[],
            time_effects=True,
            spatial_models=["sar"],
            weights_name="queen",
        )
    msg = str(exc.value)
    assert "1 unit(s) of the weights missing from the panel: 540000 (西藏)" in msg, msg
    assert "[]" not in msg and not (tmp_path / "b.csv").exists()


def test_kde_years_not_in_the_panel_are_a_clean_input_error(files, tmp_path):
    """Issue 24: measures.kde.years: [1990] ended in `NameError: InputError` (plotting.py did not import it)."""
    from aicoord.errors import InputError

    with pytest.raises(InputError, match=r"years not in the data: \[1990\]"):
        steps.kde_figure(
            files / "panel.csv", [tmp_path / "k.png"], variable="gdp_pc", years=[1990, 2023], language="en"
        )
    assert not (tmp_path / "k.png").exists()


def test_beta_convergence_columns_are_the_documented_ones(files, tmp_path):
    """The β-convergence table has exactly the documented columns, in order; the non-spatial rows leave the
    spatial ones empty (first mutation draw of issue 22: a misnamed column was not seen)."""
    steps.beta_convergence(
        files / "panel.csv",
        files / "queen.csv",
        tmp_path / "b.csv",
        variable="gdp_pc",
        tau=1,
        controls=[],
        time_effects=True,
        spatial_models=["sar"],
        weights_name="queen",
    )
    b = pd.read_csv(tmp_path / "b.csv")
    assert list(b.columns) == [
        "form",
        "model",
        "type",
        "beta",
        "se",
        "pvalue",
        "tau",
        "speed",
        "half_life",
        "nobs",
        "r2",
        "spatial",
        "spatial_coef",
        "spatial_se",
        "controls",
        "weights",
        "variable",
        "note",
    ]
    spatial = b["form"] == "spatial panel"
    assert spatial.sum() == 1 and (~spatial).sum() == 2
    assert b.loc[~spatial, ["spatial_coef", "spatial_se"]].isna().all().all()
    assert (b.loc[spatial, "spatial_se"] > 0).all() and (b.loc[spatial, "weights"] == "queen").all()


def _captured_figure(monkeypatch, module):
    """Replace ``module.save_figure``-like savers by a capture of the figure (the step's drawing, unsaved)."""
    got = []
    monkeypatch.setattr(module, "save_figure", lambda fig, *paths: got.append(fig))
    return got


def test_kde_step_curves_are_densities_relative_to_the_population_weighted_national_value(files, tmp_path, monkeypatch):
    """Each year's curve is the Gaussian KDE (Scott's rule) of GDP per capita over the national value, the
    national value being national GDP over national population when ``population`` is given, else the mean
    (mutation draw of issue 22: the step dropping ``population`` went unseen)."""
    import matplotlib
    from scipy.stats import gaussian_kde

    p = pd.read_csv(files / "panel.csv")
    for population in ("population", None):
        got = _captured_figure(monkeypatch, steps)  # the step module holds save_figure (imported at its top)
        steps.kde_figure(
            files / "panel.csv",
            [tmp_path / "k.png"],
            variable="gdp_pc",
            years=[2017, 2023],
            population=population,
            language="zh",
        )
        ax = got[0].axes[0]
        lines = ax.get_lines()
        assert [ln.get_label() for ln in lines] == ["2017", "2023"]
        for ln, year in zip(lines, (2017, 2023)):
            yr = p[p["year"] == year]
            national = (
                (yr["gdp_pc"] * yr["population"]).sum() / yr["population"].sum() if population else yr["gdp_pc"].mean()
            )
            x = ln.get_xdata()
            assert ln.get_ydata() == pytest.approx(gaussian_kde(yr["gdp_pc"] / national)(x), rel=1e-9), population
        assert ax.get_xlabel() == "人均实际 GDP / 全国水平" and ax.get_legend().get_title().get_text() == "年份"
        matplotlib.pyplot.close(got[0])
    # the two national values differ on this panel, so the curves tell them apart
    yr = p[p["year"] == 2023]
    assert abs((yr["gdp_pc"] * yr["population"]).sum() / yr["population"].sum() / yr["gdp_pc"].mean() - 1) > 0.01


def test_composite_index_scores_are_the_mean_of_min_max_normalised_indicators(files, mechanism_csvs, tmp_path):
    """The composite-index step's ``score`` column, by hand for the equal-weight method: each indicator scaled to
    [0, 1] by its pooled minimum and maximum (reversed for a negative one), then averaged."""
    steps.composite_indices(
        files / "panel.csv",
        tmp_path / "s.csv",
        tmp_path / "w.csv",
        specs={
            "eq": {
                "positive": ["industrial_upgrading", "value_chain"],
                "negative": ["resource_allocation"],
                "method": "equal",
            }
        },
        mechanism_csvs=mechanism_csvs,
    )
    s = pd.read_csv(tmp_path / "s.csv", dtype={"code": str})
    assert list(s.columns[:2]) == ["index", "method"] and (s["method"] == "equal").all()
    d = pd.read_csv(files / "panel.csv", dtype={"code": str})[["code", "year"]]
    for m in ("industrial_upgrading", "value_chain", "resource_allocation"):
        d = d.merge(
            pd.read_csv(files / f"mechanism_{m}.csv", dtype={"code": str})[["code", "year", m]], on=["code", "year"]
        )

    def scaled(x, positive=True):
        return (x - x.min()) / (x.max() - x.min()) if positive else (x.max() - x) / (x.max() - x.min())

    d["want"] = (
        scaled(d["industrial_upgrading"]) + scaled(d["value_chain"]) + scaled(d["resource_allocation"], positive=False)
    ) / 3
    got = s.merge(d, on=["code", "year"])
    assert len(got) == len(d) == 31 * 7
    assert got["score"].to_numpy() == pytest.approx(got["want"].to_numpy(), rel=1e-9)
    w = pd.read_csv(tmp_path / "w.csv")
    assert w["weight"].to_numpy() == pytest.approx([1 / 3] * 3)


def test_inequality_tables_run_by_year_when_the_first_unit_starts_late(files, tmp_path):
    """The inequality step's tables are in year order even when the panel's first unit has no row in its first
    year (an unbalanced panel: the years then first appear out of order)."""
    p = pd.read_csv(files / "panel.csv", dtype={"code": str})
    first = p["code"].iloc[0]
    p = p[~((p["code"] == first) & (p["year"] == 2017))]
    p.to_csv(tmp_path / "panel.csv", index=False)
    steps.inequality(
        tmp_path / "panel.csv",
        tmp_path / "y.csv",
        tmp_path / "p.csv",
        variables=["gdp_pc"],
        groups="region4",
        population="population",
    )
    for name in ("y.csv", "p.csv"):
        years = pd.read_csv(tmp_path / name)["year"].tolist()
        assert years == sorted(years) and years[0] == 2017, name


# ---- values the measure steps write, against the package's functions on the same data or a hand computation


def test_inequality_step_rows_equal_the_package_with_shares_and_the_region_pairs(files, tmp_path):
    from aicoord.contract import read_tidy
    from aicoord.inequality import dagum_gini, inequality_by_year

    # the tables are written with 10 significant digits: half a unit in the last is 5e-10 relative at most
    PRINTED = 5e-10
    steps.inequality_panel(
        files / "panel.csv",
        tmp_path / "y.csv",
        tmp_path / "p.csv",
        variables=["ai", "gdp_pc"],
        groups="region4",
        population="population",
    )
    d = read_tidy(files / "panel.csv")
    y = pd.read_csv(tmp_path / "y.csv")
    assert list(dict.fromkeys(y["variable"])) == ["ai", "gdp_pc"] and y["population_weighted"].all()
    for var in ("ai", "gdp_pc"):
        want = inequality_by_year(d, var, year="year", groups="region4", weights="population")
        got = y[y["variable"] == var].reset_index(drop=True)
        for c in want.columns:
            assert got[c].to_numpy() == pytest.approx(want[c].to_numpy(), rel=PRINTED), (var, c)
        for idx in ("theil_t", "theil_l"):
            for part in ("within", "between"):
                share = want[f"{idx}_{part}"] / want[idx]
                assert got[f"{idx}_{part}_share"].to_numpy() == pytest.approx(share.to_numpy(), rel=PRINTED)
        for part in ("within", "between_net", "transvariation"):
            share = want[f"gini_{part}"] / want["gini"]
            assert got[f"gini_{part}_share"].to_numpy() == pytest.approx(share.to_numpy(), rel=PRINTED)
    assert (y["note"] == NOTE).all()
    p = pd.read_csv(tmp_path / "p.csv")
    last = int(d["year"].max())
    g = d[d["year"] == last]
    res = dagum_gini(g["gdp_pc"].to_numpy(), g["region4"].to_numpy())
    got = p[(p["variable"] == "gdp_pc") & (p["year"] == last)]
    regions = list(res["g_between"].index)
    assert [(r.group_j, r.group_h) for r in got.itertuples()] == [
        (j, h) for a, j in enumerate(regions) for h in regions[a:]
    ]
    for r in got.itertuples():
        assert r.gini == pytest.approx(res["g_between"].loc[r.group_j, r.group_h], rel=PRINTED)
        assert r.kind == ("within" if r.group_j == r.group_h else "between")
        if r.group_j == r.group_h:
            assert np.isnan(r.D)
        else:
            assert r.D == pytest.approx(res["d_between"].loc[r.group_j, r.group_h], rel=PRINTED)
        assert r.mean_j == pytest.approx(res["groups"].loc[r.group_j, "mean"], rel=PRINTED)
        assert r.mean_h == pytest.approx(res["groups"].loc[r.group_h, "mean"], rel=PRINTED)
    # a cross-section without population weights says so
    steps.inequality_cross_section(files / "panel.csv", tmp_path / "y2.csv", tmp_path / "p2.csv", variables=["ai"])
    y2 = pd.read_csv(tmp_path / "y2.csv")
    assert not y2["population_weighted"].any()
    assert y2["theil_t"].to_numpy() == pytest.approx(
        inequality_by_year(d, "ai", year="year", groups="region4")["theil_t"].to_numpy(), rel=PRINTED
    )


@pytest.mark.parametrize("method", ["entropy", "equal"])
def test_coupling_coordination_step_scores_and_degrees_by_hand(files, tmp_path, method):
    """One indicator per subsystem: its score is the min-max normalised value (reversed for a negative one),
    shifted by 1e-4 and divided by 1 + 1e-4 for the entropy method; C = 2 sqrt(U1 U2) / (U1 + U2),
    T = (U1 + U2) / 2, D = sqrt(C T)."""
    from aicoord.contract import read_tidy

    steps.coupling_coordination(
        files / "panel.csv",
        tmp_path / "c.csv",
        subsystems={"a": {"positive": ["ai"]}, "b": {"negative": ["dev_gap"]}},
        method=method,
    )
    c = pd.read_csv(tmp_path / "c.csv", dtype={"code": str})
    d = read_tidy(files / "panel.csv")
    assert list(c.columns[:6]) == ["code", "name", "region4", "year", "U_a", "U_b"]
    assert c["code"].tolist() == d["code"].tolist() and c["year"].tolist() == d["year"].tolist()

    def score(x, positive):
        x = x.to_numpy(dtype=float)
        z = (x - x.min()) / (x.max() - x.min()) if positive else (x.max() - x) / (x.max() - x.min())
        return (z + 1e-4) / (1 + 1e-4) if method == "entropy" else z

    u1, u2 = score(d["ai"], True), score(d["dev_gap"], False)
    assert c["U_a"].to_numpy() == pytest.approx(u1, rel=1e-9, abs=1e-12)
    assert c["U_b"].to_numpy() == pytest.approx(u2, rel=1e-9, abs=1e-12)
    with np.errstate(invalid="ignore", divide="ignore"):
        cc = np.where(u1 + u2 > 0, 2 * np.sqrt(u1 * u2) / (u1 + u2), 0.0)
    tt = (u1 + u2) / 2
    assert c["C"].to_numpy() == pytest.approx(cc, rel=1e-9, abs=1e-12)
    assert c["T"].to_numpy() == pytest.approx(tt, rel=1e-9, abs=1e-12)
    assert c["D"].to_numpy() == pytest.approx(np.sqrt(cc * tt), rel=1e-9, abs=1e-12)
    assert (c["class"] == np.minimum(np.floor(np.round(np.sqrt(cc * tt), 12) * 10) + 1, 10)).all()
    assert (c["note"] == NOTE).all()
