"""ipmd.coverage.matrix on a hand-made portfolio whose right answers are worked out in the comments."""
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipmd.coverage.matrix import (NO_REGION, coverage_matrix, country_funding, funding_without_country,
                           gfmd_followup, project_amounts, projects_in_cell, regional_totals)


def portfolio():
    """P1 active ILO area A, goals G1 (primary, .6) + G2 (.4), PHL .5 / MEX .5: approved 100, disbursed 60, spent 30
    P2 approved IOM area B, G2 (primary 1), PHL 1: approved 50
    P3 closed WB area A, G3 (primary .5) + G1 (.5), no country: approved 40, disbursed 40
    P4 submitted IOM area B, G3, NPL: requested 80, no money
    P5 rejected ILO area A, G1, MEX: requested 30"""
    projects = pd.DataFrame({
        "project_id": ["P1", "P2", "P3", "P4", "P5"],
        "title": ["One", "Two", "Three", "Four", "Five"],
        "partner_id": ["ILO", "IOM", "WB", "IOM", "ILO"],
        "area_id": ["A", "B", "A", "B", "A"],
        "gfmd_item_id": ["I1", None, "I3", "I2", "I4"],
        "status": ["active", "approved", "closed", "submitted", "rejected"],
        "requested_usd": [100.0, 50.0, 40.0, 80.0, 30.0],
    })
    goals = pd.DataFrame({
        "project_id": ["P1", "P1", "P2", "P3", "P3", "P4", "P5"],
        "goal_id": ["G1", "G2", "G2", "G3", "G1", "G3", "G1"],
        "weight": [0.6, 0.4, 1.0, 0.5, 0.5, 1.0, 1.0],
        "is_primary": [True, False, True, True, False, True, True],
    })
    countries = pd.DataFrame({
        "project_id": ["P1", "P1", "P2", "P4", "P5"],
        "iso3": ["PHL", "MEX", "PHL", "NPL", "MEX"],
        "share": [0.5, 0.5, 1.0, 1.0, 1.0],
    })
    tx = pd.DataFrame({
        "txn_type": ["pledge", "deposit", "commitment", "disbursement", "expenditure",
                     "commitment", "commitment", "disbursement"],
        "project_id": [None, None, "P1", "P1", "P1", "P2", "P3", "P3"],
        "donor_id": ["D1", "D1", None, None, None, None, None, None],
        "amount_usd": [500.0, 300.0, 100.0, 60.0, 30.0, 50.0, 40.0, 40.0],
    })
    return projects, goals, countries, tx


def cell(m, goal, area):
    return m.loc[(m["goal_id"] == goal) & (m["area_id"] == area)].iloc[0]


def test_project_amounts_sums_each_type_and_ignores_fund_level_rows():
    _, _, _, tx = portfolio()
    a = project_amounts(tx).set_index("project_id")
    assert list(a.columns) == ["approved", "disbursed", "spent"]
    assert a.loc["P1"].tolist() == [100.0, 60.0, 30.0]
    assert a.loc["P2"].tolist() == [50.0, 0.0, 0.0]
    assert a.loc["P3"].tolist() == [40.0, 40.0, 0.0]
    assert len(a) == 3  # pledges and deposits have no project


def test_project_amounts_of_an_empty_ledger():
    _, _, _, tx = portfolio()
    a = project_amounts(tx.iloc[0:0])
    assert list(a.columns) == ["project_id", "approved", "disbursed", "spent"] and a.empty


def test_primary_matrix_has_six_cells_and_counts_each_project_once():
    p, g, _, tx = portfolio()
    m = coverage_matrix(p, g, tx, mode="primary")
    assert list(zip(m["goal_id"], m["area_id"])) == [(x, y) for x in ("G1", "G2", "G3") for y in ("A", "B")]
    assert list(m.columns) == ["goal_id", "area_id", "n_projects", "project_weight", "approved", "disbursed", "spent"]
    assert cell(m, "G1", "A")[["n_projects", "approved", "disbursed", "spent"]].tolist() == [1, 100.0, 60.0, 30.0]
    assert cell(m, "G2", "B")[["n_projects", "approved"]].tolist() == [1, 50.0]
    assert cell(m, "G3", "A")[["n_projects", "approved", "disbursed"]].tolist() == [1, 40.0, 40.0]
    for goal, area in [("G1", "B"), ("G2", "A"), ("G3", "B")]:   # empty cells still there, zero
        assert cell(m, goal, area)[["n_projects", "approved", "disbursed"]].tolist() == [0, 0.0, 0.0]
    assert m["n_projects"].sum() == 3 and m["project_weight"].sum() == 3   # P4, P5 not funded
    assert m["approved"].sum() == 190.0


