"""``aicoord fit-panel`` with ``--cov-type``, ``--cluster``, ``--dk-lag``, ``--effects-se``,
``--w-error`` and ``--w-x``: the JSON equals the API's results (whose formulas are checked in
test_inference.py and test_effects_delta.py), records the options, and bad combinations exit 2
with one message naming the option."""

import json

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from aicoord.cli import main
from aicoord.panel import SpatialPanel

N, T = 12, 6
IDS = [f"u{i:02d}" for i in range(N)]
ARGS = ["--id", "unit", "--time", "year", "--y", "y", "--x", "x1", "x2"]


def _ring(k):
    w = np.zeros((N, N))
    for i in range(N):
        for d in range(1, k + 1):
            w[i, (i + d) % N] = w[i, (i - d) % N] = 1.0
    return w


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("infcli")
    rng = np.random.default_rng(5)
    w, w2 = _ring(2), _ring(1)
    ws = w / w.sum(1, keepdims=True)
    x = rng.normal(size=(T, N, 2))
    y = np.array(
        [
            np.linalg.solve(
                np.eye(N) - 0.3 * ws,
                x[t] @ [1.0, -0.5] + ws @ x[t] @ [0.4, 0.1] + rng.normal(size=N) * (1 + (np.arange(N) % 2)),
            )
            for t in range(T)
        ]
    )
    df = pd.DataFrame(
        [
            {"unit": IDS[i], "year": 2001 + t, "y": y[t, i], "x1": x[t, i, 0], "x2": x[t, i, 1], "region": f"r{i % 4}"}
            for t in range(T)
            for i in range(N)
        ]
    )
    df.to_csv(tmp / "panel.csv", index=False)
    pd.DataFrame(w, index=IDS, columns=IDS).to_csv(tmp / "w.csv")
    r, c = np.nonzero(w2)
    pd.DataFrame({"from": np.array(IDS)[r], "to": np.array(IDS)[c], "weight": 1.0}).to_csv(
        tmp / "w2_long.csv", index=False
    )
    with open(tmp / "w2.gal", "w") as f:
        f.write(f"{N}\n")
        for i in range(N):
            nb = [IDS[j] for j in np.nonzero(w2[i])[0]]
            f.write(f"{IDS[i]} {len(nb)}\n{' '.join(nb)}\n")
    return tmp, df, w, w2


def _run(tmp, *extra, out="o.json"):
    code = main(
        [
            "fit-panel",
            "--data",
            str(tmp / "panel.csv"),
            *ARGS,
            "--weights",
            str(tmp / "w.csv"),
            *extra,
            "--out",
            str(tmp / out),
        ]
    )
    return code, (json.loads((tmp / out).read_text()) if code == 0 else None)


def _api(df, w, model="sdm", fit=None, **kw):
    return SpatialPanel(
        df, y="y", x=["x1", "x2"], id="unit", time="year", w=w, model=model, effects="twoways", **kw
    ).fit(**(fit or {}))


@pytest.mark.parametrize(
    "extra,fit,note",
    [
        ((), {}, "information matrix"),
        (("--cov-type", "opg"), {"cov_type": "opg"}, "outer product"),
        (("--cov-type", "robust"), {"cov_type": "robust"}, "sandwich"),
        (("--cov-type", "cluster"), {"cov_type": "cluster"}, "by unit (12 clusters)"),
        (
            ("--cov-type", "cluster", "--cluster", "region", "--cluster-bootstrap", "199", "--bootstrap-seed", "4"),
            {"cov_type": "cluster", "cluster": "region", "bootstrap": {"draws": 199, "seed": 4}},
            "by region (4 clusters); p-values and intervals from an unrestricted wild cluster bootstrap (Webb weights, "
            "199 draws; with 4 clusters |t*| cannot exceed 1.73)",
        ),
        (("--cov-type", "driscoll-kraay", "--dk-lag", "1"), {"cov_type": "driscoll-kraay", "dk_lag": 1}, "lag 1"),
        (("--estimator", "mqml"), {"estimator": "mqml"}, "modified QML (Liu and Yang 2015)"),
    ],
)
def test_cov_type_options(setup, extra, fit, note):
    tmp, df, w, _ = setup
    code, out = _run(tmp, *extra)
    assert code == 0
    res = _api(df, w, fit=fit)
    for nm in res.params.index:
        assert_allclose(out["coefficients"][nm]["se"], res.std_errors[nm], rtol=1e-10)
        assert_allclose(out["coefficients"][nm]["p"], res.pvalues[nm], rtol=1e-10)
    assert out["cov_type"] == res.cov_info["cov_type"]
    assert note in out["cov_info"]["note"]
    if fit.get("cov_type") not in (None, "oim") or "estimator" in fit:  # the effects use the chosen covariance
        base = _api(df, w)
        assert out["effects"]["x1"]["total"]["se"] != pytest.approx(base.impacts()["se"][("x1", "total")], rel=1e-6)


