"""Steps of workflow/rules/paper.smk: the descriptive tables, the combined documents and the README, built
from small study outputs (tests/paper_inputs.py), once with the demo panel's note ("simulated data") and once
with a real source's note; the Word files, the notes and the combined documents."""

import numpy as np
import pandas as pd
import pytest
from docx import Document

from aicoord.paper import NumberFormat, tex_escape
from aicoord.steps import paper as P
from aicoord.steps import paper_estimates as E
from paper_inputs import (
    EN_LABELS,
    EN_NOTE,
    LABELS,
    MECHS,
    SIM_NOTE,
    VARS,
    WL,
    assert_source_note,
    assert_table_in_four_forms,
    assert_three_lines,
    build_study_tables,
    forms,
    make_inputs,
    printed,
    raw_inputs,
    rows_by_label,
    stars_of,
)


@pytest.fixture(scope="module", params=["simulated", "real"])
def built(request, tmp_path_factory):
    kind, d, outs = build_study_tables(request.param, tmp_path_factory)
    P.paper_tables([outs[n]["json"] for n in P.TABLES], d / "tables.docx", d / "tables.tex")
    return kind, d, outs


def test_every_table_is_written_in_four_forms_and_its_docx_has_three_lines(built):
    _, d, outs = built
    for step in (
        P.paper_descriptive,
        P.paper_correlation,
        P.paper_moran,
        P.paper_lisa,
        P.paper_inequality,
        P.paper_convergence,
    ):
        assert_table_in_four_forms(outs, step)


def test_the_note_says_simulated_data_exactly_when_the_input_does(built):
    kind, _, outs = built
    for name, out in outs.items():
        t = P.read_table(out["json"])
        if kind == "simulated":
            assert t.notes[0] == "模拟数据 (simulated data)", name
            assert "aicoord 模拟的示范面板" in t.note_text  # the demo's source, in the table's language
        else:
            assert "simulated data" not in t.note_text.lower() and "模拟数据" not in t.note_text, name
            assert "统计年鉴 (test panel)" in t.note_text, name


def test_the_combined_documents_hold_every_table_in_order(built):
    _, d, outs = built
    tables = [P.read_table(outs[n]["json"]) for n in P.TABLES]
    doc = Document(str(d / "tables.docx"))
    assert len(doc.tables) == len(tables)
    paras = [p.text for p in doc.paragraphs]
    pos = [paras.index(t.caption) for t in tables]
    assert pos == sorted(pos)
    for t, dt in zip(tables, doc.tables):
        assert len(dt.rows) == len(t.header_rows) + len(t.rows)
        assert_three_lines(dt, len(t.header_rows))
        assert t.note_text in paras
    tex = (d / "tables.tex").read_text(encoding="utf-8")
    at = [tex.index(r"\caption{" + tex_escape(t.title) + "}") for t in tables]
    assert at == sorted(at) and tex.count(r"\begin{table}") == len(tables)


def test_descriptive_and_vif_are_recomputed(built):
    _, d, outs = built
    from statsmodels.stats.outliers_influence import variance_inflation_factor

    panel = pd.read_csv(d / "panel.csv")
    t = P.read_table(outs["descriptive"]["json"])
    ai = [r for r in t.rows if r.label == "人工智能指数"][0]
    fmt = NumberFormat()
    assert ai.cells == [
        str(len(panel)),
        fmt(panel["ai"].mean()),
        fmt(panel["ai"].std()),
        fmt(panel["ai"].min()),
        fmt(panel["ai"].max()),
    ]
    c = P.read_table(outs["correlation"]["json"])
    full = panel.merge(pd.read_csv(d / "industrial_upgrading.csv").drop(columns="note"), on=["code", "year"]).merge(
        pd.read_csv(d / "value_chain.csv").drop(columns="note"), on=["code", "year"]
    )
    x = np.column_stack([np.ones(len(full))] + [full[v] for v in VARS[1:]])
    assert c.rows[1].cells[-1] == fmt(variance_inflation_factor(x, 1), 2)
    assert c.rows[0].cells[-1] == ""  # the outcome has no VIF
    assert c.rows[1].cells[0] == fmt(full["coord_gap"].corr(full["ai"]))


