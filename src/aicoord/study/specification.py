"""Specification search for the spatial panel, in the order papers print it.

1. Pooled OLS (and the fixed-effects panels in ``lm_effects``): LM-lag, LM-error and their robust
   forms (Anselin et al. 1996; Elhorst 2014, §3.5).
2. LR tests of the joint significance of unit and of time fixed effects (non-spatial model).
3. Hausman test, fixed against random effects (individual effects SDM; Elhorst 2014, §3.4).
4. Wald and LR tests of the SDM against the SAR (θ = 0) and against the SEM (θ + ρβ = 0), on the
   SDM with the fixed effects chosen in step 2.
5. The model selected, with the rule (Elhorst 2010, *Spatial Economic Analysis* 5(1); 2014,
   §3.5–3.6: a specific-to-general step, the LM tests, then a general-to-specific step from the
   SDM):

   * effects: unit effects if their LR test rejects, time effects if theirs does
     (both → two-way); the Hausman test says whether fixed rather than random unit effects are
     needed (reported; the fixed-effects SDM is kept, as it is consistent either way);
   * model: if both θ = 0 and θ + ρβ = 0 are rejected (Wald and LR both at ``alpha``) the SDM;
     if θ = 0 is not rejected (by either test) and the robust LM tests point to the lag (robust
     LM-lag rejects, robust LM-error does not) the SAR; if θ + ρβ = 0 is not rejected and the
     robust LM tests point to the error, the SEM; otherwise the SDM, which nests both
     (Elhorst 2010: the SDM is the safe choice when the two steps disagree).

Diagnostics of :mod:`aicoord.panel` are read through one adapter, :func:`._common.as_row`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._common import as_row, fit_panel, setting

__all__ = ["specification_search", "select_model", "SELECTION_RULE"]

SELECTION_RULE = (
    "Elhorst (2010, 2014): effects by the LR tests of unit/time effects; SDM if Wald and LR reject "
    "both theta=0 and theta+rho*beta=0; SAR if theta=0 is not rejected and the robust LM tests "
    "point to the lag; SEM if theta+rho*beta=0 is not rejected and they point to the error; "
    "otherwise SDM"
)


def select_model(
    reject_sar: bool, reject_sem: bool, p_robust_lag: float, p_robust_error: float, alpha: float = 0.05
) -> tuple[str, str]:
    """The model chosen by the rule of the module docstring, with the reason.

    Parameters
    ----------
    reject_sar, reject_sem : bool
        Whether θ = 0 (SAR) and θ + ρβ = 0 (SEM) are rejected (by both Wald and LR).
    p_robust_lag, p_robust_error : float
        p-values of the robust LM tests in the non-spatial model with the selected effects.
    """
    lag_side = p_robust_lag < alpha <= p_robust_error
    err_side = p_robust_error < alpha <= p_robust_lag
    if reject_sar and reject_sem:
        return "sdm", "both SAR and SEM restrictions rejected"
    if not reject_sar and lag_side:
        return "sar", "theta = 0 not rejected and the robust LM tests point to the lag"
    if not reject_sem and err_side:
        return "sem", "theta + rho beta = 0 not rejected and the robust LM tests point to the error"
    return "sdm", "the tests disagree; the SDM nests SAR and SEM"


def _tests_module():
    try:  # the engine's renamed module (TestResult objects), when present
        from ..panel import diagnostics as t  # type: ignore[attr-defined]
    except ImportError:
        from ..panel import tests as t
    return t


#: Why the baseline stays an SDM when the search selects another model (``analysis.baseline_model: sdm``).
BASELINE_NOTE = (
    "the baseline is nevertheless the SDM: it nests the SAR and SLX and gives unbiased estimates "
    "when the true process is any of them, while omitting W·X biases the others (LeSage and Pace "
    "2009, sec. 6.2; Elhorst 2014, sec. 2.3)"
)


def mundlak_test(data, W, y, x, unit, time):
    """Robust (Mundlak 1978 / Wooldridge 2010, sec. 10.7.3) version of the Hausman test of fixed against
    random effects: pooled least squares of ``y`` on the regressors, their W-lags, their unit means and year
    dummies, with standard errors clustered by unit (statsmodels, with its small-sample factor); Wald test that
    the coefficients of the unit means are zero, p-value from F(q, G - 1) of Wald/q (Cameron and Miller 2015,
    sec. VI: the chi-squared reference over-rejects with few clusters; with 36 clusters this test still rejects
    a true null about 10% of the time at 5%, with 100 clusters at the nominal rate; tests/study/test_mundlak.py).
    The auxiliary regression leaves out W·y (its unit mean is a function of the outcome).

    Returns
    -------
    dict
        ``statistic``, ``df``, ``p``.
    """
    import statsmodels.api as sm
    from scipy import stats

    d = data.sort_values([time, unit]).reset_index(drop=True)
    units = sorted(d[unit].unique())
    if hasattr(W, "restrict"):  # aicoord.weights_sparse.Weights
        Wm = np.asfortranarray(W.restrict([str(u) for u in units]).dense())  # the layout .loc gave
    else:
        Wm = W.loc[units, units].to_numpy(dtype=float) if hasattr(W, "loc") else np.asarray(W, float)
    cols = {}
    for v in x:
        wide = d.pivot(index=time, columns=unit, values=v).loc[:, units]
        cols[v] = wide.to_numpy().ravel()
        cols[f"W*{v}"] = (wide.to_numpy() @ Wm.T).ravel()
    X = pd.DataFrame(cols)
    ids = np.tile(units, d[time].nunique())
    means = X.groupby(ids).transform("mean").add_prefix("mean_")
    yv = d.pivot(index=time, columns=unit, values=y).loc[:, units].to_numpy().ravel()
    years = pd.get_dummies(np.repeat(sorted(d[time].unique()), len(units)), prefix="t", drop_first=True, dtype=float)
    Z = sm.add_constant(pd.concat([X, means, years], axis=1))
    fit = sm.OLS(yv, Z).fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(ids)[0]})
    names = list(means.columns)
    g = fit.params[names].to_numpy()
    stat = float(g @ np.linalg.solve(fit.cov_params().loc[names, names].to_numpy(), g))
    q, g_count = len(names), len(units)
    return {"statistic": stat, "df": q, "p": float(stats.f.sf(stat / q, q, g_count - 1))}


def robust_hausman_row(data, y, x, unit, time, W, classical) -> dict:
    """The specification table's Hausman row replaced by :func:`mundlak_test`, saying why."""
    return as_row(
        "hausman",
        mundlak_test(data, W, y, x, unit, time),
        step="3 Hausman FE vs RE (SDM)",
        effects="individual vs random",
        null=f"random effects consistent; robust Mundlak version with errors clustered by unit, since "
        f"the classical statistic ({classical:.4g}) was negative or its V_FE - V_RE not positive "
        "definite",
    )


