"""Printable country briefs and meeting packs: A4 PDF built on the server, no network, no browser.

    country_brief_pdf(con, "MAR", 2024, "fr") -> bytes   # two A4 pages
    meeting_pack_pdf(con, ["MAR", "PHL"], 2024, "fr")    # a comparison table, then one brief per country

The figures are those of the country profile (ipmd.profile.load_profile) and the partnership's projects
(ipmd.fund_summary.country_projects), formatted with ipmd.i18n in the chosen language. Charts are drawn
with matplotlib's object API on the Agg canvas (no pyplot, so no global state shared between the
Streamlit server's threads) and embedded as images (PNG in the slides). Text uses DejaVu Sans, shipped with
matplotlib and embedded in the PDF, so accents and the narrow no-break space of French numbers print
everywhere. One brief costs about 2 s of CPU (the three charts are half of it).

ipmd.slides builds the slide version from the same `BriefData` and charts.
"""
from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path

import matplotlib
import pandas as pd
from babel.numbers import format_compact_decimal
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as MplFigure
from matplotlib.ticker import FuncFormatter, MaxNLocator
from PIL import Image

from ipmd import fund_summary, queries
from ipmd.i18n import (LANGUAGES, country_name, fmt_compact, fmt_date, fmt_number, fmt_pct, fmt_usd, income_group_name,
                       place_name, plural, t)
from ipmd.profile import (SDG_REMITTANCE_COST_TARGET, CountryProfile, detail_text, format_figure, load_profile,
                          stock_years, until)

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}   # each face costs ~0.1 s to load
FONT = "DejaVu"

# Okabe-Ito, as in components/theme.py (the core does not import the UI)
BLUE, ORANGE, GREEN, VERMILION, SKY = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9"
FEMALE, MALE, TOTAL = VERMILION, BLUE, "#555555"
INK, MUTED, RULE = "#1f2430", "#5a6070", "#c8ccd4"

MAX_PROJECTS = 6          # rows of the projects table; the rest are counted in one line
MAX_CORRIDORS = 8         # bars per corridor panel
FIRST_CHART_YEAR = 1990   # remittance series start here, like the migrant stocks
MAX_PACK_COUNTRIES = 30   # a roundtable, not the world (about 2 s per country)

STOCK_SOURCES = ("undesa_ims_2024_destination", "undesa_ims_2024_origin")
CORRIDOR_SOURCES = ("undesa_ims_2024_bilateral",)
STATUS_KEYS = ("approved", "active", "closed")


# ---------------------------------------------------------------------------------------- data

@dataclass(frozen=True)
class HeadlineRow:
    """One line of the headline table, already formatted in the brief's language."""
    indicator: str        # indicator id, or 'region' / 'income_group'
    label: str
    value: str            # '–' when the figure is missing
    detail: str
    year: str             # '–' when missing
    source_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class BriefData:
    """Everything one brief shows, gathered once for the PDF, the slides and the meeting pack."""
    iso3: str
    lang: str
    year: int
    stock_year: int
    name: str
    profile: CountryProfile
    names: dict[str, str]            # iso3 -> country name in `lang` (for corridors)
    projects: pd.DataFrame           # ipmd.fund_summary.country_projects
    meta: dict[str, str]
    today: date
    rows: list[HeadlineRow] = field(default_factory=list)

    @property
    def edition(self) -> str:
        return self.meta.get("data_edition", "–")

    @property
    def built(self) -> str:
        built_at = self.meta.get("built_at", "")
        try:
            return fmt_date(datetime.fromisoformat(built_at[:10]).date(), self.lang)
        except ValueError:
            return built_at or "–"

    @cached_property
    def stock_wide(self) -> dict[str, pd.DataFrame]:
        """year x sex stocks for 'immigrants' and 'emigrants' (see stocks_by_sex_wide)."""
        return {column: _stocks_by_sex_wide(until(self.profile.stocks, self.year), column) for column in ("immigrants", "emigrants")}

    @cached_property
    def cited(self) -> list[str]:
        return self.source_ids()

    def source_ids(self) -> list[str]:
        """The sources this brief cites, in the order of first use (their reference numbers)."""
        ids: list[str] = []
        for row in self.rows:
            ids.extend(row.source_ids)
        ids.extend(chart_sources(self, "stocks") + chart_sources(self, "remittances") + chart_sources(self, "corridors"))
        if len(self.projects) and self.projects["is_illustrative"].any():
            ids.append(fund_summary.ILLUSTRATIVE_SOURCE)
        elif len(self.projects):
            ids.append(fund_summary.REAL_LEDGER_SOURCE)
        known = self.profile.sources
        return [s for s in dict.fromkeys(ids) if s in known]

    def ref(self, source_ids) -> str:
        """'[1, 3]': reference numbers into the sources list."""
        order = {s: n for n, s in enumerate(self.cited, start=1)}
        numbers = sorted({order[s] for s in source_ids if s in order})
        return "[" + ", ".join(str(n) for n in numbers) + "]" if numbers else ""


