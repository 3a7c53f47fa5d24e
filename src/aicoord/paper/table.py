"""A small model of a paper table, and the regression-table builder.

A :class:`PaperTable` is what every renderer (``.csv``, ``.md``, ``.tex``, ``.docx``) draws: a number and
a caption, one or two header rows over the model columns, body rows (coefficients, their standard errors
or t/z values, scalar statistics, Yes/No rows, panel titles) and notes. All cells are already formatted
strings, so that every renderer prints the same text.

:class:`RegressionTable` turns model columns (:class:`ModelColumn`) into a :class:`PaperTable` in the
layout Chinese and international journals print: the coefficient with stars over its standard error in
parentheses in the row below, one column per model, then the spatial parameters, the scalar rows
(σ², R² of a named kind, log-likelihood, N, T, observations) and the Yes/No rows (控制变量, 地区效应,
时间效应), and a note stating the star levels, what is in parentheses, the weights matrix and the data
source ("模拟数据 (simulated data)" first when the data are simulated).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import special

from .numbers import NumberFormat

__all__ = [
    "Row",
    "PaperTable",
    "ModelColumn",
    "RegressionTable",
    "table_from_frame",
    "panel_table",
    "stars_for",
    "WORDS",
    "SIMULATED_NOTE",
]

#: Fixed words of the tables in each language.
WORDS = {
    "zh": {
        "table": "表",
        "variable": "变量",
        "note": "注：",
        "yes": "是",
        "no": "否",
        "controls": "控制变量",
        "unit_effects": "地区效应",
        "time_effects": "时间效应",
        "nobs": "观测值",
        "N": "省份数",
        "T": "年数",
        "loglik": "对数似然",
        "sigma2": "σ²",
        "aic": "AIC",
        "bic": "BIC",
        "rho": "ρ",
        "lambda": "λ",
        "r2_within": "R²（组内）",
        "r2_overall": "R²（整体）",
        "r2_between": "R²（组间）",
        "r2_pseudo": "伪 R²",
        "r2_adj": "调整 R²",
        "r2_ols": "R²",
        "se": "标准误",
        "t": "t 值",
        "z": "z 值",
        "parens": "括号内为{what}",
        "stars": "{marks} 分别表示在 {levels} 的水平上显著",
        "star": "{marks} 表示在 {levels} 的水平上显著",
        "weights": "空间权重矩阵：{w}",
        "source": "数据来源：{s}",
        "sep": "；",
        "end": "。",
        "list_sep": "、",
    },
    "en": {
        "table": "Table",
        "variable": "Variable",
        "note": "Notes: ",
        "yes": "Yes",
        "no": "No",
        "controls": "Controls",
        "unit_effects": "Province effects",
        "time_effects": "Year effects",
        "nobs": "Observations",
        "N": "Provinces",
        "T": "Years",
        "loglik": "Log-likelihood",
        "sigma2": "σ²",
        "aic": "AIC",
        "bic": "BIC",
        "rho": "ρ",
        "lambda": "λ",
        "r2_within": "Within R²",
        "r2_overall": "Overall R²",
        "r2_between": "Between R²",
        "r2_pseudo": "Pseudo R²",
        "r2_adj": "Adjusted R²",
        "r2_ols": "R²",
        "se": "standard errors",
        "t": "t-statistics",
        "z": "z-statistics",
        "parens": "{What} in parentheses",
        "stars": "{marks} denote significance at the {levels} levels",
        "star": "{marks} denotes significance at the {levels} level",
        "weights": "Spatial weights: {w}",
        "source": "Source: {s}",
        "sep": ". ",
        "end": ".",
        "list_sep": ", ",
    },
}

#: The words that mark a table built from simulated data.
SIMULATED_NOTE = {"zh": "模拟数据 (simulated data)", "en": "Simulated data"}

#: Spatial parameters, printed after the regressors in this order.
SPATIAL_TERMS = ("rho", "lambda")
#: Scalar statistics in print order; integers are printed without decimals.
SCALAR_ORDER = (
    "sigma2",
    "r2_within",
    "r2_overall",
    "r2_between",
    "r2_adj",
    "r2_pseudo",
    "r2_ols",
    "loglik",
    "aic",
    "bic",
    "N",
    "T",
    "nobs",
)
INTEGER_SCALARS = ("N", "T", "nobs")
FLAG_ORDER = ("controls", "unit_effects", "time_effects")


@dataclass
class Row:
    """One body row.

    Attributes
    ----------
    label : str
        Text of the first (stub) column; empty under a coefficient for its standard error row.
    cells : list of str
        One formatted string per data column.
    kind : str
        ``"coef"``, ``"se"``/``"t"``/``"z"`` (the statistic under a coefficient), ``"scalar"``, ``"flag"``,
        ``"panel"`` (a panel title spanning the table; ``cells`` empty) or ``"text"``.
    key : str
        Machine name (variable or statistic) for the tidy CSV.
    """

    label: str
    cells: list[str]
    kind: str = "text"
    key: str = ""


@dataclass
class PaperTable:
    """A numbered table ready to render.

    Attributes
    ----------
    number : int or str
        Table number (``1`` → "表 1" / "Table 1").
    title : str
        Caption.
    columns : list of str
        Leaf headers of the data columns (the stub column is not included).
    rows : list of Row
    groups : list of (str, int), optional
        An upper header row: (label, number of columns spanned), spans summing to ``len(columns)``.
    stub : str
        Header of the stub column.
    notes : list of str
        Note sentences, printed after "注：" / "Notes:".
    language : {"zh", "en"}
    """

    number: int | str
    title: str
    columns: list[str]
    rows: list[Row]
    groups: list[tuple[str, int]] | None = None
    stub: str = ""
    notes: list[str] = field(default_factory=list)
    language: str = "zh"

    def __post_init__(self):
        if self.language not in WORDS:
            raise ValueError(f"language must be one of {sorted(WORDS)}, got {self.language!r}")
        k = len(self.columns)
        for r in self.rows:
            if r.kind != "panel" and len(r.cells) != k:
                raise ValueError(f"row {r.label!r} has {len(r.cells)} cells for {k} columns")
        if self.groups is not None and sum(s for _, s in self.groups) != k:
            raise ValueError("the column groups must span all columns")

    @property
    def caption(self) -> str:
        """ "表 1  title" / "Table 1. title"."""
        if self.language == "zh":
            return f"表 {self.number}  {self.title}"
        return f"Table {self.number}. {self.title}"

    @property
    def note_text(self) -> str:
        """The notes as one paragraph, beginning with "注：" / "Notes:"; empty without notes."""
        if not self.notes:
            return ""
        w = WORDS[self.language]
        parts = [n.strip() for n in self.notes if n and n.strip()]
        body = ""
        for p in parts:
            body += p if p.endswith(("。", ".", "；", ";")) else p + w["end"]
            if self.language == "en":
                body += " "
        return w["note"] + body.strip()

    @property
    def header_rows(self) -> list[list[tuple[str, int]]]:
        """Header rows as (text, span) cells, the stub included (in the last header row); one or two rows."""
        leaves = [(c, 1) for c in self.columns]
        if not self.groups:
            return [[(self.stub, 1)] + leaves]
        return [[("", 1)] + list(self.groups), [(self.stub, 1)] + leaves]


def stars_for(p: float, levels: Sequence[float] = (0.10, 0.05, 0.01)) -> str:
    """Stars for a p-value: one per level that ``p`` is below (``p < 0.01`` → ``***`` by default)."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return ""
    return "*" * sum(1 for a in levels if p < a)


