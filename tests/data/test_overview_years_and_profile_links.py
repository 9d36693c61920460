"""AppTest of issue 19's links and defaults outside the comparison page: the overview map carries one frame per year
the indicator's source publishes and opens at the sidebar's year; the profile links to the comparison with its
country picked, and its peer comparison opens on emigrants where emigrants outnumber immigrants."""
import json
import math

import pytest

import apptest_pages
from ipmd import db, queries


@pytest.fixture(scope="module")
def con():
    return db.connect()


def _map(at) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def test_the_map_has_a_frame_per_published_year_and_opens_at_the_chosen_year(con):
    at = apptest_pages.open_page("pages/overview.py", indicator="remittances_received_usd", year="2000")
    assert not at.exception
    spec = _map(at)
    years = [str(y) for y in queries.indicator_years(con, "remittances_received_usd")]
    assert [f["name"] for f in spec["frames"]] == years
    slider = spec["layout"]["sliders"][0]
    assert [s["label"] for s in slider["steps"]] == years and years[slider["active"]] == "2000"
    # a frame holds each country's latest value up to its year
    frame = next(f for f in spec["frames"] if f["name"] == "1995")["data"][0]
    latest = queries.latest_values(con, "remittances_received_usd", 1995).set_index("iso3")["value"]
    drawn = dict(zip(frame["locations"], frame["z"]))
    assert drawn["PHL"] == pytest.approx(math.log10(latest["PHL"]))
    assert config_topojson(at) == "app/static/"


def config_topojson(at) -> str:
    return json.loads(at.get("plotly_chart")[0].proto.config)["topojsonURL"]


def test_the_ledger_map_has_no_year_frames():
    at = apptest_pages.open_page("pages/overview.py", indicator="project_funding_approved")
    assert not at.exception
    assert not _map(at).get("frames")


@pytest.mark.parametrize("iso3, expected", [("MAR", "emigrant_pct_pop"), ("DEU", "immigrant_pct_pop")])
def test_profile_peer_default_and_compare_link(con, iso3, expected):
    figures = queries.latest_values(con, "emigrant_stock", 2024).set_index("iso3")["value"]
    immigrants = queries.latest_values(con, "immigrant_stock", 2024).set_index("iso3")["value"]
    assert (figures[iso3] > immigrants[iso3]) == (expected == "emigrant_pct_pop")   # the rule, from the database
    at = apptest_pages.open_page("pages/country.py", country=iso3)
    assert not at.exception
    assert at.selectbox(key="peer").value == expected
    assert "peer" not in at.query_params                                   # the default stays out of the link
    links = [link.proto for link in at.get("page_link") if link.proto.page == "compare" and link.proto.query_string]
    assert [link.query_string for link in links] == [f"compare={iso3}&lang=en"]   # the sidebar's has no country
