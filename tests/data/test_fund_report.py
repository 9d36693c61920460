"""The trust fund flows page's numbers, on the bundled database (read-only) and on a small hand-made ledger.

On the real database: the ladder's deposits are the deposit transactions; the flow diagram reconciles
with the ladder at every stage, whatever the filters; the map's countries add up to the ladder less
the money with no country; donor shares sum to 1; the World Bank is within its ceiling; the IATI-style
export sums back to the ladder; undecided proposals never appear.
"""
import math

import pandas as pd
import pytest

from ipmd import queries
from ipmd.fund import flows, report as fund_report
from ipmd.fund.rules import FUNDED_STATUSES, PIPELINE_STATUSES

TOL = 0.5          # US$


@pytest.fixture(scope="module")
def countries(con):
    return queries.countries(con)


@pytest.fixture(scope="module")
def everything(con):
    return fund_report.fund_report(con)


def report(ledger, countries, **kwargs):
    return fund_report.fund_report_from(ledger, countries, **kwargs)


def legs(links: pd.DataFrame) -> dict[str, float]:
    return {k: float(v) for k, v in flows.leg_totals(links).items()}


# ----------------------------------------------------------------------------------------- ladder

def test_deposited_is_the_sum_of_deposit_transactions(everything, ledger):
    txns = ledger["transactions"]
    assert everything.ladder.deposited == pytest.approx(txns.loc[txns.txn_type == "deposit", "amount_usd"].sum())
    assert everything.ladder.pledged == pytest.approx(txns.loc[txns.txn_type == "pledge", "amount_usd"].sum())


def test_ladder_balances_follow_the_pooled_fund_definitions(everything):
    lad = everything.ladder
    assert lad.fund_balance == pytest.approx(lad.deposited - lad.approved)
    assert lad.partner_balance == pytest.approx(lad.disbursed - lad.spent)
    assert 0 <= lad.unpaid_pledges <= lad.pledged


def test_ladder_for_one_period_counts_only_its_transactions(ledger, countries):
    txns = ledger["transactions"]
    in_2012 = txns[pd.to_datetime(txns.txn_date).dt.year == 2012]
    lad = report(ledger, countries, start_year=2012, end_year=2012).ladder
    for stage, kind in (("deposited", "deposit"), ("approved", "commitment"), ("disbursed", "disbursement")):
        assert getattr(lad, stage) == pytest.approx(in_2012.loc[in_2012.txn_type == kind, "amount_usd"].sum())


# ------------------------------------------------------------------------------------------- flows

@pytest.mark.parametrize("kwargs", [
    {},
    {"middle": "area", "end_stage": "country"},
    {"start_year": 2012, "end_year": 2013},
    {"start_year": 2015, "end_year": 2015},                 # approves more than it received: brought forward
    {"start_year": 2008, "end_year": 2008},                 # deposits only
    {"donor_types": ("government",)},
    {"other_pct": 10.0, "end_stage": "country"},
])
def test_sankey_reconciles_with_the_ladder_without_project_filters(ledger, countries, kwargs):
    r = report(ledger, countries, **kwargs)
    totals = legs(r.links)
    assert r.reconciliation.reconciles
    assert r.reconciliation.mode == "deposits"
    assert totals["donor>fund"] == pytest.approx(r.ladder.deposited, abs=TOL)
    after_fund = {k: v for k, v in totals.items() if not k.startswith(("donor>", "balance>")) and k != "fund>balance"}
    for leg, value in after_fund.items():
        assert value == pytest.approx(r.ladder.approved, abs=TOL), leg
    # the fund's two sides balance: deposits + brought forward = approved + not yet approved
    assert (totals["donor>fund"] + totals.get("balance>fund", 0.0)
            == pytest.approx(r.ladder.approved + totals.get("fund>balance", 0.0), abs=TOL))


@pytest.mark.parametrize("kwargs", [
    {"goal_ids": ("G2",)},
    {"partner_ids": ("IOM", "ILO")},
    {"goal_ids": ("G1", "G3"), "donor_types": ("private",), "start_year": 2011, "end_year": 2014},
])
def test_sankey_reconciles_with_the_ladder_with_project_filters(ledger, countries, kwargs):
    r = report(ledger, countries, **kwargs)
    assert r.reconciliation.reconciles and r.reconciliation.mode == "approved"
    assert math.isnan(r.ladder.deposited) and math.isnan(r.ladder.fund_balance)
    for leg, value in legs(r.links).items():
        assert value == pytest.approx(r.ladder.approved, abs=TOL), leg


def test_grouping_into_other_keeps_every_total(ledger, countries):
    plain = legs(report(ledger, countries, end_stage="country").links)
    grouped_report = report(ledger, countries, end_stage="country", other_pct=5.0)
    grouped = legs(grouped_report.links)
    assert grouped.keys() == plain.keys()
    for leg in plain:
        assert grouped[leg] == pytest.approx(plain[leg], abs=TOL)
    assert grouped_report.links["target_label"].eq("Other").any()
    assert len(grouped_report.links) < len(report(ledger, countries, end_stage="country").links)


