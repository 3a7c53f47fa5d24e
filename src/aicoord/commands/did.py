"""``aicoord did``: staggered spatial difference-in-differences from a long panel to a folder of results.

The treatment is either a column of first treated years (``--treatment-year COL``; empty or 0 = never
treated) or the shipped AI pilot zones (``--pilot-zones prefecture|county``: unit ids are 6-digit codes,
approval by ``--cutoff-month`` counts for that year). Writes ``event_study.csv``
(estimator,event_time,estimate,se,ci_low,ci_high), ``att.csv``, ``spillover.csv`` (term,estimate,se,ci_low,ci_high),
``diagnostics.json`` and ``event_study.png`` (atomic writes: no half-written folder on failure).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError
from ._types import int_in

__all__ = ["add_arguments", "run", "run_did"]


def add_arguments(parser):
    """Add the did options to an argparse parser."""
    parser.add_argument("--data", required=True, help="panel in long format (CSV or .xlsx)")
    parser.add_argument("--id", required=True, help="unit id column")
    parser.add_argument("--time", required=True, help="period column (years)")
    parser.add_argument("--y", required=True, help="outcome")
    parser.add_argument("--x", nargs="*", default=[], help="covariates")
    grp = parser.add_mutually_exclusive_group(required=True)
    grp.add_argument("--treatment-year", metavar="COL", help="column with the first treated year (empty = never)")
    grp.add_argument(
        "--pilot-zones",
        choices=["prefecture", "county"],
        help="treat the shipped AI pilot zones (unit ids are administrative codes)",
    )
    parser.add_argument(
        "--cutoff-month",
        type=int_in(1, 12, "--cutoff-month"),
        default=6,
        help="approval by this month counts for that year, later for the next (default 6)",
    )
    parser.add_argument(
        "--deqing",
        choices=["drop", "treat", "control"],
        default="drop",
        help="prefecture level: Huzhou (德清县's prefecture) dropped (default), treated or control",
    )
    parser.add_argument("--weights", help="weights file for W*D and the SDM-DID (N x N, from,to,weight, .gal/.gwt)")
    parser.add_argument(
        "--coords", help="CSV id,lon,lat for the distance bands (default: the level's centroids with --pilot-zones)"
    )
    parser.add_argument(
        "--bands", nargs="*", type=float, default=[0, 100, 200, 300], help="band edges in km (default 0 100 200 300)"
    )
    parser.add_argument(
        "--placebo",
        type=int_in(0, 100_000, "--placebo"),
        default=500,
        help="random treatment timings of the placebo (default 500; 0 = none)",
    )
    parser.add_argument(
        "--bootstrap",
        type=int_in(0, 100_000, "--bootstrap"),
        default=0,
        help="wild cluster bootstrap replications for the static TWFE (default 0 = off)",
    )
    parser.add_argument("--no-sdm", action="store_true", help="skip the SDM-DID")
    parser.add_argument("--seed", type=int, default=1, help="seed of the placebo, bootstrap and effect draws")
    parser.add_argument("--out", required=True, help="output folder")


def run(args) -> int:
    """Read the inputs, run every estimator and write the outputs."""
    from ..contract import read_long_panel
    from ..io import read_table

    data = read_long_panel(args.data, args.id, args.time, list(dict.fromkeys([args.y, *args.x])), provinces=False)
    if args.treatment_year:
        raw = read_table(args.data)
        if args.treatment_year not in raw.columns:
            raise InputError(
                f"column '{args.treatment_year}' not found",
                file=args.data,
                row=1,
                hint=f"headers are: {', '.join(map(str, raw.columns))}",
            )
        g = pd.to_numeric(raw[args.treatment_year], errors="coerce")
        bad = np.flatnonzero(raw[args.treatment_year].notna().to_numpy() & g.isna().to_numpy())
        if len(bad):
            raise InputError(
                f"'{raw[args.treatment_year].iloc[bad[0]]}' is not a year",
                file=args.data,
                row=int(bad[0]) + 2,
                column=args.treatment_year,
                hint="write the first treated year (e.g. 2020) or leave it empty for never treated",
            )
        data["_g"] = g.fillna(0).astype(int).to_numpy()
        dropped = []
    else:
        from ..did import pilot_cohorts

        cohorts, dropped = pilot_cohorts(args.pilot_zones, args.cutoff_month, args.deqing)
        ids = data[args.id].astype(str).str.strip()
        data["_g"] = ids.map(cohorts).fillna(0).astype(int).to_numpy()
        data = data[~ids.isin(dropped)].reset_index(drop=True)
        if not (data["_g"] > 0).any():
            raise InputError(
                "no unit of the panel is a pilot zone",
                file=args.data,
                column=args.id,
                hint=f"--pilot-zones {args.pilot_zones} needs 6-digit codes such as 110100 (北京)",
            )
    if not (data["_g"] > 0).any():
        raise InputError("no unit is ever treated", file=args.data, column=args.treatment_year)
    n_u, n_t = data[args.id].nunique(), data[args.time].nunique()
    if len(data) != n_u * n_t:
        full = pd.MultiIndex.from_product([sorted(data[args.id].unique()), sorted(data[args.time].unique())])
        gap = full.difference(pd.MultiIndex.from_frame(data[[args.id, args.time]]))[0]
        raise InputError(
            f"the panel is unbalanced: unit '{gap[0]}' has no row for period {gap[1]} "
            f"({len(data)} rows for {n_u} units x {n_t} periods)",
            file=args.data,
            column=args.time,
            hint="the DID estimators here need every unit in every period: add the rows or drop the unit",
        )
    if data.groupby(args.id)["_g"].nunique().max() > 1:
        bad = data.groupby(args.id)["_g"].nunique().idxmax()
        raise InputError(
            f"the treatment year of unit '{bad}' differs between its rows",
            file=args.data,
            column=args.treatment_year,
            hint="give every row of a unit the same first treated year",
        )
    W = coords = None
    ids = sorted(data[args.id].unique())
    if args.weights:
        from ..weights_io import read_weights_frame

        frame = read_weights_frame(args.weights, provinces=False)
        missing = [i for i in ids if i not in frame.index]
        if missing:
            raise InputError(
                f"{len(missing)} unit(s) of the data are not in the weights matrix: {missing[0]}",
                file=args.weights,
                hint="give a matrix over every unit of --data",
            )
        extra = sorted(set(frame.index) - set(ids) - set(dropped))
        if extra:
            raise InputError(
                f"{len(extra)} unit(s) of the weights matrix are not in the data: {extra[0]}",
                file=args.weights,
                hint="drop them from the matrix or add them to the data",
            )
        W = frame.loc[ids, ids].to_numpy(float)  # the dropped units (Huzhou) leave the matrix
        rs = W.sum(1, keepdims=True)
        W = np.divide(W, rs, out=np.zeros_like(W), where=rs > 0)
    if args.coords:
        c = read_table(args.coords)
        for col in ("id", "lon", "lat"):
            if col not in c.columns:
                raise InputError(f"column '{col}' not found", file=args.coords, row=1, hint="columns: id,lon,lat")
        c["id"] = c["id"].astype(str).str.strip()
        missing = sorted(set(map(str, ids)) - set(c["id"]))
        if missing:
            raise InputError(f"no coordinates for unit '{missing[0]}'", file=args.coords, column="id")
        coords = c.set_index("id").loc[list(map(str, ids)), ["lon", "lat"]].to_numpy(float)
    elif args.pilot_zones:
        from ..geometry import load_units

        u = load_units(args.pilot_zones).set_index("code")
        if set(map(str, ids)) <= set(u.index):
            coords = u.loc[list(map(str, ids)), ["lon", "lat"]].to_numpy(float)
    if len(args.bands) < 2 or any(b <= a for a, b in zip(args.bands, args.bands[1:])):
        raise InputError(f"--bands must be increasing edges, not {args.bands}", hint="e.g. --bands 0 100 200 300")
    bands = list(zip(args.bands[:-1], args.bands[1:]))
    res = run_did(
        data,
        args.id,
        args.time,
        args.y,
        "_g",
        list(args.x),
        W=W,
        coords=coords,
        bands=bands,
        placebo_reps=args.placebo,
        bootstrap=args.bootstrap,
        seed=args.seed,
        sdm=not args.no_sdm,
    )
    res["diagnostics"].update(
        dropped_units=dropped,
        cutoff_month=args.cutoff_month,
        treatment=args.treatment_year or f"pilot zones ({args.pilot_zones})",
    )
    write_outputs(res, args.out)
    return 0


def run_did(
    data,
    unit,
    time,
    y,
    g,
    x,
    *,
    W=None,
    coords=None,
    bands=((0, 100), (100, 200), (200, 300)),
    placebo_reps=500,
    bootstrap=0,
    seed=1,
    sdm=True,
) -> dict:
    """Every estimator, the spillover terms and the checks on one panel (see :mod:`aicoord.did`).

    Returns a dict of frames ``event_study``, ``att``, ``spillover`` and the dict ``diagnostics``."""
    from .. import did

    d = data.sort_values([unit, time]).reset_index(drop=True)
    ids = sorted(d[unit].unique())
    periods = sorted(d[time].unique())
    if len(d) != len(ids) * len(periods):
        raise InputError(
            f"the panel is unbalanced ({len(d)} rows for {len(ids)} units x {len(periods)} periods)",
            hint="the DID estimators here need every unit in every period",
        )
    D = ((d[g] > 0) & (d[time] >= d[g])).to_numpy(float).reshape(len(ids), len(periods))
    xs = list(x)
    spill_rows, diag = (
        [],
        {
            "n_units": len(ids),
            "periods": [int(periods[0]), int(periods[-1])],
            "cohorts": {str(k): int(v) for k, v in d.groupby(unit)[g].first().value_counts().sort_index().items()},
        },
    )
    if W is not None:
        d["W*D"] = did.exposure(W, D).ravel()
        xs_w = [*xs, "W*D"]
    else:
        xs_w = xs
    es_rows, att_rows = [], []

    def add_es(name, t):
        es_rows.append(t.assign(estimator=name))

    tw = did.twfe(d, unit, time, y, g, xs_w)
    att_rows.append(dict(estimator="twfe", control="never+not-yet (implicit)", sample="all", **tw.loc["D"]))
    t, _ = did.twfe_event_study(d, unit, time, y, g, xs_w)
    add_es("twfe", t)
    # joint pre-trend test on the leads -2, -3 and -4 (earlier years binned into -4): with every lead, each
    # estimated from a cohort or two of a few units, the cluster-robust Wald test over-rejects (README)
    pre_twfe = did.twfe_event_study(d, unit, time, y, g, xs_w, window=(-4, None))[1]
    for ctrl in ("never_treated", "not_yet_treated"):
        t, ov, cs_res = did.callaway_santanna(d, unit, time, y, g, xs, control=ctrl)
        if ctrl == "never_treated":
            add_es("callaway_santanna", t)
            try:
                diag["honest_did"] = did.honest_did(cs_res, M=1.0)
            except (ValueError, np.linalg.LinAlgError) as exc:  # e.g. too few pre-periods
                diag["honest_did"] = {"skipped": str(exc)[:200]}
        else:
            add_es("callaway_santanna_notyet", t)
        att_rows.append(dict(estimator="callaway_santanna", control=ctrl, sample="all", **ov))
    t, ov, _ = did.sun_abraham(d, unit, time, y, g, xs_w)
    add_es("sun_abraham", t)
    att_rows.append(dict(estimator="sun_abraham", control="never_treated", sample="all", **ov))
    t, ov, pre_imp, _ = did.imputation(d, unit, time, y, g, xs_w)
    add_es("imputation", t)
    att_rows.append(dict(estimator="imputation", control="untreated obs", sample="all", **ov))
    for c in sorted(k for k in d[g].unique() if k > 0):  # leave one cohort out
        sub = d[d[g] != c]
        if (sub[g] > 0).any():
            _, ov, _, _ = did.imputation(sub, unit, time, y, g, xs_w)
            att_rows.append(dict(estimator="imputation", control="untreated obs", sample=f"without cohort {c}", **ov))
    bac = did.bacon(d, unit, time, y, g)
    diag["bacon"] = {k: v for k, v in bac.items() if k != "comparisons"}
    diag["bacon"]["comparisons"] = bac["comparisons"].to_dict(orient="records")
    diag["pretrend"] = {"twfe": pre_twfe, "imputation": pre_imp}
    if W is not None:
        for term in ("D", "W*D"):
            spill_rows.append(dict(term=term if term == "W*D" else "D (with W*D)", **tw.loc[term]))
    if coords is not None:
        from ..weights import great_circle_km

        ex = did.band_exposures(great_circle_km(np.asarray(coords)), D, bands)
        for k, v in ex.items():
            d[k] = v.ravel()
        tb = did.twfe(d, unit, time, y, g, [*xs, *ex])
        spill_rows += [dict(term=k, **tb.loc[k]) for k in ex]
        diag["bands_km"] = [list(b) for b in bands]
    if sdm and W is not None:
        from ..errors import EstimationError

        d["D"] = D.ravel()
        try:
            spill_rows += did.sdm_did(d, unit, time, y, "D", W, ids, xs, seed=seed).to_dict(orient="records")
        except EstimationError as exc:  # the other estimates stand; the reason is recorded
            diag["sdm_skipped"] = exc.message if hasattr(exc, "message") else str(exc)
    if placebo_reps:
        pl = did.placebo(d, unit, time, y, g, xs_w, reps=placebo_reps, seed=seed)
        diag["placebo"] = {k: v for k, v in pl.items() if k != "draws"}
    if bootstrap:
        diag["wild_bootstrap"] = did.wild_cluster_bootstrap(d, unit, time, y, g, xs_w, reps=bootstrap, seed=seed)
    diag["notes"] = (
        [
            "W*D enters TWFE, Sun-Abraham and the imputation estimator; Callaway-Sant'Anna uses "
            "pre-treatment covariates only, so W*D is not among its covariates"
        ]
        if W is not None
        else []
    )
    es = pd.concat(es_rows, ignore_index=True)[["estimator", "event_time", "estimate", "se", "ci_low", "ci_high"]]
    cols = ["term", "estimate", "se", "ci_low", "ci_high"]
    return {
        "event_study": es,
        "att": pd.DataFrame(att_rows)[["estimator", "control", "sample", "estimate", "se", "ci_low", "ci_high"]],
        "spillover": pd.DataFrame(spill_rows, columns=cols),
        "diagnostics": diag,
    }


def write_outputs(res: dict, out) -> None:
    """Write the CSVs, the JSON and the figure of :func:`run_did` into the folder ``out``."""
    from pathlib import Path

    from ..io import atomic_path, write_csv, write_json

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_csv(res["event_study"], out / "event_study.csv")
    write_csv(res["att"], out / "att.csv")
    write_csv(res["spillover"], out / "spillover.csv")
    write_json(res["diagnostics"], out / "diagnostics.json")
    fig = event_study_figure(res["event_study"], note=res["diagnostics"].get("note"))
    with atomic_path(out / "event_study.png") as tmp:
        fig.savefig(tmp, format="png", dpi=150, metadata={"Software": None})
    import matplotlib.pyplot as plt

    plt.close(fig)


def event_study_figure(es: pd.DataFrame, note=None):
    """Event-study plot: one line with 95% intervals per estimator, offset horizontally."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..plotting import use_cjk_font

    use_cjk_font()  # the note may be Chinese (模拟数据)
    fig, ax = plt.subplots(figsize=(7, 4))
    names = list(dict.fromkeys(es["estimator"]))
    for k, name in enumerate(names):
        t = es[es["estimator"] == name].sort_values("event_time")
        off = (k - (len(names) - 1) / 2) * 0.08
        ax.errorbar(
            t["event_time"] + off,
            t["estimate"],
            yerr=[t["estimate"] - t["ci_low"], t["ci_high"] - t["estimate"]],
            fmt="o-",
            ms=3,
            capsize=2,
            lw=1,
            label=name,
        )
    ax.axhline(0, color="grey", lw=0.8)
    ax.axvline(-0.5, color="grey", lw=0.8, ls="--")
    ax.set_xlabel("event time (years since treatment)")
    ax.set_ylabel("effect")
    ax.legend(fontsize=7)
    fig.tight_layout(rect=(0, 0.06 if note else 0, 1, 1))
    if note:
        fig.text(0.01, 0.01, note, fontsize=7, color="0.3", wrap=True)
    return fig
