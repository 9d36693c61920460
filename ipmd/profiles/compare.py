"""Two to six countries or regions side by side: headline figures, any indicator over time, stocks by sex,
top corridors and remittances, each value with its year and source.

A place is a country (its ISO3 code, `MAR`) or an aggregate the sources publish (its code in the `aggregates`
table: `WLD`, `UN:903` for a UN DESA region, `UN:1834` for an SDG region, `WB:LMC` for a World Bank income group,
`WB:SSF` for a World Bank region). Values come only from each indicator's default source; a value the source does
not publish stays missing (NaN or an absent row), never zero.

    comparison(con, ("MAR", "TUN", "PHL"), 2024, "immigrant_pct_pop") -> Comparison
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ipmd import queries
from ipmd.db import query
from ipmd.i18n import DEFAULT_LANGUAGE, catalog, country_name, income_group_name, place_name, t

MIN_PLACES, MAX_PLACES = 2, 6

# The aggregates a comparison offers: the world, UN DESA regions and subregions, SDG regions, World Bank regions
# and income groups. Other groupings (IDA, demographic dividend...) are in the database but not offered.
PLACE_KINDS = ("world", "un_region", "un_sdg_region", "un_subregion", "wb_region", "wb_income_group")

# The headline table's rows, in order.
HEADLINE_INDICATORS = (
    "immigrant_stock", "immigrant_pct_pop", "immigrant_female_share",
    "emigrant_stock", "emigrant_pct_pop", "emigrant_female_share",
    "remittances_received_usd", "remittances_received_pct_gdp", "remittances_paid_usd",
    "refugees_hosted", "refugees_origin", "population", "gdp_per_capita_usd",
)
DEFAULT_INDICATOR = "immigrant_pct_pop"
CORRIDOR_COUNT = 5

_SERIES_SQL = """
SELECT o.iso3 AS code, o.indicator_id, o.year, o.sex, o.value, o.unit, o.source_id
FROM observations o JOIN indicators i USING (indicator_id)
WHERE o.iso3 IN (SELECT unnest($codes)) AND o.indicator_id IN (SELECT unnest($indicators))
  AND o.source_id = i.default_source_id
UNION ALL
SELECT ao.agg_code, ao.indicator_id, ao.year, ao.sex, ao.value, ao.unit, ao.source_id
FROM aggregate_observations ao JOIN indicators i USING (indicator_id)
WHERE ao.agg_code IN (SELECT unnest($codes)) AND ao.indicator_id IN (SELECT unnest($indicators))
  AND ao.source_id = i.default_source_id
