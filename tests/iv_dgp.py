"""Seeded spatial panel with an endogenous regressor (simulated data for the tests of aicoord.panel.iv).

DGP on a rook lattice (row-standardised W), time-major arrays (T, N)::

    ai = pi1 z1 + pi2 z2 + c + 0.5 u + 0.3 mu            (c: the unobserved confounder)
    y  = (I - rho W)^{-1} (b_ai ai + b_x x + W (t_ai ai + t_x x) + mu + lam_t + conf c + s e)

with ``z1, z2, x, c, u ~ N(0, 1)`` i.i.d., unit effects ``mu`` and period effects ``lam`` N(0, 1), and
``e`` a unit-wise AR(1) in time with coefficient ``ar`` (stationary start, unit innovations): errors are
serially correlated within units, so only clustering by unit gives valid intervals.  ``c`` enters both
``ai`` and ``y``: ``ai`` is endogenous, ``z1, z2`` are valid instruments.
"""

import numpy as np
import pandas as pd
from libpysal.weights import lat2W

TRUE = {"ai": -0.5, "x": 1.0, "W*ai": 0.2, "W*x": 0.5, "rho": 0.3}


def lattice(side):
    w = lat2W(side, side, rook=True)
    w.transform = "r"
    return w.full()[0]


def simulate(seed, side=7, t=10, rho=0.3, conf=0.8, ar=0.5, pi=(0.7, 0.4), scale=0.5, w=None):
    """Long DataFrame ``id, t, y, ai, x, z1, z2, g`` (``g``: a grouping of units into 7 blocks) and W."""
    rng = np.random.default_rng(seed)
    W = lattice(side) if w is None else w
    n = len(W)
    mu, lam = rng.standard_normal(n), rng.standard_normal(t)
    z1, z2, x, c, u = (rng.standard_normal((t, n)) for _ in range(5))
    e = np.empty((t, n))
    e[0] = rng.standard_normal(n) / np.sqrt(1 - ar**2)
    for s in range(1, t):
        e[s] = ar * e[s - 1] + rng.standard_normal(n)
    ai = pi[0] * z1 + pi[1] * z2 + c + 0.5 * u + 0.3 * mu
    a_inv = np.linalg.inv(np.eye(n) - rho * W)
    rhs = (
        TRUE["ai"] * ai
        + TRUE["x"] * x
        + (W @ (TRUE["W*ai"] * ai + TRUE["W*x"] * x).T).T
        + mu
        + lam[:, None]
        + conf * c
        + scale * e
    )
    y = rhs @ a_inv.T
    ids, ts = np.meshgrid(np.arange(n), np.arange(t))
    df = pd.DataFrame(
        {
            "id": ids.ravel(),
            "t": ts.ravel(),
            "y": y.ravel(),
            "ai": ai.ravel(),
            "x": x.ravel(),
            "z1": z1.ravel(),
            "z2": z2.ravel(),
        }
    )
    df["g"] = df["id"] % 7
    return df, W


def iv_model(df, W, **over):
    """The tests' spatial IV model of :func:`simulate`'s panel: ``y`` on ``x`` with ``ai`` endogenous, instruments
    ``z1, z2``, two-way fixed-effects SDM; ``over`` replaces any argument of :class:`aicoord.panel.SpatialPanel`."""
    from aicoord.panel import SpatialPanel

    args = dict(y="y", x=["x"], id="id", time="t", w=W, model="sdm", effects="twoways", endog=["ai"])
    return SpatialPanel(df, **{**args, "instruments": ["z1", "z2"], **over})
