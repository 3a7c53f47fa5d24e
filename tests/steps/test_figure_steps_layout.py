"""The figure steps' drawn layout and texts, read back from the matplotlib figures they save: the KDE legend's
columns, the ESDA figures' titles (with the Chinese full-width colon and comma), their legends' places, the
summary JSON read as UTF-8, and the LISA figure of a single cross-section file, saved under the given names."""

import json
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

from aicoord.steps import esda, measures
from aicoord.steps import paper_figures as F
from aicoord.steps.geometry import province_geometry
from helpers import ROOT

LOWER_LEFT, LOWER_RIGHT = 3, 4  # matplotlib's legend location codes


def _capture(monkeypatch, module, name="save_figure"):
    got = []
    monkeypatch.setattr(module, name, lambda fig, *paths: got.append(fig))
    return got


@pytest.fixture(scope="module")
def long_panel(files, tmp_path_factory):
    """The step-test panel (2017–2023) with its rows repeated as 2010–2016: fourteen years."""
    p = pd.read_csv(files / "panel.csv", dtype={"code": str})
    path = tmp_path_factory.mktemp("kde") / "panel.csv"
    pd.concat([p.assign(year=p["year"] - 7), p]).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("n_years, ncol", [(7, 1), (8, 1), (9, 2), (14, 2)])
def test_kde_legend_takes_two_columns_above_eight_years(long_panel, monkeypatch, tmp_path, n_years, ncol):
    got = _capture(monkeypatch, measures)
    years = list(range(2023 - n_years + 1, 2024))
    measures.kde_figure(long_panel, [tmp_path / "k.png"], variable="gdp_pc", years=years, language="en")
    try:
        ax = got[0].axes[0]
        leg = ax.get_legend()
        assert [t.get_text() for t in leg.get_texts()] == [str(y) for y in years]
        assert leg._ncols == ncol and leg.get_title().get_text() == "year"
        assert ax.get_xlabel() == "real GDP per capita relative to national"
        assert ax.get_ylabel() == "Density" and ax.get_title() == "Kernel density of relative real GDP per capita"
    finally:
        matplotlib.pyplot.close(got[0])


def test_kde_step_texts_in_chinese(files, monkeypatch, tmp_path):
    got = _capture(monkeypatch, measures)
    measures.kde_figure(files / "panel.csv", [tmp_path / "k.png"], variable="gdp_pc", language="zh")
    try:
        ax = got[0].axes[0]
        assert ax.get_ylabel() == "核密度" and ax.get_title() == "人均实际 GDP相对全国水平的核密度"
        assert ax.get_legend()._ncols == 1
    finally:
        matplotlib.pyplot.close(got[0])


@pytest.fixture(scope="module")
def esda_inputs(tmp_path_factory, provinces_gdf):
    from aicoord.steps import data as data_steps
    from aicoord.weights import build_weights
    from aicoord.weights_io import write_weights

    d = tmp_path_factory.mktemp("esda_layout")
    data_steps.cross_section(
        ROOT / "data/raw/seed_table1_ai_index_2023.csv",
        d / "ai.csv",
        id_col="province",
        variables=["ai_index"],
        year=2023,
        note="Source: Table 1",
    )
    write_weights(build_weights({"kind": "queen"}, provinces_gdf), d / "queen", name="queen")
    kw = dict(var="ai_index", year=2023, matrix="queen", permutations=99, seed=1)
    esda.lisa(d / "ai.csv", d / "queen.csv", d / "lisa.csv", alpha=0.05, fdr=False, **kw)
    esda.global_autocorrelation(d / "ai.csv", d / "queen.csv", d / "g.json", **kw)
    province_geometry(d / "p.gpkg")
    return d


