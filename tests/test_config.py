"""aicoord.config: the default study validates; errors name the key (and the nearest allowed one); variables
resolve by role of the data dictionary."""

import copy

import pytest
import yaml

from aicoord.config import panel_roles, resolve, resolve_list, validate_config
from aicoord.errors import InputError
from helpers import ROOT, merge

SCHEMA = ROOT / "workflow/schemas/config.schema.yaml"


@pytest.fixture(scope="module")
def default():
    return yaml.safe_load((ROOT / "config/config.default.yaml").read_text(encoding="utf-8"))


def _props(schema, path=()):
    """Every key path the schema describes (object properties, recursively)."""
    for k, v in (schema.get("properties") or {}).items():
        yield path + (k,)
        yield from _props(v, path + (k,))


def _keys(cfg, path=()):
    for k, v in cfg.items():
        yield path + (k,)
        if isinstance(v, dict) and path + (k,) not in NAMED_MAPS:
            yield from _keys(v, path + (k,))


#: mappings whose keys are user-chosen names (datasets, matrices, indices, subsystems, scenarios), not schema
#: properties
NAMED_MAPS = {
    ("datasets",),
    ("weights",),
    ("measures", "indices"),
    ("measures", "coordination", "subsystems"),
    ("analysis", "scenarios"),
    ("levels", "province"),
    ("levels", "prefecture"),
    ("levels", "county"),
}


def test_default_study_is_valid_and_schema_and_defaults_do_not_drift(default):
    validate_config(default, SCHEMA, root=ROOT)
    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    described = set(_props(schema))
    top_level_described = {p for p in described if p[:1] in {(k,) for k in default}}
    assert set(_keys(default)) <= described, set(_keys(default)) - described
    # every described key (outside user-named maps) has its default in config.default.yaml, and only there
    with_defaults = set(_keys(default))
    missing = {
        p
        for p in top_level_described
        if len(p) <= 3
        and p[:2] not in NAMED_MAPS
        and p[:3] not in NAMED_MAPS
        and p[0] not in ("datasets", "weights")
        and p[:2] != ("panel", "dictionary")
    } - with_defaults
    assert not missing, missing
    assert "default:" not in SCHEMA.read_text(encoding="utf-8")


def test_user_overlay_is_empty_by_default():
    assert yaml.safe_load((ROOT / "config/config.yaml").read_text(encoding="utf-8")) == {}


@pytest.mark.parametrize(
    "over, words",
    [
        ({"mesures": {}}, ["'mesures'", "did you mean 'measures'"]),
        ({"esda": {"permutatoins": 9}}, ["'permutatoins'", "did you mean 'permutations'"]),
        ({"esda": {"permutations": 0}}, ["esda.permutations", "minimum"]),
        ({"esda": {"map_weights": ["nosuch"]}}, ["esda.map_weights", "'nosuch'", "queen"]),
        ({"demo": {"years": [2023, 2011]}}, ["demo.years", "after the first"]),
        ({"measures": {"beta": {"controls": ["gvo"]}}}, ["measures.beta.controls", "'gvo'", "did you mean 'gov'"]),
        ({"measures": {"markov": {"weights": "nosuch"}}}, ["measures.markov.weights", "'nosuch'"]),
        ({"panel": {"file": "x.csv"}}, ["panel.dictionary"]),
    ],
)
def test_errors_name_the_key_and_the_fix(default, over, words):
    with pytest.raises(InputError) as exc:
        validate_config(merge(copy.deepcopy(default), over), SCHEMA, root=ROOT)
    msg = str(exc.value)
    for w in words:
        assert w in msg, (w, msg)
    assert len(msg) < 600


