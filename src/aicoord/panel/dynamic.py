"""Dynamic spatial panels with fixed effects: quasi-ML with the Yu-de Jong-Lee bias correction.

The model (Yu, de Jong and Lee 2008; Lee and Yu 2010b; Elhorst 2014, ch. 4) for periods
``t = 2, ..., T``, conditional on the first period, is

``y_t = tau y_{t-1} + eta W y_{t-1} + rho W y_t + X_t beta + W X_t theta + mu + alpha_t 1 + e_t``

with ``dlag=1`` (``tau`` only, Stata xsmle's ``dlag(1)``), ``dlag=2`` (``eta`` only) or ``dlag=3``
(both); the SAR drops ``W X_t theta``.  ``mu`` are individual effects, ``alpha_t`` time effects
(``effects="twoways"``).

Estimation (the "direct approach" of Yu, de Jong and Lee 2008, with the transformation approach of
Lee and Yu 2010b for the time effects):

* The first period is lost to the lag; the ``T' = T - 1`` remaining periods are demeaned over time
  (individual effects).  With two-way effects each period is also centred across units, which for a
  row-standardised ``W`` is the orthonormal transformation ``F_{N,N-1}'`` of Lee and Yu: the model
  keeps its form with ``N - 1`` units and ``W* = F' W F``, whose eigenvalues are those of ``W``
  without the unit one.  Quadratic forms in the centred data equal those in the transformed data,
  so ``F`` is never formed.
* The concentrated log-likelihood, maximised over ``rho`` with the exact log-determinant, is
  ``-n/2 log(2 pi s2) - n/2 + T' sum_{omega} log|1 - rho omega|`` with ``s2 = e'e/n``,
  ``n = N T'`` (individual) or ``(N-1) T'`` (two-way; the sum then omits ``omega = 1``).
* Bias correction (default): ``theta_bc = theta_ml + Sigma^{-1} phi / T'`` with ``Sigma`` the
  average information matrix (Yu et al. 2008, eq. 7) and, writing
  ``h(omega) = 1/(1 - tau - (rho + eta) omega)`` and ``g(omega) = omega/(1 - rho omega)``
  (eigenvalue sums over ``W`` or ``W*``, divided by the number of units ``n_u``),
  ``phi_tau = mean h``, ``phi_eta = mean omega h``,
  ``phi_rho = mean (tau g h + eta omega g h + g)``, ``phi_sigma2 = 1/(2 s2)``, zero for
  ``beta`` and ``theta``.  These are the traces ``tr((I - A)^{-1} S^{-1})``,
  ``tr(W (I - A)^{-1} S^{-1})``, ... of the paper with ``S = I - rho W`` and
  ``A = S^{-1}(tau I + eta W)``, evaluated at the uncorrected estimates (stable case).
* Covariance: ``(Sigma^{-1} + Sigma^{-1} Omega Sigma^{-1}) / n`` at the reported estimates, where
  ``Omega`` carries the fourth-moment terms ``(mu4 - 3 s2^2)`` (Yu et al. 2008, Theorem 2);
  ``mu4`` is the fourth moment of the residuals.

Stationarity (Elhorst 2014, sec. 4.2): ``max_omega |(tau + eta omega)/(1 - rho omega)| < 1`` over
the eigenvalues of ``W``; for a row-standardised ``W`` this includes ``tau + rho + eta < 1``.

References
----------
Yu, J., de Jong, R. and Lee, L.-F. (2008). Quasi-maximum likelihood estimators for spatial dynamic
panel data with fixed effects when both n and T are large. Journal of Econometrics 146, 118-134.
Lee, L.-F. and Yu, J. (2010a). Estimation of spatial autoregressive panel data models with fixed
effects. Journal of Econometrics 154, 165-185.
Lee, L.-F. and Yu, J. (2010b). A spatial dynamic panel data model with both time and individual
fixed effects. Econometric Theory 26, 564-597.
Elhorst, J.P. (2014). Spatial Econometrics: From Cross-Sectional Data to Spatial Panels.
Springer, ch. 4.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..errors import EstimationError, InputError
from ._optim import minimize_bounded, root_bracketed
from .data import check_design, column_scales, demean, panel_weights, read_panel
from .spectral import SPECTRAL_MIN_N

__all__ = ["DynamicSpatialPanel", "MODELS", "EFFECTS", "DLAGS"]

MODELS = ("sar", "sdm")
EFFECTS = ("individual", "twoways")
DLAGS = (1, 2, 3)
_OTHER_MODELS = ("sem", "sac", "slx", "sdem")
_OTHER_EFFECTS = ("none", "pooled", "time", "random")


class DynamicSpatialPanel:
    """Dynamic spatial panel (SAR or SDM) with individual or two-way fixed effects.

    Parameters
    ----------
    data : pandas.DataFrame
        Balanced panel in long format; the periods must be consecutive integers (years).
    y : str
        Dependent variable.
    x : list of str
        Regressors.
    id, time : str
        Unit and period columns.
    w : libpysal W or Graph, numpy array, scipy sparse matrix or DataFrame
        N x N spatial weights (one matrix for all periods).  A plain array is taken in the order of
        the sorted unit ids.
    model : {"sdm", "sar"}
    effects : {"twoways", "individual"}
    dlag : {1, 2, 3}
        1: ``y_{t-1}`` (named ``L.<y>``), 2: ``W y_{t-1}`` (``W*L.<y>``), 3: both.
    bias_correction : bool
        Apply the Yu-de Jong-Lee (2008) correction (with the Lee-Yu 2010b transformation for time
        effects).  ``False`` gives the uncorrected quasi-ML estimates.
    wx : list of str, optional
        Regressors with a spatial lag ``W*<x>`` in the SDM (default: all).
    standardize : bool
        Row-standardise ``w`` (required for two-way effects).

    Notes
    -----
    See the module docstring for the model, the likelihood, the correction and the covariance.
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
        dlag=1,
        bias_correction=True,
        wx=None,
        standardize=True,
    ):
        model = str(model).lower()
        effects = {"fe": "individual", "ind": "individual", "twoway": "twoways", "both": "twoways"}.get(
            str(effects).lower(), str(effects).lower()
        )
        if model not in MODELS:
            extra = " (only spatial-lag models have a dynamic version here)" if model in _OTHER_MODELS else ""
            raise InputError(
                f"model '{model}' is not available for dynamic panels{extra}",
                hint="use model='sar' or model='sdm', or the static SpatialPanel",
            )
        if effects not in EFFECTS:
            raise InputError(
                f"effects '{effects}' are not available for dynamic panels",
                hint="use effects='individual' or 'twoways': pooled, time-only and "
                "random effects are not estimable by this quasi-ML approach",
            )
        if isinstance(dlag, bool) or dlag not in DLAGS:
            raise InputError(
                f"dlag must be 1, 2 or 3, not {dlag!r}",
                hint="1: y(t-1), 2: W y(t-1), 3: both (as Stata xsmle's dlag())",
            )
        if isinstance(w, dict):
            raise InputError(
                "dynamic panels take one weights matrix for all periods", hint="pass a single N x N matrix"
            )
        x = [x] if isinstance(x, str) else list(x)
        if not x:
            raise InputError("at least one regressor is needed")
        wx = list(x) if wx is None else [wx] if isinstance(wx, str) else list(wx)
        if model == "sar":
            wx = []
        bad = [v for v in wx if v not in x]
        if bad:
            raise InputError(f"wx variables {bad} are not among the regressors x")
        self.model, self.effects, self.dlag = model, effects, int(dlag)
        self.bias_correction = bool(bias_correction)
        self.yname, self.xnames, self.wxnames = y, x, wx
        self.id, self.time = id, time
        self._prepare(data, w, standardize)

    # ------------------------------------------------------------------ data
    def _prepare(self, data, w, standardize):
        # the checks of a static panel (columns, values, duplicates, balance), then the dynamic ones
        units, periods, Y, X = read_panel(data, self.id, self.time, self.yname, self.xnames)
        if not pd.api.types.is_numeric_dtype(data[self.time]) or not np.all(
            np.asarray(periods, dtype=float) == np.round(np.asarray(periods, dtype=float))
        ):
            raise InputError(
                "the time column must hold integer periods (years)",
                column=self.time,
                hint="code the periods as consecutive integers",
            )
        periods = [int(p) for p in periods]
        gaps = [b for a, b in zip(periods, periods[1:]) if b != a + 1]
        if gaps:
            raise InputError(
                f"the time index has a gap before period {gaps[0]}: y(t-1) is not observed there",
                column=self.time,
                hint="a dynamic panel needs consecutive periods; fill or drop them",
            )
        n, t = len(units), len(periods)
        if t < 3:
            raise InputError(
                f"a dynamic panel needs at least 3 periods, got {t}",
                hint="one period is lost to the lag and one more to the fixed effects",
            )
        self.units, self.periods, self.N, self.T = units, periods, n, t

        self.pw = pw = panel_weights(w, units, standardize, "auto")
        if pw.islands:
            raise InputError(
                f"weights matrix has {pw.islands} units without neighbours",
                hint="drop them or link them to a neighbour",
            )
        if self.effects == "twoways" and not pw.row_standardized:
            raise InputError(
                "two-way effects need a row-standardised W (Lee-Yu transformation)", hint="use standardize=True"
            )
        self.Y, self.X = Y, X

        # design on periods 2..T; W applied to the raw data, then demeaned (for a
        # row-standardised W this equals the lag of the demeaned data)
        lagy = {
            1: [(f"L.{self.yname}", Y[:-1])],
            2: [(f"W*L.{self.yname}", self.lag(Y[:-1]))],
            3: [(f"L.{self.yname}", Y[:-1]), (f"W*L.{self.yname}", self.lag(Y[:-1]))],
        }
        cols = lagy[self.dlag]
        cols += [(v, X[1:, :, j]) for j, v in enumerate(self.xnames)]
        if self.wxnames:
            wxs = self.lag(X[1:, :, [self.xnames.index(v) for v in self.wxnames]])
            cols += [(f"W*{v}", wxs[:, :, j]) for j, v in enumerate(self.wxnames)]
        self.znames = [c[0] for c in cols]
        self.Tp = t - 1
        zraw = np.stack([c[1] for c in cols], axis=2)
        self.Zd = demean(zraw, self.effects).reshape(self.Tp * n, -1)
        self.yd = demean(Y[1:], self.effects).ravel()
        self.Wyd = demean(self.lag(Y[1:]), self.effects).ravel()
        self.n_units = n - 1 if self.effects == "twoways" else n
        self.n_eff = self.n_units * self.Tp
        check_design(self.Zd, zraw, self.znames, self.effects)

    def lag(self, a):
        """Spatial lag per period of an array shaped (periods, N[, k])."""
        out = np.empty_like(a)
        for i in range(a.shape[0]):
            out[i] = self.pw.lag(a[i])
        return out

    # ------------------------------------------------------------------ spectrum
    @property
    def omegas(self):
        """Eigenvalues of the weights of the estimated model: those of ``W`` (individual effects)
        or of ``W* = F'WF`` (two-way: ``W``'s without the unit eigenvalue)."""
        ev = self.pw.eigenvalues
        if self.effects == "twoways":
            ev = np.delete(ev, int(np.argmin(np.abs(ev - 1.0))))
        return ev

    def stationarity(self, tau, eta, rho):
        """``max_omega |(tau + eta omega) / (1 - rho omega)|`` over the eigenvalues of ``W``."""
        ev = self.pw.eigenvalues
        return float(np.max(np.abs((tau + eta * ev) / (1.0 - rho * ev))))

    def logdet(self, rho):
        """``T' log|I - rho W*|`` (``W*`` = ``W`` for individual effects)."""
        val = self.pw.logdet(rho)
        if self.effects == "twoways":
            val -= np.log(1.0 - rho)
        return self.Tp * val

    def dlogdet(self, rho):
        """Derivative of :meth:`logdet` (``None`` without eigenvalues)."""
        if self.pw.method != "eigen":
            return None
        ev = self.omegas
        return -self.Tp * float(np.real(np.sum(ev / (1.0 - rho * ev))))

    def bounds(self):
        """Admissible interval of ρ, from the weights (as ``SpatialPanel.bounds``)."""
        return self.pw.bounds()

    # ------------------------------------------------------------------ fitting
    def fit(self):
        """Estimate the model.

        Returns
        -------
        DynamicPanelResults

        Raises
        ------
        EstimationError
            When ``rho`` is on the boundary of its interval or the information matrix is singular.
        """
        # the fit sees the regressors scaled to magnitude ~1 (exactly, by powers of two; the lags of y as they
        # are, since the bias correction and stationarity read their coefficients)
        scale = column_scales(self.Zd)
        scale[[i for i, nm in enumerate(self.znames) if nm.startswith(("L.", "W*L."))]] = 1.0
        saved = self.Zd
        try:
            self.Zd = saved / scale
            res = self.results_at(self._estimate_rho())
        finally:
            self.Zd = saved
        full = np.r_[scale, 1.0]
        res.params = res.params / full
        res.cov = res.cov / np.outer(full, full)
        res.std_errors = res.std_errors / full
        return res

    def _concentrated(self):
        z, n = self.Zd, self.n_eff
        coef, *_ = np.linalg.lstsq(z, np.column_stack([self.yd, self.Wyd]), rcond=None)
        e0, e1 = self.yd - z @ coef[:, 0], self.Wyd - z @ coef[:, 1]
        return coef, e0, e1, n

    def _estimate_rho(self, tol=1e-12):
        """Maximise the concentrated log-likelihood: Brent's bounded search, then a root of the
        score when the eigenvalues are available."""
        _, e0, e1, n = self._concentrated()
        a, b, c = e0 @ e0, e0 @ e1, e1 @ e1
        lo, hi = self.bounds()
        eps = 1e-9 * (hi - lo)

        def negll(r):
            return n / 2 * np.log((a - 2 * r * b + r * r * c) / n) - self.logdet(r)

        try:
            rho, _ = minimize_bounded(negll, lo + eps, hi - eps, xatol=tol, maxiter=1000)
        except RuntimeError as exc:
            raise EstimationError("the line search on rho did not converge") from exc
        if self.dlogdet(rho) is not None:

            def score(r):
                sse = a - 2 * r * b + r * r * c
                return -n / 2 * (-2 * b + 2 * r * c) / sse + self.dlogdet(r)

            for step in (1e-6, 1e-5, 1e-4):
                x0, x1 = max(lo + eps, rho - step), min(hi - eps, rho + step)
                if np.sign(score(x0)) != np.sign(score(x1)):
                    rho = root_bracketed(score, x0, x1, xtol=1e-15, maxiter=200)
                    break
        if rho - lo < 1e-6 * (hi - lo) or hi - rho < 1e-6 * (hi - lo):
            raise EstimationError(
                f"rho = {rho:.6f} is at the boundary of ({lo:.4f}, {hi:.4f})",
                hint="check the weights matrix and the specification",
            )
        return float(rho)

    def _lags(self, coef):
        names = self.znames
        tau = coef[names.index(f"L.{self.yname}")] if self.dlag in (1, 3) else 0.0
        eta = coef[names.index(f"W*L.{self.yname}")] if self.dlag in (2, 3) else 0.0
        return float(tau), float(eta)

    def ml_at(self, rho):
        """Quasi-ML ``(coef, sigma2, loglik)`` at a given ``rho`` (coef in :attr:`znames` order)."""
        coef, e0, e1, n = self._concentrated()
        e = e0 - rho * e1
        sig2 = float(e @ e) / n
        ll = -n / 2 * (np.log(2 * np.pi * sig2) + 1) + self.logdet(rho)
        return coef[:, 0] - rho * coef[:, 1], sig2, float(ll)

    def residuals(self, coef, rho):
        """Residuals of the transformed equation at ``(coef, rho)``."""
        return self.yd - rho * self.Wyd - self.Zd @ coef

    def fourth_moment(self, coef, rho, sig2):
        """``mu4`` of the covariance (the mean fourth power of the residuals)."""
        e = self.residuals(coef, rho)
        return float(np.sum(e**4)) / self.n_eff

    def information(self, coef, rho, sig2):
        """Average information matrix ``Sigma`` and fourth-moment matrix ``Omega`` of
        ``(coef, rho, sigma2)`` (Yu et al. 2008, eqs. 7 and Theorem 2), each divided by ``n``."""
        pw, n, k = self.pw, self.n_eff, len(coef)
        tp, nn = self.Tp, self.N
        twoway = self.effects == "twoways"
        m = (self.Zd @ coef).reshape(tp, nn)
        g = pw.lag(pw.solve(rho, m.T)).T  # G Z b per period, G = W (I - rho W)^{-1}
        if twoway:
            g = g - g.mean(axis=1, keepdims=True)  # M G M (Zd b is already centred)
        g = g.ravel()
        if nn >= SPECTRAL_MIN_N:  # the traces and the diagonal of G from one basis or solve
            trg, trgg, trgtg, dg = pw.info_traces(rho, project=twoway, diagonal=True)
        else:
            trg, trgg, trgtg = pw.info_traces(rho, project=twoway)
            dg = None
        z = self.Zd
        sig = np.zeros((k + 2, k + 2))
        sig[:k, :k] = z.T @ z / sig2
        sig[:k, k] = sig[k, :k] = z.T @ g / sig2
        sig[k, k] = g @ g / sig2 + tp * (trgg + trgtg)
        sig[k, k + 1] = sig[k + 1, k] = tp * trg / sig2
        sig[k + 1, k + 1] = n / (2 * sig2**2)
        if dg is None:  # fourth-moment part: diagonal of G (of M G M for two-way effects), dense
            w = pw.W.toarray()
            gd = np.linalg.solve((np.eye(nn) - rho * w).T, w.T).T
            if twoway:
                gd = gd - gd.mean(axis=0, keepdims=True) - gd.mean(axis=1, keepdims=True) + gd.mean()
            dg = np.diag(gd)
        mu4 = self.fourth_moment(coef, rho, sig2)
        om = np.zeros_like(sig)
        nu = self.n_units
        om[k, k] = dg @ dg / nu
        om[k, k + 1] = om[k + 1, k] = trg / (2 * sig2 * nu)
        om[k + 1, k + 1] = 1.0 / (4 * sig2**2)
        om *= (mu4 - 3 * sig2**2) / sig2**2
        return sig / n, om

    def bias(self, coef, rho, sig2, sigma_avg):
        """Leading bias ``-Sigma^{-1} phi / T'`` of the quasi-ML ``(coef, rho, sigma2)``."""
        tau, eta = self._lags(coef)
        ev = self.omegas
        h = 1.0 / (1.0 - tau - (rho + eta) * ev)
        gg = ev / (1.0 - rho * ev)
        phi = np.zeros(len(coef) + 2)
        if self.dlag in (1, 3):
            phi[self.znames.index(f"L.{self.yname}")] = np.real(np.mean(h))
        if self.dlag in (2, 3):
            phi[self.znames.index(f"W*L.{self.yname}")] = np.real(np.mean(ev * h))
        phi[-2] = np.real(np.mean(tau * gg * h + eta * ev * gg * h + gg))
        phi[-1] = 1.0 / (2 * sig2)
        return -inverse(sigma_avg) @ phi / self.Tp

    def results_at(self, rho):
        """Results given the quasi-ML ``rho`` (bias correction and covariance included)."""
        from .dynamic_results import DynamicPanelResults

        coef, sig2, ll = self.ml_at(rho)
        modulus_ml = self.stationarity(*self._lags(coef), rho)
        if self.bias_correction:
            if modulus_ml >= 1:
                warnings.warn(
                    "the uncorrected estimates are not stationary; the bias correction "
                    "of Yu et al. (2008) assumes a stable process",
                    RuntimeWarning,
                    stacklevel=3,
                )
            sig_avg, _ = self.information(coef, rho, sig2)
            theta = np.r_[coef, rho, sig2] - self.bias(coef, rho, sig2, sig_avg)
            coef, rho, sig2 = theta[:-2], float(theta[-2]), float(theta[-1])
            if sig2 <= 0:
                raise EstimationError("the bias-corrected sigma2 is not positive", hint="try bias_correction=False")
        sig_avg, om = self.information(coef, rho, sig2)
        si = inverse(sig_avg)
        cov = (si + si @ om @ si) / self.n_eff
        modulus = self.stationarity(*self._lags(coef), rho)
        if modulus >= 1:
            warnings.warn(
                f"the estimates violate stationarity: max |(tau + eta w)/(1 - rho w)| = "
                f"{modulus:.4f} >= 1; long-run effects are not defined",
                RuntimeWarning,
                stacklevel=3,
            )
        names = self.znames + ["rho"]
        params = pd.Series(np.r_[coef, rho], index=names)
        k = len(names)
        covdf = pd.DataFrame(cov[:k, :k], index=names, columns=names)
        return DynamicPanelResults(
            self, params, covdf, sig2, float(np.sqrt(max(cov[k, k], 0))), ll, self.residuals(coef, rho), modulus
        )


def inverse(a):
    try:
        out = np.linalg.inv(a)
    except np.linalg.LinAlgError as exc:
        raise EstimationError(
            "the information matrix is singular; the model is not identified", hint="drop a regressor or a lag"
        ) from exc
    if not np.all(np.isfinite(out)):
        raise EstimationError("the information matrix could not be inverted")
    return out
