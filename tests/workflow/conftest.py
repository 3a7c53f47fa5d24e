"""The default study and the default study on a user's panel file, each run once per test session through Snakemake
(at test cost; see helpers.FAST)."""
import pytest

from helpers import make_study, real_format_panel, real_overlay, run_snakemake

#: the user's panel file of the real-panel study, relative to the study folder
REAL_PANEL = "data/raw/panel_test.csv"


@pytest.fixture(scope="session")
def default_study(tmp_path_factory):
    wd = make_study(tmp_path_factory.mktemp("default"))
    run_snakemake(wd)
    return wd


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist turns the mark into the test's group
def pytest_collection_modifyitems(config, items):
    """Every workflow test runs on one xdist worker (``--dist loadgroup``), so the default study is built once."""
    here = str(__file__).rsplit("/", 1)[0]
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.xdist_group("workflow"))


@pytest.fixture(scope="session")
def real_study(tmp_path_factory):
    """The default study on a user's panel file (yearbook-style Chinese headers, only panel.file and
    panel.dictionary configured), run once per session: ``(folder, the generator's truth)``. Tests that change
    it work on a copy (see test_workflow_new_year.py) or put its configuration back."""
    wd = make_study(tmp_path_factory.mktemp("real"), real_overlay(REAL_PANEL))
    truth = real_format_panel(wd / REAL_PANEL)
    run_snakemake(wd)
    return wd, truth
