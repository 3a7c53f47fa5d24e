"""Glue between Snakemake and the steps: run one step function for a rule, with a log and clean errors.

Every rule runs the one script ``scripts/step.py``, which calls :func:`run_rule`. The rule names its step
function in ``params: step="aicoord.steps.<rule file>.<rule>"`` and the step is called with the rule's other
named entries as keyword arguments of the same name (:func:`step_arguments`)::

    rule verdict:                                  # workflow/rules/study.smk
        input:
            baseline_json="results/study/baseline.json",
        output:
            out_csv="results/tables/verdict.csv",
        params:
            step="aicoord.steps.study.verdict",
            alpha=0.05,
        log:
            "logs/study/verdict.log",
        script:
            "../../scripts/step.py"

    # runs aicoord.steps.study.verdict(baseline_json=..., out_csv=..., alpha=0.05)

Wildcards reach a step only through a param (``params: name="{mechanism}"``); the log is the runner's.

:func:`step` sends the step's warnings and log records to the rule's log file. When the step raises
one of the project's errors (:class:`aicoord.errors.AicoordError`: bad input, or an estimation that
failed) it prints ONE clean message -- where the problem is and what to do -- to standard error and
to the log, removes every output the job may have started, and exits with the error's status (2 for
bad input, 3 for an estimation failure), so that no traceback hides the message. Any other
exception is a bug: its traceback goes to the log and it is re-raised.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import traceback
import warnings
from contextlib import contextmanager

from .errors import AicoordError

__all__ = ["step", "clean_message", "run_rule", "step_arguments", "STEP_PREFIX"]

#: Every rule's step function lives in a module of this package (``aicoord.steps.<rule file>``).
STEP_PREFIX = "aicoord.steps."


def clean_message(exc: AicoordError, where: str = "") -> str:
    """One line for the user: ``aicoord <where>: <kind>: <message with location and hint>``."""
    head = f"aicoord {where}: " if where else "aicoord: "
    return f"{head}{exc.kind}: {exc}"


def _remove_outputs(sm) -> None:
    for path in list(getattr(sm, "output", []) or []):
        paths = path if isinstance(path, (list, tuple)) else [path]
        for p in paths:
            if os.path.isfile(p):
                os.remove(p)


@contextmanager
def step(sm):
    """Run the block as the step of a Snakemake job ``sm`` (the ``snakemake`` object of a script).

    Yields ``sm``. See the module docstring for what happens on errors.
    """
    log_path = sm.log[0] if len(sm.log) else os.devnull
    os.makedirs(os.path.dirname(log_path) or ".", exist_ok=True)
    with open(log_path, "w", encoding="utf-8") as fh:
        handler = logging.StreamHandler(fh)
        logging.getLogger().addHandler(handler)
        logging.getLogger().setLevel(logging.INFO)

        def _show(message, category, filename, lineno, file=None, line=None):
            fh.write(warnings.formatwarning(message, category, filename, lineno, line))

        old_show = warnings.showwarning
        warnings.showwarning = _show
        try:
            yield sm
        except AicoordError as exc:
            msg = clean_message(exc, f"rule {sm.rule}")
            fh.write(msg + "\n")
            fh.flush()
            _remove_outputs(sm)
            print(msg, file=sys.stderr, flush=True)
            sys.exit(exc.exit_code)
        except BaseException:
            fh.write(traceback.format_exc())
            _remove_outputs(sm)
            raise
        finally:
            warnings.showwarning = old_show
            logging.getLogger().removeHandler(handler)


def _named(entries, kind: str, rule: str) -> dict:
    """The named entries of one of a job's Namedlists (input, output or params), each one a keyword argument:
    a single file as ``str``, a list of files as a ``list`` of ``str``, a param as it is. An unnamed entry is
    a mistake in the rule (a step has no positional arguments), reported with the fix."""
    names = dict(entries._names) if hasattr(entries, "_names") else {}
    covered = set()
    out = {}
    for name, (start, end) in names.items():
        covered.update(range(start, start + 1 if end is None else end))
        value = entries[start] if end is None else list(entries[start:end])
        if kind == "params":
            out[name] = value
        elif end is None:
            out[name] = str(value)
        else:
            out[name] = [str(v) for v in value]
    unnamed = [i for i in range(len(entries)) if i not in covered]
    if unnamed:
        raise TypeError(
            f"rule {rule}: {kind} entry {unnamed[0] + 1} has no name; every input, output and param "
            f"of a rule is a keyword argument of its step, so give it one ({kind}: name=...)"
        )
    return out


def step_arguments(sm) -> tuple[str, dict]:
    """The step function's dotted name and its keyword arguments for the Snakemake job ``sm``.

    The dotted name is ``params.step``; the arguments are the job's named input, output and params entries
    (``step`` left out), by name. A name used twice (an input and a param, say) is refused.
    """
    params = _named(sm.params, "params", sm.rule)
    target = params.pop("step", None)
    if not isinstance(target, str) or not target.startswith(STEP_PREFIX):
        raise TypeError(
            f"rule {sm.rule}: params.step must name its step function, "
            f'step="{STEP_PREFIX}<rule file>.{sm.rule}" (got {target!r})'
        )
    kwargs: dict = {}
    for kind, named in (
        ("input", _named(sm.input, "input", sm.rule)),
        ("output", _named(sm.output, "output", sm.rule)),
        ("params", params),
    ):
        twice = sorted(set(kwargs) & set(named))
        if twice:
            raise TypeError(
                f"rule {sm.rule}: {twice[0]!r} names both a {kind} entry and an earlier one; "
                "rename one of them (each name is one keyword argument of the step)"
            )
        kwargs.update(named)
    return target, kwargs


def run_rule(sm) -> None:
    """Run the step function of the Snakemake job ``sm`` (the ``snakemake`` object of ``scripts/step.py``)
    inside :func:`step`: ``params.step`` called with the job's named entries (:func:`step_arguments`)."""
    with step(sm):
        target, kwargs = step_arguments(sm)
        module, _, name = target.rpartition(".")
        getattr(importlib.import_module(module), name)(**kwargs)
