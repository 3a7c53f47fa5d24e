"""Maximum-likelihood spatial panel models with fixed effects (Elhorst 2014; Lee and Yu 2010).

Models: SAR (rho W y), SDM (rho W y + W X theta), SEM (lambda W u), SAC (rho W y and lambda W u),
SLX (W X theta, least squares) and SDEM (W X theta and lambda W u), on a balanced panel in long
format, with pooled, individual, time or two-way fixed effects removed by the within
transformation.  Spatial lags are always computed on the raw data and demeaned afterwards
(``(W y)`` demeaned, never ``W`` times demeaned y), which is the exact dummy-variable model also
when W's columns do not sum to one.

This module holds the specification (:class:`SpatialPanel`: option checks, log-determinants,
bounds, information traces and the dispatch of :meth:`SpatialPanel.fit`).  The data preparation
is in :mod:`aicoord.panel.data`, the fits in :mod:`aicoord.panel.fixed` and
:mod:`aicoord.panel.random`, the results in :mod:`aicoord.panel.results`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError
from . import fixed, random, unbalanced
from .data import scaled_design, spatial_lag, unscale_results
from .prepare import prepare
from .results import SpatialPanelResults

__all__ = ["SpatialPanel", "SpatialPanelResults", "MODELS", "EFFECTS"]

MODELS = ("sar", "sdm", "sem", "sac", "slx", "sdem")
EFFECTS = ("none", "individual", "time", "twoways", "random")
_LAG = ("sar", "sdm", "sac")
_ERR = ("sem", "sac", "sdem")
_WX = ("sdm", "slx", "sdem")
#: default ``xatol`` of the line search of :meth:`SpatialPanel.fit` (``tol=None``)
LINE_TOL = 1e-12


class SpatialPanel:
    """Spatial panel model estimated by concentrated maximum likelihood.

    Parameters
    ----------
    data : pandas.DataFrame
        Panel in long format (one row per unit and period).  When some unit-periods are absent
        the model is fitted by exact ML on the observed rows (:mod:`aicoord.panel.unbalanced`:
        SAR, SDM, SEM, SDEM, SLX with pooled or fixed effects); ``missing`` then lists the absent
        ``(unit, period)`` pairs.
    y : str
        Dependent variable.
    x : list of str
        Regressors (no constant: a constant is added for ``effects="none"``).
    id, time : str
        Unit and period columns.
    w : libpysal W or Graph, numpy array, scipy sparse matrix, DataFrame, or dict
        N x N spatial weights.  A plain array is taken in the order of the sorted unit ids.  A dict
        ``{period: weights}`` gives a different matrix per period.
    model : {"sar", "sdm", "sem", "sac", "slx", "sdem"}
    effects : {"none", "individual", "time", "twoways", "random"}
        Fixed effects removed by the within transformation, or random effects (SAR, SDM, SEM).
    wx : list of str, optional
        Regressors that get a spatial lag ``W*<var>`` in SDM, SLX and SDEM (default: all of ``x``).
    lee_yu : bool
        Lee and Yu (2010) bias correction (transformation approach) for individual and two-way
        effects.
    standardize : bool
        Row-standardise the weights (default).
    logdet : {"auto", "eigen", "lu"}
        Log-determinant method: eigenvalues (small N) or sparse LU (large N); "auto" chooses.
    w_error, w_x : weights, optional
        Separate matrices for the spatial error term (``lambda W_e u``; SEM, SAC, SDEM) and for the
        ``W*x`` terms (SDM, SLX, SDEM), in any form ``w`` accepts; by default ``w`` (as ``xsmle``'s
        ``emat()`` and ``dmat()`` next to ``wmat()``).  ``w`` itself is the matrix of the spatial
        lag of y.  The effects of an SDM with ``w_x`` other than ``w`` average
        ``(I - rho W)^{-1} (beta_k I + theta_k W_x)``.
    endog, instruments : list of str, optional
        Regressors that are endogenous (added to ``x``; their ``W*`` lags too when in ``wx``) and the
        excluded instruments; with them :meth:`fit` estimates the model by spatial 2SLS or efficient
        GMM (:mod:`aicoord.panel.iv`: SAR, SDM, SLX with pooled or fixed effects, balanced panels).

    Notes
    -----
    The concentrated log-likelihood of the SAR/SDM model with ``n = NT`` observations is

    ``-n/2 log(2 pi sigma2) - n/2 + sum_t log|I - rho W_t|``, ``sigma2 = e'e / n``,

    where ``e`` are the residuals of the demeaned equation; this equals the log-likelihood of the
    dummy-variable model exactly.  With ``lee_yu=True`` the likelihood of the Lee-Yu transformed
    model is used: ``n = N(T-1)`` and ``(T-1) log|I - rho W|`` for individual effects, and
    ``n = (N-1)(T-1)`` and ``(T-1)(log|I - rho W| - log(1 - rho))`` for two-way effects
    (row-standardised W).  Standard errors come from the analytic information matrix (Elhorst 2014,
    ch. 3; for the SAC Anselin 1988 as in spatialreg::sacsarlm); for the SAC with the Lee-Yu
    correction and for random effects from a numerical Hessian of the full log-likelihood.

    The spatial lag enters as ``Q (W y)``, the demeaned lag, which is what the dummy-variable model
    implies.  Elhorst's Matlab routines and R's SDPDmod use ``W (Q y)``, the lag of the demeaned
    ``y``; with time effects the two differ unless W's columns also sum to one, so those packages'
    time and two-way estimates differ from these (and from R spatialreg's dummy-variable ML) in the
    second or third digit.  SDPDmod also reads the log-determinant off a grid of step 0.001.  Both
    differences are reproduced in ``tests/panel/test_published.py``.

    References
    ----------
    Elhorst, J.P. (2014). Spatial Econometrics: From Cross-Sectional Data to Spatial Panels.
    Springer.  Lee, L.-F. and Yu, J. (2010). Estimation of spatial autoregressive panel data models
    with fixed effects. Journal of Econometrics 154, 165-185.  LeSage, J. and Pace, R.K. (2009).
    Introduction to Spatial Econometrics. CRC Press.
    """

    def __init__(
        self,
        data,
        y,
        x,
        id,
        time,
        w,
        model="sdm",
        effects="twoways",
        wx=None,
        lee_yu=False,
        standardize=True,
        logdet="auto",
        w_error=None,
        w_x=None,
        endog=None,
        instruments=None,
    ):
        model = str(model).lower()
        effects = {
            "fe": "individual",
            "ind": "individual",
            "twoway": "twoways",
            "both": "twoways",
            "pooled": "none",
        }.get(str(effects).lower(), str(effects).lower())
        if model not in MODELS:
            raise InputError(f"unknown model '{model}'", hint=f"choose one of {', '.join(MODELS)}")
        if effects not in EFFECTS:
            raise InputError(f"unknown effects '{effects}'", hint=f"choose one of {', '.join(EFFECTS)}")
        if effects == "random" and model not in ("sar", "sdm", "sem"):
            raise InputError("random effects are implemented for the SAR, SDM and SEM only")
        if lee_yu and effects not in ("individual", "time", "twoways"):
            raise InputError("the Lee-Yu correction applies to fixed effects only")
        if isinstance(x, str):
            x = [x]
        x = list(x)
        self.endog, self.instruments = _iv_spec(x, endog, instruments, model, effects, lee_yu, data)
        x = x + [v for v in self.endog if v not in x]
        if not x and model not in ("sar", "sem", "sac"):
            raise InputError("at least one regressor is needed")
        wx = list(x) if wx is None else ([wx] if isinstance(wx, str) else list(wx))
        if model not in _WX:
            wx = []
        bad = [v for v in wx if v not in x]
        if bad:
            raise InputError(f"wx variables {bad} are not among the regressors x")
        self.model, self.effects, self.lee_yu = model, effects, bool(lee_yu)
        self.yname, self.xnames, self.wxnames = y, x, wx
        self.id, self.time = id, time
        self.w_error = w_error if model in _ERR else None
        self.w_x = w_x if model in _WX else None
        self._spec = dict(
            data=data,
            y=y,
            x=x,
            id=id,
            time=time,
            w=w,
            model=model,
            effects=effects,
            wx=wx if model in _WX else None,
            lee_yu=lee_yu,
            standardize=standardize,
            logdet=logdet,
            w_error=w_error,
            w_x=w_x,
        )
        if self.endog:
            self._spec.update(x=[v for v in x if v not in self.endog], endog=self.endog, instruments=self.instruments)
        prepare(self, data, w, standardize, logdet)

    def respecify(self, **changes):
        """A new :class:`SpatialPanel` on the same data with some arguments changed."""
        spec = dict(self._spec)
        spec.update(changes)
        return SpatialPanel(**spec)

    # ------------------------------------------------------------------ data
    def lag(self, a):
        """Spatial lag per period of an array shaped (T, N[, k])."""
        return spatial_lag(self.ws, a)

    # ------------------------------------------------------------------ log-determinants
    def _wset(self, kind):
        return self.ws_e if kind == "error" else self.ws

    def logdet(self, rho, kind="lag"):
        """``sum_t log|I - rho W_t|`` (Lee-Yu scaled when requested); ``kind="error"`` for the
        error matrix ``w_error``."""
        if rho == 0.0:
            return 0.0
        ws = self._wset(kind)
        if len({id(p) for p in ws}) == 1:
            val = self.T * ws[0].logdet(rho)
        else:
            val = 0.0
            memo = {}
            for pw in ws:
                if id(pw) not in memo:
                    memo[id(pw)] = pw.logdet(rho)
                val += memo[id(pw)]
        val *= self._ld_scale
        if self.lee_yu and self.effects in ("time", "twoways"):
            val -= self._ld_scale * self.T * np.log(1.0 - rho)
        return val

    def dlogdet(self, rho, kind="lag"):
        """Derivative of :meth:`logdet` (eigenvalue method only; ``None`` otherwise)."""
        ws = self._wset(kind)
        if any(pw.method != "eigen" for pw in ws):
            return None
        val = 0.0
        for pw in ws:
            ev = pw.eigenvalues
            val -= float(np.real(np.sum(ev / (1.0 - rho * ev))))
        val *= self._ld_scale
        if self.lee_yu and self.effects in ("time", "twoways"):
            val += self._ld_scale * self.T / (1.0 - rho)
        return val

    def bounds(self, kind="lag"):
        """Admissible interval ``(lo, hi)`` of the spatial parameters: the intersection over the
        distinct weights matrices of ``(1/omega_min, 1/omega_max)``."""
        lo, hi = -np.inf, np.inf
        for pw in {id(p): p for p in self._wset(kind)}.values():
            a, b = pw.bounds()
            lo, hi = max(lo, a), min(hi, b)
        return lo, hi

    def _info_traces(self, rho, kind="lag"):
        """Scaled ``(tr B, tr BB, tr B'B)`` summed over periods."""
        proj = self.lee_yu and self.effects in ("time", "twoways")
        tot = np.zeros(3)
        memo = {}
        for pw in self._wset(kind):
            if id(pw) not in memo:
                memo[id(pw)] = np.array(pw.info_traces(rho, project=proj))
            tot += memo[id(pw)]
        return tot * self._ld_scale

    # ------------------------------------------------------------------ fitting
    def fit(self, tol=None, cov_type="oim", cluster=None, dk_lag=None, bootstrap=None, estimator=None, w_lags=2):
        """Estimate the model.

        Parameters
        ----------
        tol : float, optional
            Absolute tolerance on the spatial parameter(s), honoured by every model:

            * SAR, SDM, SEM, SDEM (pooled or fixed effects): ``xatol`` of the bounded Brent line
              search (default ``1e-12``); with the eigenvalue log-determinant the result is then
              refined to a root of the score (to ``1e-15``).
            * SAC and random effects: ``xatol`` of the Nelder-Mead polish of the two-dimensional
              search in ``(rho, lambda)`` or (spatial parameter, ``log phi``) (default ``1e-10``;
              an explicit ``tol`` makes the polish run also when L-BFGS-B reports success).  The
              polish stops when both ``xatol`` and its function tolerance ``1e-14`` are met, so
              a ``tol`` above the default does not shorten it much.
            * SLX: least squares in closed form, exact whatever ``tol``.
        cov_type : {"oim", "opg", "robust", "cluster", "driscoll-kraay"}
            Covariance of the estimates: ``oim`` the information matrix (the default; analytic,
            or a numerical Hessian for random effects and the Lee-Yu SAC), or one of the
            score-based options of :mod:`aicoord.panel.inference` (formulas and conventions
            there).  Recorded in ``cov_info`` of the results.
        cluster : str, optional
            With ``cov_type="cluster"``: the column of ``data`` defining the clusters (default:
            the unit id).
        dk_lag : int, optional
            With ``cov_type="driscoll-kraay"``: the Bartlett lag (default
            ``floor(4 (T/100)^(2/9))``).
        bootstrap : int or dict, optional
            With ``cov_type="cluster"``: the wild cluster bootstrap (``{"draws", "seed", "weights"}`` or a
            number of draws; :func:`aicoord.panel.inference.wild_cluster_bootstrap`), whose p-values and
            intervals replace the normal ones.  Fewer than 10 clusters are refused without it, fewer
            than 30 give a warning.
        estimator : {"ml", "mqml", "2sls", "gmm"}, optional
            Without ``endog``: ``"ml"`` (default) or ``"mqml"``, the modified QML of Liu and Yang (2015),
            consistent under unknown heteroskedasticity, for the SAR and SDM with individual or two-way fixed
            effects (:mod:`aicoord.panel.mqml`), whose covariance is its own heteroskedasticity-robust sandwich
            (``cov_type`` "oim" or "robust"). With ``endog``: spatial ``"2sls"`` (default) or efficient
            two-step ``"gmm"``; ``cov_type`` is then ``homoskedastic`` (also ``oim``), ``robust`` or
            ``cluster``.
        w_lags : int
            With ``endog``: the highest power of W in the instruments (:func:`aicoord.panel.iv.fit_iv`).

        Returns
        -------
        SpatialPanelResults
            (:class:`aicoord.panel.iv.SpatialIVResults` with ``endog``)

        Raises
        ------
        InputError
            When ``tol`` is not a positive finite number.
        EstimationError
            When a search does not converge, a spatial parameter lies on the bound of its
            admissible interval or the information matrix is singular.
        """
        if self.endog:
            if bootstrap is not None:
                raise InputError(
                    "the wild cluster bootstrap is not available for IV fits",
                    hint="drop the bootstrap, or fit without endog",
                )
            return self._fit_iv(cov_type, cluster, "2sls" if estimator is None else estimator, w_lags)
        from .inference import apply_cov_type, check_options

        estimator = "ml" if estimator is None else str(estimator).lower()
        if estimator in ("2sls", "gmm"):
            raise InputError(
                f"estimator '{estimator}' needs endogenous regressors and instruments",
                hint="give endog=[...] and instruments=[...], or use estimator='ml'",
            )
        if estimator not in ("ml", "mqml"):
            raise InputError(f"unknown estimator '{estimator}'", hint="choose ml or mqml")
        if estimator == "mqml":
            if (
                str(cov_type).lower() not in ("oim", "robust")
                or cluster is not None
                or dk_lag is not None
                or bootstrap is not None
            ):
                raise InputError(
                    "the modified QML estimator has its own heteroskedasticity-robust covariance",
                    hint="drop cov_type, cluster, dk_lag and bootstrap, or use estimator='ml'",
                )
            from .mqml import fit_mqml

            return fit_mqml(self)
        cov_type, cluster, dk_lag = check_options(cov_type, cluster, dk_lag, self.T)
        if cov_type != "oim" and not self.balanced:
            raise InputError(
                f"cov_type '{cov_type}' is not available for an unbalanced panel",
                hint="use cov_type='oim' (the information matrix of the exact likelihood)",
            )
        if cov_type == "oim" and bootstrap is not None:
            raise InputError(
                "the wild cluster bootstrap is given but cov_type is not 'cluster'",
                hint="set cov_type='cluster' or drop the bootstrap",
            )
        # the fit sees every regressor scaled to magnitude ~1 (exactly, by powers of two), so that its least
        # squares, information matrix and Hessians do not depend on the units of the data
        with scaled_design(self) as scale:
            res = self._fit(tol)
            if cov_type != "oim":
                res = apply_cov_type(res, cov_type, cluster, dk_lag, bootstrap)
        return unscale_results(res, scale)

    def _fit_iv(self, cov_type, cluster, estimator, w_lags):
        """Spatial 2SLS / GMM (:func:`aicoord.panel.iv.fit_iv`) with the instruments from the data."""
        from .inference import cluster_groups
        from .iv import check_cov, fit_iv

        cov_type = check_cov(cov_type)
        data = self._spec["data"]
        if not self.balanced:
            raise InputError("IV estimation needs a balanced panel")
        df = data.set_index([self.time, self.id]).sort_index()
        inst = df[self.instruments].to_numpy(dtype=float).reshape(self.T, self.N, -1)
        clusters = cluster_groups(self, cluster, labels=True).ravel() if cov_type == "cluster" else None
        res = fit_iv(
            self, inst, self.instruments, estimator=estimator, cov_type=cov_type, clusters=clusters, w_lags=w_lags
        )
        res.cov_info["cluster"] = (cluster or self.id) if cov_type == "cluster" else None
        return res

    def _fit(self, tol):
        if tol is not None:
            try:
                ok = bool(np.isfinite(float(tol)) and float(tol) > 0)
            except (TypeError, ValueError):
                ok = False
            if not ok:
                raise InputError(f"tol must be a positive number, not {tol!r}")
            tol = float(tol)
        # the SLX has no spatial parameter: no bounds (and no eigenvalues) needed
        lo, hi = (
            self.bounds("error" if self.model in ("sem", "sdem") else "lag")
            if self.model != "slx"
            else (-np.inf, np.inf)
        )
        self._lo, self._hi = lo, hi
        self._lo_e, self._hi_e = self.bounds("error") if self.model == "sac" else (lo, hi)
        if not self.balanced:
            return unbalanced.fit(self, LINE_TOL if tol is None else tol)
        if self.effects == "random":
            return random.fit_re_err(self, tol) if self.model == "sem" else random.fit_re_lag(self, tol)
        if self.model == "sac":
            return fixed.fit_sac(self, tol)
        fn = {
            "sar": fixed.fit_lag,
            "sdm": fixed.fit_lag,
            "sem": fixed.fit_err,
            "sdem": fixed.fit_err,
            "slx": fixed.fit_ols,
        }[self.model]
        return fn(self, LINE_TOL if tol is None else tol)


def _iv_spec(x, endog, instruments, model, effects, lee_yu, data):
    """Checked ``(endog, instruments)`` lists (empty without IV)."""
    endog = [endog] if isinstance(endog, str) else list(endog or [])
    instruments = [instruments] if isinstance(instruments, str) else list(instruments or [])
    if not endog and not instruments:
        return [], []
    from .iv import IV_MODELS

    if not endog or not instruments:
        raise InputError(
            "IV estimation needs both endogenous regressors and excluded instruments",
            hint="give endog=[...] and instruments=[...]",
        )
    if model not in IV_MODELS:
        raise InputError(f"IV estimation is implemented for the {', '.join(IV_MODELS)} models, not '{model}'")
    if effects == "random" or lee_yu:
        raise InputError("IV estimation takes pooled or fixed effects without the Lee-Yu correction")
    clash = [v for v in instruments if v in x or v in endog]
    if clash:
        raise InputError(f"instruments {clash} are also regressors", hint="an excluded instrument is not a regressor")
    if hasattr(data, "columns"):
        missing = [v for v in instruments if v not in data.columns]
        if missing:
            raise InputError(f"instrument columns not in the data: {missing}")
        for v in instruments:
            col = data[v]
            if not pd.api.types.is_numeric_dtype(col):
                raise InputError("instrument column is not numeric", column=v)
            if col.isna().any() or not np.isfinite(col.to_numpy(dtype=float)).all():
                raise InputError("instrument has missing or infinite values", column=v)
    return endog, instruments
