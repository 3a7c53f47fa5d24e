"""Paper tables: number formatting, stars, the regression-table layout and the CSV, Markdown and LaTeX
renderers (the Word renderer is tested in test_paper_docx.py)."""

import csv
import io
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from aicoord.paper import (
    MINUS,
    ModelColumn,
    NumberFormat,
    RegressionTable,
    column_from_results,
    columns_from_impacts,
    latex_document,
    panel_table,
    table_from_frame,
    to_csv,
    to_markdown,
    write_all,
    write_tex,
    write_tex_tables,
)
from aicoord.paper.render import readme_markdown
from helpers import EDGE, compile_tex, edge_columns, tex_overflows, xelatex_or_skip

LABELS = {
    "ai": "人工智能",
    "ai_sq": "人工智能²",
    "human": "人力资本",
    "open": "对外开放",
    "gov": "政府干预",
    "tiny": "微小项",
    "big": "规模",
    "W*ai": "W×人工智能",
}


def regression(language="zh", **kw):
    opts = dict(
        number=2,
        title="空间杜宾模型估计结果" if language == "zh" else "SDM estimates",
        language=language,
        labels=LABELS if language == "zh" else {},
        weights="地理邻接矩阵（queen）",
        source="《中国统计年鉴》2012—2024",
        simulated=True,
    )
    opts.update(kw)
    return RegressionTable(edge_columns(), **opts)


def parse_markdown(text):
    """Header cells and body rows of the first pipe table, Markdown escapes removed."""
    lines = [ln for ln in text.splitlines() if ln.startswith("|")]

    def cells(ln):
        parts = re.split(r"(?<!\\)\|", ln.strip())[1:-1]
        return [p.strip().replace("\\*", "*").replace("\\|", "|") for p in parts]

    return cells(lines[0]), [cells(ln) for ln in lines[2:]]


# ----------------------------------------------------------------------------------------- numbers
@pytest.mark.parametrize(
    "x, d, expected",
    [
        (0.125, 2, "0.13"),
        (0.135, 2, "0.14"),
        (-2.5, 0, MINUS + "3"),
        (2.675, 2, "2.68"),
        (-0.0004, 3, "0.000"),
        (-0.0005, 3, MINUS + "0.001"),
        (1234567.891, 1, "1,234,567.9"),
        (403, 0, "403"),
        (float("nan"), 3, ""),
        (None, 3, ""),
        (-1e-12, 2, "0.00"),
        (12.0, 3, "12.000"),
    ],
)
def test_number_format_rounds_half_up_with_one_minus_sign(x, d, expected):
    assert NumberFormat()(x, d) == expected


def test_number_format_options_and_parse():
    f = NumberFormat(decimals=2, minus="-", thousands="")
    assert f(-1234.567) == "-1234.57"
    assert f.integer(12345) == "12345"
    assert NumberFormat().parse("(" + MINUS + "1,234.500)***") == -1234.5
    with pytest.raises(TypeError):
        NumberFormat()(True)


# -------------------------------------------------------------------------------- stars and layout
@pytest.mark.parametrize("levels", [(0.10, 0.05, 0.01), (0.05, 0.01, 0.001)])
def test_stars_agree_with_unrounded_two_sided_normal_p(levels):
    cols = edge_columns()
    table = RegressionTable(cols, number=1, title="t", star_levels=levels).table()
    header, body = parse_markdown(to_markdown(table))
    checked = 0
    for r in table.rows:
        if r.kind != "coef":
            continue
        for col, cell in zip(cols, r.cells):
            if not cell:
                assert r.key not in col.params
                continue
            b, s = col.params[r.key], col.se[r.key]
            p = 2 * stats.norm.sf(abs(b / s))
            expected = sum(p < a for a in levels)
            assert len(cell) - len(cell.rstrip("*")) == expected, (r.key, col.name, cell, p)
            checked += 1
    assert checked == 9 + 9 + 8  # 8 regressors + rho in models 1-2, 7 + rho in model 3
    # the edge cases: rounding would mislead, the unrounded z decides
    ai = next(r for r in table.rows if r.key == "ai" and r.kind == "coef")
    assert ai.cells[0] == ("0.020*" if levels[0] == 0.10 else "0.020")
    hum = next(r for r in table.rows if r.key == "human" and r.kind == "coef")
    assert hum.cells[0] == ("0.026**" if levels[0] == 0.10 else "0.026*")


