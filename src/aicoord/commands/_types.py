"""argparse types that refuse nonsense settings with a clean one-line message (argparse exits with status 2)."""

from __future__ import annotations

import argparse

__all__ = ["int_in"]


def int_in(lo: int, hi: int | None = None, what: str = "value"):
    """An argparse ``type``: a whole number ``lo <= n`` (and ``n <= hi`` when ``hi`` is given).

    Examples
    --------
    >>> int_in(1, what="permutations")("99")
    99
    """

    def parse(text: str) -> int:
        try:
            value = int(str(text).strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be a whole number, not '{text}'") from None
        if value < lo or (hi is not None and value > hi):
            bound = f"between {lo:,} and {hi:,}" if hi is not None else f"at least {lo:,}"
            raise argparse.ArgumentTypeError(f"{what} must be {bound}, not {value:,}")
        return value

    parse.__name__ = what  # argparse quotes the type's name in some messages
    return parse