def test_effects_se_delta(setup):
    tmp, df, w, _ = setup
    code, out = _run(tmp, "--cov-type", "robust", "--effects-se", "delta")
    assert code == 0 and out["effects_se"] == "delta"
    imp = _api(df, w, fit={"cov_type": "robust"}).impacts(se="delta")
    for (var, kind), row in imp.iterrows():
        assert_allclose(out["effects"][var][kind]["se"], row["se"], rtol=1e-10)


@pytest.mark.parametrize(
    "opt,fname,model,kw",
    [
        ("--w-error", "w2.gal", "sem", "w_error"),
        ("--w-x", "w2_long.csv", "sdm", "w_x"),
        ("--w-error", "w2_long.csv", "sac", "w_error"),
    ],
)
def test_separate_weights_files(setup, opt, fname, model, kw):
    tmp, df, w, w2 = setup
    code, out = _run(tmp, "--model", model, opt, str(tmp / fname))
    assert code == 0
    res = _api(df, w, model=model, **{kw: w2})
    other = _api(df, w, model=model)
    for nm in res.params.index:
        assert_allclose(out["coefficients"][nm]["estimate"], res.params[nm], rtol=1e-9)
    assert abs(res.params.iloc[0] - other.params.iloc[0]) > 1e-4
    assert out["weights_files"][kw] == str(tmp / fname)


@pytest.mark.parametrize(
    "extra,msg",
    [
        (("--cluster", "region"), "--cluster applies to --cov-type cluster"),
        (("--cluster-bootstrap", "199"), "--cluster-bootstrap applies to --cov-type cluster only"),
        (
            ("--cov-type", "cluster", "--cluster", "region"),
            "only 4 clusters by region: cluster-robust standard errors need at least 10 clusters",
        ),
        (("--dk-lag", "2"), "--dk-lag applies to --cov-type driscoll-kraay"),
        (("--cov-type", "driscoll-kraay", "--dk-lag", "-1"), "--dk-lag must be 0 or more"),
        (("--cov-type", "driscoll-kraay", "--dk-lag", "6"), "lag must be a whole number from 0 to T-1"),
        (("--cov-type", "cluster", "--cluster", "province"), "cluster column 'province' not found"),
        (("--model", "sar", "--w-x", "W2"), "--w-x applies to models with W*x terms"),
        (("--model", "sdm", "--w-error", "W2"), "--w-error applies to models with a spatial error"),
        (("--model", "sem", "--fe", "random", "--cov-type", "cluster"), "not available for random effects"),
        (("--dlag", "1", "--cov-type", "robust"), "static models only"),
        (("--model", "sdm", "--w-x", "MISSING"), "file not found"),
    ],
)
def test_bad_options_exit_2(setup, capsys, extra, msg):
    tmp, *_ = setup
    extra = [str(tmp / "w2.gal") if e == "W2" else str(tmp / "nope.csv") if e == "MISSING" else e for e in extra]
    code, _ = _run(tmp, *extra, out="bad.json")
    assert code == 2
    err = capsys.readouterr().err
    assert msg in err and "Traceback" not in err
    assert len([ln for ln in err.splitlines() if ln.strip()]) == 1, err
    assert not (tmp / "bad.json").exists()


def test_unknown_cov_type_is_a_usage_error(setup, capsys):
    tmp, *_ = setup
    code, _ = _run(tmp, "--cov-type", "hc3", out="bad.json")
    assert code == 2
    err = capsys.readouterr().err
    assert "--cov-type" in err and "hc3" in err
