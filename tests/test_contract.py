"""Tests of the panel data contract: reading, normalisation and located validation errors."""

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from aicoord.contract import read_panel, validate_dictionary
from aicoord.errors import InputError

HEADER = ["省份", "年份", "人工智能指数", "协调发展", "人均GDP", "人口", "开放度", "产业升级"]
DICT = {
    "columns": {
        "省份": "province",
        "年份": "year",
        "人工智能指数": "ai_index",
        "协调发展": "crd",
        "人均GDP": "gdppc",
        "人口": "pop",
        "开放度": "open",
        "产业升级": "ind_up",
    },
    "ai": "ai_index",
    "outcome": ["crd"],
    "gdp_pc": "gdppc",
    "population": "pop",
    "controls": ["open"],
    "mechanisms": {"industrial_upgrading": "ind_up"},
    "ranges": {"ai": [0, 100]},
}


def rows():
    out = []
    for p, base in (("北京", 90.0), ("天津市", 60.0), ("Hebei", 50.0)):
        for k, y in enumerate((2020, 2021, 2022)):
            out.append([p, str(y), f"{base + k}", f"{0.5 + k / 10}", f"{base * 1000 + k}", "1000", "0.3", "1.1"])
    return out


def write_csv(path, data, encoding="utf-8", blank_after=None):
    lines = [",".join(HEADER)]
    for i, r in enumerate(data):
        lines.append(",".join(r))
        if blank_after is not None and i == blank_after:
            lines.append("")
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def err(path, dictionary=DICT):
    with pytest.raises(InputError) as info:
        read_panel(path, dictionary)
    return info.value


def test_read_good_csv(tmp_path):
    df = read_panel(write_csv(tmp_path / "p.csv", rows()), DICT)
    assert list(df.columns) == ["code", "year", "ai", "gdp_pc", "population", "crd", "open", "industrial_upgrading"]
    assert list(df["code"]) == ["110000"] * 3 + ["120000"] * 3 + ["130000"] * 3
    assert list(df["year"]) == [2020, 2021, 2022] * 3
    assert_allclose(df.loc[df.code == "120000", "ai"], [60, 61, 62], rtol=0)
    assert df.attrs["years"] == [2020, 2021, 2022]
    assert df.attrs["source"]["gdp_pc"] == "人均GDP"
    assert df.attrs["roles"]["mechanisms"] == {"industrial_upgrading": "industrial_upgrading"}


def test_xlsx_and_gbk_csv_equal_utf8(tmp_path):
    ref = read_panel(write_csv(tmp_path / "p.csv", rows()), DICT)
    gbk = read_panel(write_csv(tmp_path / "g.csv", rows(), encoding="gbk"), DICT)
    pd.testing.assert_frame_equal(ref, gbk)
    x = tmp_path / "p.xlsx"
    frame = pd.DataFrame(rows(), columns=HEADER)
    for c in HEADER[1:]:
        frame[c] = pd.to_numeric(frame[c])
    frame.to_excel(x, index=False)
    pd.testing.assert_frame_equal(ref, read_panel(x, DICT))


def test_unknown_province_names_line_and_suggests(tmp_path):
    data = rows()
    data[4][0] = "Tianjing"
    e = err(write_csv(tmp_path / "p.csv", data))
    assert (e.row, e.column) == (6, "省份") and e.file.endswith("p.csv")
    assert "Tianjin" in e.hint


def test_non_numeric_cell(tmp_path):
    data = rows()
    data[2][4] = "12.3元"
    e = err(write_csv(tmp_path / "p.csv", data))
    assert (e.row, e.column) == (4, "人均GDP") and "not a number" in e.message and e.hint
    data[2][4] = "12,345"  # unquoted thousands separator: one field too many on line 4
    e = err(write_csv(tmp_path / "q.csv", data))
    assert e.row == 4 and "fields" in e.message


def test_missing_value_and_blank_line_keeps_numbering(tmp_path):
    data = rows()
    data[5][3] = ""
    e = err(write_csv(tmp_path / "p.csv", data, blank_after=1))  # blank line 4 in the file
    assert (e.row, e.column) == (8, "协调发展") and "missing" in e.message


def test_negative_gdp_and_dictionary_range(tmp_path):
    data = rows()
    data[7][4] = "-5"
    e = err(write_csv(tmp_path / "p.csv", data))
    assert (e.row, e.column) == (9, "人均GDP") and "out of range" in e.message
    data = rows()
    data[0][2] = "101"
    e = err(write_csv(tmp_path / "q.csv", data))
    assert (e.row, e.column) == (2, "人工智能指数") and "<= 100" in e.message


def test_duplicate_after_normalisation(tmp_path):
    data = rows()
    data[1][0] = "Beijing"
    data[1][1] = "2020"  # Beijing 2020 again (line 3), and 2021 now missing
    e = err(write_csv(tmp_path / "p.csv", data))
    assert (e.row, e.column) == (3, "省份") and "lines 2, 3" in e.message


