"""Results of :class:`aicoord.panel.dynamic.DynamicSpatialPanel`; short- and long-run effects.

Effects of regressor k (LeSage and Pace 2009; Elhorst 2014, sec. 4.3; Debarsy, Ertur and LeSage
2012) are averages over an N x N matrix: direct = mean diagonal, total = mean row sum, indirect =
total - direct, with

* short run: ``(I - rho W)^{-1} (beta_k I + theta_k W)``;
* long run: ``((1 - tau) I - (rho + eta) W)^{-1} (beta_k I + theta_k W)``.

With the eigenvalues ``omega`` of W the mean diagonals are
``beta_k mean(1/d) + theta_k mean(omega/d)`` with ``d = 1 - rho omega`` (short run) or
``d = 1 - tau - (rho + eta) omega`` (long run); for a row-standardised W the totals are
``(beta_k + theta_k)/(1 - rho)`` and ``(beta_k + theta_k)/(1 - tau - rho - eta)``.  Otherwise the
row sums come from a sparse LU solve per draw.  No N x N inverse is formed.

Inference: ``draws`` vectors of ``(tau, eta, beta, theta, rho)`` are drawn from the estimated
asymptotic normal distribution; draws outside the admissible interval of rho or violating
stationarity are discarded (their number is kept in ``attrs["discarded"]``).  The standard error is
the standard deviation of the simulated effects, ``z = estimate / se`` with the estimate evaluated
at the point estimates, ``p`` two-sided normal.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy import special

from .effects import cov_root
from .results import Estimates

__all__ = ["DynamicPanelResults", "dynamic_effects"]

HORIZONS = ("short_run", "long_run")
KINDS = ("direct", "indirect", "total")


def dynamic_effects(pw, tau, eta, rho, beta, theta):
    """Short- and long-run effects for vectors of parameters.

    Parameters
    ----------
    pw : PanelWeights
    tau, eta, rho : numpy.ndarray, shape (m,)
    beta, theta : numpy.ndarray, shape (m, k)
        ``theta`` is zero for regressors without a spatial lag.

    Returns
    -------
    dict
        ``{horizon: {kind: array (m, k)}}``.
    """
    ev = pw.eigenvalues
    out = {}
    for horizon in HORIZONS:
        if horizon == "short_run":
            c0, c1 = np.ones_like(rho), rho
        else:
            c0, c1 = 1.0 - tau, rho + eta
        den = c0[:, None] - np.outer(c1, ev)  # d(omega) per draw
        a1 = np.real(np.mean(1.0 / den, axis=1))
        a2 = np.real(np.mean(ev / den, axis=1))
        if pw.row_standardized:
            t1 = t2 = 1.0 / (c0 - c1)
        else:
            one = np.ones(pw.n)
            w1 = pw.W @ one
            t1, t2 = np.empty_like(rho), np.empty_like(rho)
            eye = sp.identity(pw.n, format="csc")
            wc = pw.W.tocsc()
            for i in range(len(rho)):
                lu = spla.splu(c0[i] * eye - c1[i] * wc)
                t1[i], t2[i] = lu.solve(one).mean(), lu.solve(w1).mean()
        direct = beta * a1[:, None] + theta * a2[:, None]
        total = beta * t1[:, None] + theta * t2[:, None]
        out[horizon] = {"direct": direct, "indirect": total - direct, "total": total}
    return out


class DynamicPanelResults(Estimates):
    """Results of a dynamic spatial panel fit.

    Attributes
    ----------
    params, std_errors, zvalues, pvalues : pandas.Series
        ``L.<y>`` (tau), ``W*L.<y>`` (eta), regressors, ``W*<x>`` (theta) and ``rho``.
    cov : pandas.DataFrame
        Covariance of ``params``.
    sigma2, sigma2_se, loglik : float
        ``loglik`` is the maximised (uncorrected) quasi log-likelihood of the transformed model.
    nobs, N, T : int
        ``nobs = N (T - 1)`` observations used (the first period is conditioned on).
    stationary : bool
        ``max |(tau + eta omega)/(1 - rho omega)| < 1`` over the eigenvalues of W.
    stationarity_modulus : float
        That maximum.
    bias_corrected : bool
    resid : numpy.ndarray
        Residuals of the transformed equation (time-major).
    """

    def __init__(self, mod, params, cov, sig2, sig2_se, ll, resid, modulus):
        self.model = mod
        self.params = params
        self.cov = cov
        self.std_errors = pd.Series(np.sqrt(np.diag(cov.to_numpy())), index=params.index)
        self.zvalues = params / self.std_errors
        self.pvalues = pd.Series(2 * special.ndtr(-np.abs(self.zvalues.to_numpy())), index=params.index)
        self.sigma2, self.sigma2_se, self.loglik = sig2, sig2_se, ll
        self.resid = resid
        self.N, self.T = mod.N, mod.T
        self.nobs = mod.N * (mod.T - 1)
        self.stationarity_modulus = modulus
        self.stationary = bool(modulus < 1)
        self.bias_corrected = mod.bias_correction
        self.rho = float(params["rho"])
        self.tau, self.eta = mod._lags(params[mod.znames].to_numpy())

    def _split(self, m):
        """``(tau, eta, rho, beta, theta)`` from rows of parameter vectors in ``self._names``."""
        mod = self.model
        m = np.atleast_2d(m)
        col = {nm: i for i, nm in enumerate(self._names)}
        zero = np.zeros(len(m))

        def get(nm):
            return m[:, col[nm]] if nm in col else zero

        beta = np.column_stack([get(v) for v in mod.xnames])
        theta = np.column_stack([get(f"W*{v}") for v in mod.xnames])
        return (get(f"L.{mod.yname}"), get(f"W*L.{mod.yname}"), get("rho"), beta, theta)

    def impacts(self, draws=1000, seed=1):
        """Short- and long-run direct, indirect and total effects with simulated inference.

        Parameters
        ----------
        draws : int
            Number of draws from the asymptotic normal distribution of the estimates.
        seed : int
            Seed of ``numpy.random.default_rng``.

        Returns
        -------
        pandas.DataFrame
            Index ``(variable, effect)``, effect in direct/indirect/total; two-level columns
            ``(horizon, statistic)`` with horizon ``short_run`` or ``long_run`` and statistic
            ``estimate``, ``se``, ``z``, ``p``.

        Notes
        -----
        The long-run effects exist only for stationary estimates; otherwise their estimates are
        NaN.  See the module docstring for the formulas.
        """
        mod = self.model
        self._names = list(self.params.index)
        mean = self.params.to_numpy()
        cov = self.cov.to_numpy()
        point = dynamic_effects(mod.pw, *self._split(mean))
        rng = np.random.default_rng(seed)
        root = cov_root(cov)
        sims = mean + rng.standard_normal((int(draws), len(mean))) @ root.T
        tau, eta, rho, beta, theta = self._split(sims)
        lo, hi = mod.bounds()
        ev = mod.pw.eigenvalues
        modulus = np.max(np.abs((tau[:, None] + np.outer(eta, ev)) / (1 - np.outer(rho, ev))), axis=1)
        keep = (rho > lo) & (rho < hi) & (modulus < 1)
        sim = dynamic_effects(mod.pw, tau[keep], eta[keep], rho[keep], beta[keep], theta[keep])
        rows = {}
        for j, v in enumerate(mod.xnames):
            for kind in KINDS:
                row = {}
                for hz in HORIZONS:
                    est = float(point[hz][kind][0, j])
                    if hz == "long_run" and not self.stationary:
                        est = np.nan
                    se = float(np.std(sim[hz][kind][:, j], ddof=1)) if keep.sum() > 1 else np.nan
                    z = est / se if se > 0 else np.nan
                    row.update(
                        {(hz, "estimate"): est, (hz, "se"): se, (hz, "z"): z, (hz, "p"): 2 * special.ndtr(-abs(z))}
                    )
                rows[(v, kind)] = row
        out = pd.DataFrame.from_dict(rows, orient="index")
        out.index = pd.MultiIndex.from_tuples(out.index, names=["variable", "effect"])
        out.columns = pd.MultiIndex.from_tuples(out.columns, names=["horizon", "statistic"])
        out.attrs.update(
            draws=int(draws),
            seed=seed,
            discarded=int((~keep).sum()),
            simulated_mean={
                hz: {kind: (sim[hz][kind].mean(axis=0).tolist() if keep.any() else None) for kind in KINDS}
                for hz in HORIZONS
            },
        )
        return out

    def summary(self):
        """Plain-text summary table."""
        mod = self.model
        lag = {1: "y(t-1)", 2: "W y(t-1)", 3: "y(t-1) and W y(t-1)"}[mod.dlag]
        return self._summary(
            [
                f"Dynamic spatial panel {mod.model.upper()}, {mod.effects} fixed effects, lags: {lag}",
                "Quasi-ML conditional on the first period"
                + (", Yu-de Jong-Lee bias-corrected" if self.bias_corrected else ", uncorrected"),
                f"N = {self.N}, T = {self.T}, observations used = {self.nobs}",
                f"log-likelihood = {self.loglik:.4f}   sigma2 = {self.sigma2:.6g}",
                f"stationarity: max |(tau + eta w)/(1 - rho w)| = {self.stationarity_modulus:.4f}"
                + ("" if self.stationary else "  (NOT stationary)"),
            ]
        )

    def __repr__(self):
        return self.summary()
