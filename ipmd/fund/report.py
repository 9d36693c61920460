"""The trust fund flows screen's data: filters in (primitives), frozen results out.

UI-free (no Streamlit). `fund_options(con, lang)` lists what the page's filters can choose from. The page
loads one section at a time, each with only the inputs it depends on (`fund_ladder`, `fund_flows`,
`fund_map`, `fund_donors`, `fund_over_time`, `fund_transactions`), so a control on one tab recomputes
that tab alone. `fund_report(con, ...)` gathers every section in one report; it calls
`fund_report_from(tables, countries, ...)`, the pure part, which the tests also run on small hand-made
ledgers. All money rules live in ipmd/fund/flows.py;
this module picks them for the page's filters, labels the nodes in the interface language, checks
that the flow diagram reconciles with the ladder, and writes the IATI-style transaction list.

Only the funded portfolio is shown (projects approved, active or closed: FUNDED_STATUSES). Proposals
not yet decided are committee business, never listed here; their rows, if any, are left out of
every table before anything is computed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
import math

import pandas as pd

from ipmd import queries
from ipmd.fund import flows
from ipmd.fund.rules import FUNDED_STATUSES
from ipmd.fund.summary import is_illustrative
from ipmd.fund.flows import FundFilters, FundingLadder, WorldBankShare
from ipmd.i18n import DEFAULT_LANGUAGE, Message, area_label, goal_label, place_name, t

MIDDLE_STAGES = ("goal", "area")
END_STAGES = ("region", "country")
MONEY_KINDS = ("approved", "disbursed")
FREQUENCIES = ("Y", "Q")
FUND_ACTIVITY_ID = "IPMD-TF"          # the fund's own account in the IATI-style export
IATI_NAMES = {11: "Incoming Commitment", 1: "Incoming Funds", 2: "Outgoing Commitment", 3: "Disbursement",
              4: "Expenditure"}
IATI_COLUMNS = ["iati_activity_id", "transaction_ref", "transaction_type_code", "transaction_type",
                "transaction_date", "provider_org_ref", "provider_org", "receiver_org_ref", "receiver_org",
                "value", "currency", "value_date", "value_usd", "share_in_selection", "value_usd_in_selection",
                "is_illustrative"]
TOLERANCE_USD = 0.5                   # reconciliation is checked to half a dollar


@dataclass(frozen=True)
class FundOptions:
    first_year: int | None             # None when the ledger holds no transaction
    last_year: int | None
    donor_types: tuple[str, ...]
    goals: pd.DataFrame                # goal_id, label (in the language asked for)
    partners: pd.DataFrame             # partner_id, name (partners with funded projects only)
    is_illustrative: bool


@dataclass(frozen=True)
class Reconciliation:
    """How the flow diagram's legs add up, in words the page can state under the chart.

    mode 'deposits': the donor leg is the period's deposits; deposited = approved + not_yet_approved
    - brought_forward. mode 'approved' (goal or partner filters): the donor leg is the selected
    approved money attributed to donors. Every leg after the fund sums to `approved`.
    """
    mode: str
    deposited: float
    approved: float
    not_yet_approved: float
    brought_forward: float
    donor_leg: float
    leg_totals: tuple[tuple[str, float], ...]
    reconciles: bool

    def message(self) -> Message:
        """How the legs add up, as the sentence under the diagram (values in US$)."""
        if self.mode == "approved":
            return Message("funds.sankey.reconcile_projects", {"approved": self.approved})
        if self.brought_forward > 0:
            return Message("funds.sankey.reconcile_brought_forward", {
                "deposited": self.deposited, "brought": self.brought_forward, "approved": self.approved})
        if self.not_yet_approved > 0:
            return Message("funds.sankey.reconcile_deposits", {
                "deposited": self.deposited, "approved": self.approved, "not_yet": self.not_yet_approved})
        return Message("funds.sankey.reconcile_equal", {"deposited": self.deposited, "approved": self.approved})


@dataclass(frozen=True)
class FlowCounts:
    """What the flow diagram holds before small flows are grouped into "Other" (for its one-line summary)."""
    n_donors: int
    n_partners: int
    n_end: int                         # regions or countries reached (Unspecified not counted)
    top_partner: str | None
    top_partner_usd: float


@dataclass(frozen=True)
class FundReport:
    filters: FundFilters
    ladder: FundingLadder
    links: pd.DataFrame                # flows.LINK_COLUMNS, labels in the interface language
    reconciliation: Reconciliation
    flow_counts: FlowCounts
    money_kind: str
    countries: pd.DataFrame            # iso3, name, amount_usd, n_projects
    unplaced_usd: float                # money of the kind with no country row (not on the map)
    donors: pd.DataFrame               # flows.donor_summary columns
    donor_timing: pd.DataFrame         # donor_id, name, year, deposited_usd
    world_bank: WorldBankShare
    over_time: pd.DataFrame            # flows.flows_over_time columns (deposits, fund_balance NaN with project filters)
    transactions: pd.DataFrame         # IATI_COLUMNS
    is_illustrative: bool
    notes: tuple[str, ...] = field(default=())

    @property
    def has_money(self) -> bool:
        """Any transaction at all under the filters (pledges included)."""
        return not self.transactions.empty

    @property
    def has_flows(self) -> bool:
        return not self.links.empty


# ----------------------------------------------------------------------------------------- inputs

def funded_ledger(ledger: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The ledger without projects that are not funded (undecided or rejected) and their rows."""
    projects = ledger["projects"][ledger["projects"]["status"].isin(FUNDED_STATUSES)]
    keep = set(projects["project_id"])
    # object ids: with pandas' string dtype, flows.filtered_transactions fails on a period with no project
    # transaction (an empty str factor times the amounts); reported to the owner of ipmd/fund/flows.py
    txns = ledger["transactions"].astype({"project_id": object, "donor_id": object})
    out = dict(ledger)
    out["projects"] = projects.reset_index(drop=True)
    out["transactions"] = txns[txns["project_id"].isna() | txns["project_id"].isin(keep)].reset_index(drop=True)
    for name in ("project_goals", "project_countries"):
        out[name] = ledger[name][ledger[name]["project_id"].isin(keep)].reset_index(drop=True)
    return out


