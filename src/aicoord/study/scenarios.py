"""Counterfactual AI scenarios from the estimated baseline model's reduced form.

For a change ΔA of the AI index in one year (other regressors fixed), the SDM's reduced form gives

.. math::

    \\Delta y = (I-\\rho W)^{-1}(\\beta\\,\\Delta A + \\theta\\, W\\Delta A),

split into an *own* part, :math:`\\operatorname{diag}(S)\\,\\Delta A` with
:math:`S = (I-\\rho W)^{-1}(\\beta I + \\theta W)` (each province's response to its own change), and
a *spillover* part, the rest (the response to the other provinces' changes). SAR: θ = 0; SEM/SLX:
ρ = 0.

Scenario specs (dicts):

* ``{"name": "catch_up", "kind": "raise_to_mean", "regions": ["Central", "West", "Northeast"],
  "year": 2023}``: provinces of the listed regions whose AI is below the national (unweighted)
  mean of that year are raised to it;
* ``{"name": "freeze", "kind": "freeze_growth", "regions": ["East"], "year": 2023}``: the listed
  regions' AI stays at its previous-year value (ΔA = A_{t−1} − A_t);
* ``{"name": "plus10", "kind": "shift", "regions": [...], "amount": 10}``: AI raised by ``amount``.

``year`` defaults to the panel's last year, ``regions`` to all regions.

Dispersion. The outcome after the scenario is y_t + Δy, with y_t the observed outcome of the year.
The CV, Theil T and Dagum Gini (with its within/between decomposition by region) need strictly
positive values. The outcome is used as it is when all baseline and scenario values are positive;
otherwise a constant ``shift`` (a parameter, the same for both states; it changes the level of
the measures, so it is reported in the table) must be given, and draws in which a shifted value is
still not positive are dropped and counted (``dropped_draws``). Without ``shift`` and with a
non-positive value at the point estimate the function raises ``ValueError``.

Intervals: ``draws`` parameter vectors from the baseline fit's asymptotic normal; percentile
(1 − alpha) intervals of every quantity.
"""

from __future__ import annotations

import logging
import math

import numpy as np
import pandas as pd

from ._common import param_draws, spectrum

__all__ = ["scenarios", "scenario_change", "reduced_form_change", "dispersion"]


def reduced_form_change(W: np.ndarray, rho: float, beta: float, theta: float, dx: np.ndarray):
    """Δy, own and spillover parts for one parameter vector, from the eigen-decomposition of W
    (:class:`aicoord.study._common.Spectrum`, computed once per W: O(N²) per parameter vector)."""
    return _change(spectrum(W), rho, beta, theta, dx)


def _change(spec, rho, beta, theta, dx):
    """:func:`reduced_form_change` from W's :class:`~aicoord.study._common.Spectrum` (looked up once for all
    draws: finding it hashes W, 0.1 s for a dense county matrix, which per draw was most of the step's time)."""
    dy = spec.apply(rho, beta, theta, dx)
    own = spec.diagonal(rho, beta, theta) * dx
    return dy, own, dy - own


def scenario_change(data, spec, *, ai, unit, time, ids, regions) -> np.ndarray:
    """ΔA (in the order of ``ids``) implied by one scenario spec (see the module docstring)."""
    year = spec.get("year", int(data[time].max()))
    cur = data[data[time] == year].set_index(unit)[ai].reindex(ids).to_numpy(float)
    if np.isnan(cur).any():
        raise ValueError(f"AI missing for some units in {year}")
    reg = regions.reindex(ids).to_numpy()
    sel = np.isin(reg, spec.get("regions", list(pd.unique(reg))))
    kind = spec["kind"]
    dx = np.zeros(len(ids))
    if kind == "raise_to_mean":
        dx[sel] = np.clip(cur.mean() - cur[sel], 0, None)
    elif kind == "freeze_growth":
        prev = data[data[time] == year - 1].set_index(unit)[ai].reindex(ids).to_numpy(float)
        if np.isnan(prev).any():
            raise ValueError(f"freeze_growth needs AI in {year - 1}")
        dx[sel] = prev[sel] - cur[sel]
    elif kind == "shift":
        dx[sel] = float(spec["amount"])
    else:
        raise ValueError(f"unknown scenario kind {kind!r}")
    return dx


