"""The paper outputs of the default study (workflow/rules/paper.smk) and the Snakemake report that shows them."""
import json
import re

from docx import Document
from helpers import compile_tex, run_snakemake, tex_overflows, xelatex_or_skip

from aicoord.steps.paper import TABLES

#: The report must stay small enough to mail and to open in a browser.
REPORT_LIMIT = 25_000_000


def test_paper_outputs_exist_and_say_simulated_data(default_study):
    paper = default_study / "results/paper"
    for name in TABLES:
        for ext in ("csv", "md", "tex", "docx"):
            assert (paper / f"{name}.{ext}").stat().st_size > 0, (name, ext)
        model = json.loads((paper / f"{name}.json").read_text(encoding="utf-8"))
        assert model["notes"][0] == "模拟数据 (simulated data)", name       # the default study runs on the demo panel
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
