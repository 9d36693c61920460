"""AppTest of the admin page (ledger administration): demo mode offers the template and a dry run only; a broken
upload lists its problems by file, sheet, row and column and leaves the database byte-for-byte as it was; a valid
upload is only a dry run until a signed-in Secretariat member confirms, then the page shows the real ledger now
in use. Who gets what in every configuration: tests/app/test_access_matrix.py.

Every test works on a temporary copy of the database (IPMD_DB), so backups land in the temporary folder.
"""
from __future__ import annotations

import hashlib
import io
import zipfile

import duckdb
import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from access_fixtures import AUTH, ROLES_TABLE, VISITORS
from apptest_pages import app_test
from ipmd.access import IMPORT_COMMAND
from ipmd.i18n import t
from ipmd.ledger.export import export_ledger

PAGE = "pages/admin.py"
SECRETARIAT = {"secrets": {"auth": AUTH, "ipmd_roles": ROLES_TABLE}, "user": VISITORS["secretariat"]}


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def db_copy(fixture_db):
    """The admin page needs a ledger to replace, not the committed figures: the seeded fixture database."""
    return fixture_db


def open_admin(secrets: dict | None = None, user: dict | None = None) -> AppTest:
    at = app_test(PAGE, timeout=120)
    # Always give secrets: they replace any .streamlit/secrets.toml on the developer's machine (demo mode).
    for key, value in (secrets or {"ipmd_roles": {}}).items():
        at.secrets[key] = value
    if user is not None:
        at.user = user
    return at.run()


