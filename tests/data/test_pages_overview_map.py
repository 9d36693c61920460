"""AppTest of issue 19's new indicators on the overview's world map over the committed database: the values drawn
are the sources' for the countries the issue names (Jordan's refugees, Türkiye's growing stock, Syria's refugees per
100,000), Morocco's per 100,000 in French, and the real shrinking stocks on the diverging scale. The map's behaviour
on the seeded page fixture: tests/app/test_overview_map_indicators.py."""
import pytest

from overview_map_checks import (  # noqa: F401  (collected here: the shared tests of the map's indicators)
    test_each_new_indicator_is_drawn_with_its_unit_and_the_databases_values,
    test_sdg_10_7_4_reads_per_100000_people_in_french, test_the_rate_of_change_is_on_a_diverging_scale_centred_at_zero)


@pytest.fixture(scope="module")
def map_countries():
    """The countries whose drawn values are checked, by indicator."""
    return {"refugees_in_migrant_stock": ("JOR", "MAR"), "refugees_pct_migrant_stock": ("JOR", "PHL"),
            "immigrant_stock_change_rate": ("PHL", "TUR"), "remittances_received_pct_gdp_derived": ("PHL", "MAR"),
            "sdg_10_7_4_refugees_per_100k": ("SYR", "MAR")}
