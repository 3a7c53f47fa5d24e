"""Coefficient plots of the paper: AI's direct, indirect and total effects across the robustness variants
(:func:`effects_plot`) and each mechanism's mediated effect with its interval (:func:`mediation_plot`); the maps
are in :mod:`aicoord.paper.figures`, whose palette, words and saver these share."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import ScalarFormatter

from ..plotting import use_cjk_font
from .figures import FIGURE_WORDS, OKABE_ITO

__all__ = ["effects_plot", "mediation_plot"]

_EFFECT_COLOURS = {"direct": OKABE_ITO["blue"], "indirect": OKABE_ITO["vermillion"], "total": OKABE_ITO["bluish_green"]}
_EFFECT_MARKERS = {"direct": "o", "indirect": "s", "total": "D"}


class _MinusFormatter(ScalarFormatter):
    """Tick labels with the typographic minus (U+2212) of the tables, whatever ``axes.unicode_minus`` says
    (Noto Sans CJK SC has the glyph)."""

    def __call__(self, x, pos=None):
        return super().__call__(x, pos).replace("-", "\N{MINUS SIGN}")


def _legend_and_layout(fig, handles, height, note, right=1.0, top=1.0):
    """Legend centred at the bottom (above the note), then a tight layout above it and below ``top``."""
    leg_y = (0.22 if note else 0.04) / height
    fig.legend(
        handles=handles, loc="lower center", ncol=len(handles), fontsize=8, frameon=False, bbox_to_anchor=(0.5, leg_y)
    )
    if note:
        fig.text(0.01, 0.03 / height, note, fontsize=7, ha="left", va="bottom", color="0.3", wrap=True)
    fig.tight_layout(rect=(0, leg_y + 0.28 / height, right, top))


def _interval(df, estimate, lower, upper, se, level):
    from scipy import special

    if lower in df.columns and upper in df.columns:
        return df[lower].to_numpy(float), df[upper].to_numpy(float)
    if se not in df.columns:
        raise ValueError(f"need columns '{lower}' and '{upper}', or '{se}'")
    q = special.ndtri(0.5 + level / 2)
    e, s = df[estimate].to_numpy(float), df[se].to_numpy(float)
    return e - q * s, e + q * s


def effects_plot(
    df: pd.DataFrame,
    *,
    variant: str = "variant",
    effect: str = "effect",
    estimate: str = "estimate",
    lower: str = "lower",
    upper: str = "upper",
    se: str = "se",
    level: float = 0.95,
    variant_labels: Mapping[str, str] | None = None,
    title: str = "",
    xlabel: str = "",
    note: str = "",
    language: str = "zh",
):
    """Direct, indirect and total effects of one variable (AI) across robustness variants.

    One panel per effect (direct, indirect, total, in that order), one row per variant (in order of
    first appearance, top to bottom): the point estimate and its interval, with a line at zero. When every
    effect has the same variants the panels stand side by side and share the rows; otherwise (the study's
    figure: three effects of the baseline, then the total effect of every robustness variant) they are
    stacked, each as tall as its own rows, so that no panel has empty rows. The figure's size follows
    from its rows and the title has a band of its own.

    Parameters
    ----------
    df : pandas.DataFrame
        Long form: columns ``variant``, ``effect`` (``"direct"``, ``"indirect"``, ``"total"``),
        ``estimate``, and ``lower``/``upper`` (or ``se``, giving a normal interval at ``level``).

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.legends[0]``: "点估计"/"Estimate" and the interval ("95% 置信区间").
    """
    use_cjk_font()
    words = FIGURE_WORDS[language]
    variant_labels = dict(variant_labels or {})
    variants = list(dict.fromkeys(df[variant]))
    effects = [e for e in ("direct", "indirect", "total") if e in set(df[effect])]
    unknown = set(df[effect]) - {"direct", "indirect", "total"}
    if unknown:
        raise ValueError(f"unknown effects {sorted(unknown)}")
    lo, hi = _interval(df, estimate, lower, upper, se, level)
    d = df.assign(_lo=lo, _hi=hi)
    own = {e: [v for v in variants if ((d[effect] == e) & (d[variant] == v)).any()] for e in effects}
    shared = all(own[e] == variants for e in effects)
    top = 0.3 if title else 0.0  # inches kept free above the panels for the title
    if shared:
        height = 0.42 * len(variants) + 1.5 + top
        fig, axes = plt.subplots(
            1, len(effects), figsize=(2.5 * len(effects) + 2.0, height), sharey=True, squeeze=False
        )
        panels = list(zip(axes[0], effects))
    else:
        rows = [len(own[e]) for e in effects]
        height = 0.27 * sum(rows) + 0.75 * len(effects) + 1.3 + top
        fig, axes = plt.subplots(
            len(effects),
            1,
            figsize=(6.4, height),
            squeeze=False,
            gridspec_kw={"height_ratios": [r + 0.9 for r in rows]},
        )
        panels = list(zip(axes[:, 0], effects))
    for ax, e in panels:
        names = variants if shared else own[e]
        ypos = {v: len(names) - 1 - i for i, v in enumerate(names)}
        sub = d[d[effect] == e]
        ys = sub[variant].map(ypos).to_numpy(float)
        c = _EFFECT_COLOURS[e]
        ax.hlines(ys, sub["_lo"], sub["_hi"], color=c, lw=1.4, zorder=2)
        ax.plot(sub[estimate], ys, ls="none", marker=_EFFECT_MARKERS[e], color=c, ms=5, zorder=3)
        ax.axvline(0, color="0.45", lw=0.8, ls="--", zorder=1)
        ax.set_title(words[e], fontsize=10)
        ax.grid(axis="x", color="0.9", lw=0.6)
        ax.set_axisbelow(True)
        ax.tick_params(labelsize=8)
        ax.xaxis.set_major_formatter(_MinusFormatter())
        for s in ("top", "right"):
            ax.spines[s].set_visible(False)
        if xlabel:
            ax.set_xlabel(xlabel, fontsize=9)
        if not shared or ax is panels[0][0]:
            ax.set_yticks(range(len(names)))
            ax.set_yticklabels([variant_labels.get(v, v) for v in reversed(names)], fontsize=9 if shared else 8)
            ax.set_ylim(-0.6, len(names) - 0.4)
    handles = [
        Line2D([], [], ls="none", marker="o", color="0.2", ms=5, label=words["estimate"]),
        Line2D([], [], color="0.2", lw=1.4, label=words["ci"].format(level=f"{level * 100:g}")),
    ]
    if title:
        fig.suptitle(title, fontsize=11, y=1 - 0.08 / height, va="top")
    _legend_and_layout(fig, handles, height, note, top=1 - top / height)
    return fig


def mediation_plot(
    df: pd.DataFrame,
    *,
    mechanism: str = "mechanism",
    estimate: str = "estimate",
    lower: str = "lower",
    upper: str = "upper",
    se: str = "se",
    level: float = 0.95,
    mechanism_labels: Mapping[str, str] | None = None,
    method: str | None = None,
    title: str = "",
    xlabel: str = "",
    note: str = "",
    language: str = "zh",
):
    """Each mechanism's mediated (indirect) effect with its interval, one row per mechanism.

    Points and intervals are blue where the interval excludes zero and orange where it includes zero
    (Okabe–Ito), so that the colour does not carry the only signal: the zero line is drawn as well.

    Parameters
    ----------
    df : pandas.DataFrame
        Columns ``mechanism``, ``estimate`` and ``lower``/``upper`` (e.g. a bootstrap interval) or ``se``.
    method : str, optional
        Column naming each interval's method (e.g. "Sobel", "bootstrap"), written at the right.

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.legends[0]``: "区间不含 0" and "区间含 0" (only the kinds present).
    """
    use_cjk_font()
    words = FIGURE_WORDS[language]
    labels = dict(mechanism_labels or {})
    lo, hi = _interval(df, estimate, lower, upper, se, level)
    mechs = list(df[mechanism])
    n = len(mechs)
    height = 0.45 * n + 1.5
    fig, ax = plt.subplots(figsize=(6.4, height))
    ys = np.arange(n)[::-1].astype(float)
    excl = (lo > 0) | (hi < 0)
    colours = np.where(excl, OKABE_ITO["blue"], OKABE_ITO["orange"])
    ax.hlines(ys, lo, hi, colors=colours, lw=1.6, zorder=2)
    ax.scatter(df[estimate].to_numpy(float), ys, c=list(colours), s=30, zorder=3, marker="o")
    ax.axvline(0, color="0.45", lw=0.8, ls="--", zorder=1)
    ax.set_yticks(ys)
    ax.set_yticklabels([labels.get(m, m) for m in mechs], fontsize=9)
    ax.set_ylim(-0.6, n - 0.4)
    ax.tick_params(axis="x", labelsize=8)
    ax.xaxis.set_major_formatter(_MinusFormatter())
    ax.grid(axis="x", color="0.9", lw=0.6)
    ax.set_axisbelow(True)
    for s in ("top", "right"):
        ax.spines[s].set_visible(False)
    ax.set_xlabel(xlabel or words["mediated"], fontsize=9)
    if method is not None:
        for y, m in zip(ys, df[method]):
            ax.annotate(
                str(m),
                (1.0, y),
                xycoords=("axes fraction", "data"),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
                color="0.3",
            )
    handles = []
    if excl.any():
        handles.append(Line2D([], [], color=OKABE_ITO["blue"], marker="o", lw=1.6, label=words["excl"]))
    if (~excl).any():
        handles.append(Line2D([], [], color=OKABE_ITO["orange"], marker="o", lw=1.6, label=words["incl"]))
    if title:
        ax.set_title(title, fontsize=11)
    _legend_and_layout(fig, handles, height, note, right=0.88 if method else 1.0)
    return fig
