"""Baseline spatial Durbin model, conditional spatial β-convergence with AI, and heterogeneity.

All functions take a long panel (one row per unit-year), the column names, and the weights (a
DataFrame with ids as index and columns, a libpysal W, or an array in sorted-id order); the weights
are row-standardised here. Effects are LeSage–Pace direct/indirect/total effects; their standard
errors and percentile intervals come from ``draws`` parameter vectors drawn from the estimated
asymptotic normal distribution (``seed``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special

from ..errors import InputError
from ._common import Setting, effects_of, fit_panel, param_draws, setting, spectrum, summarise

__all__ = [
    "Baseline",
    "baseline",
    "baseline_columns",
    "parse_column",
    "COLUMN_MODELS",
    "convergence_with_ai",
    "heterogeneity",
    "coefficient_table",
    "effects_table",
    "fit_summary",
    "study_cov",
]


def coefficient_table(res) -> pd.DataFrame:
    """Coefficients, ρ/λ with SE, z, p (index: parameter)."""
    return pd.DataFrame(
        {"estimate": res.params, "se": res.std_errors, "z": res.params / res.std_errors, "p": res.pvalues}
    ).rename_axis("parameter")


def effects_table(res, variables, st: Setting, draws: int, seed: int, alpha: float):
    """Effects of ``variables`` with simulated SE and intervals; also returns the draws per variable."""
    kind = res.model.model
    sims = param_draws(res, draws, np.random.default_rng(seed), st.W)
    rows, store = [], {}
    for v in variables:
        point = effects_of(res.params, v, kind, st.omega)
        d = effects_of(sims, v, kind, st.omega)
        store[v] = d
        for k in ("direct", "indirect", "total"):
            rows.append({"variable": v, "effect": k, **summarise(point[k], d[k], alpha)})
    return pd.DataFrame(rows).set_index(["variable", "effect"]), store, sims


@dataclass
class Baseline:
    """Result of :func:`baseline`.

    Attributes
    ----------
    fit : SpatialPanelResults
    coefficients : DataFrame
        β, θ (``W*x``), ρ with SE, z, p.
    effects : DataFrame
        Index (variable, effect) with estimate (at the ML point), se, lower, upper (percentile
        (1 − alpha) interval of the draws), z, p.
    effect_draws : dict
        ``{variable: {"direct", "indirect", "total": array of draws}}``.
    setting : Setting
        Data, sorted ids and the row-standardised W used.
    ai, y, controls, model, alpha
    """

    fit: object
    coefficients: pd.DataFrame
    effects: pd.DataFrame
    effect_draws: dict
    param_draws: pd.DataFrame
    setting: Setting
    ai: str
    y: str
    controls: list
    model: str
    alpha: float
    extra: dict = field(default_factory=dict)

    def ai_total(self) -> dict:
        """AI's total effect on the outcome: estimate, se, lower, upper, z, p."""
        return self.effects.loc[(self.ai, "total")].to_dict()


def baseline(
    data,
    *,
    y,
    ai,
    controls,
    unit,
    time,
    w,
    model="sdm",
    effects="twoways",
    lee_yu=True,
    draws=1000,
    seed=1,
    alpha=0.05,
    drop=(),
    cov=None,
) -> Baseline:
    """Two-way fixed-effects SDM of the outcome on AI and the controls, with spatial effects.

    Parameters
    ----------
    data : pandas.DataFrame
        Long panel.
    y, ai : str
        Outcome (larger = less coordinated) and AI column.
    controls : list of str
    unit, time : str
        Unit (province code) and year columns.
    w : DataFrame, libpysal W or ndarray
        Weights (raw or row-standardised; standardised here after dropping ``drop``).
    model : {"sdm", "sar", "sem", "slx"}
    effects : {"twoways", "individual", "time", "none"}
    lee_yu : bool
        Lee–Yu (2010) bias correction (default ``True``). Without it the ML σ² of the two-way
        fixed-effects model is biased down by the incidental parameters and the SEs are too small:
        on 300 demo panels (T = 13) a nominal 5% test of AI's total effect on a channel with no
        path from AI rejected in 9.0% of panels, 4.3% with the correction.
    draws, seed : int
        Simulation draws for the effects' SE and intervals, and their seed.
    alpha : float
        The intervals are (1 − alpha) percentile intervals.
    drop : iterable of str
        Units left out (weights restricted to the rest and re-standardised).
    cov : dict, optional
        ``{"cov_type", "cluster", "dk_lag"}`` of :meth:`aicoord.panel.SpatialPanel.fit` (default ``oim``);
        the effects' draws use the covariance chosen, recorded in ``fit.cov_info``.

    Returns
    -------
    Baseline
    """
    st = setting(data, unit, time, w, drop=drop)
    x = [ai, *controls]
    res = fit_panel(st.data, y, x, unit, time, st.weights, model=model, effects=effects, lee_yu=lee_yu, cov=cov)
    eff, store, sims = effects_table(res, x, st, draws, seed, alpha)  # SEM: direct = β, no spillover
    return Baseline(res, coefficient_table(res), eff, store, sims, st, ai, y, list(controls), model, alpha)


