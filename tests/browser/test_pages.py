"""Every page in a real browser (Debian's chromium), with every non-localhost request aborted.

Proves what unit tests and AppTest cannot see: a blank map (plotly's topojson must come from the
app's own static/ folder), a JavaScript error, a Streamlit exception box, a chart that never draws,
a deep link that opens the wrong view. Each page's screenshot is saved under
tests/browser/screenshots/ (git-ignored) for review.

Page loads are the slow part (the plotly.js bundle is evaluated on each, with no HTTP cache since
request routing disables it), so each test checks as much as it can on one load.
"""
from __future__ import annotations

import re
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest

import browser_helpers as bh
from conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]


def t(key, lang="en", **values):
    """The app's own message (so copy edits do not break tests); None when it has no such key."""
    try:
        from ipmd.i18n import t as translate

        return translate(key, lang, **values)
    except Exception:  # noqa: BLE001 - a key not written yet, or another app under test
        return None


# ------------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------------
def _fail(page, name: str, message: str):
    path = screenshot(page, f"FAILED_{name}")
    pytest.fail(f"{message}\n(screenshot: {path})", pytrace=False)


def _open_checked(page, open_page, path: str, name: str) -> dict:
    """Open a page and check what every page must satisfy; returns the page state."""
    try:
        state = open_page(page, path)
    except bh.NotDrawn as exc:
        _fail(page, name, f"{path}: {exc}\n  exception boxes: {bh.exception_texts(page)}\n"
                          f"  browser errors: {page.watch.errors()}\n  aborted requests: {page.watch.aborted}")
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


def _headings(page) -> list[str]:
    return page.evaluate(r"""() => Array.from(document.querySelectorAll(
        '[data-testid="stMain"] h1, [data-testid="stMain"] h2, [data-testid="stMain"] h3'))
        .map(h => h.innerText.trim())""")


def _query(page) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.evaluate("() => location.href")).query).items()}


def _map_stats(page) -> list[dict]:
    """Per geo chart (page order): its key, distinct choropleth locations, paths, scattergeo markers."""
    return page.evaluate(r"""() => Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'))
        .map(el => [el, el.querySelector('.js-plotly-plot')])
        .filter(([el, gd]) => gd && gd._fullLayout && ((gd._fullLayout._subplots || {}).geo || []).length)
        .map(([el, gd]) => {
            const kc = el.closest('[class*="st-key-"]');
            const key = kc ? (kc.className.match(/st-key-([^\s]+)/) || [])[1] : '';
            const paths = Array.from(gd.querySelectorAll('path.choroplethlocation'));
            const locs = new Set(paths.map(p => p.__data__ && p.__data__.loc).filter(Boolean));
            return {key, paths: paths.length, countries: locs.size,
                    markers: gd.querySelectorAll('.scattergeo path.point').length};
        })""")


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


# ------------------------------------------------------------------------------------------------
# Page-specific checks, run on the same load as the generic ones
# ------------------------------------------------------------------------------------------------
def check_overview(page, state):
    maps = _map_stats(page)
    assert maps, "no map on the overview"
    world = maps[0]
    # every country with a value that plotly's topojson has is drawn as a shape; the others as markers
    from ipmd import db
    from ipmd.profiles import country as profile, overview
    from ipmd.geo import topojson_ids

    con = db.connect()
    values = overview.map_values(con, overview.MAP_INDICATORS[0], profile.stock_years(con)[-1])
    shapes = set(values["iso3"]) & topojson_ids()
    assert len(shapes) > 150
    assert world["countries"] == len(shapes), f"{len(shapes)} countries with shapes, {world['countries']} drawn: {world}"
    assert bh.count_map_shapes(page) == world["paths"] >= len(shapes)
    # small states (Tonga, Samoa, Cabo Verde...) vanish at world scale: the map marks them
    assert world["markers"] >= 10, f"no markers for small states on the overview map: {world}"
    links = bh.nav_links(page)
    assert links, "no navigation links"
    untested = [link for link in links if link["path"] not in PAGE_PATHS]
    assert not untested, f"pages in the navigation without a browser test (add them to PAGES): {untested}"


def check_country_phl(page, state):
    assert "Philippines" in _headings(page), f"the Philippines not shown: {_headings(page)}"
    assert _query(page).get("country") == "PHL"
    keys = {c["key"] for c in state["charts"]}
    assert {"profile_remittances", "profile_stocks"} <= keys, f"profile charts missing: {sorted(keys)}"


def check_funds(page, state):
    if t("common.not_built") in bh.main_text(page) and not state["charts"]:
        pytest.skip("the trust fund page is not built yet")
    assert bh.sankey_link_count(page) > 0, "no Sankey links drawn on the trust fund page"


# (path with its deep-link query, screenshot name, title message key, extra check)
PAGES = [
    ("/", "overview", "overview.title", check_overview),
    ("/country?country=PHL", "country_PHL", "profile.title", check_country_phl),
    ("/compare?compare=MAR,TUN,PHL", "compare", "compare.title", None),
    ("/coverage", "coverage", "coverage.title", None),
    ("/coverage?view=map", "coverage_map", "coverage.title", None),
    ("/funds", "funds", "funds.title", check_funds),
    ("/funds?view=map", "funds_map", "funds.title", None),
    ("/funds?view=donors", "funds_donors", "funds.title", None),
    ("/allocation", "allocation", "allocation.title", None),
    ("/methods", "methods", "methods.title", None),
    ("/project?project=IPMD-2008-002", "project", "project.title", None),
    ("/donor?donor=GOV-DEU", "donor", "donor.title", None),
    ("/admin", "admin", "admin.title", None),
]
PAGE_PATHS = {urlsplit(p).path for p, *_ in PAGES}


