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
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from aicoord.panel import SpatialPanel  # noqa: E402
from aicoord.panel.inference import apply_cov_type  # noqa: E402

TRUE = {"rho": 0.35, "lambda": 0.35, "beta": (1.0, -0.5), "theta": (0.3, 0.2)}
COVS = ("oim", "opg", "robust", "cluster", "driscoll-kraay")


def knn_w(n, k, rng):
    """Row-standardised kNN matrix on ``n`` random points (symmetrised neighbour sets are not needed)."""
    pts = rng.uniform(size=(n, 2))
    d = np.linalg.norm(pts[:, None] - pts[None], axis=2)
    np.fill_diagonal(d, np.inf)
    w = np.zeros((n, n))
    idx = np.argsort(d, axis=1)[:, :k]
    w[np.repeat(np.arange(n), k), idx.ravel()] = 1.0
    return w


def province_w():
    """Queen contiguity of the 31 provinces (binary; Hainan linked to Guangdong, the default island link)."""
    from aicoord.geometry import load_provinces
    from aicoord.weights import build_weights

    w = build_weights({"kind": "queen"}, load_provinces())
    return np.asarray(w.full()[0], dtype=float)


def simulate(model, w, t, errors, rng, sd_unit):
    """One panel: two-way effects, x1 correlated with the unit effect."""
    n = w.shape[0]
    ws = w / w.sum(1, keepdims=True)
    alpha = rng.normal(size=n)
    gamma = rng.normal(size=t)
    x = rng.normal(size=(t, n, 2))
    x[:, :, 0] += 0.5 * alpha
    if errors == "iid":
        eps = rng.normal(size=(t, n))
    elif errors == "hetero":
        eps = rng.normal(size=(t, n)) * sd_unit
    else:  # AR(1) 0.5 within units, unit variance
        eps = np.empty((t, n))
        eps[0] = rng.normal(size=n)
        for s in range(1, t):
            eps[s] = 0.5 * eps[s - 1] + np.sqrt(1 - 0.25) * rng.normal(size=n)
    b, th = np.array(TRUE["beta"]), np.array(TRUE["theta"])
    y = np.empty((t, n))
    eye = np.eye(n)
    for s in range(t):
        mean = x[s] @ b + alpha + gamma[s]
        if model == "sdm":
            mean = mean + ws @ x[s] @ th
        if model == "sem":
            y[s] = mean + np.linalg.solve(eye - TRUE["lambda"] * ws, eps[s])
        else:
            y[s] = np.linalg.solve(eye - TRUE["rho"] * ws, mean + eps[s])
    rows = {"id": np.tile(np.arange(n), t), "time": np.repeat(np.arange(t), n), "y": y.ravel(),
            "x1": x[:, :, 0].ravel(), "x2": x[:, :, 1].ravel()}
    return pd.DataFrame(rows)


def targets(model, res):
    """Estimates, standard errors and truths of (spatial parameter, slope of x1, total effect of x1)."""
    p, v = res.params, res.cov
    sp_name = "lambda" if model == "sem" else "rho"
    out = {sp_name: (p[sp_name], np.sqrt(v.loc[sp_name, sp_name]), TRUE[sp_name]),
           "beta1": (p["x1"], np.sqrt(v.loc["x1", "x1"]), TRUE["beta"][0])}
    if model == "sem":
        out["total"] = out["beta1"]
        return out
    names = ["x1"] + (["W*x1"] if model == "sdm" else []) + ["rho"]
    num = p["x1"] + (p["W*x1"] if model == "sdm" else 0.0)
    tot = num / (1 - p["rho"])
    g = np.array([1 / (1 - p["rho"])] * (len(names) - 1) + [num / (1 - p["rho"]) ** 2])
    se = float(np.sqrt(g @ v.loc[names, names].to_numpy() @ g))
    truth = (TRUE["beta"][0] + (TRUE["theta"][0] if model == "sdm" else 0.0)) / (1 - TRUE["rho"])
    out["total"] = (tot, se, truth)
    return out


def run(models, errors, w, t, reps, seed, covs=COVS, label=""):
    rows = []
    for mi, model in enumerate(models):
        for ei, err in enumerate(errors):
            rng = np.random.default_rng([seed, mi, ei])
            sd_unit = 0.5 + rng.uniform(0, 1.5, size=w.shape[0])
            hits = {}
            est = {}
            t0 = time.time()
            for r in range(reps):
                df = simulate(model, w, t, err, rng, sd_unit)
                mod = SpatialPanel(df, y="y", x=["x1", "x2"], id="id", time="time", w=w, model=model,
                                   effects="twoways", lee_yu=True)
                res = mod.fit()
                for ct in covs:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        rr = res if ct == "oim" else apply_cov_type(res, ct)
                    for name, (e, se, truth) in targets(model, rr).items():
                        hits.setdefault((ct, name), []).append(abs(e - truth) <= 1.959964 * se)
                        est.setdefault((ct, name), []).append((e, se))
            for (ct, name), h in hits.items():
                c = float(np.mean(h))
                arr = np.array(est[(ct, name)])
                rows.append({"design": label, "model": model, "errors": err, "cov_type": ct, "target": name,
                             "coverage": c, "mc_se": np.sqrt(c * (1 - c) / reps), "reps": reps,
                             "bias": arr[:, 0].mean() - targets_truth(model, name), "sd_est": arr[:, 0].std(),
                             "mean_se": arr[:, 1].mean()})
            print(f"{label} {model} {err}: {reps} reps in {time.time() - t0:.0f} s", file=sys.stderr, flush=True)
    return pd.DataFrame(rows)


def targets_truth(model, name):
    if name in ("rho", "lambda"):
        return TRUE[name]
    if name == "beta1" or model == "sem":
        return TRUE["beta"][0]
    return (TRUE["beta"][0] + (TRUE["theta"][0] if model == "sdm" else 0.0)) / (1 - TRUE["rho"])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=1000)
    ap.add_argument("--n", default="100", help="100 (kNN on random points) or 31 (the provinces' queen W)")
    ap.add_argument("--t", type=int, default=10)
    ap.add_argument("--seed", type=int, default=20261206)
    ap.add_argument("--models", nargs="+", default=["sar", "sdm", "sem"])
    ap.add_argument("--errors", nargs="+", default=["iid", "hetero", "ar1"])
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    if a.n == "31":
        w, label = province_w(), "N=31 provinces queen (模拟数据)"
    else:
        w, label = knn_w(int(a.n), 5, np.random.default_rng(a.seed)), f"N={a.n} kNN-5 (模拟数据)"
    tab = run(a.models, a.errors, w, a.t, a.reps, a.seed, label=label)
    tab.to_csv(a.out, index=False, float_format="%.4f")
    print(tab.pivot_table(index=["model", "errors", "target"], columns="cov_type", values="coverage").round(3))


if __name__ == "__main__":
    main()
