"""The documented defaults of the paper package's functions (aicoord.paper: labels, numbers, table, records,
stepwise, study_tables, render): each called without its optional arguments equals the call with the documented
default passed explicitly (the value written here, not read from the signature), and a non-default value changes
the output."""

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from aicoord.paper import (
    MINUS,
    ModelColumn,
    NumberFormat,
    RegressionTable,
    columns_from_impacts,
    latex_fragment,
    panel_table,
    stars_for,
    table_from_frame,
)
from aicoord.paper.labels import VOCABULARY, term, translate_note, verdict_rule, weights_label, words
from aicoord.paper.numbers import interval_decimals, row_decimals
from aicoord.paper.records import column_from_results
from aicoord.paper.stepwise import mechanism_table
from aicoord.paper.study_tables import model_column, table_notes


def same(a, b):
    return dataclasses.asdict(a) == dataclasses.asdict(b)


# ---- labels


@pytest.mark.quick
def test_vocabulary_lookups_default_to_chinese_and_no_user_labels():
    assert term("sample", "full") == term("sample", "full", "zh") == term("sample", "full", "zh", None) == "全样本"
    assert term("sample", "full", "en") == "Full sample"
    assert words() == words("zh") == words("zh", None) == VOCABULARY["zh"]["word"]
    assert words("en") == VOCABULARY["en"]["word"] and words("en") != words()
    spec = {"kind": "knn", "k": 5}
    assert weights_label(spec) == weights_label(spec, "zh") == "k 近邻矩阵（k = 5）"
    assert weights_label(spec, "en") == "k nearest neighbours (k = 5)"
    # the power defaults to 1 when the entry has none
    assert weights_label({"kind": "distance"}, "en") == "inverse distance (power 1)"
    assert verdict_rule(0.1) == verdict_rule(0.1, "zh") and "90% 区间" in verdict_rule(0.1)
    assert verdict_rule(0.1, "en").startswith("Verdict rule: ")


@pytest.mark.quick
def test_translate_note_defaults_to_chinese_without_labels_or_matrix_descriptions():
    note = "数据来源: 方大春、常愉珠、胡梦婷 (2025) 表1 (Fang, Chang and Hu 2025, Table 1)"
    zh = "数据来源：方大春、常愉珠、胡梦婷（2025）表 1"
    assert translate_note(note) == translate_note(note, "zh", None, None) == zh
    assert translate_note(note, "en") == note
    w = "W = economic: GDP per capita from the panel: Source: yearbook"
    assert (
        translate_note(w)
        == translate_note(w, "zh", None, None)
        == "economic（由面板的人均GDP构建）：数据来源：yearbook"
    )
    assert translate_note(w, "zh", weights_labels={"economic": "经济距离矩阵"}).startswith("经济距离矩阵（")
    # English has no derived-matrix vocabulary: the provenance is printed as the study wrote it
    assert translate_note(w, "en") == "economic: GDP per capita from the panel: Source: yearbook"
    # a user's source label (kind "source")
    assert translate_note("Source: yearbook", "zh", {"source.yearbook": "年鉴"}) == "数据来源：年鉴"


# ---- numbers


@pytest.mark.quick
def test_number_format_defaults_three_decimals_typographic_minus_comma_thousands_empty_missing():
    assert NumberFormat() == NumberFormat(decimals=3, minus=MINUS, thousands=",", missing="")
    f = NumberFormat()
    assert f(-1234.5678) == f(-1234.5678, None) == "\u22121,234.568"
    assert f(None) == f(float("nan")) == ""
    assert NumberFormat(missing="—")(None) == "—" and NumberFormat(minus="-")(-1.0) == "-1.000"
    assert NumberFormat(thousands="")(12345.0, 0) == "12345" and f(12345.0, 0) == "12,345"
    assert f.integer(1234.4) == "1,234"


