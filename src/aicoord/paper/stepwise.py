"""Two paper tables in the layouts Chinese journals print: Moran's I by year × variable × matrix, and the
stepwise (逐步回归) mechanism table.

:func:`moran_table` stacks one panel per variable (the outcome, AI), one row per year and, for each weights
matrix, the columns I (with stars from its p-value under randomisation) and z.

:func:`mechanism_table` gives each channel two columns: (1) AI → M (AI's total effect on the channel) and
(2) M and AI → gap (the channel's and AI's total effects on the outcome), then, under (2), the mediated
effect with its standard error, its Monte Carlo interval, its share of AI's total effect (中介效应占比; with
suppression, |mediated / direct|) and the suppression (遮掩效应) flag, from the study's verdict table. Columns
that the verdict table may or may not have (``p_adjusted``, the local and spillover split, ``basis``, an IV
estimate of the a path) are read by name and printed only when present.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import special

from .labels import VOCABULARY, term
from .numbers import NumberFormat
from .table import (
    WORDS,
    ModelColumn,
    PaperTable,
    RegressionTable,
    Row,
    panel_table,
    stars_for,
    table_from_frame,
)

__all__ = ["IV_A_PATH", "mechanism_table", "moran_table"]

#: Names an IV estimate of the a path (AI → channel) may have in the verdict table, with its SE and interval
#: under the same stem plus ``_se``, ``_lower``, ``_upper``.
IV_A_PATH = ("ai_total_on_channel_iv", "a_iv", "iv_a")


def moran_table(
    g: pd.DataFrame,
    *,
    matrices: Sequence[str],
    words: Mapping,
    variable_label,
    weights_labels: Mapping,
    language: str,
    fmt: NumberFormat,
    stars: Sequence[float],
    number,
    title: str,
    notes: Sequence[str],
) -> PaperTable:
    """Moran's I by year (rows) × matrix (column groups: I with stars, z), one panel per variable of ``g``
    (the study's ``moran_panel.csv``); ``matrices`` chooses and orders the matrices printed (those not in
    ``g`` are skipped); ``variable_label(name)`` gives a panel's title."""
    mats = [m for m in matrices if m in set(g["matrix"])]
    if not mats:
        raise ValueError(f"none of the matrices {list(matrices)} is in the Moran table")
    panels = []
    for var, gv in g.groupby("variable", sort=False):
        rows = []
        for year, gy in gv.groupby("year", sort=True):
            r = {"label": str(int(year))}
            for m in mats:
                s = gy[gy["matrix"] == m]
                if s.empty:
                    r[f"{m} I"], r[f"{m} z"] = "", ""
                    continue
                s = s.iloc[0]
                r[f"{m} I"] = fmt(s["I"]) + stars_for(s["p_rand"], stars)
                r[f"{m} z"] = fmt(s["z_rand"])
            rows.append(r)
        t = table_from_frame(
            pd.DataFrame(rows),
            number=0,
            title="",
            language=language,
            label_col="label",
            groups=[(weights_labels.get(m, m), 2) for m in mats],
            stub=words["year"],
        )
        t.columns = [words["I"], words["z"]] * len(mats)
        panels.append((variable_label(var), t))
    return panel_table(panels, number=number, title=title, notes=list(notes))


def _get(row, key):
    v = row.get(key) if hasattr(row, "get") else None
    return None if v is None or (isinstance(v, float) and np.isnan(v)) else v