def test_given_pvalues_are_used_over_the_normal_approximation():
    col = ModelColumn("(1)", {"x": 0.5}, {"x": 0.25}, pvalues={"x": 0.2})
    t = RegressionTable([col], number=1, title="t").table()
    assert t.rows[0].cells == ["0.500"]


@pytest.mark.parametrize("levels", [(0.10, 0.05, 0.01), (0.05, 0.01, 0.001)])
def test_p_values_exactly_on_a_level_get_the_stars_of_the_level_above(levels):
    """Stars mean p < level (the note says so): a p-value exactly on a level, as rounded p-values read from a CSV
    are (0.05, 0.01), gets the stars of the next level only; just below it, the level's own."""
    from aicoord.paper import stars_for

    ps = {f"x{i}": p for i, p in enumerate([*levels, *(np.nextafter(a, 0) for a in levels), 0.5, 0.0])}
    col = ModelColumn("(1)", dict.fromkeys(ps, 1.0), dict.fromkeys(ps, 0.1), pvalues=ps)
    table = RegressionTable([col], number=1, title="t", star_levels=levels).table()
    cells = {r.key: r.cells[0] for r in table.rows if r.kind == "coef"}
    expected = ["", "*", "**", "*", "**", "***", "", "***"]
    assert [cells[k] for k in ps] == ["1.000" + "*" * n for n in map(len, expected)]
    assert [stars_for(p, levels) for p in ps.values()] == expected
    assert stars_for(float("nan"), levels) == stars_for(None, levels) == ""


@pytest.mark.parametrize(
    "levels,zh,en",
    [
        ((0.05,), "* 表示在 5% 的水平上显著", "* denotes significance at the 5% level"),
        ((0.05, 0.01), "*、** 分别表示在 5%、1% 的水平上显著", "*, ** denote significance at the 5% and 1% levels"),
    ],
)
def test_star_note_with_one_or_two_levels(levels, zh, en):
    """The note names every configured level, also a single one (first mutation draw of issue 22)."""
    col = ModelColumn("(1)", {"x": 1.0}, {"x": 0.1})
    assert RegressionTable([col], number=1, title="t", star_levels=levels, language="en").star_note() == en
    assert RegressionTable([col], number=1, title="t", star_levels=levels).star_note() == zh


def test_markdown_puts_each_standard_error_under_its_coefficient_in_the_same_column():
    cols = edge_columns()
    fmt = NumberFormat()
    header, body = parse_markdown(to_markdown(regression().table()))
    assert header[0] == "变量" and header[1:] == ["SDM (1)", "SDM (2)", "SAR (3)"]
    label_to_key = {**{v: k for k, v in LABELS.items()}, "ρ": "rho"}
    pairs = 0
    for i, row in enumerate(body):
        if row[0] not in label_to_key:
            continue
        key = label_to_key[row[0]]
        under = body[i + 1]
        assert under[0] == ""
        for j, col in enumerate(cols, start=1):
            if key not in col.params:
                assert row[j] == "" and under[j] == ""
                continue
            d = fmt.decimals_for(col.se[key])  # two significant digits of the SE, for both
            assert row[j].rstrip("*") == fmt(col.params[key], d)
            assert under[j] == f"({fmt(col.se[key], d)})"
            assert abs(fmt.parse(under[j]) - col.se[key]) <= 0.5 * 10**-d
            pairs += 1
    assert pairs == 9 + 9 + 8
    # the spatial parameter comes after every regressor, then scalars, then the Yes/No rows
    labels = [r[0] for r in body if r[0]]
    assert labels[:9] == [LABELS[k] for k in EDGE] + ["ρ"]
    assert labels[9:] == [
        "σ²",
        "R²（组内）",
        "对数似然",
        "省份数",
        "年数",
        "观测值",
        "控制变量",
        "地区效应",
        "时间效应",
    ]
    flags = {r[0]: r[1:] for r in body if r[0] in ("控制变量", "地区效应", "时间效应")}
    assert flags["时间效应"] == ["是", "否", "是"]
    nobs = next(r for r in body if r[0] == "观测值")
    assert nobs[1:] == ["403"] * 3
    ll = next(r for r in body if r[0] == "对数似然")
    assert ll[1] == MINUS + "1,234.568"
    tiny = next(r for r in body if r[0] == "微小项")
    assert tiny[1] == "0.000"


