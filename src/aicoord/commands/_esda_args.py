"""Arguments shared by ``aicoord moran`` and ``aicoord lisa``."""

from __future__ import annotations

from contextlib import contextmanager

from ..errors import InputError
from ..limits import MAX_PERMUTATIONS
from ._types import int_in


def add_common(p):
    p.add_argument("--data", required=True, help="CSV or .xlsx with one row per province")
    p.add_argument("--id", required=True, help="column with province names or codes (any accepted form)")
    p.add_argument("--var", required=True, help="numeric column to analyse")
    p.add_argument(
        "--weights",
        default="queen",
        help="queen, rook, knn:K, distance[:POWER], or an N×N CSV (first column and header = ids)",
    )
    p.add_argument(
        "--permutations",
        type=int_in(1, MAX_PERMUTATIONS, "--permutations"),
        default=99_999,
        help=f"random permutations for the pseudo p-values (1 to {MAX_PERMUTATIONS:,})",
    )
    p.add_argument("--seed", type=int_in(0, 2**32 - 1, "--seed"), default=12345)
    p.add_argument(
        "--allow-negative", action="store_true", help="accept negative weights in a weights file (refused by default)"
    )
    p.add_argument("--out", required=True)


@contextmanager
def located(args):
    """Give a data error of the statistics (e.g. a constant variable) the file and column it comes from."""
    try:
        yield
    except InputError as exc:
        if exc.file is not None:
            raise
        raise InputError(exc.message, file=args.data, column=args.var, hint=exc.hint) from None


def load(args):
    """Return (values in weights order, raw weights)."""
    from ..contract import read_province_table
    from ..weights_io import resolve_weights

    data = read_province_table(args.data, args.id, [args.var])
    w = resolve_weights(args.weights, allow_negative=args.allow_negative)
    if not w.sparse.nnz or not w.sparse.data.any():  # named here: the statistics would blame the data's column
        raise InputError(
            "the weights matrix is all zero: no unit has a neighbour, so spatial autocorrelation is undefined",
            file=args.weights,
            hint="give a matrix with links between units",
        )
    return data.loc[w.id_order, args.var].to_numpy(), w
