"""The study's configuration: validation with clean messages, and variables resolved by role.

A study's configuration is ``config/config.default.yaml`` (the one place where defaults live) with
the user's ``config/config.yaml`` laid over it (Snakemake merges them). :func:`validate_config`
checks the merged configuration against the JSON schema and the cross-references the schema
cannot express, and raises :class:`aicoord.errors.InputError` naming the configuration key and the
fix -- for an unknown key, the nearest allowed one -- instead of a dump of the schema.

Every entry that names a panel variable names a *role* of the data dictionary -- ``ai``,
``gdp_pc``, ``population``, the mechanisms (``industrial_upgrading``, ...), ``outcome`` (the first
outcome), ``controls`` (all controls, in a list) -- or the derived ``dev_gap``, or a column that the
dictionary maps (an outcome or control by its own name). :func:`panel_roles` gives the tidy panel's
columns by role and :func:`resolve` turns an entry into column names, so a real panel needs only
``panel.file`` and ``panel.dictionary``.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pandas as pd

from .errors import InputError, listed

__all__ = [
    "validate_config",
    "merge_layers",
    "REPLACE_KEYS",
    "COLLECTION_KEYS",
    "apply_level",
    "level_datasets",
    "panel_roles",
    "identification",
    "panel_columns",
    "panel_years",
    "check_years",
    "resolve",
    "resolve_list",
    "DERIVED",
]

#: Variables the workflow derives in the tidy panel (``results/data/panel.csv``).
DERIVED = ("dev_gap", "dev_gap_change", "dev_gap_growth")


#: Keys whose value a user gives WHOLE: a mapping there replaces the default's instead of being merged into it
#: entry by entry (``*`` stands for any name). Island links are the set of links (``{}``: none, so Hainan is an
#: island); a dataset's variables, an index's or subsystem's indicators and a scenario are one specification
#: each, which a partial merge would silently mix with the default's (a redefined subsystem kept the default's
#: ``negative`` list).
REPLACE_KEYS = (
    "weights.*.island_links",
    "datasets.*.variables",
    "measures.indices.*",
    "measures.coordination.subsystems.*",
    "analysis.scenarios.*",
    "panel.dictionary",
)

#: Collections of named entries: a user's entries are added to the default's (or replace the entry of the same
#: name, merged key by key), and an empty mapping ``{}`` empties the collection (no indices, no scenarios, no
#: overlay of that level). Everywhere else a mapping is a section of fixed keys, merged key by key, where
#: ``{}`` changes nothing. Lists and scalars are always replaced.
COLLECTION_KEYS = (
    "datasets",
    "weights",
    "measures.indices",
    "measures.coordination.subsystems",
    "analysis.scenarios",
    "paper.labels",
    "levels.*",
)


def _matches(path: tuple, patterns) -> bool:
    return any(
        len(p) == len(path) and all(a == "*" or a == b for a, b in zip(p, path))
        for p in (tuple(q.split(".")) for q in patterns)
    )


def _merge(base: dict, over: dict, path: tuple = ()) -> dict:
    """``over`` laid over ``base``: mappings merge key by key, except at :data:`REPLACE_KEYS` (replaced whole)
    and an empty mapping at :data:`COLLECTION_KEYS` (empties it); lists and scalars are replaced."""
    out = dict(base)
    for k, v in over.items():
        here = path + (str(k),)
        if (
            isinstance(v, dict)
            and isinstance(out.get(k), dict)
            and not _matches(here, REPLACE_KEYS)
            and not (v == {} and _matches(here, COLLECTION_KEYS))
        ):
            out[k] = _merge(out[k], v, here)
        else:
            out[k] = v
    return out


def merge_layers(layers) -> dict:
    """The study's configuration from its layers, first to last: ``config/config.default.yaml``, the user's
    ``config/config.yaml``, files given with ``--configfile`` and ``--config`` values.

    Snakemake merges configuration files recursively, so that an empty mapping cannot empty a default
    (``weights: {queen: {island_links: {}}}`` kept Hainan linked to Guangdong); the workflow rebuilds its
    configuration from the same layers with this function. See :data:`REPLACE_KEYS` and
    :data:`COLLECTION_KEYS`.

    Examples
    --------
    >>> d = {"weights": {"queen": {"kind": "queen", "island_links": {"460000": ["440000"]}}}}
    >>> merge_layers([d, {"weights": {"queen": {"island_links": {}}}}])["weights"]
    {'queen': {'kind': 'queen', 'island_links': {}}}
    """
    out: dict = {}
    for layer in layers:
        out = _merge(out, dict(layer or {}))
    return out


def apply_level(config: dict) -> dict:
    """Lay the overlay ``levels.<study.level>`` over ``config``, in place, and return it.

    A study at level L (``study.level``, default ``province``) uses the merged configuration with
    ``levels.L`` laid over it: so the defaults can make costly settings cheaper at the larger levels
    (``levels: {county: {esda: {permutations: 999}}}``) and a user sets a level's own values there. The
    overlay comes after ``config/config.yaml`` and ``--configfile``; the result is validated as a whole by
    :func:`validate_config`.

    Raises
    ------
    InputError
        An overlay key that is not a key of the configuration (with the nearest one).
    """
    level = (config.get("study") or {}).get("level", "province")
    over = (config.get("levels") or {}).get(level) or {}
    allowed = [k for k in config if k != "levels"]
    for k in over:
        if k not in allowed or k == "levels":
            close = difflib.get_close_matches(str(k), allowed, n=1, cutoff=0.5)
            raise InputError(
                f"configuration key '{k}' under levels.{level} is not known",
                hint=(f"did you mean '{close[0]}'? " if close else "") + f"allowed: {', '.join(allowed)}",
            )
    merged = _merge({k: v for k, v in config.items() if k != "levels"}, over)
    config.update(merged)
    return config


def level_datasets(config: dict) -> dict:
    """The cross-sections used at the study's level: those of that ``level`` (default province) and those
    taken ``from_panel`` (always at the study's level)."""
    level = config["study"].get("level", "province")
    return {
        name: spec
        for name, spec in config["datasets"].items()
        if spec.get("from_panel") or spec.get("level", "province") == level
    }


def _key(path) -> str:
    return ".".join(str(p) for p in path) if path else "(top level)"


def _schema_error(err, schema) -> InputError:
    """One InputError for a jsonschema ValidationError, with the nearest allowed key for typos."""
    where = _key(list(err.absolute_path))
    if err.validator == "additionalProperties":
        allowed = list((err.schema.get("properties") or {}).keys())
        extra = sorted(set(err.instance) - set(allowed)) if isinstance(err.instance, dict) else []
        bad = extra[0] if extra else "?"
        close = difflib.get_close_matches(bad, allowed, n=1, cutoff=0.5)
        hint = (f"did you mean '{close[0]}'? " if close else "") + (
            f"allowed keys here: {', '.join(allowed)}" if allowed else ""
        )
        return InputError(f"configuration key '{bad}' under {where} is not known", hint=hint.strip())
    if err.validator == "required":
        return InputError(f"configuration {where}: {err.message}", hint="add the key")
    return InputError(
        f"configuration key {where}: {err.message}", hint=str(err.schema.get("description", "")).strip() or None
    )


def _whole_numbers(config, schema) -> None:
    """Write the whole-number floats the schema accepts as integers (``seed: 12345.0``, ``--config
    esda.permutations=1e3``) as ints, in place: seeds and counts are used as ints downstream."""
    if isinstance(config, dict):
        props = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        for k, v in config.items():
            sub = props.get(k, extra if isinstance(extra, dict) else {})
            if (
                isinstance(v, float)
                and "integer" in (sub.get("type") if isinstance(sub.get("type"), list) else [sub.get("type")])
                and v.is_integer()
            ):
                config[k] = int(v)
            else:
                _whole_numbers(v, sub)
    elif isinstance(config, list):
        items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        for i, v in enumerate(config):
            if isinstance(v, float) and items.get("type") == "integer" and v.is_integer():
                config[i] = int(v)
            else:
                _whole_numbers(v, items)


def _check(cond, message, hint=None):
    if not cond:
        raise InputError(message, hint=hint)


def validate_config(config: dict, schema_path, *, root=None, check_files: bool = True) -> None:
    """Validate a merged study configuration; raise one clean :class:`InputError` on the first problem.

    Parameters
    ----------
    config : dict
        The merged configuration.
    schema_path : str or Path
        ``workflow/schemas/config.schema.yaml``.
    root : str or Path, optional
        Folder that relative input paths are relative to (default: the working directory, which is the
        study folder under Snakemake).
    check_files : bool
        Check that every configured input file exists (``datasets.<name>.file``, ``seed_tables.*``,
        ``panel.file``). A missing file is refused here, before Snakemake plans any job: otherwise the
        results of an earlier run (e.g. the simulated panel) would be kept and relabelled.
    """
    import jsonschema
    import yaml

    schema = yaml.safe_load(Path(schema_path).read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(
        validator.iter_errors(config), key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path)))
    )
    if errors:
        raise _schema_error(errors[0], schema)
    _whole_numbers(config, schema)
    for name, spec in config["datasets"].items():
        if not spec.get("from_panel"):
            for need in ("file", "id", "source"):
                _check(
                    need in spec,
                    f"configuration datasets.{name}: '{need}' is a required property",
                    "add it, or set from_panel: true to take the cross-section from the study panel",
                )
    datasets = level_datasets(config)
    _check(
        bool(datasets),
        f"no dataset is at the study's level ({config['study'].get('level', 'province')})",
        "give a dataset of that level, or one with from_panel: true",
    )
    weights = config["weights"]
    names = ", ".join(weights)
    panel_kinds = ("economic", "nested")
    for w in config["esda"]["map_weights"]:
        _check(
            w in weights,
            f"configuration key esda.map_weights names an unknown matrix '{w}'",
            f"use one of the names under 'weights': {names}",
        )
    for key in ("markov", "beta", "recovery"):
        w = config["measures"][key]["weights"]
        _check(
            w in weights,
            f"configuration key measures.{key}.weights names an unknown matrix '{w}'",
            f"use one of: {names}",
        )
    an = config["analysis"]
    ct = an.get("cov_type", "oim")
    _check(
        an.get("cluster") is None or ct == "cluster",
        f"configuration key analysis.cluster is set but analysis.cov_type is '{ct}'",
        "set analysis.cov_type: cluster, or analysis.cluster: null",
    )
    _check(
        an.get("dk_lag") is None or ct == "driscoll-kraay",
        f"configuration key analysis.dk_lag is set but analysis.cov_type is '{ct}'",
        "set analysis.cov_type: driscoll-kraay, or analysis.dk_lag: null",
    )
    for key, ws in (
        ("analysis.weights", [an["weights"]]),
        ("analysis.robustness.weights", an["robustness"]["weights"]),
    ):
        for w in ws:
            _check(w in weights, f"configuration key {key} names an unknown matrix '{w}'", f"use one of: {names}")
    for col in config["paper"].get("baseline_columns") or []:
        w = str(col).partition(":")[2]
        _check(
            not w or w in weights,
            f"configuration key paper.baseline_columns names an unknown matrix '{w}' (in '{col}')",
            f"use model:weights with one of: {names}",
        )
    dw = config["demo"]["weights"]
    _check(
        dw in weights and weights[dw]["kind"] not in panel_kinds,
        f"configuration key demo.weights names '{dw}', which is not a geographic matrix under 'weights'",
        "the demo panel is simulated on a queen, rook, knn or distance matrix",
    )
    y0, y1 = config["demo"]["years"]
    _check(
        y1 > y0,
        f"configuration key demo.years is [{y0}, {y1}]: the last year must come after the first",
        "write [first, last], e.g. [2011, 2023]",
    )
    for ds in config["measures"]["inequality"]["cross_section"]:
        _check(
            ds in datasets,
            f"configuration key measures.inequality.cross_section names an "
            f"unknown dataset '{ds}' (or one of another level)",
            f"use one of: {', '.join(datasets)}",
        )
    panel = config["panel"]
    if panel["file"] is not None:
        _check(
            bool(panel.get("dictionary")),
            "configuration key panel.file is set but panel.dictionary is not",
            "map the roles (ai, outcome, gdp_pc, ...) to the columns of the file under panel.dictionary",
        )
        from .contract import validate_dictionary

        try:
            validate_dictionary(panel["dictionary"])
        except InputError as exc:
            raise InputError(f"configuration key panel.dictionary: {exc}") from None
    if check_files:
        base = Path(root) if root is not None else Path.cwd()
        for key, value in input_files(config):
            _check(
                (base / value).is_file(),
                f"configuration key {key} names '{value}', which does not exist "
                f"(paths are relative to the study folder {base})",
                "check the path"
                + ("; set panel.file to null for the simulated demonstration panel" if key == "panel.file" else ""),
            )
    roles = panel_roles(config)
    for key, value in variable_entries(config):
        resolve(value, roles, key)
    for m in an["mechanisms"] or []:
        _check(
            m in roles["mechanisms"],
            f"configuration key analysis.mechanisms names '{m}', which the data dictionary does not map",
            f"mechanisms of the dictionary: {', '.join(roles['mechanisms']) or 'none'}",
        )
    ident = an.get("identification")
    _check(
        ident not in ("iv", "both") or bool(roles["instruments"]),
        f"configuration key analysis.identification is '{ident}', but the data dictionary has no instruments",
        "map the excluded instruments of AI under panel.dictionary.instruments, or set identification to ml",
    )
    if an.get("verdict_basis") == "a_path":
        missing = [m for m in (an["mechanisms"] or roles["mechanisms"]) if m not in (an.get("expected_sign") or {})]
        _check(
            not missing,
            f"configuration key analysis.verdict_basis is a_path, but analysis.expected_sign gives no "
            f"sign for {listed(missing)}",
            "give each tested mechanism's sign on the outcome, +1 or -1",
        )
    if an.get("cluster") is not None:
        cols = panel_columns(roles)
        close = difflib.get_close_matches(str(an["cluster"]), cols, n=1, cutoff=0.6)
        _check(
            an["cluster"] in cols,
            f"configuration key analysis.cluster names '{an['cluster']}', which is not a "
            "column of the study panel (results/data/panel.csv)",
            (f"did you mean '{close[0]}'? " if close else "") + f"columns: {', '.join(cols)}",
        )
    base = Path(root) if root is not None else Path.cwd()
    years = panel_years(config, root=base if check_files else None)
    if years:
        check_years(config, years)


