"""The goal-coverage page's questions, answered from the database: matrix, map, gap finder, GFMD follow-up.

UI-free orchestration over the pure functions of ipmd.coverage.matrix and ipmd.coverage.need: every public function
takes a connection and primitives (str, int, float, tuples), so the page can call it through the
cache, and returns frames or frozen dataclasses. No Streamlit here.

What the filters select (the same rules for every section, so their totals agree):
- statuses: public project statuses only (approved, active, closed); proposals not yet decided and
  rejected ones never reach this module's results. Empty = all three.
- partners: the projects of those partner agencies. Empty = all.
- period (start_year, end_year, inclusive; None = open): transactions dated in the period, and the
  projects with at least one approval, transfer or expenditure in it. Period and partner filters are
  applied with ipmd.fund.flows.filtered_transactions, so "approved" here equals "approved" on the trust
  fund page for the same period and partners.
- regions (UN region) and income_groups (World Bank): the countries selected. A project counts when it
  works in at least one of them, with its money x its share in them (so regions add up); projects with
  no country (global work) fall outside any region filter. The country map keeps the selected countries.
  Need scores and the "high need" cut-off are computed over all countries and then filtered, so a
  filter never changes a country's score.
- goal (None = all goals) and mode ('primary' or 'weighted'): how money is put under goals on the map
  and in the gap finder (see ipmd.coverage.matrix). The matrix always shows every goal.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ipmd import queries
from ipmd.coverage import matrix as coverage
from ipmd.coverage import need
from ipmd.db import query
from ipmd.fund.flows import FundFilters, filtered_transactions

PUBLIC_STATUSES = coverage.FUNDED_STATUSES
PROJECT_TXN_TYPES = ("commitment", "disbursement", "expenditure")
MONEY = coverage.MONEY

# The columns of need_indicators() the need score reads, with the database indicator and its default source
# (for the page's captions). The gender lens uses the female share of EMIGRANTS: the partnership works
# with developing countries mostly as countries of origin (emigrants, remittances, the cost of sending
# them), and its capacity-building goal names female labour migration; the female share of immigrants
# barely varies with income and would push the high-income destination countries up the ranking.
NEED_SOURCES: dict[str, tuple[str, ...]] = {
    "emigrant_pct_pop": ("derived_emigrant_pct_pop",),
    "immigrant_pct_pop": ("undesa_ims_2024_destination",),
    "remittances_pct_gdp": ("wdi_remittances_received_pct_gdp",),
    "refugees_per_1000": ("unhcr_bilateral", "wdi_population"),
    "remittance_cost_gap": ("wdi_remittance_cost_inbound",),
    "female_share": ("undesa_ims_2024_origin",),
}
GENDER_LENS_INDICATOR = "emigrant_female_share"
RAW_COLUMN = {"remittance_cost_gap": "remittance_cost_inbound_pct"}  # the column that holds the raw value


# --------------------------------------------------------------------------------------------- filters
@dataclass(frozen=True)
class Filters:
    regions: tuple[str, ...] = ()
    income_groups: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    start_year: int | None = None
    end_year: int | None = None

    @property
    def public_statuses(self) -> tuple[str, ...]:
        chosen = tuple(s for s in self.statuses if s in PUBLIC_STATUSES)
        return chosen or PUBLIC_STATUSES

    @property
    def by_country(self) -> bool:
        return bool(self.regions or self.income_groups)


def _filters(regions=(), income_groups=(), partners=(), statuses=(), start_year=None, end_year=None) -> Filters:
    return Filters(tuple(regions), tuple(income_groups), tuple(partners), tuple(statuses),
                   None if start_year is None else int(start_year), None if end_year is None else int(end_year))


@dataclass(frozen=True)
class Selected:
    """The part of the ledger the filters select."""
    projects: pd.DataFrame            # public statuses, partners, active in the period, in the countries
    project_goals: pd.DataFrame
    project_countries: pd.DataFrame
    transactions: pd.DataFrame        # project transactions of `projects` in the period (whole amounts)
    scaled: pd.DataFrame              # the same x each project's share in the selected countries
    countries: pd.DataFrame           # the selected countries (all when no region or income filter)
    all_countries: pd.DataFrame
    is_illustrative: bool


def _select(con, f: Filters) -> Selected:
    book = queries.ledger(con)
    countries = queries.countries(con)
    start = None if f.start_year is None else f"{f.start_year}-01-01"
    end = None if f.end_year is None else f"{f.end_year}-12-31"
    txns = filtered_transactions(book, FundFilters(start=start, end=end, partner_ids=f.partners))
    txns = txns.loc[txns["txn_type"].isin(PROJECT_TXN_TYPES)]

    projects = book["projects"].loc[book["projects"]["status"].isin(f.public_statuses)]
    if f.partners:
        projects = projects.loc[projects["partner_id"].isin(f.partners)]
    projects = projects.loc[projects["project_id"].isin(txns["project_id"])]

    chosen = countries
    if f.regions:
        chosen = chosen.loc[chosen["un_region"].isin(f.regions)]
    if f.income_groups:
        chosen = chosen.loc[chosen["income_group"].isin(f.income_groups)]

    pc = book["project_countries"]
    share = pd.Series(1.0, index=pd.Index(projects["project_id"], name="project_id"))
    if f.by_country:
        s = pd.to_numeric(pc["share"], errors="coerce").fillna(0.0).clip(lower=0.0)
        s = s / s.groupby(pc["project_id"]).transform("sum")
        inside = s.where(pc["iso3"].isin(chosen["iso3"]), 0.0).groupby(pc["project_id"]).sum()
        share = inside.reindex(share.index, fill_value=0.0)
        share = share[share > 0]
        projects = projects.loc[projects["project_id"].isin(share.index)]
    txns = txns.loc[txns["project_id"].isin(projects["project_id"])]
    factor = pd.to_numeric(txns["project_id"].map(share.to_dict()), errors="coerce").astype(float).fillna(0.0)
    scaled = txns.assign(amount_usd=txns["amount_usd"].astype(float) * factor)
    keep = projects["project_id"]
    return Selected(
        projects=projects.reset_index(drop=True),
        project_goals=book["project_goals"].loc[book["project_goals"]["project_id"].isin(keep)],
        project_countries=pc.loc[pc["project_id"].isin(keep)],
        transactions=txns.reset_index(drop=True), scaled=scaled.reset_index(drop=True),
        countries=chosen.reset_index(drop=True), all_countries=countries,
        is_illustrative=bool(book["projects"]["is_illustrative"].any()
                             or book["transactions"]["is_illustrative"].any()))


# --------------------------------------------------------------------------------------------- options
@dataclass(frozen=True)
class FilterOptions:
    regions: tuple[str, ...]
    income_groups: tuple[str, ...]
    partners: pd.DataFrame = field(repr=False)     # partner_id, name (partners with a public project)
    first_year: int
    last_year: int


HIGH_INCOME = "High income"
INCOME_ORDER = ("Low income", "Lower middle income", "Upper middle income", "High income")


def filter_options(con) -> FilterOptions:
    """What the page's filters can choose from: UN regions, income groups, partners with a public project,
    and the years of the ledger's project transactions."""
    countries = queries.countries(con)
    book = queries.ledger(con)
    incomes = set(countries["income_group"].dropna())
    public = book["projects"].loc[book["projects"]["status"].isin(PUBLIC_STATUSES), "partner_id"]
    partners = book["partners"].loc[book["partners"]["partner_id"].isin(public), ["partner_id", "name"]]
    tx = book["transactions"]
    years = pd.to_datetime(tx.loc[tx["txn_type"].isin(PROJECT_TXN_TYPES), "txn_date"]).dt.year
    if years.empty:        # a ledger with no project money yet: its own years, else this year
        years = pd.to_datetime(tx["txn_date"]).dt.year
        years = years if not years.empty else pd.Series([pd.Timestamp.now(tz="UTC").year])
    return FilterOptions(
        regions=tuple(sorted(countries["un_region"].dropna().unique())),
        income_groups=tuple([g for g in INCOME_ORDER if g in incomes] + sorted(incomes - set(INCOME_ORDER))),
        partners=partners.sort_values("partner_id", ignore_index=True),
        first_year=int(years.min()), last_year=int(years.max()))


