"""Numerical helpers shared by the fixed- and random-effects fits.

Matrix inversion of the information matrix, the two-dimensional likelihood search (SAC and
random effects), the stationarity check that turns a failed search into an error, a numerical
Hessian, and the check that a spatial parameter is interior to its admissible interval.  Every
numerical failure raises :class:`aicoord.errors.EstimationError` with a hint what to try.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..errors import EstimationError

__all__ = ["inverse", "minimize_2d", "check_stationary", "num_hessian", "check_interior"]

#: Nelder-Mead ``xatol`` of :func:`minimize_2d` when ``fit(tol=None)``
XATOL_2D = 1e-10


def inverse(a):
    """Inverse of an information matrix.

    Raises
    ------
    EstimationError
        When the matrix is singular (the model is not identified).
    """
    try:
        out = np.linalg.inv(a)
    except np.linalg.LinAlgError as exc:
        raise EstimationError(
            "the information matrix is singular",
            hint="the model is not identified: drop collinear or constant regressors or choose another model",
        ) from exc
    if not np.all(np.isfinite(out)) or np.any(np.diag(out) < 0):
        warnings.warn(
            "the information matrix is not positive definite; standard errors are unreliable",
            RuntimeWarning,
            stacklevel=3,
        )
    return out


def minimize_2d(negll, starts, bounds, polish_always=True, nm_maxiter=20000, xatol=None):
    """Minimise a function of two parameters (SAC and random-effects fits).

    L-BFGS-B within ``bounds`` from every start; from the best of those a Nelder-Mead polish
    (always, or with ``polish_always=False`` only when L-BFGS-B reports failure), and the better
    of the two results within the bounds is returned (a ``scipy.optimize.OptimizeResult``).  The polish stops when
    the simplex is within ``xatol`` in the parameters and within ``1e-14 |f|`` (some units in the
    last place of the objective) in the function values; an absolute function tolerance below the
    objective's rounding would never be met and the polish would run to ``nm_maxiter``.

    Parameters
    ----------
    xatol : float, optional
        Absolute tolerance of the Nelder-Mead polish on the parameters (default
        :data:`XATOL_2D`).  When given, the polish always runs, so that it governs the result.
    """
    from scipy import optimize  # imported here: only the 2-D searches need it (0.12 s)

    if xatol is None:
        xatol = XATOL_2D
    else:
        polish_always = True
    best = None
    for start in starts:
        res = optimize.minimize(
            negll, start, method="L-BFGS-B", bounds=bounds, options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 2000}
        )
        if best is None or res.fun < best.fun:
            best = res
    if not polish_always and best.success:
        return best
    fatol = 1e-14 * max(1.0, abs(float(best.fun)))
    res = optimize.minimize(
        negll, best.x, method="Nelder-Mead", options={"xatol": xatol, "fatol": fatol, "maxiter": nm_maxiter}
    )
    # Nelder-Mead knows no bounds: a polish that left them (e.g. a random-effects variance ratio phi > 1, a
    # negative unit variance, when the optimum is on the bound) is no estimate
    inside = all(lo <= v <= hi for v, (lo, hi) in zip(res.x, bounds))
    return res if inside and res.fun <= best.fun else best


def check_stationary(f, x, what, step=1e-6, gtol=1e-2):
    """Raise :class:`EstimationError` when the concentrated objective is not stationary at ``x``
    (non-convergence)."""
    x = np.asarray(x, dtype=float)
    for i in range(len(x)):
        e = np.zeros(len(x))
        e[i] = step
        g = (f(x + e) - f(x - e)) / (2 * step)
        if not np.isfinite(g) or abs(g) > gtol:
            raise EstimationError(
                f"{what} optimisation did not converge (score {g:.3g} in parameter {i}); the "
                "estimate may lie on the boundary or the model may be weakly identified",
                hint="try another model (SAR or SEM instead of SAC, fixed instead of random "
                "effects), fewer regressors or another weights matrix",
            )


def num_hessian(f, x, rel=1e-4):
    """Central-difference Hessian of ``f`` at ``x`` (steps ``rel * max(|x|, 0.01)``)."""
    x = np.asarray(x, dtype=float)
    k = len(x)
    h = rel * np.maximum(np.abs(x), 1e-2)
    hess = np.empty((k, k))
    for i in range(k):
        for j in range(i, k):
            ei = np.zeros(k)
            ej = np.zeros(k)
            ei[i] = h[i]
            ej[j] = h[j]
            v = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (4 * h[i] * h[j])
            hess[i, j] = hess[j, i] = v
    return hess


def check_interior(name, val, lo, hi):
    """Raise :class:`EstimationError` when a spatial parameter lies on the bound of ``(lo, hi)``."""
    span = hi - lo
    if val - lo < 1e-6 * span or hi - val < 1e-6 * span:
        raise EstimationError(
            f"{name} = {val:.6f} is at the boundary of its admissible interval "
            f"({lo:.4f}, {hi:.4f}); the maximum likelihood estimate is not interior",
            hint="check the weights matrix and the model specification, or try another model",
        )
