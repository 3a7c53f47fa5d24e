"""Every class of bad input the project checks, with what the user must see.

One table, run by ``tests/commands/test_bad_input_table.py`` through the command line (``aicoord.cli.main``)
and by ``tests/workflow/test_bad_input_workflow.py`` through Snakemake. Each CLI case builds its files in a
temporary folder from the repository's real Table 1 (``SEED``) or from a small deterministic panel made from
it (:func:`province_panel`; test input, not data), then runs one command. Expected: the exit status (2 = bad
input, 3 = estimation failed), ONE line on standard error containing every ``expect`` string, no traceback,
and no output file.

Fields
------
id : str
    Short name of the class (the issue's item number first).
argv : callable(tmp_path) -> list of str
    The command line; ``{out}`` in it is replaced by the output path.
status : int
expect : list of str
xfail : str, optional
    Reason when the fix belongs to the spatial panel engine and is pending there.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers import ROOT

SEED = ROOT / "data/raw/seed_table1_ai_index_2023.csv"


def seed_copy(tmp_path, edit=None, name="d.csv"):
    """Table 1 (province, ai_index, rank), optionally edited by ``edit(DataFrame) -> DataFrame``."""
    df = pd.read_csv(SEED, dtype=str)
    if edit is not None:
        df = edit(df)
    path = tmp_path / name
    df.to_csv(path, index=False)
    return path


def province_panel(tmp_path, years=range(2017, 2024), edit=None, name="panel.csv"):
    """A deterministic province-year panel (Chinese names) with y, x1, x2 made from Table 1 and a seeded draw."""
    t1 = pd.read_csv(SEED)
    rng = np.random.default_rng(11)
    rows = []
    for name_, ai in zip(t1["province"], t1["ai_index"]):
        for y in years:
            x1 = ai / 10 + 0.3 * (y - 2017) + rng.normal()
            x2 = rng.normal()
            rows.append(
                {
                    "province": name_,
                    "year": y,
                    "y": 1 + 0.5 * x1 - 0.3 * x2 + rng.normal(),
                    "x1": x1,
                    "x2": x2,
                    "region_const": len(name_),
                }
            )
    df = pd.DataFrame(rows).astype({"year": int})
    if edit is not None:
        df = edit(df)
    path = tmp_path / name
    df.to_csv(path, index=False)
    return path


def knn_weights(tmp_path, name="w.csv"):
    """knn:4 weights of the 31 provinces written by ``aicoord weights`` (ids are province codes)."""
    from aicoord.cli import main

    path = tmp_path / name
    if not path.exists():
        assert main(["weights", "--kind", "knn", "--k", "4", "--out", str(path)]) == 0
    return path


def _esda(cmd, data, *extra):
    return [
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
        "9",
        *extra,
        "--out",
        "{out}",
    ]


def _fit(tmp_path, data=None, *extra, weights=None):
    data = data or province_panel(tmp_path)
    w = ["--weights", str(weights or knn_weights(tmp_path))]
    if extra and extra[0] == "--weights-by-year":
        w, extra = list(extra[:2]), extra[2:]
    return [
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
        *w,
        "--model",
        "sar",
        "--fe",
        "individual",
        "--draws",
        "50",
        *extra,
        "--out",
        "{out}",
    ]


def _drop_rows(df, mask):
    return df[~mask].reset_index(drop=True)


def _set(df, row, col, value):
    df = df.copy()
    df[col] = df[col].astype(object)
    df.loc[row, col] = value
    return df


def _weights_by_year(tmp_path, drop_year):
    w = pd.read_csv(knn_weights(tmp_path), dtype={"code": str}).set_index("code")
    r, c = np.nonzero(w.to_numpy())
    long = pd.DataFrame({"from": w.index[r], "to": w.columns[c], "weight": w.to_numpy()[r, c]})
    by = pd.concat([long.assign(year=y) for y in range(2017, 2024) if y != drop_year])
    path = tmp_path / "by_year.csv"
    by[["year", "from", "to", "weight"]].to_csv(path, index=False)
    return path


def _w_with_extra_unit(tmp_path):
    """The knn weights with the panel's Tibet dropped from the DATA: the matrix then has a unit the data lack."""
    return province_panel(tmp_path, edit=lambda d: _drop_rows(d, d["province"] == "西藏"), name="no_tibet.csv")


