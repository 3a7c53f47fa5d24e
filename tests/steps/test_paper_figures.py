"""Steps of workflow/rules/paper_figures.smk. The map steps (aicoord.steps.paper_figures.paper_figure_ai_map, paper_figure_lisa), called in their own
tests with the figure captured before saving (the mutation draw of issue 22 found them run only by the workflow
tests): each province gets the colour of its own value or cluster whatever the row order of the CSVs, and the
title, layout and note follow the inputs."""

import mapclassify
import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PatchCollection
from matplotlib.colors import to_hex

import aicoord.paper.figures
from aicoord.geometry import CHINA_ALBERS, write_geopackage
from aicoord.plotting import CLUSTER_COLOURS
from aicoord.steps import paper_figures as F
from paper_inputs import LABELS, REAL_NOTE, SIM_NOTE, WL, build_study_tables

SIM = "Simulated data. Source: step test"


@pytest.fixture(scope="module")
def gpkg(provinces_gdf, tmp_path_factory):
    path = tmp_path_factory.mktemp("geo") / "provinces.gpkg"
    write_geopackage(provinces_gdf, path)
    return path


@pytest.fixture()
def captured(monkeypatch):
    got = []
    # the step module imports save_paper_figure at its top: replace it there too
    monkeypatch.setattr(aicoord.paper.figures, "save_paper_figure", lambda fig, *paths: got.append(fig))
    monkeypatch.setattr(F, "save_paper_figure", lambda fig, *paths: got.append(fig))
    yield got
    for fig in got:
        matplotlib.pyplot.close(fig)


def _provinces(ax, n):
    return next(c for c in ax.collections if isinstance(c, PatchCollection) and len(c.get_paths()) >= n)


def _drawn_codes(ax, provinces_gdf):
    """The province each drawn polygon outlines: the one whose projected bounds match the path's extent (outlines
    are simplified by at most 2 km; the provinces' bounds are hundreds of km apart)."""
    proj = provinces_gdf.to_crs(CHINA_ALBERS)
    bounds = proj.geometry.bounds.to_numpy()
    codes = []
    for path in _provinces(ax, len(proj)).get_paths():
        v = path.vertices
        box = np.array([v[:, 0].min(), v[:, 1].min(), v[:, 0].max(), v[:, 1].max()])
        gap = np.abs(bounds - box).max(axis=1)
        assert gap.min() < 5e3
        codes.append(str(provinces_gdf["code"].iloc[int(np.argmin(gap))]))
    return codes


