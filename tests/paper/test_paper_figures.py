"""Paper figures: legend entries and patch colours of the maps and coefficient plots, the saved files
(300 dpi PNG, PDF) and byte-identical reruns."""

import mapclassify
import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.colors import to_hex, to_rgba

from aicoord.paper import NumberFormat
from aicoord.paper.figures import (
    NO_DATA,
    OKABE_ITO,
    choropleth,
    lisa_small_multiples,
    save_paper_figure,
)
from aicoord.paper.plots import effects_plot, mediation_plot
from aicoord.plotting import CLUSTER_COLOURS


def legend_entries(legend):
    return [t.get_text() for t in legend.get_texts()], [to_hex(h.get_facecolor()) for h in legend.legend_handles]


def province_collection(ax, n):
    """The PatchCollection holding the ``n`` province polygons (drawn after the hatched other units)."""
    cols = [c for c in ax.collections if isinstance(c, PatchCollection) and len(c.get_paths()) >= n]
    return cols[0]


@pytest.fixture(scope="module")
def gdf(provinces_gdf):
    return provinces_gdf


def test_choropleth_classes_legend_and_colours(gdf, ai_index):
    y = ai_index.loc[gdf["code"]].to_numpy(float).copy()
    y[gdf["name_short"].tolist().index("西藏")] = np.nan
    fig = choropleth(gdf, y, k=5, legend_title="AI 指数", decimals=2, title="人工智能产业竞争力指数")
    ax = fig.axes[0]
    mc = mapclassify.FisherJenks(y[np.isfinite(y)], k=5)
    f = NumberFormat(decimals=2)
    lows = [np.nanmin(y)] + list(mc.bins[:-1])
    texts, colours = legend_entries(ax.get_legend())
    assert texts == [f"{f(lo)} – {f(hi)}" for lo, hi in zip(lows, mc.bins)] + ["无数据"]
    palette = colours[:5]
    assert len(set(palette)) == 5 and colours[5] == "#ffffff"
    assert ax.get_legend().legend_handles[5].get_hatch() == NO_DATA["hatch"]
    # each province is filled with the colour of its class; Tibet (NaN) white and hatched
    yb = np.full(len(y), -1)
    yb[np.isfinite(y)] = mc.yb
    prov = province_collection(ax, len(gdf))
    face = [to_hex(c) for c in prov.get_facecolors()]
    assert face == [palette[c] if c >= 0 else "#ffffff" for c in yb]
    hatched = [c for c in ax.collections if isinstance(c, PatchCollection) and c.get_hatch() == NO_DATA["hatch"]]
    assert len(hatched) == 2  # Taiwan/Hong Kong/Macao, and Tibet
    assert len(hatched[0].get_paths()) == 3
    # north arrow, scale bar, inset, province names
    texts = [t.get_text() for t in ax.texts]
    assert "N" in texts and ["0", "250", "500", "1000", "千米"] == [
        t for t in texts if t in ("0", "250", "500", "1000", "千米")
    ]
    assert "北京" in texts and "Beijing" not in texts
    labels = {t.get_text(): t for t in ax.texts}
    assert labels["北京"].arrow_patch is not None and labels["河北"].arrow_patch is None  # leader line
    dark = [n for n, c in zip(gdf["name_short"], face) if c == palette[-1]]
    assert dark and all(labels[n].get_color() == "white" for n in dark if n not in ("北京", "天津", "上海"))
    assert labels["西藏"].get_color() == "0.15"
    assert len(ax.child_axes) == 1
    matplotlib.pyplot.close(fig)


def test_choropleth_english_and_other_schemes(gdf, ai_index):
    y = ai_index.loc[gdf["code"]].to_numpy(float)
    fig = choropleth(gdf, y, scheme="quantiles", k=4, language="en", label=True)
    texts, colours = legend_entries(fig.axes[0].get_legend())
    assert len(texts) == 5 and texts[-1] == "No data" and "km" in [t.get_text() for t in fig.axes[0].texts]
    assert "Beijing" in [t.get_text() for t in fig.axes[0].texts]
    matplotlib.pyplot.close(fig)
    with pytest.raises(ValueError, match="values for"):
        choropleth(gdf, y[:-1])


