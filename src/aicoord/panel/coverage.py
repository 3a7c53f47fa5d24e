"""Seeded Monte Carlo of the coverage of the covariance options of :meth:`SpatialPanel.fit` (模拟数据, simulated).

Designs of issue 23: SAR, SDM and SEM with two-way fixed effects and the Lee-Yu correction; errors
iid N(0, 1) (``"iid"``), heteroskedastic by unit (``"hetero"``: sd_i = 0.5 + U_i, U_i ~ U(0, 1.5) drawn once per
design) or AR(1) with coefficient 0.5 within units (``"ar1"``, stationary start, unit variance).  The
targets are rho (lambda for the SEM), the slope of ``x1`` and the total effect of ``x1``
(``(beta_1 + theta_1) / (1 - rho)`` with a row-standardised W, its standard error by the delta method;
``beta_1`` for the SEM).  ``benchmarks/coverage_panel.py`` runs the grid; ``tests/panel/test_coverage.py``
checks a few replications and, under ``slow``, the grid.
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np
import pandas as pd

from .inference import apply_cov_type
from .model import SpatialPanel

__all__ = ["TRUE", "COVS", "knn_w", "simulate", "targets", "targets_truth", "run", "markdown_table"]

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
    """One simulated panel (long DataFrame ``id, time, y, x1, x2``): two-way effects, x1 correlated with the
    unit effect; ``sd_unit`` the unit standard deviations of the ``"hetero"`` errors."""
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
    rows = {
        "id": np.tile(np.arange(n), t),
        "time": np.repeat(np.arange(t), n),
        "y": y.ravel(),
        "x1": x[:, :, 0].ravel(),
        "x2": x[:, :, 1].ravel(),
    }
    return pd.DataFrame(rows)


def targets(model, res):
    """Estimates, standard errors and truths of (spatial parameter, slope of x1, total effect of x1)."""
    p, v = res.params, res.cov
    sp_name = "lambda" if model == "sem" else "rho"
    out = {
        sp_name: (p[sp_name], np.sqrt(v.loc[sp_name, sp_name]), TRUE[sp_name]),
        "beta1": (p["x1"], np.sqrt(v.loc["x1", "x1"]), TRUE["beta"][0]),
    }
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
    """Coverage table (one row per model, errors, covariance and target) of ``reps`` seeded replications."""
    rows = []
    for mi, model in enumerate(models):
        for ei, err in enumerate(errors):
            rng = np.random.default_rng([seed, mi, ei])
            sd_unit = 0.5 + rng.uniform(0, 1.5, size=w.shape[0])
            hits = {}
            est = {}
            t0 = time.time()
            for _ in range(reps):
                df = simulate(model, w, t, err, rng, sd_unit)
                mod = SpatialPanel(
                    df, y="y", x=["x1", "x2"], id="id", time="time", w=w, model=model, effects="twoways", lee_yu=True
                )
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
                rows.append(
                    {
                        "design": label,
                        "model": model,
                        "errors": err,
                        "cov_type": ct,
                        "target": name,
                        "coverage": c,
                        "mc_se": np.sqrt(c * (1 - c) / reps),
                        "reps": reps,
                        "bias": arr[:, 0].mean() - targets_truth(model, name),
                        "sd_est": arr[:, 0].std(),
                        "mean_se": arr[:, 1].mean(),
                    }
                )
            print(f"{label} {model} {err}: {reps} reps in {time.time() - t0:.0f} s", file=sys.stderr, flush=True)
    return pd.DataFrame(rows)


def targets_truth(model, name):
    """True value of a target."""
    if name in ("rho", "lambda"):
        return TRUE[name]
    if name == "beta1" or model == "sem":
        return TRUE["beta"][0]
    return (TRUE["beta"][0] + (TRUE["theta"][0] if model == "sdm" else 0.0)) / (1 - TRUE["rho"])


def markdown_table(tab):
    """Markdown table of a coverage table from :func:`run`: one row per design, model and errors, one column per
    covariance, each cell the coverage in percent of the spatial parameter / the slope of x1 / the total effect,
    with the Monte Carlo standard error of a 95% coverage, ``sqrt(0.95 * 0.05 / R)``, in the last column (each cell's
    own, ``sqrt(c (1 - c) / R)``, is in the CSV's ``mc_se``)."""
    order = {"rho": 0, "lambda": 0, "beta1": 1, "total": 2}
    covs = [c for c in COVS if c in set(tab["cov_type"])]
    lines = [
        "| design | model | errors | reps | " + " | ".join(f"`{c}`" for c in covs) + " | MC SE at 95% |",
        "| --- | --- | --- | --- | " + " | ".join("---" for _ in covs) + " | --- |",
    ]
    for (design, model, errors), g in tab.groupby(["design", "model", "errors"], sort=False):
        cells = []
        for c in covs:
            sub = g[g["cov_type"] == c].sort_values("target", key=lambda s: s.map(order))
            cells.append(" / ".join(f"{100 * v:.1f}" for v in sub["coverage"]))
        lines.append(
            f"| {design} | {model.upper()} | {errors} | {int(g['reps'].iloc[0])} | "
            + " | ".join(cells)
            + f" | {100 * np.sqrt(0.95 * 0.05 / g['reps'].iloc[0]):.1f} |"
        )
    return "\n".join(lines)
