"""The study's numerical core: specification search, baseline SDM, convergence with AI, mechanisms,
heterogeneity, verdicts, robustness variants and counterfactual scenarios.

Every function takes a long panel, column names and weights, and returns tidy tables (or small
result objects carrying them); every setting is a parameter.
"""

from .mechanisms import Mechanism, add_agreement, mechanism, verdict
from .models import Baseline, baseline, convergence_with_ai, heterogeneity

__all__ = ["Baseline", "baseline", "convergence_with_ai", "heterogeneity", "Mechanism", "mechanism", "verdict",
           "add_agreement"]
