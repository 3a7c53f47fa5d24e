"""Mechanism (mediation) analysis through spatial Durbin models, and the study's verdict table.

For a channel *M* (e.g. industrial upgrading):

(a) mechanism equation: M on AI and the controls (two-way FE SDM); AI's direct, indirect and total
    effects on M. Where ρ is not identified the equation falls back to the SLX (same W-lags, no
    spatial lag of M). The rule: fall back when the SDM fit raises, when its ρ lies within
    ``bound_tol`` × (ρ_max − ρ_min) of either end of the stationary interval, or when ρ's standard
    error is not finite and positive;
(b) outcome equation: y on AI, M and the controls (SDM); M's total effect on y;
(c) mediated effect = total(AI → M) × total(M → y), with a Monte Carlo interval from joint draws of
    both models' parameters (independent draws from each model's asymptotic normal; the totals
    recomputed per draw by the LeSage–Pace formulas) and, as a secondary figure, a Sobel-type z,
    ab / sqrt(b² se_a² + a² se_b²), with the simulated SEs of the two totals.

**Chain identity.** For a row-standardised W every row of
:math:`S_M = (I-\\rho_M W)^{-1}(\\beta I + \\theta W)` sums to the same number,
total(AI → M), so :math:`S_y S_M \\iota = \\text{total}(AI\\to M)\\, S_y\\iota =
\\text{total}(AI\\to M)\\,\\text{total}(M\\to y)\\,\\iota`: the mean total effect of the chain AI → M → y
(the mean row sum of the N × N product :math:`S_y S_M`) equals the product of the two mean totals.
``tests/study/test_mechanisms.py`` checks this against the dense product.

Jiang Ting (2022, *China Industrial Economics*, "Mediating and moderating effects in empirical
studies of causal inference") warns that the three-step method does not identify the channel
causally: M is not randomised, and the M → y link can be confounded. The table therefore also
reports AI's effect on the channel alone, and states which figure the verdict uses (the mediated
total effect's Monte Carlo interval).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from ..panel import SpatialPanel
from ._common import direction, effects_of, fit_panel, param_draws, rho_bounds, setting, summarise

__all__ = [
    "Mechanism",
    "mechanism",
    "verdict",
    "add_agreement",
    "fit_with_fallback",
    "VERDICT_BASIS",
    "VERDICT_RULE",
    "verdict_rule",
    "verdict_note",
    "mc_p",
    "iv_baseline",
    "a_path_verdict",
    "add_adjusted_verdict",
]

#: The verdict rule in words (``{level}``: the interval's level in percent); the one statement of the rule that
#: :func:`aicoord.study._common.direction` applies, used by the verdict table's note (:func:`verdict_note`) and by
#: the paper's English table note (:func:`aicoord.paper.labels.verdict_rule`, which also holds the translation).
VERDICT_RULE = (
    "promotes if the {level}% interval of the mediated total effect (baseline: of AI's total effect) "
    "lies wholly below 0 (AI lowers the gap), hinders if wholly above, else inconclusive"
)

_ADJUSTMENT = {"holm": "Holm", "bh": "Benjamini-Hochberg", "none": "no"}

VERDICT_BASIS = (
    "mediated total effect total(AI→M)·total(M→y), (1−alpha) Monte Carlo percentile interval "
    "from joint parameter draws; promotes if wholly < 0, hinders if wholly > 0"
)


def mc_p(draws) -> float:
    """Two-sided Monte Carlo p-value of zero from parameter draws: ``2 min(P(draw <= 0), P(draw >= 0))`` (at most 1).

    It is below alpha exactly when the (1 - alpha) percentile interval of the same draws lies on one side of zero
    (up to the interpolation of the quantiles), so the stars of a p and the verdict of its interval agree."""
    d = np.asarray(draws, dtype=float)
    d = d[np.isfinite(d)]
    if not len(d):
        return float("nan")
    return float(min(1.0, 2.0 * min(np.mean(d <= 0), np.mean(d >= 0))))


def iv_baseline(row: dict, ident: pd.DataFrame, estimator: str = "iv") -> dict:
    """The verdict's baseline row on the IV basis: AI's total effect by spatial 2SLS (``estimator`` rows of the
    identification table, :func:`aicoord.study.identification.identification`) with its normal interval
    ``ci_low``/``ci_high`` and normal p (the same interval and rule); the ML figures are kept in ``ml_effect``,
    ``ml_lower``, ``ml_upper``, ``ml_verdict``."""
    r = ident[(ident["estimator"] == estimator) & (ident["effect"] == "total")].iloc[0]
    out = dict(row)
    out.update(
        {
            "ml_effect": row["effect"],
            "ml_lower": row["lower"],
            "ml_upper": row["upper"],
            "ml_verdict": row["verdict"],
            "effect": float(r["estimate"]),
            "lower": float(r["ci_low"]),
            "upper": float(r["ci_high"]),
            "se": float(r["se"]),
            "p": float(r["p"]),
            "basis": "iv",
            "verdict": direction(float(r["ci_low"]), float(r["ci_high"])),
        }
    )
    return out


def a_path_verdict(row: dict, sign: int) -> dict:
    """A mechanism's row under ``verdict_basis: a_path`` (Jiang Ting 2022): the verdict rests on AI → mechanism
    alone (its (1 − alpha) interval ``ai_channel_lower``/``ai_channel_upper``, p ``a_p`` from the same draws), and
    the direction of mechanism → outcome is ``sign`` (+1 raises the gap, −1 lowers it) argued from theory, not
    estimated: AI promotes coordination through the channel when the a path's interval lies wholly on the side
    whose product with ``sign`` is negative, hinders when positive, else inconclusive. ``effect``, ``lower``,
    ``upper`` become sign × the a path's."""
    s = 1 if sign > 0 else -1
    lo, hi = sorted((s * row["ai_channel_lower"], s * row["ai_channel_upper"]))
    out = dict(row)
    out.update(
        {
            "effect": s * row["ai_total_on_channel"],
            "lower": lo,
            "upper": hi,
            "p": row.get("a_p", np.nan),
            "verdict": direction(lo, hi),
            "expected_sign": s,
            "verdict_basis": "a_path",
        }
    )
    return out


