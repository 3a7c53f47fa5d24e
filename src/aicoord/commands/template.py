"""``aicoord template``: write an empty province-year panel in the data contract's format, and its
``panel:`` configuration snippet next to it (logic in :mod:`aicoord.template`)."""

from __future__ import annotations


def add_arguments(p):
    """Add the options of ``aicoord template`` to its parser ``p``."""
    p.add_argument(
        "--years",
        nargs=2,
        required=True,
        metavar=("FIRST", "LAST"),
        help="first and last year of the panel, e.g. --years 2011 2024",
    )
    p.add_argument(
        "--out",
        required=True,
        help="the workbook to write (.xlsx); the panel: snippet for "
        "config/config.yaml is written beside it as <name>.dictionary.yaml",
    )


def run(args) -> int:
    """Run ``aicoord template`` with parsed ``args``; returns the exit status (0)."""
    from ..template import write_template

    book, snippet = write_template(args.out, *args.years)
    print(
        f"wrote {book} (sheet 'panel': 31 provinces x years to fill; sheet 'columns': meaning and unit of each column)"
    )
    print(f"wrote {snippet}: the panel: section (file and dictionary) to copy into config/config.yaml")
    return 0