@pytest.mark.parametrize(
    "language, label, matrix_label, heads",
    [
        (
            "zh",
            "AI 指数",
            "邻接矩阵",
            [
                "Moran 散点图：AI 指数，2023，邻接矩阵",
                "LISA 聚类图：AI 指数，2023，邻接矩阵",
                "LISA 显著性图：AI 指数，2023，邻接矩阵",
            ],
        ),
        (
            "en",
            "AI index",
            None,
            [
                "Moran scatter plot: AI index, 2023, queen",
                "LISA cluster map: AI index, 2023, queen",
                "LISA significance map: AI index, 2023, queen",
            ],
        ),
    ],
)
def test_esda_figures_titles_legends_and_the_summary_read_as_utf8(
    esda_inputs, monkeypatch, tmp_path, language, label, matrix_label, heads
):
    d = esda_inputs
    got = _capture(monkeypatch, esda)
    encodings = []
    read_text = Path.read_text

    def recording(self, *args, **kwargs):  # the encoding each file of the step is read with
        if self == d / "g.json":
            encodings.append(kwargs.get("encoding", args[0] if args else None))
        return read_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", recording)
    esda.esda_figures(
        d / "lisa.csv",
        d / "g.json",
        d / "p.gpkg",
        scatter=[tmp_path / "s.png"],
        cluster=[tmp_path / "c.png"],
        significance=[tmp_path / "g.png"],
        var="ai_index",
        label=label,
        year=2023,
        matrix="queen",
        language=language,
        matrix_label=matrix_label,
    )
    try:
        assert encodings and all(str(e).lower().replace("_", "-") == "utf-8" for e in encodings)
        assert [f.axes[0].get_title() for f in got] == heads
        assert got[0].axes[0].get_legend()._loc == LOWER_RIGHT
        for fig in got[1:]:  # the maps' legends at the lower left of the main map
            assert fig.axes[0].get_legend()._loc == LOWER_LEFT
        glob = json.loads((d / "g.json").read_text(encoding="utf-8"))
        moran = got[0].axes[0].get_legend().get_texts()[0].get_text()
        expected = (
            f"莫兰指数 I = {glob['I']:.4f}（伪 p 值 = {glob['p_sim']:.4g}）"
            if language == "zh"
            else f"Moran's I = {glob['I']:.4f} (pseudo p = {glob['p_sim']:.4g})"
        )
        assert moran == expected
    finally:
        for fig in got:
            matplotlib.pyplot.close(fig)


@pytest.mark.parametrize("language, sep", [("zh", "；"), ("en", " | ")])
def test_esda_figures_note_translates_each_part_of_the_lisa_note(esda_inputs, monkeypatch, tmp_path, language, sep):
    """A LISA note of several parts (the data's, then the matrix's, separated by " | ") is printed under each ESDA
    figure part by part in the figure's language (:func:`aicoord.paper.labels.translate_note`), joined by "；" in
    Chinese and " | " in English; the parts are not split at their spaces."""
    from aicoord.paper.labels import translate_note

    d = esda_inputs
    parts = ["Simulated data. Source: test", "GDP per capita from the panel: Simulated data. Source: test"]
    lisa = pd.read_csv(d / "lisa.csv", dtype={"id": str}).assign(note=" | ".join(parts))
    lisa.to_csv(tmp_path / "lisa.csv", index=False)
    got = _capture(monkeypatch, esda)
    esda.esda_figures(
        tmp_path / "lisa.csv",
        d / "g.json",
        d / "p.gpkg",
        scatter=[tmp_path / "s.png"],
        cluster=[tmp_path / "c.png"],
        significance=[tmp_path / "g.png"],
        var="ai_index",
        label="AI",
        year=2023,
        matrix="queen",
        language=language,
        matrix_label="Queen contiguity",
    )
    try:
        want = sep.join(translate_note(p, language, weights_labels={"queen": "Queen contiguity"}) for p in parts)
        assert len(got) == 3
        for fig in got:
            assert want in [t.get_text() for t in fig.texts]
    finally:
        for fig in got:
            matplotlib.pyplot.close(fig)


def test_lisa_figure_of_a_single_file_is_one_map_saved_under_the_given_names(provinces_gdf, tmp_path):
    """One LISA file (one matrix, one year): one panel titled by the matrix's label, the year as its row title,
    written as the PNG and the PDF named."""
    codes = list(provinces_gdf["code"])
    gpkg = tmp_path / "p.gpkg"
    province_geometry(gpkg)
    labels = ["HH", "LL", "LH", "HL", "Not significant"]
    pd.DataFrame(
        {
            "id": codes,
            "year": 2023,
            "matrix": "queen",
            "cluster": [labels[i % 5] for i in range(len(codes))],
            "note": "Simulated data. Source: test",
        }
    ).to_csv(tmp_path / "lisa.csv", index=False)
    kept = []
    save = F.save_paper_figure

    def keep(fig, *paths):
        kept.append(
            (
                fig.get_size_inches().tolist(),
                [a.get_title() for a in fig.axes if a.get_subplotspec()],
                [t.get_text() for a in fig.axes if a.get_subplotspec() for t in a.texts],
                fig._suptitle.get_text(),
            )
        )
        save(fig, *paths)

    import unittest.mock

    with unittest.mock.patch.object(F, "save_paper_figure", keep):
        F.paper_figure_lisa(
            [tmp_path / "lisa.csv"],
            gpkg,
            tmp_path / "lisa_map.png",
            tmp_path / "lisa_map.pdf",
            weights=["queen"],
            weights_labels={"queen": "Queen contiguity"},
            language="en",
        )
    size, titles, texts, suptitle = kept[0]
    assert size == pytest.approx([3.6 + 0.5, 3.0 + 0.9])
    assert titles == ["Queen contiguity"] and texts == ["2023"] and suptitle == "LISA cluster maps"
    assert (tmp_path / "lisa_map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "lisa_map.pdf").read_bytes()[:5] == b"%PDF-"
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".png", ".pdf")) == [
        "lisa_map.pdf",
        "lisa_map.png",
    ]