def _localised_countries(countries: pd.DataFrame, lang: str) -> pd.DataFrame:
    """countries with name_en replaced by the name in `lang` (flows.flow_links labels countries by name_en)."""
    column = f"name_{lang}"
    if column == "name_en" or column not in countries:
        return countries
    return countries.assign(name_en=countries[column].fillna(countries["name_en"]))


def _period(start_year: int | None, end_year: int | None) -> tuple[str | None, str | None]:
    return (None if start_year is None else f"{int(start_year):04d}-01-01",
            None if end_year is None else f"{int(end_year):04d}-12-31")


def fund_options(con, lang: str = DEFAULT_LANGUAGE) -> FundOptions:
    tables = funded_ledger(queries.ledger(con))
    return fund_options_from(tables, lang)


def fund_options_from(tables: dict[str, pd.DataFrame], lang: str = DEFAULT_LANGUAGE) -> FundOptions:
    dates = pd.to_datetime(tables["transactions"]["txn_date"])
    goal_ids = sorted(tables.get("goals", pd.DataFrame(columns=["goal_id"]))["goal_id"])
    goals = pd.DataFrame({"goal_id": goal_ids, "label": [goal_label(g, lang) for g in goal_ids]})
    used = set(tables["projects"]["partner_id"])
    partners = tables.get("partners")
    if partners is None or partners.empty:
        partners = pd.DataFrame({"partner_id": sorted(used), "name": sorted(used)})
    partners = partners[partners["partner_id"].isin(used)][["partner_id", "name"]].sort_values("partner_id")
    return FundOptions(first_year=int(dates.dt.year.min()) if len(dates) else None,
                       last_year=int(dates.dt.year.max()) if len(dates) else None,
                       donor_types=tuple(sorted(tables["donors"]["donor_type"].dropna().unique())),
                       goals=goals.reset_index(drop=True), partners=partners.reset_index(drop=True),
                       is_illustrative=is_illustrative(tables))


# ------------------------------------------------------------------------------------------ report

def period_years(start_year: int, end_year: int) -> tuple[int, int, bool]:
    """The period in order: (first, last, True when the two were given backwards and turned round)."""
    return (end_year, start_year, True) if start_year > end_year else (start_year, end_year, False)