def test_inequality_table_gives_the_contribution_rates_of_the_parts(built):
    """The Dagum (and Theil) decomposition prints each part's contribution rate (贡献率, %), as papers do."""
    _, _, outs = built
    t = P.read_table(outs["inequality"]["json"])
    assert t.groups == [("Theil T", 3), ("Theil T 贡献率（%）", 2), ("Dagum Gini", 4), ("Dagum Gini 贡献率（%）", 3)]
    assert t.columns == [
        "总体",
        "组内",
        "组间",
        "组内",
        "组间",
        "总体",
        "组内",
        "净组间",
        "超变密度",
        "组内",
        "净组间",
        "超变密度",
    ]
    row = next(r for r in t.rows if r.label == "2021")
    assert row.cells == [
        "0.100",
        "0.060",
        "0.040",
        "60.00",
        "40.00",
        "0.250",
        "0.060",
        "0.150",
        "0.040",
        "24.00",
        "60.00",
        "16.00",
    ]


def test_descriptive_statistics_get_decimals_by_magnitude_or_by_variable(built, tmp_path):
    """One global decimals printed GDP per capita as 58,031.989: a row's decimals follow its magnitude, and
    paper.variable_decimals sets a variable's own."""
    from aicoord.paper.numbers import row_decimals

    assert [row_decimals(v, 3) for v in ([58031.989, 12000.0], [96.5, 3.4], [0.5, -0.8], [403.0], [0.0])] == [
        0,
        3,
        3,
        2,
        3,
    ]
    _, d, outs = built
    t = P.read_table(outs["descriptive"]["json"])
    for r in t.rows:
        digits = {len(c.partition(".")[2]) for c in r.cells[1:]}
        assert len(digits) == 1, r.label  # one number of decimals per row
    inp = [d / f"{m}.csv" for m in MECHS]
    out = {k: tmp_path / f"d.{k}" for k in ("csv", "md", "tex", "docx", "json")}
    P.paper_descriptive(
        d / "panel.csv",
        inp,
        **out,
        variables=VARS,
        labels=LABELS,
        language="zh",
        decimals=3,
        variable_decimals={"gdp_pc": 1},
    )
    row = next(r for r in P.read_table(out["json"]).rows if r.label == LABELS["gdp_pc"])
    assert all(len(c.partition(".")[2]) == 1 for c in row.cells[1:])


def test_formula_like_labels_are_escaped_in_the_csvs_and_negative_numbers_are_not(tmp_path):
    """Issue 24 (formula injection): a paper.labels value starting with =, +, - or @ was written bare into
    descriptive.csv and baseline.csv, so Excel ran it. Such cells get OWASP's leading single quote; numbers as
    printed (-0.123, -0.020**) are left as they are. The same holds for the results tables (aicoord.io.write_csv)."""
    import csv

    make_inputs(tmp_path, SIM_NOTE)
    labels = dict(LABELS, gov='=HYPERLINK("http://x","y")', urban="@SUM(A1)", ai="+cmd|' /C calc'!A0", gdp_pc="-2+3")
    out = {
        n: {k: tmp_path / f"{n}.{k}" for k in ("csv", "md", "tex", "docx", "json")} for n in ("descriptive", "baseline")
    }
    P.paper_descriptive(
        tmp_path / "panel.csv",
        [tmp_path / f"{m}.csv" for m in MECHS],
        **out["descriptive"],
        variables=VARS,
        labels=labels,
        language="zh",
        decimals=3,
    )
    E.paper_baseline(
        tmp_path / "baseline.csv",
        tmp_path / "baseline.json",
        **out["baseline"],
        labels=labels,
        language="zh",
        decimals=3,
        stars=[0.10, 0.05, 0.01],
        parentheses="se",
        weights_labels=WL,
    )
    cells = [c for n in out for row in csv.reader(out[n]["csv"].open(encoding="utf-8")) for c in row]
    bare = [
        c
        for c in cells
        if len(c) > 1
        and c[0] in "=+-@"
        and not c.lstrip("-+").replace(".", "", 1).replace(",", "").rstrip("*%").isdigit()
    ]
    assert bare == [], bare
    for label in ('=HYPERLINK("http://x","y")', "@SUM(A1)", "-2+3"):
        assert "'" + label in cells, label
    escaped = {c for c in cells if c.startswith("'")}
    assert escaped == {"'" + labels[k] for k in ("gov", "urban", "ai", "gdp_pc")}, escaped  # nothing else
    assert [c for c in cells if c[:1] in "-\u2212" and c[1:2].isdigit()]  # negative numbers, unescaped
    from aicoord.io import write_csv

    write_csv(pd.DataFrame({"=a": [-1.5, 2.0], "label": ["-gov", "-0.25**"], "note": ["@x", "ok"]}), tmp_path / "r.csv")
    assert (tmp_path / "r.csv").read_text(encoding="utf-8") == "'=a,label,note\n-1.5,'-gov,'@x\n2,-0.25**,ok\n"


