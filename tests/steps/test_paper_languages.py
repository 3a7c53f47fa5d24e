"""Every paper table step (tests/steps/test_paper.py, test_paper_estimates.py) run in both languages on the same
English-noted inputs: each table's caption, stub, headers and notes compared with the label dictionaries
(aicoord.paper.labels, aicoord.paper.study_tables, aicoord.paper.table); no Chinese in an English table and no
internal or English word in a Chinese one; and the user's labels (``paper.labels``: roles and ``word.<name>``)
reaching every table that prints them.

Not in the quick loop: every test here writes whole tables (csv, md, tex, docx, json) through the steps, and the
module fixtures build all sixteen tables two to four times."""

import dataclasses
import re

import pandas as pd
import pytest

from aicoord.notes import DEMO_SOURCE
from aicoord.paper import SIMULATED_NOTE, WORDS
from aicoord.paper.labels import VOCABULARY, foreign_words, term, verdict_rule
from aicoord.paper.study_tables import DEFAULT_LABELS, TABLES, TITLES, read_table
from aicoord.steps import paper as P
from aicoord.steps import paper_estimates as E
from paper_inputs import MECHS, VARS, identification_csv, printed, raw_inputs

#: the weights matrices' descriptions, as the workflow gives them in each language (paper_weights_labels)
WLANG = {
    "zh": {"queen": "Queen 邻接矩阵", "invdist": "反距离矩阵（幂 1）"},
    "en": {"queen": "queen contiguity", "invdist": "inverse distance (power 1)"},
}
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def build_tables(d, inp, language, labels, wl, tag):
    """Every paper table from the inputs in ``d`` in ``language``; returns name -> PaperTable."""
    out_dir = d / f"paper_{tag}"
    out_dir.mkdir(exist_ok=True)

    def out(n):
        return {k: out_dir / f"{n}.{k}" for k in ("csv", "md", "tex", "docx", "json")}

    kw = dict(language=language, decimals=3)
    reg = dict(kw, stars=[0.10, 0.05, 0.01], parentheses="se", weights_labels=wl, labels=labels)
    P.paper_descriptive(d / "panel.csv", inp["mech"], **out("descriptive"), variables=VARS, labels=labels, **kw)
    P.paper_correlation(
        d / "panel.csv", inp["mech"], **out("correlation"), variables=VARS, outcome="coord_gap", labels=labels, **kw
    )
    P.paper_moran(d / "global.csv", **out("moran"), stars=[0.10, 0.05, 0.01], weights_labels=wl, labels=labels, **kw)
    P.paper_lisa(inp["lisa"], **out("lisa"), weights_labels=wl, labels=labels, language=language)
    P.paper_inequality(d / "inequality.csv", **out("inequality"), labels=labels, **kw)
    P.paper_convergence(
        d / "inequality.csv", d / "beta.csv", **out("convergence"), variable="gdp_pc", labels=labels, **kw
    )
    E.paper_specification(d / "spec.csv", **out("specification"), weights_labels=wl, **kw)
    E.paper_baseline(d / "baseline.csv", d / "baseline.json", **out("baseline"), **reg)
    E.paper_effects(d / "effects.csv", d / "baseline.json", **out("effects"), **reg)
    E.paper_mechanisms(
        d / "mechanisms.csv", **out("mechanisms"), alpha=0.05, verdict_csv=d / "verdict.csv", outcome="coord_gap", **reg
    )
    E.paper_heterogeneity(d / "heterogeneity.csv", **out("heterogeneity"), **reg)
    E.paper_robustness(d / "robustness.csv", **out("robustness"), labels=labels, weights_labels=wl, alpha=0.05, **kw)
    E.paper_scenarios(d / "dispersion.csv", **out("scenarios"), alpha=0.05, labels=labels, **kw)
    E.paper_scenario_provinces(d / "scenario_provinces.csv", **out("scenario_provinces"), labels=labels, **kw)
    E.paper_identification(d / "identification.csv", **out("identification"), alpha=0.05, **reg)
    E.paper_verdict(d / "verdict.csv", **out("verdict"), labels=labels, alpha=0.05, **kw)
    return {n: read_table(out(n)["json"]) for n in TABLES}, out_dir


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    d, inp = raw_inputs(tmp_path_factory)
    identification_csv(d)
    beta = pd.read_csv(d / "beta.csv")
    beta["model"] = beta["model"].replace({"FE two-way": "FE two-way (cluster)"})  # as the measures step names it
    beta.to_csv(d / "beta.csv", index=False)
    return d, inp


@pytest.fixture(scope="module", params=["zh", "en"])
def tables(request, inputs):
    lang = request.param
    d, inp = inputs
    tabs, out_dir = build_tables(d, inp, lang, dict(DEFAULT_LABELS[lang]), WLANG[lang], f"plain_{lang}")
    return lang, tabs, out_dir


def texts(t, notes=True):
    """Every string a table prints (caption, stub, headers, row labels, cells; the notes if ``notes``)."""
    out = [t.caption, t.title, t.stub, *t.columns, *(g for g, _ in t.groups or ())]
    for r in t.rows:
        out += [r.label, *r.cells]
    if notes:
        out += [*t.notes, t.note_text]
    return [s for s in out if s]