def convergence_with_ai(
    data,
    *,
    gdp_pc,
    ai,
    controls,
    unit,
    time,
    w,
    model="sdm",
    effects="twoways",
    quantiles=(0.25, 0.75),
    lee_yu=True,
    alpha=0.05,
) -> pd.DataFrame:
    """Conditional spatial β-convergence with an AI interaction: does AI speed catching up?

    Model (annual growth of year *t* → *t+1* on the year-*t* values; the last year has no growth)::

        g_it = ln y_{i,t+1} − ln y_it
             = β ln y_it + γ a_it + δ (a_it − ā)(ln y_it − mean ln y) + controls + W-lags (SDM)
               + ρ W g_t + μ_i + λ_t + ε_it

    The convergence coefficient at AI level *a* is β(a) = β + δ (a − ā) (the coefficient of own
    initial income, as the spatial convergence literature reports it), with delta-method SE; the
    implied annual speed is −ln(1 + β(a)) and the half-life ln 2 / speed. δ < 0 means faster
    convergence where AI is higher.

    Parameters not listed below are as in :func:`baseline`.

    Parameters
    ----------
    gdp_pc, ai : str
        GDP per capita (levels) and AI columns.
    model : {"sdm", "sar"}
    quantiles : (float, float)
        Quantiles of AI (over all unit-years used) defining "low" and "high" AI.

    Returns
    -------
    pandas.DataFrame
        Rows ``beta_ln_initial``, ``ai``, ``ai_x_ln_initial``, ``rho`` (coefficients) and, for
        ``low_ai`` / ``mean_ai`` / ``high_ai``: ``ai_level``, ``beta``, ``se``, ``p``, ``lower``,
        ``upper`` (normal (1 − alpha) CI), ``speed``, ``half_life``.
    """
    if model not in ("sdm", "sar"):
        raise ValueError("convergence_with_ai supports model='sdm' or 'sar'")
    d = data.copy()
    d[unit] = d[unit].astype(str)
    d = d.sort_values([unit, time])
    lny = np.log(d[gdp_pc].astype(float))
    d["growth"] = lny.groupby(d[unit]).shift(-1) - lny
    d["ln_initial"] = lny
    d = d.dropna(subset=["growth"]).reset_index(drop=True)
    a_bar, l_bar = d[ai].mean(), d["ln_initial"].mean()
    d["ai_x_ln_initial"] = (d[ai] - a_bar) * (d["ln_initial"] - l_bar)
    st = setting(d, unit, time, w)
    x = ["ln_initial", ai, "ai_x_ln_initial", *controls]
    res = fit_panel(st.data, "growth", x, unit, time, st.weights, model=model, effects=effects, lee_yu=lee_yu)
    p, v = res.params, res.cov
    q = float(special.ndtri(1 - alpha / 2))
    rows = []
    for name, lab in (
        ("ln_initial", "beta_ln_initial"),
        (ai, "ai"),
        ("ai_x_ln_initial", "ai_x_ln_initial"),
        ("rho", "rho"),
    ):
        est, se = float(p[name]), float(res.std_errors[name])
        rows.append(
            {
                "row": lab,
                "ai_level": np.nan,
                "beta": est,
                "se": se,
                "p": float(res.pvalues[name]),
                "lower": est - q * se,
                "upper": est + q * se,
            }
        )
    levels = {
        "low_ai": float(d[ai].quantile(quantiles[0])),
        "mean_ai": float(a_bar),
        "high_ai": float(d[ai].quantile(quantiles[1])),
    }
    for lab, a in levels.items():
        c = a - a_bar
        b = float(p["ln_initial"] + c * p["ai_x_ln_initial"])
        var = float(
            v.loc["ln_initial", "ln_initial"]
            + c * c * v.loc["ai_x_ln_initial", "ai_x_ln_initial"]
            + 2 * c * v.loc["ln_initial", "ai_x_ln_initial"]
        )
        se = np.sqrt(var)
        speed = -np.log1p(b) if b > -1 else np.nan
        rows.append(
            {
                "row": lab,
                "ai_level": a,
                "beta": b,
                "se": se,
                "p": float(2 * special.ndtr(-abs(b / se))),
                "lower": b - q * se,
                "upper": b + q * se,
                "speed": speed,
                "half_life": np.log(2) / speed if speed and speed > 0 else np.nan,
            }
        )
    out = pd.DataFrame(rows).set_index("row")
    out.attrs.update({"model": model, "effects": effects, "nobs": res.nobs, "quantiles": tuple(quantiles), "fit": res})
    return out


