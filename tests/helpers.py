"""The one place for what tests share: paths, tolerances, and helpers to run the workflow on a study folder.

Imported as ``helpers`` (``tests/`` is on pytest's ``pythonpath``); fixtures live in ``conftest.py`` files."""
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"

#: Agreement required with R spdep (issue: 1e-6).
RTOL_R = 1e-6
ATOL_R = 1e-9

#: The study tests' demo panels: the default demo seed, and the demo's controls and columns.
DEFAULT_SEED = int(yaml.safe_load((ROOT / "config/config.default.yaml").read_text(encoding="utf-8"))["demo"]["seed"])
CONTROLS = ["gov", "urban"]


def study_kw(w):
    """Arguments of the aicoord.study functions on a demo panel with weights ``w``."""
    return dict(y="coord_gap", ai="ai_index", controls=CONTROLS, unit="code", time="year", w=w)


#: Provenance note of the small simulated panels made by the step tests.
NOTE = "Simulated data. Source: test"

# ---- running the workflow on a study folder, as a user would

import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402


SNAKEMAKE = [sys.executable, "-m", "snakemake"]

#: Overlay of the workflow tests: the default study (config/config.default.yaml) at lower cost only --
#: fewer permutations and draws, PNG figures, maps for one matrix. Everything else is what users run.
FAST = {"esda": {"permutations": 99, "figure_formats": ["png"], "map_weights": ["queen"]},
        "measures": {"recovery": {"draws": 200}}}


def merge(base: dict, over: dict) -> dict:
    """Recursive dict merge, as Snakemake merges config files (lists and scalars are replaced)."""
    out = dict(base)
    for k, v in over.items():
        out[k] = merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def make_study(path, overlay=None):
    """A study folder as a user has it: the repository's data/ and config/, with ``overlay`` as config/config.yaml."""
    path.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "data", path / "data")
    (path / "config").mkdir()
    shutil.copy(ROOT / "config/config.default.yaml", path / "config/config.default.yaml")
    write_overlay(path, FAST if overlay is None else overlay)
    return path


def write_overlay(path, overlay):
    (path / "config/config.yaml").write_text(yaml.safe_dump(overlay, allow_unicode=True), encoding="utf-8")


def run_snakemake(workdir, *extra, check=True):
    """Run the repository's Snakefile on ``workdir`` with 2 cores; returns the CompletedProcess."""
    cmd = [*SNAKEMAKE, "--snakefile", str(ROOT / "Snakefile"), "--directory", str(workdir), "--cores", "2", *extra]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if check and res.returncode != 0:
        raise AssertionError(res.stdout[-3000:] + res.stderr[-3000:])
    return res


def job_counts(res) -> dict:
    """Job name -> count from the "Job stats" block of a Snakemake (dry) run."""
    text = res.stdout + res.stderr
    if "Job stats:" not in text:
        return {}
    stats = text[text.index("Job stats:"):].split("\n\n")[0]
    return {ln.split()[0]: int(ln.split()[1]) for ln in stats.splitlines()[3:] if len(ln.split()) == 2}