def _selection(ledger: dict[str, pd.DataFrame], countries: pd.DataFrame, start_year: int | None,
               end_year: int | None, donor_types: tuple[str, ...], goal_ids: tuple[str, ...],
               partner_ids: tuple[str, ...], lang: str) -> tuple[dict[str, pd.DataFrame], FundFilters]:
    """The funded ledger (country names in `lang`) and the filters, the period in order."""
    if start_year is not None and end_year is not None:
        start_year, end_year, _ = period_years(start_year, end_year)
    tables = funded_ledger(ledger)
    start, end = _period(start_year, end_year)
    tables["countries"] = _localised_countries(countries, lang)   # regions and names for every stage and the map
    return tables, FundFilters(start, end, tuple(donor_types), tuple(goal_ids), tuple(partner_ids))


def _check(middle: str = "goal", end_stage: str = "region", money: str = "approved") -> None:
    if middle not in MIDDLE_STAGES:
        raise ValueError(f"middle must be one of {MIDDLE_STAGES}, not {middle!r}")
    if end_stage not in END_STAGES:
        raise ValueError(f"end_stage must be one of {END_STAGES}, not {end_stage!r}")
    if money not in MONEY_KINDS:
        raise ValueError(f"money must be one of {MONEY_KINDS}, not {money!r}")


def fund_report(con, start_year: int | None = None, end_year: int | None = None,
                donor_types: tuple[str, ...] = (), goal_ids: tuple[str, ...] = (), partner_ids: tuple[str, ...] = (),
                middle: str = "goal", end_stage: str = "region", other_pct: float = 0.0,
                money: str = "approved", freq: str = "Y", lang: str = DEFAULT_LANGUAGE) -> FundReport:
    """Everything the trust fund flows page can show, for its filters, in one frozen report (the tests and
    other callers; the page loads one section at a time: fund_ladder, fund_flows, fund_map, ...)."""
    return fund_report_from(queries.ledger(con), queries.countries(con), start_year, end_year, donor_types,
                            goal_ids, partner_ids, middle, end_stage, other_pct, money, freq, lang)


def fund_report_from(ledger: dict[str, pd.DataFrame], countries: pd.DataFrame, start_year: int | None = None,
                     end_year: int | None = None, donor_types: tuple[str, ...] = (), goal_ids: tuple[str, ...] = (),
                     partner_ids: tuple[str, ...] = (), middle: str = "goal", end_stage: str = "region",
                     other_pct: float = 0.0, money: str = "approved", freq: str = "Y",
                     lang: str = DEFAULT_LANGUAGE) -> FundReport:
    _check(middle, end_stage, money)
    tables, filters = _selection(ledger, countries, start_year, end_year, donor_types, goal_ids, partner_ids, lang)
    ladder = flows.ladder_for(tables, filters)
    flow = _flows(tables, filters, middle, end_stage, other_pct, lang, ladder)
    placed = _map(tables, filters, money, ladder)
    return FundReport(
        filters=filters, ladder=ladder, links=flow.links, reconciliation=flow.reconciliation,
        flow_counts=flow.counts, money_kind=money, countries=placed.countries, unplaced_usd=placed.unplaced_usd,
        donors=flows.donor_summary(tables, filters), donor_timing=donor_timing(tables, filters),
        world_bank=flows.world_bank_share_status(tables, end=filters.end),
        over_time=over_time(tables, filters, freq), transactions=iati_transactions(tables, filters),
        is_illustrative=is_illustrative(ledger))


# ------------------------------------------------------------------------- the page, one section at a time
# Each takes only what its section depends on (the top filters, then that section's own controls), so a
# control on one tab recomputes that tab alone. Money values in the messages are US$ floats.

@dataclass(frozen=True)
class LadderSection:
    filters: FundFilters
    ladder: FundingLadder
    has_money: bool                    # any transaction under the filters (pledges included)
    n_transactions: int
    donor_share: float                 # the selected donor types' share of deposits to the period's end (0..1)
    is_illustrative: bool

    def summary(self) -> Message:
        """The ladder in one line: approved, disbursed, spent and partner balance under goal or partner filters
        (the donor side does not apply), else every figure of the ladder."""
        if self.filters.selects_projects:
            return Message("funds.ladder.summary_projects", {s: float(getattr(self.ladder, s)) for s in
                                                              ("approved", "disbursed", "spent", "partner_balance")})
        return Message("funds.ladder.summary", {s: float(getattr(self.ladder, s)) for s in LADDER_FIGURES})


LADDER_FIGURES = ("pledged", "deposited", "approved", "disbursed", "spent", "fund_balance", "partner_balance",
                  "unpaid_pledges")


