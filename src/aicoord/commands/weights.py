"""``aicoord weights``: build a provincial spatial weights matrix and write it as an N×N CSV."""

from __future__ import annotations

from ..io import write_csv


def add_arguments(p):
    p.add_argument("--kind", required=True, choices=["queen", "rook", "knn", "distance"])
    p.add_argument("--k", type=int, default=4, help="neighbours for --kind knn (default 4)")
    p.add_argument("--power", type=float, default=1.0, help="distance decay power for --kind distance")
    p.add_argument("--cutoff-km", type=float, default=None, help="zero weight beyond this distance")
    p.add_argument("--island-links", choices=["default", "none"], default="default",
                   help="contiguity: link Hainan to Guangdong (default) or leave it an island")
    p.add_argument("--raw", action="store_true", help="write the raw matrix instead of the row-standardised one")
    p.add_argument("--out", required=True, help="N×N CSV; first column and header are province codes")


def run(args) -> int:
    from ..weights import build_weights, standardize, to_dense_frame

    spec = {"kind": args.kind, "k": args.k, "power": args.power, "cutoff_km": args.cutoff_km,
            "island_links": None if args.island_links == "default" else {}}
    gdf = None
    if args.kind in ("queen", "rook"):
        from ..geometry import load_provinces

        gdf = load_provinces()
    w = build_weights(spec, gdf)
    write_csv(to_dense_frame(w if args.raw else standardize(w)), args.out, index=True, float_format="%.17g")
    return 0
