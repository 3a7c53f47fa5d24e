"""Steps of workflow/rules/paper_estimates.smk: the tables of the study's estimates built from small study
outputs (tests/paper_inputs.py), once with the demo panel's note ("simulated data") and once with a real
source's note; the stars, the rows, the variants not estimated and the mechanism tables."""

import dataclasses
import json

import pandas as pd
import pytest
from docx import Document
from scipy import special

from aicoord.paper import NumberFormat
from aicoord.paper.study_tables import failure_text
from aicoord.steps import paper as P
from aicoord.steps import paper_estimates as E
from paper_inputs import LABELS, MECHS, REG, SIM_NOTE, WL, assert_three_lines, build_study_tables, make_inputs


@pytest.fixture(scope="module", params=["simulated", "real"])
def built(request, tmp_path_factory):
    return build_study_tables(request.param, tmp_path_factory)


def test_every_estimates_table_is_written_in_four_forms_and_its_docx_has_three_lines(built):
    _, d, outs = built
    for step in (
        E.paper_specification,
        E.paper_baseline,
        E.paper_effects,
        E.paper_mechanisms,
        E.paper_heterogeneity,
        E.paper_robustness,
        E.paper_scenarios,
        E.paper_scenario_provinces,
        E.paper_identification,
        E.paper_verdict,
    ):
        name = step.__name__.removeprefix("paper_")
        out = outs[name]
        for kind in ("csv", "md", "tex", "docx", "json"):
            assert out[kind].stat().st_size > 0, (name, kind)
        t = P.read_table(out["json"])
        assert t.number == P.TABLES.index(name) + 1 and t.title.startswith(P.TITLES["zh"][name])
        assert out["md"].read_text(encoding="utf-8").startswith(f"**{t.caption}**")
        assert "\\bottomrule" in out["tex"].read_text(encoding="utf-8")
        tidy = pd.read_csv(out["csv"], dtype=str, keep_default_na=False)
        assert set(tidy["note"]) == {t.note_text} and len(tidy) > 0
        doc = Document(str(out["docx"]))
        assert len(doc.tables) == 1, name
        assert len(doc.tables[0].rows) == len(t.header_rows) + len(t.rows)
        assert_three_lines(doc.tables[0], len(t.header_rows))


def _stars(p):
    return "*" * sum(p < a for a in (0.10, 0.05, 0.01))


