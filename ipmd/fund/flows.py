"""The trust fund's money: ladder, flows, money by country, donors, the World Bank ceiling, flows over time.

Pure functions: pandas frames in (columns as in ipmd/build/schema.sql), frames or frozen dataclasses
out. No Streamlit, no database. `tables` is a dict with donors, projects, project_countries,
project_goals and transactions (and optionally goals, areas_of_work, partners, countries for labels
and regions), as ipmd.queries.ledger returns it.

The five numbers are kept apart (IATI transaction types), never added to each other:
    pledged   'pledge' (11)        promised by donors
    deposited 'deposit' (1)        received by the fund
    approved  'commitment' (2)     approved by the Oversight Committee
    disbursed 'disbursement' (3)   transferred to partner agencies
    spent     'expenditure' (4)    spent by partners
    fund balance    = deposited - approved       (money the committee can still approve)
    partner balance = disbursed - spent          (money partners hold, not yet spent)
    unpaid pledges  = per donor, pledges to date - deposits to date (never below 0), summed

Filters (`FundFilters`) and how money is attributed when they are set:
- period (start, end, inclusive): transactions dated in the period. Over a period, fund_balance is the
  change of the balance in that period (it can be negative when earlier money was approved).
- donor types: pledges and deposits of those donors only. Approved, disbursed and spent money is
  pooled, never earmarked, so it is attributed to donors pro rata: each donor's share of all deposits
  made up to the period's end. "Government donors" then sees approvals x their share.
- goals: a project's money times the summed weight of the selected goals (a project 70% G2, 30% G3
  counts 30% of its money under G3).
- partners: the money of projects of those partners.
Goals and partners select projects, not donors: with either set, the donor-side figures (pledged,
deposited, unpaid pledges, fund balance) do not apply and the ladder gives them as NaN.

How the flow diagram reconciles with the ladder (same filters):
- The flow is approved money (commitments), followed downstream by goal weights and country shares,
  so every stage after the fund (goal, area, partner, region, country) sums to the ladder's approved.
- Without goal or partner filters, the donor -> fund leg is the deposits (sums to the ladder's
  deposited), and the fund's two sides are balanced by one explicit node: fund -> "Not yet approved
  (fund balance)" for deposited - approved when positive, or "Balance brought forward" -> fund for
  approved - deposited when a period approves more than it received.
- With goal or partner filters, the donor -> fund leg is the selected approved money attributed to
  donors pro rata (see above), so it too sums to approved, and there is no balance node.
- Projects with no goal or no country row flow to an "Unspecified" node, so no money is dropped.
- Grouping small flows into "Other" (`other_threshold_share`) merges, per stage, the nodes whose
  throughput is below that share of the stage total; links are re-summed, so totals never change.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import pandas as pd

from ipmd.fund.rules import (AMOUNT_TOLERANCE_USD, WORLD_BANK_CEILING, as_bool, over_world_bank_ceiling,
                             world_bank_internal_ids)

STAGES = ("goal", "area", "partner", "region", "country")
FUND_NODE = "fund:IPMD"
UNALLOCATED_NODE = "balance:unallocated"
BROUGHT_FORWARD_NODE = "balance:brought_forward"
UNSPECIFIED = "Unspecified"
OTHER = "Other"
PROJECT_TYPES = ("commitment", "disbursement", "expenditure")
KIND_TO_TXN = {"approved": "commitment", "disbursed": "disbursement", "spent": "expenditure"}

LADDER_DEFINITIONS = {
    "pledged": "Promised by donors (IATI incoming commitment, 11).",
    "deposited": "Received by the fund from donors (IATI incoming funds, 1).",
    "approved": "Approved by the Oversight Committee for projects (IATI commitment, 2).",
    "disbursed": "Transferred to partner agencies (IATI disbursement, 3).",
    "spent": "Spent by partner agencies (IATI expenditure, 4).",
}
LINK_COLUMNS = ["source", "target", "value", "source_label", "target_label", "source_stage",
                "target_stage", "share"]


@dataclass(frozen=True)
class FundFilters:
    """What the fund pages select. Empty tuples mean all; dates are inclusive, None = open."""
    start: date | str | pd.Timestamp | None = None
    end: date | str | pd.Timestamp | None = None
    donor_types: tuple[str, ...] = ()
    goal_ids: tuple[str, ...] = ()
    partner_ids: tuple[str, ...] = ()

    @property
    def selects_projects(self) -> bool:
        return bool(self.goal_ids or self.partner_ids)


@dataclass(frozen=True)
class FundingLadder:
    pledged: float
    deposited: float
    approved: float
    disbursed: float
    spent: float
    fund_balance: float        # deposited - approved
    partner_balance: float     # disbursed - spent
    unpaid_pledges: float      # pledged to date - deposited to date, per donor, never below 0

    def stages(self) -> pd.DataFrame:
        """The ladder as rows (stage, amount_usd, definition), in order, for a chart or a table."""
        return pd.DataFrame({"stage": list(LADDER_DEFINITIONS),
                             "amount_usd": [getattr(self, s) for s in LADDER_DEFINITIONS],
                             "definition": list(LADDER_DEFINITIONS.values())})


@dataclass(frozen=True)
class WorldBankShare:
    share: float               # World Bank internal deposits / all deposits (0 when nothing deposited)
    status: str                # 'within', 'at risk' or 'breached'
    wb_deposits: float
    total_deposits: float
    ceiling: float
    warn_margin: float
    headroom_usd: float        # what the World Bank could still deposit before passing the ceiling (<0: over)


# ------------------------------------------------------------------------------------------- basics

def _ts(d) -> pd.Timestamp | None:
    return None if d is None else pd.Timestamp(d)


def _typed(transactions: pd.DataFrame) -> pd.DataFrame:
    t = transactions.copy()
    for col in ("donor_id", "project_id"):
        if col not in t.columns:
            t[col] = None
    t["txn_date"] = pd.to_datetime(t["txn_date"]) if "txn_date" in t.columns else pd.NaT
    t["amount_usd"] = pd.to_numeric(t["amount_usd"]).astype(float)
    return t


def _in_period(t: pd.DataFrame, start=None, end=None) -> pd.DataFrame:
    start, end = _ts(start), _ts(end)
    mask = pd.Series(True, index=t.index)
    if start is not None:
        mask &= t["txn_date"] >= start
    if end is not None:
        mask &= t["txn_date"] <= end
    return t[mask]


def _total(t: pd.DataFrame, txn_type: str) -> float:
    return float(t.loc[t["txn_type"] == txn_type, "amount_usd"].sum())


# ------------------------------------------------------------------------------------------ ladder

def funding_ladder(transactions: pd.DataFrame, start=None, end=None) -> FundingLadder:
    """The five numbers of the transactions dated in [start, end], and the balances.

    Unpaid pledges are a stock, not a flow: pledges minus deposits made up to `end` (all earlier
    years too), per donor, never below 0.
    """
    t = _typed(transactions)
    p = _in_period(t, start, end)
    pledged, deposited = _total(p, "pledge"), _total(p, "deposit")
    approved, disbursed, spent = (_total(p, k) for k in PROJECT_TYPES)
    to_end = _in_period(t, None, end)
    donor_side = to_end[to_end["txn_type"].isin(["pledge", "deposit"])]
    by_donor = donor_side.pivot_table(index="donor_id", columns="txn_type", values="amount_usd",
                                      aggfunc="sum", fill_value=0.0)
    by_donor = by_donor.reindex(columns=["pledge", "deposit"], fill_value=0.0)
    unpaid = float((by_donor["pledge"] - by_donor["deposit"]).clip(lower=0).sum())
    return FundingLadder(pledged=pledged, deposited=deposited, approved=approved, disbursed=disbursed,
                         spent=spent, fund_balance=deposited - approved, partner_balance=disbursed - spent,
                         unpaid_pledges=unpaid)


def donor_shares(tables: dict[str, pd.DataFrame], end=None) -> pd.Series:
    """Each donor's share of all deposits made up to `end`: how pooled money is attributed to donors."""
    t = _in_period(_typed(tables["transactions"]), None, end)
    dep = t[t["txn_type"] == "deposit"].groupby("donor_id")["amount_usd"].sum()
    total = dep.sum()
    return dep / total if total > 0 else dep.iloc[0:0]


