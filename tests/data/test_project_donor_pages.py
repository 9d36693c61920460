"""The project and donor pages' figures on the committed database, checked against the ledger with SQL."""
from __future__ import annotations

import math

import pytest

from ipmd import db, queries
from ipmd.db import query
from ipmd.fund.rules import FUNDED_STATUSES
from ipmd.portfolio import donors, projects, sources_uses


@pytest.fixture(scope="module")
def con():
    connection = db.connect()
    yield connection
    connection.close()


def test_every_projects_ladder_equals_its_transactions(con):
    sums = query(con, "SELECT project_id, txn_type, SUM(amount_usd) AS total FROM transactions "
                      "WHERE project_id IS NOT NULL GROUP BY ALL")
    expected = {(r.project_id, r.txn_type): r.total for r in sums.itertuples()}
    book = queries.ledger(con)
    funded = book["projects"].loc[book["projects"]["status"].isin(FUNDED_STATUSES), "project_id"]
    assert len(funded) > 10
    for pid in funded:
        page = projects.project_page_from(book, pid)
        for stage, kind in (("approved", "commitment"), ("disbursed", "disbursement"), ("spent", "expenditure")):
            assert math.isclose(getattr(page.ladder, stage), expected.get((pid, kind), 0.0), abs_tol=0.005), (pid, stage)
        # the donors' parts of its approvals are all of them
        assert math.isclose(page.funders["attributed_usd"].sum(), page.ladder.approved, abs_tol=0.01), pid


def test_undecided_proposals_have_no_public_page(con):
    undecided = query(con, "SELECT project_id FROM projects WHERE status IN ('submitted', 'under_review', 'rejected')")
    assert len(undecided)
    book = queries.ledger(con)
    public = set(projects.project_options_from(book["projects"])["project_id"])
    for pid in undecided["project_id"]:
        assert projects.project_page_from(book, pid) is None and pid not in public
        assert projects.project_page_from(book, pid, include_undecided=True) is not None


def test_donors_attributed_money_is_their_deposits_used_and_adds_up_to_approvals(con):
    deposits = dict(query(con, "SELECT donor_id, SUM(amount_usd) FROM transactions WHERE txn_type = 'deposit' "
                               "GROUP BY ALL").itertuples(index=False, name=None))
    approved = query(con, "SELECT SUM(amount_usd) AS s FROM transactions t JOIN projects p USING (project_id) "
                          "WHERE txn_type = 'commitment' AND p.status IN ('approved', 'active', 'closed')")["s"].iloc[0]
    book = queries.ledger(con)
    unattributed = donors.pool_attribution(book["transactions"], book["projects"])
    unattributed = unattributed.loc[unattributed["donor_id"].isna(), "attributed_usd"].sum()
    total = 0.0
    for donor_id in book["donors"]["donor_id"]:
        page = donors.donor_page_from(book, donor_id)
        assert math.isclose(page.deposited, deposits.get(donor_id, 0.0), abs_tol=0.005)
        assert math.isclose(page.attributed + page.unallocated, page.deposited, abs_tol=0.01)
        assert page.unallocated >= -0.01
        for part in (page.by_goal, page.by_partner, page.by_country, page.by_project):
            assert math.isclose(part["attributed_usd"].sum(), page.attributed, abs_tol=0.01), donor_id
        total += page.attributed
    assert math.isclose(total + unattributed, approved, abs_tol=0.05)


def test_sources_and_uses_equal_the_ledgers_totals(con):
    last = int(query(con, "SELECT MAX(YEAR(txn_date)) AS y FROM transactions")["y"].iloc[0])
    totals = dict(query(con, "SELECT txn_type, SUM(amount_usd) FROM transactions t LEFT JOIN projects p "
                             "USING (project_id) WHERE project_id IS NULL OR p.status IN ('approved', 'active', 'closed') "
                             "GROUP BY ALL").itertuples(index=False, name=None))
    data = sources_uses.sources_uses(con, last)
    table = data.table.set_index("line")
    assert math.isclose(table.loc["deposits", "total"], totals["deposit"], abs_tol=0.005)
    assert math.isclose(table.loc["transfers", "total"], totals["disbursement"], abs_tol=0.005)
    assert math.isclose(table.loc["balance", "total"], totals["deposit"] - totals["disbursement"], abs_tol=0.01)
    assert math.isclose(data.by_partner["transferred"].sum(), totals["disbursement"], abs_tol=0.01)
    assert math.isclose(data.by_partner["spent"].sum(), totals["expenditure"], abs_tol=0.01)
    assert data.provisional and data.by_year["provisional"].tolist()[-1] and not data.by_year["provisional"].iloc[0]
