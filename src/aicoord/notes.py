"""Provenance notes printed under every table and figure: the data source, and "simulated data"
(模拟数据) wherever simulated input reaches an output.

A note is written into the tidy data files themselves (their ``note`` column), and every table built
from them copies the note of the data it was built from (:func:`note_of`), never the configuration's.
"""

from __future__ import annotations

__all__ = ["SIMULATED_NOTE", "DEMO_SOURCE", "data_note", "note_of"]

#: The words that mark simulated data, by language.
SIMULATED_NOTE = {"zh": "模拟数据 (simulated data)", "en": "Simulated data"}

#: Source line of the demonstration panel (the word "simulated" is added by :func:`data_note`).
DEMO_SOURCE = "aicoord.simulate demonstration panel; only the 2023 AI index is real (Fang, Chang and Hu 2025, Table 1)"


def data_note(source: str, simulated: bool, language: str = "zh") -> str:
    """The note of a data set: ``[simulated data. ]Source: <source>`` in the study's language.

    Parameters
    ----------
    source : str
        Citation of the data.
    simulated : bool
        Prefix the note with :data:`SIMULATED_NOTE`.
    language : {"zh", "en"}
    """
    prefix = (SIMULATED_NOTE[language] + ". ") if simulated else ""
    label = "数据来源: " if language == "zh" else "Source: "
    return f"{prefix}{label}{source}"


def note_of(table) -> str:
    """The provenance note of a tidy table (its ``note`` column), or of the tidy file at that path."""
    import pandas as pd

    from .errors import InputError

    df = table if isinstance(table, pd.DataFrame) else pd.read_csv(table, dtype={"code": str})
    if "note" not in df.columns or df["note"].isna().all():
        raise InputError(
            "the table has no provenance note (column 'note')",
            file=None if isinstance(table, pd.DataFrame) else table,
            hint="rebuild it with the workflow's data rules, which write the note of its source",
        )
    notes = df["note"].dropna().unique()
    return str(notes[0]) if len(notes) == 1 else " | ".join(map(str, notes))