def test_moran_table_uses_the_configured_star_levels(built, tmp_path):
    """Stars of the Moran table follow ``stars`` (here 5%, 1%, 0.1%), not the default levels (first mutation draw
    of issue 22)."""
    _, d, _ = built
    g = pd.read_csv(d / "global.csv")
    g = g[g["matrix"] == g["matrix"].iloc[0]].head(1)
    g = pd.concat([g.assign(year=y, p_rand=p) for y, p in zip(range(2001, 2005), [0.07, 0.03, 0.005, 0.0005])])
    g = g.assign(matrix="queen")
    g.to_csv(tmp_path / "global.csv", index=False)
    out = {k: tmp_path / f"moran.{k}" for k in ("csv", "md", "tex", "docx", "json")}
    P.paper_moran(
        tmp_path / "global.csv",
        **out,
        stars=[0.05, 0.01, 0.001],
        weights_labels=WL,
        labels=LABELS,
        language="en",
        decimals=3,
    )
    t = P.read_table(out["json"])
    rows = [r for r in t.rows if r.cells and any(r.cells)]
    stars = [len(r.cells[0]) - len(r.cells[0].rstrip("*")) for r in rows]
    assert stars == [0, 1, 2, 3]
    assert any("0.1%" in n for n in t.notes)


def test_the_combined_tex_compiles_with_no_overfull_box(built, tmp_path):
    """Every table of tables.tex (the wide ones scaled to the text width) compiles under xelatex with no overfull
    box and no missing glyph; skipped, with the reason, where xelatex is not installed."""
    from helpers import compile_tex, tex_overflows, xelatex_or_skip

    _, d, _ = built
    xelatex = xelatex_or_skip()
    (tmp_path / "tables.tex").write_bytes((d / "tables.tex").read_bytes())
    log = compile_tex(xelatex, tmp_path / "tables.tex")
    assert "Missing character" not in log
    assert tex_overflows(log) == []


def test_paper_readme_lists_every_table_and_figure_with_its_rule(built, tmp_path):
    _, d, outs = built
    entries = [
        {"name": n, "rule": f"paper_{n}", "inputs": [f"results/tables/{n}.csv"], "config": ["paper.decimals"]}
        for n in P.TABLES
    ]
    figures = [
        {
            "name": "mediation",
            "title": "Mediated effects",
            "files": ["results/paper/figures/mediation.png"],
            "rule": "paper_figure_mediation",
            "inputs": ["results/tables/verdict.csv"],
            "config": ["analysis.alpha"],
        }
    ]
    P.paper_readme([outs[n]["json"] for n in P.TABLES], tmp_path / "README.md", entries=entries, figures=figures)
    text = (tmp_path / "README.md").read_text(encoding="utf-8")
    for n in P.TABLES:
        row = next(ln for ln in text.splitlines() if f"`{n}.csv/.md/.tex/.docx`" in ln)
        # the caption is the one the table's JSON holds, the rule and inputs those of the entry
        assert P.read_table(outs[n]["json"]).caption in row and f"`paper_{n}`" in row
        assert f"`results/tables/{n}.csv`" in row
    assert "| Mediated effects | `mediation.png` | `paper_figure_mediation` |" in text


