"""The fund as the overview and the country profile show it: totals to a year, money by country, projects."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ipmd import queries
from ipmd.coverage.matrix import country_funding, project_amounts
from ipmd.fund.rules import FUNDED_STATUSES

ILLUSTRATIVE_SOURCE = "illustrative_portfolio"
REAL_LEDGER_SOURCE = "fund_ledger_import"   # the sources row an import writes (ipmd.ledger.store)


@dataclass(frozen=True)
class FundKpis:
    deposited: float
    approved: float
    countries: int
    is_illustrative: bool


def as_of(ledger: dict[str, pd.DataFrame], year: int) -> dict[str, pd.DataFrame]:
    """The ledger as it stood at the end of `year`: transactions dated later are left out."""
    txns = ledger["transactions"]
    return {**ledger, "transactions": txns[pd.to_datetime(txns["txn_date"]).dt.year <= year]}


def is_illustrative(ledger: dict[str, pd.DataFrame]) -> bool:
    return bool(ledger["transactions"]["is_illustrative"].any() or ledger["projects"]["is_illustrative"].any())


def ledger_source(ledger: dict[str, pd.DataFrame]) -> str:
    return ILLUSTRATIVE_SOURCE if is_illustrative(ledger) else REAL_LEDGER_SOURCE


def approved_by_country(ledger: dict[str, pd.DataFrame], year: int) -> pd.DataFrame:
    """iso3, value (US$ approved to the end of `year`, split by country shares), year, source_id."""
    book = as_of(ledger, year)
    money = country_funding(book["projects"], book["project_goals"], book["project_countries"], book["transactions"])
    money = money[money["approved"] > 0]
    return pd.DataFrame({"iso3": money["iso3"], "value": money["approved"], "year": year,
                         "source_id": ledger_source(ledger)})


def fund_kpis(con, year: int) -> FundKpis:
    ledger = queries.ledger(con)
    txns = as_of(ledger, year)["transactions"]
    totals = txns.groupby("txn_type")["amount_usd"].sum()
    countries = approved_by_country(ledger, year)
    return FundKpis(deposited=float(totals.get("deposit", 0.0)), approved=float(totals.get("commitment", 0.0)),
                    countries=int(countries["iso3"].nunique()), is_illustrative=is_illustrative(ledger))


def projects_by_country(con) -> pd.DataFrame:
    """The partnership's funded projects in every country (one row per project and country): title, partner,
    goals, status, and the country's share of the money.

    Proposals not yet decided (and rejected ones) are committee business, never shown here.
    """
    ledger = queries.ledger(con)
    funded = ledger["projects"][ledger["projects"]["status"].isin(FUNDED_STATUSES)]
    projects = funded.merge(ledger["project_countries"][["project_id", "iso3", "share"]], on="project_id")
    money = project_amounts(ledger["transactions"])
    projects = projects.merge(money, on="project_id", how="left").fillna({"approved": 0.0, "disbursed": 0.0})
    goals = (ledger["project_goals"].sort_values(["project_id", "is_primary", "goal_id"], ascending=[True, False, True])
             .groupby("project_id")["goal_id"].agg(", ".join).rename("goals"))
    projects = projects.merge(goals, on="project_id", how="left")
    projects["approved_here"] = projects["approved"] * projects["share"]
    projects["disbursed_here"] = projects["disbursed"] * projects["share"]
    columns = ["iso3", "project_id", "title", "partner_id", "area_id", "goals", "status", "share",
               "approved_here", "disbursed_here", "start_date", "end_date", "is_illustrative"]
    return projects[columns].sort_values(["iso3", "approved_here", "project_id"], ascending=[True, False, True],
                                         ignore_index=True)


def country_projects_from(projects: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """The rows of projects_by_country for one country, without the iso3 column."""
    return projects[projects["iso3"] == iso3].drop(columns="iso3").reset_index(drop=True)


def country_projects(con, iso3: str) -> pd.DataFrame:
    """projects_by_country for one country."""
    return country_projects_from(projects_by_country(con), iso3)