# --------------------------------------------------------------------------------------------- matrix
@dataclass(frozen=True)
class Matrix:
    cells: pd.DataFrame          # goal_id, area_id, n_projects, project_weight, approved, disbursed, spent
    goal_totals: pd.DataFrame    # goal_id, n_projects, approved, disbursed, spent
    area_totals: pd.DataFrame    # area_id, n_projects, approved, disbursed, spent
    n_projects: int              # distinct projects selected
    approved: float
    disbursed: float
    spent: float
    mode: str
    is_illustrative: bool


def _totals(rows: pd.DataFrame, by: str, axis: list[str]) -> pd.DataFrame:
    out = rows.groupby(by).agg(n_projects=("project_id", "nunique"),
                               **{m: (m, "sum") for m in MONEY}).reindex(axis)
    out.index.name = by
    out = out.reset_index()
    out["n_projects"] = out["n_projects"].fillna(0).astype(int)
    out[list(MONEY)] = out[list(MONEY)].astype(float).fillna(0.0)
    return out


def matrix(con, mode: str = "primary", **filters) -> Matrix:
    """Goals x areas under the filters, with the totals of each goal and each area (distinct projects)."""
    s = _select(con, _filters(**filters))
    cells = coverage.coverage_matrix(s.projects, s.project_goals, s.scaled, mode=mode, statuses=None)
    rows = coverage.projects_in_cell(s.projects, s.project_goals, s.scaled, None, None, mode=mode, statuses=None)
    goals = list(dict.fromkeys(cells["goal_id"]))
    areas = list(dict.fromkeys(cells["area_id"]))
    whole = coverage.project_amounts(s.scaled)
    return Matrix(cells=cells, goal_totals=_totals(rows, "goal_id", goals), area_totals=_totals(rows, "area_id", areas),
                  n_projects=int(rows["project_id"].nunique()), approved=float(whole["approved"].sum()),
                  disbursed=float(whole["disbursed"].sum()), spent=float(whole["spent"].sum()),
                  mode=mode, is_illustrative=s.is_illustrative)