CLI_CASES = [
    # 3. nonsense settings
    {
        "id": "3-moran-permutations-negative",
        "argv": lambda t: [a if a != "9" else "-5" for a in _esda("moran", SEED)],
        "status": 2,
        "expect": ["--permutations must be between 1 and 1,000,000, not -5"],
    },
    {
        "id": "3-lisa-permutations-zero",
        "argv": lambda t: [a if a != "9" else "0" for a in _esda("lisa", SEED)],
        "status": 2,
        "expect": ["--permutations must be between 1 and 1,000,000, not 0"],
    },
    {
        "id": "3-permutations-not-a-number",
        "argv": lambda t: [a if a != "9" else "many" for a in _esda("moran", SEED)],
        "status": 2,
        "expect": ["--permutations must be a whole number, not 'many'"],
    },
    {
        "id": "3-draws-zero",
        "argv": lambda t: _fit(t) + ["--draws", "0"],
        "status": 2,
        "expect": ["--draws must be between 2 and 100,000, not 0"],
    },
    {
        "id": "3-draws-one",
        "argv": lambda t: _fit(t) + ["--draws", "1"],
        "status": 2,
        "expect": ["--draws must be between 2 and 100,000, not 1"],
    },
    {
        "id": "3-draws-negative",
        "argv": lambda t: _fit(t) + ["--draws", "-5"],
        "status": 2,
        "expect": ["--draws must be between 2 and 100,000, not -5"],
    },
    # 10. draws capped (1e7 took 6.4 GB)
    {
        "id": "10-draws-too-many",
        "argv": lambda t: _fit(t) + ["--draws", "10000000"],
        "status": 2,
        "expect": ["--draws must be between 2 and 100,000, not 10,000,000"],
    },
    # 4. a province missing from an inequality cross-section
    {
        "id": "4-inequality-province-missing",
        "argv": lambda t: [
            "inequality",
            "--data",
            str(seed_copy(t, lambda d: d[d["province"] != "西藏"])),
            "--id",
            "province",
            "--var",
            "ai_index",
            "--out",
            "{out}",
        ],
        "status": 2,
        "expect": ["1 of the 31 provinces missing: 西藏", "--allow-missing"],
    },
    # 8. constant outcome
    {
        "id": "8-constant-outcome-fe-none",
        "argv": lambda t: _fit(t, province_panel(t, edit=lambda d: d.assign(y=2.5))) + ["--fe", "none"],
        "status": 2,
        "expect": ["the dependent variable 'y' is constant"],
    },
    {
        "id": "8-constant-outcome-fe-twoways",
        "argv": lambda t: _fit(t, province_panel(t, edit=lambda d: d.assign(y=2.5))) + ["--fe", "twoways"],
        "status": 2,
        "expect": ["the dependent variable 'y' is constant"],
    },
    {
        "id": "8-outcome-wiped-out-by-individual-effects",
        "argv": lambda t: _fit(
            t, province_panel(t, edit=lambda d: d.assign(y=d["x1"].groupby(d["province"]).transform("mean")))
        ),
        "status": 2,
        "expect": ["does not vary within units", "wiped out by the individual fixed effects"],
    },
    # 11. Hong Kong, Macao, Taiwan
    {
        "id": "11-hong-kong-row",
        "argv": lambda t: _esda("moran", seed_copy(t, lambda d: _set(d, 0, "province", "Hong Kong"))),
        "status": 2,
        "expect": ["row 2", "'Hong Kong' is Hong Kong", "not one of the 31 mainland provinces", "drop the row"],
    },
    {
        "id": "11-taiwan-traditional",
        "argv": lambda t: _esda("lisa", seed_copy(t, lambda d: _set(d, 3, "province", "臺灣"))),
        "status": 2,
        "expect": ["row 5", "'臺灣' is Taiwan", "drop the row"],
    },
    {
        "id": "11-taiwan-province",
        "argv": lambda t: _esda("moran", seed_copy(t, lambda d: _set(d, 3, "province", "台湾省"))),
        "status": 2,
        "expect": ["'台湾省' is Taiwan"],
    },
    # 12. fit-panel's readers
    {
        "id": "12-duplicate-id-year",
        "argv": lambda t: _fit(t, province_panel(t, edit=lambda d: pd.concat([d, d.iloc[[8]]], ignore_index=True))),
        "status": 2,
        "expect": ["panel.csv", "row 219", "in period 2018 appears on rows 10, 219"],
    },
    {
        "id": "12-unit-in-weights-not-in-data",
        "argv": lambda t: _fit(t, _w_with_extra_unit(t)),
        "status": 2,
        "expect": ["w.csv", "1 unit(s) of the weights matrix are not in the data: 540000"],
    },
    {
        "id": "12-non-numeric-cell",
        "argv": lambda t: _fit(t, province_panel(t, edit=lambda d: _set(d, 4, "x2", "—"))),
        "status": 2,
        "expect": ["row 6", "column 'x2'", "'—' is not a finite number"],
    },
    {
        "id": "12-weights-by-year-missing-year",
        "argv": lambda t: _fit(t, None, "--weights-by-year", str(_weights_by_year(t, 2019))),
        "status": 2,
        "expect": ["by_year.csv", "no weights for period(s) 2019"],
    },
]

