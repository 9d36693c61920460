"""Results of the fund's projects against their targets (issue 20): the queries the project, donor, coverage
and report screens use. UI-free; each function that reads the database takes `con` first and has a pure
twin over frames named `<name>_from` (CONVENTIONS.md).

The tables are those of the ledger's results framework (ipmd/build/schema.sql, last block): results,
result_indicators, indicator_periods, report_milestones, project_documents and projects.gender_marker.
`results_ledger(con)` gives them with the projects, their goals and countries and the transactions; a
database made before the results framework gives empty tables.

Only funded projects (approved, active, closed) count in the portfolio views: proposals not yet decided
are confidential (CONVENTIONS.md) and rejected ones have no results to report.

Definitions:
- an indicator period is *reported* when its actual value is given; "to date" sums run over the reported
  periods only, so a target not yet due is not counted as missed;
- an indicator is *met* when its actual values to date reach its targets to date (by sex: their sum);
- a report is *on time* when received on or before its due date, *late* when received after it, and
  *outstanding* when it was due by `as_of` and not received; a project *reports on time* when every report
  it owed by `as_of` came on time;
- `as_of` defaults to the ledger's cut-off: its latest transaction or report date.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ipmd.fund.rules import FUNDED_STATUSES
from ipmd.ledger.template import RESULT_TABLES, SHEETS

BOOK_TABLES = ("projects", "project_goals", "project_countries", "transactions") + RESULT_TABLES
GROUPINGS = ("goal", "area", "country")
MARKERS = (0, 1, 2, 3)
PEOPLE_UNIT = "persons"

# the results tables' columns as the ledger template defines them, and the flag every stored row carries
_COLUMNS = {sheet.name: [c.name for c in sheet.columns] + ["is_illustrative"] for sheet in SHEETS
            if sheet.name in RESULT_TABLES}


# ------------------------------------------------------------------------------------------- the tables

def results_ledger(con) -> dict[str, pd.DataFrame]:
    """The projects, their goals, countries and transactions, and the results framework's tables."""
    present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                         "WHERE table_schema = 'main'").fetchall()}
    book = {}
    for name in BOOK_TABLES:
        if name in present:
            book[name] = con.execute(f"SELECT * FROM {name}").df()      # fixed names
        else:
            book[name] = pd.DataFrame(columns=_COLUMNS[name])
    if "gender_marker" not in book["projects"].columns:
        book["projects"]["gender_marker"] = pd.array([None] * len(book["projects"]), dtype="Int64")
    return book


def _funded(projects: pd.DataFrame) -> pd.DataFrame:
    return projects[projects["status"].isin(FUNDED_STATUSES)]


def ledger_cutoff_from(book: dict[str, pd.DataFrame]) -> pd.Timestamp | None:
    """The ledger's latest transaction or report date: the default `as_of`."""
    days = [pd.to_datetime(book["transactions"]["txn_date"]).max() if len(book.get("transactions", ())) else None,
            pd.to_datetime(book["report_milestones"]["received_date"]).max()
            if len(book["report_milestones"]) else None]
    days = [d for d in days if d is not None and pd.notna(d)]
    return max(days) if days else None


def _as_of(book: dict[str, pd.DataFrame], as_of) -> pd.Timestamp:
    if as_of is not None:
        return pd.Timestamp(as_of)
    return ledger_cutoff_from(book) or pd.Timestamp.today().normalize()


# ------------------------------------------------------------------------------------- one project

