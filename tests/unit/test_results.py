"""ipmd/results.py on a small hand-made book whose figures are worked out here by hand."""
from __future__ import annotations

import pandas as pd
import pytest

from ipmd import results as R


def d(s: str) -> pd.Timestamp:
    return pd.Timestamp(s)


@pytest.fixture
def book() -> dict[str, pd.DataFrame]:
    """Three projects: P1 (G1, area A, PHL 100%) and P2 (G2, area B, PHL 40% / MEX 60%) are funded; P3 is
    under review (confidential) and must never count."""
    projects = pd.DataFrame({
        "project_id": ["P1", "P2", "P3"], "status": ["active", "closed", "under_review"],
        "area_id": ["A", "B", "A"], "gender_marker": pd.array([2, None, 1], dtype="Int64"),
        "start_date": [d("2010-01-01"), d("2009-01-01"), d("2016-03-01")],
        "end_date": [d("2011-12-31"), d("2010-12-31"), d("2017-03-01")]})
    goals = pd.DataFrame({"project_id": ["P1", "P2", "P2", "P3"], "goal_id": ["G1", "G2", "G3", "G1"],
                          "weight": [1.0, 0.7, 0.3, 1.0], "is_primary": [True, True, False, True]})
    countries = pd.DataFrame({"project_id": ["P1", "P2", "P2", "P3"], "iso3": ["PHL", "PHL", "MEX", "MEX"],
                              "share": [1.0, 0.4, 0.6, 1.0]})
    transactions = pd.DataFrame({"txn_type": ["commitment", "commitment", "disbursement", "commitment"],
                                 "project_id": ["P1", "P2", "P2", "P3"], "amount_usd": [100.0, 300.0, 50.0, 999.0],
                                 "txn_date": [d("2009-10-01"), d("2008-10-01"), d("2009-02-01"), d("2015-10-15")]})
    results = pd.DataFrame({"result_id": ["R1", "R2", "R3", "R4"], "project_id": ["P1", "P1", "P2", "P3"],
                            "result_type": ["output", "objective", "output", "output"],
                            "title": ["Officials trained", "Policy", "Profile", "Secret"], "description": None,
                            "is_illustrative": True})
    indicators = pd.DataFrame({"result_indicator_id": ["I1", "I2", "I3", "I4"], "result_id": ["R1", "R2", "R3", "R4"],
                               "title": ["Trained", "Bodies", "People reached", "Hidden"],
                               "unit": ["persons", "institutions", "persons", "persons"],
                               "by_sex": [True, False, False, False], "baseline_year": [2010, None, None, None],
                               "baseline_value": [0.0, None, None, None], "is_illustrative": True})
    p = [  # indicator, start, end, sex, target, actual
        ("I1", "2010-01-01", "2010-12-31", "female", 10, 8), ("I1", "2010-01-01", "2010-12-31", "male", 10, 14),
        ("I1", "2011-01-01", "2011-12-31", "female", 20, None), ("I1", "2011-01-01", "2011-12-31", "male", 20, None),
        ("I2", "2010-01-01", "2011-12-31", "total", 3, 2),
        ("I3", "2009-01-01", "2010-12-31", "total", 100, 150),
        ("I4", "2016-03-01", "2017-03-01", "total", 1000, 1000)]
    periods = pd.DataFrame([{"result_indicator_id": i, "period_start": d(s), "period_end": d(e), "sex": x,
                             "target_value": float(t), "actual_value": None if a is None else float(a),
                             "is_illustrative": True} for i, s, e, x, t, a in p])
    milestones = pd.DataFrame({
        "project_id": ["P1", "P1", "P2", "P2", "P3"],
        "report_type": ["progress", "final", "progress", "final", "progress"],
        "due_date": [d("2011-01-31"), d("2012-03-31"), d("2010-01-31"), d("2011-03-31"), d("2016-01-31")],
        "received_date": [d("2011-01-20"), pd.NaT, d("2010-03-15"), d("2011-03-31"), pd.NaT],
        "is_illustrative": True})
    documents = pd.DataFrame({"document_id": ["D2", "D1"], "project_id": ["P1", "P1"], "title": ["b", "a"],
                              "category": ["report", "proposal"], "url": [None, "https://example.org/a"],
                              "document_date": [d("2011-01-20"), d("2009-08-01")], "is_illustrative": True})
    return {"projects": projects, "project_goals": goals, "project_countries": countries,
            "transactions": transactions, "results": results, "result_indicators": indicators,
            "indicator_periods": periods, "report_milestones": milestones, "project_documents": documents}


