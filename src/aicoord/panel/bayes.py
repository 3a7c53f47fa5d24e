"""Bayesian posterior model probabilities of SLX, SAR, SEM, SDM and SDEM panels (LeSage 2014).

The priors are those of LeSage (2014) and of R ``SDPDmod::blmpSDPD`` with ``prior = "uniform"``:
flat ``p(beta) ∝ 1``, ``p(sigma) ∝ 1/sigma``, and for the spatial parameter a uniform density
``1/D`` on the admissible interval ``(1/omega_min, 1/omega_max)``, ``D = 1/omega_max - 1/omega_min``;
equal prior probabilities of the models.  The fixed effects are removed by the within
transformation and charged as ``q`` extra parameters (``q = N`` unit, ``T`` period, ``N + T - 1``
two-way effects, ``0`` pooled, whose constant is a regressor).

Log marginal likelihoods (``n = NT`` observations, ``p`` columns of the within design ``Z``: the
regressors for SAR and SEM, ``[X, WX]`` for SDM, SLX and SDEM; ``a = (n - p - q)/2``; ``|.|`` a
determinant):

* SLX (and the non-spatial model): ``log m = lgamma(a) - a log(2 pi) - 1/2 log|Z'Z| - a log(e'e)``
  with ``e`` the least-squares residuals;
* SAR, SDM: ``log m = -log D + lgamma(a) - a log(2 pi) - 1/2 log|Z'Z|
  + log ∫ exp{sum_t log|I - rho W_t| - a log e(rho)'e(rho)} d rho``, with ``e(rho)`` the
  residuals of ``y - rho Wy`` on ``Z`` (``beta`` and ``sigma`` integrated analytically);
* SEM, SDEM: ``log m = -log D + lgamma(a) - a log(2 pi) + log ∫ exp{sum_t log|I - lam W_t|
  - 1/2 log|Z(lam)'Z(lam)| - a log e(lam)'e(lam)} d lam`` with ``Z(lam) = Z - lam WZ`` and
  ``e(lam)`` the residuals of ``y - lam Wy`` on ``Z(lam)``.

The one-dimensional integral is computed by the trapezoid rule on a uniform grid of step ``step``
(default 0.001) from ``1/omega_min + step`` to ``1/omega_max - step``, with the exact
log-determinants (eigenvalues) at every grid point and the integrand scaled by its maximum before
exponentiation (so no underflow).  Posterior probabilities are ``exp(log m_j - max) / sum``.

Conventions: spatial lags are taken on the raw data and then demeaned (``Q (W y)``, the
dummy-variable model of :class:`~aicoord.panel.SpatialPanel`).  ``blmpSDPD`` lags the demeaned
data (``W (Q y)``); with unit effects only the two coincide, with time or two-way effects they
differ unless W's columns sum to one.  ``blmpSDPD`` (after LeSage's Matlab code) also adds the sum
``sum_j (r_{j+1} + r_j)/2 (f_{j+1} - f_j)`` of the scaled integrand ``f`` to the log marginal in
place of the logarithm of the trapezoid integral; ``tests/panel/test_bayes.py`` reproduces its
printed Cigar values with that sum and explains the difference.  The SAC is not included: with one
W for both terms its posterior in ``(rho, lambda)`` is a ridge, which LeSage (2014) leaves out too.

References
----------
LeSage, J.P. (2014). Spatial econometric panel data model specification: a Bayesian approach.
Spatial Statistics 9, 122-145.  LeSage, J.P. and Parent, O. (2007). Bayesian model averaging for
spatial econometric models. Geographical Analysis 39, 241-267.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..errors import InputError

__all__ = ["log_marginals", "model_probabilities", "integrands", "BAYES_MODELS"]

#: models compared by default, in the order of the output
BAYES_MODELS = ("slx", "sar", "sem", "sdm", "sdem")
#: ``ols`` (the non-spatial model) may be added
_ALLOWED = ("ols",) + BAYES_MODELS


def _dummies_count(mod):
    return {"none": 0, "individual": mod.N, "time": mod.T, "twoways": mod.N + mod.T - 1}[mod.effects]


def _logdet_grid(mod, grid):
    """``sum_t log|I - r W_t|`` for every ``r`` of ``grid``."""
    out = np.zeros(len(grid))
    counts = {}
    for pw in mod.ws:
        counts.setdefault(id(pw), [pw, 0])[1] += 1
    for pw, c in counts.values():
        if pw.method == "eigen":
            ev = pw.eigenvalues
            out += c * np.array([np.sum(np.log(np.abs(1.0 - r * ev))) for r in grid])
        else:
            out += c * np.array([pw.logdet(r) for r in grid])
    return out


def _log_trapezoid(logf, step):
    """``log`` of the trapezoid integral of ``exp(logf)`` on a uniform grid."""
    top = float(np.max(logf))
    f = np.exp(logf - top)
    return top + math.log(step * (f.sum() - (f[0] + f[-1]) / 2))


def _lag_parts(mod):
    from .fixed import err_parts

    return err_parts(mod)  # Q (W Z), the demeaned lags of the raw design


def log_marginals(data, y, x, id, time, w, effects="twoways", models=BAYES_MODELS, step=0.001, standardize=True):
    """Log marginal likelihoods of the spatial panel models under LeSage's flat priors.

    Parameters
    ----------
    data, y, x, id, time, w, standardize
        As in :class:`aicoord.panel.SpatialPanel` (a balanced panel).
    effects : {"none", "individual", "time", "twoways"}
        Fixed effects, removed by the within transformation.
    models : sequence of str
        Among ``slx``, ``sar``, ``sem``, ``sdm``, ``sdem`` and ``ols`` (the non-spatial model, whose
        log marginal is that of the SLX with ``Z = X``).
    step : float
        Grid step of the trapezoid rule in the spatial parameter.

    Returns
    -------
    pandas.Series
        Log marginal likelihood per model (formulas in the module docstring).

    Raises
    ------
    InputError
        Unknown model or effects, a non-positive ``step``, random effects, or an unbalanced panel.
    """
    parts, grid = integrands(data, y, x, id, time, w, effects, models, step, standardize)
    out = {m: c if logf is None else c + _log_trapezoid(logf, step) for m, (c, logf) in parts.items()}
    return pd.Series(out, name="log_marginal")


def integrands(data, y, x, id, time, w, effects="twoways", models=BAYES_MODELS, step=0.001, standardize=True):
    """The pieces of :func:`log_marginals`: per model ``(log C, log f)`` with ``log f`` the log
    integrand on the grid (``None`` for the models without a spatial parameter, whose log
    marginal is ``log C``), and the grid.  ``log m = log C + log ∫ f``."""
    from .model import SpatialPanel

    models = [str(m).lower() for m in models]
    bad = [m for m in models if m not in _ALLOWED]
    if bad or not models:
        raise InputError(
            f"unknown models for the model probabilities: {bad}", hint=f"choose among {', '.join(_ALLOWED)}"
        )
    if effects not in ("none", "individual", "time", "twoways"):
        raise InputError(
            f"model probabilities need fixed or no effects, not '{effects}'",
            hint="use none, individual, time or twoways",
        )
    if isinstance(step, bool) or not (isinstance(step, (int, float)) and 0 < step < 0.1):
        raise InputError(f"step must be a number in (0, 0.1), not {step!r}")
    mod = SpatialPanel(data, y=y, x=x, id=id, time=time, w=w, model="sdm", effects=effects, standardize=standardize)
    if not mod.balanced:
        raise InputError(
            "model probabilities are implemented for balanced panels only",
            hint="fit the models by maximum likelihood on an unbalanced panel",
        )
    lo, hi = mod.bounds()
    log_d = math.log(hi - lo)
    grid = np.arange(lo + step, hi - step / 2, step)
    ld = _logdet_grid(mod, grid)
    k = len(mod.xnames) + (mod.effects == "none")
    n, q = mod.n_eff, _dummies_count(mod)
    yd, wy = mod.yd, mod.Wyd
    zall, wzall = mod.Zd, _lag_parts(mod)
    out = {}
    for m in models:
        cols = list(range(k)) if m in ("ols", "sar", "sem") else list(range(zall.shape[1]))
        z, wz = zall[:, cols], wzall[:, cols]
        a = (n - len(cols) - q) / 2
        const = math.lgamma(a) - a * math.log(2 * math.pi)
        if m in ("ols", "slx", "sar", "sdm"):
            _, logdet_zz = np.linalg.slogdet(z.T @ z)
            coef = np.linalg.lstsq(z, np.column_stack([yd, wy]), rcond=None)[0]
            e0, e1 = yd - z @ coef[:, 0], wy - z @ coef[:, 1]
            if m in ("ols", "slx"):
                out[m] = (const - logdet_zz / 2 - a * math.log(e0 @ e0), None)
                continue
            sse = e0 @ e0 - 2 * grid * (e0 @ e1) + grid**2 * (e1 @ e1)
            out[m] = (-log_d + const - logdet_zz / 2, ld - a * np.log(sse))
        else:
            g = np.column_stack([z, yd])
            wg = np.column_stack([wz, wy])
            p0, p1, p2 = g.T @ g, g.T @ wg, wg.T @ wg
            logf = np.empty(len(grid))
            for i, r in enumerate(grid):  # Cholesky of the filtered [Z, y] cross-products
                diag = np.diag(np.linalg.cholesky(p0 - r * (p1 + p1.T) + r * r * p2))
                logf[i] = ld[i] - np.sum(np.log(diag[:-1])) - a * math.log(diag[-1] ** 2)
            out[m] = (-log_d + const, logf)
    return out, grid


def model_probabilities(data, y, x, id, time, w, effects="twoways", models=BAYES_MODELS, step=0.001, standardize=True):
    """Posterior model probabilities (equal prior probabilities) with the log marginals.

    Parameters
    ----------
    data, y, x, id, time, w, effects, models, step, standardize
        As in :func:`log_marginals`.

    Returns
    -------
    pandas.DataFrame
        Index: the models; columns ``log_marginal`` and ``probability`` (summing to one).
        ``attrs``: the priors, the integration rule and the effects.

    Examples
    --------
    >>> model_probabilities(cigar, "logc", ["logp", "logy"], "state", "year", w,
    ...                     effects="individual")                    # doctest: +SKIP
    """
    lm = log_marginals(data, y, x, id, time, w, effects=effects, models=models, step=step, standardize=standardize)
    v = lm.to_numpy()
    pr = np.exp(v - v.max())
    out = pd.DataFrame({"log_marginal": lm, "probability": pr / pr.sum()})
    out.index.name = "model"
    out.attrs.update(
        effects=effects,
        step=step,
        prior="LeSage (2014): flat beta, 1/sigma, uniform rho on (1/omega_min, 1/omega_max), equal model probabilities",
        rule="trapezoid rule on a uniform grid in the spatial parameter",
    )
    return out
