"""Read access to the bundled database: one read-only connection, a cursor per query, bound parameters."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd

from ipmd import DEFAULT_DB

SQL_DIR = Path(__file__).parent / "sql"


def db_path() -> Path:
    return Path(os.environ.get("IPMD_DB", DEFAULT_DB))


def connect(path: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path or db_path()), read_only=True)


@lru_cache(maxsize=None)
def named_sql(name: str) -> str:
    """The text of ipmd/sql/<name>.sql: each query is a file that reads like the question it answers."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def query(con: duckdb.DuckDBPyConnection, sql_or_name: str, params: dict | list | None = None) -> pd.DataFrame:
    """Run one query on a fresh cursor (DuckDB connections are not thread-safe) and return a frame.

    `sql_or_name` is either SQL text or the name of a file in ipmd/sql/ (without .sql).
    """
    sql = sql_or_name if " " in sql_or_name.strip() else named_sql(sql_or_name)
    cur = con.cursor()
    try:
        return cur.execute(sql, params or []).df()
    finally:
        cur.close()
