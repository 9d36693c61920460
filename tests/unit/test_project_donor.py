"""The project and donor pages' core (ipmd.portfolio) and the fund's sources and uses, on small ledgers made here
whose expected figures are worked out by hand in the comments."""
from __future__ import annotations

import math

import duckdb
import pandas as pd

from ipmd import db
from ipmd.ledger.template import RESULT_TABLES
from ipmd.portfolio import donors, projects, sources_uses
from project_results_fixtures import add_results

PARTNERS = pd.DataFrame({"partner_id": ["ILO", "IOM"], "name": ["International Labour Organization",
                                                                 "International Organization for Migration"],
                         "kind": "UN agency", "is_gmg_member": True})


def txn(txn_id, kind, date, amount, donor=None, project=None):
    return {"txn_id": txn_id, "txn_type": kind, "iati_code": {"pledge": 11, "deposit": 1, "commitment": 2,
                                                               "disbursement": 3, "expenditure": 4}.get(kind),
            "txn_date": pd.Timestamp(date), "donor_id": donor, "project_id": project, "amount_usd": float(amount),
            "currency": "USD", "amount_original": float(amount), "is_illustrative": True}


def ledger(transactions, statuses=None):
    statuses = statuses or {"P1": "active", "P2": "closed", "P3": "submitted"}
    ids = list(statuses)
    return {
        "donors": pd.DataFrame({"donor_id": ["A", "B"], "name": ["Donor A", "Donor B"],
                                "donor_type": ["government", "private"], "iso3": ["FRA", None],
                                "is_world_bank_internal": False, "is_illustrative": True}),
        "projects": pd.DataFrame({"project_id": ids, "title": [f"Project {p}" for p in ids],
                                  "partner_id": ["ILO", "IOM", "ILO"][:len(ids)], "area_id": "A", "gfmd_item_id": None,
                                  "objectives": "o", "expected_results": "r", "status": list(statuses.values()),
                                  "requested_usd": 0.0, "submitted_date": None, "decision_date": None,
                                  "start_date": None, "end_date": None, "is_illustrative": True}),
        # P1: 60% G1, 40% G2, in PHL 75% / MEX 25%; P2: all G3, in MAR; P3 (undecided): G1, SEN
        "project_goals": pd.DataFrame({"project_id": ["P1", "P1", "P2", "P3"], "goal_id": ["G1", "G2", "G3", "G1"],
                                       "weight": [0.6, 0.4, 1.0, 1.0], "is_primary": [True, False, True, True]}),
        "project_countries": pd.DataFrame({"project_id": ["P1", "P1", "P2", "P3"],
                                           "iso3": ["PHL", "MEX", "MAR", "SEN"], "share": [0.75, 0.25, 1.0, 1.0]}),
        "transactions": pd.DataFrame(transactions),
        "partners": PARTNERS,
    }


BOOK = ledger([
    txn("T01", "pledge", "2009-01-01", 150, donor="A"),
    txn("T02", "deposit", "2009-01-10", 100, donor="A"),
    txn("T03", "deposit", "2009-02-01", 300, donor="B"),
    txn("T04", "commitment", "2009-03-01", 200, project="P1"),     # pool A 100, B 300: A 50, B 150
    txn("T05", "disbursement", "2009-04-01", 120, project="P1"),
    txn("T06", "deposit", "2010-01-05", 100, donor="A"),          # pool now A 150, B 150
    txn("T07", "commitment", "2010-02-01", 100, project="P2"),     # A 50, B 50
    txn("T08", "expenditure", "2010-03-01", 90, project="P1"),
    txn("T09", "disbursement", "2010-03-01", 100, project="P2"),
    txn("T10", "expenditure", "2010-06-01", 40, project="P2"),
    txn("T11", "commitment", "2010-06-01", 50, project="P3"),      # undecided: draws nothing, shown nowhere
])


# ------------------------------------------------------------------------------------------------ projects

def test_a_projects_ladder_is_its_transactions_by_type():
    page = projects.project_page_from(BOOK, "P1")
    assert (page.ladder.approved, page.ladder.disbursed, page.ladder.spent) == (200, 120, 90)
    assert page.not_yet_transferred == 80
    assert page.ladder_stages["amount_usd"].tolist() == [200, 120, 90]
    assert page.by_year.to_dict("records") == [{"year": 2009, "approved": 200.0, "disbursed": 120.0, "spent": 0.0},
                                               {"year": 2010, "approved": 0.0, "disbursed": 0.0, "spent": 90.0}]
    assert page.transactions["txn_id"].tolist() == ["T04", "T05", "T08"]
    assert page.goals["goal_id"].tolist() == ["G1", "G2"] and page.goals["is_primary"].tolist() == [True, False]
    assert page.countries["iso3"].tolist() == ["PHL", "MEX"]
    assert page.project["partner_name"] == "International Labour Organization"
    # its one approval (T04, 200) drew on the pool A 100, B 300
    assert page.funders[["donor_id", "attributed_usd", "share"]].values.tolist() == [["B", 150.0, 0.75],
                                                                                    ["A", 50.0, 0.25]]


