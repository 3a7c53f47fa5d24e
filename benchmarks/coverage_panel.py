"""Monte Carlo coverage of the covariance options of the spatial panel fits (模拟数据, simulated data).

Designs (issue 23): SAR, SDM and SEM with two-way fixed effects and the Lee-Yu correction, T = 10;
errors iid N(0, 1), heteroskedastic by unit (sd_i = 0.5 + U_i, U_i ~ U(0, 1.5) drawn once per design),
or AR(1) with coefficient 0.5 within units (stationary start, unit variance); N = 100 units on random
points in the unit square with a row-standardised 5-nearest-neighbour W, or the 31 provinces with
their queen contiguity W (``aicoord.weights`` on ``data/reference/provinces.csv``; Hainan linked to
Guangdong).  Coverage of nominal 95% intervals ``estimate +- 1.96 se`` for rho (lambda for
the SEM), the slope of x1 and the total effect of x1 ("AI": ``(beta_1 + theta_1) / (1 - rho)``, its
se by the delta method; for the SEM the total effect is ``beta_1``), with the Monte Carlo standard error
``sqrt(c (1 - c) / R)``.

Usage::

    nice -n 15 python benchmarks/coverage_panel.py --reps 1000 --n 100 --out coverage_n100.csv

Everything is seeded (``--seed``): the same arguments give the same table.
"""

from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):  # one thread: small dense solves
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402

import numpy as np  # noqa: E402

from aicoord.panel.coverage import knn_w, markdown_table, run  # noqa: E402


def province_w():
    """Queen contiguity of the 31 provinces (binary; Hainan linked to Guangdong, the default island link)."""
    from aicoord.geometry import load_provinces
    from aicoord.weights import build_weights

    w = build_weights({"kind": "queen"}, load_provinces())
    return np.asarray(w.full()[0], dtype=float)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=1000)
    ap.add_argument("--n", default="100", help="100 (kNN on random points) or 31 (the provinces' queen W)")
    ap.add_argument("--t", type=int, default=10)
    ap.add_argument("--seed", type=int, default=20261206)
    ap.add_argument("--models", nargs="+", default=["sar", "sdm", "sem"])
    ap.add_argument("--errors", nargs="+", default=["iid", "hetero", "ar1"])
    ap.add_argument("--out", help="CSV of the coverage table")
    ap.add_argument(
        "--markdown",
        nargs="+",
        metavar="CSV",
        help="print the table of docs/validation/coverage.md for these CSVs and exit",
    )
    a = ap.parse_args(argv)
    if a.markdown:
        import pandas as pd

        print(markdown_table(pd.concat([pd.read_csv(f) for f in a.markdown], ignore_index=True)))
        return
    if not a.out:
        ap.error("--out is required")
    if a.n == "31":
        w, label = province_w(), "N=31 provinces queen (模拟数据)"
    else:
        w, label = knn_w(int(a.n), 5, np.random.default_rng(a.seed)), f"N={a.n} kNN-5 (模拟数据)"
    tab = run(a.models, a.errors, w, a.t, a.reps, a.seed, label=label)
    tab.to_csv(a.out, index=False, float_format="%.4f")
    print(tab.pivot_table(index=["model", "errors", "target"], columns="cov_type", values="coverage").round(3))


if __name__ == "__main__":
    main()
