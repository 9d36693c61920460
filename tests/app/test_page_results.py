"""AppTest: the coverage page's "Results" tab (?view=results, issue 20 part 4) draws exactly ipmd.results' figures
for the same grouping and year (on the seeded ledger fixture with its results framework), links each late report to its project page, says so
plainly when the ledger has no results, and warns on a bad link value."""
from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

import apptest_pages
from ipmd import results
from ipmd.i18n import area_label, goal_label

PAGE = "pages/coverage.py"


@pytest.fixture(scope="module", autouse=True)
def con(on_results_fixture_db):
    """The page reads the seeded ledger fixture with its funded projects' results (two periods each, 2010 and 2011;
    a final report late), and so do the figures a test computes to compare with the page's."""
    return on_results_fixture_db


def ok(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def chart(at: AppTest, key: str) -> dict:
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart") if key in c.proto.id]
    assert specs, [c.proto.id for c in at.get("plotly_chart")]
    return specs[0]


def table(at: AppTest, first_column: str):
    return next(d.value for d in at.dataframe if list(d.value.columns)[0] == first_column)


def by_trace(spec: dict) -> dict[str, dict]:
    """{trace name: {y label: x value}} of a horizontal chart."""
    return {trace["name"]: dict(zip(trace["y"], trace["x"])) for trace in spec["data"]}


@pytest.fixture(scope="module")
def goal_page():
    at = apptest_pages.open_page(PAGE, view="results")
    ok(at)
    return at


def test_results_by_goal_equal_the_core(goal_page, con):
    at = goal_page
    expected = results.portfolio_results(con, "goal").set_index("group")
    names = {goal_label(g, "en"): g for g in expected.index}
    people = by_trace(chart(at, "results_people"))
    assert {names[k]: v for k, v in people["Women"].items()} == pytest.approx(expected["women_reached"].to_dict())
    assert {names[k]: v for k, v in people["Men"].items()} == pytest.approx(expected["men_reached"].to_dict())
    assert {names[k]: v for k, v in people["People targeted"].items()} == pytest.approx(
        expected["people_targeted"].to_dict())
    # women + men + not counted by sex = every person reached
    reached = {names[k]: people["Women"][k] + people["Men"][k] + people["Not counted by sex"][k] for k in names}
    assert reached == pytest.approx(expected["people_reached"].to_dict())
    met = by_trace(chart(at, "results_met"))
    assert {names[k]: v for k, v in met["Target reached"].items()} == expected["indicators_met"].to_dict()
    assert {names[k]: met["Target reached"][k] + met["Below target"][k] for k in names} == \
        expected["indicators_reported"].to_dict()
    shown = table(at, "name").set_index("group")
    for column in ("projects", "indicators_reported", "indicators_met", "people_targeted", "people_reached"):
        assert shown[column].to_dict() == pytest.approx(expected[column].to_dict()), column


def test_reporting_timeliness_and_late_reports_equal_the_core(goal_page, con):
    at = goal_page
    t = results.reporting_timeliness(con)
    assert t.reports_due > 0                      # the fixture portfolio owes reports
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Projects reporting on time"] == f"{round(100 * t.projects_on_time / t.projects_due)}%"
    assert metrics["On time"] == str(t.reports_on_time) and metrics["Late"] == str(t.reports_late)
    assert metrics["Outstanding"] == str(t.reports_outstanding)
    bars = chart(at, "results_timeliness")["data"]
    assert [b["x"][0] for b in bars] == [t.reports_on_time, t.reports_late, t.reports_outstanding]
    late = results.late_reports(con)
    links = table(at, "link")
    assert links["link"].tolist() == [f"project?project={p}" for p in late["project_id"]]
    assert links["days_late"].tolist() == late["days_late"].tolist()
    # a report not received reads so (issue 17: no "None" in a date column); a received one shows its date
    outstanding = (late["status"] == "outstanding").tolist()
    assert any(outstanding)
    assert [r for r, o in zip(links["received_date"], outstanding) if o] == ["Not received"] * sum(outstanding)
    assert all(isinstance(r, str) and r[-4:].isdigit() for r, o in zip(links["received_date"], outstanding) if not o)


def test_the_gender_marker_spread_equals_the_core(goal_page, con):
    spread = results.gender_marker_spread(con)
    bars = chart(goal_page, "results_gender")["data"][0]
    assert bars["x"] == spread["projects"].tolist()
    assert bars["y"][-1] == "Not screened" and bars["y"][2].startswith("2: principal objective")


def test_results_by_area_for_one_year_equal_the_core(con):
    at = apptest_pages.open_page(PAGE, view="results", rby="area", ryear="2010")
    ok(at)
    assert at.query_params["rby"] == "area" and at.query_params["ryear"] == "2010"
    expected = results.portfolio_results(con, "area", 2010).set_index("group")
    names = {area_label(a, "en"): a for a in expected.index}
    met = by_trace(chart(at, "results_met"))
    assert {names[k]: v for k, v in met["Target reached"].items()} == expected["indicators_met"].to_dict()
    people = by_trace(chart(at, "results_people"))
    assert {names[k]: v for k, v in people["People targeted"].items()} == pytest.approx(
        expected["people_targeted"].to_dict())
    # the year's reports only: those due in 2010, judged at its end
    t = results.reporting_timeliness(con, year=2010)
    assert [b["x"][0] for b in chart(at, "results_timeliness")["data"]] == [
        t.reports_on_time, t.reports_late, t.reports_outstanding]
    # the whole period differs from the year (else the year control would prove nothing)
    # (every indicator of the fixture reports in its first year: the reports due tell the year from the whole)
    assert results.reporting_timeliness(con).reports_due > t.reports_due > 0


def test_results_by_country_in_french(con):
    at = apptest_pages.open_page(PAGE, view="results", rby="country", lang="fr")
    ok(at)
    expected = results.portfolio_results(con, "country")
    shown = table(at, "name").set_index("group")
    reported = expected[expected["indicators_reported"] > 0].set_index("group")
    assert shown.loc[reported.index, "indicators_met"].to_dict() == reported["indicators_met"].to_dict()
    # the countries named in French: Morocco is "Maroc" where it is in the table
    if "MAR" in shown.index:
        assert shown.loc["MAR", "name"] == "Maroc"


def test_a_bad_grouping_in_the_link_warns_and_shows_the_goals():
    at = apptest_pages.open_page(PAGE, view="results", rby="<b>planet</b>")
    ok(at)
    assert any("planet" in w.value for w in at.warning)
    assert "results_met" in " ".join(c.proto.id for c in at.get("plotly_chart"))
    assert at.segmented_control(key="rby").value == "goal"


def test_a_ledger_without_results_says_so(fixture_db):
    at = apptest_pages.open_page(PAGE, view="results")
    ok(at)
    assert any("No results reported yet" in i.value for i in at.info)
    assert not any(k in c.proto.id for c in at.get("plotly_chart") for k in ("results_people", "results_met"))
