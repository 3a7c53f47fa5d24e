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


# ---- paper tables: model columns with z-values just either side of the star thresholds (1.645, 1.960,
# 2.576), where the rounded numbers printed in a table would suggest a different number of stars

import numpy as np  # noqa: E402

from aicoord.paper import ModelColumn  # noqa: E402

#: (estimate, standard error) with |z| just below/above each critical value, a negative coefficient,
#: a coefficient that rounds to -0.000 and a large one (thousands separator).
EDGE = {
    "ai": (0.01959, 0.01),          # z = 1.959: p = 0.0501, one star; rounded 0.020 / 0.010 looks like z = 2
    "ai_sq": (-0.0258, 0.01),       # z = -2.58: p = 0.00988, three stars
    "human": (0.02575, 0.01),       # z = 2.575: two stars
    "open": (0.01646, 0.01),        # z = 1.646: one star
    "gov": (-0.01644, 0.01),        # z = -1.644: none
    "tiny": (-0.0004, 0.002),       # prints 0.000 without a minus sign
    "big": (1234.5678, 100.0),      # thousands separator
    "W*ai": (0.31, 0.12),
}


def edge_columns(n_models=3, seed=7):
    """``n_models`` columns: the first holds :data:`EDGE`, the others random estimates (seeded)."""
    rng = np.random.default_rng(seed)
    cols = []
    for m in range(n_models):
        if m == 0:
            params = {k: v[0] for k, v in EDGE.items()}
            se = {k: v[1] for k, v in EDGE.items()}
        else:
            keys = [k for k in EDGE if not (m == 2 and k == "open")]   # model 3 lacks 'open'
            se = {k: float(rng.uniform(0.01, 0.2)) for k in keys}
            params = {k: float(rng.normal(0, 2.5) * se[k]) for k in keys}
        params["rho"] = 0.2 + 0.05 * m
        se["rho"] = 0.06
        cols.append(ModelColumn(
            name=f"({m + 1})", params=params, se=se, group="SDM" if m < 2 else "SAR",
            scalars={"sigma2": 0.0123 + m, "r2_within": 0.456, "loglik": -1234.5678 + m, "N": 31, "T": 13,
                     "nobs": 403},
            flags={"controls": True, "unit_effects": True, "time_effects": m != 1}))
    return cols


# ---- two-sided bounds for simulation checks (coverage counts and standard-error calibration)

def binomial_bounds(n: int, p: float, alpha: float) -> tuple:
    """Counts ``(lo, hi)`` with ``P(X < lo) <= alpha/2`` and ``P(X > hi) <= alpha/2`` for ``X ~ Bin(n, p)``:
    the two-sided acceptance region of the number of intervals covering the truth out of ``n``."""
    from scipy.stats import binom

    return int(binom.ppf(alpha / 2, n, p)), int(binom.isf(alpha / 2, n, p))


def sd_ratio_bounds(reps: int, alpha: float) -> tuple:
    """Two-sided bounds of ``sd_hat / sigma`` for the sample SD of ``reps`` normal draws (chi-square with
    ``reps - 1`` degrees of freedom): a reported standard error ``sigma`` is calibrated when the Monte Carlo
    SD of the estimates over that many replications lies in ``sigma`` times these bounds."""
    from scipy.stats import chi2

    df = reps - 1
    return float(np.sqrt(chi2.ppf(alpha / 2, df) / df)), float(np.sqrt(chi2.isf(alpha / 2, df) / df))
