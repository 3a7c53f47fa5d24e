"""Steps of ``workflow/rules/study.smk``: does AI promote or hinder regional coordination, and through what?

Each step reads the tidy panel (``results/data/panel.csv``, plus the mechanism files it needs) and the
RAW weights of a matrix (``results/weights/<w>_raw.npz``; :mod:`aicoord.study` row-standardises them
after dropping units, so that a sub-sample gets its W rebuilt and re-standardised), runs one function of
:mod:`aicoord.study`, and writes tidy tables with a ``note`` column taken from the data it was built
from (the panel's note, and the note of a matrix built from the panel).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .. import study
from ..contract import read_tidy
from ..io import write_csv, write_json
from ..notes import note_of
from ..study import add_agreement, convergence_with_ai, dispersion_shift, specification_search
from ..study import split_year as split_year_of
from ..study.identification import identification_table
from ..study.mechanisms import (
    a_path_verdict,
    add_adjusted_p,
    add_adjusted_verdict,
    baseline_row,
    iv_baseline,
    mechanism_row,
    verdict_note,
)
from ..study.models import baseline_columns as fit_baseline_columns
from ..study.models import fit_summary, study_cov
from ..units import municipal_units
from ..weights_load import load_weights

__all__ = [
    "specification",
    "baseline",
    "baseline_columns",
    "identification",
    "convergence_ai",
    "mechanism",
    "mechanisms",
    "heterogeneity",
    "robustness_variant",
    "robustness",
    "verdict",
    "scenarios",
]

UNIT, TIME = "code", "year"


def _optional_file(path):
    """An optional input: a path, or a rule's list of none or one file (``[]`` when the setting does not ask for it)."""
    if isinstance(path, (list, tuple)):
        return path[0] if path else None
    return path


def _weights(raw_npz):
    """The raw weights (:class:`aicoord.weights_sparse.Weights`, with the summary stored in the file), and the note of a matrix
    built from the panel, as the tables add it."""

    w = load_weights(raw_npz)
    return w, (f" | W = {w.name}: {w.note}" if w.note else "")


def _data(panel_csv, mechanism_csvs=()):
    d = read_tidy(panel_csv, mechanism_csvs)
    return d, note_of(d)


def _regions(d):
    """Region (``region4``) of every unit, as the tidy panel gives it: a prefecture's or county's is its province's."""
    return d.groupby(UNIT)["region4"].first()


def _write(table, path, note, index=False):
    t = table.reset_index() if index else table.copy()
    t["note"] = note
    write_csv(t, path, float_format="%.10g")


def specification(
    panel_csv,
    weights_csv,
    out_csv,
    *,
    y: str,
    ai: str,
    controls,
    alpha: float,
    weights_name: str,
    model_probabilities: bool = False,
    baseline_model: str = "sdm",
) -> None:
    """Specification search (rule ``specification``): LM tests, LR tests of the effects, Hausman, Wald/LR
    tests of the SDM against SAR and SEM, and the model they select (:func:`aicoord.study.specification_search`);
    with ``model_probabilities`` (``analysis.specification.model_probabilities``) also the Bayesian posterior
    model probabilities; ``baseline_model`` (``analysis.baseline_model``) names the baseline's model in the row
    ``baseline model``."""

    d, note = _data(panel_csv)
    w, wnote = _weights(weights_csv)
    tab = specification_search(
        d,
        y=y,
        x=[ai, *controls],
        unit=UNIT,
        time=TIME,
        w=w,
        alpha=alpha,
        model_probabilities=model_probabilities,
        baseline_model=baseline_model,
    )
    tab.insert(0, "weights", weights_name)
    _write(tab, out_csv, note + wnote)


def baseline_model_of(spec_csv) -> str:
    """The model of the baseline written in the specification table's row ``baseline model`` (``sdm``, ``sar``,
    ``sem`` or ``slx``)."""
    g = pd.read_csv(spec_csv)
    row = g[g["test"] == "baseline model"]
    if row.empty:
        return "sdm"
    return str(row["decision"].iloc[0]).split()[0].lower()  # any whitespace: a hand-edited table may carry a tab


