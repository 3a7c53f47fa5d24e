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
steady-state differences, Islam 1995, *QJE* 110(4)). Spatial versions (SAR/SEM/SDM) plug a panel
estimator into :func:`spatial_beta_convergence`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm

from .errors import InputError

__all__ = ["BetaResult", "implied_speed", "beta_convergence", "beta_convergence_panel",
           "spatial_beta_convergence", "convergence_panel_data", "development_gap",
           "relative_to_national", "spatial_markov", "kde_figure"]


# ----------------------------------------------------------------------------- helpers


def _check_columns(data, cols):
    missing = [c for c in cols if c is not None and c not in data.columns]
    if missing:
        raise InputError(f"missing columns: {', '.join(missing)}",
                         hint=f"available: {', '.join(map(str, data.columns))}")


def _positive(values, name):
    v = pd.to_numeric(values, errors="coerce").astype(float)
    if v.isna().any() or (v <= 0).any():
        raise InputError(f"'{name}' must be positive and non-missing (logs are taken)",
                         column=name)
    return v


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


def beta_convergence(data, value, *, unit="code", year="year", start=None, end=None,
                     controls: Sequence[str] = (), controls_at="start",
                     cov_type="HC1") -> BetaResult:
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
    _check_columns(data, [unit, year, value, *controls])
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
        raise InputError(f"units without both {start} and {end}: {', '.join(map(str, lost))}",
                         column=unit, hint="use a balanced panel or choose other years")
    b = b.loc[a.index]
    y0 = _positive(a[value], value)
    y1 = _positive(b[value], value)
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
    return BetaResult("cross-section", float(res.params["ln_initial"]),
                      float(res.bse["ln_initial"]), float(res.pvalues["ln_initial"]), tau, speed,
                      half, int(res.nobs), float(res.rsquared), res.params, res)


def convergence_panel_data(data, value, *, unit="code", year="year", tau=1,
                           controls: Sequence[str] = ()) -> pd.DataFrame:
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
    _check_columns(data, [unit, year, value, *controls])
    if int(tau) != tau or tau < 1:
        raise InputError("tau must be a positive integer")
    d = data[[unit, year, value, *controls]].copy()
    if d.duplicated([unit, year]).any():
        raise InputError("duplicate unit-year rows", column=unit)
    d[value] = _positive(d[value], value)
    d["ln_initial"] = np.log(d[value])
    fut = d[[unit, year, "ln_initial"]].rename(columns={"ln_initial": "_ln_future"})
    fut[year] = fut[year] - tau
    d = d.merge(fut, on=[unit, year], how="inner")
    d["growth"] = d["_ln_future"] - d["ln_initial"]
    d = d.sort_values([unit, year]).reset_index(drop=True)
    return d[[unit, year, "growth", "ln_initial", *controls]]


def beta_convergence_panel(data, value, *, unit="code", year="year", tau=1,
                           controls: Sequence[str] = (), time_effects=False,
                           cov_type="cluster") -> BetaResult:
    """Panel β-convergence with unit fixed effects (LSDV, ``statsmodels`` OLS).

    Parameters
    ----------
    data, value, unit, year, tau, controls
        See :func:`convergence_panel_data`.
    time_effects : bool, default False
        Add year dummies (two-way fixed effects).
    cov_type : str, default "cluster"
        ``"cluster"`` clusters by unit; any other ``statsmodels`` covariance type is passed on.

    Returns
    -------
    BetaResult
        ``params`` without the dummy coefficients; ``r2`` is the LSDV R².
    """
    d = convergence_panel_data(data, value, unit=unit, year=year, tau=tau, controls=controls)
    if d.empty:
        raise InputError(f"no unit has two observations {tau} year(s) apart")
    X = d[["ln_initial", *controls]].astype(float)
    fe = pd.get_dummies(d[unit].astype(str), prefix="_fe", drop_first=True, dtype=float)
    parts = [X, fe]
    if time_effects:
        parts.append(pd.get_dummies(d[year].astype(str), prefix="_yr", drop_first=True,
                                    dtype=float))
    X = sm.add_constant(pd.concat(parts, axis=1), has_constant="add")
    res = _fit(d["growth"], X, cov_type, d[unit])
    keep = [c for c in res.params.index if not str(c).startswith(("_fe_", "_yr_"))]
    b = float(res.params["ln_initial"])
    speed, half = implied_speed(b, tau)
    return BetaResult("panel-fe", b, float(res.bse["ln_initial"]),
                      float(res.pvalues["ln_initial"]), float(tau), speed, half, int(res.nobs),
                      float(res.rsquared), res.params[keep], res)


