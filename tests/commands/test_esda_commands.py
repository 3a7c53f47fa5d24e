"""The ``aicoord`` command line: weights, moran and lisa, and its errors on bad input."""

import json

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from aicoord.cli import main
from helpers import ATOL_R, ROOT, RTOL_R

DATA = ROOT / "data/raw/seed_table1_ai_index_2023.csv"


def _argv(cmd, out, *options, data=DATA):
    """The command line of ``aicoord moran`` or ``aicoord lisa`` (``cmd``) on the provinces' ``ai_index`` in
    ``data`` (the seed's Table 1 by default), with ``options``, writing ``out``."""
    return [cmd, "--data", str(data), "--id", "province", "--var", "ai_index", *options, "--out", str(out)]


def test_weights_csv_layout(tmp_path):
    out = tmp_path / "w.csv"
    assert main(["weights", "--kind", "knn", "--k", "4", "--out", str(out)]) == 0
    df = pd.read_csv(out, dtype={"code": str}).set_index("code")
    assert df.shape == (31, 31) and list(df.index) == list(df.columns)
    assert_allclose(df.sum(axis=1), 1.0)
    assert main(["weights", "--kind", "queen", "--island-links", "none", "--raw", "--out", str(out)]) == 0
    raw = pd.read_csv(out, dtype={"code": str}).set_index("code")
    assert raw.loc["460000"].sum() == 0 and set(np.unique(raw.to_numpy())) == {0.0, 1.0}


@pytest.mark.parametrize("weights", ["queen", "knn:4"])
def test_moran_json(tmp_path, spdep_reference, weights):
    out = tmp_path / "m.json"
    assert main(_argv("moran", out, "--weights", weights, "--permutations", "999", "--seed", "3")) == 0
    res = json.loads(out.read_text())
    ref = spdep_reference["results"]["queen" if weights == "queen" else "knn4"]
    for key in ("I", "EI", "z_norm", "p_norm", "z_rand", "p_rand"):
        assert_allclose(res[key], ref[key], rtol=RTOL_R, atol=ATOL_R, err_msg=key)
    assert 0 < res["p_sim"] <= 1 and res["permutations"] == 999


def test_moran_with_weights_file_and_english_ids(tmp_path, spdep_reference):
    w = tmp_path / "w.csv"
    main(["weights", "--kind", "queen", "--out", str(w)])
    data = pd.read_csv(DATA)
    from aicoord.provinces import normalize_province, province_table

    en = province_table().set_index("code")["name_en"]
    data["province"] = [en[normalize_province(p)].upper() for p in data["province"]]
    data.to_csv(tmp_path / "d.csv", index=False)
    out = tmp_path / "m.json"
    assert main(_argv("moran", out, "--weights", str(w), "--permutations", "99", data=tmp_path / "d.csv")) == 0
    assert_allclose(json.loads(out.read_text())["I"], spdep_reference["results"]["queen"]["I"], rtol=RTOL_R)


def test_lisa_csv(tmp_path, spdep_reference):
    out = tmp_path / "l.csv"
    assert main(_argv("lisa", out, "--weights", "queen", "--permutations", "999")) == 0
    df = pd.read_csv(out, dtype={"id": str})
    assert {"id", "Ii", "quadrant", "p_sim", "cluster"} <= set(df.columns)
    assert_allclose(df["Ii"], spdep_reference["results"]["queen"]["Ii"], rtol=RTOL_R, atol=ATOL_R)


def _bad(tmp_path, text):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _good_rows():
    return DATA.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize(
    "case,mutate,expect",
    [
        ("unknown", lambda r: [r[0], r[1].replace("北京", "工苏")] + r[2:], ["row 2", "column 'province'", "江苏"]),
        ("duplicate", lambda r: [r[0], r[1], r[1]] + r[3:], ["row 3", "duplicate", "row 2"]),
        ("missing", lambda r: [r[0], r[1].replace("96.58", "")] + r[2:], ["row 2", "column 'ai_index'", "missing"]),
        (
            "non-numeric",
            lambda r: [r[0], r[1], r[2].replace("94.74", "94.7x")] + r[3:],
            ["row 3", "column 'ai_index'", "non-numeric"],
        ),
        (
            "decimal-comma",
            lambda r: [r[0], r[1], r[2].replace("94.74", "94,74")] + r[3:],
            ["row 3", "4 fields but the header has 3"],
        ),
        ("header", lambda r: [r[0].replace("ai_index", "AI index")] + r[1:], ["row 1", "missing column 'ai_index'"]),
        ("absent", lambda r: r[:-1], ["1 province(s) missing", "西藏"]),
    ],
)
def test_bad_input_is_located_and_leaves_no_output(tmp_path, capsys, case, mutate, expect):
    path = _bad(tmp_path, "\n".join(mutate(_good_rows())) + "\n")
    for cmd in ("moran", "lisa"):
        out = tmp_path / f"{cmd}.out"
        rc = main(_argv(cmd, out, "--permutations", "9", data=path))
        err = capsys.readouterr().err
        assert rc == 2, err
        assert str(path) in err
        for e in expect:
            assert e in err, (case, err)
        assert not out.exists()
        assert not list(tmp_path.glob(".*"))  # no temporary file left behind


