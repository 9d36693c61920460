"""The admin page's import flow (issue 14, item 7): the limits are stated, a file is validated once (the dry
run), the confirmed import writes what was checked, and the success message names no server path."""
from __future__ import annotations


import pytest

import ledger_fixtures as F
from access_fixtures import configure
from apptest_pages import app_test
from ipmd.i18n import fmt_number, t
from ipmd.ledger import limits, store


@pytest.fixture
def db_copy(fixture_db):
    """The admin page needs a ledger to replace, not the committed figures: the seeded fixture database."""
    return fixture_db


def open_admin():
    at = app_test("pages/admin.py", timeout=120)
    return configure(at, "secretariat").run()     # importing from the web takes a signed-in Secretariat member


def test_limits_are_stated_and_a_file_is_validated_once(db_copy, monkeypatch):
    calls = []
    real_validate = store.validate
    monkeypatch.setattr(store, "validate", lambda raw, ref: calls.append(raw.filename) or real_validate(raw, ref))
    at = open_admin()
    shown = [c.value for c in at.caption]
    assert t("ledger.limits", size="20 MB", unzipped="200 MB", rows=fmt_number(limits.MAX_ROWS, "en"),
             seconds=limits.MAX_SECONDS) in shown
    at.file_uploader[0].set_value([("fund-ledger.xlsx", F.xlsx_bytes(F.valid_ledger()), "application/octet-stream")])
    at = at.run()
    assert not at.exception and t("admin.check.valid") in [s.value for s in at.success]
    assert calls == ["fund-ledger.xlsx"]
    at = at.button(key="admin_confirm").click().run()
    assert not at.exception
    assert calls == ["fund-ledger.xlsx"], "the confirmed import wrote the checked tables without validating again"
    backups = store.backup_paths(db_copy)
    assert len(backups) == 1
    done = [s.value.replace("\\", "") for s in at.success]
    assert any(backups[0].name in d for d in done) and not any(str(db_copy.parent) in d for d in done)


def test_a_file_over_the_time_limit_is_refused_with_the_limits(db_copy, monkeypatch):
    monkeypatch.setattr(limits, "MAX_SECONDS", 0)
    before = F.sha256(db_copy)
    at = open_admin()
    at.file_uploader[0].set_value([("fund-ledger.xlsx", F.xlsx_bytes(F.valid_ledger()), "application/octet-stream")])
    at = at.run()
    assert not at.exception
    messages = [str(v) for e in [*at.table, *at.dataframe] for v in e.value.to_numpy().ravel()]
    assert any("0-second limit" in m and "50,000 rows per sheet" in m for m in messages)
    assert F.sha256(db_copy) == before


def test_the_iati_download_is_built_on_click_and_reads_back(db_copy, deferred_downloads):
    at = open_admin()
    assert not at.exception
    assert "ipmd-ledger-" in " ".join(deferred_downloads) and any(n.endswith("-iati.xml") for n in deferred_downloads)
    data = next(build for name, build in deferred_downloads.items() if name.endswith("-iati.xml"))()
    assert data.startswith(b"<?xml") and b'<iati-activities' in data
    before = F.sha256(db_copy)
    result = store.import_ledger(data, "ledger.xml", db_copy, dry_run=True)   # the fixture's own ledger
    assert result.ok, result.report_lines()
    assert F.sha256(db_copy) == before