def test_weighted_matrix_splits_money_by_weight_and_counts_every_goal_served():
    p, g, _, tx = portfolio()
    m = coverage_matrix(p, g, tx, mode="weighted")
    # G1A: P1 x .6 + P3 x .5 -> 60 + 20; G2A: P1 x .4; G3A: P3 x .5
    c = cell(m, "G1", "A")
    assert c["n_projects"] == 2 and c["project_weight"] == pytest.approx(1.1)
    assert c["approved"] == pytest.approx(80.0) and c["disbursed"] == pytest.approx(56.0)
    assert cell(m, "G2", "A")["approved"] == pytest.approx(40.0)
    assert cell(m, "G2", "B")["approved"] == pytest.approx(50.0)
    assert cell(m, "G3", "A")[["n_projects", "approved", "disbursed"]].tolist() == pytest.approx([1, 20.0, 20.0])
    assert m["approved"].sum() == pytest.approx(190.0)       # money conserved
    assert m["project_weight"].sum() == pytest.approx(3.0)   # weights add up to projects
    assert m["n_projects"].sum() == 5                        # P1 and P3 counted twice


def test_status_filter_and_all_statuses():
    p, g, _, tx = portfolio()
    m = coverage_matrix(p, g, tx, statuses=None)
    assert cell(m, "G1", "A")["n_projects"] == 2    # P1 + rejected P5
    assert cell(m, "G3", "B")[["n_projects", "approved"]].tolist() == [1, 0.0]   # P4, no money yet
    m2 = coverage_matrix(p, g, tx, statuses=["submitted"])
    assert m2["n_projects"].sum() == 1 and m2["approved"].sum() == 0.0


def test_bad_mode_raises():
    p, g, _, tx = portfolio()
    with pytest.raises(ValueError):
        coverage_matrix(p, g, tx, mode="both")


def test_missing_primary_flag_falls_back_to_largest_weight():
    p, g, _, tx = portfolio()
    g = g.assign(is_primary=g["is_primary"] & (g["project_id"] != "P1"))
    m = coverage_matrix(p, g, tx)
    assert cell(m, "G1", "A")["approved"] == 100.0   # P1's largest weight is G1


def test_projects_in_cell_lists_the_cell_and_sums_to_it():
    p, g, _, tx = portfolio()
    lst = projects_in_cell(p, g, tx, "G1", "A", mode="weighted")
    assert lst["project_id"].tolist() == ["P1", "P3"]            # by approved in the cell, desc
    assert lst["weight"].tolist() == pytest.approx([0.6, 0.5])
    assert lst["approved"].tolist() == pytest.approx([60.0, 20.0])
    assert lst["project_approved"].tolist() == [100.0, 40.0]
    m = coverage_matrix(p, g, tx, mode="weighted")
    assert lst["approved"].sum() == pytest.approx(cell(m, "G1", "A")["approved"])
    assert projects_in_cell(p, g, tx, "G1", "B").empty
    prim = projects_in_cell(p, g, tx, "G1", "A")
    assert prim["project_id"].tolist() == ["P1"] and prim["weight"].tolist() == [1.0]


def test_country_funding_all_goals_splits_by_share():
    p, g, c, tx = portfolio()
    f = country_funding(p, g, c, tx, countries=["PHL", "MEX", "NPL"]).set_index("iso3")
    # PHL: P1 x .5 + P2 = 100; MEX: P1 x .5 = 50; NPL: only the submitted P4 -> 0
    assert f.loc["PHL", ["n_projects", "approved", "disbursed"]].tolist() == [2, 100.0, 30.0]
    assert f.loc["MEX", ["n_projects", "approved", "disbursed"]].tolist() == [1, 50.0, 30.0]
    assert f.loc["NPL", ["n_projects", "approved"]].tolist() == [0, 0.0]   # country with no funded project
    assert list(f.index) == ["PHL", "MEX", "NPL"]
    # weighted and primary agree when no goal is chosen
    fw = country_funding(p, g, c, tx, mode="weighted").set_index("iso3")
    assert fw.loc["PHL", "approved"] == 100.0
    # P3 has no country: reported apart, so totals reconcile
    rest = funding_without_country(p, g, c, tx)
    assert rest == {"n_projects": 1, "approved": 40.0, "disbursed": 40.0, "spent": 0.0}
    assert f["approved"].sum() + rest["approved"] == 190.0