def test_variables_resolve_by_role(default):
    real = merge(
        copy.deepcopy(default),
        {
            "panel": {
                "file": "p.csv",
                "dictionary": {
                    "ai": "AI",
                    "outcome": ["gap", "gap2"],
                    "gdp_pc": "g",
                    "controls": ["open_rate", "fin_dev"],
                    "mechanisms": {
                        "industrial_upgrading": "iu",
                        "value_chain": "gvc",
                        "resource_allocation": "ra",
                        "regional_brand": "rb",
                    },
                },
            }
        },
    )
    validate_config(real, SCHEMA, check_files=False)
    roles = panel_roles(real)
    assert roles["controls"] == ["open_rate", "fin_dev"] and roles["population"] is None
    assert resolve_list(None, roles, "k", "controls") == ["open_rate", "fin_dev"]
    assert resolve(["outcome", "ai", "value_chain", "dev_gap"], roles) == ["gap", "ai", "value_chain", "dev_gap"]
    assert resolve("gap2", roles) == "gap2"
    one = {**roles, "mechanisms": {"value_chain": "value_chain"}}
    with pytest.raises(InputError, match="industrial_upgrading"):  # not in that dictionary
        resolve(["industrial_upgrading"], one, "measures.indices.x.positive")
    with pytest.raises(InputError, match="must name one variable"):
        resolve("controls", roles, "measures.kde.variable")
    # a study that keeps the default indices of all four mechanisms is refused for this panel, naming the key
    full = copy.deepcopy(real)
    full["panel"]["dictionary"]["mechanisms"] = {"value_chain": "gvc"}
    with pytest.raises(InputError, match="measures.indices.mechanism_index.positive"):
        validate_config(full, SCHEMA, check_files=False)


@pytest.mark.parametrize(
    "over, key, path",
    [
        (
            {"panel": {"file": "data/raw/nosuch.csv", "dictionary": {"ai": "a", "outcome": ["y"], "gdp_pc": "g"}}},
            "panel.file",
            "data/raw/nosuch.csv",
        ),
        ({"datasets": {"ai2023": {"file": "data/raw/gone.csv"}}}, "datasets.ai2023.file", "data/raw/gone.csv"),
        ({"seed_tables": {"shares": "data/raw/gone2.csv"}}, "seed_tables.shares", "data/raw/gone2.csv"),
    ],
)
def test_missing_input_files_are_refused_naming_key_and_path(default, over, key, path):
    """Item 1: a configured file that does not exist fails before any job is planned (so an earlier run's
    results, e.g. the simulated panel, are never kept and relabelled)."""
    with pytest.raises(InputError) as exc:
        validate_config(merge(copy.deepcopy(default), over), SCHEMA, root=ROOT)
    msg = str(exc.value)
    assert f"configuration key {key} names '{path}', which does not exist" in msg and str(ROOT) in msg


def test_table_and_variable_decimals_are_validated():
    """paper.table_decimals names tables of the paper only; paper.variable_decimals takes digits 0-8."""
    import jsonschema

    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    paper = schema["properties"]["paper"]["properties"]
    jsonschema.validate({"inequality": 4, "descriptive": 0}, paper["table_decimals"])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"inequalty": 4}, paper["table_decimals"])
    jsonschema.validate({"gdp_pc": 0}, paper["variable_decimals"])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"gdp_pc": 9}, paper["variable_decimals"])


# ---- issue 24: the user's configuration laid over the defaults; bounds and cross-checks at planning time


