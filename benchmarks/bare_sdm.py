"""Two-way fixed-effects spatial Durbin panel model in plain numpy/scipy: the baseline of
``benchmarks/bench_cli_panel.py`` (a script, not part of the package; it does not import aicoord).

Run::

    python benchmarks/bare_sdm.py --data panel.csv --weights w.csv [--draws 1000] [--compare fit.json]

``--data``: CSV with columns ``id, period, y, x1, x2`` first (header row; further columns ignored),
a balanced panel.  ``--weights``: long CSV ``from,to,weight`` (header row).  The model is

    y_t = rho W y_t + X_t beta + W X_t theta + alpha + gamma_t + e_t,

estimated by maximum likelihood on the two-way demeaned data (spatial lags of the raw data,
demeaned), i.e. the exact dummy-variable likelihood:

1. W is row-standardised.  Its eigenvalues come from the symmetric matrix ``D^{-1/2} C D^{-1/2}``
   when ``W = D^{-1} C`` with ``C`` the symmetric binary pattern of the file or the file itself
   symmetric (``--eigen dense``: ``scipy.linalg.eigvalsh``; ``--eigen banded``:
   ``scipy.linalg.eig_banded`` after a reverse Cuthill-McKee ordering), otherwise from
   ``scipy.linalg.eigvals``;
2. ``rho`` maximises the concentrated log-likelihood ``-NT/2 log(e(rho)'e(rho)) + T sum log(1 - rho w)``
   (bounded Brent search, ``scipy.optimize.minimize_scalar``);
3. standard errors from the analytic information matrix of ``(beta, theta, rho, sigma2)``
   (Elhorst 2014, eq. 3.30 with fixed effects) with one dense solve ``B = (I - rho W)^{-1} W``;
4. direct / indirect / total effects (LeSage and Pace 2009) from the eigenvalues, with standard
   deviations over ``--draws`` parameter vectors drawn from the asymptotic normal distribution.

With ``--compare`` the estimates are checked against an ``aicoord fit-panel`` JSON of the same data
(coefficients and standard errors to 1e-5 relative, effects to 1e-5, effects' standard errors to
the Monte Carlo error of two independent sets of draws, 15%); the script exits with status 1 when
they disagree.
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
from scipy.optimize import minimize_scalar


def read_panel(path):
    raw = np.loadtxt(path, delimiter=",", skiprows=1, usecols=(0, 1, 2, 3, 4))
    ids = np.unique(raw[:, 0])
    periods = np.unique(raw[:, 1])
    n, t = len(ids), len(periods)
    order = np.lexsort((raw[:, 0], raw[:, 1]))  # period-major, ids ascending
    raw = raw[order]
    if len(raw) != n * t:
        raise SystemExit("unbalanced panel")
    return ids, raw[:, 2].reshape(t, n), raw[:, 3:5].reshape(t, n, 2)


def read_weights(path, ids):
    e = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    pos = np.searchsorted(ids, e[:, :2])
    n = len(ids)
    a = sp.csr_matrix((e[:, 2], (pos[:, 0], pos[:, 1])), shape=(n, n))
    rs = np.asarray(a.sum(axis=1)).ravel()
    return a, sp.csr_matrix(sp.diags(1.0 / rs) @ a)


def symmetric_eigvals(s, method):
    """Eigenvalues of the sparse symmetric ``s``: dense ``eigvalsh``, or banded after reverse Cuthill-McKee."""
    if method == "dense":
        return sla.eigvalsh(s.toarray(), overwrite_a=True, check_finite=False)
    from scipy.sparse.csgraph import reverse_cuthill_mckee

    p = reverse_cuthill_mckee(sp.csr_matrix(s), symmetric_mode=True)
    c = sp.csr_matrix(s)[p][:, p].tocoo()
    keep = c.row >= c.col
    bw = int((c.row - c.col)[keep].max())
    band = np.zeros((bw + 1, s.shape[0]))
    band[(c.row - c.col)[keep], c.col[keep]] = c.data[keep]
    return np.sort(sla.eig_banded(band, lower=True, eigvals_only=True, check_finite=False))


def eigenvalues(a, w, method):
    """Eigenvalues of the row-standardised ``w`` (real when it is a rescaled symmetric matrix)."""
    b = a.copy()
    b.data[:] = 1.0
    rb = np.asarray(b.sum(axis=1)).ravel()
    for c, r in ((a, np.asarray(a.sum(axis=1)).ravel()), (b, rb)):
        if abs(c - c.T).max() < 1e-12 and abs(sp.diags(1.0 / r) @ c - w).max() < 1e-9:
            return symmetric_eigvals(sp.diags(r**-0.5) @ c @ sp.diags(r**-0.5), method)
    ev = sla.eigvals(w.toarray(), overwrite_a=True, check_finite=False)
    return ev.real if np.abs(ev.imag).max() < 1e-10 else ev


def demean(v):
    """Two-way within transformation of an array shaped (T, N, ...)."""
    return v - v.mean(axis=0, keepdims=True) - v.mean(axis=1, keepdims=True) + v.mean(axis=(0, 1), keepdims=True)


def fit(y, x, w, ev):
    t, n, k = x.shape
    wx = np.stack([w @ x[i] for i in range(t)])
    wy = np.stack([w @ y[i] for i in range(t)])
    z = demean(np.concatenate([x, wx], axis=2)).reshape(t * n, 2 * k)
    yd, wyd = demean(y).ravel(), demean(wy).ravel()
    coef = np.linalg.lstsq(z, np.column_stack([yd, wyd]), rcond=None)[0]
    e0, e1 = yd - z @ coef[:, 0], wyd - z @ coef[:, 1]
    a, b, c = e0 @ e0, e0 @ e1, e1 @ e1
    nt = n * t
    evr = np.real(ev[np.abs(np.imag(ev)) < 1e-10]) if np.iscomplexobj(ev) else ev

    def negll(r):
        return nt / 2 * np.log(a - 2 * r * b + r * r * c) - t * np.sum(np.log(np.abs(1 - r * ev)))

    lo, hi = 1 / evr.min(), 1 / evr.max()
    rho = minimize_scalar(negll, bounds=(lo + 1e-9, hi - 1e-9), method="bounded", options={"xatol": 1e-12}).x
    beta = coef[:, 0] - rho * coef[:, 1]
    e = e0 - rho * e1
    s2 = e @ e / nt
    ll = -nt / 2 * (np.log(2 * np.pi * s2) + 1) + t * float(np.sum(np.log(np.abs(1 - rho * ev))))
    # information matrix: one dense solve for B = (I - rho W)^{-1} W
    wd = w.toarray()
    bm = np.linalg.solve(np.eye(n) - rho * wd, wd)
    del wd
    trb, trbb, trbtb = np.trace(bm), np.sum(bm * bm.T), np.sum(bm * bm)
    mean = y - rho * wy - e.reshape(t, n)  # X beta + W X theta + fixed effects
    g = demean(np.stack([bm @ mean[i] for i in range(t)])).ravel()
    del bm
    p = 2 * k
    info = np.zeros((p + 2, p + 2))
    info[:p, :p] = z.T @ z / s2
    info[:p, p] = info[p, :p] = z.T @ g / s2
    info[p, p] = t * (trbb + trbtb) + g @ g / s2
    info[p, p + 1] = info[p + 1, p] = t * trb / s2
    info[p + 1, p + 1] = nt / (2 * s2**2)
    cov = np.linalg.inv(info)[: p + 1, : p + 1]
    return np.r_[beta, rho], cov, ll, (lo, hi)


def effects(params, cov, ev, k, draws, seed, bounds):
    """Point effects and their simulated standard deviations, each (3, k): direct, indirect, total."""

    def at(par):
        par = np.atleast_2d(par)
        bet, th, r = par[:, :k], par[:, k : 2 * k], par[:, 2 * k]
        den = 1 - r[:, None] * ev[None, :]
        m1 = np.real(np.mean(1 / den, axis=1))
        m2 = np.real(np.mean(ev[None, :] / den, axis=1))
        direct = bet * m1[:, None] + th * m2[:, None]
        total = (bet + th) / (1 - r)[:, None]
        return np.stack([direct, total - direct, total])

    rng = np.random.default_rng(seed)
    sims = rng.multivariate_normal(params, cov, size=draws)
    sims = sims[(sims[:, -1] > bounds[0]) & (sims[:, -1] < bounds[1])]
    return at(params)[:, 0], at(sims).std(axis=1, ddof=1)


def compare(path, names, params, se, eff, eff_se):
    """Largest relative differences from an ``aicoord fit-panel`` JSON; ``True`` when they agree."""
    ref = json.load(open(path))
    co = ref["coefficients"]
    d_par = max(abs(params[i] - co[nm]["estimate"]) / max(abs(co[nm]["estimate"]), 1e-3) for i, nm in enumerate(names))
    d_se = max(abs(se[i] / co[nm]["se"] - 1) for i, nm in enumerate(names))
    kinds = ("direct", "indirect", "total")
    xs = names[: eff.shape[1]]
    d_eff = max(
        abs(eff[a, j] - ref["effects"][v][kd]["estimate"]) / max(abs(ref["effects"][v][kd]["estimate"]), 1e-3)
        for a, kd in enumerate(kinds)
        for j, v in enumerate(xs)
    )
    d_esd = max(
        abs(eff_se[a, j] / ref["effects"][v][kd]["se"] - 1) for a, kd in enumerate(kinds) for j, v in enumerate(xs)
    )
    ok = d_par < 1e-5 and d_se < 1e-5 and d_eff < 1e-5 and d_esd < 0.15
    print(
        f"max relative difference from aicoord: coefficients {d_par:.1e}, standard errors {d_se:.1e}, "
        f"effects {d_eff:.1e}, effects' simulated SEs {d_esd:.1%} -> {'agree' if ok else 'DISAGREE'}"
    )
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--weights", required=True)
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument(
        "--eigen",
        choices=["dense", "banded"],
        default="dense",
        help="eigenvalues of the symmetric similar matrix: dense eigvalsh or banded (RCM ordering)",
    )
    ap.add_argument("--compare", help="aicoord fit-panel JSON of the same data to check against")
    a = ap.parse_args()
    ids, y, x = read_panel(a.data)
    raw, w = read_weights(a.weights, ids)
    ev = eigenvalues(raw, w, a.eigen)
    params, cov, ll, bounds = fit(y, x, w, ev)
    eff, eff_se = effects(params, cov, ev, x.shape[2], a.draws, a.seed, bounds)
    names = ["x1", "x2", "W*x1", "W*x2", "rho"]
    se = np.sqrt(np.diag(cov))
    if a.compare:
        return 0 if compare(a.compare, names, params, se, eff, eff_se) else 1
    for nm, p_, s_ in zip(names, params, se):
        print(f"{nm:>6} {p_: .6f} ({s_:.6f})")
    print(f"loglik {ll:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
