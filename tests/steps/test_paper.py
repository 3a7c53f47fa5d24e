"""Steps of workflow/rules/paper.smk: every paper table built from small study outputs written here (the
columns the study steps write), once with the demo panel's note ("simulated data") and once with a real
source's note; the Word files, the stars, the notes and the combined documents."""

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn
from scipy import special

from aicoord.notes import DEMO_SOURCE, data_note
from aicoord.paper import NumberFormat, tex_escape
from aicoord.paper.study_tables import failure_text
from aicoord.steps import paper as P
from helpers import EDGE

SIM_NOTE = data_note(DEMO_SOURCE, True, "zh")
REAL_NOTE = data_note("统计年鉴 (test panel)", False, "zh")
WL = {"queen": "queen: Queen 邻接矩阵", "invdist": "invdist: 反距离矩阵（幂 1）"}
LABELS = dict(P.DEFAULT_LABELS["zh"])
MECHS = ["industrial_upgrading", "value_chain"]
VARS = ["coord_gap", "ai", "gov", "urban", *MECHS, "gdp_pc"]
REG = ("baseline", "effects", "mechanisms", "heterogeneity")

# (estimate, SE) pairs whose z lies just either side of the star thresholds (tests/helpers.py EDGE)
PAIRS = [EDGE[k] for k in ("ai", "ai_sq", "human", "open", "gov", "tiny")]


def _pair(i):
    return PAIRS[i % len(PAIRS)]