def test_inequality_table_in_both_languages_called_directly(built, tmp_path):
    """The inequality step called in this test (mutmut attributes a step run inside the module fixture to one test
    only): the groups name the contribution rates in the table's language, and each rate is the part's share of
    the total times 100, to two decimals."""
    _, d, _ = built
    g = pd.read_csv(d / "inequality.csv")
    for language, rate in (("zh", "贡献率（%）"), ("en", "Contribution (%)")):
        out = {k: tmp_path / f"i_{language}.{k}" for k in ("csv", "md", "tex", "docx", "json")}
        P.paper_inequality(d / "inequality.csv", **out, labels=LABELS, language=language, decimals=3)
        t = P.read_table(out["json"])
        assert t.groups == [("Theil T", 3), (f"Theil T {rate}", 2), ("Dagum Gini", 4), (f"Dagum Gini {rate}", 3)]
        first = g.iloc[0]
        row = next(r for r in t.rows if r.label == str(int(first["year"])))
        shares = [
            "theil_t_within_share",
            "theil_t_between_share",
            "gini_within_share",
            "gini_between_net_share",
            "gini_transvariation_share",
        ]
        assert [row.cells[i] for i in (3, 4, 9, 10, 11)] == [f"{100 * first[c]:.2f}" for c in shares]


# ---- each table step called in its own test's body, on English inputs, its printed cells checked against
# independent computations: the values as printed (U+2212 minus, thousands separators, the decimals), the column
# names, the row order and the notes. (Mutation testing credits a function to the tests that call it, not to the
# later tests that share a module fixture that called it: the tests above read the fixture ``built``.)


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    """The inputs of the table steps (no step run), with an English note (paper_inputs.raw_inputs)."""
    return raw_inputs(tmp_path_factory)


def test_descriptive_step_prints_each_statistic_with_its_row_decimals(raw, tmp_path):
    d, inp = raw
    out = forms(tmp_path, "descriptive")
    P.paper_descriptive(
        d / "panel.csv",
        inp["mech"],
        **out,
        variables=VARS,
        labels=EN_LABELS,
        language="en",
        decimals=3,
        number=4,
        variable_decimals={"urban": 1},
    )
    t = P.read_table(out["json"])
    assert t.number == 4 and t.caption == "Table 4. Descriptive statistics"
    assert t.columns == ["N", "Mean", "SD", "Min", "Max"] and t.stub == "Variable"
    full = pd.read_csv(d / "panel.csv")
    for m in MECHS:
        full = full.merge(pd.read_csv(d / f"{m}.csv").drop(columns="note"), on=["code", "year"])
    assert [r.label for r in t.rows] == [EN_LABELS.get(v, v) for v in VARS]
    for r, v in zip(t.rows, VARS):
        x = full[v].to_numpy()
        # 0 decimals for GDP per capita (six digits), 1 where configured, else the table's 3
        dec = 0 if v == "gdp_pc" else 1 if v == "urban" else 3
        stats = [x.mean(), x.std(ddof=1), x.min(), x.max()]
        assert r.cells == [str(len(x))] + [printed(s, dec) for s in stats], v
    assert_source_note(t)
    tidy = pd.read_csv(out["csv"], dtype=str, keep_default_na=False)
    assert list(tidy.columns) == ["table", "panel", "row", "label", "statistic", "group", "column", "value", "note"]
    assert tidy.loc[tidy["label"] == "GDP per capita", "value"].tolist() == t.rows[-1].cells


