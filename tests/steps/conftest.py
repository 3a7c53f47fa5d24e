"""Shared inputs of the step tests: a small simulated demo panel written through the data steps, and the seed's
Table 1 with the queen matrix for the ESDA steps."""

import pytest

from aicoord.simulate import demo_dictionary
from aicoord.steps import data as data_steps
from aicoord.weights import build_weights
from aicoord.weights_io import write_weights
from helpers import NOTE, ROOT, simulated_files

#: the step tests' panel is simulated with an exogenous AI (no instrument column)
DEMO_DICTIONARY = demo_dictionary(False)


@pytest.fixture(scope="session")
def files(tmp_path_factory, provinces_gdf):
    d = simulated_files(tmp_path_factory.mktemp("measures"), provinces_gdf, [2017, 2023])
    for m in DEMO_DICTIONARY["mechanisms"]:
        data_steps.mechanism_data(
            d / "demo.csv", d / f"mechanism_{m}.csv", dictionary=DEMO_DICTIONARY, mechanism=m, note=NOTE
        )
    return d


@pytest.fixture(scope="session")
def mechanism_csvs(files):
    """The tidy mechanism files of the step-test panel, in the dictionary's order."""
    return [files / f"mechanism_{m}.csv" for m in DEMO_DICTIONARY["mechanisms"]]


@pytest.fixture(scope="session")
def esda_inputs(tmp_path_factory, provinces_gdf):
    """The ESDA steps' inputs (read only): ``ai.csv``, the seed's Table 1 as a cross-section of 2023, and the
    provinces' queen matrix ``queen``."""
    d = tmp_path_factory.mktemp("esda")
    data_steps.cross_section(
        ROOT / "data/raw/seed_table1_ai_index_2023.csv",
        d / "ai.csv",
        id_col="province",
        variables=["ai_index"],
        year=2023,
        note="Source: Table 1",
    )
    write_weights(build_weights({"kind": "queen"}, provinces_gdf), d / "queen", name="queen")
    return d