@pytest.mark.quick
@pytest.mark.parametrize(
    "x, plain, three, most3", [(0.00123, 4, 5, 3), (0.0123, 3, 4, 3), (1.2e-9, 6, 6, 3), (12.3, 3, 3, 3)]
)
def test_decimals_for_defaults_to_two_significant_digits_and_at_most_six(x, plain, three, most3):
    f = NumberFormat()
    assert f.decimals_for(x) == f.decimals_for(x, 2, 6) == plain
    assert f.decimals_for(x, significant=3) == three
    assert f.decimals_for(x, most=3) == most3
    # the reference: 2 significant digits need 1 − floor(log10 |x|) decimals, bounded by [3, 6]
    assert plain == max(3, min(6, 1 - math.floor(math.log10(abs(x)))))


@pytest.mark.quick
def test_row_and_interval_decimals_by_hand():
    assert row_decimals([58031.989, 1000.0], 3) == 0 and row_decimals([0.5, 0.25], 3) == 3
    assert row_decimals([12.5], 3) == 3 and row_decimals([123.4], 3) == 2 and row_decimals([], 2) == 2
    f = NumberFormat()
    assert interval_decimals(f, -0.00937, -0.00859) == 5  # width 0.00078: two significant digits
    assert interval_decimals(f, -0.02, float("nan")) == 3 and interval_decimals(f, 0.0012, None) == 4


# ---- table


@pytest.mark.quick
@pytest.mark.parametrize(
    "p, stars", [(0.2, ""), (0.10, ""), (0.0999, "*"), (0.05, "*"), (0.0499, "**"), (0.01, "**"), (0.0099, "***")]
)
def test_stars_default_to_ten_five_and_one_percent(p, stars):
    assert stars_for(p) == stars_for(p, (0.10, 0.05, 0.01)) == stars
    assert stars_for(p, (0.05, 0.01, 0.001)) == "*" * sum(p < a for a in (0.05, 0.01, 0.001))


def _frame():
    return pd.DataFrame(
        {"name": ["a", "b"], "year": [2021, 2022], "x": [1.23456, -0.5], "n": [1200, 3], "ok": [True, False]}
    )


@pytest.mark.quick
def test_table_from_frame_defaults():
    base = table_from_frame(_frame(), number=1, title="T")
    explicit = table_from_frame(
        _frame(),
        number=1,
        title="T",
        language="zh",
        decimals=3,
        fmt=None,
        stub=None,
        label_col=None,
        notes=(),
        source="",
        simulated=False,
        groups=None,
        text_cols=("year", "年份", "年"),
    )
    assert same(base, explicit)
    assert base.language == "zh" and base.stub == "变量" and base.notes == [] and base.groups is None
    assert [r.label for r in base.rows] == ["0", "1"]  # the index labels the rows by default
    assert base.rows[0].cells == ["a", "2021", "1.235", "1,200", "是"]
    en = table_from_frame(_frame(), number=1, title="T", language="en")
    assert en.stub == "Variable" and en.rows[0].cells[-1] == "Yes" and en.caption == "Table 1. T"
    assert table_from_frame(_frame(), number=1, title="T", decimals=1).rows[0].cells[2] == "1.2"
    assert table_from_frame(_frame(), number=1, title="T", decimals={"x": 2}).rows[0].cells[2] == "1.23"
    assert table_from_frame(_frame(), number=1, title="T", text_cols=()).rows[0].cells[1] == "2,021"
    lab = table_from_frame(_frame(), number=1, title="T", label_col="name")
    assert [r.label for r in lab.rows] == ["a", "b"] and lab.columns == ["year", "x", "n", "ok"]
    noted = table_from_frame(_frame(), number=1, title="T", notes=["n1"], source="S", simulated=True, language="en")
    assert noted.notes == ["Simulated data", "n1", "Source: S"]
    assert table_from_frame(_frame(), number=1, title="T", source="年鉴").notes == ["数据来源：年鉴"]
    assert table_from_frame(_frame(), number=1, title="T", stub="").stub == ""


def _columns():
    return [
        ModelColumn("(1)", {"ai": 0.123456, "rho": 0.3}, {"ai": 0.0456, "rho": 0.1}, scalars={"N": 31.0}),
        ModelColumn("(2)", {"ai": -0.05, "gov": 1.5}, {"ai": 0.02, "gov": 2.0}, flags={"controls": True}),
    ]


