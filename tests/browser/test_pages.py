"""Every page in a real browser (Debian's chromium), with every non-localhost request aborted.

Proves what unit tests and AppTest cannot see: a blank map (plotly's topojson must come from the
app's own static/ folder), a JavaScript error, a Streamlit exception box, a chart that never draws,
a deep link that opens the wrong view. Each page's screenshot is saved under
tests/browser/screenshots/ (git-ignored) for review.
"""
from __future__ import annotations

import re
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest

import browser_helpers as bh
from conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

try:  # expected texts come from the app's own message catalogue, so copy edits do not break tests
    from ipmd.i18n import t
except Exception:  # pragma: no cover - harness development against a throwaway app
    def t(key, lang="en", **values):
        return None

# Every page of the navigation: (path with its deep-link query, screenshot name, title message key).
PAGES = [
    ("/", "overview", "overview.title"),
    ("/country?country=PHL", "country_PHL", "profile.title"),
    ("/coverage", "coverage", "nav.coverage"),
    ("/funds", "funds", "nav.funds"),
    ("/allocation", "allocation", "nav.allocation"),
    ("/methods", "methods", "methods.title"),
]
PAGE_PATHS = {urlsplit(p).path for p, _, _ in PAGES}


def _fail(page, name: str, message: str):
    path = screenshot(page, f"FAILED_{name}")
    pytest.fail(f"{message}\n(screenshot: {path})", pytrace=False)


def _open_checked(page, open_page, path: str, name: str) -> dict:
    """Open a page and check what every page must satisfy; returns the page state."""
    try:
        state = open_page(page, path)
    except bh.NotDrawn as exc:
        errors = page.watch.errors()
        _fail(page, name, f"{path}: {exc}\nbrowser errors: {errors}\naborted: {page.watch.aborted}")
    shot = screenshot(page, name)
    problems = []
    exceptions = bh.exception_texts(page)
    if exceptions:
        problems.append(f"Streamlit exception box(es): {exceptions}")
    cdn = [u for u in page.watch.aborted if "cdn.plot.ly" in u]
    if cdn:
        problems.append(f"plotly asked the internet for its topojson (maps blank offline): {cdn} -- "
                        "pass config={'topojsonURL': 'app/static/'} to st.plotly_chart")
    other = [u for u in page.watch.aborted if u not in cdn]
    if other:
        problems.append(f"requests to non-localhost hosts (aborted; the app must work offline): {other}")
    if page.watch.errors():
        problems.append(f"browser errors: {page.watch.errors()}")
    undrawn = [c for c in state["charts"] if not c["drawn"]]
    if undrawn:
        problems.append(f"charts not drawn: {undrawn}")
    if problems:
        pytest.fail(f"{path}:\n  " + "\n  ".join(problems) + f"\n(screenshot: {shot})", pytrace=False)
    return state


def _heading_texts(page) -> list[str]:
    return page.evaluate(r"""() => Array.from(document.querySelectorAll(
        '[data-testid="stMain"] h1, [data-testid="stMain"] h2, [data-testid="stMain"] h3'))
        .map(h => h.innerText.trim())""")


def _query(page) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.evaluate("() => location.href")).query).items()}


# ------------------------------------------------------------------------------------------------
# Every page
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path,name,title_key", PAGES, ids=[n for _, n, _ in PAGES])
def test_page_loads_offline_without_errors(page, open_page, path, name, title_key):
    state = _open_checked(page, open_page, path, name)
    expected = t(title_key)
    if expected:
        assert expected in _heading_texts(page), f"{path}: title {expected!r} not among {_heading_texts(page)}"
    assert state["plotly_elements"] == len(state["charts"])


def test_navigation_lists_only_tested_pages(page, open_page):
    _open_checked(page, open_page, "/", "overview_nav")
    links = bh.nav_links(page)
    assert links, "no navigation links found"
    untested = [link for link in links if link["path"] not in PAGE_PATHS]
    assert not untested, f"pages in the navigation without a browser test (add them to PAGES): {untested}"


def test_topojson_is_served_by_the_app(app_server):
    for name in ("world_110m.json", "world_50m.json"):
        with urllib.request.urlopen(f"{app_server}/app/static/{name}", timeout=10) as r:
            assert r.status == 200
            assert r.headers["content-type"].startswith("application/json")
            assert b'"Topology"' in r.read(4096)


# ------------------------------------------------------------------------------------------------
# Overview
# ------------------------------------------------------------------------------------------------
def _map_stats(page) -> list[dict]:
    """Per geo chart: distinct choropleth locations, choropleth paths, scattergeo markers."""
    return page.evaluate(r"""() => Array.from(document.querySelectorAll('.js-plotly-plot'))
        .filter(gd => gd._fullLayout && ((gd._fullLayout._subplots || {}).geo || []).length)
        .map(gd => {
            const paths = Array.from(gd.querySelectorAll('path.choroplethlocation'));
            const locs = new Set(paths.map(p => p.__data__ && p.__data__.loc).filter(Boolean));
            return {paths: paths.length, countries: locs.size,
                    markers: gd.querySelectorAll('.scattergeo path.point').length};
        })""")


def test_overview_map_draws_the_world_offline(page, open_page):
    _open_checked(page, open_page, "/", "overview_map")
    maps = _map_stats(page)
    assert maps, "no map on the overview"
    assert maps[0]["countries"] > 200, f"overview map draws only {maps[0]} country shapes"
    assert bh.count_map_shapes(page) > 200
    # small states (Tonga, Samoa, Cabo Verde...) are invisible at 1:110m: the map adds markers
    assert maps[0]["markers"] >= 10, f"no markers for small states on the overview map: {maps[0]}"
    assert not [u for u in page.watch.aborted if "cdn.plot.ly" in u]


