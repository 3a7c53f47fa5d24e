"""Shared fixtures and tolerances."""
import json
import warnings

import pytest

from helpers import FIXTURES, ROOT

warnings.filterwarnings("ignore", message=".*disconnected components.*")
warnings.filterwarnings("ignore", message=".*island.*")


@pytest.fixture(scope="session")
def spdep_reference():
    """R spdep reference values, made by tests/fixtures/esda/make_reference.R."""
    return json.loads((FIXTURES / "esda" / "reference.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def provinces_gdf():
    from aicoord.geometry import load_provinces

    return load_provinces()


@pytest.fixture(scope="session")
def ai_index():
    from aicoord.contract import read_province_table

    return read_province_table(ROOT / "data/raw/seed_table1_ai_index_2023.csv", "province", ["ai_index"])["ai_index"]
