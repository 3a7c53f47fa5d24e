"""Shared numerical helpers (aicoord.panel._numeric): information-matrix inverse, numerical
Hessian, two-dimensional search.  Their error branches are in test_errors.py."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import optimize

from aicoord.panel._numeric import inverse, minimize_2d, num_hessian


def test_num_hessian_of_a_quadratic():
    a = np.array([[2.0, 0.5, 0.0], [0.5, 1.0, -0.3], [0.0, -0.3, 4.0]])
    x0 = np.array([0.3, -1.0, 2.0])
    h = num_hessian(lambda x: 0.5 * (x - 1.0) @ a @ (x - 1.0) + x.sum(), x0)
    assert_allclose(h, a, rtol=1e-6, atol=1e-6)
    assert_allclose(h, h.T, rtol=0, atol=0)


def test_inv_and_its_warning():
    a = np.array([[4.0, 1.0], [1.0, 3.0]])
    assert_allclose(inverse(a) @ a, np.eye(2), atol=1e-14)
    with pytest.warns(RuntimeWarning, match="not positive definite"):
        inverse(np.array([[-1.0, 0.0], [0.0, 1.0]]))


def test_explicit_tol_always_polishes(spy):
    """With ``xatol`` given, the Nelder-Mead polish runs even when L-BFGS-B succeeded."""
    scipy_calls = spy(optimize, "minimize")

    def quad(p):
        return (p[0] - 0.2) ** 2 + 2 * (p[1] + 0.1) ** 2

    bounds = [(-1.0, 1.0), (-1.0, 1.0)]
    minimize_2d(quad, [(0.0, 0.0)], bounds, polish_always=False)
    assert [c["method"] for c in scipy_calls] == ["L-BFGS-B"]
    res = minimize_2d(quad, [(0.0, 0.0)], bounds, polish_always=False, xatol=1e-6)
    assert [c["method"] for c in scipy_calls[1:]] == ["L-BFGS-B", "Nelder-Mead"]
    assert scipy_calls[-1]["options"]["xatol"] == 1e-6
    assert_allclose(res.x, [0.2, -0.1], rtol=0, atol=1e-6)


# ---------------------------------------------------------------- mutation-testing additions
# (tests/MUTATION.md lists the mutants each of these kills)

import math  # noqa: E402
import warnings  # noqa: E402

from aicoord.errors import EstimationError  # noqa: E402
from aicoord.panel._numeric import check_interior, check_stationary  # noqa: E402


def test_inv_messages_and_no_warning_for_a_valid_inverse():
    with pytest.raises(EstimationError) as info:
        inverse(np.array([[1.0, 2.0], [2.0, 4.0]]))
    assert str(info.value) == (
        "the information matrix is singular (the model is not identified: drop collinear "
        "or constant regressors or choose another model)"
    )
    # an inverse with a zero diagonal entry is not negative: no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert_allclose(inverse(np.array([[0.0, 1.0], [1.0, 0.0]])), [[0.0, 1.0], [1.0, 0.0]])


def test_num_hessian_of_an_exponential_at_zero_and_large_arguments():
    # f = exp(a.x): Hessian a a' exp(a.x); steps must scale with |x| and stay positive at x = 0
    a = np.array([0.7, -0.2, 0.05])
    for x0 in (np.array([0.0, 0.0, 0.0]), np.array([0.0, 2.0, 30.0])):
        h = num_hessian(lambda x: math.exp(a @ x), x0)
        # rounding error of a central second difference: about 4 eps f / (h_i h_j) <= 9e-4 with h = 1e-6
        assert_allclose(h, np.outer(a, a) * math.exp(a @ x0), rtol=1e-3, atol=1e-3)


def test_minimize_2d_polishes_by_default_and_keeps_the_best_start(spy):
    calls = spy(optimize, "minimize")

    def two_wells(p):  # minima at (-0.5, 0) (value -1) and (0.5, 0) (value -2)
        return -math.exp(-20 * ((p[0] + 0.5) ** 2 + p[1] ** 2)) - 2 * math.exp(-20 * ((p[0] - 0.5) ** 2 + p[1] ** 2))

    res = minimize_2d(two_wells, [(-0.5, 0.0), (0.5, 0.1)], [(-1.0, 1.0), (-1.0, 1.0)])
    assert [c["method"] for c in calls] == ["L-BFGS-B", "L-BFGS-B", "Nelder-Mead"]
    fatol = calls[-1]["options"].pop("fatol")
    assert calls[-1]["options"] == {"xatol": 1e-10, "maxiter": 20000}
    assert fatol == pytest.approx(2e-14, rel=1e-6)  # 1e-14 |f| at the best L-BFGS-B point (f = -2)
    assert calls[0]["options"] == {"ftol": 1e-15, "gtol": 1e-10, "maxiter": 2000}
    assert_allclose(res.x, [0.5, 0.0], atol=1e-6)
    assert res.fun <= two_wells(np.array([0.5, 0.0])) + 1e-15  # the deeper well, found from the second start


def test_stationarity_and_interior_messages_and_thresholds():
    with pytest.raises(EstimationError) as info:
        check_stationary(lambda p: 3.0 * p[0] + p[1] ** 2, np.array([0.2, 0.0]), "SAC")
    assert str(info.value) == (
        "SAC optimisation did not converge (score 3 in parameter 0); the estimate may lie on the boundary or "
        "the model may be weakly identified (try another model (SAR or SEM instead of SAC, fixed instead of "
        "random effects), fewer regressors or another weights matrix)"
    )
    # the score of the second parameter is checked too; a non-finite score is a failure
    with pytest.raises(EstimationError, match=r"score 0\.05 in parameter 1"):
        check_stationary(lambda p: 0.05 * p[1], np.array([0.0, 0.0]), "RE")
    with pytest.raises(EstimationError, match="score nan"):
        check_stationary(lambda p: math.nan, np.array([0.0]), "RE")
    check_stationary(lambda p: 0.009 * p[0], np.array([0.0]), "RE")  # below gtol = 0.01
    with pytest.raises(EstimationError) as info:
        check_interior("rho", 0.9999999, -1.0, 1.0)
    assert str(info.value) == (
        "rho = 1.000000 is at the boundary of its admissible interval (-1.0000, 1.0000); the maximum "
        "likelihood estimate is not interior (check the weights matrix and the model specification, or try "
        "another model)"
    )
    check_interior("rho", 0.99999, -1.0, 1.0)  # 1e-5 from the bound: 5e-6 of the span, interior
    # exactly 1e-6 of the span from either bound (exact in floating point on (-5e5, 5e5)) is interior,
    # a hair closer is not
    check_interior("rho", 499999.0, -5e5, 5e5)
    check_interior("rho", -499999.0, -5e5, 5e5)
    for val in (np.nextafter(499999.0, 5e5), np.nextafter(-499999.0, -5e5)):
        with pytest.raises(EstimationError, match="is at the boundary"):
            check_interior("rho", val, -5e5, 5e5)
    check_interior("rho", -0.99999, -1.0, 1.0)
