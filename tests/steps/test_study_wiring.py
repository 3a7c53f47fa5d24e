"""What the study steps (aicoord.steps.study) pass to the study's functions: each function is replaced by a recorder
that returns a small table, each step is called with distinctive option values, and every keyword argument the
function receives is compared with the step's documented mapping (and its defaults); each written table is read back
with its weights column, note and the columns the step adds. No model is fitted here: the fits themselves are
tested through the steps in tests/steps/test_study.py."""

import json

import pandas as pd
import pytest

from aicoord.notes import note_of
from aicoord.steps import study as S
from aicoord.units import municipal_units
from aicoord.weights_sparse import Weights


class Recorder:
    def __init__(self, result):
        self.calls, self.result = [], result

    def __call__(self, data, **kw):
        self.calls.append((data, kw))
        return self.result() if callable(self.result) else self.result


def _table():
    return pd.DataFrame({"estimate": [0.5, -0.25]})


def _note(files):
    return note_of(pd.read_csv(files / "panel.csv"))


def _w(kw):
    w = kw.pop("w")
    assert isinstance(w, Weights) and w.n == 31
    return kw


@pytest.mark.parametrize("defaults", [True, False])
def test_specification_step_passes_every_option(files, tmp_path, monkeypatch, defaults):
    rec = Recorder(lambda: pd.DataFrame({"test": ["lm_lag"], "statistic": [3.5]}))
    monkeypatch.setattr(S, "specification_search", rec)
    opts = {} if defaults else {"model_probabilities": True, "baseline_model": "sar"}
    S.specification(
        files / "panel.csv",
        files / "queen_raw.csv",
        tmp_path / "s.csv",
        y="coord_gap",
        ai="ai",
        controls=("gov", "urban"),
        alpha=0.07,
        weights_name="Wq",
        **opts,
    )
    ((data, kw),) = rec.calls
    assert len(data) == len(pd.read_csv(files / "panel.csv"))
    assert _w(kw) == {
        "y": "coord_gap",
        "x": ["ai", "gov", "urban"],
        "unit": "code",
        "time": "year",
        "alpha": 0.07,
        "model_probabilities": not defaults,
        "baseline_model": "sdm" if defaults else "sar",
    }
    out = pd.read_csv(tmp_path / "s.csv")
    assert out.to_dict("list") == {"weights": ["Wq"], "test": ["lm_lag"], "statistic": [3.5], "note": [_note(files)]}


def test_convergence_ai_step_passes_every_option(files, tmp_path, monkeypatch):
    rec = Recorder(_table)
    monkeypatch.setattr(S, "convergence_with_ai", rec)
    S.convergence_ai(
        files / "panel.csv",
        files / "queen_raw.csv",
        tmp_path / "c.csv",
        ai="ai",
        controls=["gov"],
        effects="individual",
        lee_yu=False,
        alpha=0.1,
        weights_name="Wq",
    )
    ((_, kw),) = rec.calls
    assert _w(kw) == {
        "gdp_pc": "gdp_pc",
        "ai": "ai",
        "controls": ["gov"],
        "unit": "code",
        "time": "year",
        "effects": "individual",
        "lee_yu": False,
        "alpha": 0.1,
    }
    out = pd.read_csv(tmp_path / "c.csv")
    assert list(out.columns) == ["weights", "estimate", "note"] and (out["weights"] == "Wq").all()
    assert out["estimate"].tolist() == [0.5, -0.25] and (out["note"] == _note(files)).all()