def _words(lang):
    return VOCABULARY[lang]["word"]


def expected_columns(lang):
    """The leaf headers of every table, from the label dictionaries."""
    w, wl = _words(lang), WLANG[lang]
    ineq = {
        "zh": ["总体", "组内", "组间", "组内", "组间", "总体", "组内", "净组间", "超变密度", "组内", "净组间", "超变密度"],
        "en": ["Total", "Within", "Between", "Within", "Between", "Total", "Within", "Net between",
               "Transvariation", "Within", "Net between", "Transvariation"],
    }[lang]  # fmt: skip
    prov = {"zh": ["Δ人工智能", "Δ协调差距", "本地", "溢出"], "en": ["ΔAI", "Δoutcome", "Own", "Spillover"]}[lang]
    interval = w["interval"].format(level="95")
    return {
        "descriptive": [w[k] for k in ("n", "mean", "sd", "min", "max")],
        "correlation": [f"({i + 1})" for i in range(len(VARS))] + [w["vif"]],
        "moran": [w["I"], w["z"]] * 2,
        "lisa": [w["region"], wl["queen"], wl["invdist"]],
        "inequality": ineq,
        "convergence": [w[k] for k in ("estimate", "se", "p", "speed", "half_life", "spatial", "nobs")],
        "specification": [w[k] for k in ("statistic", "df", "p", "decision")],
        "baseline": [term("model", m, lang) for m in ("ols", "sar", "sem", "sdm")],
        "effects": [w[k] for k in ("direct", "indirect", "total")],
        "mechanisms": ["(1)", "(2)", "(3)", "(4)"],
        "heterogeneity": [w[k] for k in ("direct", "indirect", "total")],
        "robustness": [w["estimate"], interval] * 3,
        "scenarios": [w["before"], w["after"], w["change"], interval],
        "scenario_provinces": [w["region"]] + prov * 2,
        "identification": [w[k] for k in ("est_ml", "est_iv", "est_gmm")],
        "verdict": [w[k] for k in ("estimate",)]
        + [interval]
        + [w[k] for k in ("ai_on_channel", "verdict", "basis", "p_adjusted", "agree")],
    }


def expected_stubs(lang):
    w, v = _words(lang), WORDS[lang]
    return {
        "descriptive": v["variable"],
        "correlation": v["variable"],
        "moran": w["year"],
        "lisa": w["province"],
        "inequality": w["year"],
        "convergence": "",
        "specification": v["variable"],
        "baseline": v["variable"],
        "effects": v["variable"],
        "mechanisms": v["variable"],
        "heterogeneity": "",
        "robustness": "",
        "scenarios": "",
        "scenario_provinces": w["province"],
        "identification": w["variables"],
        "verdict": w["mechanism"],
    }


def expected_titles(lang):
    out = dict(TITLES[lang])
    var = DEFAULT_LABELS[lang]["ai_index"]
    out["lisa"] += f"（{var}，2023）" if lang == "zh" else f" ({var}, 2023)"
    return {n: out[n] for n in TABLES}


def source_line(lang):
    if lang == "zh":
        return "数据来源：" + VOCABULARY["zh"]["source"][DEMO_SOURCE]
    return f"Source: {DEMO_SOURCE}"


def test_every_table_has_its_numbered_caption_stub_and_headers_from_the_label_dictionaries(tables):
    lang, tabs, _ = tables
    titles, stubs, cols = expected_titles(lang), expected_stubs(lang), expected_columns(lang)
    for i, name in enumerate(TABLES):
        t = tabs[name]
        assert t.language == lang, name
        assert t.number == i + 1 and t.title == titles[name], name
        assert t.caption == (f"表 {i + 1}  {titles[name]}" if lang == "zh" else f"Table {i + 1}. {titles[name]}")
        assert t.stub == stubs[name], name
        assert t.columns == cols[name], name


def test_every_table_notes_simulated_data_first_and_the_translated_source_last(tables):
    lang, tabs, _ = tables
    for name, t in tabs.items():
        assert t.notes[0] == SIMULATED_NOTE[lang], name
        assert t.notes[-1] == source_line(lang), name
        assert t.note_text.startswith(WORDS[lang]["note"] + SIMULATED_NOTE[lang]), name
        assert t.note_text.count(SIMULATED_NOTE[lang]) == 1, name


def test_english_tables_print_no_chinese_and_chinese_tables_no_internal_or_english_word(tables):
    lang, tabs, _ = tables
    for name, t in tabs.items():
        strings = texts(t)
        if lang == "en":
            assert [s for s in strings if CJK.search(s)] == [], name
        else:
            bad = {s: foreign_words(s.replace(SIMULATED_NOTE["zh"], "")) for s in strings}
            assert {s: f for s, f in bad.items() if f} == {}, name
            assert CJK.search(t.title) and CJK.search(t.note_text), name
            assert CJK.search(" ".join([t.stub, *t.columns, *(r.label for r in t.rows)])), name


