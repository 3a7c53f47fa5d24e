"""China's national AI innovation pilot zones as a staggered treatment: the zones, each unit's cohort and the
spatial exposure of its neighbours.

The Ministry of Science and Technology's national new-generation AI innovation pilot zones
(国家新一代人工智能创新发展试验区) were approved in seven waves, 2019-2021 (``data/reference/ai_pilot_zones.csv``,
sources beside it). A unit's *cohort* ``g`` is the first year it counts as treated: the approval year when the
approval came by the end of month ``cutoff_month`` (config ``did.cutoff_month``, default 6), else the next year.
``g = 0`` marks the never treated. The exposure ``W*D`` is the share of a unit's neighbours under treatment
(row-standardised ``W``); distance bands of exposure locate the spatial boundary of a spillover.

The estimators that use them are in :mod:`aicoord.did`, which re-exports every name here.
"""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd

from .errors import InputError

__all__ = [
    "DEFAULT_BANDS",
    "pilot_zones",
    "treatment_year",
    "pilot_cohorts",
    "exposure",
    "band_exposures",
]


#: default distance bands of exposure, km
DEFAULT_BANDS = ((0, 100), (100, 200), (200, 300))


#: the prefecture of 德清县 (Deqing County, a pilot zone), 湖州市
HUZHOU, DEQING = "330500", "330521"


# ---------------------------------------------------------------------------------------------- pilot zones
def pilot_zones() -> pd.DataFrame:
    """The 18 pilot zones as shipped (codes as text, one row per zone; see ``data/reference/README.md``)."""
    with resources.files("aicoord.data").joinpath("ai_pilot_zones.csv").open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def treatment_year(approved: str, cutoff_month: int = 6) -> int:
    """First treated year of an approval dated ``YYYY-MM`` or ``YYYY-MM-DD``.

    Approval in months 1..``cutoff_month`` counts for that year, later approval for the next one.

    Examples
    --------
    >>> treatment_year("2019-05-22"), treatment_year("2019-10-17"), treatment_year("2019-06", 6)
    (2019, 2020, 2019)
    """
    if not 1 <= int(cutoff_month) <= 12:
        raise InputError(f"did.cutoff_month must be 1..12, not {cutoff_month}")
    year, month = (int(p) for p in str(approved).split("-")[:2])
    return year if month <= int(cutoff_month) else year + 1


def pilot_cohorts(level: str = "prefecture", cutoff_month: int = 6, deqing: str = "drop") -> tuple[pd.Series, list]:
    """First treated year of every pilot unit at a study level, and the units to drop.

    Parameters
    ----------
    level : {"prefecture", "county"}
        At prefecture level the municipalities are one unit each (110100, 120100, 310100, 500000) and
        德清县 is a county of 湖州市 (330500). At county level every county-level unit of a pilot city is
        treated (a municipality's districts, a city's districts and counties) and 德清县 alone of Huzhou.
    cutoff_month : int
        See :func:`treatment_year`.
    deqing : {"drop", "treat", "control"}
        Prefecture level only: 湖州 dropped from both groups (default: only one of its counties is treated),
        counted as treated with Deqing's cohort, or kept as a control.

    Returns
    -------
    cohorts : pandas.Series
        unit code -> first treated year (treated units only).
    dropped : list of str
        Codes to remove from the panel.
    """
    z = pilot_zones()
    z["g"] = [treatment_year(a, cutoff_month) for a in z["approved"]]
    if level == "prefecture":
        if deqing not in ("drop", "treat", "control"):
            raise InputError(f"did.deqing must be drop, treat or control, not '{deqing}'")
        cities = z[z["level"] == "prefecture"]
        cohorts = pd.Series(cities["g"].to_numpy(), index=cities["code"].to_numpy())
        dq = int(z.loc[z["code"] == DEQING, "g"].iloc[0])
        if deqing == "treat":
            cohorts[HUZHOU] = dq
        return cohorts.sort_index(), ([HUZHOU] if deqing == "drop" else [])
    if level == "county":
        from .units import unit_table

        units = unit_table("county")
        cities = z[z["level"] == "prefecture"].set_index("code")["g"]
        prov_of_muni = {c[:2] + "0000": g for c, g in cities.items() if c[:2] in ("11", "12", "31", "50")}
        g = units["prefecture"].map(cities)
        g = g.fillna(units["province"].map(prov_of_muni))
        out = pd.Series(g.to_numpy(), index=units["code"].to_numpy()).dropna().astype(int)
        out[DEQING] = int(z.loc[z["code"] == DEQING, "g"].iloc[0])
        return out.sort_index(), []
    raise InputError(
        f"the pilot zones are defined at prefecture or county level, not '{level}'",
        hint="set study.level to prefecture or county, or give a treatment-year column",
    )


# ------------------------------------------------------------------------------------------------ exposure
def exposure(W: np.ndarray, d: np.ndarray) -> np.ndarray:
    """``W @ D`` period by period: ``d`` is (N, T) treatment; ``W`` (N, N), used as given."""
    return np.asarray(W, dtype=float) @ np.asarray(d, dtype=float)


def band_exposures(dist_km: np.ndarray, d: np.ndarray, bands=DEFAULT_BANDS) -> dict:
    """Share of the units in each distance band that are treated, per unit and period.

    Band ``(lo, hi)`` holds the other units ``j`` with ``lo < d_ij <= hi`` (``lo = 0`` excludes the unit itself).
    A unit with no neighbour in a band has exposure 0 there. Returns ``{"band_lo_hi": (N, T) array}``.
    """
    dist = np.asarray(dist_km, dtype=float)
    out = {}
    for lo, hi in bands:
        m = ((dist > lo) & (dist <= hi)).astype(float)
        np.fill_diagonal(m, 0.0)
        rs = m.sum(1, keepdims=True)
        m = np.divide(m, rs, out=np.zeros_like(m), where=rs > 0)
        out[f"band_{int(lo)}_{int(hi)}"] = m @ np.asarray(d, dtype=float)
    return out