def _region_effects(par, names, th_names, kind, spec, members):
    """Region-specific effects for one parameter vector (see :func:`heterogeneity`): the mean
    diagonal of S_r over region *r*'s units and the mean of their column sums, from the
    eigen-decomposition of W (``spec``, its :class:`aicoord.study._common.Spectrum`).

    ``par`` is one parameter vector (a Series: floats returned) or a DataFrame of draws, one per row
    (arrays returned: all draws at once, O(N) each, :meth:`Spectrum.region_means`)."""
    many = isinstance(par, pd.DataFrame)
    n = len(par) if many else 1

    def col(name):
        if name not in par:
            return np.zeros(n)
        return par[name].to_numpy(dtype=float) if many else np.array([float(par[name])])

    rho = col("rho") if kind in ("sar", "sdm") else np.zeros(n)
    out = {}
    for r, v, tv in zip(members, names, th_names):
        direct, total = spec.region_means(rho, col(v), col(tv), members[r])
        out[r] = (
            (direct, total - direct, total)
            if many
            else (float(direct[0]), float(total[0] - direct[0]), float(total[0]))
        )
    return out


def split_year(years, split=None) -> int:
    """The year that starts the late sub-period of :func:`heterogeneity` (``analysis.split_year``): ``split``
    when given, else the middle one of the sorted distinct ``years`` (the ⌊T/2⌋-th, from 0)."""
    if split is not None:
        return int(split)
    years = sorted(set(years))
    return int(years[len(years) // 2])


def heterogeneity(
    data,
    *,
    y,
    ai,
    controls,
    unit,
    time,
    w,
    by="region",
    regions=None,
    split_year=None,
    model="sdm",
    effects="twoways",
    lee_yu=True,
    draws=1000,
    seed=1,
    alpha=0.05,
) -> pd.DataFrame:
    """AI's effects by region (full-sample interactions) or by sub-period (post dummy).

    ``by="region"``: AI is replaced by the interactions ``AI × D_r`` for the four regions (East,
    Central, West, Northeast; the full set, so no main AI term), each with its W-lag
    ``W(AI × D_r)`` in the SDM, in the full sample (sub-samples of 3–12 provinces cannot carry a
    spatial model). With :math:`S_r = (I-\\rho W)^{-1}(\\beta_r I + \\theta_r W)` and the set
    :math:`R` of region *r*'s provinces (:math:`n_r` of them):

    * direct_r = :math:`\\frac{1}{n_r}\\sum_{i\\in R}(S_r)_{ii}`, the own effect of a unit rise of AI
      in a province of *r*;
    * total_r = :math:`\\frac{1}{n_r}\\sum_{j\\in R}\\sum_{i}(S_r)_{ij}`, the effect on all provinces'
      outcomes of a unit rise of AI in one province of *r*, averaged over *r*'s provinces
      (column sums: effects *emanating from* the region);
    * indirect_r = total_r − direct_r (on every other province, inside and outside *r*).

    ``by="period"``: regressors AI and ``AI × post`` (post = year ≥ ``split_year``) with W-lags;
    ``pre`` effects use (β_ai, θ_ai), ``post`` (β_ai + β_int, θ_ai + θ_int), ``difference`` =
    post − pre, each by the usual LeSage–Pace formulas.

    Parameters not listed below are as in :func:`baseline`.

    Parameters
    ----------
    regions : pandas.Series, optional
        Region label by unit id; default ``region4`` of :func:`aicoord.provinces.province_table`.
    split_year : int
        First year of the later sub-period (``by="period"``).

    Returns
    -------
    pandas.DataFrame
        Columns ``group`` (region or pre/post/difference), ``effect``, ``estimate``, ``se``,
        ``lower``, ``upper``, ``z``, ``p``, ``n_units`` (regions).
    """
    st = setting(data, unit, time, w)
    d = st.data.copy()
    rng = np.random.default_rng(seed)
    if by == "region":
        if regions is None:
            from ..provinces import province_table

            pt = province_table()
            regions = pd.Series(pt["region4"].to_numpy(), index=pt["code"].astype(str))
        regions = pd.Series(regions)
        regions.index = regions.index.map(str)
        labels = list(dict.fromkeys(regions.loc[st.ids]))
        names, members = [], {}
        for r in labels:
            v = f"{ai}_x_{r}"
            d[v] = d[ai] * (d[unit].map(regions) == r)
            names.append(v)
            members[r] = [i for i, c in enumerate(st.ids) if regions[c] == r]
        res = fit_panel(d, y, [*names, *controls], unit, time, st.weights, model=model, effects=effects, lee_yu=lee_yu)
        th = [f"W*{v}" for v in names]
        spec = spectrum(st.W)
        point = _region_effects(res.params, names, th, model, spec, members)
        sims = param_draws(res, draws, rng, st.W)
        logging.getLogger(__name__).info("heterogeneity: %d draws x %d regions at once", len(sims), len(labels))
        sim = _region_effects(sims, names, th, model, spec, members)  # every draw at once
        rows = []
        for r in labels:
            for k, lab in enumerate(("direct", "indirect", "total")):
                arr = sim[r][k]
                rows.append(
                    {"group": r, "effect": lab, **summarise(point[r][k], arr, alpha), "n_units": len(members[r])}
                )
        out = pd.DataFrame(rows)
    elif by == "period":
        if split_year is None:
            raise ValueError("by='period' needs split_year")
        span = sorted(pd.unique(d[time]))
        if not span[0] < split_year <= span[-1]:
            raise InputError(
                f"split_year {split_year} is outside the panel's years ({span[0]}–{span[-1]}): one "
                "sub-period would be empty",
                hint=f"give a year after {span[0]} and at most {span[-1]}",
            )
        post = f"{ai}_x_post"
        d[post] = d[ai] * (d[time] >= split_year)
        res = fit_panel(
            d, y, [ai, post, *controls], unit, time, st.weights, model=model, effects=effects, lee_yu=lee_yu
        )
        sims = param_draws(res, draws, rng, st.W)

        def shifted(par):
            q = pd.DataFrame({ai: np.atleast_1d(par[ai]) + np.atleast_1d(par[post])})
            if f"W*{ai}" in par:
                q[f"W*{ai}"] = np.atleast_1d(par[f"W*{ai}"]) + np.atleast_1d(par[f"W*{post}"])
            if "rho" in par:
                q["rho"] = np.atleast_1d(par["rho"])
            return q

        pre_p, pre_s = effects_of(res.params, ai, model, st.omega), effects_of(sims, ai, model, st.omega)
        post_p = {k: float(v[0]) for k, v in effects_of(shifted(res.params), ai, model, st.omega).items()}
        post_s = effects_of(shifted(sims), ai, model, st.omega)
        rows = []
        for g, pp, ss in (
            ("pre", pre_p, pre_s),
            ("post", post_p, post_s),
            ("difference", {k: post_p[k] - pre_p[k] for k in pre_p}, {k: post_s[k] - pre_s[k] for k in pre_s}),
        ):
            for k in ("direct", "indirect", "total"):
                rows.append({"group": g, "effect": k, **summarise(pp[k], ss[k], alpha), "n_units": len(st.ids)})
        out = pd.DataFrame(rows)
        out.attrs["split_year"] = int(split_year)
    else:
        raise ValueError("by must be 'region' or 'period'")
    out.attrs.update({"by": by, "model": model, "draws": int(draws), "seed": seed, "alpha": alpha, "fit": res})
    return out


#: Models a baseline column may be: the non-spatial two-way FE regression (``ols``) and the spatial models.
COLUMN_MODELS = ("ols", "slx", "sar", "sem", "sdm")


def parse_column(spec: str, default_weights: str) -> tuple[str, str]:
    """``"sar"`` → ``("sar", default_weights)``, ``"sdm:invdist"`` → ``("sdm", "invdist")``: a column of the
    baseline table (``paper.baseline_columns``) is a model, optionally under a named weights matrix."""
    model, _, w = str(spec).partition(":")
    model = model.strip().lower()
    if model not in COLUMN_MODELS:
        raise InputError(
            f"baseline column {spec!r}: unknown model {model!r}",
            hint=f"use one of {', '.join(COLUMN_MODELS)}, optionally as model:weights",
        )
    return model, (w.strip() or default_weights)


def baseline_columns(
    data,
    *,
    y,
    ai,
    controls,
    unit,
    time,
    weights,
    columns=("ols", "sar", "sem", "sdm"),
    default_weights=None,
    effects="twoways",
    lee_yu=True,
    cov=None,
) -> pd.DataFrame:
    """The models of the baseline table side by side: the same outcome and regressors under each model (or
    under each weights matrix), one fit per column, coefficients only (no effect draws, so each column
    costs one ML fit).

    Parameters
    ----------
    data : pandas.DataFrame
        Long panel.
    y, ai, controls, unit, time
        As in :func:`baseline`.
    weights : mapping str → DataFrame, libpysal W or ndarray
        Raw weights by name (row-standardised here); every matrix a column names must be present.
    columns : sequence of str
        ``"ols"`` (two-way fixed-effects regression without spatial terms, by ML: its coefficients equal
        the within estimator's), ``"slx"``, ``"sar"``, ``"sem"`` or ``"sdm"``, each optionally
        ``"model:weights"`` (e.g. ``["sdm:queen", "sdm:invdist"]`` for the matrices side by side).
    default_weights : str, optional
        The matrix of a column that names none (default: the first of ``weights``).
    effects, lee_yu, cov
        As in :func:`baseline`; every column uses the same.

    Returns
    -------
    pandas.DataFrame
        One row per column and parameter: ``column`` (the spec as given), ``model``, ``weights``,
        ``parameter``, ``estimate``, ``se``, ``z``, ``p``, and the column's ``effects``, ``lee_yu``, ``N``,
        ``T``, ``nobs``, ``sigma2``, ``r2_within``, ``loglik`` and ``cov_type``.
    """
    default_weights = default_weights or next(iter(weights))
    parsed = [parse_column(c, default_weights) for c in columns]
    if len(set(parsed)) != len(parsed):
        raise InputError(
            f"baseline columns {list(columns)} repeat a model under the same matrix",
            hint="list each model (or model:weights) once",
        )
    missing = sorted({w for _, w in parsed} - set(weights))
    if missing:
        raise InputError(
            f"baseline columns name matrices {missing} that are not configured", hint=f"use one of {', '.join(weights)}"
        )
    x = [ai, *controls]
    frames, cache = [], {}
    for spec, (model, wname) in zip(columns, parsed):
        if wname not in cache:
            cache[wname] = setting(data, unit, time, weights[wname])
        st = cache[wname]
        kind, wx = ("slx", []) if model == "ols" else (model, None)
        res = fit_panel(st.data, y, x, unit, time, st.Wdf, model=kind, effects=effects, wx=wx, lee_yu=lee_yu, cov=cov)
        t = coefficient_table(res).reset_index()
        t.insert(0, "column", str(spec))
        t.insert(1, "model", model)
        t.insert(2, "weights", wname)
        t = t.assign(
            effects=effects,
            lee_yu=bool(lee_yu),
            N=int(res.N),
            T=int(res.T),
            nobs=int(res.nobs),
            sigma2=float(res.sigma2),
            r2_within=float(res.r2_within),
            loglik=float(res.loglik),
            cov_type=res.cov_info.get("cov_type", "oim"),
        )
        frames.append(t)
    return pd.concat(frames, ignore_index=True)


def fit_summary(res, **extra) -> dict:
    """The summary of a fit that the study's JSON files hold: model, effects, Lee-Yu correction, N, T, the
    number of observations, log-likelihood, sigma², R², within R² and the covariance options, with ``extra``."""
    return {
        "model": res.model.model,
        "effects": res.model.effects,
        "lee_yu": bool(res.model.lee_yu),
        "N": int(res.N),
        "T": int(res.T),
        "nobs": int(res.nobs),
        "loglik": float(res.loglik),
        "sigma2": float(res.sigma2),
        "r2": float(res.r2),
        "r2_within": float(res.r2_within),
        "cov": dict(res.cov_info),
        **extra,
    }


def study_cov(cov, unit) -> dict:
    """The ``cov`` settings of a study fit as keyword arguments of :meth:`aicoord.panel.SpatialPanel.fit`: unset
    ones dropped, and clustering by ``unit`` (the default) not named."""
    cov = {k: v for k, v in (cov or {}).items() if v is not None}
    if cov.get("cluster") == unit:
        cov.pop("cluster")
    return cov