def test_each_table_states_its_own_notes_in_the_table_language(tables):
    """The sentences each step adds before the source, word for word from the vocabulary."""
    lang, tabs, _ = tables
    w, v, wl = _words(lang), WORDS[lang], WLANG[lang]
    sep = "；" if lang == "zh" else "; "
    stars = (
        "*、**、*** 分别表示在 10%、5%、1% 的水平上显著"
        if lang == "zh"
        else "*, **, *** denote significance at the 10%, 5% and 1% levels"
    )
    parens = v["parens"].format(what=v["se"], What=v["se"][:1].upper() + v["se"][1:])
    weights = v["weights"].format(w=wl["queen"])
    y = DEFAULT_LABELS[lang]["coord_gap"]
    lee = "经 Lee–Yu 偏误修正" if lang == "zh" else "Lee–Yu bias correction"
    want = {
        "descriptive": [],
        "correlation": [w["vif_note"]],
        "moran": [stars, w["moran_panel_note"]],
        "lisa": [w["lisa_note"].format(alpha="0.05"), v["weights"].format(w=sep.join(wl.values()))],
        "inequality": ["分组为国家统计局四大区域" if lang == "zh" else "Regions: NBS East, Central, West, Northeast"],
        "convergence": [
            ("条件 β 收敛的控制变量：" if lang == "zh" else "conditional β: controls ")
            + v["list_sep"].join(DEFAULT_LABELS[lang][c] for c in ("gov", "urban"))
        ],
        "specification": [weights],
        "baseline": [stars, parens, weights, lee],
        "effects": [stars, parens, weights, w["effects_note"].format(draws=200)],
        "mechanisms": [
            stars,
            parens,
            weights,
            w["stepwise_note"].format(y=y),
            w["mech_note"],
            w["share_note"],
            w["p_adjusted_note"].format(method="Holm"),
        ],
        "heterogeneity": [stars, parens, weights],
        "robustness": [
            w["robust_note"].format(level="95"),
            w["dynamic_note"],
            v["weights"].format(w=sep.join(wl.values())),
        ],
        "scenarios": [w["scen_note"].format(level="95", shift="2")],
        "scenario_provinces": [],
        "identification": [
            stars,
            parens,
            weights,
            w["ident_note"].format(instruments=DEFAULT_LABELS[lang]["gov"], cov=w["cov_cluster"]),
            w["oster_note"].format(beta="−0.0040", star="0.0010", delta="0.800"),
        ],
        "verdict": [verdict_rule(0.05, lang)],
    }
    for name, t in tabs.items():
        assert t.notes == [SIMULATED_NOTE[lang], *want[name], source_line(lang)], name


def test_panels_groups_and_row_labels_of_the_tables_in_the_table_language(tables):
    lang, tabs, _ = tables
    lab, w, wl = DEFAULT_LABELS[lang], _words(lang), WLANG[lang]
    zh = lang == "zh"

    def panels(name):
        return [r.label for r in tabs[name].rows if r.kind == "panel"]

    assert panels("moran") == [lab["coord_gap"], lab["ai"]]
    assert tabs["moran"].groups == [(wl["queen"], 2), (wl["invdist"], 2)]
    assert panels("inequality") == [lab["gdp_pc"], lab["ai"]]
    rate = "贡献率（%）" if zh else "Contribution (%)"
    assert tabs["inequality"].groups == [
        ("Theil T", 3),
        (f"Theil T {rate}", 2),
        ("Dagum Gini", 4),
        (f"Dagum Gini {rate}", 3),
    ]
    assert panels("convergence") == [w["sigma"].format(v=lab["gdp_pc"]), w["beta"].format(v=lab["gdp_pc"])]
    assert panels("heterogeneity") == (
        ["分地区", "分时期（2022 年起为后期）"] if zh else ["By region", "By period (late period from 2022)"]
    )
    assert [r.label for r in tabs["heterogeneity"].rows if r.kind == "coef"] == (
        ["东部", "西部", "前期", "后期"] if zh else ["East", "West", "Early period", "Late period"]
    )
    assert panels("robustness") == [
        "人工智能总效应" if zh else "AI total effect",
        *(f"{w['mediated']}: {lab[m]}" for m in MECHS),
    ]
    assert tabs["robustness"].groups == [
        ("SDM", 2),
        ("SAR", 2),
        ("动态SDM（短期）" if zh else "Dynamic SDM (short run)", 2),
    ]
    assert panels("scenarios") == [term("scenario", s, lang) for s in ("catch_up", "freeze_east")]
    assert tabs["scenario_provinces"].groups == [("", 1)] + [
        (term("scenario", s, lang), 4) for s in ("catch_up", "freeze_east")
    ]
    assert tabs["mechanisms"].groups == [(lab[m], 2) for m in MECHS]
    assert tabs["baseline"].groups == [(lab["coord_gap"], 4)]
    assert [r.label for r in tabs["verdict"].rows] == [
        "人工智能总效应（基准）" if zh else "AI total effect (baseline)",
        *(lab[m] for m in MECHS),
    ]
    assert [r.label for r in tabs["descriptive"].rows] == [lab[v] for v in VARS]
    assert [r.label for r in tabs["correlation"].rows] == [f"({i + 1}) {lab[v]}" for i, v in enumerate(VARS)]
    yes = WORDS[lang]["yes"]
    flags = [(r.label, r.cells) for r in tabs["baseline"].rows if r.kind == "flag"]
    assert flags == [(WORDS[lang]["unit_effects"], [yes] * 4), (WORDS[lang]["time_effects"], [yes] * 4)]
    scal = [(r.label, r.cells) for r in tabs["baseline"].rows if r.kind == "scalar"]
    assert scal == [
        (WORDS[lang][k], [v] * 4)
        for k, v in (
            ("sigma2", "0.010"),
            ("r2_within", "0.300"),
            ("loglik", "12.500"),
            ("N", "8"),
            ("T", "3"),
            ("nobs", "24"),
        )
    ]
    coef = [r.label for r in tabs["baseline"].rows if r.kind == "coef"]
    assert coef == [lab["ai"], lab["gov"], lab["urban"]] + ["W×" + lab[k] for k in ("ai", "gov", "urban")] + [
        WORDS[lang]["rho"],
        WORDS[lang]["lambda"],
    ]
    mech = {r.key: r.label for r in tabs["mechanisms"].rows if r.kind != "se"}
    assert mech == {
        "dependent": w["dependent"],
        "ai": lab["ai"],
        "channel": w["channel"],
        "mediated": w["mediated"],
        "interval": w["interval"].format(level="95"),
        "share": w["share"],
        "suppression": w["suppression"],
        "p_adjusted": w["p_adjusted"],
        "model": w["model"],
    }
    assert [r.cells[:1] for r in tabs["lisa"].rows][:2] == [[GROUP_EAST[lang]], [GROUP_EAST[lang]]]


