"""The paper's figures in both languages (aicoord.paper.plots, aicoord.paper.figures): every fixed word drawn is the
entry of FIGURE_WORDS in the figure's language, an English figure draws no Chinese character, the defaults
(Chinese, 95% intervals) equal the explicit call, and an interval from a standard error spans the normal quantiles
at α/2 and 1 − α/2 for two levels."""

import re

import mapclassify
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection
from matplotlib.colors import to_hex
from matplotlib.text import Text
from scipy import stats

from aicoord.paper.figures import FIGURE_WORDS, choropleth, lisa_small_multiples
from aicoord.paper.plots import effects_plot, mediation_plot
from paper_inputs import printed

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def _texts(fig):
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def _legend(fig):
    return [t.get_text() for t in fig.legends[0].get_texts()]


def _effects_frame():
    return pd.DataFrame(
        {
            "variant": ["base", "base", "base", "alt"],
            "effect": ["direct", "indirect", "total", "total"],
            "estimate": [0.2, -0.1, 0.1, 0.05],
            "se": [0.05, 0.04, 0.03, 0.02],
        }
    )


@pytest.mark.quick
@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("level", [0.95, 0.90])
def test_effects_plot_interval_from_the_se_spans_the_two_sided_normal_quantiles(language, level):
    df = _effects_frame()
    fig = effects_plot(df, level=level, language=language)
    try:
        alpha = 1 - level
        lo_q, hi_q = stats.norm.ppf(alpha / 2), stats.norm.ppf(1 - alpha / 2)
        words = FIGURE_WORDS[language]
        assert [ax.get_title() for ax in fig.axes] == [words[e] for e in ("direct", "indirect", "total")]
        for ax, e in zip(fig.axes, ("direct", "indirect", "total")):
            sub = df[df["effect"] == e]
            (lines,) = [c for c in ax.collections if isinstance(c, LineCollection)]
            spans = sorted((s[0][0], s[1][0]) for s in lines.get_segments())
            want = sorted(zip(sub["estimate"] + lo_q * sub["se"], sub["estimate"] + hi_q * sub["se"]))
            np.testing.assert_allclose(spans, want, rtol=1e-12)
        assert _legend(fig) == [words["estimate"], words["ci"].format(level=f"{level * 100:g}")]
    finally:
        plt.close(fig)


def test_coefficient_plots_default_to_chinese_words_and_95_percent():
    df = _effects_frame()
    figs = [effects_plot(df), effects_plot(df, level=0.95, language="zh", title="", xlabel="", note="")]
    med = pd.DataFrame({"mechanism": ["a", "b"], "estimate": [0.2, 0.01], "se": [0.05, 0.04]})
    figs += [mediation_plot(med), mediation_plot(med, level=0.95, language="zh", method=None)]
    try:
        assert _legend(figs[0]) == _legend(figs[1]) == ["点估计", "95% 置信区间"]
        assert _texts(figs[0]) == _texts(figs[1])
        assert _legend(figs[2]) == _legend(figs[3]) == ["区间不含 0", "区间含 0"]
        assert figs[2].axes[0].get_xlabel() == figs[3].axes[0].get_xlabel() == "中介效应"
        assert _texts(figs[2]) == _texts(figs[3])
    finally:
        for f in figs:
            plt.close(f)


@pytest.mark.quick
@pytest.mark.parametrize("language", ["zh", "en"])
def test_mediation_plot_words_in_its_language_and_no_chinese_in_english(language):
    med = pd.DataFrame({"mechanism": ["a", "b"], "estimate": [0.2, 0.01], "lower": [0.1, -0.02], "upper": [0.3, 0.04]})
    fig = mediation_plot(med, language=language, title="T", note="N")
    try:
        w = FIGURE_WORDS[language]
        assert _legend(fig) == [w["excl"], w["incl"]] and fig.axes[0].get_xlabel() == w["mediated"]
        if language == "en":
            assert [t for t in _texts(fig) if CJK.search(t)] == []
    finally:
        plt.close(fig)


