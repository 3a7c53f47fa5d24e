"""Step of workflow/rules/did.smk (aicoord.steps.did): the staggered DID around the AI pilot zones on a prefecture
panel. The estimators are checked in tests/test_did.py (hand computations, each other, a simulation with known
effects); here: the step writes every declared output from the files it is given, with the panel's note, and
analyses the simulated pilot_outcome exactly when it is given the demonstration panel."""

import json

import pandas as pd
import pytest

from aicoord.geometry import read_geopackage
from aicoord.simulate import demo_dictionary
from aicoord.steps import data as data_steps
from aicoord.steps.did import did
from aicoord.steps.geometry import province_geometry
from aicoord.weights import build_weights
from aicoord.weights_io import write_weights
from helpers import NOTE, ROOT


@pytest.fixture(scope="module")
def prefecture_study(tmp_path_factory):
    d = tmp_path_factory.mktemp("did")
    province_geometry(d / "prefectures.gpkg", level="prefecture")
    coords = read_geopackage(d / "prefectures.gpkg").set_index("code")[["lon", "lat"]]
    write_weights(build_weights({"kind": "knn", "k": 4}, None, coords=coords), d / "knn4", name="knn4", dense_max=1000)
    data_steps.simulate_panel(
        ROOT / "data/raw/seed_table1_ai_index_2023.csv",
        d / "knn4.npz",
        d / "demo.csv",
        d / "truth.json",
        d / "truth.csv",
        years=[2014, 2023],
        seed=5,
        weights_name="knn4",
        note=NOTE,
        level="prefecture",
    )
    data_steps.panel(
        d / "demo.csv",
        d / "panel.csv",
        d / "roles.json",
        dictionary=demo_dictionary(False),  # the exogenous demo panel: no instrument
        note=NOTE,
        simulated=True,
        level="prefecture",
    )
    return d


def _outputs(d, tag):
    forms = (".csv", ".md", ".tex", ".docx")
    return {
        "out_event_study": d / f"{tag}_es.csv",
        "out_att": d / f"{tag}_att.csv",
        "out_spillover": d / f"{tag}_sp.csv",
        "out_json": d / f"{tag}.json",
        "out_figure": d / f"{tag}.png",
        "out_paper_did": [d / f"{tag}_did{e}" for e in forms],
        "out_paper_spillover": [d / f"{tag}_did_spillover{e}" for e in forms],
    }


@pytest.mark.parametrize("demo", [True, False])
def test_did_writes_every_output_with_the_panels_note(prefecture_study, tmp_path, demo):
    d = prefecture_study
    out = _outputs(tmp_path, "x")
    did(
        d / "panel.csv",
        d / "knn4_raw.csv",
        d / "prefectures.gpkg",
        **out,
        outcomes=["ai"],
        demo_csv=d / "demo.csv" if demo else None,
        level="prefecture",
        placebo=0,
        bootstrap=49,
        sdm=False,
        seed=2,
        language="en",
    )
    for key, path in out.items():
        for p in path if isinstance(path, list) else [path]:
            assert p.exists() and p.stat().st_size > 0, (key, p)
    att = pd.read_csv(out["out_att"])
    assert (att["note"] == NOTE).all()
    assert set(att["outcome"]) == ({"ai", "pilot_outcome"} if demo else {"ai"})
    diag = json.loads(out["out_json"].read_text(encoding="utf-8"))
    assert diag["level"] == "prefecture" and diag["note"] == NOTE


def test_did_paper_tables_print_each_estimate_of_the_tidy_tables(prefecture_study, tmp_path):
    """The paper tables ``did`` and ``did_spillover`` in Chinese: numbered after the study's tables, one row per
    row of the tidy ATT (spillover) table, labelled by its outcome, estimator, control group and sample (term),
    with its estimate, SE and 95% interval printed to three decimals; the panel's note; the diagnostics record
    the pilot-zone settings."""
    from aicoord.paper import NumberFormat
    from aicoord.paper.study_tables import TABLES

    d = prefecture_study
    out = _outputs(tmp_path, "zh")
    did(
        d / "panel.csv",
        d / "knn4_raw.csv",
        d / "prefectures.gpkg",
        **out,
        outcomes=["ai"],
        level="prefecture",
        placebo=0,
        bootstrap=19,
        sdm=False,
        seed=3,
        language="zh",
        cutoff_month=9,
    )
    fmt = NumberFormat(decimals=3)
    heads = ["估计值", "标准误", "95% 区间下限", "95% 区间上限"]
    for tidy, paper, cols, number in (
        (out["out_att"], out["out_paper_did"][0], ["outcome", "estimator", "control", "sample"], len(TABLES) + 1),
        (out["out_spillover"], out["out_paper_spillover"][0], ["outcome", "term"], len(TABLES) + 2),
    ):
        t = pd.read_csv(tidy, dtype=str, keep_default_na=False)
        assert list(t.columns[:1]) == ["outcome"] and (t["note"] == NOTE).all()
        p = pd.read_csv(paper, dtype=str, keep_default_na=False)
        assert set(p["table"]) == {str(number)}
        labels = [" | ".join(r) for r in t[cols].itertuples(index=False)]
        assert list(dict.fromkeys(p["label"])) == list(dict.fromkeys(labels))
        for label, (_, r) in zip(labels, t.iterrows()):
            got = p[p["label"] == label].set_index("column")["value"]
            want = [fmt(float(r[c])) if r[c] != "" else "" for c in ("estimate", "se", "ci_low", "ci_high")]
            assert [got[h] for h in heads] == want, label
        assert NOTE in p["note"].iloc[0] and "模拟数据" not in p["note"].iloc[0].replace(NOTE, "")
    diag = json.loads(out["out_json"].read_text(encoding="utf-8"))
    assert (diag["level"], diag["cutoff_month"], diag["deqing"]) == ("prefecture", 9, "drop")
    assert out["out_figure"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_did_paper_tables_in_english_are_english_tables(prefecture_study, tmp_path):
    """With ``language="en"`` the two DID tables are English tables: "Table N." captions with the English titles
    and a "Notes:" paragraph (a table made without the step's language would print "表 N" and "注：")."""
    from aicoord.paper.study_tables import TABLES

    d = prefecture_study
    out = _outputs(tmp_path, "en")
    did(
        d / "panel.csv",
        d / "knn4_raw.csv",
        d / "prefectures.gpkg",
        **out,
        outcomes=["ai"],
        level="prefecture",
        placebo=0,
        bootstrap=19,
        sdm=False,
        seed=3,
        language="en",
        cutoff_month=9,
    )
    for paths, number, title in (
        (out["out_paper_did"], len(TABLES) + 1, "Staggered difference-in-differences: the AI pilot zones"),
        (out["out_paper_spillover"], len(TABLES) + 2, "Spatial spillovers of the pilot zones and their distance bands"),
    ):
        md = paths[1].read_text(encoding="utf-8")
        assert md.startswith(f"**Table {number}. {title}**\n")
        assert "\nNotes:" in md and "注：" not in md
