"""The line-search helpers against scipy.optimize (the implementations they stand in for)."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import optimize

from aicoord.errors import EstimationError
from aicoord.panel._optim import minimize_bounded, root_bracketed

FUNCTIONS = [
    (lambda x: (x - 0.3) ** 2, -0.9, 0.99),
    (lambda x: 690 * math.log(1.3 - 2 * x * 0.4 + x * x) - 30 * math.log1p(-0.8 * x), -0.9, 0.99),
    (lambda x: -math.log(x) + 5 * x, 1e-6, 3.0),  # minimum 0.2, steep near 0
    (lambda x: math.cos(3 * x) + 0.1 * x, 0.0, 2.0),
    (lambda x: x**4 - x, -1.0, 2.0),
    (lambda x: abs(x - 0.98), -0.9, 0.99),  # kink near the upper bound
]


@pytest.mark.parametrize("f,lo,hi", FUNCTIONS)
@pytest.mark.parametrize("xatol", [1e-5, 1e-12])
def test_minimize_bounded_matches_scipy(f, lo, hi, xatol):
    x, fx = minimize_bounded(f, lo, hi, xatol=xatol)
    ref = optimize.minimize_scalar(f, bounds=(lo, hi), method="bounded", options={"xatol": xatol, "maxiter": 500})
    # the same algorithm: mostly the very same iterate; always within the tolerance, and no worse
    assert abs(x - ref.x) <= 2 * (xatol + 1.5e-8 * abs(x))
    assert fx <= ref.fun + 1e-12 * max(1.0, abs(ref.fun))
    assert lo < x < hi


def _counted(f):
    def g(x):
        g.calls += 1
        return f(x)

    g.calls = 0
    return g


@pytest.mark.parametrize("xatol", [1e-5, 1e-12])
def test_minimize_bounded_needs_no_more_evaluations_than_scipy(xatol):
    """Brent's parabolic steps at work: golden-section steps alone, or wrong parabolas, need many more
    evaluations than scipy's implementation of the same algorithm (measured: equal counts but for one
    function, 12 against 10)."""
    for f, lo, hi in FUNCTIONS:
        g = _counted(f)
        minimize_bounded(g, lo, hi, xatol=xatol)
        ref = optimize.minimize_scalar(f, bounds=(lo, hi), method="bounded", options={"xatol": xatol})
        assert g.calls <= ref.nfev + 2, (g.calls, ref.nfev)


def test_minimize_bounded_errors():
    with pytest.raises(ValueError, match="^lower must be below upper$"):
        minimize_bounded(lambda x: x * x, 1.0, 0.0)
    with pytest.raises(EstimationError, match="did not converge"):
        minimize_bounded(lambda x: (x - 0.3) ** 2, -1.0, 1.0, xatol=1e-14, maxiter=3)


ROOTS = [
    (lambda x: x**3 - 2 * x - 5, 2.0, 3.0),
    (lambda x: math.exp(x) - 10.0, 0.0, 5.0),
    (lambda x: math.atan(x - 0.2999), -1.0, 1.0),
    (lambda x: -690 * (-0.8 + 2 * x) / (1.3 - 0.8 * x + x * x) + 24 / (1 - 0.8 * x), 0.0, 0.9),
]


@pytest.mark.parametrize("f,a,b", ROOTS)
def test_root_bracketed_matches_brentq(f, a, b):
    r = root_bracketed(f, a, b, xtol=1e-15)
    ref = optimize.brentq(f, a, b, xtol=1e-15, rtol=4 * np.finfo(float).eps)
    assert_allclose(r, ref, rtol=0, atol=1e-14)
    assert abs(f(r)) <= abs(f(np.nextafter(r, a))) + abs(f(np.nextafter(r, b)))


def test_root_bracketed_needs_no_more_evaluations_than_brentq():
    for f, a, b in ROOTS:
        g = _counted(f)
        root_bracketed(g, a, b, xtol=1e-15)
        _, ref = optimize.brentq(f, a, b, xtol=1e-15, rtol=4 * np.finfo(float).eps, full_output=True)
        assert g.calls <= ref.function_calls + 1, (g.calls, ref.function_calls)


@pytest.mark.parametrize("f,a,b", ROOTS)
def test_root_bracketed_evaluates_where_brentq_does(f, a, b):
    """The same algorithm (Brent 1973, ch. 4) as scipy's C ``brentq``: the same sequence of evaluation
    points, each equal to within 4 ulp of the larger of the two (the interpolation formulas round
    differently), so every choice between bisection, secant and inverse quadratic interpolation, and
    the stopping test, is the same."""
    ours, ref = [], []
    root_bracketed(lambda x: ours.append(x) or f(x), a, b, xtol=1e-15)
    optimize.brentq(lambda x: ref.append(x) or f(x), a, b, xtol=1e-15, rtol=4 * np.finfo(float).eps)
    assert len(ours) == len(ref)
    ulp = np.spacing(np.maximum(np.abs(ours), np.abs(ref)))
    assert np.all(np.abs(np.subtract(ours, ref)) <= 4 * ulp), np.subtract(ours, ref)


def test_root_bracketed_default_tolerance_is_machine_precision():
    f, a, b = ROOTS[0]
    ref = optimize.brentq(f, a, b, xtol=1e-15, rtol=4 * np.finfo(float).eps)
    assert abs(root_bracketed(f, a, b) - ref) < 1e-14


def test_root_bracketed_errors_and_end_points():
    with pytest.raises(ValueError, match="opposite signs"):
        root_bracketed(lambda x: x * x + 1, -1.0, 1.0)
    with pytest.raises(EstimationError, match="^root search did not converge in 3 iterations") as exc:
        root_bracketed(lambda x: x**3 - 2 * x - 5, 2.0, 3.0, xtol=1e-15, maxiter=3)
    assert exc.value.hint == "check the model specification"
    assert root_bracketed(lambda x: x, 0.0, 1.0) == 0.0
    assert root_bracketed(lambda x: x - 1.0, 0.0, 1.0) == 1.0