def _selected_donors(tables, filters: FundFilters) -> set[str] | None:
    if not filters.donor_types:
        return None
    d = tables["donors"]
    return set(d.loc[d["donor_type"].isin(filters.donor_types), "donor_id"])


def _donor_factor(tables, filters: FundFilters) -> float:
    """The part of pooled money attributed to the selected donor types (1 with no donor filter)."""
    selected = _selected_donors(tables, filters)
    if selected is None:
        return 1.0
    shares = donor_shares(tables, filters.end)
    return float(shares[shares.index.isin(selected)].sum())


def _project_factor(tables, filters: FundFilters) -> pd.Series:
    """Per project, the part of its money the goal and partner filters select (index project_id)."""
    projects = tables["projects"]
    factor = pd.Series(1.0, index=pd.Index(projects["project_id"].unique(), name="project_id"))
    if filters.partner_ids:
        keep = set(projects.loc[projects["partner_id"].isin(filters.partner_ids), "project_id"])
        factor[~factor.index.isin(keep)] = 0.0
    if filters.goal_ids:
        g = tables["project_goals"]
        g = g[g["goal_id"].isin(filters.goal_ids)]
        weight = pd.to_numeric(g["weight"]).groupby(g["project_id"]).sum()
        factor = factor * weight.reindex(factor.index, fill_value=0.0)
    return factor