# ------------------------------------------------------------------------------------------------
# Every page
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path,name,title_key,extra", PAGES, ids=[p[1] for p in PAGES])
def test_page(page, open_page, path, name, title_key, extra):
    """Loads offline, no console error, no exception box, every chart drawn, right title, screenshot."""
    state = _open_checked(page, open_page, path, name)
    assert state["plotly_elements"] == len(state["charts"])
    expected = t(title_key) if title_key else None
    if expected:
        assert expected in _headings(page), f"{path}: title {expected!r} not among {_headings(page)}"
    if extra:
        extra(page, state)


def test_topojson_is_served_by_the_app(app_server):
    for name in ("world_110m.json",):
        with urllib.request.urlopen(f"{app_server}/app/static/{name}", timeout=30) as r:
            assert r.status == 200
            assert r.headers["content-type"].startswith("application/json")
            assert b'"Topology"' in r.read(4096)


# ------------------------------------------------------------------------------------------------
# Deep links and interactions
# ------------------------------------------------------------------------------------------------
def test_country_deep_link_opens_tonga_with_its_remittances(page, open_page):
    """Tonga: a small island state, among the most remittance-dependent countries."""
    state = _open_checked(page, open_page, "/country?country=TON&corridor_view=map", "country_TON")
    assert "Tonga" in _headings(page), f"Tonga not shown: {_headings(page)}"
    assert _query(page).get("country") == "TON"
    label = t("profile.remittances_received") or "Remittances received"
    value = _kpi(page, label)
    assert value and re.search(r"\d", value), f"Tonga's {label!r} is {value!r}"
    charts = {c["key"]: c for c in state["charts"]}
    assert charts.get("profile_remittances", {}).get("drawn"), f"remittances chart not drawn: {list(charts)}"
    # corridor maps draw the flows of the small state (they would be empty if Tonga had no coordinates)
    flows = [m for m in _map_stats(page) if m["markers"] > 0]
    assert flows, f"no corridor map with markers for Tonga: {_map_stats(page)}"


def test_unknown_country_code_gives_a_message_not_a_traceback(page, open_page):
    _open_checked(page, open_page, "/country?country=XYZ", "country_unknown")
    message = t("profile.unknown", code="XYZ")
    if message:
        assert message in bh.main_text(page), "no message for an unknown ISO3 code"
    picker = t("profile.pick") or "Country"
    assert page.locator('[data-testid="stSelectbox"]').filter(has_text=picker).count() == 1


def test_overview_deep_link_with_indicator_and_language(page, open_page):
    _open_checked(page, open_page, "/?indicator=remittances_received_pct_gdp&lang=fr", "overview_fr_indicator")
    title = t("overview.title", "fr")
    if title:
        assert title in _headings(page), f"?lang=fr did not give the French overview: {_headings(page)}"
    label = t("indicator.remittances_received_pct_gdp", "fr")
    if label:
        assert label in bh.main_text(page), f"the indicator deep link did not select {label!r}"
    query = _query(page)
    assert query.get("indicator") == "remittances_received_pct_gdp" and query.get("lang") == "fr", query
    assert _map_stats(page)[0]["countries"] > 100


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
                if (p.isPointInFill(new DOMPoint(x, y).matrixTransform(m))) return {loc: p.__data__.loc, x, y};
            }
        }
        return null;
    }""")
    assert target, "no clickable country shape on the overview map"
    before = bh.runs_finished(page)
    page.mouse.move(target["x"], target["y"])
    page.wait_for_timeout(200)
    page.mouse.click(target["x"], target["y"])
    page.wait_for_function("() => location.pathname.endsWith('/country')", timeout=60_000)
    state = bh.wait_until_drawn(page, min_finished=before + 1, timeout=None)
    screenshot(page, "country_after_map_click")
    assert _query(page).get("country") == target["loc"], (page.url, target)
    assert not bh.exception_texts(page) and not page.watch.errors(), page.watch.errors()
    assert all(c["drawn"] for c in state["charts"])


def test_switching_country_redraws_the_profile(page, open_page):
    _open_checked(page, open_page, "/country?country=PHL", "country_before_switch")
    before = bh.runs_finished(page)
    bh.choose_option(page, t("profile.pick") or "Country", "Tonga")
    state = bh.wait_until_drawn(page, min_finished=before + 1, timeout=None)
    screenshot(page, "country_after_switch")
    assert "Tonga" in _headings(page)
    assert _query(page).get("country") == "TON"
    assert not bh.exception_texts(page) and not page.watch.errors(), page.watch.errors()
    assert all(c["drawn"] for c in state["charts"])


def test_the_every_country_table_is_sent_when_its_expander_opens(page, open_page):
    _open_checked(page, open_page, "/coverage", "coverage_before_every_country")
    # the gap finder's tab: a click draws it (its scatter plot) and puts it in the URL
    before = bh.runs_finished(page)
    page.get_by_role("tab", name=t("coverage.tab.gaps")).click()
    state = bh.wait_until_drawn(page, min_finished=before + 1, timeout=None)
    assert [c["kinds"] for c in state["charts"]] == [["scatter"]], state["charts"]
    assert _query(page).get("view") == "gaps"
    expander = page.locator('[data-testid="stExpander"]').filter(has_text=t("coverage.gap.all_title")).first
    assert expander.locator('[data-testid="stDataFrame"]').count() == 0
    before = bh.runs_finished(page)
    expander.locator("summary").click()
    bh.wait_until_drawn(page, min_finished=before + 1, timeout=None)
    table = expander.locator('[data-testid="stDataFrame"]')
    table.first.wait_for(timeout=30_000)
    screenshot(page, "coverage_every_country")
    assert table.count() == 1
    assert not bh.exception_texts(page) and not page.watch.errors(), page.watch.errors()