def fund_ladder(con, start_year: int, end_year: int, donor_types: tuple[str, ...] = (),
                goal_ids: tuple[str, ...] = (), partner_ids: tuple[str, ...] = ()) -> LadderSection:
    """The ladder and whether the filters select any money at all."""
    ledger = queries.ledger(con)
    tables, filters = _selection(ledger, queries.countries(con), start_year, end_year, donor_types, goal_ids,
                                 partner_ids, DEFAULT_LANGUAGE)
    shares = flows.donor_summary(tables, filters)["share_of_deposits"] if filters.donor_types else pd.Series([])
    n = len(flows.filtered_transactions(tables, filters))
    return LadderSection(filters=filters, ladder=flows.ladder_for(tables, filters), has_money=n > 0,
                         n_transactions=n, donor_share=float(shares.sum()), is_illustrative=is_illustrative(ledger))


@dataclass(frozen=True)
class FlowSection:
    links: pd.DataFrame                # flows.LINK_COLUMNS, labels in the interface language
    reconciliation: "Reconciliation"
    counts: "FlowCounts"
    donors: tuple[tuple[str, str], ...] = ()     # the diagram's donors (id, label) in its order, "Other" left out
    partners: tuple[tuple[str, str], ...] = ()   # its partners, likewise

    @property
    def has_flows(self) -> bool:
        return not self.links.empty


def _flows(tables, filters: FundFilters, middle: str, end_stage: str, other_pct: float, lang: str,
           ladder: FundingLadder) -> FlowSection:
    stages = (middle, "partner", end_stage)
    names = tables["countries"]
    links = flows.flow_links(tables, stages, filters, other_threshold_share=max(float(other_pct), 0.0) / 100.0,
                             countries=names)
    ungrouped = links if other_pct <= 0 else flows.flow_links(tables, stages, filters, countries=names)
    shown = _translate_nodes(links, lang)
    return FlowSection(links=shown, reconciliation=reconcile(ladder, links, filters),
                       counts=flow_counts(ungrouped, end_stage), donors=stage_nodes(shown, "donor"),
                       partners=stage_nodes(shown, "partner"))


OTHER_NODE = "Other"       # flows.flow_links groups small flows under '<stage>:Other'


def stage_nodes(links: pd.DataFrame, stage: str) -> tuple[tuple[str, str], ...]:
    """The (id, label) of the flow diagram's nodes of `stage` (donor, partner), "Other" left out, in the order
    they first appear in the links. Worked out once with the links (the page's donor and partner pickers under the
    diagram read it on every rerun: issue 18)."""
    seen: dict[str, str] = {}
    for column in ("source", "target"):
        chosen = links[links[f"{column}_stage"] == stage]
        for node, label in zip(chosen[column], chosen[f"{column}_label"]):
            seen.setdefault(node, label)
    picked = {}
    for node, label in seen.items():
        node_id = str(node).split(":", 1)[1] if ":" in str(node) else str(node)
        if node_id != OTHER_NODE:
            picked.setdefault(node_id, label)
    return tuple(picked.items())


def fund_flows(con, start_year: int, end_year: int, donor_types: tuple[str, ...] = (),
               goal_ids: tuple[str, ...] = (), partner_ids: tuple[str, ...] = (), middle: str = "goal",
               end_stage: str = "region", other_pct: float = 0.0, lang: str = DEFAULT_LANGUAGE) -> FlowSection:
    """The flow diagram's links (flows under `other_pct` % of their stage grouped as "Other"), checked against
    the ladder, and what it holds before grouping."""
    _check(middle, end_stage)
    tables, filters = _selection(queries.ledger(con), queries.countries(con), start_year, end_year, donor_types,
                                 goal_ids, partner_ids, lang)
    return _flows(tables, filters, middle, end_stage, other_pct, lang, flows.ladder_for(tables, filters))


@dataclass(frozen=True)
class MapSection:
    money_kind: str
    countries: pd.DataFrame            # iso3, name, amount_usd, n_projects, largest first
    unplaced_usd: float                # money of the kind with no country row (not on the map)
    total_usd: float                   # the ladder's figure for the kind

    @property
    def placed_usd(self) -> float:
        return float(self.countries["amount_usd"].sum())

    def top(self, n: int = 3) -> list[tuple[str, float]]:
        """The n countries receiving most (the rows come largest first): (name, US$)."""
        head = self.countries.head(n)
        return list(zip(head["name"], head["amount_usd"].astype(float)))


