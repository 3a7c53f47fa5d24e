"""A documented, seeded simulated demonstration panel (模拟数据) with known true parameters.

The study's real province-year panel is not public. To let every panel rule run, and to show that the
estimators recover what they should, :func:`simulate_demo_panel` generates a panel in the real-panel
format (long table: ``province, year, variables``) from the data-generating process (DGP) below. Every
table and figure built from it says "simulated data". Only the 2023 AI index is real (the seed paper's
Table 1); everything else is simulated. The DGP's parameters and its known truth are in
:mod:`aicoord.demo_truth` (every name of it importable from here too).

Data-generating process (version ``DGP_VERSION``)
--------------------------------------------------
Units :math:`i = 1..N` (the 31 provinces in reference order), years :math:`t = t_0..t_1` (default
2011–2023, :math:`T = t_1 - t_0 + 1`), :math:`W` the row-standardised queen matrix (Hainan linked to
Guangdong). :math:`A_i` is the seed's 2023 AI index (Table 1) and :math:`z_i = (A_i - \\bar A)/s_A` its
standardised value (population SD). All shocks are independent normal draws from
``numpy.random.default_rng(seed)``, drawn in the order in which they appear below.

1. AI index, backwards from the real 2023 values:

   .. math::

       a_{i,t_1} = A_i \\ \\text{(exactly)},\\qquad
       \\ln a_{i,t-1} = \\ln a_{i,t} - g_{it},\\qquad
       g_{it} = \\gamma_0 - \\gamma_1 z_i + e_{it},\\quad e_{it}\\sim N(0,\\sigma_g^2),

   with :math:`\\gamma_0 = 0.10`, :math:`\\gamma_1 = 0.02`, :math:`\\sigma_g = 0.04` (leaders grew a
   little more slowly in the last decade; the noise gives each province its own path).

1b. Endogenous AI (``endogenous=True``, the workflow's default ``demo.endogenous: true``; parameters
   :data:`ENDOGENEITY`). An unobserved confounder :math:`c_{it}` (not in the panel), a unit-wise stationary
   AR(1) with coefficient :math:`\\kappa` and unit variance, and a simulated instrument :math:`h_{it}`
   (column ``hub_exposure``, 模拟数据: a province-year exposure to AI-hub investment), i.i.d.
   :math:`N(0, 1)` across provinces and years, enter ln AI:

   .. math::

       \\ln a_{it} \\leftarrow \\ln a_{it} + \\phi\\,(h_{it} - h_{i,t_1}) + \\psi\\,(c_{it} - c_{i,t_1}),

   so that the last year keeps the real values (the subtracted terms are unit constants, absorbed by the
   unit effects), and :math:`\\delta\\,c_{it}` enters the outcome equation (step 4). Both come from their own
   generator ``default_rng([seed, seed_offset])``: every other draw, and the true effects, are unchanged.
   :math:`\\phi = 0.8`, :math:`\\psi = 0.6`, :math:`\\delta = 0.2`, :math:`\\kappa = 0.5`. The instrument has
   no spatial autocorrelation, so that :math:`h`, :math:`Wh` and :math:`W^2h` stay distinct after two-way
   demeaning. W·y is told apart from W·AI only through :math:`(\\theta + \\rho\\beta) W^2 a` (small here), so
   the instrument must move AI a lot against the outcome's noise: with the earlier :math:`\\phi = 0.3`,
   :math:`\\psi = \\delta = 0.25` the joint Kleibergen–Paap rk Wald F was 2.0 (SW F of W·AI 3.2). On the
   default seed the baseline SDM's first stage has Sanderson–Windmeijer F 26
   (AI), 29 (W·AI), 34 (W·y) and a joint Kleibergen–Paap rk Wald F of 13.6 (clustered by province).

2. Controls (government spending share ``gov`` and urbanisation rate ``urban``):

   .. math::

       gov_{it} = 0.22 + 0.05\\,\\xi^{g}_i + 0.002\\,(t-t_0) + 0.02\\,u^{g}_{it},\\qquad
       urban_{it} = 0.55 + 0.10\\,z_i + 0.01\\,(t-t_0) + 0.02\\,u^{u}_{it},

   :math:`\\xi^g_i, u^g_{it}, u^u_{it} \\sim N(0, 1)`.

3. Mechanism proxies :math:`m \\in` {industrial_upgrading, value_chain, resource_allocation,
   regional_brand}, each driven by AI with a known path coefficient :math:`\\pi_m` (per 10 index
   points) plus province and year effects:

   .. math::

       M_{m,it} = \\pi_m\\, a_{it}/10 + \\alpha_{m,i} + \\delta_{m,t} + u_{m,it},\\quad
       \\alpha_{m,i}\\sim N(0, 0.5^2),\\ \\delta_{m,t} = 0.02\\,(t-t_0),\\ u_{m,it}\\sim N(0,\\sigma_m^2),

   :math:`\\pi` = (0.30, 0, 0.30, 0.30) in the default setting ``scenario="A"`` (value-chain position
   has no path from AI), :math:`\\sigma_m = 0.3`. The mechanism equations have no spatial term, so
   AI's true direct effect on channel *m* is :math:`\\pi_m/10`, its spillover is zero and its total
   effect is :math:`\\pi_m/10`.

4. Outcome ``coord_gap`` (a regional coordination-gap indicator, larger = less coordinated), a two-way
   fixed-effects spatial Durbin process on :math:`X_t` = [ai, the four mechanisms, gov, urban]:

   .. math::

       y_t = \\rho W y_t + X_t\\beta + W X_t\\theta + \\mu + \\lambda_t\\iota + \\varepsilon_t,\\qquad
       y_t = (I-\\rho W)^{-1}(X_t\\beta + WX_t\\theta + \\mu + \\lambda_t\\iota + \\varepsilon_t),

   :math:`\\mu_i = 1 + 0.3\\,\\xi^{\\mu}_i`, :math:`\\lambda_t = -0.01\\,(t-t_0) + 0.02\\,\\xi^{\\lambda}_t`,
   :math:`\\varepsilon_{it}\\sim N(0,\\sigma^2)`, with :math:`\\rho` = 0.35, :math:`\\sigma^2` = 0.0025
   and :math:`\\beta, \\theta` in :data:`BETA`, :data:`THETA`: industrial upgrading, value-chain
   position and the regional brand *reduce* the gap (promote coordination), resource (mis)allocation
   (AI's siphon effect) *raises* it (hinders).

   Direct, indirect and total effects of regressor *k* are computed exactly from the true parameters
   (LeSage and Pace 2009): :math:`S_k = (I-\\rho W)^{-1}(\\beta_k I + \\theta_k W)`, direct = mean of
   the diagonal of :math:`S_k`, total = mean row sum, indirect = total − direct.

   **True verdicts.** Channel *m* carries AI's effect to the outcome with the true mediated total
   effect :math:`(\\pi_m/10)\\,\\tau_m`, :math:`\\tau_m = (\\beta_m+\\theta_m)/(1-\\rho)` the
   exact total effect of *m* on the outcome (row-standardised *W*). Its true direction is
   ``promotes`` when negative (AI lowers the gap through *m*), ``hinders`` when positive, ``none``
   when :math:`\\pi_m = 0` (a test must then find ``inconclusive``). Substituting the mechanism
   equations into the outcome gives the reduced model without mechanisms, an SDM in AI and the
   controls with coefficients :math:`\\beta_{ai} + \\sum_m \\beta_m\\pi_m/10` and
   :math:`\\theta_{ai} + \\sum_m \\theta_m\\pi_m/10` on AI and W·AI (the mechanisms' fixed effects
   and trends go into the two-way effects, their noise into the error); the true baseline effects of
   AI are that SDM's exact direct, indirect and total effects.

   **Settings.** ``scenario="A"`` (default): value chain null, industrial upgrading and the regional
   brand promote, resource allocation hinders, AI's baseline total effect promotes (negative).
   ``scenario="B"``: :math:`\\pi` = (0.30, 0.30, 0.30, 0), the regional brand null and the value
   chain promoting (:math:`\\beta_{vc}` = −0.20, :math:`\\theta_{vc}` = −0.05);
   :math:`\\beta_{ai}` = 0.015, :math:`\\theta_{ai}` = 0.008, so that AI's baseline total effect
   hinders (positive). The settings change only parameters, never the order of the random draws.
   The non-null links are sized so that every verdict comes out right on 94.5–99.5% of 200 seeded
   panels (``benchmarks/verdict_false_positive.py``), not only on the default seed.

5. Real GDP per capita (yuan, conditional β-convergence towards province steady states) and
   population (10,000 persons):

   .. math::

       \\ln y^*_i = 11.0 + 0.25 z_i + 0.10\\,\\xi^{*}_i,\\qquad
       \\ln y_{i,t_0} = 10.4 + 0.45 z_i + 0.15\\,\\xi^{0}_i,

       \\ln y_{i,t+1} - \\ln y_{it} = g_t + \\beta_c(\\ln y_{it} - \\ln y^*_i) + v_{it},\\quad
       g_t = 0.06 - 0.002\\,(t-t_0),\\ v_{it}\\sim N(0, 0.01^2),

       \\ln P_{it} = \\ln 4500 + 0.7\\,\\xi^{P}_i + n_i(t - t_0),\\quad n_i\\sim N(0.004, 0.004^2),

   with :math:`\\beta_c = -0.08` per year, i.e. speed :math:`-\\ln(1+\\beta_c)` and half-life
   :math:`\\ln 2/\\text{speed}`. Note that a within (province fixed-effects) estimate of
   :math:`\\beta_c` from a short panel has the Nickell (1981) bias of order :math:`1/T`; the truth is
   the DGP's :math:`\\beta_c`, not the probability limit of that estimator.

**Below the provinces** (``units``: prefectures or counties, :mod:`aicoord.units`), the same DGP runs on
the units of the level with :math:`W` the level's matrix, with two changes, drawn *before* every draw
above from the same generator: the last year's AI index of unit *i* in province *p(i)* is simulated
around the province's real value, :math:`A_i = A_{p(i)}\\exp(0.3\\,\\xi^A_i - 0.045)`,
:math:`\\xi^A_i\\sim N(0,1)` (so that the provinces' ranking carries over to their units and the mean
of :math:`\\exp(\\cdot)` is one); and the population intercept is :math:`\\ln(4500\\cdot 31/N)`, so that
the country's population stays about the same. The panel's unit column (``province``) then holds the
6-digit codes (names are not unique among counties) and a ``name`` column the names. All of it is
simulated, including the last year's AI index.

The truth (every parameter above, the implied effects, the seed and the DGP version) is returned as a
dict; :func:`truth_table` flattens it into a CSV-ready table. :func:`fit_demo_sdm` and
:func:`recovery_table` estimate the outcome equation with :class:`aicoord.panel.SpatialPanel` (two-way
fixed effects, Lee–Yu bias correction) and compare every estimate with its true value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .demo_truth import (
    BETA,
    DEFAULTS,
    DEMO_DICTIONARY,
    DGP_VERSION,
    ENDOGENEITY,
    INSTRUMENT,
    MECHANISM_NAMES,
    PI,
    REGRESSORS,
    SCENARIOS,
    THETA,
    demo_dictionary,
    true_effects,
    true_verdicts,
    truth_table,
)
from .provinces import province_table
from .weights import dense_w

__all__ = [
    "PILOT_DGP",
    "simulate_pilot_outcome",
    "ENDOGENEITY",
    "INSTRUMENT",
    "demo_dictionary",
    "DGP_VERSION",
    "BETA",
    "THETA",
    "PI",
    "SCENARIOS",
    "MECHANISM_NAMES",
    "REGRESSORS",
    "DEMO_DICTIONARY",
    "simulate_demo_panel",
    "true_verdicts",
    "true_effects",
    "truth_table",
    "fit_demo_sdm",
    "fit_demo_iv",
    "recovery_table",
    "baseline_recovery",
]


def simulate_demo_panel(
    ai_2023: pd.Series,
    w,
    years=(2011, 2023),
    seed: int = 20250,
    truth: dict | None = None,
    scenario: str = "A",
    units: pd.DataFrame | None = None,
    endogenous: bool = False,
) -> tuple[pd.DataFrame, dict]:
    """Simulate the demonstration panel (see the module docstring for the DGP).

    Parameters
    ----------
    ai_2023 : pandas.Series
        The seed's 2023 AI index indexed by province code (all 31 provinces), e.g. from
        ``read_province_table(path, "province", ["ai_index"])["ai_index"]``. Its values become the
        last year's AI index exactly.
    w : libpysal.weights.W, pandas.DataFrame or numpy.ndarray
        Spatial weights (ids = province codes); row-standardised here.
    years : (int, int)
        First and last year; the last year carries the real AI values.
    seed : int
        Seed of ``numpy.random.default_rng``.
    truth : dict, optional
        Overrides of the scalar parameters ``rho``, ``sigma2``, ``beta_convergence``, ``gamma0``,
        ``gamma1``, ``sigma_g``, ``sigma_m`` and of the dicts ``beta``, ``theta``, ``pi``, applied on
        top of the named setting.
    scenario : {"A", "B"}
        Named setting of :data:`SCENARIOS` (see the module docstring): ``"A"`` (default) or ``"B"``.
    units : pandas.DataFrame, optional
        The units below the provinces (columns ``code``, ``name_short``, ``province``, e.g.
        :func:`aicoord.units.unit_table` of ``"prefecture"``); ``w`` then has these codes as ids. Default:
        the 31 provinces.
    endogenous : bool
        Step 1b of the DGP: an unobserved confounder moves AI and the outcome, and a simulated instrument
        (column :data:`INSTRUMENT`) moves AI only (parameters :data:`ENDOGENEITY`, overridable under
        ``truth["endogeneity"]``). Default False: the panel of ``demo-sdm-2`` exactly (the workflow's demo sets it
        True, ``demo.endogenous``).

    Returns
    -------
    (panel, truth) : (pandas.DataFrame, dict)
        ``panel``: columns ``province`` (Chinese short name), ``code``, ``year``, ``ai_index``,
        ``coord_gap``, ``gdp_pc``, ``population``, ``gov``, ``urban`` and the four mechanisms, sorted by
        province (reference order) and year. ``truth``: every parameter, the exact effects, the
        ``verdicts`` block of :func:`true_verdicts`, the ``scenario``, the seed and :data:`DGP_VERSION`.
    """
    t0, t1 = int(years[0]), int(years[1])
    if t1 <= t0:
        raise ValueError("the last year must be after the first")
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; choose one of {sorted(SCENARIOS)}")
    named = SCENARIOS[scenario]
    over = dict(truth or {})
    par = {**DEFAULTS, **{k: v for k, v in {**named, **over}.items() if k in DEFAULTS}}
    beta = {**BETA, **named.get("beta", {}), **over.get("beta", {})}
    theta = {**THETA, **named.get("theta", {}), **over.get("theta", {})}
    pi = {**PI, **named.get("pi", {}), **over.get("pi", {})}
    table = province_table() if units is None else units.reset_index(drop=True)
    codes = list(table["code"])
    provinces = list(province_table()["code"]) if units is None else list(table["province"])
    ai = pd.Series(ai_2023, dtype=float)
    ai.index = ai.index.map(str)
    missing = sorted({c for c in provinces if c not in ai.index})
    if missing:
        raise ValueError(f"ai_2023 lacks provinces {missing}")
    A = ai.loc[provinces].to_numpy(dtype=float)
    W = dense_w(w, codes)
    N, T = len(codes), t1 - t0 + 1
    tt = np.arange(T, dtype=float)  # t - t0
    rng = np.random.default_rng(seed)
    if units is not None:  # below the provinces: the last year's AI is simulated around the province's
        A = A * np.exp(0.3 * rng.normal(size=N) - 0.045)
    z = (A - A.mean()) / A.std()

    # 1. AI, backwards from the real last year
    e = rng.normal(0.0, par["sigma_g"], size=(T - 1, N))
    g = par["gamma0"] - par["gamma1"] * z[None, :] + e  # g[s] = growth into year t0 + s + 1
    ln_a = np.empty((T, N))
    ln_a[-1] = np.log(A)
    for s in range(T - 2, -1, -1):
        ln_a[s] = ln_a[s + 1] - g[s]
    endo = None
    if endogenous:  # 1b. confounder and instrument, from their own generator: every later draw is unchanged
        endo = {**ENDOGENEITY, **over.get("endogeneity", {})}
        rng_c = np.random.default_rng([int(seed), int(endo["seed_offset"])])
        k = endo["kappa"]
        conf = np.empty((T, N))
        conf[0] = rng_c.normal(size=N)
        for s in range(1, T):
            conf[s] = k * conf[s - 1] + np.sqrt(1.0 - k * k) * rng_c.normal(size=N)
        zi = rng_c.normal(size=(T, N))
        ln_a = ln_a + endo["phi"] * (zi - zi[-1]) + endo["psi"] * (conf - conf[-1])
    a = np.exp(ln_a)
    a[-1] = A  # exactly the published values (no exp/log round trip)

    # 2. controls
    xi_g = rng.normal(size=N)
    gov = 0.22 + 0.05 * xi_g[None, :] + 0.002 * tt[:, None] + 0.02 * rng.normal(size=(T, N))
    urban = 0.55 + 0.10 * z[None, :] + 0.01 * tt[:, None] + 0.02 * rng.normal(size=(T, N))

    # 3. mechanisms
    mech = {}
    for m in MECHANISM_NAMES:
        alpha = rng.normal(0.0, 0.5, size=N)
        u = rng.normal(0.0, par["sigma_m"], size=(T, N))
        mech[m] = pi[m] * a / 10.0 + alpha[None, :] + 0.02 * tt[:, None] + u

    # 4. outcome: two-way FE spatial Durbin process
    X = {"ai_index": a, **mech, "gov": gov, "urban": urban}
    mu = 1.0 + 0.3 * rng.normal(size=N)
    lam = -0.01 * tt + 0.02 * rng.normal(size=T)
    eps = rng.normal(0.0, np.sqrt(par["sigma2"]), size=(T, N))
    A_inv = np.linalg.inv(np.eye(N) - par["rho"] * W)
    y = np.empty((T, N))
    for s in range(T):
        rhs = mu + lam[s] + eps[s] + (endo["delta"] * conf[s] if endo else 0.0)
        for v in REGRESSORS:
            rhs = rhs + beta[v] * X[v][s] + theta[v] * (W @ X[v][s])
        y[s] = A_inv @ rhs

    # 5. GDP per capita and population
    ln_ystar = 11.0 + 0.25 * z + 0.10 * rng.normal(size=N)
    ln_y = np.empty((T, N))
    ln_y[0] = 10.4 + 0.45 * z + 0.15 * rng.normal(size=N)
    v = rng.normal(0.0, 0.01, size=(T - 1, N))
    for s in range(T - 1):
        ln_y[s + 1] = ln_y[s] + (0.06 - 0.002 * s) + par["beta_convergence"] * (ln_y[s] - ln_ystar) + v[s]
    ln_p0 = np.log(4500.0 * (1.0 if units is None else 31.0 / N)) + 0.7 * rng.normal(size=N)
    n_i = rng.normal(0.004, 0.004, size=N)
    pop = np.exp(ln_p0[None, :] + n_i[None, :] * tt[:, None])

    names = table.set_index("code").loc[codes, "name_short"].to_numpy()
    ids = names if units is None else np.asarray(codes)
    cols = {
        "coord_gap": y,
        "ai_index": a,
        "gdp_pc": np.exp(ln_y),
        "population": pop,
        "gov": gov,
        "urban": urban,
        **mech,
        **({INSTRUMENT: zi} if endo else {}),
    }
    rows = {"province": np.tile(ids, T), "code": np.tile(codes, T), "year": np.repeat(np.arange(t0, t1 + 1), N)}
    if units is not None:
        rows["name"] = np.tile(names, T)
    panel = pd.DataFrame({**rows, **{k: val.ravel() for k, val in cols.items()}})
    order = [
        "province",
        *(["name"] if units is not None else []),
        "code",
        "year",
        "ai_index",
        "coord_gap",
        "gdp_pc",
        "population",
        "gov",
        "urban",
        *MECHANISM_NAMES,
        *([INSTRUMENT] if endo else []),
    ]
    key = {c: i for i, c in enumerate(codes)}
    panel = panel[order].sort_values(["code", "year"], key=lambda s: s.map(key) if s.name == "code" else s)
    panel = panel.reset_index(drop=True)

    eff = true_effects(par["rho"], beta, theta, W)
    bc = par["beta_convergence"]
    speed = -np.log1p(bc)
    out = {
        "dgp_version": DGP_VERSION,
        "seed": int(seed),
        "years": [t0, t1],
        "N": N,
        "T": T,
        "rho": par["rho"],
        "sigma2": par["sigma2"],
        "beta": beta,
        "theta": theta,
        "mechanism_paths": pi,
        "mechanism_path_unit": "per 10 AI index points",
        "sigma_m": par["sigma_m"],
        "ai_growth": {"gamma0": par["gamma0"], "gamma1": par["gamma1"], "sigma_g": par["sigma_g"]},
        "convergence": {"beta": bc, "speed": float(speed), "half_life": float(np.log(2) / speed)},
        "effects": {v: eff.loc[v].to_dict() for v in REGRESSORS},
        "outcome": "coord_gap",
        "regressors": list(REGRESSORS),
        "scenario": scenario,
        "verdicts": true_verdicts(par["rho"], beta, theta, pi, W),
    }
    if endo:
        out["endogeneity"] = {
            **{k: float(v) for k, v in endo.items()},
            "instrument": INSTRUMENT,
            "confounder": "unobserved AR(1) c_it (not in the panel), in ln AI (psi) and the outcome (delta)",
            "simulated": True,
        }
    return panel, out


def fit_demo_sdm(panel: pd.DataFrame, w, *, y="coord_gap", x=REGRESSORS, unit="code", year="year", lee_yu=True):
    """Two-way fixed-effects SDM of the outcome with :class:`aicoord.panel.SpatialPanel`."""
    from .panel import SpatialPanel

    codes = sorted(map(str, panel[unit].unique()))
    W = pd.DataFrame(dense_w(w, codes), index=codes, columns=codes)
    d = panel.copy()
    d[unit] = d[unit].astype(str)
    return SpatialPanel(d, y=y, x=list(x), id=unit, time=year, w=W, model="sdm", effects="twoways", lee_yu=lee_yu).fit()


def fit_demo_iv(
    panel: pd.DataFrame,
    w,
    *,
    y="coord_gap",
    x=REGRESSORS,
    endog="ai_index",
    instruments=(INSTRUMENT,),
    unit="code",
    year="year",
    estimator="2sls",
    cov_type="cluster",
):
    """The demo's outcome equation by spatial 2SLS (or GMM) with ``endog`` instrumented by ``instruments`` and
    their W-lags (:mod:`aicoord.panel.iv`), two-way fixed effects, clustered by unit."""
    from .panel import SpatialPanel

    codes = sorted(map(str, panel[unit].unique()))
    W = pd.DataFrame(dense_w(w, codes), index=codes, columns=codes)
    d = panel.copy()
    d[unit] = d[unit].astype(str)
    return SpatialPanel(
        d,
        y=y,
        x=[v for v in x if v != endog],
        id=unit,
        time=year,
        w=W,
        model="sdm",
        effects="twoways",
        endog=[endog],
        instruments=list(instruments),
    ).fit(cov_type=cov_type, estimator=estimator)


def baseline_recovery(
    panel: pd.DataFrame, w, truth: dict, *, controls=("gov", "urban"), alpha=0.05, draws=1000, seed=1
) -> pd.DataFrame:
    """AI's coefficients and effects in the *baseline* equation (the reduced SDM of the outcome on AI and the
    controls, without the mechanisms) by ML and by spatial 2SLS, against the truth of
    :func:`true_verdicts` (``truth["verdicts"]["baseline"]``).

    This is the equation in which the instrument identifies AI's effect: in the outcome equation the
    mechanisms depend on AI and so carry the confounder, and would need instruments of their own.

    Returns
    -------
    pandas.DataFrame
        Rows ``estimator`` (``ml``, ``2sls``) x (beta, theta of ``ai_index``, direct/indirect/total effects),
        columns as :func:`recovery_table` plus ``equation`` = ``baseline``.
    """
    from scipy.special import ndtri

    base = truth["verdicts"]["baseline"]
    q = float(ndtri(1 - alpha / 2))
    x = ["ai_index", *controls]
    fits = {"ml": fit_demo_sdm(panel, w, y=truth["outcome"], x=x)}
    endo = truth.get("endogeneity")
    if endo and endo["instrument"] in panel.columns:
        fits["2sls"] = fit_demo_iv(panel, w, y=truth["outcome"], x=x, instruments=[endo["instrument"]])
    rows = []
    for name, res in fits.items():
        imp = res.impacts(draws=draws, seed=seed)
        vals = [
            ("coefficient", "beta", base["beta"], float(res.params["ai_index"]), float(res.std_errors["ai_index"])),
            (
                "coefficient",
                "theta",
                base["theta"],
                float(res.params["W*ai_index"]),
                float(res.std_errors["W*ai_index"]),
            ),
        ]
        vals += [
            ("effect", k, base[k], float(imp.loc[("ai_index", k), "estimate"]), float(imp.loc[("ai_index", k), "se"]))
            for k in ("direct", "indirect", "total")
        ]
        for kind, param, true, est, se in vals:
            lo, hi = est - q * se, est + q * se
            rows.append(
                {
                    "estimator": name,
                    "equation": "baseline",
                    "kind": kind,
                    "parameter": param,
                    "variable": "ai_index",
                    "true": true,
                    "estimate": est,
                    "se": se,
                    "lower": lo,
                    "upper": hi,
                    "covers": bool(lo <= true <= hi),
                    "nobs": int(res.nobs),
                }
            )
    return pd.DataFrame(rows)


def recovery_table(res, truth: dict, *, alpha=0.05, draws=1000, seed=1) -> pd.DataFrame:
    """Estimates of the demo's outcome equation against the truth.

    ``res`` is an ML fit (:func:`fit_demo_sdm`) or an IV fit (:func:`fit_demo_iv`; no σ² row: 2SLS does not
    estimate it by likelihood).

    Returns
    -------
    pandas.DataFrame
        Rows for every β, θ (``W*var``), ρ, σ² and the direct/indirect/total effects, with columns
        ``kind``, ``parameter``, ``variable``, ``true``, ``estimate``, ``se``, ``lower``, ``upper``
        (normal (1 − alpha) CI) and ``covers``.
    """
    from scipy.special import ndtri

    q = float(ndtri(1 - alpha / 2))
    rows = []

    def add(kind, param, var, true, est, se):
        lo, hi = est - q * se, est + q * se
        rows.append(
            {
                "kind": kind,
                "parameter": param,
                "variable": var,
                "true": true,
                "estimate": est,
                "se": se,
                "lower": lo,
                "upper": hi,
                "covers": bool(lo <= true <= hi),
            }
        )

    p, s = res.params, res.std_errors
    for v, b in truth["beta"].items():
        add("coefficient", "beta", v, b, float(p[v]), float(s[v]))
    for v, th in truth["theta"].items():
        add("coefficient", "theta", v, th, float(p[f"W*{v}"]), float(s[f"W*{v}"]))
    add("coefficient", "rho", "", truth["rho"], float(p["rho"]), float(s["rho"]))
    if hasattr(res, "sigma2_se"):
        add("coefficient", "sigma2", "", truth["sigma2"], float(res.sigma2), float(res.sigma2_se))
    imp = res.impacts(draws=draws, seed=seed)
    for v, e in truth["effects"].items():
        for k in ("direct", "indirect", "total"):
            r = imp.loc[(v, k)]
            add("effect", k, v, e[k], float(r["estimate"]), float(r["se"]))
    return pd.DataFrame(rows)


#: Parameters of the simulated pilot-zone outcome (``pilot_outcome``) below the provinces: effect
#: ``tau(g, e) = a + b e + c (g - 2020)`` for ``e >= 0`` years since treatment, spillover on ``W D``.
PILOT_DGP = {"a": 0.05, "b": 0.03, "c": 0.01, "spill": 0.02, "sigma": 0.05, "seed_offset": 27}


def simulate_pilot_outcome(codes, years, W, cohorts: pd.Series, seed: int, par: dict | None = None):
    """Simulated outcome (模拟数据) with a known dynamic, cohort-varying effect of the AI pilot zones and a W*D
    spillover, for the units ``codes`` (the real pilot cities' cohorts, :func:`aicoord.did.pilot_cohorts`).

    ``pilot_outcome_it = mu_i + lambda_t + tau(g_i, t - g_i) D_it + spill (W D_t)_i + eps_it`` with
    ``mu_i ~ N(1, 0.3^2)``, ``lambda_t = 0.01 (t - t0)``, ``eps ~ N(0, sigma^2)`` drawn from
    ``numpy.random.default_rng([seed, seed_offset])`` (so the rest of the demo panel is unchanged) and
    :data:`PILOT_DGP`. ``W`` is row-standardised in ``codes`` order.

    Returns ``(values, truth)``: an (N, T) array and the truth (parameters, the ATT by event time, the overall ATT
    over treated unit-years, the cohorts).
    """
    p = {**PILOT_DGP, **(par or {})}
    codes = [str(c) for c in codes]
    years = np.asarray(list(years))
    rng = np.random.default_rng([int(seed), int(p["seed_offset"])])
    g = pd.Series(cohorts).reindex(codes).fillna(0).astype(int).to_numpy()
    D = ((g[:, None] > 0) & (years[None, :] >= g[:, None])).astype(float)
    e = years[None, :] - g[:, None]
    tau = np.where(D > 0, p["a"] + p["b"] * e + p["c"] * (g[:, None] - 2020), 0.0)
    Wm = np.asarray(W, dtype=float)
    rs = Wm.sum(1, keepdims=True)
    Wm = np.divide(Wm, rs, out=np.zeros_like(Wm), where=rs > 0)
    mu = rng.normal(1.0, 0.3, len(codes))
    lam = 0.01 * (years - years[0])
    y = mu[:, None] + lam[None, :] + tau + p["spill"] * (Wm @ D) + rng.normal(0, p["sigma"], D.shape)
    tr = D > 0
    att_e = pd.Series(tau[tr]).groupby(e[tr]).mean()
    truth = {
        **{k: float(v) for k, v in p.items()},
        "formula": "y = mu_i + lambda_t + (a + b e + c (g - 2020)) D + spill W D + eps",
        "att_by_event": {str(int(k)): float(v) for k, v in att_e.items()},
        "att": float(tau[tr].mean()),
        "cohorts": {c: int(v) for c, v in zip(codes, g) if v > 0},
    }
    return y, truth
