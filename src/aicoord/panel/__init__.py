"""Spatial panel econometrics: ML estimation of SAR, SDM, SEM, SAC, SLX and SDEM panel models.

A Python counterpart of Stata's ``xsmle`` and R's ``splm`` fixed-effects estimators, validated
against exact ML of the dummy-variable model in R's ``spatialreg``.
"""

from .effects import impacts
from .model import EFFECTS, MODELS, SpatialPanel, SpatialPanelResults

__all__ = ["SpatialPanel", "SpatialPanelResults", "impacts", "MODELS", "EFFECTS"]
