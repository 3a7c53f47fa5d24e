"""Staggered (spatial) difference-in-differences around China's national AI innovation pilot zones.

The Ministry of Science and Technology's national new-generation AI innovation pilot zones
(国家新一代人工智能创新发展试验区) were approved in seven waves, 2019-2021 (``data/reference/ai_pilot_zones.csv``,
sources beside it). A unit's *cohort* ``g`` is the first year it counts as treated: the approval year when the
approval came by the end of month ``cutoff_month`` (config ``did.cutoff_month``, default 6), else the next year.
``g = 0`` marks the never treated. The zones, the cohorts and the exposures are built in :mod:`aicoord.pilots`
(every name of it importable from here too).

Estimators (each returns tidy frames; the names are those of ``event_study.csv``):

``twfe``
    Two-way fixed-effects OLS of ``y`` on the treatment dummy ``D`` (static) or on event-time dummies (event study,
    reference period -1), unit-clustered standard errors (own code: exact two-way within transformation, so it
    runs at county level too). Biased when effects vary over cohorts and time (Goodman-Bacon 2021).
``callaway_santanna``
    Callaway and Sant'Anna (2021) ATT(g, t) with never-treated or not-yet-treated controls, doubly robust with
    covariates (library ``diff-diff``), aggregated to event time.
``sun_abraham``
    Sun and Abraham (2021) interaction-weighted estimator (``diff-diff``).
``imputation``
    Borusyak, Jaravel and Spiess (2024): unit and year effects (and covariates, among them the exposure W*D)
    fitted on the untreated observations only, treated outcomes compared with their imputations (``diff-diff``
    for the estimates with the BJS standard errors; :func:`imputation_att` is a fast own version for the
    placebo, checked against it in the tests).
Goodman-Bacon decomposition of the static TWFE estimate (``diff-diff``): weights sum to one and the weighted 2x2
estimates reproduce it.

Spatial spillovers: the exposure ``W*D`` (share of a unit's neighbours under treatment, row-standardised ``W``)
enters TWFE, Sun-Abraham and the imputation estimator as a regressor (not Callaway-Sant'Anna, whose covariates
are pre-treatment values: a post-treatment exposure there would be a bad control); distance bands of exposure
(share of the units within 0-100, 100-200, 200-300 km that are treated) locate the spatial boundary of the
spillover; an SDM-DID (two-way fixed-effects spatial Durbin model with ``D`` and ``W*D``, ML by
:class:`aicoord.panel.SpatialPanel`) gives the direct, indirect and total effects of ``D``.

References
----------
Borusyak, K., Jaravel, X. and Spiess, J. (2024). Revisiting event-study designs. *Review of Economic Studies*.
Callaway, B. and Sant'Anna, P. H. C. (2021). Difference-in-differences with multiple time periods. *J. Econometrics*.
Goodman-Bacon, A. (2021). Difference-in-differences with variation in treatment timing. *J. Econometrics*.
Sun, L. and Abraham, S. (2021). Estimating dynamic treatment effects in event studies with heterogeneous
treatment effects. *J. Econometrics*.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

from .errors import EstimationError, InputError
from .pilots import DEFAULT_BANDS, band_exposures, exposure, pilot_cohorts, pilot_zones, treatment_year

__all__ = [
    "pilot_zones",
    "treatment_year",
    "pilot_cohorts",
    "exposure",
    "band_exposures",
    "twfe",
    "twfe_event_study",
    "imputation_att",
    "callaway_santanna",
    "sun_abraham",
    "imputation",
    "bacon",
    "honest_did",
    "placebo",
    "wild_cluster_bootstrap",
    "sdm_did",
    "ESTIMATORS",
    "DEFAULT_BANDS",
]

ESTIMATORS = ("twfe", "callaway_santanna", "sun_abraham", "imputation")


# --------------------------------------------------------------------------------------------- helpers
def _codes(s: pd.Series) -> np.ndarray:
    return pd.factorize(s, sort=True)[0]


def _demean(a: np.ndarray, uid: np.ndarray, tid: np.ndarray, tol: float = 1e-11, maxit: int = 10_000) -> np.ndarray:
    """Residual of the columns of ``a`` on unit and period dummies (alternating projections; exact in one
    sweep on a balanced panel, iterated to ``tol`` on an unbalanced one)."""
    a = np.array(a, dtype=float, copy=True)
    if a.ndim == 1:
        a = a[:, None]
    nu, nt = uid.max() + 1, tid.max() + 1
    cu, ct = np.bincount(uid, minlength=nu), np.bincount(tid, minlength=nt)
    for _ in range(maxit):
        old = a.copy()
        for ids, cnt, n in ((uid, cu, nu), (tid, ct, nt)):
            means = np.stack([np.bincount(ids, weights=a[:, j], minlength=n) for j in range(a.shape[1])], 1)
            a -= (means / np.maximum(cnt, 1)[:, None])[ids]
        if np.max(np.abs(a - old)) <= tol * (1 + np.max(np.abs(a))):
            return a
    raise EstimationError("the two-way demeaning did not converge", hint="check the panel for disconnected units")


def _cluster_ols(X: np.ndarray, y: np.ndarray, cl: np.ndarray, k_absorbed: int = 0):
    """OLS with CR1 cluster-robust covariance (Stata's small-sample factor G/(G-1) (n-1)/(n-k))."""
    n, k = X.shape
    xtx_inv = np.linalg.pinv(X.T @ X)
    b = xtx_inv @ X.T @ y
    e = y - X @ b
    G = cl.max() + 1
    s = np.zeros((G, k))
    np.add.at(s, cl, X * e[:, None])
    meat = s.T @ s
    c = G / (G - 1) * (n - 1) / max(n - k - k_absorbed, 1)
    return b, c * xtx_inv @ meat @ xtx_inv, e


def _row(est, se, alpha=0.05, dfree=None):
    q = stats.norm.ppf(1 - alpha / 2) if dfree is None else stats.t.ppf(1 - alpha / 2, dfree)
    ok = np.isfinite(se) and se > 0
    return {
        "estimate": float(est),
        "se": float(se) if ok else np.nan,
        "ci_low": float(est - q * se) if ok else np.nan,
        "ci_high": float(est + q * se) if ok else np.nan,
    }


def _prepare(df, unit, time, y, g, x=()):
    cols = [unit, time, y, g, *x]
    d = df[cols].copy().sort_values([unit, time]).reset_index(drop=True)
    d[g] = d[g].fillna(0).astype(int)
    if d.groupby(unit)[g].nunique().max() > 1:
        raise InputError(
            f"the treatment year '{g}' varies within a unit",
            column=g,
            hint="give each unit one first treated year (empty = never treated)",
        )
    return d


# ------------------------------------------------------------------------------------------------- TWFE
def twfe(df, unit, time, y, g, x=(), *, alpha=0.05) -> pd.DataFrame:
    """Static two-way fixed-effects DID: ``y ~ D + x | unit + time``, unit-clustered SEs.

    Returns a frame indexed by term (``D`` and each ``x``) with estimate, se, ci_low, ci_high.
    """
    d = _prepare(df, unit, time, y, g, x)
    D = ((d[g] > 0) & (d[time] >= d[g])).astype(float).to_numpy()
    uid, tid = _codes(d[unit]), _codes(d[time])
    Z = _demean(np.column_stack([d[y].to_numpy(float), D, *(d[c].to_numpy(float) for c in x)]), uid, tid)
    b, V, _ = _cluster_ols(Z[:, 1:], Z[:, 0], uid)
    G = uid.max() + 1
    rows = [dict(term=t, **_row(b[i], np.sqrt(V[i, i]), alpha, G - 1)) for i, t in enumerate(["D", *x])]
    return pd.DataFrame(rows).set_index("term")


def twfe_event_study(df, unit, time, y, g, x=(), *, alpha=0.05, window=None):
    """Dynamic TWFE: event-time dummies (reference -1; endpoints binned at ``window=(lo, hi)`` when given).

    Returns
    -------
    table : pandas.DataFrame
        event_time, estimate, se, ci_low, ci_high (the reference row has estimate 0 and no SE).
    pretrend : dict
        Joint Wald test that every lead (event time <= -2) is zero: stat, df, p (F form with G-1 denominator df).
    """
    d = _prepare(df, unit, time, y, g, x)
    e = np.where(d[g] > 0, d[time] - d[g], np.nan)
    if window is not None:
        e = np.where(np.isnan(e), np.nan, np.clip(e, window[0], window[1]))  # a bound may be None
    levels = sorted(int(v) for v in np.unique(e[~np.isnan(e)]) if v != -1)
    dummies = np.column_stack([(e == k).astype(float) for k in levels])
    uid, tid = _codes(d[unit]), _codes(d[time])
    Z = _demean(np.column_stack([d[y].to_numpy(float), dummies, *(d[c].to_numpy(float) for c in x)]), uid, tid)
    b, V, _ = _cluster_ols(Z[:, 1:], Z[:, 0], uid)
    G = uid.max() + 1
    rows = [dict(event_time=k, **_row(b[i], np.sqrt(V[i, i]), alpha, G - 1)) for i, k in enumerate(levels)]
    rows.append(dict(event_time=-1, estimate=0.0, se=np.nan, ci_low=np.nan, ci_high=np.nan))
    table = pd.DataFrame(rows).sort_values("event_time").reset_index(drop=True)
    lead = [i for i, k in enumerate(levels) if k <= -2]
    return table, _wald(b[lead], V[np.ix_(lead, lead)], G)


def _wald(b, V, G=None) -> dict:
    """Joint Wald test of ``b = 0`` (chi-square, and its F form with ``G - 1`` denominator df)."""
    if len(b) == 0:
        return {"stat": np.nan, "df": 0, "p": np.nan}
    stat = float(b @ np.linalg.pinv(V) @ b)
    q = len(b)
    p = float(stats.chi2.sf(stat, q)) if G is None else float(stats.f.sf(stat / q, q, G - 1))
    return {"stat": stat, "df": q, "p": p}


def wild_cluster_bootstrap(df, unit, time, y, g, x=(), *, reps=999, seed=1, alpha=0.05, term="D") -> dict:
    """Wild cluster bootstrap (Rademacher, null imposed: WCR) p-value and percentile-t interval for a static
    TWFE coefficient (Cameron, Gelbach and Miller 2008; Roodman et al. 2019)."""
    d = _prepare(df, unit, time, y, g, x)
    D = ((d[g] > 0) & (d[time] >= d[g])).astype(float).to_numpy()
    uid, tid = _codes(d[unit]), _codes(d[time])
    Z = _demean(np.column_stack([d[y].to_numpy(float), D, *(d[c].to_numpy(float) for c in x)]), uid, tid)
    X, yy = Z[:, 1:], Z[:, 0]
    j = ["D", *x].index(term)
    b, V, e = _cluster_ols(X, yy, uid)
    t0 = b[j] / np.sqrt(V[j, j])
    Xr = np.delete(X, j, axis=1)  # restricted model: coefficient j = 0
    br = np.linalg.lstsq(Xr, yy, rcond=None)[0] if Xr.shape[1] else np.zeros(0)
    fit_r = Xr @ br if Xr.shape[1] else np.zeros_like(yy)
    er = yy - fit_r
    rng = np.random.default_rng(seed)
    G = uid.max() + 1
    tstar = np.empty(reps)
    for r in range(reps):
        v = rng.choice([-1.0, 1.0], size=G)[uid]
        bs, Vs, _ = _cluster_ols(X, fit_r + er * v, uid)
        tstar[r] = bs[j] / np.sqrt(Vs[j, j])
    p = float(np.mean(np.abs(tstar) >= abs(t0)))
    q = np.quantile(np.abs(tstar), 1 - alpha)
    se = np.sqrt(V[j, j])
    return {
        "term": term,
        "estimate": float(b[j]),
        "t": float(t0),
        "p": p,
        "ci_low": float(b[j] - q * se),
        "ci_high": float(b[j] + q * se),
        "reps": reps,
        "seed": seed,
        "weights": "rademacher (WCR)",
    }


# ------------------------------------------------------------------------------------------- imputation
def imputation_att(df, unit, time, y, g, x=(), *, by_event=False):
    """Borusyak-Jaravel-Spiess imputation point estimates (own, fast; no SEs).

    Unit and period effects and the coefficients of ``x`` are fitted by OLS on the untreated observations
    (never treated and not yet treated); each treated outcome minus its imputed untreated outcome is the
    unit-period effect; their mean is the ATT (by event time with ``by_event``).
    """
    d = _prepare(df, unit, time, y, g, x)
    treated = ((d[g] > 0) & (d[time] >= d[g])).to_numpy()
    uid, tid = _codes(d[unit]), _codes(d[time])
    yy = d[y].to_numpy(float)
    X = np.column_stack([d[c].to_numpy(float) for c in x]) if x else np.zeros((len(d), 0))
    ev = (d[time] - d[g]).to_numpy() if by_event else None
    return _imputation_arrays(treated, uid, tid, yy, X, bool(x), ev)


def _imputation_arrays(treated, uid, tid, yy, X, covariates, ev=None):
    """:func:`imputation_att` on the arrays of a prepared panel (the placebo's repetitions share them): the
    treated mask, unit and period codes, outcome, covariates (``covariates``: whether X has columns to fit) and,
    for effects by event time, the event time of every row (else None)."""
    u0 = ~treated
    uu, tu = uid[u0], tid[u0]
    if len(np.setdiff1d(uid[treated], uu)) or len(np.setdiff1d(tid[treated], tu)):
        raise EstimationError(
            "a treated unit or period has no untreated observation to impute from",
            hint="drop units treated in every period and periods in which every unit is treated",
        )
    Z = _demean(np.column_stack([yy[u0], X[u0]]), _codes(pd.Series(uu)), _codes(pd.Series(tu)))
    beta = np.linalg.lstsq(Z[:, 1:], Z[:, 0], rcond=None)[0] if covariates else np.zeros(0)
    r = yy - X @ beta
    a, lam = np.zeros(uid.max() + 1), np.zeros(tid.max() + 1)
    ru = r[u0]
    for _ in range(10_000):  # fixed effects of the untreated fit by alternating means
        a_new = np.bincount(uu, ru - lam[tu], minlength=len(a)) / np.maximum(np.bincount(uu, minlength=len(a)), 1)
        lam_new = np.bincount(tu, ru - a_new[uu], minlength=len(lam)) / np.maximum(
            np.bincount(tu, minlength=len(lam)), 1
        )
        done = max(np.max(np.abs(a_new - a)), np.max(np.abs(lam_new - lam))) < 1e-12 * (1 + np.max(np.abs(ru)))
        a, lam = a_new, lam_new
        if done:
            break
    tau = r[treated] - a[uid[treated]] - lam[tid[treated]]
    if ev is None:
        return float(tau.mean())
    return pd.Series(tau).groupby(ev[treated]).mean()


# ------------------------------------------------------------------------------------ diff-diff wrappers
def _quiet(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn()


def _es_frame(es) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "event_time": np.asarray(es.event_time, dtype=int),
            "estimate": es.att,
            "se": es.se,
            "ci_low": es.conf_int_lower,
            "ci_high": es.conf_int_upper,
        }
    )
    return out


