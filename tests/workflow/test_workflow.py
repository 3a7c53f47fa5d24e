"""The Snakemake workflow end to end on a small configuration: outputs, reruns, byte-identical tables,
only new work for a new year, and config validation."""
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from refs import ROOT

SNAKEMAKE = [sys.executable, "-m", "snakemake"]
CONFIG = ROOT / "tests/workflow/config_test.yaml"


def _run(workdir, *extra, configfile=None, check=True):
    cmd = [*SNAKEMAKE, "--snakefile", str(ROOT / "Snakefile"), "--directory", str(workdir), "--cores", "2",
           *(["--configfile", str(configfile)] if configfile else []), *extra]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if check and res.returncode != 0:
        raise AssertionError(res.stdout[-3000:] + res.stderr[-3000:])
    return res


def _study(path):
    """A study folder: the repository's data and the small test configuration as config/config.yaml."""
    shutil.copytree(ROOT / "data", path / "data")
    (path / "config").mkdir()
    shutil.copy(CONFIG, path / "config/config.yaml")
    return path


def _hashes(workdir):
    files = sorted(p for p in (workdir / "results").rglob("*") if p.suffix in (".csv", ".json", ".gal", ".gwt"))
    return {str(p.relative_to(workdir)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    wd = _study(tmp_path_factory.mktemp("study"))
    _run(wd)
    return wd


def test_outputs_exist(workdir):
    r = workdir / "results"
    for rel in ["tables/weights_summary.csv", "tables/global_autocorrelation.csv", "tables/moran_year_by_matrix.csv",
                "tables/seed_claims.csv", "esda/lisa/ai_index_2023_queen.csv", "esda/lisa/ai_index_2023_knn4.csv",
                "weights/queen.gal", "weights/queen.gwt", "weights/knn4.csv", "geometry/provinces.gpkg",
                "figures/lisa_cluster_ai_index_2023_queen.png", "figures/moran_scatter_ai_index_2023_queen.png",
                "figures/lisa_significance_ai_index_2023_queen.png"]:
        assert (r / rel).stat().st_size > 0, rel
    claims = pd.read_csv(r / "tables/seed_claims.csv")
    assert claims["consistent"].all()
    g = pd.read_csv(r / "tables/global_autocorrelation.csv")
    assert set(g["matrix"]) == {"queen", "knn4"} and (g["permutations"] == 999).all()


def test_second_run_does_nothing_and_tables_are_reproducible(workdir, tmp_path):
    res = _run(workdir, "-n")
    assert "Nothing to be done" in res.stdout + res.stderr
    before = _hashes(workdir)
    again = _study(tmp_path / "again")
    _run(again)
    assert _hashes(again) == before


def test_new_year_reruns_only_what_depends_on_it(workdir, tmp_path):
    cfg = yaml.safe_load(CONFIG.read_text())
    src = pd.read_csv(workdir / "data/raw/seed_table1_ai_index_2023.csv")
    src["ai_index"] = src["ai_index"] * 1.01  # a stand-in file for a new year, only to exercise the DAG
    src.to_csv(workdir / "data/raw/new_year.csv", index=False)
    cfg["datasets"]["ai2024"] = {**cfg["datasets"]["ai2023"], "file": "data/raw/new_year.csv", "year": 2024,
                                 "variables": {"ai_index_2024": "stand-in"}}
    path = tmp_path / "cfg.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True))
    res = _run(workdir, "-n", configfile=path)
    text = res.stdout + res.stderr
    stats = text[text.index("Job stats:"):].split("\n\n")[0]
    jobs = {ln.split()[0]: int(ln.split()[1]) for ln in stats.splitlines()[3:] if len(ln.split()) == 2}
    # the new variable under both matrices, the aggregate tables and its figures; nothing else
    assert jobs == {"cross_section": 1, "global_autocorrelation": 2, "lisa": 2, "collect_global": 1,
                    "esda_figures": 1, "all": 1, "total": 8}, jobs


def test_invalid_config_is_rejected(workdir, tmp_path):
    cfg = yaml.safe_load(CONFIG.read_text())
    cfg["weights"]["knn4"]["k"] = 0
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(cfg))
    res = _run(workdir, "-n", configfile=path, check=False)
    assert res.returncode != 0 and "minimum" in res.stdout + res.stderr


def test_bad_input_file_fails_with_location_and_no_output(tmp_path):
    wd = _study(tmp_path / "bad")
    f = wd / "data/raw/seed_table1_ai_index_2023.csv"
    f.write_text(f.read_text(encoding="utf-8").replace("江苏", "工苏"), encoding="utf-8")
    res = _run(wd, "results/data/ai2023.csv", check=False)
    assert res.returncode != 0
    log = (wd / "logs/cross_section/ai2023.log").read_text(encoding="utf-8")
    assert "unknown province '工苏'" in log and "江苏" in log and "row 6" in log
    assert not (wd / "results/data/ai2023.csv").exists()