GROUP_EAST = {"zh": "东部", "en": "East"}


# ---- the user's labels reach every table


def marked_labels(lang):
    """Labels of every role and every fixed word that differ from the defaults: "‹name›" (no CJK, no Latin word
    a Chinese table may not print: the scanners above stay out of it)."""
    roles = {k: f"‹{k}›" for k in DEFAULT_LABELS[lang]}
    word_over = {f"word.{k}": f"‹w.{k}›" for k in VOCABULARY[lang]["word"]}
    return roles, word_over


@pytest.fixture(scope="module", params=["zh", "en"])
def relabelled(request, inputs):
    lang = request.param
    d, inp = inputs
    roles, word_over = marked_labels(lang)
    plain, _ = build_tables(d, inp, lang, dict(DEFAULT_LABELS[lang]), WLANG[lang], f"plain2_{lang}")
    marked, _ = build_tables(d, inp, lang, {**roles, **word_over, **KIND_OVER}, WLANG[lang], f"marked_{lang}")
    return lang, plain, marked


def test_no_table_prints_a_default_role_label_the_user_relabelled(relabelled):
    """With every role labelled by the user, no header, row label or cell of any table prints a default label
    (a step that looked a label up without ``labels`` would), and the panels, groups and rows that named a role
    name it by the user's label."""
    lang, plain, marked = relabelled
    defaults = set(DEFAULT_LABELS[lang].values())
    roles, _ = marked_labels(lang)
    for name in TABLES:
        found = [s for s in texts(marked[name], notes=False) for dft in defaults if dft in s]
        assert found == [], name
        used = [s for s in texts(plain[name], notes=False) for dft in defaults if dft in s]
        if used:  # the table names a role: the user's label is printed instead
            assert any("‹" in s for s in texts(marked[name], notes=False)), (name, used)
    dependent = next(r for r in marked["mechanisms"].rows if r.key == "dependent")
    assert dependent.cells == ["‹w.channel›", roles["coord_gap"]] * 2


def test_every_fixed_word_a_table_prints_is_the_users_word_override(relabelled):
    """``paper.labels`` ``word.<name>`` entries: every header, stub, group or row label of the plain table that is
    a vocabulary word (and not also one of the table model's own words, WORDS) is the override in the relabelled
    table, in every table that prints one."""
    lang, plain, marked = relabelled
    vocab = VOCABULARY[lang]["word"]
    own = set(WORDS[lang].values())
    by_text = {}
    for k, text in vocab.items():
        by_text.setdefault(text, set()).add(f"‹w.{k}›")
    checked, bad = 0, []
    # the specification step takes no labels, and the inequality table heads its columns with its own words
    for name in set(TABLES) - {"specification"}:
        p, m = plain[name], marked[name]
        pairs = [(p.stub, m.stub)] + list(zip(p.columns, m.columns)) * (name != "inequality")
        pairs += list(zip([g for g, _ in p.groups or ()], [g for g, _ in m.groups or ()]))
        pairs += [(a.label, b.label) for a, b in zip(p.rows, m.rows)]
        for a, b in pairs:
            if a in by_text and a not in own:
                bad.append((name, a, b)) if b not in by_text[a] else None
                checked += 1
    assert bad == []
    assert checked >= 40


#: ``paper.labels`` entries of other kinds the tables print: the scenarios and the robustness samples
KIND_OVER = {
    "scenario.catch_up": "‹s.catch_up›",
    "scenario.freeze_east": "‹s.freeze_east›",
    "sample.full": "‹sample.full›",
    "sample.ai_lag1": "‹sample.ai_lag1›",
}


