"""AppTest: every page runs, bad links get a clear message, maps draw offline, tables and downloads are built when
asked. On the seeded page fixture database (tests/app/conftest.py); the figures the profile and overview show from
the committed database: tests/data/test_profile_page_figures.py."""
import io
import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import apptest_pages
from ipmd import db, queries
from ipmd.i18n import t

PAGES = {"pages/overview.py": "overview.title", "pages/country.py": "profile.title",
         "pages/compare.py": "compare.title",
         "pages/coverage.py": "coverage.title", "pages/funds.py": "funds.title",
         "pages/allocation.py": "allocation.title", "pages/methods.py": "methods.title",
         "pages/admin.py": "admin.title"}


def open_page(page: str, **params) -> AppTest:
    return apptest_pages.open_page(page, timeout=60, **params)


texts = apptest_pages.visible_texts


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_exception_inside_the_app(page):
    at = open_page(page)
    assert not at.exception, [e.message for e in at.exception]
    assert [title.value for title in at.title] == [t(PAGES[page])], f"{page} is not the page shown"
    # the shared sidebar of app.py is there: the page ran through the navigation, not on its own
    assert at.sidebar.selectbox(key="lang").value == "en"


def test_language_in_the_url_translates_the_page():
    at = open_page("pages/country.py", country="MEX", lang="es")
    assert not at.exception
    assert at.title[0].value == t("profile.title", "es")
    assert any("México" in h.value for h in at.header)


def test_unknown_country_code_gives_a_clear_message_and_the_picker():
    at = open_page("pages/country.py", country="XYZ")
    assert not at.exception
    assert any("XYZ" in w.value and "not a country" in w.value for w in at.warning)
    assert at.selectbox(key="country").value is None


def test_maps_use_the_local_topojson():
    at = open_page("pages/overview.py")
    charts = at.get("plotly_chart")
    maps = [c for c in charts if '"geo"' in c.proto.spec]
    assert maps, "the overview shows no map"
    for chart in maps:
        assert json.loads(chart.proto.config)["topojsonURL"] == "app/static/"


def test_a_corridor_choice_that_names_nothing_is_reported_and_ignored():
    at = open_page("pages/country.py", country="PHL", corridors="nowhere")
    assert not at.exception
    assert any("nowhere" in w.value for w in at.warning)
    assert at.segmented_control(key="corridors").value == "destinations"


def test_a_cached_map_follows_the_language():
    """The overview map is built once per view; the French page must not get the English figure."""
    def colorbar_title(at: AppTest) -> str:
        [world] = [c for c in at.get("plotly_chart") if '"geo"' in c.proto.spec]
        return json.loads(world.proto.spec)["layout"]["coloraxis"]["colorbar"]["title"]["text"]

    key = "indicator.emigrant_stock.short"
    assert t(key, "fr") != t(key, "en")
    assert colorbar_title(open_page("pages/overview.py", indicator="emigrant_stock")) == t(key, "en")
    assert colorbar_title(open_page("pages/overview.py", indicator="emigrant_stock", lang="fr")) == t(key, "fr")


def test_the_overview_map_indicator_reruns_only_the_map_section(monkeypatch, con):
    """The map with its indicator is a fragment: picking an indicator redraws the map with the database's latest
    values (its colour bar titled for it) and writes ?indicator=, without computing the key figures above again.
    The fragment-scoped rerun a browser asks for is made with a RerunData naming it (as in test_page_allocation)."""
    from components import kpi
    calls = apptest_pages.count_calls(monkeypatch, kpi, ["kpi_row"])
    at = open_page("pages/overview.py")
    assert not at.exception and calls["kpi_row"] == 2
    fragments = apptest_pages.rerun_fragments_only(monkeypatch, at)
    assert len(fragments) == 1
    at = at.selectbox(key="indicator").set_value("refugees_hosted").run()
    assert not at.exception, [e.message for e in at.exception]
    assert calls["kpi_row"] == 2                                  # the key figures were not computed again
    assert at.query_params["indicator"] == "refugees_hosted"
    [world] = [c for c in at.get("plotly_chart") if '"geo"' in c.proto.spec]
    spec = json.loads(world.proto.spec)
    assert spec["layout"]["coloraxis"]["colorbar"]["title"]["text"] == t("indicator.refugees_hosted.short", "en")
    latest = queries.latest_values(con, "refugees_hosted", 2024)
    frame = [f for f in spec["frames"] if f["name"] == str(int(latest["year"].max()))][0]
    assert frame["data"][0]["locations"] and set(frame["data"][0]["locations"]) <= set(latest["iso3"])


