"""Seeded Monte Carlo of the spatial IV (aicoord.panel.iv) with an endogenous regressor.

Design (tests/iv_dgp.py): two-way FE SDM on a rook lattice, ``ai`` driven by the excluded instruments
``z1, z2`` and by an unobserved confounder ``c`` that also enters ``y``; errors are AR(1) in time within
units (coefficient 0.5), so only intervals clustered by unit are valid.  Criteria (issue 25): the ML SDM
coefficient of ``ai`` is biased by more than 3 Monte Carlo standard errors; the spatial 2SLS mean lies
within 1 Monte Carlo SE of the truth; the clustered 95% intervals cover 93-97%.

2SLS has a finite-sample bias towards OLS of order (number of instruments) / (concentration parameter); the
slow grid therefore uses strong instruments (first-stage F of ai about 80) on a 10 x 10 lattice, where that
bias is below the Monte Carlo error of the grid.  The fast test runs a few replications of the same design
on a 7 x 7 lattice as a smoke check: ML bias beyond 3 MC SEs, IV within 2 MC SEs.
"""

import numpy as np
import pytest

from aicoord.panel import SpatialPanel
from iv_dgp import TRUE, iv_model, simulate

NAMES = ["ai", "W*ai", "rho", "x", "W*x"]


def replicate(seeds, side, pi):
    ml, iv, cover = [], [], []
    truth = np.array([TRUE[n] for n in NAMES])
    for s in seeds:
        df, W = simulate(s, side=side, pi=pi)
        m = SpatialPanel(df, y="y", x=["ai", "x"], id="id", time="t", w=W, model="sdm", effects="twoways").fit()
        r = iv_model(df, W).fit(cov_type="cluster")
        ml.append(m.params[NAMES].to_numpy())
        iv.append(r.params[NAMES].to_numpy())
        ci = r.conf_int().loc[NAMES]
        cover.append((ci["lower"].to_numpy() <= truth) & (truth <= ci["upper"].to_numpy()))
    ml, iv, cover = map(np.array, (ml, iv, cover))
    mcse = lambda a: a.std(axis=0, ddof=1) / np.sqrt(len(a))  # noqa: E731
    return {
        "ml_z": (ml.mean(0) - truth) / mcse(ml),
        "iv_z": (iv.mean(0) - truth) / mcse(iv),
        "iv_bias": iv.mean(0) - truth,
        "cover": cover.mean(0),
        "R": len(seeds),
    }


def test_iv_monte_carlo_fast():
    out = replicate(range(500, 508), side=7, pi=(1.2, 0.6))
    assert out["ml_z"][0] > 3  # ML biased upwards (the confounder raises ai and y)
    assert np.all(np.abs(out["iv_z"][:3]) < 2), out


@pytest.mark.slow
def test_iv_monte_carlo_grid():
    """R = 400 replications, 10 x 10 lattice, T = 10 (about 15 minutes on one core)."""
    out = replicate(range(10_000, 10_400), side=10, pi=(1.2, 0.6))
    assert out["ml_z"][0] > 3, out
    print(out)
    assert abs(out["iv_z"][0]) < 1, out
    assert np.all((out["cover"][:3] >= 0.93) & (out["cover"][:3] <= 0.97)), out