def spatial_beta_convergence(data, value, w, estimator: Callable[..., Mapping], *,
                             unit="code", year="year", tau=1, controls: Sequence[str] = (),
                             **estimator_kwargs) -> BetaResult:
    """Spatial panel β-convergence through a pluggable estimator (hook for SAR/SEM/SDM).

    This function only prepares the data and converts the coefficient into a speed and
    half-life; the spatial panel engine is supplied by the caller.

    Parameters
    ----------
    data, value, unit, year, tau, controls
        See :func:`convergence_panel_data`.
    w : object
        Spatial weights, passed unchanged to ``estimator``.
    estimator : callable
        Called as ``estimator(panel, y="growth", x=["ln_initial", *controls], w=w, unit=unit,
        year=year, **estimator_kwargs)`` where ``panel`` is the output of
        :func:`convergence_panel_data`. It must return a mapping with ``"params"`` (a mapping or
        Series of coefficient name → estimate, including ``"ln_initial"``) and may add ``"bse"``,
        ``"pvalues"`` (same keys), ``"nobs"``, ``"r2"``. For an SDM the coefficient of
        ``ln_initial`` is the one used for λ (not the direct effect) unless the estimator reports
        something else under that key.
    **estimator_kwargs
        Passed to ``estimator`` (e.g. ``model="sdm"``, fixed-effect options).

    Returns
    -------
    BetaResult
        ``form="spatial"``, ``result`` = the estimator's returned mapping.
    """
    d = convergence_panel_data(data, value, unit=unit, year=year, tau=tau, controls=controls)
    out = estimator(d, y="growth", x=["ln_initial", *controls], w=w, unit=unit, year=year,
                    **estimator_kwargs)
    if not isinstance(out, Mapping) or "params" not in out:
        raise TypeError("estimator must return a mapping with a 'params' entry")
    params = pd.Series(dict(out["params"]), dtype=float)
    if "ln_initial" not in params:
        raise KeyError("estimator params lack 'ln_initial'")
    b = float(params["ln_initial"])
    get = lambda key: float(dict(out.get(key, {})).get("ln_initial", float("nan")))  # noqa: E731
    speed, half = implied_speed(b, tau)
    return BetaResult("spatial", b, get("bse"), get("pvalues"), float(tau), speed, half,
                      int(out.get("nobs", len(d))), float(out.get("r2", float("nan"))), params,
                      out)


# ----------------------------------------------------------------------------- gaps


def _national(d, value, year, population):
    if population is None:
        return d.groupby(year)[value].transform("mean")
    num = (d[value] * d[population]).groupby(d[year]).transform("sum")
    return num / d.groupby(year)[population].transform("sum")


def relative_to_national(data, value, *, year="year", population=None) -> pd.Series:
    """Value relative to the national value of the same year (y_it / ȳ_t).

    The national value is the population-weighted mean :math:`\\sum_i P_{it}y_{it}/\\sum_i P_{it}`
    (national GDP over national population when ``value`` is GDP per capita) if ``population``
    is given, else the arithmetic mean over the units present in that year.

    Returns
    -------
    pandas.Series
        Aligned with ``data.index``.
    """
    _check_columns(data, [year, value, population])
    d = data.copy()
    d[value] = _positive(d[value], value)
    if population is not None:
        d[population] = _positive(d[population], population)
    return d[value] / _national(d, value, year, population)