def check_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")


def brief_data(con, iso3: str, year: int, lang: str, today: date | None = None) -> BriefData:
    """Gather a brief's content. Unknown code or language -> ValueError."""
    check_language(lang)
    code = str(iso3).strip().upper()
    profile = load_profile(con, code, int(year))
    if profile is None:
        raise ValueError(f"unknown country or area code {iso3!r}: use an ISO 3166 alpha-3 code "
                         f"present in the countries table (e.g. 'MAR')")
    countries = queries.countries(con)
    names = {row["iso3"]: country_name(row, lang) for row in countries.to_dict("records")}
    years = [y for y in stock_years(con) if y <= int(year)]
    return BriefData(
        iso3=code, lang=lang, year=int(year), stock_year=max(years) if years else int(year),
        name=country_name(profile.country, lang), profile=profile, names=names,
        projects=fund_summary.country_projects(con, code), meta=queries.meta(con),
        today=today or date.today(), rows=headline_rows(profile, lang),
    )


def headline_rows(profile: CountryProfile, lang: str) -> list[HeadlineRow]:
    """The headline table: value, detail, year and sources of each figure, formatted in `lang`."""
    p = profile

    def f(indicator: str) -> str:
        return format_figure(p, indicator, lang)

    def row(indicator: str, label_key: str, detail: str = "", *also: str) -> HeadlineRow:
        figure = p.figure(indicator)
        sources = [x.source_id for x in (figure, *(p.figure(a) for a in also)) if x is not None]
        if figure is None and not any(p.figure(a) for a in also):
            detail = t("common.no_data", lang)
        return HeadlineRow(indicator, t(label_key, lang), f(indicator), detail,
                           str(figure.year) if figure else "–", tuple(dict.fromkeys(sources)))

    cost = p.figure("remittance_cost_inbound_pct")
    target = fmt_pct(SDG_REMITTANCE_COST_TARGET, lang)
    if cost is None:
        cost_detail = ""
    elif cost.value > SDG_REMITTANCE_COST_TARGET:
        cost_detail = t("brief.cost_above_target", lang, target=target,
                        gap=fmt_number(cost.value - SDG_REMITTANCE_COST_TARGET, lang, 1))
    else:
        cost_detail = t("brief.cost_within_target", lang, target=target)

    country = p.country
    subregion, region = _text(country.get("un_subregion")), _text(country.get("un_region"))
    region_text = place_name(subregion or region, lang)
    if subregion and region and subregion != region:
        region_text = f"{place_name(subregion, lang)} ({place_name(region, lang)})"
    wb_region, income_group = _text(country.get("wb_region")), _text(country.get("income_group"))
    return [
        row("immigrant_stock", "profile.immigrants", detail_text(p, "immigrant_stock", lang),
            "immigrant_pct_pop", "immigrant_female_share"),
        row("emigrant_stock", "profile.emigrants", detail_text(p, "emigrant_stock", lang),
            "emigrant_pct_pop", "emigrant_female_share"),
        row("net_migrant_balance", "profile.net_balance", t("brief.net_balance_detail", lang)),
        row("remittances_received_usd", "profile.remittances_received", detail_text(p, "remittances_received_usd", lang),
            "remittances_received_pct_gdp"),
        row("remittances_paid_usd", "profile.remittances_paid", detail_text(p, "remittances_paid_usd", lang),
            "remittances_paid_pct_gdp"),
        row("remittance_cost_inbound_pct", "profile.cost", cost_detail),
        row("refugees_hosted", "profile.refugees_hosted"),
        row("refugees_origin", "profile.refugees_origin"),
        row("population", "profile.population"),
        row("gdp_per_capita_usd", "profile.gdp_per_capita"),
        HeadlineRow("region", t("brief.region", lang), region_text, t("brief.region_detail", lang), "–"),
        HeadlineRow("income_group", t("brief.income_group", lang),
                    income_group_name(income_group, lang),
                    t("brief.wb_region", lang, region=place_name(wb_region, lang)) if wb_region else "", "–"),
    ]