def test_lisa_small_multiples_grid_shared_legend_and_colours(gdf):
    rng = np.random.default_rng(1)
    labels = list(CLUSTER_COLOURS)
    years, weights = [2019, 2021, 2023], ["queen", "distance"]
    clusters = {(yr, w): list(rng.choice(labels, size=len(gdf))) for yr in years for w in weights}
    del clusters[(2019, "distance")]
    fig = lisa_small_multiples(
        gdf,
        clusters,
        years=years,
        weights=weights,
        weight_labels={"queen": "邻接矩阵", "distance": "地理距离矩阵"},
        title="LISA 集聚图",
        note="模拟数据 (simulated data)",
    )
    main = [a for a in fig.axes if a.get_subplotspec() is not None]
    assert len(main) == 6 and len(fig.legends) == 1
    texts, colours = legend_entries(fig.legends[0])
    assert texts == ["高-高", "低-低", "低-高", "高-低", "不显著", "无邻居", "无数据"]  # islands drawn: their entry
    assert colours == [CLUSTER_COLOURS[k].lower() for k in labels] + ["#ffffff"]
    assert [a.get_title() for a in main[:3]] == ["2019", "2021", "2023"]
    assert [t.get_text() for t in main[0].texts] == ["邻接矩阵"]
    assert sorted(t.get_text() for t in main[3].texts) == sorted(["—", "地理距离矩阵"])  # (2019, distance) missing
    assert main[3].child_axes == [] and len(main[4].child_axes) == 1
    ax = main[4]  # distance, 2021
    face = [to_hex(c) for c in province_collection(ax, len(gdf)).get_facecolors()]
    assert face == [CLUSTER_COLOURS[c].lower() for c in clusters[(2021, "distance")]]
    matplotlib.pyplot.close(fig)
    with pytest.raises(ValueError, match="unknown cluster"):
        lisa_small_multiples(gdf, {(2023, "queen"): ["XX"] * len(gdf)}, years=[2023], weights=["queen"])


def effects_frame():
    rows = []
    variants = ["基准（邻接矩阵）", "地理距离矩阵", "经济距离矩阵", "剔除直辖市", "滞后一期"]
    for i, v in enumerate(variants):
        for j, e in enumerate(("direct", "indirect", "total")):
            est = 0.1 * (j + 1) - 0.03 * i
            rows.append({"variant": v, "effect": e, "estimate": est, "se": 0.02 + 0.01 * j})
    return pd.DataFrame(rows)


def test_effects_plot_points_intervals_and_legend():
    df = effects_frame()
    fig = effects_plot(df, title="AI 的空间效应", note="模拟数据 (simulated data)")
    axes = [a for a in fig.axes]
    assert [a.get_title() for a in axes] == ["直接效应", "间接效应", "总效应"]
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert texts == ["点估计", "95% 置信区间"]
    ylabels = [t.get_text() for t in axes[0].get_yticklabels()]
    assert ylabels == list(reversed(df["variant"].unique()))
    for ax, (e, colour) in zip(
        axes,
        [("direct", OKABE_ITO["blue"]), ("indirect", OKABE_ITO["vermillion"]), ("total", OKABE_ITO["bluish_green"])],
    ):
        sub = df[df["effect"] == e]
        pts = ax.lines[0].get_xydata()
        np.testing.assert_allclose(pts[:, 0], sub["estimate"])
        np.testing.assert_allclose(pts[:, 1], [4, 3, 2, 1, 0])  # first variant on top
        seg = next(c for c in ax.collections if isinstance(c, LineCollection)).get_segments()
        lo = np.array([s[0][0] for s in seg])
        hi = np.array([s[1][0] for s in seg])
        np.testing.assert_allclose(lo, sub["estimate"] - 1.959963984540054 * sub["se"])
        np.testing.assert_allclose(hi, sub["estimate"] + 1.959963984540054 * sub["se"])
        assert to_hex(ax.lines[0].get_color()) == colour.lower()
    fig.canvas.draw()
    ticks = [t.get_text() for t in axes[1].get_xticklabels()]
    assert any(t.startswith("\N{MINUS SIGN}") for t in ticks) and not any("-" in t for t in ticks)
    matplotlib.pyplot.close(fig)


