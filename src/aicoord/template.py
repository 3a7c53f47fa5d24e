"""An empty province-year panel in the data contract's format, for a user to fill from the yearbooks.

:func:`write_template` writes ``panel.xlsx`` with two sheets -- ``panel`` (31 provinces x years, one row per
province-year, a bilingual header ``中文 (english)`` for every role of the default data dictionary) and
``columns`` (what each column holds and its unit) -- and, next to it, ``panel.dictionary.yaml``: the
``panel:`` section of ``config/config.yaml`` that reads the filled file through
:func:`aicoord.contract.read_panel`. The roles are those of the default study
(:data:`aicoord.simulate.DEMO_DICTIONARY`), so the default configuration runs on the filled file unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from .errors import InputError
from .io import atomic_path
from .provinces import province_table

__all__ = [
    "TemplateColumn",
    "TEMPLATE_COLUMNS",
    "FIRST_YEAR",
    "LAST_YEAR",
    "check_years",
    "template_frame",
    "template_dictionary",
    "dictionary_path",
    "write_template",
]

#: The earliest and latest years a template accepts (a guard against typos such as 20111).
FIRST_YEAR, LAST_YEAR = 1949, 2100


@dataclass(frozen=True)
class TemplateColumn:
    """One column of the template: its role in the data dictionary, names, meaning and unit."""

    role: str  # province, year, ai, outcome, gdp_pc, population, controls, or a mechanism
    name: str  # English name: the column after renaming, as the configuration refers to it
    zh: str  # Chinese header
    description_zh: str
    description_en: str
    unit: str

    @property
    def header(self) -> str:
        """The header in the file: Chinese, then the English name in brackets."""
        return f"{self.zh} ({self.name})"


#: Every column of the template, in file order: the roles of the default study's data dictionary.
TEMPLATE_COLUMNS = (
    TemplateColumn(
        "province",
        "province",
        "省份",
        "省级行政区名称（任一写法：北京、北京市、Beijing 或代码 110000）",
        "province name (any accepted spelling or the 6-digit code)",
        "—",
    ),
    TemplateColumn("year", "year", "年份", "年份（整数）", "year (whole number)", "year / 年"),
    TemplateColumn(
        "ai",
        "ai_index",
        "人工智能指数",
        "人工智能产业发展（竞争力）指数",
        "AI development (competitiveness) index",
        "index / 指数",
    ),
    TemplateColumn(
        "outcome",
        "coord_gap",
        "区域协调差距",
        "区域协调发展差距指标（越大越不协调）；模型的被解释变量",
        "regional coordination gap (larger = less coordinated); the models' dependent variable",
        "index / 指数",
    ),
    TemplateColumn(
        "gdp_pc", "gdp_pc", "人均GDP", "人均地区生产总值（实际值，> 0）", "real GDP per capita (> 0)", "yuan / 元"
    ),
    TemplateColumn(
        "population",
        "population",
        "常住人口",
        "年末常住人口（> 0）",
        "resident population at year end (> 0)",
        "10,000 persons / 万人",
    ),
    TemplateColumn(
        "controls",
        "gov",
        "政府干预",
        "一般公共预算支出占地区生产总值的比重",
        "government expenditure / GDP",
        "share (0-1) / 比重",
    ),
    TemplateColumn(
        "controls",
        "urban",
        "城镇化率",
        "城镇常住人口占常住人口的比重",
        "urban share of the resident population",
        "share (0-1) / 比重",
    ),
    TemplateColumn(
        "industrial_upgrading",
        "industrial_upgrading",
        "产业结构升级",
        "产业结构升级（高级化）指标",
        "industrial upgrading indicator",
        "index / 指数",
    ),
    TemplateColumn(
        "value_chain", "value_chain", "价值链位置", "价值链地位指标", "value-chain position indicator", "index / 指数"
    ),
    TemplateColumn(
        "resource_allocation",
        "resource_allocation",
        "资源错配",
        "资源错配指标（越大错配越严重）",
        "resource misallocation indicator (larger = more misallocation)",
        "index / 指数",
    ),
    TemplateColumn(
        "regional_brand", "regional_brand", "区域品牌", "区域品牌指标", "regional brand indicator", "index / 指数"
    ),
)

_SHEET_HEADER = ["列名 column header", "英文名 name", "角色 role", "说明", "description", "单位 unit"]


def check_years(first, last) -> tuple[int, int]:
    """``(first, last)`` as whole years with ``FIRST_YEAR <= first < last <= LAST_YEAR``.

    Raises
    ------
    InputError
        Naming the option ``--years`` and the fix.
    """
    out = []
    for v in (first, last):
        try:
            f = float(str(v).strip())
            ok = f.is_integer()
        except ValueError:
            ok = False
        if not ok:
            raise InputError(
                f"--years: '{v}' is not a whole year", hint="give the first and last year, e.g. --years 2011 2024"
            )
        out.append(int(f))
    first, last = out
    if not (FIRST_YEAR <= first <= LAST_YEAR and FIRST_YEAR <= last <= LAST_YEAR):
        raise InputError(
            f"--years {first} {last}: years must lie between {FIRST_YEAR} and {LAST_YEAR}",
            hint="give the first and last year, e.g. --years 2011 2024",
        )
    if last <= first:
        raise InputError(
            f"--years {first} {last}: the last year must come after the first",
            hint="give the first year, then the last, e.g. --years 2011 2024",
        )
    return first, last


def template_frame(first: int, last: int) -> pd.DataFrame:
    """The empty panel: one row per province (reference order) and year, province and year filled in.

    Parameters
    ----------
    first, last : int
        First and last year (inclusive); see :func:`check_years`.

    Returns
    -------
    pandas.DataFrame
        Columns are the bilingual headers of :data:`TEMPLATE_COLUMNS`; the value columns are empty (NaN).
    """
    first, last = check_years(first, last)
    provinces = province_table()["name_short"].tolist()
    years = list(range(first, last + 1))
    rows = [(p, y) for p in provinces for y in years]
    df = pd.DataFrame(
        {TEMPLATE_COLUMNS[0].header: [p for p, _ in rows], TEMPLATE_COLUMNS[1].header: [y for _, y in rows]}
    )
    for col in TEMPLATE_COLUMNS[2:]:
        df[col.header] = float("nan")
    return df


def template_dictionary() -> dict:
    """The data dictionary (``panel.dictionary``) that reads the template through
    :func:`aicoord.contract.read_panel`: ``columns`` renames the bilingual headers to the English names."""
    by_role: dict = {"columns": {c.header: c.name for c in TEMPLATE_COLUMNS}}
    for c in TEMPLATE_COLUMNS:
        if c.role in ("outcome", "controls"):
            by_role.setdefault(c.role, []).append(c.name)
        elif c.role in ("province", "year", "ai", "gdp_pc", "population"):
            by_role[c.role] = c.name
        else:
            by_role.setdefault("mechanisms", {})[c.role] = c.name
    return by_role


def _description() -> pd.DataFrame:
    return pd.DataFrame(
        [[c.header, c.name, c.role, c.description_zh, c.description_en, c.unit] for c in TEMPLATE_COLUMNS],
        columns=_SHEET_HEADER,
    )


def dictionary_path(out) -> Path:
    """Where :func:`write_template` puts the ``panel:`` snippet: ``<out without suffix>.dictionary.yaml``."""
    out = Path(out)
    return out.with_name(out.stem + ".dictionary.yaml")


def _snippet(out: Path, first: int, last: int) -> str:
    import yaml

    panel = {"panel": {"file": out.as_posix(), "dictionary": template_dictionary(), "source": None}}
    head = (
        f"# The panel section of config/config.yaml for {out.name} ({first}-{last}, 31 provinces).\n"
        "# Copy it into config/config.yaml (or pass this file with snakemake --configfile) once the file is\n"
        "# filled; panel.file is relative to the study folder, so adjust it if the file moves. Set\n"
        "# panel.source to the citation of the data (it is printed under every table).\n"
    )
    return head + yaml.safe_dump(panel, allow_unicode=True, sort_keys=False, width=120)


def write_template(out, first, last) -> tuple[Path, Path]:
    """Write the empty panel ``out`` (``.xlsx``) and its ``panel:`` configuration snippet next to it.

    Parameters
    ----------
    out : str or Path
        The workbook to write; it must end in ``.xlsx``. Sheet ``panel`` holds the data (the first
        sheet, which :func:`aicoord.contract.read_panel` reads), sheet ``columns`` describes each
        column and its unit.
    first, last : int
        First and last year.

    Returns
    -------
    (Path, Path)
        The workbook and the snippet (:func:`dictionary_path`).

    Raises
    ------
    InputError
        Bad years or a file name that does not end in ``.xlsx``. Nothing is written then.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> book, snippet = write_template(d / "panel.xlsx", 2011, 2024)
    >>> snippet.name
    'panel.dictionary.yaml'
    """
    from openpyxl.styles import Alignment, Font

    out = Path(out)
    first, last = check_years(first, last)
    if out.suffix.lower() != ".xlsx":
        raise InputError(
            f"--out '{out}' must end in .xlsx",
            hint="the template has two sheets, which only an Excel workbook holds; e.g. --out panel.xlsx",
        )
    data, desc = template_frame(first, last), _description()
    with atomic_path(out) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            data.to_excel(xw, sheet_name="panel", index=False)
            desc.to_excel(xw, sheet_name="columns", index=False)
            book = xw.book
            book.properties.creator = "aicoord template"
            book.properties.created = book.properties.modified = datetime(2000, 1, 1)
            for ws, widths, freeze in (
                (xw.sheets["panel"], [max(12, 2 * len(c.zh) + len(c.name) + 5) for c in TEMPLATE_COLUMNS], "C2"),
                (xw.sheets["columns"], [34, 22, 22, 56, 62, 22], "A2"),
            ):
                for i, w in enumerate(widths):
                    ws.column_dimensions[ws.cell(row=1, column=i + 1).column_letter].width = w
                for cell in ws[1]:
                    cell.font = Font(bold=True)
                    cell.alignment = Alignment(wrap_text=False)
                ws.freeze_panes = freeze
    snippet = dictionary_path(out)
    with atomic_path(snippet) as tmp:
        tmp.write_text(_snippet(out, first, last), encoding="utf-8", newline="\n")
    return out, snippet
