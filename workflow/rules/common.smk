# Helpers shared by the rules: configuration validation, variables by role, notes and the list of targets.
import json
import os
import sys
from pathlib import Path

from snakemake.common.configfile import load_configfile

from aicoord.config import (
    apply_level,
    level_datasets,
    merge_layers,
    panel_roles,
    resolve,
    resolve_list,
    validate_config,
)
from aicoord.config import identification as resolved_identification
from aicoord.errors import InputError
from aicoord.notes import DEMO_SOURCE, data_note
from aicoord.simulate import demo_dictionary
from aicoord.study.robustness import SAMPLES
from aicoord.units import level_note, unit_table
from aicoord.weights_io import standardised_file, weights_files


def _config_layers():
    """The configuration's layers, first to last, as Snakemake laid them: the Snakefile's configfiles
    (config/config.default.yaml, config/config.yaml), then --configfile files, then --config values."""
    cli = [Path(f).absolute() for f in workflow.config_settings.configfiles]
    own = [f for f in workflow.configfiles if Path(f).absolute() not in cli]
    layers = [] if workflow.config_settings.replace_workflow_config else [load_configfile(f) for f in own]
    return layers + [load_configfile(f) for f in cli] + [dict(workflow.config_settings.config)]


try:
    # rebuilt from its layers: Snakemake's recursive merge cannot empty a default ({} was ignored)
    _merged = merge_layers(_config_layers())
    config.clear()
    config.update(_merged)
    apply_level(config)  # the overlay levels.<study.level>, laid over everything else
    validate_config(config, workflow.source_path("../schemas/config.schema.yaml"))
except InputError as exc:
    # ONE line, first and alone, status 2: raised into Snakemake it came wrapped in "WorkflowError in file
    # common.smk, line N" and a traceback of the Snakefile
    print(f"aicoord: bad configuration: {exc}", file=sys.stderr)
    sys.exit(2)

#: the study's jobs share each weights matrix's eigen-decomposition through this folder (aicoord.study._common.spectrum)
os.environ.setdefault("AICOORD_CACHE", ".cache/aicoord")

LEVEL = config["study"]["level"]  # province, prefecture or county (aicoord.units)
#: The polygons of the study's units (rule province_geometry).
GEOMETRY = {
    "province": "results/geometry/provinces.gpkg",
    "prefecture": "results/geometry/prefectures.gpkg",
    "county": "results/geometry/counties.gpkg",
}[LEVEL]
DATASETS = level_datasets(config)  # the cross-sections at the study's level
WEIGHTS = config["weights"]
N_UNITS = len(unit_table(LEVEL))
#: N×N weights CSVs (and .gwt) up to this many units; sparse .npz (what every step reads) always
DENSE_MAX = config["study"]["dense_weights_max"]
ESDA = config["esda"]
LANGUAGE = config["study"]["language"]
BINARY_KINDS = ("queen", "rook", "knn")
PANEL_KINDS = ("economic", "nested")  # weights built from the panel's mean GDP per capita
PANEL = config["panel"]
DEMO = PANEL["file"] is None  # no panel file: the simulated demonstration panel is used
MEASURES = config["measures"]
ROLES = panel_roles(config)  # columns of results/data/panel.csv by role of the data dictionary


def variables():
    """(dataset, variable, year) for every configured variable."""
    return [(d, v, spec["year"]) for d, spec in DATASETS.items() for v in spec["variables"]]


def dataset_of(var):
    return next(d for d, v, _ in variables() if v == var)


def report_png(paths, **kwargs):
    """``paths`` with only the PNGs marked for the report (PDFs and other formats stay out of report.html)."""
    return [report(p, **kwargs) if str(p).endswith(".png") else p for p in paths]


def map_weights():
    return ESDA["map_weights"] or list(WEIGHTS)


