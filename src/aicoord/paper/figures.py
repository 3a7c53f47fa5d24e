"""Paper figures: choropleth maps with class breaks, small multiples of LISA cluster maps, and
coefficient plots of spatial effects and mediated effects.

All figures use the Agg backend and the Noto Sans CJK SC font of :func:`aicoord.plotting.use_cjk_font`,
colour-blind-safe palettes (ColorBrewer sequential schemes for classes, ColorBrewer RdYlBu for LISA
clusters, Okabe–Ito for categories), and are saved by :func:`save_paper_figure` as PNG at 300 dpi and
vector PDF with fixed metadata, so that the same inputs give the same files. Maps are drawn in
:data:`aicoord.geometry.CHINA_ALBERS` with the South China Sea islands in an inset, a north arrow and a
scale bar; Taiwan, Hong Kong and Macao are drawn hatched as units without data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Patch, Polygon, Rectangle  # noqa: E402

from ..geometry import CHINA_ALBERS, albers, load_other_units  # noqa: E402
from ..io import atomic_path  # noqa: E402
from ..plotting import CLUSTER_COLOURS, approval_line, label_inset, use_cjk_font  # noqa: E402
from .numbers import NumberFormat  # noqa: E402

__all__ = [
    "OKABE_ITO",
    "NO_DATA",
    "classify",
    "choropleth",
    "lisa_small_multiples",
    "FIGURE_WORDS",
    "save_paper_figure",
]

#: Okabe & Ito (2008) colour-blind-safe categorical palette.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}
#: Fill of units without data (white, hatched).
NO_DATA = {"facecolor": "white", "edgecolor": "0.35", "hatch": "////"}

#: The fixed words of the figures, by language (legends, scale bar).
FIGURE_WORDS = {
    "zh": {
        "nodata": "无数据",
        "HH": "高-高",
        "LL": "低-低",
        "LH": "低-高",
        "HL": "高-低",
        "Not significant": "不显著",
        "No neighbours": "无邻居",
        "direct": "直接效应",
        "indirect": "间接效应",
        "total": "总效应",
        "estimate": "点估计",
        "ci": "{level}% 置信区间",
        "excl": "区间不含 0",
        "incl": "区间含 0",
        "mediated": "中介效应",
        "km": "千米",
    },
    "en": {
        "nodata": "No data",
        "HH": "High-High",
        "LL": "Low-Low",
        "LH": "Low-High",
        "HL": "High-Low",
        "Not significant": "Not significant",
        "No neighbours": "No neighbours",
        "direct": "Direct",
        "indirect": "Indirect",
        "total": "Total",
        "estimate": "Estimate",
        "ci": "{level}% confidence interval",
        "excl": "Interval excludes 0",
        "incl": "Interval includes 0",
        "mediated": "Mediated effect",
        "km": "km",
    },
}


# --------------------------------------------------------------------------------------------- maps
def classify(values, *, scheme: str = "fisher_jenks", k: int = 5):
    """Class breaks of ``values`` (NaN ignored) by a ``mapclassify`` scheme.

    ``"fisher_jenks"`` (default) is Jenks' natural breaks computed exactly (Fisher 1958), which is
    deterministic, unlike mapclassify's sampled ``NaturalBreaks``; any name accepted by
    :func:`mapclassify.classify` works (``"quantiles"``, ``"equal_interval"``, ``"natural_breaks"``, ...).

    Returns
    -------
    (bins, yb) : numpy arrays
        Upper bounds of the classes, and the class of each value (-1 for NaN).
    """
    import mapclassify

    y = np.asarray(values, dtype=float)
    ok = np.isfinite(y)
    if ok.sum() < k:
        raise ValueError(f"{ok.sum()} finite values cannot make {k} classes")
    if scheme == "fisher_jenks":
        mc = mapclassify.FisherJenks(y[ok], k=k)
    else:
        mc = mapclassify.classify(y[ok], scheme, k=k)
    yb = np.full(len(y), -1)
    yb[ok] = mc.yb
    return np.asarray(mc.bins, dtype=float), yb


def _frame(ax):
    """Main-map limits: the mainland north of 17.5°N, with room on the right for the inset."""
    from pyproj import Transformer

    tf = Transformer.from_crs("EPSG:4326", CHINA_ALBERS, always_xy=True)
    x0, _ = tf.transform(73.0, 40.0)
    x1, _ = tf.transform(135.5, 40.0)
    _, ymin = tf.transform(110.0, 17.5)
    _, ymax = tf.transform(105.0, 54.0)
    ax.set_xlim(x0 - 2.5e5, x1 + 6.0e5)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return tf


def _inset(ax, size=(0.15, 0.25), language="zh", fontsize=6):
    """A South China Sea inset in the lower right corner of ``ax``, named 南海诸岛 in its corner."""
    from pyproj import Transformer

    tf = Transformer.from_crs("EPSG:4326", CHINA_ALBERS, always_xy=True)
    inset = ax.inset_axes([1 - size[0] - 0.005, 0.005, size[0], size[1]])
    (ix0, iy0), (ix1, iy1) = tf.transform(106.0, 2.5), tf.transform(124.0, 24.5)
    inset.set_xlim(ix0, ix1)
    inset.set_ylim(iy0, iy1)
    inset.set_aspect("equal")
    inset.set_xticks([])
    inset.set_yticks([])
    for s in inset.spines.values():
        s.set_linewidth(0.6)
    label_inset(inset, language, fontsize)
    return inset


def _draw_units(axes, proj, colours, others, mar, lw=0.3):
    for a in axes:
        others.plot(
            ax=a, color=NO_DATA["facecolor"], edgecolor=NO_DATA["edgecolor"], linewidth=lw, hatch=NO_DATA["hatch"]
        )
        proj.plot(ax=a, color=colours, edgecolor="0.35", linewidth=lw)
        if mar is not None:
            mar.plot(ax=a, color="0.3", lw=0.5)
        a.set_xlabel("")
        a.set_ylabel("")


def _layers(gdf, maritime, tolerance_m):
    """Provinces, Taiwan/Hong Kong/Macao and the maritime lines in the Albers projection, simplified to
    ``tolerance_m`` metres (below a pixel of the figure; keeps the PDF small)."""
    mar = albers(maritime, tolerance_m) if maritime is not None else None
    return albers(gdf, tolerance_m), albers(load_other_units(), tolerance_m), mar


#: Label offsets (metres east, north) with a leader line for provinces too small to hold their name.
_LABEL_OFFSETS = {"110000": (-1.4e5, 1.6e5), "120000": (1.9e5, 0.5e5), "310000": (2.0e5, -0.3e5)}


def _luminance(hex_colour):
    r, g, b = (c / 1 for c in matplotlib.colors.to_rgb(hex_colour))
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _label_provinces(ax, gdf, proj, colours, language, fontsize=6):
    """Province names at representative points, white on dark fills; Beijing, Tianjin and Shanghai
    beside their polygon with a leader line. Units below the provinces are too many to name (none is named)."""
    if len(gdf) > 40:
        return
    for code, p, t, c in zip(
        gdf["code"].astype(str), proj.geometry.representative_point(), _names(gdf, language), colours
    ):
        if code in _LABEL_OFFSETS:
            dx, dy = _LABEL_OFFSETS[code]
            ax.annotate(
                t,
                (p.x, p.y),
                xytext=(p.x + dx, p.y + dy),
                textcoords="data",
                ha="left" if dx > 0 else "right",
                va="center",
                fontsize=fontsize,
                color="0.15",
                arrowprops={"arrowstyle": "-", "color": "0.3", "lw": 0.5, "shrinkA": 1, "shrinkB": 0},
            )
        else:
            ax.annotate(
                t,
                (p.x, p.y),
                ha="center",
                va="center",
                fontsize=fontsize,
                color="white" if _luminance(c) < 0.18 else "0.15",
            )


def _north_arrow(ax, xy=(0.07, 0.86), size=0.07):
    """A north arrow (a split triangle with "N") at axes fraction ``xy``."""
    x, y = xy
    w = size * 0.35
    ax.add_patch(
        Polygon(
            [(x - w, y), (x, y + size), (x, y + size * 0.28)],
            closed=True,
            transform=ax.transAxes,
            facecolor="black",
            edgecolor="black",
            lw=0.6,
            zorder=5,
        )
    )
    ax.add_patch(
        Polygon(
            [(x + w, y), (x, y + size), (x, y + size * 0.28)],
            closed=True,
            transform=ax.transAxes,
            facecolor="white",
            edgecolor="black",
            lw=0.6,
            zorder=5,
        )
    )
    ax.text(x, y + size + 0.012, "N", transform=ax.transAxes, ha="center", va="bottom", fontsize=9, zorder=5)


def _scale_bar(ax, *, segments_km=(0, 250, 500, 1000), at=(0.36, 0.045), height_frac=0.008, language="zh", fontsize=7):
    """A segmented scale bar in map units (metres of the equal-area projection; exact along the
    standard parallels, within about 1% at the bar's latitude)."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    bx = x0 + at[0] * (x1 - x0)
    by = y0 + at[1] * (y1 - y0)
    h = height_frac * (y1 - y0)
    for i, (a, b) in enumerate(zip(segments_km[:-1], segments_km[1:])):
        ax.add_patch(
            Rectangle(
                (bx + a * 1e3, by),
                (b - a) * 1e3,
                h,
                facecolor="black" if i % 2 == 0 else "white",
                edgecolor="black",
                lw=0.6,
                zorder=5,
            )
        )
    for s in segments_km:
        ax.text(bx + s * 1e3, by + h * 1.6, f"{s:g}", ha="center", va="bottom", fontsize=fontsize, zorder=5)
    ax.text(
        bx + segments_km[-1] * 1e3 + 0.02 * (x1 - x0),
        by + h / 2,
        FIGURE_WORDS[language]["km"],
        ha="left",
        va="center",
        fontsize=fontsize,
        zorder=5,
    )


def _names(gdf, language):
    return gdf["name_short"] if language == "zh" else gdf["name_en"]


def _class_labels(bins, vmin, fmt: NumberFormat):
    lows = [vmin] + list(bins[:-1])
    return [f"{fmt(lo)} – {fmt(hi)}" for lo, hi in zip(lows, bins)]


def choropleth(
    gdf,
    values,
    *,
    scheme: str = "fisher_jenks",
    k: int = 5,
    cmap: str = "YlGnBu",
    title: str = "",
    legend_title: str = "",
    note: str = "",
    language: str = "zh",
    maritime=None,
    label: bool = True,
    decimals: int = 2,
    fmt: NumberFormat | None = None,
    simplify_m: float = 500.0,
    map_approval: str | None = None,
):
    """Choropleth map of a provincial variable in ``k`` classes.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Provinces (:func:`aicoord.geometry.load_provinces`), in the order of ``values``.
    values : array_like
        One value per province; NaN is drawn hatched as no data.
    scheme, k : str, int
        Classification (see :func:`classify`); Jenks natural breaks by default.
    cmap : str
        A sequential colour-blind-safe ColorBrewer map (``YlGnBu``, ``YlOrRd``, ``Blues``, ...).
    title, legend_title, note : str
        ``note`` is written under the map (data source; "模拟数据 (simulated data)" where it applies).
    language : {"zh", "en"}
        Province names and fixed words.
    maritime : geopandas.GeoSeries, optional
        South China Sea boundary lines (:func:`aicoord.geometry.load_maritime_boundary`).
    label : bool
        Write province names.
    decimals, fmt
        Class limits are written by the tables' :class:`~aicoord.paper.numbers.NumberFormat`.
    map_approval : str, optional
        The base map's approval number, printed as ``审图号：…`` under the map
        (:func:`aicoord.plotting.approval_line`).
    simplify_m : float
        Outline simplification tolerance in metres (0 keeps the full AMap detail).

    Returns
    -------
    matplotlib.figure.Figure
        Legend entries: the classes ("lo – hi", from the minimum to each upper bound) then "无数据"/"No data".
    """
    use_cjk_font()
    fmt = NumberFormat(decimals=decimals) if fmt is None else fmt
    words = FIGURE_WORDS[language]
    y = np.asarray(values, dtype=float)
    if len(y) != len(gdf):
        raise ValueError(f"{len(y)} values for {len(gdf)} provinces")
    bins, yb = classify(y, scheme=scheme, k=k)
    palette = [matplotlib.colors.to_hex(c) for c in plt.get_cmap(cmap)(np.linspace(0.12, 0.95, len(bins)))]
    colours = [palette[c] if c >= 0 else "white" for c in yb]
    proj, others, mar = _layers(gdf, maritime, simplify_m)
    fig, ax = plt.subplots(figsize=(7.2, 6.0))
    _frame(ax)
    inset = _inset(ax, language=language)
    _draw_units((ax, inset), proj, colours, others, mar)
    nodata = proj[yb < 0]
    if len(nodata):
        for a in (ax, inset):
            nodata.plot(ax=a, color="white", edgecolor="0.35", linewidth=0.3, hatch=NO_DATA["hatch"])
    if label:
        _label_provinces(ax, gdf, proj, colours, language)
    handles = [
        Patch(facecolor=c, edgecolor="0.35", label=lab)
        for c, lab in zip(palette, _class_labels(bins, np.nanmin(y), fmt))
    ]
    handles.append(Patch(label=words["nodata"], **NO_DATA))
    ax.legend(
        handles=handles,
        title=legend_title or None,
        loc="lower left",
        fontsize=8,
        title_fontsize=8,
        frameon=False,
        bbox_to_anchor=(0.0, 0.09),
    )
    _north_arrow(ax)
    _scale_bar(ax, language=language, at=(0.02, 0.035))
    ax.set_title(title, fontsize=11)
    if note:
        fig.text(0.01, 0.01, note, fontsize=7, ha="left", va="bottom", color="0.3")
    approval_line(fig, map_approval, language, above_note=bool(note))
    fig.tight_layout(rect=(0, 0.03 + (0.2 / fig.get_figheight() if map_approval else 0), 1, 1))
    return fig


def lisa_small_multiples(
    gdf,
    clusters: Mapping,
    *,
    years: Sequence,
    weights: Sequence[str],
    weight_labels: Mapping[str, str] | None = None,
    title: str = "",
    note: str = "",
    language: str = "zh",
    maritime=None,
    panel_size=(2.5, 2.0),
    simplify_m: float = 2000.0,
    map_approval: str | None = None,
):
    """A grid of LISA cluster maps: one row per weights matrix, one column per year, one shared legend.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Provinces in the order of each cluster sequence.
    clusters : mapping (year, weights name) → sequence of str
        Cluster label per province ("HH", "LL", "LH", "HL", "Not significant", "No neighbours", as in
        :data:`aicoord.autocorrelation.CLUSTER_LABELS`); a missing key leaves its panel empty ("—").
    years, weights : sequences
        Column and row order.
    weight_labels : mapping, optional
        Row titles of the weights matrices (default their names).
    title, note, language, maritime, simplify_m, map_approval
        As in :func:`choropleth` (outlines simplified to 2 km by default: a pixel of a panel is ~7 km).

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.legends[0]``: the five clusters ("No neighbours"/"无邻居" too when a map has such units) and
        "无数据"/"No data".
    """
    use_cjk_font()
    words = FIGURE_WORDS[language]
    weight_labels = dict(weight_labels or {})
    nr, nc = len(weights), len(years)
    fig, axes = plt.subplots(nr, nc, figsize=(panel_size[0] * nc + 0.5, panel_size[1] * nr + 0.9), squeeze=False)
    proj, others, mar = _layers(gdf, maritime, simplify_m)
    for i, w in enumerate(weights):
        for j, yr in enumerate(years):
            ax = axes[i, j]
            _frame(ax)
            key = (yr, w)
            if key not in clusters:
                ax.text(0.5, 0.5, "—", transform=ax.transAxes, ha="center", va="center")
            else:
                cl = list(clusters[key])
                if len(cl) != len(gdf):
                    raise ValueError(f"{key}: {len(cl)} clusters for {len(gdf)} provinces")
                unknown = set(cl) - set(CLUSTER_COLOURS)
                if unknown:
                    raise ValueError(f"{key}: unknown cluster labels {sorted(unknown)}")
                inset = _inset(ax, size=(0.2, 0.32), language=language, fontsize=4.5)
                _draw_units((ax, inset), proj, [CLUSTER_COLOURS[c] for c in cl], others, mar, lw=0.2)
            if i == 0:
                ax.set_title(str(yr), fontsize=10)
            if j == 0:
                ax.text(
                    -0.04,
                    0.5,
                    weight_labels.get(w, w),
                    transform=ax.transAxes,
                    rotation=90,
                    ha="right",
                    va="center",
                    fontsize=10,
                )
    present = {c for cl in clusters.values() for c in cl}
    handles = [
        Patch(facecolor=CLUSTER_COLOURS[c], edgecolor="0.35", label=words[c])
        for c in CLUSTER_COLOURS
        if c != "No neighbours" or c in present
    ]  # the islands' entry only when a map has one
    handles.append(Patch(label=words["nodata"], **NO_DATA))
    fig.legend(
        handles=handles,
        loc="lower center",
        ncol=len(handles),
        fontsize=8,
        frameon=False,
        bbox_to_anchor=(0.5, (0.035 if note else 0.0) + (0.2 / fig.get_figheight() if map_approval else 0)),
    )
    if title:
        fig.suptitle(title, fontsize=11)
    if note:
        fig.text(0.01, 0.008, note, fontsize=7, ha="left", va="bottom", color="0.3")
    approval_line(fig, map_approval, language, above_note=bool(note))
    bottom = (0.55 + (0.2 if note else 0) + (0.2 if map_approval else 0)) / fig.get_figheight()
    top = 1 - (0.6 if title else 0.2) / fig.get_figheight()
    fig.subplots_adjust(left=0.05, right=0.995, bottom=bottom, top=top, wspace=0.03, hspace=0.06)
    return fig


def save_paper_figure(fig, *paths, dpi: int = 300) -> None:
    """Save ``fig`` atomically to each path (PNG at ``dpi``, PDF as vectors, chosen by suffix) with fixed
    metadata (no creation date), then close it."""
    for path in map(Path, paths):
        fmt = path.suffix.lstrip(".").lower()
        if fmt not in ("png", "pdf"):
            raise ValueError(f"{path}: use .png or .pdf")
        meta = (
            {"Software": "aicoord"}
            if fmt == "png"
            else {"Creator": "aicoord", "Producer": "aicoord", "CreationDate": None}
        )
        with atomic_path(path) as tmp:
            fig.savefig(tmp, dpi=dpi, metadata=meta, format=fmt)
    plt.close(fig)
