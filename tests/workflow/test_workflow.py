"""The Snakemake workflow end to end on the default study (helpers.FAST lowers only its cost): outputs,
reruns, byte-identical tables, only new work for a new year, and clean configuration errors."""

import hashlib

import pandas as pd
import pytest
import yaml

from helpers import FAST, job_counts, make_study, merge, run_snakemake, write_overlay

#: every workflow test runs on one xdist worker, so the default study is built once per session


def _hashes(workdir):
    files = sorted(
        p for p in (workdir / "results").rglob("*") if p.suffix in (".csv", ".json", ".gal", ".gwt", ".gpkg", ".npz")
    )
    return {str(p.relative_to(workdir)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def test_outputs_exist(default_study):
    r = default_study / "results"
    for rel in [
        "tables/weights_summary.csv",
        "tables/global_autocorrelation.csv",
        "tables/moran_year_by_matrix.csv",
        "tables/seed_claims.csv",
        "esda/lisa/ai_index_2023_queen.csv",
        "esda/lisa/ai_index_2023_knn4.csv",
        "weights/queen.gal",
        "weights/queen.gwt",
        "weights/knn4.csv",
        "geometry/provinces.gpkg",
        "figures/lisa_cluster_ai_index_2023_queen.png",
        "figures/moran_scatter_ai_index_2023_queen.png",
        "figures/lisa_significance_ai_index_2023_queen.png",
        "tables/beta_convergence.csv",
    ]:
        assert (r / rel).stat().st_size > 0, rel
    claims = pd.read_csv(r / "tables/seed_claims.csv")
    assert claims["consistent"].all()
    g = pd.read_csv(r / "tables/global_autocorrelation.csv")
    default = yaml.safe_load((default_study / "config/config.default.yaml").read_text(encoding="utf-8"))
    assert set(g["matrix"]) == set(default["weights"]) and (g["permutations"] == 99).all()


@pytest.mark.slow  # a second full run of the default study (about 6 minutes on 2 cores)
def test_second_run_does_nothing_and_tables_are_reproducible(default_study, tmp_path):
    res = run_snakemake(default_study, "-n")
    assert "Nothing to be done" in res.stdout + res.stderr
    before = _hashes(default_study)
    again = make_study(tmp_path / "again")
    run_snakemake(again)
    assert _hashes(again) == before


def test_new_year_reruns_only_what_depends_on_it(default_study, tmp_path):
    src = pd.read_csv(default_study / "data/raw/seed_table1_ai_index_2023.csv")
    src["ai_index"] = src["ai_index"] * 1.01  # a stand-in file for a new year, only to exercise the DAG
    src.to_csv(default_study / "data/raw/new_year.csv", index=False)
    default = yaml.safe_load((default_study / "config/config.default.yaml").read_text(encoding="utf-8"))
    ds = dict(
        default["datasets"]["ai2023"], file="data/raw/new_year.csv", year=2024, variables={"ai_index_2024": "stand-in"}
    )
    write_overlay(default_study, merge(FAST, {"datasets": {"ai2024": ds}}))
    try:
        jobs = job_counts(run_snakemake(default_study, "-n"))
    finally:
        write_overlay(default_study, FAST)
    # the new variable (one ESDA job each for every matrix), the aggregate tables and its figures (one map
    # matrix); nothing else: no paper table or figure reads a new cross-section (the paper's Moran table is the
    # panel's, by year), so neither does the paper's README
    assert jobs == {
        "cross_section": 1,
        "global_autocorrelation": 1,
        "lisa": 1,
        "collect_global": 1,
        "esda_figures": 1,
        "all": 1,
        "total": 6,
    }, jobs


def test_invalid_config_is_rejected_with_the_key(default_study):
    bad = merge(FAST, {"weights": {"knn4": {"k": 0}}})
    write_overlay(default_study, bad)
    try:
        res = run_snakemake(default_study, "-n", check=False)
        out = res.stdout + res.stderr
        assert res.returncode != 0 and "weights.knn4.k" in out and "minimum" in out
        write_overlay(default_study, merge(FAST, {"mesures": {}}))
        res = run_snakemake(default_study, "-n", check=False)
        out = res.stdout + res.stderr
        assert res.returncode != 0 and "'mesures'" in out and "did you mean 'measures'" in out
        assert len(out) < 4000 and "$schema" not in out and "Traceback" not in out
    finally:
        write_overlay(default_study, FAST)


def test_bad_input_file_fails_with_location_and_no_output(tmp_path):
    wd = make_study(tmp_path / "bad")
    f = wd / "data/raw/seed_table1_ai_index_2023.csv"
    f.write_text(f.read_text(encoding="utf-8").replace("江苏", "工苏"), encoding="utf-8")
    res = run_snakemake(wd, "results/data/ai2023.csv", check=False)
    assert res.returncode != 0
    msg = "unknown province '工苏'"
    assert msg in res.stderr and "did you mean '江苏'" in res.stderr and "row 6" in res.stderr
    assert "Traceback" not in res.stderr and res.stderr.count(msg) == 1
    log = (wd / "logs/cross_section/ai2023.log").read_text(encoding="utf-8")
    assert msg in log and "Traceback" not in log
    assert not (wd / "results/data/ai2023.csv").exists()