def weights_targets():
    out = ["results/tables/weights_summary.csv"]
    for name, spec in WEIGHTS.items():
        out += list(weights_files(f"results/weights/{name}", N_UNITS, DENSE_MAX).values())
        if N_UNITS > DENSE_MAX and (spec["kind"] in BINARY_KINDS or spec.get("cutoff_km")):
            out.append(f"results/weights/{name}_long.csv")  # a sparse matrix's long table, users' form
        if spec["kind"] in BINARY_KINDS:
            out.append(f"results/weights/{name}.gal")
    return out


def esda_targets():
    out = ["results/tables/global_autocorrelation.csv", "results/tables/moran_year_by_matrix.csv"]
    for _, var, year in variables():
        for w in WEIGHTS:
            out.append(f"results/esda/lisa/{var}_{year}_{w}.csv")
        for w in map_weights():
            for kind in ("moran_scatter", "lisa_cluster", "lisa_significance"):
                out += [f"results/figures/{kind}_{var}_{year}_{w}.{ext}" for ext in ESDA["figure_formats"]]
    return out


def panel_note():
    """Note written INTO the panel files (the demo's and the tidy panel): 'simulated data' for the demo, the
    configured source for a real panel. Every table reads its note from its input data (aicoord.notes.note_of)."""
    units = f" | {level_note(LEVEL, LANGUAGE)}" if LEVEL != "province" else ""
    if DEMO:
        return data_note(DEMO_SOURCE, True, LANGUAGE) + units
    return data_note(PANEL["source"] or f"panel file {PANEL['file']}", False, LANGUAGE) + units


def measures_targets():
    out = [
        "results/data/panel.csv",
        "results/tables/inequality_panel.csv",
        "results/tables/dagum_pairs_panel.csv",
        "results/tables/beta_convergence.csv",
        "results/tables/spatial_markov_transitions.csv",
        "results/tables/spatial_markov_steady_state.csv",
        "results/tables/spatial_markov_tests.csv",
    ]
    for ds in MEASURES["inequality"]["cross_section"]:
        out += [f"results/tables/inequality_{ds}.csv", f"results/tables/dagum_pairs_{ds}.csv"]
    if MEASURES["indices"]:
        out += ["results/tables/composite_indices.csv", "results/tables/composite_weights.csv"]
    if MEASURES["coordination"]["subsystems"]:
        out.append("results/tables/coupling_coordination.csv")
    out += [f"results/figures/kde_{kde_variable()}.{ext}" for ext in ESDA["figure_formats"]]
    if DEMO:
        out += ["results/demo/truth.json", "results/demo/truth.csv", "results/tables/demo_recovery.csv"]
    return out


#: Rules whose outputs exist only for the simulated demonstration panel (panel.file null).
DEMO_RULES = ("simulate_panel", "demo_recovery")


def stale_demo_outputs():
    """Outputs of the demo-only rules, when a real panel.file is configured (an earlier demo run left them)."""
    return [] if DEMO else [str(f) for name in DEMO_RULES for f in getattr(rules, name).rule.output]


def remove_stale_outputs(log=None):
    """When the workflow starts (not in a dry run): delete the outputs of rules no longer in the study, so that
    no 'simulated data' table lies among the results of a real panel."""
    from aicoord.io import remove_outputs

    gone = remove_outputs(stale_demo_outputs())
    if gone:
        print(
            f"aicoord: panel.file is set: removed {len(gone)} output(s) of the simulated demonstration panel "
            f"({', '.join(gone)})",
            file=sys.stderr,
        )


def all_targets():
    return (
        weights_targets()
        + esda_targets()
        + ["results/tables/seed_claims.csv"]
        + measures_targets()
        + study_targets()
        + paper_targets()
        + did_targets()
    )


# ---- the pilot-zone DID (did.smk)

DID = config["did"]
DID_ON = (LEVEL != "province") if DID["enabled"] == "auto" else bool(DID["enabled"])


def did_targets():
    return ["results/tables/did_att.csv", "results/paper/figures/event_study.png"] if DID_ON else []


def did_inputs(wildcards):
    out = {
        "panel_csv": "results/data/panel.csv",
        "weights_csv": f"results/weights/{DID['weights']}_raw.npz",
        "gpkg": GEOMETRY,
    }
    if DEMO:
        out["demo_csv"] = "results/demo/panel.csv"
    return out


