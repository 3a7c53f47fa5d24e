"""``aicoord fit-panel``: maximum-likelihood spatial panel models from CSV files to a JSON result.

The data (``--data``, CSV in UTF-8 or GBK, or ``.xlsx``) are read by
:func:`aicoord.contract.read_long_panel` and the weights by :func:`aicoord.weights_io.read_weights_sparse`
(an N x N table whose header and first column are the unit ids; a long table ``from,to,weight``; a
libpysal ``.gal`` / ``.gwt`` file); ``--weights-by-year`` takes a long table ``year,from,to,weight``
with one matrix per period.  Unit ids are arbitrary; province ids in any accepted spelling (``上海``,
``Shanghai``, ``310000``) match across the two files.  Every problem is reported with its file, row
and column.  The JSON is written with sorted keys and floats rounded to 12 significant
digits, so two runs give identical bytes.
"""

from __future__ import annotations

import sys
import warnings

import numpy as np

from ..errors import EstimationError, InputError
from ..io import write_json
from ..limits import MAX_DRAWS
from ._fit_panel_checks import (
    check_dynamic_options,
    check_inference_options,
    check_iv_options,
    check_outcome,
    panel_gaps,
)
from ._types import int_in

__all__ = ["add_arguments", "run", "check_outcome", "check_dynamic_options"]


def add_arguments(parser):
    """Add the fit-panel options to an argparse parser."""
    parser.add_argument("--data", required=True, help="panel in long format (CSV)")
    parser.add_argument("--id", required=True, help="unit id column")
    parser.add_argument("--time", required=True, help="period column")
    parser.add_argument("--y", required=True, help="dependent variable")
    parser.add_argument("--x", required=True, nargs="+", help="regressors")
    parser.add_argument(
        "--wx", nargs="+", default=None, help="regressors with a spatial lag W*x (SDM/SLX/SDEM; default all)"
    )
    grp = parser.add_mutually_exclusive_group(required=True)
    grp.add_argument("--weights", help="N x N CSV, long from,to,weight CSV (or .csv.gz), .npz, .gal or .gwt")
    grp.add_argument("--weights-by-year", help="long CSV year,from,to,weight")
    parser.add_argument("--model", default="sdm", choices=["sar", "sdm", "sem", "sac", "slx", "sdem"])
    parser.add_argument("--fe", default="twoways", choices=["none", "individual", "time", "twoways", "random"])
    parser.add_argument("--lee-yu", action="store_true", help="Lee-Yu (2010) bias correction")
    parser.add_argument(
        "--draws",
        type=int_in(2, MAX_DRAWS, "--draws"),
        default=1000,
        help=f"simulation draws for the SEs of the effects (2 to {MAX_DRAWS:,})",
    )
    parser.add_argument(
        "--seed", type=int_in(0, 2**32 - 1, "--seed"), default=1, help="seed for the effects simulation (0 to 2^32 - 1)"
    )
    parser.add_argument("--no-standardize", action="store_true", help="keep W unstandardised")
    parser.add_argument("--logdet", default="auto", choices=["auto", "eigen", "lu"])
    parser.add_argument(
        "--dlag",
        type=int,
        choices=[1, 2, 3],
        default=None,
        help="dynamic model (SAR/SDM, individual or two-way effects): 1 = y(t-1), 2 = W y(t-1), "
        "3 = both; bias-corrected QML (Yu, de Jong and Lee 2008; Lee and Yu 2010)",
    )
    parser.add_argument("--no-bias-correction", action="store_true", help="with --dlag: the uncorrected QML estimates")
    parser.add_argument(
        "--cov-type",
        default="oim",
        choices=["oim", "opg", "robust", "cluster", "driscoll-kraay"],
        help="covariance of the estimates (default oim, the information matrix; see "
        "aicoord.panel.inference for the formulas)",
    )
    parser.add_argument(
        "--cluster",
        default=None,
        metavar="COL",
        help="with --cov-type cluster: column of --data defining the clusters (default: --id)",
    )
    parser.add_argument(
        "--estimator",
        default=None,
        choices=["ml", "mqml", "2sls", "gmm"],
        help="ml (default) or mqml: the modified QML of Liu and Yang (2015), consistent under unknown "
        "heteroskedasticity (SAR/SDM with --fe individual or twoways; its own robust SEs); "
        "with --endog: 2sls (default) or gmm, efficient two-step GMM",
    )
    parser.add_argument(
        "--cluster-bootstrap",
        type=int,
        default=None,
        metavar="DRAWS",
        help="with --cov-type cluster: p-values and intervals from a wild cluster bootstrap "
        "of DRAWS draws (needed with fewer than 10 clusters)",
    )
    parser.add_argument(
        "--bootstrap-weights",
        default="webb",
        choices=["webb", "rademacher"],
        help="with --cluster-bootstrap: Webb six-point (default) or Rademacher weights",
    )
    parser.add_argument("--bootstrap-seed", type=int, default=1, help="with --cluster-bootstrap: seed (default 1)")
    parser.add_argument(
        "--dk-lag",
        type=int,
        default=None,
        metavar="L",
        help="with --cov-type driscoll-kraay: Bartlett lag (default floor(4 (T/100)^(2/9)))",
    )
    parser.add_argument(
        "--effects-se",
        default="sim",
        choices=["sim", "delta"],
        help="standard errors of the effects by simulation (--draws) or the delta method",
    )
    parser.add_argument(
        "--w-error",
        default=None,
        metavar="FILE",
        help="weights of the spatial error term (SEM/SAC/SDEM; default --weights), any format --weights takes",
    )
    parser.add_argument(
        "--w-x",
        default=None,
        metavar="FILE",
        help="weights of the W*x terms (SDM/SLX/SDEM; default --weights), any format --weights takes",
    )
    parser.add_argument(
        "--allow-negative",
        action="store_true",
        help="accept negative weights (refused by default: spatial weights are 0 or more)",
    )
    parser.add_argument(
        "--endog",
        nargs="+",
        default=None,
        metavar="COL",
        help="endogenous regressors (added to --x): spatial 2SLS/GMM with --instruments "
        "(SAR/SDM/SLX, pooled or fixed effects; aicoord.panel.iv)",
    )
    parser.add_argument(
        "--instruments",
        nargs="+",
        default=None,
        metavar="COL",
        help="excluded instruments of --endog (their W-lags are added)",
    )
    parser.add_argument("--out", required=True, help="result JSON")


