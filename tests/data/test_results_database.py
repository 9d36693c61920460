"""The committed database's results framework: the demonstration portfolio's results keep their rules, and
its IATI export validates against the IATI 2.03 schema and reads back with every funded project's results."""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from lxml import etree

import ledger_fixtures as F
from ipmd import DEFAULT_DB, REPO_ROOT
from ipmd.ledger.export import export_ledger, ledger_frames
from ipmd.ledger.results_rules import results_problems
from ipmd.ledger.store import import_ledger
from ipmd.results import reporting_timeliness

XSD = REPO_ROOT.parent / "shared" / "standards" / "iati-2.03" / "iati-activities-schema.xsd"
pytestmark = pytest.mark.skipif(not DEFAULT_DB.is_file(), reason="data/ipmd.duckdb is not built yet")


def test_the_portfolio_results_keep_their_rules():
    frames = ledger_frames(DEFAULT_DB)
    assert len(frames["results"]) and len(frames["indicator_periods"])
    assert results_problems(frames) == []
    with duckdb.connect(str(DEFAULT_DB), read_only=True) as con:
        assert con.execute("SELECT bool_and(is_illustrative) FROM indicator_periods").fetchone()[0]
        t = reporting_timeliness(con)
    assert t.projects_due > 0 and 0 < t.share_on_time < 1


@pytest.mark.skipif(not Path(XSD).is_file(), reason="the IATI schema (../shared/standards) is not here")
def test_iati_export_validates_and_reads_back_every_result(tmp_path):
    db = shutil.copy(DEFAULT_DB, tmp_path / "ipmd.duckdb")
    data = export_ledger(db, "iati")
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    assert schema.validate(etree.fromstring(data)), [e.message for e in schema.error_log][:5]
    before = ledger_frames(db)
    result = import_ledger(data, "export.xml", db)
    assert result.ok, [str(p) for p in result.problems[:20]]
    after = ledger_frames(db)
    funded = set(before["projects"].loc[before["projects"]["status"].isin(["approved", "active", "closed"]),
                                        "project_id"])
    results = before["results"][before["results"]["project_id"].isin(funded)]
    indicators = before["result_indicators"][before["result_indicators"]["result_id"].isin(results["result_id"])]
    periods = before["indicator_periods"][before["indicator_periods"]["result_indicator_id"].isin(
        indicators["result_indicator_id"])]
    for name, frame in (("results", results), ("result_indicators", indicators), ("indicator_periods", periods)):
        assert F.rows({name: after[name]}) == F.rows({name: frame}), name
