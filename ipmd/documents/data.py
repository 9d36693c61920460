"""What one brief shows, gathered once for the PDF, the slides and the meeting pack: `brief_data(con, iso3,
year, lang)` -> BriefData (the country profile of ipmd.profiles.country, the partnership's projects of
ipmd.fund.summary), the headline rows and the frames behind each chart.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

import pandas as pd

from ipmd import queries
from ipmd.fund import summary as fund_summary
from ipmd.i18n import LANGUAGES, country_name, fmt_date, fmt_number, fmt_pct, income_group_name, place_name, t
from ipmd.profiles.country import (SDG_REMITTANCE_COST_TARGET, CountryProfile, detail_text, format_figure, load_profile,
                          stock_years, until)


MAX_PROJECTS = 6          # rows of the projects table; the rest are counted in one line


MAX_CORRIDORS = 8         # bars per corridor panel


FIRST_CHART_YEAR = 1990   # remittance series start here, like the migrant stocks


STOCK_SOURCES = ("undesa_ims_2024_destination", "undesa_ims_2024_origin")


CORRIDOR_SOURCES = ("undesa_ims_2024_bilateral",)


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
    projects: pd.DataFrame           # ipmd.fund.summary.country_projects
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
    subregion, region = text_of(country.get("un_subregion")), text_of(country.get("un_region"))
    region_text = place_name(subregion or region, lang)
    if subregion and region and subregion != region:
        region_text = f"{place_name(subregion, lang)} ({place_name(region, lang)})"
    wb_region, income_group = text_of(country.get("wb_region")), text_of(country.get("income_group"))
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


def text_of(value) -> str:
    """A database text that may be NULL (None or NaN in a frame) as a string."""
    return "" if is_missing(value) else str(value).strip()


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


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))

