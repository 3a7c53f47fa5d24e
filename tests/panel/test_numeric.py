"""Shared numerical helpers (aicoord.panel._numeric): information-matrix inverse, numerical
Hessian, two-dimensional search.  Their error branches are in test_errors.py."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import optimize

from aicoord.panel._numeric import _inv, _minimize_2d, _num_hessian


def test_num_hessian_of_a_quadratic():
    a = np.array([[2.0, 0.5, 0.0], [0.5, 1.0, -0.3], [0.0, -0.3, 4.0]])
    x0 = np.array([0.3, -1.0, 2.0])
    h = _num_hessian(lambda x: 0.5 * (x - 1.0) @ a @ (x - 1.0) + x.sum(), x0)
    assert_allclose(h, a, rtol=1e-6, atol=1e-6)
    assert_allclose(h, h.T, rtol=0, atol=0)


def test_inv_and_its_warning():
    a = np.array([[4.0, 1.0], [1.0, 3.0]])
    assert_allclose(_inv(a) @ a, np.eye(2), atol=1e-14)
    with pytest.warns(RuntimeWarning, match="not positive definite"):
        _inv(np.array([[-1.0, 0.0], [0.0, 1.0]]))


def test_explicit_tol_always_polishes(spy):
    """With ``xatol`` given, the Nelder-Mead polish runs even when L-BFGS-B succeeded."""
    scipy_calls = spy(optimize, "minimize")

    def quad(p):
        return (p[0] - 0.2) ** 2 + 2 * (p[1] + 0.1) ** 2

    bounds = [(-1.0, 1.0), (-1.0, 1.0)]
    _minimize_2d(quad, [(0.0, 0.0)], bounds, polish_always=False)
    assert [c["method"] for c in scipy_calls] == ["L-BFGS-B"]
    res = _minimize_2d(quad, [(0.0, 0.0)], bounds, polish_always=False, xatol=1e-6)
    assert [c["method"] for c in scipy_calls[1:]] == ["L-BFGS-B", "Nelder-Mead"]
    assert scipy_calls[-1]["options"]["xatol"] == 1e-6
    assert_allclose(res.x, [0.2, -0.1], rtol=0, atol=1e-6)
