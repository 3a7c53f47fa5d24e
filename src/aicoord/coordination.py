"""Coupling coordination degree (耦合协调度) of two or more subsystems.

Notes
-----
For *n* subsystems with evaluation scores :math:`U_i \\in [0, 1]`:

.. math::

    C = \\frac{n\\,(\\prod_{i=1}^n U_i)^{1/n}}{\\sum_{i=1}^n U_i}
      = \\left[\\frac{\\prod_i U_i}{\\left(\\frac1n\\sum_i U_i\\right)^n}\\right]^{1/n},\\qquad
    T = \\sum_i \\alpha_i U_i,\\qquad D = \\sqrt{C\\,T}.

*C* is the ratio of the geometric to the arithmetic mean of the scores, so :math:`C\\in[0,1]`
(AM–GM inequality), with :math:`C = 1` iff all :math:`U_i` are equal. For two subsystems it is
the common :math:`C = 2\\sqrt{U_1U_2}/(U_1+U_2)`. This is the "standard" variant; we do **not**
use the variant :math:`C = [\\prod U_i/(\\sum U_i)^n]^{1/n}` without the factor *n*, whose range
is :math:`[0, 1/n]` and which compresses *D* (see the critique and comparison of variants in
王淑佳, 孔伟, 任亮, 戴宁宁 (2021) 国内耦合协调度模型的误区及修正, 《自然资源学报》36(3):
793–810, and 丛晓男 (2019) 耦合度模型的形式、性质及在地理学中的若干误用, 《经济地理》39(4):
18–25). The weights :math:`\\alpha_i` default to :math:`1/n` and must sum to 1.

If all :math:`U_i = 0` the ratio is 0/0; we define :math:`C = 0` (and then :math:`T = D = 0`).

The ten classes of *D* are the usual equal-width intervals of 0.1 (e.g. 廖重斌 1999, 《热带地理》
19(2): 171–177, with the later common ten-level naming): intervals are closed on the left and
open on the right, ``[0.0, 0.1), [0.1, 0.2), ..., [0.9, 1.0]``, the last one closed. To avoid
misclassifying values such as ``0.30000000000000004`` vs ``0.29999999999999993`` produced by
rounding, *D* is rounded to 12 decimals before it is classified.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import InputError

__all__ = ["coupling_coordination", "coordination_class", "CLASSES"]

#: (lower bound, Chinese label, English label) of the ten classes of D.
CLASSES = (
    (0.0, "极度失调", "extreme imbalance"),
    (0.1, "严重失调", "serious imbalance"),
    (0.2, "中度失调", "moderate imbalance"),
    (0.3, "轻度失调", "mild imbalance"),
    (0.4, "濒临失调", "on the verge of imbalance"),
    (0.5, "勉强协调", "barely coordinated"),
    (0.6, "初级协调", "primary coordination"),
    (0.7, "中级协调", "intermediate coordination"),
    (0.8, "良好协调", "good coordination"),
    (0.9, "优质协调", "quality coordination"),
)


def coordination_class(d):
    """Class number (1–10) of coordination degrees, see the module Notes for the intervals.

    Parameters
    ----------
    d : float or array_like
        Coupling coordination degrees in [0, 1].

    Returns
    -------
    int or numpy.ndarray of int
        1 = 极度失调 (extreme imbalance) … 10 = 优质协调 (quality coordination).
    """
    arr = np.asarray(d, dtype=float)
    if np.any(~np.isfinite(arr)) or np.any(arr < 0) or np.any(arr > 1 + 1e-12):
        raise InputError("coordination degree must lie in [0, 1]")
    k = np.minimum(np.floor(np.round(arr, 12) * 10).astype(int), 9) + 1
    return int(k) if k.ndim == 0 else k


def coupling_coordination(scores, alpha=None) -> pd.DataFrame:
    """Coupling degree C, comprehensive index T, coordination degree D and its class.

    Parameters
    ----------
    scores : array_like of shape (m, n) or pandas.DataFrame
        Scores :math:`U_i\\in[0,1]` of *n* ≥ 2 subsystems (columns) for *m* observations (rows,
        e.g. province-years). A DataFrame keeps its index.
    alpha : sequence of float, optional
        Contribution weights of the subsystems in *T*; default equal weights ``1/n``. Must be
        non-negative and sum to 1.

    Returns
    -------
    pandas.DataFrame
        Columns ``C``, ``T``, ``D``, ``class`` (1–10), ``label_zh``, ``label_en``.

    Notes
    -----
    See the module docstring for the formula variant (GM/AM form) and the class intervals.

    Examples
    --------
    >>> coupling_coordination([[0.4, 0.9]]).round(4)[["C", "T", "D"]].values.tolist()
    [[0.9231, 0.65, 0.7746]]
    """
    index = scores.index if isinstance(scores, pd.DataFrame) else None
    U = np.asarray(scores, dtype=float)
    if U.ndim == 1:
        U = U[None, :]
    if U.ndim != 2 or U.shape[1] < 2:
        raise InputError("scores need one column per subsystem and at least two subsystems")
    if np.any(~np.isfinite(U)):
        raise InputError("scores contain missing or infinite values")
    if np.any(U < 0) or np.any(U > 1):
        raise InputError(
            "subsystem scores must lie in [0, 1]", hint="normalise the subsystem indices first (e.g. aicoord.indices)"
        )
    n = U.shape[1]
    a = np.full(n, 1.0 / n) if alpha is None else np.asarray(alpha, dtype=float)
    if a.shape != (n,) or np.any(a < 0) or not np.isclose(a.sum(), 1.0, rtol=0, atol=1e-12):
        raise InputError(f"alpha must be {n} non-negative weights summing to 1")
    total = U.sum(axis=1)
    geo = np.exp(np.log(np.where(U > 0, U, 1.0)).mean(axis=1)) * np.all(U > 0, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        C = np.where(total > 0, n * geo / total, 0.0)
    C = np.minimum(C, 1.0)  # GM <= AM; removes 1 + 2e-16 rounding
    T = U @ a
    D = np.sqrt(C * T)
    k = np.atleast_1d(coordination_class(D))
    return pd.DataFrame(
        {
            "C": C,
            "T": T,
            "D": D,
            "class": k,
            "label_zh": [CLASSES[i - 1][1] for i in k],
            "label_en": [CLASSES[i - 1][2] for i in k],
        },
        index=index,
    )
