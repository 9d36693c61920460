"""The fund ledger's invariants: rules that must hold across rows, whatever the ledger's source.

`ledger_invariant_problems(tables)` takes the five ledger tables (donors, projects, project_countries,
project_goals, transactions; columns as in ipmd/build/schema.sql) and returns every broken rule as a
`Problem` located at the offending row. Pure pandas: no database.

Decisions (the rules are cumulative over time, because a fund can only spend money it already has):
- Deposits <= pledges, per donor, **to date**: at the end of every day on which the donor deposits,
  the donor's deposits so far may not exceed its pledges so far (a pledge and a deposit on the same
  day are fine). A pledge is a promise in the donor's currency, so when all of a donor's pledges
  and deposits are in one currency the comparison is made in that currency (`amount_original`);
  exchange-rate movements between pledge and payment do not make a paid-up pledge look overpaid.
  Otherwise it is made in US$.
- Approvals (commitments) <= deposits, fund level, to date: at the end of every day with an
  approval, all approvals so far may not exceed all deposits so far (US$).
- Disbursements <= approvals and expenditure <= disbursements, per project, to date (US$).
- World Bank internal resources (deposits of donors flagged is_world_bank_internal) <= 15% of all
  deposits, judged on the ledger's totals. Exactly 15% is allowed.
- project_countries shares sum to 1 per project; project_goals weights sum to 1 with exactly one
  primary goal, for every project that has goal rows and every project in the projects table.

A cumulative rule is reported once per episode: at the row where it first breaks (and again only
if it recovers and breaks later), so one early error does not produce a problem on every later row.
Rows whose dates or amounts cannot be read are skipped here: the importer's type checks report them.
Rows are numbered as a person sees them in a sheet: pandas index i is row i + 2 (header is row 1).
"""
from __future__ import annotations

import pandas as pd

from ipmd.fund.rules import (AMOUNT_TOLERANCE_USD, SHARE_TOLERANCE, WORLD_BANK_CEILING, as_bool,
                             over_world_bank_ceiling, world_bank_internal_ids)
from ipmd.ledger.problems import Problem

IATI_CODES = {"pledge": 11, "deposit": 1, "commitment": 2, "disbursement": 3, "expenditure": 4}


def ledger_invariant_problems(tables: dict[str, pd.DataFrame]) -> list[Problem]:
    """Every broken ledger invariant, in a stable order (by rule, then by row)."""
    txns = _transactions(tables.get("transactions"))
    donors = tables.get("donors")
    projects = tables.get("projects")
    problems: list[Problem] = []
    problems += _deposits_within_pledges(txns)
    problems += _approvals_within_deposits(txns)
    problems += _project_flow_within(txns, "disbursement", "commitment", "disbursed", "approved")
    problems += _project_flow_within(txns, "expenditure", "disbursement", "spent", "disbursed")
    problems += _world_bank_share(txns, donors)
    problems += _country_shares(tables.get("project_countries"))
    problems += _goal_weights(tables.get("project_goals"), projects)
    return problems


# ---------------------------------------------------------------------------------------------- helpers

def _rows(df: pd.DataFrame) -> list[int]:
    """Sheet rows of a frame's rows: index i is row i + 2; a non-integer index falls back to position."""
    try:
        return [int(i) + 2 for i in df.index]
    except (TypeError, ValueError):
        return list(range(2, len(df) + 2))


def _usd(x: float) -> str:
    return f"US${x:,.2f}"


def _money(x: float, currency: str) -> str:
    return f"US${x:,.2f}" if currency == "USD" else f"{currency} {x:,.2f}"


def _has(df: pd.DataFrame | None, columns: list[str]) -> bool:
    return df is not None and all(c in df.columns for c in columns)


def _transactions(df: pd.DataFrame | None) -> pd.DataFrame:
    """Transactions with readable types; rows with an unreadable date or amount are dropped."""
    cols = ["txn_type", "txn_date", "amount_usd"]
    if not _has(df, cols):
        return pd.DataFrame(columns=cols + ["donor_id", "project_id", "currency", "amount_original", "_row"])
    t = df.copy()
    for c in ("donor_id", "project_id", "currency", "amount_original"):
        if c not in t.columns:
            t[c] = None
    t["_row"] = _rows(t)
    t["txn_type"] = t["txn_type"].astype("string").str.strip().str.lower()
    t["txn_date"] = pd.to_datetime(t["txn_date"], errors="coerce")
    t["amount_usd"] = pd.to_numeric(t["amount_usd"], errors="coerce")
    t["amount_original"] = pd.to_numeric(t["amount_original"], errors="coerce")
    t = t.dropna(subset=["txn_type", "txn_date", "amount_usd"])
    # a stable order: by date, then as the rows appear in the file
    return t.sort_values(["txn_date", "_row"], kind="stable")


