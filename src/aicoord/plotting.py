"""Figures: Moran scatter plot, LISA cluster map and significance map, kernel densities over years.

Chinese labels use the Noto Sans CJK SC font shipped by the PyPI package ``mplfonts``, registered with
matplotlib at first use, so no province name is drawn as a missing-glyph box. Maps are drawn in the
Albers equal-area projection with the South China Sea in an inset, as Chinese journals expect.
Figures are saved with fixed metadata so that the same inputs give the same files.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from .errors import InputError  # noqa: E402
from .geometry import CHINA_ALBERS, albers, load_other_units  # noqa: E402
from .io import atomic_path  # noqa: E402

__all__ = [
    "cjk_font_path",
    "cjk_font",
    "use_cjk_font",
    "kde_figure",
    "moran_scatter",
    "lisa_cluster_map",
    "lisa_significance_map",
    "save_figure",
    "CLUSTER_COLOURS",
]

#: Conventional LISA colours (GeoDa).
CLUSTER_COLOURS = {
    "HH": "#d7191c",
    "LL": "#2c7bb6",
    "LH": "#abd9e9",
    "HL": "#fdae61",
    "Not significant": "#eeeeee",
    "No neighbours": "#9e9e9e",
}

_LABELS = {
    "zh": {
        "HH": "高-高",
        "LL": "低-低",
        "LH": "低-高",
        "HL": "高-低",
        "Not significant": "不显著",
        "No neighbours": "无邻居",
        "scatter_x": "{var}(标准化)",
        "scatter_y": "空间滞后 W·{var}",
        "sig": "显著性（伪 p 值）",
        "ns": "不显著",
        "nodata": "无数据",
        "moran": "莫兰指数 I = {I:.4f}（伪 p 值 = {p:.4g}）",
    },
    "en": {
        "HH": "High-High",
        "LL": "Low-Low",
        "LH": "Low-High",
        "HL": "High-Low",
        "Not significant": "Not significant",
        "No neighbours": "No neighbours",
        "scatter_x": "{var} (standardised)",
        "scatter_y": "Spatial lag W·{var}",
        "sig": "Significance (pseudo p)",
        "ns": "Not significant",
        "nodata": "No data",
        "moran": "Moran's I = {I:.4f} (pseudo p = {p:.4g})",
    },
}


def cjk_font_path() -> Path:
    """Path of the Noto Sans CJK SC font file shipped by ``mplfonts``."""
    import mplfonts

    return Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"


@lru_cache(maxsize=1)
def use_cjk_font() -> str:
    """Register Noto Sans CJK SC from ``mplfonts`` and make it matplotlib's default sans-serif font.

    Returns
    -------
    str
        The font family name.
    """
    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["font.sans-serif"] = [name, "DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    plt.rcParams["svg.hashsalt"] = "aicoord"
    return name


def _names(gdf, language):
    return gdf["name_short"] if language == "zh" else gdf["name_en"]


#: Most steps of the label placement of :func:`moran_scatter` (adjustText stops earlier when no two labels
#: overlap). A count, not a time: adjustText's default stops after one second of wall-clock time, so the step
#: it stopped at, and with it the figure, changed with the machine's load whenever the labels had not settled
#: by then (points close to a line, as with the inverse-distance matrix's smooth spatial lag).
LABEL_ITERATIONS = 200


def moran_scatter(
    z, lag_z, labels, *, var: str, I: float, p_sim: float, title: str = "", note: str = "", language: str = "zh"
):
    """Moran scatter plot of the standardised variable against its spatial lag.

    Parameters
    ----------
    z, lag_z : array_like
        Standardised values and their spatial lag (row-standardised weights).
    labels : sequence of str
        Point labels (province names), placed so that no two overlap by at most :data:`LABEL_ITERATIONS`
        steps of adjustText (the same placement on any machine).
    var : str
        Variable name for the axis labels.
    I, p_sim : float
        Moran's I and its pseudo p-value, shown in the title.
    title, note : str
        Figure title and a note written under the plot (data source, "simulated data", ...).
    language : {"zh", "en"}

    Returns
    -------
    matplotlib.figure.Figure
    """
    use_cjk_font()
    lab = _LABELS[language]
    fig, ax = plt.subplots(figsize=(6.4, 5.6))
    z, lag_z = np.asarray(z), np.asarray(lag_z)
    ax.axhline(0, color="0.6", lw=0.8)
    ax.axvline(0, color="0.6", lw=0.8)
    ax.scatter(z, lag_z, s=22, color="#2c7bb6", zorder=3)
    slope = float(np.dot(z, lag_z) / np.dot(z, z))
    xs = np.array([z.min(), z.max()])
    ax.plot(xs, slope * xs, color="#d7191c", lw=1.2, label=lab["moran"].format(I=I, p=p_sim))
    texts = [ax.text(xi, yi, t, fontsize=7) for xi, yi, t in zip(z, lag_z, labels if len(z) <= MAX_LABELS else [])]
    ax.set_xlabel(lab["scatter_x"].format(var=var))
    ax.set_ylabel(lab["scatter_y"].format(var=var))
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.set_title(title, fontsize=10)
    _note(fig, note)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    if texts:  # placed, once the layout is final, so that no two labels overlap (adjustText), each tied to
        # its point by a thin line
        from adjustText import adjust_text

        adjust_text(
            texts,
            x=z,
            y=lag_z,
            ax=ax,
            expand=(1.15, 1.3),
            iter_lim=LABEL_ITERATIONS,
            time_lim=None,
            arrowprops={"arrowstyle": "-", "color": "0.55", "lw": 0.4},
        )
    return fig


#: maps of this many units or more draw their polygons simplified to :data:`SIMPLIFY_M` metres, half a pixel of
#: the 7.2-inch figure at 300 dpi (about 2 km): the county boundaries' 4.2 million vertices made every map PDF
#: 62 MB and each figure job 2.5 minutes; smaller maps are drawn from the boundaries as they are
SIMPLIFY_MIN_UNITS = 1000
SIMPLIFY_M = 1000.0


def _map_axes(gdf, maritime=None):
    """A main map of the mainland and a South China Sea inset; returns (fig, main_ax, inset_ax, proj)."""
    proj = albers(gdf, SIMPLIFY_M if len(gdf) >= SIMPLIFY_MIN_UNITS else 0.0)
    fig, ax = plt.subplots(figsize=(7.2, 6.0))
    inset = ax.inset_axes([0.83, 0.02, 0.16, 0.27])
    mar = albers(maritime) if maritime is not None else None
    others = albers(load_other_units())
    for a in (ax, inset):
        others.plot(ax=a, color="white", edgecolor="0.35", linewidth=0.3, hatch="////")
    return fig, ax, inset, proj, mar


def _note(fig, note):
    """The note under the plot (data source, "simulated data", dropped units), wrapped at the figure's
    width: at the county level it is longer than one line and its end was cut off."""
    if note:
        fig.text(0.01, 0.01, note, fontsize=7, ha="left", va="bottom", color="0.3", wrap=True)


#: Name of the South China Sea inset, printed in its lower right corner as Chinese maps require.
INSET_NAME = {"zh": "南海诸岛", "en": "South China Sea Islands"}


#: The line under a map that carries the base map's approval number (审图号), required by Chinese journals.
APPROVAL = {"zh": "审图号：{n}", "en": "Map approval number: {n}"}


def approval_line(fig, number: str | None, language: str = "zh", *, above_note: bool = True) -> None:
    """Print ``审图号：<number>`` at the bottom right of a map figure, on a line of its own above the note
    (``above_note``); nothing when ``number`` is empty."""
    if number:
        y = 0.01 + (0.17 / fig.get_figheight() if above_note else 0.0)
        fig.text(0.99, y, APPROVAL[language].format(n=number), fontsize=7, ha="right", va="bottom", color="0.3")


def label_inset(inset, language: str = "zh", fontsize: float = 6) -> None:
    """Write 南海诸岛 (or its English name) in the lower right corner of a South China Sea inset."""
    inset.text(
        0.96,
        0.04,
        INSET_NAME[language],
        transform=inset.transAxes,
        ha="right",
        va="bottom",
        fontsize=fontsize,
        color="0.2",
        zorder=6,
    )


def _finish_map(fig, ax, inset, proj, mar, title, note, legend_handles, legend_title, language="zh", map_approval=None):
    x0, y0, x1, y1 = proj.total_bounds
    # main map: the mainland north of 17°N; the inset shows the South China Sea islands
    from pyproj import Transformer

    tf = Transformer.from_crs("EPSG:4326", CHINA_ALBERS, always_xy=True)
    _, ymin = tf.transform(110.0, 17.5)
    ax.set_xlim(x0, x1 + 0.14 * (x1 - x0))
    ax.set_ylim(ymin, y1)
    ax.set_axis_off()
    ax.set_aspect("equal")
    (ix0, iy0), (ix1, iy1) = tf.transform(106.0, 2.5), tf.transform(124.0, 24.5)
    inset.set_xlim(ix0, ix1)
    inset.set_ylim(iy0, iy1)
    inset.set_aspect("equal")
    if mar is not None:
        mar.plot(ax=inset, color="0.3", lw=0.5)
        mar.plot(ax=ax, color="0.3", lw=0.5)
    inset.set_xticks([])
    inset.set_yticks([])
    inset.set_xlabel("")
    inset.set_ylabel("")
    label_inset(inset, language)
    ax.legend(handles=legend_handles, title=legend_title, loc="lower left", fontsize=8, title_fontsize=8, frameon=False)
    ax.set_title(title, fontsize=10)
    _note(fig, note)
    approval_line(fig, map_approval, language, above_note=bool(note))
    fig.tight_layout(rect=(0, 0.03 + (0.2 / fig.get_figheight() if map_approval else 0), 1, 1))
    return fig


#: Maps and scatter plots name their units only up to this many (provinces, not prefectures or counties).
MAX_LABELS = 40


def _label(ax, proj, names):
    if len(proj) > MAX_LABELS:
        return
    pts = proj.geometry.representative_point()
    for p, t in zip(pts, names):
        ax.annotate(t, (p.x, p.y), ha="center", va="center", fontsize=6, color="0.15")


def lisa_cluster_map(
    gdf,
    clusters,
    *,
    title: str = "",
    note: str = "",
    language: str = "zh",
    maritime=None,
    label: bool = True,
    map_approval: str | None = None,
):
    """LISA cluster map (HH, LL, LH, HL, not significant, and units without neighbours if any).

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Provinces (see :func:`aicoord.geometry.load_provinces`), in the order of ``clusters``.
    clusters : sequence of str
        Cluster label per province (values of :data:`aicoord.autocorrelation.CLUSTER_LABELS`).
    title, note : str
    language : {"zh", "en"}
    maritime : geopandas.GeoSeries, optional
        Maritime boundary for the inset.
    label : bool
        Write province names on the map.
    map_approval : str, optional
        The base map's approval number, printed as ``审图号：…`` under the map (:func:`approval_line`).

    Returns
    -------
    matplotlib.figure.Figure
    """
    use_cjk_font()
    lab = _LABELS[language]
    fig, ax, inset, proj, mar = _map_axes(gdf, maritime)
    colours = [CLUSTER_COLOURS[c] for c in clusters]
    for a in (ax, inset):
        proj.plot(ax=a, color=colours, edgecolor="0.35", linewidth=0.3 if len(proj) <= MAX_LABELS else 0.05)
    if label:
        _label(ax, proj, _names(gdf, language))
    shown = [k for k in CLUSTER_COLOURS if k != "No neighbours" or k in set(clusters)]  # islands only if any
    handles = [Patch(facecolor=CLUSTER_COLOURS[k], edgecolor="0.35", label=lab[k]) for k in shown]
    handles.append(Patch(facecolor="white", edgecolor="0.35", hatch="////", label=lab["nodata"]))
    return _finish_map(fig, ax, inset, proj, mar, title, note, handles, "LISA", language, map_approval)


def lisa_significance_map(
    gdf,
    p_values,
    *,
    title: str = "",
    note: str = "",
    language: str = "zh",
    maritime=None,
    label: bool = True,
    map_approval: str | None = None,
):
    """Map of LISA pseudo p-values in the classes p ≤ 0.001, 0.01, 0.05 and not significant; a unit without
    neighbours (p NaN, see :func:`aicoord.autocorrelation.local_moran`) has its own class."""
    use_cjk_font()
    lab = _LABELS[language]
    classes = [
        (0.001, "p ≤ 0.001", "#006d2c"),
        (0.01, "p ≤ 0.01", "#31a354"),
        (0.05, "p ≤ 0.05", "#a1d99b"),
        (np.inf, lab["ns"], "#eeeeee"),
    ]
    p = np.asarray(p_values, dtype=float)
    colours = [
        CLUSTER_COLOURS["No neighbours"] if np.isnan(pi) else next(c for lim, _, c in classes if pi <= lim) for pi in p
    ]
    if np.isnan(p).any():
        classes.append((np.nan, lab["No neighbours"], CLUSTER_COLOURS["No neighbours"]))
    fig, ax, inset, proj, mar = _map_axes(gdf, maritime)
    for a in (ax, inset):
        proj.plot(ax=a, color=colours, edgecolor="0.35", linewidth=0.3 if len(proj) <= MAX_LABELS else 0.05)
    if label:
        _label(ax, proj, _names(gdf, language))
    handles = [Patch(facecolor=c, edgecolor="0.35", label=t) for _, t, c in classes]
    handles.append(Patch(facecolor="white", edgecolor="0.35", hatch="////", label=lab["nodata"]))
    return _finish_map(fig, ax, inset, proj, mar, title, note, handles, lab["sig"], language, map_approval)


def save_figure(fig, *paths) -> None:
    """Save ``fig`` atomically to each path (PNG at 200 dpi, or PDF, by suffix), with fixed metadata,
    then close it."""
    for path in map(Path, paths):
        meta = (
            {"Software": "aicoord"}
            if path.suffix == ".png"
            else {"Creator": "aicoord", "Producer": "aicoord", "CreationDate": None}
        )
        with atomic_path(path) as tmp:
            fig.savefig(tmp, dpi=200, metadata=meta, format=path.suffix.lstrip("."))
    plt.close(fig)


# ----------------------------------------------------------------------------- kernel densities


def kde_figure(
    data,
    value,
    *,
    year="year",
    years=None,
    population=None,
    note=None,
    relative=True,
    bw_method=None,
    xlabel=None,
    ylabel="Density",
    title=None,
    grid_points=256,
):
    """Kernel density curves of (relative) GDP per capita, one curve per year.

    Parameters
    ----------
    data : pandas.DataFrame
        Long table.
    value : str
        Variable, e.g. GDP per capita.
    year : str
        Year column.
    years : sequence of int, optional
        Years to draw (default all years in the data).
    population : str, optional
        Population for the national value when ``relative`` (see :func:`relative_to_national`).
    note : str, optional
        Text written under the plot (e.g. ``"simulated data"`` or the data source).
    relative : bool, default True
        Plot y_it / national value of year t.
    bw_method : str, float or callable, optional
        Passed to :class:`scipy.stats.gaussian_kde` (default Scott's rule,
        h = σ̂ n^{-1/5} with the sample SD).
    xlabel, ylabel, title : str, optional
        Axis labels and title.
    grid_points : int
        Number of evaluation points of each curve.

    Returns
    -------
    matplotlib.figure.Figure
        One ``Line2D`` per year, labelled with the year. The figure is not shown or saved.
    """
    import pandas as pd
    from matplotlib.figure import Figure
    from scipy.stats import gaussian_kde

    from .gaps import check_columns, positive_values, relative_to_national

    check_columns(data, [year, value, population])
    v = (
        relative_to_national(data, value, year=year, population=population)
        if relative
        else positive_values(data[value], value)
    )
    ys = sorted(pd.unique(data[year])) if years is None else list(years)
    missing = [y for y in ys if not (data[year] == y).any()]
    if missing:
        raise InputError(f"years not in the data: {missing}", column=year)
    lo, hi = float(v.min()), float(v.max())
    pad = 0.25 * (hi - lo if hi > lo else 1.0)
    grid = np.linspace(lo - pad, hi + pad, grid_points)
    fig = Figure(figsize=(6.4, 4.4))
    ax = fig.add_subplot(111)
    for y in ys:
        x = v[(data[year] == y).to_numpy()].to_numpy()
        if x.size < 2 or np.ptp(x) == 0:
            raise InputError(f"year {y}: need at least two distinct values for a density")
        ax.plot(grid, gaussian_kde(x, bw_method=bw_method)(grid), label=str(y))
    xlabel = xlabel or (f"{value} relative to national value" if relative else value)
    texts = [t for t in (xlabel, ylabel, title, note, str(year)) if t]
    font = cjk_font() if any(_CJK.search(t) for t in texts) else None
    kw = {"fontproperties": font} if font is not None else {}
    ax.set_xlabel(xlabel, **kw)
    ax.set_ylabel(ylabel, **kw)
    if title:
        ax.set_title(title, **kw)
    leg = ax.legend(title=year, fontsize="small")
    if font is not None:
        leg.get_title().set_fontproperties(font)
    if note:
        fig.subplots_adjust(bottom=0.2)
        fig.text(0.01, 0.01, note, ha="left", va="bottom", fontsize="small", style="italic", **kw)
    return fig


_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def cjk_font():
    """FontProperties of Noto Sans CJK SC shipped by ``mplfonts`` (None if unavailable).

    Used only for the texts of the figure (no global rcParams change), so Chinese labels and
    notes are not drawn as missing-glyph boxes.
    """
    try:
        from matplotlib.font_manager import FontProperties

        path = cjk_font_path()
    except ImportError:  # pragma: no cover
        return None
    return FontProperties(fname=str(path)) if path.exists() else None