def _map(tables, filters: FundFilters, money: str, ladder: FundingLadder) -> MapSection:
    names = tables["countries"]
    by_country = flows.amounts_by_country(tables, money, filters)
    by_country = by_country.merge(names[["iso3", "name_en"]].rename(columns={"name_en": "name"}), on="iso3",
                                  how="left")
    by_country["name"] = by_country["name"].fillna(by_country["iso3"])
    by_country = by_country[["iso3", "name", "amount_usd", "n_projects"]]
    total = float(getattr(ladder, money))
    unplaced = total - float(by_country["amount_usd"].sum())
    return MapSection(money_kind=money, countries=by_country, total_usd=total,
                      unplaced_usd=unplaced if abs(unplaced) > TOLERANCE_USD else 0.0)


def fund_map(con, start_year: int, end_year: int, donor_types: tuple[str, ...] = (),
             goal_ids: tuple[str, ...] = (), partner_ids: tuple[str, ...] = (), money: str = "approved",
             lang: str = DEFAULT_LANGUAGE) -> MapSection:
    """Money of one kind (approved or disbursed) by receiving country, names in `lang`."""
    _check(money=money)
    tables, filters = _selection(queries.ledger(con), queries.countries(con), start_year, end_year, donor_types,
                                 goal_ids, partner_ids, lang)
    return _map(tables, filters, money, flows.ladder_for(tables, filters))


@dataclass(frozen=True)
class DonorSection:
    donors: pd.DataFrame               # flows.donor_summary columns, largest deposits first
    timing: pd.DataFrame               # donor_id, name, year, deposited_usd
    world_bank: WorldBankShare         # at the period's end, whatever the donor filter

    def busiest_year(self) -> tuple[int, float] | None:
        """The year the selected donors deposited most, and how much (None without deposits)."""
        if self.timing.empty:
            return None
        by_year = self.timing.groupby("year")["deposited_usd"].sum()
        return int(by_year.idxmax()), float(by_year.max())


def fund_donors(con, start_year: int, end_year: int, donor_types: tuple[str, ...] = (),
                goal_ids: tuple[str, ...] = (), partner_ids: tuple[str, ...] = ()) -> DonorSection:
    tables, filters = _selection(queries.ledger(con), queries.countries(con), start_year, end_year, donor_types,
                                 goal_ids, partner_ids, DEFAULT_LANGUAGE)
    return DonorSection(donors=flows.donor_summary(tables, filters), timing=donor_timing(tables, filters),
                        world_bank=flows.world_bank_share_status(tables, end=filters.end))


@dataclass(frozen=True)
class TimeSection:
    series: pd.DataFrame               # over_time columns
    selects_projects: bool

    def summary(self) -> Message | None:
        """The period with most approvals and, without goal or partner filters, the fund balance at the end."""
        if self.series.empty:
            return None
        top = self.series.loc[self.series["approvals"].idxmax()]
        values = {"top_period": str(top["period"]), "top_value": float(top["approvals"])}
        if self.selects_projects:
            return Message("funds.time.summary_projects", values)
        return Message("funds.time.summary", {**values, "last_period": str(self.series["period"].iloc[-1]),
                                              "balance": float(self.series["fund_balance"].iloc[-1])})


def fund_over_time(con, start_year: int, end_year: int, donor_types: tuple[str, ...] = (),
                   goal_ids: tuple[str, ...] = (), partner_ids: tuple[str, ...] = (), freq: str = "Y") -> TimeSection:
    tables, filters = _selection(queries.ledger(con), queries.countries(con), start_year, end_year, donor_types,
                                 goal_ids, partner_ids, DEFAULT_LANGUAGE)
    return TimeSection(series=over_time(tables, filters, freq), selects_projects=filters.selects_projects)


def fund_transactions(con, start_year: int, end_year: int, donor_types: tuple[str, ...] = (),
                      goal_ids: tuple[str, ...] = (), partner_ids: tuple[str, ...] = ()) -> pd.DataFrame:
    """iati_transactions under the filters (the page's download)."""
    tables, filters = _selection(queries.ledger(con), queries.countries(con), start_year, end_year, donor_types,
                                 goal_ids, partner_ids, DEFAULT_LANGUAGE)
    return iati_transactions(tables, filters)