def test_correlation_step_prints_the_lower_triangle_and_each_vif(raw, tmp_path):
    from statsmodels.stats.outliers_influence import variance_inflation_factor

    d, inp = raw
    out = forms(tmp_path, "correlation")
    P.paper_correlation(
        d / "panel.csv",
        inp["mech"],
        **out,
        variables=VARS,
        outcome="coord_gap",
        labels=EN_LABELS,
        language="en",
        decimals=3,
    )
    t = P.read_table(out["json"])
    k = len(VARS)
    assert t.columns == [f"({i + 1})" for i in range(k)] + ["VIF"]
    full = pd.read_csv(d / "panel.csv")
    for m in MECHS:
        full = full.merge(pd.read_csv(d / f"{m}.csv").drop(columns="note"), on=["code", "year"])
    corr = np.corrcoef(full[VARS].to_numpy().T)
    x = np.column_stack([np.ones(len(full))] + [full[v] for v in VARS[1:]])
    for i, (r, v) in enumerate(zip(t.rows, VARS)):
        assert r.label == f"({i + 1}) {EN_LABELS.get(v, v)}"
        assert r.cells[:k] == [printed(corr[i, j], 3) if j <= i else "" for j in range(k)]
        assert r.cells[k] == ("" if v == "coord_gap" else printed(variance_inflation_factor(x, i), 2))
    assert t.notes[1] == "VIF of each explanatory variable (all but the dependent variable) on the others"
    assert_source_note(t)


@pytest.mark.parametrize("stars", [(0.10, 0.05, 0.01), (0.05, 0.01)])
def test_moran_step_prints_i_with_its_stars_and_z_by_year_and_matrix(raw, tmp_path, stars):
    d, _ = raw
    out = forms(tmp_path, "moran")
    P.paper_moran(
        d / "global.csv", **out, stars=list(stars), weights_labels=WL, labels=EN_LABELS, language="en", decimals=3
    )
    t = P.read_table(out["json"])
    g = pd.read_csv(d / "global.csv")
    panels = [r.label for r in t.rows if r.kind == "panel"]
    assert panels == ["Coordination gap", "AI index"]
    body = [r for r in t.rows if r.kind != "panel"]
    assert [r.label for r in body] == ["2021", "2022", "2023"] * 2
    for r, (v, y) in zip(body, [(v, y) for v in ("coord_gap", "ai") for y in (2021, 2022, 2023)]):
        want = []
        for m in WL:  # the matrices in the input's order, each I with its stars, then z
            s = g[(g["variable"] == v) & (g["year"] == y) & (g["matrix"] == m)].iloc[0]
            want += [printed(s["I"], 3) + stars_of(s["p_rand"], stars), printed(s["z_rand"], 3)]
        assert r.cells == want, (v, y)
    levels = {3: "10%, 5% and 1% levels", 2: "5% and 1% levels"}[len(stars)]
    assert any(levels in n for n in t.notes)
    assert_source_note(t)
    # one matrix chosen: its columns only
    P.paper_moran(
        d / "global.csv",
        **out,
        stars=list(stars),
        weights_labels=WL,
        labels=EN_LABELS,
        language="en",
        decimals=3,
        matrices=["invdist"],
    )
    t = P.read_table(out["json"])
    assert len(t.columns) == 2 and [r.cells[0] for r in t.rows if r.kind != "panel"][:3] == [
        printed(0.2 + 0.01 * k, 3) + stars_of(0.0801, stars) for k in range(3)
    ]


