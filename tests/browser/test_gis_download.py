"""The overview map as a GeoPackage, downloaded in a real browser in French and read back (issue 21)."""
from __future__ import annotations

import geopandas as gpd
import pytest

import browser_helpers as bh
from conftest import screenshot
from ipmd import db
from ipmd.i18n import t

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]


def test_overview_map_downloads_as_a_french_geopackage(page, open_page, tmp_path):
    try:
        open_page(page, "/?indicator=immigrant_stock&lang=fr")
    except bh.NotDrawn as exc:
        pytest.fail(f"overview not drawn: {exc}; exceptions: {bh.exception_texts(page)}", pytrace=False)
    button = page.locator('[data-testid="stDownloadButton"]').filter(has_text=t("gis.download.gpkg", "fr"))
    assert button.count() == 1, "no GeoPackage button under the French overview map"
    assert page.locator('[data-testid="stDownloadButton"]').filter(
        has_text=t("gis.download.geojson", "fr")).count() == 1
    button.scroll_into_view_if_needed()
    screenshot(page, "overview_gis_downloads_fr")
    with page.expect_download(timeout=60_000) as info:
        button.click()
    download = info.value
    assert download.suggested_filename.startswith("ipmd_map_immigrant_stock_")
    assert download.suggested_filename.endswith(".gpkg")
    year = int(download.suggested_filename.removesuffix(".gpkg").rsplit("_", 1)[1])
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    layer = gpd.read_file(path).set_index("iso3")

    con = db.connect()
    try:
        expected = con.execute("""
            SELECT o.iso3, o.value, o.year, c.name_fr
            FROM observations o JOIN indicators i USING (indicator_id) JOIN countries c USING (iso3)
            JOIN boundaries b USING (iso3)
            WHERE o.indicator_id = 'immigrant_stock' AND o.sex = 'total' AND o.source_id = i.default_source_id
              AND o.year <= ?
            QUALIFY row_number() OVER (PARTITION BY o.iso3 ORDER BY o.year DESC) = 1""", [year]).df().set_index("iso3")
    finally:
        con.close()
    assert layer.crs.to_epsg() == 4326
    assert len(layer) == len(expected) > 200
    assert layer.is_valid.all() and not layer.is_empty.any()
    for iso3 in ("TON", "WSM", "CPV", "PHL", "DEU"):
        assert layer.at[iso3, "value"] == expected.at[iso3, "value"]
        assert layer.at[iso3, "year"] == expected.at[iso3, "year"]
        assert layer.at[iso3, "name"] == expected.at[iso3, "name_fr"]
    assert layer.at["CPV", "name"] == "Cap-Vert"
    assert layer.at["TON", "indicator"] == t("indicator.immigrant_stock", "fr")
    assert not page.watch.errors(), page.watch.errors()
    assert not bh.exception_texts(page)
