"""``aicoord fit-panel``: maximum-likelihood spatial panel models from CSV files to a JSON result.

Weights files (``--weights``): an N x N CSV whose header and first column are the unit ids; a
long CSV with columns ``from,to,weight``; or a libpysal ``.gal`` / ``.gwt`` file (recognised by
suffix or by header).  ``--weights-by-year`` takes a long CSV ``year,from,to,weight`` with one
matrix per period.  The JSON is written with sorted keys and floats rounded to 12 significant
digits, so two runs give identical bytes.
"""

from __future__ import annotations

import pathlib
import warnings

import numpy as np
import pandas as pd

from ..errors import InputError
from ..io import write_json

__all__ = ["add_arguments", "run", "read_weights"]


def add_arguments(parser):
    """Add the fit-panel options to an argparse parser."""
    parser.add_argument("--data", required=True, help="panel in long format (CSV)")
    parser.add_argument("--id", required=True, help="unit id column")
    parser.add_argument("--time", required=True, help="period column")
    parser.add_argument("--y", required=True, help="dependent variable")
    parser.add_argument("--x", required=True, nargs="+", help="regressors")
    parser.add_argument("--wx", nargs="+", default=None,
                        help="regressors with a spatial lag W*x (SDM/SLX/SDEM; default all)")
    grp = parser.add_mutually_exclusive_group(required=True)
    grp.add_argument("--weights", help="N x N CSV, long from,to,weight CSV, .gal or .gwt")
    grp.add_argument("--weights-by-year", help="long CSV year,from,to,weight")
    parser.add_argument("--model", default="sdm", choices=["sar", "sdm", "sem", "sac", "slx", "sdem"])
    parser.add_argument("--fe", default="twoways",
                        choices=["none", "individual", "time", "twoways", "random"])
    parser.add_argument("--lee-yu", action="store_true", help="Lee-Yu (2010) bias correction")
    parser.add_argument("--draws", type=int, default=1000, help="simulation draws for effects")
    parser.add_argument("--seed", type=int, default=1, help="seed for the effects simulation")
    parser.add_argument("--no-standardize", action="store_true", help="keep W unstandardised")
    parser.add_argument("--logdet", default="auto", choices=["auto", "eigen", "lu"])
    parser.add_argument("--out", required=True, help="result JSON")


def _read_long(df, path, ids):
    cols = {c.lower(): c for c in df.columns}
    for need in ("from", "to"):
        if need not in cols:
            raise InputError(f"weights table lacks a '{need}' column", file=path)
    f, t = df[cols["from"]], df[cols["to"]]
    w = df[cols["weight"]] if "weight" in cols else pd.Series(1.0, index=df.index)
    pos = {str(k): i for i, k in enumerate(ids)}
    n = len(ids)
    mat = np.zeros((n, n))
    for row, (a, b, v) in enumerate(zip(f.astype(str), t.astype(str), w), start=2):
        if a not in pos or b not in pos:
            raise InputError(f"unit id '{a if a not in pos else b}' is not in the panel",
                             file=path, row=row)
        if not np.isfinite(v):
            raise InputError("weight is missing or not finite", file=path, row=row, column="weight")
        mat[pos[a], pos[b]] = float(v)
    return mat


def read_weights(path, ids):
    """Read a weights file into an N x N array ordered like ``ids``.

    Parameters
    ----------
    path : str or pathlib.Path
    ids : list
        Unit ids of the panel (sorted).

    Returns
    -------
    numpy.ndarray
    """
    path = pathlib.Path(path)
    if not path.exists():
        raise InputError("file not found", file=path)
    head = path.read_text(errors="replace").split("\n", 1)[0].strip()
    suffix = path.suffix.lower()
    if suffix in (".gal", ".gwt") or (head and "," not in head):  # GAL/GWT headers have no commas
        import libpysal

        try:
            w = libpysal.io.open(str(path)).read()
        except Exception as exc:  # libpysal raises many types
            raise InputError(f"cannot read weights: {exc}", file=path) from exc
        pos = {str(k): i for i, k in enumerate(ids)}
        mat = np.zeros((len(ids), len(ids)))
        for a, nbrs in w.neighbors.items():
            for b, v in zip(nbrs, w.weights[a]):
                if str(a) not in pos or str(b) not in pos:
                    raise InputError(f"unit id '{a}' or '{b}' is not in the panel", file=path)
                mat[pos[str(a)], pos[str(b)]] = v
        return mat
    df = pd.read_csv(path)
    if {"from", "to"} <= {c.lower() for c in df.columns}:
        return _read_long(df, path, ids)
    df = df.set_index(df.columns[0])
    df.index = df.index.astype(str)
    df.columns = df.columns.astype(str)
    sid = [str(i) for i in ids]
    miss = [i for i in sid if i not in df.index or i not in df.columns]
    if miss:
        raise InputError(f"unit ids {miss[:5]} are missing from the weights matrix", file=path)
    if len(df) != len(sid) or df.shape[1] != len(sid):
        raise InputError(f"weights matrix is {df.shape} but the panel has {len(sid)} units", file=path)
    mat = df.loc[sid, sid]
    if mat.isna().any().any():
        raise InputError("weights matrix has missing values", file=path)
    return mat.to_numpy(dtype=float)


