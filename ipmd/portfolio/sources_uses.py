"""The fund's sources and uses of funds and its delivery rate, as a multi-partner trust fund's annual report
gives them (the UN MPTF Office's consolidated reports, for example).

Sources: deposits from donors (IATI incoming funds, 1) and investment income; uses: transfers to partners
(disbursement, 3), refunds from partners (subtracted from the transfers) and the trustee's administrative and
indirect costs; the balance is what the fund holds (sources - uses). Lines the ledger does not carry (no
transaction type for them: today's ledger template has pledge, deposit, commitment, disbursement and
expenditure only) are given as not recorded (NaN, `recorded` False), never as zero. Two memo lines reconcile
the balance with the funds screen's ladder: of the balance, what is approved but not yet transferred
(approved - transferred) and what the committee can still approve (deposits - approved, the fund balance).

Only funded projects' rows count (undecided proposals are never shown outside the allocation review).

Three columns, as the reports have them: the years before `year`, `year` itself, and the total to the end of
`year`.

Delivery rate: expenditure / transferred (partners' spending of what they received), by partner (to the end
of `year`) and by year (the year's own spending over the year's transfers, and the cumulative rate). A year is
provisional until its accounts are certified: every year after `certified_through` (by default, the years
before the ledger's last one are taken as certified, so its last year is provisional).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ipmd import queries
from ipmd.fund.rules import FUNDED_STATUSES

# line -> the transaction types that carry it; `sign` +1 adds to its side, -1 subtracts (a refund reduces uses)
LINES: tuple[tuple[str, str, tuple[str, ...], int], ...] = (
    ("deposits", "source", ("deposit",), 1),
    ("investment_income", "source", ("interest", "investment_income"), 1),
    ("transfers", "use", ("disbursement",), 1),
    ("refunds", "use", ("refund",), -1),
    ("admin_costs", "use", ("administrative_cost", "indirect_cost", "admin_cost"), 1),
)
COLUMNS = ("prior", "year", "total")


@dataclass(frozen=True)
class SourcesUses:
    year: int
    table: pd.DataFrame            # line, side (source/use/balance/memo), recorded, prior, year, total
    by_partner: pd.DataFrame       # partner_id, name, transferred, spent, delivery_rate (to the end of year)
    by_year: pd.DataFrame          # year, transferred, spent, delivery_rate, cumulative_rate, provisional
    provisional: bool              # `year` is provisional
    certified_through: int | None


def _sum(t: pd.DataFrame, types: tuple[str, ...]) -> float:
    return float(t.loc[t["txn_type"].isin(types), "amount_usd"].sum())


def _rate(spent, transferred):
    """spent / transferred, NaN where nothing was transferred."""
    spent, transferred = np.asarray(spent, dtype=float), np.asarray(transferred, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(transferred > 0, spent / np.where(transferred > 0, transferred, 1.0), np.nan)


def ledger_years(transactions: pd.DataFrame) -> list[int]:
    years = pd.to_datetime(transactions["txn_date"]).dt.year
    return list(range(int(years.min()), int(years.max()) + 1)) if len(years) else []


def sources_uses_from(transactions: pd.DataFrame, partners: pd.DataFrame, projects: pd.DataFrame, year: int,
                      certified_through: int | None = None) -> SourcesUses:
    """The sources-and-uses table to the end of `year` and the delivery rates (see the module docstring)."""
    funded = set(projects.loc[projects["status"].isin(FUNDED_STATUSES), "project_id"])
    transactions = transactions[transactions["project_id"].isna() | transactions["project_id"].isin(funded)]
    t = transactions.assign(txn_year=pd.to_datetime(transactions["txn_date"]).dt.year)
    t = t[t["txn_year"] <= year]
    if certified_through is None:
        last = int(transactions["txn_date"].pipe(pd.to_datetime).dt.year.max()) if len(transactions) else year
        certified_through = last - 1
    parts = {"prior": t[t["txn_year"] < year], "year": t[t["txn_year"] == year], "total": t}
    present = set(transactions["txn_type"])
    rows = []
    for line, side, types, _sign in LINES:
        recorded = bool(present.intersection(types))
        rows.append({"line": line, "side": side, "recorded": recorded,
                     **{c: (_sum(parts[c], types) if recorded else np.nan) for c in COLUMNS}})
    table = pd.DataFrame(rows)

    def side_total(side: str) -> dict:
        lines = [(line, sign) for line, s, _types, sign in LINES if s == side]
        return {c: sum(sign * table.loc[table["line"] == line, c].fillna(0.0).iloc[0] for line, sign in lines)
                for c in COLUMNS}

    sources, uses = side_total("source"), side_total("use")
    approved = {c: _sum(parts[c], ("commitment",)) for c in COLUMNS}
    extra = [{"line": "total_sources", "side": "source_total", "recorded": True, **sources},
             {"line": "total_uses", "side": "use_total", "recorded": True, **uses},
             {"line": "balance", "side": "balance", "recorded": True,
              **{c: sources[c] - uses[c] for c in COLUMNS}},
             {"line": "approved_not_transferred", "side": "memo", "recorded": True,
              **{c: approved[c] - table.loc[table["line"] == "transfers", c].iloc[0] for c in COLUMNS}},
             {"line": "available_for_approval", "side": "memo", "recorded": True,
              **{c: table.loc[table["line"] == "deposits", c].iloc[0] - approved[c] for c in COLUMNS}}]
    order = ["deposits", "investment_income", "total_sources", "transfers", "refunds", "admin_costs",
             "total_uses", "balance", "approved_not_transferred", "available_for_approval"]
    table = pd.concat([table, pd.DataFrame(extra)], ignore_index=True).set_index("line").loc[order].reset_index()

    money = t[t["txn_type"].isin(["disbursement", "expenditure"]) & t["project_id"].notna()]
    money = money.merge(projects[["project_id", "partner_id"]], on="project_id", how="left")
    wide = (money.pivot_table(index="partner_id", columns="txn_type", values="amount_usd", aggfunc="sum",
                              fill_value=0.0).reindex(columns=["disbursement", "expenditure"], fill_value=0.0))
    by_partner = pd.DataFrame({"partner_id": wide.index.astype(str), "transferred": wide["disbursement"].to_numpy(),
                               "spent": wide["expenditure"].to_numpy()})
    by_partner.insert(1, "name", by_partner["partner_id"].map(partners.set_index("partner_id")["name"])
                      .fillna(by_partner["partner_id"]))
    by_partner["delivery_rate"] = _rate(by_partner["spent"], by_partner["transferred"])
    by_partner = by_partner.sort_values(["transferred", "partner_id"], ascending=[False, True], ignore_index=True)

    yearly = (money.pivot_table(index="txn_year", columns="txn_type", values="amount_usd", aggfunc="sum",
                                fill_value=0.0).reindex(columns=["disbursement", "expenditure"], fill_value=0.0))
    if len(yearly):
        yearly = yearly.reindex(range(int(yearly.index.min()), int(year) + 1), fill_value=0.0)
    by_year = pd.DataFrame({"year": yearly.index.astype(int), "transferred": yearly["disbursement"].to_numpy(),
                            "spent": yearly["expenditure"].to_numpy()})
    by_year["delivery_rate"] = _rate(by_year["spent"], by_year["transferred"])
    by_year["cumulative_rate"] = _rate(by_year["spent"].cumsum(), by_year["transferred"].cumsum())
    by_year["provisional"] = by_year["year"] > certified_through
    return SourcesUses(year=int(year), table=table, by_partner=by_partner, by_year=by_year,
                       provisional=bool(year > certified_through), certified_through=certified_through)


def sources_uses(con, year: int) -> SourcesUses:
    """sources_uses_from over the database's ledger (certification: the meta key accounts_certified_through
    when the ledger gives one, else every year before its last)."""
    ledger = queries.ledger(con)
    certified = queries.meta(con).get("accounts_certified_through")
    return sources_uses_from(ledger["transactions"], ledger["partners"], ledger["projects"], int(year),
                             int(certified) if certified and str(certified).isdigit() else None)
