"""Steps of workflow/rules/paper_estimates.smk: the tables of the study's estimates built from small study
outputs (tests/paper_inputs.py), once with the demo panel's note ("simulated data") and once with a real
source's note; the stars, the rows, the variants not estimated and the mechanism tables."""

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest
from scipy import special

from aicoord.paper import NumberFormat
from aicoord.paper.study_tables import failure_text
from aicoord.steps import paper as P
from aicoord.steps import paper_estimates as E
from paper_inputs import (
    EN_LABELS,
    LABELS,
    MECHS,
    REG,
    SIM_NOTE,
    WL,
    assert_source_note,
    assert_table_in_four_forms,
    build_study_tables,
    forms,
    identification_csv,
    make_inputs,
    printed,
    raw_inputs,
    stars_of,
)


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
        assert_table_in_four_forms(outs, step)


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


# ---- each estimates table step called in its own test's body, on English inputs (see tests/steps/test_paper.py)


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    """The inputs of the table steps (no step run), with an English note (paper_inputs.raw_inputs)."""
    return raw_inputs(tmp_path_factory)


def test_specification_step_prints_statistic_df_p_and_decision(raw, tmp_path):
    d, _ = raw
    out = forms(tmp_path, "specification")
    E.paper_specification(d / "spec.csv", **out, weights_labels=WL, language="en", decimals=3)
    t = P.read_table(out["json"])
    assert t.columns == ["Statistic", "df", "p", "Decision"]
    assert [(r.label, r.cells) for r in t.rows] == [
        ("LM-lag (no fixed effects)", ["10.500", "1", "0.001", "Reject"]),
        ("Selected model", ["", "", "", "SDM"]),
    ]
    assert t.notes[-2] == f"Spatial weights: {WL['queen']}"
    assert_source_note(t)


def test_regression_table_steps_print_stars_from_the_unrounded_z(raw, tmp_path):
    """The baseline, effects, mechanisms and heterogeneity steps called here, their cells checked by
    :func:`test_stars_agree_with_the_unrounded_estimates_over_their_se` (estimate to the SE's decimals with the
    stars of 2 Φ(−|z|), SE in parentheses), and the rows each prints."""
    d, _ = raw
    outs = {n: forms(tmp_path, n) for n in REG}
    reg = dict(language="zh", decimals=3, stars=[0.10, 0.05, 0.01], parentheses="se", weights_labels=WL, labels=LABELS)
    E.paper_baseline(d / "baseline.csv", d / "baseline.json", **outs["baseline"], **reg)
    E.paper_effects(d / "effects.csv", d / "baseline.json", **outs["effects"], **reg)
    E.paper_mechanisms(
        d / "mechanisms.csv",
        **outs["mechanisms"],
        alpha=0.05,
        verdict_csv=d / "verdict.csv",
        outcome="coord_gap",
        **reg,
    )
    E.paper_heterogeneity(d / "heterogeneity.csv", **outs["heterogeneity"], **reg)
    test_stars_agree_with_the_unrounded_estimates_over_their_se(("direct", d, outs))
    test_regression_tables_say_what_the_rows_are(("direct", d, outs))
    base = P.read_table(outs["baseline"]["json"])
    scal = {r.key: r.cells for r in base.rows if r.kind in ("stat", "scalar", "text") or r.key in ("N", "T")}
    assert scal["loglik"] == ["12.500"] * 4 and scal["N"] == ["8"] * 4 and scal["nobs"] == ["24"] * 4
    eff = P.read_table(outs["effects"]["json"])
    assert eff.columns == ["直接效应", "间接效应", "总效应"]
    assert "200" in eff.note_text  # the draws behind the effects' SEs
    het = P.read_table(outs["heterogeneity"]["json"])
    assert [r.label for r in het.rows if r.kind == "panel"] == ["分地区", "分时期（2022 年起为后期）"]
    mech = P.read_table(outs["mechanisms"]["json"])
    assert "Holm" in mech.note_text