def test_lisa_step_aligns_each_matrix_to_the_first_files_provinces(raw, tmp_path):
    d, inp = raw
    first = pd.read_csv(inp["lisa"][0], dtype={"id": str})
    other = pd.read_csv(inp["lisa"][1], dtype={"id": str})
    other["cluster"] = ["LL", "Not significant", "HH", "No neighbours", "LH", "HL", "HH", "LL"]
    shuffled = other.iloc[[7, 3, 0, 5, 1, 6, 2, 4]]
    shuffled.to_csv(tmp_path / "lisa_other.csv", index=False)
    out = forms(tmp_path, "lisa")
    P.paper_lisa(
        [inp["lisa"][0], tmp_path / "lisa_other.csv"], **out, weights_labels=WL, labels=EN_LABELS, language="en"
    )
    t = P.read_table(out["json"])
    assert t.caption == "Table 4. Local spatial autocorrelation (LISA) clusters (AI index, 2023)"
    assert t.columns == ["Region", *WL.values()] and t.stub == "Province"
    names = {"HH": "High-High", "LL": "Low-Low", "LH": "Low-High", "HL": "High-Low", "No neighbours": "No neighbours"}
    by_id = other.set_index("id")["cluster"]
    for r, (_, f) in zip(t.rows, first.iterrows()):
        c = by_id[f["id"]]
        assert r.cells == [f["region4"], names[f["cluster"]], "—" if c == "Not significant" else names.get(c, c)]
    assert [r.label for r in t.rows][:2] == ["Beijing", "Tianjin"]
    assert "Clusters are quadrants of local Moran's I significant at the 0.05 level (pseudo p)" in t.notes
    assert any("1" in n and WL["invdist"] in n and "neighbour" in n.lower() for n in t.notes[2:-2])
    assert_source_note(t)


def test_inequality_step_prints_each_year_and_variable_in_its_own_row(tmp_path):
    rng = np.random.default_rng(5)
    cols = [
        "theil_t",
        "theil_t_within",
        "theil_t_between",
        "theil_t_within_share",
        "theil_t_between_share",
        "gini",
        "gini_within",
        "gini_between_net",
        "gini_transvariation",
        "gini_within_share",
        "gini_between_net_share",
        "gini_transvariation_share",
    ]
    g = pd.DataFrame(
        [
            {"variable": v, "year": y, **{c: float(rng.uniform(0.01, 0.9)) for c in cols}, "note": EN_NOTE}
            for v in ("ai", "gdp_pc")
            for y in (2023, 2021, 2022)
        ]
    )
    g.to_csv(tmp_path / "ineq.csv", index=False)
    out = forms(tmp_path, "inequality")
    P.paper_inequality(tmp_path / "ineq.csv", **out, labels=EN_LABELS, language="en", decimals=3)
    t = P.read_table(out["json"])
    assert [r.label for r in t.rows if r.kind == "panel"] == ["AI index", "GDP per capita"]
    body = [r for r in t.rows if r.kind != "panel"]
    assert [r.label for r in body] == ["2023", "2021", "2022"] * 2  # the input's order
    for r, (_, s) in zip(body, g.iterrows()):
        assert r.cells == [printed(100 * s[c], 2) if c.endswith("_share") else printed(s[c], 3) for c in cols]
    assert t.columns[:3] == ["Total", "Within", "Between"] and t.columns[7:9] == ["Net between", "Transvariation"]
    assert t.notes[1] == "Regions: NBS East, Central, West, Northeast"
    assert_source_note(t)


def test_convergence_step_prints_sigma_by_year_and_each_beta_model(raw, tmp_path):
    d, _ = raw
    out = forms(tmp_path, "convergence")
    P.paper_convergence(
        d / "inequality.csv", d / "beta.csv", **out, variable="gdp_pc", labels=EN_LABELS, language="en", decimals=3
    )
    t = P.read_table(out["json"])
    assert t.columns == ["Estimate", "SE", "p", "Speed", "Half-life", "Spatial parameter", "Observations"]
    assert [r.label for r in t.rows if r.kind == "panel"] == [
        "Panel A: σ-convergence (coefficient of variation of GDP per capita)",
        "Panel B: β-convergence (GDP per capita)",
    ]
    ineq = pd.read_csv(d / "inequality.csv")
    cv = ineq[ineq["variable"] == "gdp_pc"]
    rows = rows_by_label(t)
    for _, s in cv.iterrows():
        assert rows[str(s["year"])] == [printed(s["cv"], 3)] + [""] * 6
    assert rows["FE two-way, absolute"] == ["−0.100", "0.010", "0.000", "0.100", "6.50", "", "16"]
    assert rows["SAR, conditional"] == ["−0.110", "0.010", "0.000", "0.110", "6.00", "ρ = −0.070", "16"]
    assert t.notes[1] == "conditional β: controls Government intervention, Urbanisation"
    assert_source_note(t)


