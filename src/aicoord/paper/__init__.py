"""Paper-ready tables: a small table model, a regression-table builder and renderers to tidy CSV,
Markdown, LaTeX (booktabs, xelatex + xeCJK) and Word three-line tables (三线表).

>>> from aicoord.paper import ModelColumn, RegressionTable, write_docx_tables      # doctest: +SKIP
>>> t = RegressionTable([ModelColumn("(1)", {"ai": 0.12}, {"ai": 0.04})], number=1,
...                     title="空间杜宾模型估计结果", weights="邻接矩阵", source="...").table()
>>> write_docx_tables([t], "tables.docx")                                       # doctest: +SKIP
"""

from .numbers import MINUS, NumberFormat
from .records import FitRecord, column_from_results, columns_from_impacts, read_fit_records, read_impacts
from .render import (
    latex_document,
    latex_fragment,
    tex_escape,
    tidy_rows,
    to_csv,
    to_markdown,
    write_csv,
    write_markdown,
    write_tex,
    write_tex_tables,
)
from .table import (
    SIMULATED_NOTE,
    WORDS,
    ModelColumn,
    PaperTable,
    RegressionTable,
    Row,
    panel_table,
    stars_for,
    table_from_frame,
)
from .word import DocxStyle, build_document, write_docx, write_docx_tables

__all__ = [
    "NumberFormat",
    "MINUS",
    "Row",
    "PaperTable",
    "ModelColumn",
    "RegressionTable",
    "column_from_results",
    "columns_from_impacts",
    "FitRecord",
    "read_fit_records",
    "read_impacts",
    "table_from_frame",
    "panel_table",
    "stars_for",
    "WORDS",
    "SIMULATED_NOTE",
    "tidy_rows",
    "to_csv",
    "to_markdown",
    "latex_fragment",
    "latex_document",
    "tex_escape",
    "write_csv",
    "write_markdown",
    "write_tex",
    "write_tex_tables",
    "DocxStyle",
    "build_document",
    "write_docx",
    "write_docx_tables",
    "write_all",
]


def write_all(tables, outdir, *, stem: str = "tables") -> dict:
    """Write each table as ``table{n}.csv/.md/.tex/.docx`` and the combined ``{stem}.docx`` and
    ``{stem}.tex`` into ``outdir``; returns the paths written, by kind."""
    from pathlib import Path

    outdir = Path(outdir)
    out = {"csv": [], "md": [], "tex": [], "docx": []}
    for t in tables:
        base = outdir / f"table{t.number}"
        write_csv(t, base.with_suffix(".csv"))
        write_markdown(t, base.with_suffix(".md"))
        write_tex(t, base.with_suffix(".tex"))
        write_docx(t, base.with_suffix(".docx"))
        for kind in out:
            out[kind].append(base.with_suffix("." + kind))
    write_docx_tables(tables, outdir / f"{stem}.docx")
    write_tex_tables(tables, outdir / f"{stem}.tex")
    out["combined"] = [outdir / f"{stem}.docx", outdir / f"{stem}.tex"]
    return out