def filtered_transactions(tables: dict[str, pd.DataFrame], filters: FundFilters | None = None) -> pd.DataFrame:
    """Transactions in the filters' period, with project money scaled to what the filters select.

    Pledges and deposits: of the selected donor types. Commitments, disbursements and expenditure:
    x the donor types' share of deposits, x the selected goals' weight, 0 for other partners (rows
    that become 0 are dropped). Columns as `transactions`.
    """
    f = filters or FundFilters()
    t = _in_period(_typed(tables["transactions"]), f.start, f.end)
    donor_rows = t[t["txn_type"].isin(["pledge", "deposit"])]
    selected = _selected_donors(tables, f)
    if selected is not None:
        donor_rows = donor_rows[donor_rows["donor_id"].isin(selected)]
    project_rows = t[t["txn_type"].isin(PROJECT_TYPES)].copy()
    factor = (project_rows["project_id"].map(_project_factor(tables, f))
              .fillna(0.0 if f.selects_projects else 1.0).astype(float))  # stays float when no row matches
    project_rows["amount_usd"] = project_rows["amount_usd"] * factor * _donor_factor(tables, f)
    project_rows = project_rows[project_rows["amount_usd"] != 0]
    return pd.concat([donor_rows, project_rows]).sort_index()


def ladder_for(tables: dict[str, pd.DataFrame], filters: FundFilters | None = None) -> FundingLadder:
    """The ladder under the page's filters. With goal or partner filters the donor-side numbers are NaN."""
    f = filters or FundFilters()
    t = filtered_transactions(tables, f)
    # unpaid pledges look at all years up to the end, not only the period
    whole = filtered_transactions(tables, FundFilters(None, f.end, f.donor_types, f.goal_ids, f.partner_ids))
    ladder = funding_ladder(t, f.start, f.end)
    unpaid = funding_ladder(whole, None, f.end).unpaid_pledges
    nan = float("nan")
    if f.selects_projects:
        return FundingLadder(pledged=nan, deposited=nan, approved=ladder.approved, disbursed=ladder.disbursed,
                             spent=ladder.spent, fund_balance=nan, partner_balance=ladder.partner_balance,
                             unpaid_pledges=nan)
    return replace(ladder, unpaid_pledges=unpaid)


# ------------------------------------------------------------------------------------------- flows


def _spread(rows: pd.DataFrame, links: pd.DataFrame, key: str, weight: str) -> pd.DataFrame:
    """`rows` (one per project) spread over the project's `links` (its goals or countries): a row per link with
    its `key` and `weight`; a project without links keeps one row, UNSPECIFIED with weight 1."""
    links = links[["project_id", key, weight]]
    links = links.assign(**{weight: pd.to_numeric(links[weight]).astype(float)})
    rows = rows.merge(links, on="project_id", how="left")
    rows[key] = rows[key].fillna(UNSPECIFIED)
    rows[weight] = rows[weight].fillna(1.0)
    return rows