def make_inputs(d, note):
    """The study outputs the paper steps read, with ``note`` in every note column."""
    rng = np.random.default_rng(3)
    codes = [f"{c}0000" for c in range(11, 19)]
    regions = ["East", "East", "Central", "Central", "West", "West", "Northeast", "Northeast"]
    rows = []
    for c, r in zip(codes, regions):
        for y in (2021, 2022, 2023):
            rows.append(
                {
                    "code": c,
                    "name": c,
                    "region4": r,
                    "year": y,
                    "ai": rng.uniform(5, 90),
                    "gdp_pc": rng.uniform(3e4, 1.2e5),
                    "coord_gap": rng.normal(),
                    "gov": rng.uniform(0.1, 0.3),
                    "urban": rng.uniform(0.4, 0.9),
                    "note": note,
                }
            )
    panel = pd.DataFrame(rows)
    panel.to_csv(d / "panel.csv", index=False)
    mech = []
    for m in MECHS:
        f = panel[["code", "year"]].assign(**{m: rng.normal(size=len(panel)), "note": note})
        f.to_csv(d / f"{m}.csv", index=False)
        mech.append(d / f"{m}.csv")
    pd.DataFrame(
        [
            {
                "variable": v,
                "year": y,
                "matrix": m,
                "n": 8,
                "I": 0.3 - 0.1 * i + 0.01 * k,
                "EI": -1 / 7,
                "z_rand": 3.0 - i,
                "p_rand": [0.0027, 0.0801][i],
                "note": note,
            }
            for v in ("coord_gap", "ai")
            for k, y in enumerate((2021, 2022, 2023))
            for i, m in enumerate(WL)
        ]
    ).to_csv(d / "global.csv", index=False)
    lisa = []
    for m in WL:
        pd.DataFrame(
            {
                "id": codes,
                "name": codes,
                "region4": regions,
                "cluster": ["HH", "LL", "LH", "HL"] * 2,
                "threshold": 0.05,
                "variable": "ai_index",
                "year": 2023,
                "matrix": m,
                "note": note,
            }
        ).to_csv(d / f"lisa_{m}.csv", index=False)
        lisa.append(d / f"lisa_{m}.csv")
    ineq = [
        {
            "variable": v,
            "year": y,
            "cv": rng.uniform(0.2, 0.5),
            "theil_t": 0.1,
            "theil_t_within": 0.06,
            "theil_t_between": 0.04,
            "gini": 0.25,
            "gini_within": 0.06,
            "gini_between_net": 0.15,
            "gini_transvariation": 0.04,
            "theil_t_within_share": 0.6,
            "theil_t_between_share": 0.4,
            "gini_within_share": 0.24,
            "gini_between_net_share": 0.6,
            "gini_transvariation_share": 0.16,
            "note": note,
        }
        for v in ("gdp_pc", "ai")
        for y in (2021, 2022, 2023)
    ]
    pd.DataFrame(ineq).to_csv(d / "inequality.csv", index=False)
    pd.DataFrame(
        [
            {
                "form": "panel",
                "model": "FE two-way",
                "type": "absolute",
                "beta": -0.1,
                "se": 0.01,
                "pvalue": 1e-10,
                "speed": 0.1,
                "half_life": 6.5,
                "nobs": 16,
                "spatial": None,
                "spatial_coef": None,
                "controls": None,
                "variable": "gdp_pc",
                "note": note,
            },
            {
                "form": "spatial panel",
                "model": "SAR",
                "type": "conditional",
                "beta": -0.11,
                "se": 0.01,
                "pvalue": 1e-11,
                "speed": 0.11,
                "half_life": 6.0,
                "nobs": 16,
                "spatial": "rho",
                "spatial_coef": -0.07,
                "controls": "gov;urban",
                "variable": "gdp_pc",
                "note": note,
            },
        ]
    ).to_csv(d / "beta.csv", index=False)
    pd.DataFrame(
        [
            {
                "weights": "queen",
                "step": "1",
                "test": "lm_lag",
                "effects": "none",
                "statistic": 10.5,
                "df": 1,
                "p": 0.001,
                "reject": True,
                "null": "rho = 0",
                "decision": None,
                "note": note,
            },
            {
                "weights": "queen",
                "step": "4",
                "test": "selected model",
                "effects": "twoways",
                "statistic": None,
                "df": None,
                "p": None,
                "reject": None,
                "null": None,
                "decision": "SDM",
                "note": note,
            },
        ]
    ).to_csv(d / "spec.csv", index=False)
    params = ["ai", "gov", "urban", "W*ai", "W*gov", "W*urban", "rho"]
    base = pd.DataFrame(
        [{"parameter": p, "estimate": _pair(i)[0], "se": _pair(i)[1], "note": note} for i, p in enumerate(params)]
    )
    base["z"] = base["estimate"] / base["se"]
    base["p"] = 2 * special.ndtr(-base["z"].abs())
    cols = []
    for c, ps in (
        ("ols", params[:3]),
        ("sar", params[:3] + ["rho"]),
        ("sem", params[:3] + ["lambda"]),
        ("sdm", params),
    ):
        src = base.set_index("parameter")
        part = pd.DataFrame(
            [
                {
                    "parameter": p,
                    **(
                        src.loc[p].to_dict()
                        if p in src.index
                        else {"estimate": 0.2, "se": 0.05, "z": 4.0, "p": 6e-5, "note": note}
                    ),
                }
                for p in ps
            ]
        )
        cols.append(
            part.assign(
                column=c,
                model=c,
                weights="queen",
                effects="twoways",
                lee_yu=True,
                N=8,
                T=3,
                nobs=24,
                sigma2=0.01,
                r2_within=0.3,
                loglik=12.5,
                cov_type="oim",
            )
        )
    pd.concat(cols, ignore_index=True).to_csv(d / "baseline.csv", index=False)
    (d / "baseline.json").write_text(
        json.dumps(
            {
                "N": 8,
                "T": 3,
                "nobs": 24,
                "loglik": 12.5,
                "r2_within": 0.3,
                "r2": 0.9,
                "sigma2": 0.01,
                "ai": "ai",
                "controls": ["gov", "urban"],
                "effects": "twoways",
                "lee_yu": True,
                "model": "sdm",
                "weights": "queen",
                "y": "coord_gap",
                "draws": 200,
                "note": note,
            }
        ),
        encoding="utf-8",
    )
    eff = pd.DataFrame(
        [
            {"variable": v, "effect": e, "estimate": _pair(i + j)[0], "se": _pair(i + j)[1], "note": note}
            for i, v in enumerate(["ai", "gov", "urban"])
            for j, e in enumerate(["direct", "indirect", "total"])
        ]
    )
    eff["lower"], eff["upper"] = eff["estimate"] - 2 * eff["se"], eff["estimate"] + 2 * eff["se"]
    eff.to_csv(d / "effects.csv", index=False)
    mrows = []
    for i, m in enumerate(MECHS):
        for j, q in enumerate(["ai_on_channel", "channel_on_y", "ai_on_y"]):
            for k, e in enumerate(["direct", "indirect", "total"]):
                est, se = _pair(i + j + k)
                mrows.append({"mechanism": m, "quantity": q, "effect": e, "estimate": est, "se": se})
        est, se = _pair(i + 5)
        mrows.append(
            {
                "mechanism": m,
                "quantity": "mediated",
                "effect": "total",
                "estimate": est,
                "se": se,
                "lower": est - 2 * se,
                "upper": est + 2 * se,
                "sobel_z": est / se,
            }
        )
    mdf = pd.DataFrame(mrows).assign(mechanism_model="sdm", weights="queen", note=note)
    mdf.to_csv(d / "mechanisms.csv", index=False)
    hrows = []
    for i, (by, g) in enumerate(
        [("region", "East"), ("region", "West"), ("period (split 2022)", "pre"), ("period (split 2022)", "post")]
    ):
        for j, e in enumerate(["direct", "indirect", "total"]):
            est, se = _pair(i + j)
            hrows.append(
                {"weights": "queen", "by": by, "group": g, "effect": e, "estimate": est, "se": se, "note": note}
            )
    pd.DataFrame(hrows).to_csv(d / "heterogeneity.csv", index=False)
    rrows = []
    for w in WL:
        for s in ("full", "ai_lag1"):
            for mo in ("sdm", "sar", "dynamic_sdm"):
                for mname in ["baseline", *MECHS]:
                    failed = (w, s, mo, mname) in {
                        ("invdist", "ai_lag1", "sar", "baseline"),
                        ("invdist", "full", "dynamic_sdm", MECHS[0]),
                    }
                    est = None if failed else float(rng.normal(-0.01, 0.003))
                    rrows.append(
                        {
                            "weights": w,
                            "sample": s,
                            "model": mo,
                            "mechanism": mname,
                            "quantity": "ai_total_effect" if mname == "baseline" else "mediated_total",
                            "estimate": est,
                            "lower": None if failed else est - 0.005,
                            "upper": None if failed else est + 0.005,
                            "verdict": "not estimated" if failed else "promotes",
                            "failure": (
                                "rho on its bound"
                                if mo == "sar"
                                else "not stationary: max|(tau+eta w)/"
                                "(1-rho w)| = 1.012 >= 1; the dynamic SDM of x is not estimated"
                            )
                            if failed
                            else None,
                            "note": note,
                        }
                    )
    pd.DataFrame(rrows).to_csv(d / "robustness.csv", index=False)
    pd.DataFrame(
        [
            {
                "weights": "queen",
                "scenario": sc,
                "year": 2023,
                "measure": m,
                "before": 0.2,
                "after": 0.18,
                "change": -0.02,
                "change_lower": -0.03,
                "change_upper": -0.01,
                "shift": 2,
                "note": note,
            }
            for sc in ("catch_up", "freeze_east")
            for m in ("cv", "theil_t", "gini", "gini_East")
        ]
    ).to_csv(d / "dispersion.csv", index=False)
    pd.DataFrame(
        [
            {
                "weights": "queen",
                "scenario": sc,
                "unit": c,
                "region": r,
                "year": 2023,
                "delta_ai": 10.0 * (r != "East"),
                "y_before": 0.1,
                "delta_y": -0.02,
                "delta_y_lower": -0.04,
                "delta_y_upper": -0.01,
                "own": -0.015,
                "spillover": -0.005,
                "note": note,
            }
            for sc in ("catch_up", "freeze_east")
            for c, r in zip(codes, regions)
        ]
    ).to_csv(d / "scenario_provinces.csv", index=False)
    pd.DataFrame(
        [
            {
                "mechanism": "baseline",
                "verdict": "promotes",
                "effect": -0.015,
                "lower": -0.024,
                "upper": -0.007,
                "se": 0.004,
                "ai_total_on_channel": None,
                "variants_agree": 7,
                "variants": 8,
            },
            {
                "mechanism": MECHS[0],
                "verdict": "promotes",
                "effect": -0.009,
                "lower": -0.015,
                "upper": -0.004,
                "se": 0.003,
                "ai_total_on_channel": 0.023,
                "variants_agree": 6,
                "variants": 8,
            },
            {
                "mechanism": MECHS[1],
                "verdict": "inconclusive",
                "effect": 0.001,
                "lower": -0.001,
                "upper": 0.004,
                "se": 0.001,
                "ai_total_on_channel": -0.007,
                "variants_agree": 8,
                "variants": 8,
            },
        ]
    ).assign(
        p=[0.001, 0.003, 0.4],
        p_adjusted=[0.003, 0.006, 0.4],
        mediation_share=[np.nan, 0.25, 0.5],
        suppression=[np.nan, False, True],
    ).assign(note="Verdict rule: ... | " + note).to_csv(d / "verdict.csv", index=False)
    return {"mech": mech, "lisa": lisa}