def indicator_rows_from(book: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every indicator period with its indicator, result and project: one row per period and sex."""
    periods = book["indicator_periods"].drop(columns=["is_illustrative"], errors="ignore")
    indicators = book["result_indicators"].rename(columns={"title": "indicator_title"}).drop(
        columns=["is_illustrative"], errors="ignore")
    results = book["results"].rename(columns={"title": "result_title"})[
        ["result_id", "project_id", "result_type", "result_title", "is_illustrative"]]
    rows = periods.merge(indicators, on="result_indicator_id", how="inner").merge(results, on="result_id", how="inner")
    for col in ("period_start", "period_end"):
        rows[col] = pd.to_datetime(rows[col])
    rows["target_value"] = pd.to_numeric(rows["target_value"], errors="coerce").astype(float)
    rows["actual_value"] = pd.to_numeric(rows["actual_value"], errors="coerce").astype(float)
    return rows


def project_results_from(book: dict[str, pd.DataFrame], project_id: str) -> pd.DataFrame:
    """One project's indicator periods against their targets: result_type, result_title, indicator_title,
    unit, by_sex, baseline_year, baseline_value, period_start, period_end, sex, target_value, actual_value,
    achieved (actual ÷ target; NaN when not reported or the target is zero), is_illustrative; in the order
    of the results and indicators, then by period and sex."""
    rows = indicator_rows_from(book)
    rows = rows[rows["project_id"] == project_id]
    order = {"objective": 0, "outcome": 1, "output": 2}
    rows = rows.assign(_order=rows["result_type"].map(order),
                       _sex=rows["sex"].map({"female": 0, "male": 1, "total": 2}))
    rows = rows.sort_values(["_order", "result_id", "result_indicator_id", "period_start", "_sex"], kind="stable")
    target = rows["target_value"].where(rows["target_value"] > 0)
    rows = rows.assign(achieved=rows["actual_value"] / target)
    return rows[["result_id", "result_type", "result_title", "result_indicator_id", "indicator_title", "unit",
                 "by_sex", "baseline_year", "baseline_value", "period_start", "period_end", "sex", "target_value",
                 "actual_value", "achieved", "is_illustrative"]].reset_index(drop=True)


def project_results(con, project_id: str) -> pd.DataFrame:
    return project_results_from(results_ledger(con), project_id)


def indicator_progress_from(book: dict[str, pd.DataFrame], project_id: str | None = None,
                            year: int | None = None) -> pd.DataFrame:
    """Per indicator and sex, over its reported periods: target_to_date, actual_to_date, achieved (their
    ratio), met; with target_total over all its periods. One project, or all (project_id None); with `year`,
    only the periods ending in that year."""
    rows = indicator_rows_from(book)
    if project_id is not None:
        rows = rows[rows["project_id"] == project_id]
    if year is not None:
        rows = rows[rows["period_end"].dt.year == int(year)]
    reported = rows["actual_value"].notna()
    rows = rows.assign(target_reported=rows["target_value"].where(reported, 0.0),
                       actual_reported=rows["actual_value"].fillna(0.0), reported=reported)
    keys = ["project_id", "result_id", "result_type", "result_title", "result_indicator_id", "indicator_title",
            "unit", "by_sex", "sex"]
    out = (rows.groupby(keys, dropna=False, sort=True)
               .agg(target_total=("target_value", "sum"), target_to_date=("target_reported", "sum"),
                    actual_to_date=("actual_reported", "sum"), periods=("period_start", "count"),
                    periods_reported=("reported", "sum"))
               .reset_index())
    out["achieved"] = out["actual_to_date"] / out["target_to_date"].where(out["target_to_date"] > 0)
    out["met"] = (out["periods_reported"] > 0) & (out["actual_to_date"] >= out["target_to_date"])
    return out


def project_reports_from(book: dict[str, pd.DataFrame], project_id: str | None = None,
                         as_of=None) -> pd.DataFrame:
    """Report milestones with their timeliness at `as_of`: status 'on_time', 'late', 'outstanding' (due by
    as_of, not received) or 'not_due'; days_late (received or as_of, minus due; 0 when on time)."""
    day = _as_of(book, as_of)
    m = book["report_milestones"].copy()
    if project_id is not None:
        m = m[m["project_id"] == project_id]
    due, received = pd.to_datetime(m["due_date"]), pd.to_datetime(m["received_date"])
    status = pd.Series("not_due", index=m.index, dtype=object)
    status[received.notna() & (received <= due)] = "on_time"
    status[received.notna() & (received > due)] = "late"
    status[received.isna() & (due <= day)] = "outstanding"
    late_until = received.where(received.notna(), day)
    days_late = (late_until - due).dt.days.clip(lower=0).where(status.isin(["late", "outstanding"]), 0)
    m = m.assign(due_date=due, received_date=received, status=status, days_late=days_late.astype(int))
    return m.sort_values(["project_id", "due_date", "report_type"], kind="stable").reset_index(drop=True)


def project_reports(con, project_id: str, as_of=None) -> pd.DataFrame:
    return project_reports_from(results_ledger(con), project_id, as_of)


def project_documents_from(book: dict[str, pd.DataFrame], project_id: str) -> pd.DataFrame:
    d = book["project_documents"]
    d = d[d["project_id"] == project_id]
    return d.sort_values(["document_date", "document_id"], kind="stable", na_position="last").reset_index(drop=True)


def project_documents(con, project_id: str) -> pd.DataFrame:
    return project_documents_from(results_ledger(con), project_id)


# ------------------------------------------------------------------------------------- the portfolio

def _group_weights(book: dict[str, pd.DataFrame], by: str) -> pd.DataFrame:
    """(project_id, group, weight) of the funded projects: their primary goal, their area of work, or their
    countries with their shares (people are split by the shares; indicators count in every country)."""
    funded = _funded(book["projects"])
    if by == "goal":
        g = book["project_goals"]
        g = g[g["is_primary"].astype(bool) & g["project_id"].isin(funded["project_id"])]
        return pd.DataFrame({"project_id": g["project_id"], "group": g["goal_id"], "weight": 1.0})
    if by == "area":
        return pd.DataFrame({"project_id": funded["project_id"], "group": funded["area_id"], "weight": 1.0})
    if by == "country":
        c = book["project_countries"]
        c = c[c["project_id"].isin(funded["project_id"])]
        return pd.DataFrame({"project_id": c["project_id"], "group": c["iso3"], "weight": c["share"].astype(float)})
    raise ValueError(f"unknown grouping {by!r}: one of {', '.join(GROUPINGS)}")


def portfolio_results_from(book: dict[str, pd.DataFrame], by: str = "goal", year: int | None = None) -> pd.DataFrame:
    """Results of the funded projects by goal (primary), area of work or country: projects with results,
    indicators reported, indicators met and met_share; people (indicators in persons) targeted and reached
    over the reported periods, in total and by sex (female, male; 'total' rows of indicators not counted by
    sex count in people only). For countries, people are split by the project's country shares. With `year`,
    only the reporting periods ending in that year count (the annual report)."""
    weights = _group_weights(book, by)
    progress = indicator_progress_from(book, year=year)
    progress = progress[progress["project_id"].isin(weights["project_id"])]
    per_indicator = (progress.groupby(["project_id", "result_indicator_id"])
                             .agg(reported=("periods_reported", "sum"), target=("target_to_date", "sum"),
                                  actual=("actual_to_date", "sum"))
                             .reset_index())
    per_indicator = per_indicator[per_indicator["reported"] > 0]
    per_indicator["met"] = per_indicator["actual"] >= per_indicator["target"]
    ind = per_indicator.merge(weights, on="project_id")
    counts = (ind.groupby("group").agg(indicators_reported=("result_indicator_id", "count"), indicators_met=("met", "sum"))
                 .reset_index())
    people = progress[(progress["unit"] == PEOPLE_UNIT)].merge(weights, on="project_id")
    people = people.assign(t=people["target_to_date"] * people["weight"], a=people["actual_to_date"] * people["weight"])

    def by_sex(sex: str | None, col: str) -> pd.Series:
        rows = people if sex is None else people[people["sex"] == sex]
        return rows.groupby("group")[col].sum()

    with_results = book["results"]["project_id"].unique()
    projects = (weights[weights["project_id"].isin(with_results)].groupby("group")["project_id"].nunique()
                .rename("projects"))
    groups = sorted(set(weights["group"]))
    out = pd.DataFrame({"group": groups}).set_index("group")
    out["projects"] = projects
    out = out.join(counts.set_index("group"))
    out["people_targeted"] = by_sex(None, "t")
    out["people_reached"] = by_sex(None, "a")
    out["women_reached"] = by_sex("female", "a")
    out["men_reached"] = by_sex("male", "a")
    out = out.fillna(0)
    for col in ("projects", "indicators_reported", "indicators_met"):
        out[col] = out[col].astype(int)
    out["met_share"] = out["indicators_met"] / out["indicators_reported"].where(out["indicators_reported"] > 0)
    return out.reset_index()


def portfolio_results(con, by: str = "goal", year: int | None = None) -> pd.DataFrame:
    return portfolio_results_from(results_ledger(con), by, year)


@dataclass(frozen=True)
class Timeliness:
    as_of: pd.Timestamp
    projects_due: int            # funded projects that owed at least one report by as_of
    projects_on_time: int        # ... and received every one of them on or before its due date
    reports_due: int
    reports_on_time: int
    reports_late: int
    reports_outstanding: int

    @property
    def share_on_time(self) -> float | None:
        """Share of the projects that owed reports which sent every one on time (None: none owed any)."""
        return self.projects_on_time / self.projects_due if self.projects_due else None


def _year_end(book: dict[str, pd.DataFrame], as_of, year: int | None) -> pd.Timestamp:
    if year is not None and as_of is None:
        return pd.Timestamp(f"{int(year)}-12-31")
    return _as_of(book, as_of)


def _due_reports(book: dict[str, pd.DataFrame], day: pd.Timestamp, year: int | None) -> pd.DataFrame:
    reports = project_reports_from(book, None, day)
    keep = reports["project_id"].isin(_funded(book["projects"])["project_id"]) & (reports["due_date"] <= day)
    if year is not None:
        keep &= reports["due_date"].dt.year == int(year)
    return reports[keep]


def reporting_timeliness_from(book: dict[str, pd.DataFrame], as_of=None, year: int | None = None) -> Timeliness:
    """Reports due by `as_of` from the funded projects: how many came on time, late or not at all. With
    `year`: the reports due in that year, judged at its end (or at `as_of`)."""
    day = _year_end(book, as_of, year)
    reports = _due_reports(book, day, year)
    reports = reports.assign(status=reports["status"].where(
        ~((reports["status"] == "late") & (reports["received_date"] > day)), "outstanding"))
    by_project = reports.groupby("project_id")["status"].agg(lambda s: bool((s == "on_time").all()))
    counts = reports["status"].value_counts()
    return Timeliness(as_of=day, projects_due=int(len(by_project)), projects_on_time=int(by_project.sum()),
                      reports_due=int(len(reports)), reports_on_time=int(counts.get("on_time", 0)),
                      reports_late=int(counts.get("late", 0)), reports_outstanding=int(counts.get("outstanding", 0)))


def reporting_timeliness(con, as_of=None, year: int | None = None) -> Timeliness:
    return reporting_timeliness_from(results_ledger(con), as_of, year)


def late_reports_from(book: dict[str, pd.DataFrame], as_of=None, year: int | None = None) -> pd.DataFrame:
    """The funded projects' reports late or outstanding at `as_of` (for the Secretariat's report); with
    `year`, those due in that year, judged at its end (or at `as_of`)."""
    day = _year_end(book, as_of, year)
    reports = _due_reports(book, day, year)
    reports = reports[reports["status"].isin(["late", "outstanding"])]
    return reports.reset_index(drop=True)


def late_reports(con, as_of=None, year: int | None = None) -> pd.DataFrame:
    return late_reports_from(results_ledger(con), as_of, year)


def gender_marker_spread_from(book: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Funded projects by gender marker (0-3, and <NA> for not screened): projects, their share, and the
    US$ approved for them (commitments)."""
    funded = _funded(book["projects"])
    t = book["transactions"]
    approved = (t[t["txn_type"] == "commitment"].groupby("project_id")["amount_usd"].sum()
                if len(t) else pd.Series(dtype=float))
    marker = pd.array(funded["gender_marker"], dtype="Int64")
    frame = pd.DataFrame({"gender_marker": marker,
                          "approved_usd": funded["project_id"].map(approved).fillna(0.0).to_numpy()})
    rows = []
    for code in (*MARKERS, None):
        hit = frame["gender_marker"].isna() if code is None else (frame["gender_marker"] == code).fillna(False)
        rows.append({"gender_marker": code, "projects": int(hit.sum()),
                     "approved_usd": float(frame.loc[hit, "approved_usd"].sum())})
    out = pd.DataFrame(rows)
    out["gender_marker"] = pd.array(out["gender_marker"], dtype="Int64")
    total = out["projects"].sum()
    out["share"] = out["projects"] / total if total else 0.0
    return out


def gender_marker_spread(con) -> pd.DataFrame:
    return gender_marker_spread_from(results_ledger(con))


def reporting_years_from(book: dict[str, pd.DataFrame]) -> tuple[int, ...]:
    """The years in which the funded projects' indicator periods end, oldest first (empty: no results yet)."""
    rows = indicator_rows_from(book)
    rows = rows[rows["project_id"].isin(_funded(book["projects"])["project_id"])]
    return tuple(sorted(int(y) for y in rows["period_end"].dt.year.dropna().unique()))


def reporting_years(con) -> tuple[int, ...]:
    return reporting_years_from(results_ledger(con))