def test_year_gap(tmp_path):
    data = [r for r in rows() if not (r[0] == "天津市" and r[1] == "2021")]
    e = err(write_csv(tmp_path / "p.csv", data))
    assert e.row == 5 and e.column == "年份" and "天津市" in e.message and "2021" in e.message


def test_bad_year_and_missing_column(tmp_path):
    data = rows()
    data[3][1] = "2020.5"
    e = err(write_csv(tmp_path / "p.csv", data))
    assert (e.row, e.column) == (5, "年份")
    bad = dict(DICT, controls=["opennes"])
    e = err(write_csv(tmp_path / "q.csv", rows()), bad)
    assert e.row == 1 and e.column == "opennes" and "open" in e.hint


@pytest.mark.parametrize("year", ["1.8446744073709552e+19", "20210", "999"])
def test_year_out_of_range_is_located(tmp_path, year):
    """A year that is a whole number but not a year (hypothesis found 1.8e19, which overflowed int64) is an
    input error located at its cell, not a crash."""
    data = rows()
    data[3][1] = year
    e = err(write_csv(tmp_path / "p.csv", data))
    assert (e.row, e.column) == (5, "年份") and "four-digit year" in e.message


def test_dictionary_validation():
    with pytest.raises(InputError):
        validate_dictionary({"ai": "a", "outcome": ["y"]})  # no gdp_pc
    with pytest.raises(InputError):
        validate_dictionary(dict(DICT, mechanisms={"brand": "x"}))
    with pytest.raises(InputError):
        validate_dictionary(dict(DICT, controls=["crd"]))  # same column for two roles
    assert validate_dictionary(dict(DICT, outcome="crd"))["outcome"] == ["crd"]


def test_bad_ranges_in_dictionary(tmp_path):
    path = write_csv(tmp_path / "p.csv", rows())
    with pytest.raises(InputError, match="not a variable"):
        read_panel(path, dict(DICT, ranges={"gdp": [0, None]}))
    with pytest.raises(InputError, match="must be"):
        read_panel(path, dict(DICT, ranges={"open": [0]}))
    # a range keyed by column name works like one keyed by role
    e = err(path, dict(DICT, ranges={"open": [0.5, None]}))
    assert (e.row, e.column) == (2, "开放度") and ">= 0.5" in e.message


@pytest.mark.parametrize("cell", ["inf", "-inf", "1e400", "Infinity"])
def test_infinite_cell_is_refused_with_its_line(tmp_path, cell):
    """'inf' and '1e400' coerce to infinity and used to pass into the tidy panel."""
    data = rows()
    data[4][3] = cell
    e = err(write_csv(tmp_path / "p.csv", data))
    assert (e.row, e.column) == (6, "协调发展") and "not a finite number" in e.message and cell in e.message


def test_long_panel_duplicate_names_the_file_and_both_rows(tmp_path):
    """Item 12: a duplicate (id, period) in fit-panel's reader names the file and both rows."""
    from aicoord.contract import read_long_panel

    p = tmp_path / "l.csv"
    p.write_text("id,t,y\nA,1,1\nB,1,2\nA,2,3\nB,1,4\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_long_panel(p, "id", "t", ["y"])
    msg = str(info.value)
    assert str(p) in msg and "row 5" in msg and "unit 'B' in period 1 appears on rows 3, 5" in msg


@pytest.mark.parametrize("name", ["=HYPERLINK(1)", "-gov", "+x", "@cmd"])
def test_a_column_name_a_spreadsheet_would_run_is_refused(name):
    """Issue 24 (formula injection): a role's column becomes a header of the tidy files and a row of the paper
    tables; a name starting with =, +, - or @ is refused, with the rename that fixes it. A header renamed through
    `columns` to a plain name is fine."""
    with pytest.raises(InputError, match="which a spreadsheet runs as a formula") as exc:
        validate_dictionary(dict(DICT, controls=[name]))
    assert "columns" in str(exc.value)
    with pytest.raises(InputError, match="spreadsheet"):
        validate_dictionary(dict(DICT, columns={"x": name}))
    assert validate_dictionary(dict(DICT, columns={name: "gov"}, controls=["gov"]))["controls"] == ["gov"]


def test_instruments_role_is_read_as_a_column_and_may_not_double_another_role(tmp_path):
    path = write_csv(tmp_path / "p.csv", rows())
    d = dict(DICT, controls=[], instruments="open")  # a single string is a list of one
    out = read_panel(path, d)
    assert out.attrs["roles"]["instruments"] == ["open"]
    assert_allclose(out["open"].to_numpy(), 0.3)
    assert validate_dictionary(DICT)["instruments"] == []
    with pytest.raises(InputError, match="more than one role"):
        validate_dictionary(dict(DICT, instruments=["open"]))  # already a control
