"""The documented defaults of the measure and data steps (aicoord.steps.measures, aicoord.steps.data): each step
called without its optional arguments writes what the call with the documented default passed explicitly writes,
and another value changes it; and what the β-convergence step passes to each estimator (through recorders)."""

import matplotlib
import numpy as np
import pandas as pd

from aicoord.steps import measures


def _capture(monkeypatch):
    got = []
    monkeypatch.setattr(measures, "save_figure", lambda fig, *paths: got.append(fig))
    return got


def _texts(fig):
    ax = fig.axes[0]
    leg = ax.get_legend()
    return [ax.get_title(), ax.get_xlabel(), ax.get_ylabel(), leg.get_title().get_text()] + [
        t.get_text() for t in leg.get_texts()
    ]


def test_kde_step_defaults_to_chinese_every_year_and_no_population(files, monkeypatch, tmp_path):
    got = _capture(monkeypatch)
    years = sorted(pd.read_csv(files / "panel.csv")["year"].unique())
    try:
        measures.kde_figure(files / "panel.csv", [tmp_path / "k.png"], variable="gdp_pc")
        measures.kde_figure(
            files / "panel.csv",
            [tmp_path / "k.png"],
            variable="gdp_pc",
            years=None,
            population=None,
            language="zh",
            mechanism_csvs=(),
        )
        measures.kde_figure(files / "panel.csv", [tmp_path / "k.png"], variable="gdp_pc", language="en")
        plain, explicit, en = (_texts(f) for f in got)
        assert plain == explicit and plain != en
        assert plain[:4] == ["人均实际 GDP相对全国水平的核密度", "人均实际 GDP / 全国水平", "核密度", "年份"]
        assert plain[4:] == [str(y) for y in years]
        curves = [[line.get_ydata() for line in f.axes[0].get_lines()] for f in got[:2]]
        assert all((a == b).all() for a, b in zip(*curves))
    finally:
        for f in got:
            matplotlib.pyplot.close(f)


def test_inequality_step_defaults_to_the_four_regions_unweighted(files, tmp_path):
    def run(tag, **kw):
        year, pairs = tmp_path / f"{tag}_y.csv", tmp_path / f"{tag}_p.csv"
        measures.inequality_panel(files / "panel.csv", year, pairs, variables=["gdp_pc"], **kw)
        return year.read_bytes(), pairs.read_bytes()

    plain = run("plain")
    assert plain == run("explicit", groups="region4", population=None, mechanism_csvs=())
    assert plain != run("weighted", population="population")
    y = pd.read_csv(tmp_path / "plain_y.csv")
    assert not y["population_weighted"].any()
    pairs = pd.read_csv(tmp_path / "plain_p.csv")
    assert set(pairs["group_j"]) == {"East", "Central", "West", "Northeast"}


def test_inequality_step_groups_by_the_column_it_is_given(files, tmp_path):
    """``groups`` reaches the Dagum decomposition: a panel's own grouping column gives its groups' pairs (draw
    9's survivor ``inequality_panel`` 14 dropped it, and the four regions were used)."""
    panel = pd.read_csv(files / "panel.csv", dtype={"code": str})
    panel["belt"] = np.where(panel["region4"] == "East", "coast", "inland")
    panel.to_csv(tmp_path / "panel.csv", index=False)
    year, pairs = tmp_path / "y.csv", tmp_path / "p.csv"
    measures.inequality_panel(tmp_path / "panel.csv", year, pairs, variables=["gdp_pc"], groups="belt")
    p = pd.read_csv(pairs)
    assert set(p["group_j"]) == {"coast", "inland"} and set(p["group_h"]) == {"coast", "inland"}


