"""``aicoord fit-panel`` end to end: agreement with the API, determinism, weights formats, the
JSON form of the tests, and the exit status of bad input.  (The engine's own input errors:
test_data.py and test_model.py; numerical failures: test_errors.py.)"""

import json

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from aicoord.cli import main
from aicoord.panel import SpatialPanel, sdm_tests

ARGS = ["--id", "state", "--time", "year", "--y", "logc", "--x", "logp", "logy"]


@pytest.fixture(scope="module")
def files(tmp_path_factory, cigar, w46):
    tmp = tmp_path_factory.mktemp("cli")
    ids = sorted(cigar["state"].unique())
    cigar[["state", "year", "logc", "logp", "logy"]].to_csv(tmp / "panel.csv", index=False)
    pd.DataFrame(w46, index=ids, columns=ids).to_csv(tmp / "w.csv")
    r, c = np.nonzero(w46)
    pd.DataFrame({"from": np.array(ids)[r], "to": np.array(ids)[c], "weight": w46[r, c]}).to_csv(
        tmp / "long.csv", index=False
    )
    import libpysal

    wl = libpysal.weights.W({ids[i]: [ids[j] for j in np.nonzero(w46[i])[0]] for i in range(46)}, silence_warnings=True)
    f = libpysal.io.open(str(tmp / "w.gal"), "w")
    f.write(wl)
    f.close()
    years = sorted(cigar["year"].unique())
    by = pd.concat([pd.read_csv(tmp / "long.csv").assign(year=y) for y in years])
    by[["year", "from", "to", "weight"]].to_csv(tmp / "by_year.csv", index=False)
    return tmp


def _run(files, *extra, out="out.json", weights="w.csv"):
    argv = ["fit-panel", "--data", str(files / "panel.csv"), *ARGS, *extra, "--out", str(files / out)]
    if weights:
        argv += ["--weights", str(files / weights)]
    return main(argv)


def test_cli_matches_api_and_is_deterministic(files, cigar, w46, tol):
    assert _run(files, "--model", "sdm", "--fe", "twoways", out="a.json") == 0
    assert _run(files, "--model", "sdm", "--fe", "twoways", out="b.json") == 0
    a = (files / "a.json").read_bytes()
    assert a == (files / "b.json").read_bytes()
    out = json.loads(a)
    res = SpatialPanel(
        cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=w46, model="sdm", effects="twoways"
    ).fit()
    assert (out["model"], out["fe"], out["n"], out["t"]) == ("sdm", "twoways", 46, 30)
    assert_allclose(out["loglik"], res.loglik, rtol=1e-11)
    for nm in res.params.index:
        assert_allclose(out["coefficients"][nm]["estimate"], res.params[nm], rtol=1e-11)
        assert_allclose(out["coefficients"][nm]["se"], res.std_errors[nm], rtol=1e-11)
    imp = res.impacts(draws=1000, seed=1)
    assert_allclose(out["effects"]["logy"]["indirect"]["se"], imp.loc[("logy", "indirect"), "se"], rtol=1e-11)
    assert {
        "wald_sar",
        "wald_sem",
        "lr_sar",
        "lr_sem",
        "lm_lag_nonspatial",
        "robust_lm_error_nonspatial",
        "lr_individual_effects",
        "lr_time_effects",
    } <= set(out["tests"])
    wald, written = sdm_tests(res, lr=False)["wald_sar"].to_dict(), out["tests"]["wald_sar"]
    assert set(written) == set(wald) and (written["df"], written["null"]) == (wald["df"], wald["null"])
    assert_allclose([written["statistic"], written["p"]], [wald["statistic"], wald["p"]], rtol=1e-11)
    assert set(out["tests"]["lr_time_effects"]) == {"statistic", "df", "p", "null"}


def test_cli_random_effects(files, cigar, w46):
    assert _run(files, "--model", "sar", "--fe", "random", "--draws", "200", out="re.json") == 0
    out = json.loads((files / "re.json").read_text())
    res = SpatialPanel(
        cigar, y="logc", x=["logp", "logy"], id="state", time="year", w=w46, model="sar", effects="random"
    ).fit()
    assert_allclose(out["coefficients"]["rho"]["estimate"], res.params["rho"], rtol=1e-9)
    assert out["tests"]["hausman"]["df"] == 3


@pytest.mark.parametrize("weights", ["long.csv", "w.gal"])
def test_cli_weights_formats_agree(files, weights):
    assert _run(files, "--model", "sar", "--fe", "individual", out="ref.json") == 0
    assert _run(files, "--model", "sar", "--fe", "individual", out="alt.json", weights=weights) == 0
    assert (files / "ref.json").read_bytes() == (files / "alt.json").read_bytes()


