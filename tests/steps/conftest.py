"""Shared inputs of the step tests: a small simulated demo panel written through the data steps."""

import pytest

from aicoord.simulate import demo_dictionary
from aicoord.steps import data as data_steps
from aicoord.weights import build_weights
from aicoord.weights_io import write_weights
from helpers import NOTE, ROOT

#: the step tests' panel is simulated with an exogenous AI (no instrument column)
DEMO_DICTIONARY = demo_dictionary(False)


@pytest.fixture(scope="session")
def files(tmp_path_factory, provinces_gdf):
    d = tmp_path_factory.mktemp("measures")
    w = build_weights({"kind": "queen", "island_links": {"460000": ["440000"]}}, provinces_gdf)
    write_weights(w, d / "queen", name="queen")
    data_steps.simulate_panel(
        ROOT / "data/raw/seed_table1_ai_index_2023.csv",
        d / "queen.csv",
        d / "demo.csv",
        d / "truth.json",
        d / "truth.csv",
        years=[2017, 2023],
        seed=7,
        weights_name="queen",
        note=NOTE,
    )
    data_steps.panel(
        d / "demo.csv", d / "panel.csv", d / "roles.json", dictionary=DEMO_DICTIONARY, note=NOTE, simulated=True
    )
    for m in DEMO_DICTIONARY["mechanisms"]:
        data_steps.mechanism_data(
            d / "demo.csv", d / f"mechanism_{m}.csv", dictionary=DEMO_DICTIONARY, mechanism=m, note=NOTE
        )
    return d


@pytest.fixture(scope="session")
def mechanism_csvs(files):
    """The tidy mechanism files of the step-test panel, in the dictionary's order."""
    return [files / f"mechanism_{m}.csv" for m in DEMO_DICTIONARY["mechanisms"]]