def test_robustness_step_prints_each_variant_and_model_or_why_not(raw, tmp_path):
    d, _ = raw
    out = forms(tmp_path, "robustness")
    E.paper_robustness(
        d / "robustness.csv", **out, labels=EN_LABELS, weights_labels=WL, alpha=0.1, language="en", decimals=3
    )
    t = P.read_table(out["json"])
    g = pd.read_csv(d / "robustness.csv")
    models = ["sdm", "sar", "dynamic_sdm"]
    assert t.columns == ["Estimate", "90% interval"] * 3
    assert t.groups == [("SDM", 2), ("SAR", 2), ("Dynamic SDM (short run)", 2)]
    panels = [r.label for r in t.rows if r.kind == "panel"]
    assert panels == ["AI total effect", "Mediated effect: Industrial upgrading", "Mediated effect: Value chain"]
    samples = {"full": "Full sample", "ai_lag1": "AI lagged one year"}
    body = iter(r for r in t.rows if r.kind != "panel")
    for mech in ["baseline", *MECHS]:
        for w in WL:
            for s in ("full", "ai_lag1"):
                r = next(body)
                assert r.label == f"{WL[w]} × {samples[s]}"
                want = []
                for mo in models:
                    x = g[(g["mechanism"] == mech) & (g["weights"] == w) & (g["sample"] == s) & (g["model"] == mo)]
                    x = x.iloc[0]
                    if x["verdict"] == "not estimated":
                        want += ["not estimated", "rho on its bound" if mo == "sar" else x["failure"].split(";")[0]]
                    else:
                        want += [printed(x["estimate"], 3), f"[{printed(x['lower'], 3)}, {printed(x['upper'], 3)}]"]
                assert r.cells == want, (mech, w, s)
    assert t.notes[1].startswith("Intervals are 90% intervals from parameter draws")
    assert any(n.startswith("The dynamic SDM includes the time-lagged outcome") for n in t.notes)
    assert f"Spatial weights: {WL['queen']}; {WL['invdist']}" in t.notes
    assert_source_note(t)


def test_scenario_steps_print_before_after_change_and_each_province(raw, tmp_path):
    d, _ = raw
    g = pd.read_csv(d / "dispersion.csv")
    g["after"] = g["before"] - np.linspace(0.01, 0.08, len(g))
    g["change"] = g["after"] - g["before"]
    g.loc[g["scenario"] == "freeze_east", "shift"] = 3
    g.to_csv(tmp_path / "dispersion.csv", index=False)
    out = forms(tmp_path, "scenarios")
    E.paper_scenarios(tmp_path / "dispersion.csv", **out, alpha=0.1, language="en", decimals=3)
    t = P.read_table(out["json"])
    assert t.columns == ["Before", "After", "Change", "90% interval"]
    assert [r.label for r in t.rows if r.kind == "panel"] == [
        "Catch-up of the Centre, West and Northeast",
        "East's growth frozen",
    ]
    body = [r for r in t.rows if r.kind != "panel"]
    labels = {"cv": "CV", "theil_t": "Theil T", "gini": "Gini", "gini_East": "Gini, East"}
    for r, (_, s) in zip(body, g.iterrows()):
        assert r.label == f"{labels[s['measure']]} ({s['year']})"
        assert r.cells == [
            printed(s["before"], 3),
            printed(s["after"], 3),
            printed(s["change"], 3),
            f"[{printed(s['change_lower'], 3)}, {printed(s['change_upper'], 3)}]",
        ]
    assert "Intervals are 90% intervals from parameter draws; the outcome is shifted by 2, 3" in t.note_text
    assert_source_note(t)

    p = pd.read_csv(d / "scenario_provinces.csv", dtype={"unit": str})
    p = p.iloc[::-1].copy()  # the provinces in the input's order (here reversed)
    p["delta_y"] = -0.0017 * np.sqrt(np.arange(1, len(p) + 1))  # no value on a rounding tie
    p["own"] = 0.6137 * p["delta_y"]
    p["spillover"] = p["delta_y"] - p["own"]
    p.to_csv(tmp_path / "prov.csv", index=False)
    out = forms(tmp_path, "prov")
    E.paper_scenario_provinces(tmp_path / "prov.csv", **out, language="en", decimals=4)
    t = P.read_table(out["json"])
    assert t.columns == ["Region", "ΔAI", "Δoutcome", "Own", "Spillover"] * 1 + ["ΔAI", "Δoutcome", "Own", "Spillover"]
    units = list(dict.fromkeys(p["unit"]))
    assert [r.label for r in t.rows] == [
        "180000",
        "170000",
        "160000",
        "Inner Mongolia",
        "Shanxi",
        "Hebei",
        "Tianjin",
        "Beijing",
    ]
    for r, u in zip(t.rows, units):
        want = [p.loc[p["unit"] == u, "region"].iloc[0]]
        for sc in ("freeze_east", "catch_up"):  # scenarios in the input's order
            x = p[(p["unit"] == u) & (p["scenario"] == sc)].iloc[0]
            want += [printed(x["delta_ai"], 2)] + [printed(x[c], 4) for c in ("delta_y", "own", "spillover")]
        assert r.cells == want, u
    assert_source_note(t)


