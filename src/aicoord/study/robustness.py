"""Robustness: baseline and mechanisms re-estimated for one weights × sample variant, under SDM, SAR,
SEM and the dynamic SDM (short-run effects, :mod:`aicoord.study.dynamic`)."""

from __future__ import annotations

import logging
import time as _clock

import pandas as pd

from ..errors import EstimationError
from ..units import MUNICIPALITIES
from ..weights import dense_w
from ..weights_sparse import Weights
from ._common import direction
from .dynamic import MODEL as DYNAMIC
from .dynamic import dynamic_mediated, dynamic_total
from .mechanisms import mechanism as _mechanism
from .models import baseline as _baseline

__all__ = ["robustness_variant", "SAMPLES", "MODELS"]

#: Sample variants: the full sample; without the four municipalities (W restricted to the remaining
#: units and re-standardised; a unit whose only neighbours were municipal, e.g. 舟山 at prefecture level under
#: queen contiguity, is dropped with them); AI lagged one year (the first year dropped).
SAMPLES = ("full", "no_municipalities", "ai_lag1")

#: Models of the grid: the static SDM, SAR and SEM, and the dynamic SDM with y(t−1).
MODELS = ("sdm", "sar", "sem", DYNAMIC)


def _with_stranded(w, ids, drop):
    """``drop`` and the units that dropping it leaves without a neighbour in the raw weights ``w`` (repeated
    until none is left)."""
    import numpy as np

    keep = sorted(str(i) for i in ids if str(i) not in set(drop))
    drop = tuple(drop)
    while keep:
        if isinstance(w, Weights):  # sparse: no N x N array
            sums = np.asarray(w.restrict(keep).sparse.sum(axis=1)).ravel()
        else:
            sums = dense_w(w, keep, standardize=False).sum(axis=1)
        lone = [keep[i] for i in np.flatnonzero(sums <= 0)]
        if not lone:
            break
        drop += tuple(lone)
        keep = [k for k in keep if k not in set(lone)]
    return drop


def robustness_variant(
    data,
    *,
    y,
    ai,
    mechanisms,
    controls,
    unit,
    time,
    w,
    weights_name="w",
    sample="full",
    models=("sdm", "sar", "sem"),
    effects="twoways",
    lee_yu=True,
    draws=1000,
    seed=1,
    alpha=0.05,
    municipalities=MUNICIPALITIES,
    dlag=1,
) -> pd.DataFrame:
    """Re-estimate the baseline and every mechanism for one weights × sample variant.

    Parameters not listed below are as in :func:`aicoord.study.mechanism`.

    Parameters
    ----------
    data : pandas.DataFrame
    y, ai : str
    mechanisms : list of str
        Channel columns.
    controls : list of str
    unit, time : str
    w : DataFrame, libpysal W or ndarray
        The *raw* (or row-standardised) weights of this variant; rows and columns of dropped units
        are removed before row-standardising.
    weights_name : str
        Label of the weights in the output.
    sample : {"full", "no_municipalities", "ai_lag1"}
    models : tuple of str
        Models estimated for this variant (one call does all), among :data:`MODELS`; SEM effects have no
        spillover. ``"dynamic_sdm"`` is the bias-corrected dynamic SDM of :mod:`aicoord.study.dynamic`: its
        AI total effect and mediated effects are **short-run** effects, both of its equations carry their
        outcome's time lag, ``lee_yu`` does not apply to it (its own correction is always on) and it has no
        SLX fallback.
    municipalities : tuple of str
        Unit ids dropped by ``sample="no_municipalities"`` (default Beijing, Tianjin, Shanghai,
        Chongqing; below the provinces, every unit of the four municipalities). Units left without a
        neighbour in ``w`` by the drop are dropped too (their count shows in ``nobs``).
    dlag : {1, 2, 3}
        Time lags of the dynamic SDM: 1 y(t−1), 2 W·y(t−1), 3 both.

    Returns
    -------
    pandas.DataFrame
        One row per model × (baseline + mechanisms): ``weights``, ``sample``, ``model``,
        ``mechanism`` (``baseline`` for AI's total effect on y), ``quantity``
        (``ai_total_effect`` / ``mediated_total``), ``estimate``, ``lower``, ``upper``
        ((1 − alpha) simulated intervals), ``verdict`` (rule of :func:`aicoord.study.verdict`),
        ``mechanism_model`` (fallback), ``nobs``, ``failure``. A model that cannot be estimated in a
        variant (:class:`aicoord.errors.EstimationError`, e.g. ρ on the bound of its interval under a
        dense distance matrix with two-way effects, or a dynamic SDM whose estimates are not stationary)
        gives a row with verdict ``not estimated`` and the reason in ``failure``; it never stops the grid.
    """
    if sample not in SAMPLES:
        raise ValueError(f"sample must be one of {SAMPLES}")
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        raise ValueError(f"models {unknown} are not in the grid's {MODELS}")
    d = data.copy()
    d[unit] = d[unit].astype(str)
    drop = ()
    a = ai
    if sample == "no_municipalities":
        drop = _with_stranded(w, d[unit].unique(), tuple(str(c) for c in municipalities))
    elif sample == "ai_lag1":
        d = d.sort_values([unit, time])
        a = f"{ai}_lag1"
        d[a] = d.groupby(unit)[ai].shift(1)
        d = d.dropna(subset=[a]).reset_index(drop=True)
    rows = []
    periods = int(d[time].nunique())
    log = logging.getLogger(__name__)
    t0 = _clock.perf_counter()
    for k, model in enumerate(models):
        # progress in the rule's log (aicoord.runner.step): one line per model, with the draws it took
        log.info(
            "robustness %s x %s: model %d of %d (%s), %d draws per effect, %.0f s so far",
            weights_name,
            sample,
            k + 1,
            len(models),
            model,
            draws,
            _clock.perf_counter() - t0,
        )
        short = _too_few_periods(periods, model, effects, sample)
        if short:  # e.g. a 2-year panel: reported as not estimated, with the reason, never a failed grid
            rows += [
                _failed(m, q, model, short)
                for m, q in [("baseline", "ai_total_effect")] + [(m, "mediated_total") for m in mechanisms]
            ]
            continue
        if model == DYNAMIC:
            rows += _dynamic_rows(
                d,
                y=y,
                ai=a,
                mechanisms=mechanisms,
                controls=list(controls),
                unit=unit,
                time=time,
                w=w,
                effects=effects,
                dlag=dlag,
                draws=draws,
                seed=seed + 10 * k,
                alpha=alpha,
                drop=drop,
            )
            continue
        kw = dict(
            y=y,
            ai=a,
            controls=list(controls),
            unit=unit,
            time=time,
            w=w,
            model=model,
            effects=effects,
            lee_yu=lee_yu,
            draws=draws,
            seed=seed + 10 * k,
            alpha=alpha,
            drop=drop,
        )
        try:
            b = _baseline(d, **kw)
            tot = b.effects.loc[(a, "total")]
            rows.append(
                {
                    "mechanism": "baseline",
                    "quantity": "ai_total_effect",
                    "estimate": tot["estimate"],
                    "lower": tot["lower"],
                    "upper": tot["upper"],
                    "verdict": direction(tot["lower"], tot["upper"]),
                    "model": model,
                    "mechanism_model": model,
                    "nobs": b.fit.nobs,
                    "failure": "",
                }
            )
        except EstimationError as exc:
            rows.append(_failed("baseline", "ai_total_effect", model, exc))
        for m in mechanisms:
            try:
                r = _mechanism(d, mechanism=m, **kw)
            except EstimationError as exc:
                rows.append(_failed(m, "mediated_total", model, exc))
                continue
            lo, hi = r.interval()
            rows.append(
                {
                    "mechanism": m,
                    "quantity": "mediated_total",
                    "estimate": r.mediated["estimate"],
                    "lower": lo,
                    "upper": hi,
                    "verdict": direction(lo, hi),
                    "model": model,
                    "mechanism_model": r.mechanism_model,
                    "nobs": r.outcome_fit.nobs,
                    "failure": "",
                }
            )
    log.info(
        "robustness %s x %s: %d models done in %.0f s", weights_name, sample, len(models), _clock.perf_counter() - t0
    )
    out = pd.DataFrame(rows)
    out.insert(0, "sample", sample)
    out.insert(0, "weights", weights_name)
    cols = [
        "weights",
        "sample",
        "model",
        "mechanism",
        "quantity",
        "estimate",
        "lower",
        "upper",
        "verdict",
        "mechanism_model",
        "nobs",
        "failure",
    ]
    return out[cols]


