"""Fixtures shared by the test modules."""
import pytest

from ipmd import db


@pytest.fixture(scope="module")
def con():
    """A read-only connection to the bundled database (data/ipmd.duckdb, or IPMD_DB)."""
    connection = db.connect()
    yield connection
    connection.close()