def _baseline_fit(d, w, y, ai, controls, effects, lee_yu, draws, seed, alpha, cov, spec_csv):
    """The study's baseline (:func:`aicoord.study.baseline`) with the study's options: the model named by the
    specification table in ``spec_csv`` (none: the SDM), the covariance ``cov`` (:func:`aicoord.study.models.study_cov`), and the
    draws and seed of the configuration. The steps ``baseline`` and ``scenarios`` both fit it here, so that the
    scenarios rest on the very fit the baseline table reports."""
    spec_csv = _optional_file(spec_csv)
    return study.baseline(
        d,
        y=y,
        ai=ai,
        controls=list(controls),
        unit=UNIT,
        time=TIME,
        w=w,
        model=baseline_model_of(spec_csv) if spec_csv is not None else "sdm",
        effects=effects,
        lee_yu=lee_yu,
        draws=draws,
        seed=seed,
        alpha=alpha,
        cov=study_cov(cov, UNIT),
    )


def baseline(
    panel_csv,
    weights_csv,
    out_coef,
    out_effects,
    out_json,
    *,
    y: str,
    ai: str,
    controls,
    effects: str,
    lee_yu: bool,
    draws: int,
    seed: int,
    alpha: float,
    weights_name: str,
    cov=None,
    spec_csv=None,
) -> None:
    """Baseline two-way FE SDM of the outcome on AI and the controls (rule ``baseline``;
    :func:`aicoord.study.baseline`): coefficients, direct/indirect/total effects with simulated SEs
    and (1 − alpha) intervals, and the fit's scalars (N, T, log-likelihood, R²) for the paper tables.
    ``cov``: ``analysis.cov_type``, ``analysis.cluster`` (a column of the panel; null: the province) and
    ``analysis.dk_lag``; the covariance used is recorded under ``cov`` in the JSON. ``spec_csv`` (with
    ``analysis.baseline_model: auto``): the specification table, whose ``baseline model`` row gives the model
    (:func:`baseline_model_of`); without it the SDM."""
    d, note = _data(panel_csv)
    w, wnote = _weights(weights_csv)
    b = _baseline_fit(d, w, y, ai, controls, effects, lee_yu, draws, seed, alpha, cov, spec_csv)
    _write(b.coefficients, out_coef, note + wnote, index=True)
    _write(b.effects, out_effects, note + wnote, index=True)
    write_json(
        fit_summary(
            b.fit,
            weights=weights_name,
            y=y,
            ai=ai,
            controls=list(controls),
            draws=draws,
            seed=seed,
            alpha=alpha,
            verdict=baseline_row(b, alpha),
            note=note + wnote,
        ),
        out_json,
    )


def baseline_columns(
    panel_csv,
    weights_csvs,
    out_csv,
    *,
    names,
    columns,
    y: str,
    ai: str,
    controls,
    effects: str,
    lee_yu: bool,
    weights_name: str,
    cov=None,
) -> None:
    """The models of the baseline table side by side (rule ``baseline_columns``;
    :func:`aicoord.study.models.baseline_columns`): ``columns`` (``paper.baseline_columns``) under the raw
    weights ``weights_csvs`` named ``names`` (a column without a matrix uses ``weights_name``, the study's),
    the same covariance as the baseline. The note is the panel's, with the provenance of each matrix built
    from it."""

    d, note = _data(panel_csv)
    weights, wnotes = {}, ""
    for name, path in zip(names, weights_csvs):
        weights[name], wn = _weights(path)
        wnotes += wn if wn not in wnotes else ""
    tab = fit_baseline_columns(
        d,
        y=y,
        ai=ai,
        controls=list(controls),
        unit=UNIT,
        time=TIME,
        weights=weights,
        columns=list(columns),
        default_weights=weights_name,
        effects=effects,
        lee_yu=lee_yu,
        cov=study_cov(cov, UNIT),
    )
    _write(tab, out_csv, note + wnotes)


