"""The annual report as an A4 PDF (fpdf2), in the country brief's layout, palette and fonts
(ipmd/documents/pdf.py): annual_report_pdf(con, 2014, "fr") -> bytes.

Every page carries the report's source and build date in its footer and, while the ledger is illustrative, the
illustrative label in a band at its top.
"""
from __future__ import annotations

from datetime import date

from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from ipmd.documents.annual_report.data import annual_report
from ipmd.documents.annual_report.words import Document, Section, document
from ipmd.documents.palette import INK, MUTED
from ipmd.documents.pdf import FONT, BriefPDF, draw_header, pdf_bytes, table_style

BAND_FILL = "#fff4dc"        # the illustrative notice's fill in the brief
TEXT_SIZE, TEXT_LINE = 8.5, 4.1


class ReportPDF(BriefPDF):
    """BriefPDF with the illustrative band on top of every page and the source above the footer."""

    def __init__(self, doc: Document):
        super().__init__(doc.lang, doc.title)
        self.doc = doc
        self.set_author(doc.author)
        self.set_subject(doc.subtitle)
        self.set_auto_page_break(True, margin=21)
        if doc.band:
            self.set_top_margin(17)

    def header(self) -> None:
        if not self.doc.band:
            return
        self.set_xy(self.l_margin, 7)
        self.set_fill_color(BAND_FILL)
        self.set_font(FONT, "B", 7.5)
        self.set_text_color(INK)
        self.cell(self.content_width, 6, self.doc.band, align="C", fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_y(self.t_margin)
        self.set_fill_color(255)
        self.set_font(FONT, size=9)

    def footer(self) -> None:
        self.set_y(-18.5)
        self.set_font(FONT, size=6.3)
        self.set_text_color(MUTED)
        self.multi_cell(0, 2.9, self.doc.footer_source, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        super().footer()


def _paragraph(pdf: ReportPDF, text: str, size: float = TEXT_SIZE, line: float = TEXT_LINE) -> None:
    pdf.set_font(FONT, size=size)
    pdf.multi_cell(0, line, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.ln(1.0)


def _notice(pdf: ReportPDF, text: str) -> None:
    pdf.set_fill_color(BAND_FILL)
    pdf.set_font(FONT, "B", 7.8)
    pdf.multi_cell(0, 3.7, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L", fill=True, padding=1.2)
    pdf.set_fill_color(255)
    pdf.set_font(FONT, size=9)
    pdf.ln(1.2)


def _table(pdf: ReportPDF, section: Section) -> None:
    table = section.table
    size = 7.4 if len(table.headers) <= 4 else 6.8
    pdf.set_font(FONT, size=size)
    total = sum(table.widths)
    widths = tuple(pdf.content_width * w / total for w in table.widths)
    bold = FontFace(family=FONT, emphasis="B", size_pt=size)
    aligns = tuple("RIGHT" if n in table.right else "LEFT" for n in range(len(table.headers)))
    style = {**table_style(pdf, size), "text_align": aligns}
    with pdf.table(col_widths=widths, **style) as drawn:
        head = drawn.row()
        for text in table.headers:
            head.cell(text)
        for n, row in enumerate(table.rows):
            r = drawn.row()
            for text in row:
                r.cell(text, style=bold if n in table.bold_rows else None)
    pdf.set_font(FONT, size=9)


def _section(pdf: ReportPDF, section: Section) -> None:
    first = section.paragraphs[0] if section.paragraphs else ""
    pdf.need(12 + pdf.text_height(first, TEXT_SIZE, TEXT_LINE) + (16 if section.table else 0))
    pdf.heading(section.title, size=10.5, space=3.0)
    for text in section.paragraphs:
        _paragraph(pdf, text)
    if section.table is not None:
        _table(pdf, section)
    for note in section.notes:
        pdf.ln(0.6)
        pdf.small(note, size=6.8)


def draw_report(pdf: ReportPDF, doc: Document) -> None:
    pdf.add_page()
    draw_header(pdf, doc.kicker, doc.heading, doc.subtitle, doc.when)
    for text in doc.notices:
        _notice(pdf, text)
    for section in doc.sections[:-1]:
        _section(pdf, section)
    sources = doc.sections[-1]
    pdf.need(30)
    pdf.heading(sources.title, size=10.5, space=3.0)
    for note in sources.paragraphs:
        pdf.small(note, size=6.8, colour=INK)
        pdf.ln(0.8)


def annual_report_pdf(con, year: int, lang: str, today: date | None = None) -> bytes:
    """The annual progress report for `year` in `lang` ('en', 'fr', 'es') as A4 PDF bytes."""
    doc = document(annual_report(con, year), lang, today)
    pdf = ReportPDF(doc)
    draw_report(pdf, doc)
    return pdf_bytes(pdf)
