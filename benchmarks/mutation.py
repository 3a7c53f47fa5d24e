"""Mutation testing of the numerical core with mutmut, one module at a time.

Not part of the test suite or CI (a full pass takes hours on two shared cores). Each module is mutated
in its own work directory ``build/mutation/<module>/`` and only the tests that mirror it are run against
its mutants (``inequality`` -> ``tests/test_inequality.py``, ``panel.fixed`` -> ``tests/panel/test_fixed.py``
and the R and published comparisons, ...: ``MODULES``), with ``-m "not slow"`` and without the
command-line and workflow tests. The base mutmut settings
are ``[tool.mutmut]`` in ``pyproject.toml``; this script overrides only the file to mutate and the test
selection for each module.

Mutants judged equivalent (no test can tell them from the original) are listed, with the reason, in
``benchmarks/mutation_equivalent.tsv``; the score excludes them:

    score = killed / (killed + survived + no tests - equivalent)

timeouts count as killed (the mutant changed behaviour so much that the tests did not finish).

Where a full pass would take too long (the panel engine: thousands of mutants at a few a minute), ``--sample K``
checks a simple random sample of K of each file's mutants (or of the fraction K when K < 1), drawn with a fixed
seed from all its mutants (not mutmut's own order, which runs the mutants with the fastest tests first and so is
not representative). The sample is kept in ``build/mutation/<module>/sample.txt``; a larger ``--sample`` later
extends it with new mutants. ``--summary`` then reports each file's sample score with a 95% Wilson interval, and,
for the files together, the estimate weighted by each file's number of mutants. The module ``panel`` is the whole
engine in one work directory, sampled against all of ``tests/panel/`` (``PANEL_ALL``); the module ``reporting`` is
every file of ``study/``, ``paper/`` and ``steps/`` in one work directory, sampled against ``tests/study/``,
``tests/paper/`` and ``tests/steps/`` (``REPORTING_TESTS``; no workflow study is run).

Usage
-----
    nice -n 15 python benchmarks/mutation.py inequality convergence   # run (resumes where it stopped)
    nice -n 15 python benchmarks/mutation.py --recheck inequality     # rerun the survivors after new tests
    python benchmarks/mutation.py --summary                           # score table of every module run
    python benchmarks/mutation.py --survivors inequality               # names and diffs of the survivors
    nice -n 15 python benchmarks/mutation.py --sample 40 panel.fixed   # a seeded random sample of 40 mutants
    nice -n 15 python benchmarks/mutation.py --sample 0.1 panel.fixed  # ... of a tenth of the mutants
    nice -n 15 python benchmarks/mutation.py --sample 0.04 reporting  # study/, paper/ and steps/: 4% of each file
    nice -n 15 python benchmarks/mutation.py --sample 0.005 --no-check reporting   # redraw draw 1 (seeded), unchecked
    nice -n 15 python benchmarks/mutation.py --sample 0.010 --only-new reporting   # check only the new draw 2
    nice -n 15 python benchmarks/mutation.py --check-draw 4 reporting  # the unchecked mutants of a recorded draw
    nice -n 15 python benchmarks/mutation.py --sample 0.03 --files 'src/aicoord/study/*' reporting  # one part only
    nice -n 15 python benchmarks/mutation.py --rerun-hung reporting   # mutants stopped by SIGKILL, in fresh processes
    nice -n 15 python benchmarks/mutation.py --confirm-survivors --draw 9 --jobs 2 reporting  # survivors vs all tests
    nice -n 15 python benchmarks/mutation.py --fresh weights          # start over (needed after a run was
                                                                      # interrupted while generating mutants)

Hung workers: mutmut forks each mutant's worker from a process that has imported the tests, and a worker can
deadlock after the fork (no CPU used, a futex wait); mutmut's wall-clock timer would then record it as a timeout,
that is as caught. A watchdog stops every worker that used no CPU for ``--hang-seconds`` (default 120) and runs
the mutant's tests again in a fresh process under a wall-clock limit (``rerun_hung``; recorded in
``build/mutation/<module>/reruns.tsv``); a timeout recorded for a worker that was idle when it ended is checked
again the same way. A draw restricted with ``--files`` looks for weak spots; it is not an estimate of the
module's score.

A plain ``mutmut run`` in the repository root uses ``[tool.mutmut]`` as it stands: the whole core against
the union of the mirrored tests, in ``mutants/``.

Requires ``pip install -e '.[mutation]'`` (mutmut 3.8.1).
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import math
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "build" / "mutation"
EQUIVALENT = ROOT / "benchmarks" / "mutation_equivalent.tsv"

#: module -> (file to mutate, tests that mirror it)
MODULES: dict[str, tuple[str, list[str]]] = {
    "inequality": ("src/aicoord/inequality.py", ["tests/test_inequality.py"]),
    "convergence": ("src/aicoord/convergence.py", ["tests/test_convergence.py"]),
    "weights": ("src/aicoord/weights.py", ["tests/test_weights.py", "tests/test_weights_io.py"]),
    "autocorrelation": ("src/aicoord/autocorrelation.py", ["tests/test_autocorrelation.py"]),
    "markov": ("src/aicoord/markov.py", ["tests/test_markov.py"]),
}
#: panel modules -> the test files of tests/panel/ that mirror them (all of tests/panel/ made every
#: surviving mutant of a shared function run some 400 tests: days on two cores); the Monte Carlo
#: file and the command-line tests are never run against mutants
PANEL_MIRRORS = {
    "_numeric": ["test_numeric.py", "test_errors.py", "test_random.py"],
    "_optim": ["test_optim.py"],
    "bayes": ["test_bayes.py"],
    "data": ["test_data.py", "test_input_checks.py", "test_errors.py"],
    "diagnostics": ["test_diagnostics.py"],
    "dynamic": ["test_dynamic.py"],
    "dynamic_results": ["test_dynamic.py"],
    "effects": ["test_effects.py", "test_weights_by_year.py"],
    "effects_delta": ["test_effects_delta.py"],
    "fixed": ["test_fixed.py", "test_cigar_vs_r.py", "test_published.py", "test_vs_spreg.py"],
    "inference": ["test_inference.py"],
    "model": ["test_model.py", "test_cigar_vs_r.py", "test_errors.py", "test_input_checks.py"],
    "random": ["test_random.py"],
    "results": ["test_results.py"],
    "unbalanced": ["test_unbalanced.py"],
    "wmatrix": ["test_wmatrix.py", "test_effects.py", "test_weights_by_year.py"],
}
for _name, _files in PANEL_MIRRORS.items():
    MODULES[f"panel.{_name}"] = (f"src/aicoord/panel/{_name}.py", [f"tests/panel/{f}" for f in _files])
#: the test selection of a sampled panel module (``--sample``): every test of tests/panel/ but the command-line,
#: Monte Carlo and benchmark-script files. The mirrors are too narrow for the engine's shared code (a mutant of
#: ``SpatialPanel.__init__`` that turned the Lee-Yu correction off survived its mirrors, test_fixed.py catches it),
#: and mutmut runs only the tests that reach the mutated function, so with a sample the survivors' cost is bounded.
PANEL_ALL = [
    "tests/panel/",
    "--ignore=tests/panel/test_cli_and_errors.py",
    "--ignore=tests/panel/test_dynamic_cli.py",
    "--ignore=tests/panel/test_monte_carlo.py",
    "--ignore=tests/panel/test_bare_baseline.py",
]
#: the whole engine in one work directory (one statistics run of the tests instead of sixteen), for ``--sample``:
#: the sample is stratified by file and ``--summary`` reports each file's score
MODULES["panel"] = ([f"src/aicoord/panel/{name}.py" for name in PANEL_MIRRORS], PANEL_ALL)

#: the study's reporting (issue 22): every module of the study, the paper's tables and the workflow's steps in one
#: work directory, sampled (``--sample``, stratified by file) against their own tests; never the workflow, command-line
#: or Monte Carlo tests (whole Snakemake studies, minutes each)
REPORTING_DIRS = ("study", "paper", "steps")
REPORTING_TESTS = [
    "tests/study/",
    "tests/paper/",
    "tests/steps/",
    "tests/test_seed.py",
    "--ignore=tests/study/test_study_false_positive.py",
]
MODULES["reporting"] = (
    sorted(str(p.relative_to(ROOT)) for d in REPORTING_DIRS for p in (ROOT / "src/aicoord" / d).glob("*.py")),
    REPORTING_TESTS,
)

KILLED = {1, 3, 36, 24, -24, 152, 255, 37}  # failing test, pytest error, timeout, type check
TIMEOUT = {36, 24, -24, 152, 255}


def _toml_value(value) -> str:
    return json.dumps(value)  # JSON strings, numbers and lists of them are valid TOML


def _pyproject_for(module: str, sampled: bool = False) -> str:
    """The repository's pyproject.toml with ``[tool.mutmut]`` narrowed to one module (and its mirrored tests,
    or, for a sampled panel module, :data:`PANEL_ALL`)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    base = tomllib.loads(text)["tool"]["mutmut"]
    tests = PANEL_ALL if sampled and module.startswith("panel.") else MODULES[module][1]
    settings = dict(base, only_mutate=_paths(module), pytest_add_cli_args_test_selection=tests)
    # tests/helpers.py reads the workflow tests' configuration overlay (.test/config/config.yaml) at import, and
    # every test module imports it through tests/conftest.py: without it pytest stops with a usage error (exit 4)
    settings["also_copy"] = [*base.get("also_copy", []), ".test/config/"]
    if module == "reporting":  # the step tests validate configurations against workflow/schemas/
        settings["also_copy"] = [*settings["also_copy"], "workflow/"]
    text = re.sub(r"(?ms)^\[tool\.mutmut\]\n.*?(?=^\[|\Z)", "", text)
    lines = ["[tool.mutmut]"] + [f"{key} = {_toml_value(val)}" for key, val in settings.items()]
    return text.rstrip() + "\n\n" + "\n".join(lines) + "\n"