def test_mediation_plot_colours_by_interval_and_legend():
    df = pd.DataFrame(
        {
            "mechanism": ["产业结构升级", "技术创新", "要素配置"],
            "estimate": [0.05, 0.02, -0.04],
            "lower": [0.02, -0.01, -0.07],
            "upper": [0.08, 0.05, -0.01],
            "method": ["bootstrap", "Sobel", "bootstrap"],
        }
    )
    fig = mediation_plot(df, method="method", title="中介效应")
    ax = fig.axes[0]
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert texts == ["区间不含 0", "区间含 0"]
    pts = ax.collections[-1]
    np.testing.assert_allclose(pts.get_offsets()[:, 0], df["estimate"])
    blue, orange = to_rgba(OKABE_ITO["blue"]), to_rgba(OKABE_ITO["orange"])
    np.testing.assert_allclose(pts.get_facecolors(), [blue, orange, blue])
    ys = pts.get_offsets()[:, 1]
    assert list(ys) == [2.0, 1.0, 0.0]
    ticks = dict(zip(ax.get_yticks(), [t.get_text() for t in ax.get_yticklabels()]))
    assert [ticks[y] for y in ys] == list(df["mechanism"])
    assert [t.get_text() for t in ax.texts] == ["bootstrap", "Sobel", "bootstrap"]
    matplotlib.pyplot.close(fig)
    only = mediation_plot(df.iloc[[0]], language="en")
    assert [t.get_text() for t in only.legends[0].get_texts()] == ["Interval excludes 0"]
    matplotlib.pyplot.close(only)


def test_saved_png_is_300_dpi_and_reruns_are_byte_identical(tmp_path):
    from PIL import Image

    for name in ("a", "b"):
        fig = effects_plot(effects_frame())
        save_paper_figure(fig, tmp_path / f"{name}.png", tmp_path / f"{name}.pdf")
    img = Image.open(tmp_path / "a.png")
    w, h = img.size
    assert round(img.info["dpi"][0]) == 300
    assert w == round(9.5 * 300)
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    assert (tmp_path / "a.pdf").read_bytes()[:5] == b"%PDF-"
    with pytest.raises(ValueError, match="png or .pdf"):
        save_paper_figure(effects_plot(effects_frame()), tmp_path / "x.svg")


def test_effects_plot_stacks_panels_of_different_rows_without_empty_rows():
    """The study's figure: the baseline's three effects and the total effect of many variants. Each panel
    holds only its own rows (the direct and indirect panels were 36 empty rows tall), the height follows
    the rows, and the title sits above the first panel's title."""
    rows = [{"variant": "基准模型", "effect": e, "estimate": 0.1, "se": 0.02} for e in ("direct", "indirect", "total")]
    rows += [{"variant": f"变体{i}", "effect": "total", "estimate": 0.1 + 0.01 * i, "se": 0.02} for i in range(20)]
    fig = effects_plot(pd.DataFrame(rows), title="人工智能的空间效应", note="模拟数据 (simulated data)")
    axes = fig.axes
    assert [a.get_title() for a in axes] == ["直接效应", "间接效应", "总效应"]
    for ax, n in zip(axes, (1, 1, 21)):
        assert len(ax.get_yticks()) == n and ax.get_ylim() == (-0.6, n - 0.4)
        assert len(ax.lines[0].get_xydata()) == n
    assert [t.get_text() for t in axes[2].get_yticklabels()][-1] == "基准模型"
    w, h = fig.get_size_inches()
    assert w == 6.4 and h < 0.3 * 23 + 0.75 * 3 + 2.0
    # the three panels are as tall as their rows (plus a fixed band for ticks and title)
    heights = [a.get_position().height for a in axes]
    assert heights[0] == pytest.approx(heights[1]) and heights[2] > 8 * heights[0]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    sup = fig._suptitle.get_window_extent(renderer)
    first = axes[0].title.get_window_extent(renderer)
    assert sup.y0 >= first.y1
    matplotlib.pyplot.close(fig)


