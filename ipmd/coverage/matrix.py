"""Goal coverage: how the partnership's projects cover its goals, areas of work, countries and GFMD items.

Pure functions: pandas frames in (columns as in ipmd/build/schema.sql), frames out. No Streamlit, no database.

Money (shared with ipmd/fund/flows.py):
    approved  = sum of transactions with txn_type 'commitment' of a project (Oversight Committee approval)
    disbursed = sum of 'disbursement' of a project (transfers to the partner)
    spent     = sum of 'expenditure' of a project (partner spending)
Filter `transactions` by date before calling to get figures "as of" a date.

Counting a project under goals (`mode`):
    'primary'  : each project once, under its primary goal, with all its money (weight 1).
    'weighted' : each project under every goal it serves (weight > 0), its money multiplied by the
                 goal weight; n_projects counts it in each of those goals, project_weight sums the
                 weights (so project_weight over all cells = number of projects).
Weights and country shares of one project are renormalised to sum to 1, so the money of a project is
never created or lost by a slightly inconsistent ledger (with a valid ledger this changes nothing).
A project with no primary goal flag falls back to its largest-weight goal (ties: smallest goal_id).
Projects with no goal row at all cannot be placed in the matrix and are left out of it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pandas as pd

from ipmd.fund.rules import AREAS, FUNDED_STATUSES, GOALS, PIPELINE_STATUSES

MODES: tuple[str, ...] = ("primary", "weighted")
# GFMD items a project can follow up. 'format' (how the Forum meets) and 'participation' (who came)
# describe the Forum itself, not policy content, so nobody is expected to follow them up.
TRACKED_GFMD_TYPES: tuple[str, ...] = ("roundtable", "outcome", "recommendation", "cross_cutting")
NO_REGION = "(no region)"

MONEY = ("approved", "disbursed", "spent")
_TXN_TO_MONEY = {"commitment": "approved", "disbursement": "disbursed", "expenditure": "spent"}


# --------------------------------------------------------------------------- money per project
def project_amounts(transactions: pd.DataFrame) -> pd.DataFrame:
    """Money per project: DataFrame(project_id, approved, disbursed, spent), one row per project with
    at least one commitment, disbursement or expenditure; amounts in US$ (amount_usd)."""
    t = transactions.loc[
        transactions["project_id"].notna() & transactions["txn_type"].isin(list(_TXN_TO_MONEY)),
        ["project_id", "txn_type", "amount_usd"],
    ]
    if t.empty:
        return pd.DataFrame({"project_id": pd.Series([], dtype=object),
                             **{m: pd.Series([], dtype=float) for m in MONEY}})
    t = t.assign(money=t["txn_type"].map(_TXN_TO_MONEY), amount_usd=t["amount_usd"].astype(float))
    wide = t.groupby(["project_id", "money"])["amount_usd"].sum().unstack("money", fill_value=0.0)
    wide = wide.reindex(columns=list(MONEY), fill_value=0.0).astype(float)
    wide.columns.name = None
    return wide.reset_index().sort_values("project_id", ignore_index=True)


def _with_money(projects: pd.DataFrame, transactions: pd.DataFrame) -> pd.DataFrame:
    """projects + approved/disbursed/spent (0 when a project has no transaction)."""
    out = projects.merge(project_amounts(transactions), on="project_id", how="left")
    out[list(MONEY)] = out[list(MONEY)].astype(float).fillna(0.0)
    return out


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")


def _filter_status(projects: pd.DataFrame, statuses: Iterable[str] | None) -> pd.DataFrame:
    if statuses is None:
        return projects
    return projects.loc[projects["status"].isin(list(statuses))]


def _goal_links(project_goals: pd.DataFrame, mode: str) -> pd.DataFrame:
    """(project_id, goal_id, weight, is_primary): the goals each project is counted under."""
    g = project_goals[["project_id", "goal_id", "weight", "is_primary"]].copy()
    g["weight"] = pd.to_numeric(g["weight"], errors="coerce").fillna(0.0).astype(float)
    g["is_primary"] = g["is_primary"].fillna(False).astype(bool)
    # the primary link: flagged one, else the largest weight, ties by goal_id
    primary = (g.sort_values(["project_id", "is_primary", "weight", "goal_id"],
                             ascending=[True, False, False, True])
               .drop_duplicates("project_id", keep="first")
               .assign(weight=1.0, is_primary=True))
    if mode == "primary":
        return primary.reset_index(drop=True)
    served = g.loc[g["weight"] > 0].copy()
    served["weight"] = served["weight"] / served.groupby("project_id")["weight"].transform("sum")
    # a project whose weights are all zero is still counted, under its primary goal
    rest = primary.loc[~primary["project_id"].isin(served["project_id"])]
    return pd.concat([served, rest], ignore_index=True)


def _attributed(projects: pd.DataFrame, project_goals: pd.DataFrame, transactions: pd.DataFrame,
                mode: str, statuses: Iterable[str] | None) -> pd.DataFrame:
    """One row per (project, goal counted): project columns, goal_id, weight, is_primary,
    project_approved/_disbursed/_spent (whole project) and approved/disbursed/spent (x weight)."""
    _check_mode(mode)
    p = _with_money(_filter_status(projects, statuses), transactions)
    p = p.rename(columns={m: f"project_{m}" for m in MONEY})
    rows = p.merge(_goal_links(project_goals, mode), on="project_id", how="inner")
    for m in MONEY:
        rows[m] = rows[f"project_{m}"] * rows["weight"]
    return rows


def _axis(values: Iterable, base: tuple[str, ...]) -> list[str]:
    extra = sorted({v for v in values if pd.notna(v)} - set(base))
    return list(base) + extra


# --------------------------------------------------------------------------- coverage matrix
def coverage_matrix(projects: pd.DataFrame, project_goals: pd.DataFrame, transactions: pd.DataFrame,
                    mode: str = "primary",
                    statuses: Iterable[str] | None = FUNDED_STATUSES) -> pd.DataFrame:
    """Goals x areas of work: DataFrame(goal_id, area_id, n_projects, project_weight, approved,
    disbursed, spent), all 6 cells (G1-G3 x A-B) always present, in goal then area order.

    statuses: project statuses counted (default the funded portfolio: approved, active, closed);
    None counts every project.
    """
    rows = _attributed(projects, project_goals, transactions, mode, statuses)
    goals = _axis(rows["goal_id"], GOALS)
    areas = _axis(rows["area_id"], AREAS)
    agg = rows.groupby(["goal_id", "area_id"]).agg(
        n_projects=("project_id", "nunique"), project_weight=("weight", "sum"),
        approved=("approved", "sum"), disbursed=("disbursed", "sum"), spent=("spent", "sum"))
    full = pd.MultiIndex.from_product([goals, areas], names=["goal_id", "area_id"])
    out = agg.reindex(full).reset_index()
    out["n_projects"] = out["n_projects"].fillna(0).astype(int)
    for c in ("project_weight", *MONEY):
        out[c] = out[c].fillna(0.0).astype(float)
    return out


def projects_in_cell(projects: pd.DataFrame, project_goals: pd.DataFrame, transactions: pd.DataFrame,
                     goal_id: str | None, area_id: str | None, mode: str = "primary",
                     statuses: Iterable[str] | None = FUNDED_STATUSES) -> pd.DataFrame:
    """The projects of one cell of coverage_matrix (goal_id or area_id None = the whole row/column).

    Columns: project_id, title, partner_id, area_id, goal_id, gfmd_item_id, status, requested_usd,
    weight (1 in primary mode), is_primary, approved, disbursed, spent (as counted in the cell, so the
    list sums to the cell), project_approved, project_disbursed, project_spent (whole project).
    Sorted by approved (desc) then project_id.
    """
    rows = _attributed(projects, project_goals, transactions, mode, statuses)
    if goal_id is not None:
        rows = rows.loc[rows["goal_id"] == goal_id]
    if area_id is not None:
        rows = rows.loc[rows["area_id"] == area_id]
    cols = ["project_id", "title", "partner_id", "area_id", "goal_id", "gfmd_item_id", "status",
            "requested_usd", "weight", "is_primary", *MONEY, *(f"project_{m}" for m in MONEY)]
    cols = [c for c in cols if c in rows.columns]
    return (rows[cols].sort_values(["approved", "project_id"], ascending=[False, True])
            .reset_index(drop=True))


# --------------------------------------------------------------------------- countries and regions
def _country_rows(projects, project_goals, project_countries, transactions, goal, mode, statuses):
    """One row per (project, country) with money x goal weight (or x1) x country share."""
    _check_mode(mode)
    if goal is None:
        # all goals: a project's whole money whatever the mode (its weights sum to 1)
        p = _with_money(_filter_status(projects, statuses), transactions)
        p = p.assign(weight=1.0)
    else:
        p = _attributed(projects, project_goals, transactions, mode, statuses)
        p = p.loc[p["goal_id"] == goal]
    pc = project_countries[["project_id", "iso3", "share"]].copy()
    pc["share"] = pd.to_numeric(pc["share"], errors="coerce").fillna(0.0).astype(float)
    pc = pc.loc[pc["share"] > 0]
    pc["share"] = pc["share"] / pc.groupby("project_id")["share"].transform("sum")
    rows = p[["project_id", "weight", *MONEY]].merge(pc, on="project_id", how="left")
    for m in MONEY:
        rows[m] = rows[m] * rows["share"].fillna(0.0)
    return rows


def country_funding(projects: pd.DataFrame, project_goals: pd.DataFrame,
                    project_countries: pd.DataFrame, transactions: pd.DataFrame,
                    goal: str | None = None, mode: str = "primary",
                    statuses: Iterable[str] | None = FUNDED_STATUSES,
                    countries: pd.DataFrame | Iterable[str] | None = None) -> pd.DataFrame:
    """Money per country: DataFrame(iso3, n_projects, approved, disbursed, spent).

    A project's money is split over its countries by project_countries.share. With `goal` given, only
    the money counted under that goal: in 'primary' mode the projects whose primary goal it is (whole
    money), in 'weighted' mode every project serving it (money x goal weight). With goal=None the mode
    does not matter (each project's whole money).
    `countries` (a frame with iso3, or a list of iso3) adds every such country with zeros, so a country
    with no project appears with 0 rather than not at all. Money of projects with no country row is not
    in this table: see funding_without_country. Sorted by approved (desc) then iso3.
    """
    rows = _country_rows(projects, project_goals, project_countries, transactions, goal, mode, statuses)
    rows = rows.loc[rows["iso3"].notna()]
    out = rows.groupby("iso3").agg(n_projects=("project_id", "nunique"),
                                   approved=("approved", "sum"), disbursed=("disbursed", "sum"),
                                   spent=("spent", "sum"))
    if countries is not None:
        iso = countries["iso3"] if isinstance(countries, pd.DataFrame) else pd.Series(list(countries))
        out = out.reindex(sorted(set(out.index) | set(iso.dropna())))
    out.index.name = "iso3"
    out = out.reset_index()
    out["n_projects"] = out["n_projects"].fillna(0).astype(int)
    for m in MONEY:
        out[m] = out[m].fillna(0.0).astype(float)
    return out.sort_values(["approved", "iso3"], ascending=[False, True], ignore_index=True)


def funding_without_country(projects: pd.DataFrame, project_goals: pd.DataFrame,
                            project_countries: pd.DataFrame, transactions: pd.DataFrame,
                            goal: str | None = None, mode: str = "primary",
                            statuses: Iterable[str] | None = FUNDED_STATUSES) -> dict:
    """The money country_funding cannot place: projects with no country row (global work).
    Same goal/mode/statuses rules as country_funding.
    Returns {'n_projects': int, 'approved': float, 'disbursed': float, 'spent': float}."""
    _check_mode(mode)
    if goal is None:
        p = _with_money(_filter_status(projects, statuses), transactions)
    else:
        p = _attributed(projects, project_goals, transactions, mode, statuses)
        p = p.loc[p["goal_id"] == goal]
    share = pd.to_numeric(project_countries["share"], errors="coerce").fillna(0.0)
    placed = set(project_countries.loc[share > 0, "project_id"])
    p = p.loc[~p["project_id"].isin(placed)]
    return {"n_projects": int(p["project_id"].nunique()), **{m: float(p[m].sum()) for m in MONEY}}


def regional_totals(country_funding: pd.DataFrame, countries: pd.DataFrame,
                    by: str = "un_region") -> pd.DataFrame:
    """Totals of a country_funding frame by a grouping column of `countries`
    ('un_region', 'un_subregion', 'wb_region' or 'income_group').

    DataFrame(<by>, n_countries_funded, approved, disbursed, spent): every group of `countries`
    appears (zeros when no money); countries without a group (or not in `countries`) go to
    '(no region)'. n_countries_funded counts countries with approved > 0 (project counts cannot be
    added across countries: one project can work in several). Sorted by approved (desc) then name.
    """
    if by not in countries.columns:
        raise ValueError(f"countries has no column {by!r}")
    money = [m for m in MONEY if m in country_funding.columns]
    cf = country_funding.merge(countries[["iso3", by]], on="iso3", how="left")
    cf[by] = cf[by].astype(object).where(cf[by].notna(), NO_REGION)
    cf["_funded"] = cf["approved"] > 0
    out = cf.groupby(by).agg(n_countries_funded=("_funded", "sum"), **{m: (m, "sum") for m in money})
    groups = set(countries[by].dropna()) | set(out.index)
    out = out.reindex(sorted(groups, key=str))
    out.index.name = by
    out = out.reset_index()
    out["n_countries_funded"] = out["n_countries_funded"].fillna(0).astype(int)
    for m in money:
        out[m] = out[m].fillna(0.0).astype(float)
    return out.sort_values(["approved", by], ascending=[False, True], ignore_index=True)


# --------------------------------------------------------------------------- GFMD follow-up
FOLLOWED_FUNDED = "funded"
FOLLOWED_PIPELINE = "pipeline only"
FOLLOWED_NONE = "none"


@dataclass(frozen=True, eq=False)
class GfmdFollowup:
    """items: one row per tracked GFMD item (gfmd_item_id, meeting, year, item_type, roundtable_no,
        title, n_projects, n_funded, n_pipeline, pipeline_requested, approved, disbursed, spent,
        follow_up); money = sum over linked projects (in a valid ledger only funded ones have any),
        pipeline_requested = requested_usd of linked proposals still submitted/under review.
    projects: one row per (item, project) linking them (gfmd_item_id, item_title, project_id, title,
        partner_id, status, requested_usd, approved, disbursed, spent).
    unfollowed: the rows of `items` with no funded project (follow_up 'pipeline only' or 'none')."""
    items: pd.DataFrame
    projects: pd.DataFrame
    unfollowed: pd.DataFrame


def gfmd_followup(gfmd_items: pd.DataFrame, projects: pd.DataFrame, transactions: pd.DataFrame,
                  item_types: Iterable[str] | None = TRACKED_GFMD_TYPES,
                  funded_statuses: Iterable[str] = FUNDED_STATUSES,
                  pipeline_statuses: Iterable[str] = PIPELINE_STATUSES) -> GfmdFollowup:
    """Which projects follow up each GFMD 2007/2008 item (projects.gfmd_item_id).

    Items tracked: item_type in `item_types` (default roundtable, outcome, recommendation,
    cross_cutting; 'format' and 'participation' rows describe the Forum itself). None = all items.
    follow_up per item: 'funded' when at least one project in `funded_statuses` (approved, active,
    closed) follows it up; 'pipeline only' when only proposals still submitted/under review do;
    'none' otherwise. Rejected projects are listed in `projects` but do not count as follow-up.
    n_projects counts all linked projects of any status.
    """
    funded, pipeline = set(funded_statuses), set(pipeline_statuses)
    items = gfmd_items
    if item_types is not None:
        items = items.loc[items["item_type"].isin(list(item_types))]
    item_cols = [c for c in ("gfmd_item_id", "meeting", "year", "item_type", "roundtable_no", "title")
                 if c in items.columns]
    items = items[item_cols]

    p = _with_money(projects, transactions)
    p = p.loc[p["gfmd_item_id"].isin(items["gfmd_item_id"])]
    links = (p[["gfmd_item_id", "project_id", "title", "partner_id", "status", "requested_usd", *MONEY]]
             .merge(items[["gfmd_item_id", "title"]].rename(columns={"title": "item_title"}),
                    on="gfmd_item_id", how="left"))
    links = links[["gfmd_item_id", "item_title", "project_id", "title", "partner_id", "status",
                   "requested_usd", *MONEY]]
    links = links.sort_values(["gfmd_item_id", "project_id"], ignore_index=True)

    pipe_requested = links["requested_usd"].where(links["status"].isin(pipeline), 0.0)
    agg = links.assign(
        _funded=links["status"].isin(funded), _pipe=links["status"].isin(pipeline),
        _pipe_req=pipe_requested.astype(float),
    ).groupby("gfmd_item_id").agg(
        n_projects=("project_id", "nunique"), n_funded=("_funded", "sum"), n_pipeline=("_pipe", "sum"),
        pipeline_requested=("_pipe_req", "sum"), **{m: (m, "sum") for m in MONEY})
    out = items.merge(agg, left_on="gfmd_item_id", right_index=True, how="left")
    for c in ("n_projects", "n_funded", "n_pipeline"):
        out[c] = out[c].fillna(0).astype(int)
    for c in ("pipeline_requested", *MONEY):
        out[c] = out[c].fillna(0.0).astype(float)
    out["follow_up"] = np.select([out["n_funded"] > 0, out["n_pipeline"] > 0],
                                 [FOLLOWED_FUNDED, FOLLOWED_PIPELINE], default=FOLLOWED_NONE)
    sort_cols = [c for c in ("year", "gfmd_item_id") if c in out.columns]
    out = out.sort_values(sort_cols, ignore_index=True)
    unfollowed = out.loc[out["follow_up"] != FOLLOWED_FUNDED].reset_index(drop=True)
    return GfmdFollowup(items=out, projects=links, unfollowed=unfollowed)
