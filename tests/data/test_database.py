"""The committed database, data/ipmd.duckdb, opened read-only: the figures UN DESA publishes, keys and
references, boundaries, the bilateral table against the official totals, provenance and size."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import duckdb
import pytest

from ipmd import DEFAULT_DB, DEFAULT_SOURCES, REPO_ROOT
from ipmd.build.boundaries import signed_area
from ipmd.build.checks import NO_NE_FEATURE
from ipmd.build.database import UNDECLARED_KEYS, content_hash
from ipmd.build.indicators import INDICATORS
from ipmd.build.sources import FILES, sha256_of

pytestmark = pytest.mark.skipif(not DEFAULT_DB.is_file(), reason="data/ipmd.duckdb is not built yet")
README = REPO_ROOT / "data" / "README.md"


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect(str(DEFAULT_DB), read_only=True)
    yield c
    c.close()


def one(con, sql, params=None):
    return con.execute(sql, params or []).fetchone()


def col(con, sql, params=None):
    return [r[0] for r in con.execute(sql, params or []).fetchall()]


# ------------------------------------------------------------------------- what UN DESA publishes

def world(con, indicator, year, sex="total", source="undesa_ims_2024_destination"):
    return one(con, "SELECT value FROM aggregate_observations WHERE agg_code = 'WLD' AND indicator_id = ? "
                    "AND year = ? AND sex = ? AND source_id = ?", [indicator, year, sex, source])[0]


def test_world_migrant_stock_matches_un_desa(con):
    assert world(con, "immigrant_stock", 2024) == 304_021_813
    assert world(con, "immigrant_stock", 2020) == 275_284_032
    assert round(world(con, "immigrant_female_share", 2024), 1) == 48.0
    assert world(con, "immigrant_stock", 2024, "female") + world(con, "immigrant_stock", 2024, "male") \
        == 304_021_813
    # the 2020 edition is kept as a second source, with its own (different) figure
    assert world(con, "immigrant_stock", 2020, source="undesa_ims_2020_destination") == 280_598_105


def test_un_missing_values_are_missing_not_zero(con):
    # Saint Barthelemy and Saint Martin have '..' in every column of the 2024 workbook
    assert one(con, "SELECT count(*) FROM observations WHERE iso3 IN ('BLM', 'MAF') "
                    "AND source_id = 'undesa_ims_2024_destination' AND indicator_id = 'immigrant_stock'")[0] == 0
    assert one(con, "SELECT count(*) FROM countries WHERE iso3 IN ('BLM', 'MAF')")[0] == 2


# ------------------------------------------------------------------------- keys and references

def test_every_observation_points_to_a_country_an_indicator_and_a_source(con):
    for sql in (
        "SELECT count(*) FROM observations ANTI JOIN countries USING (iso3)",
        "SELECT count(*) FROM observations ANTI JOIN sources USING (source_id)",
        "SELECT count(*) FROM observations ANTI JOIN indicators USING (indicator_id)",
        "SELECT count(*) FROM aggregate_observations ANTI JOIN aggregates USING (agg_code)",
        "SELECT count(*) FROM aggregate_observations ANTI JOIN sources USING (source_id)",
        "SELECT count(*) FROM bilateral_stock b ANTI JOIN countries c ON b.origin_iso3 = c.iso3",
        "SELECT count(*) FROM bilateral_stock b ANTI JOIN countries c ON b.dest_iso3 = c.iso3",
        "SELECT count(*) FROM refugees_bilateral r ANTI JOIN countries c ON r.asylum_iso3 = c.iso3",
        "SELECT count(*) FROM boundaries ANTI JOIN countries USING (iso3)",
    ):
        assert one(con, sql)[0] == 0, sql


@pytest.mark.parametrize("table", sorted(UNDECLARED_KEYS))
def test_no_duplicate_keys(con, table):
    key = ", ".join(UNDECLARED_KEYS[table])
    assert one(con, f"SELECT count(*) FROM (SELECT {key} FROM {table} GROUP BY ALL HAVING count(*) > 1)")[0] == 0


def test_no_aggregate_in_the_country_table(con):
    iso3 = set(col(con, "SELECT iso3 FROM countries"))
    assert not {"WLD", "LMY", "EAS", "HIC", "SSF", "EMU", "EUU", "ARB"} & iso3
    assert not iso3 & set(col(con, "SELECT wb_code FROM aggregates WHERE wb_code IS NOT NULL"))
    assert not iso3 & set(col(con, "SELECT agg_code FROM aggregates"))
    assert one(con, "SELECT count(*) FROM countries WHERE m49 >= 900")[0] == 0


def test_countries_cover_un_desa_wdi_and_unhcr(con):
    n = one(con, "SELECT count(*) FROM countries")[0]
    assert n >= 236
    row = one(con, "SELECT m49, name_en, name_fr, name_es, un_region, un_subregion, wb_region, income_group "
                   "FROM countries WHERE iso3 = 'PHL'")
    assert row == (608, "Philippines", "Philippines", "Filipinas", "Asia", "South-Eastern Asia",
                   "East Asia & Pacific", "Lower middle income")
    assert one(con, "SELECT name_en, m49, un_region FROM countries WHERE iso3 = 'XKX'") == ("Kosovo", None, "Europe")
    assert one(con, "SELECT count(*) FROM countries WHERE name_en IS NULL OR name_fr IS NULL "
                    "OR name_es IS NULL OR un_region IS NULL")[0] == 0


def test_indicators_are_exactly_the_documented_list(con):
    assert sorted(col(con, "SELECT indicator_id FROM indicators")) == sorted(i.indicator_id for i in INDICATORS)
    # every indicator has data from its default source, and its rows carry its unit
    assert one(con, "SELECT count(*) FROM indicators i WHERE NOT EXISTS (SELECT 1 FROM observations o "
                    "WHERE o.indicator_id = i.indicator_id AND o.source_id = i.default_source_id)")[0] == 0
    assert one(con, "SELECT count(*) FROM observations o JOIN indicators i USING (indicator_id) "
                    "WHERE o.unit <> i.unit")[0] == 0
    assert one(con, "SELECT count(*) FROM indicators WHERE caveats IS NULL OR description IS NULL")[0] == 0


# ------------------------------------------------------------------------- boundaries

def test_every_country_with_data_can_be_drawn_or_is_a_documented_exception(con):
    undrawn = set(col(con, "SELECT DISTINCT iso3 FROM observations ANTI JOIN boundaries USING (iso3)"))
    assert undrawn <= set(NO_NE_FEATURE)
    readme = README.read_text(encoding="utf-8")
    for iso3 in NO_NE_FEATURE:
        assert f"`{iso3}`" in readme, f"{iso3} is not listed in data/README.md"
    # small states exist and are flagged for markers
    assert one(con, "SELECT bool_and(is_small_state) FROM countries WHERE iso3 IN ('TON', 'TUV', 'MCO', 'VAT')")[0]
    assert not one(con, "SELECT is_small_state FROM countries WHERE iso3 = 'MEX'")[0]


def test_geometries_are_geojson_lon_lat_rounded_and_clockwise(con):
    rows = con.execute("SELECT iso3, geometry, label_lon, label_lat FROM boundaries").fetchall()
    assert len(rows) >= 220
    for iso3, text, lon, lat in rows:
        assert -180 <= lon <= 180 and -90 <= lat <= 90, iso3
        geom = json.loads(text)
        polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        assert geom["type"] in ("Polygon", "MultiPolygon") and polys, iso3
        for poly in polys:
            assert signed_area(poly[0]) < 0, f"{iso3}: exterior ring not clockwise"
            assert all(signed_area(h) > 0 for h in poly[1:]), f"{iso3}: hole not counter-clockwise"
            for x, y in poly[0]:
                assert -180 <= x <= 180 and -90 <= y <= 90 and round(x, 3) == x and round(y, 3) == y


# ------------------------------------------------------------------------- bilateral vs official totals

@pytest.mark.parametrize("iso3", ["PHL", "MEX", "IND", "SYR"])
def test_bilateral_stock_by_origin_matches_official_emigrant_totals(con, iso3):
    """The bilateral file lists every destination country, so sums by origin reach the official totals;
    the only gap allowed is migrants counted in destinations reported as regions (at most 2%)."""
    rows = con.execute("""
        SELECT o.year, o.sex, o.value, coalesce(sum(b.stock), 0) FROM observations o
        LEFT JOIN bilateral_stock b ON b.origin_iso3 = o.iso3 AND b.year = o.year AND b.sex = o.sex
        WHERE o.iso3 = ? AND o.indicator_id = 'emigrant_stock' AND o.source_id = 'undesa_ims_2024_origin'
        GROUP BY ALL ORDER BY ALL""", [iso3]).fetchall()
    assert len(rows) == 24      # 8 years x 3 sexes
    for year, sex, official, bilateral in rows:
        assert bilateral <= official, (year, sex)
        assert bilateral / official >= 0.98, (year, sex, bilateral / official)


def test_bilateral_stock_by_destination_never_exceeds_official_immigrant_totals(con):
    # the official totals include migrants of unknown origin, absent from the bilateral file
    n = one(con, """
        WITH b AS (SELECT dest_iso3 AS iso3, year, sex, sum(stock) AS s FROM bilateral_stock GROUP BY ALL)
        SELECT count(*) FROM b JOIN observations o USING (iso3, year, sex)
        WHERE o.indicator_id = 'immigrant_stock' AND o.source_id = 'undesa_ims_2024_destination'
          AND b.s > o.value""")[0]
    assert n == 0
    world_bilateral = one(con, "SELECT sum(stock) FROM bilateral_stock WHERE year = 2024 AND sex = 'total'")[0]
    assert 281e6 < world_bilateral < 304_021_813


# ------------------------------------------------------------------------- provenance, meta, size

def test_sources_have_provenance_and_flags(con):
    rows = con.execute("SELECT source_id, file_name, sha256, is_illustrative, licence, edition FROM sources").fetchall()
    by_id = {r[0]: r for r in rows}
    for spec in FILES.values():
        assert by_id[spec.source_id][1] == spec.file_name
        assert re.fullmatch(r"[0-9a-f]{64}", by_id[spec.source_id][2])
        assert by_id[spec.source_id][3] is False
    assert by_id["illustrative_portfolio"][3] is True
    for derived in ("derived_emigrant_pct_pop", "derived_gdp_per_capita", "derived_remittances_paid_pct_gdp"):
        assert by_id[derived][1] is None and by_id[derived][3] is False
    assert by_id["wdi_remittances_received_usd"][5] == "WDI 2025-07-01"


@pytest.mark.skipif(not Path(os.environ.get("IPMD_SOURCES", DEFAULT_SOURCES)).is_dir(), reason="no sources")
def test_sha256_of_every_source_file_matches_the_files(con):
    src = Path(os.environ.get("IPMD_SOURCES", DEFAULT_SOURCES))
    for source_id, file_name, sha in con.execute(
            "SELECT source_id, file_name, sha256 FROM sources WHERE file_name IS NOT NULL").fetchall():
        assert sha256_of(src / file_name) == sha, f"{file_name} changed since the build: rebuild"


def test_demonstration_ledger_is_flagged_illustrative_and_mptf_reference_is_real(con):
    for table in ("donors", "projects", "transactions"):
        assert one(con, f"SELECT bool_and(is_illustrative), count(*) > 0 FROM {table}") == (True, True)
    assert one(con, "SELECT value FROM meta WHERE key = 'ledger_kind'")[0] == "illustrative"
    assert one(con, "SELECT count(*) FROM mptf_contributors")[0] == 8
    assert one(con, "SELECT count(*) FROM mptf_joint_programmes")[0] == 8
    assert one(con, "SELECT bool_or(is_illustrative) FROM sources WHERE source_id LIKE 'mptf_%'")[0] is False


def test_exchange_rates_one_per_currency_and_year(con):
    assert one(con, "SELECT count(*) FROM (SELECT currency, year FROM exchange_rates GROUP BY ALL "
                    "HAVING count(*) > 1)")[0] == 0
    assert one(con, "SELECT min(lcu_per_usd), max(lcu_per_usd) FROM exchange_rates WHERE currency = 'USD'") == (1.0, 1.0)
    assert set(col(con, "SELECT DISTINCT from_iso3 FROM exchange_rates WHERE currency = 'EUR'")) == {"EMU"}
    eur2010 = one(con, "SELECT lcu_per_usd FROM exchange_rates WHERE currency = 'EUR' AND year = 2010")[0]
    assert 0.7 < eur2010 < 0.8


def test_meta_and_content_hash(con):
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    for key in ("built_at", "content_hash", "duckdb_version", "pandas_version", "python_version",
                "ledger_kind", "data_edition"):
        assert meta.get(key), key
    assert meta["duckdb_version"] == duckdb.__version__
    assert content_hash(con) == meta["content_hash"]


def test_database_size_at_most_40_mb():
    assert DEFAULT_DB.stat().st_size <= 40 * 1024 * 1024


def test_data_dictionary_documents_every_table_and_column(con):
    readme = README.read_text(encoding="utf-8")
    for table, column in con.execute("SELECT table_name, column_name FROM information_schema.columns "
                                     "WHERE table_schema = 'main'").fetchall():
        assert f"### `{table}`" in readme, f"table {table} is not documented"
        assert f"`{column}`" in readme, f"{table}.{column} is not documented"
    for ind in INDICATORS:
        assert f"`{ind.indicator_id}`" in readme


def test_data_dictionary_example_queries_run(con):
    """Every ```sql block in data/README.md runs on the committed database and returns rows."""
    blocks = re.findall(r"```sql\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) >= 3
    for sql in blocks:
        assert con.execute(sql).fetchall(), sql