@pytest.mark.quick
def test_regression_table_defaults():
    base = RegressionTable(_columns(), number=2, title="T").table()
    explicit = RegressionTable(
        _columns(),
        number=2,
        title="T",
        language="zh",
        labels={},
        variables=None,
        decimals=3,
        fmt=None,
        star_levels=(0.10, 0.05, 0.01),
        parens="se",
        weights="",
        source="",
        simulated=False,
        notes=(),
        stub=None,
    ).table()
    assert same(base, explicit)
    assert base.stub == "变量" and base.language == "zh"
    assert base.notes == ["*、**、*** 分别表示在 10%、5%、1% 的水平上显著", "括号内为标准误"]
    assert [(r.key, r.kind) for r in base.rows] == [
        ("ai", "coef"),
        ("ai", "se"),
        ("gov", "coef"),
        ("gov", "se"),
        ("rho", "coef"),
        ("rho", "se"),
        ("N", "scalar"),
        ("controls", "flag"),
    ]
    # 0.123456 / 0.0456: z = 2.707, p = 0.0068 (***), SE 0.046 keeps three decimals
    assert base.rows[0].cells == ["0.123***", "\u22120.050**"] and base.rows[1].cells == ["(0.046)", "(0.020)"]
    assert base.rows[-1].cells == ["", "是"] and base.rows[-2].cells == ["31", ""]
    variants = {
        "language": ("en", lambda t: t.stub == "Variable" and t.notes[1] == "Standard errors in parentheses"),
        "decimals": (4, lambda t: t.rows[0].cells[0] == "0.1235***"),
        "star_levels": ((0.05,), lambda t: t.rows[0].cells[0] == "0.123*" and t.notes[0].startswith("* 表示在 5%")),
        "parens": ("z", lambda t: t.rows[1].kind == "z" and t.notes[1] == "括号内为z 值"),
        "weights": ("W0", lambda t: "空间权重矩阵：W0" in t.notes),
        "source": ("S", lambda t: t.notes[-1] == "数据来源：S"),
        "simulated": (True, lambda t: t.notes[0] == "模拟数据 (simulated data)"),
        "notes": (["extra"], lambda t: t.notes[-1] == "extra"),
        "stub": ("", lambda t: t.stub == ""),
        "variables": (["gov"], lambda t: [r.key for r in t.rows if r.kind == "coef"] == ["gov", "rho"]),
        "labels": ({"ai": "AI"}, lambda t: t.rows[0].label == "AI"),
    }
    for k, (v, ok) in variants.items():
        t = RegressionTable(_columns(), number=2, title="T", **{k: v}).table()
        assert ok(t) and not same(t, base), k


@pytest.mark.quick
def test_model_column_p_and_stat_default_to_the_normal_test_of_estimate_over_se():
    from scipy import stats

    c = ModelColumn("(1)", {"a": 0.7, "b": -0.2}, {"a": 0.3, "b": 0.1}, pvalues={"b": 0.5}, stats={"b": 9.0})
    assert c.stat("a") == pytest.approx(0.7 / 0.3, rel=1e-15)
    assert c.p("a") == pytest.approx(2 * stats.norm.sf(0.7 / 0.3), rel=1e-12)
    assert c.p("b") == 0.5 and c.stat("b") == 9.0
    assert math.isnan(ModelColumn("x", {"a": 1.0}, {"a": 0.0}).p("a"))


@pytest.mark.quick
def test_panel_table_notes_default_to_the_first_panels_then_the_others_with_simulated_data_first():
    a = table_from_frame(_frame(), number=0, title="", notes=["n1"])
    b = table_from_frame(_frame(), number=0, title="", notes=["n1", "n2"], simulated=True)
    t = panel_table([("A", a), ("B", b)], number=3, title="T")
    assert t.notes == ["模拟数据 (simulated data)", "n1", "n2"]
    assert same(t, panel_table([("A", a), ("B", b)], number=3, title="T", notes=None))
    assert panel_table([("A", a), ("B", b)], number=3, title="T", notes=["x"]).notes == ["x"]
    # the heading rows carry the panel's name as their key too: the table's JSON (dataclasses.asdict) writes it
    assert [(r.label, r.kind, r.key) for r in t.rows if r.kind == "panel"] == [("A", "panel", "A"), ("B", "panel", "B")]


