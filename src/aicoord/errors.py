"""Error types of aicoord, each with its own exit status on the command line and in the workflow.

* :class:`InputError` (exit status 2): bad *input* -- a file, a cell, a configuration entry or an
  argument -- located as precisely as possible (file, row, column) with a hint how to fix it.
* :class:`EstimationError` (exit status 3): *numerical* trouble with valid input -- an optimiser
  that did not converge, a singular information matrix, a spatial parameter on the bound of its
  admissible interval -- with a hint what to try.

Both derive from :class:`AicoordError`, which the command line and the Snakemake script adapter
(:mod:`aicoord.runner`) turn into one clean message without a traceback.
"""

from __future__ import annotations

__all__ = ["AicoordError", "InputError", "EstimationError", "listed", "one_line"]


#: longest run without a space (a file name, a column name, a cell echoed in a message) kept in a message, and
#: longest message: a 100,000-character name must not make a 300 KB error line
MAX_TOKEN, MAX_MESSAGE = 400, 2000


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else f"{text[: limit - 40]}...[{len(text) - limit + 40:,} characters cut]"


def one_line(text: str) -> str:
    """``text`` with control characters and line or paragraph separators (which a cell of a user's file may
    hold) written as escapes such as ``\\x1e``, so that every message stays ONE line; an echoed value longer
    than :data:`MAX_TOKEN` characters and a message longer than :data:`MAX_MESSAGE` are cut."""
    import re
    import unicodedata

    text = "".join(repr(ch)[1:-1] if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in str(text))
    text = re.sub(rf"\S{{{MAX_TOKEN + 1},}}", lambda m: _cut(m.group(0), MAX_TOKEN), text)
    return _cut(text, MAX_MESSAGE)


def listed(values) -> str:
    """``values`` as a Python list literal of plain values (``[80, 81]``, ``['Ohio']``), whatever the
    container and element types: NumPy scalars would otherwise print as ``np.int64(80)`` in a message."""
    return "[" + ", ".join(repr(v.item() if hasattr(v, "item") and hasattr(v, "dtype") else v) for v in values) + "]"


class AicoordError(Exception):
    """Base class of the errors that aicoord reports as one clean message.

    Attributes
    ----------
    exit_code : int
        Exit status of the command line and of a workflow script for this error.
    """

    exit_code = 1
    kind = "error"


class InputError(AicoordError, ValueError):
    """Bad user input, located as precisely as possible.

    Parameters
    ----------
    message : str
        What is wrong.
    file : str, optional
        The file that holds the bad value.
    row : int, optional
        1-based line number in the file (the header is line 1), as a user sees it in an editor.
    column : str, optional
        The column name.
    hint : str, optional
        How to fix it.
    """

    exit_code = 2
    kind = "bad input"

    def __init__(self, message, *, file=None, row=None, column=None, hint=None):
        self.file = None if file is None else str(file)
        self.row = row
        self.column = column
        self.hint = hint
        self.message = message
        where = []
        if self.file is not None:
            where.append(f"file '{self.file}'")
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column '{column}'")
        text = (", ".join(where) + ": " if where else "") + message
        if hint:
            text += f" ({hint})"
        super().__init__(one_line(text))


class EstimationError(AicoordError, RuntimeError):
    """An estimator failed numerically on valid input.

    Raised for non-convergence of an optimiser, a singular information matrix (the model is not
    identified) and a spatial parameter estimated on the bound of its admissible interval.

    Parameters
    ----------
    message : str
        What failed.
    hint : str, optional
        What to try (another model, fewer regressors, another weights matrix, ...).
    """

    exit_code = 3
    kind = "estimation failed"

    def __init__(self, message, *, hint=None):
        self.message = message
        self.hint = hint
        super().__init__(one_line(message + (f" ({hint})" if hint else "")))