def identification(
    panel_csv,
    weights_csv,
    out_csv,
    out_json,
    *,
    y: str,
    ai: str,
    controls,
    instruments,
    mode: str,
    effects: str,
    lee_yu: bool,
    draws: int,
    seed: int,
    alpha: float,
    weights_name: str,
    iv_cov_type: str = "cluster",
    cluster=None,
    cov=None,
) -> None:
    """AI's direct, indirect and total effects by ML, spatial 2SLS and efficient GMM (rule ``identification``;
    :func:`aicoord.study.identification.identification_table`), one row per estimator x effect with the first-stage
    statistics of AI on the IV rows; the JSON holds the full first-stage diagnostics of the 2SLS fit.

    ``mode`` (``analysis.identification``, resolved): ``ml`` (the ML rows only: no instrument), ``iv`` (2SLS and
    GMM) or ``both``. ``iv_cov_type`` and ``cluster`` (a column; null: the province) set the IV fits' covariance,
    ``cov`` the ML fit's (as the baseline's). A last row (``estimator`` ``oster``, ``effect`` ``coefficient``) is
    the instrument-free bound of :func:`aicoord.study.oster.oster_bound` (Oster 2019, delta = 1, R_max = 1.3 R²):
    AI's coefficient in the two-way within regression with the controls (``estimate``), the identified set
    (``ci_low``, ``ci_high``), ``beta_star``, ``delta_for_zero`` and ``r_max``."""
    d, note = _data(panel_csv)
    w, wnote = _weights(weights_csv)
    tab, first_stage, ob = identification_table(
        d,
        y=y,
        ai=ai,
        controls=list(controls),
        instruments=list(instruments),
        unit=UNIT,
        time=TIME,
        w=w,
        mode=mode,
        effects=effects,
        lee_yu=lee_yu,
        cov_type=iv_cov_type,
        cluster=None if cluster in (None, UNIT) else cluster,
        draws=draws,
        seed=seed,
        alpha=alpha,
        ml_cov=study_cov(cov, UNIT),
    )
    tab.insert(0, "weights", weights_name)
    tab["instruments"] = ";".join(instruments)
    _write(tab, out_csv, note + wnote)
    write_json(
        {
            "mode": mode,
            "instruments": list(instruments),
            "weights": weights_name,
            "alpha": alpha,
            "draws": draws,
            "first_stage": first_stage,
            "oster": ob,
            "note": note + wnote,
        },
        out_json,
    )


def convergence_ai(
    panel_csv, weights_csv, out_csv, *, ai: str, controls, effects: str, lee_yu: bool, alpha: float, weights_name: str
) -> None:
    """Conditional spatial β-convergence with AI × initial income (rule ``convergence_ai``;
    :func:`aicoord.study.convergence_with_ai`)."""
    d, note = _data(panel_csv)
    w, wnote = _weights(weights_csv)
    tab = convergence_with_ai(
        d,
        gdp_pc="gdp_pc",
        ai=ai,
        controls=list(controls),
        unit=UNIT,
        time=TIME,
        w=w,
        effects=effects,
        lee_yu=lee_yu,
        alpha=alpha,
    )
    tab.insert(0, "weights", weights_name)
    _write(tab, out_csv, note + wnote)


def mechanism(
    panel_csv,
    mechanism_csv,
    weights_csv,
    out_csv,
    out_json,
    *,
    name: str,
    y: str,
    ai: str,
    controls,
    effects: str,
    lee_yu: bool,
    draws: int,
    seed: int,
    alpha: float,
    weights_name: str,
    cov=None,
    instruments=(),
    iv_cov_type: str = "cluster",
    cluster=None,
) -> None:
    """One channel's three-step spatial mediation (rule ``mechanism``; :func:`aicoord.study.mechanism`):
    AI's effects on the channel, the channel's effects on the outcome, AI's effects holding the channel
    fixed, and the mediated total effect with its Monte Carlo interval and Sobel z; the JSON holds the
    channel's row of the verdict table and, under ``cov``, the outcome fit's covariance (``cov`` as for
    :func:`baseline`: the same covariance as the baseline). With ``instruments`` (the dictionary's, when
    ``analysis.identification`` is iv or both) the a path is estimated by spatial 2SLS (``iv_cov_type``,
    ``cluster``), and the row's ``basis`` says ``iv``."""
    d, note = _data(panel_csv, [mechanism_csv])
    w, wnote = _weights(weights_csv)
    m = study.mechanism(
        d,
        y=y,
        ai=ai,
        mechanism=name,
        controls=list(controls),
        unit=UNIT,
        time=TIME,
        w=w,
        effects=effects,
        lee_yu=lee_yu,
        draws=draws,
        seed=seed,
        alpha=alpha,
        cov=study_cov(cov, UNIT),
        instruments=list(instruments),
        iv_cov={"cov_type": iv_cov_type, **({"cluster": cluster} if cluster not in (None, UNIT) else {})},
    )
    parts = []
    for quantity, frame in (
        ("ai_on_channel", m.ai_on_channel),
        ("channel_on_y", m.channel_on_y),
        ("ai_on_y", m.ai_on_y),
    ):
        f = frame.reset_index().rename(columns={"index": "effect"})
        f.insert(0, "quantity", quantity)
        parts.append(f)
    med = {"quantity": "mediated", "effect": "total", **{k: v for k, v in m.mediated.items()}}
    tab = pd.concat(parts + [pd.DataFrame([med])], ignore_index=True)
    tab.insert(0, "mechanism", name)
    tab["mechanism_model"] = m.mechanism_model
    tab["weights"] = weights_name
    _write(tab, out_csv, note + wnote)
    write_json({**mechanism_row(m, alpha), "cov": dict(m.outcome_fit.cov_info), "note": note + wnote}, out_json)