def test_an_empty_mapping_empties_a_collection_and_a_whole_key_is_replaced(default):
    """Snakemake merges configuration files recursively, so `island_links: {}` kept Hainan linked to Guangdong
    (and `scenarios: {}` kept the default scenarios). merge_layers, which the workflow rebuilds its configuration
    with, lets an empty mapping empty a collection and replaces the keys given whole (aicoord.config.REPLACE_KEYS)."""
    from aicoord.config import merge_layers

    user = {
        "weights": {"queen": {"island_links": {}}, "rook": {"island_links": {"460000": ["450000"]}}},
        "analysis": {"scenarios": {}},
        "measures": {"indices": {}, "coordination": {"subsystems": {"development": {"positive": ["gdp_pc"]}}}},
        "levels": {"prefecture": {}},
        "esda": {},
        "datasets": {"extra": {"year": 2020, "variables": {"v": "V"}}},
    }
    cfg = merge_layers([default, user])
    assert cfg["weights"]["queen"] == {"kind": "queen", "island_links": {}}  # Hainan an island
    assert cfg["weights"]["rook"]["island_links"] == {"460000": ["450000"]}  # the user's links only
    assert cfg["analysis"]["scenarios"] == {} and cfg["measures"]["indices"] == {}
    assert cfg["measures"]["coordination"]["subsystems"]["development"] == {"positive": ["gdp_pc"]}  # whole
    assert (
        cfg["measures"]["coordination"]["subsystems"]["ai_system"]
        == default["measures"]["coordination"]["subsystems"]["ai_system"]
    )  # other entries kept
    assert cfg["levels"]["prefecture"] == {} and cfg["levels"]["county"] == default["levels"]["county"]
    assert cfg["esda"] == default["esda"]  # a section: {} changes nothing
    assert set(cfg["datasets"]) == {"ai2023", "extra"}  # named entries are added
    # three layers (config.yaml, then --configfile): the last one's whole value wins
    three = merge_layers(
        [
            default,
            {"weights": {"queen": {"island_links": {}}}},
            {"weights": {"queen": {"island_links": {"460000": ["440000", "450000"]}}}},
        ]
    )
    assert three["weights"]["queen"]["island_links"] == {"460000": ["440000", "450000"]}
    validate_config(cfg | {"datasets": default["datasets"]}, SCHEMA, root=ROOT)


def test_merge_keys_are_described_in_the_schema():
    """Every key of REPLACE_KEYS and COLLECTION_KEYS is a key of the schema whose description says how a user's
    value is laid over the default."""
    from aicoord.config import COLLECTION_KEYS, REPLACE_KEYS

    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    for key in REPLACE_KEYS + COLLECTION_KEYS:
        nodes = [schema]
        for part in key.split("."):
            nodes = [
                n
                for node in nodes
                for n in (
                    [node["additionalProperties"]]
                    if part == "*" and isinstance(node.get("additionalProperties"), dict)
                    else list((node.get("properties") or {}).values())
                    if part == "*"
                    else [(node.get("properties") or {}).get(part)]
                )
            ]
            assert nodes and all(isinstance(n, dict) for n in nodes), key
        word = "replaces the default" if key in REPLACE_KEYS else "{} empties"
        for node in nodes:
            text = " ".join(str(node.get("description", "")).split())
            assert word in text, (key, text)


def test_schema_bounds_are_the_contract_bounds():
    from aicoord.limits import MAX_DRAWS, MAX_PERMUTATIONS, MAX_SEED

    s = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))["properties"]
    assert s["esda"]["properties"]["permutations"]["maximum"] == MAX_PERMUTATIONS
    assert s["analysis"]["properties"]["draws"]["maximum"] == MAX_DRAWS
    assert s["measures"]["properties"]["recovery"]["properties"]["draws"]["maximum"] == MAX_DRAWS
    assert s["seed"]["maximum"] == s["demo"]["properties"]["seed"]["maximum"] == MAX_SEED
    assert s["seed"]["minimum"] == s["demo"]["properties"]["seed"]["minimum"] == 0


