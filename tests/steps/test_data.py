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
        steps.panel(bad, tmp_path / "p.csv", tmp_path / "r.json", dictionary=DEMO_DICTIONARY, note="x", simulated=False)
    msg = str(exc.value)
    assert "bad.csv" in msg and "7" in msg and "gdp_pc" in msg
    assert not (tmp_path / "p.csv").exists()


def test_cross_section_is_tidy(tmp_path):
    steps.cross_section(
        ROOT / "data/raw/seed_table1_ai_index_2023.csv",
        tmp_path / "ai.csv",
        id_col="province",
        variables=["ai_index"],
        year=2023,
        note="Source: Table 1",
    )
    d = pd.read_csv(tmp_path / "ai.csv", dtype={"code": str})
    assert list(d.columns) == ["code", "name", "region4", "year", "ai_index", "note"] and len(d) == 31
    assert (d["note"] == "Source: Table 1").all()
    assert d.loc[d["code"] == "320000", "ai_index"].iloc[0] == pytest.approx(
        pd.read_csv(ROOT / "data/raw/seed_table1_ai_index_2023.csv").set_index("province").loc["江苏", "ai_index"]
    )


def test_cross_section_of_the_panel_is_its_year_with_its_note(files, tmp_path):
    """``from_panel``: the cross-section is the tidy panel's year ``year``, with the panel's note (not ``note``)."""
    out = tmp_path / "ai2020.csv"
    steps.cross_section(files / "panel.csv", out, id_col="code", variables=["ai"], year=2020, note="x", from_panel=True)
    d = pd.read_csv(out, dtype={"code": str})
    p = pd.read_csv(files / "panel.csv", dtype={"code": str})
    want = p[p["year"] == 2020][["code", "name", "region4", "year", "ai", "note"]].reset_index(drop=True)
    assert list(d.columns) == list(want.columns) and (d["note"] == NOTE).all()
    pd.testing.assert_frame_equal(d, want, check_exact=False, rtol=1e-9)


@pytest.mark.parametrize(
    "kw,message,hint",
    [
        ({"year": 1999, "variables": ["ai"]}, "the panel has no rows for year 1999", "one of [2017, 2018"),
        ({"year": 2020, "variables": ["ai", "nosuch"]}, "the panel has no column nosuch", "columns of the tidy panel"),
    ],
)
def test_cross_section_of_the_panel_names_the_file_and_the_fix(files, tmp_path, kw, message, hint):
    out = tmp_path / "x.csv"
    with pytest.raises(InputError) as err:
        steps.cross_section(files / "panel.csv", out, id_col="code", note="x", from_panel=True, **kw)
    e = err.value
    assert e.file == str(files / "panel.csv") and f"file '{files / 'panel.csv'}'" in str(e)
    assert message in str(e) and hint in str(e)
    assert not out.exists()


def test_simulate_panel_is_byte_identical_for_a_seed_and_changes_with_it(files, tmp_path):
    def simulate(folder, seed):
        folder.mkdir()
        steps.simulate_panel(
            ROOT / "data/raw/seed_table1_ai_index_2023.csv",
            files / "queen.csv",
            folder / "demo.csv",
            folder / "truth.json",
            folder / "truth.csv",
            years=[2017, 2023],
            seed=seed,
            weights_name="queen",
            note=NOTE,
        )
        return [(folder / n).read_bytes() for n in ("demo.csv", "truth.json", "truth.csv")]

    first, again, other = simulate(tmp_path / "a", 7), simulate(tmp_path / "b", 7), simulate(tmp_path / "c", 8)
    assert first == again  # the fixture's seed: the same three files, byte for byte
    assert first[0] == (files / "demo.csv").read_bytes() and other[0] != first[0]


def test_mechanism_data_is_the_dictionary_column_of_the_panel_file(files, tmp_path):
    raw = pd.read_csv(files / "demo.csv")
    for m, column in DEMO_DICTIONARY["mechanisms"].items():
        steps.mechanism_data(
            files / "demo.csv", tmp_path / f"{m}.csv", dictionary=DEMO_DICTIONARY, mechanism=m, note=NOTE
        )
        assert (tmp_path / f"{m}.csv").read_bytes() == (files / f"mechanism_{m}.csv").read_bytes()
        tidy = pd.read_csv(tmp_path / f"{m}.csv", dtype={"code": str})
        assert list(tidy.columns) == ["code", "year", m, "note"] and (tidy["note"] == NOTE).all()
        assert len(tidy) == len(raw)
        assert np.sort(tidy[m].to_numpy()) == pytest.approx(np.sort(raw[column].to_numpy()), rel=1e-12)


def test_panel_step_records_roles_years_and_provenance(files, tmp_path):
    """The roles JSON of the panel step, called in this test (mutmut attributes the step to the test that
    calls it; the session fixture's call is seen by one test only): every role, the source columns, the
    years, the demo flag, the note, the file, the level and the number of units."""
    steps.panel(
        files / "demo.csv",
        tmp_path / "p.csv",
        tmp_path / "r.json",
        dictionary=DEMO_DICTIONARY,
        note="Source: x",
        simulated=False,
    )
    r = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    raw = pd.read_csv(files / "demo.csv")
    assert r["roles"] == {
        "ai": "ai",
        "outcome": ["coord_gap"],
        "gdp_pc": "gdp_pc",
        "population": "population",
        "controls": ["gov", "urban"],
        "instruments": [],
        "mechanisms": {},
    }
    assert r["source_columns"] == {
        "ai": "ai_index",
        "coord_gap": "coord_gap",
        "gdp_pc": "gdp_pc",
        "gov": "gov",
        "population": "population",
        "urban": "urban",
    }
    assert r["years"] == sorted(raw["year"].unique().tolist()) == list(range(2017, 2024))
    assert r["demo_panel"] is False and r["note"] == "Source: x" and r["file"] == str(files / "demo.csv")
    assert r["level"] == "province" and r["units"] == raw["province"].nunique() == 31
    p = pd.read_csv(tmp_path / "p.csv", dtype={"code": str})
    assert (p["note"] == "Source: x").all() and len(p) == len(raw)
    # the gap's change is this year's gap minus last year's, per province
    q = p.sort_values(["code", "year"])
    change = q.groupby("code")["dev_gap"].diff()
    assert np.allclose(q["dev_gap_change"].dropna(), change.dropna(), rtol=1e-9)
    assert np.allclose(
        q["dev_gap_growth"].dropna(), (q["dev_gap"] / q.groupby("code")["dev_gap"].shift(1) - 1).dropna(), rtol=1e-9
    )
