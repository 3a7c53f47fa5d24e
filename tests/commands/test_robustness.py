"""No wrong result ever exits 0: the command line on extreme values, incomplete maps, gap years, tests that do
not apply, and the workflow's own files (issue "No wrong result ever exits 0"; bad-input messages are in
tests/bad_inputs.py)."""

import argparse
import json

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from aicoord.cli import main
from aicoord.contract import check_consecutive_periods
from aicoord.errors import InputError
from bad_inputs import SEED, knn_weights, province_panel, seed_copy


def _esda(cmd, data, out, perms="99"):
    return main(
        [
            cmd,
            "--data",
            str(data),
            "--id",
            "province",
            "--var",
            "ai_index",
            "--weights",
            "knn:4",
            "--permutations",
            perms,
            "--seed",
            "5",
            "--out",
            str(out),
        ]
    )


@pytest.mark.parametrize("factor", [1e160, 1e306, 1e-300])
def test_extreme_scales_give_the_results_of_moderate_data(tmp_path, factor):
    """Item 2: 1e160 made every Ii empty and every province LL with p_sim 0.001; 1e308 made I null."""
    big = seed_copy(
        tmp_path, lambda d: d.assign(ai_index=[f"{float(v) * factor!r}" for v in d["ai_index"]]), name="big.csv"
    )
    for cmd, ext in (("moran", "json"), ("lisa", "csv")):
        assert _esda(cmd, SEED, tmp_path / f"ref.{ext}") == 0
        assert _esda(cmd, big, tmp_path / f"big.{ext}") == 0
    ref, got = (json.loads((tmp_path / f"{n}.json").read_text()) for n in ("ref", "big"))
    for key in ("I", "EI", "z_norm", "z_rand", "p_sim", "C", "G", "z_G"):
        assert got[key] is not None and np.isfinite(got[key]), key
        assert_allclose(got[key], ref[key], rtol=1e-9, err_msg=key)
    ref, got = (pd.read_csv(tmp_path / f"{n}.csv", dtype={"id": str}) for n in ("ref", "big"))
    assert np.isfinite(got["Ii"]).all()
    assert_allclose(got["Ii"], ref["Ii"], rtol=1e-9, atol=1e-12)
    assert (got["p_sim"] == ref["p_sim"]).all() and (got["cluster"] == ref["cluster"]).all()
    assert set(got["quadrant"]) == {"HH", "LL", "LH", "HL"} & set(ref["quadrant"])


def test_non_finite_statistics_are_refused_not_mapped(monkeypatch):
    import esda

    from aicoord import autocorrelation
    from aicoord.errors import EstimationError
    from aicoord.weights import knn_weights as knn

    real = esda.Moran_Local

    def broken(*a, **k):
        lm = real(*a, **k)
        lm.Is = lm.Is * np.nan
        return lm

    monkeypatch.setattr(autocorrelation.esda, "Moran_Local", broken)
    y = pd.read_csv(SEED)["ai_index"].to_numpy()
    with pytest.raises(EstimationError, match="non-finite values .*Ii"):
        autocorrelation.local_moran(y, knn(4), permutations=9)


def test_library_refuses_nonsense_settings():
    from aicoord.autocorrelation import global_autocorrelation, local_moran
    from aicoord.weights import knn_weights as knn

    y, w = np.arange(31.0), knn(4)
    for bad in (0, -5, 2.5, "9", 10**7):
        if bad != 0:  # 0 permutations: the analytic moments only (p_sim NaN) for the global statistics
            with pytest.raises(InputError, match="number of permutations"):
                global_autocorrelation(y, w, permutations=bad)
        with pytest.raises(InputError, match="number of permutations"):
            local_moran(y, w, permutations=bad)
    assert np.isnan(global_autocorrelation(y, w, permutations=0)["p_sim"])
    with pytest.raises(InputError, match="significance level"):
        local_moran(y, w, permutations=9, alpha=1.5)