def test_scenario_and_sample_labels_of_the_user_name_the_panels_groups_and_rows(relabelled):
    lang, _, marked = relabelled
    assert [r.label for r in marked["scenarios"].rows if r.kind == "panel"] == ["‹s.catch_up›", "‹s.freeze_east›"]
    assert marked["scenario_provinces"].groups == [("", 1), ("‹s.catch_up›", 4), ("‹s.freeze_east›", 4)]
    rows = [r.label for r in marked["robustness"].rows if r.kind != "panel"]
    wl = WLANG[lang]
    assert rows[:4] == [f"{wl[m]} × ‹sample.{s}›" for m in ("queen", "invdist") for s in ("full", "ai_lag1")]


def tidy_reference(t):
    """The tidy records of a table, written independently of aicoord.paper.render.tidy_rows: one per body cell."""
    leaf = [g for g, span in (t.groups or [("", len(t.columns))]) for _ in range(span)]
    out, panel, label = [], "", ""
    for i, r in enumerate(t.rows):
        if r.kind == "panel":
            panel = r.label
            continue
        if r.kind not in ("se", "t", "z"):
            label = r.label
        for j, c in enumerate(t.columns):
            out.append(
                {
                    "table": str(t.number),
                    "panel": panel,
                    "row": str(i + 1),
                    "label": label,
                    "statistic": r.kind,
                    "group": leaf[j],
                    "column": c,
                    "value": r.cells[j],
                    "note": t.note_text,
                }
            )
    return out


def test_every_tidy_csv_holds_each_printed_cell_with_its_panel_row_label_group_column_and_note(tables):
    lang, tabs, out_dir = tables
    for name, t in tabs.items():
        csv = pd.read_csv(out_dir / f"{name}.csv", dtype=str, keep_default_na=False)
        assert list(csv.columns) == ["table", "panel", "row", "label", "statistic", "group", "column", "value", "note"]
        assert csv.to_dict("records") == tidy_reference(t), name
        md = (out_dir / f"{name}.md").read_text(encoding="utf-8")
        assert md.startswith(f"**{t.caption}**\n") and md.rstrip("\n").endswith(
            t.note_text.replace("|", "\\|").replace("*", "\\*")
        ), name


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_number_passed_to_any_table_step_numbers_its_table(inputs, tmp_path, lang):
    """``number`` (the table's place among the tables printed) reaches every table step's caption."""
    d, inp = inputs
    labels, wl = dict(DEFAULT_LABELS[lang]), WLANG[lang]
    kw = dict(language=lang, decimals=3, number=42)
    reg = dict(kw, stars=[0.10, 0.05, 0.01], parentheses="se", weights_labels=wl, labels=labels)

    def out(n):
        return {k: tmp_path / f"{n}.{k}" for k in ("csv", "md", "tex", "docx", "json")}

    calls = {
        "descriptive": lambda: P.paper_descriptive(
            d / "panel.csv", inp["mech"], **out("descriptive"), variables=VARS, labels=labels, **kw
        ),
        "correlation": lambda: P.paper_correlation(
            d / "panel.csv", inp["mech"], **out("correlation"), variables=VARS, outcome="coord_gap", labels=labels, **kw
        ),
        "moran": lambda: P.paper_moran(
            d / "global.csv", **out("moran"), stars=[0.1], weights_labels=wl, labels=labels, **kw
        ),
        "lisa": lambda: P.paper_lisa(
            inp["lisa"], **out("lisa"), weights_labels=wl, labels=labels, language=lang, number=42
        ),
        "inequality": lambda: P.paper_inequality(d / "inequality.csv", **out("inequality"), labels=labels, **kw),
        "convergence": lambda: P.paper_convergence(
            d / "inequality.csv", d / "beta.csv", **out("convergence"), variable="gdp_pc", labels=labels, **kw
        ),
        "specification": lambda: E.paper_specification(d / "spec.csv", **out("specification"), weights_labels=wl, **kw),
        "baseline": lambda: E.paper_baseline(d / "baseline.csv", d / "baseline.json", **out("baseline"), **reg),
        "effects": lambda: E.paper_effects(d / "effects.csv", d / "baseline.json", **out("effects"), **reg),
        "mechanisms": lambda: E.paper_mechanisms(d / "mechanisms.csv", **out("mechanisms"), alpha=0.05, **reg),
        "heterogeneity": lambda: E.paper_heterogeneity(d / "heterogeneity.csv", **out("heterogeneity"), **reg),
        "robustness": lambda: E.paper_robustness(
            d / "robustness.csv", **out("robustness"), labels=labels, weights_labels=wl, alpha=0.05, **kw
        ),
        "scenarios": lambda: E.paper_scenarios(d / "dispersion.csv", **out("scenarios"), alpha=0.05, **kw),
        "scenario_provinces": lambda: E.paper_scenario_provinces(
            d / "scenario_provinces.csv", **out("scenario_provinces"), **kw
        ),
        "identification": lambda: E.paper_identification(
            d / "identification.csv", **out("identification"), alpha=0.05, **reg
        ),
        "verdict": lambda: E.paper_verdict(d / "verdict.csv", **out("verdict"), labels=labels, alpha=0.05, **kw),
    }
    assert set(calls) == set(TABLES)
    for name, call in calls.items():
        call()
        t = read_table(out(name)["json"])
        assert t.number == 42 and t.caption.startswith("表 42  " if lang == "zh" else "Table 42. "), name


