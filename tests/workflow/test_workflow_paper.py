"""The paper outputs of the default study (workflow/rules/paper.smk) and the Snakemake report that shows them."""

import json
import re

from docx import Document

from aicoord.steps.paper import TABLES
from helpers import compile_tex, run_snakemake, tex_overflows, xelatex_or_skip

#: The report must stay small enough to mail and to open in a browser.
REPORT_LIMIT = 25_000_000


def test_paper_outputs_exist_and_say_simulated_data(default_study):
    paper = default_study / "results/paper"
    for name in TABLES:
        for ext in ("csv", "md", "tex", "docx"):
            assert (paper / f"{name}.{ext}").stat().st_size > 0, (name, ext)
        model = json.loads((paper / f"{name}.json").read_text(encoding="utf-8"))
        assert model["notes"][0] == "模拟数据 (simulated data)", name  # the default study runs on the demo panel
    doc = Document(str(paper / "tables.docx"))
    assert len(doc.tables) == len(TABLES)
    for fig in ("ai_map", "lisa", "effects", "mediation"):
        assert (paper / "figures" / f"{fig}.png").stat().st_size > 0
        assert (paper / "figures" / f"{fig}.pdf").stat().st_size > 0
    readme = (paper / "README.md").read_text(encoding="utf-8")
    assert all(f"`paper_{name}`" in readme for name in TABLES) and "`paper_figure_lisa`" in readme


def test_report_holds_the_paper_previews_and_no_pdf(default_study):
    out = default_study / "report.html"
    run_snakemake(default_study, "--report", str(out))
    assert out.stat().st_size < REPORT_LIMIT
    html = out.read_text(encoding="utf-8")
    mimes = re.findall(r'"mime_type": "([^"]+)"', html)
    assert "application/pdf" not in mimes and mimes.count("image/png") >= 4
    for fig in ("ai_map", "lisa", "effects", "mediation"):
        assert f"results/paper/figures/{fig}.png" in html
    assert "results/paper/tables.docx" in html and "results/paper/baseline.csv" in html
    # the first screen (the workflow description) says the data are simulated and points to the verdict table,
    # which the report holds
    desc = json.loads(re.search(r'var workflow_desc = ("(?:[^"\\]|\\.)*")', html).group(1))
    assert "SIMULATED DATA (模拟数据)" in desc and "verdict table" in desc
    assert "results/tables/verdict.csv" in html and "results/paper/verdict.csv" in html


def test_every_tex_table_of_the_default_study_compiles_and_fits_the_page(default_study, tmp_path):
    xelatex = xelatex_or_skip()
    names = sorted(p.name for p in (default_study / "results/paper").glob("*.tex"))
    assert len(names) == len(TABLES) + 1 and "tables.tex" in names
    for name in names:
        (tmp_path / name).write_bytes((default_study / "results/paper" / name).read_bytes())
        log = compile_tex(xelatex, tmp_path / name)
        assert "Missing character" not in log, name
        assert tex_overflows(log) == [], (name, tex_overflows(log))


SKIP_TEX = (
    "\\captionsetup",
    "\\renewcommand",
    "\\begin",
    "\\end",
    "\\centering",
    "\\sbox",
    "\\toprule",
    "\\midrule",
    "\\bottomrule",
    "\\cmidrule",
)


def tex_text(tex: str) -> str:
    """The printed text of a standalone .tex table: its caption, cells and note, without the commands."""
    body = tex.split("\\begin{document}", 1)[1]
    text = "\n".join(line for line in body.splitlines() if not line.lstrip().startswith(SKIP_TEX))
    text = re.sub(r"\\multicolumn\{\d+\}\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}", " ", text)
    return re.sub(r"\\[A-Za-z@]+\*?", " ", text)


def figure_texts(fig) -> str:
    """Every text a figure draws: its Text objects, less those of axes switched off (a map's hidden axes keep
    their CRS labels, which are never drawn)."""
    from matplotlib.text import Text

    hidden = set()
    for ax in fig.axes:
        if not ax.axison:
            for axis in (ax.xaxis, ax.yaxis):
                hidden.update(map(id, axis.findobj(Text)))
    return "\n".join(t.get_text() for t in fig.findobj(Text) if id(t) not in hidden and t.get_visible())


