"""Charts that travel (issue 19, part 4), in a real browser with every non-localhost request aborted: the profile's
stock chart saved as PNG and as SVG (title, source line and date drawn in, made in the browser by the plotly.js
Streamlit loaded), and its embed snippet opened: the chart and its source, no navigation."""
from __future__ import annotations

import html
import re
import struct
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import pytest

import browser_helpers as bh
from conftest import screenshot
from ipmd import db
from ipmd.i18n import t

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

SECTION = ".st-key-section_profile_stocks"
TITLE = t("export.title_place", "en", title=t("profile.chart.stocks", "en"), place="Philippines")


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _open_popover(page):
    trigger = page.locator(f"{SECTION} [data-testid='stPopover'] button").first
    trigger.scroll_into_view_if_needed()
    trigger.click()
    page.locator("[data-testid='stPopoverBody']").wait_for(state="visible")


def _save(page, fmt: str, tmp_path):
    button = page.locator(f"[data-testid='stPopoverBody'] button[data-ipmd-export='{fmt}']")
    if not button.is_visible():
        _open_popover(page)
    with page.expect_download(timeout=60_000) as info:
        button.click()
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    return download.suggested_filename, path


def _imported_edition() -> str:
    """The edition of the stock workbook as the database records it (what the source line must name)."""
    con = db.connect()
    try:
        return con.execute("SELECT edition FROM sources WHERE source_id = 'undesa_ims_2024_destination'").fetchone()[0]
    finally:
        con.close()


def test_a_chart_saves_as_png_and_svg_with_title_source_and_date(page, open_page, tmp_path):
    try:
        open_page(page, "/country?country=PHL")
    except bh.NotDrawn as exc:
        pytest.fail(f"profile not drawn: {exc}; exceptions: {bh.exception_texts(page)}", pytrace=False)
    source = _words(page.locator(f"{SECTION} [data-testid='stCaptionContainer']").first.inner_text())
    assert source.startswith("Source:") and _imported_edition() in source
    today = datetime.now(timezone.utc).date().isoformat()
    _open_popover(page)

    name, png = _save(page, "png", tmp_path)
    assert name == f"ipmd_profile_stocks_{today}.png"
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    chart = page.locator(f"{SECTION} .js-plotly-plot").bounding_box()
    # twice the chart's size (scale 2), taller by the title and source lines drawn in
    assert width == round(2 * chart["width"])
    assert height > 2 * chart["height"] + 100

    name, svg = _save(page, "svg", tmp_path)
    assert name == f"ipmd_profile_stocks_{today}.svg"
    root = ET.fromstring(svg.read_text(encoding="utf-8"))
    assert root.tag.endswith("svg")
    drawn = _words(" ".join(" ".join(el.itertext()) for el in root.iter() if el.tag.endswith("text")))
    assert TITLE in drawn
    assert source in drawn                      # the source line, as under the chart on the page
    assert t("export.footer", "en", source="", date=today).strip() in drawn
    # the bars themselves are in the file too (two panels: women and men, stacked)
    assert len(root.findall(".//{http://www.w3.org/2000/svg}path")) > 20

    screenshot(page, "chart_export_saved")
    assert not page.watch.aborted, page.watch.aborted
    assert not page.watch.errors(), page.watch.errors()
    assert not bh.exception_texts(page)


def test_the_embed_snippet_shows_the_chart_and_its_source_without_navigation(page, open_page, context, base_url):
    try:
        open_page(page, "/country?country=PHL&year=2020")
    except bh.NotDrawn as exc:
        pytest.fail(f"profile not drawn: {exc}; exceptions: {bh.exception_texts(page)}", pytrace=False)
    _open_popover(page)
    snippet = page.locator("[data-testid='stPopoverBody'] [data-testid='stCode'] code").inner_text()
    src = html.unescape(re.fullmatch(r'<iframe src="([^"]+)".*</iframe>', _words(snippet)).group(1))
    assert src.startswith(f"{base_url}/country?")          # the server's own address, as "Copy link" gives it
    assert "country=PHL" in src and "year=2020" in src and src.endswith("section=profile_stocks&embed=true")

    embedded = context.new_page()
    context.watch.attach(embedded)
    try:
        bh.goto_and_wait(embedded, src)
    except bh.NotDrawn as exc:
        pytest.fail(f"embedded view not drawn: {exc}", pytrace=False)
    screenshot(embedded, "chart_export_embedded")
    assert embedded.locator(f"{SECTION} .js-plotly-plot").is_visible()
    assert embedded.get_by_role("heading", name=TITLE).is_visible()
    caption = embedded.locator(f"{SECTION} [data-testid='stCaptionContainer']").first
    assert caption.is_visible() and _words(caption.inner_text()).startswith("Source:")
    # no navigation, no other section of the profile
    assert not embedded.locator('[data-testid="stSidebar"]').is_visible()
    nav = embedded.locator('[data-testid="stSidebarNavLink"]')
    assert nav.count() >= 7 and not any(link.is_visible() for link in nav.all())     # drawn, and hidden
    assert not embedded.locator(".st-key-profile_remittances").is_visible()
    assert len([c for c in embedded.locator(".js-plotly-plot").all() if c.is_visible()]) == 1
    assert not context.watch.aborted, context.watch.aborted
    assert not context.watch.errors(), context.watch.errors()
    assert not bh.exception_texts(embedded)


def test_a_whole_view_embedded_shows_no_navigation(page, open_page):
    # Streamlit's ?embed=true alone hides its own header but not our sidebar, and the server never sees it: the
    # page's script marks the document and the stylesheet hides the sidebar (components/chart_export.py)
    try:
        open_page(page, "/country?country=PHL&embed=true")
    except bh.NotDrawn as exc:
        pytest.fail(f"embedded profile not drawn: {exc}", pytrace=False)
    assert page.get_by_role("heading", name="Philippines", exact=True).is_visible()
    assert page.locator(f"{SECTION} .js-plotly-plot").is_visible()
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    nav = page.locator('[data-testid="stSidebarNavLink"]')
    assert nav.count() >= 7 and not any(link.is_visible() for link in nav.all())
    assert not page.watch.errors(), page.watch.errors()