def check_years(config: dict, years) -> None:
    """Cross-checks of the settings that name years or spans against the panel's years (at planning time).

    Raises
    ------
    InputError
        ``analysis.split_year`` that leaves a sub-period empty, ``measures.beta.tau`` not shorter than the
        panel's span, ``measures.kde.years`` not in the panel.
    """
    years = sorted({int(y) for y in years})
    first, last = years[0], years[-1]
    span = f"{first}–{last}"
    what = (
        "the simulated demonstration panel (demo.years)"
        if config["panel"]["file"] is None
        else f"the panel {config['panel']['file']}"
    )
    split = config["analysis"].get("split_year")
    _check(
        split is None or first < split <= last,
        f"configuration key analysis.split_year {split} is outside the "
        f"years of {what} ({span}): one sub-period would be empty",
        f"give the first year of the later sub-period, after {first} and at most {last}; null for the middle year",
    )
    tau = config["measures"]["beta"]["tau"]
    _check(
        tau <= last - first,
        f"configuration key measures.beta.tau {tau} is not shorter than the span of "
        f"{what} ({span}): no unit has two observations {tau} years apart",
        f"use at most {last - first}",
    )
    missing = [y for y in config["measures"]["kde"]["years"] if y not in years]
    _check(
        not missing,
        f"configuration key measures.kde.years names {listed(missing)}, not years of {what} ({span})",
        "list years of the panel, or [] for every year",
    )