@dataclass
class ModelColumn:
    """One model (one column) of a regression table.

    Parameters
    ----------
    name : str
        Column header, e.g. ``"(1)"`` or ``"SDM"``.
    params : mapping str → float
        Coefficient estimates in print order; the spatial parameters ``"rho"``/``"lambda"`` may be
        included and are printed after the regressors.
    se : mapping str → float
        Standard errors of ``params`` (same keys).
    pvalues : mapping str → float, optional
        p-values; where absent they are the two-sided normal p of ``params / se``.
    stats : mapping str → float, optional
        t or z statistics; where absent ``params / se``.
    scalars : mapping str → float, optional
        Keys from ``sigma2``, ``r2_within``, ``r2_overall``, ``r2_between``, ``r2_adj``, ``r2_pseudo``,
        ``r2_ols`` (R² of plain OLS), ``loglik``, ``aic``, ``bic``, ``N``, ``T``, ``nobs``; other keys are
        printed with their ``labels`` entry. A bare ``"r2"`` is refused: name its kind.
    flags : mapping str → bool, optional
        ``controls``, ``unit_effects``, ``time_effects`` (or other keys with labels) → Yes/No rows.
    group : str, optional
        Upper header over this column (consecutive equal groups are merged), e.g. ``"SDM"`` or a
        dependent variable.
    """

    name: str
    params: Mapping[str, float]
    se: Mapping[str, float]
    pvalues: Mapping[str, float] | None = None
    stats: Mapping[str, float] | None = None
    scalars: Mapping[str, float] = field(default_factory=dict)
    flags: Mapping[str, bool] = field(default_factory=dict)
    group: str | None = None

    def __post_init__(self):
        if "r2" in self.scalars:
            raise ValueError(
                "scalar 'r2' is ambiguous: use r2_within, r2_overall, r2_between, r2_adj, r2_pseudo or r2_ols"
            )
        missing = [k for k in self.params if k not in self.se]
        if missing:
            raise ValueError(f"column {self.name!r}: no standard error for {missing}")

    def p(self, key) -> float:
        """Two-sided p-value of ``key``: the given one, else from the normal distribution of :meth:`stat`."""
        if self.pvalues is not None and key in self.pvalues and self.pvalues[key] is not None:
            return float(self.pvalues[key])
        z = self.stat(key)
        return float(2 * special.ndtr(-abs(z))) if np.isfinite(z) else float("nan")

    def stat(self, key) -> float:
        """Test statistic of ``key``: the given one, else the estimate over its standard error."""
        if self.stats is not None and key in self.stats:
            return float(self.stats[key])
        s = float(self.se[key])
        return float(self.params[key]) / s if s > 0 else float("nan")


