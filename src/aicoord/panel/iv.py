"""Spatial two-stage least squares and efficient GMM for panels with endogenous regressors.

Model (balanced panel, fixed effects removed by the within transformation of :mod:`aicoord.panel.data`)::

    y = rho W y + X b + Y g + W X t + W Y d + FE + e

with ``X`` the exogenous regressors, ``Y`` the regressors declared endogenous (``endog``), ``W X`` / ``W Y``
the spatial lags of those in ``wx`` (SDM, SLX) and ``rho W y`` in the SAR and SDM.  Spatial lags are taken
on the raw data and demeaned afterwards, exactly as in the ML engine, so the design matrix is the one of
:class:`aicoord.panel.SpatialPanel`.

Instruments (Kelejian and Prucha 1998; Drukker, Egger and Prucha 2013; Fingleton and Le Gallo 2008):

* included (exogenous) regressors: ``X`` and the ``W X`` terms of the model (and the constant of a pooled
  model);
* for ``W y``: the spatial lags ``W^j x`` of every exogenous regressor not already a regressor
  (``j = 1..w_lags`` for a variable without a ``W*`` term, ``j = 2..w_lags+1`` for one with it);
* for the endogenous regressors and their W-lags: the excluded instruments ``Z`` and their lags ``W^j Z``
  (``j = 1..w_lags`` in the SAR/SDM; in the SLX ``W Z`` only when an endogenous regressor has a ``W*`` term).

All instruments are formed on the raw data and demeaned like the regressors.  The spatial 2SLS (called
GS2SLS by Kelejian and Prucha when a spatial error step follows; these models have none) and the efficient
two-step GMM are the linear IV estimators of ``linearmodels`` (:class:`linearmodels.iv.IV2SLS`,
:class:`linearmodels.iv.IVGMM`) on the demeaned arrays; this module writes only the spatial parts (the
design, the instruments, the small-sample factors with the absorbed fixed effects, the effects and the
first-stage diagnostics of :mod:`aicoord.panel.iv_diagnostics`).

Covariances (``n = N T`` observations, ``k`` coefficients, ``f`` fixed effects absorbed: 0, ``N``, ``T``
or ``N + T - 1``):

==================  ========================================================================
``homoskedastic``   ``s2 (X_hat' X_hat)^{-1}``, ``s2 = e'e / (n - k - f)``
``robust``          White sandwich times ``n / (n - k - f)``
``cluster``         clustered sandwich (by unit, or any column) times ``G/(G-1) (n-1)/(n-k)``
                    (Stata's factor; unit effects are nested in the clusters)
==================  ========================================================================

Effects: direct, indirect and total effects from the IV estimates and their covariance with
:func:`aicoord.panel.effects.impacts` (the same LeSage-Pace formulas and simulation as the ML fits).

References
----------
Kelejian, H.H. and Prucha, I.R. (1998). A generalized spatial two-stage least squares procedure for
estimating a spatial autoregressive model with autoregressive disturbances. Journal of Real Estate Finance
and Economics 17(1), 99-121.  Drukker, D.M., Egger, P. and Prucha, I.R. (2013). On two-step estimation of
a spatial autoregressive model with autoregressive disturbances and endogenous regressors. Econometric
Reviews 32(5-6), 686-733.  Fingleton, B. and Le Gallo, J. (2008). Estimating spatial models with endogenous
variables, a spatial lag and spatially dependent disturbances: finite sample properties. Papers in Regional
Science 87(3), 319-339.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import EstimationError, InputError
from .data import demean, spatial_lag
from .effects import impacts
from .iv_diagnostics import first_stage, lm_fit
from .results import Estimates

__all__ = ["IV_COV_TYPES", "IV_ESTIMATORS", "IV_MODELS", "IVDesign", "design", "fit_iv", "SpatialIVResults", "fe_dof"]

IV_COV_TYPES = ("homoskedastic", "robust", "cluster")
IV_ESTIMATORS = ("2sls", "gmm")
IV_MODELS = ("sar", "sdm", "slx")
_ALIAS = {"unadjusted": "homoskedastic", "oim": "homoskedastic", "clustered": "cluster"}


def fe_dof(effects, n_units, n_periods):
    """Number of fixed effects the within transformation absorbs (0 for a pooled model, whose constant
    is a regressor)."""
    return {"none": 0, "individual": n_units, "time": n_periods, "twoways": n_units + n_periods - 1}[effects]


class IVDesign:
    """The demeaned arrays of a spatial IV regression (see the module docstring).

    Attributes
    ----------
    y : ndarray (n,)
    exog, endog, excluded : ndarray (n, k1), (n, K), (n, L)
        Included exogenous regressors, endogenous regressors (``W*y`` first in a lag model) and excluded
        instruments, time-major and demeaned.
    exog_names, endog_names, excluded_names : list of str
    declared : list of str
        The regressors declared endogenous by the user (without ``W*y`` and the ``W*`` lags).
    fe : int
        Fixed effects absorbed.
    """

    def __init__(self, y, exog, exog_names, endog, endog_names, excluded, excluded_names, declared, fe):
        self.y, self.exog, self.endog, self.excluded = y, exog, endog, excluded
        self.exog_names, self.endog_names, self.excluded_names = exog_names, endog_names, excluded_names
        self.declared, self.fe = declared, fe

    @property
    def nobs(self):
        return len(self.y)

    @property
    def instruments(self):
        """All instruments: included exogenous regressors and excluded instruments."""
        return np.hstack([self.exog, self.excluded])


def _powers(ws, a, start, stop):
    """``[W^start a, ..., W^stop a]`` (raw, per period) for an array shaped (T, N, k)."""
    out, cur = [], a
    for j in range(1, stop + 1):
        cur = spatial_lag(ws, cur)
        if j >= start:
            out.append((j, cur))
    return out


def _wname(j, v):
    return ("W*" if j == 1 else f"W{j}*") + v


def design(mod, inst_raw, inst_names, w_lags=2):
    """:class:`IVDesign` of the :class:`~aicoord.panel.SpatialPanel` ``mod`` (``mod.endog`` declared
    endogenous) with the raw excluded instruments ``inst_raw`` (T, N, q).

    Raises
    ------
    InputError
        When the order condition fails (fewer excluded instruments than endogenous regressors) or the
        instruments are collinear after the within transformation.
    """
    t, n = mod.T, mod.N
    lag_model = mod.model in ("sar", "sdm")
    endog = list(mod.endog)
    zn = list(mod.znames)
    zd = mod.Zd
    endog_cols = [v for v in zn if v in endog or (v.startswith("W*") and v[2:] in endog)]
    exog_cols = [v for v in zn if v not in endog_cols]
    ex = zd[:, [zn.index(v) for v in exog_cols]]
    en = zd[:, [zn.index(v) for v in endog_cols]]
    en_names = list(endog_cols)
    if lag_model:
        en = np.column_stack([mod.Wyd, en])
        en_names = ["W*y"] + en_names
    exog_x = [v for v in mod.xnames if v not in endog]
    blocks, names = [], []
    if lag_model:
        for v in exog_x:
            start = 2 if v in mod.wxnames else 1
            a = mod.X[:, :, [mod.xnames.index(v)]]
            for j, arr in _powers(mod.ws, a, start, start + w_lags - 1):
                blocks.append(arr)
                names.append(_wname(j, v))
    blocks.append(inst_raw)
    names += list(inst_names)
    zlags = w_lags if lag_model else (1 if any(v in mod.wxnames for v in endog) else 0)
    for j, arr in _powers(mod.ws, inst_raw, 1, zlags):
        blocks.append(arr)
        names += [_wname(j, q) for q in inst_names]
    excl = demean(np.concatenate(blocks, axis=2), mod.effects).reshape(t * n, -1)
    if excl.shape[1] < en.shape[1]:
        raise InputError(
            f"{excl.shape[1]} excluded instruments for {en.shape[1]} endogenous regressors ({', '.join(en_names)})",
            hint="add instruments (or a spatial lag model, whose W-lags instrument W*y)",
        )
    full = np.hstack([ex, excl])
    scale = np.sqrt((full**2).mean(axis=0))
    if np.any(scale <= 1e-12):
        dead = [nm for nm, s in zip(exog_cols + names, scale) if s <= 1e-12]
        raise InputError(
            f"instruments {dead} are wiped out by the {mod.effects} fixed effects",
            hint="use instruments that vary within units and periods",
        )
    sv = np.linalg.svd(full / scale, compute_uv=False)
    if sv[-1] < 1e-8 * sv[0]:
        raise InputError(
            "the instruments are perfectly collinear after the within transformation",
            hint="drop a redundant instrument or lower w_lags",
        )
    return IVDesign(mod.yd, ex, exog_cols, en, en_names, excl, names, endog, fe_dof(mod.effects, n, t))


def check_cov(cov_type):
    """Normalised IV covariance name (``unadjusted``/``oim`` → ``homoskedastic``)."""
    c = _ALIAS.get(str(cov_type).lower(), str(cov_type).lower())
    if c not in IV_COV_TYPES:
        raise InputError(
            f"cov_type '{cov_type}' is not available for IV estimation", hint=f"choose one of {', '.join(IV_COV_TYPES)}"
        )
    return c


def small_sample_factor(cov_type, n, k, fe, n_clusters=None):
    """The factor applied to the large-sample covariance (module docstring table)."""
    if cov_type == "cluster":
        return n_clusters / (n_clusters - 1) * (n - 1) / (n - k)
    return n / (n - k - fe)


def fit_iv(mod, inst_raw, inst_names, estimator="2sls", cov_type="robust", clusters=None, w_lags=2, ar_level=0.95):
    """Spatial 2SLS or efficient two-step GMM of ``mod`` (see the module docstring).

    Parameters
    ----------
    mod : SpatialPanel
        Specification with ``mod.endog`` (its ``xnames`` include them).
    inst_raw : ndarray (T, N, q)
        Raw excluded instruments.
    inst_names : list of str
    estimator : {"2sls", "gmm"}
    cov_type : {"homoskedastic", "robust", "cluster"}
    clusters : array-like (n,), optional
        Cluster labels of the time-major observations (``cluster`` only).
    w_lags : int
        Highest power of W in the instruments (default 2).
    ar_level : float
        Level of the Anderson-Rubin confidence sets.

    Returns
    -------
    SpatialIVResults
    """
    if estimator not in IV_ESTIMATORS:
        raise InputError(f"unknown IV estimator '{estimator}'", hint="choose '2sls' or 'gmm'")
    cov_type = check_cov(cov_type)
    d = design(mod, inst_raw, inst_names, w_lags)
    try:
        fit = lm_fit(d, estimator, cov_type, clusters)
    except ValueError as exc:  # linearmodels: e.g. a singular clustered weight matrix of the GMM
        raise InputError(
            f"the {estimator.upper()} fit is not defined: {exc}",
            hint="use more clusters than instruments, the 2SLS estimator or cov_type robust",
        ) from None
    names = d.exog_names + d.endog_names
    params = fit.params[names].to_numpy()
    n, k = d.nobs, len(names)
    g = len(np.unique(clusters)) if cov_type == "cluster" else None
    if cov_type == "cluster" and g < 2:
        raise InputError("clustered standard errors need at least two clusters")
    factor = small_sample_factor(cov_type, n, k, d.fe, g)
    cov = fit.cov.loc[names, names].to_numpy() * factor
    if not (np.all(np.isfinite(params)) and np.all(np.isfinite(np.diag(cov)))):
        raise EstimationError(
            "the IV fit gave non-finite estimates or standard errors",
            hint="the instruments may be too weak or collinear",
        )
    # the engine's parameter order: design columns (znames order) then rho
    order = list(mod.znames) + (["rho"] if "W*y" in d.endog_names else [])
    src = {nm: nm for nm in names}
    if "W*y" in src:
        src["rho"] = src.pop("W*y")
    idx = [names.index(src[nm]) for nm in order]
    p = pd.Series(params[idx], index=order)
    c = pd.DataFrame(cov[np.ix_(idx, idx)], index=order, columns=order)
    resid = np.asarray(fit.resids, dtype=float)
    info = {
        "cov_type": cov_type,
        "cluster": None,
        "n_clusters": g,
        "factor": factor,
        "note": _cov_note(cov_type, g, factor),
    }
    fs = first_stage(
        d,
        params=pd.Series(params, index=names),
        cov_type=cov_type,
        clusters=clusters,
        estimator=estimator,
        ar_level=ar_level,
    )
    return SpatialIVResults(mod, p, c, resid, d, estimator, info, fs, fit)


def _cov_note(cov_type, g, factor):
    if cov_type == "cluster":
        return f"standard errors clustered ({g} clusters), small-sample factor {factor:.4f}"
    if cov_type == "robust":
        return "heteroskedasticity-robust standard errors"
    return "homoskedastic standard errors"


class SpatialIVResults(Estimates):
    """Results of a spatial IV fit (:func:`fit_iv`).

    Attributes
    ----------
    params, std_errors, zvalues, pvalues : pandas.Series
        Named as the ML results: regressors, ``W*<var>``, ``rho``.
    cov : pandas.DataFrame
    rho : float
        0.0 in the SLX.
    resid : ndarray
        Second-stage residuals (demeaned model, time-major).
    sigma2 : float
        ``e'e / (n - k - f)``.
    estimator : {"2sls", "gmm"}
    cov_info : dict
        ``cov_type``, ``n_clusters``, ``factor``, ``note``.
    first_stage : dict
        Diagnostics of :func:`aicoord.panel.iv_diagnostics.first_stage`.
    design : IVDesign
    lm_results : linearmodels results (before the small-sample factor)
    """

    def __init__(self, mod, params, cov, resid, d, estimator, cov_info, first_stage, lm_results):
        from scipy import special

        self.model, self.params, self.cov = mod, params, cov
        self.std_errors = pd.Series(np.sqrt(np.diag(cov.to_numpy())), index=params.index)
        self.zvalues = params / self.std_errors
        self.pvalues = pd.Series(2 * special.ndtr(-np.abs(self.zvalues.to_numpy())), index=params.index)
        self.rho = float(params.get("rho", 0.0))
        self.lam = 0.0
        self.resid = resid
        self.design = d
        self.N, self.T, self.nobs = mod.N, mod.T, d.nobs
        self.sigma2 = float(resid @ resid) / (d.nobs - len(params) - d.fe)
        self.estimator, self.cov_info, self.first_stage = estimator, cov_info, first_stage
        self.lm_results = lm_results
        if mod.model in ("sar", "sdm"):
            mod._lo, mod._hi = mod.bounds("lag")
        else:
            mod._lo, mod._hi = -np.inf, np.inf

    def impacts(self, draws=1000, seed=1, se="sim"):
        """Direct, indirect and total effects from the IV estimates and their covariance
        (:func:`aicoord.panel.effects.impacts`)."""
        return impacts(self, draws=draws, seed=seed, se=se)

    def summary(self):
        """Plain-text summary table."""
        mod = self.model
        return self._summary(
            [
                f"Spatial panel {mod.model.upper()} model by {self.estimator.upper()}, effects: {mod.effects}",
                f"N = {self.N}, T = {self.T}, observations = {self.nobs}",
                f"endogenous: {', '.join(self.design.endog_names)}; "
                f"excluded instruments: {', '.join(self.design.excluded_names)}",
                f"Note: {self.cov_info['note']}.",
            ]
        )

    def __repr__(self):
        return (
            f"<SpatialIVResults: {self.model.model.upper()} by {self.estimator}, {self.model.effects} effects, "
            f"N={self.N}, T={self.T}>"
        )