def test_ai_map_colours_each_province_by_its_own_class(provinces_gdf, ai_index, gpkg, captured, tmp_path):
    codes = list(provinces_gdf["code"])
    rng = np.random.default_rng(5)
    order = rng.permutation(len(codes))  # the cross-section's rows in another order than the map's
    d = pd.DataFrame(
        {"code": [codes[i] for i in order], "year": 2023, "ai": ai_index.loc[[codes[i] for i in order]].to_numpy(float)}
    )
    d.to_csv(tmp_path / "ai.csv", index=False)
    pd.DataFrame({"id": codes, "note": SIM}).to_csv(tmp_path / "lisa.csv", index=False)
    F.paper_figure_ai_map(
        tmp_path / "ai.csv",
        tmp_path / "lisa.csv",
        gpkg,
        tmp_path / "a.png",
        tmp_path / "a.pdf",
        variable="ai",
        label="AI index",
        language="en",
        decimals=1,
    )
    ax = captured[0].axes[0]
    assert ax.get_title() == "AI index (2023)" and ax.get_legend().get_title().get_text() == "AI index"
    assert any(t.get_text().startswith("Simulated data") for t in captured[0].texts)
    # Jenks classes of the values, by hand; each province filled with its class colour, in the map's order
    y = d.set_index("code").loc[codes, "ai"].to_numpy(float)
    mc = mapclassify.FisherJenks(y, k=5)
    palette = [to_hex(h.get_facecolor()) for h in ax.get_legend().legend_handles][:5]
    face = [to_hex(c) for c in _provinces(ax, len(codes)).get_facecolors()]
    drawn = _drawn_codes(ax, provinces_gdf)
    assert sorted(drawn) == sorted(codes)
    assert face == [palette[mc.yb[codes.index(c)]] for c in drawn]
    assert ax.get_legend().get_texts()[0].get_text().startswith(f"{y.min():.1f}")
    # the zh title puts the year in full-width brackets
    F.paper_figure_ai_map(
        tmp_path / "ai.csv",
        tmp_path / "lisa.csv",
        gpkg,
        tmp_path / "a.png",
        tmp_path / "a.pdf",
        variable="ai",
        label="人工智能指数",
        language="zh",
    )
    assert captured[1].axes[0].get_title() == "人工智能指数（2023）"
    # the defaults: class limits at two decimals, no approval number under the map
    assert captured[1].axes[0].get_legend().get_texts()[0].get_text().startswith(f"{y.min():.2f} – ")
    assert not any("审图号" in t.get_text() for t in captured[1].texts)
    F.paper_figure_ai_map(
        tmp_path / "ai.csv",
        tmp_path / "lisa.csv",
        gpkg,
        tmp_path / "a.png",
        tmp_path / "a.pdf",
        variable="ai",
        label="人工智能指数",
        language="zh",
        map_approval="GS(2024)0650号",
    )
    assert any(t.get_text() == "审图号：GS(2024)0650号" for t in captured[2].texts)


def _lisa_csv(path, codes, year, matrix, clusters, rng):
    order = rng.permutation(len(codes))
    pd.DataFrame(
        {
            "id": [codes[i] for i in order],
            "year": year,
            "matrix": matrix,
            "cluster": [clusters[i] for i in order],
            "note": SIM,
        }
    ).to_csv(path, index=False)


def test_lisa_figure_places_each_matrix_and_year_and_aligns_the_provinces(provinces_gdf, gpkg, captured, tmp_path):
    codes = list(provinces_gdf["code"])
    rng = np.random.default_rng(9)
    labels = ["HH", "LL", "LH", "HL", "Not significant"]
    truth = {(yr, m): list(rng.choice(labels, size=len(codes))) for yr in (2019, 2023) for m in ("queen", "knn4")}
    paths = {}
    for (yr, m), cl in truth.items():
        paths[(yr, m)] = tmp_path / f"{m}_{yr}.csv"
        _lisa_csv(paths[(yr, m)], codes, yr, m, cl, rng)
    wl = {"queen": "Queen contiguity", "knn4": "4 nearest neighbours"}
    # one cross-section: the matrices side by side, the year as the row title
    F.paper_figure_lisa(
        [paths[(2023, "queen")], paths[(2023, "knn4")]],
        gpkg,
        tmp_path / "l.png",
        tmp_path / "l.pdf",
        weights=["queen", "knn4"],
        weights_labels=wl,
        language="en",
    )
    fig = captured[0]
    main = [a for a in fig.axes if a.get_subplotspec() is not None]
    assert [a.get_title() for a in main] == ["Queen contiguity", "4 nearest neighbours"]
    assert [t.get_text() for t in main[0].texts] == ["2023"] and fig._suptitle.get_text() == "LISA cluster maps"
    for ax, m in zip(main, ("queen", "knn4")):
        face = [to_hex(c) for c in _provinces(ax, len(codes)).get_facecolors()]
        drawn = _drawn_codes(ax, provinces_gdf)
        assert sorted(drawn) == sorted(codes)
        assert face == [CLUSTER_COLOURS[truth[(2023, m)][codes.index(c)]].lower() for c in drawn], m
    # two years: one row per matrix, one column per year
    F.paper_figure_lisa(
        [paths[k] for k in sorted(paths)],
        gpkg,
        tmp_path / "l.png",
        tmp_path / "l.pdf",
        weights=["queen", "knn4"],
        weights_labels=wl,
        language="zh",
    )
    main = [a for a in captured[1].axes if a.get_subplotspec() is not None]
    assert [a.get_title() for a in main[:2]] == ["2019", "2023"]
    assert [t.get_text() for t in main[0].texts] == ["Queen contiguity"]
    assert [t.get_text() for t in main[2].texts] == ["4 nearest neighbours"]
    for ax, key in zip(main, ((2019, "queen"), (2023, "queen"), (2019, "knn4"), (2023, "knn4"))):
        face = [to_hex(c) for c in _provinces(ax, len(codes)).get_facecolors()]
        drawn = _drawn_codes(ax, provinces_gdf)
        assert face == [CLUSTER_COLOURS[truth[key][codes.index(c)]].lower() for c in drawn], key


