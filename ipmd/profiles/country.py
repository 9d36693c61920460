"""A country's migration profile: headline figures with year and source, series, corridors and peers.

Pure functions over frames, plus `load_profile` which asks the database for them. Used by the
profile page and the printable briefs alike, so both show the same numbers.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ipmd import queries
from ipmd.i18n import fmt_compact, fmt_pct, fmt_usd, t
from ipmd.profiles import methods

SDG_REMITTANCE_COST_TARGET = 3.0  # SDG 10.c.1: average cost of sending US$200 below 3% by 2030

# Headline figures in the order the profile shows them.
HEADLINE_INDICATORS = (
    "immigrant_stock", "immigrant_pct_pop", "immigrant_female_share",
    "emigrant_stock", "emigrant_pct_pop", "emigrant_female_share",
    "remittances_received_usd", "remittances_received_pct_gdp",
    "remittances_paid_usd", "remittances_paid_pct_gdp",
    "remittance_cost_inbound_pct",
    "refugees_hosted", "refugees_origin",
    "population", "gdp_per_capita_usd",
)


@dataclass(frozen=True)
class Figure:
    value: float
    year: int
    unit: str
    source_id: str


@dataclass(frozen=True)
class CountryProfile:
    iso3: str
    country: dict                       # the countries row: names, regions, income group
    year: int                           # the year asked for; each figure carries its own year
    figures: dict[str, Figure]          # headline figures that exist; a missing one is absent
    stocks: pd.DataFrame                # year, sex, immigrants, emigrants
    remittances: pd.DataFrame           # year, received_usd, paid_usd, received_pct_gdp
    destinations: pd.DataFrame          # partner_iso3, stock (emigrants living there)
    origins: pd.DataFrame               # partner_iso3, stock (immigrants from there)
    sources: dict[str, dict] = field(default_factory=dict)  # source_id -> sources row
    stock_method: dict | None = None    # how UN DESA counts the country's migrant stock (ipmd.profiles.methods), or None

    def figure(self, indicator: str) -> Figure | None:
        return self.figures.get(indicator)


def headline_figures(obs: pd.DataFrame, year: int) -> dict[str, Figure]:
    """Latest default-source value at or before `year` for each headline indicator (sex total)."""
    rows = obs[obs["is_default_source"] & (obs["sex"] == "total") & (obs["year"] <= year)]
    latest = rows.sort_values("year").groupby("indicator_id").tail(1).set_index("indicator_id")
    figures = {
        ind: Figure(float(r.value), int(r.year), r.unit, r.source_id)
        for ind, r in latest.iterrows() if ind in HEADLINE_INDICATORS
    }
    immigrants, emigrants = figures.get("immigrant_stock"), figures.get("emigrant_stock")
    if immigrants and emigrants and immigrants.year == emigrants.year:
        figures["net_migrant_balance"] = Figure(
            immigrants.value - emigrants.value, immigrants.year, "persons", immigrants.source_id)
    return figures


# How each headline figure is written ('compact' for counts of people).
FIGURE_KINDS = {
    "immigrant_stock": "compact", "emigrant_stock": "compact", "net_migrant_balance": "compact",
    "remittances_received_usd": "usd", "remittances_paid_usd": "usd",
    "remittance_cost_inbound_pct": "pct", "refugees_hosted": "compact", "refugees_origin": "compact",
    "population": "compact", "gdp_per_capita_usd": "usd_exact",
    "immigrant_pct_pop": "pct", "immigrant_female_share": "pct", "emigrant_pct_pop": "pct",
    "emigrant_female_share": "pct", "remittances_received_pct_gdp": "pct", "remittances_paid_pct_gdp": "pct",
}
SHARE_SIGNIFICANT = 2   # a share below 1% keeps two significant digits: 0.047% of GDP, not 0.0%

# The ratios written beside a headline figure: (indicator, message with {pct}).
DETAIL_PARTS = {
    "immigrant_stock": (("immigrant_pct_pop", "figures.pct_of_population"), ("immigrant_female_share", "figures.pct_women")),
    "emigrant_stock": (("emigrant_pct_pop", "figures.pct_of_population"), ("emigrant_female_share", "figures.pct_women")),
    "remittances_received_usd": (("remittances_received_pct_gdp", "profile.pct_gdp"),),
    "remittances_paid_usd": (("remittances_paid_pct_gdp", "profile.pct_gdp"),),
}


def format_value(value, kind: str, lang: str) -> str:
    if kind == "pct":
        return fmt_pct(value, lang, significant=SHARE_SIGNIFICANT)
    if kind == "usd":
        return fmt_usd(value, lang)
    if kind == "usd_exact":
        return fmt_usd(value, lang, compact=False)
    return fmt_compact(value, lang)


def format_figure(profile: "CountryProfile", indicator: str, lang: str) -> str:
    """A headline figure as the profile and the briefs write it ('–' when missing)."""
    figure = profile.figure(indicator)
    return "–" if figure is None else format_value(figure.value, FIGURE_KINDS.get(indicator, "compact"), lang)


def detail_text(profile: "CountryProfile", indicator: str, lang: str) -> str:
    """The ratios beside a headline figure ('9.7% of GDP'). Each is the latest value up to the profile's year, like
    the figure, but the two can be of different years (WDI's remittances % of GDP ends in 2021, the amounts in
    2024): a ratio of another year than its figure says its year, '46.2% of GDP (2021)'."""
    main = profile.figure(indicator)
    parts = []
    for part, key in DETAIL_PARTS.get(indicator, ()):
        figure = profile.figure(part)
        if figure is None:
            continue
        text = t(key, lang, pct=format_figure(profile, part, lang))
        if main is None or figure.year != main.year:
            text = t("figures.of_year", lang, text=text, year=figure.year)
        parts.append(text)
    return ", ".join(parts)


def until(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """The rows of a series (a `year` column) up to `year`: what a text 'up to {year}' may quote."""
    return frame[frame["year"] <= year]


def _wide(rows: pd.DataFrame, index: list[str], columns: dict[str, str]) -> pd.DataFrame:
    """rows (indicator_id, value and the `index` columns) as one row per index value and one column per indicator,
    renamed by `columns`; the first value wins. A plain loop: these are a few dozen rows, and pivot_table costs
    ~10 ms."""
    table: dict[tuple, dict[str, float]] = {}
    for record in rows[[*index, "indicator_id", "value"]].itertuples(index=False, name=None):
        *key, indicator, value = record
        table.setdefault(tuple(key), {}).setdefault(columns[indicator], value)
    frame = pd.DataFrame([dict(zip(index, key), **values) for key, values in sorted(table.items())],
                         columns=[*index, *columns.values()])
    return frame.astype({name: float for name in columns.values()})


def stock_by_sex(obs: pd.DataFrame) -> pd.DataFrame:
    """Immigrant and emigrant stock per year and sex (UN DESA official totals)."""
    names = {"immigrant_stock": "immigrants", "emigrant_stock": "emigrants"}
    rows = obs[obs["is_default_source"] & obs["indicator_id"].isin(list(names))]
    return _wide(rows, ["year", "sex"], names)


def remittance_series(obs: pd.DataFrame) -> pd.DataFrame:
    """Remittances received and paid over time (World Bank WDI, default source)."""
    names = {"remittances_received_usd": "received_usd", "remittances_paid_usd": "paid_usd",
             "remittances_received_pct_gdp": "received_pct_gdp"}
    rows = obs[obs["is_default_source"] & obs["indicator_id"].isin(list(names)) & (obs["sex"] == "total")]
    return _wide(rows, ["year"], names)


# "Compare on" (?peer=): shares and rates (the peer chart writes values as %); issue 19 added the last three
PEER_INDICATORS = ("immigrant_pct_pop", "emigrant_pct_pop", "remittances_received_pct_gdp",
                   "remittances_received_pct_gdp_derived", "refugees_pct_migrant_stock", "immigrant_stock_change_rate")


def peer_values(con, indicator: str, year: int) -> pd.DataFrame:
    """Every country's latest value of `indicator` up to `year` with its UN region and World Bank income group
    (iso3, year, value, unit, source_id, un_region, income_group): the same for every country compared."""
    latest = queries.latest_values(con, indicator, year)
    return latest.merge(queries.countries(con)[["iso3", "un_region", "income_group"]], on="iso3")


def peer_comparison(values: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """The country's value against its UN region and World Bank income group: median and rank (1 = highest).

    `values` holds one value per country (peer_values). Rows: group kind, group name, value, its year, median, rank,
    n, and source_id (where the values come from: one source per indicator)."""
    me = values[values["iso3"] == iso3]
    out = []
    for kind in ("un_region", "income_group"):
        if me.empty or pd.isna(me.iloc[0][kind]):
            continue
        group = me.iloc[0][kind]
        peers = values[values[kind] == group]
        rank = int((peers["value"] > me.iloc[0]["value"]).sum()) + 1
        out.append({"group_kind": kind, "group": group, "value": float(me.iloc[0]["value"]),
                    "year": int(me.iloc[0]["year"]), "median": float(peers["value"].median()), "rank": rank,
                    "n": len(peers)})
    table = pd.DataFrame(out, columns=["group_kind", "group", "value", "year", "median", "rank", "n"])
    return table.assign(source_id=values["source_id"].iloc[0] if len(values) else None)


CORRIDOR_NAMES = {"emigrants_by_destination": "Emigrants, by country of destination",
                  "immigrants_by_origin": "Immigrants, by country of origin"}
DOWNLOAD_DECIMALS = {"%": 3, "US$": 0, "persons": 0}   # rounded as published: whole people and dollars


def download_frame(con, iso3: str) -> pd.DataFrame:
    """Everything the profile shows for one country, as one table for a CSV: every indicator, year, sex and source,
    then the corridors (emigrants by destination, immigrants by origin, with the partner country); values rounded
    (whole persons and US$, percentages to 3 decimals so small shares keep their digits)."""
    figures = queries.country_download(con, iso3).assign(partner_iso3=None, partner=None)
    corridors = queries.country_corridors(con, iso3)
    corridors["indicator"] = corridors["indicator_id"].map(CORRIDOR_NAMES)
    frame = pd.concat([figures, corridors[figures.columns]], ignore_index=True) if len(corridors) else figures
    decimals = frame["unit"].map(DOWNLOAD_DECIMALS).fillna(3).astype(int)
    frame["value"] = [round(v, d) if pd.notna(v) else v for v, d in zip(frame["value"], decimals)]
    columns = ["iso3", "country", "indicator_id", "indicator", "partner_iso3", "partner", "sex", "year", "value",
               "unit", "is_default_source", "publisher", "source_title", "edition", "licence", "source_url"]
    return frame[columns]


@dataclass(frozen=True)
class ProfileContext:
    """What every country's profile reads alike (the same for every country of one database): the countries
    table, the sources, the years of the stock estimates and every country's counting method. Read once and
    shared (the app keeps one per database: components.data.country_profile), a country's profile then costs
    its own two questions only (its observations and its corridors)."""
    countries: pd.DataFrame
    sources: dict[str, dict]
    stock_years: list[int]
    stock_methods: pd.DataFrame


def profile_context(con) -> ProfileContext:
    return ProfileContext(countries=queries.countries(con),
                          sources=queries.sources(con).set_index("source_id").to_dict("index"),
                          stock_years=stock_years(con), stock_methods=methods.stock_methods(con))


def load_profile(con, iso3: str, year: int, context: ProfileContext | None = None) -> CountryProfile | None:
    """Everything the profile and the brief show for one country, or None for an unknown code. `context`: what
    every profile shares (profile_context), read here when not given."""
    context = context or profile_context(con)
    match = context.countries[context.countries["iso3"] == iso3]
    if match.empty:
        return None
    obs = queries.country_observations(con, iso3)
    stock_year = max((y for y in context.stock_years if y <= year), default=year)
    return CountryProfile(
        iso3=iso3,
        country=match.iloc[0].to_dict(),
        year=year,
        figures=headline_figures(obs, year),
        stocks=stock_by_sex(obs),
        remittances=remittance_series(obs),
        destinations=queries.top_destinations(con, iso3, stock_year),
        origins=queries.top_origins(con, iso3, stock_year),
        sources=context.sources,
        stock_method=methods.stock_method_from(context.stock_methods, iso3),
    )


def stock_years(con) -> list[int]:
    """The years of the UN DESA stock estimates (1990, 1995, ... 2020, 2024)."""
    return queries.indicator_years(con, "immigrant_stock")