def cell_projects(con, goal_id: str | None, area_id: str | None, mode: str = "primary", **filters) -> pd.DataFrame:
    """The projects of one matrix cell (None = a whole row or column), as counted in the cell."""
    s = _select(con, _filters(**filters))
    return coverage.projects_in_cell(s.projects, s.project_goals, s.scaled, goal_id, area_id, mode=mode,
                                     statuses=None)


# --------------------------------------------------------------------------------------------- map
@dataclass(frozen=True)
class CountryCoverage:
    by_country: pd.DataFrame      # selected countries with money: iso3, n_projects, approved, disbursed, spent,
                                  # un_region, income_group
    by_region: pd.DataFrame       # un_region, n_countries_funded, approved, disbursed, spent
    without_country: dict         # n_projects, approved, disbursed, spent of projects with no country
                                  # (zeros under a region or income filter)
    approved: float               # by_country + without_country = the matrix's total (all goals)
    goal: str | None
    mode: str
    is_illustrative: bool


def country_coverage(con, goal: str | None = None, mode: str = "primary", **filters) -> CountryCoverage:
    """Money approved per selected country under `goal` (None = all goals), regional totals, and the money
    no country can take (global projects), so the totals add up."""
    f = _filters(**filters)
    s = _select(con, f)
    cf = coverage.country_funding(s.projects, s.project_goals, s.project_countries, s.transactions,
                                  goal=goal, mode=mode, statuses=None, countries=s.countries)
    cf = cf.loc[cf["iso3"].isin(s.countries["iso3"])]
    cf = cf.merge(s.countries[["iso3", "un_region", "income_group"]], on="iso3", how="left")
    by_region = coverage.regional_totals(cf[["iso3", "n_projects", *MONEY]], s.countries, by="un_region")
    if f.by_country:
        none = {"n_projects": 0, **{m: 0.0 for m in MONEY}}
    else:
        none = coverage.funding_without_country(s.projects, s.project_goals, s.project_countries, s.transactions,
                                                goal=goal, mode=mode, statuses=None)
    funded = cf.loc[cf["approved"] > 0].reset_index(drop=True)
    return CountryCoverage(by_country=funded, by_region=by_region, without_country=none,
                           approved=float(funded["approved"].sum() + none["approved"]),
                           goal=goal, mode=mode, is_illustrative=s.is_illustrative)


