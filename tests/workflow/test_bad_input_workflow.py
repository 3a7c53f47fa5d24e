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
    assert res.returncode == 2, out[-2000:]
    # the aicoord line first and alone: no "WorkflowError in file common.smk, line N", no Snakefile frames
    lines = [ln for ln in res.stderr.splitlines() if ln.strip() and not ln.startswith("Using workflow specific")]
    assert len(lines) == 1 and lines[0].startswith("aicoord: bad configuration: configuration"), out[-2000:]
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


def test_an_empty_mapping_in_the_users_configuration_empties_the_default(study):
    """Issue 24: Snakemake merged `island_links: {}` into the default, so Hainan stayed linked (and `scenarios: {}`
    kept the scenarios). The workflow rebuilds its configuration with aicoord.config.merge_layers: the queen matrix
    built by the earlier run is out of date (its params changed), and no scenario or composite-index job is
    planned. Dry runs."""
    from helpers import job_counts

    write_overlay(study, merge(FAST, {"weights": {"queen": {"island_links": {}}}}))
    try:
        res = run_snakemake(study, "-n", "results/weights/queen.csv")
    finally:
        write_overlay(study, FAST)
    assert job_counts(res).get("weights") == 1, (res.stdout + res.stderr)[-2000:]
    write_overlay(study, merge(FAST, {"analysis": {"scenarios": {}}, "measures": {"indices": {}}}))
    try:  # every job of the DAG (-F): the study folder is a copy of a finished default study
        res = run_snakemake(study, "-n", "-F")
    finally:
        write_overlay(study, FAST)
    jobs = job_counts(res)
    assert jobs.get("baseline") == 1 and "scenarios" not in jobs and "paper_scenarios" not in jobs
    assert "composite_indices" not in jobs


def test_a_real_panel_removes_the_demo_outputs_of_an_earlier_run(tmp_path):
    """Issue 24: after a demo run, switching to a real panel.file left results/demo/* and
    results/tables/demo_recovery.csv ("simulated data") among the real results. When the workflow starts
    (onstart; not in a dry run) it deletes the outputs of the demo-only rules."""
    from helpers import make_study, real_format_panel, real_overlay

    wd = make_study(tmp_path / "study", real_overlay("data/raw/panel_test.csv"))
    real_format_panel(wd / "data/raw/panel_test.csv")
    stale = [
        "results/demo/panel.csv",
        "results/demo/truth.json",
        "results/demo/truth.csv",
        "results/tables/demo_recovery.csv",
    ]
    for f in stale:  # as an earlier demo run left them
        (wd / f).parent.mkdir(parents=True, exist_ok=True)
        (wd / f).write_text("note\nSimulated data\n", encoding="utf-8")
    res = run_snakemake(wd, "-n", "results/data/panel.csv")
    assert all((wd / f).exists() for f in stale), "a dry run deletes nothing"
    res = run_snakemake(wd, "--cores", "1", "results/data/panel.csv")
    out = res.stdout + res.stderr
    assert not any((wd / f).exists() for f in stale) and not (wd / "results/demo").exists(), out[-2000:]
    assert "removed 4 output(s) of the simulated demonstration panel" in out
    assert (wd / "results/data/panel.csv").exists()