def _overall(res) -> dict:
    lo, hi = res.overall_conf_int
    return {"estimate": float(res.overall_att), "se": float(res.overall_se), "ci_low": float(lo), "ci_high": float(hi)}


def callaway_santanna(df, unit, time, y, g, x=(), *, control="never_treated", alpha=0.05):
    """Callaway-Sant'Anna (2021) via ``diff_diff.CallawaySantAnna`` (doubly robust; covariates at their
    base-period values; SEs clustered by unit). Returns ``(event_table, overall, result)``; ``result`` holds
    ATT(g, t) in ``group_time_effects``."""
    import diff_diff as dd

    d = _prepare(df, unit, time, y, g, x)
    est = dd.CallawaySantAnna(control_group=control, estimation_method="dr", cluster=unit, alpha=alpha)
    res = _quiet(lambda: est.fit(d, y, unit, time, g, covariates=list(x) or None))
    es = _quiet(lambda: res.aggregate("event_study"))
    return _es_frame(es), _overall(res), res


def sun_abraham(df, unit, time, y, g, x=(), *, alpha=0.05):
    """Sun-Abraham (2021) interaction-weighted event study via ``diff_diff.SunAbraham`` (unit-clustered).
    Returns ``(event_table, overall, result)``."""
    import diff_diff as dd

    d = _prepare(df, unit, time, y, g, x)
    res = _quiet(lambda: dd.SunAbraham(cluster=unit, alpha=alpha).fit(d, y, unit, time, g, covariates=list(x) or None))
    t = res.to_dataframe().rename(
        columns={
            "relative_period": "event_time",
            "effect": "estimate",
            "conf_int_lower": "ci_low",
            "conf_int_upper": "ci_high",
        }
    )
    t["event_time"] = t["event_time"].astype(int)
    t = t[["event_time", "estimate", "se", "ci_low", "ci_high"]]
    if -1 not in set(t["event_time"]):
        t = pd.concat([t, pd.DataFrame([dict(event_time=-1, estimate=0.0, se=np.nan, ci_low=np.nan, ci_high=np.nan)])])
    return t.sort_values("event_time").reset_index(drop=True), _overall(res), res