def add_adjusted_verdict(table: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """``verdict_adjusted``: the row's verdict where its ``p_adjusted`` is below ``alpha``, else inconclusive (the
    verdict controlled for testing the baseline and every mechanism at once)."""
    out = table.copy()
    if "p_adjusted" in out.columns:
        keep = out["p_adjusted"].to_numpy(dtype=float) < alpha
        out["verdict_adjusted"] = np.where(keep, out["verdict"], "inconclusive")
    return out


def fit_with_fallback(
    data, y, x, unit, time, st, model="sdm", effects="twoways", lee_yu=True, bound_tol=1e-3, cov=None
):
    """Fit ``model``; fall back to the SLX (same W-lags; none for SAR/SEM) where ρ/λ is not identified.
    ``cov``: the covariance options of :meth:`SpatialPanel.fit` (default ``oim``).

    Returns ``(result, used_model, reason)``; ``reason`` is ``""`` when no fallback was needed.
    """
    wx = None if model in ("sdm", "slx") else []
    try:
        res = fit_panel(data, y, x, unit, time, st.weights, model=model, effects=effects, lee_yu=lee_yu, cov=cov)
        reason = ""
        if model in ("sdm", "sar", "sem"):
            name = "rho" if model != "sem" else "lambda"
            lo, hi, _ = rho_bounds(st.W)
            r, se = float(res.params[name]), float(res.std_errors[name])
            if min(r - lo, hi - r) < bound_tol * (hi - lo):
                reason = f"{name} = {r:.4g} on the bound of ({lo:.4g}, {hi:.4g})"
            elif not (np.isfinite(se) and se > 0):
                reason = f"{name} has no finite standard error"
    except Exception as exc:  # the engine's EstimationError, LinAlgError, ValueError: all mean "not identified"
        res, reason = None, f"{model} fit failed: {type(exc).__name__}: {exc}"
    if reason:
        res = fit_panel(data, y, x, unit, time, st.weights, model="slx", effects=effects, wx=wx, lee_yu=lee_yu, cov=cov)
        return res, "slx", reason
    return res, model, ""


#: Sanderson-Windmeijer F below which the channel's spatial lag counts as not identified by the instruments.
WEAK_LAG_F = 10.0


def iv_with_fallback(st, y, ai, controls, instruments, unit, time, model="sdm", effects="twoways", iv_cov=None):
    """AI's a path by spatial 2SLS (AI and its W-lag instrumented); falls back to the SLX where the channel's
    spatial lag ``W*y`` is weakly identified (Sanderson-Windmeijer F below :data:`WEAK_LAG_F`).

    In the SDM, ``W*y`` is instrumented by ``W^2 X`` (controls and instruments): its fitted part is distinct from
    that of ``W*ai`` only through ``theta + rho beta`` (Kelejian and Prucha 1998), which vanishes when the channel
    has no spatial autoregression and no spillover of AI. The IV SDM is then not identified even with a strong
    instrument for AI, whereas the SLX (AI and ``W*ai`` instrumented by the instruments and their W-lag) is.

    Returns ``(result, used_model, reason)``; ``reason`` is ``""`` when no fallback was needed.
    """

    def fit(m):
        return SpatialPanel(
            st.data,
            y=y,
            x=list(controls),
            id=unit,
            time=time,
            w=st.weights,
            model=m,
            effects=effects,
            endog=[ai],
            instruments=list(instruments),
        ).fit(estimator="2sls", **{"cov_type": "cluster", **(iv_cov or {})})

    res = fit(model)
    if model in ("sdm", "sar"):
        f = float(res.first_stage["regressors"]["W*y"]["sw_f"])
        if not f >= WEAK_LAG_F:
            return fit("slx"), "slx", f"W*y weakly identified by the instruments (Sanderson-Windmeijer F {f:.3g})"
    return res, model, ""


@dataclass
class Mechanism:
    """Result of :func:`mechanism` (see the module docstring).

    Attributes
    ----------
    name : str
    mechanism_fit, outcome_fit : SpatialPanelResults
    mechanism_model : str
        Model used for the mechanism equation (``sdm`` or the fallback ``slx``).
    fallback_reason : str
    ai_on_channel : DataFrame
        AI's direct, indirect, total effects on M (index: effect).
    channel_on_y : DataFrame
        M's direct, indirect, total effects on y.
    ai_on_y : DataFrame
        AI's effects on y in the outcome equation (holding M fixed).
    a_draws, b_draws, mediated_draws : ndarray
        Joint draws of total(AI→M), total(M→y) and their product.
    mediated : dict
        estimate, se, lower, upper, z, p (Monte Carlo), sobel_z, sobel_p.
    alpha : float
    """

    name: str
    mechanism_fit: object
    outcome_fit: object
    mechanism_model: str
    fallback_reason: str
    ai_on_channel: pd.DataFrame
    channel_on_y: pd.DataFrame
    ai_on_y: pd.DataFrame
    a_draws: np.ndarray
    b_draws: np.ndarray
    mediated_draws: np.ndarray
    mediated: dict
    alpha: float

    def interval(self, alpha: float | None = None) -> tuple[float, float]:
        """Percentile (1 − alpha) interval of the mediated total effect."""
        a = self.alpha if alpha is None else alpha
        lo, hi = np.quantile(self.mediated_draws, [a / 2, 1 - a / 2])
        return float(lo), float(hi)


def _effect_frame(point, sims, alpha):
    return pd.DataFrame({k: summarise(point[k], sims[k], alpha) for k in ("direct", "indirect", "total")}).T


def mechanism(
    data,
    *,
    y,
    ai,
    mechanism,
    controls,
    unit,
    time,
    w,
    model="sdm",
    effects="twoways",
    lee_yu=True,
    draws=2000,
    seed=1,
    alpha=0.05,
    bound_tol=1e-3,
    drop=(),
    cov=None,
    instruments=(),
    iv_cov=None,
) -> Mechanism:
    """Three-step spatial mediation analysis of one channel (see the module docstring).

    Parameters
    ----------
    data : pandas.DataFrame
        Long panel.
    y, ai, mechanism : str
        Outcome, AI and channel columns.
    controls : list of str
    unit, time : str
    w : DataFrame, libpysal W or ndarray
        Weights; row-standardised here (after dropping ``drop``).
    model : {"sdm", "sar", "sem"}
        Model of both equations (robustness uses SAR and SEM; SEM effects have no spillover).
    effects : str
        Fixed effects of both equations.
    lee_yu : bool
        Lee–Yu bias correction of both equations (default ``True``; see :func:`aicoord.study.baseline`).
    draws, seed : int
        Joint parameter draws (the mechanism equation uses ``seed``, the outcome equation
        ``seed + 1``: independent draws).
    alpha : float
        Level of the Monte Carlo percentile intervals.
    bound_tol : float
        Fallback rule: ρ within ``bound_tol`` × (interval length) of a bound.
    drop : iterable of str
        Units left out (W restricted and re-standardised).
    cov : dict, optional
        Covariance options of :meth:`aicoord.panel.SpatialPanel.fit` for both equations (``cov_type``,
        ``cluster``, ``dk_lag``, ``bootstrap``; default ``oim``): the study passes ``analysis.cov_type``, as
        for the baseline, so that the verdict table rests on one covariance.
    instruments : list of str, optional
        Excluded instruments of AI: the a path (mechanism equation, SDM) is then estimated by spatial 2SLS with AI
        and W·AI instrumented (:mod:`aicoord.panel.iv`; ``iv_cov``: ``{"cov_type", "cluster"}``, default clustered
        by unit), and ``a_path_estimator`` is ``"iv"`` (else ``"ml"``). The b path stays ML: the channel has no
        instrument of its own.

    Returns
    -------
    Mechanism
    """
    st = setting(data, unit, time, w, drop=drop)
    xm = [ai, *controls]
    if instruments:
        mres, mmodel, reason = iv_with_fallback(
            st, mechanism, ai, controls, instruments, unit, time, model, effects, iv_cov
        )
    else:
        mres, mmodel, reason = fit_with_fallback(
            st.data, mechanism, xm, unit, time, st, model, effects, lee_yu, bound_tol, cov=cov
        )
    yres = fit_panel(
        st.data, y, [ai, mechanism, *controls], unit, time, st.Wdf, model=model, effects=effects, lee_yu=lee_yu, cov=cov
    )
    ymodel = yres.model.model
    sm = param_draws(mres, draws, np.random.default_rng(seed), st.W)
    sy = param_draws(yres, draws, np.random.default_rng(seed + 1), st.W)
    a_pt, a_s = effects_of(mres.params, ai, mmodel, st.omega), effects_of(sm, ai, mmodel, st.omega)
    b_pt, b_s = effects_of(yres.params, mechanism, ymodel, st.omega), effects_of(sy, mechanism, ymodel, st.omega)
    c_pt, c_s = effects_of(yres.params, ai, ymodel, st.omega), effects_of(sy, ai, ymodel, st.omega)
    a, b = a_s["total"], b_s["total"]
    prod = a * b
    med = summarise(a_pt["total"] * b_pt["total"], prod, alpha)
    se_a, se_b = np.std(a, ddof=1), np.std(b, ddof=1)
    sob_se = np.sqrt(b_pt["total"] ** 2 * se_a**2 + a_pt["total"] ** 2 * se_b**2)
    sz = med["estimate"] / sob_se if sob_se > 0 else np.nan
    med.update({"sobel_z": float(sz), "sobel_p": float(2 * special.ndtr(-abs(sz)))})
    med.update(chain_parts(mres.params, yres.params, sm, sy, ai, mechanism, st.omega, c_pt["total"], alpha))
    med.update(b_path_sensitivity(yres, mechanism, list(controls), alpha))
    out = Mechanism(
        mechanism,
        mres,
        yres,
        mmodel,
        reason,
        _effect_frame(a_pt, a_s, alpha),
        _effect_frame(b_pt, b_s, alpha),
        _effect_frame(c_pt, c_s, alpha),
        a,
        b,
        prod,
        med,
        alpha,
    )
    out.a_path_estimator = "iv" if instruments else "ml"
    return out


def _coef(par, name):
    """``par[name]`` (a number, or an array for a frame of draws); zero when the model has no such term."""
    if isinstance(par, pd.Series):
        return float(par[name]) if name in par.index else 0.0
    return par[name].to_numpy(float) if name in par.columns else np.zeros(len(par))


def chain_parts(mpar, ypar, mdraws, ydraws, ai, channel, omega, direct_total, alpha) -> dict:
    """Local and spillover parts of the mediated effect (mean diagonal of S_y S_M and the rest, with
    simulated SEs from the joint draws), the mediation share and the suppression flag
    (:mod:`aicoord.study.mediation_parts`); ``direct_total`` is AI's total effect on y holding M fixed."""
    from .mediation_parts import local_spillover, mediation_share

    def parts(mp, yp):
        return local_spillover(
            omega,
            _coef(mp, ai),
            _coef(mp, f"W*{ai}"),
            _coef(mp, "rho"),
            _coef(yp, channel),
            _coef(yp, f"W*{channel}"),
            _coef(yp, "rho"),
        )

    loc, spill, tot = parts(mpar, ypar)
    dloc, dspill, _ = parts(mdraws, ydraws)
    share, suppression = mediation_share(tot, direct_total)
    return {
        "local": loc,
        "local_se": float(np.std(dloc, ddof=1)),
        "spillover": spill,
        "spillover_se": float(np.std(dspill, ddof=1)),
        "share": float(share),
        "suppression": bool(suppression),
    }


def b_path_sensitivity(yres, channel, controls, alpha) -> dict:
    """Cinelli-Hazlett (2020) sensitivity of the b path, the channel's own coefficient in the outcome equation
    (:mod:`aicoord.study.sensitivity`): robustness values ``b_rv`` and ``b_rv_alpha`` (t = z, dof = nobs minus
    the parameters), and the bound from the strongest observed control (largest partial R^2 with the outcome;
    its partial R^2 with the channel from least squares on the demeaned design): a confounder as strong as it
    has ``b_benchmark_r2dz``/``b_benchmark_r2yz`` and would move the coefficient to ``b_adjusted``."""
    from .sensitivity import adjusted_estimate, benchmark_bounds, partial_r2, robustness_value

    dof = float(yres.nobs - len(yres.params))
    z = yres.zvalues
    out = {
        "b_rv": float(robustness_value(float(z[channel]), dof)),
        "b_rv_alpha": float(robustness_value(float(z[channel]), dof, alpha=alpha)),
    }
    cands = [c for c in controls if c in z.index]
    if not cands:
        return out
    best = max(cands, key=lambda c: partial_r2(float(z[c]), dof))
    mod = yres.model
    names = list(mod.znames)
    zd = mod.Zd
    d = zd[:, names.index(channel)]
    others = [i for i, nm in enumerate(names) if nm != channel]
    without = [i for i in others if names[i] != best]

    def rss(cols):
        x = zd[:, cols]
        return float(((d - x @ np.linalg.lstsq(x, d, rcond=None)[0]) ** 2).sum()) if cols else float(d @ d)

    r_without, r_with = rss(without), rss(others)
    r2dxj = (r_without - r_with) / r_without
    r2dz, r2yz = benchmark_bounds(r2dxj, partial_r2(float(z[best]), dof))
    out.update(
        {
            "b_benchmark": best,
            "b_benchmark_r2dz": float(r2dz),
            "b_benchmark_r2yz": float(r2yz),
            "b_adjusted": float(
                adjusted_estimate(float(yres.params[channel]), float(yres.std_errors[channel]), dof, r2dz, r2yz)
            ),
        }
    )
    return out


def verdict_rule(alpha: float) -> str:
    """``Verdict rule: `` and :data:`VERDICT_RULE` at level ``1 - alpha`` (``95%`` for ``alpha=0.05``)."""
    return "Verdict rule: " + VERDICT_RULE.format(level=f"{(1 - float(alpha)) * 100:g}")


def verdict_note(alpha: float, adjust: str = "holm", verdict_basis: str = "product", basis: str = "ml") -> str:
    """The note of the study's verdict table (``verdict.csv``): the rule (:func:`verdict_rule`; with
    ``verdict_basis="a_path"`` the interval is that of AI's total effect on the mechanism times the mechanism's
    expected sign), what ``variants_agree`` and ``p`` are, the estimator of the baseline row (``basis``: ``ml`` or
    ``iv``) and the adjustment of ``p_adjusted`` (``holm``, ``bh`` or ``none``)."""
    rule = verdict_rule(alpha)
    if verdict_basis == "a_path":
        rule = rule.replace(
            "the mediated total effect",
            "AI's total effect on the mechanism times the mechanism's "
            "expected sign on the gap (a_path; expected_sign from theory)",
        )
    return (
        rule + "; variants_agree counts the robustness variants (weights x sample x model, ML) with the same "
        "verdict; p from the same draws or interval (p < alpha exactly when the verdict is not inconclusive); "
        f"baseline row by {'spatial 2SLS' if basis == 'iv' else 'ML'}; p_adjusted: {_ADJUSTMENT[adjust]} "
        "adjustment across the rows, verdict_adjusted keeps a verdict where p_adjusted < alpha"
    )


def verdict(mechanisms, baseline, *, alpha=0.05, adjust="holm") -> pd.DataFrame:
    """The study's verdict table: one row for the baseline and one per mechanism.

    Rule (``alpha`` the significance level): a channel **promotes** coordinated development when
    the (1 − alpha) Monte Carlo interval of its mediated total effect lies wholly below zero (AI
    lowers the gap through it), **hinders** when wholly above, else **inconclusive**. The baseline
    row applies the same rule to the (1 − alpha) simulated interval of AI's total effect in the
    baseline model.

    Parameters
    ----------
    mechanisms : iterable of Mechanism or dict name → Mechanism
    baseline : Baseline
        Result of :func:`aicoord.study.baseline` (its effect draws give the interval).
    alpha : float

    Returns
    -------
    pandas.DataFrame
        Columns ``mechanism``, ``verdict``, ``basis`` (which figure the verdict uses),
        ``ai_direct_on_channel``, ``ai_indirect_on_channel`` (spillover), ``ai_total_on_channel``,
        ``ai_channel_lower``, ``ai_channel_upper`` (AI's effect on the channel alone, with its
        (1 − alpha) interval), ``channel_total_on_y``, ``channel_y_lower``, ``channel_y_upper``,
        ``effect`` (mediated total effect; AI's total effect for the baseline), ``lower``,
        ``upper``, ``se``, ``sobel_z``, ``sobel_p``, ``mechanism_model``, ``fallback_reason``,
        ``variants_agree`` and ``variants`` (empty until :func:`add_agreement`).
    """
    if isinstance(mechanisms, dict):
        mechanisms = list(mechanisms.values())
    rows = [baseline_row(baseline, alpha)] + [mechanism_row(m, alpha) for m in mechanisms]
    out = add_adjusted_verdict(add_adjusted_p(pd.DataFrame(rows), adjust), alpha)
    out["variants_agree"] = pd.NA
    out["variants"] = pd.NA
    out.attrs["alpha"] = alpha
    return out


def baseline_row(baseline, alpha=0.05) -> dict:
    """The baseline row of :func:`verdict`: AI's total effect on the outcome with its (1 − alpha) interval."""
    tot = baseline.effect_draws[baseline.ai]["total"]
    lo, hi = np.quantile(tot, [alpha / 2, 1 - alpha / 2])
    est = baseline.effects.loc[(baseline.ai, "total"), "estimate"]
    se = float(np.std(tot, ddof=1))
    return {
        "mechanism": "baseline",
        "verdict": direction(lo, hi),
        "basis": "ml",
        "verdict_basis": "total",
        "effect": float(est),
        "lower": float(lo),
        "upper": float(hi),
        "se": se,
        "p": mc_p(tot),
        "p_normal": float(2 * special.ndtr(-abs(est / se))) if se > 0 else np.nan,
        "mechanism_model": baseline.model,
        "fallback_reason": "",
    }


def mechanism_row(m, alpha=0.05) -> dict:
    """One channel's row of :func:`verdict` (see there for the columns)."""
    lo, hi = m.interval(alpha)
    ac, cy = m.ai_on_channel, m.channel_on_y
    qa = np.quantile(m.a_draws, [alpha / 2, 1 - alpha / 2])
    qb = np.quantile(m.b_draws, [alpha / 2, 1 - alpha / 2])
    return {
        "mechanism": m.name,
        "verdict": direction(lo, hi),
        "basis": getattr(m, "a_path_estimator", "ml"),
        "verdict_basis": "product",
        "a_p": mc_p(m.a_draws),
        "ai_direct_on_channel": float(ac.loc["direct", "estimate"]),
        "ai_indirect_on_channel": float(ac.loc["indirect", "estimate"]),
        "ai_total_on_channel": float(ac.loc["total", "estimate"]),
        "ai_channel_lower": float(qa[0]),
        "ai_channel_upper": float(qa[1]),
        "channel_total_on_y": float(cy.loc["total", "estimate"]),
        "channel_y_lower": float(qb[0]),
        "channel_y_upper": float(qb[1]),
        "effect": float(m.mediated["estimate"]),
        "lower": float(lo),
        "upper": float(hi),
        "se": float(m.mediated["se"]),
        "sobel_z": float(m.mediated["sobel_z"]),
        "sobel_p": float(m.mediated["sobel_p"]),
        "mechanism_model": m.mechanism_model,
        "fallback_reason": m.fallback_reason,
        **_parts_columns(m.mediated),
        **({"p": mc_p(m.mediated_draws)} if "local" in m.mediated else {}),
    }


def _parts_columns(med) -> dict:
    """The verdict columns of :func:`chain_parts` and the mediated effect's p (normal, Monte Carlo SE)."""
    if "local" not in med:  # a Mechanism built before the split existed
        return {}
    return {
        "p": float(med["p"]),
        "p_normal": float(med["p"]),
        "mediated_local": med["local"],
        "mediated_local_se": med["local_se"],
        "mediated_spillover": med["spillover"],
        "mediated_spillover_se": med["spillover_se"],
        "mediation_share": med["share"],
        "suppression": med["suppression"],
        **{
            k: med[k]
            for k in ("b_rv", "b_rv_alpha", "b_benchmark", "b_benchmark_r2dz", "b_benchmark_r2yz", "b_adjusted")
            if k in med
        },
    }


def add_adjusted_p(table: pd.DataFrame, adjust="holm") -> pd.DataFrame:
    """Add ``p_adjusted`` (Holm or Benjamini-Hochberg across the baseline and the mechanisms, of the
    ``p`` column; :func:`aicoord.study.mediation_parts.adjust_pvalues`) when the table has ``p``."""
    from .mediation_parts import adjust_pvalues

    if "p" not in table.columns:
        return table
    out = table.copy()
    out["p_adjusted"] = adjust_pvalues(out["p"].to_numpy(dtype=float), adjust)
    out.attrs["adjustment"] = adjust
    return out


def add_agreement(table: pd.DataFrame, grid: pd.DataFrame) -> pd.DataFrame:
    """Fill ``variants_agree``/``variants``: how many robustness variants give the same verdict.

    ``grid`` is the concatenation of :func:`aicoord.study.robustness_variant` tables (columns
    ``mechanism`` and ``verdict``, one row per variant × model × mechanism); variants that could not be
    estimated (verdict ``not estimated``) are counted in neither.
    """
    out = table.copy()
    estimated = grid[grid["verdict"] != "not estimated"]
    counts = []
    for mechanism, verdict in zip(out["mechanism"], out["verdict"], strict=True):
        g = estimated[estimated["mechanism"] == mechanism]
        counts.append((len(g), int((g["verdict"] == verdict).sum())))
    out["variants"] = [c[0] for c in counts]
    out["variants_agree"] = [c[1] for c in counts]
    return out