def test_stars_agree_with_the_unrounded_estimates_over_their_se(built):
    _, d, outs = built
    fmt = NumberFormat()
    base = pd.read_csv(d / "baseline.csv")
    eff = pd.read_csv(d / "effects.csv")
    mech = pd.read_csv(d / "mechanisms.csv")
    het = pd.read_csv(d / "heterogeneity.csv")
    checked = 0
    for name in REG:
        t = P.read_table(outs[name]["json"])
        coef = [r for r in t.rows if r.kind == "coef"]
        ses = [r for r in t.rows if r.kind == "se"]
        assert len(coef) == len(ses) > 0
        for r, s in zip(coef, ses):
            for j, (cell, se_cell) in enumerate(zip(r.cells, s.cells)):
                if not cell:
                    continue
                if name == "baseline":
                    c = list(dict.fromkeys(base["column"]))[j]
                    src = base[(base["column"] == c) & (base["parameter"] == r.key)].iloc[0]
                elif name == "effects":
                    kind = ["direct", "indirect", "total"][j]
                    src = eff[(eff["variable"] == r.key) & (eff["effect"] == kind)].iloc[0]
                elif name == "mechanisms":
                    m = MECHS[j // 2]
                    quantity = {"channel": "channel_on_y", "mediated": "mediated"}.get(
                        r.key, ("ai_on_channel", "ai_on_y")[j % 2]
                    )
                    q = mech[(mech["mechanism"] == m) & (mech["quantity"] == quantity)]
                    src = q[q["effect"] == "total"].iloc[0]
                else:
                    panel = [x for x in t.rows[: t.rows.index(r)] if x.kind == "panel"][-1].label
                    group = {"东部": "East", "西部": "West", "前期": "pre", "后期": "post"}[r.label]
                    src = het[(het["group"] == group) & (het["effect"] == ["direct", "indirect", "total"][j])].iloc[0]
                    assert panel
                p = float(2 * special.ndtr(-abs(src["estimate"] / src["se"])))
                d = fmt.decimals_for(src["se"])  # two significant digits of the SE, for both
                assert cell == fmt(src["estimate"], d) + _stars(p), (name, r.key, cell, p)
                assert se_cell == f"({fmt(src['se'], d)})"
                checked += 1
    # the inputs put |z| within 0.01 of 1.645, 1.960 and 2.576, where rounded numbers would mislead
    assert checked >= 30


def test_regression_tables_say_what_the_rows_are(built):
    _, _, outs = built
    t = P.read_table(outs["baseline"]["json"])
    keys = [r.key for r in t.rows]
    assert keys[:2] == ["ai", "ai"] and "W*ai" in keys and "rho" in keys
    assert {"r2_within", "loglik", "N", "T", "nobs"} <= set(keys)
    # the controls and their W-lags are printed (paper.show_controls, default), so no 控制变量 row
    coef = [r.key for r in t.rows if r.kind == "coef"]
    assert {"gov", "urban", "W*gov", "W*urban"} <= set(coef)
    assert [(r.label, r.cells) for r in t.rows if r.kind == "flag"] == [
        ("地区效应", ["是"] * 4),
        ("时间效应", ["是"] * 4),
    ]
    # paper.baseline_columns: FE OLS, SAR, SEM and SDM side by side; ρ only under SAR and SDM, λ only under SEM
    assert t.columns == ["固定效应 OLS", "SAR", "SEM", "SDM"]
    rho = next(r for r in t.rows if r.key == "rho" and r.kind == "coef")
    lam = next(r for r in t.rows if r.key == "lambda" and r.kind == "coef")
    assert [bool(c) for c in rho.cells] == [False, True, False, True] and [bool(c) for c in lam.cells] == [
        False,
        False,
        True,
        False,
    ]
    wai = next(r for r in t.rows if r.key == "W*ai" and r.kind == "coef")
    assert [bool(c) for c in wai.cells] == [False, False, False, True]
    assert "R²（组内）" in [r.label for r in t.rows]
    assert "括号内为标准误" in t.note_text and "10%、5%、1%" in t.note_text and "queen: Queen 邻接矩阵" in t.note_text


def test_robustness_reports_variants_not_estimated(built):
    _, _, outs = built
    t = P.read_table(outs["robustness"]["json"])
    row = [r for r in t.rows if r.label == "invdist: 反距离矩阵（幂 1） × 人工智能滞后一期"][0]
    assert "invdist: 反距离矩阵（幂 1）" in t.note_text
    assert row.cells[2:4] == ["未估计", "原因见稳健性结果文件"]  # an engine message has no translation
    t2 = failure_text(
        "rho = 1.000000 is at the boundary of its admissible interval (-4.7, 1.0); the ML estimate",
        "zh",
        NumberFormat(),
    )
    assert t2 == "ρ = 1.000（边界）"
    assert [r.label for r in t.rows if r.kind == "panel"] == [
        "人工智能总效应",
        "中介效应: 产业结构升级",
        "中介效应: 价值链攀升",
    ]


def test_robustness_dynamic_sdm_column_is_short_run(built, tmp_path):
    """The dynamic SDM's column is labelled as short-run effects, the note says what they are, and a variant
    not estimated (not stationary) gives its reason in the cell."""
    _, d, outs = built
    t = P.read_table(outs["robustness"]["json"])
    assert "动态SDM（短期）" in json.dumps(dataclasses.asdict(t), ensure_ascii=False)
    assert "短期效应" in t.note_text and "Yu、de Jong 和 Lee（2008）" in t.note_text
    mech = [r.label for r in t.rows if r.kind == "panel"].index("中介效应: 产业结构升级")
    rows = [r for r in t.rows if r.label == "invdist: 反距离矩阵（幂 1） × 全样本"]
    assert rows[mech].cells[4:] == ["未估计", "非平稳（最大模 1.012 ≥ 1）"]
    en = {k: tmp_path / f"r.{k}" for k in ("csv", "md", "tex", "docx", "json")}
    E.paper_robustness(
        d / "robustness.csv", **en, labels=LABELS, weights_labels=WL, alpha=0.05, language="en", decimals=3
    )
    te = P.read_table(en["json"])
    assert "Dynamic SDM (short run)" in json.dumps(dataclasses.asdict(te))
    assert "short-run effects, (I − ρW)⁻¹(βI + θW)" in te.note_text
    # without the dynamic model, no note about it
    g = pd.read_csv(d / "robustness.csv")
    g[g["model"] != "dynamic_sdm"].to_csv(tmp_path / "static.csv", index=False)
    E.paper_robustness(
        tmp_path / "static.csv", **en, labels=LABELS, weights_labels=WL, alpha=0.05, language="en", decimals=3
    )
    assert "short-run" not in P.read_table(en["json"]).note_text


def test_scenario_provinces_one_row_per_province_one_group_per_scenario(built):
    _, _, outs = built
    t = P.read_table(outs["scenario_provinces"]["json"])
    assert len(t.rows) == 8 and t.groups == [("", 1), ("中西部与东北追赶情景", 4), ("东部增长冻结情景", 4)]
    assert t.rows[0].label == "北京" and t.rows[0].cells[:5] == ["东部", "0.00", "−0.020", "−0.015", "−0.005"]


def test_a_table_takes_its_number_among_the_tables_printed(tmp_path):
    make_inputs(tmp_path, SIM_NOTE)
    out = {k: tmp_path / f"v.{k}" for k in ("csv", "md", "tex", "docx", "json")}
    E.paper_verdict(tmp_path / "verdict.csv", **out, labels=LABELS, language="en", decimals=3, alpha=0.05, number=13)
    t = P.read_table(out["json"])
    assert t.number == 13 and t.caption.startswith("Table 13. Verdict") and t.notes[0] == "Simulated data"


def test_baseline_hides_the_controls_on_request_and_states_the_lee_yu_sample(built, tmp_path):
    """paper.show_controls: false prints a 控制变量 是 row instead of the controls; with the Lee–Yu correction
    the note says that the observations are the (N − 1)(T − 1) effective sample, not N × T."""
    _, d, _ = built
    fit = json.loads((d / "baseline.json").read_text(encoding="utf-8"))
    n, t = fit["N"], fit["T"]
    fit.update(lee_yu=True, nobs=(n - 1) * (t - 1))
    (tmp_path / "fit.json").write_text(json.dumps(fit), encoding="utf-8")
    out = {k: tmp_path / f"b.{k}" for k in ("csv", "md", "tex", "docx", "json")}
    reg = dict(language="zh", decimals=3, stars=[0.10, 0.05, 0.01], parentheses="se", weights_labels=WL, labels=LABELS)
    E.paper_baseline(d / "baseline.csv", tmp_path / "fit.json", **out, show_controls=False, **reg)
    tab = P.read_table(out["json"])
    assert not {"gov", "urban", "W*gov"} & {r.key for r in tab.rows}
    assert [r.label for r in tab.rows if r.kind == "flag"] == ["控制变量", "地区效应", "时间效应"]
    assert (
        f"观测值为 Lee–Yu 正交变换后的有效样本 {n - 1} × {t - 1} = {(n - 1) * (t - 1)}（原样本 N × T = {n * t}）"
        in tab.note_text
    )
    from aicoord.paper.study_tables import lee_yu_sample

    assert lee_yu_sample(31, 13, 31 * 12) == (31, 12) and lee_yu_sample(31, 13, 30 * 13) == (30, 13)


def test_scenario_table_prints_before_after_and_change(built):
    """Every scenario row prints the dispersion table's before, after and change (first mutation draw of issue 22:
    the 'after' cell was never compared)."""
    _, d, outs = built
    g = pd.read_csv(d / "dispersion.csv")
    fmt = NumberFormat(decimals=3)
    t = P.read_table(outs["scenarios"]["json"])
    rows = [r for r in t.rows if r.cells and any(r.cells)]
    assert [r.cells[:3] for r in rows] == [
        [fmt(a), fmt(b), fmt(c)] for a, b, c in zip(g["before"], g["after"], g["change"])
    ]


def test_mechanism_table_is_stepwise_with_the_share_and_the_suppression_flag(built):
    """Two columns per channel, (1) AI → M and (2) M and AI → gap, and under (2) the mediated effect, its interval,
    its share (中介效应占比) and the suppression (遮掩效应) flag of the verdict table."""
    _, d, outs = built
    t = P.read_table(outs["mechanisms"]["json"])
    v = pd.read_csv(d / "verdict.csv").set_index("mechanism")
    assert t.columns == ["(1)", "(2)", "(3)", "(4)"]
    assert t.groups == [(LABELS[MECHS[0]], 2), (LABELS[MECHS[1]], 2)]
    rows = {r.key: r for r in t.rows if r.kind != "se"}
    assert rows["dependent"].cells == ["机制变量", LABELS["coord_gap"]] * 2
    assert rows["channel"].cells[0] == rows["channel"].cells[2] == ""
    assert rows["share"].cells == ["", "25.0%", "", "50.0%"]
    assert rows["suppression"].cells == ["", "否", "", "是"]
    assert rows["p_adjusted"].cells == [
        "",
        NumberFormat()(v.loc[MECHS[0], "p_adjusted"]),
        "",
        NumberFormat()(v.loc[MECHS[1], "p_adjusted"]),
    ]
    mech = pd.read_csv(d / "mechanisms.csv")
    med = mech[mech["quantity"] == "mediated"].set_index("mechanism")
    fmt = NumberFormat()
    assert rows["interval"].cells[1] == f"[{fmt(med.loc[MECHS[0], 'lower'])}, {fmt(med.loc[MECHS[0], 'upper'])}]"
    assert "中介效应占比" in t.note_text and "遮掩效应" in t.note_text and "Holm" in t.note_text


def test_mechanism_table_without_the_verdict_columns_prints_no_empty_rows(built, tmp_path):
    """An older verdict table (no share, no suppression, no p_adjusted) gives the stepwise table without those rows."""
    _, d, _ = built
    v = pd.read_csv(d / "verdict.csv").drop(columns=["mediation_share", "suppression", "p_adjusted", "p"])
    v.to_csv(tmp_path / "verdict.csv", index=False)
    out = {k: tmp_path / f"m.{k}" for k in ("csv", "md", "tex", "docx", "json")}
    E.paper_mechanisms(
        d / "mechanisms.csv",
        **out,
        labels=LABELS,
        language="en",
        decimals=3,
        stars=[0.10, 0.05, 0.01],
        parentheses="se",
        weights_labels=WL,
        alpha=0.05,
        verdict_csv=tmp_path / "verdict.csv",
        outcome="coord_gap",
    )
    keys = {r.key for r in P.read_table(out["json"]).rows}
    assert {"mediated", "interval", "channel", "dependent"} <= keys
    assert not {"share", "suppression", "p_adjusted"} & keys


def test_a_fixed_word_is_overridden_by_paper_labels(built, tmp_path):
    """The table words are one vocabulary (aicoord.paper.labels, kind ``word``); ``paper.labels`` overrides an
    entry as ``word.<name>``."""
    from aicoord.paper.labels import VOCABULARY, words

    assert words("zh")["share"] == VOCABULARY["zh"]["word"]["share"] == "中介效应占比"
    assert set(VOCABULARY["zh"]["word"]) == set(VOCABULARY["en"]["word"])  # every word in both languages
    _, d, _ = built
    out = {k: tmp_path / f"m.{k}" for k in ("csv", "md", "tex", "docx", "json")}
    E.paper_mechanisms(
        d / "mechanisms.csv",
        **out,
        labels={**LABELS, "word.share": "中介占比"},
        language="zh",
        decimals=3,
        stars=[0.10, 0.05, 0.01],
        parentheses="se",
        weights_labels=WL,
        alpha=0.05,
        verdict_csv=d / "verdict.csv",
        outcome="coord_gap",
    )
    assert "中介占比" in [r.label for r in P.read_table(out["json"]).rows]


def test_mechanism_table_prints_z_under_the_mediated_effect_when_asked(built, tmp_path):
    """``paper.parentheses: z`` puts z under every coefficient, the mediated effect included."""
    _, d, _ = built
    out = {k: tmp_path / f"m.{k}" for k in ("csv", "md", "tex", "docx", "json")}
    E.paper_mechanisms(
        d / "mechanisms.csv",
        **out,
        labels=LABELS,
        language="zh",
        decimals=3,
        stars=[0.10, 0.05, 0.01],
        parentheses="z",
        weights_labels=WL,
        alpha=0.05,
        verdict_csv=d / "verdict.csv",
        outcome="coord_gap",
    )
    t = P.read_table(out["json"])
    med = pd.read_csv(d / "mechanisms.csv").query("quantity == 'mediated'").set_index("mechanism")
    under = next(r for r in t.rows if r.key == "mediated" and r.kind == "z")
    assert under.cells[1] == f"({NumberFormat()(med.loc[MECHS[0], 'estimate'] / med.loc[MECHS[0], 'se'])})"