ORDER BY code, indicator_id, sex, year
"""

# An aggregate held under two codes with one name (the SDG regions 'Sub-Saharan Africa' UN:947 and UN:1834) is
# offered once: the code with the most values.
_PLACES_SQL = """
SELECT a.agg_code AS code, a.name_en, a.kind
FROM aggregates a JOIN aggregate_observations ao USING (agg_code)
WHERE a.kind IN (SELECT unnest($kinds))
GROUP BY a.agg_code, a.name_en, a.kind
QUALIFY row_number() OVER (PARTITION BY a.kind, a.name_en ORDER BY count(*) DESC, a.agg_code) = 1
ORDER BY a.kind, a.name_en
"""

_CORRIDORS_SQL = """
SELECT origin_iso3 AS code, dest_iso3 AS partner_iso3, stock::DOUBLE AS stock
FROM bilateral_stock
WHERE origin_iso3 IN (SELECT unnest($codes)) AND year = $year AND sex = 'total'
QUALIFY row_number() OVER (PARTITION BY origin_iso3 ORDER BY stock DESC, dest_iso3) <= $limit
ORDER BY code, stock DESC, partner_iso3
"""


@dataclass(frozen=True)
class Comparison:
    codes: tuple[str, ...]            # in the order asked
    year: int                         # the year asked for; each value carries its own year
    places: pd.DataFrame              # code, name_en, kind (country or an aggregate kind), iso3, name_fr, name_es
    headline: pd.DataFrame            # code, indicator_id, value, year, unit, source_id: latest up to `year`
    indicator: str                    # the indicator drawn over time
    series: pd.DataFrame              # code, year, value, unit, source_id (sex total) of `indicator`
    stocks_by_sex: pd.DataFrame       # code, indicator_id (immigrant/emigrant_stock), sex, year, value, source_id
    remittances: pd.DataFrame         # code, year, value, unit, source_id: remittances received (US$)
    corridors: pd.DataFrame           # code, partner_iso3, stock: top destinations of emigrants, countries only
    stock_year: int                   # the year of the bilateral stocks and stocks by sex
    units: dict                       # indicator_id -> unit, for every indicator in the database


def places(con) -> pd.DataFrame:
    """Everything a comparison can hold: code, name_en, kind ('country' or an aggregate kind), sorted by kind."""
    countries = queries.countries(con)[["iso3", "name_en", "name_fr", "name_es"]].assign(kind="country")
    countries = countries.assign(code=countries["iso3"])
    aggregates = query(con, _PLACES_SQL, {"kinds": list(PLACE_KINDS)})
    return pd.concat([countries, aggregates], ignore_index=True)[["code", "name_en", "kind", "iso3", "name_fr",
                                                                  "name_es"]]


def place_label(row: dict, lang: str) -> str:
    """A place's name in `lang`: a country's name fit for running text, or an aggregate's name with its kind
    ('Sub-Saharan Africa (SDG region)'), so the UN's and the World Bank's groups of one name stay apart."""
    kind, name = row["kind"], row["name_en"]
    if kind == "country":
        return country_name(row, lang)
    key = f"compare.place.{name}"
    if key in catalog(DEFAULT_LANGUAGE):
        local = t(key, lang)
    else:
        local = income_group_name(name, lang) if kind == "wb_income_group" else place_name(name, lang)
    return local if kind == "world" else t("compare.kind_name", lang, name=local, kind=t(f"compare.kind.{kind}", lang))


def place_labels(places_frame: pd.DataFrame, lang: str) -> dict[str, str]:
    """code -> place_label for every row of `places_frame` (places(con) or a part of it)."""
    return {row["code"]: place_label(row, lang) for row in places_frame.to_dict("records")}


def parse_codes(text: str | None, known) -> tuple[list[str], list[str]]:
    """A link's `?compare=MAR,tun,XXX` as (known codes in order, without repeats; parts that name nothing).
    Country codes are matched without regard to case."""
    known = set(known)
    codes, unknown = [], []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        code = part if part in known else part.upper()
        if code not in known:
            unknown.append(part)
        elif code not in codes:
            codes.append(code)
    return codes, unknown


def check_count(codes) -> str | None:
    """None when `codes` can be compared, else the message key saying why not (too few or too many)."""
    if len(codes) < MIN_PLACES:
        return "compare.too_few"
    if len(codes) > MAX_PLACES:
        return "compare.too_many"
    return None


def series_of(con, codes, indicators) -> pd.DataFrame:
    """Every year and sex of `indicators` for the places `codes` (countries or aggregates), default source:
    code, indicator_id, year, sex, value, unit, source_id."""
    return query(con, _SERIES_SQL, {"codes": list(codes), "indicators": list(indicators)})


def headline_from(rows: pd.DataFrame, year: int) -> pd.DataFrame:
    """The latest value up to `year` of each indicator for each place (sex total): code, indicator_id, value, year,
    unit, source_id. A place without a value for an indicator has no row."""
    rows = rows[(rows["sex"] == "total") & (rows["year"] <= year)]
    latest = rows.sort_values("year").groupby(["code", "indicator_id"], sort=False).tail(1)
    return latest[["code", "indicator_id", "value", "year", "unit", "source_id"]].reset_index(drop=True)


def headline_table(comparison: Comparison) -> pd.DataFrame:
    """The headline figures as one row per indicator and, per place, its value and year (NaN when missing),
    plus the indicator's source: indicator_id, <code>, <code>_year ..., source_id."""
    table = pd.DataFrame({"indicator_id": list(HEADLINE_INDICATORS)})
    for code in comparison.codes:
        mine = comparison.headline[comparison.headline["code"] == code].set_index("indicator_id")
        table[code] = table["indicator_id"].map(mine["value"]).astype(float)
        table[f"{code}_year"] = table["indicator_id"].map(mine["year"]).astype("Int64")
    sources = comparison.headline.groupby("indicator_id")["source_id"].agg(lambda s: ";".join(sorted(set(s))))
    table["source_id"] = table["indicator_id"].map(sources)
    return table


def stock_year(con, year: int) -> int:
    years = queries.indicator_years(con, "immigrant_stock")
    return max((y for y in years if y <= year), default=min(years))


