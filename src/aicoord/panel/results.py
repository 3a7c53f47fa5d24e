"""Results of a spatial panel fit and of a specification test.

:class:`SpatialPanelResults` holds the estimates, their covariance and inference, fit statistics
and the recovered fixed effects; its ``repr`` is one line, :meth:`SpatialPanelResults.summary`
the full table.  :class:`TestResult` is the outcome of one test of
:mod:`aicoord.panel.diagnostics`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from .effects import impacts
from .fixed_effects import recover_effects

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


#: ``cov_info`` of a fit whose standard errors come from the information matrix (the default ``cov_type``).
OIM_INFO = {
    "cov_type": "oim",
    "cluster": None,
    "n_clusters": None,
    "dk_lag": None,
    "bootstrap": None,
    "factor": 1.0,
    "note": "standard errors from the information matrix",
}


def make_results(mod, names, est, cov_full, sig2, ll, resid, rho, lam, *, cov_info=None, **extra):
    """:class:`SpatialPanelResults` of ``mod`` from the estimates ``est`` (named ``names``) and
    ``cov_full``, the covariance of ``(est, sigma2)`` (``sigma2`` last, optional); ``cov_info`` (default
    :data:`OIM_INFO`) and ``extra`` attributes (e.g. ``phi``, ``sigma2_mu``, ``neg_hessian``, ``estimator``)
    are set at construction, since the results cannot change afterwards."""
    k = len(names)
    cov = pd.DataFrame(cov_full[:k, :k], index=names, columns=names)
    sig2_se = float(np.sqrt(cov_full[k, k])) if cov_full.shape[0] > k else np.nan
    return SpatialPanelResults(
        mod,
        pd.Series(est, index=names),
        cov,
        float(sig2),
        sig2_se,
        float(ll),
        resid,
        rho,
        lam,
        cov_info=cov_info,
        extra=extra,
    )


def _inference(params, cov):
    """Standard errors, z-values and two-sided normal p-values of ``params`` from ``cov``."""
    std_errors = pd.Series(np.sqrt(np.diag(cov.to_numpy())), index=params.index)
    zvalues = params / std_errors
    return std_errors, zvalues, pd.Series(2 * special.ndtr(-np.abs(zvalues.to_numpy())), index=params.index)


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
        return pd.DataFrame({"lower": self.params - q * self.std_errors, "upper": self.params + q * self.std_errors})

    def _summary(self, header):
        """The ``header`` lines, a blank line and the table of estimates with their inference."""
        lines = list(header) + [
            "",
            f"{'':>14}{'coef':>12}{'std err':>12}{'z':>9}{'P>|z|':>9}{'[0.025':>11}{'0.975]':>11}",
        ]
        ci = self.conf_int()
        for nm in self.params.index:
            lines.append(
                f"{nm:>14}{self.params[nm]:12.6f}{self.std_errors[nm]:12.6f}"
                f"{self.zvalues[nm]:9.3f}{self.pvalues[nm]:9.4f}"
                f"{ci.loc[nm, 'lower']:11.5f}{ci.loc[nm, 'upper']:11.5f}"
            )
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

    def __init__(self, mod, params, cov, sig2, sig2_se, ll, resid, rho, lam, *, cov_info=None, extra=None):
        self.model = mod
        self.params = params
        self.cov = cov
        self.std_errors, self.zvalues, self.pvalues = _inference(params, cov)
        self.sigma2_se = sig2_se
        self.cov_info = copy.deepcopy(OIM_INFO if cov_info is None else cov_info)
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
        self.r2_within = 1 - sse / float(mod.yd @ mod.yd) if mod.effects not in ("none", "random") else self.r2
        for name, value in (extra or {}).items():
            setattr(self, name, value)
        self.fixed_effects = recover_effects(self)
        self._frozen = True

    def __setattr__(self, name, value):
        if getattr(self, "_frozen", False):
            raise AttributeError(
                f"results are immutable: '{name}' cannot be set; a covariance option gives a new "
                "results object (with_cov)"
            )
        object.__setattr__(self, name, value)

    def with_cov(self, cov, sigma2_se, cov_info, *, params=None, pvalues=None, boot_crit=None, **extra):
        """A new results object with the covariance ``cov`` of ``params`` (default: these estimates) and the
        inference it gives; this one is unchanged (results are immutable, as in linearmodels).

        Parameters
        ----------
        cov : pandas.DataFrame
            Covariance of ``params``.
        sigma2_se : float
            Standard error of ``sigma2``.
        cov_info : dict
            What the covariance is (``cov_type``, ``cluster``, ..., ``note``; see the class).
        params : pandas.Series, optional
            Other estimates (the same fit in other units, :func:`aicoord.panel.data.unscale_results`).
        pvalues : pandas.Series, optional
            p-values other than normal ones from ``cov`` (the wild cluster bootstrap's).
        boot_crit : pandas.Series, optional
            The wild cluster bootstrap's critical values of ``|t|`` (used by :meth:`conf_int`).
        **extra
            Other attributes of the new object (e.g. ``neg_hessian`` in other units).

        Returns
        -------
        SpatialPanelResults
        """
        new = copy.copy(self)
        params = self.params if params is None else params
        std_errors, zvalues, normal_p = _inference(params, cov)
        values = {
            "params": params,
            "cov": cov,
            "std_errors": std_errors,
            "zvalues": zvalues,
            "pvalues": normal_p if pvalues is None else pvalues,
            "sigma2_se": sigma2_se,
            "cov_info": copy.deepcopy(cov_info),
            "boot_crit": boot_crit,
            **extra,
        }
        for name, value in values.items():
            object.__setattr__(new, name, value)
        return new

    def impacts(self, draws=1000, seed=1, se="sim"):
        """Direct, indirect and total effects with simulated (``se="sim"``) or delta-method
        (``se="delta"``) inference from the covariance of the fit.

        See :func:`aicoord.panel.effects.impacts`.
        """
        return impacts(self, draws=draws, seed=seed, se=se)

    def summary(self):
        """Plain-text summary table."""
        mod = self.model
        text = self._summary(
            [
                f"Spatial panel {mod.model.upper()} model, effects: {mod.effects}"
                + (" (Lee-Yu corrected)" if mod.lee_yu else ""),
                f"N = {self.N}, T = {self.T}, observations = {self.nobs}",
                f"log-likelihood = {self.loglik:.4f}   AIC = {self.aic:.4f}   BIC = {self.bic:.4f}",
                f"sigma2 = {self.sigma2:.6g}   R2 = {self.r2:.4f}   within R2 = {self.r2_within:.4f}",
            ]
        )
        if self.cov_info["cov_type"] != "oim":
            text += f"\n\nNote: {self.cov_info['note']}."
        return text

    def __repr__(self):
        mod = self.model
        return (
            f"<SpatialPanelResults: {mod.model.upper()}, {mod.effects} effects"
            + (" (Lee-Yu)" if mod.lee_yu else "")
            + f", N={self.N}, T={self.T}, loglik={self.loglik:.4f}>"
        )
