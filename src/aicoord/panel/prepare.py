"""Preparation of a spatial panel for estimation: the checks of the long DataFrame, then the balanced
(:func:`aicoord.panel.data.prepare_balanced`) or the unbalanced (:func:`aicoord.panel.unbalanced.prepare_unbalanced`)
preparation, whichever the panel needs."""

from __future__ import annotations

from ..errors import InputError
from .data import check_long, prepare_balanced
from .unbalanced import prepare_unbalanced

__all__ = ["prepare"]


def prepare(mod, data, w, standardize, logdet):
    """Check the data and weights of the :class:`~aicoord.panel.SpatialPanel` ``mod`` and set
    its data attributes (listed at :func:`aicoord.panel.data.prepare_balanced` and
    :func:`aicoord.panel.unbalanced.prepare_unbalanced`).

    Raises
    ------
    InputError
        For a malformed panel, weights that do not fit it, or a design with regressors wiped out
        by the fixed effects or perfectly collinear; for an unbalanced panel (some unit-periods
        absent) what :func:`aicoord.panel.unbalanced.prepare_unbalanced` refuses.
    """
    df, units, periods = check_long(data, mod.id, mod.time, mod.yname, mod.xnames)
    n, t = len(units), len(periods)
    if t < 2 and mod.effects in ("individual", "twoways", "random"):
        raise InputError("individual effects need at least two periods")
    if len(df) != n * t:  # holes: exact ML of the dummy-variable model, see panel.unbalanced
        if mod.w_error is not None or mod.w_x is not None:
            raise InputError(
                "separate weights for the error or the W*x terms need a balanced panel",
                hint="drop w_error / w_x, or fill the panel's holes",
            )
        prepare_unbalanced(mod, df, w, standardize, logdet, units, periods)
        mod.ws_e = mod.ws_x = mod.ws
        return
    prepare_balanced(mod, df, units, periods, w, standardize, logdet)
