"""The country brief as slides (PPTX, python-pptx), one idea per slide, for delegations that brief with slides.

    country_brief_pptx(con, "MEX", 2024, "es") -> bytes

Slides: title; headline figures; migrant stock by sex; remittances; main corridors; the partnership's
projects; sources and notes. Same content, numbers and charts as the PDF (ipmd.documents.pdf), 16:9. Each
chart carries its one-line summary on the slide, as its alternative text and in the speaker notes.
"""
from __future__ import annotations

import io

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from ipmd.documents import palette
from ipmd.documents.charts import corridor_chart, png_bytes, remittance_chart, stock_chart
from ipmd.documents.data import MAX_PROJECTS, BriefData, brief_data, chart_sources
from ipmd.documents.text import (chart_summary, projects_more, projects_summary, source_line, status_name,
                                 stock_title)
from ipmd.i18n import fmt_date, fmt_pct, fmt_usd, t
from ipmd.profiles.country import SDG_REMITTANCE_COST_TARGET

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.6)
BLUE, INK, MUTED = (RGBColor.from_string(colour.lstrip("#").upper())
                    for colour in (palette.BLUE, palette.INK, palette.MUTED))
NOTICE = RGBColor(0xFF, 0xF4, 0xDC)
HEAD_FILL = RGBColor(0xEE, 0xF2, 0xF7)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)

LAYOUT_TITLE, LAYOUT_TITLE_ONLY = 0, 5


# The sources and notes at a size a projected room can read: 16 pt, about 110 characters a line on the slide's
# width, and at most 17 lines a slide (the rest goes on the next slide, titled "... (2/3)").
SOURCES_PT, LINE_CHARS, SLIDE_LINES = 16, 110, 17