def test_country_funding_by_goal():
    p, g, c, tx = portfolio()
    prim = country_funding(p, g, c, tx, goal="G1").set_index("iso3")
    assert prim["approved"].to_dict() == {"MEX": 50.0, "PHL": 50.0}   # P1 whole; P3's primary is G3
    w = country_funding(p, g, c, tx, goal="G2", mode="weighted").set_index("iso3")
    assert w.loc["PHL", "approved"] == pytest.approx(70.0)   # P1 x .4 x .5 + P2
    assert w.loc["MEX", "approved"] == pytest.approx(20.0)
    assert funding_without_country(p, g, c, tx, goal="G1", mode="weighted")["approved"] == pytest.approx(20.0)
    assert country_funding(p, g, c, tx, goal="G3").empty   # P3 has no country


def test_regional_totals():
    p, g, c, tx = portfolio()
    countries = pd.DataFrame({"iso3": ["PHL", "MEX", "NPL", "FRA"],
                              "un_region": ["Asia", "Americas", "Asia", "Europe"]})
    f = country_funding(p, g, c, tx, countries=["PHL", "MEX", "NPL", "XKX"])
    r = regional_totals(f, countries).set_index("un_region")
    assert r.loc["Asia", ["n_countries_funded", "approved"]].tolist() == [1, 100.0]
    assert r.loc["Americas", ["n_countries_funded", "approved"]].tolist() == [1, 50.0]
    assert r.loc["Europe", ["n_countries_funded", "approved"]].tolist() == [0, 0.0]   # region without money
    assert r.loc[NO_REGION, "approved"] == 0.0                                          # XKX not in countries
    assert list(r.index[:2]) == ["Asia", "Americas"]
    with pytest.raises(ValueError):
        regional_totals(f, countries, by="continent")


def test_gfmd_followup():
    p, g, c, tx = portfolio()
    items = pd.DataFrame({
        "gfmd_item_id": ["I1", "I2", "I3", "I4"], "meeting": ["M"] * 4, "year": [2007, 2008, 2007, 2008],
        "item_type": ["roundtable", "outcome", "format", "outcome"], "roundtable_no": ["RT1", None, None, None],
        "title": ["Roundtable", "Outcome A", "Format", "Outcome B"]})
    f = gfmd_followup(items, p, tx)
    s = f.items.set_index("gfmd_item_id")
    assert list(s.index) == ["I1", "I2", "I4"]            # format is not tracked; year, id order
    assert s.loc["I1", ["n_projects", "n_funded", "approved", "disbursed", "follow_up"]].tolist() == \
        [1, 1, 100.0, 60.0, "funded"]
    assert s.loc["I2", ["n_pipeline", "pipeline_requested", "follow_up"]].tolist() == [1, 80.0, "pipeline only"]
    assert s.loc["I4", ["n_projects", "n_funded", "follow_up"]].tolist() == [1, 0, "none"]   # rejected only
    assert f.unfollowed["gfmd_item_id"].tolist() == ["I2", "I4"]
    assert f.projects["project_id"].tolist() == ["P1", "P4", "P5"]
    assert f.projects.loc[0, "item_title"] == "Roundtable"
    everything = gfmd_followup(items, p, tx, item_types=None)
    assert everything.items.set_index("gfmd_item_id").loc["I3", "follow_up"] == "funded"


# ------------------------------------------------------------------ property: money is conserved
@st.composite
def random_portfolio(draw):
    n = draw(st.integers(1, 6))
    ids = [f"P{i}" for i in range(n)]
    rows_g, rows_t = [], []
    for pid in ids:
        goals = draw(st.lists(st.sampled_from(["G1", "G2", "G3"]), min_size=1, max_size=3, unique=True))
        raw = [draw(st.integers(1, 10)) for _ in goals]
        for i, (goal, w) in enumerate(zip(goals, raw)):
            rows_g.append((pid, goal, w / sum(raw), i == 0))
        rows_t.append(("commitment", pid, float(draw(st.integers(0, 1000)))))
    projects = pd.DataFrame({"project_id": ids, "title": ids,
                             "partner_id": "X", "area_id": [draw(st.sampled_from("AB")) for _ in ids],
                             "gfmd_item_id": None, "status": "active", "requested_usd": 1.0})
    g = pd.DataFrame(rows_g, columns=["project_id", "goal_id", "weight", "is_primary"])
    tx = pd.DataFrame(rows_t, columns=["txn_type", "project_id", "amount_usd"])
    return projects, g, tx


@settings(max_examples=30, deadline=None)
@given(random_portfolio())
def test_both_modes_conserve_money_and_projects(data):
    p, g, tx = data
    total = tx["amount_usd"].sum()
    for mode in ("primary", "weighted"):
        m = coverage_matrix(p, g, tx, mode=mode)
        assert len(m) == 6
        assert math.isclose(m["approved"].sum(), total, rel_tol=1e-9, abs_tol=1e-6)
        assert math.isclose(m["project_weight"].sum(), len(p), rel_tol=1e-9)