@pytest.mark.parametrize(
    "parens, word_zh, word_en",
    [("se", "标准误", "Standard errors"), ("z", "z 值", "Z-statistics"), ("t", "t 值", "T-statistics")],
)
def test_parentheses_hold_the_chosen_statistic_and_the_note_says_so(parens, word_zh, word_en):
    cols = edge_columns()
    t = regression(parens=parens).table()
    se_rows = [r for r in t.rows if r.kind == parens]
    assert len(se_rows) == 9
    r = next(r for r in se_rows if r.key == "big")
    expected = cols[0].se["big"] if parens == "se" else cols[0].params["big"] / cols[0].se["big"]
    assert r.cells[0] == f"({NumberFormat()(expected)})"
    assert f"括号内为{word_zh}" in t.note_text
    assert f"{word_en} in parentheses" in regression("en", parens=parens).table().note_text


def test_note_states_stars_parentheses_weights_source_and_simulated_data():
    zh = regression().table()
    assert zh.note_text.startswith("注：模拟数据 (simulated data)。")
    for part in (
        "*、**、*** 分别表示在 10%、5%、1% 的水平上显著",
        "括号内为标准误",
        "空间权重矩阵：地理邻接矩阵（queen）",
        "数据来源：《中国统计年鉴》2012—2024",
    ):
        assert part in zh.note_text
    en = regression("en", star_levels=(0.05, 0.01, 0.001)).table()
    assert en.note_text.startswith("Notes: Simulated data.")
    assert "*, **, *** denote significance at the 5%, 1% and 0.1% levels" in en.note_text
    assert "Controls" in [r.label for r in en.rows] and "Observations" in [r.label for r in en.rows]
    real = regression(simulated=False).table()
    assert "模拟" not in real.note_text and "simulated" not in real.note_text


def test_r2_must_name_its_kind_and_missing_se_is_refused():
    with pytest.raises(ValueError, match="r2_within"):
        ModelColumn("(1)", {"x": 1.0}, {"x": 0.1}, scalars={"r2": 0.3})
    with pytest.raises(ValueError, match="standard error"):
        ModelColumn("(1)", {"x": 1.0, "z": 2.0}, {"x": 0.1})


def test_decimals_are_a_parameter():
    t = regression(decimals=2).table()
    big = next(r for r in t.rows if r.key == "big" and r.kind == "coef")
    assert big.cells[0] == "1,234.57***"


# ---------------------------------------------------------------------------------------------- CSV
def test_csv_is_tidy_with_the_printed_strings():
    t = regression().table()
    recs = list(csv.DictReader(io.StringIO(to_csv(t))))
    assert list(recs[0]) == ["table", "panel", "row", "label", "statistic", "group", "column", "value", "note"]
    k = len(t.columns)
    assert len(recs) == k * len(t.rows)
    se = [r for r in recs if r["statistic"] == "se" and r["label"] == "规模" and r["column"] == "(1)"]
    assert se[0]["value"] == "(100.000)" and se[0]["group"] == "SDM"
    printed = {(r.label, r.kind): r.cells for r in t.rows if r.kind == "coef"}
    assert [r["value"] for r in recs if r["label"] == "人工智能" and r["statistic"] == "coef"] == printed[
        ("人工智能", "coef")
    ]
    assert all("模拟数据" in r["note"] for r in recs)


