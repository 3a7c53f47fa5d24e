"""Glue for ``scripts/*.py``: send a step's warnings and errors to its Snakemake log file."""

from __future__ import annotations

import logging
import sys
import traceback
import warnings
from contextlib import contextmanager

__all__ = ["logged"]


@contextmanager
def logged(log_path):
    """Write warnings, log records and any traceback of the block to ``log_path``, then re-raise."""
    with open(log_path, "w", encoding="utf-8") as fh:
        handler = logging.StreamHandler(fh)
        logging.getLogger().addHandler(handler)
        logging.getLogger().setLevel(logging.INFO)

        def _show(message, category, filename, lineno, file=None, line=None):
            fh.write(warnings.formatwarning(message, category, filename, lineno, line))

        old_show, old_err = warnings.showwarning, sys.stderr
        warnings.showwarning, sys.stderr = _show, fh
        try:
            yield
        except BaseException:
            fh.write(traceback.format_exc())
            raise
        finally:
            warnings.showwarning, sys.stderr = old_show, old_err
            logging.getLogger().removeHandler(handler)
