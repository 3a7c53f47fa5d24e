"""Pipeline steps of the panel measures (rules in ``workflow/rules/measures.smk``).

Plain functions from input paths to output paths, called by ``scripts/*.py``: the simulated demonstration
panel, the validated panel, inequality (σ-convergence, Theil, Dagum Gini), composite indices, coupling
coordination, β-convergence (non-spatial and spatial through :mod:`aicoord.panel`), spatial Markov
chains, the kernel-density figure and the demo's recovery table. Every table carries a ``note`` column
(the data source, and "simulated data" where it applies); every write is atomic and deterministic.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from .io import read_province_table, write_csv, write_json
from .pipeline import _load_w
from .provinces import province_table

__all__ = ["simulate_panel_files", "prepare_panel", "panel_gdp_pc_mean", "inequality_tables",
           "composite_index_tables", "coupling_table", "panel_note", "beta_convergence_table", "spatial_markov_tables",
           "kde_figures", "demo_recovery_table", "DEMO_SOURCE"]

#: Source line of the demonstration panel (the word "simulated" is added by ``data_note``).
DEMO_SOURCE = ("aicoord.simulate demonstration panel; only the 2023 AI index is real "
               "(Fang, Chang and Hu 2025, Table 1)")


def _read_panel_csv(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"code": str})


def _w_frame(path) -> pd.DataFrame:
    from .weights import to_dense_frame

    return to_dense_frame(_load_w(path))


# ----------------------------------------------------------------------------- panel


def simulate_panel_files(ai_csv, weights_csv, out_panel, out_truth_json, out_truth_csv, *, years, seed: int,
                         weights_name: str, note: str) -> None:
    """Simulate the demo panel (:func:`aicoord.simulate.simulate_demo_panel`) and write it with its truth.

    The panel is written in the real-panel format (``province, year`` and the variables, one row per
    province-year), so that the ``panel`` rule reads it exactly as it reads a real file.
    """
    from .simulate import simulate_demo_panel, truth_table

    ai = read_province_table(ai_csv, "province", ["ai_index"])["ai_index"]
    panel, truth = simulate_demo_panel(ai, _w_frame(weights_csv), years=tuple(years), seed=seed)
    truth["weights"] = weights_name
    truth["note"] = note
    panel = panel.drop(columns=["code"])
    panel["note"] = note  # an extra column: read_panel reads only the columns of the data dictionary
    write_csv(panel, out_panel, float_format="%.12g")
    write_json(truth, out_truth_json)
    tab = truth_table(truth)
    tab["note"] = note
    write_csv(tab, out_truth_csv, float_format="%.12g")


def prepare_panel(src, out_csv, out_roles, *, dictionary: dict, note: str, simulated: bool) -> None:
    """Validate the panel (:func:`aicoord.panel_data.read_panel`) and write it in tidy form.

    Output columns: ``code, name, region4, year``, the role columns (``ai``, ``gdp_pc``,
    ``population``, outcomes, controls, mechanisms), the development gap ``dev_gap`` =
    |ln y_it − ln ȳ_t| (national value population-weighted if population is given), its change and
    growth rate (:func:`aicoord.convergence.development_gap`), and ``note``.
    """
    from .convergence import development_gap
    from .panel_data import read_panel

    data = read_panel(src, dictionary)
    roles = data.attrs["roles"]
    table = province_table().set_index("code")
    pop = roles.get("population")
    gap = development_gap(data, "gdp_pc", population=pop)
    out = data.copy()
    out.insert(1, "name", table.loc[out["code"], "name_short"].to_numpy())
    out.insert(2, "region4", table.loc[out["code"], "region4"].to_numpy())
    out["dev_gap"] = gap["gap"].to_numpy()
    out["dev_gap_change"] = gap["gap_change"].to_numpy()
    out["dev_gap_growth"] = gap["gap_growth"].to_numpy()
    out["note"] = note
    write_csv(out, out_csv, float_format="%.12g")
    write_json({"roles": roles, "source_columns": data.attrs["source"], "years": data.attrs["years"],
                "demo_panel": bool(simulated), "note": note, "file": str(src)}, out_roles)


def panel_note(panel_csv) -> str:
    """The note of a tidy panel written by :func:`prepare_panel`."""
    return str(_read_panel_csv(panel_csv)["note"].iloc[0])


def panel_gdp_pc_mean(panel_csv) -> pd.Series:
    """Mean GDP per capita over the panel's years, by province code (input of economic/nested weights)."""
    d = _read_panel_csv(panel_csv)
    order = [c for c in province_table()["code"] if c in set(d["code"])]
    return d.groupby("code")["gdp_pc"].mean().loc[order]


# ----------------------------------------------------------------------------- inequality


