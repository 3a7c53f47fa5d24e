"""Identification of AI's effect: maximum likelihood against spatial IV (2SLS and efficient GMM).

AI is endogenous when unobserved, time-varying shocks drive both AI and the outcome; unit and year effects
do not remove them, and the ML SDM is then biased.  :func:`identification` fits the study's SDM three
ways on the same panel and weights:

* ``ml``: the baseline's two-way FE SDM by ML (Lee-Yu corrected when asked), AI exogenous;
* ``iv``: spatial 2SLS with AI (and W·AI) instrumented by the excluded instruments and their W-lags, W·y by
  W²·X, W³·X of the controls and the instruments' lags (:mod:`aicoord.panel.iv`);
* ``gmm``: efficient two-step GMM with the same instruments.

One row per estimator x effect (direct, indirect, total) of AI: ``estimate``, ``se`` (simulated from the
estimates' covariance, :func:`aicoord.panel.effects.impacts`), ``ci_low``/``ci_high`` (normal
``estimate -+ z se``), ``p``, and for the IV rows the first-stage statistics of AI: ``partial_r2``,
``sw_f`` (Sanderson-Windmeijer), ``kp_rk_wald_f``, ``kp_lm_p`` (underidentification), ``hansen_j``,
``hansen_p``, ``endogeneity_p`` (C test of AI and W·AI), ``ar_low``/``ar_high`` (Anderson-Rubin set of
AI's own coefficient, NaN on an unbounded side), ``cov_type``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from ._common import fit_panel, setting
from .oster import oster_bound

__all__ = ["identification", "identification_table", "IDENTIFICATION_COLUMNS", "ESTIMATORS"]

IDENTIFICATION_COLUMNS = [
    "estimator",
    "effect",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "p",
    "partial_r2",
    "sw_f",
    "kp_rk_wald_f",
    "kp_lm_p",
    "hansen_j",
    "hansen_p",
    "endogeneity_p",
    "ar_low",
    "ar_high",
    "cov_type",
]


def _rows(estimator, imp, ai, alpha, cov_type, fs=None):
    q = special.ndtri(1 - alpha / 2)
    first = {}
    if fs is not None:
        reg, joint = fs["regressors"][ai], fs["joint"]
        j = joint.get("hansen_j", {})
        first = {
            "partial_r2": reg["partial_r2"],
            "sw_f": reg["sw_f"],
            "kp_rk_wald_f": joint["kp_rk_wald_f"],
            "kp_lm_p": joint["kp_lm"]["p"],
            "hansen_j": j.get("statistic", np.nan),
            "hansen_p": j.get("p", np.nan),
            "endogeneity_p": fs["endogeneity"][ai]["p"],
            "ar_low": fs["anderson_rubin"][ai]["lower"],
            "ar_high": fs["anderson_rubin"][ai]["upper"],
        }
    out = []
    for kind in ("direct", "indirect", "total"):
        est, se = float(imp.loc[(ai, kind), "estimate"]), float(imp.loc[(ai, kind), "se"])
        out.append(
            {
                "estimator": estimator,
                "effect": kind,
                "estimate": est,
                "se": se,
                "ci_low": est - q * se,
                "ci_high": est + q * se,
                "p": float(imp.loc[(ai, kind), "p"]),
                **first,
                "cov_type": cov_type,
            }
        )
    return out


def identification(
    data,
    *,
    y,
    ai,
    controls,
    instruments,
    unit,
    time,
    w,
    effects="twoways",
    lee_yu=True,
    estimators=("ml", "iv", "gmm"),
    cov_type="cluster",
    cluster=None,
    draws=1000,
    seed=1,
    alpha=0.05,
    ml_cov=None,
) -> pd.DataFrame:
    """AI's direct, indirect and total effects on ``y`` by ML, spatial 2SLS and GMM (module docstring).

    Parameters
    ----------
    data : pandas.DataFrame
        Long panel with ``y``, ``ai``, the controls and the instruments.
    instruments : list of str
        Excluded instruments of AI.
    w : DataFrame or ndarray
        Weights (row-standardised here).
    effects : str
        Fixed effects of every fit.
    lee_yu : bool
        Lee-Yu correction of the ML fit (the IV fits need none).
    estimators : iterable of {"ml", "iv", "gmm"}
    cov_type, cluster
        Covariance of the IV fits (``homoskedastic``, ``robust``, ``cluster``; cluster column, default the unit).
    ml_cov : dict, optional
        ``cov`` of the ML fit (``{"cov_type", "cluster", "dk_lag"}``; default the information matrix).
    draws, seed, alpha
        Simulation draws and seed of the effects' SEs; level of the intervals.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`IDENTIFICATION_COLUMNS`; ``attrs["first_stage"]`` the IV fit's full diagnostics.
    """
    from ..panel import SpatialPanel

    st = setting(data, unit, time, w)
    rows, fs_all = [], None
    if "ml" in estimators:
        res = fit_panel(
            st.data, y, [ai, *controls], unit, time, st.weights, model="sdm", effects=effects, lee_yu=lee_yu, cov=ml_cov
        )
        rows += _rows("ml", res.impacts(draws=draws, seed=seed), ai, alpha, res.cov_info["cov_type"])
    for est, name in (("2sls", "iv"), ("gmm", "gmm")):
        if name not in estimators:
            continue
        mod = SpatialPanel(
            st.data,
            y=y,
            x=list(controls),
            id=unit,
            time=time,
            w=st.weights,
            model="sdm",
            effects=effects,
            endog=[ai],
            instruments=list(instruments),
        )
        res = mod.fit(cov_type=cov_type, cluster=cluster, estimator=est)
        fs_all = fs_all or res.first_stage
        rows += _rows(name, res.impacts(draws=draws, seed=seed), ai, alpha, res.cov_info["cov_type"], res.first_stage)
    out = pd.DataFrame(rows).reindex(columns=IDENTIFICATION_COLUMNS)
    out.attrs["first_stage"] = fs_all
    return out


#: The estimators of each ``analysis.identification`` mode: ``ml`` (no instrument), ``iv`` (2SLS and GMM), ``both``.
ESTIMATORS = {"ml": ("ml",), "iv": ("iv", "gmm"), "both": ("ml", "iv", "gmm")}


def identification_table(
    data,
    *,
    y,
    ai,
    controls,
    instruments,
    unit,
    time,
    w,
    mode="both",
    effects="twoways",
    lee_yu=False,
    cov_type="cluster",
    cluster=None,
    draws=1000,
    seed=0,
    alpha=0.05,
    ml_cov=None,
):
    """The study's identification table: :func:`identification` with the estimators of ``mode``
    (:data:`ESTIMATORS`), then a last row with the instrument-free bound of :func:`aicoord.study.oster.oster_bound`
    (Oster 2019, delta = 1, R_max = 1.3 R²).

    Parameters
    ----------
    data, y, ai, controls, instruments, unit, time, w, effects, lee_yu, cov_type, cluster, draws, seed, alpha
        As :func:`identification`.
    mode : {"ml", "iv", "both"}
        ``analysis.identification``, resolved.
    ml_cov : dict, optional
        Covariance options of the ML fit, as the baseline's; a wild bootstrap is dropped (it belongs to the
        baseline's own table).

    Returns
    -------
    table : pandas.DataFrame
        One row per estimator x effect, then the row ``estimator`` ``oster``, ``effect`` ``coefficient``: AI's
        coefficient in the two-way within regression with the controls (``estimate``), the identified set
        (``ci_low``, ``ci_high``), ``beta_star``, ``delta_for_zero``, ``r_max``, ``r2_controlled`` and
        ``beta_short``.
    first_stage : dict or None
        The 2SLS fit's first-stage diagnostics (None without IV rows).
    oster : dict
        :func:`aicoord.study.oster.oster_bound`.
    """
    ml_cov = {k: v for k, v in (ml_cov or {}).items() if k != "bootstrap"}
    tab = identification(
        data,
        y=y,
        ai=ai,
        controls=list(controls),
        instruments=list(instruments),
        unit=unit,
        time=time,
        w=w,
        effects=effects,
        lee_yu=lee_yu,
        estimators=ESTIMATORS[mode],
        cov_type=cov_type,
        cluster=cluster,
        draws=draws,
        seed=seed,
        alpha=alpha,
        ml_cov=ml_cov or None,
    )
    first_stage = tab.attrs.get("first_stage")
    ob = oster_bound(data, y=y, ai=ai, controls=list(controls), unit=unit, time=time, w=w)
    row = {
        "estimator": "oster",
        "effect": "coefficient",
        "estimate": ob["beta_controlled"],
        "ci_low": ob["set_low"],
        "ci_high": ob["set_high"],
        **{k: ob[k] for k in ("beta_star", "delta_for_zero", "r_max", "r2_controlled", "beta_short")},
    }
    return pd.concat([tab, pd.DataFrame([row])], ignore_index=True), first_stage, ob
