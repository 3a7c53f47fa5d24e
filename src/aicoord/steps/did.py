"""Step of ``workflow/rules/did.smk``: staggered spatial DID around the AI pilot zones (prefecture and county level).

Reads the tidy panel (``results/data/panel.csv``), the raw weights of ``did.weights`` and the units' locations
(the level's GeoPackage), treats the real pilot zones (:func:`aicoord.did.pilot_cohorts`), runs every estimator
of :func:`aicoord.commands.did.run_did` on each outcome and writes the tidy tables, the JSON diagnostics, the paper
tables ``did`` and ``did_spillover`` and the figure ``event_study.png``. On the demonstration panel the simulated
``pilot_outcome`` (known effects, ``results/demo/truth.json``) is analysed too. Every note comes from the panel.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..commands.did import event_study_figure, run_did
from ..contract import read_tidy
from ..did import pilot_cohorts
from ..geometry import read_geopackage
from ..io import atomic_path, write_csv, write_json
from ..notes import note_of
from ..paper import table_from_frame, write_docx, write_markdown, write_tex
from ..paper import write_csv as write_table
from ..paper.study_tables import TABLES
from ..weights_io import read_weights_frame

__all__ = ["did"]

UNIT, TIME = "code", "year"

_TITLES = {
    "zh": {"did": "人工智能创新发展试验区的交错双重差分估计", "did_spillover": "试验区政策的空间溢出与溢出边界"},
    "en": {
        "did": "Staggered difference-in-differences: the AI pilot zones",
        "did_spillover": "Spatial spillovers of the pilot zones and their distance bands",
    },
}


def did(
    panel_csv,
    weights_csv,
    gpkg,
    *,
    out_event_study,
    out_att,
    out_spillover,
    out_json,
    out_figure,
    out_paper_did,
    out_paper_spillover,
    outcomes,
    controls=(),
    demo_csv=None,
    level="prefecture",
    cutoff_month=6,
    deqing="drop",
    bands=(0, 100, 200, 300),
    placebo=500,
    bootstrap=999,
    sdm=True,
    seed=1,
    language="zh",
    decimals=3,
) -> None:
    """Run the DID on each outcome and write its tables (rule ``did``): the tidy ``out_event_study``, ``out_att``
    and ``out_spillover``, the diagnostics ``out_json``, the figure ``out_figure``, and the paper tables
    ``out_paper_did`` and ``out_paper_spillover`` (each the paths of its .csv, .md, .tex and .docx, in that order)."""
    forms = ("csv", "md", "tex", "docx")
    out = {
        "event_study": out_event_study,
        "att": out_att,
        "spillover": out_spillover,
        "json": out_json,
        "figure": out_figure,
        "paper_did": dict(zip(forms, out_paper_did)),
        "paper_spillover": dict(zip(forms, out_paper_spillover)),
    }
    d = read_tidy(panel_csv)
    note = note_of(d)
    d[UNIT] = d[UNIT].astype(str)
    outcomes = list(outcomes)
    if demo_csv:
        demo = pd.read_csv(demo_csv, dtype={"province": str})
        if "pilot_outcome" in demo.columns:
            demo = demo.rename(columns={"province": UNIT})[[UNIT, TIME, "pilot_outcome"]]
            d = d.merge(demo, on=[UNIT, TIME], how="left")
            outcomes.append("pilot_outcome")
    cohorts, dropped = pilot_cohorts(level, cutoff_month, deqing)
    d["_g"] = d[UNIT].map(cohorts).fillna(0).astype(int)
    d = d[~d[UNIT].isin(dropped)].reset_index(drop=True)
    ids = sorted(d[UNIT].unique())
    W = read_weights_frame(weights_csv).reindex(index=ids, columns=ids, fill_value=0.0).to_numpy(float)
    rs = W.sum(1, keepdims=True)
    W = np.divide(W, rs, out=np.zeros_like(W), where=rs > 0)
    loc = read_geopackage(gpkg).set_index("code").loc[ids, ["lon", "lat"]].to_numpy(float)
    edges = list(bands)
    es_all, att_all, sp_all, diag = (
        [],
        [],
        [],
        {"level": level, "cutoff_month": cutoff_month, "deqing": deqing, "dropped_units": dropped, "note": note},
    )
    for k, y in enumerate(outcomes):
        res = run_did(
            d,
            UNIT,
            TIME,
            y,
            "_g",
            list(controls),
            W=W,
            coords=loc,
            bands=list(zip(edges[:-1], edges[1:])),
            placebo_reps=placebo,
            bootstrap=bootstrap,
            seed=seed + k,
            sdm=sdm,
        )
        es_all.append(res["event_study"].assign(outcome=y))
        att_all.append(res["att"].assign(outcome=y))
        sp_all.append(res["spillover"].assign(outcome=y))
        diag[y] = res["diagnostics"]
    es, att, sp = (pd.concat(x, ignore_index=True) for x in (es_all, att_all, sp_all))
    for t, path in ((es, out["event_study"]), (att, out["att"]), (sp, out["spillover"])):
        t = t[["outcome", *[c for c in t.columns if c != "outcome"]]].copy()
        t["note"] = note
        write_csv(t, path, float_format="%.10g")
    write_json(diag, out["json"])
    simulated = "simulated" in note.lower() or "模拟" in note
    fig = event_study_figure(
        es[es["outcome"] == outcomes[-1]].drop(columns="outcome"), note=f"{outcomes[-1]} | {note}"[:160]
    )
    with atomic_path(out["figure"]) as tmp:
        fig.savefig(tmp, format="png", dpi=150, metadata={"Software": None})
    plt.close(fig)
    _paper(att, sp, out["paper_did"], out["paper_spillover"], language, decimals, simulated, note)


def _paper(att, sp, out_did, out_sp, language, decimals, simulated, note) -> None:
    def fmt(t, cols):
        f = t[cols + ["estimate", "se", "ci_low", "ci_high"]].copy()
        f.index = [" | ".join(str(v) for v in r) for r in f[cols].itertuples(index=False)]
        return f.drop(columns=cols)

    heads = {
        "did": "结果变量 | 估计量 | 对照组 | 样本" if language == "zh" else "outcome | estimator | controls | sample",
        "did_spillover": "结果变量 | 项" if language == "zh" else "outcome | term",
    }
    words = {
        "zh": {"estimate": "估计值", "se": "标准误", "ci_low": "95% 区间下限", "ci_high": "95% 区间上限"},
        "en": {"estimate": "Estimate", "se": "SE", "ci_low": "95% CI low", "ci_high": "95% CI high"},
    }[language]
    simulated = simulated and "模拟" not in note and "simulated" not in note.lower()  # the note already says so
    specs = (
        ("did", att, ["outcome", "estimator", "control", "sample"], out_did),
        ("did_spillover", sp, ["outcome", "term"], out_sp),
    )
    for k, (name, frame, cols, path) in enumerate(specs):
        tab = table_from_frame(
            fmt(frame, cols).rename(columns=words),
            number=len(TABLES) + 1 + k,
            title=_TITLES[language][name],
            language=language,
            decimals=decimals,
            stub=heads[name],
            simulated=simulated,
            notes=[note] if note else (),
        )
        Path(path["csv"]).parent.mkdir(parents=True, exist_ok=True)
        write_table(tab, path["csv"])
        write_markdown(tab, path["md"])
        write_tex(tab, path["tex"])
        write_docx(tab, path["docx"])
