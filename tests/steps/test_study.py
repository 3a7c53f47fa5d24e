"""Steps of workflow/rules/study.smk (aicoord.steps.study): each reads the tidy panel and a matrix, calls one
function of aicoord.study and writes its table with the data's note.

The covariance choice (``analysis.cov_type``, ``analysis.cluster``, ``analysis.dk_lag``): the baseline
step fits with it (its standard errors equal the engine's for the same option), records the fit's ``cov_info`` in
its JSON, and the regression tables' note is built from that record, not from the configuration.

The robustness grid's weights (issue 22): each weights × sample variant estimates with its own matrix, so the
same model, sample and channel give different rows under different matrices, each equal to the study's own
estimate with that matrix. (That every variant job of the workflow reads its own ``{w}_raw.csv`` is checked on
the Snakemake DAG in tests/workflow/test_workflow_robustness_weights.py.)"""

import io
import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import special

from aicoord.config import validate_config
from aicoord.contract import read_tidy
from aicoord.errors import InputError
from aicoord.panel import SpatialPanel
from aicoord.paper.study_tables import cov_note
from aicoord.simulate import DEMO_DICTIONARY
from aicoord.steps import data as data_steps
from aicoord.steps import paper as P
from aicoord.steps import paper_estimates as E
from aicoord.steps import study as S
from aicoord.study import convergence_with_ai, heterogeneity, robustness_variant, specification_search
from aicoord.study._common import setting
from aicoord.weights import build_weights
from aicoord.weights_io import read_weights_frame, write_weights
from helpers import NOTE, ROOT, simulated_files

CONTROLS = ["gdp_pc"]
MECHS = list(DEMO_DICTIONARY["mechanisms"])


def _baseline(files, tmp, cov, tag):
    out = {k: tmp / f"{tag}_{k}" for k in ("coef.csv", "eff.csv", "fit.json")}
    S.baseline(
        files / "panel.csv",
        files / "queen_raw.csv",
        out["coef.csv"],
        out["eff.csv"],
        out["fit.json"],
        y="coord_gap",
        ai="ai",
        controls=CONTROLS,
        effects="twoways",
        lee_yu=True,
        draws=200,
        seed=1,
        alpha=0.05,
        weights_name="queen",
        cov=cov,
    )
    return pd.read_csv(out["coef.csv"]), json.loads(out["fit.json"].read_text()), out


BOOT = {"draws": 199, "seed": 1, "weights": "webb"}


def test_baseline_cluster_by_region_and_table_note(files, tmp_path):
    coef0, fit0, _ = _baseline(files, tmp_path, None, "oim")
    with pytest.raises(InputError, match="only 4 clusters by region4") as exc:  # 4 clusters: the bootstrap is needed
        _baseline(files, tmp_path, {"cov_type": "cluster", "cluster": "region4", "dk_lag": None}, "no")
    assert "wild cluster bootstrap" in exc.value.hint
    coef, fit, out = _baseline(
        files, tmp_path, {"cov_type": "cluster", "cluster": "region4", "dk_lag": None, "bootstrap": BOOT}, "cl"
    )
    assert fit0["cov"]["cov_type"] == "oim"
    assert fit["cov"] == {
        **fit["cov"],
        "cov_type": "cluster",
        "cluster": "region4",
        "n_clusters": 4,
        "factor": pytest.approx(4 / 3),
        "bootstrap": BOOT,
    }
    # the same fit through the engine directly
    d = read_tidy(files / "panel.csv")
    w = read_weights_frame(files / "queen_raw.csv")
    st = setting(d, "code", "year", w)
    res = SpatialPanel(
        st.data,
        y="coord_gap",
        x=["ai", *CONTROLS],
        id="code",
        time="year",
        w=st.Wdf,
        model="sdm",
        effects="twoways",
        lee_yu=True,
    ).fit(cov_type="cluster", cluster="region4", bootstrap=BOOT)
    se = dict(zip(coef["parameter"], coef["se"]))
    for nm in res.params.index:
        assert se[nm] == pytest.approx(res.std_errors[nm], rel=1e-8)
    assert not np.allclose(coef["se"], coef0["se"])
    # the table's note comes from the JSON's record: rewrite the record and the note follows it
    reg = dict(language="en", decimals=3, stars=[0.10, 0.05, 0.01], parentheses="se", weights_labels={}, labels={})
    paths = {k: tmp_path / f"t.{k}" for k in ("csv", "md", "tex", "docx", "json")}
    # the baseline table reads the model columns (baseline_columns.csv); here one column, the SDM just fitted
    cols = coef.assign(
        column="sdm",
        model="sdm",
        weights="queen",
        **{k: fit[k] for k in ("N", "T", "nobs", "sigma2", "r2_within", "loglik")},
    )
    cols.to_csv(out["coef.csv"], index=False)
    E.paper_baseline(out["coef.csv"], out["fit.json"], **paths, **reg)
    notes = " ".join(P.read_table(paths["json"]).notes)
    assert (
        "cluster-robust standard errors by region (4 clusters); p-values from an unrestricted wild cluster "
        "bootstrap (Webb weights, 199 draws)"
    ) in notes
    fit["cov"] = {"cov_type": "driscoll-kraay", "dk_lag": 1}
    out["fit.json"].write_text(json.dumps(fit))
    E.paper_baseline(out["coef.csv"], out["fit.json"], **paths, **reg)
    assert "Driscoll–Kraay standard errors (Bartlett kernel, lag 1)" in " ".join(P.read_table(paths["json"]).notes)