def imputation(df, unit, time, y, g, x=(), *, alpha=0.05, n_leads=3):
    """Borusyak-Jaravel-Spiess (2024) via ``diff_diff.ImputationDiD`` (unit-clustered, conservative BJS SEs).

    Returns ``(event_table, overall, pretrend, result)``: post-period effects from the imputation; the pre-period
    rows and the joint pre-trend test come from BJS's separate test (``n_leads`` leads added to the untreated-only
    fit; with every lead and cohorts of a few units the cluster-robust Wald test over-rejects, see docs/validation/accuracy.md).
    """
    import diff_diff as dd

    d = _prepare(df, unit, time, y, g, x)
    res = _quiet(
        lambda: dd.ImputationDiD(cluster=unit, alpha=alpha).fit(d, y, unit, time, g, covariates=list(x) or None)
    )
    es = _es_frame(_quiet(lambda: res.aggregate("event_study")))
    pre = _quiet(lambda: res.pretrend_test(n_leads=n_leads))
    pretrend = (
        {
            "stat": float(pre.get("f_stat", np.nan)),
            "df": int(pre.get("df", 0) or 0),
            "p": float(pre.get("p_value", np.nan)),
        }
        if isinstance(pre, dict)
        else {"result": str(pre)}
    )
    return es, _overall(res), pretrend, res