def test_identification_step_prints_each_estimator_and_the_first_stage(raw, tmp_path):
    d, _ = raw
    identification_csv(d)
    g = pd.read_csv(d / "identification.csv")
    g.loc[g["estimator"] == "gmm", "hansen_j"] = np.nan  # a just-identified GMM: no J
    g.loc[g["estimator"] == "gmm", "ar_low"] = np.nan
    g.to_csv(tmp_path / "ident.csv", index=False)
    out = forms(tmp_path, "identification")
    E.paper_identification(
        tmp_path / "ident.csv",
        **out,
        alpha=0.1,
        language="en",
        decimals=3,
        stars=[0.10, 0.05, 0.01],
        parentheses="se",
        weights_labels=WL,
        labels=EN_LABELS,
    )
    t = P.read_table(out["json"])
    assert t.columns == ["ML (AI exogenous)", "Spatial 2SLS", "Two-step efficient GMM"]
    fmt = NumberFormat()
    coef = [r for r in t.rows if r.kind == "coef"]
    assert [r.label for r in coef] == ["Direct", "Indirect", "Total"]
    for r in coef:
        for e, cell in zip(("ml", "iv", "gmm"), r.cells):
            s = g[(g["estimator"] == e) & (g["effect"] == r.key)].iloc[0]
            p = float(2 * special.ndtr(-abs(s["estimate"] / s["se"])))
            assert cell == fmt(s["estimate"], fmt.decimals_for(s["se"])) + stars_of(p), (e, r.key)
    text = {r.key: r.cells for r in t.rows if r.kind == "text"}
    assert text["partial_r2"] == ["", "0.410", "0.410"] and text["sw_f"] == ["", "31.200", "31.200"]
    assert text["kp_rk_wald_f"] == ["", "20.300", "20.300"] and text["kp_lm_p"] == ["", "0.001", "0.001"]
    assert text["hansen_j"] == ["", "0.150 (0.990)", ""] and text["endogeneity_p"] == ["", "0.000", "0.000"]
    assert text["anderson_rubin"] == ["", "[−0.020, unbounded]", "[unbounded, unbounded]"]
    # an interval's width keeps two significant digits (0.005: four decimals), the AR set's width is unbounded
    assert text["oster_set"] == ["[−0.0040, 0.0010]", "", ""]
    labels = [r.label for r in t.rows if r.kind == "text"]
    assert labels[-2:] == [
        "Anderson–Rubin 90% set (AI's coefficient)",
        "Oster (2019) identified set (AI's coefficient)",
    ]
    assert any("instruments: Government intervention; IV standard errors clustered by province" in n for n in t.notes)
    assert any("controls is −0.0040;" in n and "coefficient is 0.0010;" in n and "to 0 is 0.800" in n for n in t.notes)
    assert_source_note(t)
    # without instruments: the ML column alone, its own title, no first-stage rows
    g[g["estimator"].isin(["ml", "oster"])].to_csv(tmp_path / "ml.csv", index=False)
    E.paper_identification(
        tmp_path / "ml.csv",
        **out,
        alpha=0.1,
        language="en",
        decimals=3,
        stars=[0.10, 0.05, 0.01],
        parentheses="se",
        weights_labels=WL,
        labels=EN_LABELS,
    )
    t = P.read_table(out["json"])
    assert t.columns == ["ML (AI exogenous)"] and [r.key for r in t.rows if r.kind == "text"] == ["oster_set"]
    assert t.title != P.TITLES["en"]["identification"] and t.title == P.TITLES["en"]["identification_ml"]


def test_verdict_step_prints_each_row_its_agreement_and_the_rule(raw, tmp_path):
    d, _ = raw
    g = pd.read_csv(d / "verdict.csv")
    g["basis"] = ["iv", "ml", None]
    g.loc[2, "variants_agree"] = np.nan
    g.to_csv(tmp_path / "verdict.csv", index=False)
    out = forms(tmp_path, "verdict")
    E.paper_verdict(tmp_path / "verdict.csv", **out, labels=EN_LABELS, language="en", decimals=3, alpha=0.1)
    t = P.read_table(out["json"])
    assert t.columns == [
        "Estimate",
        "90% interval",
        "AI → channel (total)",
        "Verdict",
        "Basis",
        "Adjusted p",
        "Variants agreeing",
    ]
    assert [(r.label, r.cells) for r in t.rows] == [
        ("AI total effect (baseline)", ["−0.015", "[−0.024, −0.007]", "", "promotes", "IV", "0.003", "7/8"]),
        ("Industrial upgrading", ["−0.009", "[−0.015, −0.004]", "0.023", "promotes", "ML", "0.006", "6/8"]),
        ("Value chain", ["0.001", "[−0.001, 0.004]", "−0.007", "inconclusive", "", "0.400", ""]),
    ]
    assert t.notes[1].startswith("Verdict rule: promotes if the 90% interval of the mediated total effect")
    assert not any(n.startswith("Verdict rule: ...") for n in t.notes)
    # without the adjusted p and the number of variants: no such columns, agreement as a count
    g.drop(columns=["p", "p_adjusted", "variants", "basis"]).to_csv(tmp_path / "v2.csv", index=False)
    E.paper_verdict(tmp_path / "v2.csv", **out, labels=LABELS, language="zh", decimals=2, alpha=0.05)
    t = P.read_table(out["json"])
    assert len(t.columns) == 5 and [r.cells[-1] for r in t.rows] == ["7", "6", ""]
    assert t.rows[0].label == "人工智能总效应（基准）" and t.rows[0].cells[:2] == ["−0.02", "[−0.02, −0.01]"]


