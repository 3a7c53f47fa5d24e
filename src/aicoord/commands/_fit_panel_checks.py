"""The checks of ``aicoord fit-panel``'s input and options, made before a model is fitted: an outcome the fixed
effects would wipe out, periods with gaps, and option combinations that do not go together (IV, inference and
weights, dynamic models). Each refusal is one :class:`~aicoord.errors.InputError` naming the option and the fix."""

from __future__ import annotations

import numpy as np

from ..errors import InputError

__all__ = [
    "check_outcome",
    "panel_gaps",
    "check_iv_options",
    "check_inference_options",
    "check_dynamic_options",
    "ERR_MODELS",
    "WX_MODELS",
]

#: the models with a spatial error term (``--w-error``) and with W*x terms (``--wx``, ``--w-x``)
ERR_MODELS, WX_MODELS = ("sem", "sac", "sdem"), ("sdm", "slx", "sdem")


def check_outcome(data, y, id_col, time_col, fe, path=None) -> None:
    """Refuse a dependent variable that is constant, or that the chosen fixed effects wipe out.

    Raises
    ------
    InputError
        ``the dependent variable '<y>' is constant ...`` (every effects choice), or ``... is wiped out by
        the <fe> fixed effects`` when it does not vary within units (individual, two-way), within
        periods (time, two-way), or is additive in unit and period (two-way).
    """
    v = data[y].to_numpy(dtype=float)
    if np.all(v == v[0]):
        raise InputError(
            f"the dependent variable '{y}' is constant ({v[0]:g} in every row); there is nothing to explain",
            file=path,
            column=y,
            hint="check the --y column",
        )
    scale = np.max(np.abs(v - v.mean()))
    if fe in ("individual", "time", "twoways"):
        d = data[[id_col, time_col]].copy()
        d["v"] = (v - v.mean()) / scale
        within = d["v"].copy()
        if fe in ("individual", "twoways"):
            within = within - d.groupby(id_col)["v"].transform("mean")
        if fe in ("time", "twoways"):
            within = within - d.assign(v=within).groupby(time_col)["v"].transform("mean")
        if np.max(np.abs(within.to_numpy())) <= 1e-12:
            what = {
                "individual": "does not vary within units",
                "time": "does not vary within periods",
                "twoways": "varies only between units and between periods",
            }[fe]
            raise InputError(
                f"the dependent variable '{y}' {what} and is wiped out by the {fe} fixed effects",
                file=path,
                column=y,
                hint="choose other fixed effects (--fe) or another --y",
            )


def panel_gaps(data, time_col, path):
    """The note on periods that are not consecutive in the file ``path`` (None when they are)."""
    from ..contract import check_consecutive_periods

    gaps = check_consecutive_periods(data[time_col].unique())
    if gaps:
        return (
            f"the periods of '{path}' are not consecutive: {', '.join(map(str, gaps))} missing; the "
            f"model treats the {data[time_col].nunique()} periods as a panel without regard to the gaps"
        )
    return None


def check_iv_options(args) -> bool:
    """Refuse IV options that do not go together; ``True`` when the fit is an IV fit."""
    endog, inst = getattr(args, "endog", None), getattr(args, "instruments", None)
    estimator = getattr(args, "estimator", None)
    if not endog and not inst:
        if estimator in ("2sls", "gmm"):
            raise InputError(f"--estimator {estimator} applies to IV fits only", hint="add --endog and --instruments")
        return False
    if not endog or not inst:
        raise InputError("an IV fit needs both --endog and --instruments")
    if estimator in ("ml", "mqml"):
        raise InputError(f"--estimator {estimator} does not apply to IV fits", hint="use 2sls (default) or gmm")
    if getattr(args, "cluster_bootstrap", None) is not None:
        raise InputError("--cluster-bootstrap does not apply to IV fits", hint="drop it or drop --endog/--instruments")
    if args.model not in ("sar", "sdm", "slx") or args.fe == "random":
        raise InputError(
            f"IV fits take --model sar, sdm or slx with --fe none, individual, time or twoways, "
            f"not --model {args.model} --fe {args.fe}"
        )
    if args.dlag is not None or args.lee_yu or args.w_error or args.w_x or args.weights_by_year:
        raise InputError(
            "--dlag, --lee-yu, --w-error, --w-x and --weights-by-year do not apply to IV fits",
            hint="drop them or drop --endog/--instruments",
        )
    if args.cov_type not in ("oim", "robust", "cluster"):
        raise InputError(
            f"--cov-type {args.cov_type} is not available for IV fits",
            hint="use oim (homoskedastic), robust or cluster",
        )
    if args.cluster is not None and args.cov_type != "cluster":
        raise InputError("--cluster applies to --cov-type cluster only", hint="add --cov-type cluster")
    if args.dk_lag is not None:
        raise InputError("--dk-lag applies to --cov-type driscoll-kraay only")
    return True