def test_cli_weights_by_year_equal_constant_w(files):
    assert _run(files, "--model", "sdm", "--fe", "time", out="c.json") == 0
    assert (
        _run(
            files,
            "--model",
            "sdm",
            "--fe",
            "time",
            "--weights-by-year",
            str(files / "by_year.csv"),
            out="y.json",
            weights=None,
        )
        == 0
    )
    c, y = json.loads((files / "c.json").read_text()), json.loads((files / "y.json").read_text())
    for nm in c["coefficients"]:
        assert_allclose(y["coefficients"][nm]["estimate"], c["coefficients"][nm]["estimate"], rtol=1e-9)
        assert_allclose(y["coefficients"][nm]["se"], c["coefficients"][nm]["se"], rtol=1e-9)
    assert_allclose(y["effects"]["logp"]["total"]["estimate"], c["effects"]["logp"]["total"]["estimate"], rtol=1e-9)


def test_cli_bad_input_exit_code(files, capsys):
    d = pd.read_csv(files / "panel.csv")
    d = d[(d["state"] != d["state"].iloc[0]) | (d["year"] == 70)]  # a state seen in one year only
    d.to_csv(files / "short.csv", index=False)
    argv = [
        "fit-panel",
        "--data",
        str(files / "short.csv"),
        *ARGS,
        "--weights",
        str(files / "w.csv"),
        "--out",
        str(files / "x.json"),
    ]
    assert main(argv) == 2
    assert "observed in one period only" in capsys.readouterr().err
    assert not (files / "x.json").exists()


def test_cli_unbalanced_panel(files, cigar, w46):
    """An unbalanced panel is fitted (exact ML on the observed rows, aicoord.panel.unbalanced) with the
    API's estimates, and the JSON lists the missing unit-periods."""
    d = pd.read_csv(files / "panel.csv")
    gone = d.sample(25, random_state=4)
    d.drop(gone.index).to_csv(files / "holes.csv", index=False)
    argv = [
        "fit-panel",
        "--data",
        str(files / "holes.csv"),
        *ARGS,
        "--weights",
        str(files / "w.csv"),
        "--model",
        "sar",
        "--fe",
        "twoways",
        "--draws",
        "200",
        "--out",
        str(files / "holes.json"),
    ]
    assert main(argv) == 0
    out = json.loads((files / "holes.json").read_text())
    with pytest.warns(UserWarning, match="no observed neighbours"):  # as the JSON's warnings say
        res = SpatialPanel(
            cigar.drop(gone.index),
            y="logc",
            x=["logp", "logy"],
            id="state",
            time="year",
            w=w46,
            model="sar",
            effects="twoways",
        ).fit()
    assert any("no observed neighbours" in m for m in out["warnings"])
    for nm in res.params.index:
        assert_allclose(out["coefficients"][nm]["estimate"], res.params[nm], rtol=1e-9)
        assert_allclose(out["coefficients"][nm]["se"], res.std_errors[nm], rtol=1e-9)
    miss = out["missing_cells"]
    assert miss["count"] == 25 and out["nobs"] == 46 * 30 - 25
    assert sorted(map(tuple, miss["cells"])) == sorted(zip(gone["state"], gone["year"]))
    assert sum(miss["by_period"].values()) == 25
    assert "lm_nonspatial" in out["tests_skipped"]  # LM tests: balanced panels only


# ---- options and models of fit-panel not covered above, each against the API on the same data (8 years)


@pytest.fixture(scope="module")
def small(tmp_path_factory, cigar, w46):
    from aicoord.weights import from_dense
    from aicoord.weights_io import write_gal_gwt

    tmp = tmp_path_factory.mktemp("cli_small")
    d = cigar[cigar["year"] <= 70]
    d[["state", "year", "logc", "logp", "logy"]].to_csv(tmp / "panel.csv", index=False)
    ids = sorted(d["state"].unique())
    rng = np.random.default_rng(4)
    strengths = w46 * np.round(rng.uniform(0.5, 2.0, w46.shape), 3)  # asymmetric, rows not summing to one
    pd.DataFrame(strengths, index=ids, columns=ids).to_csv(tmp / "w.csv")
    write_gal_gwt(from_dense(strengths, [str(i) for i in ids]), tmp / "w.gwt")
    return tmp, d, strengths


