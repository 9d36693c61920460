"""The world at a glance: headline figures for a year and the values behind the world map."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from ipmd import queries
from ipmd.profiles.country import Figure

# Indicators the world map can show; 'project_funding_approved' comes from the fund ledger.
MAP_INDICATORS = (
    "immigrant_stock", "immigrant_pct_pop", "emigrant_stock", "immigrant_stock_change_rate",
    "refugees_in_migrant_stock", "refugees_pct_migrant_stock",
    "remittances_received_usd", "remittances_received_pct_gdp", "remittances_received_pct_gdp_derived",
    "refugees_hosted", "sdg_10_7_4_refugees_per_100k",
    "project_funding_approved",
)
LEDGER_INDICATOR = "project_funding_approved"
# Counts spread over several orders of magnitude are coloured on a log scale (a value of 0 has no colour there).
MAP_LOG_SCALE = frozenset({"immigrant_stock", "emigrant_stock", "remittances_received_usd", "refugees_hosted",
                           "refugees_in_migrant_stock", "sdg_10_7_4_refugees_per_100k", "project_funding_approved"})
# Values that may be negative (a stock that shrank): a diverging colour scale centred at 0.
MAP_DIVERGING = frozenset({"immigrant_stock_change_rate"})


@dataclass(frozen=True)
class WorldKpis:
    migrants: Figure | None
    female_share: Figure | None
    lmic_remittances: Figure | None


def _aggregate_at(con, code: str, indicator: str, year: int, sex: str = "total") -> Figure | None:
    rows = queries.aggregate_values(con, code, indicator)
    rows = rows[(rows["sex"] == sex) & (rows["year"] <= year)]
    if rows.empty:
        return None
    last = rows.iloc[-1]
    return Figure(float(last["value"]), int(last["year"]), last["unit"], last["source_id"])


def world_kpis(con, year: int) -> WorldKpis:
    return WorldKpis(
        migrants=_aggregate_at(con, "WLD", "immigrant_stock", year),
        female_share=_aggregate_at(con, "WLD", "immigrant_female_share", year),
        lmic_remittances=_aggregate_at(con, "LMY", "remittances_received_usd", year),
    )


def map_values(con, indicator: str, year: int) -> pd.DataFrame:
    """iso3, value, year, source_id: each country's latest value at or before `year`."""
    if indicator == LEDGER_INDICATOR:
        from ipmd.fund.summary import approved_by_country
        return approved_by_country(queries.ledger(con), year)
    return queries.latest_values(con, indicator, year)


def last_transaction(con, year: int) -> date | None:
    """The date of the ledger's last transaction up to the end of `year` (None: none by then). A fund figure
    'cumulative to the end of {year}' says so when the ledger stops earlier."""
    from ipmd.fund.summary import as_of
    dates = pd.to_datetime(as_of(queries.ledger(con), year)["transactions"]["txn_date"]).dropna()
    return None if dates.empty else dates.max().date()
