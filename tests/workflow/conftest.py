"""The default study, run once per test session through Snakemake (at test cost; see helpers.FAST)."""
import pytest

from helpers import make_study, run_snakemake


@pytest.fixture(scope="session")
def default_study(tmp_path_factory):
    wd = make_study(tmp_path_factory.mktemp("default"))
    run_snakemake(wd)
    return wd


def pytest_collection_modifyitems(config, items):
    """Every workflow test runs on one xdist worker (``--dist loadgroup``), so the default study is built once."""
    here = str(__file__).rsplit("/", 1)[0]
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.xdist_group("workflow"))
