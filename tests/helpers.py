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
#: fewer permutations and draws, PNG figures, maps for one matrix (.test/config/config.yaml, the test
#: configuration in the snakemake-workflows catalog's layout). Everything else is what users run.
FAST = yaml.safe_load((ROOT / ".test/config/config.yaml").read_text(encoding="utf-8"))


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
    stats = text[text.index("Job stats:") :].split("\n\n")[0]
    return {ln.split()[0]: int(ln.split()[1]) for ln in stats.splitlines()[3:] if len(ln.split()) == 2}


# ---- paper tables: model columns with z-values just either side of the star thresholds (1.645, 1.960,
# 2.576), where the rounded numbers printed in a table would suggest a different number of stars

import numpy as np  # noqa: E402

from aicoord.paper import ModelColumn  # noqa: E402

#: (estimate, standard error) with |z| just below/above each critical value, a negative coefficient,
#: a coefficient that rounds to -0.000 and a large one (thousands separator).
EDGE = {
    "ai": (0.01959, 0.01),  # z = 1.959: p = 0.0501, one star; rounded 0.020 / 0.010 looks like z = 2
    "ai_sq": (-0.0258, 0.01),  # z = -2.58: p = 0.00988, three stars
    "human": (0.02575, 0.01),  # z = 2.575: two stars
    "open": (0.01646, 0.01),  # z = 1.646: one star
    "gov": (-0.01644, 0.01),  # z = -1.644: none
    "tiny": (-0.0004, 0.02),  # prints 0.000 without a minus sign (its SE 0.020 asks for no more decimals)
    "big": (1234.5678, 100.0),  # thousands separator
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
            keys = [k for k in EDGE if not (m == 2 and k == "open")]  # model 3 lacks 'open'
            se = {k: float(rng.uniform(0.01, 0.2)) for k in keys}
            params = {k: float(rng.normal(0, 2.5) * se[k]) for k in keys}
        params["rho"] = 0.2 + 0.05 * m
        se["rho"] = 0.06
        cols.append(
            ModelColumn(
                name=f"({m + 1})",
                params=params,
                se=se,
                group="SDM" if m < 2 else "SAR",
                scalars={
                    "sigma2": 0.0123 + m,
                    "r2_within": 0.456,
                    "loglik": -1234.5678 + m,
                    "N": 31,
                    "T": 13,
                    "nobs": 403,
                },
                flags={"controls": True, "unit_effects": True, "time_effects": m != 1},
            )
        )
    return cols


# ---- a user's panel file: the generator's panel with yearbook-style Chinese headers (the real-panel path)

HEADERS = {
    "省份": "province",
    "年份": "year",
    "人工智能指数": "ai_index",
    "协调差距": "coord_gap",
    "人均GDP": "gdp_pc",
    "人口": "population",
    "政府干预": "gov_int",
    "城镇化率": "urb_rate",
    "产业升级": "ind_up",
    "价值链位置": "gvc",
    "资源错配": "misalloc",
    "区域品牌": "brand",
}
DICTIONARY = {
    "columns": HEADERS,
    "ai": "ai_index",
    "outcome": ["coord_gap"],
    "gdp_pc": "gdp_pc",
    "population": "population",
    "controls": ["gov_int", "urb_rate"],
    "mechanisms": {
        "industrial_upgrading": "ind_up",
        "value_chain": "gvc",
        "resource_allocation": "misalloc",
        "regional_brand": "brand",
    },
}
#: the generator's columns -> the yearbook-style Chinese headers of the test file
TO_FILE = {
    "province": "省份",
    "year": "年份",
    "ai_index": "人工智能指数",
    "coord_gap": "协调差距",
    "gdp_pc": "人均GDP",
    "population": "人口",
    "gov": "政府干预",
    "urban": "城镇化率",
    "industrial_upgrading": "产业升级",
    "value_chain": "价值链位置",
    "resource_allocation": "资源错配",
    "regional_brand": "区域品牌",
}


def real_format_panel(path, setting="B"):
    """The generator's setting-B panel (another mechanism null, the baseline of the other sign than the
    default demo) written as a user's file: Chinese headers, the study's own column names for the controls
    and mechanisms, no code column. It exercises the real-panel path; it is test input, never an output."""
    from aicoord.contract import read_province_table
    from aicoord.geometry import load_provinces
    from aicoord.simulate import simulate_demo_panel
    from aicoord.weights import build_weights

    ai = read_province_table(ROOT / "data/raw/seed_table1_ai_index_2023.csv", "province", ["ai_index"])["ai_index"]
    w = build_weights({"kind": "queen", "island_links": {"460000": ["440000"]}}, load_provinces())
    panel, truth = simulate_demo_panel(ai, w, seed=20250, scenario=setting)
    out = panel.drop(columns=["code"]).rename(columns=TO_FILE)
    out["价值链位置_备选"] = (1.1 * out["价值链位置"]).round(10)  # an alternative proxy a user might switch to
    out.to_csv(path, index=False, encoding="utf-8")
    return truth


def real_overlay(file, **panel):
    """FAST plus ONLY panel.file and panel.dictionary (and what the caller adds); a fresh copy, which the
    caller may change."""
    import copy

    return copy.deepcopy(merge(FAST, {"panel": {"file": file, "dictionary": DICTIONARY, **panel}}))


# ---- LaTeX: compile with xelatex and read the log

import re  # noqa: E402

#: Largest overflow tolerated in a compiled table (TeX's own \hfuzz is 0.1pt; a few pt are invisible in print).
TEX_OVERFLOW_PT = 1.0


def xelatex_or_skip():
    """The xelatex executable, or skip the test saying why (the reason is printed too, for ``pytest -rs``)."""
    import pytest

    xelatex = shutil.which("xelatex")
    if xelatex is None:
        reason = "xelatex is not installed (apt-get install texlive-xetex texlive-lang-chinese fonts-noto-cjk)"
        print("SKIP REASON: " + reason)
        pytest.skip(reason)
    return xelatex


def compile_tex(xelatex, tex):
    """Compile ``tex`` in its folder with xelatex (one pass, no interaction); returns the log text."""
    from pathlib import Path

    tex = Path(tex)
    run = subprocess.run(
        [xelatex, "-interaction=nonstopmode", "-halt-on-error", tex.name],
        cwd=tex.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )
    log = tex.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    assert run.returncode == 0, log[-3000:]
    return log


def tex_overflows(log) -> list:
    """What overflows the page in a LaTeX log: (kind, size in pt) of every overfull box wider/taller than
    :data:`TEX_OVERFLOW_PT` and every float too large for its page."""
    out = [
        (f"Overfull \\{kind}", float(pt))
        for kind, pt in re.findall(r"Overfull \\(hbox|vbox) \((-?[\d.]+)pt too (?:wide|high)\)", log)
        if float(pt) > TEX_OVERFLOW_PT
    ]
    out += [("Float too large", float(pt)) for pt in re.findall(r"Float too large for page by ([\d.]+)pt", log)]
    return out


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


def simulated_files(d, provinces_gdf, years, endogenous=False):
    """The queen weights and a simulated demo panel (tidy, with its roles) in folder ``d``; ``endogenous``: AI
    with an unobserved confounder and the simulated instrument (its dictionary then names the instrument)."""
    from aicoord.simulate import demo_dictionary
    from aicoord.steps import data as data_steps
    from aicoord.weights import build_weights
    from aicoord.weights_io import write_weights

    w = build_weights({"kind": "queen", "island_links": {"460000": ["440000"]}}, provinces_gdf)
    write_weights(w, d / "queen", name="queen")
    data_steps.simulate_panel(
        ROOT / "data/raw/seed_table1_ai_index_2023.csv",
        d / "queen.csv",
        d / "demo.csv",
        d / "truth.json",
        d / "truth.csv",
        years=years,
        seed=7,
        weights_name="queen",
        note=NOTE,
        endogenous=endogenous,
    )
    data_steps.panel(
        d / "demo.csv",
        d / "panel.csv",
        d / "roles.json",
        dictionary=demo_dictionary(endogenous),
        note=NOTE,
        simulated=True,
    )
    return d
