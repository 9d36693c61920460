"""The ledger invariants on small hand-made ledgers: a valid one, and one break at a time."""
import pandas as pd
import pytest

from ipmd.ledger.invariants import ledger_invariant_problems

TXN_COLS = ["txn_id", "txn_type", "iati_code", "txn_date", "donor_id", "project_id",
            "amount_usd", "currency", "amount_original", "is_illustrative"]
CODES = {"pledge": 11, "deposit": 1, "commitment": 2, "disbursement": 3, "expenditure": 4}


def txn(i, kind, date, amount, donor=None, project=None, currency="USD", original=None):
    return {"txn_id": f"T{i}", "txn_type": kind, "iati_code": CODES[kind], "txn_date": date,
            "donor_id": donor, "project_id": project, "amount_usd": float(amount), "currency": currency,
            "amount_original": float(amount if original is None else original), "is_illustrative": True}


def valid_ledger() -> dict[str, pd.DataFrame]:
    donors = pd.DataFrame({
        "donor_id": ["GOV", "WB"], "name": ["Government", "World Bank DGF"],
        "donor_type": ["government", "multilateral"], "iso3": ["BEL", None],
        "is_world_bank_internal": [False, True], "is_illustrative": [True, True]})
    projects = pd.DataFrame({"project_id": ["P1", "P2"], "title": ["a", "b"]})
    pc = pd.DataFrame({"project_id": ["P1", "P2", "P2"], "iso3": ["PHL", "MEX", "GTM"],
                       "share": [1.0, 0.6, 0.4]})
    pg = pd.DataFrame({"project_id": ["P1", "P1", "P2"], "goal_id": ["G1", "G2", "G3"],
                       "weight": [0.7, 0.3, 1.0], "is_primary": [True, False, True]})
    t = pd.DataFrame([
        txn(1, "pledge", "2008-01-10", 1000, donor="GOV"),
        txn(2, "deposit", "2008-02-01", 600, donor="GOV"),
        txn(3, "pledge", "2008-02-01", 100, donor="WB"),
        txn(4, "deposit", "2008-02-01", 100, donor="WB"),           # WB: 100 / 1100 = 9.1%
        txn(5, "commitment", "2008-03-01", 500, project="P1"),
        txn(6, "deposit", "2009-01-01", 400, donor="GOV"),
        txn(7, "commitment", "2009-01-01", 600, project="P2"),      # 1100 approved, 1100 deposited
        txn(8, "disbursement", "2009-02-01", 500, project="P1"),
        txn(9, "expenditure", "2009-12-31", 450, project="P1"),
        txn(10, "disbursement", "2009-03-01", 300, project="P2"),
    ], columns=TXN_COLS)
    return {"donors": donors, "projects": projects, "project_countries": pc, "project_goals": pg,
            "transactions": t}


def only(problems, sheet=None):
    assert len(problems) == 1, [str(p) for p in problems]
    p = problems[0]
    if sheet:
        assert p.sheet == sheet
    return p


def test_valid_ledger_has_no_problems():
    assert ledger_invariant_problems(valid_ledger()) == []


def test_empty_tables_have_no_problems():
    assert ledger_invariant_problems({}) == []
    empty = {k: v.iloc[0:0] for k, v in valid_ledger().items()}
    assert ledger_invariant_problems(empty) == []


def test_deposit_above_pledge_to_date_is_located():
    t = valid_ledger()
    t["transactions"].loc[5, "amount_usd"] = 500.0          # GOV deposits 600 + 500 = 1100 > 1000 pledged
    t["transactions"].loc[5, "amount_original"] = 500.0
    p = only(ledger_invariant_problems(t), "transactions")
    assert p.row == 7 and p.column == "amount_usd"
    assert "GOV" in p.message and "US$1,100.00" in p.message and "US$1,000.00" in p.message


def test_deposit_before_its_pledge_breaks_the_rule_to_date():
    t = valid_ledger()
    t["transactions"].loc[0, "txn_date"] = "2008-03-01"     # pledge now after the first deposit
    problems = [p for p in ledger_invariant_problems(t) if "pledged" in p.message]
    assert len(problems) == 1 and problems[0].row == 3