def development_gap(data, gdp_pc, *, unit="code", year="year", population=None) -> pd.DataFrame:
    """Per unit-year development gap: absolute log deviation from the national value.

    Parameters
    ----------
    data : pandas.DataFrame
        Long table.
    gdp_pc : str
        GDP per capita column (> 0).
    unit, year : str
        Identifier columns.
    population : str, optional
        Population column; if given the national value is population-weighted (see
        :func:`relative_to_national`), else the arithmetic mean of the units.

    Returns
    -------
    pandas.DataFrame
        ``unit``, ``year``, ``national`` (ȳ_t), ``gap`` = :math:`|\\ln y_{it}-\\ln\\bar y_t|`,
        ``gap_change`` = gap_t − gap_{t−1} and ``gap_growth`` = gap_t / gap_{t−1} − 1 (both NaN
        when the unit has no observation in year t − 1, ``gap_growth`` also when gap_{t−1} = 0),
        in input row order.
    """
    _check_columns(data, [unit, year, gdp_pc, population])
    d = data[[unit, year, gdp_pc] + ([population] if population else [])].copy()
    if d.duplicated([unit, year]).any():
        raise InputError("duplicate unit-year rows", column=unit)
    d[gdp_pc] = _positive(d[gdp_pc], gdp_pc)
    if population:
        d[population] = _positive(d[population], population)
    d["national"] = _national(d, gdp_pc, year, population)
    d["gap"] = np.abs(np.log(d[gdp_pc]) - np.log(d["national"]))
    prev = d[[unit, year, "gap"]].rename(columns={"gap": "_prev"})
    prev[year] = prev[year] + 1
    d = d.reset_index(drop=True).reset_index().merge(prev, on=[unit, year], how="left")
    d = d.sort_values("index")
    d["gap_change"] = d["gap"] - d["_prev"]
    with np.errstate(divide="ignore", invalid="ignore"):
        d["gap_growth"] = np.where(d["_prev"] > 0, d["gap"] / d["_prev"] - 1.0, np.nan)
    return d[[unit, year, "national", "gap", "gap_change", "gap_growth"]].reset_index(drop=True)


# ----------------------------------------------------------------------------- spatial Markov


def spatial_markov(data, value, w, *, unit="code", year="year", k=4, m=None, relative=True,
                   population=None, fixed=True) -> dict:
    """Spatial Markov transition matrices conditioned on the neighbours' lag class.

    Wraps :class:`giddy.markov.Spatial_Markov` (Rey 2001, *Geographical Analysis* 33(1)) and
    returns tidy tables.

    Parameters
    ----------
    data : pandas.DataFrame
        Balanced long table (every unit in every year).
    value : str
        Variable to classify.
    w : libpysal.weights.W
        Spatial weights whose ids are the values of ``unit``; a row-standardised copy is used
        for the spatial lag.
    unit, year : str
        Identifier columns.
    k : int, default 4
        Number of quantile classes of the variable.
    m : int, optional
        Number of quantile classes of the spatial lag (default ``k``).
    relative : bool, default True
        Classify the value relative to its national value of the year
        (:func:`relative_to_national`) instead of the raw level.
    population : str, optional
        Population weights for the national value when ``relative``.
    fixed : bool, default True
        Quantile cut-offs pooled over all years (``True``) or per year (``False``), as in giddy.

    Returns
    -------
    dict
        ``transitions``: long DataFrame with ``lag_class`` (``"all"`` for the a-spatial chain,
        else 1..m), ``from_class``, ``to_class`` (1..k, 1 = lowest), ``count``,
        ``probability``; ``steady_state``: ``lag_class``, ``class``, ``probability``;
        ``tests``: one-row DataFrame with the homogeneity statistics ``Q``, ``Q_p_value``,
        ``LR``, ``LR_p_value``, ``dof``; ``cutoffs`` (upper bounds of the value classes, or
        None when not fixed); ``model``: the giddy object.
    """
    from giddy.markov import Spatial_Markov
    from libpysal.weights import W

    _check_columns(data, [unit, year, value, population])
    d = data.copy()
    if relative:
        d["_v"] = relative_to_national(d, value, year=year, population=population)
    else:
        d["_v"] = pd.to_numeric(d[value], errors="coerce")
    wide = d.pivot(index=unit, columns=year, values="_v")
    if wide.isna().any().any():
        raise InputError("spatial Markov chains need a balanced panel without missing values",
                         column=value)
    ids = list(w.id_order)
    if set(map(str, ids)) != set(map(str, wide.index)):
        raise InputError("the weights' ids do not match the units of the data", column=unit)
    wide.index = wide.index.map(str)
    wide = wide.loc[[str(i) for i in ids]]
    wr = W(w.neighbors, w.weights, id_order=ids, silence_warnings=True)
    wr.transform = "r"
    sm_ = Spatial_Markov(wide.to_numpy(), wr, k=k, m=k if m is None else m, fixed=fixed,
                         fill_empty_classes=False)
    rows = []

    def add(label, T, P):
        for i in range(T.shape[0]):
            for j in range(T.shape[1]):
                rows.append({"lag_class": label, "from_class": i + 1, "to_class": j + 1,
                             "count": int(T[i, j]), "probability": float(P[i, j])})

    add("all", np.asarray(sm_.transitions), np.asarray(sm_.p))
    for c in range(sm_.m):
        add(c + 1, sm_.T[c], sm_.P[c])
    ss = []
    try:
        glob = np.asarray(sm_.s, dtype=float).ravel()
        ss += [{"lag_class": "all", "class": i + 1, "probability": float(p)}
               for i, p in enumerate(glob)]
        for c, s in enumerate(sm_.S):
            s = np.asarray(s, dtype=float)
            if s.ndim == 1 and s.size == sm_.k:
                ss += [{"lag_class": c + 1, "class": i + 1, "probability": float(p)}
                       for i, p in enumerate(s)]
    except Exception:  # reducible chains have no unique steady state  # pragma: no cover
        pass
    tests = pd.DataFrame([{"Q": float(sm_.Q), "Q_p_value": float(sm_.Q_p_value),
                           "LR": float(sm_.LR), "LR_p_value": float(sm_.LR_p_value),
                           "dof": int(sm_.dof_hom)}])
    return {"transitions": pd.DataFrame(rows), "steady_state": pd.DataFrame(ss),
            "tests": tests, "cutoffs": None if sm_.cutoffs is None else list(sm_.cutoffs),
            "model": sm_}