def _atoms(tables: dict[str, pd.DataFrame], filters: FundFilters, txn_type: str = "commitment",
           countries: pd.DataFrame | None = None) -> pd.DataFrame:
    """Project money split to the finest grain: one row per (project, goal, country) with its value.

    value = amount x goal weight x country share x donor factor; only the selected goals and partners.
    """
    cols = ["project_id", "goal_id", "area_id", "partner_id", "iso3", "region", "value"]
    t = _in_period(_typed(tables["transactions"]), filters.start, filters.end)
    t = t[(t["txn_type"] == txn_type) & t["project_id"].notna()]
    money = t.groupby("project_id")["amount_usd"].sum() * _donor_factor(tables, filters)
    if money.empty:
        return pd.DataFrame(columns=cols)
    projects = tables["projects"].set_index("project_id")
    rows = pd.DataFrame({"project_id": money.index, "amount": money.to_numpy()})
    rows["area_id"] = rows["project_id"].map(projects["area_id"]).fillna(UNSPECIFIED)
    rows["partner_id"] = rows["project_id"].map(projects["partner_id"]).fillna(UNSPECIFIED)
    if filters.partner_ids:
        rows = rows[rows["partner_id"].isin(filters.partner_ids)]

    rows = _spread(rows, tables["project_goals"], "goal_id", "weight")
    if filters.goal_ids:
        rows = rows[rows["goal_id"].isin(filters.goal_ids)]
    rows = _spread(rows, tables["project_countries"], "iso3", "share")

    countries = countries if countries is not None else tables.get("countries")
    regions = (countries.set_index("iso3")["un_region"] if countries is not None and "un_region" in countries
               else pd.Series(dtype=object))
    rows["region"] = rows["iso3"].map(regions).fillna(UNSPECIFIED)
    rows["value"] = rows["amount"] * rows["weight"] * rows["share"]
    return rows[cols].reset_index(drop=True)


def _labels(tables: dict[str, pd.DataFrame], countries: pd.DataFrame | None) -> dict[str, dict]:
    def lookup(name, key, label_cols):
        df = tables.get(name) if name != "countries" else countries
        if df is None or key not in df.columns:
            return {}
        col = next((c for c in label_cols if c in df.columns), None)
        return dict(zip(df[key], df[col])) if col else {}
    goal_names = lookup("goals", "goal_id", ["short_name"])
    area_names = lookup("areas_of_work", "area_id", ["short_name"])
    return {
        "donor": lookup("donors", "donor_id", ["name"]),
        "goal": {k: f"{k} {v}" for k, v in goal_names.items()},
        "area": {k: f"{k} {v}" for k, v in area_names.items()},
        "partner": {},    # partner ids (ILO, IOM, ...) are the names people know
        "region": {},
        "country": lookup("countries", "iso3", ["name_en"]),
    }


def _group_small(values: pd.Series, threshold_share: float) -> dict:
    """Map each key whose total is below threshold_share of the stage total to OTHER."""
    total = values.sum()
    if threshold_share <= 0 or total <= 0:
        return {}
    small = values[values.abs() < threshold_share * total].index
    return {k: OTHER for k in small} if len(small) > 1 else {}   # one small node alone stays itself


