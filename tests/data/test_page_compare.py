"""AppTest of the comparison page: a link opens MAR, TUN and PHL with the database's figures, unknown codes are
reported as text, one or seven places are refused with a message, tabs and the indicator come from the link."""
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import apptest_pages
from components.text import link_values
from ipmd import db, queries
from ipmd.i18n import t
from ipmd.profiles import compare

PAGE = "pages/compare.py"


@pytest.fixture(scope="module")
def con():
    return db.connect()


def open_page(**params) -> AppTest:
    return apptest_pages.open_page(PAGE, timeout=120, **params)


def _headline(at: AppTest):
    return at.dataframe[0].value      # the headline table comes first


def test_a_link_opens_the_comparison_with_the_database_figures(con):
    at = open_page(compare="MAR,TUN,PHL")
    assert not at.exception and not at.warning
    table = _headline(at)
    assert list(table.columns[1:4]) == ["Morocco", "Tunisia", "Philippines"]
    expected = queries.latest_values(con, "emigrant_stock", 2024).set_index("iso3")
    row = table[table["Indicator"] == t("indicator.emigrant_stock", "en")].iloc[0]
    assert row["Tunisia"] == f"{expected.loc['TUN', 'value']:,.0f} ({expected.loc['TUN', 'year']})"   # 715,249 (2024)
    assert at.query_params["compare"] == "MAR,TUN,PHL"
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert [trace["name"] for trace in chart["data"]] == ["Morocco", "Tunisia", "Philippines"]
    series = queries.country_observations(con, "PHL")
    series = series[(series.indicator_id == compare.DEFAULT_INDICATOR) & (series.sex == "total")
                    & series.is_default_source]
    assert chart["data"][2]["y"] == series.value.tolist()


def test_unknown_codes_are_reported_as_text_and_left_out():
    at = open_page(compare="MAR,<b>XX</b>,PHL")
    assert not at.exception
    assert [w.value for w in at.warning] == [t("compare.unknown", "en", code=link_values(["<b>XX</b>"]))]
    assert list(_headline(at).columns[1:3]) == ["Morocco", "Philippines"]


@pytest.mark.parametrize("codes, key", [("MAR", "compare.too_few"),
                                        ("MAR,TUN,PHL,MEX,IND,CHN,USA", "compare.too_many")])
def test_one_or_seven_places_are_refused_with_a_message(codes, key):
    at = open_page(compare=codes)
    assert not at.exception
    messages = [m.value for m in (*at.warning, *at.info)]
    assert t(key, "en", least=2, most=6) in messages
    assert not at.get("plotly_chart") and not at.dataframe


def test_indicator_tab_and_an_aggregate_from_the_link_in_french(con):
    at = open_page(compare="MAR,WB:LMC", indicator="remittances_received_usd", view="remittances", lang="fr")
    assert not at.exception and not at.warning
    table = _headline(at)
    names = compare.place_labels(compare.places(con), "fr")
    assert list(table.columns[1:3]) == ["Maroc", names["WB:LMC"]]
    assert names["WB:LMC"].endswith(" · groupe de revenu de la Banque mondiale")
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    lmc = queries.aggregate_values(con, "LMC", "remittances_received_usd")
    assert chart["data"][1]["y"] == lmc[lmc.sex == "total"].value.tolist()
    # the group publishes no migrant stock: "Pas de données", never 0
    row = table[table[t("compare.col.indicator", "fr")] == t("indicator.immigrant_stock", "fr")].iloc[0]
    assert row.iloc[2] == t("compare.missing", "fr")


def test_corridors_tab_shows_each_countrys_largest_destinations_in_its_order(con):
    at = open_page(compare="PHL,TUN", view="corridors")
    assert not at.exception
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert [trace["name"] for trace in chart["data"]] == ["Philippines", "Tunisia"]
    for trace, iso3 in zip(chart["data"], ("PHL", "TUN")):
        top = queries.top_destinations(con, iso3, 2024, compare.CORRIDOR_COUNT)
        assert trace["x"] == top.stock.astype(float).tolist()            # largest first, as the database ranks them
    names = dict(zip(chart["layout"]["yaxis"]["tickvals"], chart["layout"]["yaxis"]["ticktext"]))
    usa = queries.named_countries(con, "en").set_index("iso3").loc["USA", "name"]
    assert names[chart["data"][0]["y"][0]] == usa


def test_picking_an_indicator_reruns_only_the_indicator_section(monkeypatch, con):
    """The indicator, the tabs and the downloads are a fragment: picking an indicator redraws the chart with the
    database's series and keeps the URL in step, without running the places' picker and the headline again.
    AppTest reruns the whole script on every interaction: the fragment-scoped rerun a browser asks for is made
    with a RerunData naming the fragment (as in test_page_allocation)."""
    from components.views import compare as view
    calls = apptest_pages.count_calls(monkeypatch, view, ["headline"])
    at = open_page(compare="MAR,TUN,PHL")
    assert calls["headline"] == 1
    fragments = apptest_pages.rerun_fragments_only(monkeypatch, at)
    assert len(fragments) == 1
    at = at.selectbox(key="indicator").set_value("remittances_received_usd").run()
    assert not at.exception, [e.message for e in at.exception]
    assert calls["headline"] == 1                       # the page above the fragment did not run again
    assert at.query_params["indicator"] == "remittances_received_usd"
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    series = queries.country_observations(con, "PHL")
    series = series[(series.indicator_id == "remittances_received_usd") & (series.sex == "total")
                    & series.is_default_source]
    assert chart["data"][2]["y"] == series.value.tolist()


def test_the_headline_is_also_stacked_for_a_phone_with_the_grids_figures():
    """Issue 17: on a phone the grid cut the indicator names; the stacked form (shown there by static/ipmd.css)
    holds the same figures: each indicator, then each place's value and year, then its source."""
    at = open_page(compare="MAR,TUN,PHL", lang="fr")
    table = _headline(at)
    stacked = next(m.value for m in at.markdown if m.value.startswith("**") and "  \n" in m.value)
    blocks = stacked.split("\n\n")
    assert len(blocks) == len(table)
    for block, row in zip(blocks, table.itertuples(index=False)):
        lines = block.replace("\\", "").split("  \n")
        values = dict(zip(table.columns, row))
        assert lines[0] == f"**{values['Indicateur']}**"
        assert lines[1:4] == [f"{place}\u00a0: {values[place]}" for place in ("Maroc", "Tunisie", "Philippines")]
        assert lines[4] == f"*Source\u00a0: {values['Source']}*"
    css = (Path(__file__).resolve().parents[2] / "static" / "ipmd.css").read_text(encoding="utf-8")
    assert ".st-key-compare_headline_stacked { display: none; }" in css