def _pair_abs_sum(v: np.ndarray) -> np.ndarray:
    """Σ_i Σ_r |v_i − v_r| of every row of ``v`` (rows × m): with the row sorted, 2 Σ_i (2i − m + 1) v_(i)."""
    srt = np.sort(v, axis=1)
    m = srt.shape[1]
    return 2.0 * (srt @ (2.0 * np.arange(m) - m + 1))


def dispersion(values, groups) -> dict:
    """CV, Theil T and the Dagum Gini (total, within, between, each group's) of every row of ``values``.

    The scenarios' measures for a whole set of parameter draws at once: row by row they equal
    :func:`aicoord.inequality.sigma_convergence` (``cv``), :func:`~aicoord.inequality.theil` (``theil_t``,
    the total) and :func:`~aicoord.inequality.dagum_gini` (``gini`` = G, ``gini_within`` = G_w,
    ``gini_between`` = G_nb + G_t = G − G_w, ``gini_<group>`` = G_jj), unweighted, but without building
    their tables for each draw (4,000 calls took some 45 s at N = 31).

    Parameters
    ----------
    values : array_like, shape (draws, n) or (n,)
        Strictly positive values, one row per draw.
    groups : array_like, shape (n,)
        Group label of each column.

    Returns
    -------
    dict
        Measure name -> array of shape (draws,). The ``gini_<group>`` entries come in Dagum's order of the
        groups, by increasing mean in the first row.
    """
    v = np.atleast_2d(np.asarray(values, dtype=float))
    g = np.asarray(groups, dtype=object)
    n = v.shape[1]
    mu = v.mean(axis=1)
    share = v / v.sum(axis=1, keepdims=True)
    total = _pair_abs_sum(v) / (2.0 * n * n * mu)
    own, within = {}, np.zeros(len(v))
    labels = list(dict.fromkeys(g.tolist()))
    for lab in labels:
        vj = v[:, g == lab]
        nj, muj = vj.shape[1], vj.mean(axis=1)
        own[lab] = _pair_abs_sum(vj) / (2.0 * nj * nj * muj)
        within += own[lab] * (nj / n) * (nj * muj / (n * mu))
    labels.sort(key=lambda lab: v[0, g == lab].mean())  # Dagum orders the groups by mean (stable sort)
    out = {
        "cv": v.std(axis=1) / mu,
        "theil_t": np.sum(share * np.log(share * n), axis=1),
        "gini": total,
        "gini_within": within,
        "gini_between": total - within,
    }
    out.update({f"gini_{lab}": own[lab] for lab in labels})
    return out