def _stat(est, se):
    from scipy import special

    z = est / se if se and se > 0 else float("nan")
    return {"estimate": est, "se": se, "z": z, "p": 2 * special.ndtr(-abs(z))}


def run(args) -> int:
    """Fit the model and write the JSON result."""
    from ..contract import check_consecutive_periods, check_count, read_long_panel
    from ..panel import SpatialPanel
    from ..panel.data import check_magnitudes
    from ..weights_io import read_weights_by_year, read_weights_sparse

    check_count(args.draws, "--draws", 2, MAX_DRAWS)
    if args.dlag is not None:
        check_dynamic_options(args)
    elif args.no_bias_correction:
        raise InputError("--no-bias-correction applies to dynamic models only", hint="add --dlag 1, 2 or 3")
    iv = check_iv_options(args)
    if not iv:
        check_inference_options(args)
    if args.fe == "random" and args.model not in ("sar", "sdm", "sem"):
        raise InputError("random effects are implemented for --model sar, sdm and sem only")
    cols = list(dict.fromkeys([args.y, *args.x, *(args.endog or []), *(args.instruments or [])]))
    data = read_long_panel(args.data, args.id, args.time, cols)
    check_magnitudes(data, cols, args.data)  # the engine checks it too; here the file is named
    check_outcome(data, args.y, args.id, args.time, args.fe, args.data)
    notes = []
    gap_note = panel_gaps(data, args.time, args.data)
    if gap_note:
        if getattr(args, "dlag", None):  # models that lag in time need consecutive periods
            raise InputError(
                f"a time lag needs consecutive periods: "
                f"{', '.join(map(str, check_consecutive_periods(data[args.time].unique())))} "
                "missing",
                file=args.data,
                column=args.time,
                hint="add the missing periods or fit a model without a time lag",
            )
        notes.append(gap_note)
        print(f"aicoord fit-panel: warning: {gap_note}", file=sys.stderr)
    ids = sorted(data[args.id].unique())
    provinces = data.attrs["provinces"]
    if args.weights:
        w = read_weights_sparse(args.weights, ids=ids, provinces=provinces, allow_negative=args.allow_negative)
    else:
        observed = {p: sorted(g) for p, g in data.groupby(args.time)[args.id]}
        w = read_weights_by_year(
            args.weights_by_year,
            ids,
            sorted(data[args.time].unique()),
            provinces=provinces,
            allow_negative=args.allow_negative,
            observed=observed,
        )
    extra_w = {}
    for opt, path in (("w_error", args.w_error), ("w_x", args.w_x)):
        if path:
            extra_w[opt] = _integer_ids(
                data,
                args.id,
                read_weights_sparse(path, ids=ids, provinces=provinces, allow_negative=args.allow_negative),
            )[1]
    if args.cluster is not None and args.cluster != args.id:
        data = _attach_cluster(data, args.data, args.cluster, args.id, args.time)
    data, w = _integer_ids(data, args.id, w)
    if args.dlag is not None:
        return _run_dynamic(args, data, w)
    if iv:
        return _run_iv(args, data, w, notes)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mod = SpatialPanel(
            data,
            y=args.y,
            x=args.x,
            wx=args.wx,
            id=args.id,
            time=args.time,
            w=w,
            model=args.model,
            effects=args.fe,
            lee_yu=args.lee_yu,
            standardize=not args.no_standardize,
            logdet=args.logdet,
            **extra_w,
        )
        boot = (
            None
            if args.cluster_bootstrap is None
            else {"draws": args.cluster_bootstrap, "seed": args.bootstrap_seed, "weights": args.bootstrap_weights}
        )
        res = mod.fit(
            cov_type=args.cov_type,
            dk_lag=args.dk_lag,
            cluster=None if args.cluster in (None, args.id) else args.cluster,
            bootstrap=boot,
            estimator=args.estimator,
        )
        effects = {}
        if args.model != "sem":
            imp = res.impacts(draws=args.draws, seed=args.seed, se=args.effects_se)
            for (var, kind), row in imp.iterrows():
                effects.setdefault(var, {})[kind] = {k: float(row[k]) for k in ("estimate", "se", "z", "p")}
        from ..panel import diagnostics as sptests

        # Specification tests run AFTER the model the user asked for: a test that does not apply to these
        # data (e.g. the LR tests of the fixed effects with a time-invariant regressor, which the fixed
        # effects wipe out) is skipped with its reason, never allowed to block the fitted model.
        tests, skipped = {}, {}

        def attempt(name, fn):
            try:
                fn()
            except (InputError, EstimationError) as exc:
                skipped[name] = getattr(exc, "message", str(exc))

        if args.model == "sdm":
            attempt("sdm_tests", lambda: tests.update({k: v.to_dict() for k, v in sptests.sdm_tests(res).items()}))
        if args.fe == "random":
            attempt(
                "hausman",
                lambda: tests.update(hausman=sptests.hausman(mod.respecify(effects="individual").fit(), res).to_dict()),
            )
        else:
            attempt(
                "lm_nonspatial",
                lambda: tests.update(
                    {
                        f"{k}_nonspatial": v.to_dict()
                        for k, v in sptests.lm_tests(
                            data,
                            y=args.y,
                            x=args.x,
                            id=args.id,
                            time=args.time,
                            w=w,
                            effects=args.fe,
                            standardize=not args.no_standardize,
                        ).items()
                    }
                ),
            )
        if mod.T > 1:
            attempt(
                "lr_effects",
                lambda: tests.update(
                    {
                        f"lr_{k}_effects": v.to_dict()
                        for k, v in sptests.lr_effects_tests(
                            data,
                            y=args.y,
                            x=args.x,
                            id=args.id,
                            time=args.time,
                            w=w,
                            standardize=not args.no_standardize,
                        ).items()
                    }
                ),
            )
    bad = [nm for nm in res.params.index if not (np.isfinite(res.params[nm]) and np.isfinite(res.std_errors[nm]))]
    bad += [
        f"{v} {k} effect"
        for v, kinds in effects.items()
        for k, r in kinds.items()
        if not (np.isfinite(r["estimate"]) and np.isfinite(r["se"]))
    ]
    if bad or not np.isfinite(res.loglik):
        raise EstimationError(
            f"the fit gave non-finite estimates or standard errors ({', '.join(bad[:5]) or 'loglik'})",
            hint="the model may not be identified on these data: try fewer regressors, other "
            "fixed effects or another model",
        )
    out = {
        "model": args.model,
        "fe": args.fe,
        "lee_yu": bool(args.lee_yu),
        "n": mod.N,
        "t": mod.T,
        "nobs": mod.N * mod.T - len(mod.missing),
        # the likelihood's sample: N(T - 1) after the Lee-Yu transformation, (N - 1)(T - 1) with both
        "nobs_likelihood": int(res.nobs),
        "missing_cells": _missing_cells(mod),
        "loglik": res.loglik,
        "sigma2": res.sigma2,
        "aic": res.aic,
        "bic": res.bic,
        "r2": res.r2,
        "r2_within": res.r2_within,
        "sigma2_mu": getattr(res, "sigma2_mu", None),
        # p: the wild cluster bootstrap's when asked for
        "coefficients": {
            nm: {**_stat(float(res.params[nm]), float(res.std_errors[nm])), "p": float(res.pvalues[nm])}
            for nm in res.params.index
        },
        "effects": effects,
        "tests": tests,
        "tests_skipped": skipped,
        "draws": args.draws,
        "seed": args.seed,
        "warnings": sorted({str(c.message) for c in caught} | set(notes)),
        "estimator": args.estimator or "ml",
        "cov_type": res.cov_info["cov_type"],
        "cov_info": {k: v for k, v in res.cov_info.items() if k != "cov_type"},
        "effects_se": args.effects_se,
        "weights_files": {"w_error": args.w_error or None, "w_x": args.w_x or None},  # None: --weights
    }
    write_json(out, args.out)
    return 0


