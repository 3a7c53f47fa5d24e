"""Spatial panel econometrics: ML estimation of SAR, SDM, SEM, SAC, SLX and SDEM panel models.

A Python counterpart of Stata's ``xsmle`` and R's ``splm`` estimators, validated against exact ML
of the dummy-variable model in R's ``spatialreg`` (see ``tests/panel``).

Modules
-------
model
    :class:`SpatialPanel` (pooled, individual, time, two-way fixed effects with optional Lee-Yu
    correction; random effects for SAR, SDM and SEM) and :class:`SpatialPanelResults`.
effects
    Direct, indirect and total effects with simulated inference.
tests
    LM (and robust LM) tests on the non-spatial panel, LR tests of the fixed effects, Wald and LR
    tests of the SDM against SAR and SEM, Hausman FE vs RE.
wmatrix
    Weights alignment, row standardisation, log-determinants (eigenvalues, banded eigenvalues,
    sparse LU) and traces.

Examples
--------
>>> res = SpatialPanel(df, y="logc", x=["logp", "logy"], id="state", time="year", w=W,
...                    model="sdm", effects="twoways").fit()          # doctest: +SKIP
>>> res.impacts(draws=1000, seed=1)                                 # doctest: +SKIP
"""

from .effects import impacts
from .model import EFFECTS, MODELS, SpatialPanel, SpatialPanelResults
from .tests import hausman, lm_tests, lr_effects_tests, sdm_tests

__all__ = ["SpatialPanel", "SpatialPanelResults", "impacts", "MODELS", "EFFECTS", "lm_tests",
           "lr_effects_tests", "sdm_tests", "hausman"]