def test_inequality_allow_missing_names_the_missing_provinces(tmp_path, capsys):
    """Item 4: without --allow-missing a missing province is refused (tests/bad_inputs.py); with it the JSON and
    standard error name it."""
    data = seed_copy(tmp_path, lambda d: d[~d["province"].isin(["西藏", "上海"])])
    out = tmp_path / "i.json"
    assert (
        main(
            [
                "inequality",
                "--data",
                str(data),
                "--id",
                "province",
                "--var",
                "ai_index",
                "--allow-missing",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    res = json.loads(out.read_text(encoding="utf-8"))
    assert res["n"] == 29 and res["missing_provinces"] == ["上海", "西藏"]
    assert "missing: 上海, 西藏" in capsys.readouterr().err
    full = tmp_path / "full.json"
    assert main(["inequality", "--data", str(SEED), "--id", "province", "--var", "ai_index", "--out", str(full)]) == 0
    assert json.loads(full.read_text())["missing_provinces"] == []


@pytest.mark.parametrize("factor", [1e300, 1e-300])
def test_inequality_is_scale_free_at_extreme_scales(tmp_path, factor):
    big = seed_copy(tmp_path, lambda d: d.assign(ai_index=[f"{float(v) * factor!r}" for v in d["ai_index"]]))
    for name, data in (("ref", SEED), ("big", big)):
        assert (
            main(
                [
                    "inequality",
                    "--data",
                    str(data),
                    "--id",
                    "province",
                    "--var",
                    "ai_index",
                    "--out",
                    str(tmp_path / f"{name}.json"),
                ]
            )
            == 0
        )
    ref, got = (json.loads((tmp_path / f"{n}.json").read_text()) for n in ("ref", "big"))
    assert_allclose(got["cv"], ref["cv"], rtol=1e-12)
    assert_allclose(got["dagum"]["total"], ref["dagum"]["total"], rtol=1e-12)
    assert_allclose(got["theil_t"]["total"], ref["theil_t"]["total"], rtol=1e-9)
    assert_allclose(got["mean"], ref["mean"] * factor, rtol=1e-12)


def test_check_consecutive_periods():
    assert check_consecutive_periods([2011, 2012, 2013]) == []
    assert check_consecutive_periods([2016, 2014, 2011, 2012, 2014]) == [2013, 2015]
    assert check_consecutive_periods([]) == []


def test_fit_panel_with_a_gap_year_warns_and_refuses_time_lags(tmp_path, capsys):
    """Item 5: 2019 dropped is fitted as T = 6 with a warning on stderr and in the JSON; a model that lags in
    time (--dlag, for the dynamic models) is refused."""
    from aicoord.commands import fit_panel

    data = province_panel(tmp_path, edit=lambda d: d[d["year"] != 2019])
    w = knn_weights(tmp_path)
    out = tmp_path / "fit.json"
    argv = [
        "fit-panel",
        "--data",
        str(data),
        "--id",
        "province",
        "--time",
        "year",
        "--y",
        "y",
        "--x",
        "x1",
        "x2",
        "--weights",
        str(w),
        "--model",
        "sar",
        "--fe",
        "individual",
        "--draws",
        "50",
        "--out",
        str(out),
    ]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "warning" in err and "2019 missing" in err
    res = json.loads(out.read_text())
    assert res["t"] == 6 and any("2019 missing" in w_ for w_ in res["warnings"])
    parser = argparse.ArgumentParser()
    fit_panel.add_arguments(parser)
    args = parser.parse_args(argv[1:])
    args.dlag = True
    with pytest.raises(InputError, match="a time lag needs consecutive periods: 2019 missing"):
        fit_panel.run(args)


@pytest.mark.parametrize("fe, skipped", [("none", {"lr_effects"}), ("random", {"lr_effects", "hausman"})])
def test_tests_that_do_not_apply_are_skipped_not_blocking(tmp_path, fe, skipped):
    """Item 6: a time-invariant regressor is fine for pooled and random-effects models; the fixed-effects tests
    run after the fit (which cannot wipe it out) are skipped with their reason."""
    data = province_panel(tmp_path)
    out = tmp_path / "fit.json"
    assert (
        main(
            [
                "fit-panel",
                "--data",
                str(data),
                "--id",
                "province",
                "--time",
                "year",
                "--y",
                "y",
                "--x",
                "x1",
                "region_const",
                "--weights",
                str(knn_weights(tmp_path)),
                "--model",
                "sar",
                "--fe",
                fe,
                "--draws",
                "50",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    res = json.loads(out.read_text())
    assert set(res["tests_skipped"]) == skipped
    assert all("wiped out" in why for why in res["tests_skipped"].values())
    assert "region_const" in res["coefficients"] and res["coefficients"]["region_const"]["se"] > 0


def test_fit_panel_reads_the_workflows_own_files(tmp_path):
    """Item 7: the workflow's demo-style panel (province names) with results/weights/queen.csv (codes)."""
    from aicoord.steps import data as data_steps

    w = tmp_path / "queen.csv"
    assert main(["weights", "--kind", "queen", "--out", str(w)]) == 0
    data_steps.simulate_panel(
        SEED,
        w,
        tmp_path / "panel.csv",
        tmp_path / "truth.json",
        tmp_path / "truth.csv",
        years=[2019, 2023],
        seed=3,
        weights_name="queen",
        note="Simulated data. Source: test",
    )
    assert not pd.read_csv(tmp_path / "panel.csv")["province"].str.isdigit().any()
    assert pd.read_csv(w, dtype=str).iloc[:, 0].str.fullmatch(r"\d{6}").all()
    out = tmp_path / "fit.json"
    assert (
        main(
            [
                "fit-panel",
                "--data",
                str(tmp_path / "panel.csv"),
                "--id",
                "province",
                "--time",
                "year",
                "--y",
                "coord_gap",
                "--x",
                "ai_index",
                "gov",
                "--weights",
                str(w),
                "--model",
                "sdm",
                "--fe",
                "twoways",
                "--draws",
                "100",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    res = json.loads(out.read_text())
    assert (res["n"], res["t"]) == (31, 5) and res["tests_skipped"] == {}


def _sac_boundary_panel(tmp_path):
    """A two-way panel (a ring of 31 units, T = 2) on which the SAC's likelihood rises without bound towards the
    edge of the admissible region, so the estimation fails on valid input: y is, up to 1e-4 noise, the eigenvector
    of the ring's smallest eigenvalue (the errors' lambda is driven to 1/omega_min). Returns (panel, weights).

    (The panel used before, simulated near rho = 1, only failed because the Nelder-Mead polish left the
    bounds; with the polish kept inside them it is estimated: rho 0.99, lambda -0.95.)"""
    n = 31
    ids = list(range(1, n + 1))
    ring = np.zeros((n, n))
    for i in range(n):
        ring[i, (i + 1) % n] = ring[i, (i - 1) % n] = 1.0
    wpath = tmp_path / "ring.csv"
    pd.DataFrame(ring, index=pd.Index(ids, name="id"), columns=ids).to_csv(wpath)
    v = np.cos(2 * np.pi * 15 * np.arange(n) / n)
    rng = np.random.default_rng(0)
    rows = []
    for t, a in enumerate((1.0, -0.5)):
        x, y = rng.normal(size=n), a * v + 1e-4 * rng.normal(size=n)
        rows += [{"id": i, "t": 2020 + t, "x": x[k], "y": y[k]} for k, i in enumerate(ids)]
    path = tmp_path / "sac.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path, wpath


def test_sac_that_does_not_converge_exits_3_with_one_line(tmp_path, capsys):
    """Item 9: non-convergence is an estimation failure with a hint, one line, exit status 3, nothing written."""
    out = tmp_path / "fit.json"
    data, weights = _sac_boundary_panel(tmp_path)
    rc = main(
        [
            "fit-panel",
            "--data",
            str(data),
            "--id",
            "id",
            "--time",
            "t",
            "--y",
            "y",
            "--x",
            "x",
            "--weights",
            str(weights),
            "--model",
            "sac",
            "--fe",
            "twoways",
            "--draws",
            "50",
            "--out",
            str(out),
        ]
    )
    err = capsys.readouterr().err
    assert rc == 3, err
    assert len(err.strip().splitlines()) == 1 and "estimation failed" in err and "(" in err  # with a hint
    assert not out.exists()


@pytest.mark.parametrize("cell", ["9\x1e7", "12\u20283"])
def test_a_cell_with_line_breaking_characters_still_gives_one_line(tmp_path, capsys, cell):
    """Found by the property tests: control characters and line separators in a cell split the message."""
    data = seed_copy(tmp_path, lambda d: d.assign(ai_index=[cell] + list(d["ai_index"][1:])))
    assert _esda("moran", data, tmp_path / "m.json") == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "row 2" in err and "column 'ai_index'" in err
