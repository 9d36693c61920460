"""Checks run on the freshly written (temporary) database before it replaces the previous one.

Each check returns a list of problems in plain words; the build stops if any check finds one.
"""
from __future__ import annotations

import json
from pathlib import Path

import duckdb

from ipmd.build.boundaries import signed_area
from ipmd.build.database import UNDECLARED_KEYS

WORLD_IMMIGRANTS_2024 = 304_021_813
WORLD_IMMIGRANTS_2020 = 275_284_032
WORLD_FEMALE_SHARE_2024 = 48.0
# Bilateral stock summed by origin / official emigrant total: the bilateral file has every destination
# country (no regions, no 'Others'), so the sums reach the official totals for nearly every origin.
# The lowest real ratio is 0.986 (United Kingdom, whose total includes migrants in destinations reported
# only as regions). The bound leaves a little room but would catch a lost destination.
BILATERAL_MIN_RATIO = 0.98
BILATERAL_TEST_ORIGINS = ("PHL", "MEX", "IND", "SYR")
# Countries with data for which Natural Earth 1:50m has no feature of their own (they are drawn as part
# of another country's polygon there): no boundaries row. Documented in data/README.md.
NO_NE_FEATURE = ("BES", "GIB", "GLP", "GUF", "MTQ", "MYT", "REU", "TKL")
AGGREGATE_LOOKALIKES = ("WLD", "LMY", "EAS", "HIC", "LIC", "EMU", "EUU", "OED", "SSF", "ARB")
MAX_DB_MB = 40


def _one(con, sql, params=None):
    return con.execute(sql, params or []).fetchone()


def world_totals(con) -> list[str]:
    problems = []
    sql = ("SELECT value FROM aggregate_observations WHERE agg_code = 'WLD' AND indicator_id = ? "
           "AND year = ? AND sex = 'total' AND source_id = 'undesa_ims_2024_destination'")
    for year, expected in ((2024, WORLD_IMMIGRANTS_2024), (2020, WORLD_IMMIGRANTS_2020)):
        row = _one(con, sql, ["immigrant_stock", year])
        if row is None or round(row[0]) != expected:
            problems.append(f"world immigrant stock {year} is {row and row[0]}, UN DESA publishes {expected:,}")
    row = _one(con, sql, ["immigrant_female_share", 2024])
    if row is None or round(row[0], 1) != WORLD_FEMALE_SHARE_2024:
        problems.append(f"world female share of migrants 2024 is {row and row[0]}, UN DESA publishes 48.0%")
    return problems


def integrity(con) -> list[str]:
    """Keys and references (also enforced by the schema's constraints; checked here in plain words)."""
    problems = []
    queries = {
        "observations pointing to no country":
            "SELECT count(*) FROM observations o ANTI JOIN countries c USING (iso3)",
        "observations pointing to no source":
            "SELECT count(*) FROM observations o ANTI JOIN sources s USING (source_id)",
        "aggregate observations pointing to no source":
            "SELECT count(*) FROM aggregate_observations o ANTI JOIN sources s USING (source_id)",
        "indicators whose default source has no observation":
            "SELECT count(*) FROM indicators i WHERE NOT EXISTS (SELECT 1 FROM observations o WHERE "
            "o.indicator_id = i.indicator_id AND o.source_id = i.default_source_id)",
        "observations whose unit differs from their indicator's":
            "SELECT count(*) FROM observations o JOIN indicators i USING (indicator_id) WHERE o.unit <> i.unit",
        "country codes that are also aggregate codes":
            "SELECT count(*) FROM countries c JOIN aggregates a ON c.iso3 = a.agg_code OR c.iso3 = a.wb_code",
        "sources read from a file without a sha256":
            "SELECT count(*) FROM sources WHERE file_name IS NOT NULL AND sha256 IS NULL",
    }
    for label, sql in queries.items():
        n = _one(con, sql)[0]
        if n:
            problems.append(f"{n} {label}")
    for table, key in UNDECLARED_KEYS.items():
        cols = ", ".join(key)
        n = _one(con, f"SELECT count(*) FROM (SELECT {cols} FROM {table} GROUP BY ALL HAVING count(*) > 1)")[0]
        if n:
            problems.append(f"{n} duplicate keys ({cols}) in {table}")
    placeholders = ", ".join("?" for _ in AGGREGATE_LOOKALIKES)
    found = con.execute(f"SELECT iso3 FROM countries WHERE iso3 IN ({placeholders})",
                        list(AGGREGATE_LOOKALIKES)).fetchall()
    if found:
        problems.append(f"aggregates in the countries table: {[r[0] for r in found]}")
    return problems


