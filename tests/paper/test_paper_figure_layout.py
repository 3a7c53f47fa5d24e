"""The figures' layout read back from the drawn matplotlib artists: where each legend stands (its location code,
anchor and columns), the legend patches' edges, the scale bar's position, the subplot margins and the titles.

Every expected value is the one the figure functions document or set in their source as the design (a legend
at the lower left of a map, anchored 9% above the axes' bottom; the LISA grid's legend in one row under the
panels; the effects figure's title band of 0.3 inch), computed here from the figure's own size."""

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgba
from matplotlib.patches import Rectangle

from aicoord.paper.figures import CLUSTER_COLOURS, NO_DATA, choropleth, lisa_small_multiples
from aicoord.paper.plots import effects_plot, mediation_plot

LOWER_LEFT, LOWER_RIGHT, LOWER_CENTER = 3, 4, 8  # matplotlib's legend location codes


def _anchor(legend, transform):
    """The legend's ``bbox_to_anchor`` corner in the coordinates of ``transform`` (axes or figure fraction)."""
    box = legend.get_bbox_to_anchor().transformed(transform.inverted())
    return box.x0, box.y0


def _close(fig):
    matplotlib.pyplot.close(fig)


@pytest.fixture(scope="module")
def zh_map(provinces_gdf, ai_index):
    fig = choropleth(
        provinces_gdf,
        ai_index.loc[provinces_gdf["code"]].to_numpy(float),
        label=False,
        title="人工智能指数",
        legend_title="AI 指数",
    )
    yield fig
    _close(fig)


def test_choropleth_legend_at_the_lower_left_above_the_scale_bar(zh_map):
    ax = zh_map.axes[0]
    leg = ax.get_legend()
    assert leg._loc == LOWER_LEFT
    assert _anchor(leg, ax.transAxes) == pytest.approx((0.0, 0.09), abs=1e-9)
    assert leg.get_title().get_text() == "AI 指数" and leg.get_frame_on() is False
    assert leg._ncols == 1
    # class patches with a grey edge, the no-data patch white, hatched, with the same edge
    for h in leg.legend_handles[:-1]:
        assert to_rgba(h.get_edgecolor()) == to_rgba("0.35")
    last = leg.legend_handles[-1]
    assert to_rgba(last.get_edgecolor()) == to_rgba(NO_DATA["edgecolor"])
    assert to_rgba(last.get_facecolor()) == to_rgba("white") and last.get_hatch() == NO_DATA["hatch"]
    assert ax.get_title() == "人工智能指数"


def test_choropleth_scale_bar_stands_at_two_and_three_and_a_half_percent_of_the_frame(zh_map):
    ax = zh_map.axes[0]
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    bars = sorted(
        (p for p in ax.patches if isinstance(p, Rectangle) and p.get_data_transform() == ax.transData),
        key=lambda r: r.get_x(),
    )
    assert len(bars) == 3
    assert bars[0].get_x() == pytest.approx(x0 + 0.02 * (x1 - x0), abs=1e-6)
    assert [r.get_y() for r in bars] == pytest.approx([y0 + 0.035 * (y1 - y0)] * 3, abs=1e-6)
    assert bars[0].get_height() == pytest.approx(0.008 * (y1 - y0), abs=1e-6)
    assert all(r.get_linewidth() == pytest.approx(0.6) for r in bars)
    # the marks above the bar, the unit in Chinese at its right, centred on it
    marks = [t for t in ax.texts if t.get_text() in ("0", "250", "500", "1000")]
    assert len(marks) == 4 and all(t.get_position()[1] > bars[0].get_y() + bars[0].get_height() for t in marks)
    km = [t for t in ax.texts if t.get_text() == "千米"]
    assert len(km) == 1 and km[0].get_position()[1] == pytest.approx(bars[0].get_y() + bars[0].get_height() / 2)
    assert km[0].get_position()[0] == pytest.approx(bars[0].get_x() + 1000e3 + 0.02 * (x1 - x0))


def test_north_arrow_stands_at_seven_and_eighty_six_percent_of_the_axes(zh_map):
    ax = zh_map.axes[0]
    n = [t for t in ax.texts if t.get_text() == "N"]
    assert len(n) == 1 and n[0].get_transform() == ax.transAxes
    assert n[0].get_position() == pytest.approx((0.07, 0.86 + 0.07 + 0.012))


