"""``aicoord fit-panel --dlag``: the dynamic SAR/SDM through the command line, as users call it."""

import json

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from aicoord.cli import main
from aicoord.panel.dynamic import DynamicSpatialPanel

ARGS = ["--id", "state", "--time", "year", "--y", "logc", "--x", "logp", "logy"]


@pytest.fixture(scope="module")
def files(tmp_path_factory, cigar, w46):
    tmp = tmp_path_factory.mktemp("dyn")
    ids = sorted(cigar["state"].unique())
    cigar[["state", "year", "logc", "logp", "logy"]].to_csv(tmp / "panel.csv", index=False)
    r, c = np.nonzero(w46)
    pd.DataFrame({"from": np.array(ids)[r], "to": np.array(ids)[c], "weight": w46[r, c]}).to_csv(
        tmp / "long.csv", index=False
    )
    return tmp


def _run(files, *extra):
    out = files / "out.json"
    code = main(
        [
            "fit-panel",
            "--data",
            str(files / "panel.csv"),
            *ARGS,
            "--weights",
            str(files / "long.csv"),
            "--draws",
            "300",
            "--out",
            str(out),
            *extra,
        ]
    )
    return code, (json.loads(out.read_text()) if code == 0 else None)


SUPPORTED = [("sdm", "twoways", 3), ("sar", "individual", 1), ("sdm", "individual", 2), ("sar", "twoways", 2)]
MODELS = ["sar", "sdm", "sem", "sac", "slx", "sdem"]
EFFECTS = ["none", "individual", "time", "twoways", "random"]


def test_every_supported_pair_is_run():
    """The supported pairs (the engine's MODELS x EFFECTS) are exactly those run below."""
    from aicoord.panel.dynamic import EFFECTS as ENGINE_EFFECTS
    from aicoord.panel.dynamic import MODELS as ENGINE_MODELS

    assert {(m, fe) for m, fe, _ in SUPPORTED} == {(m, fe) for m in ENGINE_MODELS for fe in ENGINE_EFFECTS}
    assert set(ENGINE_MODELS) <= set(MODELS) and set(ENGINE_EFFECTS) <= set(EFFECTS)


@pytest.mark.parametrize("model, fe, dlag", SUPPORTED)
def test_dlag_matches_the_api(files, cigar, w46, model, fe, dlag):
    code, out = _run(files, "--model", model, "--fe", fe, "--dlag", str(dlag))
    assert code == 0
    ids = sorted(cigar["state"].unique())
    res = DynamicSpatialPanel(
        cigar,
        y="logc",
        x=["logp", "logy"],
        id="state",
        time="year",
        w=pd.DataFrame(w46, index=ids, columns=ids),
        model=model,
        effects=fe,
        dlag=dlag,
    ).fit()
    names = {1: ["L.logc"], 2: ["W*L.logc"], 3: ["L.logc", "W*L.logc"]}[dlag]
    for nm in names + ["rho", "logp"]:
        assert_allclose(out["coefficients"][nm]["estimate"], res.params[nm], rtol=1e-9)
        assert_allclose(out["coefficients"][nm]["se"], res.std_errors[nm], rtol=1e-9)
    assert out["bias_corrected"] is True and out["dlag"] == dlag and out["nobs"] == 46 * 29
    assert set(out["effects"]) == {"short_run", "long_run"}
    assert set(out["effects"]["short_run"]["logp"]) == {"direct", "indirect", "total"}


def test_no_bias_correction_gives_the_raw_qml(files, cigar, w46):
    code, raw = _run(files, "--model", "sdm", "--fe", "twoways", "--dlag", "1", "--no-bias-correction")
    _, corrected = _run(files, "--model", "sdm", "--fe", "twoways", "--dlag", "1")
    assert code == 0 and raw["bias_corrected"] is False
    assert raw["coefficients"]["L.logc"]["estimate"] != corrected["coefficients"]["L.logc"]["estimate"]


@pytest.mark.parametrize(
    "extra, words",
    [
        (["--model", "sem", "--dlag", "1"], "dynamic models are the SAR and SDM"),
        (["--model", "sdm", "--fe", "none", "--dlag", "1"], "dynamic models are the SAR and SDM"),
        (["--model", "sdm", "--dlag", "1", "--lee-yu"], "--lee-yu does not apply"),
        (["--model", "sdm", "--no-bias-correction"], "dynamic models only"),
    ],
)
def test_unsupported_combinations_are_refused(files, capsys, extra, words):
    code, _ = _run(files, *extra)
    err = capsys.readouterr().err
    assert code == 2 and words in err and err.count("\n") == 1


@pytest.mark.parametrize(
    "model, fe", [(m, fe) for m in MODELS for fe in EFFECTS if (m, fe) not in {(a, b) for a, b, _ in SUPPORTED}]
)
def test_every_other_pair_is_refused_with_one_message(tmp_path, capsys, model, fe):
    """Each of the 26 other model/effects pairs is refused before any file is read (the data path
    does not exist), with the same one-line message naming the pair."""
    out = tmp_path / "out.json"
    code = main(
        [
            "fit-panel",
            "--data",
            str(tmp_path / "absent.csv"),
            *ARGS,
            "--weights",
            str(tmp_path / "absent_w.csv"),
            "--model",
            model,
            "--fe",
            fe,
            "--dlag",
            "1",
            "--out",
            str(out),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert (
        f"dynamic models are the SAR and SDM with individual or two-way effects, not --model {model} --fe {fe}" in err
    )
    assert err.count("\n") == 1
