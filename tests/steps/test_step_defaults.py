"""The documented defaults of the measure steps (aicoord.steps.measures): each step called without its optional
arguments writes what the call with the documented default passed explicitly writes, and another value changes it."""

import matplotlib
import pandas as pd

from aicoord.steps import measures


def _capture(monkeypatch):
    got = []
    monkeypatch.setattr(measures, "save_figure", lambda fig, *paths: got.append(fig))
    return got


def _texts(fig):
    ax = fig.axes[0]
    leg = ax.get_legend()
    return [ax.get_title(), ax.get_xlabel(), ax.get_ylabel(), leg.get_title().get_text()] + [
        t.get_text() for t in leg.get_texts()
    ]


def test_kde_step_defaults_to_chinese_every_year_and_no_population(files, monkeypatch, tmp_path):
    got = _capture(monkeypatch)
    years = sorted(pd.read_csv(files / "panel.csv")["year"].unique())
    try:
        measures.kde_figure(files / "panel.csv", [tmp_path / "k.png"], variable="gdp_pc")
        measures.kde_figure(
            files / "panel.csv",
            [tmp_path / "k.png"],
            variable="gdp_pc",
            years=None,
            population=None,
            language="zh",
            mechanism_csvs=(),
        )
        measures.kde_figure(files / "panel.csv", [tmp_path / "k.png"], variable="gdp_pc", language="en")
        plain, explicit, en = (_texts(f) for f in got)
        assert plain == explicit and plain != en
        assert plain[:4] == ["人均实际 GDP相对全国水平的核密度", "人均实际 GDP / 全国水平", "核密度", "年份"]
        assert plain[4:] == [str(y) for y in years]
        curves = [[line.get_ydata() for line in f.axes[0].get_lines()] for f in got[:2]]
        assert all((a == b).all() for a, b in zip(*curves))
    finally:
        for f in got:
            matplotlib.pyplot.close(f)


def test_inequality_step_defaults_to_the_four_regions_unweighted(files, tmp_path):
    def run(tag, **kw):
        year, pairs = tmp_path / f"{tag}_y.csv", tmp_path / f"{tag}_p.csv"
        measures.inequality_panel(files / "panel.csv", year, pairs, variables=["gdp_pc"], **kw)
        return year.read_bytes(), pairs.read_bytes()

    plain = run("plain")
    assert plain == run("explicit", groups="region4", population=None, mechanism_csvs=())
    assert plain != run("weighted", population="population")
    y = pd.read_csv(tmp_path / "plain_y.csv")
    assert not y["population_weighted"].any()
    pairs = pd.read_csv(tmp_path / "plain_p.csv")
    assert set(pairs["group_j"]) == {"East", "Central", "West", "Northeast"}
