"""Seeded Monte Carlo on the 46-state contiguity matrix (a real, irregular W).

Data are generated from known parameters with unit and year effects correlated with X; for each
model and effects type the mean estimate over the replications must lie within 4 Monte Carlo
standard errors of the truth, and
the mean analytic standard error must match the Monte Carlo SD within 35% (SD of an SD estimate from
R = 40 draws is ~11%).  With time (or two-way) effects the direct approach has an O(1/N) bias in
the spatial parameter (Lee and Yu 2010; here rho = 0.35 instead of 0.40 with N = 46), so those
consistency checks use the Lee-Yu transformation, and a separate test shows that bias.  Lee-Yu: with T = 5, sigma2 of the direct approach is biased by the factor
(T-1)/T (individual) or (N-1)(T-1)/(NT) (two-way), and the Lee-Yu estimate removes that bias.
"""

import numpy as np
import pandas as pd
import pytest

from aicoord.panel import SpatialPanel

TRUE = {"logp": 1.0, "logy": -0.5, "W*logp": 0.3, "W*logy": 0.2, "rho": 0.4, "lambda": 0.3}
SIGMA2 = 1.0
MC_Z = 4.0
SE_RATIO = 0.35


def simulate(w, t, model, rng, effects="twoways"):
    n = len(w)
    wr = w / w.sum(axis=1, keepdims=True)
    a = rng.normal(size=n) * (effects in ("individual", "twoways"))
    g = rng.normal(size=t) * (effects in ("time", "twoways"))
    rows = []
    eye = np.eye(n)
    for ti in range(t):
        x = rng.normal(size=(n, 2)) + 0.5 * a[:, None] + 0.5 * g[ti]
        mu = x @ [TRUE["logp"], TRUE["logy"]] + a + g[ti]
        if model in ("sdm", "sdem", "slx"):
            mu = mu + (wr @ x) @ [TRUE["W*logp"], TRUE["W*logy"]]
        u = rng.normal(scale=np.sqrt(SIGMA2), size=n)
        if model in ("sem", "sac", "sdem"):
            u = np.linalg.solve(eye - TRUE["lambda"] * wr, u)
        yv = mu + u
        if model in ("sar", "sdm", "sac"):
            yv = np.linalg.solve(eye - TRUE["rho"] * wr, yv)
        rows.append(pd.DataFrame({"id": np.arange(n), "t": ti, "y": yv, "logp": x[:, 0], "logy": x[:, 1]}))
    return pd.concat(rows, ignore_index=True)


def run_mc(w, model, effects, reps, t, lee_yu=False, seed=12345):
    rng = np.random.default_rng(seed)
    est, ses, s2 = [], [], []
    for _ in range(reps):
        d = simulate(w, t, model, rng, effects)
        res = SpatialPanel(
            d, y="y", x=["logp", "logy"], id="id", time="t", w=w, model=model, effects=effects, lee_yu=lee_yu
        ).fit()
        est.append(res.params)
        ses.append(res.std_errors)
        s2.append(res.sigma2)
    return pd.DataFrame(est), pd.DataFrame(ses), np.array(s2)


def check_consistency(est, ses):
    reps = len(est)
    for name in est.columns:
        mean, sd = est[name].mean(), est[name].std(ddof=1)
        assert abs(mean - TRUE[name]) < MC_Z * sd / np.sqrt(reps), (name, mean, sd)
        ratio = ses[name].mean() / sd
        assert abs(ratio - 1) < SE_RATIO, (name, ratio)


FAST = [
    ("sar", "individual"),
    ("sdm", "individual"),
    ("sem", "individual"),
    ("sdm", "time"),
    ("sar", "twoways"),
    ("slx", "twoways"),
]
SLOW = [
    (m, e)
    for m in ("sar", "sdm", "sem", "sac", "slx", "sdem")
    for e in ("individual", "time", "twoways")
    if (m, e) not in FAST
]


@pytest.mark.parametrize("model,effects", FAST)
def test_consistency_fast(w46, model, effects):
    est, ses, _ = run_mc(w46, model, effects, reps=40, t=10, lee_yu=effects != "individual")
    check_consistency(est, ses)


@pytest.mark.slow
@pytest.mark.parametrize("model,effects", SLOW)
def test_consistency_all(w46, model, effects):
    est, ses, _ = run_mc(w46, model, effects, reps=60, t=10, lee_yu=effects != "individual")
    check_consistency(est, ses)


def test_time_effects_direct_bias_removed_by_lee_yu(w46):
    reps = 40
    direct, _, _ = run_mc(w46, "sar", "time", reps, 10, lee_yu=False, seed=99)
    ly, _, _ = run_mc(w46, "sar", "time", reps, 10, lee_yu=True, seed=99)
    mcse = ly["rho"].std(ddof=1) / np.sqrt(reps)
    assert abs(ly["rho"].mean() - TRUE["rho"]) < MC_Z * mcse
    assert TRUE["rho"] - direct["rho"].mean() > 3 * mcse


@pytest.mark.parametrize("effects", ["individual", "twoways"])
def test_lee_yu_removes_sigma2_bias(w46, effects):
    n, t, reps = 46, 5, 40
    factor = (t - 1) / t if effects == "individual" else (n - 1) * (t - 1) / (n * t)
    _, _, s2_direct = run_mc(w46, "sar", effects, reps, t, lee_yu=False, seed=7)
    est, _, s2_ly = run_mc(w46, "sar", effects, reps, t, lee_yu=True, seed=7)
    se_mean = s2_ly.std(ddof=1) / np.sqrt(reps)
    # Lee-Yu sigma2 is unbiased ...
    assert abs(s2_ly.mean() - SIGMA2) < MC_Z * se_mean
    # ... the direct one is biased by the known factor ...
    assert abs(s2_direct.mean() - factor * SIGMA2) < MC_Z * se_mean
    # ... and the bias is far beyond Monte Carlo noise
    assert SIGMA2 - s2_direct.mean() > 5 * se_mean
    assert abs(est["rho"].mean() - TRUE["rho"]) < MC_Z * est["rho"].std(ddof=1) / np.sqrt(reps)