def test_table_from_frame_formats_numbers_and_keeps_text():
    df = pd.DataFrame(
        {
            "年份": [2021, 2022],
            "n": [1234, 5],
            "I": [0.31234, -0.0561],
            "z": [3.2, -0.71],
            "sig": ["***", ""],
            "ok": [True, False],
        },
        index=["邻接", "距离"],
    )
    t = table_from_frame(df, number=3, title="Moran", decimals={"I": 4}, source="测试", simulated=True)
    assert [r.cells for r in t.rows] == [
        ["2021", "1,234", "0.3123", "3.200", "***", "是"],
        ["2022", "5", MINUS + "0.0561", MINUS + "0.710", "", "否"],
    ]
    assert [r.label for r in t.rows] == ["邻接", "距离"]
    assert t.note_text.startswith("注：模拟数据") and "数据来源：测试" in t.note_text
    t2 = table_from_frame(df, number=3, title="Moran", fmt=NumberFormat(thousands=""), label_col="sig")
    assert t2.rows[0].cells[1] == "1234" and t2.rows[0].label == "***" and "sig" not in t2.columns


# ----------------------------------------------------------------------------------------- LaTeX
def test_latex_uses_booktabs_rules_only():
    tex = latex_document([regression().table()])
    assert tex.count(r"\toprule") == 1 and tex.count(r"\midrule") == 1 and tex.count(r"\bottomrule") == 1
    assert r"\hline" not in tex and r"\vline" not in tex
    spec = re.search(r"\\begin\{tabular\}\{(.*)\}\n", tex).group(1)
    assert "|" not in spec
    assert r"\cmidrule(lr){2-3}" in tex and r"\cmidrule(lr){4-4}" in tex
    assert r"0.020\sym{*}" in tex and r"$-$1,234.568" in tex and r"$\rho$" in tex
    assert r"\usepackage{xeCJK}" in tex


@pytest.mark.quick
def test_latex_centres_the_yes_no_cells_and_aligns_the_numbers_right():
    """The yes/no rows (controls, fixed effects) are centred in their columns (``\\multicolumn{1}{c}``), as the
    column heads are; the number rows stay in the right-aligned columns with the stars overhanging (``\\sym``)."""

    def centred(word):
        return r"\multicolumn{1}{c}{" + word + "}"

    for language, yes, no, controls in (("zh", "是", "否", "控制变量"), ("en", "Yes", "No", "Controls")):
        tex = latex_document([regression(language).table()])
        lines = tex.splitlines()
        assert f"{controls} & " + " & ".join([centred(yes)] * 3) + r" \\" in lines
        time = next(ln for ln in lines if ln.startswith(("时间效应", "Year effects")))
        assert time.split(" & ")[1:] == [centred(yes), centred(no), centred(yes) + r" \\"]
        first = next(ln for ln in lines if ln.startswith(("人工智能 &", "ai &")))
        assert first.split(" & ")[1:] == [r"0.020\sym{*}", "$-$0.158", r"0.135 \\"]
        assert tex.count(centred(yes)) == 8 and tex.count(centred(no)) == 1


@pytest.mark.quick
def test_latex_text_cells_ending_in_letters_keep_them_and_only_stars_overhang():
    """Only trailing asterisks become the overhanging ``\\sym``: a text cell such as a model's name ("SLX") or a
    decision keeps its letters, and a starred number keeps its digits."""
    df = pd.DataFrame({"model": ["SLX", "SDM"], "chosen": ["SLX", "MAX"], "b": ["0.020***", "1.5"]}, index=["a", "b"])
    tex = latex_document([table_from_frame(df, number=4, title="Models", language="en")])
    assert r"a & SLX & SLX & 0.020\sym{***} \\" in tex.splitlines()
    assert r"b & SDM & MAX & 1.5 \\" in tex.splitlines()