def mechanisms(csvs, out_csv) -> None:
    """Every channel's mediation table in one (rule ``mechanisms``)."""
    write_csv(pd.concat([pd.read_csv(p) for p in csvs], ignore_index=True), out_csv, float_format="%.10g")


def heterogeneity(
    panel_csv,
    weights_csv,
    out_csv,
    *,
    y: str,
    ai: str,
    controls,
    effects: str,
    lee_yu: bool,
    draws: int,
    seed: int,
    alpha: float,
    split_year,
    weights_name: str,
) -> None:
    """AI's effects by the four regions (full-sample interactions) and by sub-period (rule ``heterogeneity``;
    :func:`aicoord.study.heterogeneity`)."""
    d, note = _data(panel_csv)
    w, wnote = _weights(weights_csv)
    split = split_year_of(d[TIME], split_year)
    kw = dict(
        y=y,
        ai=ai,
        controls=list(controls),
        unit=UNIT,
        time=TIME,
        w=w,
        effects=effects,
        lee_yu=lee_yu,
        draws=draws,
        seed=seed,
        alpha=alpha,
    )
    by_region = study.heterogeneity(d, by="region", regions=_regions(d), **kw)
    by_region.insert(0, "by", "region")
    by_period = study.heterogeneity(d, by="period", split_year=split, **kw)
    by_period.insert(0, "by", f"period (split {split})")
    tab = pd.concat([by_region, by_period], ignore_index=True)
    tab.insert(0, "weights", weights_name)
    _write(tab, out_csv, note + wnote)


def robustness_variant(
    panel_csv,
    mechanism_csvs,
    weights_csv,
    out_csv,
    *,
    weights_name: str,
    sample: str,
    models,
    y: str,
    ai: str,
    controls,
    mechanism_names: list,
    effects: str,
    lee_yu: bool,
    draws: int,
    seed: int,
    alpha: float,
    dlag: int = 1,
) -> None:
    """One weights × sample variant of the robustness grid, every model (rule ``robustness_variant``;
    :func:`aicoord.study.robustness_variant`; ``dlag``: the time lags of the dynamic SDM)."""
    d, note = _data(panel_csv, mechanism_csvs)
    w, wnote = _weights(weights_csv)
    tab = study.robustness_variant(
        d,
        y=y,
        ai=ai,
        mechanisms=list(mechanism_names),
        controls=list(controls),
        unit=UNIT,
        time=TIME,
        w=w,
        weights_name=weights_name,
        sample=sample,
        models=tuple(models),
        effects=effects,
        lee_yu=lee_yu,
        draws=draws,
        seed=seed,
        alpha=alpha,
        dlag=dlag,
        municipalities=tuple(municipal_units(d[UNIT].unique())),
    )
    _write(tab, out_csv, note + wnote)


def robustness(csvs, out_csv) -> None:
    """The robustness grid in one table (rule ``robustness``)."""
    write_csv(pd.concat([pd.read_csv(p) for p in csvs], ignore_index=True), out_csv, float_format="%.10g")


