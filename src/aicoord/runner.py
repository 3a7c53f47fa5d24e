"""Glue for ``scripts/*.py``: run one step function for Snakemake, with a log and clean errors.

Every script is::

    from aicoord.runner import step
    from aicoord.steps.esda import lisa

    with step(snakemake) as sm:
        lisa(sm.input.data, ..., sm.output[0], ...)

:func:`step` sends the step's warnings and log records to the rule's log file. When the step raises
one of the project's errors (:class:`aicoord.errors.AicoordError`: bad input, or an estimation that
failed) it prints ONE clean message -- where the problem is and what to do -- to standard error and
to the log, removes every output the job may have started, and exits with the error's status (2 for
bad input, 3 for an estimation failure), so that no traceback hides the message. Any other
exception is a bug: its traceback goes to the log and it is re-raised.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
import warnings
from contextlib import contextmanager

from .errors import AicoordError

__all__ = ["step", "clean_message"]


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
