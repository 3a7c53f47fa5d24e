"""Parts of a spatial mediated effect, the mediation share and multiple-testing adjustment of the verdict.

**Local and spillover parts.** In a spatial mediation chain AI → M → y the N x N effect matrix is
``S_y S_M`` with ``S_M = (I - rho_M W)^{-1}(a I + a_w W)`` (AI's coefficients in the mechanism equation)
and ``S_y = (I - rho_y W)^{-1}(b I + b_w W)`` (M's coefficients in the outcome equation).  Both are rational
functions of the same W, so they share its eigenvectors and the trace of their product is the sum over the
eigenvalues ``omega`` of W of ``f(omega) = (b + b_w omega)(a + a_w omega) / ((1 - rho_y omega)(1 - rho_M
omega))`` (the trace of a matrix function is the sum of the function over the eigenvalues, whatever the
eigenvectors).  The **local** part of the mediated effect is the mean diagonal, ``mean f(omega)``; the
**total** is the mean row sum, ``f(1)`` for a row-standardised W (the product of the two totals); the
**spillover** part is the difference.

**Mediation share** (中介效应占比) ``ab / (ab + c')``, with ``ab`` the mediated total effect and ``c'`` AI's
total effect on y holding M fixed.  When ``ab`` and ``c'`` have opposite signs the mediator **suppresses**
(遮掩效应) AI's effect: the share is not a proportion and ``|ab / c'|`` is reported instead (Wen and Ye 2014,
心理科学进展 22(5), 731-745).

**Multiple testing.** Holm's (1979) step-down adjustment (family-wise error) or Benjamini and Hochberg's
(1995) step-up adjustment (false discovery rate) of the p-values of the baseline and the mechanisms.
"""

from __future__ import annotations

import numpy as np

__all__ = ["adjust_pvalues", "local_spillover", "mediation_share", "ADJUSTMENTS"]

ADJUSTMENTS = ("holm", "bh", "none")


def adjust_pvalues(p, method="holm"):
    """Adjusted p-values (NaN entries are left out of the family and stay NaN).

    Parameters
    ----------
    p : array-like
    method : {"holm", "bh", "none"}

    Returns
    -------
    numpy.ndarray
        ``holm``: ``max_{j<=i} min(1, (m - j + 1) p_(j))`` in the order of the sorted p-values; ``bh``:
        ``min_{j>=i} min(1, m p_(j) / j)``; ``none``: ``p``.
    """
    if method not in ADJUSTMENTS:
        raise ValueError(f"unknown adjustment '{method}'; choose one of {ADJUSTMENTS}")
    p = np.asarray(p, dtype=float)
    out = p.copy()
    ok = np.flatnonzero(np.isfinite(p))
    if method == "none" or len(ok) == 0:
        return out
    m = len(ok)
    order = ok[np.argsort(p[ok], kind="stable")]
    ps = p[order]
    if method == "holm":
        adj = np.maximum.accumulate(np.minimum(1.0, (m - np.arange(m)) * ps))
    else:
        adj = np.minimum.accumulate(np.minimum(1.0, m * ps / np.arange(1, m + 1))[::-1])[::-1]
    out[order] = adj
    return out


def local_spillover(omega, a, a_w, rho_m, b, b_w, rho_y):
    """Local (mean diagonal of ``S_y S_M``), spillover and total parts of the mediated effect.

    Every parameter may be a scalar or an array of draws (broadcast together); ``omega`` are the
    eigenvalues of the row-standardised W.  Returns ``(local, spillover, total)``.
    """
    vals = (a, a_w, rho_m, b, b_w, rho_y)
    scalar = all(np.ndim(v) == 0 for v in vals)
    om = np.asarray(omega)[None, :]
    a, a_w, rho_m, b, b_w, rho_y = (np.atleast_1d(np.asarray(v, float))[:, None] for v in vals)
    f = (b + b_w * om) * (a + a_w * om) / ((1 - rho_y * om) * (1 - rho_m * om))
    local = np.real(f.mean(axis=1))
    total = ((b + b_w) * (a + a_w) / ((1 - rho_y) * (1 - rho_m)))[:, 0]
    if scalar:
        return float(local[0]), float(total[0] - local[0]), float(total[0])
    return local, total - local, total


def mediation_share(mediated, direct):
    """``(share, suppression)``: ``mediated / (mediated + direct)``, or ``|mediated / direct|`` with
    ``suppression=True`` when the two have opposite signs (module docstring)."""
    mediated, direct = float(mediated), float(direct)
    if mediated * direct < 0:
        return abs(mediated / direct), True
    tot = mediated + direct
    return (mediated / tot if tot != 0 else np.nan), False
