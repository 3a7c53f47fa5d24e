"""The maps' furniture and outlines, measured on the drawn figure (mutation draw of issue 22: the scale bar's and
north arrow's edges and the LISA maps' outline simplification were changed by mutants no test saw).

References are computed by hand: the scale bar's segments are 250, 250 and 500 km long in metres of the
equal-area projection; the north arrow is two triangles meeting at its tip; the LISA panels' outlines have the
vertices of the provinces simplified to 2 km in that projection by shapely."""

import matplotlib
import numpy as np
import pytest
from matplotlib.collections import PatchCollection
from matplotlib.colors import to_hex, to_rgba
from matplotlib.patches import Polygon, Rectangle

from aicoord.geometry import CHINA_ALBERS
from aicoord.paper.figures import choropleth, lisa_small_multiples


def _vertices(geoms):
    """Number of exterior and interior ring vertices of (multi)polygons, as matplotlib paths hold them."""
    n = 0
    for g in geoms:
        for p in getattr(g, "geoms", [g]):
            n += len(p.exterior.coords) + sum(len(r.coords) for r in p.interiors)
    return n


@pytest.fixture(scope="module")
def en_map(provinces_gdf, ai_index):
    fig = choropleth(provinces_gdf, ai_index.loc[provinces_gdf["code"]].to_numpy(float), language="en", label=False)
    yield fig.axes[0]
    matplotlib.pyplot.close(fig)


def test_scale_bar_segments_are_250_250_and_500_km_with_black_edges(en_map):
    ax = en_map
    bars = sorted(
        (p for p in ax.patches if isinstance(p, Rectangle) and p.get_data_transform() == ax.transData),
        key=lambda r: r.get_x(),
    )
    assert [r.get_width() for r in bars] == pytest.approx([250e3, 250e3, 500e3], abs=1e-6)
    x0 = bars[0].get_x()
    assert [r.get_x() - x0 for r in bars] == pytest.approx([0, 250e3, 500e3], abs=1e-6)  # adjacent segments
    assert [to_hex(r.get_facecolor()) for r in bars] == ["#000000", "#ffffff", "#000000"]
    assert all(to_rgba(r.get_edgecolor()) == to_rgba("black") and r.get_linewidth() > 0 for r in bars)
    assert len({r.get_y() for r in bars}) == 1 and len({r.get_height() for r in bars}) == 1
    # each mark stands over its distance, the unit right of the bar
    marks = {t.get_text(): t.get_position()[0] - x0 for t in ax.texts if t.get_text() in ("0", "250", "500", "1000")}
    assert marks == pytest.approx({"0": 0.0, "250": 250e3, "500": 500e3, "1000": 1000e3}, abs=1e-6)
    km = [t for t in ax.texts if t.get_text() == "km"]
    assert len(km) == 1 and km[0].get_position()[0] > x0 + 1000e3 and km[0].get_ha() == "left"
    # drawn over the provinces
    prov = max((c for c in ax.collections if isinstance(c, PatchCollection)), key=lambda c: len(c.get_paths()))
    assert min(r.get_zorder() for r in bars) > prov.get_zorder()


def test_north_arrow_is_a_black_and_a_white_half_meeting_at_the_tip(en_map):
    ax = en_map
    halves = [p for p in ax.patches if isinstance(p, Polygon) and p.get_data_transform() == ax.transAxes]
    assert len(halves) == 2
    left, right = sorted(halves, key=lambda p: p.get_xy()[:, 0].min())
    assert to_hex(left.get_facecolor()) == "#000000" and to_hex(right.get_facecolor()) == "#ffffff"
    # the white half is outlined in black (else it vanishes on a white page), and so is the black one
    assert all(to_rgba(p.get_edgecolor()) == to_rgba("black") and p.get_linewidth() > 0 for p in halves)
    tip = left.get_xy()[:3][np.argmax(left.get_xy()[:3, 1])]
    assert tip == pytest.approx(right.get_xy()[:3][np.argmax(right.get_xy()[:3, 1])])
    # symmetric about the vertical through the tip, pointing up, with an "N" above the tip
    assert left.get_xy()[:3, 0].min() == pytest.approx(2 * tip[0] - right.get_xy()[:3, 0].max())
    n = [t for t in ax.texts if t.get_text() == "N"]
    assert len(n) == 1 and n[0].get_position()[1] > tip[1] and n[0].get_position()[0] == pytest.approx(tip[0])
    prov = max((c for c in ax.collections if isinstance(c, PatchCollection)), key=lambda c: len(c.get_paths()))
    assert min(p.get_zorder() for p in halves) > prov.get_zorder()