def inequality_tables(data_csv, out_year, out_pairs, *, variables, groups: str = "region4",
                      population=None, note: str) -> None:
    """Inequality by year of each variable, and the Dagum region-pair matrices.

    ``out_year``: one row per variable and year with CV and SD of logs (σ-convergence), Theil T and L
    with within/between parts and shares, and the Dagum Gini with within, net between and
    transvariation parts and shares. ``out_pairs``: per variable, year and pair of groups (j, h) the
    Gini G_jh (G_jj on the diagonal) and the relative affluence D_jh.
    """
    from .inequality import dagum_gini, inequality_by_year

    d = _read_panel_csv(data_csv)
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
                    pairs.append({"variable": var, "year": int(year), "group_j": j, "group_h": h,
                                  "kind": "within" if j == h else "between",
                                  "gini": float(res["g_between"].loc[j, h]),
                                  "D": float(res["d_between"].loc[j, h]) if j != h else np.nan,
                                  "mean_j": float(res["groups"].loc[j, "mean"]),
                                  "mean_h": float(res["groups"].loc[h, "mean"])})
    out = pd.concat(rows, ignore_index=True)
    out["note"] = note
    write_csv(out, out_year)
    pr = pd.DataFrame(pairs)
    pr["note"] = note
    write_csv(pr, out_pairs)


# ----------------------------------------------------------------------------- indices, coordination


def _index(data, spec, unit="code", year="year"):
    from .indices import entropy_weight, equal_weight, pca_index

    method = spec.get("method", "entropy")
    fn = {"entropy": entropy_weight, "equal": equal_weight, "pca": pca_index}[method]
    return fn(data, spec.get("positive", []), spec.get("negative", []), unit=unit, year=year,
              by_year=bool(spec.get("by_year", False)))


def composite_index_tables(panel_csv, out_scores, out_weights, *, specs: dict, note: str) -> None:
    """Composite indices (entropy, equal-weight or PCA) of the panel: scores per province-year and weights."""
    d = _read_panel_csv(panel_csv)
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


def coupling_table(panel_csv, out_csv, *, subsystems: dict, method: str = "entropy", by_year=False,
                   note: str) -> None:
    """Coupling coordination (C, T, D and class) of the configured subsystems per province-year.

    Each subsystem is scored by a composite index of its indicators; entropy scores (which lie in
    [δ, 1 + δ], δ = 1e-4) are divided by 1 + δ, equal-weight scores (shift 0) lie in [0, 1] already.
    """
    from .coordination import coupling_coordination

    if len(subsystems) < 2:
        raise ValueError("coupling coordination needs at least two subsystems")
    d = _read_panel_csv(panel_csv)
    out = d[["code", "name", "region4", "year"]].reset_index(drop=True).copy()
    names = list(subsystems)
    for name in names:
        spec = {**subsystems[name], "method": method, "by_year": by_year}
        score = _index(d, spec).index["index"].to_numpy()
        out[f"U_{name}"] = score / (1.0 + 1e-4) if method == "entropy" else score
    cc = coupling_coordination(out[[f"U_{n}" for n in names]].clip(0.0, 1.0))
    out = pd.concat([out, cc.reset_index(drop=True)], axis=1)
    out["note"] = note
    write_csv(out, out_csv)


# ----------------------------------------------------------------------------- convergence


def _engine(panel, y, x, w, unit, year, model="sar"):
    """Adapter from :func:`aicoord.convergence.spatial_beta_convergence` to :class:`aicoord.panel.SpatialPanel`."""
    from .panel import SpatialPanel

    res = SpatialPanel(panel, y=y, x=list(x), id=unit, time=year, w=w, model=model, effects="twoways").fit()
    spatial = "lambda" if model == "sem" else "rho"
    return {"params": res.params.to_dict(), "bse": res.std_errors.to_dict(), "pvalues": res.pvalues.to_dict(),
            "nobs": res.nobs, "r2": res.r2_within, "spatial": spatial,
            "spatial_coef": float(res.params[spatial]), "spatial_se": float(res.std_errors[spatial])}