def bacon(df, unit, time, y, g) -> dict:
    """Goodman-Bacon (2021) decomposition of the static TWFE estimate (``diff_diff.BaconDecomposition``).

    Returns the 2x2 comparisons (type, treated and control cohort, estimate, weight), the weight and average
    estimate by comparison type, and the TWFE estimate the weighted sum reproduces."""
    import diff_diff as dd

    d = _prepare(df, unit, time, y, g)
    res = _quiet(lambda: dd.BaconDecomposition().fit(d, y, unit, time, g))
    comp = res.to_dataframe()
    return {
        "twfe": float(res.twfe_estimate),
        "comparisons": comp,
        "weight_by_type": {k: float(v) for k, v in res.weight_by_type().items()},
        "effect_by_type": {k: (float(v) if v is not None else None) for k, v in res.effect_by_type().items()},
        "decomposition_error": float(res.decomposition_error),
    }


def honest_did(cs_result, M=1.0, method="relative_magnitude") -> dict:
    """Rambachan-Roth (2023) honest-DID bounds and robust interval for the equal-weight average of the post-period
    event-time effects of a Callaway-Sant'Anna fit (``diff_diff.HonestDiD``): with ``relative_magnitude`` the
    post-period violations of parallel trends may be up to ``M`` times the largest pre-period one."""
    import diff_diff as dd

    es = _quiet(lambda: cs_result.aggregate("event_study"))
    h = _quiet(lambda: dd.HonestDiD(method=method, M=M).fit(es))
    return {
        "method": method,
        "M": float(M),
        "target": h.target_label,
        "estimate": float(h.original_estimate),
        "lb": float(h.lb),
        "ub": float(h.ub),
        "ci_low": float(h.ci_lb),
        "ci_high": float(h.ci_ub),
    }


