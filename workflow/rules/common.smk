# Helpers shared by the rules: config validation and the list of targets.
import json

from snakemake.utils import validate

from aicoord.pipeline import data_note


validate(config, schema="../schemas/config.schema.yaml")

DATASETS = config["datasets"]
WEIGHTS = config["weights"]
ESDA = config["esda"]
LANGUAGE = config["study"]["language"]
BINARY_KINDS = ("queen", "rook", "knn")


def variables():
    """(dataset, variable, year) for every configured variable."""
    return [(d, v, spec["year"]) for d, spec in DATASETS.items() for v in spec["variables"]]


def dataset_of(var):
    return next(d for d, v, _ in variables() if v == var)


def note_of(var):
    spec = DATASETS[dataset_of(var)]
    return data_note(spec["source"], spec.get("simulated", False), LANGUAGE)


def map_weights():
    return ESDA["map_weights"] or list(WEIGHTS)


def weights_targets():
    out = ["results/tables/weights_summary.csv"]
    for name, spec in WEIGHTS.items():
        out += [f"results/weights/{name}.csv", f"results/weights/{name}_raw.csv", f"results/weights/{name}.gwt"]
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


def all_targets():
    return weights_targets() + esda_targets() + ["results/tables/seed_claims.csv"]


def global_jsons(wildcards):
    return [f"results/esda/global/{var}_{year}_{w}.json" for _, var, year in variables() for w in WEIGHTS]


def dataset_file(wildcards):
    return DATASETS[wildcards.dataset]["file"]


def dataset_id(wildcards):
    return DATASETS[wildcards.dataset]["id"]


def dataset_variables(wildcards):
    return list(DATASETS[wildcards.dataset]["variables"])


def dataset_year(wildcards):
    return DATASETS[wildcards.dataset]["year"]


def weights_spec(wildcards):
    # canonical key order, so that a reordered config file does not look like changed params
    return json.loads(json.dumps(WEIGHTS[wildcards.w], sort_keys=True))


def weights_binary(wildcards):
    return WEIGHTS[wildcards.w]["kind"] in BINARY_KINDS


def variable_note(wildcards):
    return note_of(wildcards.var)


def variable_label(wildcards):
    return DATASETS[dataset_of(wildcards.var)]["variables"][wildcards.var]


def tidy_data(wildcards):
    return f"results/data/{dataset_of(wildcards.var)}.csv"


wildcard_constraints:
    var="[A-Za-z0-9_]+",
    year="[0-9]{4}",
    w="[A-Za-z0-9_]+",
    dataset="[A-Za-z0-9_]+",
