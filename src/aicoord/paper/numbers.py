"""The one number formatter of the paper tables: same rounding, minus sign and thousands separator in
every renderer (.csv, .md, .tex, .docx) and in figure legends.

Rounding is half away from zero on the shortest decimal representation of the float (``0.125`` →
``0.13``, ``-2.5`` → ``-3`` at 0 decimals), as readers round by hand (四舍五入), not Python's
round-half-even on the binary value. A value that rounds to zero loses its sign (``-0.0004`` → ``0.000``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["NumberFormat", "MINUS", "row_decimals", "interval_decimals"]

#: U+2212 MINUS SIGN, the typographic minus used by default.
MINUS = "\u2212"


@dataclass(frozen=True)
class NumberFormat:
    """How numbers are written in a table.

    Parameters
    ----------
    decimals : int
        Digits after the decimal point for non-integer statistics.
    minus : str
        The minus sign: ``"\\u2212"`` (typographic, default) or ``"-"`` (ASCII hyphen-minus).
    thousands : str
        Thousands separator for the integer part (``","`` default; ``""`` for none).
    missing : str
        Text for a missing (None or NaN) value.
    """

    decimals: int = 3
    minus: str = MINUS
    thousands: str = ","
    missing: str = ""

    def __call__(self, x, decimals: int | None = None) -> str:
        """Format ``x`` with ``decimals`` (default :attr:`decimals`) digits after the point."""
        if x is None:
            return self.missing
        if isinstance(x, bool):
            raise TypeError("format a Yes/No flag with the table's yes/no words, not as a number")
        xf = float(x)
        if math.isnan(xf):
            return self.missing
        if math.isinf(xf):
            return ("" if xf > 0 else self.minus) + "∞"
        d = self.decimals if decimals is None else int(decimals)
        q = Decimal(repr(xf)).quantize(Decimal(1).scaleb(-d), rounding=ROUND_HALF_UP)
        neg = q < 0
        q = abs(q)
        text = f"{q:f}"
        int_part, _, frac = text.partition(".")
        if self.thousands:
            int_part = f"{int(int_part):,}".replace(",", self.thousands)
        body = int_part + ("." + frac if frac else "")
        return (self.minus if neg else "") + body

    def decimals_for(self, x, significant: int = 2, most: int = 6) -> int:
        """Decimals that print ``x`` with at least ``significant`` significant digits (never fewer than
        :attr:`decimals`, never more than ``most``): a standard error of 0.00123 at 3 decimals prints as 0.0012,
        not 0.001, as esttab's and modelsummary's users expect."""
        if x is None or isinstance(x, bool):
            return self.decimals
        xf = abs(float(x))
        if not math.isfinite(xf) or xf == 0.0:
            return self.decimals
        need = significant - 1 - math.floor(math.log10(xf))
        return max(self.decimals, min(most, need))

    def integer(self, x) -> str:
        """Format a count (observations, provinces, years) without decimals."""
        return self(x, 0)

    def parse(self, text: str) -> float:
        """Inverse of formatting (used by tests and readers): strip stars, brackets, separators."""
        t = text.strip().rstrip("*").strip("()[]").replace(self.minus, "-")
        if self.thousands:
            t = t.replace(self.thousands, "")
        return float(t)


def row_decimals(values, decimals: int) -> int:
    """Decimals of a row of statistics of one variable: ``decimals``, less one per digit that its largest
    magnitude has beyond the first (GDP per capita 58,032 rather than 58,031.989; a share keeps them all)."""
    vals = [abs(float(v)) for v in values if v is not None and math.isfinite(float(v)) and float(v) != 0.0]
    if not vals:
        return decimals
    return int(max(0, min(decimals, decimals - math.floor(math.log10(max(vals))) + 1)))


def interval_decimals(fmt: NumberFormat, low, high) -> int:
    """Decimals that print the interval ``[low, high]`` so that its width keeps two significant digits (never
    fewer than ``fmt.decimals``): an Anderson-Rubin set [-0.00937, -0.00859], not [-0.009, -0.009]. With a
    missing or infinite bound, those of the finite one."""
    bounds = [float(b) for b in (low, high) if b is not None and math.isfinite(float(b))]
    if len(bounds) == 2 and bounds[1] != bounds[0]:
        return fmt.decimals_for(abs(bounds[1] - bounds[0]))
    return max([fmt.decimals, *(fmt.decimals_for(b) for b in bounds)])