@pytest.mark.quick
def test_latex_document_names_and_numbers_each_table_in_its_language():
    """Each table's caption is set as "表 n" followed by a quad (Chinese) or "Table n." (English), with the table's
    own number, and every table of a combined document starts a page of its own."""
    zh = regression(number=2).table()
    en = regression("en", number=3).table()
    lines = latex_document([zh, en]).splitlines()
    setup = [ln for ln in lines if ln.startswith((r"\captionsetup", r"\renewcommand{\thetable}"))]
    assert setup == [
        r"\captionsetup[table]{name={表},labelsep=quad,skip=4pt}",
        r"\renewcommand{\thetable}{2}",
        r"\captionsetup[table]{name={Table},labelsep=period,skip=4pt}",
        r"\renewcommand{\thetable}{3}",
    ]
    assert lines.count(r"\clearpage") == 2
    assert r"\clearpage" not in latex_document([en])
    assert r"\captionsetup[table]{name={Table},labelsep=period,skip=4pt}" in latex_document([en]).splitlines()


def test_tex_compiles_with_xelatex(tmp_path):
    xelatex = xelatex_or_skip()
    zh = regression().table()
    en = regression("en", number=3).table()
    frame = table_from_frame(
        pd.DataFrame({"I": [0.1, 0.2]}, index=["a_b & c", "50%"]),
        number=4,
        title="Specials: _ & % $ # { } ~ ^",
        language="zh",
        notes=["Short-run effects (I − ρW)⁻¹(βI + θW); long run [(1 − τ)I − (ρ + η)W]⁻¹; R², α, γ, μ."],
    )
    panels = panel_table(
        [("Panel A：东部", zh), ("Panel B：西部", regression(number=9).table())], number=5, title="区域异质性"
    )
    rng = np.random.default_rng(5)
    # wider than the page (16 columns of signed numbers with thousands), and taller than it (90 rows)
    wide = table_from_frame(
        pd.DataFrame(
            rng.normal(0, 5000, (4, 16)),
            columns=[f"模型 ({i})" for i in range(16)],
            index=["人工智能", "城镇化率", "政府干预", "人均 GDP"],
        ),
        number=6,
        title="宽表",
        language="zh",
        source="测试",
    )
    tall = table_from_frame(
        pd.DataFrame(rng.normal(size=(90, 3)), columns=["a", "b", "c"], index=[f"行 {i}" for i in range(90)]),
        number=7,
        title="长表",
        language="zh",
        source="测试",
    )
    write_tex_tables([zh, en, frame, panels, wide, tall], tmp_path / "tables.tex")
    log = compile_tex(xelatex, tmp_path / "tables.tex")
    assert (tmp_path / "tables.pdf").stat().st_size > 1000
    assert "Missing character" not in log, [ln for ln in log.splitlines() if "Missing character" in ln][:5]
    assert tex_overflows(log) == [] and "Overfull \\hbox" not in log
    assert log.count("Output written") == 1 and "(6 pages" in log
    # only the tables that do not fit are scaled, each just enough: the wide one to the text width, the tall
    # ones (the 90 rows, and the two stacked regressions with their note) to the text height
    scaled = {
        n: (float(a), float(b))
        for n, a, b in re.findall(r"aicoord: table (\d+) scaled from ([\d.]+)pt to ([\d.]+)pt", log)
    }
    assert sorted(scaled) == ["5", "6", "7"], scaled
    text_width = (210 - 2 * 20) / 25.4 * 72.27  # A4 with 2 cm margins, in TeX points
    assert scaled["6"][0] > text_width and abs(scaled["6"][1] - text_width) < 0.5
    assert all(after < before <= text_width for before, after in (scaled["5"], scaled["7"]))
    # the standalone file of one wide table fits too
    write_tex(wide, tmp_path / "wide.tex")
    assert tex_overflows(compile_tex(xelatex, tmp_path / "wide.tex")) == []


# ---------------------------------------------------------------------------- determinism, atomicity
def test_reruns_are_byte_identical_and_leave_no_temporary_files(tmp_path):
    tables = [regression().table(), regression("en", number=3).table()]
    a = write_all(tables, tmp_path / "a")
    b = write_all(tables, tmp_path / "b")
    again = {p: p.read_bytes() for kind in a for p in a[kind]}
    write_all(tables, tmp_path / "a")
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(
        [
            "table2.csv",
            "table2.md",
            "table2.tex",
            "table2.docx",
            "table3.csv",
            "table3.md",
            "table3.tex",
            "table3.docx",
            "tables.docx",
            "tables.tex",
        ]
    )
    for kind in a:
        for pa, pb in zip(a[kind], b[kind]):
            assert pa.read_bytes() == pb.read_bytes() == again[pa], pa.name


