"""Bounds on the counts and seeds the package accepts, and their checks: one place for each bound.

The configuration schema (``workflow/schemas/config.schema.yaml``) carries the same bounds, so that a bad
value fails at planning (``tests/test_config.py`` checks that they agree); the command line's argparse types
and the library functions refuse the same values with :func:`check_count`.
"""

from __future__ import annotations

import numpy as np

from .errors import InputError

__all__ = ["MAX_DRAWS", "MAX_PERMUTATIONS", "MAX_SEED", "check_count", "check_consecutive_periods"]

#: Most simulation draws for the effects' standard errors (the command line and the configuration refuse
#: more): 100,000 draws give the SEs to about 0.2% and take well under 1 GB; beyond that the memory of the
#: simulation grows without a gain in accuracy.
MAX_DRAWS = 100_000

#: Largest seed: numpy's global seeding (``np.random.seed``, which esda's permutations use) takes 0 to 2^32 - 1.
MAX_SEED = 2**32 - 1

#: Most random permutations for pseudo p-values: LISA keeps N x P simulated values (1,000,000 permutations
#: of 31 provinces are 250 MB), and p_sim is then exact to about 1e-4 already.
MAX_PERMUTATIONS = 1_000_000


def check_count(value, name: str, lo: int, hi: int | None = None) -> int:
    """``value`` as a whole number in ``[lo, hi]``, else an :class:`InputError` naming ``name``.

    Used for the number of permutations and of simulation draws, by the library functions and (through
    argparse types with the same bounds) by the command line.
    """
    ok = isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
    if isinstance(value, (float, np.floating)) and np.isfinite(value) and float(value).is_integer():
        value, ok = int(value), True
    if not ok:
        raise InputError(f"{name} must be a whole number, not {value!r}")
    value = int(value)
    if value < lo or (hi is not None and value > hi):
        bound = f"between {lo:,} and {hi:,}" if hi is not None else f"at least {lo:,}"
        raise InputError(f"{name} must be {bound}, not {value:,}")
    return value


def check_consecutive_periods(periods) -> list[int]:
    """The periods missing between the first and the last of ``periods`` (whole numbers), in order.

    An empty list means the periods are consecutive. A panel with gaps (e.g. 2015 dropped) is not a
    panel of consecutive periods: models that lag in time must refuse it, and the others say so.

    Examples
    --------
    >>> check_consecutive_periods([2011, 2012, 2014, 2016])
    [2013, 2015]
    """
    ps = sorted({int(p) for p in periods})
    if not ps:
        return []
    return sorted(set(range(ps[0], ps[-1] + 1)) - set(ps))