@pytest.mark.quick
def test_effects_figure_names_each_estimated_variant_by_its_matrix_label(captured, tmp_path):
    """The effects figure: the baseline's three effects and AI's total effect in every estimated robustness
    variant (not those "not estimated"), each variant named by its matrix's label, sample and model."""
    pd.DataFrame(
        {
            "variable": ["ai"] * 3 + ["gov"],
            "effect": ["direct", "indirect", "total", "total"],
            "estimate": [-0.1, -0.2, -0.3, 9.0],
            "lower": [-0.2, -0.4, -0.5, 8.0],
            "upper": [0.0, 0.0, -0.1, 10.0],
            "note": SIM,
        }
    ).to_csv(tmp_path / "e.csv", index=False)
    pd.DataFrame(
        {
            "mechanism": ["baseline", "baseline", "baseline", "m1"],
            "weights": ["knn4", "queen", "queen", "queen"],
            "sample": ["full", "full", "no_municipalities", "full"],
            "model": ["sdm", "sar", "sdm", "sdm"],
            "verdict": ["promotes", "not estimated", "inconclusive", "hinders"],
            "estimate": [-0.25, np.nan, -0.05, 0.4],
            "lower": [-0.4, np.nan, -0.2, 0.1],
            "upper": [-0.1, np.nan, 0.1, 0.7],
            "note": SIM,
        }
    ).to_csv(tmp_path / "r.csv", index=False)
    F.paper_figure_effects(
        tmp_path / "e.csv",
        tmp_path / "r.csv",
        tmp_path / "f.png",
        tmp_path / "f.pdf",
        ai="ai",
        label="AI",
        weights_labels={"knn4": "4 nearest neighbours", "queen": "Queen contiguity"},
        language="en",
        alpha=0.05,
    )
    labels = [t.get_text() for ax in captured[0].axes for t in ax.get_yticklabels()]
    variants = [lab for lab in labels if "·" in lab]
    assert len(variants) == 2 and all(("4 nearest neighbours" in v) != ("Queen contiguity" in v) for v in variants)
    assert any(v.startswith("4 nearest neighbours · ") for v in variants)
    assert any(v.startswith("Queen contiguity · ") for v in variants)
    assert not any("knn4" in lab or "queen" in lab for lab in labels)
    # the points: the baseline's effects and the two estimated variants' totals (never the control's 9.0)
    xs = sorted(
        float(x)
        for ax in captured[0].axes
        for ln in ax.get_lines()
        for x in np.atleast_1d(ln.get_xdata())
        if len(np.atleast_1d(ln.get_xdata())) and ln.get_linestyle() == "None"
    )
    assert xs == pytest.approx(sorted([-0.1, -0.2, -0.3, -0.25, -0.05]))


# ---- every figure's note: "simulated data" exactly when its input says so (inputs of tests/paper_inputs.py)
@pytest.fixture(scope="module", params=["simulated", "real"])
def built(request, tmp_path_factory):
    return build_study_tables(request.param, tmp_path_factory)