def test_combined_documents_and_readme_hold_the_tables_given_in_order(raw, tmp_path):
    d, inp = raw
    outs = {}
    for name, step, kw in (
        ("descriptive", P.paper_descriptive, dict(variables=VARS, decimals=3)),
        ("verdict", E.paper_verdict, dict(decimals=3, alpha=0.05)),
    ):
        outs[name] = forms(tmp_path, name)
        args = (d / "panel.csv", inp["mech"]) if name == "descriptive" else (d / "verdict.csv",)
        step(*args, **outs[name], labels=EN_LABELS, language="en", **kw)
    jsons = [outs["descriptive"]["json"], outs["verdict"]["json"]]
    P.paper_tables(jsons, tmp_path / "all.docx", tmp_path / "all.tex")
    doc = Document(str(tmp_path / "all.docx"))
    captions = [P.read_table(p).caption for p in jsons]
    paras = [p.text for p in doc.paragraphs]
    assert len(doc.tables) == 2 and [paras.index(c) for c in captions] == sorted(paras.index(c) for c in captions)
    assert doc.tables[0].rows[1].cells[0].text == "Coordination gap"
    tex = (tmp_path / "all.tex").read_text(encoding="utf-8")
    assert tex.index("Descriptive statistics") < tex.index("Verdict: does AI")
    with pytest.raises(ValueError, match=r"tables out of order: \[16, 1\]"):
        P.paper_tables(jsons[::-1], tmp_path / "x.docx", tmp_path / "x.tex")
    # the README's rows: each entry's caption read from the table of its name (the file's stem)
    entries = [{"name": n, "rule": f"paper_{n}", "inputs": ["x.csv"], "config": ["paper.decimals"]} for n in outs]
    P.paper_readme(jsons, tmp_path / "README.md", entries=entries[::-1], figures=[])
    lines = (tmp_path / "README.md").read_text(encoding="utf-8").splitlines()
    rows = [ln for ln in lines if ln.startswith("| Table ")]
    assert rows == [
        f"| {captions[1]} | `verdict.csv/.md/.tex/.docx` | `paper_verdict` | `x.csv` | `paper.decimals` |",
        f"| {captions[0]} | `descriptive.csv/.md/.tex/.docx` | `paper_descriptive` | `x.csv` | `paper.decimals` |",
    ]


# ---- written after draw 4 of the mutation sample was scored, for its survivors (tests/MUTATION.md)


def test_mechanism_table_prints_the_adjusted_p_row_and_the_convergence_table_has_no_stub(raw, tmp_path):
    d, _ = raw
    out = forms(tmp_path, "mechanisms")
    E.paper_mechanisms(
        d / "mechanisms.csv",
        **out,
        alpha=0.05,
        verdict_csv=d / "verdict.csv",
        outcome="coord_gap",
        language="en",
        decimals=3,
        stars=[0.10, 0.05, 0.01],
        parentheses="se",
        weights_labels=WL,
        labels=EN_LABELS,
    )
    rows = rows_by_label(P.read_table(out["json"]))
    v = pd.read_csv(d / "verdict.csv").set_index("mechanism")
    assert rows["Adjusted p"] == [
        "",
        printed(v.loc[MECHS[0], "p_adjusted"], 3),
        "",
        printed(v.loc[MECHS[1], "p_adjusted"], 3),
    ]
    out = forms(tmp_path, "convergence")
    P.paper_convergence(
        d / "inequality.csv", d / "beta.csv", **out, variable="gdp_pc", labels=EN_LABELS, language="en", decimals=3
    )
    assert P.read_table(out["json"]).stub == ""