def panel_columns(roles: dict) -> list:
    """Columns of the tidy study panel ``results/data/panel.csv`` (mechanisms have files of their own)."""
    cols = ["code", "name", "region4", "year", "ai", "gdp_pc"] + (["population"] if roles["population"] else [])
    return list(
        dict.fromkeys(cols + roles["outcome"] + roles["controls"] + list(roles.get("instruments", [])) + list(DERIVED))
    )


def panel_years(config: dict, root=None):
    """The years of the study panel, known at planning time: ``demo.years`` for the simulated panel, else the
    year column of ``panel.file`` (read alone, through the dictionary's renames; ``root`` is the study folder).

    Returns None when the file cannot be read (or ``root`` is None for a real panel): the panel's own rule
    then reports the located problem.
    """
    panel = config["panel"]
    if panel["file"] is None:
        y0, y1 = config["demo"]["years"]
        return list(range(int(y0), int(y1) + 1))
    if root is None:
        return None
    from .io import read_table

    d = panel["dictionary"] or {}
    target = d.get("year", "year")
    rename = {str(k).strip(): str(v) for k, v in (d.get("columns") or {}).items()}
    try:
        df = read_table(Path(root) / panel["file"])
    except InputError:
        return None
    col = next((c for c in df.columns if rename.get(c, c) == target), None)
    if col is None:
        return None
    years = pd.to_numeric(df[col].astype(str).str.strip(), errors="coerce").dropna()
    years = years[(years == years.round()) & (years >= 1000) & (years <= 9999)]
    return sorted({int(y) for y in years}) or None


