"""Omitted-confounder sensitivity of a regression coefficient (Cinelli and Hazlett 2020).

For a coefficient with t statistic ``t`` on ``dof`` residual degrees of freedom, ``f = t / sqrt(dof)``:

* partial R^2 of the regressor with the outcome: ``t^2 / (t^2 + dof)``;
* robustness value ``RV_q = (sqrt(f_q^4 + 4 f_q^2) - f_q^2) / 2`` with ``f_q = q |f|``: the partial R^2 that
  a confounder would need with both the regressor and the outcome to reduce the estimate by ``100 q``%;
  ``RV_{q,alpha}`` the same with ``f_q - f*``, ``f* = t_{1-alpha/2, dof-1} / sqrt(dof - 1)``, to make the
  (1 - alpha) interval include the reduced value (0 when already so);
* bounds from an observed benchmark ``X_j`` (partial R^2 ``r2dxj`` with the regressor given the other
  controls, ``r2yxj`` with the outcome given the regressor and the other controls): a confounder ``kd``
  (``ky``) times as strong has ``r2dz = kd r2dxj / (1 - r2dxj)`` and
  ``r2yz <= ((sqrt(ky) + sqrt(r2zxj)) / sqrt(1 - r2zxj))^2 r2yxj / (1 - r2yxj)``,
  ``r2zxj = kd r2dxj^2 / ((1 - kd r2dxj)(1 - r2dxj))``; the estimate adjusted for it moves towards zero by
  ``se sqrt(dof) sqrt(r2yz r2dz / (1 - r2dz))``.

Reference values: the Darfur example of Cinelli and Hazlett (2020, sec. 5), as stored in R sensemakr's tests
(``tests/testthat/test-02-darfur.R``): ``tests/study/test_sensitivity.py``.

Cinelli, C. and Hazlett, C. (2020). Making sense of sensitivity: extending omitted variable bias. Journal of
the Royal Statistical Society B 82(1), 39-67.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = ["partial_r2", "robustness_value", "benchmark_bounds", "adjusted_estimate"]


def partial_r2(t, dof):
    """Partial R^2 of a regressor with the outcome, from its t statistic."""
    return t * t / (t * t + dof)


def robustness_value(t, dof, q=1.0, alpha=None):
    """``RV_q`` (``alpha`` None) or ``RV_{q,alpha}`` (module docstring)."""
    fq = q * abs(t) / np.sqrt(dof)
    if alpha is None:
        return 0.5 * (np.sqrt(fq**4 + 4 * fq**2) - fq**2)
    fcrit = stats.t.ppf(1 - alpha / 2, dof - 1) / np.sqrt(dof - 1)
    fqa = fq - fcrit
    if fqa < 0:
        return 0.0
    rv = 0.5 * (np.sqrt(fqa**4 + 4 * fqa**2) - fqa**2)
    return rv if rv > 1 - 1 / fq**2 else (fq**2 - fcrit**2) / (1 + fq**2)


def benchmark_bounds(r2dxj, r2yxj, kd=1.0, ky=None):
    """``(r2dz, r2yz)`` of a confounder ``kd`` (``ky``, default ``kd``) times as strong as the benchmark."""
    ky = kd if ky is None else ky
    r2dz = kd * r2dxj / (1 - r2dxj)
    r2zxj = kd * r2dxj**2 / ((1 - kd * r2dxj) * (1 - r2dxj))
    r2yz = ((np.sqrt(ky) + np.sqrt(r2zxj)) / np.sqrt(1 - r2zxj)) ** 2 * r2yxj / (1 - r2yxj)
    return r2dz, min(r2yz, 1.0)


def adjusted_estimate(estimate, se, dof, r2dz, r2yz):
    """The estimate moved towards zero by the bias of a confounder with partial R^2 ``r2dz``, ``r2yz``."""
    bias = se * np.sqrt(dof) * np.sqrt(r2yz * r2dz / (1 - r2dz))
    return estimate - np.sign(estimate) * bias
