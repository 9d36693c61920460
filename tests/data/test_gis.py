"""GIS downloads (issue 21): every map's GeoPackage and GeoJSON, written as the page offers it, read back with
geopandas and compared with the database: feature count, geometry validity, and every value of a sample of
countries, small states included."""
import json

import duckdb
import geopandas as gpd
import pytest
import shapely

from apptest_pages import open_page
from ipmd import DEFAULT_DB, DEFAULT_SOURCES, gis
from ipmd.db import query

SAMPLE = ["TON", "WSM", "CPV", "COM", "MDV", "TUV", "PHL", "MEX", "IND", "FRA", "DEU", "USA"]
SMALL_STATES = {"TON", "WSM", "CPV", "COM", "MDV", "TUV"}
FORMATS = ("gpkg", "geojson")


def read_back(tmp_path, name: str, data: bytes) -> gpd.GeoDataFrame:
    path = tmp_path / name
    path.write_bytes(data)
    return gpd.read_file(path)


def source_label(con, source_id: str) -> tuple[str, str]:
    row = query(con, "SELECT publisher, title, edition, licence FROM sources WHERE source_id = $id",
                {"id": source_id}).iloc[0]
    return f"{row.publisher}, {row.title} ({row.edition})", row.licence


def stored_shapes(con) -> dict[str, shapely.Geometry]:
    rows = query(con, "SELECT iso3, geometry FROM boundaries WHERE geometry IS NOT NULL")
    return dict(zip(rows["iso3"], shapely.from_geojson(rows["geometry"].to_numpy())))


def check_shapes(con, layer: gpd.GeoDataFrame) -> None:
    """EPSG:4326, every geometry valid, each country's shape the stored polygon (exteriors counter-clockwise)."""
    assert layer.crs.to_epsg() == 4326
    assert layer.geometry.notna().all() and layer.is_valid.all() and not layer.is_empty.any()
    assert layer["iso3"].is_unique
    stored = stored_shapes(con)
    for iso3, geom in zip(layer["iso3"], layer.geometry):
        assert geom.equals(stored[iso3]), iso3
        for poly in getattr(geom, "geoms", [geom]):
            assert poly.exterior.is_ccw, iso3


def latest_values(con, indicator: str, year: int):
    """The test's own reading: each country's latest default-source value at or before `year`, with a shape."""
    return query(con, """
        SELECT o.iso3, o.year, o.value, o.unit, o.source_id, c.name_fr
        FROM observations o JOIN indicators i USING (indicator_id) JOIN countries c USING (iso3)
        JOIN boundaries b USING (iso3)
        WHERE o.indicator_id = $indicator AND o.sex = 'total' AND o.source_id = i.default_source_id AND o.year <= $year
        QUALIFY row_number() OVER (PARTITION BY o.iso3 ORDER BY o.year DESC) = 1""",
                 {"indicator": indicator, "year": year}).set_index("iso3")