def test_coupling_coordination_defaults_to_entropy_scores_over_the_pooled_years(files, tmp_path):
    subsystems = {"a": {"positive": ["ai", "gdp_pc"]}, "b": {"negative": ["dev_gap"], "positive": ["urban"]}}

    def run(tag, **kw):
        path = tmp_path / f"{tag}.csv"
        measures.coupling_coordination(files / "panel.csv", path, subsystems=subsystems, **kw)
        return path.read_bytes()

    plain = run("plain")
    assert plain == run("explicit", method="entropy", by_year=False, mechanism_csvs=())
    assert plain != run("equal", method="equal") and plain != run("by_year", by_year=True)


def test_composite_indices_default_to_the_entropy_method_pooled(files, tmp_path):
    def run(tag, spec):
        s, w = tmp_path / f"{tag}_s.csv", tmp_path / f"{tag}_w.csv"
        measures.composite_indices(files / "panel.csv", s, w, specs={"idx": spec})
        return pd.read_csv(s), pd.read_csv(w)

    plain = run("plain", {"positive": ["ai", "gdp_pc"], "negative": ["dev_gap"]})
    explicit = run("explicit", {"positive": ["ai", "gdp_pc"], "negative": ["dev_gap"], "method": "entropy"})
    pd.testing.assert_frame_equal(plain[0], explicit[0])
    pd.testing.assert_frame_equal(plain[1], explicit[1])
    assert set(plain[0]["method"]) == {"entropy"} == set(plain[1]["method"])
    by_year = run("by_year", {"positive": ["ai", "gdp_pc"], "negative": ["dev_gap"], "by_year": True})
    assert not plain[0]["score"].equals(by_year[0]["score"])


def test_data_steps_default_to_provinces_setting_a_and_an_exogenous_ai(files, tmp_path):
    from aicoord.simulate import demo_dictionary
    from aicoord.steps import data
    from helpers import NOTE, ROOT

    src = ROOT / "data/raw/seed_table1_ai_index_2023.csv"
    kw = dict(id_col="province", variables=["ai_index"], year=2023, note="Source: T")
    data.cross_section(src, tmp_path / "a.csv", **kw)
    data.cross_section(src, tmp_path / "b.csv", **kw, level="province", from_panel=False)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()

    def simulate(tag, **over):
        (tmp_path / tag).mkdir()
        names = [tmp_path / tag / n for n in ("demo.csv", "truth.json", "truth.csv")]
        data.simulate_panel(
            src, files / "queen.csv", *names, years=[2017, 2023], seed=7, weights_name="queen", note=NOTE, **over
        )
        return [p.read_bytes() for p in names]

    plain = simulate("plain")
    assert plain == simulate("explicit", setting="A", level="province", endogenous=False)
    assert plain[0] == (files / "demo.csv").read_bytes()  # the step tests' panel: made with the defaults
    assert simulate("b", setting="B")[1] != plain[1]
    assert simulate("endogenous", endogenous=True)[0] != plain[0]
    mech = list(demo_dictionary(False)["mechanisms"])[0]
    kw = dict(dictionary=demo_dictionary(False), mechanism=mech, note=NOTE)
    data.mechanism_data(files / "demo.csv", tmp_path / "m1.csv", **kw)
    data.mechanism_data(files / "demo.csv", tmp_path / "m2.csv", **kw, level="province")
    assert (tmp_path / "m1.csv").read_bytes() == (tmp_path / "m2.csv").read_bytes()


class _Beta:
    def __init__(self, beta):
        self.beta, self.se, self.pvalue, self.tau, self.speed, self.half_life, self.nobs, self.r2 = (
            beta, 0.01, 0.02, 3, 0.1, 6.9, 60, 0.5,
        )  # fmt: skip
        self.result = type(
            "R", (), {"params": {"rho": 0.2, "lambda": 0.3}, "std_errors": {"rho": 0.05, "lambda": 0.06}}
        )