def test_an_undecided_proposal_is_unknown_unless_the_committee_asks():
    assert projects.project_page_from(BOOK, "P3") is None
    assert "P3" not in projects.project_options_from(BOOK["projects"])["project_id"].tolist()
    page = projects.project_page_from(BOOK, "P3", include_undecided=True)
    assert page.project["status"] == "submitted" and page.ladder.approved == 50 and page.funders.empty
    assert "P3" in projects.project_options_from(BOOK["projects"], include_undecided=True)["project_id"].tolist()
    for status in ("under_review", "rejected"):
        book = ledger(BOOK["transactions"], {"P1": status, "P2": "closed", "P3": "submitted"})
        assert projects.project_page_from(book, "P1") is None


def test_an_id_that_names_no_project_gives_none():
    assert projects.project_page_from(BOOK, "NOPE") is None
    assert projects.project_page_from(BOOK, "") is None


def test_results_are_known_available_only_when_the_tables_exist(tmp_path):
    con = duckdb.connect(str(tmp_path / "r.duckdb"))
    con.execute("CREATE TABLE projects (project_id VARCHAR)")
    con.execute("INSERT INTO projects VALUES ('P1')")
    assert projects.results_tables(con) == () and not projects.results_available(con)
    add_results(con, "P1")
    assert projects.results_tables(con) == RESULT_TABLES and projects.results_available(con)
    con.close()


# -------------------------------------------------------------------------------------------------- donors

def test_each_approval_is_shared_by_the_pool_on_its_date():
    parts = donors.pool_attribution(BOOK["transactions"], BOOK["projects"])
    got = {(r.txn_id, r.donor_id): round(r.attributed_usd, 6) for r in parts.itertuples()}
    assert got == {("T04", "A"): 50, ("T04", "B"): 150, ("T07", "A"): 50, ("T07", "B"): 50}


def test_a_donors_attributed_money_is_its_deposits_used():
    a, b = donors.donor_page_from(BOOK, "A"), donors.donor_page_from(BOOK, "B")
    assert (a.pledged, a.deposited, a.unpaid) == (150, 200, 0)
    assert math.isclose(a.attributed, 100) and math.isclose(a.unallocated, 100)
    assert math.isclose(b.attributed, 200) and math.isclose(b.unallocated, 100)
    assert math.isclose(a.attributed + b.attributed, 300)            # all funded approvals, not P3's
    # A's 50 in P1 (60% G1, 40% G2; 75% PHL, 25% MEX) and 50 in P2 (G3, MAR)
    assert dict(zip(a.by_goal["goal_id"], a.by_goal["attributed_usd"].round(6))) == {"G1": 30, "G2": 20, "G3": 50}
    assert dict(zip(a.by_country["iso3"], a.by_country["attributed_usd"].round(6))) == {"MAR": 50, "PHL": 37.5,
                                                                                     "MEX": 12.5}
    assert dict(zip(a.by_partner["partner_id"], a.by_partner["attributed_usd"].round(6))) == {"ILO": 50, "IOM": 50}
    assert dict(zip(a.by_project["project_id"], a.by_project["share"].round(6))) == {"P1": 0.25, "P2": 0.5}
    assert a.by_year.to_dict("records") == [
        {"year": 2009, "pledged": 150.0, "deposited": 100.0, "cumulative_pledged": 150.0, "cumulative_deposited": 100.0},
        {"year": 2010, "pledged": 0.0, "deposited": 100.0, "cumulative_pledged": 150.0, "cumulative_deposited": 200.0}]


def test_an_approval_larger_than_the_pool_is_attributed_up_to_the_pool():
    book = ledger([txn("T1", "deposit", "2009-01-01", 100, donor="A"),
                   txn("T2", "commitment", "2009-02-01", 250, project="P1")])
    parts = donors.pool_attribution(book["transactions"], book["projects"])
    assert [(None if pd.isna(r.donor_id) else r.donor_id, r.attributed_usd) for r in parts.itertuples()] == [("A", 100.0), (None, 150.0)]
    page = donors.donor_page_from(book, "A")
    assert page.attributed == 100 and page.unallocated == 0


def test_same_day_deposits_count_before_the_approval_and_unknown_donors_give_none():
    book = ledger([txn("T2", "commitment", "2009-02-01", 100, project="P1"),
                   txn("T1", "deposit", "2009-02-01", 100, donor="B")])
    assert donors.donor_page_from(book, "B").attributed == 100
    assert donors.donor_page_from(book, "Z") is None


# ------------------------------------------------------------------------------------------ sources and uses