@pytest.mark.parametrize("note, approval", [("", None), ("模拟数据 (simulated data)", "GS(2024)0650号")])
def test_lisa_grid_legend_in_one_row_under_the_panels_and_its_margins(provinces_gdf, note, approval):
    codes = provinces_gdf["code"].tolist()
    labels = ["HH", "LL", "LH", "HL", "Not significant"]
    clusters = {
        (yr, w): [labels[(i + k) % 5] for i in range(len(codes))]
        for k, (yr, w) in enumerate([(2019, "queen"), (2023, "queen"), (2019, "knn4"), (2023, "knn4")])
    }
    fig = lisa_small_multiples(
        provinces_gdf,
        clusters,
        years=[2019, 2023],
        weights=["queen", "knn4"],
        weight_labels={"queen": "邻接", "knn4": "4 近邻"},
        title="LISA 聚类" if note else "",
        note=note,
        map_approval=approval,
    )
    try:
        height = fig.get_figheight()
        assert (fig.get_figwidth(), height) == pytest.approx((2.5 * 2 + 0.5, 2.0 * 2 + 0.9))
        leg = fig.legends[0]
        assert leg._loc == LOWER_CENTER and leg.get_frame_on() is False
        handles = leg.legend_handles
        assert leg._ncols == len(handles) == 6  # five clusters (no islands here) and no data, in one row
        y = (0.035 if note else 0.0) + (0.2 / height if approval else 0.0)
        assert _anchor(leg, fig.transFigure) == pytest.approx((0.5, y), abs=1e-9)
        for h, c in zip(handles[:-1], CLUSTER_COLOURS):
            assert to_rgba(h.get_edgecolor()) == to_rgba("0.35")
            assert to_rgba(h.get_facecolor()) == to_rgba(CLUSTER_COLOURS[c])
        assert to_rgba(handles[-1].get_edgecolor()) == to_rgba(NO_DATA["edgecolor"])
        sp = fig.subplotpars
        bottom = (0.55 + (0.2 if note else 0) + (0.2 if approval else 0)) / height
        top = 1 - (0.6 if note else 0.2) / height  # the title comes with the note in this test
        assert (sp.left, sp.right, sp.bottom, sp.top, sp.wspace, sp.hspace) == pytest.approx(
            (0.05, 0.995, bottom, top, 0.03, 0.06)
        )
        assert (fig._suptitle.get_text() if fig._suptitle else "") == ("LISA 聚类" if note else "")
        # column titles are the years, row titles the matrices' labels at the left of the first column
        assert [a.get_title() for a in fig.axes[:2]] == ["2019", "2023"]
        rows = [t for a in fig.axes for t in a.texts if t.get_text() in ("邻接", "4 近邻")]
        assert [t.get_text() for t in rows] == ["邻接", "4 近邻"]
        assert all(t.get_position() == pytest.approx((-0.04, 0.5)) and t.get_rotation() == 90 for t in rows)
    finally:
        _close(fig)


def _effects(title):
    rows = [
        {"variant": v, "effect": e, "estimate": 0.1 * (j + 1) - 0.02 * i, "se": 0.02}
        for i, v in enumerate(["基准", "地理距离", "经济距离"])
        for j, e in enumerate(("direct", "indirect", "total"))
    ]
    return effects_plot(pd.DataFrame(rows), title=title, note="模拟数据 (simulated data)")


@pytest.mark.quick
@pytest.mark.parametrize("title", ["AI 的空间效应", ""])
def test_effects_plot_keeps_its_title_band_and_the_legend_below_the_panels(title):
    fig = _effects(title)
    try:
        height = fig.get_figheight()
        assert height == pytest.approx(0.42 * 3 + 1.5 + (0.3 if title else 0.0))
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        top = max(a.get_tightbbox(renderer).y1 for a in fig.axes) / fig.bbox.height
        pad = 1.08 * 10 / 72  # tight_layout's padding: 1.08 font sizes of 10 pt, in inches
        if title:  # below the 0.3-inch band and the title; not more than 0.9 inch from the top
            assert 1 - 0.9 / height <= top <= 1 - (0.3 + pad) / height + 1e-9
        else:  # up to the padding under the figure's top edge
            assert top == pytest.approx(1 - pad / height, abs=0.01 / height)
        if title:
            st = fig._suptitle
            assert st.get_text() == title and st.get_position()[1] == pytest.approx(1 - 0.08 / height)
            assert st.get_va() == "top"
            assert st.get_window_extent(renderer).y0 / fig.bbox.height >= top - 1e-9  # never over the panels
        leg = fig.legends[0]
        assert leg._loc == LOWER_CENTER and leg._ncols == 2
        assert _anchor(leg, fig.transFigure) == pytest.approx((0.5, 0.22 / height), abs=1e-9)
        bottom = min(a.get_tightbbox(renderer).y0 for a in fig.axes) / fig.bbox.height
        assert bottom >= 0.22 / height + 0.28 / height - 1e-9
        note = [t for t in fig.texts if t.get_text() == "模拟数据 (simulated data)"]
        assert len(note) == 1 and note[0].get_position() == pytest.approx((0.01, 0.03 / height))
    finally:
        _close(fig)


