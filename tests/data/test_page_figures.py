"""What the sidebar year means on each page, and the figures that depend on it: the overview's fund figures when the
ledger stops earlier, the profile's charts marking the year, the peer choice kept in a shared link, the gap finder's
counts, plural counts and names in running text: on the committed database (the profiles need its figures)."""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from apptest_pages import open_page
from components.text import plain
from ipmd import queries
from ipmd.fund import summary as fund_summary
from ipmd.coverage.report import gap_finder
from ipmd.i18n import fmt_date, plural, t


def last_transaction(con) -> pd.Timestamp:
    return pd.to_datetime(queries.ledger(con)["transactions"]["txn_date"]).max()


@pytest.mark.parametrize("page, meaning", [
    ("pages/overview.py", "overview"), ("pages/country.py", "country"), ("pages/coverage.py", "coverage"),
    ("pages/funds.py", "funds"), ("pages/methods.py", "other"),
])
def test_the_sidebar_says_what_the_year_selects_on_each_page(page, meaning):
    at = open_page(page, lang="fr", country="MAR")
    assert not at.exception
    assert t(f"figures.year_on.{meaning}", "fr") in [c.value for c in at.sidebar.caption]


def test_overview_fund_figures_say_when_the_ledger_ends_before_the_year(con):
    last = last_transaction(con)
    at = open_page("pages/overview.py", year="2024")
    notes = [c.value for c in at.caption]
    if last.year < 2024:
        text = t("figures.fund_note_ended", "en", year=2024, last=fmt_date(last.date(), "en"))
        assert notes.count(t("figures.illustrative", "en", text=text)) == 3   # countries, deposited, approved
    assert not any("Cumulative to the end of 2024 ·" in n for n in notes)
    # before the first transaction: nothing, and it says so
    first = pd.to_datetime(queries.ledger(con)["transactions"]["txn_date"]).min()
    years = [y for y in queries.indicator_years(con, "immigrant_stock") if y < first.year]
    if years:
        at = open_page("pages/overview.py", year=str(years[-1]), lang="es")
        expected = t("figures.illustrative", "es", text=t("figures.fund_note_empty", "es", year=years[-1]))
        assert [c.value for c in at.caption].count(expected) == 3
        assert fund_summary.fund_kpis(con, years[-1]).approved == 0


@pytest.mark.parametrize("year", [2024, 2010])
def test_profile_charts_mark_the_chosen_year(year):
    at = open_page("pages/country.py", country="PHL", year=str(year))
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    # remittances over time: a dashed line at the year
    remittances = next(s for s in specs if s["data"][0]["type"] == "scatter")
    lines = [s for s in remittances["layout"]["shapes"] if s["type"] == "line"]
    assert [(s["x0"], s["x1"]) for s in lines] == [(year, year)]
    # stocks by estimate year (two panels): the year's bar shaded on both
    stocks = next(s for s in specs if "xaxis2" in s["layout"])
    years = sorted({int(x) for trace in stocks["data"] for x in trace["x"]})
    bands = stocks["layout"]["shapes"]
    assert {s["xref"] for s in bands} == {"x", "x2"}
    assert all(s["x0"] + 0.5 == years.index(year) for s in bands)
    captions = [c.value for c in at.caption]
    assert t("figures.chosen_year", "en", year=year) in captions
    assert t("figures.chosen_year_band", "en", year=year) in captions
    # the chart texts quote what is up to the year
    summaries = [m.value for m in at.markdown if "in remittances in" in m.value or "immigrants went from" in m.value]
    assert len(summaries) == 2
    assert all(int(y) <= year for text in summaries for y in re.findall(r"\b(?:19|20)\d\d\b", text))


def test_a_shared_link_keeps_the_peer_indicator(con):
    at = open_page("pages/country.py", country="MAR", peer="remittances_received_pct_gdp")
    assert not at.exception
    assert at.selectbox(key="peer").value == "remittances_received_pct_gdp"
    assert at.query_params["peer"] == "remittances_received_pct_gdp"
    assert any(t("indicator.remittances_received_pct_gdp", "en") in s.value for s in at.subheader)
    # the peers are each country's latest value up to the year: Morocco's % of GDP is of its own year
    own = con.execute("""SELECT max(year) FROM observations WHERE iso3 = 'MAR' AND year <= 2024
                         AND indicator_id = 'remittances_received_pct_gdp'""").fetchone()[0]
    assert t("figures.peers_years", "en", year=2024, country="Morocco", own_year=own) in [c.value for c in at.caption]
    # chosen on the page, it goes into the link
    at.selectbox(key="peer").set_value("immigrant_pct_pop").run()
    assert at.query_params["peer"] == "immigrant_pct_pop"


def test_a_peer_indicator_that_names_nothing_is_reported_and_ignored(con):
    at = open_page("pages/country.py", country="MAR", peer="gdp; drop table")
    assert not at.exception
    assert any(plain("gdp; drop table") in w.value for w in at.warning)      # quoted as text, like every link value
    # the country's default instead: an emigration measure, as Morocco's emigrants outnumber its immigrants
    emigrants, immigrants = con.execute("""SELECT max(value) FILTER (indicator_id = 'emigrant_stock'),
        max(value) FILTER (indicator_id = 'immigrant_stock') FROM observations WHERE iso3 = 'MAR' AND year = 2024""").fetchone()
    assert emigrants > immigrants
    assert at.selectbox(key="peer").value == "emigrant_pct_pop"


def test_gap_finder_counts_scored_countries_once(con):
    """'Scored countries' is one number (every country with a need score, the cut-off's base); the scatter's
    countries are 'listed', out of it."""
    at = open_page("pages/coverage.py", view="gaps")
    assert not at.exception
    gf = gap_finder(con, 2024)
    text = " ".join(m.value for m in at.markdown)
    counts = {int(n) for n in re.findall(r"(\d+) scored countries", text)}
    assert counts == {gf.n_scored_all}
    assert f"the {gf.n_scored} countries listed, of all {gf.n_scored_all} scored countries" in text


def test_one_project_is_singular_on_the_profile(con):
    projects = fund_summary.projects_by_country(con)
    counts = projects.groupby("iso3").size()
    one = counts[counts == 1].index[0]
    at = open_page("pages/country.py", country=one, lang="fr")
    text = " ".join(m.value for m in at.markdown)
    assert plural("figures.count.approved_projects", 1, "fr") + " " in text
    assert "1 projets" not in text


def test_corridor_lists_use_names_fit_for_running_text(con):
    """Palestinians abroad live in Jordan, among others; listed in a sentence, no name is cut by its own comma."""
    at = open_page("pages/country.py", country="PSE", corridors="destinations")
    assert not at.exception
    assert any(h.value == "State of Palestine" for h in at.header)
    summary = next(m.value for m in at.markdown if "most emigrants from" in m.value)
    assert "State of Palestine" in summary and "Palestine, State of" not in summary
