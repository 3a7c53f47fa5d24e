"""Text renderers of :class:`~aicoord.paper.table.PaperTable`: tidy CSV, Markdown and LaTeX.

Every writer is atomic (:func:`aicoord.io.atomic_path`) and deterministic: the same table gives the same
bytes. The LaTeX output is a booktabs table (\\toprule, \\midrule, \\bottomrule; no vertical rules) that
compiles standalone with ``xelatex`` (xeCJK for Chinese text); :func:`latex_fragment` gives the
``table`` environment alone for inclusion in a paper.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..io import atomic_path, escape_formula
from .table import PaperTable

__all__ = [
    "TEX_MACROS",
    "tidy_rows",
    "to_csv",
    "to_markdown",
    "latex_fragment",
    "latex_document",
    "write_csv",
    "write_markdown",
    "write_tex",
    "write_tex_tables",
    "write_text",
    "readme_markdown",
]

CSV_HEADER = ["table", "panel", "row", "label", "statistic", "group", "column", "value", "note"]


def _leaf_groups(table: PaperTable) -> list[str]:
    if not table.groups:
        return [""] * len(table.columns)
    out = []
    for g, span in table.groups:
        out += [g] * span
    return out


def tidy_rows(table: PaperTable) -> list[dict]:
    """One record per body cell: table number, panel, row position, label (the variable's label also on
    its standard-error row), statistic (row kind), column group, column, formatted value, note."""
    groups = _leaf_groups(table)
    out, panel, label = [], "", ""
    for i, r in enumerate(table.rows, start=1):
        if r.kind == "panel":
            panel = r.label
            continue
        if r.kind in ("se", "t", "z"):
            lab = label
        else:
            lab = label = r.label
        for g, c, v in zip(groups, table.columns, r.cells):
            out.append(
                {
                    "table": str(table.number),
                    "panel": panel,
                    "row": i,
                    "label": lab,
                    "statistic": r.kind,
                    "group": g,
                    "column": c,
                    "value": v,
                    "note": table.note_text,
                }
            )
    return out


def to_csv(table: PaperTable) -> str:
    """Tidy CSV text (columns :data:`CSV_HEADER`), formatted strings as printed in the table; a label, column
    or note that a spreadsheet would run as a formula is escaped (:func:`aicoord.io.escape_formula`), numbers
    such as ``-0.123***`` are not."""
    buf = io.StringIO()
    wr = csv.DictWriter(buf, fieldnames=CSV_HEADER, lineterminator="\n")
    wr.writeheader()
    wr.writerows({k: escape_formula(v) for k, v in row.items()} for row in tidy_rows(table))
    return buf.getvalue()


def _md_cell(s: str) -> str:
    return s.replace("|", "\\|").replace("*", "\\*")


def to_markdown(table: PaperTable) -> str:
    """Markdown: bold caption, a pipe table (stub left, numbers right-aligned; each standard error in the
    row under its coefficient, same column), then the note. A column group is written before the
    column's own header ("SDM (1)"); a panel title is a bold row."""
    groups = _leaf_groups(table)
    heads = [f"{g} {c}".strip() for g, c in zip(groups, table.columns)]
    lines = [
        f"**{table.caption}**",
        "",
        "| " + " | ".join(_md_cell(h) for h in [table.stub] + heads) + " |",
        "| :--- | " + " | ".join(["---:"] * len(heads)) + " |",
    ]
    for r in table.rows:
        if r.kind == "panel":
            cells = [f"**{_md_cell(r.label)}**"] + [""] * len(heads)
        else:
            cells = [_md_cell(r.label)] + [_md_cell(c) for c in r.cells]
        lines.append("| " + " | ".join(cells) + " |")
    if table.note_text:
        lines += ["", _md_cell(table.note_text)]
    return "\n".join(lines) + "\n"


_TEX_CHARS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "\u2212": "$-$",
    "ρ": r"$\rho$",
    "λ": r"$\lambda$",
    "σ": r"$\sigma$",
    "β": r"$\beta$",
    "θ": r"$\theta$",
    "φ": r"$\phi$",
    "χ": r"$\chi$",
    "²": r"\textsuperscript{2}",
    "×": r"$\times$",
    "·": r"$\cdot$",
    "≤": r"$\leq$",
    "≥": r"$\geq$",
    "∞": r"$\infty$",
    "τ": r"$\tau$",
    "η": r"$\eta$",
    "α": r"$\alpha$",
    "γ": r"$\gamma$",
    "δ": r"$\delta$",
    "μ": r"$\mu$",
    "ε": r"$\varepsilon$",
    "Σ": r"$\Sigma$",
    "Δ": r"$\Delta$",
    # superscripts (e.g. the inverse in "(I − ρW)⁻¹"): the text fonts have none of them
    **{ch: r"\textsuperscript{" + rep + "}" for ch, rep in zip("⁰¹³⁴⁵⁶⁷⁸⁹⁺⁻", [*"0134567", "8", "9", "+", "$-$"])},
}


