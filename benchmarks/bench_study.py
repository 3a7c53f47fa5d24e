"""Benchmark the whole default study at one level: wall time and peak memory (a script, not a test).

Run from the repository root::

    .venv/bin/python benchmarks/bench_study.py --level prefecture [--cores 2] [--keep DIR]

A fresh study folder is made as a user has it (the repository's ``data/`` and ``config/config.default.yaml``,
and a ``config/config.yaml`` that sets only ``study.level``), and the repository's Snakefile is run on it with
``snakemake --cores N``, exactly as the README's quick start does, so every default of that level applies
(permutations, draws, every table, figure and the verdict). While it runs, the resident memory of the whole
process tree (Snakemake and every job it starts) is sampled every 0.2 s with ``psutil``; the peak of the
sum is reported, with the wall time, the CPU time of the tree, the number of jobs, the size of ``results/``
(and of the eigen-decomposition cache ``.cache/``, outside it) with its largest files, and the machine's load
average at the start and the end (other work on the machine slows the run; the load says how much), the
longest jobs with their wall times from Snakemake's log, and the jobs with the largest memory (the peak of each
job's own process tree, named by its log file) with the jobs that were running at the moment of the peak.
``--timeout`` stops Snakemake and every job it started (they run in a process group of their own).
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import resource
import shutil
import subprocess
import sys
import tempfile
import time

import psutil
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]


def make_study(path: pathlib.Path, level: str) -> pathlib.Path:
    """A fresh study folder at ``level``: the repository's data and default configuration."""
    path.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "data", path / "data")
    (path / "config").mkdir()
    shutil.copy(ROOT / "config/config.default.yaml", path / "config/config.default.yaml")
    (path / "config/config.yaml").write_text(yaml.safe_dump({"study": {"level": level}}), encoding="utf-8")
    return path


def tree_rss(proc: psutil.Process) -> int:
    """Resident memory (bytes) of ``proc`` and all its descendants."""
    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def _job_name(proc: psutil.Process) -> str | None:
    """The log file of the Snakemake job that ``proc`` runs (``logs/...log``), or None for another process.

    Every rule runs ``scripts/step.py`` through a temporary copy under ``.snakemake/scripts/``, which holds the
    job's pickled ``snakemake`` object in plain bytes: its first ``logs/*.log`` path names the job."""
    import re

    try:
        script = re.search(r"[^\s'\"]*\.snakemake/scripts/[^\s'\"]+\.py", " ".join(proc.cmdline()))
        if script is None:
            return None
        path = pathlib.Path(script.group())
        if not path.is_absolute():
            path = pathlib.Path(proc.cwd()) / path
        m = re.search(rb"logs/[\w/=.,+-]+?\.log", path.read_bytes())
    except (psutil.Error, OSError):
        return None
    return m.group().decode() if m else None


def tree_rss_by_job(proc: psutil.Process, names: dict[int, str | None]) -> tuple[int, dict[str, int]]:
    """Resident memory (bytes) of ``proc`` and all its descendants, and per Snakemake job (the process tree of
    each child of ``proc`` that runs a job, named by :func:`_job_name`; ``names`` caches each pid's name)."""
    try:
        children = proc.children()
    except psutil.NoSuchProcess:
        return 0, {}
    total, by_job = 0, {}
    try:
        total += proc.memory_info().rss
    except psutil.NoSuchProcess:
        pass
    for child in children:
        rss = tree_rss(child)
        total += rss
        if child.pid not in names:
            names[child.pid] = _job_name(child)
        if names[child.pid] is not None:
            by_job[names[child.pid]] = by_job.get(names[child.pid], 0) + rss
    return total, by_job


