"""aicoord.template and ``aicoord template``: the empty panel, filled with numbers, reads back through the data
contract (aicoord.contract.read_panel) unchanged, and its snippet makes a configuration that validates; bad
--years give one clean line and write nothing."""

import copy
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import yaml

from aicoord.cli import main
from aicoord.config import panel_roles, validate_config
from aicoord.contract import read_panel
from aicoord.errors import InputError
from aicoord.provinces import province_table
from aicoord.simulate import DEMO_DICTIONARY
from aicoord.template import TEMPLATE_COLUMNS, template_dictionary, write_template
from helpers import ROOT, make_study, merge

SCHEMA = ROOT / "workflow/schemas/config.schema.yaml"


def _fill(book, seed=11):
    """The template's data sheet with every empty cell filled by a seeded positive number (as a user fills it from
    the yearbooks); returns the filled frame as written."""
    df = pd.read_excel(book, sheet_name="panel")
    rng = np.random.default_rng(seed)
    for col in df.columns[2:]:
        df[col] = np.round(rng.uniform(0.05, 100.0, size=len(df)), 6)
    with pd.ExcelWriter(book, engine="openpyxl", mode="a", if_sheet_exists="replace") as xw:
        df.to_excel(xw, sheet_name="panel", index=False)
    return df


@pytest.fixture
def study(tmp_path, monkeypatch):
    make_study(tmp_path)  # the repository's data/ and config/, as a user has them
    monkeypatch.chdir(tmp_path)
    book, snippet = write_template("data/raw/panel.xlsx", 2011, 2024)
    return tmp_path, book, snippet


def test_template_shape_headers_and_description(study):
    _, book, snippet = study
    assert snippet.name == "panel.dictionary.yaml" and snippet.parent == book.parent
    sheets = pd.read_excel(book, sheet_name=None)
    assert list(sheets) == ["panel", "columns"]  # read_panel reads the first sheet
    data, desc = sheets["panel"], sheets["columns"]
    assert len(data) == 31 * 14 and data.iloc[:, 2:].isna().all().all()
    assert list(data.columns) == [c.header for c in TEMPLATE_COLUMNS]
    for c in TEMPLATE_COLUMNS:  # Chinese and English in every header
        assert any("\u4e00" <= ch <= "\u9fff" for ch in c.header) and f"({c.name})" in c.header
    assert set(data.iloc[:, 0]) == set(province_table()["name_short"])
    assert data.groupby(data.columns[0]).size().eq(14).all() and data.iloc[:, 1].tolist()[:14] == list(
        range(2011, 2025)
    )
    assert desc.iloc[:, 0].tolist() == list(data.columns) and desc.notna().all().all()
    assert {"yuan / 元", "10,000 persons / 万人"} <= set(desc["单位 unit"])
    # every role of the default data dictionary is a column, with the same English names
    d = template_dictionary()
    for role in ("ai", "gdp_pc", "population", "outcome", "controls", "mechanisms"):
        assert d[role] == DEMO_DICTIONARY[role], role


def test_filled_template_reads_back_through_the_contract(study):
    _, book, snippet = study
    filled = _fill(book)
    dictionary = yaml.safe_load(snippet.read_text(encoding="utf-8"))["panel"]["dictionary"]
    panel = read_panel(book, dictionary)
    assert len(panel) == 31 * 14 and panel.attrs["years"] == list(range(2011, 2025))
    assert panel["code"].tolist() == [c for c in province_table()["code"] for _ in range(14)]
    by_name = {c.name: c.header for c in TEMPLATE_COLUMNS}
    roles = {
        "ai": "ai_index",
        "gdp_pc": "gdp_pc",
        "population": "population",
        "coord_gap": "coord_gap",
        "gov": "gov",
        "urban": "urban",
        **{m: m for m in DEMO_DICTIONARY["mechanisms"]},
    }
    for out, name in roles.items():  # the numbers the user typed, cell for cell
        np.testing.assert_array_equal(panel[out].to_numpy(), filled[by_name[name]].to_numpy(), err_msg=out)
    assert panel.attrs["source"]["ai"] == "人工智能指数 (ai_index)"


def test_unfilled_template_is_refused_naming_the_first_empty_cell(study):
    _, book, snippet = study
    dictionary = yaml.safe_load(snippet.read_text(encoding="utf-8"))["panel"]["dictionary"]
    with pytest.raises(InputError, match=r"row 2, column '人工智能指数 \(ai_index\)': missing value"):
        read_panel(book, dictionary)


def test_configuration_with_the_filled_template_validates(study):
    wd, book, snippet = study
    _fill(book)
    default = yaml.safe_load((wd / "config/config.default.yaml").read_text(encoding="utf-8"))
    config = merge(copy.deepcopy(default), yaml.safe_load(snippet.read_text(encoding="utf-8")))
    assert config["panel"]["file"] == "data/raw/panel.xlsx"
    validate_config(config, SCHEMA, root=wd)  # files exist, every variable entry resolves
    assert panel_roles(config)["controls"] == ["gov", "urban"]


def test_cli_writes_the_template_and_says_where_the_snippet_is(tmp_path, capsys):
    out = tmp_path / "panel.xlsx"
    assert main(["template", "--years", "2011", "2024", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert str(tmp_path / "panel.dictionary.yaml") in printed and "config/config.yaml" in printed
    assert len(pd.read_excel(out)) == 31 * 14


@pytest.mark.parametrize(
    "years, words",
    [
        (["2024", "2011"], "the last year must come after the first"),
        (["2011", "20x4"], "'20x4' is not a whole year"),
        (["2011", "20240"], "years must lie between 1949 and 2100"),
        (["2011"], "--years: expected 2 arguments"),
    ],
)
def test_cli_bad_years_give_one_clean_line_and_no_file(years, words, tmp_path, capsys):
    out = tmp_path / "panel.xlsx"
    assert main(["template", "--years", *years, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and words in lines[0] and lines[0].startswith("aicoord template: bad input"), err
    assert not list(tmp_path.iterdir())


def test_cli_bad_years_through_the_installed_command(tmp_path):
    res = subprocess.run(
        [sys.executable, "-m", "aicoord.cli", "template", "--years", "2024", "2011", "--out", str(tmp_path / "p.xlsx")],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 2 and res.stdout == ""
    assert res.stderr.strip().splitlines() == [
        "aicoord template: bad input: --years 2024 2011: the last year must "
        "come after the first (give the first year, then the last, e.g. "
        "--years 2011 2024)"
    ]


def test_out_must_be_a_workbook(tmp_path):
    with pytest.raises(InputError, match="must end in .xlsx"):
        write_template(tmp_path / "panel.csv", 2011, 2024)
    assert not list(tmp_path.iterdir())
