"""β-convergence, development gap, spatial Markov chains and kernel densities of regional income.

All functions take a long table (one row per unit-year) and the names of its columns.

β-convergence
-------------
Cross-section over a period of :math:`\\tau` years (``start`` to ``end``)::

    ln(y_i,end / y_i,start) = a + β ln y_i,start [+ γ'X_i] + e_i

and panel form with unit fixed effects (growth over :math:`\\tau` years, default 1)::

    ln(y_i,t+τ / y_i,t) = μ_i [+ η_t] + β ln y_i,t [+ γ'X_i,t] + e_i,t

The dependent variable is the *total* log growth over τ years (not annualised), so under the
Solow/Barro–Sala-i-Martin approximation :math:`\\beta = -(1-e^{-\\lambda\\tau})` and the implied
speed of convergence and half-life are (Barro & Sala-i-Martin 1992, *JPE* 100(2): 223–251)

.. math::

    \\lambda = -\\ln(1+\\beta)/\\tau, \\qquad \\text{half-life} = \\ln 2/\\lambda .

τ is the number of years between the initial and the final observation: ``end - start`` in the
cross-section, ``tau`` in the panel. Absolute convergence has no controls, conditional
convergence adds them (and, in the panel, the unit fixed effects already make it conditional on
steady-state differences, Islam 1995, *QJE* 110(4)). :func:`spatial_beta_convergence` estimates the
spatial versions (SAR/SEM/SDM) with :mod:`aicoord.panel`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm

from .errors import InputError
from .gaps import check_columns, positive_values

__all__ = [
    "BetaResult",
    "WithinFit",
    "within_ols",
    "implied_speed",
    "beta_convergence",
    "beta_convergence_panel",
    "spatial_beta_convergence",
    "convergence_panel_data",
]


# ----------------------------------------------------------------------------- helpers


def implied_speed(beta: float, tau: float) -> tuple[float, float]:
    """Speed of convergence and half-life implied by a β coefficient.

    Parameters
    ----------
    beta : float
        Coefficient on the log initial level in a regression of total log growth over
        ``tau`` years.
    tau : float
        Length of the growth period in years.

    Returns
    -------
    (speed, half_life) : tuple of float
        :math:`\\lambda = -\\ln(1+\\beta)/\\tau` and :math:`\\ln 2/\\lambda`. ``speed`` is NaN when
        :math:`1+\\beta \\le 0`; ``half_life`` is NaN unless :math:`\\lambda > 0` (divergence has
        no half-life).
    """
    if tau <= 0:
        raise InputError("tau must be positive")
    if 1.0 + beta <= 0:
        return float("nan"), float("nan")
    speed = -math.log1p(beta) / tau
    return speed, (math.log(2.0) / speed if speed > 0 else float("nan"))


@dataclass
class BetaResult:
    """Result of a β-convergence regression.

    Attributes
    ----------
    form : str
        ``"cross-section"``, ``"panel-fe"`` or ``"spatial"``.
    beta, se, pvalue : float
        Coefficient on ``ln_initial`` and its standard error and p-value (NaN if the estimator
        does not report them).
    tau : float
        Years between initial and final observation.
    speed, half_life : float
        See :func:`implied_speed`.
    nobs : int
    r2 : float
    params : pandas.Series
        All coefficients except the fixed-effect dummies.
    result : object
        The underlying estimator result (``statsmodels`` results for the OLS forms).
    """

    form: str
    beta: float
    se: float
    pvalue: float
    tau: float
    speed: float
    half_life: float
    nobs: int
    r2: float
    params: pd.Series
    result: Any = field(repr=False, default=None)


def _fit(y, X, cov_type, groups):
    kw = {"cov_type": cov_type}
    if cov_type == "cluster":
        kw["cov_kwds"] = {"groups": np.asarray(pd.factorize(groups)[0])}
    return sm.OLS(y, X).fit(**kw)


# ----------------------------------------------------------------------------- β-convergence


def beta_convergence(
    data,
    value,
    *,
    unit="code",
    year="year",
    start=None,
    end=None,
    controls: Sequence[str] = (),
    controls_at="start",
    cov_type="HC1",
) -> BetaResult:
    """Cross-section β-convergence: total log growth from ``start`` to ``end`` on the log initial.

    Parameters
    ----------
    data : pandas.DataFrame
        Long table with ``unit``, ``year``, ``value`` and the controls.
    value : str
        Level variable, e.g. GDP per capita (must be > 0).
    unit, year : str
        Identifier columns.
    start, end : int, optional
        Initial and final year; default the first and last year in the data. τ = end − start.
    controls : sequence of str
        Control variables (conditional convergence); empty for absolute convergence.
    controls_at : {"start", "mean"}
        Controls measured in the initial year, or averaged over ``start..end``.
    cov_type : str
        ``statsmodels`` covariance type (default heteroskedasticity-robust ``"HC1"``).

    Returns
    -------
    BetaResult
        ``params`` index: ``const``, ``ln_initial``, controls.
    """
    check_columns(data, [unit, year, value, *controls])
    years = data[year]
    start = int(years.min()) if start is None else int(start)
    end = int(years.max()) if end is None else int(end)
    if end <= start:
        raise InputError(f"end year {end} must be after start year {start}")
    a = data[years == start].set_index(unit)
    b = data[years == end].set_index(unit)
    if a.index.duplicated().any() or b.index.duplicated().any():
        raise InputError("duplicate unit-year rows", column=unit)
    lost = sorted(set(a.index) ^ set(b.index), key=str)
    if lost:
        raise InputError(
            f"units without both {start} and {end}: {', '.join(map(str, lost))}",
            column=unit,
            hint="use a balanced panel or choose other years",
        )
    b = b.loc[a.index]
    y0 = positive_values(a[value], value)
    y1 = positive_values(b[value], value)
    X = pd.DataFrame({"ln_initial": np.log(y0)}, index=a.index)
    if controls:
        if controls_at == "start":
            ctrl = a[list(controls)]
        elif controls_at == "mean":
            win = data[(years >= start) & (years <= end)]
            ctrl = win.groupby(unit)[list(controls)].mean().loc[a.index]
        else:
            raise InputError("controls_at must be 'start' or 'mean'")
        X = X.join(ctrl.astype(float))
    X = sm.add_constant(X, has_constant="add")
    growth = np.log(y1) - np.log(y0)
    res = _fit(growth, X, cov_type, None)
    tau = end - start
    speed, half = implied_speed(float(res.params["ln_initial"]), tau)
    return BetaResult(
        "cross-section",
        float(res.params["ln_initial"]),
        float(res.bse["ln_initial"]),
        float(res.pvalues["ln_initial"]),
        tau,
        speed,
        half,
        int(res.nobs),
        float(res.rsquared),
        res.params,
        res,
    )


def convergence_panel_data(
    data, value, *, unit="code", year="year", tau=1, controls: Sequence[str] = ()
) -> pd.DataFrame:
    """Build the panel regression data: ``growth`` = ln y(t+τ) − ln y(t) and ``ln_initial``.

    Parameters
    ----------
    data : pandas.DataFrame
        Long table.
    value : str
        Level variable (> 0).
    unit, year : str
        Identifier columns.
    tau : int, default 1
        Growth horizon in years. Every year *t* with an observation at *t + τ* for the same
        unit is used (windows overlap when τ > 1).
    controls : sequence of str
        Carried over, measured at *t*.

    Returns
    -------
    pandas.DataFrame
        Columns ``unit``, ``year`` (= t), ``growth``, ``ln_initial`` and the controls, sorted by
        unit and year.
    """
    check_columns(data, [unit, year, value, *controls])
    if int(tau) != tau or tau < 1:
        raise InputError("tau must be a positive integer")
    d = data[[unit, year, value, *controls]].copy()
    if d.duplicated([unit, year]).any():
        raise InputError("duplicate unit-year rows", column=unit)
    d[value] = positive_values(d[value], value)
    d["ln_initial"] = np.log(d[value])
    fut = d[[unit, year, "ln_initial"]].rename(columns={"ln_initial": "_ln_future"})
    fut[year] = fut[year] - tau
    d = d.merge(fut, on=[unit, year], how="inner")
    d["growth"] = d["_ln_future"] - d["ln_initial"]
    d = d.sort_values([unit, year]).reset_index(drop=True)
    return d[[unit, year, "growth", "ln_initial", *controls]]


def beta_convergence_panel(
    data,
    value,
    *,
    unit="code",
    year="year",
    tau=1,
    controls: Sequence[str] = (),
    time_effects=False,
    cov_type="cluster",
) -> BetaResult:
    """Panel β-convergence with unit fixed effects, by the within transformation.

    The estimates, standard errors and p-values are those of the least-squares dummy-variable (LSDV)
    regression with a constant and unit dummies (and year dummies), as ``statsmodels`` OLS gives them,
    including its degrees-of-freedom corrections, but the unit dummies are never formed: the
    regressors (and the year dummies, few) are demeaned by unit (Frisch–Waugh–Lovell). At 2,847 counties
    the LSDV was a 36,000 × 2,860 least-squares problem (8.5 min, 3.7 GB); this is 36,000 × (k + T).

    Parameters
    ----------
    data, value, unit, year, tau, controls
        See :func:`convergence_panel_data`.
    time_effects : bool, default False
        Add year dummies (two-way fixed effects).
    cov_type : str, default "cluster"
        ``"cluster"`` clusters by unit (CR1: G/(G-1) · (n-1)/(n-K), K the LSDV's columns),
        ``"HC0"`` to ``"HC3"`` (HC1: n/(n-r), r the LSDV's rank; HC2/HC3 with the LSDV's leverage
        1/n_i + the within leverage) or ``"nonrobust"`` (s² = SSR/(n-r), t-distributed p-values). Any
        other ``statsmodels`` covariance type is passed on to the LSDV regression with dummies.

    Returns
    -------
    BetaResult
        ``params``: ``const`` (the intercept of the LSDV whose first unit and first year, in text order,
        have no dummy), ``ln_initial`` and the controls; ``r2`` is the LSDV R²; ``result`` a
        :class:`WithinFit` (the ``statsmodels`` result for a passed-on covariance type).
    """
    d = convergence_panel_data(data, value, unit=unit, year=year, tau=tau, controls=controls)
    if d.empty:
        raise InputError(f"no unit has two observations {tau} year(s) apart")
    if cov_type not in _WITHIN_COV:
        return _lsdv(d, unit, year, controls, time_effects, cov_type, tau)
    res = within_ols(
        d["growth"],
        d[["ln_initial", *controls]].astype(float),
        d[unit],
        d[year] if time_effects else None,
        cov_type=cov_type,
    )
    keep = ["const", "ln_initial", *controls]
    b = float(res.params["ln_initial"])
    speed, half = implied_speed(b, tau)
    return BetaResult(
        "panel-fe",
        b,
        float(res.bse["ln_initial"]),
        float(res.pvalues["ln_initial"]),
        float(tau),
        speed,
        half,
        int(res.nobs),
        float(res.rsquared),
        res.params[keep],
        res,
    )


def _lsdv(d, unit, year, controls, time_effects, cov_type, tau):
    """The LSDV regression with dummies (``statsmodels``), for covariance types :func:`within_ols` lacks."""
    X = d[["ln_initial", *controls]].astype(float)
    parts = [X, pd.get_dummies(d[unit].astype(str), prefix="_fe", drop_first=True, dtype=float)]
    if time_effects:
        parts.append(pd.get_dummies(d[year].astype(str), prefix="_yr", drop_first=True, dtype=float))
    X = sm.add_constant(pd.concat(parts, axis=1), has_constant="add")
    res = _fit(d["growth"], X, cov_type, d[unit])
    keep = [c for c in res.params.index if not str(c).startswith(("_fe_", "_yr_"))]
    b = float(res.params["ln_initial"])
    speed, half = implied_speed(b, tau)
    return BetaResult(
        "panel-fe",
        b,
        float(res.bse["ln_initial"]),
        float(res.pvalues["ln_initial"]),
        float(tau),
        speed,
        half,
        int(res.nobs),
        float(res.rsquared),
        res.params[keep],
        res,
    )


_WITHIN_COV = ("cluster", "HC0", "HC1", "HC2", "HC3", "nonrobust")


@dataclass
class WithinFit:
    """A fixed-effects regression fitted by :func:`within_ols`, with the LSDV's figures.

    Attributes
    ----------
    params, bse, pvalues : pandas.Series
        ``const``, the regressors, and the year effects ``_yr_<year>`` (two-way).
    cov_params : pandas.DataFrame
        Covariance of the regressors' and year effects' coefficients (``const`` has none here).
    cov_type : str
    nobs : int
    df_resid : int
        n minus the LSDV's rank.
    k_lsdv : int
        The LSDV's number of columns (constant and dummies included).
    rsquared : float
        The LSDV's R² (centred).
    resid : numpy.ndarray
    """

    params: pd.Series
    bse: pd.Series
    pvalues: pd.Series
    cov_params: pd.DataFrame
    cov_type: str
    nobs: int
    df_resid: int
    k_lsdv: int
    rsquared: float
    resid: np.ndarray = field(repr=False)


def within_ols(y, X, unit, time=None, *, cov_type="cluster") -> WithinFit:
    """OLS with unit fixed effects (and year fixed effects) without dummies: the LSDV's results.

    The unit effects are absorbed by demeaning ``y``, ``X`` and the year dummies (first year in text
    order dropped) by unit; by Frisch–Waugh–Lovell the coefficients and residuals are the LSDV's, and so
    is every sandwich covariance built from them. The small-sample corrections are ``statsmodels``':
    cluster (by unit) G/(G-1)·(n-1)/(n-K) with K the LSDV's columns, HC1 n/(n-r) and the classical
    s² = SSR/(n-r) with r its rank; HC2 and HC3 use the LSDV's leverage, 1/n_i plus the within leverage.
    p-values are normal, t(n-r) for ``"nonrobust"``. A rank-deficient design (a regressor constant within
    units) gets the minimum-norm solution of the demeaned regressors (``numpy.linalg.pinv``).

    Parameters
    ----------
    y : array-like, length n
    X : pandas.DataFrame, n × k
        Regressors (named).
    unit : array-like, length n
        Unit of each row (the fixed effects; the clusters of ``"cluster"``).
    time : array-like, optional
        Period of each row: adds year fixed effects.
    cov_type : {"cluster", "HC0", "HC1", "HC2", "HC3", "nonrobust"}

    Returns
    -------
    WithinFit
    """
    from scipy import stats

    if cov_type not in _WITHIN_COV:
        raise InputError(f"cov_type '{cov_type}' is not one of {', '.join(_WITHIN_COV)}")
    yv = np.asarray(y, dtype=float)
    Z = X.astype(float)
    if time is not None:
        Z = pd.concat(
            [
                Z.reset_index(drop=True),
                pd.get_dummies(pd.Series(np.asarray(time)).astype(str), prefix="_yr", drop_first=True, dtype=float),
            ],
            axis=1,
        )
    names = list(Z.columns)
    Zv = Z.to_numpy(dtype=float)
    g, levels = pd.factorize(pd.Series(np.asarray(unit)).astype(str), sort=True)
    G, n = len(levels), len(yv)
    counts = np.bincount(g, minlength=G).astype(float)

    def demean(a):
        means = np.zeros((G,) + a.shape[1:])
        np.add.at(means, g, a)
        means /= counts.reshape((G,) + (1,) * (a.ndim - 1))
        return a - means[g], means

    yt, _ = demean(yv)
    Zt, _ = demean(Zv)
    pinv = np.linalg.pinv(Zt)
    b = pinv @ yt
    e = yt - Zt @ b
    rank = int(np.linalg.matrix_rank(Zt)) + G
    k_lsdv = Zv.shape[1] + G  # constant, G-1 unit dummies, the regressors and year dummies
    df_resid = n - rank
    bread = pinv @ pinv.T  # (Zt'Zt)^+
    if cov_type == "nonrobust":
        cov = bread * float(e @ e) / df_resid
    elif cov_type == "cluster":
        scores = np.zeros((G, Zv.shape[1]))
        np.add.at(scores, g, Zt * e[:, None])
        cov = bread @ (scores.T @ scores) @ bread * (G / (G - 1)) * ((n - 1) / (n - k_lsdv))
    else:
        u2 = e**2
        if cov_type in ("HC2", "HC3"):
            h = 1.0 / counts[g] + np.einsum("ij,ji->i", Zt, pinv)
            u2 = u2 / (1 - h) ** (1 if cov_type == "HC2" else 2)
        cov = bread @ ((Zt * u2[:, None]).T @ Zt) @ bread
        if cov_type == "HC1":
            cov = cov * n / df_resid
    # the LSDV's intercept: the first unit's effect (first year's effect is 0 when years have dummies)
    resid_fe = yv - Zv @ b
    const = float(resid_fe[g == 0].mean())
    se = np.sqrt(np.diag(cov))
    z = b / se
    p = 2 * (stats.t.sf(np.abs(z), df_resid) if cov_type == "nonrobust" else stats.norm.sf(np.abs(z)))
    r2 = 1 - float(e @ e) / float(((yv - yv.mean()) ** 2).sum())
    idx = ["const", *names]
    return WithinFit(
        pd.Series([const, *b], index=idx),
        pd.Series([np.nan, *se], index=idx),
        pd.Series([np.nan, *p], index=idx),
        pd.DataFrame(cov, index=names, columns=names),
        cov_type,
        n,
        df_resid,
        k_lsdv,
        r2,
        e,
    )


def spatial_beta_convergence(
    data,
    value,
    w,
    *,
    model="sar",
    effects="twoways",
    unit="code",
    year="year",
    tau=1,
    controls: Sequence[str] = (),
    **model_kwargs,
) -> BetaResult:
    """Spatial panel β-convergence: the panel form estimated by ML with :class:`aicoord.panel.SpatialPanel`.

    Parameters
    ----------
    data, value, unit, year, tau, controls
        See :func:`convergence_panel_data`.
    w : weights accepted by :class:`aicoord.panel.SpatialPanel` (ids = the values of ``unit``)
    model : {"sar", "sem", "sdm", ...}
        Spatial model of ``growth`` on ``ln_initial`` and the controls.
    effects : str
        Fixed effects (default two-way).
    **model_kwargs
        Further arguments of :class:`aicoord.panel.SpatialPanel` (``wx``, ``lee_yu``, ...).

    Returns
    -------
    BetaResult
        ``form="spatial"``; β is the coefficient of ``ln_initial`` (for an SDM the coefficient, not the
        direct effect); ``r2`` is the within R²; ``result`` is the
        :class:`aicoord.panel.SpatialPanelResults` of the fit.
    """
    from .panel import SpatialPanel

    d = convergence_panel_data(data, value, unit=unit, year=year, tau=tau, controls=controls)
    res = SpatialPanel(
        d,
        y="growth",
        x=["ln_initial", *controls],
        id=unit,
        time=year,
        w=w,
        model=model,
        effects=effects,
        **model_kwargs,
    ).fit()
    b = float(res.params["ln_initial"])
    speed, half = implied_speed(b, tau)
    return BetaResult(
        "spatial",
        b,
        float(res.std_errors["ln_initial"]),
        float(res.pvalues["ln_initial"]),
        float(tau),
        speed,
        half,
        int(res.nobs),
        float(res.r2_within),
        res.params,
        res,
    )


# ----------------------------------------------------------------------------- gaps
