"""The study's covariance choice through Snakemake: on a copy of the default study, setting
``analysis.cov_type: cluster`` and ``analysis.cluster: region4`` reruns the baseline model and what is built from
it, and the baseline table's note then states the clustered standard errors (read from the fit's record)."""

import json
import shutil

import yaml

from helpers import FAST, job_counts, merge, run_snakemake

#: every workflow test runs on one xdist worker, so the default study is built once per session


def test_cov_type_reruns_the_baseline_and_states_it(default_study, tmp_path):
    wd = tmp_path / "study"
    shutil.copytree(default_study, wd, symlinks=True)
    over = merge(FAST, {"analysis": {"cov_type": "cluster", "cluster": "region4"}})
    (wd / "config/config.yaml").write_text(yaml.safe_dump(over, allow_unicode=True), encoding="utf-8")
    jobs = job_counts(run_snakemake(wd, "-n"))
    assert jobs.get("baseline") == 1 and jobs.get("mechanism"), jobs
    # the covariance is the baseline's and the mechanisms' (issue 23): no other model is refitted
    assert not {"robustness_variant", "heterogeneity", "specification"} & set(jobs), jobs
    run_snakemake(wd, "results/paper/baseline.md", "results/paper/effects.md")
    fit = json.loads((wd / "results/study/baseline.json").read_text(encoding="utf-8"))
    assert fit["cov"]["cov_type"] == "cluster" and fit["cov"]["n_clusters"] == 4
    assert {k: fit["cov"]["bootstrap"][k] for k in ("draws", "weights")} == {"draws": 999, "weights": "webb"}
    note = (wd / "results/paper/baseline.md").read_text(encoding="utf-8")
    assert "括号内数值基于按区域聚类的稳健标准误（4 个聚类）" in note
    assert "区域聚类" in (wd / "results/paper/effects.md").read_text(encoding="utf-8")
