"""What the annual report shows for one year, gathered once for the PDF and the DOCX: numbers, frames and
message keys, no sentences (ipmd/documents/annual_report/words.py words them in a language).

Every figure comes from the same core functions as the pages, so the report and the screens agree:
- funds received and used: ipmd.portfolio.sources_uses (the funds page's sources-and-uses tab), which also says
  whether the year is provisional (its accounts not certified) and gives the delivery rates;
- allocations decided: the commitments (IATI 2, Oversight Committee approvals) dated in the year, per project, as
  the funds page's ladder counts "approved" for a one-year period (ipmd.fund.report.funded_ledger +
  ipmd.fund.flows.funding_ladder); the number of proposals declined that year is given as a count only;
- results against targets by goal: ipmd.results.portfolio_results(con, "goal", year) (periods ending in the year);
- projects late to report: ipmd.results.late_reports(con, year=year) and reporting_timeliness;
- countries reached: the countries of the funded projects that received a transfer (disbursement) dated in the
  year, the year's transfers split by the projects' country shares; and, to the end of the year, every country
  with approved money (ipmd.fund.summary.approved_by_country, the overview's count).

Only funded projects (approved, active, closed) appear: undecided proposals are committee business and never
reach this report, which is not confidential.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ipmd import queries
from ipmd.fund import flows
from ipmd.fund.report import funded_ledger
from ipmd.fund.rules import FUNDED_STATUSES
from ipmd.fund.summary import approved_by_country, is_illustrative, ledger_source
from ipmd.i18n import Message
from ipmd.portfolio.sources_uses import SourcesUses, ledger_years, sources_uses, sources_uses_from
from ipmd.results import (Timeliness, late_reports_from, portfolio_results_from, reporting_timeliness_from,
                          results_ledger)

# message keys the report may carry (ipmd/locales/*/annual_report.json)
PROVISIONAL = "annual_report.notice.provisional"          # year
ILLUSTRATIVE = "notice.illustrative"                      # (core.json: the same words as every page)
NO_RESULTS_FRAMEWORK = "annual_report.results.no_framework"
NO_RESULTS_IN_YEAR = "annual_report.results.none_in_year"   # year
NO_APPROVALS = "annual_report.approvals.none"              # year
NO_LATE_REPORTS = "annual_report.late.none"                # year
NO_TRANSFERS = "annual_report.countries.none"              # year
OUTSIDE_LEDGER = "annual_report.notice.outside_ledger"     # year, first, last


@dataclass(frozen=True, eq=False)
class AnnualReport:
    year: int
    sources_uses: SourcesUses
    approvals: pd.DataFrame        # project_id, title, partner_id, partner_name, decision_date, goal_id, iso3s, approved_usd
    approved_usd: float            # commitments dated in the year (= the funds page's 'approved' for the year)
    declined: int                  # proposals declined in the year (a count only)
    results: pd.DataFrame          # ipmd.results.portfolio_results by goal for the year
    has_framework: bool            # the ledger holds any result at all
    late: pd.DataFrame             # project_id, title, partner_id, report_type, due_date, received_date, status, days_late
    timeliness: Timeliness
    countries: pd.DataFrame        # iso3, name_en, name_fr, name_es, projects, transferred (the year's transfers)
    projects_transferred: int      # funded projects that received a transfer in the year
    countries_to_date: int         # countries with approved money to the end of the year
    names: pd.DataFrame            # iso3, name_en, name_fr, name_es of every country the report names
    delivery: dict | None          # the year's row of sources_uses.by_year: transferred, spent, delivery_rate, cumulative_rate
    years: tuple[int, ...]         # the years the ledger covers
    is_illustrative: bool
    source: dict                   # the ledger's row of the sources table (title, publisher, edition, licence, ...)
    meta: dict                     # the database's meta table (built_at, content_hash, ...)
    notices: tuple[Message, ...]   # what the reader must know first (provisional, illustrative, outside the ledger)

    @property
    def provisional(self) -> bool:
        return self.sources_uses.provisional

    def line(self, line: str, column: str = "year") -> float:
        """One value of the sources-and-uses table (NaN for a line the ledger does not record)."""
        table = self.sources_uses.table.set_index("line")
        return float(table.loc[line, column])

    @property
    def results_has_rows(self) -> bool:
        return bool(len(self.results)) and int(self.results["indicators_reported"].sum()) > 0


def _year_of(values) -> pd.Series:
    return pd.to_datetime(values).dt.year


def _approvals(funded: dict[str, pd.DataFrame], year: int) -> pd.DataFrame:
    """The year's commitments by project, with the project's title, partner, decision date, primary goal and
    countries; largest first."""
    t = funded["transactions"]
    t = t[(t["txn_type"] == "commitment") & t["project_id"].notna() & (_year_of(t["txn_date"]) == year)]
    money = t.groupby("project_id", as_index=False)["amount_usd"].sum().rename(columns={"amount_usd": "approved_usd"})
    projects = funded["projects"]
    partners = funded["partners"].set_index("partner_id")["name"] if "partners" in funded else pd.Series(dtype=object)
    goals = funded["project_goals"]
    primary = goals[goals["is_primary"].astype(bool)].drop_duplicates("project_id").set_index("project_id")["goal_id"]
    places = (funded["project_countries"].sort_values(["project_id", "share", "iso3"], ascending=[True, False, True])
              .groupby("project_id")["iso3"].agg(tuple))
    out = money.merge(projects[["project_id", "title", "partner_id", "decision_date"]], on="project_id", how="left")
    out["partner_name"] = out["partner_id"].map(partners).fillna(out["partner_id"])
    out["goal_id"] = out["project_id"].map(primary)
    out["iso3s"] = out["project_id"].map(places).apply(lambda v: v if isinstance(v, tuple) else ())
    out["decision_date"] = pd.to_datetime(out["decision_date"])
    out = out.sort_values(["approved_usd", "project_id"], ascending=[False, True], ignore_index=True)
    return out[["project_id", "title", "partner_id", "partner_name", "decision_date", "goal_id", "iso3s",
                "approved_usd"]]


def _declined(projects: pd.DataFrame, year: int) -> int:
    decided = _year_of(projects["decision_date"]) == year
    return int((decided & (projects["status"] == "rejected")).sum())


def _countries(funded: dict[str, pd.DataFrame], countries: pd.DataFrame, year: int) -> pd.DataFrame:
    """Countries of the funded projects that received a transfer dated in the year, with those transfers split
    by the projects' country shares."""
    t = funded["transactions"]
    t = t[(t["txn_type"] == "disbursement") & t["project_id"].notna() & (_year_of(t["txn_date"]) == year)]
    by_project = t.groupby("project_id", as_index=False)["amount_usd"].sum()
    rows = by_project.merge(funded["project_countries"], on="project_id", how="inner")
    rows = rows.assign(transferred=rows["amount_usd"] * rows["share"].astype(float))
    out = (rows.groupby("iso3").agg(projects=("project_id", "nunique"), transferred=("transferred", "sum"))
           .reset_index())
    names = countries[["iso3", "name_en", "name_fr", "name_es"]]
    out = out.merge(names, on="iso3", how="left")
    out["name_en"] = out["name_en"].fillna(out["iso3"])
    return out.sort_values(["transferred", "iso3"], ascending=[False, True], ignore_index=True)[
        ["iso3", "name_en", "name_fr", "name_es", "projects", "transferred"]]


