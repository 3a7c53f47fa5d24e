"""Error types that tell the user where bad input sits and how to fix it."""

from __future__ import annotations

__all__ = ["InputError"]


class InputError(ValueError):
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
        super().__init__(text)
