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
    """Every test that uses the session's default or real-panel study runs on one xdist worker
    (``--dist loadgroup``), so each study is built once; workflow tests with studies of their own (another
    level, bad inputs) stay free to run on the other worker."""
    for item in items:
        if {"default_study", "real_study"} & set(getattr(item, "fixturenames", ())):
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