def _workdir(module: str, sampled: bool = False) -> Path:
    """Prepare ``build/mutation/<module>/``: links to src, tests, config, data, workflow and .test plus its
    pyproject."""
    work = WORK / module
    work.mkdir(parents=True, exist_ok=True)
    for name in ("src", "tests", "config", "data", "workflow", ".test"):
        link = work / name
        if not link.is_symlink():
            link.symlink_to(ROOT / name, target_is_directory=True)
    (work / "pyproject.toml").write_text(_pyproject_for(module, sampled), encoding="utf-8")
    return work


def _env(work: Path) -> dict[str, str]:
    env = dict(os.environ)
    # The mutated copy must exist before Python starts: a PYTHONPATH entry that is missing at start-up
    # is cached as "no importer" and the tests would then import the unmutated package.
    (work / "mutants" / "src").mkdir(parents=True, exist_ok=True)
    env["PYTHONPATH"] = str(work / "mutants" / "src")
    env.setdefault("OMP_NUM_THREADS", "1")
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    env.setdefault("MKL_NUM_THREADS", "1")
    return env


def _mutmut(work: Path, *args: str, hang_seconds: float = 0) -> int:
    """Run mutmut in ``work``; for ``run`` with ``hang_seconds`` > 0, under the no-progress watchdog
    (:func:`_watch`), and with every mutant it stopped checked again in a fresh process (:func:`rerun_hung`)."""
    cmd = [sys.executable, "-m", "mutmut", *args]
    print(f"[{work.name}] {' '.join(cmd)}", flush=True)
    if not (args and args[0] == "run" and hang_seconds > 0):
        return subprocess.call(cmd, cwd=work, env=_env(work))
    proc = subprocess.Popen(cmd, cwd=work, env=_env(work))
    stopped: list[str] = []
    idle: list[str] = []
    thread = threading.Thread(target=_watch, args=(proc, hang_seconds, stopped, idle), daemon=True)
    thread.start()
    rc = proc.wait()
    thread.join()
    # a worker that mutmut's timer stopped while it used no CPU was hung too: its "timeout" is no verdict
    codes = exit_codes(work.name)
    again = stopped + [n for n in dict.fromkeys(idle) if codes.get(n) in TIMEOUT and n not in stopped]
    if again:
        rerun_hung(work.name, again, timeout=max(4 * hang_seconds, 300))
    return rc