# --------------------------------------------------------------------------------------------- need and gaps
def need_indicators(con, year: int) -> pd.DataFrame:
    """One row per country (never an aggregate): the latest default-source value up to `year` of
    emigrant_pct_pop, immigrant_pct_pop, remittances_pct_gdp (WDI remittances received, % of GDP),
    refugees_per_1000 (UNHCR refugees hosted / WDI population of the same year x 1000),
    remittance_cost_inbound_pct and female_share (female share of emigrants), each with a <col>_year;
    plus refugees_hosted and refugees_population (the two terms of refugees_per_1000)."""
    return query(con, "need_indicators", {"year": int(year)})


@dataclass(frozen=True)
class GapFinder:
    table: pd.DataFrame        # selected countries: need.gaps columns + raw indicator values, un_region, income_group
    cutoff: float              # need score at or above which a country is high need (all countries)
    n_scored: int              # selected countries with a score
    n_scored_all: int          # countries with a score, worldwide (the cut-off's base)
    missing: pd.DataFrame      # selected countries without a score: iso3, n_available, n_used
    weights: dict              # the weights used
    gender_lens: bool
    developing_only: bool      # high-income countries left out of the table
    year: int
    is_illustrative: bool


def gap_finder(con, year: int, weights: tuple[tuple[str, float], ...] | None = None, gender_lens: bool = False,
               goal: str | None = None, mode: str = "primary",
               developing_only: bool = True,
               min_indicators: int = need.DEFAULT_MIN_INDICATORS, need_quantile: float = 0.75,
               **filters) -> GapFinder:
    """Need (scored over every country) against coverage (money approved under the filters and goal),
    kept to the selected countries. Raises ValueError when no weight is above 0.

    developing_only: leave out the high-income countries (the partnership builds the capacity of
    developing countries), unless an income-group filter is set, which then decides alone. They are
    still scored (ranks and the high-need cut-off are over all countries), only not listed; countries
    without an income group (territories, and countries the World Bank has not classified, such as
    Ethiopia and Venezuela in 2025) stay in."""
    f = _filters(**filters)
    s = _select(con, f)
    w = dict(weights) if weights is not None else dict(need.DEFAULT_WEIGHTS)
    indicators = need_indicators(con, year)
    scores = need.need_scores(indicators, w, gender_lens=gender_lens, min_indicators=min_indicators)
    cf = coverage.country_funding(s.projects, s.project_goals, s.project_countries, s.transactions,
                                  goal=goal, mode=mode, statuses=None, countries=s.all_countries)
    table = need.gaps(scores, cf, need_quantile=need_quantile)
    table = table.merge(s.all_countries[["iso3", "un_region", "income_group"]], on="iso3", how="left")
    keep = table["iso3"].isin(s.countries["iso3"])
    if developing_only and not f.income_groups:
        keep &= table["income_group"].ne(HIGH_INCOME) | table["income_group"].isna()
    table = table.loc[keep].reset_index(drop=True)
    is_gap = table["quadrant"] == need.QUADRANT_GAP
    table.loc[is_gap, "gap_rank"] = range(1, int(is_gap.sum()) + 1)   # rank within the selection
    table.loc[~is_gap, "gap_rank"] = pd.NA
    table["gap_rank"] = table["gap_rank"].astype("Int64")
    missing = table.loc[table["missing"], ["iso3", "n_available", "n_used"]].sort_values("iso3", ignore_index=True)
    if gender_lens and need.GENDER_INDICATOR not in w:   # as need_scores does
        w[need.GENDER_INDICATOR] = need.DEFAULT_WEIGHTS[need.GENDER_INDICATOR]
    used = {k: float(v) for k, v in w.items() if v > 0 and (gender_lens or k != need.GENDER_INDICATOR)}
    return GapFinder(table=table, cutoff=need.need_threshold(scores, need_quantile),
                     n_scored=int(table["score"].notna().sum()), n_scored_all=int(scores["score"].notna().sum()),
                     missing=missing, weights=used,
                     gender_lens=bool(gender_lens),
                     developing_only=bool(developing_only and not f.income_groups), year=int(year),
                     is_illustrative=s.is_illustrative)