@pytest.fixture(scope="module")
def gdf(provinces_gdf):
    return provinces_gdf


@pytest.mark.parametrize("language", ["zh", "en"])
def test_maps_draw_their_fixed_words_in_the_map_language(gdf, language):
    """The choropleth's no-data entry and scale bar unit, the LISA legend's cluster names: FIGURE_WORDS of the
    language; an English map draws no Chinese character (its province names are the English ones)."""
    w = FIGURE_WORDS[language]
    y = np.linspace(1.0, 2.0, len(gdf))
    y[0] = np.nan
    fig = choropleth(gdf, y, language=language, label=True, simplify_m=5000.0)
    try:
        leg = fig.axes[0].get_legend()
        legend = [t.get_text() for t in leg.get_texts()]
        assert legend[-1] == w["nodata"] and len(legend) == 6
        # the defaults: five Jenks classes (Fisher's exact breaks), limits at two decimals, YlGnBu from 0.12 to 0.95
        bins = mapclassify.FisherJenks(y[1:], k=5).bins
        lows = [np.nanmin(y), *bins[:-1]]
        assert legend[:5] == [f"{printed(lo, 2)} – {printed(hi, 2)}" for lo, hi in zip(lows, bins)]
        cmap = plt.get_cmap("YlGnBu")
        want = [to_hex(c) for c in cmap(np.linspace(0.12, 0.95, 5))]
        assert [to_hex(h.get_facecolor()) for h in leg.legend_handles[:5]] == want
        texts = _texts(fig)
        assert w["km"] in texts or any(t.endswith(w["km"]) for t in texts)
        names = set(gdf["name_en" if language == "en" else "name_short"].iloc[1:])
        assert names & set(texts)
        if language == "en":
            assert [t for t in texts if CJK.search(t)] == []
    finally:
        plt.close(fig)
    cl = ["HH", "LL", "LH", "HL", "Not significant"] * (len(gdf) // 5) + ["HH"] * (len(gdf) % 5)
    fig = lisa_small_multiples(gdf, {(2023, "q"): cl}, years=[2023], weights=["q"], language=language)
    try:
        assert _legend(fig) == [w[c] for c in ("HH", "LL", "LH", "HL", "Not significant")] + [w["nodata"]]
        assert "q" in _texts(fig)  # a row without a label is titled by its matrix's name (weight_labels None)
        if language == "en":
            assert [t for t in _texts(fig) if CJK.search(t)] == []
    finally:
        plt.close(fig)


@pytest.mark.quick
def test_classify_defaults_to_five_fisher_jenks_classes_and_marks_missing_values():
    from aicoord.paper.figures import classify

    y = np.array([1.0, 1.1, 1.2, 3.0, 3.1, np.nan, 5.0, 5.2, 7.0, 9.0, 9.5, 2.0])
    bins, yb = classify(y)
    b2, yb2 = classify(y, scheme="fisher_jenks", k=5)
    ref = mapclassify.FisherJenks(y[np.isfinite(y)], k=5)
    np.testing.assert_array_equal(bins, ref.bins)
    np.testing.assert_array_equal(bins, b2)
    np.testing.assert_array_equal(yb[np.isfinite(y)], ref.yb)
    np.testing.assert_array_equal(yb, yb2)
    assert yb[5] == -1 and len(bins) == 5
    assert len(classify(y, k=3)[0]) == 3
    q, _ = classify(y, scheme="quantiles", k=4)
    np.testing.assert_array_equal(q, mapclassify.Quantiles(y[np.isfinite(y)], k=4).bins)
    exact, _ = classify(np.array([1.0, 2.0, np.nan, 3.0, 4.0, 5.0]))  # as many finite values as classes: one each
    np.testing.assert_array_equal(exact, [1.0, 2.0, 3.0, 4.0, 5.0])
    with pytest.raises(ValueError, match="11 finite values cannot make 12 classes"):
        classify(y, k=12)