@pytest.fixture(scope="module")
def overview_downloads():
    """The overview's map downloads, in French, as the page draws them (built only when called)."""
    from _pytest.monkeypatch import MonkeyPatch
    from streamlit.runtime.media_file_manager import MediaFileManager

    built, original = {}, MediaFileManager.add_deferred

    def capture(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        built[file_name] = (data_callable, mimetype)
        return original(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    patch = MonkeyPatch()
    patch.setattr(MediaFileManager, "add_deferred", capture)
    try:
        at = open_page("pages/overview.py", lang="fr", year="2024", indicator="immigrant_stock")
        assert not at.exception
    finally:
        patch.undo()
    return built


@pytest.mark.parametrize("fmt", FORMATS)
def test_overview_map_download_holds_every_country_with_its_value_shape_and_source(
        con, tmp_path, overview_downloads, fmt):
    build, mime = overview_downloads[f"ipmd_map_immigrant_stock_2024.{fmt}"]
    assert mime == gis.FORMATS[fmt][1]
    layer = read_back(tmp_path, f"map.{fmt}", build())
    expected = latest_values(con, "immigrant_stock", 2024)
    assert len(layer) == len(expected) > 200
    assert set(layer["iso3"]) == set(expected.index)
    check_shapes(con, layer)
    assert list(layer.columns[:9]) == ["iso3", "name", "indicator", "value", "unit", "year", "source", "licence",
                                       "illustrative"]
    rows = layer.set_index("iso3")
    source, licence = source_label(con, "undesa_ims_2024_destination")
    for iso3 in SAMPLE:
        assert rows.at[iso3, "value"] == expected.at[iso3, "value"], iso3
        assert rows.at[iso3, "year"] == expected.at[iso3, "year"] == 2024
        assert rows.at[iso3, "unit"] == "persons"
        assert rows.at[iso3, "name"] == expected.at[iso3, "name_fr"]
        assert (rows.at[iso3, "source"], rows.at[iso3, "licence"]) == (source, licence)
        assert not rows.at[iso3, "illustrative"]
    assert rows.at["CPV", "name"] == "Cap-Vert"
    assert {"TON", "WSM", "CPV"} <= set(rows.index)


def test_geopackage_has_one_named_multipolygon_layer(con, tmp_path):
    import pyogrio

    path = tmp_path / "x.gpkg"
    path.write_bytes(gis.to_bytes(gis.indicator_layer(con, "remittances_received_pct_gdp", 2021, "es"), "gpkg",
                                  "remittances_received_pct_gdp"))
    assert pyogrio.list_layers(path).tolist() == [["remittances_received_pct_gdp", "MultiPolygon"]]
    info = pyogrio.read_info(path)
    assert info["crs"] == "EPSG:4326"
    expected = latest_values(con, "remittances_received_pct_gdp", 2021)
    layer = gpd.read_file(path).set_index("iso3")
    assert len(layer) == len(expected)
    for iso3 in ["TON", "WSM", "CPV", "COM", "PHL", "MEX"]:
        assert layer.at[iso3, "value"] == pytest.approx(expected.at[iso3, "value"], rel=1e-12)
        assert layer.at[iso3, "unit"] == "%"
        assert layer.at[iso3, "year"] == expected.at[iso3, "year"]
    assert layer.at["TON", "value"] > 30             # among the most remittance-dependent countries


def test_geojson_is_rfc7946_lon_lat_without_crs_member(con):
    text = gis.to_bytes(gis.indicator_layer(con, "refugees_hosted", 2019), "geojson").decode("utf-8")
    doc = json.loads(text)
    assert "crs" not in doc and doc["type"] == "FeatureCollection"
    for feature in doc["features"]:
        lons = [p[0] for poly in feature["geometry"]["coordinates"] for ring in poly for p in ring]
        lats = [p[1] for poly in feature["geometry"]["coordinates"] for ring in poly for p in ring]
        assert -180 <= min(lons) and max(lons) <= 180 and -90 <= min(lats) and max(lats) <= 90
    assert {f["geometry"]["type"] for f in doc["features"]} == {"MultiPolygon"}
    assert len(doc["features"]) == len(latest_values(con, "refugees_hosted", 2019))


def test_a_country_without_a_polygon_is_a_point_at_its_label_point(tmp_path):
    """Small states with no Natural Earth polygon are drawn as markers: the file has them as points."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{DEFAULT_DB}' AS src (READ_ONLY)")
    for table in ("countries", "boundaries", "sources"):
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM src.{table}")
    con.execute("UPDATE boundaries SET geometry = NULL WHERE iso3 = 'TUV'")
    label = con.execute("SELECT label_lon, label_lat FROM boundaries WHERE iso3 = 'TUV'").fetchone()
    frame = query(con, "SELECT 'TUV' AS iso3, 11.0 AS value, 'persons' AS unit, 2024 AS year, "
                       "'undesa_ims_2024_destination' AS source_id UNION ALL SELECT 'FJI', 12.0, 'persons', 2024, "
                       "'undesa_ims_2024_destination'")
    layer = gis.country_layer(con, frame, "en")
    for fmt in FORMATS:
        back = read_back(tmp_path, f"p.{fmt}", gis.to_bytes(layer, fmt)).set_index("iso3")
        assert back.geometry["TUV"].geom_type == "Point"
        assert back.geometry["TUV"].coords[0] == pytest.approx(label)
        assert back.geometry["FJI"].geom_type in ("Polygon", "MultiPolygon")
        assert back.at["TUV", "value"] == 11.0 and back.at["TUV", "name"] == "Tuvalu"
    con.close()


def corridor_downloads(iso3: str, kind: str, deferred) -> dict:
    at = open_page("pages/country.py", lang="es", country=iso3, corridors=kind, corridor_view="map")
    assert not at.exception
    return deferred


@pytest.mark.parametrize("fmt", FORMATS)
def test_corridors_map_download_has_a_line_per_corridor_from_origin_to_destination(
        con, tmp_path, deferred_downloads, fmt):
    corridor_downloads("TON", "destinations", deferred_downloads)
    year = int(query(con, "SELECT max(year) AS y FROM bilateral_stock")["y"][0])
    layer = read_back(tmp_path, f"c.{fmt}", deferred_downloads[f"ipmd_corridors_destinations_TON_{year}.{fmt}"]())
    expected = query(con, """
        SELECT dest_iso3, stock FROM bilateral_stock
        WHERE origin_iso3 = 'TON' AND year = $year AND sex = 'total' ORDER BY stock DESC, dest_iso3 LIMIT 10""",
                     {"year": year}).set_index("dest_iso3")
    points = query(con, "SELECT iso3, label_lon, label_lat FROM boundaries").set_index("iso3")
    names = query(con, "SELECT iso3, name_es FROM countries").set_index("iso3")["name_es"]
    assert layer.crs.to_epsg() == 4326 and layer.is_valid.all()
    assert len(layer) == len(expected.index.intersection(points.index)) > 0
    assert set(layer["origin"]) == {"TON"} and set(layer["origin_name"]) == {names["TON"]}
    source, licence = source_label(con, "undesa_ims_2024_bilateral")
    for row in layer.itertuples():
        assert row.migrants == expected.at[row.destination, "stock"]
        assert row.destination_name == names[row.destination]
        assert (row.year, row.source, row.licence) == (year, source, licence)
        parts = list(row.geometry.geoms)
        assert parts[0].coords[0] == pytest.approx(tuple(points.loc["TON", ["label_lon", "label_lat"]]), abs=1e-6)
        assert parts[-1].coords[-1] == pytest.approx(
            tuple(points.loc[row.destination, ["label_lon", "label_lat"]]), abs=1e-6)
        for part in parts:
            assert all(-180 <= x <= 180 for x, _ in part.coords)
    # Tonga (-175) to Australia (134) crosses the antimeridian: cut in two there, not drawn across the world
    australia = layer.set_index("destination").geometry["AUS"]
    assert len(australia.geoms) == 2
    assert {abs(australia.geoms[0].coords[-1][0]), abs(australia.geoms[1].coords[0][0])} == {180.0}


def test_corridors_of_origins_point_towards_the_country(con, deferred_downloads, tmp_path):
    corridor_downloads("PHL", "origins", deferred_downloads)
    name = next(n for n in deferred_downloads if n.startswith("ipmd_corridors_origins_PHL_") and n.endswith(".gpkg"))
    layer = read_back(tmp_path, "o.gpkg", deferred_downloads[name]())
    year = int(name.removesuffix(".gpkg").rsplit("_", 1)[1])
    expected = query(con, """SELECT origin_iso3, stock FROM bilateral_stock
                             WHERE dest_iso3 = 'PHL' AND year = $year AND sex = 'total'""",
                     {"year": year}).set_index("origin_iso3")["stock"]
    assert set(layer["destination"]) == {"PHL"} and len(layer) > 0
    for row in layer.itertuples():
        assert row.migrants == expected[row.origin]


@pytest.mark.parametrize("fmt", FORMATS)
def test_coverage_map_download_holds_the_approved_money_per_country_flagged_illustrative(
        con, tmp_path, deferred_downloads, fmt):
    from ipmd.coverage import report as cr

    at = open_page("pages/coverage.py", lang="en", view="map", goal="G2")
    assert not at.exception
    options = cr.filter_options(con)
    name = f"ipmd_coverage_map_G2_primary_{options.first_year}-{options.last_year}.{fmt}"
    layer = read_back(tmp_path, f"cov.{fmt}", deferred_downloads[name]())
    cov = cr.country_coverage(con, "G2", "primary", regions=(), income_groups=(), partners=(), statuses=(),
                              start_year=options.first_year, end_year=options.last_year)
    placed = cov.by_country[cov.by_country["iso3"].isin(stored_shapes(con))].set_index("iso3")
    assert len(layer) == len(placed) > 0
    check_shapes(con, layer)
    source, licence = source_label(con, "illustrative_portfolio")
    for row in layer.itertuples():
        assert row.value == pytest.approx(placed.at[row.iso3, "approved"], abs=0.005)
        assert row.n_projects == placed.at[row.iso3, "n_projects"]
        assert row.disbursed == pytest.approx(placed.at[row.iso3, "disbursed"], abs=0.005)
        assert (row.unit, row.measure, row.year) == ("US$", "approved", f"{options.first_year}-{options.last_year}")
        assert (row.source, row.licence, row.illustrative) == (source, licence, True)


@pytest.mark.parametrize("fmt", FORMATS)
def test_funds_money_map_download_holds_the_disbursed_money_per_country(con, tmp_path, deferred_downloads, fmt):
    from ipmd.fund import report as fund_report

    at = open_page("pages/funds.py", lang="fr", view="map", money="disbursed", **{"from": "2009", "to": "2012"})
    assert not at.exception
    layer = read_back(tmp_path, f"f.{fmt}", deferred_downloads[f"ipmd_fund_map_disbursed_2009-2012.{fmt}"]())
    report = fund_report.fund_report(con, 2009, 2012, money="disbursed", lang="fr")
    placed = report.countries[report.countries["iso3"].isin(stored_shapes(con))].set_index("iso3")
    assert len(layer) == len(placed) > 0
    check_shapes(con, layer)
    names = query(con, "SELECT iso3, name_fr FROM countries").set_index("iso3")["name_fr"]
    for row in layer.itertuples():
        assert row.value == pytest.approx(placed.at[row.iso3, "amount_usd"], abs=0.005)
        assert row.n_projects == placed.at[row.iso3, "n_projects"]
        assert row.name == names[row.iso3]
        assert (row.measure, row.year, row.illustrative) == ("disbursed", "2009-2012", True)


def test_command_line_writes_the_map_and_refuses_what_names_nothing(tmp_path, capsys, con):
    out = tmp_path / "remit.geojson"
    assert gis.main(["remittances_received_usd", "2022", str(out), "--lang", "fr"]) == 0
    layer = gpd.read_file(out).set_index("iso3")
    expected = latest_values(con, "remittances_received_usd", 2022)
    assert len(layer) == len(expected)
    for iso3 in ["TON", "WSM", "CPV", "PHL", "MEX"]:
        assert layer.at[iso3, "value"] == expected.at[iso3, "value"]
        assert layer.at[iso3, "name"] == expected.at[iso3, "name_fr"]
    capsys.readouterr()

    for args, message in ((["no_such_indicator", "2020"], "unknown indicator 'no_such_indicator'"),
                          (["refugees_hosted", "1980"], "no values of refugees_hosted in or before 1980"),
                          (["project_funding_approved", "1990"], "no values of project_funding_approved")):
        bad = tmp_path / "bad.gpkg"
        assert gis.main([*args, str(bad)]) == 1
        assert message in capsys.readouterr().err
        assert not bad.exists()
    assert gis.main(["population", "2020", str(tmp_path / "x.shp")]) == 1
    assert ".gpkg or .geojson" in capsys.readouterr().err
    assert gis.main(["population", "2020", str(tmp_path / "missing" / "x.gpkg")]) == 1
    assert "cannot write" in capsys.readouterr().err


# ------------------------------------------------------------------ the build reads Natural Earth with geopandas
NE_FILE = "ne_50m_admin_0_countries.geojson"
needs_sources = pytest.mark.skipif(not (DEFAULT_SOURCES / NE_FILE).is_file(), reason="no source folder")


@needs_sources
def test_build_with_geopandas_gives_the_stored_boundaries_row_for_row(con):
    from ipmd.build import boundaries

    stored = query(con, "SELECT * FROM boundaries ORDER BY iso3")
    countries = set(query(con, "SELECT iso3 FROM countries")["iso3"])
    ne = boundaries.match_features(boundaries.read_features(DEFAULT_SOURCES), countries)
    rows = boundaries.boundary_rows(ne, countries)
    assert [r["iso3"] for r in rows] == stored["iso3"].tolist()
    for row, (_, expected) in zip(rows, stored.iterrows()):
        assert row == {k: expected[k] for k in row}, row["iso3"]
    assert ne["CHI"].ne_codes == ("GGY", "JEY") and ne["XKX"].iso_a2 == "XK" and ne["XKX"].region_un == "Europe"


def _broken(doc: dict, how: str) -> bytes:
    if how == "truncated":
        return json.dumps(doc).encode()[:300_000]
    if how == "property":
        for feature in doc["features"]:
            feature["properties"].pop("WB_A3")
    elif how == "one_feature_property":
        doc["features"][7]["properties"].pop("LABEL_X")
    elif how == "geometry":
        doc["features"][5]["geometry"] = None
    elif how == "short":
        doc["features"] = doc["features"][:100]
    return json.dumps(doc).encode()


@needs_sources
@pytest.mark.parametrize("how, message", [
    ("truncated", "cannot be read as GeoJSON"), ("property", "column (property) 'WB_A3' is missing"),
    ("one_feature_property", "feature 7 ("), ("geometry", "feature 5 ("), ("short", "100 features, expected")])
def test_a_broken_natural_earth_file_fails_the_build_naming_the_file(tmp_path, how, message):
    from ipmd.build import boundaries
    from ipmd.build.sources import SourceError

    doc = json.loads((DEFAULT_SOURCES / NE_FILE).read_text(encoding="utf-8"))
    (tmp_path / NE_FILE).write_bytes(_broken(doc, how))
    with pytest.raises(SourceError) as err:
        boundaries.read_features(tmp_path)
    assert str(err.value).startswith(NE_FILE) and message in str(err.value)


def test_the_ledger_map_of_the_overview_is_flagged_illustrative_with_the_ledger_source(con, tmp_path):
    from ipmd import queries
    from ipmd.fund import summary as fund_summary

    expected = fund_summary.approved_by_country(queries.ledger(con), 2012).set_index("iso3")
    layer = read_back(tmp_path, "l.geojson", gis.to_bytes(gis.indicator_layer(con, "project_funding_approved", 2012,
                                                                              "fr"), "geojson")).set_index("iso3")
    placed = expected.index.intersection(list(stored_shapes(con)))
    assert len(layer) == len(placed) > 10
    source, licence = source_label(con, "illustrative_portfolio")
    for iso3 in placed:
        assert layer.at[iso3, "value"] == pytest.approx(expected.at[iso3, "value"], abs=0.005)
        assert (layer.at[iso3, "unit"], layer.at[iso3, "year"]) == ("US$", 2012)
        assert (layer.at[iso3, "source"], layer.at[iso3, "licence"], layer.at[iso3, "illustrative"]) == (
            source, licence, True)


def test_a_map_with_nothing_on_it_gives_empty_files_not_an_error(con, tmp_path):
    """The coverage map with filters that select no project still offers its (empty) files."""
    from ipmd.coverage import report as cr

    cov = cr.country_coverage(con, None, "primary", regions=(), income_groups=(), partners=(), statuses=(),
                              start_year=1990, end_year=1991)
    assert cov.by_country.empty
    layer = gis.ledger_layer(con, cov.by_country, "en", value="approved", measure="approved", period="1990-1991",
                             illustrative=True, extra=("n_projects",))
    for fmt in FORMATS:
        back = read_back(tmp_path, f"e.{fmt}", gis.to_bytes(layer, fmt))
        assert len(back) == 0
        if fmt == "gpkg":                       # a GeoJSON without features has no field list to keep
            assert {"iso3", "value", "unit", "year", "source", "n_projects"} <= set(back.columns)
