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
    """The tests that use the session's default study run on one xdist worker and those that use the
    real-panel study on one worker (``--dist loadgroup``), so each study is built once and the two are built
    in parallel; workflow tests with studies of their own (another level, bad inputs) go to any worker. The
    order in which the tests are handed out (the longest first) is set in tests/conftest.py."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if "default_study" in names:
            item.add_marker(pytest.mark.xdist_group("default_study"))
        elif "real_study" in names:
            item.add_marker(pytest.mark.xdist_group("real_study"))


@pytest.fixture(scope="session")
def real_study(tmp_path_factory):
    """The default study on a user's panel file (yearbook-style Chinese headers, only panel.file and
    panel.dictionary configured), run once per session: ``(folder, the generator's truth)``. Tests that change
    it work on a copy (see test_workflow_new_year.py) or put its configuration back."""
    wd = make_study(tmp_path_factory.mktemp("real"), real_overlay(REAL_PANEL))
    truth = real_format_panel(wd / REAL_PANEL)
    run_snakemake(wd)
    return wd, truth
