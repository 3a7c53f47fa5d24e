"""Spatial panel econometrics: ML estimation of SAR, SDM, SEM, SAC, SLX and SDEM panel models.

A Python counterpart of Stata's ``xsmle`` and R's ``splm`` estimators, validated against exact ML
of the dummy-variable model in R's ``spatialreg`` (see ``tests/panel``).

Modules
-------
model
    :class:`SpatialPanel`: specification and option checks, log-determinants, bounds and the
    dispatch of :meth:`SpatialPanel.fit` (pooled, individual, time, two-way fixed effects with
    optional Lee-Yu correction; random effects for SAR, SDM and SEM).
data
    Checks of the long DataFrame, balanced time-major arrays, spatial lags, design matrices,
    within transformation, design checks and the effective sample size.
fixed
    Fits with pooled or fixed effects: spatial lag (SAR/SDM), spatial error (SEM/SDEM), least
    squares (SLX) and SAC with its analytic information matrix.
random
    Random-effects SAR/SDM and SEM.
results
    :class:`SpatialPanelResults` (``summary()`` for the table) and :class:`TestResult`.
effects, effects_delta
    Direct, indirect and total effects with simulated or delta-method inference (traces and their
    derivatives in rho, also for a W*x matrix other than W).
inference
    The ``cov_type`` options of :meth:`SpatialPanel.fit`: OPG, robust, cluster-robust and
    Driscoll-Kraay covariances from analytic per-observation scores.
diagnostics
    LM (and robust LM) tests on the non-spatial panel, LR tests of the fixed effects, Wald and LR
    tests of the SDM against SAR and SEM, Hausman FE vs RE.
wmatrix
    Weights alignment, row standardisation, log-determinants (eigenvalues, banded eigenvalues,
    sparse LU) and traces.
_numeric, _optim
    Shared numerical helpers (information-matrix inverse, two-dimensional search, stationarity
    and boundary checks, numerical Hessian) and the one-dimensional Brent searches.

Numerical failures (non-convergence, a singular information matrix, a spatial parameter on the
bound of its interval) raise :class:`aicoord.errors.EstimationError`; bad input raises
:class:`aicoord.errors.InputError`.

unbalanced
    Panels with missing unit-periods by exact ML: each period's sub-matrix of W re-standardised,
    the dummies partialled out by projection, the log-determinant summed over periods.
bayes
    Posterior model probabilities of SLX, SAR, SEM, SDM and SDEM under LeSage's (2014) flat priors.
dynamic, dynamic_results
    :class:`DynamicSpatialPanel`: SAR and SDM with y(t-1) and/or W y(t-1) (``dlag`` 1, 2, 3), bias-corrected
    QML (Yu, de Jong and Lee 2008; Lee and Yu 2010), short- and long-run effects.

Examples
--------
>>> res = SpatialPanel(df, y="logc", x=["logp", "logy"], id="state", time="year", w=W,
...                    model="sdm", effects="twoways").fit()          # doctest: +SKIP
>>> res.impacts(draws=1000, seed=1)                                 # doctest: +SKIP
>>> print(res.summary())                                            # doctest: +SKIP
"""

from .diagnostics import hausman, lm_tests, lr_effects_tests, sdm_tests
from .dynamic import DynamicSpatialPanel
from .effects import impacts
from .model import EFFECTS, MODELS, SpatialPanel
from .results import SpatialPanelResults, TestResult

__all__ = [
    "SpatialPanel",
    "SpatialPanelResults",
    "DynamicSpatialPanel",
    "TestResult",
    "impacts",
    "MODELS",
    "EFFECTS",
    "lm_tests",
    "lr_effects_tests",
    "sdm_tests",
    "hausman",
]