def test_moran_table_keeps_the_other_matrices_of_a_year_one_matrix_lacks(raw, tmp_path):
    d, _ = raw
    g = pd.read_csv(d / "global.csv")
    g = g[~((g["matrix"] == "queen") & (g["year"] == 2022))]  # the first matrix lacks 2022
    g.to_csv(tmp_path / "global.csv", index=False)
    out = forms(tmp_path, "moran")
    P.paper_moran(
        tmp_path / "global.csv",
        **out,
        stars=[0.1, 0.05, 0.01],
        weights_labels=WL,
        labels=EN_LABELS,
        language="en",
        decimals=3,
    )
    row = [r for r in P.read_table(out["json"]).rows if r.label == "2022"][0]
    assert row.cells == ["", "", printed(0.21, 3) + "*", printed(2.0, 3)]


@pytest.mark.quick
@pytest.mark.parametrize(
    "language, heads",
    [
        (
            "en",
            ["Total", "Within", "Between", "Within", "Between"]
            + ["Total", "Within", "Net between", "Transvariation", "Within", "Net between", "Transvariation"],
        ),
        (
            "zh",
            [
                "总体",
                "组内",
                "组间",
                "组内",
                "组间",
                "总体",
                "组内",
                "净组间",
                "超变密度",
                "组内",
                "净组间",
                "超变密度",
            ],
        ),
    ],
)
def test_inequality_step_heads_every_column_in_the_table_language(raw, tmp_path, language, heads):
    """Every column head of the inequality table, the contribution rates' included, as printed: capitalised in
    English (the Theil rates' "Between" as the Theil part's), without the padding that keeps the frame's names
    apart; the tidy CSV gives each cell the same head under its group."""
    d, _ = raw
    out = forms(tmp_path, "inequality")
    P.paper_inequality(d / "inequality.csv", **out, labels=EN_LABELS, language=language, decimals=3)
    t = P.read_table(out["json"])
    assert t.columns == heads
    rate = "贡献率（%）" if language == "zh" else "Contribution (%)"
    groups = ["Theil T"] * 3 + [f"Theil T {rate}"] * 2 + ["Dagum Gini"] * 4 + [f"Dagum Gini {rate}"] * 3
    records = pd.read_csv(out["csv"], dtype=str, keep_default_na=False)
    first = records[(records["panel"] == records["panel"].iloc[0]) & (records["row"] == records["row"].iloc[0])]
    assert list(zip(first["group"], first["column"])) == list(zip(groups, heads))


@pytest.mark.quick
@pytest.mark.parametrize("language, head", [("en", "GDP per capita"), ("zh", "人均GDP")])
def test_convergence_step_names_the_variable_by_its_default_label(raw, tmp_path, language, head):
    """Without a ``paper.labels`` entry for the variable, the convergence panels name it by the table language's
    default label."""
    d, _ = raw
    out = forms(tmp_path, "convergence")
    P.paper_convergence(
        d / "inequality.csv", d / "beta.csv", **out, variable="gdp_pc", labels={}, language=language, decimals=3
    )
    t = P.read_table(out["json"])
    panels = [r.label for r in t.rows if r.kind == "panel"]
    assert len(panels) == 2 and all(head in p for p in panels)
    assert panels == [P.words(language, {})[k].format(v=head) for k in ("sigma", "beta")]


@pytest.mark.quick
def test_moran_step_names_the_configured_matrices_when_none_is_in_the_table(raw, tmp_path):
    """``paper.moran_matrices`` naming only matrices the study did not compute stops with a message that names
    them, and writes no table."""
    d, _ = raw
    out = forms(tmp_path, "moran")
    with pytest.raises(ValueError, match=r"^none of the matrices \['knn9', 'rook'\] is in the Moran table$"):
        P.paper_moran(
            d / "global.csv",
            **out,
            stars=[0.1, 0.05, 0.01],
            weights_labels=WL,
            labels=EN_LABELS,
            language="en",
            decimals=3,
            matrices=["knn9", "rook"],
        )
    assert not any(p.exists() for p in out.values())
