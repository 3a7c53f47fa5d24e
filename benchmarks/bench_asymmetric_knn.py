"""Time ``aicoord fit-panel`` with an asymmetric k-nearest-neighbour W against its symmetrised form (a script,
not a test).

Run from the repository root::

    .venv/bin/python benchmarks/bench_asymmetric_knn.py [--n 3000] [--t 2] [--k 5] [--symmetric]

Data (simulated, 模拟数据): ``n`` points uniform on the unit square (seed 1), W = their k nearest neighbours
(asymmetric; ``--symmetric`` takes ``max(W, W')``), written as a long ``from,to,weight`` CSV; a panel of ``t``
periods from a two-way SDM with ``rho = 0.4`` solved on the row-standardised W.  Prints the wall and CPU time
(the CPU time is the fair figure on a shared machine) and peak memory of the whole command (``aicoord fit-panel
--model sdm --fe twoways --draws 1000``, its default tests included).
"""

from __future__ import annotations

import argparse
import pathlib
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.spatial import cKDTree

ROOT = pathlib.Path(__file__).resolve().parents[1]


def make_files(n, t, k, symmetric, folder):
    rng = np.random.default_rng(1)
    pts = rng.uniform(size=(n, 2))
    _, idx = cKDTree(pts).query(pts, k + 1)
    rows = np.repeat(np.arange(n), k)
    w = sp.csr_matrix((np.ones(n * k), (rows, idx[:, 1:].ravel())), shape=(n, n))
    if symmetric:
        w = w.maximum(w.T).tocsr()
    coo = w.tocoo()
    pd.DataFrame({"from": coo.row, "to": coo.col, "weight": coo.data}).to_csv(folder / "w.csv", index=False)
    ws = sp.diags(1 / np.asarray(w.sum(axis=1)).ravel()) @ w
    lu = spla.splu((sp.identity(n) - 0.4 * ws).tocsc())
    mu = rng.normal(size=n)
    frames = []
    for year in range(2001, 2001 + t):
        x1, x2 = rng.normal(size=n), rng.normal(size=n)
        y = lu.solve(x1 - 0.5 * x2 + 0.3 * (ws @ x1) + mu + 0.1 * year + rng.normal(size=n))
        frames.append(pd.DataFrame({"id": np.arange(n), "year": year, "y": y, "x1": x1, "x2": x2}))
    pd.concat(frames).to_csv(folder / "panel.csv", index=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--t", type=int, default=2)
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--symmetric", action="store_true")
    args = ap.parse_args()
    folder = pathlib.Path(tempfile.mkdtemp(prefix="aicoord_knn_"))
    make_files(args.n, args.t, args.k, args.symmetric, folder)
    cmd = [
        str(pathlib.Path(sys.executable).parent / "aicoord"),
        "fit-panel",
        "--data",
        str(folder / "panel.csv"),
        "--id",
        "id",
        "--time",
        "year",
        "--y",
        "y",
        "--x",
        "x1",
        "x2",
        "--weights",
        str(folder / "w.csv"),
        "--model",
        "sdm",
        "--fe",
        "twoways",
        "--draws",
        "1000",
        "--out",
        str(folder / "fit.json"),
    ]
    start, cpu0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(cmd, capture_output=True, text=True)
    took, cpu1 = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime
    print(
        f"n={args.n} t={args.t} k={args.k} {'symmetrised' if args.symmetric else 'asymmetric'} W: "
        f"exit {done.returncode}, {took:.1f} s wall, {cpu:.1f} s CPU, peak {cpu1.ru_maxrss / 1024:.0f} MB "
        f"(simulated data, {folder})"
    )
    if done.returncode:
        print(done.stderr[-2000:])


if __name__ == "__main__":
    main()
