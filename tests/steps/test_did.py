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
