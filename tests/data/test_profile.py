"""ipmd.profiles.country on the bundled database: the profile's series and peer comparison agree with the observations."""
import pandas as pd
import pytest

from ipmd import queries
from ipmd.profiles import country as profile


def _official(obs, indicator, year, sex="total"):
    rows = obs[(obs.indicator_id == indicator) & (obs.year == year) & (obs.sex == sex) & obs.is_default_source]
    return float(rows.value.iloc[0])


def test_stock_by_sex_is_one_row_per_year_and_sex_with_the_official_values(con):
    obs = queries.country_observations(con, "MEX")
    stocks = profile.stock_by_sex(obs)
    assert list(stocks.columns) == ["year", "sex", "immigrants", "emigrants"]
    assert not stocks.duplicated(["year", "sex"]).any()
    assert set(stocks.sex) == {"female", "male", "total"}
    assert stocks.year.min() == 1990 and stocks.year.max() == 2024
    row = stocks[(stocks.year == 2024) & (stocks.sex == "female")].iloc[0]
    assert row.immigrants == _official(obs, "immigrant_stock", 2024, "female")
    assert row.emigrants == _official(obs, "emigrant_stock", 2024, "female")
    totals = stocks[stocks.sex == "total"].set_index("year")
    parts = stocks[stocks.sex != "total"].groupby("year")[["immigrants", "emigrants"]].sum()
    assert (abs(totals[["immigrants", "emigrants"]] - parts) <= 2).all().all()   # women + men = total (rounding)


def test_remittance_series_keeps_gaps_as_missing(con):
    obs = queries.country_observations(con, "PHL")
    series = profile.remittance_series(obs)
    assert list(series.columns) == ["year", "received_usd", "paid_usd", "received_pct_gdp"]
    assert series.year.is_monotonic_increasing and series.year.is_unique
    assert series.set_index("year").loc[2024, "received_usd"] == _official(obs, "remittances_received_usd", 2024)
    assert profile.remittance_series(obs.iloc[0:0]).empty


def test_peer_comparison_ranks_the_country_in_its_region_and_income_group(con):
    values = profile.peer_values(con, "immigrant_pct_pop", 2024)
    table = profile.peer_comparison(values, "PHL").set_index("group_kind")
    latest = queries.latest_values(con, "immigrant_pct_pop", 2024)
    countries = queries.countries(con).set_index("iso3")
    data = latest.assign(region=latest.iso3.map(countries.un_region))
    asia = data[data.region == "Asia"]
    mine = float(latest.set_index("iso3").value["PHL"])
    assert table.loc["un_region", "group"] == "Asia"
    assert table.loc["un_region", "n"] == len(asia)
    assert table.loc["un_region", "median"] == pytest.approx(asia.value.median())
    assert table.loc["un_region", "rank"] == (asia.value > mine).sum() + 1
    assert table.loc["un_region", "value"] == pytest.approx(mine)
    assert table.loc["un_region", "year"] == latest.set_index("iso3").year["PHL"]   # the value's own year
    assert set(table.source_id) == set(latest.source_id)
    assert profile.peer_comparison(values, "XYZ").empty


def test_a_ratio_of_another_year_than_its_figure_says_its_year(con):
    """Tonga's remittances are of 2024, their % of GDP (WDI) of 2021; the Philippines pays 0.047% of GDP."""
    tonga = profile.load_profile(con, "TON", 2024)
    amount, ratio = tonga.figure("remittances_received_usd"), tonga.figure("remittances_received_pct_gdp")
    assert (amount.year, ratio.year) == (2024, 2021)
    assert profile.detail_text(tonga, "remittances_received_usd", "en") == f"{ratio.value:.1f}% of GDP (2021)"
    assert profile.detail_text(tonga, "remittances_received_usd", "fr") == f"{ratio.value:.1f} % du PIB (2021)".replace(
        ".", ",").replace(" %", "\u202f%")
    philippines = profile.load_profile(con, "PHL", 2024)
    paid = philippines.figure("remittances_paid_pct_gdp")
    assert paid.year == philippines.figure("remittances_paid_usd").year and paid.value < 0.1
    assert profile.detail_text(philippines, "remittances_paid_usd", "en") == f"{paid.value:.3f}% of GDP"   # no year: the same
    # the year chosen earlier: both of that year, no year written
    earlier = profile.load_profile(con, "TON", 2015)
    assert "(" not in profile.detail_text(earlier, "remittances_received_usd", "en")


def test_profile_download_rounds_values_and_holds_the_corridors(con):
    frame = profile.download_frame(con, "MAR")
    raw = queries.country_download(con, "MAR")
    figures = frame[frame["partner_iso3"].isna()]
    assert len(figures) == len(raw)
    assert (figures["value"] - raw["value"]).abs().max() <= 0.5     # rounded, not changed
    corridors = frame[frame["partner_iso3"].notna()]
    spain = corridors[(corridors.indicator_id == "emigrants_by_destination") & (corridors.partner_iso3 == "ESP")
                      & (corridors.year == 2024) & (corridors.sex == "total")]
    assert spain["value"].iloc[0] == con.execute("""SELECT stock FROM bilateral_stock WHERE origin_iso3 = 'MAR'
        AND dest_iso3 = 'ESP' AND year = 2024 AND sex = 'total'""").fetchone()[0]
    assert set(corridors["source_title"]) == {queries.sources(con).set_index("source_id").loc[
        "undesa_ims_2024_bilateral", "title"]}
    assert profile.download_frame(con, "XYZ").empty


def test_a_profile_built_on_the_shared_context_is_the_one_read_alone(con):
    """The app reads what every profile shares once (profile_context) and each country's own rows after: the same
    profile as load_profile reading everything itself, figure for figure and row for row (issue 18)."""
    context = profile.profile_context(con)
    assert context.stock_years == profile.stock_years(con)
    for iso3, year in (("PHL", 2024), ("TON", 2015), ("MAR", 2020), ("DEU", 2024)):
        alone, shared = profile.load_profile(con, iso3, year), profile.load_profile(con, iso3, year, context)
        assert shared.figures == alone.figures and shared.country == alone.country
        assert shared.sources == alone.sources and shared.stock_method == alone.stock_method
        for name in ("stocks", "remittances", "destinations", "origins"):
            pd.testing.assert_frame_equal(getattr(shared, name), getattr(alone, name))
    assert profile.load_profile(con, "XYZ", 2024, context) is None