def test_beta_convergence_step_passes_tau_controls_and_effects_to_each_estimator(files, tmp_path, monkeypatch):
    calls = []

    def record(name, beta):
        def f(d, variable, *args, **kw):
            calls.append((name, variable, [type(a).__name__ for a in args], kw))
            return _Beta(beta)

        return f

    monkeypatch.setattr(measures, "cross_section", record("cs", -0.1))
    monkeypatch.setattr(measures, "beta_convergence_panel", record("panel", -0.2))
    monkeypatch.setattr(measures, "spatial_beta_convergence", record("spatial", -0.3))
    measures.beta_convergence(
        files / "panel.csv",
        files / "queen.npz",
        tmp_path / "b.csv",
        variable="gdp_pc",
        tau=3,
        controls=("gov",),
        time_effects=False,
        spatial_models=["sar", "sem"],
        weights_name="Wq",
    )
    kws = {"tau": 3}
    assert calls == [
        ("cs", "gdp_pc", [], {"controls": []}),
        ("panel", "gdp_pc", [], {**kws, "controls": [], "time_effects": False}),
        ("spatial", "gdp_pc", ["DataFrame"], {**kws, "controls": [], "model": "sar"}),
        ("spatial", "gdp_pc", ["DataFrame"], {**kws, "controls": [], "model": "sem"}),
        ("cs", "gdp_pc", [], {"controls": ["gov"]}),
        ("panel", "gdp_pc", [], {**kws, "controls": ["gov"], "time_effects": False}),
        ("spatial", "gdp_pc", ["DataFrame"], {**kws, "controls": ["gov"], "model": "sar"}),
        ("spatial", "gdp_pc", ["DataFrame"], {**kws, "controls": ["gov"], "model": "sem"}),
    ]
    t = pd.read_csv(tmp_path / "b.csv", keep_default_na=False)
    assert (
        t["model"].tolist() == ["OLS (HC1)", "FE one-way (cluster)", "SAR two-way FE (ML)", "SEM two-way FE (ML)"] * 2
    )
    assert t["type"].tolist() == ["absolute"] * 4 + ["conditional"] * 4
    assert t["spatial"].tolist() == ["", "", "rho", "lambda"] * 2
    assert t["spatial_coef"].tolist()[2:4] == ["0.2", "0.3"] and t["weights"].tolist()[:4] == ["", "", "Wq", "Wq"]
    assert t["controls"].tolist() == [""] * 4 + ["gov"] * 4 and (t["variable"] == "gdp_pc").all()


def test_spatial_markov_step_passes_k_and_population_and_writes_each_table(files, tmp_path, monkeypatch):
    calls = []

    def chains(d, variable, w, **kw):
        calls.append((variable, w.n, kw))
        return {
            "transitions": pd.DataFrame({"lag_class": [1, 2], "p": [0.5, 0.25]}),
            "steady_state": pd.DataFrame({"lag_class": [1], "pi": [0.3]}),
            "tests": pd.DataFrame({"test": ["Q"], "statistic": [4.5]}),
            "cutoffs": [0.81234567, 1.2],
        }

    monkeypatch.setattr(measures, "chains", chains)
    outs = [tmp_path / f"{n}.csv" for n in ("t", "s", "q")]
    measures.spatial_markov(
        files / "panel.csv",
        files / "queen.npz",
        *outs,
        variable="gdp_pc",
        k=4,
        population="population",
        weights_name="Wq",
    )
    assert calls == [("gdp_pc", 31, {"k": 4, "population": "population"})]
    t, s, q = (pd.read_csv(p, keep_default_na=False, dtype=str) for p in outs)
    note = pd.read_csv(files / "panel.csv")["note"].iloc[0]
    assert t.to_dict("list") == {
        "variable": ["gdp_pc"] * 2,
        "lag_class": ["1", "2"],
        "p": ["0.5", "0.25"],
        "k": ["4"] * 2,
        "weights": ["Wq"] * 2,
        "note": [note] * 2,
    }
    assert s["lag_class"].tolist() == ["1"] and s["k"].tolist() == ["4"]
    assert q.to_dict("list") == {
        "variable": ["gdp_pc"],
        "test": ["Q"],
        "statistic": ["4.5"],
        "cutoffs": ["0.812346;1.2"],
        "k": ["4"],
        "weights": ["Wq"],
        "note": [note],
    }