def input_files(config: dict):
    """``(key, path)`` of every input file the configuration names."""
    for name, spec in level_datasets(config).items():
        if not spec.get("from_panel"):
            yield f"datasets.{name}.file", spec["file"]
    for name in ("index", "shares"):
        if config.get("seed_tables", {}).get(name):
            yield f"seed_tables.{name}", config["seed_tables"][name]
    if config["panel"]["file"] is not None:
        yield "panel.file", config["panel"]["file"]


def panel_roles(config: dict) -> dict:
    """Columns of the tidy panel by role, from the data dictionary (the demo's while ``panel.file`` is null).

    Returns
    -------
    dict
        ``ai``, ``gdp_pc``, ``population`` (column or None), ``outcome`` and ``controls`` (lists),
        ``mechanisms`` (role -> column of the tidy panel, which is the role name).
    """
    from .contract import validate_dictionary
    from .simulate import demo_dictionary

    demo = demo_dictionary(bool(config.get("demo", {}).get("endogenous", True)))
    d = validate_dictionary(demo if config["panel"]["file"] is None else config["panel"]["dictionary"])
    return {
        "ai": "ai",
        "gdp_pc": "gdp_pc",
        "population": "population" if d["population"] else None,
        "outcome": list(d["outcome"]),
        "controls": list(d["controls"]),
        "instruments": list(d["instruments"]),
        "mechanisms": {m: m for m in d["mechanisms"]},
    }


