"""Model columns for the paper-table tests: estimates and standard errors chosen so that some
z-values sit just either side of the star thresholds (1.645, 1.960, 2.576), where the rounded numbers
printed in a table would suggest a different number of stars than the unrounded ones."""

import numpy as np

from aicoord.paper import ModelColumn

#: (estimate, standard error) with |z| just below/above each critical value, a negative coefficient,
#: a coefficient that rounds to -0.000 and a large one (thousands separator).
EDGE = {
    "ai": (0.01959, 0.01),          # z = 1.959: p = 0.0501, one star; rounded 0.020 / 0.010 looks like z = 2
    "ai_sq": (-0.0258, 0.01),       # z = -2.58: p = 0.00988, three stars
    "human": (0.02575, 0.01),       # z = 2.575: two stars
    "open": (0.01646, 0.01),        # z = 1.646: one star
    "gov": (-0.01644, 0.01),        # z = -1.644: none
    "tiny": (-0.0004, 0.002),       # prints 0.000 without a minus sign
    "big": (1234.5678, 100.0),      # thousands separator
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
            keys = [k for k in EDGE if not (m == 2 and k == "open")]   # model 3 lacks 'open'
            se = {k: float(rng.uniform(0.01, 0.2)) for k in keys}
            params = {k: float(rng.normal(0, 2.5) * se[k]) for k in keys}
        params["rho"] = 0.2 + 0.05 * m
        se["rho"] = 0.06
        cols.append(ModelColumn(
            name=f"({m + 1})", params=params, se=se, group="SDM" if m < 2 else "SAR",
            scalars={"sigma2": 0.0123 + m, "r2_within": 0.456, "loglik": -1234.5678 + m, "N": 31, "T": 13,
                     "nobs": 403},
            flags={"controls": True, "unit_effects": True, "time_effects": m != 1}))
    return cols
