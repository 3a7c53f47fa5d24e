"""The default study, run once per test session through Snakemake (at test cost; see helpers.FAST)."""
import pytest

from helpers import make_study, run_snakemake


@pytest.fixture(scope="session")
def default_study(tmp_path_factory):
    wd = make_study(tmp_path_factory.mktemp("default"))
    run_snakemake(wd)
    return wd