def comparison(con, codes: tuple[str, ...], year: int, indicator: str = DEFAULT_INDICATOR) -> Comparison:
    """Everything the comparison shows for `codes` (2 to 6 known places; ValueError otherwise)."""
    codes = tuple(codes)
    every = places(con).set_index("code")
    unknown = [c for c in codes if c not in every.index]
    if unknown or check_count(codes) or len(set(codes)) != len(codes):
        raise ValueError(f"cannot compare {codes!r}")
    catalogue = queries.indicators(con)
    if indicator not in set(catalogue["indicator_id"]):
        raise ValueError(f"unknown indicator {indicator!r}")
    at = stock_year(con, year)
    wanted = set(HEADLINE_INDICATORS) | {indicator, "remittances_received_usd"}
    rows = series_of(con, codes, sorted(wanted))
    total = rows[rows["sex"] == "total"]
    columns = ["code", "year", "value", "unit", "source_id"]
    stocks = rows[rows["indicator_id"].isin(["immigrant_stock", "emigrant_stock"]) & (rows["year"] == at)]
    countries = [c for c in codes if every.loc[c, "kind"] == "country"]
    corridors = query(con, _CORRIDORS_SQL, {"codes": countries, "year": at, "limit": CORRIDOR_COUNT}) \
        if countries else pd.DataFrame(columns=["code", "partner_iso3", "stock"])
    chosen = every.loc[list(codes)].reset_index()
    return Comparison(
        codes=codes, year=int(year), places=chosen,
        headline=headline_from(rows[rows["indicator_id"].isin(HEADLINE_INDICATORS)], year),
        indicator=indicator,
        series=total[total["indicator_id"] == indicator][columns].reset_index(drop=True),
        stocks_by_sex=stocks[["code", "indicator_id", "sex", "year", "value", "source_id"]].reset_index(drop=True),
        remittances=total[total["indicator_id"] == "remittances_received_usd"][columns].reset_index(drop=True),
        corridors=corridors, stock_year=at,
        units=dict(zip(catalogue["indicator_id"], catalogue["unit"])))


def download_frame(comparison: Comparison) -> pd.DataFrame:
    """What the comparison shows as one long table for a CSV: section, place, indicator, partner, sex, year, value,
    unit and source. Missing headline values are rows with an empty value (never 0)."""
    names = comparison.places.set_index("code")["name_en"]
    head = headline_table(comparison).melt(id_vars=["indicator_id", "source_id"],
                                           value_vars=list(comparison.codes), var_name="code")
    years = headline_table(comparison).melt(id_vars=["indicator_id"],
                                            value_vars=[f"{c}_year" for c in comparison.codes], value_name="year")
    head["year"] = years["year"].to_numpy()
    head = head.assign(section="headline", sex="total", partner_iso3=None,
                       unit=head["indicator_id"].map(comparison.units))
    series = comparison.series.assign(section="over_time", indicator_id=comparison.indicator, sex="total",
                                      partner_iso3=None)
    remit = comparison.remittances.assign(section="remittances", indicator_id="remittances_received_usd",
                                          sex="total", partner_iso3=None)
    stocks = comparison.stocks_by_sex.assign(section="stocks_by_sex", partner_iso3=None, unit="persons")
    corridors = comparison.corridors.rename(columns={"stock": "value"}).assign(
        section="top_destinations", indicator_id="emigrant_stock", sex="total", year=comparison.stock_year,
        unit="persons", source_id="undesa_ims_2024_bilateral")
    columns = ["section", "code", "place", "indicator_id", "partner_iso3", "sex", "year", "value", "unit", "source_id"]
    parts = [frame.assign(place=frame["code"].map(names)).reindex(columns=columns)
             for frame in (head, series, remit, stocks, corridors) if len(frame)]
    frame = pd.concat(parts, ignore_index=True)
    return frame.astype({"year": "Int64"})


# Any indicator over time on the world map -----------------------------------------------------------------------

_BY_YEAR_SQL = """
WITH years AS (
    SELECT DISTINCT o.year AS map_year FROM observations o JOIN indicators i USING (indicator_id)
    WHERE o.indicator_id = $indicator AND o.source_id = i.default_source_id
)
SELECT y.map_year, o.iso3, o.year, o.value, o.unit, o.source_id
FROM years y
JOIN observations o ON o.year <= y.map_year
JOIN indicators i ON i.indicator_id = o.indicator_id
WHERE o.indicator_id = $indicator AND o.sex = 'total' AND o.source_id = i.default_source_id
QUALIFY row_number() OVER (PARTITION BY y.map_year, o.iso3 ORDER BY o.year DESC) = 1
ORDER BY y.map_year, o.iso3
"""


def values_by_year(con, indicator: str) -> pd.DataFrame:
    """The world map of `indicator` at each year its default source publishes: map_year, iso3, year (the value's
    own year: the latest up to map_year, as queries.latest_values gives for one year), value, unit, source_id."""
    return query(con, _BY_YEAR_SQL, {"indicator": indicator})
