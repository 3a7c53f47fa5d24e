"""Word (.docx) renderer: real three-line tables (三线表) for Chinese journals.

Each table is a caption paragraph ("表 1  title", centred, above), a Word table whose only borders are a
1.5 pt rule above the header, a 0.75 pt rule under the header and a 1.5 pt rule under the last row
(set on the cells in the XML; the table's own borders are all ``nil``, so no vertical rules and no grid),
and the note under the table in a smaller size. Every run carries an East Asian font (``w:eastAsia``,
SimSun/宋体 by default, with Noto Serif CJK SC declared as its alternate in the font table) besides its
Latin font. Numbers are decimal-aligned: a decimal tab stop in each data cell, and integers (N, T)
right-aligned to end where the decimal points are; Yes/No rows are centred.

Layout: every column is as wide as its contents (the label column as its longest label, so that no label
wraps or breaks a word; a data column as its widest header or number). A table that fits the portrait text
width (16 cm on A4 with 2.5 cm margins) stays on a portrait page; a wider one gets a landscape section of its
own (24.7 cm), and one wider still is scaled down (font and widths) just enough to fit. Every row, the caption
and the last row keep with the next paragraph, so that a table of up to a page shares its page with its
note (:func:`table_layout`).

The files are deterministic: the core properties carry a fixed date and the zip entries a fixed
timestamp, so the same tables give byte-identical files.
"""

from __future__ import annotations

import datetime as _dt
import io
import math
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION_START
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, Twips
from lxml import etree

from ..io import atomic_path
from .table import PaperTable

__all__ = [
    "DocxStyle",
    "TableLayout",
    "table_layout",
    "build_document",
    "write_docx",
    "write_docx_tables",
    "docx_bytes",
    "FIXED_DATE",
]

#: Date written into the core properties of every document (for byte-identical reruns).
FIXED_DATE = _dt.datetime(2000, 1, 1, 0, 0, 0)
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class DocxStyle:
    """Fonts and sizes of the Word tables.

    Parameters
    ----------
    east_asia : str
        East Asian font of every run (default ``"SimSun"``, i.e. 宋体).
    east_asia_fallback : str
        Declared as the alternate name of ``east_asia`` in the font table (``w:altName``), used where
        SimSun is not installed (LibreOffice, Linux).
    latin : str
        Latin font (``w:ascii``/``w:hAnsi``).
    size, note_size, caption_size : float
        Point sizes of the table body (五号 10.5 pt), the note (小五 9 pt) and the caption.
    rule_outer, rule_inner : int
        Widths of the top/bottom rules and of the rule under the header, in eighths of a point.
    stub_width_cm, col_width_cm : float
        Smallest widths of the label column and of a data column; both grow with their contents.
    page_cm : (float, float)
        Width and height of the portrait page (A4).
    margin_cm : float
        Left and right margins; the text width is the page width less both.
    min_size : float
        Smallest point size a table too wide for a landscape page is scaled down to; a table that would
        need less is printed at this size and may overflow (none of the study's tables comes near it).
    line_spacing : float
        Height of a table row or note line as a multiple of its point size, for deciding whether a table
        and its note fit on one page.
    """

    def __init__(
        self,
        *,
        east_asia="SimSun",
        east_asia_fallback="Noto Serif CJK SC",
        latin="Times New Roman",
        size=10.5,
        note_size=9.0,
        caption_size=10.5,
        rule_outer=12,
        rule_inner=6,
        stub_width_cm=1.5,
        col_width_cm=1.6,
        page_cm=(21.0, 29.7),
        margin_cm=2.5,
        min_size=6.0,
        line_spacing=1.3,
    ):
        self.east_asia, self.east_asia_fallback, self.latin = east_asia, east_asia_fallback, latin
        self.size, self.note_size, self.caption_size = size, note_size, caption_size
        self.rule_outer, self.rule_inner = rule_outer, rule_inner
        self.stub_width_cm, self.col_width_cm = stub_width_cm, col_width_cm
        self.page_cm, self.margin_cm, self.min_size, self.line_spacing = page_cm, margin_cm, min_size, line_spacing

    def text_twips(self, landscape: bool) -> int:
        """Text width of a portrait or landscape page, in twips."""
        width = self.page_cm[1] if landscape else self.page_cm[0]
        return int(Cm(width - 2 * self.margin_cm).twips)

    def height_twips(self, landscape: bool) -> int:
        """Text height of a portrait or landscape page (2.54 cm top and bottom margins), in twips."""
        height = self.page_cm[0] if landscape else self.page_cm[1]
        return int(Cm(height - 2 * 2.54).twips)


