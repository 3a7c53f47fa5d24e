"""What the ESDA steps (aicoord.steps.esda) pass to aicoord.autocorrelation: the statistics are replaced by recorders,
and every option of the step (permutations, seed, alpha, the FDR correction) is compared with what the function
receives, with the values in the weights' unit order; the written tables carry the step's columns."""

import json

import numpy as np
import pandas as pd
import pytest

from aicoord.steps import esda as steps
from aicoord.weights_io import read_weights


@pytest.mark.parametrize("fdr", [False, True])
def test_lisa_step_passes_permutations_seed_alpha_and_fdr(esda_inputs, tmp_path, monkeypatch, fdr):
    calls = []

    def local_moran(y, w, **kw):
        calls.append((np.asarray(y), kw))
        return pd.DataFrame({"Ii": np.arange(w.n, dtype=float)}, index=pd.Index(w.id_order, name="code"))

    monkeypatch.setattr(steps, "local_moran", local_moran)
    steps.lisa(
        esda_inputs / "ai.csv",
        esda_inputs / "queen.csv",
        tmp_path / "l.csv",
        var="ai_index",
        year=2023,
        matrix="queen",
        permutations=37,
        seed=5,
        alpha=0.2,
        fdr=fdr,
    )
    ((y, kw),) = calls
    assert kw == {"permutations": 37, "seed": 5, "alpha": 0.2, "fdr": fdr}
    w = read_weights(esda_inputs / "queen.csv")
    data = pd.read_csv(esda_inputs / "ai.csv", dtype={"code": str}).set_index("code")
    np.testing.assert_array_equal(y, data.loc[w.id_order, "ai_index"].to_numpy())
    t = pd.read_csv(tmp_path / "l.csv", dtype={"id": str})
    assert list(t.columns) == ["id", "name", "region4", "value", "Ii", "variable", "year", "matrix", "note"]
    assert t["id"].tolist() == list(w.id_order) and t["Ii"].tolist() == list(range(31))
    assert t["name"].tolist() == data.loc[w.id_order, "name"].tolist()
    assert t["region4"].tolist() == data.loc[w.id_order, "region4"].tolist()
    assert (t["variable"] == "ai_index").all() and (t["year"] == 2023).all() and (t["matrix"] == "queen").all()
    assert (t["note"] == "Source: Table 1").all()


def test_global_step_passes_permutations_and_seed(esda_inputs, tmp_path, monkeypatch):
    calls = []

    def stats(y, w, **kw):
        calls.append((np.asarray(y), kw))
        return {"I": 0.25}

    monkeypatch.setattr(steps, "stats", stats)
    steps.global_autocorrelation(
        esda_inputs / "ai.csv",
        esda_inputs / "queen.csv",
        tmp_path / "g.json",
        var="ai_index",
        year=2023,
        matrix="queen",
        permutations=41,
        seed=3,
    )
    ((y, kw),) = calls
    assert kw == {"permutations": 41, "seed": 3}
    w = read_weights(esda_inputs / "queen.csv")
    data = pd.read_csv(esda_inputs / "ai.csv", dtype={"code": str}).set_index("code")
    np.testing.assert_array_equal(y, data.loc[w.id_order, "ai_index"].to_numpy())
    assert json.loads((tmp_path / "g.json").read_text(encoding="utf-8")) == {
        "I": 0.25,
        "variable": "ai_index",
        "year": 2023,
        "matrix": "queen",
        "note": "Source: Table 1",
        "matrix_note": "",
    }