def flow_links(tables: dict[str, pd.DataFrame], stages: tuple[str, ...] | list[str] = ("goal", "partner", "region"),
               filters: FundFilters | None = None, other_threshold_share: float = 0.0,
               countries: pd.DataFrame | None = None) -> pd.DataFrame:
    """Sankey links donors -> fund -> stages..., one row per link.

    Columns: source, target (node ids 'stage:key'), value (US$), source_label, target_label,
    source_stage, target_stage, share (value / the total of its leg). `stages` are any of
    goal, area, partner, region, country, in the order drawn. `countries` (iso3, un_region, name_en)
    gives regions and country names; default tables['countries']. Empty selection: an empty frame.
    See the module docstring for how the legs reconcile with the ladder.
    """
    stages = list(stages)
    unknown = [s for s in stages if s not in STAGES]
    if unknown:
        raise ValueError(f"unknown stage(s) {unknown}; choose from {STAGES}")
    f = filters or FundFilters()
    countries = countries if countries is not None else tables.get("countries")
    labels = _labels(tables, countries)
    key_col = {"goal": "goal_id", "area": "area_id", "partner": "partner_id", "region": "region", "country": "iso3"}

    atoms = _atoms(tables, f, "commitment", countries)
    approved = float(atoms["value"].sum())
    links: list[pd.DataFrame] = []

    # donor -> fund
    t = _in_period(_typed(tables["transactions"]), f.start, f.end)
    if f.selects_projects:
        shares = donor_shares(tables, f.end)
        selected = _selected_donors(tables, f)
        if selected is not None:
            shares = shares[shares.index.isin(selected)]
        donor_leg = (shares / shares.sum() * approved) if shares.sum() > 0 else pd.Series(dtype=float)
        if donor_leg.empty and approved != 0:
            donor_leg = pd.Series({"unattributed": approved})
    else:
        deposits = t[t["txn_type"] == "deposit"]
        selected = _selected_donors(tables, f)
        if selected is not None:
            deposits = deposits[deposits["donor_id"].isin(selected)]
        donor_leg = deposits.groupby("donor_id")["amount_usd"].sum()
    donor_leg = donor_leg[donor_leg != 0]
    if donor_leg.empty and approved == 0:
        return pd.DataFrame(columns=LINK_COLUMNS)
    other = _group_small(donor_leg, other_threshold_share)
    donor_leg = donor_leg.groupby(lambda k: other.get(k, k)).sum()
    links.append(pd.DataFrame({"source": [f"donor:{k}" for k in donor_leg.index], "target": FUND_NODE,
                               "value": donor_leg.to_numpy(), "source_stage": "donor", "target_stage": "fund",
                               "source_label": [labels["donor"].get(k, k) for k in donor_leg.index],
                               "target_label": "IPMD trust fund"}))
    if not f.selects_projects:
        gap = float(donor_leg.sum()) - approved
        if abs(gap) > 0.005:
            node, label = ((UNALLOCATED_NODE, "Not yet approved (fund balance)") if gap > 0
                           else (BROUGHT_FORWARD_NODE, "Balance brought forward"))
            src, tgt = (FUND_NODE, node) if gap > 0 else (node, FUND_NODE)
            links.append(pd.DataFrame({
                "source": [src], "target": [tgt], "value": [abs(gap)],
                "source_stage": ["fund" if gap > 0 else "balance"], "target_stage": ["balance" if gap > 0 else "fund"],
                "source_label": ["IPMD trust fund" if gap > 0 else label],
                "target_label": [label if gap > 0 else "IPMD trust fund"]}))

    # fund -> stage 1 -> stage 2 ...
    if not atoms.empty and stages:
        atoms = atoms.copy()
        for stage in stages:
            col = key_col[stage]
            mapping = _group_small(atoms.groupby(col)["value"].sum(), other_threshold_share)
            atoms[col] = atoms[col].map(lambda k: mapping.get(k, k))
        prev_stage, prev_col = "fund", None
        for stage in stages:
            col = key_col[stage]
            keys = [prev_col, col] if prev_col else [col]
            g = atoms.groupby(keys, sort=True)["value"].sum().reset_index()
            src = g[prev_col].map(lambda k: f"{prev_stage}:{k}") if prev_col else FUND_NODE
            src_label = g[prev_col].map(lambda k: labels[prev_stage].get(k, k)) if prev_col else "IPMD trust fund"
            links.append(pd.DataFrame({
                "source": src, "target": g[col].map(lambda k: f"{stage}:{k}"), "value": g["value"],
                "source_stage": prev_stage, "target_stage": stage, "source_label": src_label,
                "target_label": g[col].map(lambda k: labels[stage].get(k, k))}))
            prev_stage, prev_col = stage, col

    out = pd.concat(links, ignore_index=True)
    out = out[out["value"].abs() > 1e-9]
    leg = out["source_stage"] + ">" + out["target_stage"]
    leg_total = out.groupby(leg)["value"].transform("sum")
    out["share"] = np.where(leg_total != 0, out["value"] / leg_total.replace(0, np.nan), np.nan)
    return out[LINK_COLUMNS].reset_index(drop=True)


