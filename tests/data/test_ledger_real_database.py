"""The committed database's own ledger goes out through the export and back in through the importer unchanged."""
from __future__ import annotations

import shutil

import duckdb
import pytest

import ledger_fixtures as F
from ipmd import DEFAULT_DB
from ipmd.ledger.export import export_ledger, ledger_frames
from ipmd.ledger.store import LEDGER_SOURCE_ID, import_ledger


@pytest.mark.skipif(not DEFAULT_DB.is_file(), reason="data/ipmd.duckdb is not built yet")
def test_real_database_ledger_round_trips(tmp_path):
    db = shutil.copy(DEFAULT_DB, tmp_path / "ipmd.duckdb")
    before = ledger_frames(db)
    result = import_ledger(export_ledger(db, "xlsx"), "export.xlsx", db)
    assert result.ok, [str(p) for p in result.problems[:20]]
    after = ledger_frames(db)
    assert F.rows(after) == F.rows(before)
    assert F.totals(after) == F.totals(before)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT value FROM meta WHERE key = 'ledger_kind'").fetchone()[0] == "real"
        # every table keeps a provenance row that names a source still in the database
        orphans = con.execute("SELECT DISTINCT table_name, source_id FROM table_sources "
                              "WHERE source_id NOT IN (SELECT source_id FROM sources)").fetchall()
        assert orphans == []
        ledger_rows = con.execute("SELECT DISTINCT source_id FROM table_sources WHERE table_name = 'transactions'")
        assert ledger_rows.fetchall() == [(LEDGER_SOURCE_ID,)]