def _fits_one_page(table: PaperTable, layout: TableLayout, style: DocxStyle) -> bool:
    """Whether the caption, every row and the note fit on one page of the table's orientation."""
    rows = len(table.header_rows) + len(table.rows)
    row_h = layout.size * 20 * style.line_spacing
    note_lines = math.ceil(_text_twips(table.note_text, style.note_size) / max(style.text_twips(layout.landscape), 1))
    need = (rows + 1) * row_h + note_lines * style.note_size * 20 * style.line_spacing + 24 * 20
    return need <= style.height_twips(layout.landscape)


def _set_fonts(rpr_parent, style: DocxStyle):
    """Set the Latin and East Asian fonts on a run (or rPr holder)."""
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:ascii"), style.latin)
    fonts.set(qn("w:hAnsi"), style.latin)
    fonts.set(qn("w:cs"), style.latin)
    fonts.set(qn("w:eastAsia"), style.east_asia)
    fonts.set(qn("w:hint"), "eastAsia")


def _run(par, text, style: DocxStyle, size, bold=False, italic=False):
    run = par.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold or None
    run.font.italic = italic or None
    _set_fonts(run._r, style)
    return run


def _compact(par, align=None):
    pf = par.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing = 1.0
    if align is not None:
        par.alignment = align


