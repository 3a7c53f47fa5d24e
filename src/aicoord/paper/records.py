"""Results objects into paper tables, and the readers that give the study's result files the same form.

A regression table's columns (:class:`aicoord.paper.ModelColumn`) are built from results objects:

* :func:`column_from_results`: one column from a fit, :class:`aicoord.panel.SpatialPanelResults` or any object
  with its estimates (``params``, ``std_errors``, ``pvalues``, ``zvalues`` and the scalars), such as a
  :class:`FitRecord`;
* :func:`columns_from_impacts`: the direct, indirect and total columns from an impacts table
  (:meth:`aicoord.panel.SpatialPanelResults.impacts`, index ``(variable, effect)``).

The workflow's paper steps run after the study's jobs, which write their fits as tidy CSVs; the thin readers
:func:`read_fit_records` (the baseline's models, ``results/tables/baseline_columns.csv``) and
:func:`read_impacts` (``results/tables/baseline_effects.csv``) give those files back the form of the results
objects, so that the table is built the same way from a fit in memory or from its file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special

from .table import SPATIAL_TERMS, ModelColumn

__all__ = ["FitRecord", "column_from_results", "columns_from_impacts", "read_fit_records", "read_impacts"]


@dataclass(frozen=True)
class FitRecord:
    """The estimates of one fit as a results object carries them (the attributes :func:`column_from_results`
    reads), read back from a results file.

    Attributes
    ----------
    params, std_errors, pvalues, zvalues : pandas.Series
        By parameter, in the fit's order.
    sigma2, loglik, r2_within : float or None
        None when the fit has none (e.g. no R² within).
    N, T, nobs : int
    model : str
        ``ols``, ``sar``, ``sem``, ``sdm``, ...
    weights : str
        Name of the weights matrix.
    effects : str
        Fixed effects of the fit (``twoways``, ...).
    """

    params: pd.Series
    std_errors: pd.Series
    pvalues: pd.Series
    zvalues: pd.Series
    sigma2: float | None = None
    loglik: float | None = None
    r2_within: float | None = None
    N: int | None = None
    T: int | None = None
    nobs: int | None = None
    model: str = ""
    weights: str = ""
    effects: str = ""
    extra: dict = field(default_factory=dict, compare=False, repr=False)


def _scalar(rows, key, kind=float):
    if key not in rows:
        return None
    v = rows[key].iloc[0]
    return None if pd.isna(v) else kind(v)


def _tests(g: pd.DataFrame) -> pd.DataFrame:
    """``g`` with ``z`` and ``p`` (two-sided normal) from ``estimate / se`` where the file has none (the
    values a :class:`aicoord.paper.ModelColumn` takes without them)."""
    g = g.copy()
    if "z" not in g:
        g["z"] = g["estimate"] / g["se"]
    if "p" not in g:
        z = g["z"].to_numpy(dtype=float)
        g["p"] = np.where(np.isfinite(z), 2 * special.ndtr(-np.abs(z)), np.nan)
    return g


def read_fit_records(path) -> dict[str, FitRecord]:
    """The fits of a tidy coefficients file (one row per fit and parameter: ``column``, ``model``, ``weights``,
    ``parameter``, ``estimate``, ``se``, ``z``, ``p`` and the fit's scalars, as
    :func:`aicoord.steps.study.baseline_columns` writes them), by column name in the file's order. A file
    without ``z`` or ``p`` gets them from ``estimate / se`` (normal).

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    dict of str to FitRecord
    """
    g = _tests(pd.read_csv(path))
    out = {}
    for name in dict.fromkeys(g["column"]):
        rows = g[g["column"] == name]
        by = rows.set_index("parameter")
        out[str(name)] = FitRecord(
            params=by["estimate"].astype(float),
            std_errors=by["se"].astype(float),
            pvalues=by["p"].astype(float),
            zvalues=by["z"].astype(float),
            sigma2=_scalar(rows, "sigma2"),
            loglik=_scalar(rows, "loglik"),
            r2_within=_scalar(rows, "r2_within"),
            N=_scalar(rows, "N", int),
            T=_scalar(rows, "T", int),
            nobs=_scalar(rows, "nobs", int),
            model=str(rows["model"].iloc[0]),
            weights=str(rows["weights"].iloc[0]),
            effects=str(_scalar(rows, "effects", str) or ""),
        )
    return out


def read_impacts(path) -> pd.DataFrame:
    """An effects file (``variable``, ``effect``, ``estimate``, ``se``, ``z``, ``p``, ...; the study's
    ``baseline_effects.csv``) as an impacts table: index ``(variable, effect)``, the columns of
    :meth:`aicoord.panel.SpatialPanelResults.impacts`, rows in the file's order (``z`` and ``p`` from
    ``estimate / se``, normal, when the file has none)."""
    g = _tests(pd.read_csv(path))
    return g.set_index(["variable", "effect"]).drop(columns=["note"], errors="ignore")


def column_from_results(
    res,
    name: str,
    *,
    variables: Sequence[str] | None = None,
    flags=None,
    group: str | None = None,
    r2: str = "r2_within",
) -> ModelColumn:
    """A :class:`ModelColumn` from :class:`aicoord.panel.SpatialPanelResults` (or any object with
    ``params``, ``std_errors``, ``pvalues``, ``zvalues`` Series and ``loglik``, ``nobs``, ``N``, ``T``).

    ``variables`` limits the printed parameters (the spatial parameters are always kept); ``r2`` names
    the R² attribute to print as that kind (``"r2_within"`` → ``res.r2_within``; ``None`` for none);
    ``flags`` defaults to the fixed effects of the fit and leaves ``controls`` to the caller.
    """
    keys = list(res.params.index)
    if variables is not None:
        keys = [k for k in keys if k in variables or k in SPATIAL_TERMS]
    scalars = {}
    for attr, key in (("sigma2", "sigma2"), ("loglik", "loglik"), ("N", "N"), ("T", "T"), ("nobs", "nobs")):
        if getattr(res, attr, None) is not None:
            scalars[key] = float(getattr(res, attr))
    if r2 is not None:
        attr = "r2" if r2 == "r2_overall" and not hasattr(res, "r2_overall") else r2
        if getattr(res, attr, None) is not None:
            scalars[r2] = float(getattr(res, attr))
    if flags is None:
        eff = getattr(getattr(res, "model", None), "effects", None) or getattr(res, "effects", None)
        flags = {}
        if eff is not None:
            flags = {"unit_effects": eff in ("individual", "twoways"), "time_effects": eff in ("time", "twoways")}
    return ModelColumn(
        name=name,
        params={k: float(res.params[k]) for k in keys},
        se={k: float(res.std_errors[k]) for k in keys},
        pvalues={k: float(res.pvalues[k]) for k in keys},
        stats={k: float(res.zvalues[k]) for k in keys},
        scalars=scalars,
        flags=dict(flags),
        group=group,
    )


def columns_from_impacts(
    impacts, *, names=None, group: str | None = None, language: str = "zh", variables: Sequence[str] | None = None
) -> list[ModelColumn]:
    """Three columns (direct, indirect, total effects) from :func:`aicoord.panel.impacts` output
    (index ``(variable, effect)``, columns ``estimate``, ``se``, ``z``, ``p``)."""
    default = {
        "zh": {"direct": "直接效应", "indirect": "间接效应", "total": "总效应"},
        "en": {"direct": "Direct", "indirect": "Indirect", "total": "Total"},
    }[language]
    names = {**default, **(names or {})}
    vars_ = list(dict.fromkeys(impacts.index.get_level_values(0)))
    if variables is not None:
        vars_ = [v for v in variables if v in vars_]
    out = []
    for kind in ("direct", "indirect", "total"):
        sub = impacts.xs(kind, level=1)
        out.append(
            ModelColumn(
                name=names[kind],
                params={v: float(sub.loc[v, "estimate"]) for v in vars_},
                se={v: float(sub.loc[v, "se"]) for v in vars_},
                pvalues={v: float(sub.loc[v, "p"]) for v in vars_},
                stats={v: float(sub.loc[v, "z"]) for v in vars_},
                group=group,
            )
        )
    return out