def _run_iv(args, data, w, notes) -> int:
    """``--endog``/``--instruments``: spatial 2SLS/GMM of :mod:`aicoord.panel.iv`."""
    from ..panel import SpatialPanel

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        x = [v for v in args.x if v not in args.endog]
        mod = SpatialPanel(
            data,
            y=args.y,
            x=x,
            wx=args.wx,
            id=args.id,
            time=args.time,
            w=w,
            model=args.model,
            effects=args.fe,
            standardize=not args.no_standardize,
            logdet=args.logdet,
            endog=args.endog,
            instruments=args.instruments,
        )
        res = mod.fit(
            cov_type="homoskedastic" if args.cov_type == "oim" else args.cov_type,
            cluster=None if args.cluster in (None, args.id) else args.cluster,
            estimator=args.estimator,
        )
        effects = {}
        imp = res.impacts(draws=args.draws, seed=args.seed, se=args.effects_se)
        for (var, kind), row in imp.iterrows():
            effects.setdefault(var, {})[kind] = {k: float(row[k]) for k in ("estimate", "se", "z", "p")}
    bad = [nm for nm in res.params.index if not np.isfinite(res.std_errors[nm])]
    bad += [
        f"{v} {k} effect"
        for v, kinds in effects.items()
        for k, r in kinds.items()
        if not (np.isfinite(r["estimate"]) and np.isfinite(r["se"]))
    ]
    if bad:
        raise EstimationError(
            f"the IV fit gave non-finite estimates or standard errors ({', '.join(bad[:5])})",
            hint="the instruments may be too weak: check first_stage or add instruments",
        )
    out = {
        "model": args.model,
        "fe": args.fe,
        "estimator": args.estimator or "2sls",
        "n": mod.N,
        "t": mod.T,
        "nobs": int(res.nobs),
        "sigma2": res.sigma2,
        "endog": list(args.endog),
        "instruments": list(args.instruments),
        "coefficients": {nm: _stat(float(res.params[nm]), float(res.std_errors[nm])) for nm in res.params.index},
        "effects": effects,
        "first_stage": res.first_stage,
        "draws": args.draws,
        "seed": args.seed,
        "effects_se": args.effects_se,
        "cov_type": res.cov_info["cov_type"],
        "cov_info": {k: v for k, v in res.cov_info.items() if k != "cov_type"},
        "warnings": sorted({str(c.message) for c in caught} | set(notes)),
    }
    write_json(out, args.out)
    return 0