@pytest.mark.parametrize(
    "argv,kw",
    [
        (["--model", "sar", "--fe", "twoways", "--lee-yu"], dict(model="sar", effects="twoways", lee_yu=True)),
        (
            ["--model", "sdm", "--fe", "individual", "--wx", "logp"],
            dict(model="sdm", effects="individual", wx=["logp"]),
        ),
        (
            ["--model", "sdm", "--fe", "individual", "--no-standardize"],
            dict(model="sdm", effects="individual", standardize=False),
        ),
        (["--model", "sar", "--fe", "time", "--logdet", "lu"], dict(model="sar", effects="time", logdet="lu")),
        (["--model", "sem", "--fe", "individual"], dict(model="sem", effects="individual")),
        (["--model", "sac", "--fe", "individual"], dict(model="sac", effects="individual")),
        (["--model", "slx", "--fe", "twoways"], dict(model="slx", effects="twoways")),
        (["--model", "sdem", "--fe", "twoways"], dict(model="sdem", effects="twoways")),
    ],
)
def test_cli_options_and_models_match_api(small, argv, kw):
    tmp, d, strengths = small
    out_path = tmp / "o.json"
    assert (
        main(
            [
                "fit-panel",
                "--data",
                str(tmp / "panel.csv"),
                *ARGS,
                *argv,
                "--draws",
                "50",
                "--weights",
                str(tmp / "w.csv"),
                "--out",
                str(out_path),
            ]
        )
        == 0
    )
    out = json.loads(out_path.read_text())
    res = SpatialPanel(d, y="logc", x=["logp", "logy"], id="state", time="year", w=strengths, **kw).fit()
    assert sorted(out["coefficients"]) == sorted(res.params.index)
    # the sparse-LU log-determinant has no score refinement: its Brent line search stops within about 1e-8 of
    # the maximum in rho (and rounding in the LU moves the stopping point), which moves the other estimates by
    # |d b / d rho| times that; the exact (eigenvalue) paths agree to 1e-9
    lu = kw.get("logdet") == "lu"
    rtol, atol = (0.0, 1e-7) if lu else (1e-9, 1e-12)
    for nm in res.params.index:
        assert_allclose(out["coefficients"][nm]["estimate"], res.params[nm], rtol=rtol, atol=atol)
        assert_allclose(out["coefficients"][nm]["se"], res.std_errors[nm], rtol=1e-6 if lu else 1e-9)
    assert_allclose(
        [out["loglik"], out["bic"], out["r2_within"]], [res.loglik, res.bic, res.r2_within], rtol=1e-7 if lu else 1e-10
    )
    assert out["lee_yu"] == bool(kw.get("lee_yu")) and (out["effects"] == {}) == (kw["model"] == "sem")
    n, t = len(strengths), d["year"].nunique()
    assert out["nobs"] == n * t  # observations in the file
    assert out["nobs_likelihood"] == res.nobs == ((n - 1) * (t - 1) if kw.get("lee_yu") else n * t)
    if kw["model"] != "sem":
        imp = res.impacts(draws=50, seed=1)
        # the LU log-determinant path's ρ is found to the coefficients' atol above; its effects carry that error
        # (5e-9 relative seen when the CLI's process and the test's ran with different BLAS threads)
        assert_allclose(
            out["effects"]["logp"]["total"]["estimate"],
            imp.loc[("logp", "total"), "estimate"],
            rtol=1e-7 if lu else 1e-9,
        )


def test_cli_gwt_weights_equal_csv(small):
    tmp, _, _ = small
    outs = []
    for w in ("w.csv", "w.gwt"):
        out_path = tmp / f"{w}.json"
        assert (
            main(
                [
                    "fit-panel",
                    "--data",
                    str(tmp / "panel.csv"),
                    *ARGS,
                    "--model",
                    "sar",
                    "--fe",
                    "individual",
                    "--draws",
                    "50",
                    "--no-standardize",
                    "--weights",
                    str(tmp / w),
                    "--out",
                    str(out_path),
                ]
            )
            == 0
        )
        outs.append(json.loads(out_path.read_text()))
    for nm in outs[0]["coefficients"]:
        assert_allclose(outs[1]["coefficients"][nm]["estimate"], outs[0]["coefficients"][nm]["estimate"], rtol=1e-12)


