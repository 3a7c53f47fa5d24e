"""The study's verdict table: one row per channel and one for the baseline, each with its figure, interval,
p-value and verdict.

A row's verdict is that of its interval (:func:`aicoord.study._common.direction`, worded in
:data:`VERDICT_RULE`): the Monte Carlo percentile interval of the mediated total effect for a channel
(:func:`mechanism_row`), of AI's total effect for the baseline (:func:`baseline_row`); its p is read from the
same draws (:func:`mc_p`), so the stars of a p and the verdict agree. On request the baseline rests on spatial
2SLS (:func:`iv_baseline`) and a channel on its a path alone (:func:`a_path_verdict`, Jiang Ting 2022). The
p-values of the baseline and the channels are adjusted together (Holm or Benjamini-Hochberg,
:func:`add_adjusted_p`), and :func:`add_agreement` compares each verdict with those of the robustness grid.

The mechanism estimates the rows are built from are those of :mod:`aicoord.study.mechanisms`, which
re-exports every public name here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from ._common import direction

__all__ = [
    "VERDICT_RULE",
    "VERDICT_BASIS",
    "mc_p",
    "iv_baseline",
    "a_path_verdict",
    "add_adjusted_verdict",
    "verdict_rule",
    "verdict_note",
    "verdict",
    "baseline_row",
    "mechanism_row",
    "add_adjusted_p",
    "add_agreement",
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