@pytest.mark.parametrize(
    "over, words",
    [
        ({"seed": -1}, ["configuration key seed", "minimum of 0"]),
        ({"seed": 1e23}, ["configuration key seed", "maximum of 4294967295"]),
        ({"demo": {"seed": -5}}, ["demo.seed", "minimum of 0"]),
        ({"esda": {"permutations": 1e9}}, ["esda.permutations", "maximum of 1000000"]),
        (
            {"analysis": {"cov_type": "cluster", "cluster": "nosuchcol"}},
            ["analysis.cluster names 'nosuchcol', which is not a column of the study panel", "region4"],
        ),
        ({"analysis": {"cov_type": "cluster", "cluster": "regoin4"}}, ["did you mean 'region4'"]),
        (
            {"analysis": {"split_year": 1990}},
            [
                "analysis.split_year 1990 is outside the years of the simulated demonstration panel",
                "2011–2023",
                "one sub-period would be empty",
            ],
        ),
        ({"analysis": {"split_year": 2011}}, ["analysis.split_year 2011 is outside"]),
        ({"measures": {"beta": {"tau": 50}}}, ["measures.beta.tau 50 is not shorter than the span", "at most 12"]),
        ({"measures": {"kde": {"years": [1990, 2015]}}}, ["measures.kde.years names [1990]", "2011–2023"]),
        ({"paper": {"stars": [0.05, 0.05, 0.01]}}, ["paper.stars", "non-unique"]),
    ],
)
def test_bounds_and_cross_checks_are_made_at_planning_time(default, over, words):
    """Issue 24: settings that passed validation and failed only when their rule ran (or a traceback) are refused
    by validate_config, before any job is planned, naming the key."""
    with pytest.raises(InputError) as exc:
        validate_config(merge(copy.deepcopy(default), over), SCHEMA, root=ROOT)
    msg = str(exc.value)
    for w in words:
        assert w in msg, (w, msg)
    assert len(msg) < 600 and "\n" not in msg


def test_good_settings_pass_and_whole_number_floats_become_ints(default):
    cfg = merge(
        copy.deepcopy(default),
        {
            "seed": 7.0,
            "esda": {"permutations": 999.0},
            "analysis": {"split_year": 2023, "cov_type": "cluster", "cluster": "region4"},
            "measures": {"beta": {"tau": 12}, "kde": {"years": [2011, 2023]}},
        },
    )
    validate_config(cfg, SCHEMA, root=ROOT)
    assert type(cfg["seed"]) is int and type(cfg["esda"]["permutations"]) is int


def test_cross_checks_read_the_years_of_a_real_panel_file(default, tmp_path):
    """For a real panel the years come from its year column (renamed through the dictionary), at planning time."""
    from aicoord.config import panel_years

    (tmp_path / "p.csv").write_text(
        "省份,年份,a,y,g\n北京,2015,1,2,3\n北京,2016,1,2,3\n北京,2017,1,2,3\n", encoding="utf-8"
    )
    from aicoord.config import merge_layers

    real = merge_layers(
        [
            default,
            {
                "panel": {
                    "file": "p.csv",
                    "dictionary": {
                        "columns": {"省份": "province", "年份": "year"},
                        "ai": "a",
                        "outcome": ["y"],
                        "gdp_pc": "g",
                    },
                },
                "measures": {"indices": {}, "coordination": {"subsystems": {}}},
            },
        ]
    )
    real["datasets"]["ai2023"]["file"] = str(ROOT / real["datasets"]["ai2023"]["file"])
    real["seed_tables"] = {k: str(ROOT / v) for k, v in real["seed_tables"].items()}
    assert panel_years(real, root=tmp_path) == [2015, 2016, 2017]
    with pytest.raises(InputError, match=r"split_year 2011 is outside the years of the panel p.csv \(2015–2017\)"):
        validate_config(merge(real, {"analysis": {"split_year": 2011}}), SCHEMA, root=tmp_path)
    validate_config(
        merge(real, {"analysis": {"split_year": 2016}, "measures": {"beta": {"tau": 2}}}), SCHEMA, root=tmp_path
    )


def _subschema(schema, *path):
    for k in path:
        schema = schema["properties"][k]
    return schema