# --- hung workers -------------------------------------------------------------------------------------------------
# mutmut 3.8.1 runs each mutant in a child forked from the process that imported pytest and the tests (its default
# "fork" isolation), named "mutmut: <mutant>" by setproctitle. It limits the child's CPU time, and a timer thread
# sends it SIGXCPU after (estimated test time + timeout_constant) x timeout_multiplier seconds of wall time, which
# mutmut records as a timeout: a mutant "caught". A child that deadlocks after the fork (a lock held by another
# thread of the parent at the moment of the fork; seen as a futex wait with no CPU used) is then counted as caught
# although its tests never ran. The watchdog below stops a child whose CPU time (its own and its descendants')
# has not moved for ``--hang-seconds``, and :func:`rerun_hung` runs that mutant's tests again in a fresh process.

#: exit code recorded for a mutant whose fresh rerun also ran out of time (mutmut's code for "timeout")
RERUN_TIMEOUT = 36


def _proc_children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def _cpu_ticks(pid: int) -> int | None:
    """CPU clock ticks used by ``pid`` and its descendants (live ones and those already waited for)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # after the name: fields[11:15] are utime, stime, cutime, cstime (proc(5) fields 14-17)
    ticks = sum(int(f) for f in fields[11:15])
    return ticks + sum(t for c in _proc_children(pid) if (t := _cpu_ticks(c)) is not None)


def _title(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def stalled(history: dict[int, tuple[int, float]], ticks: dict[int, int], now: float, limit: float) -> list[int]:
    """Update ``history`` (pid -> (CPU ticks, time they last changed)) with the workers' current ``ticks`` and
    return the pids whose ticks have not changed for ``limit`` seconds or more. Pids no longer running leave
    ``history``."""
    for pid in list(history):
        if pid not in ticks:
            del history[pid]
    out = []
    for pid, t in ticks.items():
        last, since = history.get(pid, (None, now))
        if last != t:
            history[pid] = (t, now)
        elif now - since >= limit:
            out.append(pid)
    return out


def _watch(proc: subprocess.Popen, limit: float, stopped: list[str], idle: list[str], every: float = 5.0) -> None:
    """Stop (SIGKILL) mutmut's mutant workers that used no CPU for ``limit`` seconds; their mutants are appended
    to ``stopped`` (mutmut records exit code -9 for them). Workers that ended after using no CPU for their last
    ``3 * every`` seconds or more (stopped by mutmut's own wall-clock timer, say) are appended to ``idle``."""
    history: dict[int, tuple[int, float]] = {}
    names: dict[int, str] = {}
    while proc.poll() is None:
        workers = {c: _title(c) for c in _proc_children(proc.pid)}
        workers = {c: t.split("mutmut: ", 1)[1].split()[0] for c, t in workers.items() if t.startswith("mutmut: ")}
        names.update(workers)
        ticks = {c: t for c in workers if (t := _cpu_ticks(c)) is not None}
        now = time.monotonic()
        idle += [names[pid] for pid, (_, since) in history.items() if pid not in ticks and now - since >= 3 * every]
        for pid in stalled(history, ticks, now, limit):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                continue
            print(f"[watchdog] {workers[pid]}: no CPU used for {limit:.0f} s; stopped (pid {pid})", flush=True)
            stopped.append(workers[pid])
            history.pop(pid, None)
        time.sleep(every)


def _meta_of(module: str, name: str) -> Path | None:
    for p in _paths(module):
        meta = WORK / module / "mutants" / (p + ".meta")
        if meta.exists() and name in json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]:
            return meta
    return None