def _attach_cluster(data, path, col, id_col, time_col):
    """Add the cluster column ``col`` of the file (as text) to ``data`` (same rows, file order)."""
    from ..io import read_table

    raw = read_table(path)
    if col not in raw.columns:
        raise InputError(
            f"cluster column '{col}' not found",
            file=path,
            row=1,
            column=col,
            hint=f"headers are: {', '.join(map(str, raw.columns))}",
        )
    if col in data.columns:  # the period or a variable of the model
        return data
    vals = raw[col]
    miss = np.flatnonzero(vals.isna().to_numpy())
    if len(miss):
        raise InputError(
            "missing cluster value", file=path, row=int(miss[0]) + 2, column=col, hint="every row needs its cluster"
        )
    if len(vals) != len(data):  # pragma: no cover - read_long_panel keeps every row
        raise InputError("cluster column does not align with the panel rows", file=path, column=col)
    return data.assign(**{col: vals.astype(str).str.strip().to_numpy()})


def _missing_cells(mod) -> dict:
    """The unit-periods absent from an unbalanced panel (fitted by exact ML on the observed rows, see
    :mod:`aicoord.panel.unbalanced`): their count, the count per period and the list ``[unit, period]``."""

    def plain(v):
        return v.item() if hasattr(v, "item") else v

    per = {}
    for _, p in mod.missing:
        per[str(plain(p))] = per.get(str(plain(p)), 0) + 1
    return {"count": len(mod.missing), "by_period": per, "cells": [[plain(u), plain(p)] for u, p in mod.missing]}