# ---- weights --kind rook|distance --power --cutoff-km; moran and lisa with distance weights, --alpha, --fdr


def _r_distance_matrix(spdep_reference, power, cutoff=None):
    """Inverse-distance weights from R's great-circle distances (tests/fixtures/esda/reference.json)."""
    d = np.array(spdep_reference["dist_km"])
    keep = (d > 0) & ((d <= cutoff) if cutoff else True)
    return np.where(keep, 1 / np.where(d > 0, d, 1) ** power, 0.0)


def test_weights_rook_and_distance_kinds(tmp_path, spdep_reference):
    out = tmp_path / "w.csv"
    assert main(["weights", "--kind", "rook", "--island-links", "none", "--raw", "--out", str(out)]) == 0
    rook = pd.read_csv(out, dtype={"code": str}).set_index("code")
    nb = {c: sorted(rook.columns[rook.loc[c].to_numpy() > 0]) for c in rook.index}
    assert nb == {c: sorted(v) for c, v in spdep_reference["rook_unlinked"].items()}  # R spdep poly2nb(queen=FALSE)
    assert (
        main(["weights", "--kind", "distance", "--power", "2", "--cutoff-km", "1000", "--raw", "--out", str(out)]) == 0
    )
    dist = pd.read_csv(out, dtype={"code": str}).set_index("code")
    assert list(dist.index) == spdep_reference["codes"]
    assert_allclose(dist.to_numpy(), _r_distance_matrix(spdep_reference, 2, 1000), rtol=RTOL_R, atol=ATOL_R)
    assert main(["weights", "--kind", "distance", "--power", "1.5", "--out", str(out)]) == 0
    expected = _r_distance_matrix(spdep_reference, 1.5)
    assert_allclose(
        pd.read_csv(out, dtype={"code": str}).set_index("code").to_numpy(),
        expected / expected.sum(axis=1, keepdims=True),
        rtol=RTOL_R,
        atol=ATOL_R,
    )


def test_moran_with_distance_weights_equals_formula(tmp_path, spdep_reference):
    """Moran's I with --weights distance:2 equals n/S0 z'Wz/z'z with W the row-standardised inverse squared
    great-circle distance (R's distances); E[I] = -1/(n-1)."""
    out = tmp_path / "m.json"
    assert main(_argv("moran", out, "--weights", "distance:2", "--permutations", "99")) == 0
    res = json.loads(out.read_text())
    from aicoord.contract import read_province_table

    y = read_province_table(DATA, "province", ["ai_index"]).loc[spdep_reference["codes"], "ai_index"].to_numpy()
    w = _r_distance_matrix(spdep_reference, 2)
    w = w / w.sum(axis=1, keepdims=True)
    z = y - y.mean()
    assert_allclose(res["I"], len(z) / w.sum() * (z @ w @ z) / (z @ z), rtol=RTOL_R)
    assert_allclose(res["EI"], -1 / (len(z) - 1), rtol=1e-10)


def _bh_threshold(p, alpha):
    """Benjamini-Hochberg: i* alpha / n for the largest i with p_(i) < i alpha / n, else alpha / n."""
    n = len(p)
    ok = np.nonzero(np.sort(p) < np.arange(1, n + 1) * alpha / n)[0]
    return (ok[-1] + 1) * alpha / n if len(ok) else alpha / n