# ---- records


class _Fit:
    def __init__(self):
        idx = ["x", "rho"]
        self.params = pd.Series([0.5, 0.2], index=idx)
        self.std_errors = pd.Series([0.1, 0.05], index=idx)
        self.pvalues = pd.Series([0.01, 0.02], index=idx)
        self.zvalues = pd.Series([5.0, 4.0], index=idx)
        self.sigma2, self.loglik, self.N, self.T, self.nobs = 0.3, -10.0, 5, 2, 10
        self.r2_within, self.r2 = 0.4, 0.6
        self.effects = "individual"


@pytest.mark.quick
def test_column_from_results_defaults():
    base = column_from_results(_Fit(), "(1)")
    explicit = column_from_results(_Fit(), "(1)", variables=None, flags=None, group=None, r2="r2_within")
    assert base == explicit
    assert base.scalars == {"sigma2": 0.3, "loglik": -10.0, "N": 5.0, "T": 2.0, "nobs": 10.0, "r2_within": 0.4}
    assert base.flags == {"unit_effects": True, "time_effects": False} and base.group is None
    assert column_from_results(_Fit(), "(1)", r2="r2_overall").scalars["r2_overall"] == 0.6
    assert "r2_within" not in column_from_results(_Fit(), "(1)", r2=None).scalars
    assert list(column_from_results(_Fit(), "(1)", variables=[]).params) == ["rho"]


@pytest.mark.quick
def test_columns_from_impacts_default_to_chinese_names_and_every_variable():
    idx = pd.MultiIndex.from_product([["a", "b"], ["direct", "indirect", "total"]], names=["variable", "effect"])
    imp = pd.DataFrame({"estimate": np.arange(6.0), "se": 1.0, "z": np.arange(6.0), "p": 0.5}, index=idx)
    base = columns_from_impacts(imp)
    assert base == columns_from_impacts(imp, names=None, group=None, language="zh", variables=None)
    assert [c.name for c in base] == ["直接效应", "间接效应", "总效应"]
    assert [c.name for c in columns_from_impacts(imp, language="en")] == ["Direct", "Indirect", "Total"]
    assert [c.params for c in base] == [{"a": 0.0, "b": 3.0}, {"a": 1.0, "b": 4.0}, {"a": 2.0, "b": 5.0}]
    assert list(columns_from_impacts(imp, variables=["b"])[0].params) == ["b"]


# ---- study_tables and stepwise


@pytest.mark.quick
def test_model_column_and_table_notes_defaults():
    f = pd.DataFrame({"k": ["a", "b"], "estimate": [1.0, 2.0], "se": [0.5, 0.25]})
    base = model_column("(1)", f, "k")
    assert base == model_column("(1)", f, "k", group=None, scalars=None, flags=None, rename=None)
    assert base.params == {"a": 1.0, "b": 2.0} and base.se == {"a": 0.5, "b": 0.25}
    assert base.scalars == {} and base.flags == {} and base.group is None
    assert model_column("(1)", f, "k", rename=str.upper).params == {"A": 1.0, "B": 2.0}
    g = pd.DataFrame({"note": ["Simulated data. W = economic: GDP per capita from the panel: Source: x"]})
    sim, parts = table_notes([g], "en")
    assert (sim, parts) == table_notes([g], "en", extra=(), weights_labels=None)
    assert sim and parts == ["economic: GDP per capita from the panel: Source: x"]
    assert table_notes([g], "en", extra=["e"], weights_labels={"economic": "Economic W"})[1] == [
        "e",
        "Economic W: GDP per capita from the panel: Source: x",
    ]