def leg_totals(links: pd.DataFrame) -> pd.Series:
    """Total value of each leg ('donor>fund', 'fund>goal', ...): for checking a Sankey against the ladder."""
    if links.empty:
        return pd.Series(dtype=float)
    return links.groupby(links["source_stage"] + ">" + links["target_stage"], sort=False)["value"].sum()


def amounts_by_country(tables: dict[str, pd.DataFrame], kind: str = "approved",
                       filters: FundFilters | None = None) -> pd.DataFrame:
    """Money by recipient country: iso3, amount_usd, n_projects; multi-country projects split by share.

    kind: 'approved', 'disbursed' or 'spent'. Under the same filters the amounts add up to the ladder's
    figure, less the money of projects with no country row (those are left out). Sorted by amount.
    """
    if kind not in KIND_TO_TXN:
        raise ValueError(f"kind must be one of {tuple(KIND_TO_TXN)}, not {kind!r}")
    atoms = _atoms(tables, filters or FundFilters(), KIND_TO_TXN[kind])
    atoms = atoms[atoms["iso3"] != UNSPECIFIED]
    if atoms.empty:
        return pd.DataFrame({"iso3": pd.Series(dtype=object), "amount_usd": pd.Series(dtype=float),
                             "n_projects": pd.Series(dtype=int)})
    out = atoms.groupby("iso3").agg(amount_usd=("value", "sum"), n_projects=("project_id", "nunique")).reset_index()
    return out.sort_values(["amount_usd", "iso3"], ascending=[False, True], ignore_index=True)


# ------------------------------------------------------------------------------------------ donors

def donor_summary(tables: dict[str, pd.DataFrame], filters: FundFilters | None = None) -> pd.DataFrame:
    """One row per donor with money in the period (of the selected types).

    Columns: donor_id, name, donor_type, is_world_bank_internal, pledged_usd, deposited_usd,
    unpaid_usd (pledges to the period's end not yet deposited), share_of_deposits (of all the
    period's deposits, whatever the donor filter, so shares of a selection add up to its part of the
    fund), first_deposit, last_deposit. Sorted by deposits (largest first).
    """
    f = filters or FundFilters()
    cols = ["donor_id", "name", "donor_type", "is_world_bank_internal", "pledged_usd", "deposited_usd",
            "unpaid_usd", "share_of_deposits", "first_deposit", "last_deposit"]
    t = _typed(tables["transactions"])
    t = t[t["txn_type"].isin(["pledge", "deposit"])]
    period = _in_period(t, f.start, f.end)
    to_end = _in_period(t, None, f.end)
    sums = period.pivot_table(index="donor_id", columns="txn_type", values="amount_usd", aggfunc="sum",
                              fill_value=0.0).reindex(columns=["pledge", "deposit"], fill_value=0.0)
    stock = to_end.pivot_table(index="donor_id", columns="txn_type", values="amount_usd", aggfunc="sum",
                               fill_value=0.0).reindex(columns=["pledge", "deposit"], fill_value=0.0)
    dep = period[period["txn_type"] == "deposit"]
    donors = tables["donors"].set_index("donor_id")
    ids = [d for d in sums.index if _selected_donors(tables, f) is None or d in _selected_donors(tables, f)]
    if not ids:
        return pd.DataFrame(columns=cols)
    total_dep = float(sums["deposit"].sum())
    out = pd.DataFrame({"donor_id": ids})
    out["name"] = out["donor_id"].map(donors["name"])
    out["donor_type"] = out["donor_id"].map(donors["donor_type"])
    out["is_world_bank_internal"] = out["donor_id"].map(as_bool(donors["is_world_bank_internal"])).fillna(False)
    out["pledged_usd"] = out["donor_id"].map(sums["pledge"]).astype(float)
    out["deposited_usd"] = out["donor_id"].map(sums["deposit"]).astype(float)
    out["unpaid_usd"] = out["donor_id"].map((stock["pledge"] - stock["deposit"]).clip(lower=0)).fillna(0.0)
    out["share_of_deposits"] = out["deposited_usd"] / total_dep if total_dep > 0 else 0.0
    # through dicts: mapping by an empty datetime Series (a donor who only pledged) fails in pandas 3
    out["first_deposit"] = pd.to_datetime(out["donor_id"].map(dep.groupby("donor_id")["txn_date"].min().to_dict()))
    out["last_deposit"] = pd.to_datetime(out["donor_id"].map(dep.groupby("donor_id")["txn_date"].max().to_dict()))
    return out.sort_values(["deposited_usd", "donor_id"], ascending=[False, True], ignore_index=True)[cols]


