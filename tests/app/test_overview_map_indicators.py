"""AppTest of issue 19's new indicators on the overview's world map: refugees within the migrant stock (number and
share), the annual rate of change of the stock, remittances received as % of GDP (derived) and SDG 10.7.4. Each is
offered by the map's indicator list, drawn with its own unit (SDG 10.7.4 per 100,000 people, never %), a rate of
change on a diverging scale centred at 0, and the values drawn are the database's for two countries: here the seeded
page fixture database's (tests/app/conftest.py); the committed database's for the countries the issue names
(Jordan, Türkiye, Syria ...): tests/data/test_pages_overview_map.py."""
import pytest

import apptest_pages
import overview_map_checks as checks
from overview_map_checks import (  # noqa: F401  (collected here: the shared tests of the map's indicators)
    test_each_new_indicator_is_drawn_with_its_unit_and_the_databases_values,
    test_sdg_10_7_4_reads_per_100000_people_in_french, test_the_rate_of_change_is_on_a_diverging_scale_centred_at_zero)
from ipmd.i18n import t



def test_the_new_indicators_are_in_the_maps_list():
    at = apptest_pages.open_page("pages/overview.py")
    assert not at.exception
    offered = at.selectbox(key="indicator").options
    for indicator in checks.NEW:
        assert t(f"indicator.{indicator}") in offered, indicator


@pytest.fixture(scope="module")
def map_countries():
    """The countries whose drawn values are checked, by indicator."""
    return {"refugees_in_migrant_stock": ("MEX", "MAR"), "refugees_pct_migrant_stock": ("SEN", "PHL"),
            "immigrant_stock_change_rate": ("PHL", "IND"), "remittances_received_pct_gdp_derived": ("PHL", "MAR"),
            "sdg_10_7_4_refugees_per_100k": ("GTM", "MAR")}


@pytest.mark.parametrize("language, decimal, group", [("en", ".", ","), ("fr", ",", "\u202f"), ("es", ",", ".")])
def test_charts_write_numbers_the_languages_way(language, decimal, group):
    """Plotly draws axis ticks, colour bars and hover numbers with the figure's separators: the page's language's
    decimal and group signs (CLDR), not English ones on every page."""
    at = apptest_pages.open_page("pages/overview.py", indicator="immigrant_stock_change_rate", lang=language)
    assert not at.exception
    assert checks.map_spec(at)["layout"]["separators"] == decimal + group


@pytest.mark.parametrize("language, prefix", [("en", "{label}: "), ("fr", "{label}\u00a0: "), ("es", "{label}: ")])
def test_the_year_sliders_label_follows_the_languages_punctuation(language, prefix):
    at = apptest_pages.open_page("pages/overview.py", indicator="refugees_pct_migrant_stock", lang=language)
    assert not at.exception
    slider = checks.map_spec(at)["layout"]["sliders"][0]
    assert slider["currentvalue"]["prefix"] == prefix.format(label=t("compare.map.year", language))


def test_a_rerun_takes_the_map_already_built_for_its_year_and_language(monkeypatch):
    """Issue 18: the sidebar's year and language rerun the whole overview; the map (its hover labels for every
    country and year) is built once per indicator, year and language, and a rerun for the same ones sends the same
    figure without labelling the values again."""
    from components.views import overview as view
    import components.labels

    calls = apptest_pages.count_calls(monkeypatch, components.labels, ["value_labels"])
    monkeypatch.setattr(view, "value_labels", components.labels.value_labels)     # the view's own import, counted
    view._map_figure.clear()
    at = apptest_pages.open_page("pages/overview.py")
    assert not at.exception and calls["value_labels"] == 1
    spec = at.get("plotly_chart")[0].proto.spec
    at = at.run()
    assert not at.exception and calls["value_labels"] == 1          # the rerun took the map already built
    assert at.get("plotly_chart")[0].proto.spec == spec
    years = at.selectbox(key="year").options
    at = at.selectbox(key="year").set_value(int(years[-2])).run()      # another year: built for it
    assert not at.exception and calls["value_labels"] == 2
