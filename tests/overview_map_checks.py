"""The overview map's tests of issue 19's indicators, shared by the page test on the seeded page fixture
(tests/app/test_overview_map_indicators.py) and the one on the committed database's countries
(tests/data/test_pages_overview_map.py), which import them (this module's name keeps pytest from collecting it
here): each reads the map the page draws and compares it with the database the page read, `con`, for the
countries of the module's `map_countries` fixture ({indicator: (iso3, ...)})."""
from __future__ import annotations

import base64
import json
import math

import numpy as np
import pytest

import apptest_pages
from ipmd import queries
from ipmd.i18n import fmt_compact, fmt_pct, t
from ipmd.profiles import overview

NEW = ("refugees_in_migrant_stock", "refugees_pct_migrant_stock", "immigrant_stock_change_rate",
       "remittances_received_pct_gdp_derived", "sdg_10_7_4_refugees_per_100k")

def map_spec(at) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def _shown(spec: dict) -> tuple[int, dict[str, tuple[float, str]]]:
    """The year the map opens at and, per country drawn as a shape, (colour value, hover label as the reader sees
    it: the country's label and what the trace's hover template writes after it, the source)."""
    slider = spec["layout"]["sliders"][0]
    year = int(slider["steps"][slider["active"]]["label"])
    trace = spec["data"][0]
    after = trace["hovertemplate"].split("%{customdata[2]}", 1)[1].split("<extra>", 1)[0]
    return year, {iso3: (z, label + after) for z, (iso3, _, label) in zip(_array(trace["z"]), trace["customdata"])}


def _array(values) -> list[float]:
    """A figure's numbers as plotly sends them: a list, or a typed array in base64 ({dtype, bdata})."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def _expected_label(value: float, unit: str) -> str:
    if unit == "%":
        return fmt_pct(value, "en")
    if unit == "per 100,000":     # written out here, not by the app's formatter
        return f"{value:,.1f} per 100,000" if value < 1000 else f"{value:,.0f} per 100,000"
    return fmt_compact(value, "en")


def indicator_is_drawn_with_its_unit_and_the_databases_values(con, indicator: str, countries: tuple[str, ...]) -> None:
    """The map of `indicator` (colour bar, colour values, hover labels and years) against the database's latest values
    for `countries`."""
    at = apptest_pages.open_page("pages/overview.py", indicator=indicator)
    assert not at.exception
    spec = map_spec(at)
    year, drawn = _shown(spec)
    catalogue = queries.indicators(con).set_index("indicator_id")
    unit = catalogue.loc[indicator, "unit"]
    assert spec["layout"]["coloraxis"]["colorbar"]["title"]["text"] == t(f"indicator.{indicator}.short")
    latest = queries.latest_values(con, indicator, year).set_index("iso3")
    assert set(latest["source_id"]) == {catalogue.loc[indicator, "default_source_id"]}
    for iso3 in countries:
        value, value_year = float(latest.loc[iso3, "value"]), int(latest.loc[iso3, "year"])
        z, label = drawn[iso3]
        colour = math.log10(value) if indicator in overview.MAP_LOG_SCALE else value
        assert z == pytest.approx(colour), iso3
        assert label.split("<br>")[0] == _expected_label(value, unit), (iso3, label)
        assert label.split("<br>")[1].startswith(f"{value_year} · "), (iso3, label)
    if unit != "%":
        assert not any("%" in label for _, label in drawn.values()), indicator


def sdg_10_7_4_reads_per_100000_people_in_french(con, iso3: str) -> None:
    at = apptest_pages.open_page("pages/overview.py", indicator="sdg_10_7_4_refugees_per_100k", lang="fr")
    assert not at.exception
    spec = map_spec(at)
    year, drawn = _shown(spec)
    assert spec["layout"]["coloraxis"]["colorbar"]["title"]["text"] == t("indicator.sdg_10_7_4_refugees_per_100k.short", "fr")
    value = float(queries.latest_values(con, "sdg_10_7_4_refugees_per_100k", year).set_index("iso3").loc[iso3, "value"])
    assert value < 1000                                    # no thousands separator to spell out below
    assert drawn[iso3][1].split("<br>")[0] == f"{value:.1f}".replace(".", ",") + " pour 100 000", drawn[iso3]


def rate_of_change_is_on_a_diverging_scale_centred_at_zero(con) -> None:
    at = apptest_pages.open_page("pages/overview.py", indicator="immigrant_stock_change_rate")
    assert not at.exception
    spec = map_spec(at)
    year, drawn = _shown(spec)
    axis = spec["layout"]["coloraxis"]
    assert axis["cmin"] == pytest.approx(-axis["cmax"]) and axis["cmax"] > 0
    latest = queries.latest_values(con, "immigrant_stock_change_rate", year)
    assert (latest["value"] < 0).any()                    # the database has shrinking stocks: they are drawn
    shrinking = latest.loc[latest["value"].idxmin(), "iso3"]
    assert drawn[shrinking][0] < 0
    # the scale's colours: brown below 0, green above (ColorBrewer BrBG), not the sequential blues
    scale = [colour for _, colour in axis["colorscale"]]
    assert scale[0] != scale[-1] and "rgb(84,48,5)" in scale[0].replace(" ", "")


@pytest.mark.parametrize("indicator", NEW)
def test_each_new_indicator_is_drawn_with_its_unit_and_the_databases_values(con, map_countries, indicator):
    indicator_is_drawn_with_its_unit_and_the_databases_values(con, indicator, map_countries[indicator])


def test_sdg_10_7_4_reads_per_100000_people_in_french(con):
    sdg_10_7_4_reads_per_100000_people_in_french(con, "MAR")


def test_the_rate_of_change_is_on_a_diverging_scale_centred_at_zero(con):
    rate_of_change_is_on_a_diverging_scale_centred_at_zero(con)