def test_maps_name_the_inset_and_print_the_approval_number(gdf, ai_index):
    """Chinese journals ask for 南海诸岛 in the South China Sea inset and the base map's approval number (审图号)
    under every map (``paper.map_approval``); without a number there is no such line."""
    from aicoord.plotting import lisa_cluster_map, lisa_significance_map

    y = ai_index.loc[gdf["code"]].to_numpy(float)
    clusters = ["Not significant"] * len(gdf)
    number = "GS(2024)0650号"
    for language, inset_name, line in (
        ("zh", "南海诸岛", "审图号：GS(2024)0650号"),
        ("en", "South China Sea Islands", "Map approval number: GS(2024)0650号"),
    ):
        figs = [choropleth(gdf, y, note="注", language=language, map_approval=number, label=False)]
        if language == "zh":
            figs += [
                lisa_small_multiples(
                    gdf,
                    {(2023, "queen"): clusters},
                    years=[2023],
                    weights=["queen"],
                    note="注",
                    language=language,
                    map_approval=number,
                ),
                lisa_cluster_map(gdf, clusters, note="注", language=language, map_approval=number, label=False),
                lisa_significance_map(gdf, [0.5] * len(gdf), language=language, map_approval=number, label=False),
            ]
        for fig in figs:
            insets = [c for a in fig.axes for c in a.child_axes]
            assert insets and all(inset_name in [t.get_text() for t in i.texts] for i in insets)
            assert [t.get_text() for t in fig.texts].count(line) == 1
            fig.canvas.draw()
            below = [t for t in fig.texts if t.get_text() == "注"]
            mark = next(t for t in fig.texts if t.get_text() == line).get_window_extent()
            assert all(not mark.overlaps(t.get_window_extent()) for t in below)
            # nothing drawn in the axes reaches into the line
            assert all(
                a.get_window_extent().y0 >= mark.y1 - 1
                for a in fig.axes
                if a.get_visible() and not any(a in b.child_axes for b in fig.axes)
            )
            matplotlib.pyplot.close(fig)
    plain = choropleth(gdf, y, note="注", label=False)
    assert not any(t.get_text().startswith("审图号") for t in plain.texts)
    matplotlib.pyplot.close(plain)


def test_choropleth_reads_a_list_with_a_missing_value_as_nan(gdf, ai_index):
    """Values as a user's list (Python numbers, ``None`` where a province has no value) are drawn as the same
    floats with NaN: the same fill of every province, the missing one white (no data; draw 9's
    survivor ``choropleth`` 25 kept the list's object dtype)."""
    few = gdf.iloc[:8]  # eight provinces are enough, and draw in a fraction of the time of 31
    y = ai_index.loc[few["code"]].to_numpy(float).copy()
    y[4] = np.nan
    as_list = [None if np.isnan(v) else float(v) for v in y]
    figs = [choropleth(few, y, label=False, k=3), choropleth(few, as_list, label=False, k=3)]
    try:
        fills = [province_collection(f.axes[0], len(few)).get_facecolors() for f in figs]
        np.testing.assert_array_equal(fills[0], fills[1])
        assert tuple(fills[1][4]) == to_rgba("white") and len({tuple(c) for c in fills[1]}) > 2
    finally:
        for f in figs:
            matplotlib.pyplot.close(f)
