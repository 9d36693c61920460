"""The documents' sentences: source lines, chart summaries (also their alternative text), the projects line,
the meeting pack's comparison cells. Formatted with ipmd.i18n in the brief's language.
"""
from __future__ import annotations

from ipmd.documents.data import BriefData, corridor_frame, remittance_frame, text_of
from ipmd.fund.rules import FUNDED_STATUSES
from ipmd.i18n import fmt_compact, fmt_usd, plural, t
from ipmd.profiles.country import CountryProfile, format_figure, until


def source_label(data: BriefData, source_id: str) -> str:
    """'UN DESA Population Division, International Migrant Stock 2024 (...) (IMS 2024)'."""
    row = data.profile.sources.get(source_id)
    if row is None:
        return source_id
    return f"{text_of(row.get('publisher'))}, {text_of(row.get('title'))} ({text_of(row.get('edition'))})"


def source_line(data: BriefData, source_id: str, url: bool = True) -> str:
    row = data.profile.sources[source_id]
    text = source_label(data, source_id) + "."
    if text_of(row.get("licence")):
        text += " " + t("brief.licence", data.lang, licence=text_of(row.get("licence")))
    if url and text_of(row.get("url")):
        text += " " + text_of(row.get("url"))
    return text


def status_name(status: str, lang: str) -> str:
    return t(f"brief.status.{status}", lang) if status in FUNDED_STATUSES else status


def stock_title(data: BriefData) -> str:
    """'Migrant stock by sex, 1990–2015': the estimate years the brief's chart shows (up to the brief's year)."""
    years = [year for frame in data.stock_wide.values() for year in frame.index]
    if not years:
        return t("profile.chart.stocks", data.lang)
    return t("figures.chart.stocks", data.lang, first=int(min(years)), last=int(max(years)))


def shorten(text: str, limit: int = 26) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


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

