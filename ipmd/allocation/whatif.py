"""What-if selection for the Oversight Committee: what a set of approvals would do to the balance,
the coverage of goals and areas, the high-need gaps, concentration and the World Bank ceiling.

Pure functions: pandas frames in (schema.sql columns), a frozen dataclass out. No Streamlit, no database.

What is measured (figures "to date" = over the transactions passed in; filter them by date first):
- deposits            sum of 'deposit' transactions (money received from donors)
- approved_to_date    sum of 'commitment' transactions (Oversight Committee approvals); both are
                      ipmd.fund.flows.funding_ladder's, the figures of the funds page
- available_before    deposits - approved_to_date (what the committee can still commit)
- selected_total      sum of the selection's amounts; remaining = available_before - selected_total;
                      over_committed when remaining < 0, shortfall = the amount missing (else 0).
  Pledged but not deposited money is NOT available (see ipmd/fund/flows.py for the envelope).
- coverage before/after: ipmd.coverage.matrix.coverage_matrix over the funded portfolio (statuses
  approved/active/closed), "after" adding each selected project as approved for its amount.
- high-need reach: the high-need, uncovered countries (from the gap finder) in which at least one
  selected project (with amount > 0) works.
- concentration: shares of approved money (commitments to date + the selection) by partner and by
  country (project money split by country share; projects without countries are left out of the
  country shares). largest_share = share of the largest; hhi = Herfindahl-Hirschman index = sum of
  squared shares on a 0-1 scale (1 = everything to one; n equal parts give 1/n; multiply by 10,000
  for the antitrust 0-10,000 scale). NaN when there is no money.
- World Bank ceiling: wb_internal_share = deposits from donors flagged is_world_bank_internal (the
  Bank's own resources, DGF) / all deposits, against `ceiling` (15%), judged by
  ipmd.fund.flows.world_bank_share_status with the rule of ipmd/fund/rules.py. A selection does not change
  deposits, so this share is the same before and after. Separately, because the World Bank can also
  be an implementing partner ('WB'), wb_partner_share_before/after = share of approvals going to
  projects whose partner_id is 'WB' (selection_includes_wb says whether the selection adds any).
  These are two different measures: money the Bank puts in vs money the Bank receives.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pandas as pd

from ipmd.fund import flows
from ipmd.coverage.matrix import MODES, coverage_matrix, project_amounts
from ipmd.fund.rules import AMOUNT_TOLERANCE_USD, AREAS, FUNDED_STATUSES, PIPELINE_STATUSES, WORLD_BANK_CEILING
from ipmd.i18n import Message
from ipmd.coverage.need import QUADRANT_GAP

WB_PARTNER_ID = "WB"
# What `WhatIf.warnings` may hold: message keys, with their values (amounts in US$, shares 0-1, ids).
OVER_COMMITTED = "allocation.round.over"                # shortfall, available
EXCEEDS_REQUEST = "allocation.round.exceeds"            # id, amount, requested
NOT_IN_PIPELINE = "allocation.round.not_pipeline"       # id, status
ZERO_AMOUNT = "allocation.round.zero"                   # ids (a tuple)
WB_CEILING = "allocation.wb.breached_msg"               # share, ceiling


@dataclass(frozen=True)
class Concentration:
    largest: str | None    # partner_id or iso3 with the largest share (ties: smallest id)
    largest_share: float   # 0-1; NaN when no money
    hhi: float             # sum of squared shares, 0-1; NaN when no money
    n: int                 # number of partners/countries with money > 0


@dataclass(frozen=True, eq=False)
class WhatIf:
    deposits: float
    approved_to_date: float
    available_before: float
    selected_total: float
    remaining: float
    over_committed: bool
    shortfall: float
    selection: pd.DataFrame          # project_id, title, partner_id, area_id, status, requested_usd, amount, is_partial, exceeds_request
    coverage_by_goal: pd.DataFrame   # goal_id, n_projects_before/_after, approved_before/_after, approved_change, share_before/_after
    coverage_by_area: pd.DataFrame   # area_id, same columns
    coverage_cells: pd.DataFrame     # goal_id, area_id, same columns
    high_need: tuple[str, ...]       # the high-need uncovered countries given
    high_need_reached: tuple[str, ...]
    n_high_need_reached: int
    partner_shares: pd.DataFrame     # partner_id, approved_before, approved_after, share_before, share_after
    country_shares: pd.DataFrame     # iso3, same columns
    partner_before: Concentration
    partner_after: Concentration
    country_before: Concentration
    country_after: Concentration
    ceiling: float
    wb_internal_deposits: float
    wb_internal_share: float
    wb_internal_over_ceiling: bool
    selection_includes_wb: bool
    wb_partner_share_before: float
    wb_partner_share_after: float
    mode: str
    warnings: tuple[Message, ...]    # message keys and values (see OVER_COMMITTED ...), in the order met

    def summary(self) -> pd.DataFrame:
        """The headline figures as DataFrame(key, value) for the decision sheet: `key` is the figure's
        message key (whatif.summary.*), translated by the caller; values are raw numbers, ids and flags."""
        rows = [
            ("deposits", self.deposits),
            ("approved", self.approved_to_date),
            ("available", self.available_before),
            ("selected", self.selected_total),
            ("remaining", self.remaining),
            ("over_committed", self.over_committed),
            ("shortfall", self.shortfall),
            ("n_selected", int(len(self.selection))),
            ("n_high_need_reached", self.n_high_need_reached),
            ("n_high_need", len(self.high_need)),
            ("countries_reached", ", ".join(self.high_need_reached)),
            ("largest_partner", self.partner_after.largest),
            ("largest_partner_share", self.partner_after.largest_share),
            ("partner_hhi_before", self.partner_before.hhi),
            ("partner_hhi_after", self.partner_after.hhi),
            ("largest_country", self.country_after.largest),
            ("largest_country_share", self.country_after.largest_share),
            ("country_hhi_before", self.country_before.hhi),
            ("country_hhi_after", self.country_after.hhi),
            ("wb_internal_share", self.wb_internal_share),
            ("wb_ceiling", self.ceiling),
            ("wb_over_ceiling", self.wb_internal_over_ceiling),
            ("wb_partner_before", self.wb_partner_share_before),
            ("wb_partner_after", self.wb_partner_share_after),
            ("mode", self.mode),
        ]
        return pd.DataFrame([(f"whatif.summary.{k}", v) for k, v in rows], columns=["key", "value"])


def concentration(amounts: pd.Series) -> Concentration:
    """Concentration of a Series of amounts indexed by partner_id or iso3 (amounts <= 0 ignored)."""
    a = pd.to_numeric(amounts, errors="coerce").fillna(0.0).astype(float)
    a = a[a > 0]
    total = float(a.sum())
    if total <= 0:
        return Concentration(largest=None, largest_share=float("nan"), hhi=float("nan"), n=0)
    shares = a / total
    top = shares.max()
    largest = sorted(str(k) for k in shares.index[shares >= top - 1e-15])[0]
    return Concentration(largest=largest, largest_share=float(top), hhi=float((shares ** 2).sum()), n=int(len(a)))


def _high_need_set(need_gaps) -> tuple[str, ...]:
    if need_gaps is None:
        return ()
    if isinstance(need_gaps, pd.DataFrame):
        g = need_gaps
        if "quadrant" in g.columns:
            g = g.loc[g["quadrant"] == QUADRANT_GAP]
        return tuple(sorted(set(g["iso3"].dropna())))
    if isinstance(need_gaps, str):
        return (need_gaps,)
    return tuple(sorted({x for x in need_gaps if pd.notna(x)}))


def _normalise_selection(selection: pd.DataFrame | None, projects: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    cols = ["project_id", "title", "partner_id", "area_id", "status", "requested_usd", "amount",
            "is_partial", "exceeds_request"]
    if selection is None or len(selection) == 0:
        empty = projects.iloc[0:0].reindex(columns=cols[:6])
        return empty.assign(amount=pd.Series([], dtype=float), is_partial=pd.Series([], dtype=bool),
                            exceeds_request=pd.Series([], dtype=bool)), []
    sel = selection.copy()
    if "amount" not in sel.columns:
        sel["amount"] = np.nan
    sel = sel[["project_id", "amount"]]
    dup = sel["project_id"][sel["project_id"].duplicated()]
    if len(dup):
        raise ValueError(f"project(s) selected twice: {sorted(set(dup))}")
    unknown = set(sel["project_id"]) - set(projects["project_id"])
    if unknown:
        raise ValueError(f"unknown project(s) in the selection: {sorted(unknown)}")
    sel["amount"] = pd.to_numeric(sel["amount"], errors="coerce").astype(float)
    info = projects[[c for c in cols[:6] if c in projects.columns]]
    sel = sel.merge(info, on="project_id", how="left")
    sel["requested_usd"] = sel["requested_usd"].astype(float)
    sel["amount"] = sel["amount"].fillna(sel["requested_usd"])  # no amount = the full request
    if (sel["amount"] < 0).any():
        raise ValueError("selected amounts must be >= 0")
    sel["is_partial"] = sel["amount"] < sel["requested_usd"] - AMOUNT_TOLERANCE_USD
    sel["exceeds_request"] = sel["amount"] > sel["requested_usd"] + AMOUNT_TOLERANCE_USD
    warnings = []
    for r in sel.itertuples():
        if r.exceeds_request:
            warnings.append(Message(EXCEEDS_REQUEST, {"id": r.project_id, "amount": float(r.amount),
                                                      "requested": float(r.requested_usd)}))
        if r.status not in PIPELINE_STATUSES:
            warnings.append(Message(NOT_IN_PIPELINE, {"id": r.project_id, "status": r.status}))
    zero = tuple(sel.loc[sel["amount"] <= 0, "project_id"])
    if zero:
        warnings.append(Message(ZERO_AMOUNT, {"ids": zero}))
    return sel[cols].reset_index(drop=True), warnings


def _before_after(before: pd.DataFrame, after: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    b = before[keys + ["n_projects", "approved"]].rename(columns={"n_projects": "n_projects_before",
                                                                  "approved": "approved_before"})
    a = after[keys + ["n_projects", "approved"]].rename(columns={"n_projects": "n_projects_after",
                                                                 "approved": "approved_after"})
    out = b.merge(a, on=keys, how="outer")
    for c in ("n_projects_before", "n_projects_after"):
        out[c] = out[c].fillna(0).astype(int)
    for c in ("approved_before", "approved_after"):
        out[c] = out[c].fillna(0.0).astype(float)
    out["approved_change"] = out["approved_after"] - out["approved_before"]
    for when in ("before", "after"):
        total = out[f"approved_{when}"].sum()
        out[f"share_{when}"] = out[f"approved_{when}"] / total if total > 0 else np.nan
    return out[keys + ["n_projects_before", "n_projects_after", "approved_before", "approved_after",
                       "approved_change", "share_before", "share_after"]]


def _area_coverage(projects: pd.DataFrame, transactions: pd.DataFrame, statuses) -> pd.DataFrame:
    p = projects.loc[projects["status"].isin(list(statuses))] if statuses is not None else projects
    p = p.merge(project_amounts(transactions)[["project_id", "approved"]], on="project_id", how="left")
    p["approved"] = p["approved"].astype(float).fillna(0.0)
    agg = p.groupby("area_id").agg(n_projects=("project_id", "nunique"), approved=("approved", "sum"))
    areas = list(AREAS) + sorted(set(agg.index) - set(AREAS))
    agg = agg.reindex(areas)
    agg.index.name = "area_id"
    return agg.reset_index().fillna({"n_projects": 0, "approved": 0.0})


def _shares(before: pd.Series, after: pd.Series, key: str) -> pd.DataFrame:
    out = pd.DataFrame({"approved_before": before, "approved_after": after}).fillna(0.0).astype(float)
    out.index.name = key
    out = out.loc[(out["approved_before"] != 0) | (out["approved_after"] != 0)]
    for when in ("before", "after"):
        total = out[f"approved_{when}"].sum()
        out[f"share_{when}"] = out[f"approved_{when}"] / total if total > 0 else np.nan
    out = out.reset_index()
    return out.sort_values(["approved_after", key], ascending=[False, True], ignore_index=True)


def _by_country(amounts: pd.DataFrame, project_countries: pd.DataFrame) -> pd.Series:
    """amounts: project_id, approved -> approved per iso3 split by normalised share."""
    pc = project_countries[["project_id", "iso3", "share"]].copy()
    pc["share"] = pd.to_numeric(pc["share"], errors="coerce").fillna(0.0).astype(float)
    pc = pc.loc[pc["share"] > 0]
    pc["share"] = pc["share"] / pc.groupby("project_id")["share"].transform("sum")
    m = amounts.merge(pc, on="project_id", how="inner")
    return (m["approved"] * m["share"]).groupby(m["iso3"]).sum()


def what_if(selection: pd.DataFrame | None, projects: pd.DataFrame, project_goals: pd.DataFrame,
            project_countries: pd.DataFrame, transactions: pd.DataFrame, donors: pd.DataFrame,
            need_gaps: pd.DataFrame | Iterable[str] | None = None, ceiling: float = WORLD_BANK_CEILING,
            mode: str = "primary", statuses: Iterable[str] | None = FUNDED_STATUSES) -> WhatIf:
    """The effects of approving `selection` now.

    selection: DataFrame(project_id, amount) of projects in `projects` (normally the pipeline:
        submitted/under review); amount may be below (partial) or, with a warning, above requested_usd;
        a missing amount (NaN, or no amount column) means the full request. None or empty = nothing
        selected: the result is the "before" state with selected_total 0.
        Raises ValueError for unknown or duplicated project_ids and negative amounts.
    projects, project_goals, project_countries, transactions, donors: schema.sql tables (whole
        portfolio, not only the pipeline).
    need_gaps: the high-need, uncovered countries: a set/list of iso3, or a frame with iso3 (if it has
        a 'quadrant' column, e.g. ipmd.coverage.need.gaps output, only the 'high need, low coverage' rows).
    ceiling: maximum World Bank internal share of deposits (0-1).
    mode, statuses: how coverage counts projects (see ipmd.coverage.matrix.coverage_matrix).
    See the module docstring for what each figure measures.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    sel, warnings = _normalise_selection(selection, projects)
    eff = sel.loc[sel["amount"] > 0]

    # balance: the funds screen's own figures
    ladder = flows.funding_ladder(transactions)
    deposits, approved_to_date = ladder.deposited, ladder.approved
    available = ladder.fund_balance
    selected_total = float(sel["amount"].sum())
    remaining = available - selected_total
    over = bool(remaining < -AMOUNT_TOLERANCE_USD)
    shortfall = float(-remaining) if over else 0.0
    if over:
        warnings.append(Message(OVER_COMMITTED, {"shortfall": shortfall, "available": available}))

    # coverage before / after: the selection enters as approved projects with one commitment each
    projects_after = projects.copy()
    chosen = projects_after["project_id"].isin(set(eff["project_id"]))
    if statuses is not None:
        not_counted = chosen & ~projects_after["status"].isin(list(statuses))
        projects_after.loc[not_counted, "status"] = "approved"
    new_txn = pd.DataFrame({
        "txn_type": "commitment", "project_id": eff["project_id"].to_numpy(),
        "amount_usd": eff["amount"].to_numpy(dtype=float)})
    tx_after = pd.concat([transactions[["txn_type", "project_id", "amount_usd"]], new_txn], ignore_index=True)

    cells_b = coverage_matrix(projects, project_goals, transactions, mode=mode, statuses=statuses)
    cells_a = coverage_matrix(projects_after, project_goals, tx_after, mode=mode, statuses=statuses)
    cov_cells = _before_after(cells_b, cells_a, ["goal_id", "area_id"])
    goal_b = cells_b.groupby("goal_id", sort=False)[["n_projects", "approved"]].sum().reset_index()
    goal_a = cells_a.groupby("goal_id", sort=False)[["n_projects", "approved"]].sum().reset_index()
    cov_goal = _before_after(goal_b, goal_a, ["goal_id"])  # a project has one area: counts add up
    cov_area = _before_after(_area_coverage(projects, transactions, statuses),
                             _area_coverage(projects_after, tx_after, statuses), ["area_id"])

    # high-need reach
    high_need = _high_need_set(need_gaps)
    pc = project_countries.loc[pd.to_numeric(project_countries["share"], errors="coerce").fillna(0) > 0]
    reached_countries = set(pc.loc[pc["project_id"].isin(set(eff["project_id"])), "iso3"])
    reached = tuple(sorted(set(high_need) & reached_countries))

    # concentration (approvals to date + selection)
    appr_before = project_amounts(transactions)[["project_id", "approved"]]
    appr_after = pd.concat([appr_before, eff[["project_id", "amount"]].rename(columns={"amount": "approved"})],
                           ignore_index=True).groupby("project_id", as_index=False)["approved"].sum()
    partner_of = projects.set_index("project_id")["partner_id"]
    by_partner_b = appr_before["approved"].groupby(appr_before["project_id"].map(partner_of)).sum()
    by_partner_a = appr_after["approved"].groupby(appr_after["project_id"].map(partner_of)).sum()
    by_country_b = _by_country(appr_before, project_countries)
    by_country_a = _by_country(appr_after, project_countries)

    def wb_share(by_partner: pd.Series) -> float:
        total = float(by_partner.sum())
        return float(by_partner.get(WB_PARTNER_ID, 0.0)) / total if total > 0 else float("nan")

    # World Bank internal share of deposits
    wb = flows.world_bank_share_status({"transactions": transactions, "donors": donors}, ceiling=ceiling)
    wb_dep = wb.wb_deposits
    wb_internal_share = wb.share if wb.total_deposits > 0 else float("nan")
    wb_over = wb.status == "breached"
    if wb_over:
        warnings.append(Message(WB_CEILING, {"share": wb_internal_share, "ceiling": float(ceiling)}))

    return WhatIf(
        deposits=deposits, approved_to_date=approved_to_date, available_before=available,
        selected_total=selected_total, remaining=remaining, over_committed=over, shortfall=shortfall,
        selection=sel, coverage_by_goal=cov_goal, coverage_by_area=cov_area, coverage_cells=cov_cells,
        high_need=high_need, high_need_reached=reached, n_high_need_reached=len(reached),
        partner_shares=_shares(by_partner_b, by_partner_a, "partner_id"),
        country_shares=_shares(by_country_b, by_country_a, "iso3"),
        partner_before=concentration(by_partner_b), partner_after=concentration(by_partner_a),
        country_before=concentration(by_country_b), country_after=concentration(by_country_a),
        ceiling=float(ceiling), wb_internal_deposits=wb_dep, wb_internal_share=wb_internal_share,
        wb_internal_over_ceiling=wb_over,
        selection_includes_wb=bool((eff["partner_id"] == WB_PARTNER_ID).any()),
        wb_partner_share_before=wb_share(by_partner_b), wb_partner_share_after=wb_share(by_partner_a),
        mode=mode, warnings=tuple(warnings),
    )