@pytest.mark.quick
@pytest.mark.parametrize("method", [None, "method"])
def test_mediation_plot_legend_and_room_for_the_method_column(method):
    df = pd.DataFrame(
        {
            "mechanism": ["a", "b", "c"],
            "estimate": [0.2, 0.05, -0.3],
            "lower": [0.1, -0.02, -0.5],
            "upper": [0.3, 0.1, -0.1],
            "method": ["Sobel", "bootstrap", "Sobel"],
        }
    )
    fig = mediation_plot(df, method=method, title="中介效应", language="zh")
    try:
        height = fig.get_figheight()
        assert height == pytest.approx(0.45 * 3 + 1.5)
        leg = fig.legends[0]
        assert leg._loc == LOWER_CENTER and leg._ncols == 2
        assert _anchor(leg, fig.transFigure) == pytest.approx((0.5, 0.04 / height), abs=1e-9)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        right = fig.axes[0].get_tightbbox(renderer).x1 / fig.bbox.width
        if method:
            assert right <= 0.88 + 1e-9
            ann = [t.get_text() for t in fig.axes[0].texts]
            assert ann == ["Sobel", "bootstrap", "Sobel"]
            # each method 4 points right of the axes' right edge, on its mechanism's row (draw 9's survivor
            # mediation_plot 182 dropped the offset: the labels stood on the edge)
            rows = sorted({float(y) for t in fig.axes[0].texts for y in [t.xy[1]]})
            for t in fig.axes[0].texts:
                assert t.xy[0] == 1.0 and t.xyann == (4, 0) and t.anncoords == "offset points"
                assert t.get_ha() == "left" and t.get_va() == "center"
            assert len(rows) == 3
        else:
            assert right > 0.9
        assert fig.axes[0].get_title() == "中介效应"
    finally:
        _close(fig)


@pytest.mark.quick
def test_moran_scatter_legend_at_the_lower_right_and_title():
    from aicoord.plotting import moran_scatter

    rng = np.random.default_rng(3)
    z = rng.standard_normal(10)
    fig = moran_scatter(z, 0.5 * z, [f"u{i}" for i in range(10)], var="AI", I=0.5, p_sim=0.01, title="T：x")
    try:
        ax = fig.axes[0]
        assert ax.get_legend()._loc == LOWER_RIGHT
        assert ax.get_title() == "T：x"
    finally:
        _close(fig)


@pytest.mark.quick
@pytest.mark.parametrize("saver, dpi", [("paper", 300), ("plotting", 200)])
def test_saved_files_carry_the_fixed_metadata_and_no_date(tmp_path, saver, dpi):
    """PNG: the ``Software`` text chunk ``aicoord`` and the dpi; PDF: ``Creator`` and ``Producer`` ``aicoord`` and
    no ``CreationDate`` (byte-identical reruns); only the names given are written."""
    from PIL import Image

    from aicoord.paper.figures import save_paper_figure
    from aicoord.plotting import save_figure

    save = save_paper_figure if saver == "paper" else save_figure
    fig = matplotlib.figure.Figure(figsize=(2, 1))
    fig.add_subplot().plot([0, 1], [0, 1])
    save(fig, tmp_path / "f.png", tmp_path / "f.pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.pdf", "f.png"]
    img = Image.open(tmp_path / "f.png")
    assert img.info["Software"] == "aicoord" and round(img.info["dpi"][0]) == dpi
    assert img.size == (2 * dpi, 1 * dpi)
    pdf = (tmp_path / "f.pdf").read_bytes()
    assert b"/Creator (aicoord)" in pdf and b"/Producer (aicoord)" in pdf and b"/CreationDate" not in pdf


