"""What each figure means (issue 19): how a country's migrant stock is counted, and where every table comes from.

Pure functions over frames, plus readers taking `con` first. A database built before issue 19 has neither table:
the readers then return an empty frame, and the profile shows no counting line rather than failing.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from ipmd.db import query

METHOD_COLUMNS = ["iso3", "edition", "data_type", "by_birth", "by_citizenship", "is_imputed", "refugees_added",
                  "coverage_note", "source_id"]


def stock_methods(con) -> pd.DataFrame:
    """Every country's counting method (migrant_stock_methods), one row per country."""
    try:
        return query(con, "stock_methods")
    except duckdb.CatalogException:
        return pd.DataFrame(columns=METHOD_COLUMNS)


def stock_method(con, iso3: str) -> dict | None:
    """One country's counting method as a dict, or None where the workbook gives none."""
    return stock_method_from(stock_methods(con), iso3)


def stock_method_from(methods: pd.DataFrame, iso3: str) -> dict | None:
    row = methods[methods["iso3"] == iso3]
    return None if row.empty else row.iloc[0].to_dict()


def basis(method: dict) -> str:
    """'birth', 'citizenship', 'birth_and_citizenship' or 'imputed': what the estimates were derived from."""
    if method["is_imputed"]:
        return "imputed"
    if method["by_birth"] and method["by_citizenship"]:
        return "birth_and_citizenship"
    return "citizenship" if method["by_citizenship"] else "birth"


def method_key(method: dict) -> str:
    """The message key of the profile's counting line: profile.stock_method.<basis>[_refugees]."""
    return f"profile.stock_method.{basis(method)}{'_refugees' if method['refugees_added'] else ''}"


def method_counts(methods: pd.DataFrame) -> dict[str, int]:
    """How many countries are counted each way: by birth only, by citizenship (`mixed` of them also from data on the
    foreign-born, data type 'C B'), imputed, with refugees added, and the total.
    birth + citizenship + imputed = total."""
    flag = lambda c: methods[c].astype(bool) if len(methods) else pd.Series([], dtype=bool)   # noqa: E731
    birth, citizenship, imputed = flag("by_birth"), flag("by_citizenship"), flag("is_imputed")
    return {"total": len(methods), "birth": int((birth & ~citizenship & ~imputed).sum()),
            "citizenship": int((citizenship & ~imputed).sum()), "mixed": int((birth & citizenship).sum()),
            "imputed": int(imputed.sum()), "refugees": int(flag("refugees_added").sum())}


def table_sources(con) -> pd.DataFrame:
    """Every table of the database with its sources, the columns each fills and how (table_sources x sources)."""
    try:
        return query(con, "table_sources")
    except duckdb.CatalogException:
        return pd.DataFrame(columns=["table_name", "columns", "source_id", "publisher", "title", "edition",
                                     "is_illustrative", "how"])