def build_all(d, inp, language="zh"):
    """Every paper table from the inputs in ``d``; returns name -> output paths."""
    (d / "paper").mkdir(exist_ok=True)

    def out(n):
        return {k: d / "paper" / f"{n}.{k}" for k in ("csv", "md", "tex", "docx", "json")}

    kw = dict(language=language, decimals=3)
    reg = dict(kw, stars=[0.10, 0.05, 0.01], parentheses="se", weights_labels=WL, labels=LABELS)
    P.paper_descriptive(d / "panel.csv", inp["mech"], **out("descriptive"), variables=VARS, labels=LABELS, **kw)
    P.paper_correlation(
        d / "panel.csv", inp["mech"], **out("correlation"), variables=VARS, outcome="coord_gap", labels=LABELS, **kw
    )
    P.paper_moran(d / "global.csv", **out("moran"), stars=[0.10, 0.05, 0.01], weights_labels=WL, labels=LABELS, **kw)
    P.paper_lisa(inp["lisa"], **out("lisa"), weights_labels=WL, labels=LABELS, language=language)
    P.paper_inequality(d / "inequality.csv", **out("inequality"), labels=LABELS, **kw)
    P.paper_convergence(
        d / "inequality.csv", d / "beta.csv", **out("convergence"), variable="gdp_pc", labels=LABELS, **kw
    )
    P.paper_specification(d / "spec.csv", **out("specification"), weights_labels=WL, **kw)
    P.paper_baseline(d / "baseline.csv", d / "baseline.json", **out("baseline"), **reg)
    P.paper_effects(d / "effects.csv", d / "baseline.json", **out("effects"), **reg)
    P.paper_mechanisms(
        d / "mechanisms.csv", **out("mechanisms"), alpha=0.05, verdict_csv=d / "verdict.csv", outcome="coord_gap", **reg
    )
    P.paper_heterogeneity(d / "heterogeneity.csv", **out("heterogeneity"), **reg)
    P.paper_robustness(d / "robustness.csv", **out("robustness"), labels=LABELS, weights_labels=WL, alpha=0.05, **kw)
    P.paper_scenarios(d / "dispersion.csv", **out("scenarios"), alpha=0.05, **kw)
    P.paper_scenario_provinces(d / "scenario_provinces.csv", **out("scenario_provinces"), **kw)
    _identification_csv(d)
    P.paper_identification(d / "identification.csv", **out("identification"), alpha=0.05, **reg)
    P.paper_verdict(d / "verdict.csv", **out("verdict"), labels=LABELS, alpha=0.05, **kw)
    return {n: out(n) for n in P.TABLES}