#: Classes checked through Snakemake: an overlay of the configuration (on helpers.FAST) and, optionally, a
#: target built first with the good configuration (a previous run whose results must not be kept).
WORKFLOW_CASES = [
    {
        "id": "1-panel-file-missing-after-a-run",
        "before": "results/data/panel.csv",
        "overlay": {
            "panel": {
                "file": "data/raw/no_such_panel.csv",
                "dictionary": {"ai": "ai_index", "outcome": ["y"], "gdp_pc": "gdp_pc"},
            }
        },
        "target": "results/data/panel.csv",
        "expect": ["configuration key panel.file names 'data/raw/no_such_panel.csv', which does not exist"],
    },
    {
        "id": "1-dataset-file-missing-after-a-run",
        "before": "results/data/ai2023.csv",
        "overlay": {"datasets": {"ai2023": {"file": "data/raw/no_such_table.csv"}}},
        "target": "results/data/ai2023.csv",
        "expect": ["configuration key datasets.ai2023.file names 'data/raw/no_such_table.csv', which does not exist"],
    },
    {
        "id": "13-top-level-typo",
        "overlay": {"mesures": {}},
        "expect": ["configuration key 'mesures' under (top level) is not known", "did you mean 'measures'"],
    },
    {
        "id": "13-map-weights-unknown-matrix",
        "overlay": {"esda": {"map_weights": ["quen"]}},
        "expect": ["esda.map_weights names an unknown matrix 'quen'", "queen"],
    },
    {
        "id": "13-demo-years-reversed",
        "overlay": {"demo": {"years": [2023, 2011]}},
        "expect": ["demo.years is [2023, 2011]: the last year must come after the first"],
    },
    {"id": "3-permutations-zero", "overlay": {"esda": {"permutations": 0}}, "expect": ["esda.permutations", "minimum"]},
    {
        "id": "10-recovery-draws-too-many",
        "overlay": {"measures": {"recovery": {"draws": 10_000_000}}},
        "expect": ["measures.recovery.draws", "maximum"],
    },
    # issue 24: bounds of the contract in the schema, cross-checks against the panel, all before any job
    {"id": "24-seed-negative", "overlay": {"seed": -1}, "expect": ["configuration key seed", "minimum of 0"]},
    {
        "id": "24-permutations-1e9",
        "overlay": {"esda": {"permutations": 10**9}},
        "expect": ["esda.permutations", "maximum of 1000000"],
    },
    {
        "id": "24-split-year-outside",
        "overlay": {"analysis": {"split_year": 1990}},
        "expect": ["analysis.split_year 1990 is outside the years"],
    },
    {
        "id": "24-kde-years-outside",
        "overlay": {"measures": {"kde": {"years": [1990]}}},
        "expect": ["measures.kde.years names [1990]"],
    },
    {
        "id": "24-beta-tau-too-long",
        "overlay": {"measures": {"beta": {"tau": 50}}},
        "expect": ["measures.beta.tau 50 is not shorter than the span"],
    },
    {
        "id": "24-cluster-unknown-column",
        "overlay": {"analysis": {"cov_type": "cluster", "cluster": "nosuchcol"}},
        "expect": ["analysis.cluster names 'nosuchcol'"],
    },
    {
        "id": "24-stars-repeated",
        "overlay": {"paper": {"stars": [0.05, 0.05, 0.01]}},
        "expect": ["paper.stars", "non-unique"],
    },
]