def test_country_nodes_are_named_in_the_interface_language(ledger, countries):
    shown = report(ledger, countries, lang="fr", end_stage="country").links
    shown = shown[shown.target_stage == "country"]
    names = countries.set_index("iso3")
    checked = 0
    for node, label in zip(shown.target, shown.target_label):
        iso3 = node.split(":", 1)[1]
        if iso3 in names.index and names.loc[iso3, "name_fr"] != names.loc[iso3, "name_en"]:
            assert label == names.loc[iso3, "name_fr"]
            checked += 1
    assert checked > 0


def test_goal_area_and_region_nodes_are_named_in_the_interface_language(ledger, countries):
    by_goal = report(ledger, countries, lang="fr").links
    labels = dict(zip(by_goal.target, by_goal.target_label))
    assert labels["goal:G1"] == "G1 · Suivi du FMMD" and labels["goal:G3"] == "G3 · Renforcement des capacités"
    assert labels["region:Asia"] == "Asie"
    assert labels["region:Latin America and the Caribbean"] == "Amérique latine et Caraïbes"
    by_area = report(ledger, countries, lang="es", middle="area").links
    labels = dict(zip(by_area.target, by_area.target_label))
    assert labels["area:A"] == "A · Información, investigación y análisis"
    assert labels["area:B"] == "B · Evaluación del impacto y gestión de programas"
    assert labels["region:Africa"] == "África"


def test_goal_filter_options_are_named_in_the_interface_language(ledger):
    options = fund_report.fund_options_from(fund_report.funded_ledger(ledger), "es")
    assert options.goals.to_dict("records") == [
        {"goal_id": "G1", "label": "G1 · Seguimiento del FMMD"},
        {"goal_id": "G2", "label": "G2 · Coherencia de las políticas"},
        {"goal_id": "G3", "label": "G3 · Fomento de la capacidad"}]


# --------------------------------------------------------------------------------------------- map

@pytest.mark.parametrize("money", ["approved", "disbursed"])
def test_map_countries_sum_to_the_ladder_less_the_money_with_no_country(ledger, countries, money):
    r = report(ledger, countries, money=money)
    funded = fund_report.funded_ledger(ledger)
    kind = {"approved": "commitment", "disbursed": "disbursement"}[money]
    txns = funded["transactions"]
    no_country = set(funded["projects"].project_id) - set(funded["project_countries"].project_id)
    unplaced = txns.loc[(txns.txn_type == kind) & txns.project_id.isin(no_country), "amount_usd"].sum()
    assert r.countries["amount_usd"].sum() == pytest.approx(getattr(r.ladder, money) - unplaced, abs=TOL)
    assert r.unplaced_usd == pytest.approx(unplaced, abs=TOL)
    assert r.countries["iso3"].is_unique and (r.countries["amount_usd"] > 0).all()


def test_multi_country_projects_are_split_by_their_shares(ledger, countries):
    funded = fund_report.funded_ledger(ledger)
    pc = funded["project_countries"]
    multi = pc[pc.duplicated("project_id", keep=False)]
    assert not multi.empty, "the demonstration portfolio has funded multi-country projects"
    project = multi["project_id"].iloc[0]
    txns = ledger["transactions"]
    approved = txns.loc[(txns.project_id == project) & (txns.txn_type == "commitment"), "amount_usd"].sum()
    assert approved > 0
    one = report({**ledger, "projects": ledger["projects"][ledger["projects"].project_id == project]}, countries)
    shares = multi[multi.project_id == project].set_index("iso3")["share"]
    got = one.countries.set_index("iso3")["amount_usd"]
    assert set(got.index) == set(shares.index)
    for iso3, s in shares.items():
        assert got[iso3] == pytest.approx(approved * s, abs=TOL), iso3
    assert got.sum() == pytest.approx(approved, abs=TOL)


def test_profile_project_lists_add_up_to_the_flows_map(con, everything):
    """What each country profile lists (its share of every funded project) is what the fund map puts there."""
    from ipmd.fund import summary as fund_summary

    listed = fund_summary.projects_by_country(con)
    assert set(listed["status"]) <= set(FUNDED_STATUSES)
    per_country = listed.groupby("iso3")["approved_here"].sum()
    mapped = everything.countries.set_index("iso3")["amount_usd"]
    assert set(per_country[per_country > 0].index) == set(mapped.index)
    for iso3, amount in mapped.items():
        assert per_country[iso3] == pytest.approx(amount, abs=TOL), iso3
    phl = fund_summary.country_projects(con, "PHL")
    assert "iso3" not in phl.columns
    assert phl["approved_here"].sum() == pytest.approx(mapped.get("PHL", 0.0), abs=TOL)
    assert phl["approved_here"].is_monotonic_decreasing


# ------------------------------------------------------------------------------------------ donors

def test_donor_shares_sum_to_one(everything):
    assert everything.donors["share_of_deposits"].sum() == pytest.approx(1.0)
    assert everything.donors["deposited_usd"].sum() == pytest.approx(everything.ladder.deposited)


