"""Numerical failures raise EstimationError (exit status 3) with a hint, never InputError: a
singular information matrix, a spatial parameter on the bound of its interval, and
non-convergence of the two-dimensional searches and of the line searches."""

import math
import types

import numpy as np
import pytest

from aicoord.errors import EstimationError, InputError
from aicoord.panel import SpatialPanel, fixed, random
from aicoord.panel._numeric import check_interior, check_stationary, inverse
from aicoord.panel._optim import minimize_bounded, root_bracketed


def _model(data, w, **kw):
    args = dict(y="logc", x=["logp", "logy"], id="state", time="year", w=w, model="sar", effects="individual")
    args.update(kw)
    return SpatialPanel(data, **args)


def _is_estimation_error(info):
    err = info.value
    assert not isinstance(err, InputError)
    assert err.exit_code == 3 and err.hint


def test_singular_information_matrix():
    with pytest.raises(EstimationError, match="information matrix is singular") as info:
        inverse(np.array([[1.0, 2.0], [2.0, 4.0]]))
    _is_estimation_error(info)
    assert "not identified" in info.value.hint and "collinear" in info.value.hint


def test_singular_information_matrix_in_a_fit(cigar, w46):
    """A fit whose information matrix is singular (here the SLX's Z'Z, made singular by
    duplicating a column of the demeaned design after the design checks) reports
    EstimationError, not a LinAlgError."""
    mod = _model(cigar, w46, model="slx")
    mod.Zd = np.column_stack([mod.Zd[:, 0], mod.Zd[:, 0], mod.Zd[:, 2:]])
    with pytest.raises(EstimationError, match="singular") as info:
        mod.fit()
    _is_estimation_error(info)


def test_rho_at_boundary(cigar, w46):
    # y equal to its own spatial lag up to a tiny noise: the likelihood pushes rho to 1
    d = cigar.sort_values(["year", "state"]).copy()
    wr = w46 / w46.sum(axis=1, keepdims=True)
    rng = np.random.default_rng(0)
    common = np.repeat(rng.normal(size=30), 46) * 10
    d["logc"] = common + 1e-6 * rng.normal(size=len(d))
    with pytest.raises(EstimationError, match="rho = .* boundary") as info:
        _model(d, wr, effects="none").fit()
    _is_estimation_error(info)


def test_lambda_at_lower_bound():
    check_interior("lambda", 0.5, -1.0, 1.0)
    with pytest.raises(EstimationError, match="lambda = -1.000000 is at the boundary") as info:
        check_interior("lambda", -1.0 + 1e-9, -1.0, 1.0)
    _is_estimation_error(info)


def test_non_stationary_point():
    with pytest.raises(EstimationError, match="SAC optimisation did not converge") as info:
        check_stationary(lambda p: 3.0 * p[0] + p[1] ** 2, np.array([0.2, 0.0]), "SAC")
    _is_estimation_error(info)
    check_stationary(lambda p: (p[0] - 0.2) ** 2 + p[1] ** 2, np.array([0.2, 0.0]), "SAC")


def _stuck_search(negll, starts, bounds, **kw):
    """A two-dimensional search that stops at its first start, as a failed optimiser would."""
    x = np.asarray(starts[0], dtype=float)
    return types.SimpleNamespace(x=x, fun=negll(x), success=False)


def test_sac_non_convergence(cigar, w46, monkeypatch):
    monkeypatch.setattr(fixed, "minimize_2d", _stuck_search)
    with pytest.raises(EstimationError, match="SAC optimisation did not converge") as info:
        _model(cigar, w46, model="sac").fit()
    _is_estimation_error(info)


def test_random_effects_non_convergence(cigar, w46, monkeypatch):
    monkeypatch.setattr(random, "minimize_2d", _stuck_search)
    d = cigar[cigar["year"] <= 67]
    with pytest.raises(EstimationError, match="random-effects optimisation did not converge"):
        _model(d, w46, effects="random").fit()


def test_line_search_non_convergence():
    with pytest.raises(EstimationError, match="line search did not converge") as info:
        minimize_bounded(lambda x: (x - 0.3) ** 2, -1.0, 1.0, xatol=1e-14, maxiter=3)
    _is_estimation_error(info)
    with pytest.raises(EstimationError, match="root search did not converge"):
        root_bracketed(lambda x: math.exp(x) - 2.0, 0.0, 5.0, xtol=1e-15, maxiter=2)