def test_sources_and_uses_by_period_with_unrecorded_lines():
    data = sources_uses.sources_uses_from(BOOK["transactions"], PARTNERS, BOOK["projects"], 2010)
    table = data.table.set_index("line")
    # deposits 100+300 in 2009, 100 in 2010; transfers 120 in 2009, 100 in 2010; approvals 200, then 100 (P3 not)
    assert table.loc["deposits", ["prior", "year", "total"]].tolist() == [400, 100, 500]
    assert table.loc["transfers", ["prior", "year", "total"]].tolist() == [120, 100, 220]
    assert table.loc["balance", ["prior", "year", "total"]].tolist() == [280, 0, 280]
    assert table.loc["approved_not_transferred", "total"] == 80           # 300 approved - 220 transferred
    assert table.loc["available_for_approval", "total"] == 200            # 500 deposited - 300 approved
    for line in ("investment_income", "refunds", "admin_costs"):
        assert not table.loc[line, "recorded"] and table.loc[line, ["prior", "year", "total"]].isna().all()
    assert data.provisional and data.certified_through == 2009           # the ledger's last year, 2010


def test_refunds_and_costs_count_when_the_ledger_carries_them():
    rows = list(BOOK["transactions"].to_dict("records")) + [
        {**txn("X1", "deposit", "2010-12-01", 0), "txn_type": "interest", "amount_usd": 7.0},
        {**txn("X2", "deposit", "2010-12-01", 0, project="P1"), "txn_type": "refund", "amount_usd": 20.0},
        {**txn("X3", "deposit", "2010-12-31", 0), "txn_type": "administrative_cost", "amount_usd": 10.0}]
    data = sources_uses.sources_uses_from(pd.DataFrame(rows), PARTNERS, BOOK["projects"], 2010)
    table = data.table.set_index("line")
    assert table["recorded"].all()
    # sources 500 + 7; uses 220 transferred - 20 refunded + 10 costs = 210; balance 297
    assert table.loc["total_sources", "total"] == 507 and table.loc["total_uses", "total"] == 210
    assert table.loc["balance", "total"] == 297


def test_delivery_rate_by_partner_and_by_year():
    data = sources_uses.sources_uses_from(BOOK["transactions"], PARTNERS, BOOK["projects"], 2010)
    # ILO (P1): 120 transferred, 90 spent; IOM (P2): 100 transferred, 40 spent
    rates = data.by_partner.set_index("partner_id")
    assert rates.loc["ILO", ["transferred", "spent", "delivery_rate"]].tolist() == [120, 90, 0.75]
    assert rates.loc["IOM", ["transferred", "spent", "delivery_rate"]].tolist() == [100, 40, 0.4]
    years = data.by_year.set_index("year")
    assert years.loc[2009, "delivery_rate"] == 0 and years.loc[2010, "delivery_rate"] == 1.3   # 130 / 100
    assert math.isclose(years.loc[2010, "cumulative_rate"], 130 / 220)
    assert years["provisional"].tolist() == [False, True]
    early = sources_uses.sources_uses_from(BOOK["transactions"], PARTNERS, BOOK["projects"], 2009)
    assert not early.provisional and early.by_year["year"].tolist() == [2009]
    assert early.by_partner.set_index("partner_id").loc["ILO", "spent"] == 0
    certified = sources_uses.sources_uses_from(BOOK["transactions"], PARTNERS, BOOK["projects"], 2010,
                                               certified_through=2010)
    assert not certified.provisional and not certified.by_year["provisional"].any()


def test_the_database_forms_read_the_fixture_ledger(fixture_db_file):
    con = db.connect(str(fixture_db_file))
    try:
        page = projects.project_page(con, "DEMO-P")
        assert (page.ladder.approved, page.ladder.disbursed, page.ladder.spent) == (5, 0, 0)
        donor = donors.donor_page(con, "DEMO-D")
        assert (donor.pledged, donor.deposited, donor.attributed, donor.unallocated) == (10, 10, 5, 5)
        assert donors.donor_options(con)["donor_id"].tolist() == ["DEMO-D"]
        assert sources_uses.sources_uses(con, 2009).table.set_index("line").loc["deposits", "total"] == 10
    finally:
        con.close()


def test_links_keep_the_language_and_quote_the_id():
    from components.links import donor_link, project_link

    assert project_link("IPMD-2009-004", "en") == "project?project=IPMD-2009-004"
    assert project_link("IPMD-2009-004", "fr") == "project?project=IPMD-2009-004&lang=fr"
    assert donor_link("GOV-FRA", "es") == "donor?donor=GOV-FRA&lang=es"
    assert donor_link("A&B ?x", "en") == "donor?donor=A%26B+%3Fx"


def test_a_partners_projects_are_its_funded_ones_only():
    frame = pd.DataFrame({"project_id": ["P3", "P1", "P2", "P4", "P5"], "title": ["c", "a", "b", "d", "e"],
                          "partner_id": ["ILO", "ILO", "IOM", "ILO", "WB"],
                          "status": ["closed", "active", "approved", "under_review", "approved"]})
    listed = projects.partner_projects_from(frame, ("ILO", "IOM"))
    # P4 is under review (confidential), P5 another partner's
    assert listed["project_id"].tolist() == ["P1", "P3", "P2"]
    assert listed["partner_id"].tolist() == ["ILO", "ILO", "IOM"]
    assert projects.partner_projects_from(frame, ()).empty