@dataclass
class RegressionTable:
    """Builder of a regression table from model columns.

    Parameters
    ----------
    columns : list of ModelColumn
    number : int or str
    title : str
    language : {"zh", "en"}
    labels : mapping str → str, optional
        Display labels of variables, scalars and flags (e.g. ``{"ai": "人工智能", "W*ai": "W×人工智能"}``).
    variables : list of str, optional
        Regressors to print, in order; default every non-spatial parameter in order of first appearance.
        Parameters left out (controls) are summarised by the ``controls`` flag row.
    decimals : int
        Digits after the point for coefficients, standard errors and non-integer scalars.
    fmt : NumberFormat, optional
        The number formatter (``decimals`` overrides its digits).
    star_levels : sequence of float
        Significance levels, one star each (default 0.10, 0.05, 0.01).
    parens : {"se", "t", "z"}
        What goes in parentheses under a coefficient.
    weights : str
        The weights matrix, for the note (e.g. "地理邻接矩阵（queen，行标准化）").
    source : str
        Data source, for the note (from the caller's provenance).
    simulated : bool
        The data are simulated: the note begins with "模拟数据 (simulated data)" / "Simulated data".
    notes : list of str
        Further note sentences, printed after the generated ones.
    stub : str, optional
        Header of the label column (default "变量" / "Variable").
    """

    columns: list[ModelColumn]
    number: int | str
    title: str
    language: str = "zh"
    labels: Mapping[str, str] = field(default_factory=dict)
    variables: Sequence[str] | None = None
    decimals: int = 3
    fmt: NumberFormat | None = None
    star_levels: Sequence[float] = (0.10, 0.05, 0.01)
    parens: str = "se"
    weights: str = ""
    source: str = ""
    simulated: bool = False
    notes: Sequence[str] = ()
    stub: str | None = None

    def __post_init__(self):
        if self.parens not in ("se", "t", "z"):
            raise ValueError("parens must be 'se', 't' or 'z'")
        if self.language not in WORDS:
            raise ValueError(f"language must be one of {sorted(WORDS)}")
        levels = sorted(float(a) for a in self.star_levels)
        if not levels or levels[0] <= 0 or levels[-1] >= 1:
            raise ValueError("star levels must lie in (0, 1)")
        self.star_levels = tuple(sorted(levels, reverse=True))
        base = self.fmt or NumberFormat()
        self.fmt = NumberFormat(
            decimals=self.decimals, minus=base.minus, thousands=base.thousands, missing=base.missing
        )

    def _label(self, key):
        w = WORDS[self.language]
        return self.labels.get(key, w.get(key, key))

    def star_note(self) -> str:
        """ "*、**、*** 分别表示在 10%、5%、1% 的水平上显著" / "*, **, *** denote ... 10%, 5% and 1% levels"."""
        w = WORDS[self.language]
        marks = ["*" * (i + 1) for i in range(len(self.star_levels))]
        pct = [f"{_pct(a)}%" for a in self.star_levels]
        if len(pct) == 1:
            return w["star"].format(marks=marks[0], levels=pct[0])
        if self.language == "zh":
            return w["stars"].format(marks=w["list_sep"].join(marks), levels=w["list_sep"].join(pct))
        lv = ", ".join(pct[:-1]) + " and " + pct[-1]
        return w["stars"].format(marks=", ".join(marks), levels=lv)

    def note_sentences(self) -> list[str]:
        """The generated notes: simulated data, stars, parentheses, weights, source, then ``notes``."""
        w = WORDS[self.language]
        out = []
        if self.simulated:
            out.append(SIMULATED_NOTE[self.language])
        out.append(self.star_note())
        what = w[self.parens]
        out.append(w["parens"].format(what=what, What=what[:1].upper() + what[1:]))
        if self.weights:
            out.append(w["weights"].format(w=self.weights))
        if self.source:
            out.append(w["source"].format(s=self.source))
        out.extend(self.notes)
        return out

    def table(self) -> PaperTable:
        """Build the :class:`PaperTable`."""
        w = WORDS[self.language]
        cols = self.columns
        if not cols:
            raise ValueError("a regression table needs at least one model column")
        fmt = self.fmt
        if self.variables is None:
            order = []
            for c in cols:
                order += [k for k in c.params if k not in order and k not in SPATIAL_TERMS]
        else:
            order = list(self.variables)
        spatial = [k for k in SPATIAL_TERMS if any(k in c.params for c in cols)]
        rows: list[Row] = []
        for key in order + spatial:
            coef, under = [], []
            for c in cols:
                if key not in c.params or c.params[key] is None or not np.isfinite(float(c.params[key])):
                    coef.append("")
                    under.append("")
                    continue
                val = c.se[key] if self.parens == "se" else c.stat(key)
                # a standard error keeps two significant digits, and its coefficient the same decimals
                d = fmt.decimals_for(val) if self.parens == "se" else fmt.decimals
                coef.append(fmt(c.params[key], d) + stars_for(c.p(key), self.star_levels))
                under.append(f"({fmt(val, d)})")
            if not any(coef):
                continue
            rows.append(Row(self._label(key), coef, "coef", key))
            rows.append(Row("", under, self.parens, key))
        present = [k for k in SCALAR_ORDER if any(k in c.scalars for c in cols)]
        present += sorted({k for c in cols for k in c.scalars} - set(SCALAR_ORDER))
        for key in present:
            cells = []
            for c in cols:
                v = c.scalars.get(key)
                cells.append(fmt.integer(v) if key in INTEGER_SCALARS and v is not None else fmt(v))
            rows.append(Row(self._label(key), cells, "scalar", key))
        flags = [k for k in FLAG_ORDER if any(k in c.flags for c in cols)]
        flags += sorted({k for c in cols for k in c.flags} - set(FLAG_ORDER))
        for key in flags:
            cells = ["" if key not in c.flags else (w["yes"] if c.flags[key] else w["no"]) for c in cols]
            rows.append(Row(self._label(key), cells, "flag", key))
        groups = None
        if any(c.group for c in cols):
            groups = []
            for c in cols:
                g = c.group or ""
                if groups and groups[-1][0] == g:
                    groups[-1] = (g, groups[-1][1] + 1)
                else:
                    groups.append((g, 1))
        return PaperTable(
            number=self.number,
            title=self.title,
            columns=[c.name for c in cols],
            rows=rows,
            groups=groups,
            stub=w["variable"] if self.stub is None else self.stub,
            notes=self.note_sentences(),
            language=self.language,
        )


