"""The fixed effects of a fit, recovered from its estimates (the ``fixed_effects`` of
:class:`~aicoord.panel.SpatialPanelResults`), and the dummy matrix of the effects.

On a balanced panel the effects are means of ``u = y - rho W y - Z beta`` over periods and units; on an
unbalanced one (:mod:`aicoord.panel.unbalanced`) they are the dummies' maximum-likelihood coefficients.
Unit effects and period effects each sum to zero, ``mu`` is the constant of two-way effects.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

__all__ = ["dummies", "recover_effects"]


def dummies(ui, ti, n_units, n_periods, effects):
    """Dummy matrix of the fixed effects (no constant; every unit, every period).

    Parameters
    ----------
    ui, ti : numpy.ndarray
        Unit and period positions of the observations.
    n_units, n_periods : int
    effects : {"none", "individual", "time", "twoways"}

    Returns
    -------
    numpy.ndarray
        ``(n, n_units)``, ``(n, n_periods)`` or both side by side (``(n, 0)`` without effects).
    """
    n = len(ui)
    cols = []
    if effects in ("individual", "twoways"):
        cols.append(sp.csr_matrix((np.ones(n), (np.arange(n), ui)), shape=(n, n_units)).toarray())
    if effects in ("time", "twoways"):
        cols.append(sp.csr_matrix((np.ones(n), (np.arange(n), ti)), shape=(n, n_periods)).toarray())
    return np.hstack(cols) if cols else np.zeros((n, 0))


def recover_effects(res):
    """The fixed effects of the fit ``res``: a dict with ``"mu"`` (two-way constant), ``"individual"``
    and/or ``"time"`` (pandas Series), empty for pooled and random effects."""
    mod = res.model
    if not mod.balanced:
        return _unbalanced(res)
    if mod.effects in ("none", "random"):
        return {}
    names = list(mod.znames)
    beta = res.params[names].to_numpy()
    u = mod.Y - res.rho * mod.Wy - mod.Zraw @ beta
    out = {}
    if mod.effects == "individual":
        out["individual"] = pd.Series(u.mean(axis=0), index=mod.units, name="alpha")
    elif mod.effects == "time":
        out["time"] = pd.Series(u.mean(axis=1), index=mod.periods, name="gamma")
    else:
        mu = u.mean()
        out["mu"] = float(mu)
        out["individual"] = pd.Series(u.mean(axis=0) - mu, index=mod.units, name="alpha")
        out["time"] = pd.Series(u.mean(axis=1) - mu, index=mod.periods, name="gamma")
    return out


def _unbalanced(res):
    """Fixed effects of an unbalanced fit (:mod:`aicoord.panel.unbalanced`): the dummies' ML coefficients.

    ``u = y - rho W y - Z beta``; the coefficients are those of the least squares of
    ``(I - lambda W) u`` on ``(I - lambda W) D_all`` (all unit and period dummies), normalised as in
    the balanced case: unit effects and period effects each sum to zero, ``mu`` the constant
    (two-way effects).
    """
    mod = res.model
    if mod.effects == "none":
        return {}
    beta = res.params[list(mod.znames)].to_numpy()
    u = mod.Y - res.rho * mod.Wy - mod.Zraw @ beta
    d = dummies(mod._ui, mod._ti, mod.N, mod.T, mod.effects)
    if res.lam:
        u = u - res.lam * (mod.Wbd @ u)
        d = d - res.lam * (mod.Wbd @ d)
    coef = np.linalg.lstsq(d, u, rcond=None)[0]
    out = {}
    if mod.effects == "individual":
        out["individual"] = pd.Series(coef, index=mod.units, name="alpha")
    elif mod.effects == "time":
        out["time"] = pd.Series(coef, index=mod.periods, name="gamma")
    else:
        a, g = coef[: mod.N], coef[mod.N :]
        out["mu"] = float(a.mean() + g.mean())
        out["individual"] = pd.Series(a - a.mean(), index=mod.units, name="alpha")
        out["time"] = pd.Series(g - g.mean(), index=mod.periods, name="gamma")
    return out