def chart_sources(data: BriefData, chart: str) -> list[str]:
    p = data.profile
    if chart == "stocks":
        if not has_stock_data(data):
            return []
        ids = [f.source_id for f in (p.figure("immigrant_stock"), p.figure("emigrant_stock")) if f]
        return ids or list(STOCK_SOURCES)
    if chart == "remittances":
        return [f.source_id for f in (p.figure("remittances_received_usd"), p.figure("remittances_paid_usd")) if f]
    if p.destinations.empty and p.origins.empty:
        return []
    return list(CORRIDOR_SOURCES)


def _text(value) -> str:
    """A database text that may be NULL (None or NaN in a frame) as a string."""
    return "" if is_missing(value) else str(value).strip()


def source_label(data: BriefData, source_id: str) -> str:
    """'UN DESA Population Division, International Migrant Stock 2024 (...) (IMS 2024)'."""
    row = data.profile.sources.get(source_id)
    if row is None:
        return source_id
    return f"{_text(row.get('publisher'))}, {_text(row.get('title'))} ({_text(row.get('edition'))})"


def source_line(data: BriefData, source_id: str, url: bool = True) -> str:
    row = data.profile.sources[source_id]
    text = source_label(data, source_id) + "."
    if _text(row.get("licence")):
        text += " " + t("brief.licence", data.lang, licence=_text(row.get("licence")))
    if url and _text(row.get("url")):
        text += " " + _text(row.get("url"))
    return text


def status_name(status: str, lang: str) -> str:
    return t(f"brief.status.{status}", lang) if status in STATUS_KEYS else status


# -------------------------------------------------------------------------------------- charts

def _compact_axis(lang: str, prefix: str = "") -> FuncFormatter:
    def label(value, _pos):
        if value == 0:
            return "0"
        text = format_compact_decimal(value, locale=lang, fraction_digits=1)
        return f"{prefix}{text}"
    return FuncFormatter(label)


def _style(ax, size: float = 7.0) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.spines[["left", "bottom"]].set_color(RULE)
    ax.tick_params(labelsize=size, colors=INK, length=2)
    ax.grid(axis="y", color="#e6e8ec", linewidth=0.6)
    ax.set_axisbelow(True)


CHART_DPI = 160


def _render(fig: MplFigure, dpi: int = CHART_DPI) -> Image.Image:
    """The figure as an RGB image (handed to fpdf2 as is: no PNG encode and decode on the way)."""
    fig.set_dpi(dpi)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba()).convert("RGB")


def png_bytes(image: Image.Image | None) -> bytes | None:
    if image is None:
        return None
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def _figure(width_mm: float, height_mm: float, *, left: float = 12, right: float = 3, top: float = 6,
            bottom: float = 6, wspace: float = 0.18, constrained: bool = False) -> MplFigure:
    """A figure of a given size in mm; margins in mm (fixed margins cost half what constrained layout does)."""
    fig = MplFigure(figsize=(width_mm / 25.4, height_mm / 25.4), facecolor="white",
                    layout="constrained" if constrained else None)
    if not constrained:
        fig.subplots_adjust(left=left / width_mm, right=1 - right / width_mm, top=1 - top / height_mm,
                            bottom=bottom / height_mm, wspace=wspace)
    return fig