@pytest.mark.quick
def test_mechanism_table_defaults_to_no_weights_and_real_data():
    rows = []
    for q, (est, se) in {
        "ai_on_channel": (0.5, 0.1),
        "channel_on_y": (-0.2, 0.05),
        "ai_on_y": (0.1, 0.2),
        "mediated": (-0.1, 0.03),
    }.items():
        rows.append({"mechanism": "m", "quantity": q, "effect": "total", "estimate": est, "se": se,
                     "lower": est - 0.05, "upper": est + 0.05})  # fmt: skip
    mech = pd.DataFrame(rows)
    kw = dict(
        labels={"m": "M", "ai": "AI"},
        words=VOCABULARY["en"]["word"],
        y_label="Y",
        language="en",
        decimals=3,
        stars=[0.10, 0.05, 0.01],
        parentheses="se",
        alpha=0.05,
        number=1,
        title="T",
        notes=[],
    )
    base = mechanism_table(mech, None, **kw)
    assert same(base, mechanism_table(mech, None, weights="", simulated=False, **kw))
    assert base.notes == [
        "*, **, *** denote significance at the 10%, 5% and 1% levels",
        "Standard errors in parentheses",
    ]
    assert mechanism_table(mech, None, weights="W0", **kw).notes[-1] == "Spatial weights: W0"
    assert mechanism_table(mech, None, simulated=True, **kw).notes[0] == "Simulated data"
    rows = {r.key: r.cells for r in base.rows if r.kind != "se"}
    assert rows["model"] == ["", "SDM"] and rows["interval"] == ["", "[−0.150, −0.050]"]
    # mediated −0.1 / 0.03: z = −3.33, p = 0.00086 → ***; the SE 0.030 keeps three decimals
    assert rows["mediated"] == ["", "−0.100***"]


# ---- render


@pytest.mark.quick
def test_latex_fragment_defaults_to_no_label_and_rules_under_the_groups():
    t = table_from_frame(_frame(), number=1, title="T", label_col="name", groups=[("G", 2), ("H", 2)])
    base = latex_fragment(t)
    assert base == latex_fragment(t, label=None, group_rules=True)
    assert r"\label{" not in base and r"\cmidrule(lr){2-3} \cmidrule(lr){4-5}" in base
    assert r"\label{tab:x}" in latex_fragment(t, label="tab:x")
    assert r"\cmidrule" not in latex_fragment(t, group_rules=False)


# ---- word


@pytest.mark.quick
def test_docx_style_defaults_are_simsun_times_five_hao_and_a4():
    from aicoord.paper.word import DocxStyle

    s = DocxStyle()
    assert vars(s) == {
        "east_asia": "SimSun",
        "east_asia_fallback": "Noto Serif CJK SC",
        "latin": "Times New Roman",
        "size": 10.5,
        "note_size": 9.0,
        "caption_size": 10.5,
        "rule_outer": 12,
        "rule_inner": 6,
        "stub_width_cm": 1.5,
        "col_width_cm": 1.6,
        "page_cm": (21.0, 29.7),
        "margin_cm": 2.5,
        "min_size": 6.0,
        "line_spacing": 1.3,
    }
    # text widths: A4 less two 2.5 cm margins (1440 / 2.54 twips a centimetre, rounded), heights less two 2.54 cm
    assert s.text_twips(False) == round(16.0 * 1440 / 2.54) and s.text_twips(True) == round(24.7 * 1440 / 2.54)
    assert s.height_twips(False) == round((29.7 - 5.08) * 1440 / 2.54)
    assert s.height_twips(True) == round((21.0 - 5.08) * 1440 / 2.54)


