"""Steps of workflow/rules/data.smk (aicoord.steps.data): the demo panel file, the tidy panel, cross-sections."""
import json

import numpy as np
import pandas as pd
import pytest

from aicoord.errors import InputError
from aicoord.simulate import demo_dictionary
from aicoord.steps import data as steps
from helpers import NOTE, ROOT

DEMO_DICTIONARY = demo_dictionary(False)  # the exogenous demo panel


def test_simulated_file_is_in_the_real_panel_format(files):
    raw = pd.read_csv(files / "demo.csv")
    assert list(raw.columns[:2]) == ["province", "year"] and "code" not in raw
    assert raw["year"].min() == 2017 and raw["year"].max() == 2023 and len(raw) == 31 * 7
    truth = json.loads((files / "truth.json").read_text(encoding="utf-8"))
    assert truth["seed"] == 7 and truth["weights"] == "queen" and truth["note"] == NOTE
    assert (pd.read_csv(files / "truth.csv")["note"] == NOTE).all()

def test_panel_is_tidy_with_development_gap(files):
    p = pd.read_csv(files / "panel.csv", dtype={"code": str})
    assert list(p.columns[:4]) == ["code", "name", "region4", "year"]
    assert {"ai", "gdp_pc", "population", "coord_gap", "dev_gap", "dev_gap_growth"} <= set(p.columns)
    y = p[p["year"] == 2020]
    nat = (y["gdp_pc"] * y["population"]).sum() / y["population"].sum()
    assert np.allclose(y["dev_gap"], np.abs(np.log(y["gdp_pc"] / nat)))
    assert p.loc[p["year"] == 2017, "dev_gap_growth"].isna().all()
    roles = json.loads((files / "roles.json").read_text(encoding="utf-8"))
    assert roles["demo_panel"] is True and roles["roles"]["ai"] == "ai"

def test_panel_errors_are_located(files, tmp_path):
    raw = pd.read_csv(files / "demo.csv", dtype=str)
    raw.loc[5, "gdp_pc"] = "abc"
    bad = tmp_path / "bad.csv"
    raw.to_csv(bad, index=False)
    with pytest.raises(InputError) as exc:
        steps.panel(bad, tmp_path / "p.csv", tmp_path / "r.json", dictionary=DEMO_DICTIONARY, note="x",
                    simulated=False)
    msg = str(exc.value)
    assert "bad.csv" in msg and "7" in msg and "gdp_pc" in msg
    assert not (tmp_path / "p.csv").exists()


def test_cross_section_is_tidy(tmp_path):
    steps.cross_section(ROOT / "data/raw/seed_table1_ai_index_2023.csv", tmp_path / "ai.csv", id_col="province",
                        variables=["ai_index"], year=2023, note="Source: Table 1")
    d = pd.read_csv(tmp_path / "ai.csv", dtype={"code": str})
    assert list(d.columns) == ["code", "name", "region4", "year", "ai_index", "note"] and len(d) == 31
    assert (d["note"] == "Source: Table 1").all()
    assert d.loc[d["code"] == "320000", "ai_index"].iloc[0] == pytest.approx(
        pd.read_csv(ROOT / "data/raw/seed_table1_ai_index_2023.csv").set_index("province").loc["江苏", "ai_index"])