def test_cov_note_phrases():
    assert cov_note(None, "en") is None and cov_note({"cov_type": "oim"}, "zh") is None
    assert (
        cov_note({"cov_type": "cluster", "cluster": None, "n_clusters": 31}, "zh")
        == "括号内数值基于按省份聚类的稳健标准误（31 个聚类）。"
    )
    assert "sandwich" in cov_note({"cov_type": "robust"}, "en")
    assert "OPG" in cov_note({"cov_type": "opg"}, "zh")


@pytest.mark.parametrize(
    "over,msg",
    [
        ({"cluster": "region4"}, "analysis.cluster is set"),
        ({"dk_lag": 2, "cov_type": "robust"}, "analysis.dk_lag is set"),
        ({"cov_type": "hc3"}, "cov_type"),
    ],
)
def test_config_checks(over, msg):
    import yaml

    cfg = yaml.safe_load((ROOT / "config/config.default.yaml").read_text(encoding="utf-8"))
    validate_config(cfg, ROOT / "workflow/schemas/config.schema.yaml", root=ROOT, check_files=False)
    cfg["analysis"].update(over)
    with pytest.raises(InputError, match=msg):
        validate_config(cfg, ROOT / "workflow/schemas/config.schema.yaml", root=ROOT, check_files=False)


def test_mechanism_uses_the_study_covariance(files, tmp_path):
    """The mechanism step fits both equations with the study's covariance (issue 23: the verdict table rests on
    the baseline's covariance) and records the outcome fit's under ``cov``."""
    from aicoord.study import mechanism

    d = read_tidy(files / "panel.csv", [files / "mechanism_industrial_upgrading.csv"])
    w = read_weights_frame(files / "queen_raw.csv")
    kw = dict(
        y="coord_gap",
        ai="ai",
        mechanism="industrial_upgrading",
        controls=CONTROLS,
        unit="code",
        time="year",
        w=w,
        draws=200,
        seed=1,
    )
    m = mechanism(d, cov={"cov_type": "robust"}, **kw)
    assert m.outcome_fit.cov_info["cov_type"] == "robust" and m.mechanism_fit.cov_info["cov_type"] == "robust"
    base = mechanism(d, **kw)
    assert base.outcome_fit.cov_info["cov_type"] == "oim"
    assert not np.allclose(m.outcome_fit.std_errors, base.outcome_fit.std_errors)
    out = {k: tmp_path / f"m.{k}" for k in ("csv", "json")}
    S.mechanism(
        files / "panel.csv",
        files / "mechanism_industrial_upgrading.csv",
        files / "queen_raw.csv",
        out["csv"],
        out["json"],
        name="industrial_upgrading",
        y="coord_gap",
        ai="ai",
        controls=CONTROLS,
        effects="twoways",
        lee_yu=True,
        draws=200,
        seed=1,
        alpha=0.05,
        weights_name="queen",
        cov={"cov_type": "cluster", "cluster": "region4", "dk_lag": None, "bootstrap": BOOT},
    )
    rec = json.loads(out["json"].read_text())["cov"]
    assert rec["cov_type"] == "cluster" and rec["n_clusters"] == 4 and rec["bootstrap"] == BOOT