def did_params():
    return canonical(
        {
            "outcomes": resolve(DID["outcomes"], ROLES, "did.outcomes"),
            "controls": resolve(DID["controls"], ROLES, "did.controls") if DID["controls"] else [],
            "level": LEVEL,
            "cutoff_month": DID["cutoff_month"],
            "deqing": DID["deqing"],
            "bands": DID["bands_km"],
            "placebo": DID["placebo"],
            "bootstrap": DID["bootstrap"],
            "sdm": DID["sdm"],
            "seed": config["seed"],
            "language": PAPER_LANGUAGE,
            "decimals": PAPER["decimals"],
        }
    )


def global_jsons(wildcards):
    return [f"results/esda/global/{var}_{year}_{w}.json" for _, var, year in variables() for w in WEIGHTS]


def dataset_file(wildcards):
    spec = DATASETS[wildcards.dataset]
    return "results/data/panel.csv" if spec.get("from_panel") else spec["file"]


def dataset_id(wildcards):
    return DATASETS[wildcards.dataset].get("id", "code")


def dataset_from_panel(wildcards):
    return bool(DATASETS[wildcards.dataset].get("from_panel", False))


def dataset_variables(wildcards):
    return list(DATASETS[wildcards.dataset]["variables"])


def dataset_year(wildcards):
    return DATASETS[wildcards.dataset]["year"]


def canonical(obj):
    """``obj`` with sorted keys, so that a reordered config file does not look like changed params."""
    return json.loads(json.dumps(obj, sort_keys=True))


def weights_spec(wildcards):
    return canonical(WEIGHTS[wildcards.w])


def weights_inputs(wildcards):
    """The weights rule's inputs: the panel only for the kinds built from GDP per capita."""
    out = {"gpkg": GEOMETRY}
    if WEIGHTS[wildcards.w]["kind"] in PANEL_KINDS:
        out["panel_csv"] = "results/data/panel.csv"
    return out


def panel_source(wildcards):
    return "results/demo/panel.csv" if DEMO else PANEL["file"]


def full_dictionary():
    return demo_dictionary(config["demo"]["endogenous"]) if DEMO else PANEL["dictionary"]


def panel_dictionary():
    """The data dictionary without the mechanisms (each mechanism proxy has its own rule)."""
    return canonical({k: v for k, v in full_dictionary().items() if k != "mechanisms"})


def mechanism_dictionary(wildcards):
    """The dictionary that reads one mechanism: the row keys and required roles, and this proxy only."""
    d = full_dictionary()
    keep = {k: d[k] for k in ("columns", "province", "year", "ai", "outcome", "gdp_pc", "ranges") if k in d}
    return canonical({**keep, "mechanisms": {wildcards.mechanism: d["mechanisms"][wildcards.mechanism]}})


def mechanism_files(*variable_lists):
    """Tidy mechanism files needed by the given resolved variable lists (mechanism roles among them)."""
    names = [v for vs in variable_lists for v in ([vs] if isinstance(vs, str) else vs)]
    return [f"results/data/mechanisms/{m}.csv" for m in ROLES["mechanisms"] if m in names]


def panel_with(*variable_lists):
    """Named inputs: the tidy panel and the mechanism files of the variables a rule uses."""
    return {"panel_csv": "results/data/panel.csv", "mechanism_csvs": mechanism_files(*variable_lists)}


def population_column():
    """The tidy panel's population column, or None when the dictionary has none."""
    return ROLES["population"]


def inequality_population():
    return population_column() if MEASURES["inequality"]["population_weights"] else None


def dataset_note(wildcards):
    """Note written INTO the tidy cross-section results/data/{dataset}.csv (tables built from it copy it)."""
    spec = DATASETS[wildcards.dataset]
    if spec.get("from_panel"):
        return ""  # the panel's own note is copied
    units = f" | {level_note(LEVEL, LANGUAGE)}" if LEVEL != "province" else ""
    return data_note(spec["source"], spec.get("simulated", False), LANGUAGE) + units