@pytest.mark.quick
def test_paper_figures_refuse_other_formats_by_name(tmp_path):
    from aicoord.paper.figures import save_paper_figure

    fig = matplotlib.figure.Figure(figsize=(2, 1))
    with pytest.raises(ValueError) as err:
        save_paper_figure(fig, tmp_path / "x.svg")
    assert str(err.value) == f"{tmp_path / 'x.svg'}: use .png or .pdf"
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("note", ["", "Simulated data"])
def test_lisa_maps_legends_inset_name_note_and_approval_line(provinces_gdf, language, note):
    """The ESDA maps (aicoord.plotting): the legend at the lower left titled "LISA" or the significance title, its
    patches with grey edges and a hatched no-data patch; the inset's name in its lower right corner; the note at
    the bottom left; the approval number at the bottom right, on its own line above the note."""
    from aicoord.plotting import _LABELS, APPROVAL, INSET_NAME, lisa_cluster_map, lisa_significance_map

    n = len(provinces_gdf)
    labels = ["HH", "LL", "LH", "HL", "Not significant"]
    p = np.linspace(0.0005, 0.5, n)
    figs = [
        lisa_cluster_map(
            provinces_gdf,
            [labels[i % 5] for i in range(n)],
            language=language,
            note=note,
            map_approval="GS(1)1号",
            label=False,
        ),
        lisa_significance_map(provinces_gdf, p, language=language, note=note, map_approval="GS(1)1号", label=False),
    ]
    try:
        for fig, title in zip(figs, ("LISA", _LABELS[language]["sig"])):
            ax = fig.axes[0]
            leg = ax.get_legend()
            assert leg._loc == LOWER_LEFT and leg.get_title().get_text() == title
            assert all(to_rgba(h.get_edgecolor()) == to_rgba("0.35") for h in leg.legend_handles)
            assert leg.legend_handles[-1].get_hatch() == "////"
            assert [t.get_text() for t in leg.get_texts()][-1] == _LABELS[language]["nodata"]
            (inset,) = ax.child_axes  # the South China Sea inset of the main map
            name = [t for t in inset.texts if t.get_text() == INSET_NAME[language]]
            assert len(name) == 1 and name[0].get_position() == pytest.approx((0.96, 0.04))
            assert (name[0].get_ha(), name[0].get_va()) == ("right", "bottom")
            line = [t for t in fig.texts if t.get_text() == APPROVAL[language].format(n="GS(1)1号")]
            y = 0.01 + (0.17 / fig.get_figheight() if note else 0.0)
            assert len(line) == 1 and line[0].get_position() == pytest.approx((0.99, y))
            assert line[0].get_ha() == "right"
            notes = [t for t in fig.texts if t.get_text() == note]
            assert len(notes) == (1 if note else 0)
            if note:
                assert notes[0].get_position() == pytest.approx((0.01, 0.01)) and notes[0].get_ha() == "left"
        # the significance classes, from the strictest
        texts = [t.get_text() for t in figs[1].axes[0].get_legend().get_texts()]
        assert texts[:4] == ["p ≤ 0.001", "p ≤ 0.01", "p ≤ 0.05", _LABELS[language]["ns"]]
    finally:
        for fig in figs:
            _close(fig)


@pytest.mark.quick
def test_effects_legend_keys_are_drawn_like_the_estimates_and_intervals():
    """The legend's two keys look like what they name: the estimate a 5-point marker without a line, the interval a
    line as wide as the intervals drawn in every panel (1.4 pt), both dark grey; the labels in the figure's language
    with the interval's level."""
    fig = _effects("")
    try:
        drawn = [lw for a in fig.axes for c in a.collections for lw in c.get_linewidths()]
        assert len(drawn) == 3 and set(drawn) == {1.4}
        sizes = {ln.get_markersize() for a in fig.axes for ln in a.lines if ln.get_marker() not in (None, "None", "")}
        point, interval = fig.legends[0].legend_handles
        assert point.get_linestyle() == "None" and point.get_marker() == "o" and {point.get_markersize()} == sizes
        assert interval.get_linewidth() == pytest.approx(drawn[0]) and interval.get_linestyle() == "-"
        assert to_rgba(point.get_color()) == to_rgba(interval.get_color()) == to_rgba("0.2")
        assert [t.get_text() for t in fig.legends[0].get_texts()] == ["点估计", "95% 置信区间"]
    finally:
        _close(fig)


