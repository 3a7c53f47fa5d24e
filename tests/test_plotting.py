"""Tests of aicoord.plotting: kernel densities (values against an independent Gaussian KDE) and fonts."""

import math
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from aicoord.gaps import relative_to_national
from aicoord.plotting import kde_figure

matplotlib.use("Agg")
FIX = Path(__file__).parent / "fixtures" / "measures"


@pytest.fixture(scope="module")
def panel():
    return pd.read_csv(FIX / "convergence_panel.csv")


def test_kde_figure_curves_and_note(panel):
    fig = kde_figure(panel, "gdp_pc", years=[2015, 2022], note="simulated data")
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert [ln.get_label() for ln in lines] == ["2015", "2022"]
    assert "simulated data" in [t.get_text() for t in fig.texts]
    # independent Gaussian KDE with Scott's bandwidth h = sd * n^(-1/5)
    rel = relative_to_national(panel, "gdp_pc")
    x = rel[panel["year"] == 2022].to_numpy()
    h = x.std(ddof=1) * len(x) ** (-1 / 5)
    grid = lines[1].get_xdata()
    dens = np.exp(-0.5 * ((grid[:, None] - x[None, :]) / h) ** 2).sum(1) / (len(x) * h * math.sqrt(2 * math.pi))
    assert_allclose(lines[1].get_ydata(), dens, rtol=1e-10)


def test_kde_figure_chinese_note_uses_cjk_font(panel):
    import warnings

    fig = kde_figure(panel, "gdp_pc", years=[2015], note="注：模拟数据", xlabel="相对人均GDP")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing CJK glyph would warn while drawing
        fig.canvas.draw()
    note = [t for t in fig.texts if t.get_text() == "注：模拟数据"][0]
    assert "CJK" in note.get_fontproperties().get_name()


def test_lisa_cluster_map_legend_and_colours(provinces_gdf):
    """Legend entries in order with their colours, and every province filled with its cluster's colour."""
    from matplotlib.colors import to_hex

    from aicoord.plotting import CLUSTER_COLOURS, lisa_cluster_map

    labels = ["HH", "LL", "LH", "HL", "Not significant"]
    clusters = [labels[i % 5] for i in range(31)]
    fig = lisa_cluster_map(provinces_gdf, clusters, title="t", note="n", language="en")
    ax = fig.axes[0]
    legend = ax.get_legend()
    texts = [t.get_text() for t in legend.get_texts()]
    assert texts == ["High-High", "Low-Low", "Low-High", "High-Low", "Not significant", "No data"]
    handles = legend.legend_handles
    assert [to_hex(h.get_facecolor()) for h in handles[:5]] == [
        CLUSTER_COLOURS[k] for k in CLUSTER_COLOURS if k != "No neighbours"
    ]  # no island drawn
    provinces = ax.collections[-1]  # the provinces, drawn over the no-data units
    faces = [to_hex(c) for c in provinces.get_facecolor()]
    assert faces == [CLUSTER_COLOURS[c] for c in clusters]
    zh = lisa_cluster_map(provinces_gdf, clusters, language="zh")
    assert [t.get_text() for t in zh.axes[0].get_legend().get_texts()][:2] == ["高-高", "低-低"]


def test_lisa_significance_map_classes(provinces_gdf):
    from matplotlib.colors import to_hex

    from aicoord.plotting import lisa_significance_map

    p = np.array([0.0005, 0.005, 0.02, 0.3] * 7 + [0.001, 0.01, 0.05])
    fig = lisa_significance_map(provinces_gdf, p, language="en")
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == ["p ≤ 0.001", "p ≤ 0.01", "p ≤ 0.05", "Not significant", "No data"]
    colour = {
        0.0005: "#006d2c",
        0.001: "#006d2c",
        0.005: "#31a354",
        0.01: "#31a354",
        0.02: "#a1d99b",
        0.05: "#a1d99b",
        0.3: "#eeeeee",
    }
    faces = [to_hex(c) for c in ax.collections[-1].get_facecolor()]
    assert faces == [colour[v] for v in p]