def tex_escape(s: str) -> str:
    """Escape LaTeX specials and write Greek letters, ×, · and the minus sign in math mode, and superscript
    digits and signs (², ⁻¹) as ``\\textsuperscript`` (the text fonts of a plain xelatex document have
    neither)."""
    return "".join(_TEX_CHARS.get(ch, ch) for ch in s)


def _tex_number(s: str) -> str:
    """A cell: stars as a superscript that overhangs to the right (\\sym), so numbers stay aligned."""
    body = s.rstrip("*")
    n = len(s) - len(body)
    return tex_escape(body) + (r"\sym{" + "*" * n + "}" if n else "")


def latex_fragment(table: PaperTable, *, label: str | None = None, group_rules: bool = True) -> str:
    """The ``table`` environment: caption above, booktabs rules, the note under the tabular in
    ``\\footnotesize`` and as wide as the tabular. The tabular is set at its natural size when it fits the
    page; a table wider than ``\\linewidth`` (or, with its note, taller than ``\\textheight``) is scaled
    down as a whole to fit, as ``\\resizebox`` users do by hand, and its note set at the scaled width. Needs
    the preamble of :func:`latex_document` (:data:`TEX_MACROS`: booktabs, graphicx, ``\\sym``,
    ``\\aicoordbox`` and ``\\aicoordfit``).

    ``group_rules`` draws a ``\\cmidrule`` under each column group of a two-row header (booktabs style)."""
    k = len(table.columns)
    spec = "l" + "r" * k
    out = [r"\begin{table}[htbp]", r"\centering", r"\caption{" + tex_escape(table.title) + "}"]
    if label:
        out.append(r"\label{" + label + "}")
    out += [r"\sbox{\aicoordbox}{%", r"\begin{tabular}{@{}" + spec + r"@{\hspace{1.6em}}}", r"\toprule"]
    if table.groups:
        cells, rules, col = [""], [], 2
        for g, span in table.groups:
            cells.append(
                r"\multicolumn{" + str(span) + "}{c}{" + tex_escape(g) + "}"
                if span > 1
                else r"\multicolumn{1}{c}{" + tex_escape(g) + "}"
            )
            if g and group_rules:
                rules.append(rf"\cmidrule(lr){{{col}-{col + span - 1}}}")
            col += span
        out.append(" & ".join(cells) + r" \\")
        if rules:
            out.append(" ".join(rules))
        out.append(
            " & ".join([tex_escape(table.stub)] + [r"\multicolumn{1}{c}{" + tex_escape(c) + "}" for c in table.columns])
            + r" \\"
        )
    else:
        out.append(
            " & ".join([tex_escape(table.stub)] + [r"\multicolumn{1}{c}{" + tex_escape(c) + "}" for c in table.columns])
            + r" \\"
        )
    out.append(r"\midrule")
    for r in table.rows:
        if r.kind == "panel":
            out.append(r"\multicolumn{" + str(k + 1) + r"}{@{}l}{\textit{" + tex_escape(r.label) + r"}} \\")
            continue
        cells = [tex_escape(r.label)] + [
            _tex_number(c) if r.kind != "flag" else r"\multicolumn{1}{c}{" + tex_escape(c) + "}" for c in r.cells
        ]
        out.append(" & ".join(cells) + r" \\")
    out += [r"\bottomrule", r"\end{tabular}}", r"\aicoordfit{" + tex_escape(table.note_text) + "}"]
    out.append(r"\end{table}")
    return "\n".join(out) + "\n"


_PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[a4paper,margin=2cm]{geometry}
\usepackage{booktabs}
\usepackage{caption}
\usepackage{xeCJK}
\IfFontExistsTF{Noto Serif CJK SC}{\setCJKmainfont{Noto Serif CJK SC}}{%
  \IfFontExistsTF{Noto Sans CJK SC}{\setCJKmainfont{Noto Sans CJK SC}}{%
    \IfFontExistsTF{SimSun}{\setCJKmainfont{SimSun}}{\setCJKmainfont{FandolSong-Regular.otf}}}}