def _borders(cell, **edges):
    """Set the cell's borders: every edge nil except the given ones (edge → width in eighths of a pt)."""
    tcpr = cell._tc.get_or_add_tcPr()
    old = tcpr.find(qn("w:tcBorders"))
    if old is not None:
        tcpr.remove(old)
    b = OxmlElement("w:tcBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        e = OxmlElement(f"w:{edge}")
        if edges.get(edge):
            e.set(qn("w:val"), "single")
            e.set(qn("w:sz"), str(edges[edge]))
            e.set(qn("w:space"), "0")
            e.set(qn("w:color"), "000000")
        else:
            e.set(qn("w:val"), "nil")
        b.append(e)
    # schema order: tcW, gridSpan, vMerge, tcBorders, shd, noWrap, tcMar, ..., vAlign
    anchor = None
    for tag in ("w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark"):
        anchor = tcpr.find(qn(tag))
        if anchor is not None:
            break
    if anchor is not None:
        anchor.addprevious(b)
    else:
        tcpr.append(b)


def _table_borders_nil(table):
    tblpr = table._tbl.tblPr
    old = tblpr.find(qn("w:tblBorders"))
    if old is not None:
        tblpr.remove(old)
    b = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        e = OxmlElement(f"w:{edge}")
        e.set(qn("w:val"), "nil")
        b.append(e)
    # after tblW/jc/tblCellSpacing/tblInd, before shd/tblLayout/tblCellMar/tblLook
    anchor = None
    for tag in ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption"):
        anchor = tblpr.find(qn(tag))
        if anchor is not None:
            break
    if anchor is not None:
        anchor.addprevious(b)
    else:
        tblpr.append(b)
    style = tblpr.find(qn("w:tblStyle"))
    if style is not None:
        tblpr.remove(style)


def _fixed_layout(table):
    tblpr = table._tbl.tblPr
    lay = OxmlElement("w:tblLayout")
    lay.set(qn("w:type"), "fixed")
    anchor = None
    for tag in ("w:tblCellMar", "w:tblLook", "w:tblCaption"):
        anchor = tblpr.find(qn(tag))
        if anchor is not None:
            break
    if anchor is not None:
        anchor.addprevious(lay)
    else:
        tblpr.append(lay)


_CHAR = 110  # twips per character at 10.5 pt (Times New Roman digits are 0.5 em = 105 twips), with slack
_MARGIN = 108  # Word's default left/right cell margin, twips
_SLACK = 60  # twips added to every column's contents, so that rounding in Word never wraps a line


def _is_number(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def _text_twips(text: str, size: float) -> int:
    """Printed width of ``text`` at ``size`` points, in twips: a full em for a wide (CJK) character and for an
    ambiguous one (Δ, ×, σ, ρ: the CJK font draws them full width), 0.55 em for any other (Times New Roman's
    letters and digits average below that)."""
    em = size * 20
    return math.ceil(sum(em if unicodedata.east_asian_width(ch) in "WFA" else 0.55 * em for ch in text))


def _number_blocks(table: PaperTable) -> list[tuple[int, int]]:
    """Per data column: characters left of the decimal point (sign, thousands, bracket) and from it on
    (point, decimals, stars, bracket), maximised over the column's numeric cells."""
    blocks = [[0, 0] for _ in table.columns]
    for r in table.rows:
        if r.kind in ("flag", "panel"):
            continue
        for j, c in enumerate(r.cells):
            if not _is_number(c):
                continue
            a, dot, b = c.partition(".")
            blocks[j][0] = max(blocks[j][0], len(a))
            blocks[j][1] = max(blocks[j][1], len(dot + b))
    return [tuple(b) for b in blocks]


@dataclass(frozen=True)
class TableLayout:
    """How a table is laid out on its page.

    Attributes
    ----------
    widths : tuple of int
        Column widths in twips, the label column first, at the printed size.
    landscape : bool
        Whether the table's section is landscape.
    size : float
        Point size of the table's body (``DocxStyle.size`` unless the table was scaled down).
    scale : float
        Factor applied to the natural widths and size (1 when the table fits).
    blocks : tuple of (int, int)
        Each data column's number block (characters left of and from the decimal point).
    """

    widths: tuple[int, ...]
    landscape: bool
    size: float
    scale: float
    blocks: tuple[tuple[int, int], ...]

    @property
    def char(self) -> float:
        """Width of a digit at the printed size, in twips."""
        return _CHAR * self.scale


def table_layout(table: PaperTable, style: DocxStyle | None = None) -> TableLayout:
    """Column widths from the contents, the page orientation and the scale of one table.

    The label column is as wide as the longest label (or the stub header), so that no label wraps; each
    data column as its widest leaf header, text cell or number block (all numbers of a column share one
    decimal position); a group header wider than the columns it spans widens them evenly. A table that
    fits the portrait text width is portrait; one that fits the landscape text width is landscape; a wider
    one is landscape and scaled down uniformly (widths and font size, not below ``style.min_size``).
    """
    style = style or DocxStyle()
    size = style.size
    blocks = _number_blocks(table)
    labels = [table.stub] + [r.label for r in table.rows if r.kind != "panel"]
    stub = max(max(_text_twips(t, size) for t in labels) + 2 * _MARGIN + _SLACK, int(Cm(style.stub_width_cm).twips))
    cols = []
    for j, (left, right) in enumerate(blocks):
        texts = [table.columns[j]] + [
            r.cells[j] for r in table.rows if r.kind != "panel" and (r.kind == "flag" or not _is_number(r.cells[j]))
        ]
        content = max([(left + right) * _CHAR] + [_text_twips(t, size) for t in texts])
        cols.append(max(content + 2 * _MARGIN + _SLACK, int(Cm(style.col_width_cm).twips)))
    j = 0
    for text, span in table.groups or []:
        need = _text_twips(text, size) + 2 * _MARGIN + _SLACK
        have = sum(cols[j : j + span])
        if need > have:
            extra = math.ceil((need - have) / span)
            cols[j : j + span] = [c + extra for c in cols[j : j + span]]
        j += span
    widths = [stub] + cols
    total = sum(widths)
    landscape = total > style.text_twips(False)
    avail = style.text_twips(landscape)
    printed = size
    if total > avail:  # Word stores sizes in half points: round the size down, then scale the widths to it
        printed = max(math.floor(size * avail / total * 2) / 2, style.min_size)
        widths = [int(w * printed / size) for w in widths]
    return TableLayout(tuple(widths), landscape, printed, printed / size, tuple(blocks))


def _decimal_pos(width_twips: int, block: tuple[int, int], char: float = _CHAR) -> int:
    """Position of the decimal point (from the cell's text edge) that centres the widest number block."""
    left, right = block
    avail = width_twips - 2 * _MARGIN
    return int(max((avail - (left + right) * char) // 2, 0) + left * char)


def _decimal_tab(par, width_twips: int, block: tuple[int, int], char: float = _CHAR):
    """A decimal tab stop at :func:`_decimal_pos` (Word and LibreOffice align a table cell's number on it
    without a tab character)."""
    par.paragraph_format.tab_stops.add_tab_stop(Twips(_decimal_pos(width_twips, block, char)), WD_TAB_ALIGNMENT.DECIMAL)


def _keep_row(row, keep: bool):
    """A row never splits across pages; with ``keep`` its paragraphs also keep with the next one."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    if keep:
        for cell in row.cells:
            for par in cell.paragraphs:
                par.paragraph_format.keep_with_next = True


def _add_table(doc, table: PaperTable, style: DocxStyle, layout: TableLayout | None = None):
    layout = layout or table_layout(table, style)
    k = len(table.columns)
    heads = table.header_rows
    nh = len(heads)
    nrows = nh + len(table.rows)
    size = layout.size
    cap = doc.add_paragraph()
    _compact(cap, WD_ALIGN_PARAGRAPH.CENTER)
    cap.paragraph_format.space_before = Pt(6)
    cap.paragraph_format.space_after = Pt(3)
    cap.paragraph_format.keep_with_next = True
    _run(cap, table.caption, style, style.caption_size, bold=True)

    t = doc.add_table(rows=nrows, cols=k + 1)
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    _table_borders_nil(t)
    _fixed_layout(t)
    widths = [Twips(w) for w in layout.widths]
    # rows are reached once and their cells by row: ``Table.cell(i, j)`` rebuilds the list of every cell of
    # the table on each call, which made a table of a few hundred units (a LISA table of the prefectures)
    # take minutes
    trs = list(t.rows)
    for row in trs:
        for j, cell in enumerate(row.cells):
            cell.width = widths[j]
    for j, col in enumerate(t.columns):
        col.width = widths[j]

    # header rows (repeated at the top of each page when a long table breaks)
    for i, hrow in enumerate(heads):
        trpr = trs[i]._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:tblHeader"))
        cells = trs[i].cells
        j = 0
        for text, span in hrow:
            cell = cells[j]
            if span > 1:
                cell = cell.merge(cells[j + span - 1])
            par = cell.paragraphs[0]
            _compact(par, WD_ALIGN_PARAGRAPH.LEFT if j == 0 else WD_ALIGN_PARAGRAPH.CENTER)
            if text:
                _run(par, text, style, size)
            j += span
    # body
    for i, r in enumerate(table.rows, start=nh):
        cells = trs[i].cells
        if r.kind == "panel":
            cell = cells[0].merge(cells[k])
            par = cell.paragraphs[0]
            _compact(par, WD_ALIGN_PARAGRAPH.LEFT)
            _run(par, r.label, style, size, italic=True)
            continue
        par = cells[0].paragraphs[0]
        _compact(par, WD_ALIGN_PARAGRAPH.LEFT)
        if r.label:
            _run(par, r.label, style, size)
        for j, text in enumerate(r.cells, start=1):
            par = cells[j].paragraphs[0]
            if r.kind == "flag" or not _is_number(text):
                _compact(par, WD_ALIGN_PARAGRAPH.CENTER)
                if text:
                    _run(par, text, style, size)
                continue
            width, block = layout.widths[j], layout.blocks[j - 1]
            if "." in text:
                _compact(par, WD_ALIGN_PARAGRAPH.LEFT)
                _decimal_tab(par, width, block, layout.char)
            else:  # an integer ends where the decimal point of the other rows is
                _compact(par, WD_ALIGN_PARAGRAPH.RIGHT)
                par.paragraph_format.right_indent = Twips(width - 2 * _MARGIN - _decimal_pos(width, block, layout.char))
            _run(par, text, style, size)
    # the three rules, on the cells (merged cells are one tc)
    for i, row in enumerate(trs):
        seen = set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            edges = {}
            if i == 0:
                edges["top"] = style.rule_outer
            if i == nh - 1:
                edges["bottom"] = style.rule_inner
            if i == nrows - 1:
                edges["bottom"] = style.rule_outer
            _borders(cell, **edges)
    # a table that fits a page keeps together with its note; a longer one keeps its header and its last
    # rows with the note, so that the note never stands alone on a page (Word and LibreOffice break the
    # rest where they must)
    whole = _fits_one_page(table, layout, style)
    for i, row in enumerate(trs):
        last = i == nrows - 1
        keep = (whole or i < nh or i >= nrows - 3) and (not last or bool(table.note_text))
        _keep_row(row, keep)
    if table.note_text:
        note = doc.add_paragraph()
        _compact(note, WD_ALIGN_PARAGRAPH.JUSTIFY)
        note.paragraph_format.space_before = Pt(3)
        note.paragraph_format.space_after = Pt(12)
        _run(note, table.note_text, style, style.note_size)
    return t


def _font_table(doc, style: DocxStyle):
    """Declare the East Asian font (charset GB2312) with its fallback as w:altName in fontTable.xml."""
    part = doc.part.part_related_by(RT.FONT_TABLE)
    root = etree.fromstring(part.blob)
    for f in root.findall(qn("w:font")):
        if f.get(qn("w:name")) == style.east_asia:
            root.remove(f)
    f = etree.SubElement(root, qn("w:font"))
    f.set(qn("w:name"), style.east_asia)
    alt = etree.SubElement(f, qn("w:altName"))
    alt.set(qn("w:val"), style.east_asia_fallback)
    for tag, val in (("w:charset", "86"), ("w:family", "roman"), ("w:pitch", "variable")):
        e = etree.SubElement(f, qn(tag))
        e.set(qn("w:val"), val)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page(section, style: DocxStyle, landscape: bool):
    width, height = style.page_cm
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(height), Cm(width)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(width), Cm(height)
    for m in ("left_margin", "right_margin"):
        setattr(section, m, Cm(style.margin_cm))
    for m in ("top_margin", "bottom_margin"):
        setattr(section, m, Cm(2.54))


def build_document(tables: Sequence[PaperTable], style: DocxStyle | None = None, *, title: str = ""):
    """A :class:`docx.Document` with every table in order (caption, table, note).

    Pages are portrait; a table wider than the portrait text width gets a landscape section (a run of such
    tables shares one), and the next narrow table starts a portrait section again (:func:`table_layout`).
    """
    style = style or DocxStyle()
    tables = list(tables)
    layouts = [table_layout(t, style) for t in tables]
    doc = Document()
    landscape = bool(layouts) and layouts[0].landscape
    _page(doc.sections[0], style, landscape)
    normal = doc.styles["Normal"]
    normal.font.name = style.latin
    normal.font.size = Pt(style.size)
    _set_fonts(normal.element, style)
    _font_table(doc, style)
    for t, lay in zip(tables, layouts):
        if lay.landscape != landscape:
            landscape = lay.landscape
            _page(doc.add_section(WD_SECTION_START.NEW_PAGE), style, landscape)
        _add_table(doc, t, style, lay)
    cp = doc.core_properties
    cp.author = "aicoord"
    cp.last_modified_by = "aicoord"
    cp.title = title
    cp.revision = 1
    cp.created = FIXED_DATE
    cp.modified = FIXED_DATE
    cp.last_printed = FIXED_DATE
    return doc


def docx_bytes(doc) -> bytes:
    """Serialise ``doc`` with fixed zip timestamps and entry order (byte-identical reruns)."""
    raw = io.BytesIO()
    doc.save(raw)
    raw.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in sorted(zin.infolist(), key=lambda i: (i.filename != "[Content_Types].xml", i.filename)):
            zi = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zi.create_system = 3
            zout.writestr(zi, zin.read(info.filename))
    return out.getvalue()


def write_docx_tables(tables: Sequence[PaperTable], path, style: DocxStyle | None = None, *, title: str = "") -> None:
    """Write every table, in order, into one Word document (``tables.docx``), atomically."""
    data = docx_bytes(build_document(tables, style, title=title))
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_docx(table: PaperTable, path, style: DocxStyle | None = None) -> None:
    """Write one table as a Word document, atomically."""
    write_docx_tables([table], path, style, title=table.caption)
