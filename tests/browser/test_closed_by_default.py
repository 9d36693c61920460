"""Closed by default, in headless chromium: the app serving a real ledger (imported into a temporary copy of
the database) with no sign-in configured keeps the allocation review closed, and its admin page checks an
uploaded file (a dry run) without offering to import it; over the illustrative portfolio the allocation
review opens, labelled as demo. Every non-localhost request is aborted.
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

import browser_helpers as bh
from conftest import screenshot

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))     # tests/: the shared fixtures
from access_fixtures import MARKER, make_real_ledger_db  # noqa: E402

from ipmd.access import IMPORT_COMMAND  # noqa: E402
from ipmd.i18n import t  # noqa: E402
from ipmd.ledger.export import export_ledger  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def real_app(tmp_path_factory):
    """The app over a real ledger, sign-in not configured (a secrets file without [auth]); (url, database)."""
    folder = tmp_path_factory.mktemp("closed")
    db = make_real_ledger_db(folder)
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text("# no [auth]: sign-in is not configured\n", encoding="utf-8")
    app = bh.app_path()
    srv = bh.start_server(app, cwd=bh.REPO if app.parent == bh.REPO else None,
                          log_path=folder / "streamlit.log", extra_env={"IPMD_DB": str(db)},
                          extra_args=["--secrets.files", str(secrets_file)])
    try:
        yield srv.url, db
    finally:
        srv.stop()


def _settled(page, expect: str, timeout: float = 120.0) -> str:
    """Wait until `expect` is shown and the script run is over; the main area's text."""
    page.get_by_text(expect, exact=False).first.wait_for(timeout=timeout * 1000)
    bh.wait_run_over(page, timeout)
    assert not bh.exception_texts(page), bh.exception_texts(page)
    return bh.main_text(page)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_real_ledger_without_sign_in_keeps_the_allocation_review_closed(page, real_app):
    url, _ = real_app
    page.goto(url + "/allocation", wait_until="domcontentloaded")
    text = _settled(page, t("access.real_ledger_needs_sign_in")[:60])
    screenshot(page, "closed_real_ledger_allocation")
    assert t("allocation.title") not in text and MARKER not in text
    assert page.locator('[data-testid="stDataFrame"], [data-testid="stPlotlyChart"]').count() == 0
    assert not page.watch.aborted and not page.watch.errors(), (page.watch.aborted, page.watch.errors())


def test_real_ledger_admin_page_checks_a_file_but_does_not_import_it(page, real_app, tmp_path):
    url, db = real_app
    before, backups = _sha256(db), sorted((db.parent / "backups").iterdir())
    page.goto(url + "/admin", wait_until="domcontentloaded")
    text = _settled(page, t("admin.upload.header"))
    assert IMPORT_COMMAND in text
    assert bh.download_labels(page) == [t("admin.download.template")]
    upload = tmp_path / "fund-ledger.xlsx"
    upload.write_bytes(export_ledger(db, "xlsx"))
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(upload))
    text = _settled(page, t("admin.check.valid")[:40])
    screenshot(page, "closed_real_ledger_admin_dry_run")
    assert t("access.import.dry_run_only", command=IMPORT_COMMAND).split("`")[0] in text
    assert page.get_by_role("button", name=t("admin.confirm.button")).count() == 0
    assert _sha256(db) == before and sorted((db.parent / "backups").iterdir()) == backups
    assert not page.watch.aborted and not page.watch.errors(), (page.watch.aborted, page.watch.errors())


def test_illustrative_portfolio_opens_the_allocation_review_as_a_demo(page, base_url):
    page.goto(base_url + "/allocation", wait_until="domcontentloaded")
    text = _settled(page, t("allocation.title"))
    assert t("access.demo_mode") in text
    page.goto(base_url + "/admin", wait_until="domcontentloaded")
    text = _settled(page, t("admin.upload.header"))
    screenshot(page, "closed_demo_admin")
    assert t("access.import.no_sign_in") in text and IMPORT_COMMAND in text
    assert bh.download_labels(page) == [t("admin.download.template")]
