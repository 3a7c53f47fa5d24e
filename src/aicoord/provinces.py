"""The 31 mainland provincial units of China and a forgiving name normaliser.

The reference table lives in ``data/reference/provinces.csv`` (read through the package copy
``aicoord/data/provinces.csv``). Every function that takes province identifiers accepts full Chinese
names (``广西壮族自治区``), short names (``广西``), English or pinyin names in any case and spacing
(``inner mongolia``, ``Neimenggu``) and 6-digit codes (``450000`` or ``45``).
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from importlib import resources

import pandas as pd

from .errors import InputError

__all__ = ["province_table", "normalize_province", "normalize_provinces", "REGION4_ORDER", "CODES"]

#: Display order of the NBS four regions (the seed paper's order of decreasing AI capacity).
REGION4_ORDER = ("East", "Central", "Northeast", "West")

#: Extra accepted spellings, keyed by code.
_ALIASES = {
    "150000": ["Nei Mongol", "Nei Menggu", "Inner Mongolia Autonomous Region", "内蒙"],
    "540000": ["Xizang", "Tibet Autonomous Region", "Xizang Autonomous Region"],
    "450000": ["Guangxi Zhuang Autonomous Region"],
    "640000": ["Ningxia Hui Autonomous Region"],
    "650000": ["Xinjiang Uygur Autonomous Region", "Xinjiang Uyghur Autonomous Region"],
    "610000": ["Shaanxi Province"],
}


@lru_cache(maxsize=1)
def province_table() -> pd.DataFrame:
    """Return the reference table of the 31 provinces.

    Returns
    -------
    pandas.DataFrame
        One row per province, ordered by code, with columns ``code`` (str), ``name_full``,
        ``name_short``, ``name_en``, ``pinyin``, ``region4``, ``capital``, ``capital_en``,
        ``capital_code``, ``capital_lat``, ``capital_lon``.
    """
    path = resources.files("aicoord") / "data" / "provinces.csv"
    with resources.as_file(path) as p:
        df = pd.read_csv(p, dtype={"code": str, "capital_code": str})
    return df.sort_values("code").reset_index(drop=True)


#: The 31 codes in order.
CODES = tuple(province_table()["code"])


def _key(text: str) -> str:
    """Fold case, spaces and punctuation so that ``Inner-Mongolia`` equals ``inner mongolia``."""
    return re.sub(r"[\s\-_'’.,()]+", "", str(text)).casefold()


@lru_cache(maxsize=1)
def _lookup() -> dict[str, str]:
    table = province_table()
    out: dict[str, str] = {}
    for row in table.itertuples(index=False):
        names = [row.code, row.code[:2], row.name_full, row.name_short, row.name_en, row.pinyin,
                 row.name_en + " Province", row.pinyin + " Sheng", *_ALIASES.get(row.code, [])]
        for name in names:
            out[_key(name)] = row.code
    return out


def _suggest(text: str) -> list[str]:
    """Closest valid names (all tied best matches, at most three), Chinese for Chinese input, else English."""
    table = province_table()
    is_cjk = bool(re.search(r"[\u4e00-\u9fff]", str(text)))
    cols = ("name_short", "name_full") if is_cjk else ("name_en", "pinyin")
    query = str(text).strip() if is_cjk else _key(text)
    best: dict[str, float] = {}
    for row in table.itertuples(index=False):
        for col in cols:
            cand = getattr(row, col)
            score = difflib.SequenceMatcher(None, query, cand if is_cjk else _key(cand)).ratio()
            best[row.code] = max(best.get(row.code, 0.0), score)
    top = max(best.values())
    if top < (0.3 if is_cjk else 0.5):
        return []
    label = "name_short" if is_cjk else "name_en"
    codes = [c for c in table["code"] if best[c] == top][:3]
    return [table.loc[table["code"] == c, label].iloc[0] for c in codes]


def normalize_province(name, *, file=None, row=None, column=None) -> str:
    """Map any accepted spelling of a province to its 6-digit code.

    Parameters
    ----------
    name : str or int
        Full or short Chinese name, English or pinyin name (any case), or code.
    file, row, column : optional
        Where the name was read, quoted in the error message.

    Returns
    -------
    str
        The 6-digit administrative code, e.g. ``"320000"``.

    Raises
    ------
    InputError
        If the name is not a mainland province; the message suggests the closest valid name.

    Examples
    --------
    >>> normalize_province("广西壮族自治区"), normalize_province("guangxi"), normalize_province(45)
    ('450000', '450000', '450000')
    """
    if name is None or (isinstance(name, float) and name != name):
        raise InputError("missing province name", file=file, row=row, column=column,
                         hint="every row needs a province")
    text = str(name).strip()
    if re.fullmatch(r"\d+\.0", text):  # codes read as floats
        text = text[:-2]
    code = _lookup().get(_key(text))
    if code is not None:
        return code
    suggestions = _suggest(text)
    hint = "did you mean " + " or ".join(f"'{n}'" for n in suggestions) + "?" if suggestions else \
        "use a Chinese name, an English/pinyin name or a 6-digit code of the 31 mainland provinces"
    raise InputError(f"unknown province '{text}'", file=file, row=row, column=column, hint=hint)


def normalize_provinces(values, *, file=None, column=None, first_row=2) -> list[str]:
    """Normalise a sequence of province names to codes; see :func:`normalize_province`.

    Parameters
    ----------
    values : iterable
        Province names in any accepted form.
    file, column : optional
        Quoted in error messages.
    first_row : int
        Line number of the first value in the file (2 for a CSV with a header).

    Returns
    -------
    list of str
    """
    return [normalize_province(v, file=file, row=first_row + i, column=column)
            for i, v in enumerate(values)]
