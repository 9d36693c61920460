"""One donor as its page shows it: pledges and deposits over time, and where its money went.

`donor_page(con, donor_id)` reads the database; `donor_page_from(ledger, donor_id)` is its pure twin.

How a donor's money is followed (the fund is pooled: no deposit is earmarked for a project):
every approval by the Oversight Committee (IATI commitment, 2) is drawn from the pool of deposits not yet
allocated on its date, and each donor takes part in it by its share of that pool: the part of its own deposits
still unallocated, divided by all unallocated deposits, both on the approval's date (deposits of the same day
count first). Its part of the approval then follows the project downstream like the funds screen's flows: to
each goal by the project's goal weights, to the project's partner, and to each country by the country shares.
So each donor's attributed approvals plus its unallocated balance equal its deposits, the attributed
approvals of all donors add up to all approved money, and a donor is never attributed more than it paid in.
An approval larger than the pool on its date is attributed up to the pool; the rest is 'not covered by
deposits' and belongs to no donor.

Only funded projects (approved, active, closed) draw from the pool: undecided proposals are never shown here.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ipmd import queries
from ipmd.fund.rules import AMOUNT_TOLERANCE_USD, FUNDED_STATUSES, as_bool
from ipmd.fund.flows import UNSPECIFIED


@dataclass(frozen=True)
class DonorPage:
    donor: dict                     # the donors row
    by_year: pd.DataFrame           # year, pledged, deposited, cumulative_pledged, cumulative_deposited
    pledged: float
    deposited: float
    unpaid: float                   # pledged - deposited, never below 0
    attributed: float               # its part of all approvals (its deposits used)
    unallocated: float              # its deposits not yet allocated: deposited - attributed
    by_project: pd.DataFrame        # project_id, title, partner_id, area_id, approved_usd, share, attributed_usd
    by_goal: pd.DataFrame           # goal_id, attributed_usd
    by_partner: pd.DataFrame        # partner_id, name, attributed_usd
    by_country: pd.DataFrame        # iso3, attributed_usd
    is_illustrative: bool


def donor_options_from(donors: pd.DataFrame) -> pd.DataFrame:
    return donors[["donor_id", "name", "donor_type"]].sort_values(["name", "donor_id"], ignore_index=True)


def donor_options(con) -> pd.DataFrame:
    """donor_id, name, donor_type of every donor, by name."""
    return donor_options_from(queries.table(con, "donors"))


def pool_attribution(transactions: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    """Every approval of a funded project split between donors by their shares of the unallocated pool on its
    date (see the module docstring). Columns: txn_id, project_id, donor_id (None for the part not covered by
    deposits), share, attributed_usd."""
    funded = set(projects.loc[projects["status"].isin(FUNDED_STATUSES), "project_id"])
    t = transactions.assign(txn_date=pd.to_datetime(transactions["txn_date"]))
    events = t[(t["txn_type"] == "deposit") | ((t["txn_type"] == "commitment") & t["project_id"].isin(funded))]
    events = events.assign(order=(events["txn_type"] != "deposit").astype(int)).sort_values(
        ["txn_date", "order", "txn_id"], kind="stable")
    donors = sorted(t.loc[t["txn_type"] == "deposit", "donor_id"].dropna().unique())
    index = {d: i for i, d in enumerate(donors)}
    pool = np.zeros(len(donors))
    rows = []
    for e in events.itertuples(index=False):
        amount = float(e.amount_usd)
        if e.txn_type == "deposit":
            pool[index[e.donor_id]] += amount
            continue
        available = float(pool.sum())
        covered = min(amount, available)
        if covered > 0:
            shares = pool / available
            taken = shares * covered
            pool = np.maximum(pool - taken, 0.0)
            rows += [(e.txn_id, e.project_id, donors[i], float(shares[i] * covered / amount), float(taken[i]))
                     for i in np.flatnonzero(taken > 0)]
        if amount - covered > AMOUNT_TOLERANCE_USD:
            rows.append((e.txn_id, e.project_id, None, (amount - covered) / amount, amount - covered))
    return pd.DataFrame(rows, columns=["txn_id", "project_id", "donor_id", "share", "attributed_usd"])


def _by_year(txns: pd.DataFrame) -> pd.DataFrame:
    cols = ["year", "pledged", "deposited", "cumulative_pledged", "cumulative_deposited"]
    own = txns[txns["txn_type"].isin(["pledge", "deposit"])]
    if own.empty:
        return pd.DataFrame(columns=cols)
    wide = (own.assign(year=pd.to_datetime(own["txn_date"]).dt.year)
            .pivot_table(index="year", columns="txn_type", values="amount_usd", aggfunc="sum", fill_value=0.0)
            .reindex(columns=["pledge", "deposit"], fill_value=0.0))
    wide = wide.reindex(range(int(wide.index.min()), int(wide.index.max()) + 1), fill_value=0.0)
    out = pd.DataFrame({"year": wide.index.astype(int), "pledged": wide["pledge"].to_numpy(),
                        "deposited": wide["deposit"].to_numpy()})
    out["cumulative_pledged"] = out["pledged"].cumsum()
    out["cumulative_deposited"] = out["deposited"].cumsum()
    return out[cols]


def _sorted(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    return frame.sort_values(["attributed_usd", key], ascending=[False, True], ignore_index=True)


def donor_page_from(ledger: dict[str, pd.DataFrame], donor_id: str) -> DonorPage | None:
    """The donor's page, or None when the id names no donor."""
    donors = ledger["donors"]
    rows = donors[donors["donor_id"] == donor_id]
    if rows.empty:
        return None
    txns = ledger["transactions"]
    own = txns[txns["donor_id"] == donor_id]
    pledged = float(own.loc[own["txn_type"] == "pledge", "amount_usd"].sum())
    deposited = float(own.loc[own["txn_type"] == "deposit", "amount_usd"].sum())
    projects = ledger["projects"]
    parts = pool_attribution(txns, projects)
    parts = parts[parts["donor_id"] == donor_id]
    per_project = parts.groupby("project_id")["attributed_usd"].sum()
    approved = (txns[txns["txn_type"] == "commitment"].groupby("project_id")["amount_usd"].sum())
    by_project = projects[projects["project_id"].isin(per_project.index)][
        ["project_id", "title", "partner_id", "area_id"]].copy()
    by_project["approved_usd"] = by_project["project_id"].map(approved).astype(float)
    by_project["attributed_usd"] = by_project["project_id"].map(per_project).astype(float)
    by_project["share"] = by_project["attributed_usd"] / by_project["approved_usd"]
    by_project = _sorted(by_project[["project_id", "title", "partner_id", "area_id", "approved_usd", "share",
                                     "attributed_usd"]], "project_id")

    def split(links: pd.DataFrame, key: str, weight: str) -> pd.DataFrame:
        """by_project's money split along `links` (project_id, key, weight); projects with no link: Unspecified."""
        money = by_project[["project_id", "attributed_usd"]].merge(links[["project_id", key, weight]],
                                                                  on="project_id", how="left")
        money[key] = money[key].astype(object).where(money[key].notna(), UNSPECIFIED)
        money["attributed_usd"] = money["attributed_usd"] * pd.to_numeric(money[weight]).fillna(1.0)
        return _sorted(money.groupby(key, as_index=False)["attributed_usd"].sum(), key)

    by_goal = split(ledger["project_goals"], "goal_id", "weight")
    by_country = split(ledger["project_countries"], "iso3", "share")
    by_partner = _sorted(by_project.groupby("partner_id", as_index=False)["attributed_usd"].sum(), "partner_id")
    names = ledger["partners"].set_index("partner_id")["name"]
    by_partner.insert(1, "name", by_partner["partner_id"].map(names).fillna(by_partner["partner_id"]))
    attributed = float(parts["attributed_usd"].sum())
    return DonorPage(donor=rows.iloc[0].to_dict(), by_year=_by_year(own), pledged=pledged, deposited=deposited,
                     unpaid=max(pledged - deposited, 0.0), attributed=attributed,
                     unallocated=deposited - attributed, by_project=by_project, by_goal=by_goal,
                     by_partner=by_partner, by_country=by_country,
                     is_illustrative=bool(as_bool(rows["is_illustrative"]).any()
                                          or as_bool(own["is_illustrative"]).any()))


def donor_page(con, donor_id: str) -> DonorPage | None:
    return donor_page_from(queries.ledger(con), donor_id)
