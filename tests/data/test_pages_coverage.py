"""AppTest of the goal-coverage page on the committed database: the filters and their URL over the real ledger's
years (2009-2015), regions and income groups, the map's country table, and bad link values falling back to the
real default view. The page's behaviour on the seeded ledger: tests/app/test_page_coverage.py."""
import pytest
from streamlit.testing.v1 import AppTest

import apptest_pages
from ipmd.coverage import report as cr

PAGE = "pages/coverage.py"


def open_page(**params) -> AppTest:
    return apptest_pages.open_page(PAGE, **params)


def ok(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def table_with(at: AppTest, first_column: str):
    """The page's dataframe whose first column is `first_column`."""
    return next(d.value for d in at.dataframe if list(d.value.columns)[0] == first_column)


def texts(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "caption", "warning", "info", "error")
                     for e in getattr(at, kind))


def warnings(at: AppTest) -> list[str]:
    """As read: link values are shown with their Markdown characters escaped (components.text.plain)."""
    return [w.value.replace("\\", "") for w in at.warning]


def test_closed_sections_are_drawn_once_opened():
    """The method note and the map's tables (with their CSVs) are computed and sent only when opened."""
    at = open_page(view="gaps")
    ok(at)
    downloads = len(at.get("download_button"))
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
    assert list(countries.columns)[:2] == ["name", "iso3"] and len(countries) > 20
    assert countries["approved"].sum() > 0
    assert len(at.get("download_button")) == downloads + 2         # the countries' and the regions' CSV


def test_url_carries_the_filters():
    at = open_page()
    at.multiselect(key="region").set_value(["Africa"]).run()
    ok(at)
    assert at.query_params["region"] == "Africa"
    at.multiselect(key="partner").set_value(["IOM", "ILO"]).run()
    at.multiselect(key="status").set_value(["active"]).run()
    at.slider(key="period").set_value((2010, 2013)).run()
    at.button_group(key="goal").set_value("G3").run()
    at.button_group(key="mode").set_value("weighted").run()
    ok(at)
    params = dict(at.query_params)
    assert params["region"] == "Africa" and params["partner"] == "IOM,ILO" and params["status"] == "active"
    assert (params["from"], params["to"]) == ("2010", "2013")
    assert params["goal"] == "G3" and params["mode"] == "weighted"
    at.session_state["view"] = "Where the money goes"          # a click on the map's tab
    at.session_state["coverage_map_data"] = True
    at.run()
    assert at.query_params["view"] == "map"
    countries = table_with(at, "name")
    assert set(countries["un_region"]) <= {"Africa"}
    # a second move of each control is kept too (the URL written by the page does not pull it back)
    at.slider(key="period").set_value((2011, 2012)).run()
    at.slider(key="w_cost").set_value(1.5).run()
    at.slider(key="w_cost").set_value(2.0).run()
    at.button_group(key="goal").set_value("G1").run()
    assert at.slider(key="period").value == (2011, 2012)
    assert (at.query_params["from"], at.query_params["to"]) == ("2011", "2012")
    assert at.slider(key="w_cost").value == 2.0 and at.query_params["w_cost"] == "2"
    assert at.button_group(key="goal").value == "G1" and at.query_params["goal"] == "G1"


def test_a_shared_link_opens_the_same_view(con):
    at = open_page(region="Asia", income="Lower middle income", mode="weighted", cell="G3-A", **{"from": "2011"})
    ok(at)
    assert at.multiselect(key="region").value == ["Asia"]
    assert at.multiselect(key="income").value == ["Lower middle income"]
    assert at.button_group(key="mode").value == "weighted"
    assert at.slider(key="period").value == (2011, 2015)
    listed = table_with(at, "project_id")
    expected = cr.cell_projects(con, "G3", "A", mode="weighted", regions=("Asia",),
                                income_groups=("Lower middle income",), start_year=2011, end_year=2015)
    # each id a link to the project's page
    assert sorted(listed["project_id"]) == sorted(f"project?project={p}" for p in expected["project_id"])
    assert len(expected) > 0


@pytest.mark.parametrize("params,bad", [({"goal": "G9"}, "G9"), ({"region": "Atlantis"}, "Atlantis"),
                                        ({"w_emig": "lots"}, "lots"), ({"from": "1850"}, "1850"),
                                        ({"cell": "G7-Z"}, "G7-Z"), ({"mode": "everything"}, "everything")])
def test_an_unknown_url_value_gives_a_warning_and_the_default_view(params, bad):
    at = open_page(**params)
    ok(at)
    assert any(bad in w and "names nothing" in w for w in warnings(at))
    assert at.button_group(key="goal").value == "all"
    assert at.multiselect(key="region").value == []
    assert at.slider(key="w_emig").value == 1.0
    assert at.slider(key="period").value == (2009, 2015)
    assert apptest_pages.chart_kinds(at) == ["heatmap"]