def test_pledges_compared_in_the_donor_currency():
    t = valid_ledger()
    tx = t["transactions"]
    for i in (0, 1, 5):
        tx.loc[i, "currency"] = "EUR"
    tx.loc[0, ["amount_original", "amount_usd"]] = [1000.0, 1000.0]
    tx.loc[1, ["amount_original", "amount_usd"]] = [600.0, 700.0]   # the euro rose: more US$ for the same euros
    tx.loc[5, ["amount_original", "amount_usd"]] = [400.0, 450.0]
    assert not [p for p in ledger_invariant_problems(t) if "pledged" in p.message]


def test_approval_above_deposits_to_date():
    t = valid_ledger()
    t["transactions"].loc[6, "txn_date"] = "2008-12-31"     # P2 approved before the second deposit
    p = only(ledger_invariant_problems(t), "transactions")
    assert p.row == 8 and "US$1,100.00" in p.message and "US$700.00" in p.message


def test_disbursement_above_approval_and_expenditure_above_disbursement():
    t = valid_ledger()
    t["transactions"].loc[9, "amount_usd"] = 700.0          # P2: 700 disbursed, 600 approved
    p = only(ledger_invariant_problems(t))
    assert "P2" in p.message and p.row == 11
    t = valid_ledger()
    t["transactions"].loc[8, "txn_date"] = "2009-01-15"     # spent before the money arrived
    p = only(ledger_invariant_problems(t))
    assert "P1" in p.message and "expenditure" in p.message and p.row == 10


def test_one_problem_per_episode_not_per_row():
    t = valid_ledger()
    extra = pd.DataFrame([txn(11, "disbursement", "2009-04-01", 400, project="P2"),    # 700 > 600
                          txn(12, "disbursement", "2009-05-01", 100, project="P2")],   # still over
                         columns=TXN_COLS)
    t["transactions"] = pd.concat([t["transactions"], extra], ignore_index=True)
    p = only(ledger_invariant_problems(t))
    assert p.row == 12 and "US$700.00" in p.message


@pytest.mark.parametrize("wb_amount, breached", [(100, False), (1000 * 15 / 85, False), (200, True)])
def test_world_bank_share_at_below_and_above_15_percent(wb_amount, breached):
    t = valid_ledger()
    tx = t["transactions"]
    tx.loc[[2, 3], "amount_usd"] = wb_amount                  # GOV deposits 1000 in all
    tx.loc[[2, 3], "amount_original"] = wb_amount
    problems = [p for p in ledger_invariant_problems(t) if "World Bank" in p.message]
    assert bool(problems) == breached
    if breached:
        assert problems[0].row == 5 and "16.7%" in problems[0].message


def test_country_shares_and_goal_weights():
    t = valid_ledger()
    t["project_countries"].loc[2, "share"] = 0.3
    p = only(ledger_invariant_problems(t), "project_countries")
    assert p.row == 3 and p.column == "share" and "0.9" in p.message

    t = valid_ledger()
    t["project_goals"].loc[1, "is_primary"] = True
    p = only(ledger_invariant_problems(t), "project_goals")
    assert p.row == 2 and p.column == "is_primary" and "2 primary" in p.message

    t = valid_ledger()
    t["project_goals"].loc[1, "weight"] = 0.2
    p = only(ledger_invariant_problems(t), "project_goals")
    assert p.column == "weight"

    t = valid_ledger()
    t["project_goals"] = t["project_goals"].iloc[:2]
    p = only(ledger_invariant_problems(t), "projects")
    assert p.row == 3 and "P2" in p.message


def test_tiny_rounding_is_tolerated():
    t = valid_ledger()
    t["project_countries"].loc[1, "share"] = 0.6 + 1e-9
    t["transactions"].loc[9, "amount_usd"] = 600.004        # a fraction of a cent over
    assert ledger_invariant_problems(t) == []


def test_unreadable_rows_are_left_to_the_type_checks():
    t = valid_ledger()
    t["transactions"]["txn_date"] = t["transactions"]["txn_date"].astype(object)
    t["transactions"].loc[9, "txn_date"] = "not a date"
    assert ledger_invariant_problems(t) == []


def test_rows_follow_the_index_or_the_position():
    t = valid_ledger()
    t["project_countries"].loc[2, "share"] = 0.3
    t["project_countries"].index = [10, 11, 12]               # e.g. rows 12.. of a longer sheet
    assert only(ledger_invariant_problems(t)).row == 13
    t["project_countries"].index = ["a", "b", "c"]
    assert only(ledger_invariant_problems(t)).row == 3