# ----------------------------------------------------------------------------------------------- placebo
def placebo(df, unit, time, y, g, x=(), *, reps=500, seed=1, actual=None) -> dict:
    """Randomisation placebo: the cohorts are reassigned at random across units (cohort sizes kept) ``reps``
    times (seeded) and the imputation ATT recomputed; reports where the real ATT falls.

    Returns estimate (real), the placebo mean and SD, the two-sided share of placebo |ATT| at least as large
    (``p``) and the percentile of the real estimate among the placebos.
    """
    d = _prepare(df, unit, time, y, g, x)
    real = imputation_att(d, unit, time, y, g, x) if actual is None else actual
    units = d[unit].unique()
    gu = d.groupby(unit)[g].first().reindex(units).to_numpy()
    rng = np.random.default_rng(seed)
    draws = np.empty(reps)
    pos = pd.Index(units).get_indexer(d[unit])
    # the prepared panel's arrays once (d is sorted by unit and period: a reassignment keeps its order)
    uid, tid = _codes(d[unit]), _codes(d[time])
    yy, tt = d[y].to_numpy(float), d[time].to_numpy()
    X = np.column_stack([d[c].to_numpy(float) for c in x]) if x else np.zeros((len(d), 0))
    for r in range(reps):
        gr = rng.permutation(gu)[pos]
        draws[r] = _imputation_arrays((gr > 0) & (tt >= gr), uid, tid, yy, X, bool(x))
    return {
        "estimate": float(real),
        "reps": reps,
        "seed": seed,
        "placebo_mean": float(draws.mean()),
        "placebo_sd": float(draws.std(ddof=1)),
        "p": float((1 + np.sum(np.abs(draws) >= abs(real))) / (reps + 1)),
        "percentile": float(100 * np.mean(draws < real)),
        "draws": draws,
    }


