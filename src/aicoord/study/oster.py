"""An instrument-free bound on AI's effect: Oster's (2019) coefficient stability under proportional selection.

Without an instrument, how much would selection on unobservables have to matter to explain AI's effect away?
Oster (2019, *Journal of Business & Economic Statistics* 37(2), 187-204) bounds the coefficient from the
movement of the coefficient and of R² when the observed controls are added. With the uncontrolled regression
(coefficient :math:`\\mathring\\beta`, :math:`\\mathring R^2`) and the controlled one (:math:`\\tilde\\beta`,
:math:`\\tilde R^2`), a degree :math:`\\delta` of selection on unobservables relative to observables and the R² of
a hypothetical regression on observables and unobservables :math:`R_{max}`, the bias-adjusted coefficient is
(her eq. 3, the approximation that ``psacalc`` in Stata reports as ``beta``)

.. math::

    \\beta^* = \\tilde\\beta - \\delta\\,(\\mathring\\beta - \\tilde\\beta)\\,
               \\frac{R_{max} - \\tilde R^2}{\\tilde R^2 - \\mathring R^2},

and the :math:`\\delta` that would set :math:`\\beta^* = 0` is
:math:`\\tilde\\beta(\\tilde R^2 - \\mathring R^2)/[(\\mathring\\beta - \\tilde\\beta)(R_{max} - \\tilde R^2)]`.
Her recommendation is :math:`\\delta = 1` and :math:`R_{max} = \\min(1.3\\tilde R^2, 1)`; the identified set is the
interval between :math:`\\tilde\\beta` and :math:`\\beta^*`.

Here both regressions are the two-way within (unit and year demeaned) least squares of the outcome on AI, without
and with the controls (and their W-lags when ``w`` is given), and the R² are within R². The spatial lag of the
outcome is left out: the bound is about AI's own coefficient, and a referee reads it beside the IV and ML effects.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["oster_beta", "oster_bound"]


def oster_beta(beta_short, r2_short, beta_long, r2_long, r_max, delta=1.0) -> float:
    """Oster's (2019) bias-adjusted coefficient :math:`\\beta^*` (module docstring)."""
    return float(beta_long - delta * (beta_short - beta_long) * (r_max - r2_long) / (r2_long - r2_short))


def _within(df, cols, unit, time):
    out = df[cols].astype(float)
    out = out - out.groupby(df[unit]).transform("mean")
    out = out - out.groupby(df[time]).transform("mean")
    return out + 0.0  # balanced panel: the two-way within transformation


def _ols(y, X):
    b, *_ = np.linalg.lstsq(X, y, rcond=None)
    e = y - X @ b
    return b, 1.0 - float(e @ e) / float(y @ y)


def oster_bound(
    data: pd.DataFrame, *, y: str, ai: str, controls, unit: str, time: str, w=None, delta=1.0, r_max_factor=1.3
) -> dict:
    """Oster's (2019) bound on AI's coefficient in the two-way within regression (module docstring).

    Parameters
    ----------
    data : pandas.DataFrame
        Balanced long panel.
    y, ai : str
    controls : list of str
        The observed controls (added in the long regression, with their W-lags when ``w`` is given).
    unit, time : str
    w : DataFrame or ndarray, optional
        Weights (row-standardised here) for the controls' W-lags.
    delta : float
        Selection on unobservables relative to observables (1: equal selection).
    r_max_factor : float
        :math:`R_{max} = \\min(\\text{factor}\\cdot\\tilde R^2, 1)`.

    Returns
    -------
    dict
        ``beta_short``, ``r2_short``, ``beta_controlled``, ``r2_controlled``, ``r_max``, ``delta``,
        ``beta_star``, ``set_low``, ``set_high`` (the identified set), ``delta_for_zero``, ``excludes_zero``.
    """
    d = data.copy()
    cols = [ai, *controls]
    if w is not None and controls:
        from ._common import setting

        st = setting(d, unit, time, w)
        d = st.data
        ids = st.ids
        for c in controls:
            wide = d.pivot(index=time, columns=unit, values=c)[ids].to_numpy(float)
            lag = pd.DataFrame(wide @ st.W.T, index=sorted(d[time].unique()), columns=ids)
            d[f"W*{c}"] = lag.stack().reindex(pd.MultiIndex.from_arrays([d[time], d[unit]])).to_numpy()
        cols += [f"W*{c}" for c in controls]
    z = _within(d, [y, *cols], unit, time)
    yy = z[y].to_numpy()
    b0, r0 = _ols(yy, z[[ai]].to_numpy())
    b1, r1 = _ols(yy, z[cols].to_numpy())
    r_max = min(r_max_factor * r1, 1.0)
    bs = oster_beta(b0[0], r0, b1[0], r1, r_max, delta)
    denom = (b0[0] - b1[0]) * (r_max - r1)
    d0 = float(b1[0] * (r1 - r0) / denom) if denom != 0 else float("inf")
    lo, hi = sorted((float(b1[0]), bs))
    return {
        "beta_short": float(b0[0]),
        "r2_short": float(r0),
        "beta_controlled": float(b1[0]),
        "r2_controlled": float(r1),
        "r_max": float(r_max),
        "delta": float(delta),
        "beta_star": bs,
        "set_low": lo,
        "set_high": hi,
        "delta_for_zero": d0,
        "excludes_zero": bool(lo > 0 or hi < 0),
    }