def _stat(est, se):
    from scipy import special

    z = est / se if se and se > 0 else float("nan")
    return {"estimate": est, "se": se, "z": z, "p": 2 * special.ndtr(-abs(z))}


def run(args) -> int:
    """Fit the model and write the JSON result."""
    from ..panel import SpatialPanel

    path = pathlib.Path(args.data)
    if not path.exists():
        raise InputError("file not found", file=path)
    data = pd.read_csv(path)
    for c in [args.id, args.time, args.y] + list(args.x):
        if c not in data.columns:
            raise InputError("column not in the data", file=path, column=c)
    if args.fe == "random" and args.model not in ("sar", "sdm", "sem"):
        raise InputError("random effects are implemented for --model sar, sdm and sem only")
    ids = sorted(data[args.id].unique())
    if args.weights:
        w = read_weights(args.weights, ids)
    else:
        wt = pd.read_csv(args.weights_by_year)
        cols = {c.lower(): c for c in wt.columns}
        if "year" not in cols:
            raise InputError("weights-by-year table lacks a 'year' column", file=args.weights_by_year)
        w = {}
        for yr, grp in wt.groupby(cols["year"]):
            w[yr] = _read_long(grp.drop(columns=[cols["year"]]), args.weights_by_year, ids)
        periods = sorted(data[args.time].unique())
        missing = [p for p in periods if p not in w]
        if missing:
            raise InputError(f"no weights for periods {missing[:5]}", file=args.weights_by_year)
        w = {p: w[p] for p in periods}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mod = SpatialPanel(data, y=args.y, x=args.x, wx=args.wx, id=args.id, time=args.time, w=w,
                           model=args.model, effects=args.fe, lee_yu=args.lee_yu,
                           standardize=not args.no_standardize, logdet=args.logdet)
        res = mod.fit()
        effects = {}
        if args.model != "sem":
            imp = res.impacts(draws=args.draws, seed=args.seed)
            for (var, kind), row in imp.iterrows():
                effects.setdefault(var, {})[kind] = {k: float(row[k]) for k in ("estimate", "se", "z", "p")}
        from ..panel import diagnostics as sptests

        tests = {}
        if args.model == "sdm":
            tests.update({k: v.to_dict() for k, v in sptests.sdm_tests(res).items()})
        if args.fe == "random":
            fe = mod.respecify(effects="individual").fit()
            tests["hausman"] = sptests.hausman(fe, res).to_dict()
        else:
            lm = sptests.lm_tests(data, y=args.y, x=args.x, id=args.id, time=args.time, w=w,
                                  effects=args.fe, standardize=not args.no_standardize)
            tests.update({f"{k}_nonspatial": v.to_dict() for k, v in lm.items()})
        if mod.T > 1:
            tests.update({f"lr_{k}_effects": v.to_dict() for k, v in sptests.lr_effects_tests(
                data, y=args.y, x=args.x, id=args.id, time=args.time, w=w,
                standardize=not args.no_standardize).items()})
    out = {
        "model": args.model, "fe": args.fe, "lee_yu": bool(args.lee_yu),
        "n": mod.N, "t": mod.T, "nobs": mod.N * mod.T,
        "loglik": res.loglik, "sigma2": res.sigma2, "aic": res.aic, "bic": res.bic,
        "r2": res.r2, "r2_within": res.r2_within,
        "sigma2_mu": getattr(res, "sigma2_mu", None),
        "coefficients": {nm: _stat(float(res.params[nm]), float(res.std_errors[nm]))
                         for nm in res.params.index},
        "effects": effects, "tests": tests,
        "draws": args.draws, "seed": args.seed,
        "warnings": sorted({str(c.message) for c in caught}),
    }
    write_json(out, args.out)
    return 0