def test_data_tables_are_sent_only_once_their_expander_is_opened(deferred_downloads, con):
    """A closed "Show the data as a table" sends no table; opened, it shows the map's values and their CSV."""
    def map_csvs():
        return [name for name in deferred_downloads if name.startswith("ipmd_immigrant_stock_")]

    at = open_page("pages/overview.py")
    assert not at.exception
    assert not at.dataframe and not map_csvs()

    at.session_state["overview_data"] = True          # what a click on the expander does
    at.run()
    assert not at.exception
    [table] = at.dataframe
    # every country with a value in the map's latest year, largest first (the page reads the fixture database)
    latest = db.query(con, "SELECT c.name_en FROM observations o JOIN countries c USING (iso3) WHERE indicator_id = "
                      "'immigrant_stock' AND sex = 'total' AND year = (SELECT max(year) FROM observations WHERE "
                      "indicator_id = 'immigrant_stock')")
    assert len(table.value) == len(latest) > 1 and table.value["value"].is_monotonic_decreasing
    assert set(table.value["name"]) == set(latest["name_en"])
    [csv_name] = map_csvs()
    text = deferred_downloads[csv_name]().decode("utf-8-sig")
    assert text.startswith("# UN DESA")
    assert len(pd.read_csv(io.StringIO(text), comment="#")) == len(table.value)


def test_the_meeting_pack_opens_from_a_link_with_its_countries():
    at = open_page("pages/country.py", country="MAR")
    assert not at.exception
    assert not [m for m in at.multiselect if m.key == "pack"]           # closed: nothing drawn in it
    at = open_page("pages/country.py", country="MAR", pack="MAR,PHL")
    assert not at.exception
    assert at.multiselect(key="pack").value == ["MAR", "PHL"]
    assert at.query_params["pack"] == "MAR,PHL"


def test_the_country_profiles_peer_measure_and_meeting_pack_rerun_alone(monkeypatch):
    """The peer comparison and the meeting pack are fragments: picking a peer measure, opening the pack and adding
    a country rerun them (the URL follows) without running the profile's headline again. AppTest reruns the whole
    script on every interaction: the fragment-scoped rerun a browser asks for is made with a RerunData naming the
    fragments (as in test_page_allocation)."""
    from components.views import profile as view
    calls = apptest_pages.count_calls(monkeypatch, view, ["headline"])
    at = open_page("pages/country.py", country="MAR")
    assert not at.exception and calls["headline"] == 1
    fragments = apptest_pages.rerun_fragments_only(monkeypatch, at)
    assert len(fragments) == 2                                   # the peers, the meeting pack
    at = at.selectbox(key="peer").set_value("remittances_received_pct_gdp").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.query_params["peer"] == "remittances_received_pct_gdp"
    assert any(t("indicator.remittances_received_pct_gdp", "en") in s.value for s in at.subheader)
    at.session_state["profile_meeting_pack"] = True
    at = at.run()
    at = at.multiselect(key="pack").select("PHL").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.query_params["pack"] == "PHL"
    assert calls["headline"] == 1                                # the profile above did not run again


def test_corridors_show_a_ranking_or_a_map_from_the_link():
    def kinds(at):
        return [json.loads(c.proto.spec)["data"][0]["type"] for c in at.get("plotly_chart")
                if c.proto.id and "profile_corridor" in c.proto.id]

    at = open_page("pages/country.py", country="PHL")
    assert kinds(at) == ["bar"]                                 # the ranking; the map is one click away
    # picked with a segmented control, not tabs (a tab panel walks its content on every change plotly makes: issue 18)
    assert not at.tabs and at.segmented_control(key="corridor_view").value == "bars"
    at.segmented_control(key="corridor_view").set_value("map").run()
    assert kinds(at) == ["scattergeo"] and at.query_params["corridor_view"] == "map"
    at = open_page("pages/country.py", country="PHL", corridor_view="map")
    assert not at.exception and kinds(at) == ["scattergeo"] and at.query_params["corridor_view"] == "map"
    assert at.segmented_control(key="corridor_view").value == "map"
    at = open_page("pages/country.py", country="PHL", corridor_view="globe")
    assert any("globe" in w.value for w in at.warning) and kinds(at) == ["bar"]