def stocks_by_sex_wide(data: BriefData, column: str) -> pd.DataFrame:
    """year x sex (female, male, total) for 'immigrants' or 'emigrants'."""
    return data.stock_wide[column]


def _stocks_by_sex_wide(stocks: pd.DataFrame, column: str) -> pd.DataFrame:
    if stocks.empty or column not in stocks:
        return pd.DataFrame(columns=["female", "male", "total"])
    wide = stocks.pivot_table(index="year", columns="sex", values=column, aggfunc="first")
    for sex in ("female", "male", "total"):
        if sex not in wide:
            wide[sex] = float("nan")
    return wide[["female", "male", "total"]].dropna(how="all").sort_index()


def stock_title(data: BriefData) -> str:
    """'Migrant stock by sex, 1990–2015': the estimate years the brief's chart shows (up to the brief's year)."""
    years = [year for frame in data.stock_wide.values() for year in frame.index]
    if not years:
        return t("profile.chart.stocks", data.lang)
    return t("figures.chart.stocks", data.lang, first=int(min(years)), last=int(max(years)))


def has_stock_data(data: BriefData) -> bool:
    return any(not stocks_by_sex_wide(data, c).empty for c in ("immigrants", "emigrants"))


def remittance_frame(data: BriefData) -> pd.DataFrame:
    series = until(data.profile.remittances, data.year)   # the brief is 'up to {year}': so are its charts
    series = series[series["year"] >= FIRST_CHART_YEAR]
    return series.dropna(subset=["received_usd", "paid_usd"], how="all").sort_values("year")


def corridor_frame(data: BriefData, which: str) -> pd.DataFrame:
    frame = data.profile.destinations if which == "destinations" else data.profile.origins
    frame = frame.head(MAX_CORRIDORS).copy()
    frame["name"] = [data.names.get(code, code) for code in frame["partner_iso3"]]
    return frame


def stock_chart(data: BriefData, width_mm: float = 180, height_mm: float = 56,
                font: float = 7.0) -> Image.Image | None:
    """Two panels, immigrants and emigrants: women and men stacked per estimate year."""
    if not has_stock_data(data):
        return None
    lang = data.lang
    scale = font / 7.0
    fig = _figure(width_mm, height_mm, left=11 * scale, top=5 * scale, bottom=10 * scale, wspace=0.15)
    axes = fig.subplots(1, 2, sharey=False)
    handles = {}
    for ax, column, title_key in ((axes[0], "immigrants", "profile.immigrants"),
                                  (axes[1], "emigrants", "profile.emigrants")):
        _style(ax, font)
        wide = stocks_by_sex_wide(data, column)
        ax.set_title(t(title_key, lang), fontsize=font + 1, color=INK, loc="left", fontweight="bold")
        if wide.empty:
            ax.text(0.5, 0.5, t("common.no_data", lang), ha="center", va="center", fontsize=font + 1,
                    color=MUTED, transform=ax.transAxes)
            ax.set_xticks([]), ax.set_yticks([])
            continue
        x = range(len(wide))
        by_sex = wide[["female", "male"]].notna().all(axis=1)
        female = wide["female"].where(by_sex, 0).fillna(0)
        male = wide["male"].where(by_sex, 0).fillna(0)
        total_only = wide["total"].where(~by_sex, 0).fillna(0)
        handles["female"] = ax.bar(x, female, color=FEMALE, width=0.7, label=t("sex.female", lang))
        handles["male"] = ax.bar(x, male, bottom=female, color=MALE, width=0.7, label=t("sex.male", lang))
        if (~by_sex).any():
            handles["total"] = ax.bar(x, total_only, color=TOTAL, width=0.7, label=t("brief.chart.both_sexes", lang))
        ax.set_xticks(list(x), [str(int(y)) for y in wide.index], fontsize=font - 0.5)
        ax.yaxis.set_major_formatter(_compact_axis(lang))
        ax.yaxis.set_major_locator(MaxNLocator(4))
    fig.legend(list(handles.values()), [h.get_label() for h in handles.values()], loc="lower center",
               ncols=max(len(handles), 1), fontsize=font, frameon=False, bbox_to_anchor=(0.5, 0.0))
    return _render(fig)


