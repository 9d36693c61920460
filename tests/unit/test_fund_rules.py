"""ipmd.fund.rules: the funds screen, the what-if and the ledger checks judge the World Bank ceiling alike."""
import numpy as np
import pandas as pd
import pytest

from ipmd.fund import flows
from ipmd.fund import rules
from ipmd.ledger.invariants import ledger_invariant_problems
from ipmd.ledger.template import SHEETS
from ipmd.ledger.validate import CellError, parse_boolean
from ipmd.allocation.whatif import what_if


def ledger(wb_deposit: float, internal_flag=True) -> dict[str, pd.DataFrame]:
    """A government deposits 85 in three parts (a float sum with noise); the World Bank deposits
    `wb_deposit` of its own resources; one project is approved for 50."""
    donors = pd.DataFrame({"donor_id": ["GOV", "WB"], "name": ["Government", "World Bank DGF"],
                           "donor_type": ["government", "multilateral"], "iso3": ["BEL", None],
                           "is_world_bank_internal": [False, internal_flag]})
    projects = pd.DataFrame({"project_id": ["P1"], "title": ["One"], "partner_id": ["ILO"], "area_id": ["A"],
                             "gfmd_item_id": [None], "status": ["active"], "requested_usd": [50.0]})
    goals = pd.DataFrame({"project_id": ["P1"], "goal_id": ["G1"], "weight": [1.0], "is_primary": [True]})
    countries = pd.DataFrame({"project_id": ["P1"], "iso3": ["PHL"], "share": [1.0]})
    rows = [("pledge", "2008-01-01", "GOV", None, 85.0), ("pledge", "2008-01-01", "WB", None, 20.0),
            ("deposit", "2008-02-01", "GOV", None, 28.1), ("deposit", "2008-03-01", "GOV", None, 28.2),
            ("deposit", "2008-04-01", "GOV", None, 28.7), ("deposit", "2008-05-01", "WB", None, wb_deposit),
            ("commitment", "2008-06-01", None, "P1", 50.0)]
    tx = pd.DataFrame(rows, columns=["txn_type", "txn_date", "donor_id", "project_id", "amount_usd"])
    tx["currency"], tx["amount_original"] = "USD", tx["amount_usd"]
    return {"donors": donors, "projects": projects, "project_goals": goals, "project_countries": countries,
            "transactions": tx}


def verdicts(book) -> tuple[bool, bool, bool]:
    """Over the ceiling? as the funds screen, the what-if and the import checks say."""
    screen = flows.world_bank_share_status(book).status == "breached"
    review = what_if(None, book["projects"], book["project_goals"], book["project_countries"],
                     book["transactions"], book["donors"]).wb_internal_over_ceiling
    checks = any("World Bank internal" in p.message for p in ledger_invariant_problems(book))
    return screen, review, checks


@pytest.mark.parametrize("wb_deposit, over", [
    (15.0, False),      # 15 of 100: exactly 15%, allowed
    (15.005, False),    # half a cent over 15% of the total: within the tolerance of one cent
    (15.02, True),      # 15.02 of 100.02: 0.0147 over 15% of the total, more than a cent
    (30.0, True),
    (0.0, False),
])
def test_three_callers_agree_at_the_ceiling(wb_deposit, over):
    book = ledger(wb_deposit)
    assert verdicts(book) == (over, over, over)


def test_the_flag_is_read_alike_by_all_three():
    # a yes/no column as text, as it comes from a CSV: "Yes" counts as World Bank money everywhere
    assert verdicts(ledger(30.0, internal_flag="Yes")) == (True, True, True)
    assert verdicts(ledger(30.0, internal_flag="no")) == (False, False, False)


def test_what_if_takes_the_funds_screen_balance():
    book = ledger(15.0)
    ladder = flows.funding_ladder(book["transactions"])
    r = what_if(None, book["projects"], book["project_goals"], book["project_countries"],
                book["transactions"], book["donors"])
    assert (r.deposits, r.approved_to_date, r.available_before) == (ladder.deposited, ladder.approved,
                                                                   ladder.fund_balance)
    assert r.deposits == pytest.approx(100.0) and r.available_before == pytest.approx(50.0)


@pytest.mark.parametrize("value, expected", [
    (True, True), (np.bool_(False), False), (1, True), (0.0, False), (np.int64(1), True),
    ("TRUE", True), (" yes ", True), ("y", True), ("t", True), ("1", True), ("1.0", True),
    ("False", False), ("no", False), ("n", False), ("0", False),
    ("maybe", None), ("", None), (2, None), (float("nan"), None), (None, None), (pd.NA, None),
])
def test_one_reading_of_yes_and_no(value, expected):
    assert rules.parse_bool(value) is expected
    column = next(c for s in SHEETS for c in s.columns if c.kind == "boolean")
    if expected is None:
        with pytest.raises(CellError):
            parse_boolean(value, column)
    else:
        assert parse_boolean(value, column) is expected
    assert bool(rules.as_bool(pd.Series([value], dtype=object)).iloc[0]) is (expected is True)


def test_statuses_partition_the_template_vocabulary():
    assert set(rules.FUNDED_STATUSES) | set(rules.PIPELINE_STATUSES) | {"rejected"} == set(rules.PROJECT_STATUSES)
    assert not set(rules.PIPELINE_STATUSES) & set(rules.DECIDED_STATUSES)
    assert set(rules.FUNDED_STATUSES) < set(rules.DECIDED_STATUSES)