def _cumulative_check(txns: pd.DataFrame, flow_type: str, limit_type: str, key: str | None,
                      amount_col: str = "amount_usd") -> pd.DataFrame:
    """For each day with a `flow_type` row: cumulative flow and limit to the end of that day, per key.

    Returns one row per (key, day) with cum_flow, cum_limit and the first flow row of that day.
    """
    keys = [key] if key else []
    sub = txns[txns["txn_type"].isin([flow_type, limit_type])]
    if sub.empty:
        return pd.DataFrame(columns=keys + ["txn_date", "cum_flow", "cum_limit", "_row"])
    sub = sub.assign(
        flow=sub[amount_col].where(sub["txn_type"] == flow_type, 0.0),
        limit=sub[amount_col].where(sub["txn_type"] == limit_type, 0.0),
        flow_row=sub["_row"].where(sub["txn_type"] == flow_type),
    )
    days = (sub.groupby(keys + ["txn_date"], sort=True, dropna=False)
               .agg(flow=("flow", "sum"), limit=("limit", "sum"), _row=("flow_row", "min"),
                    n_flow=("flow_row", "count"))
               .reset_index())
    if key:
        days["cum_flow"] = days.groupby(key, dropna=False)["flow"].cumsum()
        days["cum_limit"] = days.groupby(key, dropna=False)["limit"].cumsum()
    else:
        days["cum_flow"] = days["flow"].cumsum()
        days["cum_limit"] = days["limit"].cumsum()
    return days[days["n_flow"] > 0]


def _breaches_by_key(days: pd.DataFrame, key: str | None) -> pd.DataFrame:
    """The days on which the cumulative flow goes over its limit (first day of each episode, per key)."""
    if days.empty:
        return days
    over = days["cum_flow"] > days["cum_limit"] + AMOUNT_TOLERANCE_USD
    before = over.groupby(days[key], dropna=False) if key else over
    was_over = before.shift(1, fill_value=False).astype(bool)
    return days[over & ~was_over]


# ------------------------------------------------------------------------------------------------ rules

def _deposits_within_pledges(txns: pd.DataFrame) -> list[Problem]:
    d = txns[txns["txn_type"].isin(["pledge", "deposit"]) & txns["donor_id"].notna()].copy()
    if d.empty:
        return []
    by_donor = d.groupby("donor_id")
    one_currency = (by_donor["currency"].transform("nunique").eq(1)
                    & by_donor["currency"].transform("count").eq(by_donor["currency"].transform("size"))
                    & by_donor["amount_original"].transform("count").eq(by_donor["currency"].transform("size")))
    d["compared"] = d["amount_original"].where(one_currency, d["amount_usd"])
    currency = d["currency"].where(one_currency, "USD").groupby(d["donor_id"]).first()
    days = _cumulative_check(d, "deposit", "pledge", "donor_id", "compared")
    problems = []
    for _, b in _breaches_by_key(days, "donor_id").iterrows():
        cur = str(currency[b.donor_id])
        problems.append(Problem(
            f"Donor {b.donor_id} has deposited {_money(b.cum_flow, cur)} by {b.txn_date:%Y-%m-%d} "
            f"but had pledged only {_money(b.cum_limit, cur)} by then: deposits may not exceed "
            f"the pledges made to date (overpaid by {_money(b.cum_flow - b.cum_limit, cur)}).",
            sheet="transactions", row=int(b._row), column="amount_usd" if cur == "USD" else "amount_original"))
    return problems


def _approvals_within_deposits(txns: pd.DataFrame) -> list[Problem]:
    days = _cumulative_check(txns, "commitment", "deposit", None)
    return [
        Problem(
            f"By {b.txn_date:%Y-%m-%d} the Oversight Committee had approved {_usd(b.cum_flow)} but donors "
            f"had deposited only {_usd(b.cum_limit)}: approvals may not exceed the funds deposited to date "
            f"(over-committed by {_usd(b.cum_flow - b.cum_limit)}).",
            sheet="transactions", row=int(b._row), column="amount_usd")
        for _, b in _breaches_by_key(days, None).iterrows()
    ]


