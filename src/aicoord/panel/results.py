"""Results of a spatial panel fit and of a specification test.

:class:`SpatialPanelResults` holds the estimates, their covariance and inference, fit statistics
and the recovered fixed effects; its ``repr`` is one line, :meth:`SpatialPanelResults.summary`
the full table.  :class:`TestResult` is the outcome of one test of
:mod:`aicoord.panel.diagnostics`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

__all__ = ["Estimates", "SpatialPanelResults", "TestResult"]


@dataclass(frozen=True)
class TestResult:
    """Outcome of a specification test with an asymptotic chi-squared distribution.

    Attributes
    ----------
    name : str
        Short name of the test (``"lm_lag"``, ``"wald_sar"``, ``"hausman"``, ...).
    statistic : float
    df : int
        Degrees of freedom of the chi-squared reference distribution.
    pvalue : float
        Upper-tail probability of ``statistic``.
    null : str
        The null hypothesis in words.
    note : str, optional
        A caveat, e.g. that a generalised inverse was used.
    """

    __test__ = False  # not a pytest test class despite its name

    name: str
    statistic: float
    df: int
    pvalue: float
    null: str
    note: str | None = None

    def to_dict(self):
        """``{"statistic", "df", "p", "null"}`` and ``"note"`` when there is one (JSON output)."""
        out = {"statistic": self.statistic, "df": self.df, "p": self.pvalue, "null": self.null}
        if self.note is not None:
            out["note"] = self.note
        return out


def make_results(mod, names, est, cov_full, sig2, ll, resid, rho, lam):
    """:class:`SpatialPanelResults` of ``mod`` from the estimates ``est`` (named ``names``) and
    ``cov_full``, the covariance of ``(est, sigma2)`` (``sigma2`` last, optional)."""
    k = len(names)
    cov = pd.DataFrame(cov_full[:k, :k], index=names, columns=names)
    sig2_se = float(np.sqrt(cov_full[k, k])) if cov_full.shape[0] > k else np.nan
    return SpatialPanelResults(mod, pd.Series(est, index=names), cov, float(sig2), sig2_se,
                               float(ll), resid, rho, lam)


class Estimates:
    """What every fit's results share: normal confidence intervals and the plain-text summary.

    A subclass sets ``params``, ``std_errors``, ``zvalues`` and ``pvalues`` (pandas Series with the
    same index) and passes its header lines to :meth:`_summary`.
    """

    def conf_int(self, alpha=0.05):
        """Normal confidence intervals (with the wild cluster bootstrap and ``alpha=0.05``: bootstrap-t) as a
        DataFrame with columns ``lower`` and ``upper``."""
        q = special.ndtri(1 - alpha / 2)
        crit = getattr(self, "boot_crit", None)
        if crit is not None and alpha == 0.05:  # the wild cluster bootstrap's critical values of |t|
            q = crit
        return pd.DataFrame({"lower": self.params - q * self.std_errors,
                             "upper": self.params + q * self.std_errors})

    def _summary(self, header):
        """The ``header`` lines, a blank line and the table of estimates with their inference."""
        lines = list(header) + [
            "",
            f"{'':>14}{'coef':>12}{'std err':>12}{'z':>9}{'P>|z|':>9}{'[0.025':>11}{'0.975]':>11}",
        ]
        ci = self.conf_int()
        for nm in self.params.index:
            lines.append(f"{nm:>14}{self.params[nm]:12.6f}{self.std_errors[nm]:12.6f}"
                         f"{self.zvalues[nm]:9.3f}{self.pvalues[nm]:9.4f}"
                         f"{ci.loc[nm, 'lower']:11.5f}{ci.loc[nm, 'upper']:11.5f}")
        return "\n".join(lines)


class SpatialPanelResults(Estimates):
    """Results of :meth:`SpatialPanel.fit`.

    Attributes
    ----------
    params, std_errors, zvalues, pvalues : pandas.Series
        Estimates (regressors, ``W*<var>``, ``rho`` / ``lambda``) and asymptotic inference.
    cov : pandas.DataFrame
        Covariance of ``params`` (block of the inverse information matrix).
    sigma2, sigma2_se, loglik, aic, bic, r2, r2_within : float
        ``bic = -2 loglik + k log(nobs)`` with ``k`` the number of ``params`` plus one
        (``sigma2``).
    nobs : int
        Number of observations the likelihood uses: ``N*T``, or with the Lee-Yu correction
        ``N*(T-1)`` (individual effects), ``(N-1)*(T-1)`` (two-way effects) and ``(N-1)*T``
        (time effects).  ``sigma2`` divides the sum of squared residuals by it.
    N, T : int
        Units and periods of the panel.
    rho, lam : float
        Spatial lag and spatial error parameters (0.0 when not in the model).
    phi, sigma2_mu : float
        Random effects only: ``sigma2 / (T sigma2_mu + sigma2)`` (SAR/SDM) or
        ``sigma2_mu / sigma2`` (SEM), and the variance of the random effects.
    resid : numpy.ndarray
        Residuals of the (demeaned) model, time-major.
    fixed_effects : dict of pandas.Series
        ``"mu"`` (two-way constant), ``"individual"`` and/or ``"time"`` effects.
    cov_info : dict
        The covariance behind the standard errors: ``cov_type`` (``"oim"`` by default, see
        :mod:`aicoord.panel.inference`), ``cluster``, ``n_clusters``, ``dk_lag``, ``factor`` (the
        small-sample factor) and ``note``, a phrase for a table note.
    """

    def __init__(self, mod, params, cov, sig2, sig2_se, ll, resid, rho, lam):
        self.model = mod
        self.params = params
        self._set_cov(cov, sig2_se)
        self.cov_info = {"cov_type": "oim", "cluster": None, "n_clusters": None, "dk_lag": None, "bootstrap": None,
                         "factor": 1.0, "note": "standard errors from the information matrix"}
        self.sigma2, self.loglik = sig2, ll
        self.resid = resid
        self.rho, self.lam = rho, lam
        self.N, self.T, self.nobs = mod.N, mod.T, mod.n_eff
        k = len(params) + 1
        self.df_model = k
        self.aic = -2 * ll + 2 * k
        self.bic = -2 * ll + k * np.log(self.nobs)
        sse = float(resid @ resid)
        yraw = mod.Y.ravel()
        self.r2 = 1 - sse / float(((yraw - yraw.mean()) ** 2).sum())
        self.r2_within = (1 - sse / float(mod.yd @ mod.yd) if mod.effects not in ("none", "random")
                          else self.r2)
        self.fixed_effects = self._recover_effects()

    def _set_cov(self, cov, sig2_se):
        """Set ``cov`` and the inference derived from it (used by the ``cov_type`` options)."""
        params = self.params
        self.cov = cov
        self.std_errors = pd.Series(np.sqrt(np.diag(cov.to_numpy())), index=params.index)
        self.zvalues = params / self.std_errors
        self.pvalues = pd.Series(2 * special.ndtr(-np.abs(self.zvalues.to_numpy())), index=params.index)
        self.sigma2_se = sig2_se

    def _recover_effects(self):
        mod = self.model
        if not mod.balanced:
            from .unbalanced import recover_effects

            return recover_effects(self)
        if mod.effects in ("none", "random"):
            return {}
        names = list(mod.znames)
        beta = self.params[names].to_numpy()
        u = mod.Y - self.rho * mod.Wy - mod.Zraw @ beta
        out = {}
        if mod.effects == "individual":
            out["individual"] = pd.Series(u.mean(axis=0), index=mod.units, name="alpha")
        elif mod.effects == "time":
            out["time"] = pd.Series(u.mean(axis=1), index=mod.periods, name="gamma")
        else:
            mu = u.mean()
            out["mu"] = float(mu)
            out["individual"] = pd.Series(u.mean(axis=0) - mu, index=mod.units, name="alpha")
            out["time"] = pd.Series(u.mean(axis=1) - mu, index=mod.periods, name="gamma")
        return out

    def impacts(self, draws=1000, seed=1, se="sim"):
        """Direct, indirect and total effects with simulated (``se="sim"``) or delta-method
        (``se="delta"``) inference from the covariance of the fit.

        See :func:`aicoord.panel.effects.impacts`.
        """
        from .effects import impacts

        return impacts(self, draws=draws, seed=seed, se=se)

    def summary(self):
        """Plain-text summary table."""
        mod = self.model
        text = self._summary([
            f"Spatial panel {mod.model.upper()} model, effects: {mod.effects}"
            + (" (Lee-Yu corrected)" if mod.lee_yu else ""),
            f"N = {self.N}, T = {self.T}, observations = {self.nobs}",
            f"log-likelihood = {self.loglik:.4f}   AIC = {self.aic:.4f}   BIC = {self.bic:.4f}",
            f"sigma2 = {self.sigma2:.6g}   R2 = {self.r2:.4f}   within R2 = {self.r2_within:.4f}",
        ])
        if self.cov_info["cov_type"] != "oim":
            text += f"\n\nNote: {self.cov_info['note']}."
        return text

    def __repr__(self):
        mod = self.model
        return (f"<SpatialPanelResults: {mod.model.upper()}, {mod.effects} effects"
                + (" (Lee-Yu)" if mod.lee_yu else "")
                + f", N={self.N}, T={self.T}, loglik={self.loglik:.4f}>")