@pytest.mark.quick
def test_mechanism_step_names_an_unlabelled_channel_and_the_default_outcome(raw, tmp_path):
    """A channel no label names heads its columns by its own name, and without ``outcome`` the outcome is
    ``coord_gap`` with its default label, in the dependent-variable row and in the note: the table equals the one
    with ``outcome="coord_gap"``."""
    d, _ = raw
    for name in ("mechanisms", "verdict"):
        f = pd.read_csv(d / f"{name}.csv")
        f["mechanism"] = f["mechanism"].replace(MECHS[1], "green_finance")
        f.to_csv(tmp_path / f"{name}.csv", index=False)
    kw = dict(
        labels={}, language="en", decimals=3, stars=[0.10, 0.05, 0.01], parentheses="se", weights_labels=WL, alpha=0.05
    )
    tables = []
    for i, outcome in enumerate(({}, {"outcome": "coord_gap"})):
        (tmp_path / str(i)).mkdir()
        out = forms(tmp_path / str(i), "mechanisms")
        E.paper_mechanisms(tmp_path / "mechanisms.csv", **out, verdict_csv=tmp_path / "verdict.csv", **kw, **outcome)
        tables.append(P.read_table(out["json"]))
    t = tables[0]
    assert t.groups == [(EN_LABELS[MECHS[0]], 2), ("green_finance", 2)]
    dependent = next(r for r in t.rows if r.key == "dependent")
    assert dependent.cells == ["Channel", "Coordination gap"] * 2 == ["Channel", EN_LABELS["coord_gap"]] * 2
    assert "(2) channel and AI → Coordination gap;" in t.note_text
    assert dataclasses.asdict(t) == dataclasses.asdict(tables[1])


@pytest.mark.quick
def test_word_overrides_of_paper_labels_reach_the_effects_and_identification_tables(raw, tmp_path):
    """``paper.labels`` entries ``word.<name>`` rename the fixed words where the tables print them: the effects
    table's three columns and its draws note, and the identification table's stub and effect rows."""
    d, _ = raw
    identification_csv(d)
    over = {
        "word.direct": "Own-region effect",
        "word.indirect": "Spillover",
        "word.total": "Overall",
        "word.variables": "Effect",
        "word.effects_note": "Intervals from {draws} draws",
    }
    labels = {**EN_LABELS, **over}
    kw = dict(labels=labels, language="en", decimals=3, stars=[0.10, 0.05, 0.01], parentheses="se", weights_labels=WL)
    out = forms(tmp_path, "effects")
    E.paper_effects(d / "effects.csv", d / "baseline.json", **out, **kw)
    t = P.read_table(out["json"])
    assert t.columns == ["Own-region effect", "Spillover", "Overall"]
    assert "Intervals from 200 draws" in t.notes
    out = forms(tmp_path, "identification")
    E.paper_identification(d / "identification.csv", **out, alpha=0.1, **kw)
    t = P.read_table(out["json"])
    assert t.stub == "Effect"
    assert [r.label for r in t.rows if r.kind == "coef"] == ["Own-region effect", "Spillover", "Overall"]