@pytest.mark.parametrize(
    "opts, cov_type, cluster, ml_cov",
    [
        ({}, "cluster", None, {}),
        ({"iv_cov_type": "robust", "cluster": "code", "cov": {"cov_type": "opg", "dk_lag": None}}, "robust", None, {"cov_type": "opg"}),
        ({"cluster": "region4", "cov": {"cov_type": "cluster", "cluster": "region4"}}, "cluster", "region4",
         {"cov_type": "cluster", "cluster": "region4"}),
    ],
)  # fmt: skip
def test_identification_step_passes_every_option(files, tmp_path, monkeypatch, opts, cov_type, cluster, ml_cov):
    rec = Recorder((pd.DataFrame({"estimator": ["ml", "iv"], "estimate": [0.1, 0.2]}), {"kp": 12.5}, {"delta": 0.8}))
    monkeypatch.setattr(S, "identification_table", rec)
    S.identification(
        files / "panel.csv",
        files / "queen_raw.csv",
        tmp_path / "i.csv",
        tmp_path / "i.json",
        y="coord_gap",
        ai="ai",
        controls=("gov",),
        instruments=("z1", "z2"),
        mode="both",
        effects="twoways",
        lee_yu=True,
        draws=123,
        seed=9,
        alpha=0.1,
        weights_name="Wq",
        **opts,
    )
    ((_, kw),) = rec.calls
    assert _w(kw) == {
        "y": "coord_gap",
        "ai": "ai",
        "controls": ["gov"],
        "instruments": ["z1", "z2"],
        "unit": "code",
        "time": "year",
        "mode": "both",
        "effects": "twoways",
        "lee_yu": True,
        "cov_type": cov_type,
        "cluster": cluster,
        "draws": 123,
        "seed": 9,
        "alpha": 0.1,
        "ml_cov": ml_cov,
    }
    out = pd.read_csv(tmp_path / "i.csv")
    assert list(out.columns) == ["weights", "estimator", "estimate", "instruments", "note"]
    assert set(out["weights"]) == {"Wq"} and set(out["instruments"]) == {"z1;z2"} and set(out["note"]) == {_note(files)}
    assert json.loads((tmp_path / "i.json").read_text(encoding="utf-8")) == {
        "mode": "both",
        "instruments": ["z1", "z2"],
        "weights": "Wq",
        "alpha": 0.1,
        "draws": 123,
        "first_stage": {"kp": 12.5},
        "oster": {"delta": 0.8},
        "note": _note(files),
    }


@pytest.mark.parametrize("dlag", [None, 3])
def test_robustness_variant_step_passes_every_option(files, mechanism_csvs, tmp_path, monkeypatch, dlag):
    rec = Recorder(_table)
    monkeypatch.setattr(S.study, "robustness_variant", rec)
    S.robustness_variant(
        files / "panel.csv",
        mechanism_csvs,
        files / "queen_raw.csv",
        tmp_path / "r.csv",
        weights_name="Wq",
        sample="no_municipalities",
        models=["sdm", "sar"],
        y="coord_gap",
        ai="ai",
        controls=("gov",),
        mechanism_names=("m1",),
        effects="twoways",
        lee_yu=True,
        draws=50,
        seed=4,
        alpha=0.2,
        **({} if dlag is None else {"dlag": dlag}),
    )
    ((data, kw),) = rec.calls
    codes = pd.read_csv(files / "panel.csv", dtype={"code": str})["code"].unique()
    assert _w(kw) == {
        "y": "coord_gap",
        "ai": "ai",
        "mechanisms": ["m1"],
        "controls": ["gov"],
        "unit": "code",
        "time": "year",
        "weights_name": "Wq",
        "sample": "no_municipalities",
        "models": ("sdm", "sar"),
        "effects": "twoways",
        "lee_yu": True,
        "draws": 50,
        "seed": 4,
        "alpha": 0.2,
        "dlag": 1 if dlag is None else dlag,
        "municipalities": tuple(municipal_units(codes)),
    }
    assert kw["municipalities"] == ("110000", "120000", "310000", "500000")
    assert set(data.columns) >= {"industrial_upgrading"} | set(pd.read_csv(mechanism_csvs[0]).columns[:2])
    out = pd.read_csv(tmp_path / "r.csv")
    assert list(out.columns) == ["estimate", "note"] and (out["note"] == _note(files)).all()


