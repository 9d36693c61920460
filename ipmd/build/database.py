"""Writing the database: tables from schema.sql, rows sorted before insert, a content hash over the rows."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

SCHEMA = Path(__file__).with_name("schema.sql")
# DuckDB's default 256 KiB block gives every small table at least one block; 16 KiB keeps the file small.
BLOCK_SIZE = 16_384
# Keys not declared as PRIMARY KEY in schema.sql (their indexes would triple the file): checked instead.
UNDECLARED_KEYS = {
    "observations": ("iso3", "year", "indicator_id", "sex", "source_id"),
    "aggregate_observations": ("agg_code", "year", "indicator_id", "sex", "source_id"),
    "bilateral_stock": ("origin_iso3", "dest_iso3", "year", "sex"),
    "refugees_bilateral": ("origin_iso3", "asylum_iso3", "year"),
}


def create(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path), config={"default_block_size": str(BLOCK_SIZE)})
    con.execute(SCHEMA.read_text(encoding="utf-8"))
    return con


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
        [table]).fetchall()
    return [r[0] for r in rows]


def insert(con: duckdb.DuckDBPyConnection, table: str, df: pd.DataFrame) -> int:
    """Insert a frame into a schema table: columns in schema order, rows sorted on every column."""
    cols = table_columns(con, table)
    if not cols:
        raise KeyError(f"table {table} is not in schema.sql")
    extra = [c for c in df.columns if c not in cols]
    missing = [c for c in cols if c not in df.columns]
    if extra or missing:
        raise ValueError(f"{table}: columns do not match schema.sql (missing {missing}, unexpected {extra})")
    frame = df[cols].sort_values(cols, na_position="last", kind="mergesort").reset_index(drop=True)
    if frame.empty:
        return 0
    cur = con.cursor()
    try:
        cur.register("frame_to_insert", frame)
        quoted = ", ".join(f'"{c}"' for c in cols)
        cur.execute(f'INSERT INTO "{table}" ({quoted}) SELECT {quoted} FROM frame_to_insert')
        cur.unregister("frame_to_insert")
    finally:
        cur.close()
    return len(frame)


def tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
                       "AND table_type = 'BASE TABLE' ORDER BY table_name").fetchall()
    return [r[0] for r in rows]


def row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables(con)}


def content_hash(con: duckdb.DuckDBPyConnection) -> str:
    """sha256 over every table but meta, computed from the rows (not the file's bytes), so the same content
    gives the same hash whatever the build time or storage layout. One definition serves the build and the
    ledger import: ipmd.ledger.store.content_hash."""
    from ipmd.ledger.store import content_hash as ledger_content_hash
    return ledger_content_hash(con)
