"""The meeting pack: a comparison table on page 1, then one brief per country, in one PDF.

    meeting_pack_pdf(con, ["MAR", "PHL"], 2024, "fr") -> bytes
"""
from __future__ import annotations

from datetime import date

from fpdf.fonts import FontFace

from ipmd.documents.data import BriefData, brief_data, check_language
from ipmd.documents.pdf import FONT, BriefPDF, draw_brief, draw_header, pdf_bytes, table_style
from ipmd.documents.text import PACK_COLUMNS, comparison_rows, source_label
from ipmd.i18n import fmt_date, plural, t


MAX_PACK_COUNTRIES = 30   # a roundtable, not the world (about 2 s per country)


def _draw_comparison(pdf: BriefPDF, datas: list[BriefData], year: int, lang: str, today: date) -> None:
    pdf.add_page(orientation="L")          # ten columns read best across a landscape page
    pdf.footer_text = t("brief.pack.footer", lang, countries=plural("figures.count.countries_areas", len(datas), lang))
    pdf.start_section(t("brief.pack.title", lang))
    draw_header(pdf, t("brief.pack.kicker", lang), t("brief.pack.title", lang),
                 t("brief.pack.subtitle", lang, countries=plural("figures.count.countries_areas", len(datas), lang),
                   year=year), fmt_date(today, lang))
    pdf.heading(t("brief.pack.table", lang), space=1.0)
    pdf.small(t("brief.pack.note", lang, year=year))
    pdf.ln(1)
    size = 7.5
    pdf.set_font(FONT, size=size)
    widths = (44, 25, 18, 25, 18, 34, 18, 27, 25, 33)     # 267 mm: A4 landscape less the margins
    with pdf.table(col_widths=widths, **table_style(pdf, size)) as table:
        head = table.row()
        head.cell(t("brief.pack.col.country", lang))
        for _, key in PACK_COLUMNS:
            head.cell(t(key, lang))
        for values in comparison_rows(datas):
            r = table.row()
            r.cell(values[0], style=FontFace(family=FONT, emphasis="B", size_pt=size))
            for value in values[1:]:
                r.cell(value, align="R")
    pdf.ln(2)
    pdf.small(t("brief.pack.groups_note", lang), size=6.8)
    pdf.ln(1)
    used = dict.fromkeys(d.profile.figure(i).source_id for d in datas for i, _ in PACK_COLUMNS if d.profile.figure(i))
    labels = [source_label(datas[0], s) for s in used if s in datas[0].profile.sources]
    if labels:
        pdf.small(t("source.plain", lang, sources="; ".join(labels)), size=6.5)
    pdf.set_font(FONT, size=9)


def meeting_pack_pdf(con, iso3_list, year: int, lang: str) -> bytes:
    """One PDF: a comparison table on page 1, then the brief of each country in the order given.

    Codes are de-duplicated; an empty list, more than MAX_PACK_COUNTRIES or an unknown code -> ValueError.
    """
    check_language(lang)
    codes = list(dict.fromkeys(str(c).strip().upper() for c in (iso3_list or [])))
    if not codes:
        raise ValueError("a meeting pack needs at least one country code")
    if len(codes) > MAX_PACK_COUNTRIES:
        raise ValueError(f"a meeting pack holds at most {MAX_PACK_COUNTRIES} countries, not {len(codes)}")
    today = date.today()
    datas = [brief_data(con, code, year, lang, today=today) for code in codes]
    pdf = BriefPDF(lang, t("brief.pack.doc_title", lang, year=year))
    pdf.set_subject(", ".join(d.name for d in datas))
    _draw_comparison(pdf, datas, int(year), lang, today)
    for data in datas:
        draw_brief(pdf, data)
    return pdf_bytes(pdf)

