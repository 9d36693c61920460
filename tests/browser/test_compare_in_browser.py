"""The comparison and the stepping world map in a real browser, with every non-localhost request aborted.

* /compare?compare=MAR,TUN,PHL in English, French and Spanish: the page draws without an error, the chart's lines
  are the database's series for each country, named in the page's language, and the summary quotes the database's
  latest values formatted in that language.
* The overview map opens at the sidebar's year with one frame per year the source publishes; the map's values are
  the database's for that year, at two years (2000 by link, then the next year reached with the map's play button).
"""
from __future__ import annotations

import math

import pytest

import browser_helpers as bh
from conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

CODES = ("MAR", "TUN", "PHL")


@pytest.fixture(scope="module")
def con():
    from ipmd import db
    return db.connect()


def _fail(page, name: str, message: str):
    path = screenshot(page, f"FAILED_{name}")
    pytest.fail(f"{message}\n(screenshot: {path})", pytrace=False)


def _open(page, open_page, path: str, name: str) -> None:
    try:
        open_page(page, path)
    except bh.NotDrawn as exc:
        _fail(page, name, f"{path}: {exc}\n  exceptions: {bh.exception_texts(page)}")
    screenshot(page, name)
    if bh.exception_texts(page):
        _fail(page, name, f"{path}: exception box {bh.exception_texts(page)}")
    if page.watch.aborted:
        _fail(page, name, f"{path}: asked the internet for {page.watch.aborted}")


def _charts(page) -> list[dict]:
    """Each drawn plotly chart's traces (name, x, y, z, locations: as plotly.js holds them once decoded) and
    slider, from the graph divs."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot'))
        .map(gd => ({traces: gd._fullData.map(t => ({
                         name: t.name, x: t.x && Array.from(t.x), y: t.y && Array.from(t.y),
                         z: t.z && Array.from(t.z), locations: t.locations && Array.from(t.locations)})),
                     slider: gd._fullLayout.sliders && gd._fullLayout.sliders.length ?
                         {active: gd._fullLayout.sliders[0].active,
                          labels: gd._fullLayout.sliders[0].steps.map(s => s.label)} : null}))""")


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_a_link_compares_morocco_tunisia_and_the_philippines_with_the_database_figures(page, open_page, con, lang):
    from ipmd import queries
    from ipmd.i18n import fmt_pct
    from ipmd.profiles import compare

    _open(page, open_page, f"/compare?compare={','.join(CODES)}&lang={lang}", f"compare_{lang}")
    names = compare.place_labels(compare.places(con), lang)
    chart = _charts(page)[0]
    assert [t["name"] for t in chart["traces"]] == [names[c] for c in CODES]
    text = bh.main_text(page)
    for trace, iso3 in zip(chart["traces"], CODES):
        obs = queries.country_observations(con, iso3)
        series = obs[(obs.indicator_id == compare.DEFAULT_INDICATOR) & (obs.sex == "total") & obs.is_default_source]
        assert trace["x"] == series.year.tolist()
        assert trace["y"] == pytest.approx(series.value.tolist(), rel=1e-12)
        last = series.iloc[-1]
        assert f"{names[iso3]} {fmt_pct(last.value, lang, significant=2)} ({last.year})" in text


def test_the_world_map_steps_through_the_years(page, open_page, con):
    from ipmd import queries

    def check_year(year: int) -> None:
        latest = queries.latest_values(con, "immigrant_stock", year).set_index("iso3")["value"]
        trace = _charts(page)[0]["traces"][0]
        drawn = dict(zip(trace["locations"], trace["z"]))
        assert len(drawn) > 150
        for iso3 in ("PHL", "DEU", "USA", "IND", "ZAF"):
            assert drawn[iso3] == pytest.approx(math.log10(latest[iso3])), (year, iso3)

    _open(page, open_page, "/?year=2000&indicator=immigrant_stock", "overview_map_2000")
    slider = _charts(page)[0]["slider"]
    years = [str(y) for y in queries.indicator_years(con, "immigrant_stock")]
    assert slider["labels"] == years and slider["labels"][slider["active"]] == "2000"
    check_year(2000)
    page.locator(".updatemenu-button").first.click()      # ▶ play: runs on from 2000
    page.wait_for_function("""() => {
        const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
        return gd._fullLayout.sliders[0].active > %d; }""" % years.index("2000"), timeout=20_000)
    page.locator(".updatemenu-button").nth(1).click()     # pause
    page.wait_for_timeout(1500)                           # the frame under way finishes drawing
    active = _charts(page)[0]["slider"]["active"]
    screenshot(page, "overview_map_played")
    check_year(int(years[active]))
