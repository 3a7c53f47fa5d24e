"""``aicoord fit-panel`` end to end, and the clear errors the engine gives for bad input."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from aicoord.cli import main
from aicoord.errors import InputError
from aicoord.panel import SpatialPanel

ARGS = ["--id", "state", "--time", "year", "--y", "logc", "--x", "logp", "logy"]


@pytest.fixture(scope="module")
def files(tmp_path_factory, cigar, w46):
    tmp = tmp_path_factory.mktemp("cli")
    ids = sorted(cigar["state"].unique())
    cigar[["state", "year", "logc", "logp", "logy"]].to_csv(tmp / "panel.csv", index=False)
    pd.DataFrame(w46, index=ids, columns=ids).to_csv(tmp / "w.csv")
    r, c = np.nonzero(w46)
    pd.DataFrame({"from": np.array(ids)[r], "to": np.array(ids)[c], "weight": w46[r, c]}).to_csv(
        tmp / "long.csv", index=False)
    import libpysal

    wl = libpysal.weights.W({ids[i]: [ids[j] for j in np.nonzero(w46[i])[0]] for i in range(46)},
                            silence_warnings=True)
    f = libpysal.io.open(str(tmp / "w.gal"), "w")
    f.write(wl)
    f.close()
    years = sorted(cigar["year"].unique())
    by = pd.concat([pd.read_csv(tmp / "long.csv").assign(year=y) for y in years])
    by[["year", "from", "to", "weight"]].to_csv(tmp / "by_year.csv", index=False)
    return tmp


def _run(files, *extra, out="out.json", weights="w.csv"):
    argv = ["fit-panel", "--data", str(files / "panel.csv"), *ARGS, *extra,
            "--out", str(files / out)]
    if weights:
        argv += ["--weights", str(files / weights)]
    return main(argv)


def test_cli_matches_api_and_is_deterministic(files, cigar, w46, tol):
    assert _run(files, "--model", "sdm", "--fe", "twoways", out="a.json") == 0
    assert _run(files, "--model", "sdm", "--fe", "twoways", out="b.json") == 0
    a = (files / "a.json").read_bytes()
    assert a == (files / "b.json").read_bytes()
    out = json.loads(a)
    res = SpatialPanel(cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=w46,
                       model="sdm", effects="twoways").fit()
    assert (out["model"], out["fe"], out["n"], out["t"]) == ("sdm", "twoways", 46, 30)
    assert_allclose(out["loglik"], res.loglik, rtol=1e-11)
    for nm in res.params.index:
        assert_allclose(out["coefficients"][nm]["estimate"], res.params[nm], rtol=1e-11)
        assert_allclose(out["coefficients"][nm]["se"], res.std_errors[nm], rtol=1e-11)
    imp = res.impacts(draws=1000, seed=1)
    assert_allclose(out["effects"]["logy"]["indirect"]["se"], imp.loc[("logy", "indirect"), "se"],
                    rtol=1e-11)
    assert {"wald_sar", "wald_sem", "lr_sar", "lr_sem", "lm_lag_nonspatial",
            "robust_lm_error_nonspatial", "lr_individual_effects", "lr_time_effects"} <= set(out["tests"])


def test_cli_random_effects(files, cigar, w46):
    assert _run(files, "--model", "sar", "--fe", "random", "--draws", "200", out="re.json") == 0
    out = json.loads((files / "re.json").read_text())
    res = SpatialPanel(cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=w46,
                       model="sar", effects="random").fit()
    assert_allclose(out["coefficients"]["rho"]["estimate"], res.params["rho"], rtol=1e-9)
    assert out["tests"]["hausman"]["df"] == 3


@pytest.mark.parametrize("weights", ["long.csv", "w.gal"])
def test_cli_weights_formats_agree(files, weights):
    assert _run(files, "--model", "sar", "--fe", "individual", out="ref.json") == 0
    assert _run(files, "--model", "sar", "--fe", "individual", out="alt.json", weights=weights) == 0
    assert (files / "ref.json").read_bytes() == (files / "alt.json").read_bytes()


def test_cli_weights_by_year_equal_constant_w(files):
    assert _run(files, "--model", "sdm", "--fe", "time", out="c.json") == 0
    assert _run(files, "--model", "sdm", "--fe", "time", "--weights-by-year",
                str(files / "by_year.csv"), out="y.json", weights=None) == 0
    c, y = json.loads((files / "c.json").read_text()), json.loads((files / "y.json").read_text())
    for nm in c["coefficients"]:
        assert_allclose(y["coefficients"][nm]["estimate"], c["coefficients"][nm]["estimate"],
                        rtol=1e-9)
        assert_allclose(y["coefficients"][nm]["se"], c["coefficients"][nm]["se"], rtol=1e-9)
    assert_allclose(y["effects"]["logp"]["total"]["estimate"],
                    c["effects"]["logp"]["total"]["estimate"], rtol=1e-9)


def test_cli_bad_input_exit_code(files, capsys):
    d = pd.read_csv(files / "panel.csv").iloc[:-1]
    d.to_csv(files / "short.csv", index=False)
    argv = ["fit-panel", "--data", str(files / "short.csv"), *ARGS, "--weights",
            str(files / "w.csv"), "--out", str(files / "x.json")]
    assert main(argv) == 2
    assert "unbalanced panel" in capsys.readouterr().err


def _fit(data, w, **kw):
    args = dict(y="logc", x=["logp", "logy"], id="state", time="year", w=w, model="sar",
                effects="individual")
    args.update(kw)
    return SpatialPanel(data, **args)


def test_error_missing_values(cigar, w46):
    d = cigar.copy()
    d.loc[5, "logp"] = np.nan
    with pytest.raises(InputError, match="missing values"):
        _fit(d, w46)


def test_error_time_invariant_regressor(cigar, w46):
    d = cigar.copy()
    d["region"] = d["state"] % 4
    with pytest.raises(InputError, match="time-invariant"):
        _fit(d, w46, x=["logp", "region"])


def test_error_collinear(cigar, w46):
    d = cigar.copy()
    d["logp2"] = 2 * d["logp"] - d["logy"]
    with pytest.raises(InputError, match="collinear"):
        _fit(d, w46, x=["logp", "logy", "logp2"])


def test_error_weights_size(cigar, w46):
    with pytest.raises(InputError, match="45 x 45"):
        _fit(cigar, w46[:45, :45])


def test_warning_island(cigar, w46):
    w = w46.copy()
    j = np.nonzero(w[0])[0]
    w[0, :] = 0
    w[j, 0] = 0
    with pytest.warns(UserWarning, match="without neighbours"):
        _fit(cigar, w)


def test_lee_yu_individual_rescales_sigma2(cigar, w46, tol):
    base = _fit(cigar, w46).fit()
    ly = _fit(cigar, w46, lee_yu=True).fit()
    assert_allclose(ly.params.to_numpy(), base.params.to_numpy(), rtol=0, atol=1e-8)
    assert_allclose(ly.sigma2, base.sigma2 * 30 / 29, rtol=tol.EXACT)


def test_random_effects_only_for_lag_models(cigar, w46):
    with pytest.raises(InputError, match="random effects"):
        _fit(cigar, w46, model="sac", effects="random")