def boundaries_cover(con) -> list[str]:
    problems = []
    missing = {r[0] for r in con.execute(
        "SELECT DISTINCT o.iso3 FROM observations o ANTI JOIN boundaries b USING (iso3)").fetchall()}
    if missing - set(NO_NE_FEATURE):
        problems.append(f"countries with data but no boundary and not documented: {sorted(missing - set(NO_NE_FEATURE))}")
    drawn = set(NO_NE_FEATURE) & {r[0] for r in con.execute("SELECT iso3 FROM boundaries").fetchall()}
    if drawn:
        problems.append(f"documented as without Natural Earth feature but drawn: {sorted(drawn)}")
    for iso3, text in con.execute("SELECT iso3, geometry FROM boundaries WHERE geometry IS NOT NULL").fetchall():
        geom = json.loads(text)
        polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        for poly in polys:
            if signed_area(poly[0]) >= 0 or any(signed_area(hole) <= 0 for hole in poly[1:]):
                problems.append(f"{iso3}: ring winding is not exterior clockwise / holes counter-clockwise")
                break
    return problems


def bilateral_vs_totals(con) -> list[str]:
    """Bilateral sums by origin never exceed the official emigrant totals and reach at least 98% of them;
    sums by destination never exceed the official immigrant totals (those include unknown origins)."""
    problems = []
    rows = con.execute("""
        WITH b AS (SELECT origin_iso3 AS iso3, year, sex, sum(stock) AS s FROM bilateral_stock GROUP BY ALL)
        SELECT b.iso3, b.year, b.sex, b.s, o.value FROM b JOIN observations o
          ON o.iso3 = b.iso3 AND o.year = b.year AND o.sex = b.sex
         AND o.indicator_id = 'emigrant_stock' AND o.source_id = 'undesa_ims_2024_origin'
        WHERE b.s > o.value + 0.5 OR b.s < ? * o.value ORDER BY ALL""", [BILATERAL_MIN_RATIO]).fetchall()
    for iso3, year, sex, s, total in rows[:10]:
        problems.append(f"bilateral stock from {iso3} {year} {sex}: {s:,.0f} vs official emigrants {total:,.0f}")
    n = _one(con, """
        WITH b AS (SELECT dest_iso3 AS iso3, year, sex, sum(stock) AS s FROM bilateral_stock GROUP BY ALL)
        SELECT count(*) FROM b JOIN observations o ON o.iso3 = b.iso3 AND o.year = b.year AND o.sex = b.sex
         AND o.indicator_id = 'immigrant_stock' AND o.source_id = 'undesa_ims_2024_destination'
        WHERE b.s > o.value + 0.5""")[0]
    if n:
        problems.append(f"{n} destination-years where bilateral stock exceeds the official immigrant total")
    for iso3 in BILATERAL_TEST_ORIGINS:
        if not _one(con, "SELECT count(*) FROM bilateral_stock WHERE origin_iso3 = ?", [iso3])[0]:
            problems.append(f"no bilateral stock from {iso3}")
    return problems


def ledger(tables: dict) -> list[str]:
    from ipmd.ledger.invariants import ledger_invariant_problems
    return [str(p) for p in ledger_invariant_problems(tables)]


def size(path: Path) -> list[str]:
    mb = Path(path).stat().st_size / 1e6
    return [f"database is {mb:.1f} MB, the limit is {MAX_DB_MB} MB"] if mb > MAX_DB_MB else []


def provenance(con) -> list[str]:
    """Issue 19: every table says where its rows come from (table_sources), every source it names exists, and
    each country's counting method is one of the workbook's (birth, citizenship or imputed)."""
    problems = []
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = "
                                        "'main' AND table_type = 'BASE TABLE'").fetchall()}
    covered = {r[0] for r in con.execute("SELECT DISTINCT table_name FROM table_sources").fetchall()}
    if tables - covered:
        problems.append(f"tables without a row in table_sources (add them to ipmd/build/provenance.py): "
                        f"{sorted(tables - covered)}")
    if covered - tables:
        problems.append(f"table_sources names tables the database does not have: {sorted(covered - tables)}")
    missing = [r[0] for r in con.execute(
        "SELECT DISTINCT source_id FROM table_sources ANTI JOIN sources USING (source_id)").fetchall()]
    if missing:
        problems.append(f"table_sources names sources that are not in sources: {sorted(missing)}")
    n = _one(con, "SELECT count(*) FROM migrant_stock_methods WHERE NOT (by_birth OR by_citizenship OR is_imputed)")[0]
    if n:
        problems.append(f"{n} countries whose migrant stock is counted neither by birth, citizenship nor imputed")
    return problems


def run_all(con: duckdb.DuckDBPyConnection, ledger_tables: dict) -> dict[str, list[str]]:
    return {
        "world totals": world_totals(con),
        "integrity": integrity(con),
        "boundaries": boundaries_cover(con),
        "bilateral vs totals": bilateral_vs_totals(con),
        "ledger invariants": ledger(ledger_tables),
        "provenance": provenance(con),
    }
