"""Tests of ``aicoord inequality`` (CLI), through :func:`aicoord.cli.main`."""

import json

import numpy as np
import pandas as pd
import pytest
from inequality.gini import Gini
from inequality.theil import TheilD
from numpy.testing import assert_allclose

from aicoord.cli import main
from helpers import FIXTURES

FIX = FIXTURES / "measures"
AI_CSV = FIX / "ai_index_2023.csv"  # the seed paper's 2023 AI index, values from the brief


def test_cli_region4_ai_2023(tmp_path):
    out = tmp_path / "r.json"
    rc = main(
        [
            "inequality",
            "--data",
            str(AI_CSV),
            "--id",
            "province",
            "--var",
            "ai_index",
            "--groups",
            "region4",
            "--out",
            str(out),
        ]
    )
    assert rc == 0
    r = json.loads(out.read_text(encoding="utf-8"))
    for key in ("theil_t", "theil_l"):
        assert abs(r[key]["between"] + r[key]["within"] - r[key]["total"]) < 1e-15
        assert set(r[key]["groups"]) == {"East", "Central", "West", "Northeast"}
    d = r["dagum"]
    assert abs(d["within"] + d["between_net"] + d["transvariation"] - d["total"]) < 1e-15
    assert_allclose(d["within_share"] + d["between_net_share"] + d["transvariation_share"], 1.0, rtol=1e-14)
    y = pd.read_csv(AI_CSV)["ai_index"].to_numpy()
    assert_allclose(d["total"], Gini(y).g, rtol=1e-13)  # PySAL inequality
    assert_allclose(r["cv"], np.std(y) / np.mean(y), rtol=1e-13)  # numpy, ddof=0
    assert_allclose(r["sd_log"], np.std(np.log(y)), rtol=1e-13)
    # region4 labels from the province table, checked against PySAL TheilD
    region = {
        "East": ["北京", "天津", "河北", "上海", "江苏", "浙江", "福建", "山东", "广东", "海南"],
        "Central": ["山西", "安徽", "江西", "河南", "湖北", "湖南"],
        "Northeast": ["辽宁", "吉林", "黑龙江"],
    }
    lab = {p: k for k, v in region.items() for p in v}
    g = np.array([lab.get(p, "West") for p in pd.read_csv(AI_CSV)["province"]])
    assert_allclose(r["theil_t"]["between"], float(np.squeeze(TheilD(y, g).bg)), rtol=1e-12)


def test_cli_deterministic_and_sorted(tmp_path):
    args = ["inequality", "--data", str(AI_CSV), "--id", "province", "--var", "ai_index"]
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert main(args + ["--out", str(a)]) == 0
    assert main(args + ["--out", str(b)]) == 0
    assert a.read_bytes() == b.read_bytes()
    top = list(json.loads(a.read_text(encoding="utf-8")))
    assert top == sorted(top)


def test_cli_custom_groups_and_weights(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("id,y,grp,pop\na,1,A,2\nb,2,A,1\nc,3,B,1\nd,4,B,3\n", encoding="utf-8")
    out = tmp_path / "r.json"
    assert (
        main(
            [
                "inequality",
                "--data",
                str(data),
                "--id",
                "id",
                "--var",
                "y",
                "--groups",
                "grp",
                "--weight",
                "pop",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    r = json.loads(out.read_text(encoding="utf-8"))
    rep = np.repeat([1.0, 2, 3, 4], [2, 1, 1, 3])  # integer weights == replication
    assert_allclose(r["cv"], np.std(rep) / np.mean(rep), rtol=1e-13)
    assert r["weighted"] is True and r["dagum"]["weighted"] is False
    # Dagum hand case A={1,2}, B={3,4} (see test_inequality): G=.25, Gnb=.2, Gt=0
    assert_allclose([r["dagum"]["total"], r["dagum"]["between_net"]], [0.25, 0.2], rtol=1e-14)


def test_cli_errors_name_file_row_column(tmp_path, capsys):
    data = tmp_path / "bad.csv"
    data.write_text("province,ai\n北京,1\n广栋,2\n", encoding="utf-8")
    rc = main(["inequality", "--data", str(data), "--id", "province", "--var", "ai", "--out", str(tmp_path / "x.json")])
    err = capsys.readouterr().err
    assert rc == 2
    assert "bad.csv" in err and "row 3" in err and "column 'province'" in err and "did you mean" in err
    data.write_text("province,ai\n北京,1\n广东,abc\n", encoding="utf-8")
    rc = main(["inequality", "--data", str(data), "--id", "province", "--var", "ai", "--out", str(tmp_path / "x.json")])
    err = capsys.readouterr().err
    assert rc == 2 and "row 3" in err and "column 'ai'" in err


@pytest.mark.parametrize(
    "text,extra,message,row,column",
    [
        ("province,ai\n北京,1\n", ["--var", "gdp"], "no column 'gdp'", 1, None),
        ("province,ai\n北京,1\n北京,2\n", [], "duplicate unit '北京'", 3, "province"),
        ("province,ai\n北京,1\nBeijing,2\n", [], "two rows name the same province", None, "province"),
        ("province,ai\n北京,1\n天津,2\n", [], "29 of the 31 provinces missing", None, "province"),
        ("unit,ai,grp\na,1,x\nb,2,\n", ["--id", "unit", "--groups", "grp"], "missing group label", 3, "grp"),
        ("unit,ai,grp\na,1,x\nb,-2,y\n", ["--id", "unit", "--groups", "grp"], "value -2 is not allowed", 3, "ai"),
        (
            "unit,ai,grp,pop\na,1,x,1\nb,2,y,-1\n",
            ["--id", "unit", "--groups", "grp", "--weight", "pop"],
            "value -1 is not allowed",
            3,
            "pop",
        ),
        ("unit,ai,grp\na,3,x\nb,3,y\n", ["--id", "unit", "--groups", "grp"], "are all equal", None, "ai"),
        (
            "unit,ai,grp,pop\na,1,x,0\nb,2,y,0\n",
            ["--id", "unit", "--groups", "grp", "--weight", "pop"],
            "every weight is zero",
            None,
            "pop",
        ),
    ],
)
def test_cli_error_branches(tmp_path, capsys, text, extra, message, row, column):
    """Every input error of ``aicoord inequality``: exit 2, the file, the row and column named, no output."""
    data = tmp_path / "bad.csv"
    data.write_text(text, encoding="utf-8")
    argv = {"--id": "province", "--var": "ai"}
    argv.update(dict(zip(extra[::2], extra[1::2])))
    out = tmp_path / "x.json"
    rc = main(["inequality", "--data", str(data), *[a for kv in argv.items() for a in kv], "--out", str(out)])
    err = capsys.readouterr().err
    assert rc == 2 and message in err and "bad.csv" in err and "Traceback" not in err, err
    if row:
        assert f"row {row}" in err
    if column:
        assert f"column '{column}'" in err
    assert not out.exists()