def test_chinese_tables_and_figures_print_no_internal_names_or_english(default_study, monkeypatch):
    """Issue 28's scan: every zh table (.md, .tex, .docx) and the figures' text objects (effects, mediation,
    the ESDA scatter and maps) hold no internal identifier and no English sentence: only the names of tests,
    estimators and authors (aicoord.paper.labels.ALLOWED_LATIN) and the words 'simulated data' of the
    simulated-data mark."""
    import matplotlib

    import aicoord.paper.figures as pf
    import aicoord.plotting as pl
    from aicoord.notes import SIMULATED_NOTE
    from aicoord.paper.labels import foreign_words, weights_label
    from aicoord.steps import esda as E
    from aicoord.steps import paper as P
    from aicoord.steps import paper_figures as F

    paper = default_study / "results/paper"

    def scan(text):
        return sorted(set(foreign_words(text.replace(SIMULATED_NOTE["zh"], ""))))

    found = {}
    for p in sorted(paper.glob("*.md")):
        if p.name != "README.md":
            found[p.name] = scan(p.read_text(encoding="utf-8"))
    for p in sorted(paper.glob("*.tex")):
        found[p.name] = scan(tex_text(p.read_text(encoding="utf-8")))
    for p in sorted(paper.glob("*.docx")):
        d = Document(str(p))
        found[p.name] = scan(
            "\n".join([x.text for x in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells])
        )
    assert len(found) == 3 * len(TABLES) + 2
    # the figures: built again by their steps from the study's files, their text objects read before saving
    texts = {}
    monkeypatch.setattr(pf, "save_paper_figure", lambda fig, *paths, **kw: texts.update({paths[0]: figure_texts(fig)}))
    monkeypatch.setattr(pl, "save_figure", lambda fig, *paths, **kw: texts.update({paths[0]: figure_texts(fig)}))
    # the step modules import the savers at their top: replace them there too
    monkeypatch.setattr(F, "save_paper_figure", lambda fig, *paths, **kw: texts.update({paths[0]: figure_texts(fig)}))
    monkeypatch.setattr(E, "save_figure", lambda fig, *paths, **kw: texts.update({paths[0]: figure_texts(fig)}))
    cfg = __import__("yaml").safe_load((default_study / "config/config.default.yaml").read_text(encoding="utf-8"))
    wl = {n: weights_label(spec, "zh") for n, spec in cfg["weights"].items()}
    res = default_study / "results"
    F.paper_figure_effects(
        res / "tables/baseline_effects.csv",
        res / "tables/robustness.csv",
        "effects.png",
        "e.pdf",
        ai="ai",
        label="人工智能指数",
        weights_labels=wl,
        language="zh",
        alpha=0.05,
    )
    F.paper_figure_mediation(
        res / "tables/verdict.csv", "mediation.png", "m.pdf", labels=P.DEFAULT_LABELS["zh"], language="zh", alpha=0.05
    )
    lisa = sorted((res / "esda/lisa").glob("*_queen.csv"))[-1]
    var, year, _ = lisa.stem.rsplit("_", 2)
    E.esda_figures(
        lisa,
        res / f"esda/global/{lisa.stem}.json",
        res / "geometry/provinces.gpkg",
        scatter=["s.png"],
        cluster=["c.png"],
        significance=["g.png"],
        var=var,
        label="人工智能指数",
        year=int(year),
        matrix="queen",
        language="zh",
        matrix_label=wl["queen"],
    )
    matplotlib.pyplot.close("all")
    assert set(texts) == {"effects.png", "mediation.png", "s.png", "c.png", "g.png"}
    found.update({name: scan(t) for name, t in texts.items()})
    bad = {k: v for k, v in found.items() if v}
    assert bad == {}, bad


def test_baseline_mechanism_and_moran_tables_of_the_default_study(default_study):
    """Issue 28: the baseline prints FE OLS, SAR, SEM and SDM side by side, its SDM column the baseline fit's
    numbers; the mechanism table is stepwise with the mediation share and the suppression flag; the Moran table
    has every year of the panel for the outcome and AI."""
    import pandas as pd

    from aicoord.paper import NumberFormat
    from aicoord.steps.paper import read_table

    paper, tables = default_study / "results/paper", default_study / "results/tables"
    t = read_table(paper / "baseline.json")
    assert t.columns == ["固定效应 OLS", "SAR", "SEM", "SDM"]
    sdm = pd.read_csv(tables / "baseline.csv").set_index("parameter")
    cols = pd.read_csv(tables / "baseline_columns.csv")
    same = cols[cols["column"] == "sdm"].set_index("parameter")
    assert (same.loc[sdm.index, "estimate"] - sdm["estimate"]).abs().max() < 1e-8  # one fit, two files
    fmt = NumberFormat()
    ai = next(r for r in t.rows if r.key == "ai" and r.kind == "coef")
    assert ai.cells[3].rstrip("*") == fmt(sdm.loc["ai", "estimate"], fmt.decimals_for(sdm.loc["ai", "se"]))
    m = read_table(paper / "mechanisms.json")
    keys = {r.key for r in m.rows}
    assert {"dependent", "mediated", "interval", "share", "suppression"} <= keys
    assert len(m.columns) == 2 * len({g for g, _ in m.groups})
    moran = read_table(paper / "moran.json")
    panel = pd.read_csv(tables / "moran_panel.csv")
    assert [r.label for r in moran.rows if r.kind == "panel"] == ["区域协调差距", "人工智能指数"]
    assert sum(r.kind != "panel" for r in moran.rows) == 2 * panel["year"].nunique()