@pytest.mark.parametrize("split_year, split", [(None, None), (2019, 2019)])
def test_heterogeneity_step_passes_every_option_by_region_and_by_period(
    files, tmp_path, monkeypatch, split_year, split
):
    rec = Recorder(_table)
    monkeypatch.setattr(S.study, "heterogeneity", rec)
    S.heterogeneity(
        files / "panel.csv",
        files / "queen_raw.csv",
        tmp_path / "h.csv",
        y="coord_gap",
        ai="ai",
        controls=["gov"],
        effects="twoways",
        lee_yu=False,
        draws=70,
        seed=5,
        alpha=0.1,
        split_year=split_year,
        weights_name="Wq",
    )
    panel = pd.read_csv(files / "panel.csv", dtype={"code": str})
    years = sorted(panel["year"].unique())
    split = years[len(years) // 2] if split is None else split
    common = {
        "y": "coord_gap",
        "ai": "ai",
        "controls": ["gov"],
        "unit": "code",
        "time": "year",
        "effects": "twoways",
        "lee_yu": False,
        "draws": 70,
        "seed": 5,
        "alpha": 0.1,
    }
    (_, by_region), (_, by_period) = rec.calls
    regions = by_region.pop("regions")
    assert _w(by_region) == {**common, "by": "region"}
    assert regions.to_dict() == panel.groupby("code")["region4"].first().to_dict()
    assert _w(by_period) == {**common, "by": "period", "split_year": split}
    out = pd.read_csv(tmp_path / "h.csv")
    assert list(out.columns) == ["weights", "by", "estimate", "note"]
    assert out["by"].tolist() == ["region", "region", f"period (split {split})", f"period (split {split})"]
    assert (out["weights"] == "Wq").all() and (out["note"] == _note(files)).all()


def test_baseline_columns_step_passes_every_matrix_and_option(files, tmp_path, monkeypatch):
    from aicoord.steps import weights as weight_steps

    weight_steps.weights(
        {"kind": "economic"},
        "economic",
        None,
        tmp_path / "economic",
        tmp_path / "s.json",
        panel_csv=files / "panel.csv",
    )
    rec = Recorder(_table)
    monkeypatch.setattr(S, "fit_baseline_columns", rec)
    S.baseline_columns(
        files / "panel.csv",
        [files / "queen_raw.csv", tmp_path / "economic_raw.npz", tmp_path / "economic_raw.npz"],
        tmp_path / "b.csv",
        names=["q1", "q2", "q3"],
        columns=("ols", "sdm"),
        y="coord_gap",
        ai="ai",
        controls=("gov",),
        effects="time",
        lee_yu=False,
        weights_name="study_w",
        cov={"cov_type": "robust", "cluster": "code"},
    )
    ((_, kw),) = rec.calls
    weights = kw.pop("weights")
    assert list(weights) == ["q1", "q2", "q3"] and all(isinstance(w, Weights) for w in weights.values())
    assert kw == {
        "y": "coord_gap",
        "ai": "ai",
        "controls": ["gov"],
        "unit": "code",
        "time": "year",
        "columns": ["ols", "sdm"],
        "default_weights": "study_w",
        "effects": "time",
        "lee_yu": False,
        "cov": {"cov_type": "robust"},  # clustering by the province is the default: not named
    }
    out = pd.read_csv(tmp_path / "b.csv")
    # the panel's note, then the economic matrix's provenance once (two columns use it)
    economic = f" | W = economic: GDP per capita from the panel: {_note(files)}"
    assert list(out.columns) == ["estimate", "note"] and (out["note"] == _note(files) + economic).all()


@pytest.mark.parametrize("spec", [None, [], "sar"])
def test_the_baseline_fit_of_the_baseline_and_scenario_steps_passes_every_option(files, tmp_path, monkeypatch, spec):
    from aicoord.weights_load import load_weights

    rec = Recorder("fit")
    monkeypatch.setattr(S.study, "baseline", rec)
    if spec == "sar":
        pd.DataFrame({"test": ["lm_lag", "baseline model"], "decision": [None, "SAR (follows the search)"]}).to_csv(
            tmp_path / "spec.csv", index=False
        )
        spec = [tmp_path / "spec.csv"]  # the rule's list of one file
    d = pd.read_csv(files / "panel.csv", dtype={"code": str})
    w = load_weights(files / "queen_raw.csv")
    out = S._baseline_fit(d, w, "coord_gap", "ai", ("gov",), "twoways", True, 300, 11, 0.1, {"dk_lag": None}, spec)
    assert out == "fit"
    ((_, kw),) = rec.calls
    assert kw == {
        "y": "coord_gap",
        "ai": "ai",
        "controls": ["gov"],
        "unit": "code",
        "time": "year",
        "w": w,
        "model": "sar" if isinstance(spec, list) and spec else "sdm",
        "effects": "twoways",
        "lee_yu": True,
        "draws": 300,
        "seed": 11,
        "alpha": 0.1,
        "cov": {},
    }


class _Mediation:
    def __init__(self):
        idx = ["direct", "indirect", "total"]
        self.ai_on_channel = pd.DataFrame({"estimate": [0.1, 0.2, 0.3], "se": 0.1}, index=idx)
        self.channel_on_y = pd.DataFrame({"estimate": [-0.1, -0.2, -0.3], "se": 0.1}, index=idx)
        self.ai_on_y = pd.DataFrame({"estimate": [0.05, 0.0, 0.05], "se": 0.1}, index=idx)
        self.mediated = {"estimate": -0.09, "se": 0.03, "lower": -0.15, "upper": -0.03}
        self.mechanism_model = "sar"
        self.outcome_fit = type("Fit", (), {"cov_info": {"cov_type": "robust"}})()


@pytest.mark.parametrize(
    "opts, iv_cov, cov",
    [
        ({}, {"cov_type": "cluster"}, {}),
        ({"iv_cov_type": "robust", "cluster": "code", "instruments": ("z",), "cov": {"cov_type": "opg"}},
         {"cov_type": "robust"}, {"cov_type": "opg"}),
        ({"cluster": "region4"}, {"cov_type": "cluster", "cluster": "region4"}, {}),
    ],
)  # fmt: skip
def test_mechanism_step_passes_every_option_and_writes_each_path(
    files, mechanism_csvs, tmp_path, monkeypatch, opts, iv_cov, cov
):
    rec = Recorder(_Mediation)
    monkeypatch.setattr(S.study, "mechanism", rec)
    monkeypatch.setattr(S, "mechanism_row", lambda m, alpha: {"mechanism": "industrial_upgrading", "alpha": alpha})
    S.mechanism(
        files / "panel.csv",
        mechanism_csvs[0],
        files / "queen_raw.csv",
        tmp_path / "m.csv",
        tmp_path / "m.json",
        name="industrial_upgrading",
        y="coord_gap",
        ai="ai",
        controls=("gov",),
        effects="twoways",
        lee_yu=True,
        draws=40,
        seed=2,
        alpha=0.1,
        weights_name="Wq",
        **opts,
    )
    ((data, kw),) = rec.calls
    assert "industrial_upgrading" in data.columns
    assert _w(kw) == {
        "y": "coord_gap",
        "ai": "ai",
        "mechanism": "industrial_upgrading",
        "controls": ["gov"],
        "unit": "code",
        "time": "year",
        "effects": "twoways",
        "lee_yu": True,
        "draws": 40,
        "seed": 2,
        "alpha": 0.1,
        "cov": cov,
        "instruments": list(opts.get("instruments", ())),
        "iv_cov": iv_cov,
    }
    out = pd.read_csv(tmp_path / "m.csv")
    assert list(out.columns) == [
        "mechanism",
        "quantity",
        "effect",
        "estimate",
        "se",
        "lower",
        "upper",
        "mechanism_model",
        "weights",
        "note",
    ]
    assert out["quantity"].tolist() == ["ai_on_channel"] * 3 + ["channel_on_y"] * 3 + ["ai_on_y"] * 3 + ["mediated"]
    assert out["effect"].tolist() == ["direct", "indirect", "total"] * 3 + ["total"]
    assert out["estimate"].tolist() == [0.1, 0.2, 0.3, -0.1, -0.2, -0.3, 0.05, 0.0, 0.05, -0.09]
    assert out[["lower", "upper"]].iloc[-1].tolist() == [-0.15, -0.03] and out["lower"].iloc[:9].isna().all()
    assert set(out["mechanism"]) == {"industrial_upgrading"} and set(out["mechanism_model"]) == {"sar"}
    assert set(out["weights"]) == {"Wq"}
    note = note_of(pd.read_csv(mechanism_csvs[0]).assign(note=_note(files)))
    assert set(out["note"]) == {note}
    assert json.loads((tmp_path / "m.json").read_text(encoding="utf-8")) == {
        "mechanism": "industrial_upgrading",
        "alpha": 0.1,
        "cov": {"cov_type": "robust"},
        "note": note,
    }


def test_scenarios_step_passes_each_scenario_by_name_with_the_regions_and_the_shift(files, tmp_path, monkeypatch):
    from aicoord.study import dispersion_shift

    fits = []
    monkeypatch.setattr(S, "_baseline_fit", lambda *a: fits.append(a) or "fit")
    provinces = pd.DataFrame({"unit": ["110000"], "delta_y": [-0.1]})
    dispersion = pd.DataFrame({"measure": ["cv"], "change": [-0.02]})
    calls = []

    def scenarios(b, specs, **kw):
        calls.append((b, specs, kw))
        return provinces.copy(), dispersion.copy()

    monkeypatch.setattr(S.study, "scenarios", scenarios)
    specs = {"z_plan": {"shift": 1.0}, "a_plan": {"shift": 2.0, "regions": ["East"]}}
    S.scenarios(
        files / "panel.csv",
        files / "queen_raw.csv",
        tmp_path / "p.csv",
        tmp_path / "d.csv",
        specs=specs,
        y="coord_gap",
        ai="ai",
        controls=("gov",),
        effects="twoways",
        lee_yu=True,
        draws=30,
        seed=6,
        alpha=0.2,
        weights_name="Wq",
        cov={"cov_type": "robust"},
        spec_csv=[],
    )
    ((d, w, *rest),) = fits
    assert rest == ["coord_gap", "ai", ("gov",), "twoways", True, 30, 6, 0.2, {"cov_type": "robust"}, []]
    ((b, spec_list, kw),) = calls
    panel = pd.read_csv(files / "panel.csv", dtype={"code": str})
    assert b == "fit" and spec_list == [{"name": "a_plan", **specs["a_plan"]}, {"name": "z_plan", **specs["z_plan"]}]
    regions = kw.pop("regions")
    assert regions.to_dict() == panel.groupby("code")["region4"].first().to_dict()
    assert kw == {"draws": 30, "seed": 6, "alpha": 0.2, "shift": dispersion_shift(panel["coord_gap"])}
    for path, frame in ((tmp_path / "p.csv", provinces), (tmp_path / "d.csv", dispersion)):
        out = pd.read_csv(path, dtype={"unit": str})
        assert list(out.columns) == ["weights", *frame.columns, "note"]
        assert out["weights"].tolist() == ["Wq"] and out["note"].tolist() == [_note(files)]


def test_baseline_step_writes_the_fit_its_coefficients_and_effects_with_every_option(files, tmp_path, monkeypatch):
    fits = []
    b = type("B", (), {})()
    b.coefficients = pd.DataFrame({"estimate": [0.3]}, index=pd.Index(["ai"], name="parameter"))
    b.effects = pd.DataFrame({"variable": ["ai"], "effect": ["total"], "estimate": [0.4]}).set_index(
        ["variable", "effect"]
    )
    b.fit = "the fit"
    monkeypatch.setattr(S, "_baseline_fit", lambda *a: fits.append(a) or b)
    monkeypatch.setattr(S, "baseline_row", lambda res, alpha: {"row": res is b, "alpha": alpha})
    monkeypatch.setattr(S, "fit_summary", lambda fit, **kw: {"fit": fit, **kw})
    S.baseline(
        files / "panel.csv",
        files / "queen_raw.csv",
        tmp_path / "c.csv",
        tmp_path / "e.csv",
        tmp_path / "f.json",
        y="coord_gap",
        ai="ai",
        controls=("gov", "urban"),
        effects="twoways",
        lee_yu=False,
        draws=25,
        seed=8,
        alpha=0.1,
        weights_name="Wq",
        cov={"cov_type": "opg"},
        spec_csv="spec.csv",
    )
    ((_, _, *rest),) = fits
    assert rest == ["coord_gap", "ai", ("gov", "urban"), "twoways", False, 25, 8, 0.1, {"cov_type": "opg"}, "spec.csv"]
    note = _note(files)
    assert json.loads((tmp_path / "f.json").read_text(encoding="utf-8")) == {
        "fit": "the fit",
        "weights": "Wq",
        "y": "coord_gap",
        "ai": "ai",
        "controls": ["gov", "urban"],
        "draws": 25,
        "seed": 8,
        "alpha": 0.1,
        "verdict": {"row": True, "alpha": 0.1},
        "note": note,
    }
    assert pd.read_csv(tmp_path / "c.csv").to_dict("list") == {"parameter": ["ai"], "estimate": [0.3], "note": [note]}
    assert pd.read_csv(tmp_path / "e.csv").to_dict("list") == {
        "variable": ["ai"],
        "effect": ["total"],
        "estimate": [0.4],
        "note": [note],
    }
