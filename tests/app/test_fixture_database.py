"""The page tests' database: every test in tests/app reads the seeded page fixture, and the guard in
tests/app/conftest.py sees a connection to the committed data/ipmd.duckdb, however it is opened."""
import os
from pathlib import Path

import duckdb
import pytest

from ipmd import DEFAULT_DB, db, queries


def test_pages_read_the_seeded_fixture_not_the_committed_database(con):
    assert Path(os.environ["IPMD_DB"]).resolve() != DEFAULT_DB.resolve()
    assert Path(db.db_path()).resolve() != DEFAULT_DB.resolve()
    assert queries.meta(con)["content_hash"] == "fixture"
    assert db.query(con, "SELECT bool_and(is_illustrative) AS all_flagged FROM projects")["all_flagged"][0]


@pytest.mark.skipif(not DEFAULT_DB.is_file(), reason="data/ipmd.duckdb is not built yet")
@pytest.mark.parametrize("opener", [lambda: db.connect(DEFAULT_DB), lambda: duckdb.connect(str(DEFAULT_DB), read_only=True)])
def test_the_guard_records_a_connection_to_the_committed_database(_committed_database_guard, opener):
    before = len(_committed_database_guard)
    opener().close()
    assert len(_committed_database_guard) == before + 1
    del _committed_database_guard[before:]       # recorded; forgotten so that this test itself passes