def std_weights(name):
    """The row-standardised weights file of matrix ``name``: ``{name}.npz`` up to DENSE_MAX units, else its
    raw ``.npz``, which the step row-standardises on reading."""
    return standardised_file(f"results/weights/{name}", N_UNITS, DENSE_MAX)


def measures_weights(key):
    return std_weights(MEASURES[key]["weights"])


def variable_label(wildcards):
    return DATASETS[dataset_of(wildcards.var)]["variables"][wildcards.var]


def tidy_data(wildcards):
    return f"results/data/{dataset_of(wildcards.var)}.csv"


# ---- configured variables, resolved to columns of results/data/panel.csv by role


def inequality_variables():
    return resolve(MEASURES["inequality"]["variables"], ROLES, "measures.inequality.variables")


def index_specs():
    out = {}
    for name, spec in MEASURES["indices"].items():
        out[name] = {
            **spec,
            **{
                side: resolve(spec.get(side, []), ROLES, f"measures.indices.{name}.{side}")
                for side in ("positive", "negative")
            },
        }
    return canonical(out)


def coordination_subsystems():
    out = {}
    for name, spec in MEASURES["coordination"]["subsystems"].items():
        key = f"measures.coordination.subsystems.{name}"
        out[name] = {
            **spec,
            **{side: resolve(spec.get(side, []), ROLES, f"{key}.{side}") for side in ("positive", "negative")},
        }
    return canonical(out)


def markov_variable():
    return resolve(MEASURES["markov"]["variable"], ROLES, "measures.markov.variable")


def beta_variable():
    return resolve(MEASURES["beta"]["variable"], ROLES, "measures.beta.variable")


def beta_controls():
    return resolve_list(MEASURES["beta"]["controls"], ROLES, "measures.beta.controls", "controls")


def kde_variable():
    return resolve(MEASURES["kde"]["variable"], ROLES, "measures.kde.variable")


def index_variables():
    return [v for spec in index_specs().values() for side in ("positive", "negative") for v in spec[side]]


def coordination_variables():
    return [v for spec in coordination_subsystems().values() for side in ("positive", "negative") for v in spec[side]]


def inequality_inputs(wildcards):
    return panel_with(inequality_variables())


def composite_inputs(wildcards):
    return panel_with(index_variables())


def coordination_inputs(wildcards):
    return panel_with(coordination_variables())


def recovery_inputs(wildcards):
    return panel_with(list(ROLES["mechanisms"]))


def paper_out(name):
    """The five files of one paper table; the tidy CSV goes into the report."""
    base = f"results/paper/{name}"
    return {
        "csv": report(
            f"{base}.csv",
            caption="../report/paper_table.rst",
            category="Paper tables",
            labels={"table": f"{PAPER_TABLES.index(name) + 1:02d} {name}"},
        ),
        "md": f"{base}.md",
        "tex": f"{base}.tex",
        "docx": f"{base}.docx",
        "json": f"{base}.json",
    }


wildcard_constraints:
    mechanism="|".join(ROLES["mechanisms"]) or "none",
    var="[A-Za-z0-9_]+",
    year="[0-9]{4}",
    w="|".join(WEIGHTS),  # the configured names only: queen_raw.npz is queen's, not a matrix "queen_raw"
    dataset=r"(?!panel\b)[A-Za-z0-9_]+",
    sample="|".join(SAMPLES),


# ---- the study (study.smk)

ANALYSIS = config["analysis"]
#: analysis.identification resolved: ml, iv or both (null: both when the data dictionary has instruments)
IDENTIFICATION = resolved_identification(config)
#: the instruments the IV fits use (none when identification is ml: the a paths then stay ML)
IV_INSTRUMENTS = ROLES["instruments"] if IDENTIFICATION != "ml" else []


def study_y():
    return resolve(ANALYSIS["outcome"], ROLES, "analysis.outcome")


def study_controls():
    return resolve_list(ANALYSIS["controls"], ROLES, "analysis.controls", "controls")


def study_mechanisms():
    return list(ANALYSIS["mechanisms"] or ROLES["mechanisms"])