def verdict(
    baseline_json,
    mechanism_jsons,
    robustness_csv,
    out_csv,
    *,
    alpha: float,
    adjust: str = "holm",
    identification_csv=None,
    verdict_basis: str = "product",
    expected_sign=None,
) -> None:
    """The verdict table (rule ``verdict``): one row for the baseline and one per mechanism, with how many
    robustness variants give the same verdict (:func:`aicoord.study.add_agreement`).

    Rule (stated in every row's note): a mechanism *promotes* coordination when the (1 − alpha) Monte
    Carlo interval of its mediated total effect lies wholly below zero (AI, through it, lowers the gap),
    *hinders* when wholly above, else *inconclusive*; the baseline row uses AI's total effect in the
    baseline model.  ``p_adjusted``: the rows' p-values (normal, Monte Carlo SEs) adjusted by Holm (default) or
    Benjamini-Hochberg (``adjust="bh"``) across the baseline and the mechanisms; mediated_local/_spillover, the
    mediation share and the suppression flag come from :func:`aicoord.study.mechanisms.chain_parts`.

    ``p`` is taken from the same draws (or, on the IV basis, the same normal interval) as the row's interval, so
    ``p < alpha`` exactly when the verdict is not inconclusive; ``verdict_adjusted`` keeps a verdict only where
    ``p_adjusted < alpha``. ``basis`` says which estimator gives AI's effect: ``iv`` (spatial 2SLS, from
    ``identification_csv``, for the baseline row; the a path by IV for a mechanism) or ``ml``.
    ``verdict_basis`` (``analysis.verdict_basis``): ``product`` (the mediated effect a x b) or ``a_path`` (Jiang
    Ting 2022: AI -> mechanism alone, with the sign of mechanism -> outcome from ``expected_sign``;
    :func:`aicoord.study.mechanisms.a_path_verdict`).
    """
    base = json.loads(Path(baseline_json).read_text(encoding="utf-8"))
    rows = [base["verdict"]]
    identification_csv = _optional_file(identification_csv)
    if identification_csv is not None:
        ident = pd.read_csv(identification_csv)
        if (ident["estimator"] == "iv").any():
            rows = [iv_baseline(rows[0], ident)]
    notes = [base["note"]]
    for p in mechanism_jsons:
        r = json.loads(Path(p).read_text(encoding="utf-8"))
        notes.append(r.pop("note"))
        if verdict_basis == "a_path":
            r = a_path_verdict(r, int((expected_sign or {})[r["mechanism"]]))
        rows.append(r)
    tab = add_adjusted_p(add_agreement(pd.DataFrame(rows), pd.read_csv(robustness_csv)), adjust)
    tab = add_adjusted_verdict(tab, alpha)
    tab["note"] = verdict_note(alpha, adjust, verdict_basis, rows[0].get("basis", "ml")) + " | " + notes[0]
    write_csv(tab, out_csv, float_format="%.10g")


def scenarios(
    panel_csv,
    weights_csv,
    out_provinces,
    out_dispersion,
    *,
    specs: dict,
    y: str,
    ai: str,
    controls,
    effects: str,
    lee_yu: bool,
    draws: int,
    seed: int,
    alpha: float,
    weights_name: str,
    cov=None,
    spec_csv=None,
) -> None:
    """Policy scenarios through the baseline model's reduced form (rule ``scenarios``;
    :func:`aicoord.study.scenarios`): each province's predicted change (own and spillover parts) and the
    change of the outcome's dispersion (CV, Theil, Dagum Gini by region), with intervals from draws. An outcome
    with non-positive values is shifted first (:func:`aicoord.study.dispersion_shift`). The baseline is the
    study's own fit, with the options of the rule ``baseline``: its model (``spec_csv``, as there), its
    covariance (``cov``: ``analysis.cov_type``, ``cluster``, ``dk_lag``), its draws and seed; the scenarios'
    intervals are drawn from that fit's covariance."""
    d, note = _data(panel_csv)
    w, wnote = _weights(weights_csv)
    b = _baseline_fit(d, w, y, ai, controls, effects, lee_yu, draws, seed, alpha, cov, spec_csv)
    spec_list = [{"name": name, **spec} for name, spec in sorted(specs.items())]
    shift = dispersion_shift(d[y])
    provinces, dispersion = study.scenarios(
        b, spec_list, regions=_regions(d), draws=draws, seed=seed, alpha=alpha, shift=shift
    )
    for t in (provinces, dispersion):
        t.insert(0, "weights", weights_name)
    _write(provinces, out_provinces, note + wnote)
    _write(dispersion, out_dispersion, note + wnote)