# ------------------------------------------------------------------------------- from a real fit
@pytest.fixture(scope="module")
def small_fit():
    from aicoord.panel import SpatialPanel

    rng = np.random.default_rng(3)
    n, t = 12, 6
    W = np.zeros((n, n))
    for i in range(n):
        W[i, (i - 1) % n] = W[i, (i + 1) % n] = 0.5
    ids = [f"u{i:02d}" for i in range(n)]
    rows = []
    A = np.linalg.inv(np.eye(n) - 0.3 * W)
    for yr in range(t):
        x = rng.normal(size=n)
        y = A @ (0.8 * x + 0.3 * W @ x + rng.normal(scale=0.5, size=n))
        rows += [{"id": ids[i], "year": 2010 + yr, "x": x[i], "y": y[i]} for i in range(n)]
    w = pd.DataFrame(W, index=ids, columns=ids)
    return SpatialPanel(
        pd.DataFrame(rows), y="y", x=["x"], id="id", time="year", w=w, model="sdm", effects="twoways"
    ).fit()


def test_columns_from_a_spatial_panel_fit_and_its_effects(small_fit):
    res = small_fit
    col = column_from_results(res, "SDM", flags={"controls": False, "unit_effects": True, "time_effects": True})
    assert list(col.params) == list(res.params.index)
    assert col.scalars["nobs"] == 72 and col.scalars["r2_within"] == pytest.approx(res.r2_within)
    eff = columns_from_impacts(res.impacts(draws=200, seed=1), group="效应分解")
    t = RegressionTable([col] + eff, number=5, title="SDM 与效应分解", weights="环形邻接", source="模拟").table()
    assert t.columns == ["SDM", "直接效应", "间接效应", "总效应"]
    assert t.groups == [("", 1), ("效应分解", 3)]
    x = next(r for r in t.rows if r.key == "x" and r.kind == "coef")
    p = float(res.pvalues["x"])
    assert x.cells[0] == NumberFormat()(res.params["x"]) + "*" * sum(p < a for a in (0.1, 0.05, 0.01))
    assert all(c for c in x.cells)
    wx = next(r for r in t.rows if r.key == "W*x" and r.kind == "coef")
    assert wx.cells[1:] == ["", "", ""]
    flags = {r.key: r.cells for r in t.rows if r.kind == "flag"}
    assert flags["controls"] == ["否", "", "", ""]


def test_standard_errors_keep_two_significant_digits_and_their_coefficient_the_same_decimals():
    """esttab/modelsummary users read (0.0012), not (0.001): a small SE gets the decimals it needs for two
    significant digits (at most 6), its coefficient the same; t/z values keep the table's decimals."""
    from aicoord.paper import ModelColumn, NumberFormat, RegressionTable

    f = NumberFormat(decimals=3)
    assert [f.decimals_for(v) for v in (0.00123, 0.0123, 0.123, 12.3, 0.0, float("nan"), 1e-9)] == [4, 3, 3, 3, 3, 3, 6]
    col = ModelColumn("(1)", {"ai": -0.00684, "gov": 0.407}, {"ai": 0.00123, "gov": 0.274})
    rows = {(r.key, r.kind): r.cells[0] for r in RegressionTable([col], number=1, title="t").table().rows}
    assert rows[("ai", "coef")].startswith("\u22120.0068") and rows[("ai", "se")] == "(0.0012)"
    assert rows[("gov", "coef")] == "0.407" and rows[("gov", "se")] == "(0.274)"
    rows = {(r.key, r.kind): r.cells[0] for r in RegressionTable([col], number=1, title="t", parens="z").table().rows}
    assert rows[("ai", "coef")].startswith("\u22120.007") and rows[("ai", "z")] == "(\u22125.561)"


