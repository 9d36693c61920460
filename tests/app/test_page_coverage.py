"""AppTest on the seeded ledger fixture: the goal-coverage page runs, its answers come from the core, a weight changes the ranking,
every filter lives in the URL, bad links give a warning and the default view, an empty selection says so,
and undecided proposals never appear."""
import json

import pytest
from streamlit.testing.v1 import AppTest

import apptest_pages
from ipmd import db
from ipmd.coverage import report as cr
from ipmd.fund.rules import FUNDED_STATUSES
from ipmd.i18n import fmt_usd, t


@pytest.fixture(scope="module", autouse=True)
def con(on_ledger_fixture_db):
    """The page reads the seeded ledger fixture database (funded, undecided and rejected projects), and so do the
    figures a test computes to compare with the page's."""
    return on_ledger_fixture_db

PAGE = "pages/coverage.py"


def open_page(**params) -> AppTest:
    return apptest_pages.open_page(PAGE, **params)


def ok(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def table_with(at: AppTest, first_column: str):
    """The page's dataframe whose first column is `first_column`."""
    return next(d.value for d in at.dataframe if list(d.value.columns)[0] == first_column)


def gap_table(at: AppTest):
    return table_with(at, "gap_rank")


def texts(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "caption", "warning", "info", "error")
                     for e in getattr(at, kind))


def warnings(at: AppTest) -> list[str]:
    """As read: link values are shown with their Markdown characters escaped (components.text.plain)."""
    return [w.value.replace("\\", "") for w in at.warning]


def years(con) -> tuple[int, int]:
    """The period the page's slider spans: the first and last year of the fixture ledger's project money."""
    options = cr.filter_options(con)
    assert options.last_year - options.first_year >= 2          # room to move both ends
    return options.first_year, options.last_year


@pytest.fixture(scope="module")
def default_page():
    return open_page()


@pytest.fixture(scope="module")
def every_view():
    return apptest_pages.open_views(PAGE, ("matrix", "map", "gaps", "gfmd"))


# ------------------------------------------------------------------------------------------ default view
def test_page_runs_with_every_section(every_view):
    for view, at in every_view.items():
        ok(at)
        assert at.title[0].value == "Goal coverage and gaps"
        assert [tab.label for tab in at.tabs] == ["Goals × areas of work", "Where the money goes", "Gap finder",
                                                  "GFMD follow-up", "Results"]
        assert any("Illustrative data" in w for w in warnings(at))
    subheaders = {view: [s.value for s in at.subheader] for view, at in every_view.items()}
    # the gap finder's heading and controls are drawn in every view (the answers above need them)
    for view, heading in (("matrix", "Coverage matrix: goals × areas of work"),
                          ("map", "Where the money goes: All goals"), ("gfmd", "GFMD follow-up tracker")):
        assert heading in subheaders[view] and all(heading not in subheaders[v] for v in every_view if v != view)
    assert all("Gap finder: high need, low coverage" in subheaders[v] for v in every_view)
    kinds = {view: apptest_pages.chart_kinds(at) for view, at in every_view.items()}
    assert kinds == {"matrix": ["heatmap"], "map": ["choropleth"], "gaps": ["scatter"], "gfmd": []}
    assert "Source:" in texts(every_view["gaps"]) and "UNHCR" in texts(every_view["gaps"])


def test_closed_sections_are_drawn_once_opened(con):
    """The method note and the map's tables (with their CSVs) are computed and sent only when opened."""
    at = open_page(view="gaps")
    ok(at)
    assert "How the need score is built" not in texts(at)
    assert not any(list(d.value.columns)[:2] == ["name", "iso3"] for d in at.dataframe)

    at.session_state["coverage_method"] = True
    at.run()
    ok(at)
    assert "How the need score is built" in texts(at)

    at = open_page(view="map")
    downloads = len(at.get("download_button"))
    at.session_state["coverage_map_data"] = True
    at.run()
    ok(at)
    countries = table_with(at, "name")
    # the countries of the funded projects (the fixture's, by an independent query)
    funded = db.query(con, f"""SELECT DISTINCT iso3 FROM project_countries JOIN projects USING (project_id)
                               WHERE status IN {tuple(FUNDED_STATUSES)}""")
    assert list(countries.columns)[:2] == ["name", "iso3"] and set(countries["iso3"]) == set(funded["iso3"])
    assert len(countries) > 1 and countries["approved"].sum() > 0
    assert len(at.get("download_button")) == downloads + 2         # the countries' and the regions' CSV


def test_map_uses_the_local_topojson(every_view):
    maps = [c for c in every_view["map"].get("plotly_chart")
            if json.loads(c.proto.spec)["data"][0]["type"] in ("choropleth", "scattergeo")]
    assert maps and all(json.loads(c.proto.config)["topojsonURL"] == "app/static/" for c in maps)


