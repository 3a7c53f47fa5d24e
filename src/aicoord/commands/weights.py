"""``aicoord weights``: build a provincial spatial weights matrix and write it as an N×N CSV."""

from __future__ import annotations

import math
import sys

from ..errors import InputError
from ..io import write_csv
from ._types import int_in


def add_arguments(p):
    """Add the options of ``aicoord weights`` to its parser ``p``."""
    p.add_argument("--kind", required=True, choices=["queen", "rook", "knn", "distance"])
    p.add_argument("--k", type=int_in(1, 30, "--k"), default=4, help="neighbours for --kind knn (1 to 30, default 4)")
    p.add_argument(
        "--power",
        type=float,
        default=1.0,
        help="distance decay power for --kind distance (positive: weights fall with distance)",
    )
    p.add_argument("--cutoff-km", type=float, default=None, help="zero weight beyond this distance (positive)")
    p.add_argument(
        "--island-links",
        choices=["default", "none"],
        default="default",
        help="contiguity: link Hainan to Guangdong (default) or leave it an island",
    )
    p.add_argument("--raw", action="store_true", help="write the raw matrix instead of the row-standardised one")
    p.add_argument("--out", required=True, help="N×N CSV; first column and header are province codes")


def check_options(args) -> None:
    """Refuse the settings the configuration schema refuses (``power`` and ``cutoff_km`` positive and
    finite): a NaN power gives a NaN matrix, a negative one weights that grow with distance, a cutoff of zero
    or less an all-zero matrix.

    Raises
    ------
    InputError
        Naming the option and the value.
    """
    if not (math.isfinite(args.power) and args.power > 0):
        raise InputError(
            f"--power must be a positive number, not {args.power:g}",
            hint="1 for inverse distance, 2 for inverse squared distance; a power of 0 or less would "
            "give weights that do not fall with distance",
        )
    if args.cutoff_km is not None and not (math.isfinite(args.cutoff_km) and args.cutoff_km > 0):
        raise InputError(
            f"--cutoff-km must be a positive number of kilometres, not {args.cutoff_km:g}",
            hint="drop --cutoff-km to keep every pair, or give e.g. --cutoff-km 1000",
        )


def run(args) -> int:
    """Run ``aicoord weights`` with parsed ``args``; returns the exit status (0)."""
    import numpy as np
    import pandas as pd

    check_options(args)
    spec = {
        "kind": args.kind,
        "k": args.k,
        "power": args.power,
        "cutoff_km": args.cutoff_km,
        "island_links": None if args.island_links == "default" else {},
    }
    if args.kind in ("queen", "rook"):  # without libpysal, whose import alone took longer than all the rest
        from ..geometry import load_provinces
        from ..weights import contiguity_neighbors

        ids, nb = contiguity_neighbors(load_provinces(), args.kind, spec["island_links"])
        pos = {c: i for i, c in enumerate(ids)}
        mat = np.zeros((len(ids), len(ids)))
        for i, js in nb.items():
            mat[pos[i], [pos[j] for j in js]] = 1.0
        frame = pd.DataFrame(mat, index=pd.Index(ids, name="code"), columns=ids)
    else:
        from ..weights import build_weights, to_dense_frame

        frame = to_dense_frame(build_weights(spec))
    sums = frame.sum(axis=1)
    islands = list(frame.index[sums == 0])
    if islands and args.cutoff_km is not None:
        print(
            f"aicoord weights: warning: --cutoff-km {args.cutoff_km:g} leaves {len(islands)} province(s) without "
            f"neighbours ({', '.join(map(str, islands[:5]))}{' ...' if len(islands) > 5 else ''}); they get an "
            "all-zero row: raise the cutoff",
            file=sys.stderr,
        )
    if not args.raw:  # row-standardised as libpysal's transform "R": w / row sum (rows without links stay zero)
        frame = frame.div(sums.where(sums != 0, 1.0), axis=0)
    write_csv(frame, args.out, index=True, float_format="%.17g")
    return 0
