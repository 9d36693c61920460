"""Named questions asked of the database. Each takes a connection and primitives and returns a frame."""
from __future__ import annotations

import duckdb
import pandas as pd

from ipmd.db import query
from ipmd.i18n import country_name

LEDGER_TABLES = ("donors", "projects", "project_countries", "project_goals", "transactions")
FRAMEWORK_TABLES = ("goals", "areas_of_work", "gfmd_items", "partners")


def countries(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return query(con, "countries")


def named_countries(con, lang: str) -> pd.DataFrame:
    """The countries table with a `name` column in `lang`."""
    frame = countries(con)
    frame["name"] = [country_name(row, lang) for row in frame.to_dict("records")]
    return frame


def indicators(con) -> pd.DataFrame:
    return query(con, "indicators")


def sources(con) -> pd.DataFrame:
    return query(con, "sources")


def meta(con) -> dict[str, str]:
    return dict(query(con, "meta").itertuples(index=False, name=None))


def latest_values(con, indicator: str, year: int, sex: str = "total") -> pd.DataFrame:
    return query(con, "latest_values", {"indicator": indicator, "year": int(year), "sex": sex})


def indicator_years(con, indicator: str) -> list[int]:
    return query(con, "indicator_years", {"indicator": indicator})["year"].astype(int).tolist()


def country_observations(con, iso3: str) -> pd.DataFrame:
    return query(con, "country_observations", {"iso3": iso3})


def country_download(con, iso3: str) -> pd.DataFrame:
    return query(con, "country_download", {"iso3": iso3})


def country_corridors(con, iso3: str, source_id: str = "undesa_ims_2024_bilateral") -> pd.DataFrame:
    return query(con, "country_corridors", {"iso3": iso3, "source_id": source_id})


def top_destinations(con, iso3: str, year: int, limit: int = 10) -> pd.DataFrame:
    return query(con, "top_destinations", {"iso3": iso3, "year": int(year), "limit": int(limit)})


def top_origins(con, iso3: str, year: int, limit: int = 10) -> pd.DataFrame:
    return query(con, "top_origins", {"iso3": iso3, "year": int(year), "limit": int(limit)})


def aggregate_values(con, code: str, indicator: str) -> pd.DataFrame:
    return query(con, "aggregate_values", {"code": code, "indicator": indicator})


def table(con, name: str) -> pd.DataFrame:
    """A whole small table (ledger or framework). Names are checked against the known list, never formatted from input."""
    if name not in LEDGER_TABLES + FRAMEWORK_TABLES:
        raise ValueError(f"not a ledger or framework table: {name}")
    return query(con, f"SELECT * FROM {name}")


def ledger(con) -> dict[str, pd.DataFrame]:
    """The fund ledger and the framework it refers to, as frames for the pure computations."""
    return {name: table(con, name) for name in LEDGER_TABLES + FRAMEWORK_TABLES}