def scenarios(base, specs, *, regions=None, draws=1000, seed=1, alpha=0.05, shift=None):
    """Predicted effects of AI scenarios on each province's outcome and on its dispersion.

    Parameters
    ----------
    base : aicoord.study.Baseline
        The estimated baseline model (its fit, data, ids and row-standardised W are used).
    specs : list of dict
        Scenario specs (module docstring); each needs ``kind`` and may give ``name``, ``regions``,
        ``year``, ``amount``.
    regions : pandas.Series, optional
        Region by unit id; default ``region4`` of :func:`aicoord.provinces.province_table`.
    draws, seed : int
        Parameter draws for the intervals.
    alpha : float
    shift : float, optional
        Constant added to the outcome before the dispersion measures (needed only when a value is
        not positive; see the module docstring).

    Returns
    -------
    (provinces, dispersion) : (pandas.DataFrame, pandas.DataFrame)
        ``provinces``: ``scenario``, ``unit``, ``region``, ``year``, ``delta_ai``, ``y_before``, and
        for ``delta_y``, ``own``, ``spillover`` the estimate with ``_lower``/``_upper``.
        ``dispersion``: ``scenario``, ``measure`` (cv, theil_t, gini, gini_within, gini_between and
        ``gini_<region>``, the Dagum within-region Gini of each region),
        ``before``, ``after``, ``change`` with ``change_lower``/``change_upper``, ``shift``,
        ``dropped_draws``.
    """
    st, res, ai = base.setting, base.fit, base.ai
    kind = res.model.model
    if regions is None:
        from ..provinces import province_table

        pt = province_table()
        regions = pd.Series(pt["region4"].to_numpy(), index=pt["code"].astype(str))
    regions = pd.Series(regions)
    regions.index = regions.index.map(str)
    ids, W = st.ids, st.W
    sims = param_draws(res, draws, np.random.default_rng(seed), W)

    def parts(par):
        rho = float(par["rho"]) if kind in ("sar", "sdm") else 0.0
        th = float(par[f"W*{ai}"]) if f"W*{ai}" in par else 0.0
        return rho, float(par[ai]), th

    pt_par = parts(res.params)
    sim_par = [parts(r) for _, r in sims.iterrows()]
    groups = regions.reindex(ids).to_numpy()
    prov_rows, disp_rows = [], []
    q = [alpha / 2, 1 - alpha / 2]
    for k, spec in enumerate(specs):
        name = spec.get("name", f"scenario_{k + 1}")
        year = spec.get("year", int(st.data[st.time].max()))
        dx = scenario_change(
            st.data, {**spec, "year": year}, ai=ai, unit=st.unit, time=st.time, ids=ids, regions=regions
        )
        y0 = st.data[st.data[st.time] == year].set_index(st.unit)[base.y].reindex(ids).to_numpy(float)
        spec_w = spectrum(W)
        dy, own, sp = _change(spec_w, *pt_par, dx)
        logging.getLogger(__name__).info("scenario %s: %d draws at once", name, len(sim_par))
        s_dy, s_own = spec_w.changes(*np.array(sim_par, dtype=float).reshape(-1, 3).T, dx)  # every draw at once
        sim = np.stack([s_dy, s_own, s_dy - s_own], axis=1)  # draws x 3 x N
        lo, hi = np.quantile(sim, q, axis=0)
        for i, c in enumerate(ids):
            row = {"scenario": name, "unit": c, "region": groups[i], "year": year, "delta_ai": dx[i], "y_before": y0[i]}
            for j, lab in enumerate(("delta_y", "own", "spillover")):
                row[lab] = (dy, own, sp)[j][i]
                row[f"{lab}_lower"], row[f"{lab}_upper"] = lo[j, i], hi[j, i]
            prov_rows.append(row)
        c0 = 0.0 if shift is None else float(shift)
        before, after = y0 + c0, y0 + dy + c0
        if min(before.min(), after.min()) <= 0:
            raise ValueError("the outcome is not positive everywhere; pass shift= (see the module docstring)")
        m0 = {m: float(x[0]) for m, x in dispersion(before, groups).items()}
        m1 = {m: float(x[0]) for m, x in dispersion(after, groups).items()}
        drawn = y0 + sim[:, 0, :] + c0
        keep = drawn.min(axis=1) > 0
        dropped = int((~keep).sum())
        ms = dispersion(drawn[keep], groups) if keep.any() else None
        for m in m0:
            l_, u_ = np.quantile(ms[m] - m0[m], q) if ms is not None else (np.nan, np.nan)
            disp_rows.append(
                {
                    "scenario": name,
                    "year": year,
                    "measure": m,
                    "before": m0[m],
                    "after": m1[m],
                    "change": m1[m] - m0[m],
                    "change_lower": l_,
                    "change_upper": u_,
                    "shift": c0,
                    "dropped_draws": dropped,
                }
            )
    return pd.DataFrame(prov_rows), pd.DataFrame(disp_rows)


def dispersion_shift(y) -> float | None:
    """The constant added to the outcome before its CV, Theil and Gini are taken: none when every value is
    positive, else the smallest whole number that lifts every observed value to at least 1 (reported in the
    dispersion table's ``shift`` column; it changes the measures' levels, not the sign of their changes)."""
    low = float(pd.Series(y).min())
    return None if low > 0 else float(math.ceil(1.0 - low))