def test_moran_scatter_slope_legend_and_colours(spdep_reference, ai_index):
    """Moran scatter: with row-standardised weights the red line's slope is Moran's I (R spdep's value for the
    queen matrix), its legend entry prints I and the pseudo p-value, points are blue and labelled with no two
    labels overlapping (adjustText), the note is written."""
    from matplotlib.colors import to_hex

    from aicoord.plotting import moran_scatter

    codes = spdep_reference["codes"]
    nb = spdep_reference["results"]["queen"]["neighbours"]
    w = np.zeros((31, 31))
    for i, c in enumerate(codes):
        for d in np.atleast_1d(nb[c]):
            w[i, codes.index(d)] = 1
    w /= w.sum(axis=1, keepdims=True)
    y = ai_index.loc[codes].to_numpy()
    z = (y - y.mean()) / y.std()
    i_r = spdep_reference["results"]["queen"]["I"]
    fig = moran_scatter(z, w @ z, codes, var="AI", I=i_r, p_sim=0.001, note="Source: test", language="en")
    ax = fig.axes[0]
    line = ax.get_lines()[-1]
    xs, ys = line.get_data()
    assert_allclose((ys[1] - ys[0]) / (xs[1] - xs[0]), i_r, rtol=1e-9)
    assert to_hex(line.get_color()) == "#d7191c"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [f"Moran's I = {i_r:.4f} (pseudo p = 0.001)"]
    pts = ax.collections[0]
    assert {to_hex(c) for c in pts.get_facecolor()} == {"#2c7bb6"} and len(pts.get_offsets()) == 31
    labels = [t for t in ax.texts if t.get_text()]  # adjustText's connectors are empty annotations
    assert sorted(t.get_text() for t in labels) == sorted(codes)
    fig.canvas.draw()
    boxes = [t.get_window_extent() for t in labels]
    overlaps = [
        (labels[i].get_text(), labels[j].get_text())
        for i in range(len(boxes))
        for j in range(i + 1, len(boxes))
        if boxes[i].overlaps(boxes[j])
    ]
    assert overlaps == []
    assert "Source: test" in [t.get_text() for t in fig.texts]


def test_a_long_note_is_wrapped_at_the_figure_width():
    """At the county level the note (simulated data, source, 2,847 units, 金门县 dropped) is longer than one
    line; it must wrap instead of running past the figure's right edge."""
    import matplotlib.pyplot as plt

    from aicoord.plotting import _note

    fig = plt.figure(figsize=(12, 10))
    _note(fig, "simulated data; source: aicoord.simulate demonstration panel | 2847 county-level units " * 4)
    _note(fig, "short note")
    fig.canvas.draw()
    long_note, short_note = fig.texts
    assert "\n" in long_note._get_wrapped_text() and "\n" not in short_note._get_wrapped_text()
    plt.close(fig)


def test_maps_of_many_units_draw_simplified_polygons(provinces_gdf, monkeypatch):
    """From SIMPLIFY_MIN_UNITS units on (the county level) the polygons are drawn simplified to SIMPLIFY_M metres
    (a county map's PDF was 62 MB); below it they are drawn as they are. Here the threshold is lowered to the 31
    provinces, and the drawn vertices are counted."""
    from aicoord import plotting

    clusters = ["Not significant"] * 31

    def drawn_vertices():
        fig = plotting.lisa_cluster_map(provinces_gdf, clusters, language="en", label=False)
        return sum(len(p.vertices) for p in fig.axes[0].collections[-1].get_paths())

    full = drawn_vertices()
    monkeypatch.setattr(plotting, "SIMPLIFY_MIN_UNITS", 31)
    simplified = drawn_vertices()
    want = provinces_gdf.to_crs(plotting.CHINA_ALBERS).geometry.simplify(plotting.SIMPLIFY_M, preserve_topology=True)
    assert simplified < full
    import shapely

    rings = sum(len(shapely.get_parts(g)) + sum(len(p.interiors) for p in shapely.get_parts(g)) for g in want)
    assert simplified <= int(shapely.get_num_coordinates(want.values).sum()) + rings  # path closing vertices