@pytest.mark.parametrize(
    "extra,alpha,fdr",
    [(["--alpha", "0.1"], 0.1, False), (["--fdr"], 0.05, True), (["--fdr", "--alpha", "0.2"], 0.2, True)],
)
def test_lisa_alpha_and_fdr_thresholds(tmp_path, extra, alpha, fdr):
    """Cluster labels: the quadrant (sign of the value and of its lag) where p_sim <= threshold, with the
    threshold alpha or the Benjamini-Hochberg one computed here from the written p-values."""
    out = tmp_path / "l.csv"
    assert main(_argv("lisa", out, "--weights", "distance:1", "--permutations", "99", "--seed", "5", *extra)) == 0
    df = pd.read_csv(out, dtype={"id": str})
    thr = _bh_threshold(df["p_sim"].to_numpy(), alpha) if fdr else alpha
    assert_allclose(df["threshold"], thr, rtol=1e-9)  # the CSV holds 10 significant digits
    quad = np.select(
        [
            (df["z_value"] > 0) & (df["lag_z"] > 0),
            (df["z_value"] <= 0) & (df["lag_z"] > 0),
            (df["z_value"] <= 0) & (df["lag_z"] <= 0),
        ],
        ["HH", "LH", "LL"],
        "HL",
    )
    assert (df["quadrant"] == quad).all()
    assert (df["cluster"] == np.where(df["p_sim"] <= thr, quad, "Not significant")).all()


# ---- issue 24: the weights options are checked like the schema's, a user W's signs, all-zero W, --alpha


@pytest.mark.parametrize(
    "argv,message",
    [
        (["--power", "nan"], "--power must be a positive number"),
        (["--power", "-1"], "--power must be a positive number"),
        (["--cutoff-km", "0"], "--cutoff-km must be a positive number"),
        (["--cutoff-km", "-5"], "--cutoff-km must be a positive number"),
    ],
)
def test_weights_options_out_of_bounds_are_refused(tmp_path, capsys, argv, message):
    out = tmp_path / "w.csv"
    code = main(["weights", "--kind", "distance", *argv, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and message in err and err.count("\n") == 1 and not out.exists()


def test_weights_cutoff_leaving_islands_warns_with_the_count(tmp_path, capsys):
    out = tmp_path / "w.csv"
    assert main(["weights", "--kind", "distance", "--cutoff-km", "300", "--out", str(out)]) == 0
    raw = pd.read_csv(out, dtype={"code": str}).set_index("code")
    islands = int((raw.sum(axis=1) == 0).sum())
    err = capsys.readouterr().err
    assert islands > 0 and err.count("\n") == 1 and f"leaves {islands} province(s) without neighbours" in err


def _queen_file(tmp_path, mutate):
    w = tmp_path / "w.csv"
    assert main(["weights", "--kind", "queen", "--raw", "--out", str(w)]) == 0
    m = pd.read_csv(w, dtype={"code": str}).set_index("code").astype(float)
    m = mutate(m)
    m.to_csv(w)
    return w


@pytest.mark.parametrize("cmd", ["moran", "lisa"])
def test_negative_weight_is_refused_unless_allowed(tmp_path, capsys, cmd):
    def neg(m):
        m.loc["110000", "120000"] = -0.5
        return m

    w = _queen_file(tmp_path, neg)
    out = tmp_path / "o.out"
    argv = _argv(cmd, out, "--weights", str(w), "--permutations", "99")
    err = (main(argv), capsys.readouterr().err)
    assert err[0] == 2 and "weight -0.5 of row '110000', column '120000' is negative" in err[1] and not out.exists()
    assert main(argv + ["--allow-negative"]) == 0


def test_moran_all_zero_weights_is_one_line(tmp_path, capsys):
    w = _queen_file(tmp_path, lambda m: m * 0.0)
    out = tmp_path / "m.json"
    code = main(_argv("moran", out, "--weights", str(w), "--permutations", "99"))
    err = capsys.readouterr().err
    assert code == 2 and "all zero" in err and str(w) in err and err.count("\n") == 1 and not out.exists()


def test_lisa_bad_alpha_blames_the_option(tmp_path, capsys):
    code = main(_argv("lisa", tmp_path / "l.csv", "--alpha", "2", "--permutations", "99"))
    err = capsys.readouterr().err
    assert code == 2 and "--alpha must lie strictly between 0 and 1" in err and "ai_index" not in err


@pytest.mark.parametrize("cmd", ["moran", "lisa"])
def test_esda_negative_seed_is_refused(tmp_path, capsys, cmd):
    code = main(_argv(cmd, tmp_path / "o", "--seed", "-1"))
    assert code == 2 and "--seed must be between 0" in capsys.readouterr().err