# ---- every option a table step takes reaches its table


def step_kwargs(lang):
    """Each table step's inputs and options (the workflow's), by table."""
    labels, wl = dict(DEFAULT_LABELS[lang]), WLANG[lang]
    base = dict(language=lang, decimals=3)
    reg = dict(base, stars=[0.10, 0.05, 0.01], parentheses="se", weights_labels=wl, labels=labels)
    return {
        "descriptive": (P.paper_descriptive, ("panel.csv", "mech"), dict(base, variables=VARS, labels=labels)),
        "correlation": (
            P.paper_correlation,
            ("panel.csv", "mech"),
            dict(base, variables=VARS, outcome="coord_gap", labels=labels),
        ),
        "moran": (
            P.paper_moran,
            ("global.csv",),
            dict(base, stars=[0.10, 0.05, 0.01], weights_labels=wl, labels=labels),
        ),
        "lisa": (P.paper_lisa, ("lisa",), dict(language=lang, weights_labels=wl, labels=labels)),
        "inequality": (P.paper_inequality, ("inequality.csv",), dict(base, labels=labels)),
        "convergence": (
            P.paper_convergence,
            ("inequality.csv", "beta.csv"),
            dict(base, variable="gdp_pc", labels=labels),
        ),
        "specification": (E.paper_specification, ("spec.csv",), dict(base, weights_labels=wl)),
        "baseline": (E.paper_baseline, ("baseline.csv", "baseline.json"), dict(reg)),
        "effects": (E.paper_effects, ("effects.csv", "baseline.json"), dict(reg)),
        "mechanisms": (
            E.paper_mechanisms,
            ("mechanisms.csv",),
            dict(reg, alpha=0.05, verdict_csv="verdict.csv", outcome="coord_gap"),
        ),
        "heterogeneity": (E.paper_heterogeneity, ("heterogeneity.csv",), dict(reg)),
        "robustness": (
            E.paper_robustness,
            ("robustness.csv",),
            dict(base, labels=labels, weights_labels=wl, alpha=0.05),
        ),
        "scenarios": (E.paper_scenarios, ("dispersion.csv",), dict(base, alpha=0.05, labels=labels)),
        "scenario_provinces": (E.paper_scenario_provinces, ("scenario_provinces.csv",), dict(base, labels=labels)),
        "identification": (
            E.paper_identification,
            ("identification.csv",),
            dict(reg, alpha=0.05),
        ),
        "verdict": (E.paper_verdict, ("verdict.csv",), dict(base, labels=labels, alpha=0.05)),
    }


def run_step(name, d, inp, tmp_path, lang, tag, **over):
    step, args, kw = step_kwargs(lang)[name]
    paths = [inp[a] if a in inp else d / a for a in args]
    kw = {**kw, **over}
    if "verdict_csv" in kw and isinstance(kw["verdict_csv"], str):
        kw["verdict_csv"] = d / kw["verdict_csv"]
    out = {k: tmp_path / f"{name}_{tag}.{k}" for k in ("csv", "md", "tex", "docx", "json")}
    step(*paths, **out, **kw)
    return dataclasses.asdict(read_table(out["json"]))


OPTIONS = {
    "decimals": (2, 4),
    "alpha": (0.1, 0.01),
    "stars": ([0.05], [0.2, 0.1]),
    "parentheses": ("t", "z"),
    "weights_labels": ({"queen": "WQ", "invdist": "WI"}, {"queen": "WQ2", "invdist": "WI2"}),
}
CASES = [(name, option) for name, (_, _, kw) in step_kwargs("en").items() for option in OPTIONS if option in kw]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name, option", CASES)
def test_each_option_of_a_table_step_changes_its_table(inputs, tmp_path, lang, name, option):
    """Two values of an option give two different tables: a step that dropped the option (or passed a constant)
    would print both alike."""
    d, inp = inputs
    a, b = OPTIONS[option]
    ta = run_step(name, d, inp, tmp_path, lang, "a", **{option: a})
    tb = run_step(name, d, inp, tmp_path, lang, "b", **{option: b})
    assert ta != tb, (name, option)


# ---- the documented defaults of the table steps