def _names(countries: pd.DataFrame, approvals: pd.DataFrame) -> pd.DataFrame:
    used = {code for codes in approvals["iso3s"] for code in codes}
    return countries.loc[countries["iso3"].isin(used), ["iso3", "name_en", "name_fr", "name_es"]].reset_index(drop=True)


def _transfer_projects(funded: dict[str, pd.DataFrame], year: int) -> int:
    t = funded["transactions"]
    t = t[(t["txn_type"] == "disbursement") & t["project_id"].notna() & (_year_of(t["txn_date"]) == year)]
    return int(t["project_id"].nunique())


def _late(book: dict[str, pd.DataFrame], ledger: dict[str, pd.DataFrame], year: int) -> pd.DataFrame:
    late = late_reports_from(book, year=year)
    projects = ledger["projects"].set_index("project_id")
    late = late.assign(title=late["project_id"].map(projects["title"]),
                       partner_id=late["project_id"].map(projects["partner_id"]))
    return late.sort_values(["days_late", "project_id"], ascending=[False, True], ignore_index=True)[
        ["project_id", "title", "partner_id", "report_type", "due_date", "received_date", "status", "days_late"]]


def annual_report_from(ledger: dict[str, pd.DataFrame], book: dict[str, pd.DataFrame], countries: pd.DataFrame,
                       sources: pd.DataFrame, meta: dict, year: int,
                       certified_through: int | None = None) -> AnnualReport:
    """The report for `year` from the ledger's frames (queries.ledger), the results framework's
    (results.results_ledger), the countries and sources tables and the meta table."""
    year = int(year)
    funded = funded_ledger(ledger)
    su = sources_uses_from(ledger["transactions"], ledger["partners"], ledger["projects"], year, certified_through)
    approvals = _approvals(funded, year)
    ladder = flows.funding_ladder(funded["transactions"], f"{year:04d}-01-01", f"{year:04d}-12-31")
    by_year = su.by_year.set_index("year")
    delivery = by_year.loc[year].to_dict() if year in by_year.index else None
    years = tuple(ledger_years(ledger["transactions"]))
    illustrative = is_illustrative(ledger)
    source_id = ledger_source(ledger)
    known = sources.set_index("source_id") if len(sources) else pd.DataFrame()
    source = {"source_id": source_id, **(known.loc[source_id].to_dict() if source_id in known.index else {})}
    notices = []
    if years and not (years[0] <= year <= years[-1]):
        notices.append(Message(OUTSIDE_LEDGER, {"year": year, "first": years[0], "last": years[-1]}))
    if su.provisional:
        notices.append(Message(PROVISIONAL, {"year": year}))
    if illustrative:
        notices.append(Message(ILLUSTRATIVE, {}))
    funded_ids = set(ledger["projects"].loc[ledger["projects"]["status"].isin(FUNDED_STATUSES), "project_id"])
    has_framework = bool(book["results"]["project_id"].isin(funded_ids).any())
    return AnnualReport(
        year=year, sources_uses=su, approvals=approvals, approved_usd=float(ladder.approved),
        declined=_declined(ledger["projects"], year),
        results=portfolio_results_from(book, "goal", year), has_framework=has_framework,
        late=_late(book, ledger, year), timeliness=reporting_timeliness_from(book, year=year),
        countries=_countries(funded, countries, year), projects_transferred=_transfer_projects(funded, year),
        countries_to_date=int(approved_by_country(funded, year)["iso3"].nunique()),
        names=_names(countries, approvals), delivery=delivery, years=years, is_illustrative=illustrative, source=source, meta=dict(meta),
        notices=tuple(notices))


def annual_report(con, year: int) -> AnnualReport:
    """annual_report_from over the database (certification as ipmd.portfolio.sources_uses.sources_uses reads it)."""
    certified = queries.meta(con).get("accounts_certified_through")
    return annual_report_from(queries.ledger(con), results_ledger(con), queries.countries(con), queries.sources(con),
                              queries.meta(con), int(year),
                              int(certified) if certified and str(certified).isdigit() else None)


def report_years(con) -> tuple[tuple[int, ...], int | None]:
    """The years a report can be made for (those of the ledger) and the last year whose accounts are certified
    (as ipmd.portfolio.sources_uses decides it; None for an empty ledger)."""
    years = tuple(ledger_years(queries.table(con, "transactions")))
    if not years:
        return (), None
    return years, sources_uses(con, years[-1]).certified_through