def _identification_csv(d):
    """A small identification table (ML, 2SLS, GMM x effects; first stage; the Oster row) with the inputs' note."""
    note = pd.read_csv(d / "spec.csv")["note"].iloc[0]
    rows = []
    for i, e in enumerate(("ml", "iv", "gmm")):
        first = (
            {}
            if e == "ml"
            else {
                "partial_r2": 0.41,
                "sw_f": 31.2,
                "kp_rk_wald_f": 20.3,
                "kp_lm_p": 0.001,
                "hansen_j": 0.15,
                "hansen_p": 0.99,
                "endogeneity_p": 0.0,
                "ar_low": -0.02,
                "ar_high": float("nan"),
                "cov_type": "cluster",
            }
        )
        for j, k in enumerate(("direct", "indirect", "total")):
            est, se = _pair(3 * i + j)
            rows.append(
                {
                    "weights": "queen",
                    "estimator": e,
                    "effect": k,
                    "estimate": est,
                    "se": se,
                    "ci_low": est - 1.96 * se,
                    "ci_high": est + 1.96 * se,
                    **first,
                }
            )
    rows.append(
        {
            "weights": "queen",
            "estimator": "oster",
            "effect": "coefficient",
            "estimate": -0.004,
            "ci_low": -0.004,
            "ci_high": 0.001,
            "beta_star": 0.001,
            "delta_for_zero": 0.8,
        }
    )
    t = pd.DataFrame(rows)
    t["instruments"] = "gov"
    t["note"] = note
    t.to_csv(d / "identification.csv", index=False)


@pytest.fixture(scope="module", params=["simulated", "real"])
def built(request, tmp_path_factory):
    d = tmp_path_factory.mktemp(f"paper_{request.param}")
    note = SIM_NOTE if request.param == "simulated" else REAL_NOTE
    inp = make_inputs(d, note)
    outs = build_all(d, inp)
    P.paper_tables([outs[n]["json"] for n in P.TABLES], d / "tables.docx", d / "tables.tex")
    return request.param, d, outs


def visible(parent):
    if parent is None:
        return {}
    out = {}
    for e in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = parent.find(qn(f"w:{e}"))
        if el is not None and el.get(qn("w:val")) not in ("nil", "none"):
            out[e] = int(el.get(qn("w:sz")))
    return out


def unique_cells(row):
    seen, out = set(), []
    for c in row.cells:
        if id(c._tc) not in seen:
            seen.add(id(c._tc))
            out.append(c)
    return out


def assert_three_lines(table, n_header):
    """Only the top rule (12), the rule under the header (6) and the bottom rule (12) are visible."""
    assert visible(table._tbl.tblPr.find(qn("w:tblBorders"))) == {}
    last = len(table.rows) - 1
    for i, row in enumerate(table.rows):
        for cell in unique_cells(row):
            want = {}
            if i == 0:
                want["top"] = 12
            if i == n_header - 1:
                want["bottom"] = 6
            if i == last:
                want["bottom"] = 12
            assert visible(cell._tc.tcPr.find(qn("w:tcBorders"))) == want, (i, cell.text)


def test_every_table_is_written_in_four_forms_and_its_docx_has_three_lines(built):
    _, d, outs = built
    for name, out in outs.items():
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
    P.paper_robustness(
        d / "robustness.csv", **en, labels=LABELS, weights_labels=WL, alpha=0.05, language="en", decimals=3
    )
    te = P.read_table(en["json"])
    assert "Dynamic SDM (short run)" in json.dumps(dataclasses.asdict(te))
    assert "short-run effects, (I − ρW)⁻¹(βI + θW)" in te.note_text
    # without the dynamic model, no note about it
    g = pd.read_csv(d / "robustness.csv")
    g[g["model"] != "dynamic_sdm"].to_csv(tmp_path / "static.csv", index=False)
    P.paper_robustness(
        tmp_path / "static.csv", **en, labels=LABELS, weights_labels=WL, alpha=0.05, language="en", decimals=3
    )
    assert "short-run" not in P.read_table(en["json"]).note_text