SIM = "Simulated data. Source: step test"


@pytest.mark.quick
@pytest.mark.parametrize(
    "language, title, ci", [("zh", "AI的空间效应", "90% 置信区间"), ("en", "Effects of AI", "90% confidence interval")]
)
def test_effects_figure_step_title_level_and_ticks(tmp_path, monkeypatch, language, title, ci):
    pd.DataFrame(
        {
            "variable": ["ai"] * 3,
            "effect": ["direct", "indirect", "total"],
            "estimate": [-0.1, -0.2, -0.3],
            "lower": [-0.2, -0.4, -0.5],
            "upper": [0.0, 0.0, -0.1],
            "note": SIM,
        }
    ).to_csv(tmp_path / "e.csv", index=False)
    pd.DataFrame(
        {
            "mechanism": ["baseline"],
            "weights": ["queen"],
            "sample": ["full"],
            "model": ["sdm"],
            "verdict": ["promotes"],
            "estimate": [-0.25],
            "lower": [-0.4],
            "upper": [-0.1],
            "note": SIM,
        }
    ).to_csv(tmp_path / "r.csv", index=False)
    got = _capture(monkeypatch, F, "save_paper_figure")
    F.paper_figure_effects(
        tmp_path / "e.csv",
        tmp_path / "r.csv",
        tmp_path / "f.png",
        tmp_path / "f.pdf",
        ai="ai",
        label="AI",
        weights_labels={"queen": "Queen"},
        language=language,
        alpha=0.1,
    )
    fig = got[0]
    try:
        assert fig._suptitle.get_text() == title
        assert [t.get_text() for t in fig.legends[0].get_texts()][1] == ci
        for ax in fig.axes:  # at most four intervals between ticks (five ticks) on each panel
            assert ax.xaxis.get_major_locator()._nbins == 4
        # the baseline's interval is the table's [lower, upper], not a normal one
        seg = [s for s in fig.axes[0].collections[0].get_segments()]
        assert [(s[0][0], s[1][0]) for s in seg] == [(-0.2, 0.0)]
    finally:
        matplotlib.pyplot.close(fig)


@pytest.mark.quick
@pytest.mark.parametrize(
    "language, title", [("zh", "人工智能经各机制的中介效应"), ("en", "Mediated effects of AI by mechanism")]
)
def test_mediation_figure_step_title_rows_and_intervals(tmp_path, monkeypatch, language, title):
    pd.DataFrame(
        {
            "mechanism": ["baseline", "value_chain", "innovation"],
            "effect": [0.5, 0.2, -0.05],
            "lower": [0.1, 0.1, -0.2],
            "upper": [0.9, 0.3, 0.1],
            "note": SIM,
        }
    ).to_csv(tmp_path / "v.csv", index=False)
    got = _capture(monkeypatch, F, "save_paper_figure")
    F.paper_figure_mediation(
        tmp_path / "v.csv",
        tmp_path / "m.png",
        tmp_path / "m.pdf",
        labels={"value_chain": "VC", "innovation": "Inno"},
        language=language,
        alpha=0.1,
    )
    fig = got[0]
    try:
        ax = fig.axes[0]
        assert ax.get_title() == title
        assert [t.get_text() for t in ax.get_yticklabels()] == ["VC", "Inno"]
        seg = ax.collections[0].get_segments()
        assert [(s[0][0], s[1][0]) for s in seg] == [(0.1, 0.3), (-0.2, 0.1)]
        words = {"zh": ["区间不含 0", "区间含 0"], "en": ["Interval excludes 0", "Interval includes 0"]}[language]
        assert [t.get_text() for t in fig.legends[0].get_texts()] == words
    finally:
        matplotlib.pyplot.close(fig)