def remittance_chart(data: BriefData, width_mm: float = 180, height_mm: float = 44,
                     font: float = 7.0) -> Image.Image | None:
    """Remittances received and paid, US$, one line each, from 1990."""
    series = remittance_frame(data)
    if series.empty:
        return None
    lang = data.lang
    scale = font / 7.0
    fig = _figure(width_mm, height_mm, left=13 * scale, top=2 * scale, bottom=5.5 * scale)
    ax = fig.subplots()
    _style(ax, font)
    for column, colour, key in (("received_usd", BLUE, "profile.remittances_received"),
                                ("paid_usd", ORANGE, "profile.remittances_paid")):
        points = series.dropna(subset=[column])
        if len(points):
            ax.plot(points["year"], points[column], color=colour, linewidth=1.6, marker="o", markersize=1.8,
                    label=t(key, lang))
    ax.yaxis.set_major_formatter(_compact_axis(lang))
    ax.yaxis.set_major_locator(MaxNLocator(4))
    ax.xaxis.set_major_locator(MaxNLocator(8, integer=True))
    ax.set_ylim(bottom=0)
    legend = ax.legend(fontsize=font, frameon=False, loc="best", alignment="left",
                       title=t("brief.chart.usd_axis", lang), title_fontsize=font)   # the unit, as legend title
    legend.get_title().set_color(MUTED)
    return _render(fig)


def _short(text: str, limit: int = 26) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def corridor_chart(data: BriefData, width_mm: float = 180, height_mm: float = 58,
                   font: float = 7.0) -> Image.Image | None:
    """Two panels of horizontal bars: where emigrants live, where immigrants come from."""
    panels = [("destinations", "profile.corridors.destinations", ORANGE),
              ("origins", "profile.corridors.origins", GREEN)]
    frames = {which: corridor_frame(data, which) for which, _, _ in panels}
    if all(frame.empty for frame in frames.values()):
        return None
    lang = data.lang
    fig = _figure(width_mm, height_mm)
    # fixed axes with room for the longest country name (constrained layout would cost twice the time)
    longest = max((len(_short(name)) for frame in frames.values() for name in frame["name"]), default=4)
    label = 2.5 + longest * font * 0.58 * 25.4 / 72
    top, bottom, gap = (font + 1) * 0.62, 1.0, 8.0
    panel = (width_mm - 2 * label - gap - 2) / 2
    axes = [fig.add_axes((left / width_mm, bottom / height_mm, panel / width_mm,
                          (height_mm - top - bottom) / height_mm))
            for left in (label, 2 * label + panel + gap)]
    for ax, (which, title_key, colour) in zip(axes, panels):
        frame = frames[which]
        ax.set_title(t(title_key, lang), fontsize=font + 1, color=INK, loc="left", fontweight="bold")
        ax.spines[["top", "right", "bottom"]].set_visible(False)
        ax.spines["left"].set_color(RULE)
        ax.tick_params(labelsize=font, colors=INK, length=0)
        ax.set_xticks([])
        if frame.empty:
            ax.text(0.5, 0.5, t("common.no_data", lang), ha="center", va="center", fontsize=font + 1,
                    color=MUTED, transform=ax.transAxes)
            ax.set_yticks([])
            continue
        y = list(range(len(frame)))[::-1]
        ax.barh(y, frame["stock"], color=colour, height=0.7)
        ax.set_yticks(y, [_short(n) for n in frame["name"]])
        top = float(frame["stock"].max())
        for yy, value in zip(y, frame["stock"]):
            ax.text(value + top * 0.02, yy, format_compact_decimal(value, locale=lang, fraction_digits=1),
                    va="center", fontsize=font - 0.5, color=INK)
        ax.set_xlim(0, top * 1.25)
    return _render(fig)