# --------------------------------------------------------------------------------------------- GFMD
def gfmd_tracker(con, **filters) -> coverage.GfmdFollowup:
    """Per GFMD 2007/2008 roundtable, outcome, recommendation and cross-cutting theme: the selected public
    projects that follow it up, their status and money (x their share in the selected countries), and the
    items nobody follows up. Proposals not yet decided are never counted (they are committee business)."""
    f = _filters(**filters)
    s = _select(con, f)
    items = queries.table(con, "gfmd_items")
    return coverage.gfmd_followup(items, s.projects, s.scaled, funded_statuses=f.public_statuses,
                                  pipeline_statuses=())


# --------------------------------------------------------------------------------------------- answers
@dataclass(frozen=True)
class Answers:
    least_goal: str | None            # goal with the least money approved (None when nothing is selected)
    least_goal_approved: float
    least_area: str | None
    least_area_approved: float
    least_cell: tuple[str, str] | None
    least_cell_approved: float
    gap_countries: tuple[str, ...]    # iso3 of high-need countries with no money approved, highest need first
    n_high_need: int                  # high-need countries in the selection
    unfollowed: tuple[str, ...]       # gfmd_item_id of items no selected project follows up
    n_items: int


def answers(m: Matrix, g: GapFinder | None, gfmd: coverage.GfmdFollowup) -> Answers:
    """The three questions a committee member asks first, from the page's own results (pure)."""
    def least(frame: pd.DataFrame, key: str):
        if m.n_projects == 0 or frame.empty:
            return None, 0.0
        row = frame.sort_values(["approved", key], kind="stable").iloc[0]
        return row[key], float(row["approved"])

    goal, goal_money = least(m.goal_totals, "goal_id")
    area, area_money = least(m.area_totals, "area_id")
    cell, cell_money = None, 0.0
    if m.n_projects:
        row = m.cells.sort_values(["approved", "goal_id", "area_id"]).iloc[0]
        cell, cell_money = (row["goal_id"], row["area_id"]), float(row["approved"])
    gaps = tuple(need.high_need_uncovered(g.table)) if g is not None else ()
    return Answers(least_goal=goal, least_goal_approved=goal_money, least_area=area, least_area_approved=area_money,
                   least_cell=cell, least_cell_approved=cell_money, gap_countries=gaps,
                   n_high_need=int(g.table["high_need"].sum()) if g is not None else 0,
                   unfollowed=tuple(gfmd.unfollowed["gfmd_item_id"]), n_items=len(gfmd.items))