def test_world_bank_is_within_the_ceiling_for_the_demonstration_portfolio(everything):
    wb = everything.world_bank
    assert wb.status == "within"
    assert wb.share == pytest.approx(wb.wb_deposits / wb.total_deposits)
    assert wb.share < wb.ceiling - wb.warn_margin


def test_donor_timing_adds_up_to_the_deposits(everything):
    timing = everything.donor_timing
    assert timing["deposited_usd"].sum() == pytest.approx(everything.ladder.deposited)


# --------------------------------------------------------------------------------------- over time

@pytest.mark.parametrize("freq", ["Y", "Q"])
def test_over_time_adds_up_to_the_ladder(ledger, countries, freq):
    r = report(ledger, countries, freq=freq)
    series = r.over_time
    assert series["deposits"].sum() == pytest.approx(r.ladder.deposited)
    assert series["approvals"].sum() == pytest.approx(r.ladder.approved)
    assert series["disbursements"].sum() == pytest.approx(r.ladder.disbursed)
    assert series["fund_balance"].iloc[-1] == pytest.approx(r.ladder.fund_balance)
    assert len(series) == (8 if freq == "Y" else 32)


def test_over_time_hides_pooled_figures_for_a_goal(ledger, countries):
    series = report(ledger, countries, goal_ids=("G1",)).over_time
    assert series["deposits"].isna().all() and series["fund_balance"].isna().all()
    assert series["approvals"].sum() > 0


# -------------------------------------------------------------------------------------- downloads

@pytest.mark.parametrize("kwargs", [{}, {"goal_ids": ("G2",), "donor_types": ("government",)},
                                    {"start_year": 2013, "end_year": 2014, "partner_ids": ("IOM",)}])
def test_iati_export_sums_back_to_the_ladder(ledger, countries, kwargs):
    r = report(ledger, countries, **kwargs)
    t = r.transactions
    assert list(t.columns) == fund_report.IATI_COLUMNS
    by_code = t.groupby("transaction_type_code")["value_usd_in_selection"].sum()
    for code, stage in ((2, "approved"), (3, "disbursed"), (4, "spent")):
        assert by_code.get(code, 0.0) == pytest.approx(getattr(r.ladder, stage), abs=TOL)
    if not r.filters.selects_projects:
        assert by_code.get(1, 0.0) == pytest.approx(r.ladder.deposited, abs=TOL)
        assert by_code.get(11, 0.0) == pytest.approx(r.ladder.pledged, abs=TOL)
    assert set(t["transaction_type_code"]) <= {11, 1, 2, 3, 4}
    incoming = t[t.transaction_type_code.isin([11, 1])]
    assert (incoming["receiver_org_ref"] == fund_report.FUND_ACTIVITY_ID).all()
    outgoing = t[t.transaction_type_code.isin([2, 3])]
    assert (outgoing["provider_org_ref"] == fund_report.FUND_ACTIVITY_ID).all()
    assert outgoing["receiver_org"].notna().all()


def test_undecided_proposals_never_appear(ledger, everything):
    projects = ledger["projects"]
    hidden = set(projects.loc[~projects.status.isin(FUNDED_STATUSES), "project_id"])
    assert set(projects.loc[projects.status.isin(PIPELINE_STATUSES), "project_id"]) <= hidden
    assert not hidden & set(everything.transactions["iati_activity_id"])
    assert not any(node.split(":", 1)[1] in hidden for node in everything.links["target"])


# ------------------------------------------------------------------------------------ empty input

def test_a_period_with_no_transactions_gives_an_empty_report(con):
    r = fund_report.fund_report(con, 1990, 1991)
    assert not r.has_money and not r.has_flows
    assert r.ladder.deposited == 0 and r.ladder.approved == 0
    assert r.countries.empty and r.donors.empty and r.over_time.empty and r.transactions.empty
    assert r.reconciliation.reconciles


def test_options_list_the_funded_portfolio(con, ledger):
    options = fund_report.fund_options(con)
    assert (options.first_year, options.last_year) == (2008, 2015)
    assert set(options.donor_types) == set(ledger["donors"].donor_type)
    funded = ledger["projects"][ledger["projects"].status.isin(FUNDED_STATUSES)]
    assert set(options.partners.partner_id) == set(funded.partner_id)
    assert options.is_illustrative


def test_bad_stage_names_are_refused(ledger, countries):
    with pytest.raises(ValueError):
        report(ledger, countries, middle="country")
    with pytest.raises(ValueError):
        report(ledger, countries, money="pledged")


def test_flow_counts_do_not_count_other(ledger, countries):
    plain = report(ledger, countries, end_stage="country")
    grouped = report(ledger, countries, end_stage="country", other_pct=5.0)
    assert grouped.flow_counts == plain.flow_counts
    assert plain.flow_counts.n_end == len(plain.countries)
    assert plain.flow_counts.n_donors == (plain.donors["deposited_usd"] > 0).sum()
    options = fund_report.fund_options_from(fund_report.funded_ledger(ledger))
    assert plain.flow_counts.n_partners == len(options.partners)