def test_project_results_against_targets_by_sex(book):
    r = R.project_results_from(book, "P1")
    assert list(r["result_type"].unique()) == ["objective", "output"]          # objectives first
    first = r[(r["result_indicator_id"] == "I1") & (r["period_start"] == d("2010-01-01"))]
    assert list(first["sex"]) == ["female", "male"]
    assert list(first["achieved"]) == [0.8, 1.4]
    assert r.loc[r["period_start"] == d("2011-01-01"), "achieved"].isna().all()   # not yet reported


def test_indicator_progress_counts_reported_periods_only(book):
    p = R.indicator_progress_from(book, "P1").set_index(["result_indicator_id", "sex"])
    assert p.loc[("I1", "female"), ["target_total", "target_to_date", "actual_to_date"]].tolist() == [30, 10, 8]
    assert not p.loc[("I1", "female"), "met"] and p.loc[("I1", "male"), "met"]
    assert p.loc[("I2", "total"), "achieved"] == pytest.approx(2 / 3)


def test_portfolio_results_by_goal_area_and_country(book):
    goal = R.portfolio_results_from(book, "goal").set_index("group")
    # P1 (G1): I1 8+14 = 22 >= 20 met, I2 2 < 3 not met; P2 (G2, its primary goal): I3 150 >= 100 met
    assert goal.loc["G1", ["projects", "indicators_reported", "indicators_met"]].tolist() == [1, 2, 1]
    assert goal.loc["G2", ["projects", "indicators_reported", "indicators_met"]].tolist() == [1, 1, 1]
    assert "G3" not in goal.index                     # a secondary goal does not count the project twice
    assert goal.loc["G1", ["people_targeted", "people_reached", "women_reached", "men_reached"]].tolist() == \
        [20, 22, 8, 14]
    assert goal["people_reached"].sum() == 22 + 150    # the project under review is never counted
    area = R.portfolio_results_from(book, "area").set_index("group")
    assert area.loc["A", "met_share"] == 0.5 and area.loc["B", "met_share"] == 1.0
    country = R.portfolio_results_from(book, "country").set_index("group")
    # PHL: all of P1 (22 reached) and 40% of P2 (150 x 0.4 = 60); MEX: 60% of P2 only (P3 is undecided)
    assert country.loc["PHL", "people_reached"] == pytest.approx(82)
    assert country.loc["MEX", "people_reached"] == pytest.approx(90)
    assert country.loc["MEX", "indicators_reported"] == 1
    with pytest.raises(ValueError):
        R.portfolio_results_from(book, "partner")


def test_reporting_timeliness(book):
    t = R.reporting_timeliness_from(book, "2012-06-30")
    # due by then from funded projects: P1 progress (on time), P1 final (outstanding), P2 progress (late, 43
    # days), P2 final (on the due day: on time); P3's report is confidential and not due anyway
    assert (t.reports_due, t.reports_on_time, t.reports_late, t.reports_outstanding) == (4, 2, 1, 1)
    assert (t.projects_due, t.projects_on_time) == (2, 0) and t.share_on_time == 0.0
    earlier = R.reporting_timeliness_from(book, "2011-02-28")
    assert (earlier.reports_due, earlier.projects_due, earlier.projects_on_time) == (2, 2, 1)
    assert earlier.share_on_time == 0.5
    late = R.late_reports_from(book, "2012-06-30").set_index(["project_id", "report_type"])
    assert late.loc[("P2", "progress"), "days_late"] == 43
    assert late.loc[("P1", "final"), "status"] == "outstanding"
    assert late.loc[("P1", "final"), "days_late"] == (d("2012-06-30") - d("2012-03-31")).days