def test_lisa_maps_draw_outlines_simplified_to_two_kilometres(provinces_gdf):
    clusters = {(2023, "queen"): ["Not significant"] * len(provinces_gdf)}
    proj = provinces_gdf.to_crs(CHINA_ALBERS)
    want = _vertices(proj.geometry.simplify(2000.0, preserve_topology=True))
    full = _vertices(proj.geometry)
    assert want < full / 3  # (the provinces' AMap outlines have many more vertices than a 2 km outline)
    for kw, expected in (({}, want), ({"simplify_m": 0}, full)):
        fig = lisa_small_multiples(provinces_gdf, clusters, years=[2023], weights=["queen"], **kw)
        ax = fig.axes[0]
        prov = next(
            c for c in ax.collections if isinstance(c, PatchCollection) and len(c.get_paths()) >= len(provinces_gdf)
        )
        drawn = sum(len(p.vertices) for p in prov.get_paths())  # a ring's closing vertex included, as in shapely
        assert drawn == expected, kw
        matplotlib.pyplot.close(fig)


@pytest.mark.quick
def test_effects_plot_type_sizes_descend_from_title_to_panels_to_ticks():
    """A figure's type hierarchy: the figure title above the panel titles, which are above the axis labels and
    tick labels (the panels' titles at matplotlib's default "large" would outgrow the figure's title)."""
    import pandas as pd

    from aicoord.paper.plots import effects_plot

    df = pd.DataFrame(
        {
            "variant": ["A", "A", "A", "B"],
            "effect": ["direct", "indirect", "total", "total"],
            "estimate": [0.1, 0.2, 0.3, 0.25],
            "lower": [0.0, 0.1, 0.1, 0.05],
            "upper": [0.2, 0.3, 0.5, 0.45],
        }
    )
    fig = effects_plot(df, title="Effects of AI", language="en")
    title = fig._suptitle.get_fontsize()
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert panels
    for ax in panels:
        ticks = [t.get_fontsize() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        assert title > ax.title.get_fontsize() > max(ticks), (title, ax.title.get_fontsize(), ticks)
        if ax.get_xlabel():
            assert ax.title.get_fontsize() > ax.xaxis.label.get_fontsize()
    matplotlib.pyplot.close(fig)


def test_map_drawn_in_this_test_keeps_its_furniture_inside_the_page(provinces_gdf, ai_index):
    """A map drawn in the test's own body (mutation testing credits a module fixture's drawing to one test only):
    the map and its title lie inside the figure, above the note's band; the unit of the scale bar is vertically
    centred on the bar; each half of the north arrow is a closed triangle, so that its outline has three sides."""
    fig = choropleth(
        provinces_gdf,
        ai_index.loc[provinces_gdf["code"]].to_numpy(float),
        language="en",
        label=False,
        title="AI index",
        note="Simulated data",
    )
    try:
        ax = fig.axes[0]
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        box = ax.get_tightbbox(renderer)
        height = fig.bbox.height
        assert 0.03 * height - 1e-6 <= box.y0 and box.y1 <= height + 1e-6
        title = ax.title.get_window_extent(renderer)
        assert ax.get_title() == "AI index" and title.y1 <= height + 1e-6
        bars = sorted(
            (p for p in ax.patches if isinstance(p, Rectangle) and p.get_data_transform() == ax.transData),
            key=lambda r: r.get_x(),
        )
        km = [t for t in ax.texts if t.get_text() == "km"]
        assert len(km) == 1 and km[0].get_va() == "center"
        assert km[0].get_position()[1] == pytest.approx(bars[0].get_y() + bars[0].get_height() / 2, abs=1.0)
        halves = [p for p in ax.patches if isinstance(p, Polygon) and p.get_data_transform() == ax.transAxes]
        assert len(halves) == 2
        for p in halves:
            xy = p.get_xy()
            assert p.get_closed() and len(xy) == 4 and tuple(xy[0]) == tuple(xy[-1])
    finally:
        matplotlib.pyplot.close(fig)
