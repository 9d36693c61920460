"""The comparison as an A4 PDF in the page's language, on the briefs' layout (ipmd.documents.pdf): the headline
figures of each place with their years, the chosen indicator over time, the stocks and the sources.

    comparison_pdf(con, ("MAR", "TUN", "PHL"), 2024, "immigrant_pct_pop", "fr") -> bytes
"""
from __future__ import annotations

from datetime import date

import pandas as pd
from fpdf.fonts import FontFace

from ipmd import queries
from ipmd.documents.charts import _compact_axis, _figure, _render, _style
from ipmd.documents.data import check_language
from ipmd.documents.palette import OKABE_ITO
from ipmd.documents.pdf import FONT, BriefPDF, draw_header, pdf_bytes, table_style
from ipmd.i18n import fmt_compact, fmt_date, fmt_pct, fmt_usd, t
from ipmd.profiles.compare import Comparison, comparison, headline_table, place_labels


def format_value(value, unit: str, lang: str) -> str:
    if value is None or pd.isna(value):
        return t("compare.missing", lang)
    if unit == "%":
        return fmt_pct(value, lang, significant=2)
    if unit == "US$":
        return fmt_usd(value, lang)
    return fmt_compact(value, lang)


def series_chart(data: Comparison, names: dict[str, str], lang: str, width_mm: float = 180, height_mm: float = 70):
    """The chosen indicator over time, one line per place (an image), or None when no place has a value."""
    if data.series.empty:
        return None
    fig = _figure(width_mm, height_mm, left=16, bottom=16, top=4)
    ax = fig.add_subplot()
    for i, code in enumerate(data.codes):
        rows = data.series[data.series["code"] == code].sort_values("year")
        if len(rows):
            ax.plot(rows["year"], rows["value"], marker="o", markersize=2.5, linewidth=1.4,
                    color=OKABE_ITO[i % len(OKABE_ITO)], label=names[code])
    unit = data.units.get(data.indicator, "")
    if unit != "%":
        ax.yaxis.set_major_formatter(_compact_axis(lang, "US$" if unit == "US$" else ""))
    ax.set_ylim(bottom=0)
    _style(ax)
    ax.legend(fontsize=6.5, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.12),
              ncol=min(3, len(data.codes)))
    return _render(fig)


def comparison_pdf(con, codes, year: int, indicator: str, lang: str) -> bytes:
    """The comparison of `codes` (2 to 6 places) up to `year` as a PDF in `lang`."""
    check_language(lang)
    data = comparison(con, tuple(codes), int(year), indicator)
    names = place_labels(data.places, lang)
    sources = queries.sources(con).set_index("source_id")
    title = t("compare.pdf.title", lang, places=", ".join(names[c] for c in data.codes))
    pdf = BriefPDF(lang, title)
    pdf.add_page()
    draw_header(pdf, t("compare.pdf.kicker", lang), title, t("compare.headline.note", lang, year=data.year),
                fmt_date(date.today(), lang))
    pdf.heading(t("compare.headline.title", lang, year=data.year), space=1.0)
    table = headline_table(data)
    size = 7.0 if len(data.codes) <= 4 else 6.2
    pdf.set_font(FONT, size=size)
    first = 46
    widths = [first] + [(pdf.content_width - first) / len(data.codes)] * len(data.codes)
    with pdf.table(col_widths=widths, **table_style(pdf, size)) as grid:
        head = grid.row()
        head.cell(t("compare.col.indicator", lang))
        for code in data.codes:
            head.cell(names[code])
        for row in table.to_dict("records"):
            r = grid.row()
            r.cell(t(f"indicator.{row['indicator_id']}", lang), style=FontFace(family=FONT, size_pt=size))
            for code in data.codes:
                year_of = row[f"{code}_year"]
                text = format_value(row[code], data.units.get(row["indicator_id"], ""), lang)
                r.cell(text if pd.isna(year_of) else f"{text} ({year_of})", align="R")
    pdf.set_font(FONT, size=9)
    pdf.heading(t(f"indicator.{data.indicator}", lang))
    image = series_chart(data, names, lang)
    pdf.chart(image, pdf.content_width, 70, alt=t(f"indicator.{data.indicator}", lang))
    used = [s for s in dict.fromkeys([*table["source_id"].dropna().str.split(";").sum(),
                                      *data.series["source_id"], "undesa_ims_2024_bilateral"]) if s in sources.index]
    pdf.heading(t("compare.pdf.sources", lang))
    for source_id in used:
        row = sources.loc[source_id]
        pdf.small(f"{row.publisher}, {row.title} ({row.edition}). {row.url or ''}".strip())
    return pdf_bytes(pdf)
