"""The study's numerical core: specification search, baseline SDM, convergence with AI, mechanisms,
heterogeneity, verdicts, robustness variants and counterfactual scenarios.

Every function takes a long panel, column names and weights, and returns tidy tables (or small
result objects carrying them); every setting is a parameter.

Modules
-------
specification
    :func:`specification_search` (LM, LR fixed effects, Hausman, Wald/LR SDM tests, selection).
models
    :func:`baseline`, :func:`convergence_with_ai`, :func:`heterogeneity`, :func:`split_year`.
mechanisms
    :func:`mechanism` (three-step spatial mediation), :func:`verdict`, :func:`add_agreement`.
robustness
    :func:`robustness_variant` (one weights × sample variant under SDM, SAR, SEM and the dynamic SDM).
dynamic
    The dynamic SDM of the grid: short-run total and mediated effects.
scenarios
    :func:`scenarios` (counterfactual AI changes through the reduced form; dispersion), :func:`dispersion_shift`.
identification
    :func:`identification` (AI's effects by ML, spatial 2SLS and GMM with first-stage statistics).
"""

from .identification import identification
from .mechanisms import Mechanism, add_agreement, mechanism, verdict
from .models import Baseline, baseline, convergence_with_ai, heterogeneity, split_year
from .robustness import SAMPLES, robustness_variant
from .scenarios import dispersion_shift, scenarios
from .specification import specification_search

__all__ = [
    "specification_search",
    "Baseline",
    "baseline",
    "convergence_with_ai",
    "heterogeneity",
    "Mechanism",
    "mechanism",
    "verdict",
    "add_agreement",
    "robustness_variant",
    "SAMPLES",
    "scenarios",
    "identification",
    "split_year",
    "dispersion_shift",
]
