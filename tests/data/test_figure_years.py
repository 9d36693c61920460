"""Every headline figure shows the year of the value it shows, ratios included: on the profile page (AppTest) and in
the brief's data, for a sample of countries (large, small, with gaps) and two sidebar years.

The expected value and year of each figure come from the observations table with a query of this test (the latest
default-source value up to the year), not from ipmd.profiles.country, so the page and the brief are checked against the data.
"""
from __future__ import annotations

import re

import pytest

from apptest_pages import open_page
from ipmd.documents import slides
from ipmd.documents.data import brief_data, remittance_frame
from ipmd.documents.text import PACK_COLUMNS, chart_summary, comparison_rows, stock_title
from ipmd.i18n import fmt_compact, fmt_pct, fmt_usd, t
from ipmd.profiles.methods import method_key
from ipmd.profiles.country import load_profile

# PHL, MEX, MAR, IND: remittance countries; DEU, USA: destinations; TON and KNA: small states (Tonga's remittances
# of 2024 beside WDI's % of GDP of 2021); REU and PSE: many figures missing (and names the ISO list inverts).
SAMPLE = ("PHL", "MEX", "TON", "MAR", "IND", "DEU", "USA", "KNA", "REU", "PSE")

# The profile's key figures in page order: indicator, how it is written, and its ratios (indicator, message).
HEADLINE = (
    ("immigrant_stock", "compact", (("immigrant_pct_pop", "figures.pct_of_population"),
                                    ("immigrant_female_share", "figures.pct_women"))),
    ("emigrant_stock", "compact", (("emigrant_pct_pop", "figures.pct_of_population"),
                                   ("emigrant_female_share", "figures.pct_women"))),
    ("net_migrant_balance", "compact", ()),
    ("population", "compact", ()),
    ("remittances_received_usd", "usd", (("remittances_received_pct_gdp", "profile.pct_gdp"),)),
    ("remittances_paid_usd", "usd", (("remittances_paid_pct_gdp", "profile.pct_gdp"),)),
    ("remittance_cost_inbound_pct", "pct", ()),
    ("refugees_hosted", "compact", ()),
    ("refugees_origin", "compact", ()),
    ("gdp_per_capita_usd", "usd_exact", ()),
)

LATEST = """SELECT o.year, o.value FROM observations o JOIN indicators i USING (indicator_id)
            WHERE o.iso3 = ? AND o.indicator_id = ? AND o.sex = 'total' AND o.source_id = i.default_source_id
              AND o.year <= ? ORDER BY o.year DESC LIMIT 1"""


def written(value: float, kind: str, lang: str) -> str:
    if kind == "usd":
        return fmt_usd(value, lang)
    if kind == "usd_exact":
        return fmt_usd(value, lang, compact=False)
    if kind == "pct":
        return fmt_pct(value, lang, significant=2)   # 0.047%, not 0.0%
    return fmt_compact(value, lang)


def latest(con, iso3: str, indicator: str, year: int) -> tuple[int, float] | None:
    if indicator == "net_migrant_balance":   # immigrants minus emigrants, both of the same estimate year
        imm, emi = latest(con, iso3, "immigrant_stock", year), latest(con, iso3, "emigrant_stock", year)
        return (imm[0], imm[1] - emi[1]) if imm and emi and imm[0] == emi[0] else None
    row = con.execute(LATEST, [iso3, indicator, year]).fetchone()
    return (int(row[0]), float(row[1])) if row else None


def expected(con, iso3: str, year: int, lang: str) -> list[tuple[str, str, int | None, str]]:
    """(indicator, value as written, its year, the ratios beside it as written) for each key figure."""
    out = []
    for indicator, kind, parts in HEADLINE:
        main = latest(con, iso3, indicator, year)
        texts = []
        for part, key in parts:
            ratio = latest(con, iso3, part, year)
            if ratio is None:
                continue
            text = t(key, lang, pct=written(ratio[1], "pct", lang))
            if main is None or ratio[0] != main[0]:
                text = f"{text} ({ratio[0]})"   # a ratio of another year says its year
            texts.append(text)
        out.append((indicator, written(main[1], kind, lang) if main else "–", main[0] if main else None,
                    ", ".join(texts)))
    return out