def _translate_nodes(links: pd.DataFrame, lang: str) -> pd.DataFrame:
    """flows.flow_links' labels in `lang`: its own nodes (fund, balances, Other, Unspecified), goals, areas of work
    and regions (donors, partners and countries keep theirs: names, ids and countries already in `lang`)."""
    if links.empty:
        return links
    words = {flows.FUND_NODE: t("funds.node.fund", lang), flows.UNALLOCATED_NODE: t("funds.node.unallocated", lang),
             flows.BROUGHT_FORWARD_NODE: t("funds.node.brought_forward", lang),
             "donor:unattributed": t("funds.node.unattributed", lang)}

    named = {"goal": goal_label, "area": area_label, "region": place_name}

    def label(node: str, current: str) -> str:
        if node in words:
            return words[node]
        stage, key = node.split(":", 1) if ":" in node else ("", node)
        if key == flows.OTHER:
            return t("funds.node.other", lang)
        if key == flows.UNSPECIFIED:
            return t("funds.node.unspecified", lang)
        return named[stage](key, lang) if stage in named else current

    out = links.copy()
    out["source_label"] = [label(n, c) for n, c in zip(out["source"], out["source_label"])]
    out["target_label"] = [label(n, c) for n, c in zip(out["target"], out["target_label"])]
    return out


def reconcile(ladder: FundingLadder, links: pd.DataFrame, filters: FundFilters) -> Reconciliation:
    """Check the flow diagram against the ladder: every leg after the fund sums to approved; the donor
    leg sums to deposits (or to approved with goal or partner filters), balanced by the balance node."""
    legs = flows.leg_totals(links)
    donor_leg = float(legs.get("donor>fund", 0.0))
    downstream = {leg: float(v) for leg, v in legs.items() if leg.startswith("fund>") and leg != "fund>balance"}
    downstream.update({leg: float(v) for leg, v in legs.items()
                       if not leg.startswith(("donor>", "fund>", "balance>"))})
    approved = float(ladder.approved)
    ok = all(abs(v - approved) <= TOLERANCE_USD for v in downstream.values())
    if filters.selects_projects:
        mode, deposited, not_yet, brought = "approved", math.nan, 0.0, 0.0
        ok = ok and (links.empty or abs(donor_leg - approved) <= TOLERANCE_USD)
    else:
        mode, deposited = "deposits", float(ladder.deposited)
        not_yet = float(legs.get("fund>balance", 0.0))
        brought = float(legs.get("balance>fund", 0.0))
        ok = ok and (links.empty or (abs(donor_leg - deposited) <= TOLERANCE_USD
                                     and abs(deposited + brought - approved - not_yet) <= TOLERANCE_USD))
    return Reconciliation(mode=mode, deposited=deposited, approved=approved, not_yet_approved=not_yet,
                          brought_forward=brought, donor_leg=donor_leg,
                          leg_totals=tuple((str(k), float(v)) for k, v in legs.items()), reconciles=bool(ok))


def flow_counts(links: pd.DataFrame, end_stage: str) -> FlowCounts:
    """Donors, partners and regions or countries in ungrouped flow links, and the partner receiving most."""
    def keys(stage: str) -> set[str]:
        nodes = set(links.loc[links["source_stage"] == stage, "source"]) | set(links.loc[links["target_stage"] == stage, "target"])
        return {n for n in nodes if n.split(":", 1)[1] not in (flows.UNSPECIFIED, flows.OTHER, "unattributed")}
    partners = links[links["target_stage"] == "partner"].groupby("target_label")["value"].sum()
    return FlowCounts(n_donors=len(keys("donor")), n_partners=len(keys("partner")), n_end=len(keys(end_stage)),
                      top_partner=str(partners.idxmax()) if len(partners) else None,
                      top_partner_usd=float(partners.max()) if len(partners) else 0.0)


def donor_timing(tables: dict[str, pd.DataFrame], filters: FundFilters) -> pd.DataFrame:
    """Deposits per donor and year in the period (selected donor types): donor_id, name, year, deposited_usd."""
    cols = ["donor_id", "name", "year", "deposited_usd"]
    t = flows.filtered_transactions(tables, filters)
    dep = t[t["txn_type"] == "deposit"]
    if dep.empty:
        return pd.DataFrame(columns=cols)
    out = (dep.assign(year=pd.to_datetime(dep["txn_date"]).dt.year)
           .groupby(["donor_id", "year"], as_index=False)["amount_usd"].sum()
           .rename(columns={"amount_usd": "deposited_usd"}))
    out["name"] = out["donor_id"].map(tables["donors"].set_index("donor_id")["name"]).fillna(out["donor_id"])
    return out[cols].sort_values(["donor_id", "year"], ignore_index=True)


