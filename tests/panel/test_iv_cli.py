"""``aicoord fit-panel --endog ... --instruments ...``: the JSON carries the IV coefficients, the effects
and ``first_stage`` equal to the API's (whose formulas are checked in test_iv.py); bad combinations exit 2
with one message."""

import json

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from aicoord.cli import main
from iv_dgp import iv_model, simulate


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ivcli")
    df, W = simulate(4)
    df.to_csv(tmp / "panel.csv", index=False)
    pd.DataFrame(W, index=range(49), columns=range(49)).to_csv(tmp / "w.csv")
    return tmp, df, W


def _run(tmp, *extra, out="o.json"):
    code = main(
        [
            "fit-panel",
            "--data",
            str(tmp / "panel.csv"),
            "--id",
            "id",
            "--time",
            "t",
            "--y",
            "y",
            "--x",
            "x",
            "--weights",
            str(tmp / "w.csv"),
            *extra,
            "--out",
            str(tmp / out),
        ]
    )
    return code, (json.loads((tmp / out).read_text()) if code == 0 else None)


@pytest.mark.parametrize("estimator", ["2sls", "gmm"])
def test_cli_iv_matches_api(setup, estimator):
    tmp, df, W = setup
    code, out = _run(
        tmp,
        "--endog",
        "ai",
        "--instruments",
        "z1",
        "z2",
        "--cov-type",
        "cluster",
        "--estimator",
        estimator,
        "--effects-se",
        "delta",
    )
    assert code == 0
    res = iv_model(df, W).fit(cov_type="cluster", estimator=estimator)
    for nm in res.params.index:
        assert_allclose(out["coefficients"][nm]["estimate"], res.params[nm], rtol=1e-10)
        assert_allclose(out["coefficients"][nm]["se"], res.std_errors[nm], rtol=1e-10)
    imp = res.impacts(se="delta")
    for kind in ("direct", "indirect", "total"):
        assert_allclose(out["effects"]["ai"][kind]["estimate"], imp.loc[("ai", kind), "estimate"], rtol=1e-10)
        assert_allclose(out["effects"]["ai"][kind]["se"], imp.loc[("ai", kind), "se"], rtol=1e-10)
    fs = out["first_stage"]
    assert set(fs["regressors"]) == {"W*y", "ai", "W*ai"}
    assert_allclose(fs["joint"]["kp_rk_wald_f"], res.first_stage["joint"]["kp_rk_wald_f"], rtol=1e-10)
    assert {"hansen_j", "kp_lm"} <= set(fs["joint"]) and "ai" in fs["endogeneity"] and "ai" in fs["anderson_rubin"]
    assert out["cov_type"] == "cluster" and out["cov_info"]["n_clusters"] == 49 and out["estimator"] == estimator


def test_cli_iv_cluster_column_and_homoskedastic(setup):
    tmp = setup[0]
    code, out = _run(
        tmp, "--endog", "ai", "--instruments", "z1", "--model", "slx", "--cov-type", "cluster", "--cluster", "g"
    )
    assert code == 0 and out["cov_info"]["n_clusters"] == 7 and out["cov_info"]["cluster"] == "g"
    code, out = _run(tmp, "--endog", "ai", "--instruments", "z1", "z2", "--model", "sar")
    assert code == 0 and out["cov_type"] == "homoskedastic"


@pytest.mark.parametrize(
    "extra,msg",
    [
        (["--endog", "ai"], "both --endog and --instruments"),
        (["--endog", "ai", "--instruments", "z1", "--model", "sem"], "IV fits take"),
        (["--endog", "ai", "--instruments", "z1", "--cov-type", "opg"], "not available for IV fits"),
        (["--endog", "ai", "--instruments", "z1", "--lee-yu"], "do not apply to IV fits"),
        (["--estimator", "gmm"], "IV fits only"),
        (["--endog", "ai", "--instruments", "nope"], "nope"),
    ],
)
def test_cli_iv_bad_options(setup, capsys, extra, msg):
    tmp = setup[0]
    code, _ = _run(tmp, *extra, out="bad.json")
    assert code == 2
    assert msg in capsys.readouterr().err
    assert not (tmp / "bad.json").exists()