@pytest.mark.quick
@pytest.mark.parametrize("note", ["en", "zh"])
def test_chinese_estimates_tables_state_the_source_in_chinese(raw, tmp_path, note):
    """A Chinese table of the estimates ends its note with "数据来源：" and the source's Chinese name, whether the
    inputs' note is English ("Source: ...") or Chinese ("数据来源: ..."): the robustness, effects, verdict and
    scenario tables."""
    d, _ = raw
    src = tmp_path / "in"
    src.mkdir()
    for name in ("robustness", "effects", "verdict", "dispersion"):
        f = pd.read_csv(d / f"{name}.csv")
        if note == "zh":
            f["note"] = SIM_NOTE
        f.to_csv(src / f"{name}.csv", index=False)
    zh = dict(language="zh", decimals=3)
    reg = dict(labels=LABELS, stars=[0.10, 0.05, 0.01], parentheses="se", weights_labels=WL, **zh)
    steps = {
        "robustness": lambda out: E.paper_robustness(
            src / "robustness.csv", **out, labels=LABELS, weights_labels=WL, alpha=0.1, **zh
        ),
        "effects": lambda out: E.paper_effects(src / "effects.csv", d / "baseline.json", **out, **reg),
        "verdict": lambda out: E.paper_verdict(src / "verdict.csv", **out, labels=LABELS, alpha=0.1, **zh),
        "scenarios": lambda out: E.paper_scenarios(src / "dispersion.csv", **out, alpha=0.1, **zh),
    }
    for name, step in steps.items():
        out = forms(tmp_path, name)
        step(out)
        t = P.read_table(out["json"])
        assert t.notes[0] == "模拟数据 (simulated data)", name
        assert t.notes[-1].startswith("数据来源：aicoord 模拟的示范面板，仅 2023 年人工智能指数为真实数据"), name
        assert "Source" not in t.note_text, name


@pytest.mark.quick
def test_scenario_provinces_leave_a_province_blank_in_a_scenario_without_it(raw, tmp_path):
    """A province that one scenario does not list keeps its row, with the four cells of that scenario empty and its
    cells of the other scenario printed."""
    d, _ = raw
    p = pd.read_csv(d / "scenario_provinces.csv", dtype={"unit": str})
    unit = p["unit"].iloc[0]
    other = [s for s in dict.fromkeys(p["scenario"]) if s != p["scenario"].iloc[0]][0]
    p = p[~((p["unit"] == unit) & (p["scenario"] == other))]
    p.to_csv(tmp_path / "prov.csv", index=False)
    out = forms(tmp_path, "prov")
    E.paper_scenario_provinces(tmp_path / "prov.csv", **out, language="en", decimals=4)
    t = P.read_table(out["json"])
    scen = list(dict.fromkeys(p["scenario"]))
    row = t.rows[list(dict.fromkeys(p["unit"])).index(unit)]
    k = scen.index(other)
    assert row.cells[1 + 4 * k : 5 + 4 * k] == [""] * 4
    x = p[(p["unit"] == unit) & (p["scenario"] != other)].iloc[0]
    j = scen.index(x["scenario"])
    assert row.cells[1 + 4 * j : 5 + 4 * j] == [printed(x["delta_ai"], 2)] + [
        printed(x[c], 4) for c in ("delta_y", "own", "spillover")
    ]


def test_heterogeneity_step_names_the_matrix_of_its_estimates(raw, tmp_path):
    """The heterogeneity table's note names the spatial weights of its rows by their label (``weights_labels`` of
    the CSV's ``weights``), in the table's language."""
    d, _ = raw
    out = forms(tmp_path, "heterogeneity")
    reg = dict(decimals=3, stars=[0.10, 0.05, 0.01], parentheses="se", weights_labels=WL, labels=LABELS)
    E.paper_heterogeneity(d / "heterogeneity.csv", **out, language="zh", **reg)
    assert f"空间权重矩阵：{WL['queen']}" in P.read_table(out["json"]).notes


def test_mechanism_step_takes_the_sdm_as_the_channel_model_when_the_csv_does_not_name_one(raw, tmp_path):
    """A mechanisms CSV without a ``mechanism_model`` column prints each channel's model as the SDM, the
    study's default model, in the "Channel model" row."""
    d, _ = raw
    mech = pd.read_csv(d / "mechanisms.csv").drop(columns="mechanism_model")
    mech.to_csv(tmp_path / "mechanisms.csv", index=False)
    out = forms(tmp_path, "mechanisms")
    E.paper_mechanisms(
        tmp_path / "mechanisms.csv",
        **out,
        labels=LABELS,
        language="en",
        decimals=3,
        stars=[0.10, 0.05, 0.01],
        parentheses="se",
        weights_labels=WL,
        alpha=0.05,
        verdict_csv=d / "verdict.csv",
        outcome="coord_gap",
    )
    (row,) = [r for r in P.read_table(out["json"]).rows if r.key == "model"]
    assert row.label == "Channel model"
    assert row.cells == ["", "SDM"] * (len(row.cells) // 2) and len(row.cells) >= 2