def _source_pages(data: BriefData) -> list[list[str]]:
    """The numbered sources, then the notes, cut into slides; an entry is never split across two slides."""
    lang = data.lang
    entries = [f"[{n}] {source_line(data, s)}" for n, s in enumerate(data.cited, start=1)]
    entries += [t("brief.note.years", lang, year=data.year, stock_year=data.stock_year),
                t("brief.note.net_balance", lang),
                t("brief.note.cost", lang, target=fmt_pct(SDG_REMITTANCE_COST_TARGET, lang)),
                t("brief.note.edition", lang, edition=data.edition, built=data.built,
                  hash=data.meta.get("content_hash", "–")[:12]),
                t("brief.note.generated", lang, date=fmt_date(data.today, lang))]
    pages, lines = [[]], 0
    for entry in entries:
        needed = -(-len(entry) // LINE_CHARS)
        if pages[-1] and lines + needed > SLIDE_LINES:
            pages.append([])
            lines = 0
        pages[-1].append(entry)
        lines += needed
    return pages


def _sources_titles(data: BriefData) -> list[str]:
    title, count = t("brief.section.sources", data.lang), len(_source_pages(data))
    return [title] if count == 1 else [f"{title} ({i}/{count})" for i in range(1, count + 1)]


def slide_titles(data: BriefData) -> list[str]:
    """The title of every slide, in order (the title slide's is the country name)."""
    lang = data.lang
    return [data.name, t("brief.slide.headline", lang), stock_title(data),
            t("profile.chart.remittances", lang), t("profile.chart.corridors", lang, year=data.stock_year),
            t("profile.partnership.title", lang), *_sources_titles(data)]


def _text_box(slide, left, top, width, height, text: str, size: float = 14, colour=INK, bold: bool = False,
              fill=None):
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    if fill is not None:
        box.fill.solid()
        box.fill.fore_color.rgb = fill
    for i, line in enumerate(text.split("\n")):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = colour
    return box


def _titled(prs, title: str):
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
    shape = slide.shapes.title
    shape.left, shape.top, shape.width, shape.height = MARGIN, Inches(0.35), WIDTH - 2 * MARGIN, Inches(0.9)
    shape.text = title
    paragraph = shape.text_frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.LEFT
    paragraph.runs[0].font.size = Pt(30)
    paragraph.runs[0].font.bold = True
    paragraph.runs[0].font.color.rgb = BLUE
    shape.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    return slide


def _footer(slide, data: BriefData, text: str) -> None:
    _text_box(slide, MARGIN, HEIGHT - Inches(0.55), WIDTH - 2 * MARGIN, Inches(0.35), text, size=10, colour=MUTED)


def _notes(slide, text: str) -> None:
    slide.notes_slide.notes_text_frame.text = text


def _table(slide, rows: list[list[str]], top, widths_in: list[float], size: float = 12, height=None,
           bold_column: int | None = None):
    n_rows, n_cols = len(rows), len(rows[0])
    height = height or Inches(0.4) * n_rows
    shape = slide.shapes.add_table(n_rows, n_cols, MARGIN, top, Inches(sum(widths_in)), height)
    table = shape.table
    for j, width in enumerate(widths_in):
        table.columns[j].width = Inches(width)
    for i, values in enumerate(rows):
        for j, value in enumerate(values):
            cell = table.cell(i, j)
            cell.text = value
            cell.margin_top = cell.margin_bottom = Emu(30000)
            cell.fill.solid()
            cell.fill.fore_color.rgb = HEAD_FILL if i == 0 else WHITE
            for paragraph in cell.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(size)
                    run.font.color.rgb = INK
                    run.font.bold = i == 0 or j == bold_column
    return shape


def _chart_slide(prs, data: BriefData, title: str, chart: str, png: bytes | None) -> None:
    slide = _titled(prs, title)
    summary = chart_summary(data, chart)
    width = WIDTH - 2 * MARGIN
    if png is None:
        _text_box(slide, MARGIN, Inches(2.5), width, Inches(1), t("common.no_data", data.lang), size=24, colour=MUTED)
    else:
        picture = slide.shapes.add_picture(io.BytesIO(png), MARGIN, Inches(1.35), width=width, height=Inches(4.45))
        picture._element.nvPicPr.cNvPr.set("descr", summary)
    _text_box(slide, MARGIN, Inches(5.9), width, Inches(0.9), summary, size=15)
    refs = [data.profile.sources[s] for s in chart_sources(data, chart) if s in data.profile.sources]
    sources = "; ".join(dict.fromkeys(f"{r['publisher']}, {r['title']} ({r['edition']})" for r in refs))
    _footer(slide, data, t("source.plain", data.lang, sources=sources) if sources else "")
    _notes(slide, summary)


def country_brief_pptx(con, iso3: str, year: int, lang: str) -> bytes:
    """The brief as a 16:9 slide deck in `lang`. Unknown code -> ValueError."""
    data = brief_data(con, iso3, year, lang)
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    prs.core_properties.title = t("brief.doc_title", lang, country=data.name)
    prs.core_properties.author = t("brief.author", lang)
    prs.core_properties.language = lang

    # 1. title
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE])
    slide.shapes.title.text = data.name
    slide.shapes.title.left, slide.shapes.title.top = MARGIN, Inches(2.0)
    slide.shapes.title.width, slide.shapes.title.height = WIDTH - 2 * MARGIN, Inches(1.5)
    slide.shapes.title.text_frame.paragraphs[0].runs[0].font.color.rgb = BLUE
    subtitle = slide.placeholders[1]
    subtitle.left, subtitle.top, subtitle.width, subtitle.height = MARGIN, Inches(3.7), WIDTH - 2 * MARGIN, Inches(1.6)
    subtitle.text = "\n".join([t("brief.slide.subtitle", lang, date=fmt_date(data.today, lang)),
                               t("brief.subtitle", lang, year=data.year)])
    _footer(slide, data, t("brief.kicker", lang))

    # 2. headline figures
    slide = _titled(prs, t("brief.slide.headline", lang))
    rows = [[t("brief.col.indicator", lang), t("brief.col.value", lang), t("brief.col.detail", lang),
             t("brief.col.year", lang), t("brief.col.source", lang)]]
    special = {"region": t("brief.source.m49", lang), "income_group": t("brief.source.wb_classification", lang)}
    rows += [[r.label, r.value, r.detail, r.year, special.get(r.indicator) or data.ref(r.source_ids)]
             for r in data.rows]
    _table(slide, rows, Inches(1.3), [3.1, 2.6, 4.6, 0.8, 1.0], size=11, height=Inches(5.1), bold_column=1)
    _footer(slide, data, t("brief.latest_note", lang, year=data.year))
    _notes(slide, "\n".join(f"{r.label}: {r.value} ({r.year}) {r.detail}" for r in data.rows))

    # 3-5. charts, one per slide
    _chart_slide(prs, data, stock_title(data), "stocks",
                 png_bytes(stock_chart(data, width_mm=308, height_mm=113, font=11)))
    _chart_slide(prs, data, t("profile.chart.remittances", lang), "remittances",
                 png_bytes(remittance_chart(data, width_mm=308, height_mm=113, font=11)))
    _chart_slide(prs, data, t("profile.chart.corridors", lang, year=data.stock_year), "corridors",
                 png_bytes(corridor_chart(data, width_mm=308, height_mm=113, font=11)))

    # 6. the partnership
    slide = _titled(prs, t("profile.partnership.title", lang))
    projects = data.projects
    width = WIDTH - 2 * MARGIN
    if projects.empty:
        _text_box(slide, MARGIN, Inches(2.4), width, Inches(1.2),
                  t("profile.partnership.none", lang, country=data.name), size=24)
    else:
        top = Inches(1.35)
        if projects["is_illustrative"].any():
            _text_box(slide, MARGIN, top, width, Inches(0.7), t("notice.illustrative", lang), size=13, bold=True,
                      fill=NOTICE)
            top += Inches(0.85)
        _text_box(slide, MARGIN, top, width, Inches(0.8),
                  projects_summary(data), size=15)
        top += Inches(0.95)
        rows = [[t("brief.col.project", lang), t("brief.col.partner", lang), t("brief.col.status", lang),
                 t("profile.partnership.approved_here", lang), t("profile.partnership.disbursed_here", lang)]]
        rows += [[str(p.title), str(p.partner_id), status_name(str(p.status), lang), fmt_usd(p.approved_here, lang),
                  fmt_usd(p.disbursed_here, lang)] for p in projects.head(MAX_PROJECTS).itertuples()]
        _table(slide, rows, top, [5.6, 1.3, 1.4, 1.9, 1.9], size=12)
        if len(projects) > MAX_PROJECTS:
            _footer(slide, data, projects_more(data, MAX_PROJECTS))

    # 7. sources and notes, over as many slides as they need
    for title, entries in zip(_sources_titles(data), _source_pages(data)):
        slide = _titled(prs, title)
        _text_box(slide, MARGIN, Inches(1.3), width, Inches(5.8), "\n".join(entries), size=SOURCES_PT)

    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()
