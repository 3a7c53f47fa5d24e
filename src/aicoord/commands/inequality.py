"""``aicoord inequality``: CV, SD of logs, Theil T/L and Dagum Gini decompositions of one variable.

Example::

    aicoord inequality --data ai2023.csv --id province --var ai --groups region4 --out ineq.json

The input is one cross-section (one row per unit). ``--groups region4`` maps the ``--id`` column
(any province spelling) to the NBS four regions; any other value names a column of group labels.
``--weight`` (e.g. population) weights the CV, the SD of logs and the Theil indices; the Dagum
Gini is always unweighted (each unit counts once) and the JSON says so.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import EstimationError, InputError
from ..inequality import dagum_gini, sigma_convergence, theil
from ..io import read_table, to_jsonable, write_json
from ..provinces import normalize_province, province_table

__all__ = ["add_arguments", "run", "compute"]


def add_arguments(parser) -> None:
    """Register the subcommand's options on an ``argparse`` parser."""
    parser.add_argument("--data", required=True, help="CSV file, one row per unit")
    parser.add_argument("--id", required=True, dest="id_col", help="unit identifier column")
    parser.add_argument("--var", required=True, help="column whose inequality is measured")
    parser.add_argument(
        "--groups", default="region4", help="'region4' (NBS four regions from the province table) or a column"
    )
    parser.add_argument("--weight", default=None, help="optional weight column (e.g. population)")
    parser.add_argument(
        "--allow-missing",
        action="store_true",
        help="with --groups region4: compute on fewer than the 31 provinces (the JSON and "
        "standard error name the missing ones); without it all 31 are required",
    )
    parser.add_argument("--out", required=True, help="result JSON file")


def _numeric(df, col, path):
    values = pd.to_numeric(df[col], errors="coerce")
    bad = values.isna() | ~np.isfinite(values.astype(float))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            f"value '{df[col].iloc[i]}' is missing or not a number",
            file=path,
            row=i + 2,
            column=col,
            hint="every unit needs a numeric value",
        )
    return values.astype(float).to_numpy()


def compute(values, groups, weights=None) -> dict:
    """All statistics of the subcommand as a JSON-ready dict (see module docstring).

    Every index is scale-free, so the values are divided by their maximum before computing (values
    near 1e308 would overflow in sums) and the means are scaled back.
    """
    values = np.asarray(values, dtype=float)
    scale = float(np.max(values))
    values = values / scale
    if weights is not None:
        weights = np.asarray(weights, dtype=float)
        weights = weights / np.max(weights) if np.max(weights) > 0 else weights
    sig = sigma_convergence(values, weights)
    th = theil(values, groups, weights)
    dg = dagum_gini(values, groups)
    out = {
        "n": sig["n"],
        "mean": sig["mean"],
        "cv": sig["cv"],
        "sd_log": sig["sd_log"],
        "weighted": weights is not None,
    }
    for key in ("theil_t", "theil_l"):
        r = th[key]
        out[key] = {
            "total": r["total"],
            "between": r["between"],
            "within": r["within"],
            "between_share": r["between_share"],
            "within_share": r["within_share"],
            "groups": r["groups"],
        }
    out["dagum"] = {
        k: dg[k]
        for k in (
            "total",
            "within",
            "between_net",
            "transvariation",
            "between_gross",
            "within_share",
            "between_net_share",
            "transvariation_share",
        )
    }
    out["dagum"]["weighted"] = False
    out["dagum"]["groups"] = dg["groups"]
    out["dagum"]["g_between"] = dg["g_between"]
    out["dagum"]["d_between"] = dg["d_between"]
    out["mean"] = out["mean"] * scale
    out["dagum"]["groups"] = out["dagum"]["groups"].assign(mean=out["dagum"]["groups"]["mean"] * scale)
    result = to_jsonable(out, digits=None)
    if _has_none(result):
        raise EstimationError(
            "the inequality measures gave non-finite values", hint="check the variable for extreme values"
        )
    return result


def _has_none(obj) -> bool:
    if isinstance(obj, dict):
        return any(_has_none(v) for v in obj.values())
    if isinstance(obj, list):
        return any(_has_none(v) for v in obj)
    return obj is None


def run(args) -> int:
    """Read ``--data``, compute and write ``--out``; returns 0 on success."""
    path = args.data
    df = read_table(path)
    for col in (
        [args.id_col, args.var]
        + ([args.weight] if args.weight else [])
        + ([] if args.groups == "region4" else [args.groups])
    ):
        if col not in df.columns:
            raise InputError(f"no column '{col}'", file=path, row=1, hint=f"columns are: {', '.join(df.columns)}")
    ids = df[args.id_col]
    dup = ids.duplicated(keep="first")
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise InputError(
            f"duplicate unit '{ids.iloc[i]}'",
            file=path,
            row=i + 2,
            column=args.id_col,
            hint="the file must be one cross-section",
        )
    values = _numeric(df, args.var, path)
    weights = _numeric(df, args.weight, path) if args.weight else None
    if args.groups == "region4":
        codes = [normalize_province(v, file=path, row=i + 2, column=args.id_col) for i, v in enumerate(ids)]
        if len(set(codes)) != len(codes):
            raise InputError("two rows name the same province", file=path, column=args.id_col)
        table = province_table().set_index("code")
        groups = table.loc[codes, "region4"].to_numpy()
        missing = [c for c in table.index if c not in set(codes)]
        if missing:
            names = table.loc[missing, "name_short"].tolist()
            if not args.allow_missing:
                raise InputError(
                    f"{len(missing)} of the 31 provinces missing: {', '.join(names)}",
                    file=path,
                    column=args.id_col,
                    hint="add their rows, or pass --allow-missing to compute on the provinces present",
                )
            print(
                f"aicoord inequality: warning: computed on {len(codes)} provinces; missing: {', '.join(names)}",
                file=sys.stderr,
            )
    else:
        groups = df[args.groups].to_numpy()
        missing = pd.isna(groups)
        if missing.any():
            i = int(np.flatnonzero(missing)[0])
            raise InputError("missing group label", file=path, row=i + 2, column=args.groups)
    checks = [(args.var, values, values <= 0, "values must be > 0 (logs are taken)")]
    if weights is not None:
        checks.append((args.weight, weights, weights < 0, "weights must be >= 0"))
    for col, arr, bad, hint in checks:
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError(f"value {arr[i]:g} is not allowed", file=path, row=i + 2, column=col, hint=hint)
    if len(values) < 2 or np.ptp(values / np.max(values)) <= 1e-9:
        raise InputError(
            f"the values of '{args.var}' are all equal ({values[0]:g}) or there is only one: "
            "inequality is zero and its decomposition (shares) is undefined",
            file=path,
            column=args.var,
            hint="check the --var column",
        )
    if weights is not None and not np.any(weights > 0):
        raise InputError("every weight is zero", file=path, column=args.weight)
    result = compute(values, groups, weights)
    result["input"] = {
        "data": Path(path).name,
        "id": args.id_col,
        "var": args.var,
        "groups": args.groups,
        "weight": args.weight,
    }
    if args.groups == "region4":
        result["missing_provinces"] = province_table().set_index("code").loc[missing, "name_short"].tolist()
    write_json(result, args.out, digits=None)
    return 0