def test_default_as_of_is_the_ledgers_cutoff(book):
    assert R.ledger_cutoff_from(book) == d("2015-10-15")
    assert R.reporting_timeliness_from(book).as_of == d("2015-10-15")


def test_gender_marker_spread(book):
    s = R.gender_marker_spread_from(book)
    got = {(None if pd.isna(m) else int(m)): (n, usd) for m, n, usd in
           zip(s["gender_marker"], s["projects"], s["approved_usd"])}
    assert got == {0: (0, 0.0), 1: (0, 0.0), 2: (1, 100.0), 3: (0, 0.0), None: (1, 300.0)}   # P3 not counted
    assert s["share"].sum() == pytest.approx(1.0)


def test_project_documents_and_reports(book):
    assert list(R.project_documents_from(book, "P1")["document_id"]) == ["D1", "D2"]     # by date
    reports = R.project_reports_from(book, "P2", "2012-01-01")
    assert list(reports["status"]) == ["late", "on_time"]


def test_the_core_reads_a_database_made_before_the_results_framework():
    import duckdb
    con = duckdb.connect()
    con.execute("CREATE TABLE projects (project_id TEXT, status TEXT, area_id TEXT)")
    con.execute("CREATE TABLE project_goals (project_id TEXT, goal_id TEXT, weight DOUBLE, is_primary BOOLEAN)")
    con.execute("CREATE TABLE project_countries (project_id TEXT, iso3 TEXT, share DOUBLE)")
    con.execute("CREATE TABLE transactions (txn_type TEXT, project_id TEXT, amount_usd DOUBLE, txn_date DATE)")
    assert R.project_results(con, "P1").empty
    assert R.portfolio_results(con, "goal").empty
    assert R.reporting_timeliness(con, "2015-12-31").share_on_time is None
    assert R.gender_marker_spread(con)["projects"].sum() == 0


def test_one_year_counts_the_periods_ending_and_the_reports_due_in_it(book):
    g2010 = R.portfolio_results_from(book, "goal", year=2010).set_index("group")
    # 2010: P1's first I1 periods (8 + 14 >= 10 + 10: met) and P2's I3 (150 >= 100: met); P1's I2 ends in 2011
    assert g2010.loc["G1", ["indicators_reported", "indicators_met", "people_reached"]].tolist() == [1, 1, 22]
    assert g2010.loc["G2", ["indicators_reported", "indicators_met", "people_reached"]].tolist() == [1, 1, 150]
    g2011 = R.portfolio_results_from(book, "goal", year=2011).set_index("group")
    # 2011: I1's periods are not reported yet; I2 reached 2 of 3: not met
    assert g2011.loc["G1", ["indicators_reported", "indicators_met"]].tolist() == [1, 0]
    t2011 = R.reporting_timeliness_from(book, year=2011)
    assert t2011.as_of == d("2011-12-31")
    assert (t2011.reports_due, t2011.reports_on_time, t2011.projects_due, t2011.share_on_time) == (2, 2, 2, 1.0)
    t2012 = R.reporting_timeliness_from(book, year=2012)
    assert (t2012.reports_due, t2012.reports_outstanding, t2012.share_on_time) == (1, 1, 0.0)
    assert list(R.late_reports_from(book, year=2010)["project_id"]) == ["P2"]


def test_reporting_years_are_those_the_funded_projects_periods_end_in(book):
    # P1's periods end in 2010 and 2011 (I2 runs 2010-2011), P2's I3 in 2010; P3 (under review) ends in 2017
    assert R.reporting_years_from(book) == (2010, 2011)
    empty = {**book, "indicator_periods": book["indicator_periods"].iloc[0:0]}
    assert R.reporting_years_from(empty) == ()