def test_answers_at_the_top_are_computed(default_page, con):
    at = default_page
    answers = cr.answers(cr.matrix(con), cr.gap_finder(con, 2024), cr.gfmd_tracker(con))
    top = at.markdown[1].value       # the box above the filters: title, then the three answers
    assert f"goal {answers.least_goal} ·" in top and fmt_usd(answers.least_goal_approved, "en") in top
    assert f"area {answers.least_area} ·" in top
    assert f"{len(answers.gap_countries)} of the {answers.n_high_need} high-need" in top
    for item in answers.unfollowed:
        assert item in top


def test_matrix_heatmap_carries_the_core_totals(default_page, con):
    heatmap = json.loads(default_page.get("plotly_chart")[0].proto.spec)["data"][0]
    m = cr.matrix(con)
    assert sum(sum(row) for row in heatmap["z"]) == pytest.approx(m.approved)
    assert fmt_usd(m.approved, "en") in texts(default_page)


# ------------------------------------------------------------------------------------------ weights
def test_changing_a_weight_changes_the_ranking():
    at = open_page(view="gaps")
    before = list(gap_table(at)["iso3"].head(5))
    at.slider(key="w_remit").set_value(3.0).run()
    ok(at)
    after = list(gap_table(at)["iso3"].head(5))
    assert before != after
    assert at.query_params["w_remit"] == "3"


def test_weights_and_the_gender_lens_come_from_the_url():
    at = open_page(w_emig="2", lens="1", view="gaps")
    ok(at)
    assert at.slider(key="w_emig").value == 2.0
    assert at.toggle(key="lens").value is True
    assert "female_share" in gap_table(at).columns


def test_every_weight_at_zero_falls_back_to_the_defaults_with_a_warning():
    at = open_page(w_emig="0", w_immig="0", w_remit="0", w_refug="0", w_cost="0", view="gaps")
    ok(at)
    assert any("Every weight is 0" in w for w in warnings(at))
    assert len(gap_table(at)) > 0


# ------------------------------------------------------------------------------------------ URL state
def test_url_carries_the_filters(con):
    first, last = years(con)
    at = open_page()
    at.multiselect(key="region").set_value(["Africa"]).run()
    ok(at)
    assert at.query_params["region"] == "Africa"
    at.multiselect(key="partner").set_value(["IOM", "ILO"]).run()
    at.multiselect(key="status").set_value(["active"]).run()
    at.slider(key="period").set_value((first + 1, last - 1)).run()
    at.button_group(key="goal").set_value("G3").run()
    at.button_group(key="mode").set_value("weighted").run()
    ok(at)
    params = dict(at.query_params)
    assert params["region"] == "Africa" and params["partner"] == "IOM,ILO" and params["status"] == "active"
    assert (params["from"], params["to"]) == (str(first + 1), str(last - 1))
    assert params["goal"] == "G3" and params["mode"] == "weighted"
    at.session_state["view"] = "Where the money goes"          # a click on the map's tab
    at.session_state["coverage_map_data"] = True
    at.run()
    assert at.query_params["view"] == "map"
    countries = table_with(at, "name")
    assert set(countries["un_region"]) <= {"Africa"}
    # a second move of each control is kept too (the URL written by the page does not pull it back)
    at.slider(key="period").set_value((first, last - 1)).run()
    at.slider(key="w_cost").set_value(1.5).run()
    at.slider(key="w_cost").set_value(2.0).run()
    at.button_group(key="goal").set_value("G1").run()
    assert at.slider(key="period").value == (first, last - 1)
    assert "from" not in at.query_params and at.query_params["to"] == str(last - 1)   # a default is left out
    assert at.slider(key="w_cost").value == 2.0 and at.query_params["w_cost"] == "2"
    assert at.button_group(key="goal").value == "G1" and at.query_params["goal"] == "G1"


def test_a_shared_link_opens_the_same_view(con):
    first, last = years(con)
    at = open_page(region="Asia", income="Lower middle income", mode="weighted", cell="G3-B", **{"from": str(first + 1)})
    ok(at)
    assert at.multiselect(key="region").value == ["Asia"]
    assert at.multiselect(key="income").value == ["Lower middle income"]
    assert at.button_group(key="mode").value == "weighted"
    assert at.slider(key="period").value == (first + 1, last)
    listed = table_with(at, "project_id")
    expected = cr.cell_projects(con, "G3", "B", mode="weighted", regions=("Asia",),
                                income_groups=("Lower middle income",), start_year=first + 1, end_year=last)
    # each id a link to the project's page
    assert sorted(listed["project_id"]) == sorted(f"project?project={p}" for p in expected["project_id"])
    assert len(expected) > 0


@pytest.mark.parametrize("params,bad", [({"goal": "G9"}, "G9"), ({"region": "Atlantis"}, "Atlantis"),
                                        ({"w_emig": "lots"}, "lots"), ({"from": "1850"}, "1850"),
                                        ({"cell": "G7-Z"}, "G7-Z"), ({"mode": "everything"}, "everything")])