DEFAULT_CASES = [
    # (table, the optional arguments left out, the same passed explicitly, a value that must differ)
    ("moran", {}, {"matrices": None}, {"matrices": ["invdist"]}),
    ("moran", {}, {"matrices": ["queen", "invdist"]}, {"matrices": ["queen"]}),
    ("descriptive", {}, {"variable_decimals": None}, {"variable_decimals": {"ai": 0}}),
    ("baseline", {}, {"show_controls": True}, {"show_controls": False}),
    ("mechanisms", {"verdict_csv", "outcome"}, {"verdict_csv": None, "outcome": None}, {"outcome": "gdp_pc"}),
    ("mechanisms", {"outcome"}, {"outcome": "coord_gap"}, {"outcome": "ai"}),
    ("scenarios", {"labels"}, {"labels": None}, {"labels": {"scenario.catch_up": "C"}}),
    ("scenarios", {"labels"}, {"labels": {}}, {"labels": {"word.before": "B"}}),
    ("scenario_provinces", {"labels"}, {"labels": None}, {"labels": {"word.region": "R"}}),
]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name, left_out, explicit, other", DEFAULT_CASES)
def test_a_table_step_without_an_optional_argument_equals_its_documented_default(
    inputs, tmp_path, lang, name, left_out, explicit, other
):
    d, inp = inputs
    step, args, kw = step_kwargs(lang)[name]
    paths = [inp[a] if a in inp else d / a for a in args]
    base = {k: (d / v if k == "verdict_csv" and isinstance(v, str) else v) for k, v in kw.items() if k not in left_out}

    def table(tag, **over):
        out = {k: tmp_path / f"{name}_{tag}.{k}" for k in ("csv", "md", "tex", "docx", "json")}
        step(*paths, **out, **{**base, **over})
        return dataclasses.asdict(read_table(out["json"]))

    plain = table("plain")
    assert plain == table("explicit", **explicit)
    assert plain != table("other", **other)
    assert plain["number"] == TABLES.index(name) + 1 == table("numbered", number=TABLES.index(name) + 1)["number"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_baseline_table_titles_the_model_the_search_selected_and_numbers_several_matrices(inputs, tmp_path, lang):
    """A baseline that is not the SDM (analysis.baseline_model: auto) names its model in the title; columns on two
    matrices head themselves W1, W2 and the note says which matrix each is, instead of one matrix."""
    import json

    d, _ = inputs
    fit = json.loads((d / "baseline.json").read_text(encoding="utf-8"))
    fit["model"] = "sar"
    (tmp_path / "fit.json").write_text(json.dumps(fit), encoding="utf-8")
    coef = pd.read_csv(d / "baseline.csv")
    coef.loc[coef["column"] == "sem", "weights"] = "invdist"
    coef.to_csv(tmp_path / "coef.csv", index=False)
    step, _, kw = step_kwargs(lang)["baseline"]
    out = {k: tmp_path / f"b.{k}" for k in ("csv", "md", "tex", "docx", "json")}
    step(tmp_path / "coef.csv", tmp_path / "fit.json", **out, **kw)
    t = read_table(out["json"])
    wl, v = WLANG[lang], WORDS[lang]
    assert t.title == (
        "基准回归：双向固定效应 SAR 模型" if lang == "zh" else "Baseline estimates: two-way fixed-effects SAR"
    )
    models = [term("model", m, lang) for m in ("ols", "sar", "sem", "sdm")]
    assert t.columns == [f"{m} W{1 + (m == 'SEM')}" for m in models]
    sep = "；" if lang == "zh" else "; "
    several = v["weights"].format(w=sep.join([f"W1 = {wl['queen']}", f"W2 = {wl['invdist']}"]))
    assert several in t.notes and v["weights"].format(w=wl["queen"]) not in t.notes


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_mechanism_note_names_the_p_adjustment_of_the_verdict_table(inputs, tmp_path, lang):
    d, inp = inputs
    v = pd.read_csv(d / "verdict.csv")
    v["note"] = (
        "Verdict rule: ...; p adjusted by the Benjamini-Hochberg adjustment | " + v["note"].str.split(" | ").str[-1]
    )
    v.to_csv(tmp_path / "verdict.csv", index=False)
    t = run_step("mechanisms", d, inp, tmp_path, lang, "bh", verdict_csv=tmp_path / "verdict.csv")
    w = _words(lang)
    assert w["p_adjusted_note"].format(method="Benjamini–Hochberg") in t["notes"]
    assert w["p_adjusted_note"].format(method="Holm") not in t["notes"]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("cov_type", ["robust", "homoskedastic", "cluster", "unknown"])
def test_identification_note_names_each_instrument_and_the_iv_standard_errors(inputs, tmp_path, lang, cov_type):
    d, inp = inputs
    g = pd.read_csv(d / "identification.csv")
    g["instruments"] = "gov;urban"
    g.loc[g["estimator"] != "oster", "cov_type"] = cov_type
    g.to_csv(tmp_path / "identification.csv", index=False)
    step, _, kw = step_kwargs(lang)["identification"]
    out = {k: tmp_path / f"i.{k}" for k in ("csv", "md", "tex", "docx", "json")}
    step(tmp_path / "identification.csv", **out, **kw)
    w, lab = _words(lang), DEFAULT_LABELS[lang]
    inst = ("、" if lang == "zh" else ", ").join([lab["gov"], lab["urban"]])
    cov = w[f"cov_{cov_type}"] if cov_type != "unknown" else w["cov_cluster"]
    assert w["ident_note"].format(instruments=inst, cov=cov) in read_table(out["json"]).notes


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_lisa_table_prints_each_cluster_a_dash_for_not_significant_and_notes_the_islands(inputs, tmp_path, lang):
    d, inp = inputs
    paths = []
    for k, p in enumerate(inp["lisa"]):
        f = pd.read_csv(p, dtype={"id": str})
        f["cluster"] = ["HH", "LL", "LH", "HL", "Not significant", "No neighbours", "No neighbours", "HH"]
        f["threshold"] = 0.1
        paths.append(tmp_path / f"lisa{k}.csv")
        f.to_csv(paths[-1], index=False)
    t = run_step("lisa", d, {"lisa": paths}, tmp_path, lang, "islands")
    w, wl = _words(lang), WLANG[lang]
    cells = [r["cells"][1] for r in t["rows"]]
    assert cells == [w["HH"], w["LL"], w["LH"], w["HL"], "—", w["No neighbours"], w["No neighbours"], w["HH"]]
    assert [r["cells"][2] for r in t["rows"]] == cells
    islands = [w["islands_note"].format(n=2, w=wl[m]) for m in ("queen", "invdist")]
    assert t["notes"][1:4] == [w["lisa_note"].format(alpha="0.1"), *islands]


def test_convergence_rows_name_each_beta_model_and_its_spatial_parameter(tables, inputs):
    lang, tabs, _ = tables
    d, _ = inputs
    t = tabs["convergence"]
    beta = pd.read_csv(d / "beta.csv")
    ineq = pd.read_csv(d / "inequality.csv").query("variable == 'gdp_pc'")
    body = [r for r in t.rows if r.kind != "panel"]
    assert [r.label for r in body[:3]] == ["2021", "2022", "2023"]
    assert [r.cells for r in body[:3]] == [[printed(v, 3)] + [""] * 6 for v in ineq["cv"]]
    sep = "，" if lang == "zh" else ", "
    assert [r.label for r in body[3:]] == [
        term("beta", "FE two-way (cluster)", lang) + sep + term("beta", "absolute", lang),
        "SAR" + sep + term("beta", "conditional", lang),
    ]
    assert [r.cells for r in body[3:]] == [
        [printed(b["beta"], 3), printed(b["se"], 3), printed(b["pvalue"], 3), printed(b["speed"], 3)]
        + [printed(b["half_life"], 2), sp, str(int(b["nobs"]))]
        for (_, b), sp in zip(beta.iterrows(), ["", "ρ = −0.070"])
    ]


def test_inequality_and_moran_cells_in_both_languages(tables, inputs):
    lang, tabs, _ = tables
    d, _ = inputs
    g = pd.read_csv(d / "inequality.csv")
    cols = ["theil_t", "theil_t_within", "theil_t_between", "theil_t_within_share", "theil_t_between_share", "gini"]
    cols += ["gini_within", "gini_between_net", "gini_transvariation", "gini_within_share", "gini_between_net_share"]
    cols += ["gini_transvariation_share"]
    body = [r for r in tabs["inequality"].rows if r.kind != "panel"]
    want = [
        (str(r["year"]), [printed(100 * r[c], 2) if c.endswith("_share") else printed(r[c], 3) for c in cols])
        for _, r in g.iterrows()
    ]
    assert [(r.label, r.cells) for r in body] == want
    m = pd.read_csv(d / "global.csv")
    body = [r for r in tabs["moran"].rows if r.kind != "panel"]
    want = []
    for var in ("coord_gap", "ai"):
        for year in (2021, 2022, 2023):
            cells = []
            for w in ("queen", "invdist"):
                s = m[(m["variable"] == var) & (m["year"] == year) & (m["matrix"] == w)].iloc[0]
                p = s["p_rand"]
                cells += [printed(s["I"], 3) + "*" * sum(p < a for a in (0.10, 0.05, 0.01)), printed(s["z_rand"], 3)]
            want.append((str(year), cells))
    assert [(r.label, r.cells) for r in body] == want


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_robustness_cells_of_a_model_missing_from_a_variant_or_estimated_without_a_reason(inputs, tmp_path, lang):
    d, inp = inputs
    g = pd.read_csv(d / "robustness.csv")
    first = (g["weights"] == "queen") & (g["sample"] == "full") & (g["mechanism"] == "baseline")
    g = g[~(first & (g["model"] == "sar"))].reset_index(drop=True)  # the SAR of the first variant is missing
    first = (g["weights"] == "queen") & (g["sample"] == "full") & (g["mechanism"] == "baseline")
    g.loc[first & (g["model"] == "dynamic_sdm"), "estimate"] = float("nan")  # no estimate, no "not estimated"
    g.to_csv(tmp_path / "robustness.csv", index=False)
    step, _, kw = step_kwargs(lang)["robustness"]
    out = {k: tmp_path / f"r.{k}" for k in ("csv", "md", "tex", "docx", "json")}
    step(tmp_path / "robustness.csv", **out, **kw)
    t = read_table(out["json"])
    row = next(r for r in t.rows if r.kind != "panel")
    w = _words(lang)
    s = g[first & (g["model"] == "sdm")].iloc[0]
    assert row.cells == [
        printed(s["estimate"], 3),
        f"[{printed(s['lower'], 3)}, {printed(s['upper'], 3)}]",
        w["not_estimated"],
        "",
        w["not_estimated"],
        "",
    ]
