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
NAMED_MAPS = {("datasets",), ("weights",), ("measures", "indices"), ("measures", "coordination", "subsystems"),
              ("analysis", "scenarios"), ("levels", "province"), ("levels", "prefecture"), ("levels", "county")}


def test_default_study_is_valid_and_schema_and_defaults_do_not_drift(default):
    validate_config(default, SCHEMA, root=ROOT)
    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    described = set(_props(schema))
    top_level_described = {p for p in described if p[:1] in {(k,) for k in default}}
    assert set(_keys(default)) <= described, set(_keys(default)) - described
    # every described key (outside user-named maps) has its default in config.default.yaml, and only there
    with_defaults = set(_keys(default))
    missing = {p for p in top_level_described if len(p) <= 3 and p[:2] not in NAMED_MAPS and p[:3] not in NAMED_MAPS
               and p[0] not in ("datasets", "weights") and p[:2] != ("panel", "dictionary")} - with_defaults
    assert not missing, missing
    assert "default:" not in SCHEMA.read_text(encoding="utf-8")


def test_user_overlay_is_empty_by_default():
    assert yaml.safe_load((ROOT / "config/config.yaml").read_text(encoding="utf-8")) == {}


@pytest.mark.parametrize("over, words", [
    ({"mesures": {}}, ["'mesures'", "did you mean 'measures'"]),
    ({"esda": {"permutatoins": 9}}, ["'permutatoins'", "did you mean 'permutations'"]),
    ({"esda": {"permutations": 0}}, ["esda.permutations", "minimum"]),
    ({"esda": {"map_weights": ["nosuch"]}}, ["esda.map_weights", "'nosuch'", "queen"]),
    ({"demo": {"years": [2023, 2011]}}, ["demo.years", "after the first"]),
    ({"measures": {"beta": {"controls": ["gvo"]}}}, ["measures.beta.controls", "'gvo'", "did you mean 'gov'"]),
    ({"measures": {"markov": {"weights": "nosuch"}}}, ["measures.markov.weights", "'nosuch'"]),
    ({"panel": {"file": "x.csv"}}, ["panel.dictionary"]),
])
def test_errors_name_the_key_and_the_fix(default, over, words):
    with pytest.raises(InputError) as exc:
        validate_config(merge(copy.deepcopy(default), over), SCHEMA, root=ROOT)
    msg = str(exc.value)
    for w in words:
        assert w in msg, (w, msg)
    assert len(msg) < 600


def test_variables_resolve_by_role(default):
    real = merge(copy.deepcopy(default), {"panel": {"file": "p.csv", "dictionary": {
        "ai": "AI", "outcome": ["gap", "gap2"], "gdp_pc": "g", "controls": ["open_rate", "fin_dev"],
        "mechanisms": {"industrial_upgrading": "iu", "value_chain": "gvc", "resource_allocation": "ra",
                       "regional_brand": "rb"}}}})
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


@pytest.mark.parametrize("over, key, path", [
    ({"panel": {"file": "data/raw/nosuch.csv", "dictionary": {"ai": "a", "outcome": ["y"], "gdp_pc": "g"}}},
     "panel.file", "data/raw/nosuch.csv"),
    ({"datasets": {"ai2023": {"file": "data/raw/gone.csv"}}}, "datasets.ai2023.file", "data/raw/gone.csv"),
    ({"seed_tables": {"shares": "data/raw/gone2.csv"}}, "seed_tables.shares", "data/raw/gone2.csv"),
])
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