def test_each_variant_estimates_with_its_own_matrix(files, mechanism_csvs, provinces_gdf, tmp_path):
    """Planted by hand: the step reading the study's queen file whatever ``weights_csv`` it is given makes the
    knn rows equal the queen rows, and this test fails."""
    knn = build_weights({"kind": "knn", "k": 4}, provinces_gdf)
    write_weights(knn, tmp_path / "knn4", name="knn4")
    kw = dict(
        weights_name=None,
        sample="full",
        models=("sdm",),
        y="coord_gap",
        ai="ai",
        controls=CONTROLS,
        mechanism_names=MECHS,
        effects="twoways",
        lee_yu=True,
        draws=100,
        seed=3,
        alpha=0.05,
    )
    tabs = {}
    for name, raw in (("queen", files / "queen_raw.csv"), ("knn4", tmp_path / "knn4_raw.csv")):
        S.robustness_variant(
            files / "panel.csv", mechanism_csvs, raw, tmp_path / f"{name}.csv", **{**kw, "weights_name": name}
        )
        tabs[name] = pd.read_csv(tmp_path / f"{name}.csv").set_index("mechanism")
        assert (tabs[name]["weights"] == name).all() and list(tabs[name].index) == ["baseline", *MECHS]
        # the row is the study's estimate with that matrix (the CSV keeps 10 significant digits)
        d = read_tidy(files / "panel.csv", mechanism_csvs)
        w = read_weights_frame(raw)
        direct = robustness_variant(
            d,
            y="coord_gap",
            ai="ai",
            mechanisms=MECHS,
            controls=CONTROLS,
            unit=S.UNIT,
            time=S.TIME,
            w=w,
            weights_name=name,
            sample="full",
            models=("sdm",),
            effects="twoways",
            lee_yu=True,
            draws=100,
            seed=3,
            alpha=0.05,
            municipalities=(),
        ).set_index("mechanism")
        for col in ("estimate", "lower", "upper"):
            assert tabs[name][col].to_numpy() == pytest.approx(direct[col].to_numpy(), rel=1e-9), (name, col)
    q, k = tabs["queen"], tabs["knn4"]
    # every row differs by matrix: AI's total effect and every channel's mediated effect, estimate and interval
    for col in ("estimate", "lower", "upper"):
        gap = (q[col] - k[col]).abs() / q[col].abs().clip(lower=1e-12)
        assert (gap > 1e-4).all(), (col, gap.to_dict())


# ---- each step writes what its aicoord.study function returns, with the data's note

KW = dict(y="coord_gap", ai="ai", controls=CONTROLS, effects="twoways", lee_yu=True, alpha=0.05)


def _inputs(files, mechanism_csvs=()):
    return read_tidy(files / "panel.csv", mechanism_csvs), read_weights_frame(files / "queen_raw.csv")


def _as_written(table):
    """``table`` as a step writes and a reader reads it (10 significant digits)."""
    buf = io.StringIO()
    table.to_csv(buf, index=False, float_format="%.10g")
    buf.seek(0)
    return pd.read_csv(buf)


def _read(path):
    t = pd.read_csv(path)
    assert (t["note"] == NOTE).all()  # the panel's note (a queen matrix is not built from the panel)
    return t.drop(columns="note")


def test_specification_writes_the_package_search(files, tmp_path):
    S.specification(
        files / "panel.csv",
        files / "queen_raw.csv",
        tmp_path / "s.csv",
        y="coord_gap",
        ai="ai",
        controls=CONTROLS,
        alpha=0.05,
        weights_name="queen",
    )
    d, w = _inputs(files)
    want = specification_search(d, y="coord_gap", x=["ai", *CONTROLS], unit="code", time="year", w=w, alpha=0.05)
    want.insert(0, "weights", "queen")
    pd.testing.assert_frame_equal(_read(tmp_path / "s.csv"), _as_written(want))


def test_convergence_ai_writes_the_package_model(files, tmp_path):
    kw = {k: v for k, v in KW.items() if k != "y"}
    S.convergence_ai(files / "panel.csv", files / "queen_raw.csv", tmp_path / "c.csv", weights_name="queen", **kw)
    d, w = _inputs(files)
    want = convergence_with_ai(d, gdp_pc="gdp_pc", unit="code", time="year", w=w, **kw)
    want.insert(0, "weights", "queen")
    pd.testing.assert_frame_equal(_read(tmp_path / "c.csv"), _as_written(want))