def _project_flow_within(txns: pd.DataFrame, flow_type: str, limit_type: str,
                         flow_word: str, limit_word: str) -> list[Problem]:
    sub = txns[txns["project_id"].notna()]
    days = _cumulative_check(sub, flow_type, limit_type, "project_id")
    return [
        Problem(
            f"Project {b.project_id}: {flow_word} {_usd(b.cum_flow)} by {b.txn_date:%Y-%m-%d} but only "
            f"{_usd(b.cum_limit)} {limit_word} by then: {flow_type}s may not exceed {limit_type}s to date "
            f"(excess {_usd(b.cum_flow - b.cum_limit)}).",
            sheet="transactions", row=int(b._row), column="amount_usd")
        for _, b in _breaches_by_key(days, "project_id").iterrows()
    ]


def _world_bank_share(txns: pd.DataFrame, donors: pd.DataFrame | None) -> list[Problem]:
    if not _has(donors, ["donor_id", "is_world_bank_internal"]):
        return []
    internal_ids = world_bank_internal_ids(donors)
    deposits = txns[txns["txn_type"] == "deposit"]
    total = deposits["amount_usd"].sum()
    internal = deposits[deposits["donor_id"].isin(internal_ids)]
    wb = internal["amount_usd"].sum()
    if not over_world_bank_ceiling(wb, total):
        return []
    last = internal.iloc[-1]   # the latest internal deposit: the one that took the share over
    return [Problem(
        f"World Bank internal resources are {_usd(wb)} of {_usd(total)} deposited in all, a share of "
        f"{wb / total:.1%}; the proposal allows at most {WORLD_BANK_CEILING:.0%} "
        f"({_usd(WORLD_BANK_CEILING * total)} of these deposits).",
        sheet="transactions", row=int(last["_row"]), column="amount_usd")]


def _first_rows(df: pd.DataFrame) -> pd.Series:
    """The sheet row of each project's first line."""
    rows = pd.Series(_rows(df), index=df.index)
    return rows.groupby(df["project_id"], sort=True).min()


def _country_shares(pc: pd.DataFrame | None) -> list[Problem]:
    if not _has(pc, ["project_id", "share"]) or pc.empty:
        return []
    shares = pd.to_numeric(pc["share"], errors="coerce")
    totals = shares.groupby(pc["project_id"], sort=True).sum()
    first = _first_rows(pc)
    return [
        Problem(f"Project {pid}: its country shares add up to {total:.6g}, not 1.",
                sheet="project_countries", row=int(first[pid]), column="share")
        for pid, total in totals.items() if abs(total - 1) > SHARE_TOLERANCE
    ]


def _goal_weights(pg: pd.DataFrame | None, projects: pd.DataFrame | None) -> list[Problem]:
    problems = []
    has_goals = _has(pg, ["project_id", "weight", "is_primary"]) and not pg.empty
    if has_goals:
        weights = pd.to_numeric(pg["weight"], errors="coerce")
        totals = weights.groupby(pg["project_id"], sort=True).sum()
        primaries = as_bool(pg["is_primary"]).groupby(pg["project_id"], sort=True).sum()
        first = _first_rows(pg)
        for pid, total in totals.items():
            if abs(total - 1) > SHARE_TOLERANCE:
                problems.append(Problem(f"Project {pid}: its goal weights add up to {total:.6g}, not 1.",
                                        sheet="project_goals", row=int(first[pid]), column="weight"))
            if primaries[pid] != 1:
                problems.append(Problem(
                    f"Project {pid} has {int(primaries[pid])} primary goals; it must have exactly one.",
                    sheet="project_goals", row=int(first[pid]), column="is_primary"))
    if _has(projects, ["project_id"]):
        with_goals = set(pg["project_id"]) if has_goals else set()
        for row, pid in zip(_rows(projects), projects["project_id"]):
            if pd.notna(pid) and pid not in with_goals:
                problems.append(Problem(
                    f"Project {pid} has no goals: give it at least one row in project_goals, "
                    f"with exactly one primary goal.",
                    sheet="projects", row=row, column="project_id"))
    return problems
