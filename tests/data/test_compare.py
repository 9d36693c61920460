"""ipmd.profiles.compare on the bundled database: every figure of a comparison of MAR, TUN and PHL (and an
aggregate) is the one the observations hold, with its own year and source; what a source does not publish stays
missing, never zero."""
import math

import pandas as pd
import pytest

from ipmd import queries
from ipmd.profiles import compare

CODES = ("MAR", "TUN", "PHL")


@pytest.fixture(scope="module")
def comparison(con):
    return compare.comparison(con, CODES + ("WB:LMC",), 2024, "emigrant_pct_pop")


def _latest(con, iso3, indicator, year, sex="total"):
    """The country's latest default-source value up to `year`, read with the profile's own query."""
    obs = queries.country_observations(con, iso3)
    rows = obs[(obs.indicator_id == indicator) & (obs.sex == sex) & obs.is_default_source & (obs.year <= year)]
    return None if rows.empty else rows.sort_values("year").iloc[-1]


def test_headline_figures_are_the_latest_default_source_values_with_their_year(con, comparison):
    table = compare.headline_table(comparison).set_index("indicator_id")
    for iso3 in CODES:
        for indicator in compare.HEADLINE_INDICATORS:
            expected = _latest(con, iso3, indicator, 2024)
            if expected is None:
                assert math.isnan(table.loc[indicator, iso3])
                continue
            assert table.loc[indicator, iso3] == expected.value, (iso3, indicator)
            assert table.loc[indicator, f"{iso3}_year"] == expected.year, (iso3, indicator)
    # one source per indicator: the indicator's default source
    defaults = queries.indicators(con).set_index("indicator_id").default_source_id
    for indicator, source in table["source_id"].dropna().items():
        assert source == defaults[indicator]


def test_an_earlier_year_takes_the_values_known_then(con):
    earlier = compare.comparison(con, CODES, 2010, "immigrant_stock")
    table = compare.headline_table(earlier).set_index("indicator_id")
    assert table.loc["immigrant_stock", "MAR"] == _latest(con, "MAR", "immigrant_stock", 2010).value
    assert table.loc["immigrant_stock", "MAR_year"] == 2010
    assert (earlier.series.year <= 2024).all() and earlier.series.year.max() == 2024   # the series is whole


def test_aggregate_values_are_the_published_aggregates_and_missing_stays_missing(con, comparison):
    table = compare.headline_table(comparison).set_index("indicator_id")
    published = queries.aggregate_values(con, "LMC", "remittances_received_usd")
    last = published[published.sex == "total"].iloc[-1]
    assert table.loc["remittances_received_usd", "WB:LMC"] == last.value
    assert table.loc["remittances_received_usd", "WB:LMC_year"] == last.year
    # the World Bank publishes no migrant stock for its income groups: missing, not zero
    assert queries.aggregate_values(con, "LMC", "immigrant_stock").empty
    assert math.isnan(table.loc["immigrant_stock", "WB:LMC"])
    assert comparison.series[comparison.series.code == "WB:LMC"].empty
    frame = compare.download_frame(comparison)
    missing = frame[(frame.section == "headline") & (frame.code == "WB:LMC")
                    & (frame.indicator_id == "immigrant_stock")]
    assert len(missing) == 1 and pd.isna(missing.value.iloc[0]) and pd.isna(missing.year.iloc[0])
    assert not (frame.value == 0).any()


def test_series_stocks_and_corridors_equal_the_database(con, comparison):
    for iso3 in CODES:
        obs = queries.country_observations(con, iso3)
        mine = obs[(obs.indicator_id == "emigrant_pct_pop") & (obs.sex == "total") & obs.is_default_source]
        drawn = comparison.series[comparison.series.code == iso3]
        assert drawn.year.tolist() == mine.year.tolist()
        assert drawn.value.tolist() == mine.value.tolist()
        stocks = comparison.stocks_by_sex[comparison.stocks_by_sex.code == iso3].set_index(["indicator_id", "sex"])
        for indicator in ("immigrant_stock", "emigrant_stock"):
            for sex in ("female", "male", "total"):
                assert stocks.loc[(indicator, sex), "value"] == _latest(con, iso3, indicator, 2024, sex).value
        top = queries.top_destinations(con, iso3, comparison.stock_year, compare.CORRIDOR_COUNT)
        got = comparison.corridors[comparison.corridors.code == iso3]
        assert got.partner_iso3.tolist() == top.partner_iso3.tolist()
        assert got.stock.tolist() == top.stock.astype(float).tolist()
    assert comparison.stock_year == 2024
    assert comparison.corridors[comparison.corridors.code == "WB:LMC"].empty   # no bilateral stocks for groups


def test_region_and_income_group_places_are_offered(con):
    places = compare.places(con).set_index("code")
    assert places.loc["WLD", "kind"] == "world"
    assert places.loc["UN:903", "name_en"] == "Africa"            # UN DESA region
    assert places.loc["UN:1834", "kind"] == "un_sdg_region"       # SDG region
    assert places.loc["WB:LMC", "kind"] == "wb_income_group"
    assert places.loc["MAR", "kind"] == "country"
    assert "WB:IDA" not in places.index                           # lending groups are not offered


def test_wrong_requests_are_refused(con):
    with pytest.raises(ValueError):
        compare.comparison(con, ("MAR",), 2024)
    with pytest.raises(ValueError):
        compare.comparison(con, ("MAR", "TUN", "PHL", "MEX", "IND", "CHN", "USA"), 2024)
    with pytest.raises(ValueError):
        compare.comparison(con, ("MAR", "XXX"), 2024)
    with pytest.raises(ValueError):
        compare.comparison(con, ("MAR", "TUN"), 2024, "no_such_indicator")


def test_the_pdf_is_in_the_language_asked_with_each_figure_and_its_year(con):
    import io

    import pypdf

    from ipmd.i18n import fmt_compact, t
    from ipmd.profiles.compare_pdf import comparison_pdf
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(
        comparison_pdf(con, ("MAR", "TUN", "WB:LMC"), 2024, "emigrant_pct_pop", "es"))).pages).split())
    stock = _latest(con, "TUN", "emigrant_stock", 2024)
    assert f"{fmt_compact(stock.value, 'es')} ({stock.year})" in text        # 715.249 (2024)
    assert t("indicator.emigrant_pct_pop", "es") in text
    assert t("compare.missing", "es") in text                                 # the income group's migrant stock
    assert "Marruecos" in text