def study_weights(wildcards=None):
    """Raw weights of the study's matrix (aicoord.study restricts and re-standardises them itself)."""
    return f"results/weights/{ANALYSIS['weights']}_raw.npz"


def baseline_column_names():
    """The matrices the baseline table's columns use (``paper.baseline_columns``; a column without one uses the
    study's), each once, in order (validate_config has checked that each is configured)."""
    from aicoord.study.models import parse_column

    return list(dict.fromkeys(parse_column(c, ANALYSIS["weights"])[1] for c in PAPER["baseline_columns"]))


def baseline_column_weights():
    return [f"results/weights/{n}_raw.npz" for n in baseline_column_names()]


def variant_weights(wildcards):
    return f"results/weights/{wildcards.w}_raw.npz"


def study_cov():
    """The covariance of the baseline and mechanism fits (analysis.cov_type, cluster, dk_lag; with cov_type cluster
    the wild cluster bootstrap of analysis.cluster_bootstrap, seeded by the study's seed)."""
    boot = ANALYSIS["cluster_bootstrap"]
    wanted = ANALYSIS["cov_type"] == "cluster" and boot["draws"] > 0
    return {
        "cov_type": ANALYSIS["cov_type"],
        "cluster": ANALYSIS["cluster"],
        "dk_lag": ANALYSIS["dk_lag"],
        "bootstrap": {"draws": boot["draws"], "seed": config["seed"], "weights": boot["weights"]} if wanted else None,
    }


def study_params(*keys):
    """The settings the study models share, by name (all of them without ``keys``): params of the study's rules,
    each one a keyword argument of the rule's step (so that a change reruns them)."""
    every = {
        "y": study_y(),
        "ai": "ai",
        "controls": study_controls(),
        "effects": ANALYSIS["effects"],
        "lee_yu": ANALYSIS["lee_yu"],
        "alpha": ANALYSIS["alpha"],
        "weights_name": ANALYSIS["weights"],
    }
    return {k: every[k] for k in keys or every}


def baseline_spec():
    """The specification table when the baseline follows the search (analysis.baseline_model auto), else nothing."""
    return ["results/tables/specification.csv"] if ANALYSIS["baseline_model"] == "auto" else []


def verdict_identification():
    """The identification table when the verdict's baseline row rests on IV (analysis.identification iv or both),
    else nothing."""
    return ["results/tables/identification.csv"] if IDENTIFICATION != "ml" else []


def robustness_csvs(wildcards):
    rb = ANALYSIS["robustness"]
    return [f"results/study/robustness/{w}_{s}.csv" for w in rb["weights"] for s in rb["samples"]]


def variant_inputs(wildcards):
    return {
        "panel_csv": "results/data/panel.csv",
        "mechanism_csvs": mechanism_files(study_mechanisms()),
        "weights_csv": variant_weights(wildcards),
    }


def study_targets():
    out = [
        "results/tables/specification.csv",
        "results/tables/baseline.csv",
        "results/tables/baseline_effects.csv",
        "results/tables/baseline_columns.csv",
        "results/tables/moran_panel.csv",
        "results/tables/convergence_ai.csv",
        "results/tables/mechanisms.csv",
        "results/tables/heterogeneity.csv",
        "results/tables/robustness.csv",
        "results/tables/verdict.csv",
        "results/tables/identification.csv",
    ]
    if ANALYSIS["scenarios"]:
        out += ["results/tables/scenarios.csv", "results/tables/scenarios_dispersion.csv"]
    return out


# ---- the paper (paper.smk)

PAPER = config["paper"]
PAPER_LANGUAGE = PAPER["language"] or LANGUAGE
from aicoord.paper.study_tables import DEFAULT_LABELS as _PAPER_DEFAULT_LABELS, TABLES as _PAPER_ALL  # noqa: E402

#: The paper's tables in print order (the scenarios table only when scenarios are configured).
PAPER_TABLES = [t for t in _PAPER_ALL if t not in ("scenarios", "scenario_provinces") or ANALYSIS["scenarios"]]