def check_inference_options(args) -> None:
    """Refuse inference and weights options that do not apply to the chosen model."""
    if args.cluster_bootstrap is not None and args.cov_type != "cluster":
        raise InputError(
            "--cluster-bootstrap applies to --cov-type cluster only",
            hint="add --cov-type cluster or drop --cluster-bootstrap",
        )
    if args.cluster is not None and args.cov_type != "cluster":
        raise InputError("--cluster applies to --cov-type cluster only", hint="add --cov-type cluster")
    if args.dk_lag is not None:
        if args.cov_type != "driscoll-kraay":
            raise InputError("--dk-lag applies to --cov-type driscoll-kraay only", hint="add --cov-type driscoll-kraay")
        if args.dk_lag < 0:
            raise InputError(f"--dk-lag must be 0 or more, not {args.dk_lag}")
    if args.w_error and args.model not in ERR_MODELS:
        raise InputError(
            f"--w-error applies to models with a spatial error term (sem, sac, sdem), not --model {args.model}",
            hint="drop --w-error or choose --model sem, sac or sdem",
        )
    if args.wx is not None and args.model not in WX_MODELS:
        raise InputError(
            f"--wx applies to models with W*x terms (sdm, slx, sdem), not --model {args.model}",
            hint="drop --wx or choose --model sdm, slx or sdem",
        )
    if args.w_x and args.model not in WX_MODELS:
        raise InputError(
            f"--w-x applies to models with W*x terms (sdm, slx, sdem), not --model {args.model}",
            hint="drop --w-x or choose --model sdm, slx or sdem",
        )
    if args.dlag is not None and (args.cov_type != "oim" or args.effects_se != "sim" or args.w_error or args.w_x):
        raise InputError(
            "--cov-type, --effects-se, --w-error and --w-x apply to static models only", hint="drop them or drop --dlag"
        )
    if args.cov_type != "oim" and args.fe == "random":
        raise InputError(
            f"--cov-type {args.cov_type} is not available for random effects",
            hint="use --cov-type oim, or fixed effects",
        )


def check_dynamic_options(args) -> None:
    """Refuse, before any file is read, the options a ``--dlag`` model does not take.

    Raises
    ------
    InputError
        One message for every model/effects pair other than ``--model sar|sdm`` with
        ``--fe individual|twoways`` (naming the pair given), and for ``--weights-by-year`` and
        ``--lee-yu``.
    """
    from ..panel.dynamic import EFFECTS, MODELS

    if args.fe not in EFFECTS or args.model not in MODELS:
        raise InputError(
            f"dynamic models are the SAR and SDM with individual or two-way effects, not "
            f"--model {args.model} --fe {args.fe}",
            hint="use --model sar|sdm --fe individual|twoways",
        )
    if args.weights_by_year:
        raise InputError("dynamic models need one weights matrix for all periods", hint="use --weights")
    if args.lee_yu:
        raise InputError(
            "--lee-yu does not apply to dynamic models: their bias correction is on by default",
            hint="drop --lee-yu (use --no-bias-correction for the raw QML)",
        )
