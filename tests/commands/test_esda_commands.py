"""The ``aicoord`` command line: weights, moran and lisa, and its errors on bad input."""
import json

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from aicoord.cli import main
from helpers import ATOL_R, ROOT, RTOL_R

DATA = ROOT / "data/raw/seed_table1_ai_index_2023.csv"


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
    assert main(["moran", "--data", str(DATA), "--id", "province", "--var", "ai_index", "--weights", weights,
                 "--permutations", "999", "--seed", "3", "--out", str(out)]) == 0
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
    assert main(["moran", "--data", str(tmp_path / "d.csv"), "--id", "province", "--var", "ai_index",
                 "--weights", str(w), "--permutations", "99", "--out", str(out)]) == 0
    assert_allclose(json.loads(out.read_text())["I"], spdep_reference["results"]["queen"]["I"], rtol=RTOL_R)


def test_lisa_csv(tmp_path, spdep_reference):
    out = tmp_path / "l.csv"
    assert main(["lisa", "--data", str(DATA), "--id", "province", "--var", "ai_index", "--weights", "queen",
                 "--permutations", "999", "--out", str(out)]) == 0
    df = pd.read_csv(out, dtype={"id": str})
    assert {"id", "Ii", "quadrant", "p_sim", "cluster"} <= set(df.columns)
    assert_allclose(df["Ii"], spdep_reference["results"]["queen"]["Ii"], rtol=RTOL_R, atol=ATOL_R)


def _bad(tmp_path, text):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _good_rows():
    return DATA.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("case,mutate,expect", [
    ("unknown", lambda r: [r[0], r[1].replace("北京", "工苏")] + r[2:], ["row 2", "column 'province'", "江苏"]),
    ("duplicate", lambda r: [r[0], r[1], r[1]] + r[3:], ["row 3", "duplicate", "row 2"]),
    ("missing", lambda r: [r[0], r[1].replace("96.58", "")] + r[2:], ["row 2", "column 'ai_index'", "missing"]),
    ("non-numeric", lambda r: [r[0], r[1], r[2].replace("94.74", "94.7x")] + r[3:],
     ["row 3", "column 'ai_index'", "non-numeric"]),
    ("decimal-comma", lambda r: [r[0], r[1], r[2].replace("94.74", "94,74")] + r[3:],
     ["row 3", "4 fields but the header has 3"]),
    ("header", lambda r: [r[0].replace("ai_index", "AI index")] + r[1:], ["row 1", "missing column 'ai_index'"]),
    ("absent", lambda r: r[:-1], ["1 province(s) missing", "西藏"]),
])
def test_bad_input_is_located_and_leaves_no_output(tmp_path, capsys, case, mutate, expect):
    path = _bad(tmp_path, "\n".join(mutate(_good_rows())) + "\n")
    for cmd in ("moran", "lisa"):
        out = tmp_path / f"{cmd}.out"
        rc = main([cmd, "--data", str(path), "--id", "province", "--var", "ai_index", "--permutations", "9",
                   "--out", str(out)])
        err = capsys.readouterr().err
        assert rc == 2, err
        assert str(path) in err
        for e in expect:
            assert e in err, (case, err)
        assert not out.exists()
        assert not list(tmp_path.glob(".*"))  # no temporary file left behind
