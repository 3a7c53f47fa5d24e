"""``aicoord lisa``: local Moran's I per province with quadrant, pseudo p-value and cluster, as CSV."""

from __future__ import annotations

from ..errors import InputError
from ._esda_args import add_common, load, located


def add_arguments(p):
    """Add the options of ``aicoord lisa`` to its parser ``p``."""
    add_common(p)
    p.add_argument("--alpha", type=float, default=0.05, help="significance level of the cluster labels")
    p.add_argument("--fdr", action="store_true", help="use the false-discovery-rate threshold")


def run(args) -> int:
    """Run ``aicoord lisa`` with parsed ``args``; returns the exit status (0)."""
    from ..autocorrelation import local_moran
    from ..io import write_csv

    if not 0 < args.alpha < 1:  # an option, not the data: checked before the data are blamed for anything
        raise InputError(f"--alpha must lie strictly between 0 and 1, not {args.alpha:g}", hint="e.g. --alpha 0.05")
    y, w = load(args)
    with located(args):
        res = local_moran(y, w, permutations=args.permutations, seed=args.seed, alpha=args.alpha, fdr=args.fdr)
    res = res.reset_index().rename(columns={"code": "id"})
    write_csv(res, args.out, float_format="%.10g")
    return 0