def mechanism_table(
    mech: pd.DataFrame,
    verdict: pd.DataFrame | None,
    *,
    labels: Mapping,
    words: Mapping,
    y_label: str,
    language: str,
    decimals: int,
    stars: Sequence[float],
    parentheses: str,
    alpha: float,
    number,
    title: str,
    notes: Sequence[str],
    weights: str = "",
    simulated: bool = False,
) -> PaperTable:
    """The stepwise mechanism table from the study's ``mechanisms.csv`` (``mech``: quantity ``ai_on_channel``,
    ``channel_on_y``, ``ai_on_y``, ``mediated`` per channel; the total effects are printed) and its
    ``verdict.csv`` (``verdict``, optional: share, suppression and the other columns, by name)."""
    w = words
    level = f"{(1 - float(alpha)) * 100:g}"
    fmt = NumberFormat(decimals=decimals)
    vrows = {} if verdict is None else {str(r["mechanism"]): r for _, r in verdict.iterrows()}
    cols, extra = [], {}
    channels = list(dict.fromkeys(mech["mechanism"]))
    for i, m in enumerate(channels):
        gm = mech[mech["mechanism"] == m]
        tot = gm[gm["effect"] == "total"].set_index("quantity")
        a = tot.loc["ai_on_channel"]
        b, c = tot.loc["channel_on_y"], tot.loc["ai_on_y"]
        label = labels.get(m, m)
        cols.append(ModelColumn(f"({2 * i + 1})", {"ai": float(a["estimate"])}, {"ai": float(a["se"])}, group=label))
        cols.append(
            ModelColumn(
                f"({2 * i + 2})",
                {"ai": float(c["estimate"]), "channel": float(b["estimate"])},
                {"ai": float(c["se"]), "channel": float(b["se"])},
                group=label,
            )
        )
        med = tot.loc["mediated"]
        v = vrows.get(m, {})
        cells = {}
        z = float(med["estimate"]) / float(med["se"]) if float(med["se"]) > 0 else np.nan
        p = float(2 * special.ndtr(-abs(z)))  # as every star of the table: estimate / SE
        # as the coefficients above: the SE keeps two significant digits and the estimate its decimals
        d = fmt.decimals_for(med["se"]) if parentheses == "se" else decimals
        cells["mediated"] = fmt(med["estimate"], d) + stars_for(p, stars)
        cells["mediated_se"] = f"({fmt(med['se'] if parentheses == 'se' else z, d)})"
        cells["interval"] = f"[{fmt(med['lower'])}, {fmt(med['upper'])}]"
        share = _get(v, "mediation_share")
        supp = _get(v, "suppression")
        if share is not None:
            cells["share"] = f"{fmt(100 * float(share), 1)}%"
        if supp is not None:
            cells["suppression"] = WORDS[language]["yes" if str(supp) in ("True", "1", "1.0") else "no"]
        if _get(v, "p_adjusted") is not None:
            cells["p_adjusted"] = fmt(v["p_adjusted"])
        for part in ("mediated_local", "mediated_spillover"):
            if _get(v, part) is not None:
                cells[part] = fmt(v[part], d)
        basis = _get(v, "basis")
        if basis is not None and str(basis) in VOCABULARY[language]["basis"]:  # an unknown basis stays in the CSV
            cells["basis"] = term("basis", str(basis), language, labels)
        for stem in IV_A_PATH:
            if _get(v, stem) is not None:
                lo, hi = _get(v, f"{stem}_lower"), _get(v, f"{stem}_upper")
                cells["iv_a"] = fmt(v[stem]) + (f" [{fmt(lo)}, {fmt(hi)}]" if lo is not None and hi is not None else "")
                break
        cells["model"] = term("model", str(med.get("mechanism_model", "sdm")).lower(), language)
        for k, text in cells.items():
            extra.setdefault(k, [""] * (2 * len(channels)))[2 * i + 1] = text
    rl = {**labels, "ai": labels.get("ai", "ai"), "channel": w["channel"]}
    reg = RegressionTable(
        cols,
        number=number,
        title=title,
        language=language,
        labels=rl,
        variables=["ai", "channel"],
        decimals=decimals,
        star_levels=tuple(stars),
        parens=parentheses,
        weights=weights,
        simulated=simulated,
        notes=list(notes),
    )
    t = reg.table()
    dep = Row(w["dependent"], [w["channel"] if j % 2 == 0 else y_label for j in range(len(cols))], "text", "dependent")
    heads = {
        "mediated": w["mediated"],
        "mediated_se": "",
        "interval": w["interval"].format(level=level),
        "share": w["share"],
        "suppression": w["suppression"],
        "p_adjusted": w["p_adjusted"],
        "mediated_local": w["mediated_local"],
        "mediated_spillover": w["mediated_spillover"],
        "iv_a": w["iv_a"],
        "basis": w["basis"],
        "model": w["model"],
    }
    body = [dep] + t.rows
    for k, head in heads.items():
        if k in extra:
            kind = {"mediated": "coef", "mediated_se": parentheses}.get(k, "text")
            body.append(Row(head, extra[k], kind, "mediated" if k == "mediated_se" else k))
    t.rows = body
    return t