# ----------------------------------------------------------------------------------------------- SDM-DID
def sdm_did(df, unit, time, y, treat, W, ids, x=(), *, draws=1000, seed=1) -> pd.DataFrame:
    """SDM-DID by ML: two-way fixed-effects spatial Durbin model of ``y`` on the treatment dummy ``treat`` (and
    ``x``) with their spatial lags, via :class:`aicoord.panel.SpatialPanel`; direct, indirect and total effects of
    the treatment (simulated SEs, ``draws``, ``seed``). Returns rows term, estimate, se, ci_low, ci_high."""
    from .panel import SpatialPanel
    from .weights import from_dense

    w = from_dense(np.asarray(W, dtype=float), list(ids))
    data = df[[unit, time, y, treat, *x]].copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = SpatialPanel(data, y=y, x=[treat, *x], id=unit, time=time, w=w, model="sdm", effects="twoways").fit()
        imp = res.impacts(draws=draws, seed=seed)
    rows = []
    q = stats.norm.ppf(0.975)
    for kind in ("direct", "indirect", "total"):
        r = imp.loc[(treat, kind)]
        rows.append(
            dict(
                term=f"sdm_{kind}",
                estimate=float(r["estimate"]),
                se=float(r["se"]),
                ci_low=float(r["estimate"] - q * r["se"]),
                ci_high=float(r["estimate"] + q * r["se"]),
            )
        )
    rho = [n for n in res.params.index if n.lower() in ("rho", "w*y", "w_y")]
    if rho:
        n = rho[0]
        rows.append(dict(term="sdm_rho", **_row(res.params[n], res.std_errors[n])))
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------------ simulation
def simulate_staggered(
    n_units=200,
    years=range(2011, 2024),
    cohorts=None,
    *,
    W=None,
    spill=0.0,
    seed=0,
    effect=lambda g, e: 0.5 + 0.25 * e + 0.1 * (g - 2019),
    sigma=1.0,
    unit_sd=1.0,
):
    """A seeded staggered-adoption panel with known dynamic, cohort-varying effects and a W*D spillover.

    ``y_it = a_i + l_t + tau(g_i, t - g_i) D_it + spill (W D_t)_i + 0.5 x_it + e_it``, with ``x_it`` a
    covariate correlated with the unit effect, ``e ~ N(0, sigma^2)``, ``tau(g, e) = effect(g, e)`` for
    ``e >= 0`` (0 before). ``cohorts`` maps unit index -> first treated year (default: four cohorts of 10
    units, 2016-2019; the rest never treated). Returns ``(panel, truth)``: ``truth`` holds the true ATT by event
    time (mean of tau over the treated at that event time) and the spillover.
    """
    rng = np.random.default_rng(seed)
    years = np.asarray(list(years))
    T = len(years)
    if cohorts is None:
        cohorts = {i: 2016 + i // 10 for i in range(40)}
    g = np.zeros(n_units, dtype=int)
    for i, c in cohorts.items():
        g[i] = c
    a = rng.normal(0, unit_sd, n_units)
    lam = 0.1 * np.arange(T) + rng.normal(0, 0.3, T)
    x = a[:, None] * 0.5 + rng.normal(0, 1, (n_units, T))
    D = ((g[:, None] > 0) & (years[None, :] >= g[:, None])).astype(float)
    ev = years[None, :] - g[:, None]
    tau = np.where(D > 0, np.vectorize(effect)(np.broadcast_to(g[:, None], D.shape), ev), 0.0)
    wd = np.asarray(W) @ D if W is not None else np.zeros_like(D)
    y = a[:, None] + lam[None, :] + tau + spill * wd + 0.5 * x + rng.normal(0, sigma, (n_units, T))
    panel = pd.DataFrame(
        {
            "unit": np.repeat(np.arange(n_units), T),
            "year": np.tile(years, n_units),
            "g": np.repeat(g, T),
            "y": y.ravel(),
            "x": x.ravel(),
            "D": D.ravel(),
            "W*D": wd.ravel(),
        }
    )
    tr = D > 0
    att_e = pd.Series(tau[tr]).groupby(ev[tr]).mean()
    truth = {
        "att_by_event": {int(k): float(v) for k, v in att_e.items()},
        "att": float(tau[tr].mean()),
        "spillover": float(spill),
    }
    return panel, truth
