"""Inputs of the paper-table step tests (tests/steps/test_paper.py, test_paper_estimates.py,
test_paper_figures.py): small study outputs written with the columns the study steps write, once with the
demo panel's note ("simulated data") and once with a real source's note, and every paper table built from them;
plus the checks of a Word table's three lines."""

import json

import numpy as np
import pandas as pd
from docx.oxml.ns import qn
from scipy import special

from aicoord.notes import DEMO_SOURCE, data_note
from aicoord.steps import paper as P
from aicoord.steps import paper_estimates as E
from helpers import EDGE

SIM_NOTE = data_note(DEMO_SOURCE, True, "zh")


REAL_NOTE = data_note("统计年鉴 (test panel)", False, "zh")


WL = {"queen": "queen: Queen 邻接矩阵", "invdist": "invdist: 反距离矩阵（幂 1）"}


LABELS = dict(P.DEFAULT_LABELS["zh"])


MECHS = ["industrial_upgrading", "value_chain"]


VARS = ["coord_gap", "ai", "gov", "urban", *MECHS, "gdp_pc"]


REG = ("baseline", "effects", "mechanisms", "heterogeneity")


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
    E.paper_specification(d / "spec.csv", **out("specification"), weights_labels=WL, **kw)
    E.paper_baseline(d / "baseline.csv", d / "baseline.json", **out("baseline"), **reg)
    E.paper_effects(d / "effects.csv", d / "baseline.json", **out("effects"), **reg)
    E.paper_mechanisms(
        d / "mechanisms.csv", **out("mechanisms"), alpha=0.05, verdict_csv=d / "verdict.csv", outcome="coord_gap", **reg
    )
    E.paper_heterogeneity(d / "heterogeneity.csv", **out("heterogeneity"), **reg)
    E.paper_robustness(d / "robustness.csv", **out("robustness"), labels=LABELS, weights_labels=WL, alpha=0.05, **kw)
    E.paper_scenarios(d / "dispersion.csv", **out("scenarios"), alpha=0.05, **kw)
    E.paper_scenario_provinces(d / "scenario_provinces.csv", **out("scenario_provinces"), **kw)
    identification_csv(d)
    E.paper_identification(d / "identification.csv", **out("identification"), alpha=0.05, **reg)
    E.paper_verdict(d / "verdict.csv", **out("verdict"), labels=LABELS, alpha=0.05, **kw)
    return {n: out(n) for n in P.TABLES}


def identification_csv(d):
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


def build_study_tables(kind, tmp_path_factory):
    """Every paper table from inputs noted as ``kind`` ("simulated" or "real"); returns
    ``(kind, folder, name -> output paths)``."""
    d = tmp_path_factory.mktemp(f"paper_{kind}")
    note = SIM_NOTE if kind == "simulated" else REAL_NOTE
    inp = make_inputs(d, note)
    return kind, d, build_all(d, inp)


# ---- the inputs of the table steps with an English note, and what the step tests read back from a table

EN_NOTE = data_note(DEMO_SOURCE, True, "en")
EN_LABELS = dict(P.DEFAULT_LABELS["en"])
FORMS = ("csv", "md", "tex", "docx", "json")


def raw_inputs(tmp_path_factory):
    """The inputs of the table steps (no step run), with an English note."""
    d = tmp_path_factory.mktemp("paper_raw")
    return d, make_inputs(d, EN_NOTE)


def forms(tmp_path, name):
    return {k: tmp_path / f"{name}.{k}" for k in FORMS}


def printed(x, decimals):
    """``x`` as a table prints it, written independently of NumberFormat (the test values have no ties)."""
    text = f"{abs(x):,.{decimals}f}"
    return ("\u2212" if x < 0 and float(text.replace(",", "")) != 0 else "") + text


def stars_of(p, levels=(0.10, 0.05, 0.01)):
    return "*" * sum(p < a for a in levels)


def rows_by_label(t):
    """Label -> cells of a read table's rows (the first row of a label)."""
    out = {}
    for r in t.rows:
        out.setdefault(r.label, r.cells)
    return out


def assert_source_note(t):
    assert t.notes[0] == "Simulated data"
    assert t.notes[-1].startswith("Source: aicoord.simulate demonstration panel")


def assert_table_in_four_forms(outs, step):
    """The table of ``step`` (a paper table step, its name ``paper_<table>``) written as CSV, Markdown, LaTeX, Word
    and JSON: numbered and titled by its place in P.TABLES, the tidy CSV carrying the note, and a three-line Word
    table with every row."""
    from docx import Document

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