def _pct(a: float) -> str:
    v = a * 100
    return f"{v:g}"


def table_from_frame(
    df,
    *,
    number,
    title: str,
    language: str = "zh",
    decimals: int | Mapping[str, int] = 3,
    fmt: NumberFormat | None = None,
    stub: str | None = None,
    label_col: str | None = None,
    notes: Sequence[str] = (),
    source: str = "",
    simulated: bool = False,
    groups: list[tuple[str, int]] | None = None,
    text_cols: Sequence[str] = ("year", "年份", "年"),
) -> PaperTable:
    """A :class:`PaperTable` from a DataFrame (e.g. Moran's I by year × matrix, LR tests).

    Numeric cells go through the shared formatter (``decimals`` per column by a mapping, integer
    dtypes without decimals and with the thousands separator); text cells and the columns named in
    ``text_cols`` (years by default: "2021", not "2,021") are written as they are. The row labels are
    ``label_col`` (default the index).
    The note gets "模拟数据 (simulated data)" first when ``simulated``, then ``notes``, then the source.
    """
    import pandas as pd

    fmt = fmt or NumberFormat()
    w = WORDS[language]
    data = df.copy()
    labels = data.pop(label_col) if label_col is not None else pd.Series(data.index, index=data.index)
    rows = []
    for i in range(len(data)):
        cells = []
        for col in data.columns:
            v = data[col].iloc[i]
            if col in text_cols:
                cells.append("" if v is None else str(v))
            elif isinstance(v, (bool, np.bool_)):
                cells.append(w["yes"] if v else w["no"])
            elif isinstance(v, (int, np.integer)):
                cells.append(fmt.integer(v))
            elif isinstance(v, (float, np.floating)):
                d = decimals.get(col, fmt.decimals) if isinstance(decimals, Mapping) else decimals
                cells.append(fmt(v, d))
            else:
                cells.append("" if v is None else str(v))
        rows.append(Row(str(labels.iloc[i]), cells, "text", str(labels.iloc[i])))
    note = ([SIMULATED_NOTE[language]] if simulated else []) + list(notes)
    if source:
        note.append(w["source"].format(s=source))
    return PaperTable(
        number=number,
        title=title,
        columns=[str(c) for c in data.columns],
        rows=rows,
        groups=groups,
        stub=(w["variable"] if stub is None else stub),
        notes=note,
        language=language,
    )