def chart_summary(data: BriefData, chart: str) -> str:
    """The one-line text of a chart (also its alternative text)."""
    lang, name = data.lang, data.name
    if chart == "stocks":
        total = until(data.profile.stocks, data.year)
        total = total[total["sex"] == "total"].dropna(subset=["immigrants", "emigrants"], how="all").sort_values("year")
        if total.empty:
            return t("common.no_data", lang)
        first, last = total.iloc[0], total.iloc[-1]
        return t("profile.chart.stocks_summary", lang, country=name, y0=int(first.year), y1=int(last.year),
                 imm0=fmt_compact(first.immigrants, lang), imm1=fmt_compact(last.immigrants, lang),
                 emi0=fmt_compact(first.emigrants, lang), emi1=fmt_compact(last.emigrants, lang))
    if chart == "remittances":
        received = remittance_frame(data).dropna(subset=["received_usd"])
        if received.empty:
            return t("common.no_data", lang)
        return t("profile.chart.remittances_summary", lang, country=name, year=int(received.iloc[-1].year),
                 value=fmt_usd(received.iloc[-1].received_usd, lang),
                 peak_year=int(received.loc[received.received_usd.idxmax()].year))
    parts = []
    for which, key in (("destinations", "profile.corridors.destinations_summary"),
                       ("origins", "profile.corridors.origins_summary")):
        frame = corridor_frame(data, which).head(3)
        if len(frame):
            top = ", ".join(f"{r.name} ({fmt_compact(r.stock, lang)})" for r in frame.itertuples())
            parts.append(t(key, lang, country=name, year=data.stock_year, top=top))
    return " ".join(parts) or t("common.no_data", lang)


# ----------------------------------------------------------------------------------------- PDF

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


def _pdf_bytes(pdf: FPDF) -> bytes:
    return bytes(pdf.output())


def _draw_header(pdf: BriefPDF, kicker: str, title: str, subtitle: str, when: str) -> None:
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


def _table_style(pdf: BriefPDF, size: float) -> dict:
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
    with pdf.table(col_widths=(41, 36, 64, 13, 26), **_table_style(pdf, size)) as table:
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


def projects_summary(data: BriefData) -> str:
    """'2 approved projects work in Morocco: ...' (the brief's and the slides' line on the partnership)."""
    projects, lang = data.projects, data.lang
    return t("profile.partnership.summary", lang, country=data.name,
             projects=plural("figures.count.approved_projects", len(projects), lang),
             approved=fmt_usd(projects["approved_here"].sum(), lang),
             disbursed=fmt_usd(projects["disbursed_here"].sum(), lang))


def projects_more(data: BriefData, shown: int) -> str:
    """'… and 1 more project, listed in the dashboard.'"""
    return t("brief.projects_more", data.lang,
             more=plural("figures.count.more_projects", len(data.projects) - shown, data.lang))


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
    with pdf.table(col_widths=(70, 20, 17, 17, 28, 28), **_table_style(pdf, size)) as table:
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