def test_overview_indicator_deep_link(page, open_page):
    label = t("indicator.remittances_received_pct_gdp")
    _open_checked(page, open_page, "/?indicator=remittances_received_pct_gdp", "overview_indicator_link")
    text = bh.main_text(page)
    if label:
        assert label in text, f"indicator deep link did not select {label!r}"
    assert _query(page).get("indicator") == "remittances_received_pct_gdp"


def test_language_deep_link(page, open_page):
    title = t("overview.title", "fr")
    _open_checked(page, open_page, "/?lang=fr", "overview_fr")
    if title:
        assert title in _heading_texts(page), f"?lang=fr did not give the French overview: {_heading_texts(page)}"


def test_clicking_a_country_on_the_map_opens_its_profile(page, open_page):
    _open_checked(page, open_page, "/", "overview_before_click")
    # a point inside the largest country shape (not just its bounding box: think of Canada)
    target = page.evaluate(r"""() => {
        const gd = Array.from(document.querySelectorAll('.js-plotly-plot'))
            .find(g => g._fullLayout && ((g._fullLayout._subplots || {}).geo || []).length);
        const paths = Array.from(gd.querySelectorAll('path.choroplethlocation'))
            .filter(p => p.__data__ && p.__data__.loc)
            .map(p => ({p, r: p.getBoundingClientRect()}))
            .sort((a, b) => b.r.width * b.r.height - a.r.width * a.r.height);
        for (const {p, r} of paths.slice(0, 10)) {
            const m = p.getScreenCTM().inverse();
            for (let i = 1; i < 8; i++) for (let j = 1; j < 8; j++) {
                const x = r.x + r.width * i / 8, y = r.y + r.height * j / 8;
                const local = new DOMPoint(x, y).matrixTransform(m);
                if (p.isPointInFill(local)) return {loc: p.__data__.loc, x, y};
            }
        }
        return null;
    }""")
    assert target, "no clickable country shape"
    point = target
    before = bh.runs_finished(page)
    page.mouse.move(point["x"], point["y"])
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url(re.compile(r".*/country\?.*country=[A-Z]{3}.*"), timeout=30_000)
    bh.wait_until_drawn(page, min_finished=before + 1, timeout=60)
    screenshot(page, "country_after_map_click")
    iso3 = _query(page).get("country")
    assert iso3, page.url
    assert not bh.exception_texts(page)


# ------------------------------------------------------------------------------------------------
# Country profile
# ------------------------------------------------------------------------------------------------
def _kpi(page, label: str) -> str | None:
    """The value shown under a metric's label, or None."""
    return page.evaluate(r"""(label) => {
        for (const m of document.querySelectorAll('[data-testid="stMetric"]')) {
            const l = m.querySelector('[data-testid="stMetricLabel"]');
            const v = m.querySelector('[data-testid="stMetricValue"]');
            if (l && v && l.innerText.trim() === label) return v.innerText.trim();
        }
        return null;
    }""", label)


def test_country_deep_link_opens_tonga_with_its_remittances(page, open_page):
    """Tonga: a small island state, among the most remittance-dependent countries."""
    state = _open_checked(page, open_page, "/country?country=TON", "country_TON")
    assert "Tonga" in _heading_texts(page), f"Tonga not shown: {_heading_texts(page)}"
    assert _query(page).get("country") == "TON"
    label = t("profile.remittances_received") or "Remittances received"
    value = _kpi(page, label)
    assert value and value not in ("–", "-"), f"Tonga's {label!r} is {value!r}"
    assert re.search(r"\d", value), value
    charts = {c["key"]: c for c in state["charts"]}
    assert charts.get("profile_remittances", {}).get("drawn"), f"remittances chart not drawn: {list(charts)}"
    summary = (t("profile.chart.remittances_summary", country="Tonga", value="", year="", peak_year="")
               or "").split(" ")[0]
    assert summary in bh.main_text(page)


def test_country_deep_link_opens_the_philippines(page, open_page):
    _open_checked(page, open_page, "/country?country=PHL", "country_PHL_link")
    assert "Philippines" in _heading_texts(page)
    assert _query(page).get("country") == "PHL"


def test_unknown_country_code_gives_a_message_not_a_traceback(page, open_page):
    _open_checked(page, open_page, "/country?country=XYZ", "country_unknown")
    message = t("profile.unknown", code="XYZ")
    text = bh.main_text(page)
    if message:
        assert message in text, "no message for an unknown ISO3 code"
    picker = t("profile.pick") or "Country"
    assert page.locator('[data-testid="stSelectbox"]').filter(has_text=picker).count() == 1


def test_switching_country_redraws_the_profile(page, open_page):
    _open_checked(page, open_page, "/country?country=PHL", "country_before_switch")
    before = bh.runs_finished(page)
    bh.choose_option(page, t("profile.pick") or "Country", "Tonga")
    state = bh.wait_until_drawn(page, min_finished=before + 1, timeout=60)
    screenshot(page, "country_after_switch")
    assert "Tonga" in _heading_texts(page)
    assert _query(page).get("country") == "TON"
    assert not bh.exception_texts(page) and not page.watch.errors()
    assert all(c["drawn"] for c in state["charts"])


# ------------------------------------------------------------------------------------------------
# Trust fund flows
# ------------------------------------------------------------------------------------------------
def test_fund_flows_sankey_has_links(page, open_page):
    state = _open_checked(page, open_page, "/funds", "funds_sankey")
    not_built = t("common.not_built")
    if not_built and not_built in bh.main_text(page) and not state["charts"]:
        pytest.skip("the trust fund page is not built yet")
    assert bh.sankey_link_count(page) > 0, "no Sankey links drawn on the trust fund page"