def world_bank_share_status(tables: dict[str, pd.DataFrame], ceiling: float = WORLD_BANK_CEILING,
                            warn_margin: float = 0.02, end=None) -> WorldBankShare:
    """The World Bank's own resources (donors flagged is_world_bank_internal) against the ceiling.

    Judged on all deposits made up to `end` (default: all). 'breached' above the ceiling;
    'at risk' from ceiling - warn_margin up to and including the ceiling (exactly 15% is allowed, but
    at risk); 'within' below that.
    """
    t = _in_period(_typed(tables["transactions"]), None, end)
    dep = t[t["txn_type"] == "deposit"]
    donors = tables["donors"]
    internal = world_bank_internal_ids(donors)
    wb = float(dep.loc[dep["donor_id"].isin(internal), "amount_usd"].sum())
    total = float(dep["amount_usd"].sum())
    share = wb / total if total > 0 else 0.0
    if over_world_bank_ceiling(wb, total, ceiling):
        status = "breached"
    elif wb >= (ceiling - warn_margin) * total - AMOUNT_TOLERANCE_USD and wb > 0:
        status = "at risk"
    else:
        status = "within"
    headroom = (ceiling * total - wb) / (1 - ceiling)
    return WorldBankShare(share=share, status=status, wb_deposits=wb, total_deposits=total, ceiling=ceiling,
                          warn_margin=warn_margin, headroom_usd=headroom)


# --------------------------------------------------------------------------------------- over time

def flows_over_time(transactions: pd.DataFrame, freq: str = "Y", start=None, end=None) -> pd.DataFrame:
    """Deposits, approvals and disbursements per year ('Y') or quarter ('Q'), and the fund balance.

    Columns: period ('2009' or '2009Q1'), period_start, period_end, deposits, approvals,
    disbursements, fund_balance (deposits - approvals of all time up to the period's end, so the
    first period shown carries what came before it). Every period between the first and the last
    is listed, with zeros. No transactions: an empty frame.
    """
    freq = {"Y": "Y", "A": "Y", "Q": "Q"}.get(freq.upper())
    if freq is None:
        raise ValueError("freq must be 'Y' (years) or 'Q' (quarters)")
    cols = ["period", "period_start", "period_end", "deposits", "approvals", "disbursements", "fund_balance"]
    t = _typed(transactions)
    t = _in_period(t[t["txn_type"].isin(["deposit", "commitment", "disbursement"])], None, end)
    shown = _in_period(t, start, end)
    if shown.empty:
        return pd.DataFrame(columns=cols)
    t = t.assign(period=t["txn_date"].dt.to_period(freq))
    wide = (t.pivot_table(index="period", columns="txn_type", values="amount_usd", aggfunc="sum", fill_value=0.0)
             .reindex(columns=["deposit", "commitment", "disbursement"], fill_value=0.0))
    first = shown["txn_date"].min().to_period(freq)
    full = pd.period_range(min(wide.index.min(), first), wide.index.max(), freq=freq)
    wide = wide.reindex(full, fill_value=0.0)
    balance = (wide["deposit"] - wide["commitment"]).cumsum()
    out = pd.DataFrame({
        "period": [str(p) for p in wide.index],
        "period_start": wide.index.start_time,
        "period_end": wide.index.end_time.normalize(),
        "deposits": wide["deposit"].to_numpy(),
        "approvals": wide["commitment"].to_numpy(),
        "disbursements": wide["disbursement"].to_numpy(),
        "fund_balance": balance.to_numpy(),
    })
    return out[wide.index >= first].reset_index(drop=True)