def specification_search(
    data,
    *,
    y,
    x,
    unit,
    time,
    w,
    alpha=0.05,
    lm_effects=("none", "twoways"),
    hausman=True,
    lr=True,
    model_probabilities=False,
    baseline_model="sdm",
) -> pd.DataFrame:
    """Run the specification tests and select the model.

    Parameters
    ----------
    data : pandas.DataFrame
        Long panel.
    y : str
    x : list of str
        Regressors (AI and controls, or AI, the channel and controls).
    unit, time : str
    w : DataFrame, libpysal W or ndarray
        Weights, row-standardised here.
    alpha : float
        Significance level of every decision.
    lm_effects : tuple of str
        Fixed effects of the non-spatial panels on which the LM tests are reported (``none`` is
        pooled OLS). The decision uses the LM tests with the selected effects (computed if absent).
    hausman : bool
        Run the Hausman test (needs the random-effects SDM fit).
    lr : bool
        Also the LR forms of the SDM tests (refits SAR and SEM).
    model_probabilities : bool
        Add the rows of step ``6 Bayesian model probabilities``: the posterior probability
        (``statistic``) of SLX, SAR, SEM, SDM and SDEM with the selected effects under LeSage's
        (2014) flat priors (:func:`aicoord.panel.bayes.model_probabilities`), the log marginal
        likelihood in ``null`` and ``most probable`` in ``decision`` of the largest.  Reported
        beside the rule; they do not change the selected model.
    baseline_model : {"sdm", "auto"}
        ``analysis.baseline_model``: the model the baseline estimates, stated in the row ``baseline model`` after
        the selection so that the table's choice and the baseline agree: ``sdm`` keeps the SDM whatever the search
        selects (the selection's decision then carries :data:`BASELINE_NOTE`), ``auto`` follows the search.

    Returns
    -------
    pandas.DataFrame
        Columns ``step``, ``test``, ``effects``, ``statistic``, ``df``, ``p``, ``reject``
        (p < alpha), ``null``, ``decision``; the rows of ``step`` = ``5 selection`` name the selected
        model and effects in ``decision`` (the rule in ``null``) and the baseline's model (``baseline model``).
        ``attrs["selected"]`` = ``{"model", "effects", "hausman_fixed", "baseline"}``.
    """
    T = _tests_module()
    st = setting(data, unit, time, w)
    d, W = st.data, st.weights
    kw = dict(data=d, y=y, x=list(x), id=unit, time=time, w=W)
    rows = []
    lms = {}
    for eff in lm_effects:
        lm = T.lm_tests(effects=eff, **kw)
        lms[eff] = lm
        for key in ("lm_lag", "lm_error", "robust_lm_lag", "robust_lm_error"):
            rows.append(
                as_row(
                    key,
                    lm[key],
                    step="1 LM (non-spatial model)",
                    effects=eff,
                    null=("rho = 0" if "lag" in key else "lambda = 0"),
                )
            )
    lre = T.lr_effects_tests(**kw)
    rows.append(
        as_row("lr_unit_effects", lre["individual"], step="2 LR fixed effects", effects="", null="no unit effects")
    )
    rows.append(as_row("lr_time_effects", lre["time"], step="2 LR fixed effects", effects="", null="no time effects"))
    unit_fx, time_fx = rows[-2]["p"], rows[-1]["p"]
    eff_sel = {(True, True): "twoways", (True, False): "individual", (False, True): "time", (False, False): "none"}[
        (unit_fx < alpha, time_fx < alpha)
    ]
    hausman_fixed = None
    if hausman:
        fe = fit_panel(d, y, x, unit, time, W, model="sdm", effects="individual")
        re = fit_panel(d, y, x, unit, time, W, model="sdm", effects="random")
        h = T.hausman(fe, re)
        row = as_row(
            "hausman",
            h,
            step="3 Hausman FE vs RE (SDM)",
            effects="individual vs random",
            null="random effects consistent",
        )
        if not (np.isfinite(row["statistic"]) and row["statistic"] >= 0) or "not positive definite" in str(
            getattr(h, "note", "") or ""
        ):
            row = robust_hausman_row(d, y, x, unit, time, W, row["statistic"])
        hausman_fixed = row["p"] < alpha
        rows.append(row)
    sdm = fit_panel(d, y, x, unit, time, W, model="sdm", effects=eff_sel)
    sd = T.sdm_tests(sdm, lr=lr)
    for key, null in (
        ("wald_sar", "theta = 0 (SAR)"),
        ("lr_sar", "theta = 0 (SAR)"),
        ("wald_sem", "theta + rho beta = 0 (SEM)"),
        ("lr_sem", "theta + rho beta = 0 (SEM)"),
    ):
        if key in sd:
            rows.append(as_row(key, sd[key], step="4 SDM vs SAR/SEM", effects=eff_sel, null=null))
    out = pd.DataFrame(rows)
    out["reject"] = out["p"] < alpha
    if eff_sel not in lms:
        lms[eff_sel] = T.lm_tests(effects=eff_sel, **kw)
    lm = {k: as_row(k, v) for k, v in lms[eff_sel].items()}
    rej = dict(zip(out["test"] + "|" + out["effects"], out["reject"]))
    rej_sar = all(rej.get(f"{k}|{eff_sel}", True) for k in ("wald_sar", "lr_sar"))
    rej_sem = all(rej.get(f"{k}|{eff_sel}", True) for k in ("wald_sem", "lr_sem"))
    model, why = select_model(rej_sar, rej_sem, lm["robust_lm_lag"]["p"], lm["robust_lm_error"]["p"], alpha)
    out["decision"] = ""
    out.loc[out["step"].str.startswith("2"), "decision"] = f"effects: {eff_sel}"
    if hausman:
        out.loc[out["test"] == "hausman", "decision"] = "fixed effects" if hausman_fixed else "random effects"
    sel = {
        "step": "5 selection",
        "test": "selected model",
        "effects": eff_sel,
        "statistic": float("nan"),
        "df": pd.NA,
        "p": float("nan"),
        "reject": pd.NA,
        "null": SELECTION_RULE,
        "decision": f"{model.upper()} with {eff_sel} fixed effects ({why})"
        + ("" if model == "sdm" or baseline_model == "auto" else f"; {BASELINE_NOTE}"),
    }
    base = model if baseline_model == "auto" else "sdm"
    # the model the baseline estimates, so that the table states the choice and the baseline together
    kept = (
        "follows the search"
        if baseline_model == "auto"
        else ("the search's choice" if model == "sdm" else "kept, see the note")
    )
    brow = {
        "step": "5 selection",
        "test": "baseline model",
        "effects": pd.NA,
        "statistic": float("nan"),
        "df": pd.NA,
        "p": float("nan"),
        "reject": pd.NA,
        "null": f"analysis.baseline_model: {baseline_model}",
        "decision": f"{base.upper()} ({kept})",
    }
    out = pd.concat([out, pd.DataFrame([sel, brow])], ignore_index=True)
    if model_probabilities:
        out = pd.concat([out, _probability_rows(kw, eff_sel)], ignore_index=True)
    out = out[["step", "test", "effects", "statistic", "df", "p", "reject", "null", "decision"]]
    out.attrs["selected"] = {"model": model, "effects": eff_sel, "hausman_fixed": hausman_fixed, "baseline": base}
    return out


def _probability_rows(kw, effects) -> pd.DataFrame:
    """Rows of step 6: posterior model probabilities (aicoord.panel.bayes) with ``effects``."""
    from ..panel.bayes import model_probabilities

    pr = model_probabilities(effects=effects, **kw)
    best = pr["probability"].idxmax()
    return pd.DataFrame(
        [
            {
                "step": "6 Bayesian model probabilities",
                "test": f"probability_{m}",
                "effects": effects,
                "statistic": float(r["probability"]),
                "df": pd.NA,
                "p": float("nan"),
                "reject": pd.NA,
                "null": f"log marginal likelihood {r['log_marginal']:.4f} (flat priors, LeSage 2014)",
                "decision": "most probable" if m == best else "",
            }
            for m, r in pr.iterrows()
        ]
    )