def test_scenario_provinces_one_row_per_province_one_group_per_scenario(built):
    _, _, outs = built
    t = P.read_table(outs["scenario_provinces"]["json"])
    assert len(t.rows) == 8 and t.groups == [("", 1), ("中西部与东北追赶情景", 4), ("东部增长冻结情景", 4)]
    assert t.rows[0].label == "北京" and t.rows[0].cells[:5] == ["东部", "0.00", "−0.020", "−0.015", "−0.005"]


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


def test_a_table_takes_its_number_among_the_tables_printed(tmp_path):
    make_inputs(tmp_path, SIM_NOTE)
    out = {k: tmp_path / f"v.{k}" for k in ("csv", "md", "tex", "docx", "json")}
    P.paper_verdict(tmp_path / "verdict.csv", **out, labels=LABELS, language="en", decimals=3, alpha=0.05, number=13)
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
    P.paper_baseline(d / "baseline.csv", tmp_path / "fit.json", **out, show_controls=False, **reg)
    tab = P.read_table(out["json"])
    assert not {"gov", "urban", "W*gov"} & {r.key for r in tab.rows}
    assert [r.label for r in tab.rows if r.kind == "flag"] == ["控制变量", "地区效应", "时间效应"]
    assert (
        f"观测值为 Lee–Yu 正交变换后的有效样本 {n - 1} × {t - 1} = {(n - 1) * (t - 1)}（原样本 N × T = {n * t}）"
        in tab.note_text
    )
    from aicoord.paper.study_tables import lee_yu_sample

    assert lee_yu_sample(31, 13, 31 * 12) == (31, 12) and lee_yu_sample(31, 13, 30 * 13) == (30, 13)


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
    P.paper_baseline(
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
    P.paper_mechanisms(
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


def test_a_fixed_word_is_overridden_by_paper_labels(built, tmp_path):
    """The table words are one vocabulary (aicoord.paper.labels, kind ``word``); ``paper.labels`` overrides an
    entry as ``word.<name>``."""
    from aicoord.paper.labels import VOCABULARY, words

    assert words("zh")["share"] == VOCABULARY["zh"]["word"]["share"] == "中介效应占比"
    assert set(VOCABULARY["zh"]["word"]) == set(VOCABULARY["en"]["word"])  # every word in both languages
    _, d, _ = built
    out = {k: tmp_path / f"m.{k}" for k in ("csv", "md", "tex", "docx", "json")}
    P.paper_mechanisms(
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
    P.paper_mechanisms(
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


@pytest.mark.parametrize("figure", ["paper_figure_effects", "paper_figure_mediation"])
def test_the_figures_say_simulated_data_exactly_when_their_input_does(built, figure, tmp_path, monkeypatch):
    import matplotlib.text

    import aicoord.paper.figures

    kind, d, _ = built
    texts = []

    def keep_text(fig, png, pdf):
        texts.extend(t.get_text() for t in fig.findobj(matplotlib.text.Text))
        for p in (png, pdf):
            open(p, "wb").close()

    monkeypatch.setattr(aicoord.paper.figures, "save_paper_figure", keep_text)
    monkeypatch.setattr(P, "save_paper_figure", keep_text, raising=False)
    if figure == "paper_figure_effects":
        P.paper_figure_effects(
            d / "effects.csv",
            d / "robustness.csv",
            tmp_path / "e.png",
            tmp_path / "e.pdf",
            ai="ai",
            label="人工智能",
            weights_labels=WL,
            language="zh",
            alpha=0.05,
        )
    else:
        P.paper_figure_mediation(
            d / "verdict.csv", tmp_path / "m.png", tmp_path / "m.pdf", labels=LABELS, language="zh", alpha=0.05
        )
    assert texts and any("模拟数据" in t for t in texts) == (kind == "simulated")


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


@pytest.fixture(scope="module")
def province_maps(tmp_path_factory):
    """The provinces' GeoPackage, the AI index cross-section and LISA tables of every province (two matrices),
    each note saying simulated data or not."""
    from aicoord.steps.data import cross_section
    from aicoord.steps.geometry import province_geometry
    from aicoord.units import unit_table
    from helpers import ROOT

    d = tmp_path_factory.mktemp("maps")
    province_geometry(d / "provinces.gpkg")
    cross_section(
        ROOT / "data/raw/seed_table1_ai_index_2023.csv",
        d / "ai.csv",
        id_col="province",
        variables=["ai_index"],
        year=2023,
        note="Source: Table 1",
    )
    codes = list(unit_table("province")["code"])
    for kind, note in (("simulated", SIM_NOTE), ("real", REAL_NOTE)):
        for m in WL:
            clusters = (["HH", "LL", "LH", "HL", "Not significant"] * 7)[: len(codes)]
            pd.DataFrame({"id": codes, "cluster": clusters, "year": 2023, "matrix": m, "note": note}).to_csv(
                d / f"lisa_{kind}_{m}.csv", index=False
            )
    return d


@pytest.mark.parametrize("kind", ["simulated", "real"])
@pytest.mark.parametrize("figure", ["paper_figure_ai_map", "paper_figure_lisa"])
def test_the_maps_say_simulated_data_exactly_when_their_input_does(province_maps, figure, kind, tmp_path, monkeypatch):
    import matplotlib.text

    import aicoord.paper.figures

    d = province_maps
    texts = []

    def keep_text(fig, png, pdf):
        texts.extend(t.get_text() for t in fig.findobj(matplotlib.text.Text))

    monkeypatch.setattr(aicoord.paper.figures, "save_paper_figure", keep_text)
    monkeypatch.setattr(P, "save_paper_figure", keep_text, raising=False)
    lisa = [d / f"lisa_{kind}_{m}.csv" for m in WL]
    if figure == "paper_figure_ai_map":
        P.paper_figure_ai_map(
            d / "ai.csv",
            lisa[0],
            d / "provinces.gpkg",
            tmp_path / "a.png",
            tmp_path / "a.pdf",
            variable="ai_index",
            label="人工智能指数",
            language="zh",
        )
    else:
        P.paper_figure_lisa(
            lisa,
            d / "provinces.gpkg",
            tmp_path / "l.png",
            tmp_path / "l.pdf",
            weights=list(WL),
            weights_labels=WL,
            language="zh",
        )
    assert texts and any("模拟数据" in t for t in texts) == (kind == "simulated")


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

EN_NOTE = data_note(DEMO_SOURCE, True, "en")
EN_LABELS = dict(P.DEFAULT_LABELS["en"])
FORMS = ("csv", "md", "tex", "docx", "json")


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    """The inputs of the table steps (no step run), with an English note."""
    d = tmp_path_factory.mktemp("paper_raw")
    return d, make_inputs(d, EN_NOTE)


def _forms(tmp_path, name):
    return {k: tmp_path / f"{name}.{k}" for k in FORMS}


def _printed(x, decimals):
    """``x`` as a table prints it, written independently of NumberFormat (the test values have no ties)."""
    text = f"{abs(x):,.{decimals}f}"
    return ("\u2212" if x < 0 and float(text.replace(",", "")) != 0 else "") + text


def _stars_of(p, levels=(0.10, 0.05, 0.01)):
    return "*" * sum(p < a for a in levels)


def _rows(t):
    """Label -> cells of a read table's rows (the first row of a label)."""
    out = {}
    for r in t.rows:
        out.setdefault(r.label, r.cells)
    return out


def _source_note(t):
    assert t.notes[0] == "Simulated data"
    assert t.notes[-1].startswith("Source: aicoord.simulate demonstration panel")


def test_descriptive_step_prints_each_statistic_with_its_row_decimals(raw, tmp_path):
    d, inp = raw
    out = _forms(tmp_path, "descriptive")
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
        assert r.cells == [str(len(x))] + [_printed(s, dec) for s in stats], v
    _source_note(t)
    tidy = pd.read_csv(out["csv"], dtype=str, keep_default_na=False)
    assert list(tidy.columns) == ["table", "panel", "row", "label", "statistic", "group", "column", "value", "note"]
    assert tidy.loc[tidy["label"] == "GDP per capita", "value"].tolist() == t.rows[-1].cells


def test_correlation_step_prints_the_lower_triangle_and_each_vif(raw, tmp_path):
    from statsmodels.stats.outliers_influence import variance_inflation_factor

    d, inp = raw
    out = _forms(tmp_path, "correlation")
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
        assert r.cells[:k] == [_printed(corr[i, j], 3) if j <= i else "" for j in range(k)]
        assert r.cells[k] == ("" if v == "coord_gap" else _printed(variance_inflation_factor(x, i), 2))
    assert t.notes[1] == "VIF of each explanatory variable (all but the dependent variable) on the others"
    _source_note(t)


@pytest.mark.parametrize("stars", [(0.10, 0.05, 0.01), (0.05, 0.01)])
def test_moran_step_prints_i_with_its_stars_and_z_by_year_and_matrix(raw, tmp_path, stars):
    d, _ = raw
    out = _forms(tmp_path, "moran")
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
            want += [_printed(s["I"], 3) + _stars_of(s["p_rand"], stars), _printed(s["z_rand"], 3)]
        assert r.cells == want, (v, y)
    levels = {3: "10%, 5% and 1% levels", 2: "5% and 1% levels"}[len(stars)]
    assert any(levels in n for n in t.notes)
    _source_note(t)
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
        _printed(0.2 + 0.01 * k, 3) + _stars_of(0.0801, stars) for k in range(3)
    ]


def test_lisa_step_aligns_each_matrix_to_the_first_files_provinces(raw, tmp_path):
    d, inp = raw
    first = pd.read_csv(inp["lisa"][0], dtype={"id": str})
    other = pd.read_csv(inp["lisa"][1], dtype={"id": str})
    other["cluster"] = ["LL", "Not significant", "HH", "No neighbours", "LH", "HL", "HH", "LL"]
    shuffled = other.iloc[[7, 3, 0, 5, 1, 6, 2, 4]]
    shuffled.to_csv(tmp_path / "lisa_other.csv", index=False)
    out = _forms(tmp_path, "lisa")
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
    _source_note(t)


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
    out = _forms(tmp_path, "inequality")
    P.paper_inequality(tmp_path / "ineq.csv", **out, labels=EN_LABELS, language="en", decimals=3)
    t = P.read_table(out["json"])
    assert [r.label for r in t.rows if r.kind == "panel"] == ["AI index", "GDP per capita"]
    body = [r for r in t.rows if r.kind != "panel"]
    assert [r.label for r in body] == ["2023", "2021", "2022"] * 2  # the input's order
    for r, (_, s) in zip(body, g.iterrows()):
        assert r.cells == [_printed(100 * s[c], 2) if c.endswith("_share") else _printed(s[c], 3) for c in cols]
    assert t.columns[:3] == ["Total", "Within", "Between"] and t.columns[7:9] == ["Net between", "Transvariation"]
    assert t.notes[1] == "Regions: NBS East, Central, West, Northeast"
    _source_note(t)


def test_convergence_step_prints_sigma_by_year_and_each_beta_model(raw, tmp_path):
    d, _ = raw
    out = _forms(tmp_path, "convergence")
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
    rows = _rows(t)
    for _, s in cv.iterrows():
        assert rows[str(s["year"])] == [_printed(s["cv"], 3)] + [""] * 6
    assert rows["FE two-way, absolute"] == ["−0.100", "0.010", "0.000", "0.100", "6.50", "", "16"]
    assert rows["SAR, conditional"] == ["−0.110", "0.010", "0.000", "0.110", "6.00", "ρ = −0.070", "16"]
    assert t.notes[1] == "conditional β: controls Government intervention, Urbanisation"
    _source_note(t)


def test_specification_step_prints_statistic_df_p_and_decision(raw, tmp_path):
    d, _ = raw
    out = _forms(tmp_path, "specification")
    P.paper_specification(d / "spec.csv", **out, weights_labels=WL, language="en", decimals=3)
    t = P.read_table(out["json"])
    assert t.columns == ["Statistic", "df", "p", "Decision"]
    assert [(r.label, r.cells) for r in t.rows] == [
        ("LM-lag (no fixed effects)", ["10.500", "1", "0.001", "Reject"]),
        ("Selected model", ["", "", "", "SDM"]),
    ]
    assert t.notes[-2] == f"Spatial weights: {WL['queen']}"
    _source_note(t)


def test_regression_table_steps_print_stars_from_the_unrounded_z(raw, tmp_path):
    """The baseline, effects, mechanisms and heterogeneity steps called here, their cells checked by
    :func:`test_stars_agree_with_the_unrounded_estimates_over_their_se` (estimate to the SE's decimals with the
    stars of 2 Φ(−|z|), SE in parentheses), and the rows each prints."""
    d, _ = raw
    outs = {n: _forms(tmp_path, n) for n in REG}
    reg = dict(language="zh", decimals=3, stars=[0.10, 0.05, 0.01], parentheses="se", weights_labels=WL, labels=LABELS)
    P.paper_baseline(d / "baseline.csv", d / "baseline.json", **outs["baseline"], **reg)
    P.paper_effects(d / "effects.csv", d / "baseline.json", **outs["effects"], **reg)
    P.paper_mechanisms(
        d / "mechanisms.csv",
        **outs["mechanisms"],
        alpha=0.05,
        verdict_csv=d / "verdict.csv",
        outcome="coord_gap",
        **reg,
    )
    P.paper_heterogeneity(d / "heterogeneity.csv", **outs["heterogeneity"], **reg)
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
    out = _forms(tmp_path, "robustness")
    P.paper_robustness(
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
                        want += [_printed(x["estimate"], 3), f"[{_printed(x['lower'], 3)}, {_printed(x['upper'], 3)}]"]
                assert r.cells == want, (mech, w, s)
    assert t.notes[1].startswith("Intervals are 90% intervals from parameter draws")
    assert any(n.startswith("The dynamic SDM includes the time-lagged outcome") for n in t.notes)
    assert f"Spatial weights: {WL['queen']}; {WL['invdist']}" in t.notes
    _source_note(t)


def test_scenario_steps_print_before_after_change_and_each_province(raw, tmp_path):
    d, _ = raw
    g = pd.read_csv(d / "dispersion.csv")
    g["after"] = g["before"] - np.linspace(0.01, 0.08, len(g))
    g["change"] = g["after"] - g["before"]
    g.loc[g["scenario"] == "freeze_east", "shift"] = 3
    g.to_csv(tmp_path / "dispersion.csv", index=False)
    out = _forms(tmp_path, "scenarios")
    P.paper_scenarios(tmp_path / "dispersion.csv", **out, alpha=0.1, language="en", decimals=3)
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
            _printed(s["before"], 3),
            _printed(s["after"], 3),
            _printed(s["change"], 3),
            f"[{_printed(s['change_lower'], 3)}, {_printed(s['change_upper'], 3)}]",
        ]
    assert "Intervals are 90% intervals from parameter draws; the outcome is shifted by 2, 3" in t.note_text
    _source_note(t)

    p = pd.read_csv(d / "scenario_provinces.csv", dtype={"unit": str})
    p = p.iloc[::-1].copy()  # the provinces in the input's order (here reversed)
    p["delta_y"] = -0.0017 * np.sqrt(np.arange(1, len(p) + 1))  # no value on a rounding tie
    p["own"] = 0.6137 * p["delta_y"]
    p["spillover"] = p["delta_y"] - p["own"]
    p.to_csv(tmp_path / "prov.csv", index=False)
    out = _forms(tmp_path, "prov")
    P.paper_scenario_provinces(tmp_path / "prov.csv", **out, language="en", decimals=4)
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
            want += [_printed(x["delta_ai"], 2)] + [_printed(x[c], 4) for c in ("delta_y", "own", "spillover")]
        assert r.cells == want, u
    _source_note(t)


def test_identification_step_prints_each_estimator_and_the_first_stage(raw, tmp_path):
    d, _ = raw
    _identification_csv(d)
    g = pd.read_csv(d / "identification.csv")
    g.loc[g["estimator"] == "gmm", "hansen_j"] = np.nan  # a just-identified GMM: no J
    g.loc[g["estimator"] == "gmm", "ar_low"] = np.nan
    g.to_csv(tmp_path / "ident.csv", index=False)
    out = _forms(tmp_path, "identification")
    P.paper_identification(
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
            assert cell == fmt(s["estimate"], fmt.decimals_for(s["se"])) + _stars_of(p), (e, r.key)
    text = {r.key: r.cells for r in t.rows if r.kind == "text"}
    assert text["partial_r2"] == ["", "0.410", "0.410"] and text["sw_f"] == ["", "31.200", "31.200"]
    assert text["kp_rk_wald_f"] == ["", "20.300", "20.300"] and text["kp_lm_p"] == ["", "0.001", "0.001"]
    assert text["hansen_j"] == ["", "0.150 (0.990)", ""] and text["endogeneity_p"] == ["", "0.000", "0.000"]
    assert text["anderson_rubin"] == ["", "[−0.020, unbounded]", "[unbounded, unbounded]"]
    assert text["oster_set"] == ["[−0.004, 0.001]", "", ""]
    labels = [r.label for r in t.rows if r.kind == "text"]
    assert labels[-2:] == [
        "Anderson–Rubin 90% set (AI's coefficient)",
        "Oster (2019) identified set (AI's coefficient)",
    ]
    assert any("instruments: Government intervention; IV standard errors clustered by province" in n for n in t.notes)
    assert any("controls is −0.004;" in n and "coefficient is 0.001;" in n and "to 0 is 0.800" in n for n in t.notes)
    _source_note(t)
    # without instruments: the ML column alone, its own title, no first-stage rows
    g[g["estimator"].isin(["ml", "oster"])].to_csv(tmp_path / "ml.csv", index=False)
    P.paper_identification(
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
    out = _forms(tmp_path, "verdict")
    P.paper_verdict(tmp_path / "verdict.csv", **out, labels=EN_LABELS, language="en", decimals=3, alpha=0.1)
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
    P.paper_verdict(tmp_path / "v2.csv", **out, labels=LABELS, language="zh", decimals=2, alpha=0.05)
    t = P.read_table(out["json"])
    assert len(t.columns) == 5 and [r.cells[-1] for r in t.rows] == ["7", "6", ""]
    assert t.rows[0].label == "人工智能总效应（基准）" and t.rows[0].cells[:2] == ["−0.02", "[−0.02, −0.01]"]


def test_combined_documents_and_readme_hold_the_tables_given_in_order(raw, tmp_path):
    d, inp = raw
    outs = {}
    for name, step, kw in (
        ("descriptive", P.paper_descriptive, dict(variables=VARS, decimals=3)),
        ("verdict", P.paper_verdict, dict(decimals=3, alpha=0.05)),
    ):
        outs[name] = _forms(tmp_path, name)
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
    out = _forms(tmp_path, "mechanisms")
    P.paper_mechanisms(
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
    rows = _rows(P.read_table(out["json"]))
    v = pd.read_csv(d / "verdict.csv").set_index("mechanism")
    assert rows["Adjusted p"] == [
        "",
        _printed(v.loc[MECHS[0], "p_adjusted"], 3),
        "",
        _printed(v.loc[MECHS[1], "p_adjusted"], 3),
    ]
    out = _forms(tmp_path, "convergence")
    P.paper_convergence(
        d / "inequality.csv", d / "beta.csv", **out, variable="gdp_pc", labels=EN_LABELS, language="en", decimals=3
    )
    assert P.read_table(out["json"]).stub == ""


def test_moran_table_keeps_the_other_matrices_of_a_year_one_matrix_lacks(raw, tmp_path):
    d, _ = raw
    g = pd.read_csv(d / "global.csv")
    g = g[~((g["matrix"] == "queen") & (g["year"] == 2022))]  # the first matrix lacks 2022
    g.to_csv(tmp_path / "global.csv", index=False)
    out = _forms(tmp_path, "moran")
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
    assert row.cells == ["", "", _printed(0.21, 3) + "*", _printed(2.0, 3)]