@pytest.mark.parametrize("figure", ["paper_figure_effects", "paper_figure_mediation"])
def test_the_figures_say_simulated_data_exactly_when_their_input_does(built, figure, tmp_path, monkeypatch):
    import matplotlib.text

    import aicoord.paper.figures

    kind, d, _ = built
    texts = []

    def keep_text(fig, png, pdf):
        texts.extend(t.get_text() for t in fig.findobj(matplotlib.text.Text))
        for p in (png, pdf):
            open(p, "wb").close()

    monkeypatch.setattr(aicoord.paper.figures, "save_paper_figure", keep_text)
    monkeypatch.setattr(F, "save_paper_figure", keep_text, raising=False)
    if figure == "paper_figure_effects":
        F.paper_figure_effects(
            d / "effects.csv",
            d / "robustness.csv",
            tmp_path / "e.png",
            tmp_path / "e.pdf",
            ai="ai",
            label="人工智能",
            weights_labels=WL,
            language="zh",
            alpha=0.05,
        )
    else:
        F.paper_figure_mediation(
            d / "verdict.csv", tmp_path / "m.png", tmp_path / "m.pdf", labels=LABELS, language="zh", alpha=0.05
        )
    assert texts and any("模拟数据" in t for t in texts) == (kind == "simulated")


@pytest.fixture(scope="module")
def province_maps(tmp_path_factory):
    """The provinces' GeoPackage, the AI index cross-section and LISA tables of every province (two matrices),
    each note saying simulated data or not."""
    from aicoord.steps.data import cross_section
    from aicoord.steps.geometry import province_geometry
    from aicoord.units import unit_table
    from helpers import ROOT

    d = tmp_path_factory.mktemp("maps")
    province_geometry(d / "provinces.gpkg")
    cross_section(
        ROOT / "data/raw/seed_table1_ai_index_2023.csv",
        d / "ai.csv",
        id_col="province",
        variables=["ai_index"],
        year=2023,
        note="Source: Table 1",
    )
    codes = list(unit_table("province")["code"])
    for kind, note in (("simulated", SIM_NOTE), ("real", REAL_NOTE)):
        for m in WL:
            clusters = (["HH", "LL", "LH", "HL", "Not significant"] * 7)[: len(codes)]
            pd.DataFrame({"id": codes, "cluster": clusters, "year": 2023, "matrix": m, "note": note}).to_csv(
                d / f"lisa_{kind}_{m}.csv", index=False
            )
    return d


@pytest.mark.parametrize("kind", ["simulated", "real"])
@pytest.mark.parametrize("figure", ["paper_figure_ai_map", "paper_figure_lisa"])
def test_the_maps_say_simulated_data_exactly_when_their_input_does(province_maps, figure, kind, tmp_path, monkeypatch):
    import matplotlib.text

    import aicoord.paper.figures

    d = province_maps
    texts = []

    def keep_text(fig, png, pdf):
        texts.extend(t.get_text() for t in fig.findobj(matplotlib.text.Text))

    monkeypatch.setattr(aicoord.paper.figures, "save_paper_figure", keep_text)
    monkeypatch.setattr(F, "save_paper_figure", keep_text, raising=False)
    lisa = [d / f"lisa_{kind}_{m}.csv" for m in WL]
    if figure == "paper_figure_ai_map":
        F.paper_figure_ai_map(
            d / "ai.csv",
            lisa[0],
            d / "provinces.gpkg",
            tmp_path / "a.png",
            tmp_path / "a.pdf",
            variable="ai_index",
            label="人工智能指数",
            language="zh",
        )
    else:
        F.paper_figure_lisa(
            lisa,
            d / "provinces.gpkg",
            tmp_path / "l.png",
            tmp_path / "l.pdf",
            weights=list(WL),
            weights_labels=WL,
            language="zh",
        )
    assert texts and any("模拟数据" in t for t in texts) == (kind == "simulated")
