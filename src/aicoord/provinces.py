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

__all__ = [
    "province_table",
    "normalize_province",
    "normalize_provinces",
    "to_simplified",
    "REGION4_ORDER",
    "CODES",
    "TRADITIONAL",
    "OUTSIDE",
]

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


#: Traditional characters that occur in the 31 province names (full and short), with their simplified forms.
#: The names use 16 characters that differ between the scripts (内 区 辽 宁 龙 苏 东 广 壮 庆 贵 云 陕 肃 维 尔);
#: their traditional forms are listed with the common variants 甯 (宁) and 陜 (陕, Hong Kong usage). Every
#: other character of the names is written the same in both scripts. A name written in traditional
#: characters (廣東, 內蒙古自治區, 新疆維吾爾自治區) is read as its simplified name. A small documented table
#: is used rather than a conversion library: the set of names is closed, and the table is exact for it.
TRADITIONAL = {
    "內": "内",
    "區": "区",
    "遼": "辽",
    "寧": "宁",
    "甯": "宁",
    "龍": "龙",
    "蘇": "苏",
    "東": "东",
    "廣": "广",
    "壯": "壮",
    "慶": "庆",
    "貴": "贵",
    "雲": "云",
    "陝": "陕",
    "陜": "陕",
    "肅": "肃",
    "維": "维",
    "爾": "尔",
}

#: Units that are not among the 31 mainland provinces of the study: code -> names in the accepted spellings.
OUTSIDE = {
    "810000": (
        "Hong Kong",
        [
            "香港",
            "香港特别行政区",
            "Hong Kong",
            "Hongkong",
            "Xianggang",
            "HK",
            "Hong Kong SAR",
            "Hong Kong Special Administrative Region",
            "HKSAR",
            "81",
        ],
    ),
    "820000": (
        "Macao",
        [
            "澳门",
            "澳门特别行政区",
            "Macao",
            "Macau",
            "Aomen",
            "Macao SAR",
            "Macau SAR",
            "Macao Special Administrative Region",
            "82",
        ],
    ),
    "710000": ("Taiwan", ["台湾", "台湾省", "Taiwan", "Taiwan Province", "Taiwan Sheng", "71"]),
}


#: The traditional characters of the names of Hong Kong, Macao and Taiwan (臺灣/台灣, 澳門, 特別行政區), so
#: that they are recognised as outside the study rather than answered with a wrong suggestion.
_OUTSIDE_TRADITIONAL = {"臺": "台", "灣": "湾", "門": "门", "別": "别"}


def to_simplified(text: str) -> str:
    """``text`` with the traditional characters of :data:`TRADITIONAL` (and of the names of Hong Kong, Macao
    and Taiwan) replaced by their simplified forms; other characters are kept."""
    table = {**TRADITIONAL, **_OUTSIDE_TRADITIONAL}
    return "".join(table.get(ch, ch) for ch in str(text))


@lru_cache(maxsize=1)
def _outside() -> dict[str, str]:
    return {_key(n): label for code, (label, names) in OUTSIDE.items() for n in [code, *names]}


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
        names = [
            row.code,
            row.code[:2],
            row.name_full,
            row.name_short,
            row.name_en,
            row.pinyin,
            row.name_en + " Province",
            row.pinyin + " Sheng",
            *_ALIASES.get(row.code, []),
        ]
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
        raise InputError("missing province name", file=file, row=row, column=column, hint="every row needs a province")
    text = str(name).strip()
    if re.fullmatch(r"\d+\.0", text):  # codes read as floats
        text = text[:-2]
    code = _lookup().get(_key(text))
    if code is None:
        code = _lookup().get(_key(to_simplified(text)))
    if code is not None:
        return code
    outside = _outside().get(_key(to_simplified(text)))
    if outside is not None:
        raise InputError(
            f"'{text}' is {outside}, which is not one of the 31 mainland provinces of this study",
            file=file,
            row=row,
            column=column,
            hint=f"drop the row of {outside}: Hong Kong, Macao and Taiwan are outside the provincial data",
        )
    suggestions = _suggest(text)
    hint = (
        "did you mean " + " or ".join(f"'{n}'" for n in suggestions) + "?"
        if suggestions
        else "use a Chinese name, an English/pinyin name or a 6-digit code of the 31 mainland provinces"
    )
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
    return [normalize_province(v, file=file, row=first_row + i, column=column) for i, v in enumerate(values)]
