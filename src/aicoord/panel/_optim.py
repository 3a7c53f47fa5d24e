"""One-dimensional minimisation and root finding for the spatial-parameter line searches.

Brent's (1973) algorithms, the ones behind ``scipy.optimize.minimize_scalar(method="bounded")``
and ``scipy.optimize.brentq``.  They are written out here because importing ``scipy.optimize``
costs about 0.12 s, a third of the start-up time of ``aicoord fit-panel``, while the SAR, SDM,
SEM and SDEM fits need nothing else from it; the two-dimensional searches (SAC, random effects)
still import ``scipy.optimize`` when they run.  ``tests/panel/test_optim.py`` checks both
functions against scipy.

Brent, R.P. (1973). *Algorithms for Minimization without Derivatives*. Prentice-Hall, ch. 4-5.
"""

from __future__ import annotations

import math

from ..errors import EstimationError

_EPS = 2.220446049250313e-16
_SQRT_EPS = math.sqrt(_EPS)
_GOLDEN = 0.5 * (3.0 - math.sqrt(5.0))


def minimize_bounded(f, lower, upper, xatol=1e-5, maxiter=500):
    """Minimise ``f`` on ``[lower, upper]`` by golden-section search with parabolic interpolation.

    Parameters
    ----------
    f : callable
        Scalar function of one float.
    lower, upper : float
        Interval; ``f`` is never evaluated at the end points.
    xatol : float
        Absolute tolerance on the minimiser (a relative ``sqrt(eps) |x|`` is added).
    maxiter : int
        Maximum number of function evaluations after the first.

    Returns
    -------
    x, fx : float
        The minimiser and the function value there.

    Raises
    ------
    EstimationError
        When ``maxiter`` is reached before the tolerance (non-convergence).
    """
    a, b = float(lower), float(upper)
    if not a < b:
        raise ValueError("lower must be below upper")
    x = w = v = a + _GOLDEN * (b - a)
    fx = fw = fv = f(x)
    d = e = 0.0
    for _ in range(maxiter):
        xm = 0.5 * (a + b)
        tol1 = _SQRT_EPS * abs(x) + xatol / 3.0
        tol2 = 2.0 * tol1
        if abs(x - xm) <= tol2 - 0.5 * (b - a):
            return x, fx
        golden = True
        if abs(e) > tol1:  # try a parabola through x, w, v
            r = (x - w) * (fx - fv)
            q = (x - v) * (fx - fw)
            p = (x - v) * q - (x - w) * r
            q = 2.0 * (q - r)
            if q > 0.0:
                p = -p
            q = abs(q)
            e_old, e = e, d
            if abs(p) < abs(0.5 * q * e_old) and q * (a - x) < p < q * (b - x):
                d = p / q
                golden = False
                if (x + d) - a < tol2 or b - (x + d) < tol2:
                    d = tol1 if x < xm else -tol1
        if golden:
            e = (b - x) if x < xm else (a - x)
            d = _GOLDEN * e
        u = x + d if abs(d) >= tol1 else (x + tol1 if d > 0.0 else x - tol1)
        fu = f(u)
        if fu <= fx:
            if u < x:
                b = x
            else:
                a = x
            v, fv, w, fw, x, fx = w, fw, x, fx, u, fu
        else:
            if u < x:
                a = u
            else:
                b = u
            if fu <= fw or w == x:
                v, fv, w, fw = w, fw, u, fu
            elif fu <= fv or v == x or v == w:
                v, fv = u, fu
    raise EstimationError(
        f"line search did not converge in {maxiter} evaluations", hint="loosen tol or check the model specification"
    )


def root_bracketed(f, a, b, xtol=1e-15, maxiter=200):
    """Root of ``f`` in ``[a, b]``, where ``f(a)`` and ``f(b)`` differ in sign (Brent's zeroin:
    inverse quadratic interpolation and secant steps, safeguarded by bisection).

    Parameters
    ----------
    f : callable
    a, b : float
        Bracket.
    xtol : float
        Absolute tolerance (a relative ``4 eps |x|`` is added).
    maxiter : int

    Returns
    -------
    float

    Raises
    ------
    EstimationError
        When ``maxiter`` is reached before the tolerance (non-convergence).
    """
    a, b = float(a), float(b)
    fa, fb = f(a), f(b)
    if fa == 0.0:
        return a
    if fb == 0.0:
        return b
    if (fa > 0) == (fb > 0):
        raise ValueError("f(a) and f(b) must have opposite signs")
    c, fc = a, fa
    d = e = b - a
    for _ in range(maxiter):
        if (fb > 0) == (fc > 0):
            c, fc = a, fa
            d = e = b - a
        if abs(fc) < abs(fb):
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tol = 2.0 * _EPS * abs(b) + 0.5 * xtol
        m = 0.5 * (c - b)
        if abs(m) <= tol or fb == 0.0:
            return b
        if abs(e) >= tol and abs(fa) > abs(fb):
            s = fb / fa
            if a == c:  # secant
                p, q = 2.0 * m * s, 1.0 - s
            else:  # inverse quadratic interpolation
                q, r = fa / fc, fb / fc
                p = s * (2.0 * m * q * (q - r) - (b - a) * (r - 1.0))
                q = (q - 1.0) * (r - 1.0) * (s - 1.0)
            if p > 0.0:
                q = -q
            else:
                p = -p
            if 2.0 * p < min(3.0 * m * q - abs(tol * q), abs(e * q)):
                e, d = d, p / q
            else:
                d = e = m
        else:
            d = e = m
        a, fa = b, fb
        b += d if abs(d) > tol else math.copysign(tol, m)
        fb = f(b)
    raise EstimationError(f"root search did not converge in {maxiter} iterations", hint="check the model specification")