# ----------------------------------------------------------------------------- KDE figure


def kde_figure(data, value, *, year="year", years=None, population=None, note=None,
               relative=True, bw_method=None, xlabel=None, ylabel="Density", title=None,
               grid_points=256):
    """Kernel density curves of (relative) GDP per capita, one curve per year.

    Parameters
    ----------
    data : pandas.DataFrame
        Long table.
    value : str
        Variable, e.g. GDP per capita.
    year : str
        Year column.
    years : sequence of int, optional
        Years to draw (default all years in the data).
    population : str, optional
        Population for the national value when ``relative`` (see :func:`relative_to_national`).
    note : str, optional
        Text written under the plot (e.g. ``"simulated data"`` or the data source).
    relative : bool, default True
        Plot y_it / national value of year t.
    bw_method : str, float or callable, optional
        Passed to :class:`scipy.stats.gaussian_kde` (default Scott's rule,
        h = σ̂ n^{-1/5} with the sample SD).
    xlabel, ylabel, title : str, optional
        Axis labels and title.
    grid_points : int
        Number of evaluation points of each curve.

    Returns
    -------
    matplotlib.figure.Figure
        One ``Line2D`` per year, labelled with the year. The figure is not shown or saved.
    """
    from matplotlib.figure import Figure
    from scipy.stats import gaussian_kde

    _check_columns(data, [year, value, population])
    v = (relative_to_national(data, value, year=year, population=population) if relative
         else _positive(data[value], value))
    ys = sorted(pd.unique(data[year])) if years is None else list(years)
    missing = [y for y in ys if not (data[year] == y).any()]
    if missing:
        raise InputError(f"years not in the data: {missing}", column=year)
    lo, hi = float(v.min()), float(v.max())
    pad = 0.25 * (hi - lo if hi > lo else 1.0)
    grid = np.linspace(lo - pad, hi + pad, grid_points)
    fig = Figure(figsize=(6.4, 4.4))
    ax = fig.add_subplot(111)
    for y in ys:
        x = v[(data[year] == y).to_numpy()].to_numpy()
        if x.size < 2 or np.ptp(x) == 0:
            raise InputError(f"year {y}: need at least two distinct values for a density")
        ax.plot(grid, gaussian_kde(x, bw_method=bw_method)(grid), label=str(y))
    xlabel = xlabel or (f"{value} relative to national value" if relative else value)
    texts = [t for t in (xlabel, ylabel, title, note, str(year)) if t]
    font = _cjk_font() if any(_CJK.search(t) for t in texts) else None
    kw = {"fontproperties": font} if font is not None else {}
    ax.set_xlabel(xlabel, **kw)
    ax.set_ylabel(ylabel, **kw)
    if title:
        ax.set_title(title, **kw)
    leg = ax.legend(title=year, fontsize="small")
    if font is not None:
        leg.get_title().set_fontproperties(font)
    if note:
        fig.subplots_adjust(bottom=0.2)
        fig.text(0.01, 0.01, note, ha="left", va="bottom", fontsize="small", style="italic",
                 **kw)
    return fig


_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def _cjk_font():
    """FontProperties of Noto Sans CJK SC shipped by ``mplfonts`` (None if unavailable).

    Used only for the texts of the figure (no global rcParams change), so Chinese labels and
    notes are not drawn as missing-glyph boxes.
    """
    try:
        from matplotlib.font_manager import FontProperties

        from .plotting import cjk_font_path

        path = cjk_font_path()
    except ImportError:  # pragma: no cover
        return None
    return FontProperties(fname=str(path)) if path.exists() else None
