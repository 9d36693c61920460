"""One project as its page shows it: what it is for, where, with whom, when, its money ladder and what it reports.

`project_page(con, project_id, include_undecided)` reads the database; `project_page_from(ledger, ...)` is its pure
twin over the frames of `queries.ledger(con)`. A proposal not yet decided (submitted, under review) and a rejected
one are committee business: they are returned only with `include_undecided=True` (the page asks for it only for a
viewer with the committee role); otherwise the project is unknown, exactly as an id that names nothing.

The ladder is the fund's own (ipmd.funds.funding_ladder) over the project's transactions: approved (IATI
commitment, 2) -> transferred (disbursement, 3) -> spent (expenditure, 4), never added to each other.

Results against targets, reports' timeliness and documents come from the results framework tables of the ledger
(issue 20, part 1), read by ipmd/results.py. Until a database carries them, `results_available` is False and the
page says that no results are reported.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ipmd import queries
from ipmd.db import query
from ipmd.fund.rules import FUNDED_STATUSES, as_bool
from ipmd.fund.flows import FundingLadder, funding_ladder
from ipmd.ledger.template import RESULT_TABLES
from ipmd.portfolio.donors import pool_attribution

LADDER_STAGES: tuple[str, ...] = ("approved", "disbursed", "spent")
TXN_COLUMNS = ["txn_id", "txn_type", "iati_code", "txn_date", "amount_usd", "currency", "amount_original"]


@dataclass(frozen=True)
class ProjectPage:
    project: dict                  # the projects row, with partner_name
    goals: pd.DataFrame            # goal_id, weight, is_primary (primary first)
    countries: pd.DataFrame        # iso3, share (largest first)
    ladder: FundingLadder          # over the project's transactions (pledged, deposited: 0)
    by_year: pd.DataFrame          # year, approved, disbursed, spent
    transactions: pd.DataFrame     # TXN_COLUMNS, by date
    is_illustrative: bool
    funders: pd.DataFrame          # donor_id, name, attributed_usd, share: whose deposits its approvals drew on

    @property
    def ladder_stages(self) -> pd.DataFrame:
        """stage, amount_usd for approved, disbursed, spent (in that order)."""
        return pd.DataFrame({"stage": list(LADDER_STAGES),
                             "amount_usd": [float(getattr(self.ladder, s)) for s in LADDER_STAGES]})

    @property
    def not_yet_transferred(self) -> float:
        return float(self.ladder.approved - self.ladder.disbursed)


def visible_statuses(include_undecided: bool) -> tuple[str, ...] | None:
    """The statuses a viewer may see: funded only, or every status (None) for the committee."""
    return None if include_undecided else FUNDED_STATUSES


def project_options_from(projects: pd.DataFrame, include_undecided: bool = False) -> pd.DataFrame:
    """project_id, title, status of the projects a viewer may open, by id."""
    statuses = visible_statuses(include_undecided)
    shown = projects if statuses is None else projects[projects["status"].isin(statuses)]
    return shown[["project_id", "title", "status"]].sort_values("project_id", ignore_index=True)


def project_options(con, include_undecided: bool = False) -> pd.DataFrame:
    return project_options_from(queries.table(con, "projects"), include_undecided)


def partner_projects_from(projects: pd.DataFrame, partner_ids: tuple[str, ...]) -> pd.DataFrame:
    """project_id, title, partner_id of the funded projects `partner_ids` implement (the Sankey's partners), by
    partner and id. Undecided proposals are confidential: never listed."""
    shown = projects[projects["status"].isin(FUNDED_STATUSES) & projects["partner_id"].isin(list(partner_ids))]
    return shown[["project_id", "title", "partner_id"]].sort_values(["partner_id", "project_id"], ignore_index=True)


def partner_projects(con, partner_ids: tuple[str, ...]) -> pd.DataFrame:
    return partner_projects_from(queries.table(con, "projects"), partner_ids)


def project_page_from(ledger: dict[str, pd.DataFrame], project_id: str,
                      include_undecided: bool = False) -> ProjectPage | None:
    """The project's page, or None when the id names no project this viewer may see."""
    projects = ledger["projects"]
    rows = projects[projects["project_id"] == project_id]
    statuses = visible_statuses(include_undecided)
    if rows.empty or (statuses is not None and rows.iloc[0]["status"] not in statuses):
        return None
    project = rows.iloc[0].to_dict()
    partners = ledger["partners"].set_index("partner_id")["name"]
    project["partner_name"] = partners.get(project["partner_id"], project["partner_id"])
    goals = ledger["project_goals"]
    goals = (goals[goals["project_id"] == project_id]
             .assign(is_primary=lambda g: as_bool(g["is_primary"]))
             .sort_values(["is_primary", "weight", "goal_id"], ascending=[False, False, True])
             [["goal_id", "weight", "is_primary"]].reset_index(drop=True))
    countries = ledger["project_countries"]
    countries = (countries[countries["project_id"] == project_id]
                 .sort_values(["share", "iso3"], ascending=[False, True])[["iso3", "share"]].reset_index(drop=True))
    txns = ledger["transactions"]
    txns = txns[txns["project_id"] == project_id]
    txns = txns.assign(txn_date=pd.to_datetime(txns["txn_date"])).sort_values(["txn_date", "txn_id"])
    by_year = (txns.assign(year=txns["txn_date"].dt.year)
               .pivot_table(index="year", columns="txn_type", values="amount_usd", aggfunc="sum", fill_value=0.0)
               .reindex(columns=["commitment", "disbursement", "expenditure"], fill_value=0.0)
               .rename(columns={"commitment": "approved", "disbursement": "disbursed", "expenditure": "spent"})
               .rename_axis(columns=None).reset_index())
    by_year["year"] = by_year["year"].astype(int)
    return ProjectPage(project=project, goals=goals, countries=countries, ladder=funding_ladder(txns),
                       funders=funders_from(ledger, project_id),
                       by_year=by_year, transactions=txns[TXN_COLUMNS].reset_index(drop=True),
                       is_illustrative=bool(as_bool(rows["is_illustrative"]).any() or
                                            as_bool(txns["is_illustrative"]).any()))


def funders_from(ledger: dict[str, pd.DataFrame], project_id: str) -> pd.DataFrame:
    """The donors whose deposits the project's approvals drew on, by the pooled-fund attribution of
    ipmd.portfolio.donors (each approval shared by the donors' unallocated deposits on its date); largest first.
    A part not covered by deposits has no donor (donor_id None). An undecided proposal draws on nobody."""
    parts = pool_attribution(ledger["transactions"], ledger["projects"])
    parts = parts[parts["project_id"] == project_id]
    out = parts.groupby(parts["donor_id"].astype(object).where(parts["donor_id"].notna(), None), dropna=False)[
        "attributed_usd"].sum().rename_axis("donor_id").reset_index()
    names = ledger["donors"].set_index("donor_id")["name"]
    out.insert(1, "name", out["donor_id"].map(names))
    total = out["attributed_usd"].sum()
    out["share"] = out["attributed_usd"] / total if total > 0 else 0.0
    return out.sort_values(["attributed_usd", "name"], ascending=[False, True], ignore_index=True)


def project_page(con, project_id: str, include_undecided: bool = False) -> ProjectPage | None:
    return project_page_from(queries.ledger(con), project_id, include_undecided)


# ------------------------------------------------------------------------------------------------ results

def results_tables(con) -> tuple[str, ...]:
    """Which of the results framework's tables this database holds (none before issue 20's part 1)."""
    present = set(query(con, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'")
                  ["table_name"])
    return tuple(name for name in RESULT_TABLES if name in present)


def results_available(con) -> bool:
    return bool(results_tables(con))
