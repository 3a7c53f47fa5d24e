"""The robustness grid's wiring, on the Snakemake DAG (a dry run, no study): every ``robustness_variant`` job reads
the raw weights of its own matrix, ``results/weights/{w}_raw.npz`` (``variant_weights`` in
workflow/rules/common.smk), and the grid has one job per weights × sample of the configuration. Planted by hand:
``variant_weights`` returning the study's matrix for every variant fails this test."""

import re

import yaml

from helpers import ROOT, make_study, run_snakemake


def _jobs(text, rule):
    """``{field: value}`` of every job of ``rule`` in a dry run's job listing."""
    out = []
    for block in re.split(r"\n(?=\S)", text):
        lines = block.strip().splitlines()
        if lines and lines[0].strip() == f"rule {rule}:":
            out.append(dict(ln.strip().split(": ", 1) for ln in lines[1:] if ": " in ln))
    return out


def test_every_variant_job_reads_its_own_matrix(tmp_path):
    study = make_study(tmp_path / "study")
    res = run_snakemake(study, "-n", "-F", "results/tables/robustness.csv")
    jobs = _jobs(res.stdout + res.stderr, "robustness_variant")
    rb = yaml.safe_load((ROOT / "config/config.default.yaml").read_text(encoding="utf-8"))["analysis"]["robustness"]
    assert len(set(rb["weights"])) > 1  # the check needs more than one matrix
    seen = set()
    for job in jobs:
        wild = dict(kv.split("=", 1) for kv in job["wildcards"].split(", "))
        weights = [p for p in job["input"].split(", ") if p.startswith("results/weights/")]
        assert weights == [f"results/weights/{wild['w']}_raw.npz"], job
        assert job["output"] == f"results/study/robustness/{wild['w']}_{wild['sample']}.csv"
        seen.add((wild["w"], wild["sample"]))
    assert len(jobs) == len(seen) and seen == {(w, s) for w in rb["weights"] for s in rb["samples"]}