@pytest.mark.parametrize("language", ["zh", "en"])
def test_failure_text_of_a_missing_reason_is_empty(language):
    """A robustness variant not estimated whose reason is missing (an empty cell, read as NaN, or None) prints an
    empty cell, not an error."""
    from aicoord.paper import NumberFormat
    from aicoord.paper.study_tables import failure_text

    for text in (None, float("nan"), ""):
        assert failure_text(text, language, NumberFormat()) == ""


def test_interval_decimals_keep_two_significant_digits_of_the_width():
    """An interval prints with the decimals that keep two significant digits of its width, never fewer than the
    table's; with one bound missing or infinite, those of the finite bound."""
    from aicoord.paper.numbers import interval_decimals

    fmt = NumberFormat(decimals=3)
    assert interval_decimals(fmt, -0.00937, -0.00859) == 5  # width 0.00078
    assert interval_decimals(fmt, -0.004, 0.001) == 4  # width 0.005
    assert interval_decimals(fmt, -2.5, 1.5) == 3  # a wide interval keeps the table's decimals
    assert interval_decimals(fmt, -0.00012, float("nan")) == 5  # the finite bound's two significant digits
    assert interval_decimals(fmt, float("-inf"), float("inf")) == 3
    assert interval_decimals(fmt, 0.5, 0.5) == 3


@pytest.mark.quick
def test_readme_lists_the_tables_then_the_figures_each_under_its_heading():
    """results/paper/README.md: the title, the tables' section and the figures' section in that order, each a pipe
    table with the same five columns; a table's row names its caption (its name when it has none) and four files, a
    figure's row its title and files, both with the rule, inputs and configuration entries in code spans."""
    entries = [
        {"name": "baseline", "rule": "paper_baseline", "inputs": ["results/a.csv", "results/b.json"], "config": ["x"]},
        {"name": "moran", "rule": "paper_moran", "inputs": ["results/m.csv"], "config": []},
    ]
    figures = [{"title": "AI map", "files": ["results/figures/ai_map.png", "results/figures/ai_map.pdf"]}]
    figures[0].update(rule="paper_figure_ai_map", inputs=["data/map.gpkg"], config=["paper.map", "paper.dpi"])
    text = readme_markdown({"baseline": "表 2 基准回归"}, entries, figures)
    lines = text.splitlines()
    assert [ln for ln in lines if ln.startswith("#")] == ["# Paper tables and figures", "## Tables", "## Figures"]
    tables, figs = text.split("## Tables\n")[1].split("## Figures\n")
    assert [ln for ln in tables.splitlines() if ln] == [
        "| table | files | rule | inputs | config entries |",
        "| --- | --- | --- | --- | --- |",
        "| 表 2 基准回归 | `baseline.csv/.md/.tex/.docx` | `paper_baseline` | `results/a.csv`, `results/b.json` | `x` |",
        "| moran | `moran.csv/.md/.tex/.docx` | `paper_moran` | `results/m.csv` |  |",
    ]
    assert [ln for ln in figs.splitlines() if ln] == [
        "| figure | files | rule | inputs | config entries |",
        "| --- | --- | --- | --- | --- |",
        "| AI map | `ai_map.png`, `ai_map.pdf` | `paper_figure_ai_map` | `data/map.gpkg` | `paper.map`, `paper.dpi` |",
    ]
    assert text.endswith("|\n")


@pytest.mark.quick
def test_panel_table_of_english_tables_is_english():
    """Panels of English tables make an English table: "Table n. title" in every form, the note's "Notes:"."""
    a = regression("en", number=3).table()
    b = regression("en", number=4).table()
    t = panel_table([("Panel A: East", a), ("Panel B: West", b)], number=7, title="By region")
    assert t.language == "en" and t.caption == "Table 7. By region"
    assert to_markdown(t).startswith("**Table 7. By region**\n")
    assert r"\captionsetup[table]{name={Table},labelsep=period,skip=4pt}" in latex_document([t])
    assert t.note_text.startswith("Notes: ")