def rerun_verdict(returncode: int | None) -> tuple[int, str]:
    """The exit code recorded for a fresh rerun of a mutant's tests (``None``: the rerun ran out of time) and its
    status: pytest 1 (a test failed) or 3 (internal error) killed, 0 survived, 5 no tests, anything else as
    mutmut reads it."""
    if returncode is None:
        return RERUN_TIMEOUT, "timeout"
    status = {0: "survived", 1: "killed", 3: "killed", 5: "no tests", 33: "no tests"}
    return returncode, status.get(returncode, f"exit {returncode}")


def rerun_hung(module: str, names: list[str], timeout: float) -> dict[str, str]:
    """Run each mutant's tests again in a fresh Python process (not forked from mutmut), with the mutant active
    (``MUTANT_UNDER_TEST``, read by mutmut's trampolines in ``mutants/src``), mutmut's own pytest options and a
    wall-clock ``timeout``; record the outcome in the module's ``.meta`` files (:func:`rerun_verdict`) and in
    ``build/mutation/<module>/reruns.tsv``. Returns mutant name -> status."""
    work = WORK / module
    stats = json.loads((work / "mutants" / "mutmut-stats.json").read_text(encoding="utf-8"))
    cfg = tomllib.loads((work / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    out = {}
    for name in names:
        mangled = re.sub(r"__mutmut_\d+$", "", name)
        tests = sorted(stats["tests_by_mangled_function_name"].get(mangled, []), key=stats["duration_by_test"].get)
        print(
            f"[{module}] rerun of {name} in a fresh process ({len(tests)} tests, at most {timeout:.0f} s)", flush=True
        )
        returncode, seconds = _fresh_pytest(work, name, [*tests, *cfg.get("pytest_add_cli_args", [])], timeout)
        code, status = rerun_verdict(returncode if tests else 33)
        print(f"[{module}] rerun of {name}: {status} ({seconds:.0f} s)", flush=True)
        if not status.startswith("exit"):  # e.g. pytest's usage error (4): left as it was
            _record_exit_code(module, name, code)
        with open(work / "reruns.tsv", "a", encoding="utf-8") as fh:
            fh.write(f"{name}\t{status}\t{code}\t{len(tests)} tests\t{seconds:.0f} s\n")
        out[name] = status
    return out


def _fresh_pytest(work: Path, name: str, args: list[str], timeout: float) -> tuple[int | None, float]:
    """Run pytest with ``args`` in ``work``'s mutated copy, in a fresh process with the mutant ``name`` active
    (``MUTANT_UNDER_TEST``, read by mutmut's trampolines in ``mutants/src``), stopping at the first failure:
    (pytest's exit code, or None when it ran out of ``timeout`` seconds; the wall time)."""
    cmd = [sys.executable, "-m", "pytest", "--rootdir=.", "--tb=line", "-x", "-q", "-p", "no:randomly", *args]
    env = dict(_env(work), MUTANT_UNDER_TEST=name)
    start = time.monotonic()
    try:
        res = subprocess.run(cmd, cwd=work / "mutants", env=env, timeout=timeout, capture_output=True, text=True)
        returncode = res.returncode
    except subprocess.TimeoutExpired:
        returncode = None
    return returncode, time.monotonic() - start


def _record_exit_code(module: str, name: str, code: int) -> None:
    """Write ``code`` as the mutant's exit code in the module's ``.meta`` file (where mutmut keeps it)."""
    meta = _meta_of(module, name)
    if meta is not None:
        data = json.loads(meta.read_text(encoding="utf-8"))
        data["exit_code_by_key"][name] = code
        meta.write_text(json.dumps(data, indent=4), encoding="utf-8")


def confirm_survivors(module: str, names: list[str], jobs: int, timeout: float) -> dict[str, str]:
    """Run the module's whole test selection (not only the tests mutmut credited to the mutated function) against
    each surviving mutant, in a fresh process with ``jobs`` pytest-xdist workers, stopping at the first failure.

    mutmut runs, for a mutant, only the tests during which its function was called when it gathered its statistics.
    A function called while a module- or session-scoped fixture was built is credited to the first test that asked
    for the fixture only, so every later test that reads the fixture's result is never run against the mutant: a
    mistake the suite catches can be recorded as surviving. A mutant that fails the whole selection here is
    recorded as killed (exit code 1, ``confirm`` in ``reruns.tsv``); one that passes it stays a survivor."""
    work = WORK / module
    cfg = tomllib.loads((work / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    selection = cfg.get("pytest_add_cli_args_test_selection", [])
    out = {}
    for name in names:
        print(f"[{module}] {name}: the whole test selection (at most {timeout:.0f} s)", flush=True)
        args = ["-n", str(jobs), *selection, *cfg.get("pytest_add_cli_args", [])]
        returncode, seconds = _fresh_pytest(work, name, args, timeout)
        code, status = rerun_verdict(returncode)
        print(f"[{module}] {name}: {status} by the whole selection ({seconds:.0f} s)", flush=True)
        if status == "killed":
            _record_exit_code(module, name, code)
        with open(work / "reruns.tsv", "a", encoding="utf-8") as fh:
            fh.write(f"{name}\tconfirm: {status}\t{code}\twhole selection\t{seconds:.0f} s\n")
        out[name] = status
    return out


def _paths(module: str) -> list[str]:
    paths = MODULES[module][0]
    return [paths] if isinstance(paths, str) else list(paths)


def exit_codes(module: str, path: str | None = None) -> dict[str, int | None]:
    """Mutant name -> mutmut exit code, read from the module's ``.meta`` files (of one file: ``path``)."""
    out = {}
    for p in [path] if path else _paths(module):
        meta = WORK / module / "mutants" / (p + ".meta")
        if meta.exists():
            out.update(json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"])
    return out


def equivalent() -> dict[str, str]:
    """Mutant name -> reason it is equivalent, from ``benchmarks/mutation_equivalent.tsv``."""
    if not EQUIVALENT.exists():
        return {}
    out = {}
    for line in EQUIVALENT.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, reason = line.split("\t", 1)
            out[name.strip()] = reason.strip()
    return out


def sample_names(module: str, draw: int | None = None) -> list[str]:
    """The module's sampled mutants (``--sample``), or [] when it was run in full; with ``draw``, only
    those added by that draw (``draws/<draw>.txt``: the first sample is draw 1, each extension the next)."""
    path = WORK / module / ("sample.txt" if draw is None else f"draws/{draw}.txt")
    return path.read_text(encoding="utf-8").split() if path.exists() else []


def draws(module: str) -> list[int]:
    """Numbers of the module's recorded draws."""
    folder = WORK / module / "draws"
    return sorted(int(p.stem) for p in folder.glob("*.txt")) if folder.exists() else []


def draw_sample(module: str, size: float, seed: int, files: list[str] | None = None) -> list[str]:
    """A random sample of the module's mutants, stratified by file: ``size`` of each file's mutants, or, for
    ``size`` < 1, that fraction of them (rounded up); the same for the same seed and mutants. An earlier,
    smaller sample of the module is kept and extended; with ``files`` (shell patterns of paths), only the
    samples of the files matching them are."""
    before = sample_names(module)
    seen = set(before)
    chosen = list(before)
    for path in _paths(module):
        if files and not any(fnmatch.fnmatch(path, f) for f in files):
            continue
        names = sorted(exit_codes(module, path))
        want = math.ceil(size * len(names)) if size < 1 else min(int(size), len(names))
        have = [n for n in names if n in seen]
        rest = [n for n in names if n not in seen]
        random.Random(f"{seed}:{module}:{path}").shuffle(rest)
        chosen += rest[: max(want - len(have), 0)]
    (WORK / module / "sample.txt").write_text("\n".join(chosen) + "\n", encoding="utf-8")
    added = chosen[len(before) :]
    if added:  # each draw is a simple random sample of the mutants not drawn before: scored on its own, it
        # estimates the score of the suite as it stood when the draw was first run
        folder = WORK / module / "draws"
        folder.mkdir(exist_ok=True)
        number = (draws(module) or [0])[-1] + 1
        (folder / f"{number}.txt").write_text("\n".join(added) + "\n", encoding="utf-8")
    return chosen


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """95% Wilson score interval of a proportion k/n."""
    if n == 0:
        return float("nan"), float("nan")
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def survivors(module: str, judged: bool = False) -> list[str]:
    """The module's surviving mutants; with ``judged``, without those judged equivalent."""
    equiv = equivalent() if judged else {}
    return sorted(name for name, code in exit_codes(module).items() if code in (0, 5, 33) and name not in equiv)


def summary(module: str, sampled: bool = False, path: str | None = None, draw: int | None = None) -> dict:
    """Counts and score of the module's mutants (of one file: ``path``); of its sample only with ``sampled``
    (of one draw of the sample with ``draw``)."""
    codes = exit_codes(module, path)
    if sampled:
        codes = {n: codes[n] for n in sample_names(module, draw) if n in codes}
    equiv = equivalent()
    counts = {
        "mutants": len(codes),
        "killed": 0,
        "timeout": 0,
        "survived": 0,
        "no_tests": 0,
        "not_checked": 0,
        "equivalent": 0,
    }
    for name, code in codes.items():
        if code in TIMEOUT:
            counts["timeout"] += 1
        elif code in KILLED:
            counts["killed"] += 1
        elif code is None:
            counts["not_checked"] += 1
        elif name in equiv:
            counts["equivalent"] += 1
        elif code == 0:
            counts["survived"] += 1
        else:
            counts["no_tests"] += 1
    caught = counts["killed"] + counts["timeout"]
    judged = caught + counts["survived"] + counts["no_tests"]
    counts["score"] = caught / judged if judged else float("nan")
    return counts


def print_sampled(modules: list[str], draw: int | None = None) -> None:
    """Score table of the sampled modules, with 95% Wilson intervals, and the estimate for them together
    (each module's sample score weighted by its number of mutants; stratified-sampling standard error);
    of one draw of the samples with ``draw``."""
    sampled = [m for m in modules if sample_names(m, draw)]
    if not sampled:
        return
    print()
    if draw is not None:
        print(f"draw {draw} of the sample only")
    print(
        "| sampled module | mutants | sample | killed | timeout | survived | no tests | equivalent | not checked "
        "| score | 95% interval |"
    )
    print("|" + "---|" * 11)
    weight = estimate = variance = 0.0
    for module in sampled:
        strata = (
            [(module, None)]
            if len(_paths(module)) == 1
            else [
                (f"{module}: {Path(p).parent.name + '/' if module == 'reporting' else ''}{Path(p).stem}", p)
                for p in _paths(module)
            ]
        )
        for label, path in strata:
            s = summary(module, sampled=True, path=path, draw=draw)
            n_all = len(exit_codes(module, path))
            caught = s["killed"] + s["timeout"]
            judged = caught + s["survived"] + s["no_tests"]
            lo, hi = wilson(caught, judged)
            score = f"{s['score']:.1%} | {lo:.1%}-{hi:.1%}" if judged else "- | -"
            print(
                f"| {label} | {n_all} | {s['mutants']} | {s['killed']} | {s['timeout']} | {s['survived']} | "
                f"{s['no_tests']} | {s['equivalent']} | {s['not_checked']} | {score} |"
            )
            if judged:
                p = caught / judged
                weight += n_all
                estimate += n_all * p
                variance += n_all**2 * p * (1 - p) / judged
    if weight:
        est, se = estimate / weight, math.sqrt(variance) / weight
        print(
            f"\nestimated score of the sampled modules together: {est:.1%} (95% interval "
            f"{est - 1.96 * se:.1%}-{min(est + 1.96 * se, 1):.1%})"
        )


def print_summary(modules: list[str], draw: int | None = None) -> None:
    head = "| module | mutants | killed | timeout | survived | no tests | equivalent | not checked | score |"
    print(head)
    print("|" + "---|" * 9)
    total = dict.fromkeys(("mutants", "killed", "timeout", "survived", "no_tests", "equivalent", "not_checked"), 0)
    for module in modules:
        s = summary(module)
        if not s["mutants"]:
            continue
        for key in total:
            total[key] += s[key]
        print(
            f"| {module} | {s['mutants']} | {s['killed']} | {s['timeout']} | {s['survived']} | "
            f"{s['no_tests']} | {s['equivalent']} | {s['not_checked']} | {s['score']:.1%} |"
        )
    caught = total["killed"] + total["timeout"]
    judged = caught + total["survived"] + total["no_tests"]
    if judged:
        print(
            f"| **all** | {total['mutants']} | {total['killed']} | {total['timeout']} | {total['survived']} | "
            f"{total['no_tests']} | {total['equivalent']} | {total['not_checked']} | {caught / judged:.1%} |"
        )
    if draw is None:
        print_sampled(modules)
        for number in sorted({d for m in modules for d in draws(m)}):
            print_sampled(modules, number)
    else:
        print_sampled(modules, draw)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help=f"modules to run (default: all): {', '.join(MODULES)}")
    parser.add_argument(
        "--recheck", action="store_true", help="rerun only the surviving mutants (not those judged equivalent)"
    )
    parser.add_argument("--summary", action="store_true", help="print the score table and stop")
    parser.add_argument(
        "--draw", type=int, metavar="N", help="with --summary: the scores of the Nth draw of the samples only"
    )
    parser.add_argument("--survivors", action="store_true", help="show the surviving mutants and stop")
    parser.add_argument("--fresh", action="store_true", help="discard earlier results of these modules")
    parser.add_argument(
        "--sample",
        type=float,
        metavar="K",
        help="check a seeded random sample of each module's mutants instead of all: K of them, "
        "or, for K below 1, that fraction of them (rounded up)",
    )
    parser.add_argument("--seed", type=int, default=20261202, help="seed of --sample (default %(default)s)")
    parser.add_argument("--jobs", type=int, default=1, help="mutants run at once (default %(default)s)")
    parser.add_argument(
        "--only-new",
        action="store_true",
        help="with --sample: check only the mutants this draw adds (an earlier draw scored in "
        "another work directory, redrawn here by its seed, stays unchecked)",
    )
    parser.add_argument(
        "--no-check",
        action="store_true",
        help="with --sample: record the draw (sample.txt, draws/N.txt) and check none of it",
    )
    parser.add_argument(
        "--check-draw",
        type=int,
        metavar="N",
        help="check the mutants of the recorded draw N not checked yet (a draw recorded by a run that stopped "
        "before checking it)",
    )
    parser.add_argument(
        "--files",
        action="append",
        metavar="PATTERN",
        help="with --sample: extend the samples of the files matching this shell pattern of their paths only "
        "(repeatable; e.g. 'src/aicoord/study/*'), to look for weak spots in part of a module without drawing the rest",
    )
    parser.add_argument(
        "--hang-seconds",
        type=float,
        default=120.0,
        metavar="S",
        help="stop a mutant's worker that used no CPU for S seconds (a deadlock after mutmut's fork) and check the "
        "mutant again in a fresh process; 0 turns the watchdog off (default %(default)s)",
    )
    parser.add_argument(
        "--rerun-hung",
        action="store_true",
        help="check again, each in a fresh process, the mutants stopped by SIGKILL (exit code -9: by the watchdog "
        "of an interrupted run, or by hand), and stop",
    )
    parser.add_argument(
        "--rerun",
        action="append",
        metavar="MUTANT",
        default=[],
        help="check this mutant again in a fresh process (repeatable), and stop",
    )
    parser.add_argument(
        "--confirm-survivors",
        action="store_true",
        help="run the whole test selection against each surviving mutant (of --draw N only, if given) and record "
        "those it kills (confirm_survivors), and stop",
    )
    args = parser.parse_args(argv)
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        parser.error(f"unknown module(s) {', '.join(unknown)}; choose from {', '.join(MODULES)}")
    modules = args.modules or list(MODULES)
    if args.summary:
        print_summary(modules, args.draw)
        return 0
    if args.rerun_hung or args.rerun:
        for module in modules:
            codes = exit_codes(module)
            names = [n for n in args.rerun if n in codes]
            names += [n for n, code in sorted(codes.items()) if args.rerun_hung and code == -9 and n not in names]
            if names:
                work = _workdir(module, sampled=bool(sample_names(module)))
                # the tests as they stand, as mutmut copies them at the start of each run
                shutil.copytree(ROOT / "tests", work / "mutants" / "tests", dirs_exist_ok=True)
                rerun_hung(module, names, timeout=max(4 * args.hang_seconds, 300))
        return 0
    if args.confirm_survivors:
        for module in modules:
            equiv = equivalent()
            pool = sample_names(module, args.draw) if args.draw is not None else list(exit_codes(module))
            codes = exit_codes(module)
            names = [n for n in pool if codes.get(n) == 0 and n not in equiv]
            if names:
                work = _workdir(module, sampled=bool(sample_names(module)))
                shutil.copytree(ROOT / "tests", work / "mutants" / "tests", dirs_exist_ok=True)
                confirm_survivors(module, names, jobs=args.jobs, timeout=max(4 * args.hang_seconds, 900))
        return 0
    if args.survivors:
        for module in modules:
            for name in survivors(module, judged=True):
                _mutmut(_workdir(module, sampled=bool(sample_names(module))), "show", name)
        return 0
    for module in modules:
        work = _workdir(module, sampled=bool(args.sample or sample_names(module)))
        if args.fresh and (work / "mutants").exists():
            shutil.rmtree(work / "mutants")
        if args.check_draw is not None:
            codes = exit_codes(module)
            todo = [n for n in sample_names(module, args.check_draw) if codes.get(n) is None]
            print(f"[{module}] {len(todo)} mutants of draw {args.check_draw} to check", flush=True)
            if todo:
                _mutmut(work, "run", "--max-children", str(args.jobs), *todo, hang_seconds=args.hang_seconds)
        elif args.recheck:
            names = survivors(module, judged=True)
            if names:
                # keep the list: tests/MUTATION.md names the test that kills each of them
                with open(work / "survivors_before_recheck.txt", "a", encoding="utf-8") as fh:
                    fh.write("\n".join(names) + "\n")
                _mutmut(work, "run", "--max-children", str(args.jobs), *names, hang_seconds=args.hang_seconds)
        elif args.sample:
            if not exit_codes(module):
                # generates the mutants and mutmut's test statistics, then stops: no mutant has this name
                rc = _mutmut(
                    work,
                    "run",
                    "--max-children",
                    str(args.jobs),
                    "aicoord.x_none__mutmut_0",
                    hang_seconds=args.hang_seconds,
                )
                # mutmut exits with 1 after its statistics when no mutant has the name (the normal end here); the
                # statistics file is written only when the statistics run passed
                if rc and not (work / "mutants" / "mutmut-stats.json").exists():
                    # e.g. the statistics run failed: drawing now would record a draw no run can score
                    print(f"[{module}] mutmut stopped with exit code {rc}; nothing drawn", flush=True)
                    return rc
            codes = exit_codes(module)
            before = set(sample_names(module))
            todo = [
                n
                for n in draw_sample(module, args.sample, args.seed, args.files)
                if codes.get(n) is None and not (args.only_new and n in before)
            ]
            if args.no_check:
                todo = []
            print(f"[{module}] {len(todo)} sampled mutants to check", flush=True)
            if todo:
                _mutmut(work, "run", "--max-children", str(args.jobs), *todo, hang_seconds=args.hang_seconds)
        else:
            _mutmut(work, "run", "--max-children", str(args.jobs), hang_seconds=args.hang_seconds)
    print_summary(modules)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
