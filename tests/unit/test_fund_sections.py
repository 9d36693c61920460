"""ipmd.fund.report one section at a time: each, loaded alone with only its own inputs, gives what the whole
report gives for the same view; and the sentences the core chooses (period, reconciliation, summaries)."""
import math

import pandas as pd
import pytest

from ipmd import db
from ipmd.fund import report as fund_report
from ipmd.fund.flows import FundFilters, FundingLadder
from ipmd.fund.report import DonorSection, LadderSection, Reconciliation, TimeSection


@pytest.fixture(scope="module")
def fixture_con(fixture_db_file):
    connection = db.connect(str(fixture_db_file))
    yield connection
    connection.close()


def test_each_section_holds_the_reports_figures(fixture_con):
    options = fund_report.fund_options(fixture_con)
    first, last = options.first_year, options.last_year
    for args, middle, end_stage, other, money, freq, lang in (
            ((first, last, (), (), ()), "goal", "region", 0.0, "approved", "Y", "en"),
            ((first, last, options.donor_types[:1], (), ()), "area", "country", 5.0, "disbursed", "Q", "fr"),
            ((last, last, (), tuple(options.goals["goal_id"][:1]), ()), "goal", "country", 3.0, "approved", "Q", "es")):
        whole = fund_report.fund_report(fixture_con, *args, middle, end_stage, other, money, freq, lang)
        ladder = fund_report.fund_ladder(fixture_con, *args)
        assert ladder.ladder == whole.ladder or all(
            (math.isnan(a) and math.isnan(b)) or a == b for a, b in zip(vars(ladder.ladder).values(),
                                                                       vars(whole.ladder).values()))
        assert ladder.has_money == whole.has_money and ladder.n_transactions == len(whole.transactions)
        flow = fund_report.fund_flows(fixture_con, *args, middle, end_stage, other, lang)
        pd.testing.assert_frame_equal(flow.links, whole.links)
        assert flow.reconciliation.reconciles and flow.counts == whole.flow_counts
        placed = fund_report.fund_map(fixture_con, *args, money, lang)
        pd.testing.assert_frame_equal(placed.countries, whole.countries)
        assert placed.unplaced_usd == whole.unplaced_usd
        assert placed.placed_usd + placed.unplaced_usd == pytest.approx(getattr(whole.ladder, money), abs=0.5)
        pd.testing.assert_frame_equal(fund_report.fund_over_time(fixture_con, *args, freq).series, whole.over_time)
        donors = fund_report.fund_donors(fixture_con, *args)
        pd.testing.assert_frame_equal(donors.donors, whole.donors)
        assert donors.world_bank == whole.world_bank
        pd.testing.assert_frame_equal(fund_report.fund_transactions(fixture_con, *args), whole.transactions)


def test_a_backwards_period_is_turned_round_once():
    assert fund_report.period_years(2013, 2011) == (2011, 2013, True)
    assert fund_report.period_years(2011, 2013) == (2011, 2013, False)
    assert fund_report.period_years(2012, 2012) == (2012, 2012, False)


def reconciliation(**values) -> Reconciliation:
    base = dict(mode="deposits", deposited=100.0, approved=100.0, not_yet_approved=0.0, brought_forward=0.0,
                donor_leg=100.0, leg_totals=(), reconciles=True)
    return Reconciliation(**{**base, **values})


def test_the_reconciliation_sentence_follows_how_the_legs_add_up():
    assert reconciliation(mode="approved", deposited=math.nan).message().key == "funds.sankey.reconcile_projects"
    more = reconciliation(approved=130.0, brought_forward=30.0).message()
    assert more.key == "funds.sankey.reconcile_brought_forward" and more.values["brought"] == 30.0
    less = reconciliation(approved=70.0, not_yet_approved=30.0).message()
    assert less.key == "funds.sankey.reconcile_deposits" and less.values["not_yet"] == 30.0
    assert reconciliation().message().key == "funds.sankey.reconcile_equal"


def test_the_over_time_summary_names_the_period_with_most_approvals():
    series = pd.DataFrame({"period": ["2010", "2011", "2012"], "deposits": [5.0, 1.0, 2.0],
                           "approvals": [1.0, 9.0, 3.0], "disbursements": [0.0, 0.0, 0.0],
                           "fund_balance": [4.0, -4.0, -5.0]})
    pooled = TimeSection(series, selects_projects=False).summary()
    assert pooled.key == "funds.time.summary"
    assert pooled.values == {"top_period": "2011", "top_value": 9.0, "last_period": "2012", "balance": -5.0}
    projects = TimeSection(series, selects_projects=True).summary()
    assert projects.key == "funds.time.summary_projects" and "balance" not in projects.values
    assert TimeSection(series.iloc[:0], selects_projects=False).summary() is None


def test_the_busiest_year_adds_every_donors_deposits():
    timing = pd.DataFrame({"donor_id": ["A", "B", "A"], "name": ["A", "B", "A"], "year": [2010, 2011, 2011],
                           "deposited_usd": [10.0, 4.0, 7.0]})
    donors = DonorSection(donors=pd.DataFrame(), timing=timing, world_bank=None)
    assert donors.busiest_year() == (2011, 11.0)           # 4 + 7 beat 10
    assert DonorSection(pd.DataFrame(), timing.iloc[:0], None).busiest_year() is None


def test_the_ladder_summary_leaves_out_the_donor_side_under_goal_or_partner_filters():
    ladder = FundingLadder(pledged=math.nan, deposited=math.nan, approved=80.0, disbursed=50.0, spent=20.0,
                           fund_balance=math.nan, partner_balance=30.0, unpaid_pledges=math.nan)
    projects = LadderSection(FundFilters(goal_ids=("G1",)), ladder, True, 3, 0.0, True).summary()
    assert projects.key == "funds.ladder.summary_projects"
    assert projects.values == {"approved": 80.0, "disbursed": 50.0, "spent": 20.0, "partner_balance": 30.0}
    pooled = LadderSection(FundFilters(), ladder, True, 3, 0.0, True).summary()
    assert pooled.key == "funds.ladder.summary" and set(pooled.values) == set(fund_report.LADDER_FIGURES)


def test_stage_nodes_lists_a_stages_nodes_once_in_the_diagrams_order_without_other():
    """The donor and partner pickers under the Sankey: each node of the stage once (as source or as target), by
    its id without the stage prefix, in the order it first appears, "Other" left out."""
    links = pd.DataFrame({
        "source": ["donor:D2", "donor:Other", "donor:D1", "fund:F", "goal:G1", "goal:G1", "partner:IOM"],
        "source_label": ["Two", "Other", "One", "Fund", "G1", "G1", "Intl Org"],
        "source_stage": ["donor", "donor", "donor", "fund", "goal", "goal", "partner"],
        "target": ["fund:F", "fund:F", "fund:F", "goal:G1", "partner:IOM", "partner:ILO", "region:Africa"],
        "target_label": ["Fund", "Fund", "Fund", "G1", "Intl Org", "Labour Org", "Africa"],
        "target_stage": ["fund", "fund", "fund", "goal", "partner", "partner", "region"]})
    assert fund_report.stage_nodes(links, "donor") == (("D2", "Two"), ("D1", "One"))
    assert fund_report.stage_nodes(links, "partner") == (("IOM", "Intl Org"), ("ILO", "Labour Org"))
    assert fund_report.stage_nodes(links.iloc[:0], "donor") == ()