"""

#: The macros a table fragment needs (in :func:`latex_document`'s preamble; copy them into a paper's
#: preamble to ``\\input`` fragments). ``\\aicoordfit{note}`` sets the tabular saved in ``\\aicoordbox``:
#: at natural size when it fits, else scaled to the largest size that fits both ``\\linewidth`` and
#: ``\\textheight`` less the caption and the note (which it sets, in ``\\footnotesize``, as wide as the
#: scaled tabular), and writes "aicoord: table <n> scaled from <w> to <w'>" to the log when it scales.
TEX_MACROS = r"""\usepackage{graphicx}
\providecommand{\sym}[1]{\rlap{$^{#1}$}}
\newsavebox{\aicoordbox}
\newsavebox{\aicoordnotebox}
\newlength{\aicoordw}
\newlength{\aicoordroom}
\newcommand{\aicoordsetnote}[1]{\sbox{\aicoordnotebox}{\begin{minipage}[t]{\aicoordw}\footnotesize #1\end{minipage}}}
\newcommand{\aicoordfit}[1]{%
  \setlength{\aicoordw}{\wd\aicoordbox}%
  \ifdim\aicoordw>\linewidth\setlength{\aicoordw}{\linewidth}\fi
  \aicoordsetnote{#1}%
  \setlength{\aicoordroom}{\dimexpr\textheight-\ht\aicoordnotebox-\dp\aicoordnotebox-4\baselineskip\relax}%
  \ifdim\dimexpr(\ht\aicoordbox+\dp\aicoordbox)*\numexpr\aicoordw\relax/\numexpr\wd\aicoordbox\relax\relax>\aicoordroom
    \setlength{\aicoordw}{\dimexpr\wd\aicoordbox*\numexpr\aicoordroom\relax/\numexpr\dimexpr\ht\aicoordbox+\dp\aicoordbox\relax\relax\relax}%
    \aicoordsetnote{#1}%
  \fi
  \ifdim\aicoordw<\wd\aicoordbox
    \typeout{aicoord: table \thetable\space scaled from \the\wd\aicoordbox\space to \the\aicoordw}%
    \resizebox{\aicoordw}{!}{\usebox{\aicoordbox}}%
  \else\usebox{\aicoordbox}\fi
  \if\relax\detokenize{#1}\relax\else\par\smallskip\usebox{\aicoordnotebox}\fi}
"""


def latex_document(tables: Sequence[PaperTable]) -> str:
    """A standalone xelatex document with every table in order (captions numbered as the tables are:
    "表 n" / "Table n")."""
    tables = list(tables)
    body = []
    for t in tables:
        name, sep = ("表", "quad") if t.language == "zh" else ("Table", "period")
        body.append(r"\captionsetup[table]{name={" + name + "},labelsep=" + sep + ",skip=4pt}")
        body.append(r"\renewcommand{\thetable}{" + tex_escape(str(t.number)) + "}")
        body.append(latex_fragment(t))
        if len(tables) > 1:
            body.append(r"\clearpage")
    return _PREAMBLE + TEX_MACROS + "\\begin{document}\n" + "\n".join(body) + "\n\\end{document}\n"


def write_text(text: str, path) -> None:
    """Write UTF-8 text atomically with ``\\n`` line ends."""
    with atomic_path(path) as tmp:
        Path(tmp).write_text(text, encoding="utf-8", newline="\n")


def write_csv(table: PaperTable, path) -> None:
    """Write the tidy CSV of one table."""
    write_text(to_csv(table), path)


def write_markdown(table: PaperTable, path) -> None:
    """Write the Markdown of one table."""
    write_text(to_markdown(table), path)


def write_tex(table: PaperTable, path, *, standalone: bool = True) -> None:
    """Write one table as a standalone xelatex document (default) or as a fragment."""
    write_text(latex_document([table]) if standalone else latex_fragment(table), path)


def write_tex_tables(tables: Sequence[PaperTable], path) -> None:
    """Write every table, in order, into one standalone xelatex document (``tables.tex``)."""
    write_text(latex_document(tables), path)


def readme_markdown(captions: Mapping[str, str], entries: Sequence[Mapping], figures: Sequence[Mapping]) -> str:
    """``results/paper/README.md``: a row per table (its caption from ``captions`` by name, its four files) and
    per figure (title, files), each with its rule, inputs and configuration entries."""

    def row(title, files, e):
        return (
            f"| {title} | {files} | `{e['rule']}` | "
            + ", ".join(f"`{i}`" for i in e["inputs"])
            + " | "
            + ", ".join(f"`{c}`" for c in e["config"])
            + " |"
        )

    head = ["| {} | files | rule | inputs | config entries |", "| --- | --- | --- | --- | --- |"]
    lines = [
        "# Paper tables and figures",
        "",
        "Made by `workflow/rules/paper.smk` (the descriptive tables, the combined documents and this file), "
        "`paper_estimates.smk` (the tables of the estimates) and `paper_figures.smk` (the figures); each rule "
        "file `<file>.smk` runs the step module `aicoord.steps.<file>`. Each table is written as "
        "`<name>.csv` (tidy), `.md`, `.tex` (standalone xelatex) and `.docx` (three-line table) by one "
        "rule; `tables.docx` and `tables.tex` (rule `paper_tables`) hold every table in order.",
        "",
        "## Tables",
        "",
        head[0].format("table"),
        head[1],
    ]
    lines += [row(captions.get(e["name"], e["name"]), f"`{e['name']}.csv/.md/.tex/.docx`", e) for e in entries]
    lines += ["", "## Figures", "", head[0].format("figure"), head[1]]
    lines += [row(f["title"], ", ".join(f"`{Path(p).name}`" for p in f["files"]), f) for f in figures]
    return "\n".join(lines) + "\n"