def esda_matrix_label(wildcards):
    """The description of matrix ``{w}`` in the ESDA figures' titles, in the study's language."""
    from aicoord.paper.labels import weights_label

    return weights_label(WEIGHTS[wildcards.w], LANGUAGE)


def paper_weights_labels():
    """Weights name -> its description in the paper's notes, row and column labels (aicoord.paper.labels; a
    description two matrices share gets the name in brackets)."""
    from aicoord.paper.labels import weights_label

    out = {name: weights_label(spec, PAPER_LANGUAGE) for name, spec in WEIGHTS.items()}
    shared = {d for d in out.values() if list(out.values()).count(d) > 1}
    return {name: f"{d} ({name})" if d in shared else d for name, d in out.items()}


def paper_labels():
    """Column -> label: the built-in labels of the paper's language overlaid by ``paper.labels`` (a key is a
    role or column, resolved through the data dictionary; ``controls`` labels the controls' Yes/No row)."""
    out = dict(_PAPER_DEFAULT_LABELS[PAPER_LANGUAGE])
    from aicoord.paper.labels import VOCABULARY

    for key, label in PAPER["labels"].items():
        if key == "controls" or key.partition(".")[0] in VOCABULARY[PAPER_LANGUAGE]:
            out[key] = label  # the controls' Yes/No row, or a vocabulary entry such as sample.full
            continue
        cols = resolve(key, ROLES, f"paper.labels.{key}")
        for c in [cols] if isinstance(cols, str) else cols:
            out[c] = label
    for c in ROLES["outcome"] + ROLES["controls"] + ROLES["instruments"]:
        out.setdefault(c, c)
    return canonical(out)


def paper_variables():
    """Every variable the study uses: outcome, AI, controls, mechanisms, GDP per capita (in that order)."""
    return list(dict.fromkeys([study_y(), "ai", *study_controls(), *study_mechanisms(), "gdp_pc"]))


def paper_descriptive_inputs(wildcards):
    """Named inputs of the descriptive table: the tidy panel and the mechanism files of every variable used."""
    return panel_with(paper_variables())


def paper_correlation_inputs(wildcards):
    """Named inputs of the correlation table: the tidy panel and the mechanism files of every variable used."""
    return panel_with(paper_variables())


def paper_opts(*keys, table=None):
    """The options of a paper step, by name; with ``table``, also its number among the tables printed."""
    every = {
        "labels": paper_labels(),
        "language": PAPER_LANGUAGE,
        "decimals": PAPER["decimals"],
        "stars": list(PAPER["stars"]),
        "parentheses": PAPER["parentheses"],
        "weights_labels": paper_weights_labels(),
        "alpha": ANALYSIS["alpha"],
        "map_approval": PAPER["map_approval"],
        "show_controls": PAPER["show_controls"],
    }
    if table is not None:  # paper.table_decimals: a table's own decimals
        every["decimals"] = PAPER["table_decimals"].get(table, PAPER["decimals"])
    if "variable_decimals" in keys:
        every["variable_decimals"] = paper_variable_decimals()
    out = {k: every[k] for k in keys}
    if table is not None:
        out["number"] = PAPER_TABLES.index(table) + 1
    return out


def paper_variable_decimals():
    """Column -> decimals of its descriptive statistics (``paper.variable_decimals``; a key is a role or a
    column, resolved through the data dictionary)."""
    out = {}
    for key, d in PAPER["variable_decimals"].items():
        cols = resolve(key, ROLES, f"paper.variable_decimals.{key}")
        for c in [cols] if isinstance(cols, str) else cols:
            out[c] = d
    return out


def paper_cross_section():
    """(dataset, variable, year) of the cross-section the paper maps: the latest year of the first variable."""
    var = variables()[0][1]
    return max((v for v in variables() if v[1] == var), key=lambda v: v[2])


def paper_ai_label():
    d, var, _ = paper_cross_section()
    return DATASETS[d]["variables"][var]


