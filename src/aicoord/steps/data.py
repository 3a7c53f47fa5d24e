"""Steps of ``workflow/rules/data.smk``: validated cross-sections, the simulated demo panel and the panel."""

from __future__ import annotations

import pandas as pd

from ..contract import read_panel, read_province_table, read_tidy
from ..did import pilot_cohorts
from ..errors import InputError
from ..gaps import development_gap
from ..io import write_csv, write_json
from ..notes import note_of
from ..simulate import simulate_demo_panel, simulate_pilot_outcome, truth_table
from ..units import level_note, unit_table
from ..weights_load import load_standardised

__all__ = ["cross_section", "simulate_panel", "panel", "mechanism_data"]


def cross_section(
    src, out_csv, *, id_col: str, variables, year: int, note: str, level: str = "province", from_panel: bool = False
) -> None:
    """Validate a one-row-per-unit table and write it in tidy form (rule ``cross_section``).

    Output columns: ``code, name, region4, year``, the variables and ``note`` (the provenance note of the
    source, which every table built from the file copies), units in reference (code) order. ``level``: the
    units of the rows (:mod:`aicoord.units`). ``from_panel``: ``src`` is the tidy panel
    (``results/data/panel.csv``) and the cross-section is its year ``year``, with the panel's own note
    (``note`` is then not used).
    """
    if from_panel:
        d = read_tidy(src)
        sub = d[d["year"] == int(year)]
        if sub.empty:
            raise InputError(
                f"the panel has no rows for year {year}",
                file=src,
                hint=f"set the dataset's year to one of {sorted(int(y) for y in d['year'].unique())}",
            )
        missing = [v for v in variables if v not in sub.columns]
        if missing:
            raise InputError(
                f"the panel has no column {', '.join(missing)}",
                file=src,
                hint=f"use columns of the tidy panel: {', '.join(map(str, sub.columns))}",
            )
        out = sub[["code", "name", "region4", "year", *variables]].reset_index(drop=True)
        out["note"] = note_of(sub)
        write_csv(out, out_csv, float_format="%.10g")
        return
    data = read_province_table(src, id_col, variables, level=level)
    table = unit_table(level).set_index("code")
    out = pd.DataFrame(
        {
            "code": data.index,
            "name": table.loc[data.index, "name_short"].to_numpy(),
            "region4": table.loc[data.index, "region4"].to_numpy(),
            "year": int(year),
        }
    )
    for v in variables:
        out[v] = data[v].to_numpy()
    out["note"] = note
    write_csv(out, out_csv, float_format="%.10g")


def simulate_panel(
    ai_csv,
    weights_csv,
    out_panel,
    out_truth_json,
    out_truth_csv,
    *,
    years,
    seed: int,
    weights_name: str,
    note: str,
    setting: str = "A",
    level: str = "province",
    endogenous: bool = False,
) -> None:
    """Simulate the demo panel (:func:`aicoord.simulate.simulate_demo_panel`) and write it with its truth
    (rule ``simulate_panel``).

    The panel is written in the real-panel format (``province, year`` and the variables, one row per
    province-year), so that the ``panel`` rule reads it exactly as it reads a real file. ``endogenous``
    (``demo.endogenous``): AI driven by an unobserved confounder, with the simulated instrument ``hub_exposure``. At ``level``
    ``prefecture`` or ``county`` it has one row per unit-year of the level (the ``province`` column holds the
    units' codes, ``name`` their names); everything in it is simulated.
    """
    ai = read_province_table(ai_csv, "province", ["ai_index"])["ai_index"]
    units = None if level == "province" else unit_table(level)
    panel, truth = simulate_demo_panel(
        ai,
        load_standardised(weights_csv).frame(),
        years=tuple(years),
        seed=seed,
        scenario=setting,
        units=units,
        endogenous=endogenous,
    )
    truth["weights"] = weights_name
    truth["level"] = level
    truth["note"] = note
    if level != "province":  # a simulated outcome with a known effect of the real AI pilot zones (aicoord.did)
        codes = list(units["code"])
        years_ = sorted(panel["year"].unique())
        w = load_standardised(weights_csv).frame().reindex(index=codes, columns=codes, fill_value=0.0).to_numpy(float)
        cohorts, _ = pilot_cohorts(level)
        y, truth["did"] = simulate_pilot_outcome(codes, years_, w, cohorts, seed)
        pos = {(c, t): (i, j) for i, c in enumerate(codes) for j, t in enumerate(years_)}
        idx = [pos[(str(c), int(t))] for c, t in zip(panel["code"], panel["year"])]
        panel["pilot_outcome"] = [y[i, j] for i, j in idx]
    panel = panel.drop(columns=["code"])
    panel["note"] = note  # an extra column: read_panel reads only the columns of the data dictionary
    write_csv(panel, out_panel, float_format="%.12g")
    write_json(truth, out_truth_json)
    tab = truth_table(truth)
    tab["note"] = note
    write_csv(tab, out_truth_csv, float_format="%.12g")


def panel(src, out_csv, out_roles, *, dictionary: dict, note: str, simulated: bool, level: str = "province") -> None:
    """Validate the panel (:func:`aicoord.contract.read_panel`) and write it in tidy form (rule ``panel``).

    ``dictionary`` holds the core roles; the mechanisms, if it has any, are left to
    :func:`mechanism_data` (one file each, so that changing one proxy reruns only what uses it).
    Output columns: ``code, name, region4, year``, the role columns (``ai``, ``gdp_pc``,
    ``population``, outcomes, controls), the development gap ``dev_gap`` =
    |ln y_it − ln ȳ_t| (national value population-weighted if population is given), its change and
    growth rate (:func:`aicoord.gaps.development_gap`), and ``note``. ``level``: the units of the
    panel (:mod:`aicoord.units`); ``name`` and ``region4`` (the region of the unit's province) come from it.
    """
    data = read_panel(src, {k: v for k, v in dictionary.items() if k != "mechanisms"}, level=level)
    roles = data.attrs["roles"]
    table = unit_table(level).set_index("code")
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
    write_json(
        {
            "roles": roles,
            "source_columns": data.attrs["source"],
            "years": data.attrs["years"],
            "demo_panel": bool(simulated),
            "note": note,
            "file": str(src),
            "level": level,
            "units": int(out["code"].nunique()),
            "level_note": level_note(level, "en"),
        },
        out_roles,
    )


def mechanism_data(src, out_csv, *, dictionary: dict, mechanism: str, note: str, level: str = "province") -> None:
    """One mechanism proxy of the panel in tidy form: ``code, year, <mechanism>, note`` (rule ``mechanism_data``).

    ``dictionary`` is the panel's data dictionary with only this mechanism under ``mechanisms``; the
    whole panel contract is checked again (the same file, the same rows), so the file agrees with
    ``results/data/panel.csv`` row for row.
    """
    d = {**dictionary, "mechanisms": {mechanism: dictionary["mechanisms"][mechanism]}}
    data = read_panel(src, d, level=level)
    out = data[["code", "year", mechanism]].copy()
    out["note"] = note
    write_csv(out, out_csv, float_format="%.12g")
