"""Shared inputs of the step tests: a small simulated demo panel written through the data steps."""

import pytest

from aicoord.simulate import demo_dictionary
from aicoord.steps import data as data_steps
from helpers import NOTE, simulated_files

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
