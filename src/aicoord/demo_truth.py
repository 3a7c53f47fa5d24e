"""The parameters of the demonstration panel's data-generating process and its known truth.

The coefficients (:data:`BETA`, :data:`THETA` of the outcome equation, :data:`PI` of AI on each mechanism), the
named settings (:data:`SCENARIOS`), the defaults and the endogeneity of AI (:data:`ENDOGENEITY`, its instrument
:data:`INSTRUMENT`), versioned as :data:`DGP_VERSION`; the demo panel's data dictionary
(:func:`demo_dictionary`); and the truth a fit is checked against: the true direct, indirect and total effects
(:func:`true_effects`, LeSage-Pace formulas with the true W), the true verdict of every mechanism and of the
baseline (:func:`true_verdicts`) and the truth as a tidy table (:func:`truth_table`).

The process itself is described in, and simulated by, :mod:`aicoord.simulate`, which re-exports every public
name here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "DGP_VERSION",
    "MECHANISM_NAMES",
    "REGRESSORS",
    "BETA",
    "THETA",
    "PI",
    "SCENARIOS",
    "DEFAULTS",
    "ENDOGENEITY",
    "INSTRUMENT",
    "DEMO_DICTIONARY",
    "demo_dictionary",
    "true_effects",
    "true_verdicts",
    "truth_table",
]


#: ``demo-sdm-2``: the value chain has no path from AI (pi = 0) in the default setting, pi = 0.30 for resource
#: allocation and the regional brand and a stronger regional-brand effect on the outcome (beta -0.12, theta
#: -0.06); the truth has a ``verdicts`` block; named settings ``scenario="A"``/``"B"``.
#: (``demo-sdm-1``: pi = (0.30, 0.25, 0.20, 0.15), regional brand beta -0.06, theta -0.03.)
DGP_VERSION = "demo-sdm-2"


MECHANISM_NAMES = ("industrial_upgrading", "value_chain", "resource_allocation", "regional_brand")


REGRESSORS = ("ai_index", *MECHANISM_NAMES, "gov", "urban")


#: True coefficients of the outcome equation (per unit of each regressor as written in the panel).
BETA = {
    "ai_index": -0.004,
    "industrial_upgrading": -0.15,
    "value_chain": -0.10,
    "resource_allocation": 0.12,
    "regional_brand": -0.12,
    "gov": 0.50,
    "urban": -0.80,
}


THETA = {
    "ai_index": -0.002,
    "industrial_upgrading": -0.05,
    "value_chain": 0.04,
    "resource_allocation": 0.06,
    "regional_brand": -0.06,
    "gov": 0.20,
    "urban": 0.30,
}


#: Path coefficients of AI (per 10 index points) on the mechanisms.
PI = {"industrial_upgrading": 0.30, "value_chain": 0.0, "resource_allocation": 0.30, "regional_brand": 0.30}


#: Named settings: overrides of the defaults (same structure as the ``truth`` argument).
SCENARIOS = {
    "A": {},
    "B": {
        "pi": {"industrial_upgrading": 0.30, "value_chain": 0.30, "resource_allocation": 0.30, "regional_brand": 0.0},
        "beta": {"ai_index": 0.015, "value_chain": -0.20},
        "theta": {"ai_index": 0.008, "value_chain": -0.05},
    },
}


DEFAULTS = {
    "rho": 0.35,
    "sigma2": 0.0025,
    "beta_convergence": -0.08,
    "gamma0": 0.10,
    "gamma1": 0.02,
    "sigma_g": 0.04,
    "sigma_m": 0.3,
}


#: The endogenous AI of ``endogenous=True`` (step 1b of the module docstring): instrument strength ``phi`` and
#: confounder loading ``psi`` of ln AI, the confounder's effect ``delta`` on the outcome, its AR(1) coefficient
#: ``kappa``, and the offset of the generator of the confounder and the instrument (so every other draw is kept).
ENDOGENEITY = {"phi": 0.80, "psi": 0.60, "delta": 0.20, "kappa": 0.5, "seed_offset": 25}


#: The simulated instrument's column (a province-year exposure to AI-hub investment, no spatial autocorrelation;
#: 模拟数据).
INSTRUMENT = "hub_exposure"


#: Data dictionary of the demo panel file (for :func:`aicoord.contract.read_panel`), with the simulated instrument of a
#: panel simulated with ``endogenous=True`` (the workflow's default, ``demo.endogenous``); :func:`demo_dictionary`
#: gives the exogenous panel's (no instrument).
DEMO_DICTIONARY = {
    "province": "province",
    "year": "year",
    "ai": "ai_index",
    "outcome": ["coord_gap"],
    "gdp_pc": "gdp_pc",
    "population": "population",
    "controls": ["gov", "urban"],
    "instruments": [INSTRUMENT],
    "mechanisms": {m: m for m in MECHANISM_NAMES},
}


def demo_dictionary(endogenous: bool = True) -> dict:
    """The demo panel's data dictionary: :data:`DEMO_DICTIONARY` (AI endogenous, with the simulated instrument: the
    workflow's default, ``demo.endogenous: true``), without the instrument for a panel simulated with
    ``endogenous=False``."""
    return dict(DEMO_DICTIONARY) if endogenous else {**DEMO_DICTIONARY, "instruments": []}


def true_effects(rho, beta: dict, theta: dict, W: np.ndarray) -> pd.DataFrame:
    """Exact direct, indirect and total effects of an SDM from its parameters (LeSage and Pace 2009).

    Returns
    -------
    pandas.DataFrame
        Index: variable; columns ``direct``, ``indirect``, ``total``.
    """
    n = W.shape[0]
    inv = np.linalg.inv(np.eye(n) - rho * W)
    # S = b·inv + t·inv·W: tr(inv W) = sum(inv ∘ Wᵀ) and 1ᵀ inv W 1 = (1ᵀ inv)(W 1), O(n²) per variable
    tr_inv, tr_inv_w = float(np.trace(inv)), float(np.sum(inv * W.T))
    colsum = inv.sum(axis=0)
    sum_inv, sum_inv_w = float(colsum.sum()), float(colsum @ W.sum(axis=1))
    rows = {}
    for v in beta:
        b, t = beta[v], theta.get(v, 0.0)
        direct = (b * tr_inv + t * tr_inv_w) / n
        total = (b * sum_inv + t * sum_inv_w) / n
        rows[v] = {"direct": direct, "indirect": total - direct, "total": total}
    return pd.DataFrame(rows).T[["direct", "indirect", "total"]]


def _direction(value: float) -> str:
    return "promotes" if value < 0 else "hinders" if value > 0 else "none"


def true_verdicts(rho, beta: dict, theta: dict, pi: dict, W: np.ndarray) -> dict:
    """Exact true mediated effects, baseline effects and verdict labels of the DGP.

    Parameters
    ----------
    rho, beta, theta, pi, W
        The outcome equation's parameters, the path coefficients (per 10 AI points) and the
        row-standardised weights.

    Returns
    -------
    dict
        ``baseline``: AI's exact ``direct``, ``indirect``, ``total`` effects in the reduced SDM
        without mechanisms (coefficients :math:`\\beta_{ai}+\\sum_m\\beta_m\\pi_m/10` and
        :math:`\\theta_{ai}+\\sum_m\\theta_m\\pi_m/10`), with ``beta``, ``theta``, ``direction``
        and ``verdict``. ``mechanisms``: for each channel ``pi``, ``ai_total_on_channel``
        (pi/10), ``channel_total_on_y``, ``mediated_total`` (their product), ``direction``
        (``promotes``/``hinders``/``none``) and ``verdict``, the label a correct test gives
        (``inconclusive`` for ``none``).
    """
    eff = true_effects(rho, beta, theta, W)
    mech = {}
    for m in MECHANISM_NAMES:
        a_m = pi[m] / 10.0
        tau = float(eff.loc[m, "total"])
        med = a_m * tau + 0.0  # no negative zero for a null channel
        d = _direction(med)
        mech[m] = {
            "pi": pi[m],
            "ai_total_on_channel": a_m,
            "channel_total_on_y": tau,
            "mediated_total": med,
            "direction": d,
            "verdict": "inconclusive" if d == "none" else d,
        }
    b_red = beta["ai_index"] + sum(beta[m] * pi[m] / 10.0 for m in MECHANISM_NAMES)
    t_red = theta["ai_index"] + sum(theta[m] * pi[m] / 10.0 for m in MECHANISM_NAMES)
    base = true_effects(rho, {"ai_index": b_red}, {"ai_index": t_red}, W).loc["ai_index"]
    d = _direction(float(base["total"]))
    baseline = {
        "beta": b_red,
        "theta": t_red,
        **{k: float(base[k]) for k in ("direct", "indirect", "total")},
        "direction": d,
        "verdict": "inconclusive" if d == "none" else d,
    }
    return {"baseline": baseline, "mechanisms": mech}


def truth_table(truth: dict) -> pd.DataFrame:
    """Flatten the truth dict into rows ``parameter, group, variable, value``."""
    rows = [
        {"parameter": "rho", "group": "outcome", "variable": "", "value": truth["rho"]},
        {"parameter": "sigma2", "group": "outcome", "variable": "", "value": truth["sigma2"]},
    ]
    rows += [{"parameter": "beta", "group": "outcome", "variable": v, "value": b} for v, b in truth["beta"].items()]
    rows += [{"parameter": "theta", "group": "outcome", "variable": v, "value": b} for v, b in truth["theta"].items()]
    for v, e in truth["effects"].items():
        rows += [
            {"parameter": k, "group": "effect", "variable": v, "value": e[k]} for k in ("direct", "indirect", "total")
        ]
    rows += [
        {"parameter": "pi", "group": "mechanism", "variable": m, "value": p}
        for m, p in truth["mechanism_paths"].items()
    ]
    rows += [
        {"parameter": k, "group": "convergence", "variable": "gdp_pc", "value": truth["convergence"][k]}
        for k in ("beta", "speed", "half_life")
    ]
    if "verdicts" in truth:
        v = truth["verdicts"]
        rows += [
            {"parameter": f"baseline_{k}", "group": "verdict", "variable": "ai_index", "value": v["baseline"][k]}
            for k in ("direct", "indirect", "total")
        ]
        rows += [
            {"parameter": k, "group": "verdict", "variable": m, "value": e[k]}
            for m, e in v["mechanisms"].items()
            for k in ("ai_total_on_channel", "channel_total_on_y", "mediated_total")
        ]
    rows += [{"parameter": "seed", "group": "meta", "variable": "", "value": truth["seed"]}]
    out = pd.DataFrame(rows)
    out["dgp_version"] = truth["dgp_version"]
    return out