@pytest.mark.quick
def test_word_documents_default_to_the_default_style_and_an_empty_title(tmp_path):
    from docx import Document

    from aicoord.paper.word import DocxStyle, build_document, docx_bytes, table_layout, write_docx

    t = RegressionTable(_columns(), number=2, title="T", simulated=True).table()
    assert docx_bytes(build_document([t])) == docx_bytes(build_document([t], DocxStyle(), title=""))
    assert docx_bytes(build_document([t])) != docx_bytes(build_document([t], DocxStyle(latin="Arial")))
    assert build_document([t]).core_properties.title == ""
    assert table_layout(t) == table_layout(t, None) == table_layout(t, DocxStyle())
    write_docx(t, tmp_path / "t.docx")
    doc = Document(str(tmp_path / "t.docx"))
    assert doc.core_properties.title == t.caption == "表 2  T"
    cap, note = doc.paragraphs[0], doc.paragraphs[-1]
    assert cap.text == t.caption and [r.font.bold for r in cap.runs] == [True]
    assert [r.font.size.pt for r in cap.runs] == [10.5] and [r.font.size.pt for r in note.runs] == [9.0]
    assert note.text == t.note_text
    body = [r for row in doc.tables[0].rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert body and all(r.font.bold is None and r.font.italic is None and r.font.size.pt == 10.5 for r in body)


# ---- renderers


def _small():
    from aicoord.paper import PaperTable, Row

    return PaperTable(
        number=1,
        title="T",
        columns=["a", "b"],
        rows=[
            Row("P", [], "panel", "P"),
            Row("x", ["1.0*", "2"], "coef", "x"),
            Row("", ["(0.5)", ""], "se", "x"),
            Row("f", ["是", "否"], "flag", "f"),
        ],
        groups=[("G", 2)],
        stub="S",
        notes=["n1", "n2|*"],
        language="zh",
    )


@pytest.mark.quick
def test_markdown_and_tidy_csv_of_a_small_table_word_for_word():
    from aicoord.paper import to_csv, to_markdown

    t = _small()
    assert to_markdown(t) == (
        "**表 1  T**\n\n| S | G a | G b |\n| :--- | ---: | ---: |\n| **P** |  |  |\n| x | 1.0\\* | 2 |\n"
        "|  | (0.5) |  |\n| f | 是 | 否 |\n\n注：n1。n2\\|\\*。\n"
    )
    note = "注：n1。n2|*。"
    assert to_csv(t) == (
        "table,panel,row,label,statistic,group,column,value,note\n"
        f"1,P,2,x,coef,G,a,1.0*,{note}\n1,P,2,x,coef,G,b,2,{note}\n"
        f"1,P,3,x,se,G,a,(0.5),{note}\n1,P,3,x,se,G,b,,{note}\n"
        f"1,P,4,f,flag,G,a,是,{note}\n1,P,4,f,flag,G,b,否,{note}\n"
    )


@pytest.mark.quick
def test_tex_is_standalone_by_default_and_write_all_names_the_combined_files_tables(tmp_path):
    from aicoord.paper import latex_document, write_all, write_tex

    t = _small()
    write_tex(t, tmp_path / "a.tex")
    write_tex(t, tmp_path / "b.tex", standalone=True)
    write_tex(t, tmp_path / "c.tex", standalone=False)
    a = (tmp_path / "a.tex").read_text(encoding="utf-8")
    assert a == (tmp_path / "b.tex").read_text(encoding="utf-8") == latex_document([t])
    assert (tmp_path / "c.tex").read_text(encoding="utf-8") == latex_fragment(t)
    out = write_all([t], tmp_path / "w")
    assert out == write_all([t], tmp_path / "w", stem="tables")
    assert out["combined"] == [tmp_path / "w" / "tables.docx", tmp_path / "w" / "tables.tex"]
    assert out["csv"] == [tmp_path / "w" / "table1.csv"] and out["docx"] == [tmp_path / "w" / "table1.docx"]
    assert write_all([t], tmp_path / "w", stem="x")["combined"][1] == tmp_path / "w" / "x.tex"
    assert all(p.stat().st_size > 0 for k in ("csv", "md", "tex", "docx", "combined") for p in out[k])


# ---- refusals, at their boundaries


@pytest.mark.quick
@pytest.mark.parametrize(
    "kw, message",
    [
        ({"star_levels": (0.0,)}, "star levels must lie in \\(0, 1\\)"),
        ({"star_levels": (1.0, 0.05)}, "star levels must lie in \\(0, 1\\)"),
        ({"star_levels": ()}, "star levels must lie in \\(0, 1\\)"),
        ({"parens": "p"}, "parens must be 'se', 't' or 'z'"),
        ({"language": "fr"}, "language must be one of \\['en', 'zh'\\]"),
    ],
)
def test_regression_table_refuses_bad_options(kw, message):
    with pytest.raises(ValueError, match=message):
        RegressionTable(_columns(), number=1, title="T", **kw)


@pytest.mark.quick
def test_regression_table_accepts_levels_just_inside_the_unit_interval_and_refuses_no_columns():
    t = RegressionTable(_columns(), number=1, title="T", star_levels=(0.999, 1e-9)).table()
    assert t.rows[0].cells[0] == "0.123*"  # p = 0.0068 < 0.999 only
    with pytest.raises(ValueError, match="at least one model column"):
        RegressionTable([], number=1, title="T").table()


@pytest.mark.quick
def test_paper_tables_refuse_ragged_rows_groups_and_panels():
    from aicoord.paper import PaperTable, Row

    with pytest.raises(ValueError, match="language must be one of \\['en', 'zh'\\], got 'fr'"):
        PaperTable(1, "T", ["a"], [], language="fr")
    with pytest.raises(ValueError, match="row 'x' has 2 cells for 1 columns"):
        PaperTable(1, "T", ["a"], [Row("x", ["1", "2"])])
    PaperTable(1, "T", ["a"], [Row("P", [], "panel")])  # a panel row has no cells
    with pytest.raises(ValueError, match="the column groups must span all columns"):
        PaperTable(1, "T", ["a", "b"], [], groups=[("G", 1)])
    a = table_from_frame(_frame(), number=0, title="")
    with pytest.raises(ValueError, match="no panels"):
        panel_table([], number=1, title="T")
    with pytest.raises(ValueError, match="panel 'B' has columns"):
        panel_table(
            [("A", a), ("B", table_from_frame(_frame().drop(columns="n"), number=0, title=""))], number=1, title=""
        )
    with pytest.raises(ValueError, match="panels must share one language"):
        panel_table(
            [("A", a), ("B", table_from_frame(_frame(), number=0, title="", language="en"))], number=1, title=""
        )
    with pytest.raises(ValueError, match="scalar 'r2' is ambiguous"):
        ModelColumn("x", {}, {}, scalars={"r2": 0.5})
    with pytest.raises(ValueError, match="column 'x': no standard error for \\['b'\\]"):
        ModelColumn("x", {"a": 1.0, "b": 2.0}, {"a": 1.0})


@pytest.mark.quick
def test_fit_records_read_every_field_of_a_small_file(tmp_path):
    from scipy import stats

    from aicoord.paper import read_fit_records, read_impacts

    rows = pd.DataFrame(
        {
            "column": ["a", "a", "b"],
            "model": ["sar", "sar", "ols"],
            "weights": ["queen", "queen", "queen"],
            "parameter": ["x", "rho", "x"],
            "estimate": [0.6, 0.2, -0.3],
            "se": [0.2, 0.1, 0.15],
            "z": [3.5, 2.0, np.nan],  # a given z is kept; p from it where the file has none
            "sigma2": [0.5, 0.5, np.nan],
            "loglik": [-3.0, -3.0, -4.0],
            "N": [10, 10, 10],
            "T": [4, 4, 4],
            "nobs": [40, 40, 40],
            "note": "n",
        }
    )
    rows.to_csv(tmp_path / "c.csv", index=False)
    rec = read_fit_records(tmp_path / "c.csv")
    assert list(rec) == ["a", "b"]
    a, b = rec["a"], rec["b"]
    assert (
        list(a.params.index) == ["x", "rho"] and a.params.tolist() == [0.6, 0.2] and a.std_errors.tolist() == [0.2, 0.1]
    )
    assert a.zvalues.tolist() == [3.5, 2.0]
    np.testing.assert_allclose(a.pvalues, 2 * stats.norm.sf([3.5, 2.0]), rtol=1e-14)
    assert (a.sigma2, a.loglik, a.r2_within, a.N, a.T, a.nobs) == (0.5, -3.0, None, 10, 4, 40)
    assert (a.model, a.weights, a.effects) == ("sar", "queen", "")
    assert b.sigma2 is None and b.loglik == -4.0 and isinstance(b.N, int)
    imp = pd.DataFrame(
        {"variable": ["x"] * 3, "effect": ["direct", "indirect", "total"], "estimate": [1.0, -2.0, 3.0], "se": 0.5}
    ).assign(note="n")
    imp.to_csv(tmp_path / "e.csv", index=False)
    back = read_impacts(tmp_path / "e.csv")
    assert list(back.columns) == ["estimate", "se", "z", "p"] and back["z"].tolist() == [2.0, -4.0, 6.0]
    np.testing.assert_allclose(back["p"], 2 * stats.norm.sf([2.0, 4.0, 6.0]), rtol=1e-14)