def beta_convergence_table(panel_csv, weights_csv, out_csv, *, variable: str, tau: int, controls, time_effects,
                           spatial_models, weights_name: str, note: str) -> None:
    """β-convergence: cross-section and panel (absolute and conditional), spatial SAR/SEM/SDM panels.

    Columns: ``form``, ``model``, ``type`` (absolute/conditional), ``beta``, ``se``, ``pvalue``, ``tau``,
    ``speed`` (λ = −ln(1+β)/τ), ``half_life`` (ln 2/λ), ``nobs``, ``r2``, ``spatial`` (rho/lambda),
    ``spatial_coef``, ``spatial_se``, ``controls``, ``weights``, ``note``. The spatial models are two-way
    fixed-effects panels estimated by ML with :mod:`aicoord.panel`.
    """
    from .convergence import beta_convergence, beta_convergence_panel, spatial_beta_convergence

    d = _read_panel_csv(panel_csv)
    controls = list(controls)
    w = _w_frame(weights_csv)
    rows = []

    def add(res, form, model, typ, extra=None):
        row = {"form": form, "model": model, "type": typ, "beta": res.beta, "se": res.se, "pvalue": res.pvalue,
               "tau": res.tau, "speed": res.speed, "half_life": res.half_life, "nobs": res.nobs, "r2": res.r2,
               "spatial": "", "spatial_coef": np.nan, "spatial_se": np.nan,
               "controls": ";".join(controls) if typ == "conditional" else "", "weights": ""}
        row.update(extra or {})
        rows.append(row)

    for typ, ctrl in (("absolute", []), ("conditional", controls)):
        if typ == "conditional" and not controls:
            continue
        add(beta_convergence(d, variable, controls=ctrl), "cross-section", "OLS (HC1)", typ)
        add(beta_convergence_panel(d, variable, tau=tau, controls=ctrl, time_effects=time_effects),
            "panel", "FE" + (" two-way" if time_effects else " one-way") + " (cluster)", typ)
        for model in spatial_models:
            res = spatial_beta_convergence(d, variable, w, _engine, tau=tau, controls=ctrl, model=model)
            out = res.result
            add(res, "spatial panel", f"{model.upper()} two-way FE (ML)", typ,
                {"spatial": out["spatial"], "spatial_coef": out["spatial_coef"], "spatial_se": out["spatial_se"],
                 "weights": weights_name})
    tab = pd.DataFrame(rows)
    tab["variable"] = variable
    tab["note"] = note
    write_csv(tab, out_csv)


def spatial_markov_tables(panel_csv, weights_csv, out_transitions, out_steady, out_tests, *, variable: str, k: int,
                          population=None, weights_name: str, note: str) -> None:
    """Spatial Markov chains of a variable relative to its national value (:func:`aicoord.convergence.spatial_markov`)."""
    from .convergence import spatial_markov

    d = _read_panel_csv(panel_csv)
    res = spatial_markov(d, variable, _load_w(weights_csv), k=k, population=population)
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


def kde_figures(panel_csv, outputs, *, variable: str, years=None, population=None, note: str,
                language: str = "zh") -> None:
    """Kernel densities of ``variable`` relative to its national value, one curve per year (PNG, PDF)."""
    from .convergence import kde_figure
    from .plotting import save_figure

    d = _read_panel_csv(panel_csv)
    label = {"gdp_pc": ("人均实际 GDP", "real GDP per capita")}.get(variable, (variable, variable))
    if language == "zh":
        xlabel, ylabel, title = f"{label[0]} / 全国水平", "核密度", f"{label[0]}相对全国水平的核密度"
    else:
        xlabel, ylabel, title = f"{label[1]} relative to national", "Density", f"Kernel density of relative {label[1]}"
    import textwrap

    from matplotlib import colormaps

    fig = kde_figure(d, variable, years=list(years) if years else None, population=population,
                     note=textwrap.fill(note, 100), xlabel=xlabel, ylabel=ylabel, title=title)
    ax = fig.axes[0]
    lines = ax.get_lines()
    for j, line in enumerate(lines):  # ordered colours: more than ten years would repeat the default cycle
        line.set_color(colormaps["viridis"](j / max(len(lines) - 1, 1)))
    leg = ax.legend(title="year" if language == "en" else "年份", fontsize="small",
                    ncol=2 if len(lines) > 8 else 1, prop=_font_if_zh(language, "small"))
    title_font = _font_if_zh(language, "medium")
    if title_font is not None:
        leg.get_title().set_fontproperties(title_font)
    save_figure(fig, *outputs)


def _font_if_zh(language, size):
    """CJK font properties for Chinese figure texts (None for English)."""
    if language != "zh":
        return None
    from .convergence import _cjk_font

    font = _cjk_font()
    if font is not None:
        font = font.copy()
        font.set_size(size)
    return font


def demo_recovery_table(panel_csv, truth_json, weights_csv, out_csv, *, draws: int, seed: int, note: str) -> None:
    """Recovery of the demo's true parameters by the two-way FE SDM (:func:`aicoord.simulate.recovery_table`).

    The outcome is regressed on AI, the four mechanisms and the controls of the validated panel
    (``results/data/panel.csv``), with :class:`aicoord.panel.SpatialPanel` (Lee–Yu corrected ML).
    """
    from .simulate import fit_demo_sdm, recovery_table

    truth = json.loads(Path(truth_json).read_text(encoding="utf-8"))
    d = _read_panel_csv(panel_csv).rename(columns={"ai": "ai_index"})
    res = fit_demo_sdm(d, _w_frame(weights_csv), y=truth["outcome"], x=truth["regressors"])
    tab = recovery_table(res, truth, draws=draws, seed=seed)
    tab["loglik"], tab["nobs"] = res.loglik, res.nobs
    tab["dgp_version"] = truth["dgp_version"]
    tab["note"] = note
    write_csv(tab, out_csv)
