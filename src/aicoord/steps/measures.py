"""Steps of ``workflow/rules/measures.smk``: inequality, composite indices, coupling coordination,
β-convergence (non-spatial and spatial through :mod:`aicoord.panel`), spatial Markov chains, the
kernel-density figure and the demo's recovery of its true parameters.

Every table carries a ``note`` column (the data source, and "simulated data" where it applies); every
write is atomic and deterministic.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib import colormaps

from ..contract import MAX_DRAWS, check_count, read_tidy
from ..convergence import beta_convergence as cross_section
from ..convergence import beta_convergence_panel, spatial_beta_convergence
from ..coordination import coupling_coordination as coupling
from ..errors import InputError
from ..indices import entropy_weight, equal_weight, pca_index
from ..inequality import dagum_gini, inequality_by_year
from ..io import write_csv
from ..markov import spatial_markov as chains
from ..notes import note_of
from ..plotting import cjk_font, save_figure
from ..plotting import kde_figure as densities
from ..simulate import fit_demo_sdm, recovery_table
from ..weights_io import to_libpysal
from ..weights_load import load_standardised

__all__ = [
    "inequality",
    "inequality_panel",
    "inequality_cross_section",
    "composite_indices",
    "coupling_coordination",
    "beta_convergence",
    "spatial_markov",
    "kde_figure",
    "demo_recovery",
]


def _load_w(path):
    """The row-standardised weights as a libpysal W (``{w}.npz``, or ``{w}_raw.npz`` standardised on reading)."""
    return to_libpysal(load_standardised(path))


def _w_frame(path) -> pd.DataFrame:
    return load_standardised(path).frame()


# ----------------------------------------------------------------------------- inequality


def inequality(
    data_csv, out_year, out_pairs, *, variables, groups: str = "region4", population=None, mechanism_csvs=()
) -> None:
    """Inequality by year of each variable, and the Dagum region-pair matrices.

    ``out_year``: one row per variable and year with CV and SD of logs (σ-convergence), Theil T and L
    with within/between parts and shares, and the Dagum Gini with within, net between and
    transvariation parts and shares. ``out_pairs``: per variable, year and pair of groups (j, h) the
    Gini G_jh (G_jj on the diagonal) and the relative affluence D_jh.
    """
    d = read_tidy(data_csv, mechanism_csvs)

    note = note_of(d)  # the provenance of the data this table is built from
    rows, pairs = [], []
    for var in variables:
        if var not in d.columns:
            raise KeyError(f"{data_csv}: no column '{var}' (columns: {', '.join(d.columns)})")
        tab = inequality_by_year(d, var, year="year", groups=groups, weights=population)
        for part in ("within", "between"):
            for idx in ("theil_t", "theil_l"):
                tab[f"{idx}_{part}_share"] = tab[f"{idx}_{part}"] / tab[idx]
        for part in ("within", "between_net", "transvariation"):
            tab[f"gini_{part}_share"] = tab[f"gini_{part}"] / tab["gini"]
        tab.insert(0, "variable", var)
        tab["population_weighted"] = population is not None
        rows.append(tab)
        for year, g in d.groupby("year", sort=True):
            res = dagum_gini(g[var].to_numpy(), g[groups].to_numpy())
            labels = list(res["g_between"].index)
            for a, j in enumerate(labels):
                for h in labels[a:]:
                    pairs.append(
                        {
                            "variable": var,
                            "year": int(year),
                            "group_j": j,
                            "group_h": h,
                            "kind": "within" if j == h else "between",
                            "gini": float(res["g_between"].loc[j, h]),
                            "D": float(res["d_between"].loc[j, h]) if j != h else np.nan,
                            "mean_j": float(res["groups"].loc[j, "mean"]),
                            "mean_h": float(res["groups"].loc[h, "mean"]),
                        }
                    )
    out = pd.concat(rows, ignore_index=True)
    out["note"] = note
    write_csv(out, out_year)
    pr = pd.DataFrame(pairs)
    pr["note"] = note
    write_csv(pr, out_pairs)


# ----------------------------------------------------------------------------- indices, coordination


def inequality_panel(
    panel_csv, out_year, out_pairs, *, variables, groups: str = "region4", population=None, mechanism_csvs=()
) -> None:
    """:func:`inequality` of the tidy panel and its mechanism files, every year (rule ``inequality_panel``)."""
    inequality(
        panel_csv,
        out_year,
        out_pairs,
        variables=variables,
        groups=groups,
        population=population,
        mechanism_csvs=mechanism_csvs,
    )


def inequality_cross_section(
    data_csv, out_year, out_pairs, *, variables, groups: str = "region4", population=None
) -> None:
    """:func:`inequality` of one tidy cross-section (rule ``inequality_cross_section``)."""
    inequality(data_csv, out_year, out_pairs, variables=variables, groups=groups, population=population)


def _index(data, spec, unit="code", year="year"):
    method = spec.get("method", "entropy")
    fn = {"entropy": entropy_weight, "equal": equal_weight, "pca": pca_index}[method]
    return fn(
        data,
        spec.get("positive", []),
        spec.get("negative", []),
        unit=unit,
        year=year,
        by_year=bool(spec.get("by_year", False)),
    )


def composite_indices(panel_csv, out_scores, out_weights, *, specs: dict, mechanism_csvs=()) -> None:
    """Composite indices (entropy, equal-weight or PCA) of the panel: scores per province-year and weights."""
    d = read_tidy(panel_csv, mechanism_csvs)
    note = note_of(d)  # the provenance of the data this table is built from
    scores, weights = [], []
    for name in sorted(specs):
        res = _index(d, specs[name])
        s = res.index.rename(columns={"index": "score"})
        s.insert(0, "index", name)
        s.insert(1, "method", specs[name].get("method", "entropy"))
        scores.append(s)
        w = res.weights.copy()
        w.insert(0, "index", name)
        w.insert(1, "method", specs[name].get("method", "entropy"))
        w["year"] = w["year"].astype(str)
        weights.append(w)
    sc = pd.concat(scores, ignore_index=True)
    sc["note"] = note
    wt = pd.concat(weights, ignore_index=True)
    wt["note"] = note
    write_csv(sc, out_scores)
    write_csv(wt, out_weights)


def coupling_coordination(
    panel_csv, out_csv, *, subsystems: dict, method: str = "entropy", by_year=False, mechanism_csvs=()
) -> None:
    """Coupling coordination (C, T, D and class) of the configured subsystems per province-year.

    Each subsystem is scored by a composite index of its indicators; entropy scores (which lie in
    [δ, 1 + δ], δ = 1e-4) are divided by 1 + δ, equal-weight scores (shift 0) lie in [0, 1] already.
    """
    if len(subsystems) < 2:
        raise InputError(
            "coupling coordination needs at least two subsystems",
            hint="configure at least two under measures.coordination.subsystems",
        )
    d = read_tidy(panel_csv, mechanism_csvs)
    note = note_of(d)  # the provenance of the data this table is built from
    out = d[["code", "name", "region4", "year"]].reset_index(drop=True).copy()
    names = list(subsystems)
    for name in names:
        spec = {**subsystems[name], "method": method, "by_year": by_year}
        score = _index(d, spec).index["index"].to_numpy()
        out[f"U_{name}"] = score / (1.0 + 1e-4) if method == "entropy" else score
    cc = coupling(out[[f"U_{n}" for n in names]].clip(0.0, 1.0))
    out = pd.concat([out, cc.reset_index(drop=True)], axis=1)
    out["note"] = note
    write_csv(out, out_csv)


# ----------------------------------------------------------------------------- convergence


def beta_convergence(
    panel_csv,
    weights_csv,
    out_csv,
    *,
    variable: str,
    tau: int,
    controls,
    time_effects,
    spatial_models,
    weights_name: str,
    mechanism_csvs=(),
) -> None:
    """β-convergence: cross-section and panel (absolute and conditional), spatial SAR/SEM/SDM panels.

    Columns: ``form``, ``model``, ``type`` (absolute/conditional), ``beta``, ``se``, ``pvalue``, ``tau``,
    ``speed`` (λ = −ln(1+β)/τ), ``half_life`` (ln 2/λ), ``nobs``, ``r2``, ``spatial`` (rho/lambda),
    ``spatial_coef``, ``spatial_se``, ``controls``, ``weights``, ``note``. The spatial models are two-way
    fixed-effects panels estimated by ML with :mod:`aicoord.panel`.
    """
    d = read_tidy(panel_csv, mechanism_csvs)

    note = note_of(d)  # the provenance of the data this table is built from
    controls = list(controls)
    w = _w_frame(weights_csv)
    rows = []

    def add(res, form, model, typ, extra=None):
        row = {
            "form": form,
            "model": model,
            "type": typ,
            "beta": res.beta,
            "se": res.se,
            "pvalue": res.pvalue,
            "tau": res.tau,
            "speed": res.speed,
            "half_life": res.half_life,
            "nobs": res.nobs,
            "r2": res.r2,
            "spatial": "",
            "spatial_coef": np.nan,
            "spatial_se": np.nan,
            "controls": ";".join(controls) if typ == "conditional" else "",
            "weights": "",
        }
        row.update(extra or {})
        rows.append(row)

    for typ, ctrl in (("absolute", []), ("conditional", controls)):
        if typ == "conditional" and not controls:
            continue
        add(cross_section(d, variable, controls=ctrl), "cross-section", "OLS (HC1)", typ)
        add(
            beta_convergence_panel(d, variable, tau=tau, controls=ctrl, time_effects=time_effects),
            "panel",
            "FE" + (" two-way" if time_effects else " one-way") + " (cluster)",
            typ,
        )
        for model in spatial_models:
            res = spatial_beta_convergence(d, variable, w, tau=tau, controls=ctrl, model=model)
            spatial = "lambda" if model == "sem" else "rho"
            add(
                res,
                "spatial panel",
                f"{model.upper()} two-way FE (ML)",
                typ,
                {
                    "spatial": spatial,
                    "spatial_coef": float(res.result.params[spatial]),
                    "spatial_se": float(res.result.std_errors[spatial]),
                    "weights": weights_name,
                },
            )
    tab = pd.DataFrame(rows)
    tab["variable"] = variable
    tab["note"] = note
    write_csv(tab, out_csv)


def spatial_markov(
    panel_csv,
    weights_csv,
    out_transitions,
    out_steady,
    out_tests,
    *,
    variable: str,
    k: int,
    population=None,
    weights_name: str,
    mechanism_csvs=(),
) -> None:
    """Spatial Markov chains of a variable relative to its national value (:func:`aicoord.convergence.spatial_markov`)."""
    d = read_tidy(panel_csv, mechanism_csvs)

    note = note_of(d)  # the provenance of the data this table is built from
    res = chains(d, variable, _load_w(weights_csv), k=k, population=population)
    for key, path in (("transitions", out_transitions), ("steady_state", out_steady), ("tests", out_tests)):
        tab = res[key].copy()
        if key == "tests":
            tab["cutoffs"] = ";".join(f"{c:.6g}" for c in res["cutoffs"]) if res["cutoffs"] is not None else ""
        tab.insert(0, "variable", variable)
        tab["lag_class"] = tab["lag_class"].astype(str) if "lag_class" in tab else None
        if key == "tests":
            tab = tab.drop(columns=["lag_class"])
        tab["k"], tab["weights"], tab["note"] = k, weights_name, note
        write_csv(tab, path)


def kde_figure(
    panel_csv, outputs, *, variable: str, years=None, population=None, language: str = "zh", mechanism_csvs=()
) -> None:
    """Kernel densities of ``variable`` relative to its national value, one curve per year (PNG, PDF)."""
    d = read_tidy(panel_csv, mechanism_csvs)

    note = note_of(d)  # the provenance of the data this table is built from
    label = {"gdp_pc": ("人均实际 GDP", "real GDP per capita")}.get(variable, (variable, variable))
    if language == "zh":
        xlabel, ylabel, title = f"{label[0]} / 全国水平", "核密度", f"{label[0]}相对全国水平的核密度"
    else:
        xlabel, ylabel, title = f"{label[1]} relative to national", "Density", f"Kernel density of relative {label[1]}"
    fig = densities(
        d,
        variable,
        years=list(years) if years else None,
        population=population,
        note=textwrap.fill(note, 100),
        xlabel=xlabel,
        ylabel=ylabel,
        title=title,
    )
    ax = fig.axes[0]
    lines = ax.get_lines()
    for j, line in enumerate(lines):  # ordered colours: more than ten years would repeat the default cycle
        line.set_color(colormaps["viridis"](j / max(len(lines) - 1, 1)))
    leg = ax.legend(
        title="year" if language == "en" else "年份",
        fontsize="small",
        ncol=2 if len(lines) > 8 else 1,
        prop=_font_if_zh(language, "small"),
    )
    title_font = _font_if_zh(language, "medium")
    if title_font is not None:
        leg.get_title().set_fontproperties(title_font)
    save_figure(fig, *outputs)


def _font_if_zh(language, size):
    """CJK font properties for Chinese figure texts (None for English)."""
    if language != "zh":
        return None
    font = cjk_font()
    if font is not None:
        font = font.copy()
        font.set_size(size)
    return font


def demo_recovery(panel_csv, truth_json, weights_csv, out_csv, *, draws: int, seed: int, mechanism_csvs=()) -> None:
    """Recovery of the demo's true parameters by the two-way FE SDM (:func:`aicoord.simulate.recovery_table`).

    The outcome is regressed on AI, the four mechanisms and the controls of the validated panel
    (``results/data/panel.csv``), with :class:`aicoord.panel.SpatialPanel` (Lee–Yu corrected ML; ``estimator``
    ``ml``, ``equation`` ``outcome``). When the demo's AI is endogenous (``truth["endogeneity"]``), AI's baseline
    equation (outcome on AI and the controls) is fitted by ML and by spatial 2SLS with the simulated instrument
    (``equation`` ``baseline``, clustered by province; :func:`aicoord.simulate.baseline_recovery`): the ML rows
    show the confounder's bias, the 2SLS rows its removal, against the true baseline effects.
    """
    draws = check_count(draws, "measures.recovery.draws", 2, MAX_DRAWS)
    truth = json.loads(Path(truth_json).read_text(encoding="utf-8"))
    d = read_tidy(panel_csv, mechanism_csvs).rename(columns={"ai": "ai_index"})
    note = note_of(d)  # the provenance of the data this table is built from
    res = fit_demo_sdm(d, _w_frame(weights_csv), y=truth["outcome"], x=truth["regressors"])
    tab = recovery_table(res, truth, draws=draws, seed=seed)
    tab.insert(0, "estimator", "ml")
    tab.insert(1, "equation", "outcome")
    tab["loglik"], tab["nobs"] = res.loglik, res.nobs
    if truth.get("endogeneity"):  # the endogenous AI: its baseline effects by ML (biased) and spatial 2SLS
        from ..simulate import baseline_recovery

        controls = [c for c in truth["regressors"] if c not in ("ai_index", *truth["mechanism_paths"])]
        tab = pd.concat(
            [tab, baseline_recovery(d, _w_frame(weights_csv), truth, controls=controls, draws=draws, seed=seed)],
            ignore_index=True,
        )
    tab["dgp_version"] = truth["dgp_version"]
    tab["note"] = note
    write_csv(tab, out_csv)
