"""The collected global statistics (aicoord.steps.esda.collect_global): every column of the long table in its order
with each row's note and its matrix's provenance, and every cell of the year × matrix table (I at four decimals
with the stars of p under randomisation, z at three, p at four or "<0.0001") and its footnote, word for word."""

import json

import pandas as pd
import pytest

from aicoord.steps import esda as steps

FIRST = [
    "variable",
    "year",
    "matrix",
    "n",
    "I",
    "EI",
    "VI_norm",
    "z_norm",
    "p_norm",
    "VI_rand",
    "z_rand",
    "p_rand",
    "EI_sim",
    "z_sim",
    "p_sim",
    "permutations",
    "seed",
]
ECON = " | W = econ: GDP per capita from the panel: Source: P"


def _row(variable, matrix, i, z, p, note, matrix_note):
    row = {
        "variable": variable,
        "year": 2023,
        "matrix": matrix,
        "n": 31,
        "I": i,
        "EI": -1 / 30,
        "VI_norm": 0.01,
        "z_norm": z + 0.1,
        "p_norm": 0.5,
        "VI_rand": 0.011,
        "z_rand": z,
        "p_rand": p,
        "EI_sim": -0.03,
        "z_sim": z - 0.1,
        "p_sim": 0.3,
        "permutations": 99,
        "seed": 1,
        "extra": 7,  # a statistic the list does not name: kept after the others
        "note": note,
    }
    if matrix_note is not None:
        row["matrix_note"] = matrix_note
    return row


@pytest.mark.quick
def test_collect_global_writes_every_column_and_cell_with_its_note(tmp_path):
    rows = [
        _row("gdp_pc", "m1", 0.2, -1.5, 0.04321, "Source: G", None),  # an older JSON without matrix_note
        _row("gdp_pc", "econ", 0.05, 0.4, 0.2, "Source: G", ECON),
        _row("ai_index", "m1", 0.123456, 1.23456, 1e-4, "Source: A", ""),
        _row("ai_index", "econ", -0.3, -4.5, 9.99e-5, "Source: A", ECON),
    ]
    paths = []
    for k, r in enumerate(rows):
        paths.append(tmp_path / f"g{k}.json")
        paths[-1].write_text(json.dumps(r), encoding="utf-8")
    steps.collect_global(paths, tmp_path / "long.csv", tmp_path / "wide.csv")
    long = pd.read_csv(tmp_path / "long.csv")
    assert list(long.columns) == FIRST + ["extra", "note"]
    assert list(zip(long["variable"], long["matrix"])) == [
        ("ai_index", "econ"),
        ("ai_index", "m1"),
        ("gdp_pc", "econ"),
        ("gdp_pc", "m1"),
    ]
    assert list(long["note"]) == ["Source: A" + ECON, "Source: A", "Source: G" + ECON, "Source: G"]
    assert list(long["I"]) == [-0.3, 0.123456, 0.05, 0.2] and list(long["extra"]) == [7] * 4
    wide = pd.read_csv(tmp_path / "wide.csv", dtype=str, keep_default_na=False)
    assert list(wide.columns) == ["variable", "year", "econ_I", "econ_z", "econ_p", "m1_I", "m1_z", "m1_p"]
    # p = 1e-4 is printed, below it "<0.0001"; the ASCII minus of the study's tables
    assert wide.iloc[0].tolist() == [
        "ai_index",
        "2023",
        "-0.3000***",
        "-4.500",
        "<0.0001",
        "0.1235***",
        "1.235",
        "0.0001",
    ]
    assert wide.iloc[1].tolist() == ["gdp_pc", "2023", "0.0500", "0.400", "0.2000", "0.2000**", "-1.500", "0.0432"]
    foot = wide.iloc[2]
    assert foot["variable"] == (
        "Note: z and two-sided p under randomisation; *** p<0.01, ** p<0.05, * p<0.1; row-standardised weights. "
        "ai_index: Source: A | gdp_pc: Source: G" + ECON
    )
    assert (foot.drop("variable") == "").all()
