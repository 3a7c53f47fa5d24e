"""The dynamic spatial Durbin model of the robustness grid: AI's short-run total effect and the short-run
mediated effects.

The model (:class:`aicoord.panel.dynamic.DynamicSpatialPanel`, Yu, de Jong and Lee 2008 bias-corrected
quasi-ML conditional on the first year) adds the outcome's own lag y(t−1) (``dlag=1``; ``2`` its space-time
lag W·y(t−1), ``3`` both) to the SDM of the baseline. Its **short-run** effects are those of the static SDM
evaluated at its (β, θ, ρ): :math:`S_k = (I-\\rho W)^{-1}(\\beta_k I + \\theta_k W)`, total
:math:`(\\beta_k+\\theta_k)/(1-\\rho)` for the row-standardised W, computed by
:func:`aicoord.study._common.effects_of` on draws from :func:`aicoord.study._common.param_draws` exactly as for
the other models, so that the four columns of the grid are the same quantity (the effect within the year of
a change). The long-run effects ([(1 − τ)I − (ρ + η)W]⁻¹(βI + θW)) are not in the grid.

Mediation uses the dynamic SDM in both equations (the channel with its own lag, the outcome with its own
lag): mediated effect = short-run total(AI → M) × short-run total(M → y), with joint independent draws as in
:func:`aicoord.study.mechanism`. There is no SLX fallback: a dynamic equation that cannot be estimated
(ρ on its bound, a singular information matrix) or whose estimates are not stationary
(max |(τ + ηω)/(1 − ρω)| ≥ 1) raises :class:`aicoord.errors.EstimationError`, which the grid reports as a
``not estimated`` row with the reason.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..errors import EstimationError
from ._common import effects_of, param_draws, setting, summarise

__all__ = ["MODEL", "fit_dynamic_sdm", "dynamic_total", "dynamic_mediated"]

#: The grid's name of the dynamic SDM.
MODEL = "dynamic_sdm"


def fit_dynamic_sdm(st, y, x, effects="twoways", dlag=1):
    """Bias-corrected dynamic SDM of ``y`` on ``x`` for the setting ``st`` (data and row-standardised W).

    Parameters
    ----------
    st : aicoord.study._common.Setting
    y : str
    x : list of str
    effects : {"twoways", "individual"}
    dlag : {1, 2, 3}
        1: y(t−1), 2: W·y(t−1), 3: both.

    Returns
    -------
    DynamicPanelResults

    Raises
    ------
    EstimationError
        When the engine fails (ρ on its bound, a singular information matrix) or the estimates are not
        stationary.
    """
    from ..panel.dynamic import DynamicSpatialPanel

    with warnings.catch_warnings():  # non-stationarity is turned into an EstimationError below
        warnings.simplefilter("ignore", RuntimeWarning)
        res = DynamicSpatialPanel(
            st.data, y=y, x=list(x), id=st.unit, time=st.time, w=st.weights, model="sdm", effects=effects, dlag=dlag
        ).fit()
    if not res.stationary:
        raise EstimationError(
            f"not stationary: max|(tau+eta w)/(1-rho w)| = {res.stationarity_modulus:.3f} >= 1; "
            f"the dynamic SDM of {y} is not estimated"
        )
    bad = [
        nm
        for nm in res.params.index
        if not (np.isfinite(res.params[nm]) and np.isfinite(res.std_errors[nm]) and res.std_errors[nm] > 0)
    ]
    if bad:
        raise EstimationError(f"no finite standard error for {', '.join(bad)}; the dynamic SDM of {y} is not estimated")
    return res


def dynamic_total(
    data, *, y, ai, controls, unit, time, w, effects="twoways", dlag=1, draws=1000, seed=1, alpha=0.05, drop=()
):
    """AI's short-run direct, indirect and total effects on ``y`` in the dynamic SDM.

    Parameters as in :func:`aicoord.study.baseline`, and ``dlag`` (see :func:`fit_dynamic_sdm`).

    Returns
    -------
    fit : DynamicPanelResults
    effects : dict
        ``{"direct", "indirect", "total"}`` -> :func:`aicoord.study._common.summarise` of the estimate (at the
        point estimates) and of ``draws`` parameter draws (percentile (1 − alpha) interval).
    """
    st = setting(data, unit, time, w, drop=drop)
    res = fit_dynamic_sdm(st, y, [ai, *controls], effects, dlag)
    point = effects_of(res.params, ai, "sdm", st.omega)
    sims = effects_of(param_draws(res, draws, np.random.default_rng(seed), st.W), ai, "sdm", st.omega)
    return res, {k: summarise(point[k], sims[k], alpha) for k in ("direct", "indirect", "total")}


def dynamic_mediated(
    data,
    *,
    y,
    ai,
    mechanism,
    controls,
    unit,
    time,
    w,
    effects="twoways",
    dlag=1,
    draws=1000,
    seed=1,
    alpha=0.05,
    drop=(),
):
    """Short-run mediated effect of AI on ``y`` through ``mechanism``, both equations dynamic SDMs.

    Parameters as in :func:`aicoord.study.mechanism`, and ``dlag`` (see :func:`fit_dynamic_sdm`). The channel
    equation uses the draws of ``seed``, the outcome equation those of ``seed + 1``.

    Returns
    -------
    dict
        ``estimate`` (product of the two short-run totals at the point estimates), ``lower``, ``upper``
        (percentile (1 − alpha) interval of the product of the draws), ``se``, ``nobs`` (of the outcome
        equation) and ``draws`` (the product's draws).
    """
    st = setting(data, unit, time, w, drop=drop)
    mres = fit_dynamic_sdm(st, mechanism, [ai, *controls], effects, dlag)
    yres = fit_dynamic_sdm(st, y, [ai, mechanism, *controls], effects, dlag)
    a_pt = effects_of(mres.params, ai, "sdm", st.omega)["total"]
    b_pt = effects_of(yres.params, mechanism, "sdm", st.omega)["total"]
    a = effects_of(param_draws(mres, draws, np.random.default_rng(seed), st.W), ai, "sdm", st.omega)["total"]
    b = effects_of(param_draws(yres, draws, np.random.default_rng(seed + 1), st.W), mechanism, "sdm", st.omega)["total"]
    prod = a * b
    out = summarise(a_pt * b_pt, prod, alpha)
    out.update(nobs=int(yres.nobs), draws=prod)
    return out
