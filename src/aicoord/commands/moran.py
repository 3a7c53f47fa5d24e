"""``aicoord moran``: global Moran's I (with Geary's C and General G) of one variable, as JSON."""

from __future__ import annotations

from ._esda_args import add_common, load, located


def add_arguments(p):
    """Add the options of ``aicoord moran`` to its parser ``p``."""
    add_common(p)


def run(args) -> int:
    """Run ``aicoord moran`` with parsed ``args``; returns the exit status (0)."""
    from ..autocorrelation import global_autocorrelation
    from ..io import write_json

    y, w = load(args)
    with located(args):
        res = global_autocorrelation(y, w, permutations=args.permutations, seed=args.seed)
    res.update(
        {
            "variable": args.var,
            "weights": args.weights,
            "data": str(args.data),
            "note": "p_norm, p_rand two-sided; p_sim one-sided permutation pseudo p-value (esda)",
        }
    )
    write_json(res, args.out)
    return 0