def panel_table(
    panels: Sequence[tuple[str, PaperTable]], *, number, title: str, notes: Sequence[str] | None = None
) -> PaperTable:
    """Stack tables with the same columns as panels ("Panel A: 东部", ...) of one table.

    Each panel starts with a title row (kind ``"panel"``); the header and language come from the first
    table; the notes are ``notes`` if given, else the first table's notes followed by any sentence of
    the others that it lacks (so a simulated panel keeps "模拟数据", moved to the front of the note).
    """
    panels = list(panels)
    if not panels:
        raise ValueError("no panels")
    first = panels[0][1]
    rows: list[Row] = []
    for name, t in panels:
        if t.columns != first.columns or t.groups != first.groups:
            raise ValueError(f"panel {name!r} has columns {t.columns}, the first has {first.columns}")
        if t.language != first.language:
            raise ValueError("panels must share one language")
        rows.append(Row(name, [], "panel", name))
        rows.extend(t.rows)
    if notes is None:
        notes = list(first.notes)
        for _, t in panels[1:]:
            notes += [n for n in t.notes if n not in notes]
        sim = SIMULATED_NOTE[first.language]
        if sim in notes:  # "simulated data" leads the note, as in every other table
            notes = [sim] + [n for n in notes if n != sim]
    return PaperTable(
        number=number,
        title=title,
        columns=list(first.columns),
        rows=rows,
        groups=first.groups,
        stub=first.stub,
        notes=list(notes),
        language=first.language,
    )
