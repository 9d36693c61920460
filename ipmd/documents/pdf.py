"""The country brief as an A4 PDF built on the server (fpdf2), no network, no browser.

    country_brief_pdf(con, "MAR", 2024, "fr") -> bytes   # two A4 pages

Text uses DejaVu Sans, shipped with matplotlib and embedded in the PDF, so accents and the narrow no-break
space of French numbers print everywhere. One brief costs about 2 s of CPU (the three charts are half of it).
"""
from __future__ import annotations

import math
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from PIL import Image

from ipmd.documents.charts import corridor_chart, remittance_chart, stock_chart
from ipmd.documents.data import MAX_PROJECTS, BriefData, brief_data, chart_sources, has_stock_data, remittance_frame
from ipmd.documents.palette import BLUE, INK, MUTED, RULE
from ipmd.documents.text import (chart_summary, projects_more, projects_summary, source_line, status_name,
                                 stock_title)
from ipmd.i18n import fmt_date, fmt_pct, fmt_usd, t
from ipmd.profiles.country import SDG_REMITTANCE_COST_TARGET


FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"


FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}   # each face costs ~0.1 s to load


FONT = "DejaVu"


class BriefPDF(FPDF):
    """A4 portrait with DejaVu Sans embedded and a footer naming the document and the page."""

    def __init__(self, lang: str, title: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.lang = lang
        self.footer_text = title
        self.set_margins(15, 13, 15)
        self.set_auto_page_break(True, margin=15)
        for style, file_name in FONT_FILES.items():
            self.add_font(FONT, style, str(FONT_DIR / file_name))
        self.set_font(FONT, size=9)
        self.set_lang(lang)
        self.set_title(title)
        self.set_author(t("brief.author", lang))
        self.set_creator(t("brief.author", lang))
        self.set_text_color(INK)

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FONT, size=6.5)
        self.set_text_color(MUTED)
        self.cell(0, 4, self.footer_text, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, t("brief.page", self.lang, page=self.page_no(), pages="{nb}"), align="R")
        self.set_text_color(INK)

    @property
    def content_width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def room(self) -> float:
        return self.page_break_trigger - self.get_y()

    def need(self, height: float) -> None:
        """Start a new page unless `height` mm still fit on this one."""
        if self.room() < height:
            self.add_page()

    def heading(self, text: str, size: float = 10.5, space: float = 2.5) -> None:
        self.ln(space)
        self.set_font(FONT, "B", size)
        self.set_text_color(BLUE)
        self.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(INK)
        self.set_font(FONT, size=9)
        self.ln(0.8)

    def small(self, text: str, size: float = 7.0, style: str = "", colour: str = MUTED, line: float = 3.3) -> None:
        self.set_font(FONT, style, size)
        self.set_text_color(colour)
        self.multi_cell(0, line, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        self.set_text_color(INK)
        self.set_font(FONT, size=9)

    def chart(self, image: Image.Image | None, width: float, height: float, alt: str) -> None:
        if image is None:
            self.set_font(FONT, size=8)
            self.set_text_color(MUTED)
            self.cell(0, NO_CHART_HEIGHT, t("common.no_data", self.lang), border=1, align="C",
                      new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_text_color(INK)
            self.set_font(FONT, size=9)
            return
        self.image(image, x=self.l_margin, y=self.get_y(), w=width, h=height, alt_text=alt)
        self.set_y(self.get_y() + height + 0.5)

    def text_height(self, text: str, size: float, line: float, style: str = "") -> float:
        """About the height multi_cell takes for `text` across the full width, erring high (word wrap
        loses part of each line); a dry-run multi_cell would be exact but costs ten times more."""
        self.set_font(FONT, style, size)
        width = self.get_string_width(text)
        self.set_font(FONT, size=9)
        return line * max(1, math.ceil(width / (self.content_width * 0.93)))


def pdf_bytes(pdf: FPDF) -> bytes:
    return bytes(pdf.output())


def draw_header(pdf: BriefPDF, kicker: str, title: str, subtitle: str, when: str) -> None:
    pdf.set_font(FONT, "B", 7.5)
    pdf.set_text_color(BLUE)
    pdf.cell(pdf.content_width / 2, 4, kicker.upper(), align="L")
    pdf.set_font(FONT, size=7.5)
    pdf.set_text_color(MUTED)
    pdf.cell(pdf.content_width / 2, 4, when, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1.5)
    pdf.set_text_color(INK)
    pdf.set_font(FONT, "B", 19)
    pdf.multi_cell(0, 8.5, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.set_font(FONT, size=8.5)
    pdf.set_text_color(MUTED)
    pdf.multi_cell(0, 4.2, subtitle, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.set_text_color(INK)
    pdf.set_draw_color(BLUE)
    pdf.set_line_width(0.5)
    pdf.line(pdf.l_margin, pdf.get_y() + 1.5, pdf.w - pdf.r_margin, pdf.get_y() + 1.5)
    pdf.set_line_width(0.2)
    pdf.set_draw_color(RULE)
    pdf.ln(2.5)


def table_style(pdf: BriefPDF, size: float) -> dict:
    return dict(
        borders_layout="HORIZONTAL_LINES", line_height=size * 0.48, padding=(0.9, 1.2),
        headings_style=FontFace(family=FONT, emphasis="B", size_pt=size, color=INK, fill_color="#eef2f7"),
        text_align="LEFT", v_align="MIDDLE", width=pdf.content_width,
    )


def _draw_headline(pdf: BriefPDF, data: BriefData) -> None:
    lang = data.lang
    pdf.heading(t("brief.section.headline", lang), space=1.0)
    pdf.small(t("brief.latest_note", lang, year=data.year))
    pdf.ln(0.8)
    size = 8.0
    pdf.set_font(FONT, size=size)
    value_style = FontFace(family=FONT, emphasis="B", size_pt=size + 0.5)
    muted = FontFace(family=FONT, size_pt=size - 0.8, color=MUTED)
    with pdf.table(col_widths=(41, 36, 64, 13, 26), **table_style(pdf, size)) as table:
        head = table.row()
        for key in ("brief.col.indicator", "brief.col.value", "brief.col.detail", "brief.col.year", "brief.col.source"):
            head.cell(t(key, lang))
        for item in data.rows:
            r = table.row()
            r.cell(item.label)
            r.cell(item.value, style=value_style)
            r.cell(item.detail, style=muted)
            r.cell(item.year, style=muted)
            source = data.ref(item.source_ids)
            if item.indicator == "region":
                source = t("brief.source.m49", lang)
            elif item.indicator == "income_group":
                source = t("brief.source.wb_classification", lang)
            r.cell(source, style=muted)
    pdf.set_font(FONT, size=9)


HEADING_SIZE, SUMMARY_SIZE, SUMMARY_LINE, REF_SIZE, REF_LINE = 9.5, 7.2, 3.2, 6.5, 3.3


NO_CHART_HEIGHT = 8.0   # the 'no data' box that stands for a chart


def _chart_overhead(pdf: BriefPDF, data: BriefData, chart: str, has_chart: bool) -> float:
    """Height of a chart block without the chart: heading, summary and sources line (or the 'no data' box)."""
    heading = 2.0 + HEADING_SIZE * 0.5 + 0.8
    if not has_chart:
        return heading + NO_CHART_HEIGHT
    summary = pdf.text_height(chart_summary(data, chart), SUMMARY_SIZE, SUMMARY_LINE)
    refs = REF_LINE if data.ref(chart_sources(data, chart)) else 0
    return heading + 0.5 + summary + refs


def _draw_chart_block(pdf: BriefPDF, data: BriefData, chart: str, title: str, image: Image.Image | None,
                      height: float) -> None:
    summary = chart_summary(data, chart)
    pdf.heading(title, size=HEADING_SIZE, space=2.0)
    pdf.chart(image, pdf.content_width, height, summary)
    if image is None:
        return
    pdf.small(summary, size=SUMMARY_SIZE, colour=INK, line=SUMMARY_LINE)
    refs = data.ref(chart_sources(data, chart))
    if refs:
        pdf.small(t("brief.sources_ref", data.lang, refs=refs), size=REF_SIZE, line=REF_LINE)


def _draw_projects(pdf: BriefPDF, data: BriefData) -> None:
    lang, projects = data.lang, data.projects
    pdf.need(30)
    pdf.heading(t("profile.partnership.title", lang), size=9.5, space=2.0)
    if projects.empty:
        pdf.set_font(FONT, size=8.5)
        pdf.multi_cell(0, 4.2, t("profile.partnership.none", lang, country=data.name),
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        return
    if projects["is_illustrative"].any():
        pdf.set_fill_color("#fff4dc")
        pdf.set_font(FONT, "B", 7.5)
        pdf.multi_cell(0, 3.6, t("notice.illustrative", lang), new_x=XPos.LMARGIN, new_y=YPos.NEXT,
                       align="L", fill=True, padding=1.2)
        pdf.ln(1)
    pdf.set_font(FONT, size=8)
    pdf.multi_cell(0, 3.8, projects_summary(data), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.ln(1)
    size = 7.3
    pdf.set_font(FONT, size=size)
    shown = projects.head(MAX_PROJECTS)
    with pdf.table(col_widths=(70, 20, 17, 17, 28, 28), **table_style(pdf, size)) as table:
        head = table.row()
        for key in ("brief.col.project", "brief.col.partner", "brief.col.goals", "brief.col.status",
                    "profile.partnership.approved_here", "profile.partnership.disbursed_here"):
            head.cell(t(key, lang))
        for p in shown.itertuples():
            r = table.row()
            r.cell(str(p.title))
            r.cell(str(p.partner_id))
            r.cell(str(p.goals or "–"))
            r.cell(status_name(str(p.status), lang))
            r.cell(fmt_usd(p.approved_here, lang))
            r.cell(fmt_usd(p.disbursed_here, lang))
    if len(projects) > len(shown):
        pdf.small(projects_more(data, len(shown)))
    pdf.set_font(FONT, size=9)


def _draw_sources(pdf: BriefPDF, data: BriefData) -> None:
    lang = data.lang
    notes = [
        t("brief.note.years", lang, year=data.year, stock_year=data.stock_year),
        t("brief.note.net_balance", lang),
        t("brief.note.cost", lang, target=fmt_pct(SDG_REMITTANCE_COST_TARGET, lang)),
        t("brief.note.edition", lang, edition=data.edition, built=data.built,
          hash=data.meta.get("content_hash", "–")[:12]),
        t("brief.note.generated", lang, date=fmt_date(data.today, lang)),
    ]
    size, line = 6.4, 2.9
    ids = data.cited
    with_urls = [f"[{n}] {source_line(data, s)}" for n, s in enumerate(ids, start=1)]
    without = [f"[{n}] {source_line(data, s, url=False)}" for n, s in enumerate(ids, start=1)]
    needed = 2.5 + HEADING_SIZE * 0.5 + 0.8 + 1 + sum(pdf.text_height(x, size, line) for x in with_urls + notes)
    lines = with_urls if needed < pdf.room() - 1 else without    # links when they fit on the page
    pdf.need(30)
    pdf.heading(t("brief.section.sources", lang), size=HEADING_SIZE, space=2.5)
    for text in lines:
        pdf.small(text, size=size, colour=INK, line=line)
    pdf.ln(1)
    for note in notes:
        pdf.small(note, size=size, line=line)


STOCK_HEIGHT, REMITTANCE_HEIGHT, CORRIDOR_HEIGHT, MIN_CHART_HEIGHT = 54.0, 44.0, 56.0, 30.0


def draw_brief(pdf: BriefPDF, data: BriefData) -> int:
    """Add one country's brief, starting on a new page; returns the number of pages it took (2).

    Page 1: header, headline figures, migrant stock and remittance charts (their heights shrink to fit
    what the table left). Page 2: corridors, the partnership's projects, sources and notes.
    """
    lang = data.lang
    pdf.add_page(orientation="P")
    pdf.footer_text = t("brief.footer", lang, country=data.name)   # after add_page: it drew the last footer
    first = pdf.page_no()
    pdf.start_section(data.name)
    draw_header(pdf, t("brief.kicker", lang), data.name,
                 t("brief.subtitle", lang, year=data.year), fmt_date(data.today, lang))
    _draw_headline(pdf, data)

    has_stocks, has_remittances = has_stock_data(data), not remittance_frame(data).empty
    stock_fixed = _chart_overhead(pdf, data, "stocks", has_stocks)
    remittance_fixed = _chart_overhead(pdf, data, "remittances", has_remittances)
    wanted = (STOCK_HEIGHT if has_stocks else 0) + (REMITTANCE_HEIGHT if has_remittances else 0)
    room = pdf.room() - stock_fixed - remittance_fixed - 1
    factor = min(1.0, room / wanted) if wanted else 1.0
    if factor * REMITTANCE_HEIGHT >= MIN_CHART_HEIGHT:        # both charts on page 1, shrunk alike
        stock_height, remittance_height, split = STOCK_HEIGHT * factor, REMITTANCE_HEIGHT * factor, False
    else:                                                     # a very long table: remittances open page 2
        stock_height = max(MIN_CHART_HEIGHT, min(STOCK_HEIGHT, pdf.room() - stock_fixed - 1))
        remittance_height, split = REMITTANCE_HEIGHT, True
    _draw_chart_block(pdf, data, "stocks", stock_title(data),
                      stock_chart(data, height_mm=stock_height) if has_stocks else None, stock_height)
    if split:
        pdf.add_page()
    _draw_chart_block(pdf, data, "remittances", t("profile.chart.remittances", lang),
                      remittance_chart(data, height_mm=remittance_height) if has_remittances else None,
                      remittance_height)

    corridors = corridor_chart(data)
    pdf.need(_chart_overhead(pdf, data, "corridors", corridors is not None)
             + (CORRIDOR_HEIGHT if corridors is not None else 0) + 1)   # page 2, unless page 1 is half empty
    _draw_chart_block(pdf, data, "corridors", t("profile.chart.corridors", lang, year=data.stock_year),
                      corridors, CORRIDOR_HEIGHT)
    _draw_projects(pdf, data)
    _draw_sources(pdf, data)
    return pdf.page_no() - first + 1


def country_brief_pdf(con, iso3: str, year: int, lang: str) -> bytes:
    """A one- or two-page A4 brief on one country in `lang` ('en', 'fr', 'es'). Unknown code -> ValueError."""
    data = brief_data(con, iso3, year, lang)
    pdf = BriefPDF(lang, t("brief.doc_title", lang, country=data.name))
    pdf.set_subject(t("brief.subtitle", lang, year=data.year))
    draw_brief(pdf, data)
    return pdf_bytes(pdf)