def upload(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    at.file_uploader[0].set_value([(name, data, "application/octet-stream") for name, data in files])
    return at.run()


COLUMN_LABELS = {t(f"admin.col.{c}"): c for c in ("file", "sheet", "row", "column", "message")}


def problem_tables(at: AppTest) -> list:
    return [e.value for e in [*at.table, *at.dataframe] if t("admin.col.message") in e.value.columns]


def problem_rows(at: AppTest) -> list[dict]:
    """The problems table's rows, keyed file, sheet, row (int or None), column, message."""
    frames = problem_tables(at)
    assert frames, "no problems table on the page"
    rows = frames[0].rename(columns=COLUMN_LABELS).to_dict("records")
    return [{**r, "row": int(r["row"]) if str(r["row"]).strip() not in ("", "None", "<NA>") else None} for r in rows]


def broken_workbook(db_path) -> bytes:
    """The ledger in use with one negative amount and one unknown country code."""
    wb = openpyxl.load_workbook(io.BytesIO(export_ledger(db_path, "xlsx")))
    txn = wb["transactions"]
    header = [c.value for c in txn[1]]
    txn.cell(row=2, column=header.index("amount_usd") + 1, value=-500)
    countries = wb["project_countries"]
    header = [c.value for c in countries[1]]
    countries.cell(row=3, column=header.index("iso3") + 1, value="XYZ")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_in_demo_mode_the_admin_page_offers_the_template_and_a_dry_run_only(db_copy):
    at = open_admin()
    assert not at.exception, [e.message for e in at.exception]
    assert t("access.import.no_sign_in") in [w.value for w in at.warning]
    assert t("access.import.limited", command=IMPORT_COMMAND) in [i.value for i in at.info]
    assert at.title[0].value == t("admin.title")
    assert [b.proto.label for b in at.get("download_button")] == [t("admin.download.template")]
    uploader = at.file_uploader[0]
    assert uploader.accept_multiple_files
    assert set(uploader.allowed_type) == {".xlsx", ".xml", ".zip", ".csv"}
    assert uploader.proto.max_upload_size_mb == 20


def test_the_secretariat_gets_the_ledger_in_use_and_its_exports(db_copy):
    at = open_admin(**SECRETARIAT)
    assert not at.exception, [e.message for e in at.exception]
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == [t("admin.download.template"), t("admin.download.xlsx"), t("admin.download.csv"),
                      t("results.download.iati")]
    assert t("admin.current.illustrative") in [c.value for c in at.caption]
    assert not at.warning and not at.info


def test_broken_upload_lists_problems_and_leaves_the_database_unchanged(db_copy):
    before = sha256(db_copy)
    at = upload(open_admin(), ("ledger.xlsx", broken_workbook(db_copy)))
    assert not at.exception, [e.message for e in at.exception]
    rows = problem_rows(at)
    assert at.error[0].value == t("admin.check.problems", n=len(rows))
    negative = [r for r in rows if r["sheet"] == "transactions" and r["row"] == 2 and r["column"] == "amount_usd"]
    unknown = [r for r in rows if r["sheet"] == "project_countries" and r["row"] == 3 and r["column"] == "iso3"]
    assert negative and unknown, rows
    assert all(r["file"] == "ledger.xlsx" for r in negative + unknown)
    assert "XYZ" in unknown[0]["message"]
    assert not [b for b in at.button if b.label == t("admin.confirm.button")]
    assert sha256(db_copy) == before
    assert not list((db_copy.parent / "backups").glob("*.duckdb"))


@pytest.mark.parametrize("files, message", [
    ([("ledger.xlsx", b"PK\x03\x04 not really a workbook")], None),           # damaged: a problem row
    ([("empty.xml", b"")], None),
    ([("ledger.xlsx", b"x"), ("donors.csv", b"a,b\n")], "admin.upload.mixed"),
])
def test_bad_uploads_are_refused_and_change_nothing(db_copy, files, message):
    before = sha256(db_copy)
    at = upload(open_admin(), *files)
    assert not at.exception, [e.message for e in at.exception]
    if message is None:
        assert problem_rows(at)
    else:
        names = ", ".join(name for name, _ in files)
        assert at.error[0].value == t(message, files=names, file=names)
    assert not [b for b in at.button if b.label == t("admin.confirm.button")]
    assert sha256(db_copy) == before


def test_csv_files_above_the_limit_together_are_refused_by_the_ledger_reader(db_copy):
    """Each file is under Streamlit's limit, all together above it: the page does not count the bytes itself;
    ipmd.ledger.read refuses them and the page lists its problem like any other."""
    from ipmd.ledger.template import MAX_UPLOAD_BYTES
    before = sha256(db_copy)
    part = MAX_UPLOAD_BYTES // 2 + 1024                       # two files just over the limit together
    at = upload(open_admin(), ("donors.csv", b"x" * part), ("projects.csv", b"y" * part))
    assert not at.exception, [e.message for e in at.exception]
    rows = problem_rows(at)
    assert len(rows) == 1 and "limit" in rows[0]["message"], rows
    assert not [b for b in at.button if b.label == t("admin.confirm.button")]
    assert sha256(db_copy) == before


@pytest.mark.parametrize("form", ["zip", "csv files"])
def test_the_csv_forms_are_checked_too(db_copy, form):
    data = export_ledger(db_copy, "csv")
    if form == "zip":
        files = [("ledger-csv.zip", data)]
    else:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            files = [(name, zf.read(name)) for name in zf.namelist()]
    before = sha256(db_copy)
    at = upload(open_admin(**SECRETARIAT), *files)
    assert not at.exception, [e.message for e in at.exception]
    assert t("admin.check.valid") in [s.value for s in at.success], [e.value for e in at.error]
    assert at.button(key="admin_confirm").label == t("admin.confirm.button")
    assert sha256(db_copy) == before


def test_a_file_of_another_type_never_reaches_the_importer(db_copy):
    """Streamlit itself refuses an extension the uploader does not list (the page checks again)."""
    before = sha256(db_copy)
    at = upload(open_admin(), ("run_me.py", b"import os; os.remove('x')"))
    assert at.exception and "Invalid file extension" in at.exception[0].message
    assert not problem_tables(at)
    assert sha256(db_copy) == before


def test_valid_upload_is_a_dry_run_until_confirmed_then_the_real_ledger_is_in_use(db_copy):
    before = sha256(db_copy)
    at = upload(open_admin(**SECRETARIAT), ("fund-ledger.xlsx", export_ledger(db_copy, "xlsx")))
    assert not at.exception, [e.message for e in at.exception]
    assert t("admin.check.valid") in [s.value for s in at.success]
    assert sha256(db_copy) == before                                # the check wrote nothing
    confirm = at.button(key="admin_confirm")
    assert confirm.label == t("admin.confirm.button")

    at = confirm.click().run()
    assert not at.exception, [e.message for e in at.exception]
    backups = list((db_copy.parent / "backups").glob("*.duckdb"))
    assert len(backups) == 1 and sha256(backups[0]) == before         # the previous file, kept whole
    assert sha256(db_copy) != before
    con = duckdb.connect(str(db_copy), read_only=True)
    try:
        kind = con.execute("SELECT value FROM meta WHERE key = 'ledger_kind'").fetchone()[0]
        n_txn = con.execute("SELECT count(*) FROM transactions").fetchone()[0]
    finally:
        con.close()
    assert kind == "real"
    done = [s.value for s in at.success]
    shown = done[0].replace("\\", "") if done else ""                 # as read: Markdown escapes removed
    assert backups[0].name in shown and "fund-ledger.xlsx" in shown
    assert str(backups[0].parent) not in shown                      # no server path (issue 14, item 9)
    # the page now reads the new database: real ledger, same row counts as the file
    assert any(c.value.startswith(t("admin.current.real", imported="", file="")[:20]) for c in at.caption)
    counts = at.dataframe[0].value                                  # the first table: the ledger now in use
    assert dict(zip(counts.iloc[:, 0], counts.iloc[:, 1]))["transactions"] == f"{n_txn:,}"
    assert not [b for b in at.button if b.label == t("admin.confirm.button")]     # the upload box is cleared
    assert not at.file_uploader[0].value


def test_with_sign_in_configured_only_the_secretariat_gets_the_import(db_copy):
    secrets = SECRETARIAT["secrets"]
    at = open_admin(secrets, user=VISITORS["anonymous"])
    assert not at.exception
    assert at.info[0].value == t("access.sign_in_needed.secretariat")
    assert [b.label for b in at.button] == [t("access.sign_in")]
    assert [b.proto.label for b in at.get("download_button")] == [t("admin.download.template")]
    assert at.file_uploader and t("admin.current.header") not in [h.value for h in at.subheader]

    at = open_admin(secrets, user=VISITORS["committee"])
    assert at.error[0].value == t("access.denied.secretariat", who="alice@example.org")
    assert [b.label for b in at.button] == [t("access.sign_out")]
    assert [b.proto.label for b in at.get("download_button")] == [t("admin.download.template")]

    at = open_admin(**SECRETARIAT)
    assert not at.exception and at.file_uploader and at.title[0].value == t("admin.title")
    assert not at.warning and len(at.get("download_button")) == 4     # template, XLSX, CSV, IATI


def test_a_broken_sign_in_configuration_leaves_the_template_and_the_dry_run_only(db_copy):
    """Fail closed: a misspelt role key names the problem, and even the Secretariat cannot import."""
    at = open_admin({"auth": AUTH, "ipmd_roles": {"secretariats": ["sam@example.org"]}}, user=VISITORS["secretariat"])
    assert not at.exception, [e.message for e in at.exception]
    assert "secretariats" in at.error[0].value
    assert [b.proto.label for b in at.get("download_button")] == [t("admin.download.template")]
    assert at.file_uploader and t("admin.current.header") not in [h.value for h in at.subheader]