def run(level: str, cores: int, workdir: pathlib.Path, timeout: float | None = None) -> dict:
    make_study(workdir, level)
    cmd = [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(ROOT / "Snakefile"),
        "--directory",
        str(workdir),
        "--cores",
        str(cores),
    ]
    load0 = os.getloadavg()
    t0 = time.perf_counter()
    with open(workdir / "snakemake.log", "w", encoding="utf-8") as log:
        # a session of its own, so that a timeout stops Snakemake and every job it started (the whole group)
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        ps = psutil.Process(proc.pid)
        peak = 0
        stopped = False
        jobs_peak: dict[str, int] = {}  # a job's log file -> the peak resident memory of its process tree
        names: dict[int, str | None] = {}
        at_peak: list[str] = []
        while proc.poll() is None:
            total, by_job = tree_rss_by_job(ps, names)
            if total > peak:
                peak, at_peak = total, sorted(by_job)
            for job, rss in by_job.items():
                jobs_peak[job] = max(jobs_peak.get(job, 0), rss)
            if timeout is not None and time.perf_counter() - t0 > timeout:
                _stop_group(proc)
                stopped = True
                break
            time.sleep(0.2)
    wall = time.perf_counter() - t0
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)  # Snakemake and every job it waited for
    text = (workdir / "snakemake.log").read_text(encoding="utf-8", errors="replace")
    jobs = text.count("Finished jobid")
    return {
        "level": level,
        "returncode": proc.returncode,
        "stopped_at_timeout": stopped,
        "wall_s": round(wall, 1),
        "wall": f"{int(wall // 60)} min {wall % 60:.0f} s",
        "peak_rss_mb": round(peak / 2**20),
        "jobs": jobs,
        "cores": cores,
        "load_start": [round(x, 1) for x in load0],
        "load_end": [round(x, 1) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        "results_mb": round(_size(workdir / "results") / 2**20, 1),
        "cache_mb": round(_size(workdir / ".cache") / 2**20, 1),
        "cpu_s": round(cpu.ru_utime + cpu.ru_stime, 1),
        "largest_results_mb": _largest(workdir / "results"),
        "slowest_jobs_s": slowest_jobs(text),
        "largest_jobs_mb": {
            job: round(rss / 2**20) for job, rss in sorted(jobs_peak.items(), key=lambda kv: -kv[1])[:10]
        },
        "jobs_at_peak": at_peak,
        "verdict": (workdir / "results/tables/verdict.csv").exists(),
        "paper_tables": (workdir / "results/paper/tables.docx").exists(),
        "workdir": str(workdir),
    }


def slowest_jobs(log: str, most: int = 12) -> dict:
    """The ``most`` longest jobs of a Snakemake log, ``"rule (wildcards)" -> seconds`` from the time stamp
    printed before a job starts to the one printed before ``Finished jobid: N`` (wall time, whole seconds:
    with other jobs and other work beside them, an upper bound of the job's own time)."""
    import re
    from datetime import datetime

    stamp, start, names, took = None, {}, {}, {}
    rule = None
    for line in log.splitlines():
        m = re.match(r"^\[(\w{3} \w{3} +\d+ [\d:]+ \d{4})\]$", line)
        if m:
            stamp = datetime.strptime(m.group(1), "%a %b %d %H:%M:%S %Y")
            continue
        m = re.match(r"^(?:local)?rule (\w+):$", line)
        if m:
            rule = m.group(1)
            continue
        m = re.match(r"^\s+jobid: (\d+)$", line)
        if m and rule is not None and stamp is not None:
            start[m.group(1)], names[m.group(1)] = stamp, rule
            continue
        m = re.match(r"^\s+wildcards: (.*)$", line)
        if m and rule is not None and start:
            last = list(start)[-1]
            names[last] = f"{names[last]} ({m.group(1)})"
            continue
        m = re.match(r"^Finished jobid: (\d+)", line)
        if m and m.group(1) in start and stamp is not None:
            took[names[m.group(1)]] = int((stamp - start[m.group(1)]).total_seconds())
    return dict(sorted(took.items(), key=lambda kv: -kv[1])[:most])


def _stop_group(proc: subprocess.Popen, grace: float = 30.0) -> None:
    """Stop Snakemake and every job of its process group: SIGTERM (Snakemake marks its jobs incomplete),
    then SIGKILL for what is left after ``grace`` seconds."""
    import signal

    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def _largest(folder: pathlib.Path, most: int = 8) -> dict:
    """The ``most`` largest files under ``folder``: path relative to it -> MB."""
    if not folder.exists():
        return {}
    files = sorted((p for p in folder.rglob("*") if p.is_file()), key=lambda p: -p.stat().st_size)[:most]
    return {str(p.relative_to(folder)): round(p.stat().st_size / 2**20, 1) for p in files}


def _size(folder: pathlib.Path) -> int:
    """Bytes of the files under ``folder`` (0 when it does not exist)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--level", choices=["province", "prefecture", "county"], default="province")
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument(
        "--keep",
        type=pathlib.Path,
        default=None,
        help="study folder to create and keep (default: a temporary folder, removed afterwards)",
    )
    ap.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="stop the study after this many seconds and report how far it got (jobs, peak, sizes)",
    )
    args = ap.parse_args(argv)
    if args.keep is not None:
        if args.keep.exists():
            ap.error(f"{args.keep} exists; give a new folder")
        out = run(args.level, args.cores, args.keep, args.timeout)
    else:
        with tempfile.TemporaryDirectory(prefix=f"aicoord_study_{args.level}_") as tmp:
            out = run(args.level, args.cores, pathlib.Path(tmp) / "study", args.timeout)
    print(json.dumps(out, indent=2))
    if out["returncode"] != 0:
        print(
            f"snakemake failed (exit {out['returncode']}); see snakemake.log in the study folder "
            "(use --keep DIR to keep it)",
            file=sys.stderr,
        )
    return int(out["returncode"] != 0)


if __name__ == "__main__":
    sys.exit(main())