def paper_cross_note_csv():
    """A LISA table of the mapped variable and year under a matrix not built from the panel: its note column
    is the cross-section's provenance (the tidy cross-section has none)."""
    _, var, year = paper_cross_section()
    w = next((m for m in WEIGHTS if WEIGHTS[m]["kind"] not in PANEL_KINDS), list(WEIGHTS)[0])
    return f"results/esda/lisa/{var}_{year}_{w}.csv"


def paper_lisa_csvs(matrices, latest=False):
    """LISA files of the mapped variable: every year (or the latest), for ``matrices``."""
    _, var, last = paper_cross_section()
    years = sorted({y for _, v, y in variables() if v == var})
    return [f"results/esda/lisa/{var}_{y}_{w}.csv" for y in ([last] if latest else years) for w in matrices]


_PAPER_CONFIG = {
    "language": "paper.language",
    "decimals": "paper.decimals",
    "stars": "paper.stars",
    "parentheses": "paper.parentheses",
    "labels": "paper.labels",
    "weights_labels": "weights",
    "alpha": "analysis.alpha",
}


def paper_readme_entries():
    """Every paper table: name, rule, inputs, the configuration entries that made it."""
    out = []
    for name in PAPER_TABLES:
        r = getattr(rules, f"paper_{name}").rule
        inputs = sorted(
            {str(f) for f in r.input if not callable(f) and not str(f).startswith("<")}
            or {"results/data/panel.csv", "results/data/mechanisms/*.csv"}
        )
        keys = [_PAPER_CONFIG[k] for k in dict(r.params.items()) if k in _PAPER_CONFIG]
        keys = sorted(
            set(
                keys
                + {
                    "moran": ["esda.map_weights", "weights"],
                    "lisa": ["esda.alpha", "esda.fdr"],
                    "baseline": ["analysis", "paper.baseline_columns"],
                    "effects": ["analysis.draws"],
                    "mechanisms": ["analysis.mechanisms", "analysis.alpha"],
                    "heterogeneity": ["analysis.split_year"],
                    "robustness": ["analysis.robustness"],
                    "scenarios": ["analysis.scenarios"],
                    "scenario_provinces": ["analysis.scenarios"],
                    "inequality": ["measures.inequality"],
                    "convergence": ["measures.beta"],
                    "specification": ["analysis.weights"],
                    "descriptive": ["panel", "analysis.controls"],
                    "correlation": ["panel", "analysis.controls"],
                    "identification": ["analysis.identification", "analysis.iv_cov_type"],
                    "verdict": ["analysis.alpha"],
                }.get(name, [])
            )
        )
        out.append({"name": name, "rule": f"paper_{name}", "inputs": inputs, "config": keys})
    return out


def paper_readme_figures():
    out = []
    for name, title, keys in (
        ("ai_map", "AI index map (choropleth)", ["datasets", "paper.language"]),
        (
            "lisa",
            "LISA cluster maps (years × map weights)",
            ["esda.map_weights", "esda.alpha", "weights", "paper.language"],
        ),
        (
            "effects",
            "AI's direct, indirect and total effects across robustness variants",
            ["analysis.robustness", "analysis.alpha", "paper.language"],
        ),
        (
            "mediation",
            "Mediated effect of each mechanism with its interval",
            ["analysis.mechanisms", "analysis.alpha", "paper.labels", "paper.language"],
        ),
    ):
        r = getattr(rules, f"paper_figure_{name}").rule
        out.append(
            {
                "title": title,
                "rule": f"paper_figure_{name}",
                "config": keys,
                "files": [f"results/paper/figures/{name}.png", f"results/paper/figures/{name}.pdf"],
                "inputs": sorted({str(f) for f in r.input}),
            }
        )
    return out


def paper_targets():
    out = [f"results/paper/{name}.{ext}" for name in PAPER_TABLES for ext in ("csv", "md", "tex", "docx")]
    out += ["results/paper/tables.docx", "results/paper/tables.tex", "results/paper/README.md"]
    out += [
        f"results/paper/figures/{f}.{ext}" for f in ("ai_map", "lisa", "effects", "mediation") for ext in ("png", "pdf")
    ]
    return out