def _dynamic_rows(d, *, y, ai, mechanisms, **kw):
    """The dynamic SDM's rows of a variant: AI's short-run total effect, then each channel's short-run
    mediated effect (a channel that cannot be estimated gives its own ``not estimated`` row)."""
    rows = []
    try:
        fit, eff = dynamic_total(d, y=y, ai=ai, **kw)
        tot = eff["total"]
        rows.append(
            {
                "mechanism": "baseline",
                "quantity": "ai_total_effect",
                "estimate": tot["estimate"],
                "lower": tot["lower"],
                "upper": tot["upper"],
                "verdict": direction(tot["lower"], tot["upper"]),
                "model": DYNAMIC,
                "mechanism_model": DYNAMIC,
                "nobs": fit.nobs,
                "failure": "",
            }
        )
    except EstimationError as exc:
        rows.append(_failed("baseline", "ai_total_effect", DYNAMIC, exc))
    for m in mechanisms:
        try:
            r = dynamic_mediated(d, y=y, ai=ai, mechanism=m, **kw)
        except EstimationError as exc:
            rows.append(_failed(m, "mediated_total", DYNAMIC, exc))
            continue
        rows.append(
            {
                "mechanism": m,
                "quantity": "mediated_total",
                "estimate": r["estimate"],
                "lower": r["lower"],
                "upper": r["upper"],
                "verdict": direction(r["lower"], r["upper"]),
                "model": DYNAMIC,
                "mechanism_model": DYNAMIC,
                "nobs": r["nobs"],
                "failure": "",
            }
        )
    return rows


def _too_few_periods(periods: int, model: str, effects: str, sample: str) -> str:
    """Why ``model`` cannot be estimated on ``periods`` periods of a variant's sample ("" when it can): fixed
    effects of units need two periods, the dynamic SDM three (one is lost to the time lag)."""
    need = 3 if model == DYNAMIC else 2 if effects in ("twoways", "individual") else 1
    if periods >= need:
        return ""
    lag = " after AI is lagged one year" if sample == "ai_lag1" else ""
    why = (
        "one period is lost to the time lag and one more to the fixed effects"
        if model == DYNAMIC
        else "the unit fixed effects need two periods"
    )
    return f"only {periods} period(s) in this sample{lag}; {model} needs at least {need} ({why})"


def _failed(mechanism, quantity, model, exc):
    """A variant whose model could not be estimated (e.g. ρ on the bound of its interval): reported, not dropped."""
    return {
        "mechanism": mechanism,
        "quantity": quantity,
        "estimate": float("nan"),
        "lower": float("nan"),
        "upper": float("nan"),
        "verdict": "not estimated",
        "model": model,
        "mechanism_model": model,
        "nobs": 0,
        "failure": str(exc),
    }