def test_an_unknown_url_value_gives_a_warning_and_the_default_view(con, params, bad):
    at = open_page(**params)
    ok(at)
    assert any(bad in w and "names nothing" in w for w in warnings(at))
    assert at.button_group(key="goal").value == "all"
    assert at.multiselect(key="region").value == []
    assert at.slider(key="w_emig").value == 1.0
    assert at.slider(key="period").value == years(con)
    assert apptest_pages.chart_kinds(at) == ["heatmap"]


def test_a_filter_that_selects_nothing_says_so():
    at = open_page(region="Northern America")
    ok(at)
    assert any("No approved project matches these filters" in i.value for i in at.info)
    assert "no approved project matches the filters" in at.markdown[1].value
    assert at.title[0].value == "Goal coverage and gaps"


# ------------------------------------------------------------------------------------------ confidentiality
def test_undecided_proposals_never_appear(default_page, con):
    pipeline = set(db.query(con, "SELECT project_id FROM projects WHERE status IN ('submitted', 'under_review')")
                   ["project_id"])
    assert pipeline
    at = open_page(cell="G1-A")
    shown = set()
    for frame in [d.value for d in at.dataframe] + [d.value for d in default_page.dataframe]:
        if "project_id" in frame.columns:      # an id, or a link to the project's page (project?project=<id>)
            shown |= {str(v).split("project=", 1)[-1].split("&")[0] for v in frame["project_id"]}
    assert shown and not shown & pipeline
    assert [o for o in at.multiselect(key="status").options] == ["Approved", "Active", "Closed"]


# ------------------------------------------------------------------------------------------ fragments
def answers_text(at: AppTest) -> str:
    """The answers box on top of the page: the Markdown list under its title."""
    shown = [m.value for m in at.markdown]
    return shown[shown.index(f"**{t('coverage.answers.title')}**") + 1]


def test_a_weight_reruns_only_the_gap_finder_and_the_answers(monkeypatch):
    """The gap finder is a fragment: a weight reruns it and the answers on top (which need its result), not the
    filters or the rest of the page. AppTest reruns the whole script on every interaction, so the fragment-scoped
    rerun a browser asks for is made here the same way: a RerunData naming the fragment. What it shows must equal
    what a full run of the same link shows."""
    from components.views import coverage as view

    calls = apptest_pages.count_calls(monkeypatch, view, ("filters", "mode_control"))
    at = open_page(view="gaps")
    before = answers_text(at)
    # the page's body and, inside it, the gap finder (the cell list is on the matrix tab)
    assert sorted(apptest_pages.fragment_names(at).values()) == ["body", "gap_finder_section"]
    fragments = apptest_pages.rerun_fragments_only(monkeypatch, at, only=("gap_finder_section",))
    assert len(fragments) == 1
    at.slider(key="w_remit").set_value(3.0)
    at.slider(key="w_emig").set_value(0.0).run()
    ok(at)
    assert calls == {"filters": 1, "mode_control": 1}            # the page outside the fragment did not run again
    assert at.query_params["w_remit"] == "3" and at.query_params["w_emig"] == "0"
    apptest_pages.full_reruns(monkeypatch)
    full = open_page(view="gaps", w_remit="3", w_emig="0")
    assert answers_text(at) == answers_text(full) != before      # the answers on top follow the weights
    assert gap_table(at)["iso3"].tolist() == gap_table(full)["iso3"].tolist()
    assert len([m for m in at.markdown if m.value == f"**{t('coverage.answers.title')}**"]) == 1   # replaced, not added


def test_a_filter_reruns_the_body_not_the_navigation_and_sidebar(monkeypatch):
    """Everything under the title is one fragment (issue 18: the coverage filter and tab): a region reruns it, not
    app.py's navigation and sidebar. The fragment-scoped rerun a browser asks for is made here the same way: a
    RerunData naming the fragment. What it shows must equal a full run of the same link."""
    from components import sidebar

    calls = apptest_pages.count_calls(monkeypatch, sidebar, ("year_picker",))
    at = open_page()
    ok(at)
    assert calls == {"year_picker": 1}
    assert sorted(apptest_pages.fragment_names(at).values()) == ["body", "cell_section", "gap_finder_section"]
    before = [m.value for m in at.markdown]
    apptest_pages.rerun_fragments_only(monkeypatch, at, only=("body",))
    at.multiselect(key="region").set_value(["Africa"]).run()
    ok(at)
    assert calls == {"year_picker": 1}                           # the sidebar (app.py) did not run again
    assert at.query_params["region"] == "Africa"                 # the URL follows the fragment's rerun
    apptest_pages.full_reruns(monkeypatch)
    full = open_page(region="Africa")
    assert answers_text(at) == answers_text(full)
    assert [m.value for m in at.markdown] == [m.value for m in full.markdown] != before
    assert len([m for m in at.markdown if m.value == f"**{t('coverage.answers.title')}**"]) == 1   # replaced, not added