def identification(config: dict) -> str:
    """``analysis.identification`` resolved: ``ml``, ``iv`` or ``both`` (null: both when the data dictionary has
    instruments, else ml)."""
    value = config["analysis"].get("identification")
    if value is None:
        return "both" if panel_roles(config)["instruments"] else "ml"
    return value


def _known(roles: dict) -> dict:
    """Every name an entry may use -> the columns it stands for."""
    out = {"ai": ["ai"], "gdp_pc": ["gdp_pc"], "outcome": roles["outcome"][:1], "controls": list(roles["controls"])}
    if roles["population"]:
        out["population"] = ["population"]
    out.update({m: [c] for m, c in roles["mechanisms"].items()})
    out["instruments"] = list(roles.get("instruments", []))
    out.update({c: [c] for c in roles["outcome"] + roles["controls"] + list(roles.get("instruments", []))})
    out.update({d: [d] for d in DERIVED})
    return out


def resolve(value, roles: dict, key: str = "a configuration entry"):
    """Column(s) of the tidy panel that a configured variable entry stands for.

    A string gives one column (``"controls"`` is not allowed there); a list gives the concatenated
    columns of its items, in order, without repeats.

    Raises
    ------
    InputError
        Naming ``key``, the unknown name and the names allowed.
    """
    known = _known(roles)
    items = [value] if isinstance(value, str) else list(value)
    out = []
    for item in items:
        if item not in known:
            close = difflib.get_close_matches(str(item), list(known), n=1, cutoff=0.6)
            raise InputError(
                f"configuration key {key} names '{item}', which is neither a role of the data "
                "dictionary nor one of its columns",
                hint=(f"did you mean '{close[0]}'? " if close else "") + f"allowed: {', '.join(known)}",
            )
        cols = known[item]
        if isinstance(value, str) and len(cols) != 1:
            raise InputError(
                f"configuration key {key} must name one variable, not '{item}'", hint="use a single role or column"
            )
        out += [c for c in cols if c not in out]
    return out[0] if isinstance(value, str) else out


def resolve_list(value, roles, key, default_role):
    """:func:`resolve` of a list entry; ``None`` stands for the role ``default_role`` (e.g. controls)."""
    return resolve([default_role] if value is None else value, roles, key)


def variable_entries(config: dict):
    """``(key, value)`` of every configuration entry that names panel variables."""
    m = config["measures"]
    yield "measures.inequality.variables", m["inequality"]["variables"]
    for name, spec in m["indices"].items():
        for side in ("positive", "negative"):
            if spec.get(side):
                yield f"measures.indices.{name}.{side}", spec[side]
    for name, spec in m["coordination"]["subsystems"].items():
        for side in ("positive", "negative"):
            if spec.get(side):
                yield f"measures.coordination.subsystems.{name}.{side}", spec[side]
    yield "measures.markov.variable", m["markov"]["variable"]
    yield "measures.beta.variable", m["beta"]["variable"]
    yield "measures.beta.controls", m["beta"]["controls"] if m["beta"]["controls"] is not None else ["controls"]
    yield "measures.kde.variable", m["kde"]["variable"]
    a = config["analysis"]
    yield "analysis.outcome", a["outcome"]
    yield "analysis.controls", a["controls"] if a["controls"] is not None else ["controls"]
