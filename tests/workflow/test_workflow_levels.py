"""The study at prefecture level (study.level: prefecture) through Snakemake, to the verdict and on to the paper
tables (both slow: a second whole study).

A slice at test cost: the FAST overlay, a robustness grid of one matrix, two samples and one model, and 200 draws.
"""

import json

import pandas as pd
import pytest

from helpers import FAST, make_study, merge, run_snakemake

#: The slice: the prefecture study, cheaper (the level's own overlay is laid over this, so its costs are set there).
SLICE = merge(
    FAST,
    {
        "study": {"level": "prefecture"},
        "levels": {
            "prefecture": {
                "esda": {"permutations": 99},
                "analysis": {
                    "draws": 200,
                    "robustness": {"weights": ["queen"], "samples": ["full", "no_municipalities"], "models": ["sdm"]},
                },
            }
        },
    },
)


@pytest.fixture(scope="module")
def prefecture_study(tmp_path_factory):
    """The prefecture study run to its verdict (17 of its 49 jobs: one matrix, the panel, the models)."""
    wd = make_study(tmp_path_factory.mktemp("pref"), SLICE)
    run_snakemake(wd, "results/tables/verdict.csv")
    return wd


@pytest.mark.slow(
    reason="a second whole study (17 jobs at 367 prefectures, about 1 min of the fast suite's 6): the prefecture "
    "level's parts stay in the fast suite: every weights kind at prefecture level (tests/steps/test_geometry.py), "
    "the prefecture demo panel (tests/test_simulate.py) and the level's configuration (tests/test_config.py)"
)
@pytest.mark.whole_study
@pytest.mark.xdist_group("prefecture_study")
def test_prefecture_study_reaches_the_verdict(prefecture_study):
    res = prefecture_study / "results"
    panel = pd.read_csv(res / "data/panel.csv", dtype={"code": str})
    assert panel["code"].nunique() == 367 and {"110100", "419001", "469001"} <= set(panel["code"])
    assert panel.groupby("code")["region4"].nunique().eq(1).all()
    assert panel.loc[panel["code"] == "419001", "region4"].iloc[0] == "Central"
    roles = json.loads((res / "data/panel_roles.json").read_text(encoding="utf-8"))
    assert roles["level"] == "prefecture" and roles["units"] == 367
    verdict = pd.read_csv(res / "tables/verdict.csv")
    assert len(verdict) == 5 and verdict["note"].str.contains("模拟数据").all()
    assert verdict["note"].str.contains("367 个地级单位").all()  # the level's convention reaches the notes
    rob = pd.read_csv(res / "tables/robustness.csv", dtype=str)
    assert set(rob["sample"]) == {"full", "no_municipalities"}
    assert not (res / "geometry/provinces.gpkg").exists() and (res / "geometry/prefectures.gpkg").exists()


@pytest.mark.slow(
    reason="the rest of the prefecture study (32 more jobs: every matrix, the ESDA and the paper "
    "tables, about 1.5 min of CPU); its parts are in the fast suite: every weights kind at "
    "prefecture level (tests/steps/test_geometry.py), the prefecture demo panel "
    "(tests/test_simulate.py); the study to its verdict (above) is slow too"
)
@pytest.mark.whole_study
@pytest.mark.xdist_group("prefecture_study")
def test_prefecture_study_reaches_the_tables(prefecture_study):
    wd = prefecture_study
    run_snakemake(
        wd, "results/paper/tables.docx", "results/tables/weights_summary.csv", "results/tables/moran_year_by_matrix.csv"
    )
    res = wd / "results"
    ws = pd.read_csv(res / "tables/weights_summary.csv")
    assert (ws["n"] == 367).all() and ws.loc[ws["matrix"] == "queen", "islands"].iloc[0] == 0
    assert set(ws["kind"]) == {"queen", "rook", "knn", "distance", "economic", "nested"}
    lisa = pd.read_csv(res / "esda/lisa/ai_2023_queen.csv", dtype={"id": str})
    assert len(lisa) == 367 and lisa["note"].str.contains("模拟数据").all()
    assert (res / "paper/tables.docx").stat().st_size > 0
    model = json.loads((res / "paper/verdict.json").read_text(encoding="utf-8"))
    assert model["notes"][0] == "模拟数据 (simulated data)"