def test_heterogeneity_splits_the_years_in_the_middle_unless_told(files, tmp_path):
    years = sorted(read_tidy(files / "panel.csv")["year"].unique())
    for split, want in ((None, years[len(years) // 2]), (2019, 2019)):
        S.heterogeneity(
            files / "panel.csv",
            files / "queen_raw.csv",
            tmp_path / "h.csv",
            draws=100,
            seed=1,
            split_year=split,
            weights_name="queen",
            **KW,
        )
        t = _read(tmp_path / "h.csv")
        assert list(dict.fromkeys(t["by"])) == ["region", f"period (split {want})"]
    d, w = _inputs(files)
    period = heterogeneity(d, by="period", split_year=2019, unit="code", time="year", w=w, draws=100, seed=1, **KW)
    got = t[t["by"] != "region"].drop(columns=["weights", "by"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, _as_written(period))


def test_scenarios_shift_an_outcome_with_non_positive_values_by_the_stated_rule(files, tmp_path):
    specs = {"catch_up": {"kind": "raise_to_mean", "regions": ["Central", "West", "Northeast"]}}
    S.scenarios(
        files / "panel.csv",
        files / "queen_raw.csv",
        tmp_path / "p.csv",
        tmp_path / "d.csv",
        specs=specs,
        draws=100,
        seed=1,
        weights_name="queen",
        **KW,
    )
    low = read_tidy(files / "panel.csv")["coord_gap"].min()
    provinces, dispersion = _read(tmp_path / "p.csv"), _read(tmp_path / "d.csv")
    assert len(provinces) == 31 and set(provinces["scenario"]) == {"catch_up"}
    # the smallest whole number lifting every value to at least 1, or none when every value is positive
    want = float(math.ceil(1.0 - low)) if low <= 0 else None
    shift = dispersion["shift"].dropna().unique()
    assert (list(shift) == [want]) if want is not None else len(shift) == 0


@pytest.fixture(scope="module")
def chain(files, mechanism_csvs, tmp_path_factory):
    """The baseline, one channel and one robustness variant, as the workflow's jobs write them."""
    d = tmp_path_factory.mktemp("chain")
    S.baseline(
        files / "panel.csv",
        files / "queen_raw.csv",
        d / "coef.csv",
        d / "eff.csv",
        d / "base.json",
        draws=100,
        seed=1,
        weights_name="queen",
        **KW,
    )
    m = MECHS[0]
    S.mechanism(
        files / "panel.csv",
        files / f"mechanism_{m}.csv",
        files / "queen_raw.csv",
        d / "m.csv",
        d / "m.json",
        name=m,
        draws=100,
        seed=1,
        weights_name="queen",
        **KW,
    )
    S.robustness_variant(
        files / "panel.csv",
        mechanism_csvs,
        files / "queen_raw.csv",
        d / "v.csv",
        weights_name="queen",
        sample="full",
        models=("sdm", "sar"),
        mechanism_names=[m],
        draws=100,
        seed=1,
        **KW,
    )
    return d, m


def test_mechanisms_and_robustness_stack_their_parts(chain, tmp_path):
    d, _ = chain
    for step, part in ((S.mechanisms, d / "m.csv"), (S.robustness, d / "v.csv")):
        step([part, part], tmp_path / "all.csv")
        one = pd.read_csv(part)
        pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "all.csv"), pd.concat([one, one], ignore_index=True))


def test_verdict_rows_follow_the_interval_rule_and_count_the_agreeing_variants(chain, tmp_path):
    d, m = chain
    S.verdict(d / "base.json", [d / "m.json"], d / "v.csv", tmp_path / "verdict.csv", alpha=0.05)
    t = pd.read_csv(tmp_path / "verdict.csv")
    assert list(t["mechanism"]) == ["baseline", m]
    for _, r in t.iterrows():
        rule = "promotes" if r["upper"] < 0 else "hinders" if r["lower"] > 0 else "inconclusive"
        assert r["verdict"] == rule
    grid = pd.read_csv(d / "v.csv")
    grid = grid[grid["verdict"] != "not estimated"]
    for _, r in t.iterrows():
        g = grid[grid["mechanism"] == r["mechanism"]]
        assert r["variants"] == len(g) and r["variants_agree"] == (g["verdict"] == r["verdict"]).sum()
    assert t["note"].str.startswith("Verdict rule: promotes if the 95% interval").all()
    assert t["note"].str.endswith(NOTE).all()


# ---- rule identification: Rule ``identification`` (aicoord.steps.study.identification) on a simulated panel with an endogenous AI and its instrument: one row per estimator x effect, the IV effects equal the hand formulas from the 2SLS/GMM estimates, the intervals are estimate -+ z se, and the first-stage columns are the fit's diagnostics.
IV_KW = {
    "y": "coord_gap",
    "ai": "ai",
    "controls": ["gov", "urban"],
    "instruments": ["hub_exposure"],
    "effects": "twoways",
    "lee_yu": True,
    "draws": 300,
    "seed": 1,
    "alpha": 0.05,
    "weights_name": "queen",
}


@pytest.fixture(scope="module")
def endo(tmp_path_factory, provinces_gdf):
    d = simulated_files(tmp_path_factory.mktemp("identification"), provinces_gdf, [2013, 2023], endogenous=True)
    S.identification(d / "panel.csv", d / "queen_raw.csv", d / "both.csv", d / "both.json", mode="both", **IV_KW)
    S.identification(d / "panel.csv", d / "queen_raw.csv", d / "ml.csv", d / "ml.json", mode="ml", **IV_KW)
    return d


def test_rows_columns_and_intervals(endo):
    t = pd.read_csv(endo / "both.csv")
    assert list(zip(t["estimator"], t["effect"])) == [
        (e, k) for e in ("ml", "iv", "gmm") for k in ("direct", "indirect", "total")
    ] + [("oster", "coefficient")]
    o = t.iloc[-1]
    # the Oster row: AI's within coefficient with the controls and their W-lags, by least squares here
    d = pd.read_csv(endo / "panel.csv", dtype={"code": str}).sort_values(["year", "code"])
    st = setting(d, "code", "year", pd.read_csv(endo / "queen_raw.csv", index_col=0))
    cols = {"ai": d["ai"].to_numpy(), "gov": d["gov"].to_numpy(), "urban": d["urban"].to_numpy()}
    T_ = d["year"].nunique()
    for c in ("gov", "urban"):
        cols[f"W{c}"] = np.concatenate([st.W @ v for v in cols[c].reshape(T_, -1)])
    Z = pd.DataFrame({"y": d["coord_gap"].to_numpy(), **cols})
    for g in ("code", "year"):
        Z = Z - Z.groupby(d[g].to_numpy()).transform("mean")
    X = Z.drop(columns="y").to_numpy()
    assert o["estimate"] == pytest.approx(np.linalg.lstsq(X, Z["y"].to_numpy(), rcond=None)[0][0], rel=1e-9)
    assert o["ci_low"] == min(o["estimate"], o["beta_star"]) and o["ci_high"] == max(o["estimate"], o["beta_star"])
    t = t[t.estimator != "oster"]
    for c in (
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "partial_r2",
        "sw_f",
        "kp_rk_wald_f",
        "kp_lm_p",
        "hansen_j",
        "endogeneity_p",
        "ar_low",
        "ar_high",
        "note",
        "weights",
        "instruments",
    ):
        assert c in t.columns, c
    q = special.ndtri(0.975)
    np.testing.assert_allclose(t["ci_low"], t["estimate"] - q * t["se"], rtol=1e-9)
    np.testing.assert_allclose(t["ci_high"], t["estimate"] + q * t["se"], rtol=1e-9)
    assert t.loc[t.estimator == "ml", "sw_f"].isna().all() and t.loc[t.estimator != "ml", "sw_f"].gt(0).all()
    assert t["note"].str.startswith(NOTE).all()
    ml = pd.read_csv(endo / "ml.csv")
    assert list(ml["estimator"]) == ["ml"] * 3 + ["oster"]
    keep = [c for c in ml.columns if c != "note"]
    pd.testing.assert_frame_equal(ml[ml.estimator == "ml"][keep], t[t.estimator == "ml"][keep], check_dtype=False)


def test_identification_with_mode_iv_only_writes_the_2sls_and_gmm_rows(endo, tmp_path):
    """``analysis.identification: iv``: the 2SLS and GMM rows of the three effects, then the Oster row, equal to
    those of ``both`` (same draws and seed); no ML row; the JSON records the mode and the first stage."""
    import json

    S.identification(
        endo / "panel.csv", endo / "queen_raw.csv", tmp_path / "iv.csv", tmp_path / "iv.json", mode="iv", **IV_KW
    )
    t = pd.read_csv(tmp_path / "iv.csv")
    assert list(zip(t["estimator"], t["effect"])) == [
        (e, k) for e in ("iv", "gmm") for k in ("direct", "indirect", "total")
    ] + [("oster", "coefficient")]
    both = pd.read_csv(endo / "both.csv")
    want = both[both["estimator"] != "ml"].reset_index(drop=True)
    pd.testing.assert_frame_equal(t, want)
    meta = json.loads((tmp_path / "iv.json").read_text(encoding="utf-8"))
    assert meta["mode"] == "iv" and meta["first_stage"] == json.loads((endo / "both.json").read_text())["first_stage"]


def test_identification_ml_rows_carry_the_studys_covariance_options(endo, tmp_path):
    """``cov`` (``analysis.cov_type``, ...) sets the ML fit's covariance, as for the baseline: with the robust
    sandwich the ML rows say ``robust`` and their SEs are those of the engine's robust fit (the same draws and
    seed), not the information matrix's of the default run; the point estimates are unchanged."""
    S.identification(
        endo / "panel.csv",
        endo / "queen_raw.csv",
        tmp_path / "rob.csv",
        tmp_path / "rob.json",
        mode="ml",
        cov={"cov_type": "robust", "cluster": "code", "dk_lag": None},
        **IV_KW,
    )
    t = pd.read_csv(tmp_path / "rob.csv")
    ml = t[t.estimator == "ml"].set_index("effect")
    assert set(ml["cov_type"]) == {"robust"}
    d = pd.read_csv(endo / "panel.csv", dtype={"code": str})
    st = setting(d, "code", "year", pd.read_csv(endo / "queen_raw.csv", index_col=0))
    res = SpatialPanel(
        st.data,
        y="coord_gap",
        x=["ai", "gov", "urban"],
        id="code",
        time="year",
        w=st.Wdf,
        model="sdm",
        effects="twoways",
        lee_yu=True,
    ).fit(cov_type="robust")
    imp = res.impacts(draws=IV_KW["draws"], seed=IV_KW["seed"]).loc["ai"]
    for kind in ("direct", "indirect", "total"):
        assert ml.loc[kind, "estimate"] == pytest.approx(imp.loc[kind, "estimate"], rel=1e-8)
        assert ml.loc[kind, "se"] == pytest.approx(imp.loc[kind, "se"], rel=1e-6)
    oim = pd.read_csv(endo / "ml.csv").query("estimator == 'ml'").set_index("effect")
    assert set(oim["cov_type"]) == {"oim"}
    np.testing.assert_allclose(ml["estimate"], oim["estimate"], rtol=1e-10)
    assert not np.allclose(ml["se"], oim["se"], rtol=1e-3)


def test_identification_iv_rows_cluster_by_the_named_column(endo, tmp_path):
    """``analysis.cluster`` names a column: the 2SLS and GMM fits cluster by it (here pairs of provinces, 16
    clusters), so their SEs are those of the engine's fit clustered by that column, not by the province."""
    d = pd.read_csv(endo / "panel.csv", dtype={"code": str})
    codes = sorted(d["code"].unique())
    d["pair"] = d["code"].map({c: f"p{i // 2}" for i, c in enumerate(codes)})
    d.to_csv(tmp_path / "panel.csv", index=False)
    S.identification(
        tmp_path / "panel.csv",
        endo / "queen_raw.csv",
        tmp_path / "pair.csv",
        tmp_path / "pair.json",
        mode="iv",
        iv_cov_type="cluster",
        cluster="pair",
        **IV_KW,
    )
    t = pd.read_csv(tmp_path / "pair.csv").set_index(["estimator", "effect"])
    both = pd.read_csv(endo / "both.csv").set_index(["estimator", "effect"])
    st = setting(d, "code", "year", pd.read_csv(endo / "queen_raw.csv", index_col=0))
    for estimator, name in (("2sls", "iv"), ("gmm", "gmm")):
        res = SpatialPanel(
            st.data,
            y="coord_gap",
            x=["gov", "urban"],
            id="code",
            time="year",
            w=st.Wdf,
            model="sdm",
            effects="twoways",
            endog=["ai"],
            instruments=["hub_exposure"],
        ).fit(cov_type="cluster", cluster="pair", estimator=estimator)
        assert res.cov_info["n_clusters"] == 16
        imp = res.impacts(draws=IV_KW["draws"], seed=IV_KW["seed"]).loc["ai"]
        for kind in ("direct", "indirect", "total"):
            assert t.loc[(name, kind), "se"] == pytest.approx(imp.loc[kind, "se"], rel=1e-6), (name, kind)
        assert not np.allclose(t.loc[name, "se"], both.loc[name, "se"], rtol=1e-3)


@pytest.mark.parametrize("estimator, name", [("2sls", "iv"), ("gmm", "gmm")])
def test_iv_effects_equal_the_hand_formulas_and_first_stage_is_the_fits(endo, estimator, name):
    """Total = (beta + theta) / (1 - rho) and direct = mean diag of (I - rho W)^-1 (beta I + theta W), computed
    densely here from the fit's estimates; the first-stage columns are the fit's own."""
    t = pd.read_csv(endo / "both.csv").set_index(["estimator", "effect"])
    d = pd.read_csv(endo / "panel.csv", dtype={"code": str})
    w = pd.read_csv(endo / "queen_raw.csv", index_col=0)
    st = setting(d, "code", "year", w)
    res = SpatialPanel(
        st.data,
        y="coord_gap",
        x=["gov", "urban"],
        id="code",
        time="year",
        w=st.Wdf,
        model="sdm",
        effects="twoways",
        endog=["ai"],
        instruments=["hub_exposure"],
    ).fit(cov_type="cluster", estimator=estimator)
    b, th, rho = (float(res.params[k]) for k in ("ai", "W*ai", "rho"))
    n = st.W.shape[0]
    S_ = np.linalg.solve(np.eye(n) - rho * st.W, b * np.eye(n) + th * st.W)
    assert t.loc[(name, "total"), "estimate"] == pytest.approx((b + th) / (1 - rho), rel=1e-8)
    assert t.loc[(name, "direct"), "estimate"] == pytest.approx(np.trace(S_) / n, rel=1e-8)
    fs = res.first_stage
    assert t.loc[(name, "total"), "partial_r2"] == pytest.approx(fs["regressors"]["ai"]["partial_r2"], rel=1e-9)
    assert t.loc[(name, "total"), "kp_rk_wald_f"] == pytest.approx(fs["joint"]["kp_rk_wald_f"], rel=1e-9)
    js = json.loads((endo / "both.json").read_text())
    assert js["mode"] == "both" and js["instruments"] == ["hub_exposure"]
    assert js["first_stage"]["regressors"]["ai"]["partial_r2"] == pytest.approx(
        fs["regressors"]["ai"]["partial_r2"], rel=1e-9
    )


@pytest.mark.parametrize("language", ["zh", "en"])
def test_paper_table_prints_the_estimates_first_stage_and_no_english_in_zh(endo, tmp_path, language):
    from aicoord.paper.labels import foreign_words
    from aicoord.paper.study_tables import DEFAULT_LABELS

    out = {k: tmp_path / f"identification.{k}" for k in ("csv", "md", "tex", "docx", "json")}
    E.paper_identification(
        endo / "both.csv",
        **out,
        labels=DEFAULT_LABELS[language],
        language=language,
        decimals=4,
        stars=[0.10, 0.05, 0.01],
        parentheses="se",
        weights_labels={"queen": "Queen"},
        alpha=0.05,
    )
    md = out["md"].read_text(encoding="utf-8")
    from aicoord.paper import NumberFormat

    fmt = NumberFormat(decimals=4)
    t = pd.read_csv(endo / "both.csv")
    for est in ("ml", "iv", "gmm"):
        r = t[(t.estimator == est) & (t.effect == "total")].iloc[0]
        d = fmt.decimals_for(r["se"])  # the table's rule: the SE keeps two significant digits, its estimate as many
        assert fmt(r["estimate"], d) in md and f"({fmt(r['se'], d)})" in md
    r = t[t.estimator == "iv"].iloc[0]
    assert fmt(r["kp_rk_wald_f"]) in md and fmt(r["partial_r2"]) in md
    if language == "zh":
        from aicoord.notes import SIMULATED_NOTE

        assert set(foreign_words(md.replace(SIMULATED_NOTE["zh"], ""))) <= {"test"}  # the test panel's source
        assert "人工智能枢纽暴露度" in md


def test_mechanism_a_path_by_iv(endo, tmp_path):
    """With instruments the mechanism step estimates AI -> channel by spatial 2SLS: its total equals that of a
    2SLS fit of the channel made here, (beta + theta) / (1 - rho) for the SDM, or beta + theta for the SLX the
    step falls back to when the channel's W*y is weakly identified (the row then says so), and the row says
    basis iv."""
    m = "industrial_upgrading"
    data_steps.mechanism_data(endo / "demo.csv", endo / f"{m}.csv", dictionary=DEMO_DICTIONARY, mechanism=m, note=NOTE)
    kw = {k: v for k, v in IV_KW.items() if k != "instruments"}
    S.mechanism(
        endo / "panel.csv",
        endo / f"{m}.csv",
        endo / "queen_raw.csv",
        tmp_path / "m.csv",
        tmp_path / "m.json",
        name=m,
        instruments=["hub_exposure"],
        **kw,
    )
    row = json.loads((tmp_path / "m.json").read_text())
    assert row["basis"] == "iv" and row["verdict_basis"] == "product"
    d = pd.read_csv(endo / "panel.csv", dtype={"code": str}).merge(
        pd.read_csv(endo / f"{m}.csv", dtype={"code": str}).drop(columns="note"), on=["code", "year"]
    )
    st = setting(d, "code", "year", pd.read_csv(endo / "queen_raw.csv", index_col=0))

    def iv_fit(model):
        return SpatialPanel(
            st.data,
            y=m,
            x=["gov", "urban"],
            id="code",
            time="year",
            w=st.Wdf,
            model=model,
            effects="twoways",
            endog=["ai"],
            instruments=["hub_exposure"],
        ).fit(cov_type="cluster", estimator="2sls")

    sdm = iv_fit("sdm")
    weak = sdm.first_stage["regressors"]["W*y"]["sw_f"] < 10
    assert row["mechanism_model"] == ("slx" if weak else "sdm")
    assert ("weakly identified" in row["fallback_reason"]) == weak
    res = iv_fit(row["mechanism_model"])
    b, th = (float(res.params[k]) for k in ("ai", "W*ai"))
    rho = 0.0 if weak else float(res.params["rho"])
    assert row["ai_total_on_channel"] == pytest.approx((b + th) / (1 - rho), rel=1e-8)
    truth = json.loads((endo / "truth.json").read_text())
    assert (
        row["ai_channel_lower"] <= truth["verdicts"]["mechanisms"][m]["ai_total_on_channel"] <= row["ai_channel_upper"]
    )


def test_baseline_columns_step_sdm_column_is_the_baseline_fit(files, tmp_path):
    """Rule ``baseline_columns``: the table's SDM column is the baseline step's SDM (same data, matrix and
    covariance), coefficient by coefficient, and each requested model is one column."""
    coef, _, _ = _baseline(files, tmp_path, None, "bc")
    S.baseline_columns(
        files / "panel.csv",
        [files / "queen_raw.csv"],
        tmp_path / "cols.csv",
        names=["queen"],
        columns=["ols", "sdm"],
        y="coord_gap",
        ai="ai",
        controls=CONTROLS,
        effects="twoways",
        lee_yu=True,
        weights_name="queen",
    )
    cols = pd.read_csv(tmp_path / "cols.csv")
    assert list(dict.fromkeys(cols["column"])) == ["ols", "sdm"]
    sdm = cols[cols["column"] == "sdm"].set_index("parameter")
    for _, r in coef.iterrows():
        assert sdm.loc[r["parameter"], "estimate"] == pytest.approx(r["estimate"], rel=1e-9)
        assert sdm.loc[r["parameter"], "se"] == pytest.approx(r["se"], rel=1e-9)


def test_scenarios_step_writes_the_package_scenarios_in_name_order(files, tmp_path):
    """Rule ``scenarios``: the scenarios sorted by name (the configuration's mapping order does not matter), each
    province's change and the dispersion table equal to :func:`aicoord.study.scenarios` on the step's baseline
    with the panel's regions and the stated shift (the baseline's own draws enter neither table)."""
    from aicoord import study

    specs = {
        "freeze_east": {"kind": "freeze_growth", "regions": ["East"]},
        "catch_up": {"kind": "raise_to_mean", "regions": ["Central", "West", "Northeast"]},
    }
    S.scenarios(
        files / "panel.csv",
        files / "queen_raw.csv",
        tmp_path / "p.csv",
        tmp_path / "d.csv",
        specs=specs,
        draws=60,
        seed=3,
        weights_name="queen",
        **KW,
    )
    d, w = _inputs(files)
    b = study.baseline(d, unit="code", time="year", w=w, draws=200, seed=3, **KW)
    provinces, dispersion = study.scenarios(
        b,
        [{"name": "catch_up", **specs["catch_up"]}, {"name": "freeze_east", **specs["freeze_east"]}],
        regions=d.groupby("code")["region4"].first(),
        draws=60,
        seed=3,
        alpha=0.05,
        shift=study.dispersion_shift(d["coord_gap"]),
    )
    for got, want in ((_read(tmp_path / "p.csv"), provinces), (_read(tmp_path / "d.csv"), dispersion)):
        want = want.copy()
        want.insert(0, "weights", "queen")
        pd.testing.assert_frame_equal(got, _as_written(want), check_dtype=False)
    assert list(dict.fromkeys(_read(tmp_path / "p.csv")["scenario"])) == ["catch_up", "freeze_east"]
