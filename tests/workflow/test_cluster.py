"""A slice of the DAG through Snakemake's generic cluster executor, with a local script standing in for
`sbatch` (tests/workflow/fake_sbatch.sh): every job is submitted on its own, runs in its own process and its
outputs are collected -- byte-identical to the local run of the same study. This is what the SLURM profile
(profiles/slurm) relies on, without a SLURM installation."""

import hashlib
import os

import pytest
import yaml

from helpers import ROOT, job_counts, make_study, run_snakemake

#: four jobs of three rules: the geometry, two matrices that depend on it, and a GAL file made from one of them
TARGETS = ["results/weights/queen.csv", "results/weights/knn4.csv", "results/weights/queen.gal"]


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow(
    reason="submits every job of a study of its own through the cluster-generic executor (about 45 s); the SLURM "
    "profile's planning of the default study stays in the fast suite (test_slurm_profile_plans_the_default_study)"
)
def test_jobs_are_submitted_run_separately_and_collected(default_study, tmp_path, monkeypatch):
    study = make_study(tmp_path / "study")
    log = tmp_path / "submissions.txt"
    monkeypatch.setenv("FAKE_SBATCH_LOG", str(log))
    res = run_snakemake(
        study,
        *TARGETS,
        "--executor",
        "cluster-generic",
        "--cluster-generic-submit-cmd",
        f"{ROOT / 'tests/workflow/fake_sbatch.sh'} --job-name={{rule}} --mem={{resources.mem_mb}}"
        " --time={resources.runtime}",
        "--jobs",
        "2",
        "--latency-wait",
        "30",
    )
    jobs = job_counts(res)
    submissions = log.read_text().splitlines()
    # one submission per job (the "total" line of the job stats is not a job)
    assert len(submissions) == jobs["total"] >= 4
    pids = {line.split()[0] for line in submissions}
    assert len(pids) == len(submissions) and str(os.getpid()) not in pids
    for rel in TARGETS:
        assert _sha(study / rel) == _sha(default_study / rel), rel
    # the resources declared in each rule reach the scheduler's command line
    submitted = {line.split()[1]: line.split()[2:4] for line in submissions}
    assert submitted["--job-name=weights"] == ["--mem=3000", "--time=20"]
    assert submitted["--job-name=weights_gal"] == ["--mem=1000", "--time=10"]


def test_slurm_profile_plans_the_default_study(tmp_path):
    study = make_study(tmp_path / "study")
    res = run_snakemake(study, "--profile", str(ROOT / "profiles/slurm"), "-n")
    assert job_counts(res)["all"] == 1
    profile = yaml.safe_load((ROOT / "profiles/slurm/config.yaml").read_text(encoding="utf-8"))
    assert profile["executor"] == "slurm"
