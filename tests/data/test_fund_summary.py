"""The fund as the overview shows it names the source row its data comes from, before and after an import."""
from __future__ import annotations

import shutil

import duckdb

import ledger_fixtures as F
from ipmd import DEFAULT_DB, queries
from ipmd.fund import summary as fund_summary
from ipmd.ledger.store import import_ledger


def _source_of_ledger(db) -> tuple[str, set[str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        ledger = queries.ledger(con)
        known = {row[0] for row in con.execute("SELECT source_id FROM sources").fetchall()}
        return fund_summary.ledger_source(ledger), known
    finally:
        con.close()


def test_the_ledger_source_is_a_row_of_sources_before_and_after_an_import(tmp_path):
    db = shutil.copy(DEFAULT_DB, tmp_path / "ipmd.duckdb")
    source, known = _source_of_ledger(db)
    assert source == fund_summary.ILLUSTRATIVE_SOURCE and source in known

    result = import_ledger(F.xlsx_bytes(F.valid_ledger()), filename="ledger.xlsx", db_path=db)
    assert result.ok, result.report_lines()
    source, known = _source_of_ledger(db)
    assert source == fund_summary.REAL_LEDGER_SOURCE
    assert source in known, f"{source} names no row of sources ({sorted(known)})"
