"""An interrupted run (SIGTERM to Snakemake in the middle of a job) followed by a plain rerun gives outputs
byte-identical to a clean run: outputs are written atomically, so no half-written file survives, and Snakemake
reruns the jobs it had marked incomplete. A small target set keeps the test affordable."""

import hashlib
import signal
import subprocess
import time

import pytest

from helpers import ROOT, SNAKEMAKE, make_study, run_snakemake

TARGETS = ["results/data/panel.csv", "results/data/ai2023.csv", "results/weights/knn4.csv"]


def _hashes(wd):
    files = sorted(p for p in (wd / "results").rglob("*") if p.is_file())
    return {str(p.relative_to(wd)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


@pytest.mark.slow  # an interrupted and a clean run of part of the study (over a minute)
def test_rerun_after_sigterm_equals_a_clean_run(tmp_path):
    clean = make_study(tmp_path / "clean")
    run_snakemake(clean, *TARGETS)
    wd = make_study(tmp_path / "interrupted")
    cmd = [*SNAKEMAKE, "--snakefile", str(ROOT / "Snakefile"), "--directory", str(wd), "--cores", "1", *TARGETS]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 600
    # wait until a job is running (its log exists) but the run is not finished, then interrupt it
    while time.time() < deadline and proc.poll() is None and not (wd / "logs/simulate_panel.log").exists():
        time.sleep(0.2)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode != 0, out[-2000:]
    assert not (wd / "results/data/panel.csv").exists()
    assert not [p for p in (wd / "results").rglob(".*") if p.is_file()]  # no temporary file left behind
    time.sleep(1)
    run_snakemake(wd, *TARGETS)
    assert _hashes(wd) == _hashes(clean)