def test_the_sample_has_ratios_of_another_year_than_their_figure(con):
    """The case the test is for: Tonga's 2024 remittances beside the % of GDP of 2021."""
    amount, ratio = latest(con, "TON", "remittances_received_usd", 2024), latest(con, "TON", "remittances_received_pct_gdp", 2024)
    assert amount[0] > ratio[0]
    figures = {row[0]: row for row in expected(con, "TON", 2024, "en")}
    assert figures["remittances_received_usd"][3] == f"{fmt_pct(ratio[1], 'en')} of GDP ({ratio[0]})"


@pytest.mark.parametrize("iso3", SAMPLE)
@pytest.mark.parametrize("year", [2024, 2015])
def test_brief_rows_show_each_value_with_its_own_year(con, iso3, year):
    lang = "fr" if iso3 in ("MAR", "REU") else "en"
    data = brief_data(con, iso3, year, lang)
    rows = {row.indicator: row for row in data.rows}
    for indicator, value, value_year, details in expected(con, iso3, year, lang):
        row = rows[indicator]
        assert (row.value, row.year) == (value, str(value_year) if value_year else "–"), f"{iso3} {year} {indicator}"
        if details:
            assert row.detail == details, f"{iso3} {year} {indicator}"
        assert value_year is None or value_year <= year


@pytest.mark.parametrize("iso3", ("PHL", "TON", "MEX"))
def test_brief_up_to_2015_quotes_nothing_later(con, iso3):
    """'Latest figures up to 2015': the chart texts, the charts' series and the pack table stop at 2015."""
    data = brief_data(con, iso3, 2015, "en")
    for chart in ("stocks", "remittances", "corridors"):
        years = [int(y) for y in re.findall(r"\b(19\d\d|20\d\d)\b", chart_summary(data, chart))]
        assert years and max(years) <= 2015, (chart, chart_summary(data, chart))
    assert remittance_frame(data)["year"].max() == 2015
    assert max(frame.index.max() for frame in data.stock_wide.values()) == 2015
    row = comparison_rows([data])[0]
    for (indicator, _), cell in zip(PACK_COLUMNS, row[1:]):
        figure = data.profile.figure(indicator)
        if figure is not None and figure.year != 2015:
            assert cell.endswith(f"({figure.year})"), (indicator, cell)
        elif figure is not None:
            assert "(" not in cell, (indicator, cell)


@pytest.mark.parametrize("iso3,year,lang", [(c, 2024, "en") for c in SAMPLE] + [("PHL", 2015, "es"), ("TON", 2015, "fr")])
def test_profile_page_shows_each_value_with_its_own_year(con, iso3, year, lang):
    at = open_page("pages/country.py", country=iso3, year=str(year), lang=lang)
    assert not at.exception
    metrics = list(at.metric)
    method = load_profile(con, iso3, year).stock_method
    caveat = t(method_key(method), lang, code=method["data_type"]) if method else None
    # the classification line, then one note per figure (the line on how the stock is counted left out)
    notes = [c.value for c in at.caption if c.value != caveat][1:1 + len(metrics)]
    assert len(metrics) == len(HEADLINE)
    for metric, note, (indicator, value, value_year, details) in zip(metrics, notes, expected(con, iso3, year, lang)):
        assert metric.value == value, f"{iso3} {year} {indicator}"
        if value_year is None:
            continue
        years = re.findall(r"(?:^|· )(\d{4}) · ", note)
        assert years and int(years[-1]) == value_year, f"{iso3} {year} {indicator}: {note!r}"
        if details:
            assert note.startswith(f"{details} · "), f"{iso3} {year} {indicator}: {note!r}"
        else:
            assert not re.search(r"\(\d{4}\)", note), note


@pytest.mark.parametrize("year", [2024, 2015])
def test_brief_stock_chart_title_names_the_years_it_shows(con, year):
    data = brief_data(con, "MAR", year, "es")
    title = t("figures.chart.stocks", "es", first=1990, last=year)
    assert stock_title(data) == title
    assert title in slides.slide_titles(data)