def over_time(tables: dict[str, pd.DataFrame], filters: FundFilters, freq: str = "Y") -> pd.DataFrame:
    """Deposits, approvals, disbursements and the fund balance per period, under the filters.

    The fund balance carries everything before the period (all transactions up to its end). With goal
    or partner filters, deposits and the fund balance do not apply (pooled money is not earmarked) and
    are NaN, as in the ladder.
    """
    to_end = FundFilters(None, filters.end, filters.donor_types, filters.goal_ids, filters.partner_ids)
    out = flows.flows_over_time(flows.filtered_transactions(tables, to_end), freq if freq in FREQUENCIES else "Y",
                                filters.start, filters.end)
    if filters.selects_projects and not out.empty:
        out = out.assign(deposits=math.nan, fund_balance=math.nan)
    return out


def iati_transactions(tables: dict[str, pd.DataFrame], filters: FundFilters) -> pd.DataFrame:
    """The transactions behind the page's figures, one row each, in IATI terms.

    Pledges (11) and deposits (1) of the selected donor types: provider = the donor, receiver = the
    fund. Commitments (2) and disbursements (3): provider = the fund, receiver = the partner;
    expenditure (4): provider = the partner. `value` and `currency` are as recorded, `value_usd` the
    US$ amount; `share_in_selection` is the part the filters count (goal weight x the donor types'
    share of pooled money; 1 without filters) and `value_usd_in_selection` = value_usd x that share, so
    summing it by type gives the ladder.
    """
    selected = flows.filtered_transactions(tables, filters)
    if selected.empty:
        return pd.DataFrame(columns=IATI_COLUMNS)
    raw = tables["transactions"].set_index("txn_id")
    rows = selected.copy()
    original = pd.to_numeric(rows["txn_id"].map(raw["amount_usd"])).astype(float)
    rows["share_in_selection"] = (rows["amount_usd"] / original.where(original != 0)).fillna(1.0)
    rows["value_usd_in_selection"] = rows["amount_usd"]
    rows["value_usd"] = original
    donors = tables["donors"].set_index("donor_id")["name"]
    projects = tables["projects"].set_index("project_id")
    partner_names = (tables["partners"].set_index("partner_id")["name"] if "partners" in tables
                     else pd.Series(dtype=object))
    partner_id = rows["project_id"].map(projects["partner_id"])
    named = partner_id.map(partner_names)
    partner = named.where(named.notna(), partner_id)     # a partner without a name keeps its id
    fund_name = "IPMD multi-donor trust fund"
    incoming = rows["txn_type"].isin(["pledge", "deposit"])
    outgoing = rows["txn_type"].isin(["commitment", "disbursement"])
    spent = rows["txn_type"] == "expenditure"
    rows["iati_activity_id"] = rows["project_id"].where(~incoming, FUND_ACTIVITY_ID)
    rows["provider_org_ref"] = rows["donor_id"].where(incoming, FUND_ACTIVITY_ID).where(~spent, partner_id)
    rows["provider_org"] = rows["donor_id"].map(donors).where(incoming, fund_name).where(~spent, partner)
    rows["receiver_org_ref"] = partner_id.where(outgoing, None).where(~incoming, FUND_ACTIVITY_ID)
    rows["receiver_org"] = partner.where(outgoing, None).where(~incoming, fund_name)
    rows["transaction_ref"] = rows["txn_id"]
    rows["transaction_type_code"] = rows["iati_code"].astype(int)
    rows["transaction_type"] = rows["transaction_type_code"].map(IATI_NAMES)
    rows["transaction_date"] = pd.to_datetime(rows["txn_date"]).dt.strftime("%Y-%m-%d")
    rows["value_date"] = rows["transaction_date"]
    rows["value"] = pd.to_numeric(rows["amount_original"]).astype(float)
    order = {11: 0, 1: 1, 2: 2, 3: 3, 4: 4}
    rows = rows.assign(_order=rows["transaction_type_code"].map(order))
    rows = rows.sort_values(["transaction_date", "_order", "transaction_ref"], ignore_index=True)
    return rows[IATI_COLUMNS]