@pytest.mark.parametrize(
    "argv,message",
    [
        (["--model", "sac", "--fe", "random"], "random effects are implemented for --model sar, sdm and sem only"),
        (["--model", "sar", "--fe", "individual", "--no-bias-correction"], "applies to dynamic models only"),
        (["--model", "sem", "--fe", "individual", "--dlag", "1"], "dynamic models are the SAR and SDM"),
        (["--model", "sar", "--fe", "individual", "--dlag", "1", "--lee-yu"], "does not apply to dynamic models"),
        (["--model", "sar", "--fe", "none", "--lee-yu"], "Lee-Yu correction applies to fixed effects only"),
        (["--model", "sdm", "--fe", "individual", "--wx", "gov"], "not among the regressors"),
    ],
)
def test_cli_error_branches_exit_2(small, capsys, argv, message):
    tmp, _, _ = small
    code = main(
        [
            "fit-panel",
            "--data",
            str(tmp / "panel.csv"),
            *ARGS,
            *argv,
            "--weights",
            str(tmp / "w.csv"),
            "--out",
            str(tmp / "bad.json"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err
    assert not (tmp / "bad.json").exists()


# ---- issue 24: nothing silent, no traceback


def _fit_cli(tmp, *extra, data="panel.csv", weights="w.csv", out="i24.json"):
    argv = ["fit-panel", "--data", str(tmp / data), *ARGS, *extra, "--out", str(tmp / out)]
    if weights:
        argv += ["--weights", str(tmp / weights)]
    return main(argv)


def _one_line_exit_2(capsys, code):
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and err.count("\n") == 1, err
    return err


def test_cli_wx_on_a_sar_is_refused(small, capsys):
    tmp, _, _ = small
    err = _one_line_exit_2(capsys, _fit_cli(tmp, "--model", "sar", "--fe", "twoways", "--wx", "logp"))
    assert "--wx applies to models with W*x terms" in err and not (tmp / "i24.json").exists()


def test_cli_negative_weight_refused_with_row_and_column(small, capsys):
    tmp, _, strengths = small
    ids = sorted(pd.read_csv(tmp / "panel.csv")["state"].unique())
    neg = strengths.copy()
    i, j = np.argwhere(neg > 0)[3]
    neg[i, j] = -0.5
    pd.DataFrame(neg, index=ids, columns=ids).to_csv(tmp / "neg.csv")
    err = _one_line_exit_2(capsys, _fit_cli(tmp, "--model", "sar", "--fe", "individual", weights="neg.csv"))
    assert f"weight -0.5 of row '{ids[i]}', column '{ids[j]}' is negative" in err and "--allow-negative" in err
    assert (
        _fit_cli(tmp, "--model", "sar", "--fe", "individual", "--draws", "20", "--allow-negative", weights="neg.csv")
        == 0
    )


def test_cli_all_zero_weights_say_so(small, capsys):
    tmp, _, strengths = small
    ids = sorted(pd.read_csv(tmp / "panel.csv")["state"].unique())
    pd.DataFrame(0.0 * strengths, index=ids, columns=ids).to_csv(tmp / "zero.csv")
    err = _one_line_exit_2(capsys, _fit_cli(tmp, "--model", "sdm", "--fe", "twoways", weights="zero.csv"))
    assert "all zero" in err and "wiped out" not in err


@pytest.mark.parametrize("how", ["folder", "under_a_file", "too_long", "unwritable"])
def test_cli_bad_out_path_is_one_line(small, capsys, monkeypatch, how):
    tmp, _, _ = small
    (tmp / "a_file").write_text("x")
    out = {
        "folder": tmp,
        "under_a_file": tmp / "a_file" / "o.json",
        "too_long": tmp / ("o" * 300 + ".json"),
        "unwritable": tmp / "o.json",
    }[how]
    if how == "unwritable":  # the tests run as root, who may write anywhere: make the temporary file fail
        import tempfile

        def refuse(*a, **k):
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(tempfile, "mkstemp", refuse)
    code = main(
        [
            "fit-panel",
            "--data",
            str(tmp / "panel.csv"),
            *ARGS,
            "--model",
            "slx",
            "--fe",
            "individual",
            "--weights",
            str(tmp / "w.csv"),
            "--out",
            str(out),
        ]
    )
    err = _one_line_exit_2(capsys, code)
    assert ("is a folder" if how == "folder" else "cannot write the output") in err


def test_cli_empty_csv_and_negative_seed(small, capsys):
    tmp, _, _ = small
    (tmp / "empty.csv").write_bytes(b"")
    err = _one_line_exit_2(capsys, _fit_cli(tmp, "--model", "sar", data="empty.csv"))
    assert "the file is empty" in err and "empty.csv" in err
    err = _one_line_exit_2(capsys, _fit_cli(tmp, "--model", "sar", "--seed", "-1"))
    assert "--seed must be between 0" in err


def test_cli_huge_name_gives_a_short_message(small, capsys):
    tmp, _, _ = small
    name = "v" * 100_000
    code = main(
        [
            "fit-panel",
            "--data",
            str(tmp / "panel.csv"),
            "--id",
            "state",
            "--time",
            "year",
            "--y",
            name,
            "--x",
            "logp",
            "--weights",
            str(tmp / "w.csv"),
            "--out",
            str(tmp / "o.json"),
        ]
    )
    err = _one_line_exit_2(capsys, code)
    assert len(err) < 2500 and "characters cut" in err


def test_engine_refuses_values_beyond_double_precision_naming_the_column(small):
    """The workflow's path (no CLI): gov x 1e160 says "rescale", as the command line does, not "zero in every
    row"; x 1e-10 is no longer taken for time-invariant."""
    from aicoord.errors import InputError

    tmp, d, strengths = small
    with pytest.raises(InputError, match=r"'logy' reach .*rescale"):
        SpatialPanel(
            d.assign(logy=d["logy"] * 1e160),
            y="logc",
            x=["logp", "logy"],
            id="state",
            time="year",
            w=strengths,
            model="sdm",
            effects="twoways",
        )
    tiny = SpatialPanel(
        d.assign(logy=d["logy"] * 1e-10),
        y="logc",
        x=["logp", "logy"],
        id="state",
        time="year",
        w=strengths,
        model="slx",
        effects="individual",
    ).fit()
    ref = SpatialPanel(
        d, y="logc", x=["logp", "logy"], id="state", time="year", w=strengths, model="slx", effects="individual"
    ).fit()
    assert_allclose(tiny.params["logy"] * 1e-10, ref.params["logy"], rtol=1e-9)


def test_cli_one_bad_province_id_names_its_row(tmp_path, capsys):
    from aicoord.provinces import province_table

    names = list(province_table()["name_short"])
    rows = [
        {"prov": p, "year": y, "y": float(i + y % 7), "x": float((i * 7 + y) % 11)}
        for i, p in enumerate(names)
        for y in (2019, 2020, 2021)
    ]
    data = pd.DataFrame(rows)
    data.loc[4, "prov"] = "Beijingg"  # one typo, on file row 6
    data.to_csv(tmp_path / "p.csv", index=False)
    (tmp_path / "w.csv").write_text("from,to,weight\n北京,天津,1\n")  # never read: the data's check comes first
    code = main(
        [
            "fit-panel",
            "--data",
            str(tmp_path / "p.csv"),
            "--id",
            "prov",
            "--time",
            "year",
            "--y",
            "y",
            "--x",
            "x",
            "--weights",
            str(tmp_path / "w.csv"),
            "--out",
            str(tmp_path / "o.json"),
        ]
    )
    err = _one_line_exit_2(capsys, code)
    assert "row 6" in err and "Beijingg" in err and "31 unit(s)" not in err


def test_cli_unbalanced_weights_by_year_of_the_observed_units_only(files):
    """Yearly boundaries give a matrix per year of that year's units: such a file is accepted (it was refused
    with "1 unit(s) of the data are not in the weights matrix") and fits as the full matrices' sub-matrices."""
    d = pd.read_csv(files / "panel.csv")
    gone = d[(d["state"] == d["state"].iloc[0]) & (d["year"] >= 85)]  # a unit absent from 1985 on
    d.drop(gone.index).to_csv(files / "absent.csv", index=False)
    long = pd.read_csv(files / "long.csv")
    parts = []
    for y in sorted(d["year"].unique()):
        keep = set(d.drop(gone.index).query("year == @y")["state"])
        parts.append(long[long["from"].isin(keep) & long["to"].isin(keep)].assign(year=y))
    pd.concat(parts)[["year", "from", "to", "weight"]].to_csv(files / "by_year_observed.csv", index=False)
    outs = []
    for w in ("by_year.csv", "by_year_observed.csv"):
        argv = [
            "fit-panel",
            "--data",
            str(files / "absent.csv"),
            *ARGS,
            "--weights-by-year",
            str(files / w),
            "--model",
            "sar",
            "--fe",
            "individual",
            "--draws",
            "20",
            "--out",
            str(files / f"{w}.json"),
        ]
        assert main(argv) == 0
        outs.append(json.loads((files / f"{w}.json").read_text()))
    assert outs[0]["missing_cells"]["count"] == len(gone) > 0
    for nm, c in outs[0]["coefficients"].items():
        assert_allclose(outs[1]["coefficients"][nm]["estimate"], c["estimate"], rtol=1e-12)
        assert_allclose(outs[1]["coefficients"][nm]["se"], c["se"], rtol=1e-12)