def _integer_ids(data, id_col, w):
    """Whole-number unit ids (e.g. state or city codes) as integers in the data and the weights, so that
    units are ordered as numbers (2 before 10), as they are when a script reads the same CSV with pandas."""
    from ..weights_io import SparseWeights

    text = data[id_col]
    if data.attrs.get("provinces") or not text.str.fullmatch(r"-?\d+").all():
        return data, w

    def frame(wi):  # sparse, never dense: a county matrix is 2,848 x 2,848
        ids = [int(i) for i in wi.id_order]
        order = np.argsort(ids, kind="stable")  # the engine's unit order: no permutation left to do
        mat = wi.sparse.tocsr()[order][:, order]
        mat.sort_indices()
        return SparseWeights(mat, [ids[i] for i in order])

    data = data.assign(**{id_col: text.astype(int)})
    return data, ({p: frame(x) for p, x in w.items()} if isinstance(w, dict) else frame(w))


def _run_dynamic(args, data, w) -> int:
    """``--dlag``: the dynamic SAR/SDM of :class:`aicoord.panel.dynamic.DynamicSpatialPanel`."""
    from ..panel.dynamic import DynamicSpatialPanel

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mod = DynamicSpatialPanel(
            data,
            y=args.y,
            x=args.x,
            wx=args.wx,
            id=args.id,
            time=args.time,
            w=w,
            model=args.model,
            effects=args.fe,
            dlag=args.dlag,
            bias_correction=not args.no_bias_correction,
            standardize=not args.no_standardize,
        )
        res = mod.fit()
        imp = res.impacts(draws=args.draws, seed=args.seed)
    effects = {}
    for (var, kind), row in imp.iterrows():
        for horizon in ("short_run", "long_run"):
            effects.setdefault(horizon, {}).setdefault(var, {})[kind] = {
                k: float(row[(horizon, k)]) for k in ("estimate", "se", "z", "p")
            }
    out = {
        "model": args.model,
        "fe": args.fe,
        "dlag": args.dlag,
        "bias_corrected": bool(res.bias_corrected),
        "n": res.N,
        "t": res.T,
        "nobs": res.nobs,
        "loglik": res.loglik,
        "sigma2": res.sigma2,
        "stationary": bool(res.stationary),
        "stationarity_modulus": res.stationarity_modulus,
        "coefficients": {nm: _stat(float(res.params[nm]), float(res.std_errors[nm])) for nm in res.params.index},
        "effects": effects,
        "draws": args.draws,
        "seed": args.seed,
        "tests_skipped": {"specification tests": "not defined for dynamic models"},
        "warnings": sorted({str(c.message) for c in caught}),
    }
    write_json(out, args.out)
    return 0
