"""The annual report as a Word document (python-docx): annual_report_docx(con, 2014, "fr") -> bytes.

The same words as the PDF (ipmd/documents/annual_report/words.py), in editable form for the Secretariat: the
illustrative label in every page's header while the ledger is illustrative, the source and the page number in
every page's footer.
"""
from __future__ import annotations

import io
from datetime import date

from docx import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from ipmd.documents.annual_report.data import annual_report
from ipmd.documents.annual_report.words import Document, Section, document
from ipmd.documents.palette import BLUE, INK, MUTED

BAND_FILL = "FFF4DC"
HEAD_FILL = "EEF2F7"


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#").upper())


def _shade(element, fill: str) -> None:
    """Background colour of a paragraph or a table cell."""
    props = element.get_or_add_pPr() if hasattr(element, "get_or_add_pPr") else element.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    props.append(shading)


def _run(paragraph, text: str, size: float, bold: bool = False, colour: str = INK):
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = _rgb(colour)
    return run


def _page_field(paragraph, size: float) -> None:
    """A PAGE field (Word fills in the page number)."""
    run = _run(paragraph, "", size, colour=MUTED)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _header_footer(word, doc: Document) -> None:
    section = word.sections[0]
    if doc.band:
        band = section.header.paragraphs[0]
        band.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(band, doc.band, 8, bold=True)
        _shade(band._p, BAND_FILL)
    footer = section.footer
    source = footer.paragraphs[0]
    _run(source, doc.footer_source, 7, colour=MUTED)
    line = footer.add_paragraph()
    _run(line, doc.footer + " · ", 7, colour=MUTED)
    _page_field(line, 7)


def _table(word, section: Section) -> None:
    table = section.table
    grid = word.add_table(rows=1 + len(table.rows), cols=len(table.headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    total = sum(table.widths)
    width = Mm(180)
    size = 8 if len(table.headers) <= 4 else 7
    widths = [int(width * w / total) for w in table.widths]
    for row, cells in zip(grid.rows, (table.headers,) + table.rows):
        r = row._index
        for c, (cell, text) in enumerate(zip(row.cells, cells)):
            cell.width = widths[c]
            paragraph = cell.paragraphs[0]
            if c in table.right:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _run(paragraph, text, size, bold=r == 0 or (r - 1) in table.bold_rows)
            if r == 0:
                _shade(cell._tc, HEAD_FILL)


def _heading(word, text: str, size: float = 12) -> None:
    paragraph = word.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(10)
    paragraph.paragraph_format.keep_with_next = True
    _run(paragraph, text, size, bold=True, colour=BLUE)


def _paragraph(word, text: str, size: float = 9.5, colour: str = INK, bold: bool = False, fill: str | None = None):
    paragraph = word.add_paragraph()
    _run(paragraph, text, size, bold=bold, colour=colour)
    if fill:
        _shade(paragraph._p, fill)
    return paragraph


def build_docx(doc: Document) -> bytes:
    word = WordDocument()
    page = word.sections[0]
    page.page_width, page.page_height = Mm(210), Mm(297)
    page.left_margin = page.right_margin = Mm(15)
    page.top_margin, page.bottom_margin = Mm(18), Mm(18)
    word.styles["Normal"].font.name = "DejaVu Sans"
    word.core_properties.title = doc.title
    word.core_properties.author = doc.author
    word.core_properties.subject = doc.kicker
    word.core_properties.language = doc.lang
    _header_footer(word, doc)

    kicker = word.add_paragraph()
    _run(kicker, doc.kicker.upper() + "  ·  ", 8, bold=True, colour=BLUE)
    _run(kicker, doc.when, 8, colour=MUTED)
    _run(word.add_paragraph(), doc.heading, 20, bold=True)
    _paragraph(word, doc.subtitle, colour=MUTED)
    for text in doc.notices:
        _paragraph(word, text, size=9, bold=True, fill=BAND_FILL)
    for section in doc.sections:
        _heading(word, section.title)
        small = section is doc.sections[-1]
        for text in section.paragraphs:
            _paragraph(word, text, size=8 if small else 9.5)
        if section.table is not None:
            _table(word, section)
        for note in section.notes:
            _paragraph(word, note, size=7.5, colour=MUTED)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def annual_report_docx(con, year: int, lang: str, today: date | None = None) -> bytes:
    """The annual progress report for `year` in `lang` ('en', 'fr', 'es') as DOCX bytes."""
    return build_docx(document(annual_report(con, year), lang, today))