def test_the_schema_carries_every_bound_the_contract_enforces(default):
    """One truth per bound: a value the package would refuse fails the schema first, at planning (the bounds of
    aicoord.contract, the robustness samples of aicoord.study and the bootstrap's least number of draws)."""
    from aicoord.limits import MAX_DRAWS, MAX_PERMUTATIONS, MAX_SEED
    from aicoord.study import SAMPLES

    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    perm = _subschema(schema, "esda", "permutations")
    assert (perm["minimum"], perm["maximum"]) == (1, MAX_PERMUTATIONS)
    for path in (("seed",), ("demo", "seed")):
        seed = _subschema(schema, *path)
        assert (seed["minimum"], seed["maximum"]) == (0, MAX_SEED), path
    for path in (("measures", "recovery", "draws"), ("analysis", "draws")):
        draws = _subschema(schema, *path)
        assert draws["minimum"] >= 2 and draws["maximum"] == MAX_DRAWS, path
    assert tuple(_subschema(schema, "analysis", "robustness", "samples")["items"]["enum"]) == SAMPLES
    for key, value in (
        ("esda.permutations", MAX_PERMUTATIONS + 1),
        ("seed", MAX_SEED + 1),
        ("analysis.draws", MAX_DRAWS + 1),
        ("analysis.cluster_bootstrap.draws", 50),
    ):
        cfg = copy.deepcopy(default)
        *head, last = key.split(".")
        node = cfg
        for k in head:
            node = node.setdefault(k, {})
        node[last] = value
        with pytest.raises(InputError, match=key.replace(".", r"\.")):
            validate_config(cfg, SCHEMA, root=ROOT, check_files=False)
    from aicoord.panel.inference import check_bootstrap

    with pytest.raises(InputError, match="at least 99"):
        check_bootstrap(50)
    cfg = copy.deepcopy(default)
    cfg["analysis"].setdefault("cluster_bootstrap", {})["draws"] = 0
    validate_config(cfg, SCHEMA, root=ROOT, check_files=False)


@pytest.mark.parametrize(
    "over, words",
    [
        ({"analysis": {"identification": "iv"}}, ["analysis.identification", "no instruments", "ml"]),
        (
            {"analysis": {"verdict_basis": "a_path", "expected_sign": {"value_chain": -1}}},
            ["analysis.verdict_basis", "expected_sign", "industrial_upgrading"],
        ),
        ({"analysis": {"baseline_model": "sar"}}, ["analysis.baseline_model"]),
    ],
)
def test_identification_settings_are_cross_checked(default, over, words):
    cfg = merge(
        copy.deepcopy(default),
        {
            "panel": {
                "file": "p.csv",
                "dictionary": {
                    "ai": "AI",
                    "outcome": ["gap"],
                    "gdp_pc": "g",
                    "controls": ["open_rate"],
                    "mechanisms": {
                        "industrial_upgrading": "iu",
                        "value_chain": "gvc",
                        "resource_allocation": "ra",
                        "regional_brand": "rb",
                    },
                },
            }
        },
    )
    cfg = merge(cfg, over)
    if "expected_sign" in over["analysis"]:  # replaced whole, not merged key by key
        cfg["analysis"]["expected_sign"] = over["analysis"]["expected_sign"]
    with pytest.raises(InputError) as exc:
        validate_config(cfg, SCHEMA, root=ROOT, check_files=False)
    for w in words:
        assert w in str(exc.value), (w, str(exc.value))


def test_identification_defaults_to_both_with_instruments_else_ml(default):
    from aicoord.config import identification

    assert identification(default) == "both"  # the default demo's AI is endogenous, with its simulated instrument
    assert identification(merge(copy.deepcopy(default), {"demo": {"endogenous": False}})) == "ml"
    real = merge(
        copy.deepcopy(default),
        {
            "panel": {
                "file": "p.csv",
                "dictionary": {
                    "ai": "AI",
                    "outcome": ["gap"],
                    "gdp_pc": "g",
                    "controls": ["open_rate"],
                    "instruments": ["z"],
                },
            }
        },
    )
    assert identification(real) == "both"
    assert resolve(["instruments"], panel_roles(real)) == ["z"]
    real["panel"]["dictionary"]["instruments"] = []
    assert identification(real) == "ml"