def _draw_brief(pdf: BriefPDF, data: BriefData) -> int:
    """Add one country's brief, starting on a new page; returns the number of pages it took (2).

    Page 1: header, headline figures, migrant stock and remittance charts (their heights shrink to fit
    what the table left). Page 2: corridors, the partnership's projects, sources and notes.
    """
    lang = data.lang
    pdf.add_page(orientation="P")
    pdf.footer_text = t("brief.footer", lang, country=data.name)   # after add_page: it drew the last footer
    first = pdf.page_no()
    pdf.start_section(data.name)
    _draw_header(pdf, t("brief.kicker", lang), data.name,
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
    _draw_brief(pdf, data)
    return _pdf_bytes(pdf)


# -------------------------------------------------------------------------------- meeting pack

PACK_COLUMNS = (
    ("immigrant_stock", "brief.pack.col.immigrants"), ("immigrant_pct_pop", "brief.pack.col.pct_pop"),
    ("emigrant_stock", "brief.pack.col.emigrants"), ("emigrant_pct_pop", "brief.pack.col.pct_pop"),
    ("remittances_received_usd", "brief.pack.col.remittances"),
    ("remittances_received_pct_gdp", "brief.pack.col.pct_gdp"),
    ("remittance_cost_inbound_pct", "brief.pack.col.cost"), ("refugees_hosted", "brief.pack.col.refugees"),
    ("population", "brief.pack.col.population"),
)


def comparison_rows(datas: list[BriefData]) -> list[list[str]]:
    """One row per country: its name then the PACK_COLUMNS figures, formatted in its language."""
    return [[d.name] + [figure_with_year(d.profile, ind, d.lang) for ind, _ in PACK_COLUMNS] for d in datas]


def figure_with_year(profile: CountryProfile, indicator: str, lang: str) -> str:
    """A figure for a table headed 'latest figures up to {year}': its own year beside it when it is an earlier one."""
    text, figure = format_figure(profile, indicator, lang), profile.figure(indicator)
    if figure is None or figure.year == profile.year:
        return text
    return t("figures.of_year", lang, text=text, year=figure.year)


def _draw_comparison(pdf: BriefPDF, datas: list[BriefData], year: int, lang: str, today: date) -> None:
    pdf.add_page(orientation="L")          # ten columns read best across a landscape page
    pdf.footer_text = t("brief.pack.footer", lang, countries=plural("figures.count.countries_areas", len(datas), lang))
    pdf.start_section(t("brief.pack.title", lang))
    _draw_header(pdf, t("brief.pack.kicker", lang), t("brief.pack.title", lang),
                 t("brief.pack.subtitle", lang, countries=plural("figures.count.countries_areas", len(datas), lang),
                   year=year), fmt_date(today, lang))
    pdf.heading(t("brief.pack.table", lang), space=1.0)
    pdf.small(t("brief.pack.note", lang, year=year))
    pdf.ln(1)
    size = 7.5
    pdf.set_font(FONT, size=size)
    widths = (44, 25, 18, 25, 18, 34, 18, 27, 25, 33)     # 267 mm: A4 landscape less the margins
    with pdf.table(col_widths=widths, **_table_style(pdf, size)) as table:
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
        _draw_brief(pdf, data)
    return _pdf_bytes(pdf)


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def main(argv: list[str] | None = None) -> int:
    """python -m ipmd.brief MAR [PHL ...] [--lang fr] [--year 2024] [--slides] [--out FILE]

    One code: the country brief (or its slides with --slides); several: a meeting pack."""
    import argparse
    import sys
    import time

    from ipmd import db

    parser = argparse.ArgumentParser(prog="python -m ipmd.brief", description=main.__doc__.splitlines()[2].strip())
    parser.add_argument("codes", nargs="+", help="ISO 3166 alpha-3 codes")
    parser.add_argument("--lang", default="en", choices=LANGUAGES)
    parser.add_argument("--year", type=int, default=date.today().year)
    parser.add_argument("--slides", action="store_true", help="PPTX slides instead of a PDF (one country)")
    parser.add_argument("--out", help="file to write (default: ipmd_brief_<codes>_<year>_<lang>.pdf/.pptx)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    con = db.connect()
    try:
        if args.slides:
            from ipmd.slides import country_brief_pptx
            data, ext = country_brief_pptx(con, args.codes[0], args.year, args.lang), "pptx"
        elif len(args.codes) == 1:
            data, ext = country_brief_pdf(con, args.codes[0], args.year, args.lang), "pdf"
        else:
            data, ext = meeting_pack_pdf(con, args.codes, args.year, args.lang), "pdf"
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    out = Path(args.out or f"ipmd_brief_{'_'.join(c.upper() for c in args.codes)}_{args.year}_{args.lang}.{ext}")
    out.write_bytes(data)
    print(f"wrote {out} ({len(data) / 1024:.0f} KiB) in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
