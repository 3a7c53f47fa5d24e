"""The workflow classes of tests/bad_inputs.py through Snakemake: a configuration error is ONE clean message naming
the key (and the nearest allowed one, or the missing path), no traceback, no schema dump -- also after a previous
run, whose results must never be kept and relabelled (item 1)."""
import shutil

import pytest

from bad_inputs import WORKFLOW_CASES
from helpers import FAST, merge, run_snakemake, write_overlay


@pytest.fixture(scope="module")
def study(default_study, tmp_path_factory):
    """A study folder after a previous run of the targets some cases build first (the simulated panel, the
    tidy cross-section): a copy of the session's default study, which has them (it was a run of its own)."""
    wd = tmp_path_factory.mktemp("bad_workflow") / "study"
    shutil.copytree(default_study, wd, symlinks=True)
    write_overlay(wd, FAST)
    assert all((wd / c["before"]).exists() for c in WORKFLOW_CASES if c.get("before"))
    return wd


@pytest.mark.parametrize("case", WORKFLOW_CASES, ids=[c["id"] for c in WORKFLOW_CASES])
def test_bad_configuration_fails_with_one_clean_message(study, case):
    if case.get("before"):
        assert (study / case["before"]).exists()
    write_overlay(study, merge(FAST, case["overlay"]))
    try:
        res = run_snakemake(study, *([case["target"]] if case.get("target") else ["-n"]), check=False)
    finally:
        write_overlay(study, FAST)
    out = res.stdout + res.stderr
    assert res.returncode != 0, out[-2000:]
    for word in case["expect"]:
        assert word in out, (word, out[-2000:])
        assert out.count(word) == 1, out[-2000:]
    assert "Traceback" not in out and "$schema" not in out and len(out) < 4000, out[-2000:]
    assert "Nothing to be done" not in out


def test_previous_results_are_kept_untouched_and_the_good_config_still_runs(study):
    """After the refused configurations, the earlier outputs still say what they are (simulated), and the good
    configuration has nothing to do."""
    import pandas as pd

    assert pd.read_csv(study / "results/data/panel.csv")["note"].str.contains("simulated", case=False).all()
    res = run_snakemake(study, "-n", "results/data/panel.csv", "results/data/ai2023.csv")
    assert "Nothing to be done" in res.stdout + res.stderr