@pytest.mark.quick
def test_effects_and_mediation_plots_draw_thin_light_vertical_grid_lines_under_the_data():
    """Both interval figures carry the same grid: vertical lines only, 0.6 pt in light grey ("0.9"), below the
    intervals and the zero line."""
    df = pd.DataFrame({"mechanism": ["a", "b"], "estimate": [0.2, -0.1], "lower": [0.1, -0.3], "upper": [0.3, 0.1]})
    figs = [_effects(""), mediation_plot(df, title="", language="en")]
    try:
        axes = [a for fig in figs for a in fig.axes]
        assert len(axes) == 4
        for ax in axes:
            xs, ys = ax.xaxis.get_gridlines(), ax.yaxis.get_gridlines()
            assert xs and all(g.get_visible() for g in xs) and not any(g.get_visible() for g in ys)
            assert {g.get_linewidth() for g in xs} == {0.6}
            assert {to_rgba(g.get_color()) for g in xs} == {to_rgba("0.9")}
            assert ax.get_axisbelow() is True
    finally:
        for fig in figs:
            _close(fig)


def test_lisa_grid_marks_missing_panels_titles_rows_and_hatches_units_without_data(provinces_gdf):
    """A matrix and year without clusters get an em dash centred in their panel; each row's title ends just left
    of its first panel (right-aligned, turned 90°), centred on the row, at 10 pt; the note at 7 pt in dark grey at the bottom left; in every drawn panel
    and its inset, Taiwan, Hong Kong and Macao are drawn white, hatched and outlined as units without data."""
    from matplotlib.collections import PatchCollection

    from aicoord.geometry import load_other_units

    n_other = len(load_other_units())
    clusters = {(2023, "queen"): ["HH", "LL"] * (len(provinces_gdf) // 2) + ["HH"] * (len(provinces_gdf) % 2)}
    fig = lisa_small_multiples(
        provinces_gdf,
        clusters,
        years=[2019, 2023],
        weights=["queen"],
        weight_labels={"queen": "Contiguity"},
        note="Simulated data",
        language="en",
    )
    try:
        missing, drawn = fig.axes[0], fig.axes[1]
        dash = [t for t in missing.texts if t.get_text() == "—"]
        assert len(dash) == 1 and dash[0].get_position() == (0.5, 0.5) and dash[0].get_transform() == missing.transAxes
        assert (dash[0].get_ha(), dash[0].get_va()) == ("center", "center")
        assert not [t for t in drawn.texts if t.get_text() == "—"] and not missing.child_axes
        (row,) = [t for t in missing.texts if t.get_text() == "Contiguity"]
        assert (row.get_ha(), row.get_va(), row.get_rotation(), row.get_fontsize()) == ("right", "center", 90, 10)
        (note,) = [t for t in fig.texts if t.get_text() == "Simulated data"]
        assert note.get_position() == (0.01, 0.008) and note.get_fontsize() == 7
        assert (note.get_ha(), note.get_va(), to_rgba(note.get_color())) == ("left", "bottom", to_rgba("0.3"))
        for ax in (drawn, *drawn.child_axes):
            hatched = [
                c for c in ax.collections if isinstance(c, PatchCollection) and c.get_hatch() == NO_DATA["hatch"]
            ]
            assert len(hatched) == 1 and len(hatched[0].get_paths()) == n_other
            assert {to_rgba(c) for c in hatched[0].get_edgecolor()} == {to_rgba(NO_DATA["edgecolor"])}
            assert {to_rgba(c) for c in hatched[0].get_facecolor()} == {to_rgba(NO_DATA["facecolor"])}
    finally:
        _close(fig)


@pytest.mark.quick
def test_mediation_plot_names_mechanisms_by_their_labels_and_sets_its_type_sizes():
    """Each row is named by the mechanism's label (its raw name when it has none), top to bottom in the input's
    order at 9 pt; the title at 11 pt over tick labels at 8 pt, as in the effects figure."""
    df = pd.DataFrame(
        {"mechanism": ["upgrading", "chain"], "estimate": [0.2, -0.1], "lower": [0.1, -0.3], "upper": [0.3, 0.1]}
    )
    fig = mediation_plot(df, mechanism_labels={"upgrading": "Industrial upgrading"}, title="Mediated", language="en")
    try:
        ax = fig.axes[0]
        ticks = sorted(zip(ax.get_yticks(), ax.get_yticklabels()), key=lambda t: -t[0])
        assert [t.get_text() for _, t in ticks] == ["Industrial upgrading", "chain"]
        assert {t.get_fontsize() for _, t in ticks} == {9}
        assert ax.get_title() == "Mediated" and ax.title.get_fontsize() == 11
        assert {t.get_fontsize() for t in ax.get_xticklabels()} == {8}
    finally:
        _close(fig)


@pytest.mark.quick
def test_interval_figures_legends_at_eight_points_and_notes_at_seven():
    """The effects and mediation figures set their legend at 8 pt, below the panels' 10-pt titles, and the note at
    7 pt in dark grey at the bottom left."""
    df = pd.DataFrame({"mechanism": ["a", "b"], "estimate": [0.2, -0.1], "lower": [0.1, -0.3], "upper": [0.3, 0.1]})
    figs = [_effects(""), mediation_plot(df, note="Simulated data", language="en")]
    try:
        for fig, note in zip(figs, ("模拟数据 (simulated data)", "Simulated data")):
            assert {t.get_fontsize() for t in fig.legends[0].get_texts()} == {8}
            (text,) = [t for t in fig.texts if t.get_text() == note]
            assert text.get_fontsize() == 7 and to_rgba(text.get_color()) == to_rgba("0.3")
            assert (text.get_ha(), text.get_va()) == ("left", "bottom")
    finally:
        for fig in figs:
            _close(fig)


@pytest.mark.quick
def test_mediation_plot_from_standard_errors_draws_estimate_plus_minus_the_normal_quantile():
    """Without ``lower``/``upper`` columns the interval is estimate ± z SE, with z the normal quantile of the
    level (scipy): 1.959964 at 95%, 1.644854 at 90%; each row's line spans it and its point sits at the estimate."""
    from matplotlib.collections import LineCollection
    from scipy import stats

    df = pd.DataFrame({"mechanism": ["a", "b", "c"], "estimate": [0.2, -0.1, 0.03], "se": [0.05, 0.04, 0.02]})
    for level in (0.95, 0.90):
        fig = mediation_plot(df, level=level, language="en")
        try:
            ax = fig.axes[0]
            z = stats.norm.ppf(0.5 + level / 2)
            (lines,) = [c for c in ax.collections if isinstance(c, LineCollection)]
            segments = sorted(lines.get_segments(), key=lambda s: -s[0][1])  # top row first: input order
            spans = np.array([[s[0][0], s[1][0]] for s in segments])
            want = np.column_stack([df["estimate"] - z * df["se"], df["estimate"] + z * df["se"]])
            np.testing.assert_allclose(spans, want, rtol=1e-12)
        finally:
            _close(fig)


def test_province_names_beside_the_three_municipalities_point_away_from_them(provinces_gdf, ai_index):
    """Beijing's name stands to the left of its leader line (right-aligned), Tianjin's and Shanghai's to the right
    (left-aligned), each at its documented offset from the municipality's representative point; every other name
    is centred on its province (draw 9's survivor ``_label_provinces`` 43 right-aligned them all)."""
    from matplotlib.text import Annotation

    from aicoord.geometry import albers
    from aicoord.paper.figures import _LABEL_OFFSETS

    # the three municipalities and their neighbours (a map of 31 provinces takes several times as long to draw)
    few = provinces_gdf[provinces_gdf["code"].astype(str).isin(["110000", "120000", "130000", "310000", "320000"])]
    fig = choropleth(few, ai_index.loc[few["code"]].to_numpy(float), label=True, language="en", k=3)
    try:
        notes = [a for a in fig.axes[0].texts if isinstance(a, Annotation)]
        # the points of the outlines the map draws: projected and simplified to choropleth's 500 m
        points = albers(few, 500.0).set_index(few["code"].astype(str)).representative_point()
        beside = {code: a for code, a in zip(few["code"].astype(str), notes) if code in _LABEL_OFFSETS}
        assert len(notes) == 5 and set(beside) == {"110000", "120000", "310000"}
        for code, a in beside.items():
            dx, dy = _LABEL_OFFSETS[code]
            assert a.get_ha() == ("left" if dx > 0 else "right") and a.get_va() == "center"
            assert a.xy == pytest.approx((points[code].x, points[code].y))
            assert a.xyann == pytest.approx((points[code].x + dx, points[code].y + dy))
            assert a.arrow_patch is not None
        assert [beside[c].get_ha() for c in ("110000", "120000", "310000")] == ["right", "left", "left"]
        assert all(a.get_ha() == "center" and a.arrow_patch is None for a in notes if a not in beside.values())
    finally:
        _close(fig)
