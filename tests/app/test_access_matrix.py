"""Who gets what on the restricted pages, in every combination: the ledger loaded (the illustrative ledger
of the seeded ledger fixture database, or a real ledger imported into it) × sign-in configured or not (and
IPMD_REQUIRE_SIGNIN) × the visitor (anonymous, signed in without a role, committee, secretariat) × the page
(the allocation review, the admin page's import, the admin page's dry run). Through app.py, as a visitor
opens them, on a temporary copy of the database (IPMD_DB), so imports and backups land in a temporary folder.
"""
from __future__ import annotations

import hashlib
import shutil

import duckdb
import pytest

from access_fixtures import MARKER, configure, make_real_ledger_db
from apptest_pages import app_test
from ipmd.access import IMPORT_COMMAND
from ipmd.i18n import t
from ipmd.ledger.export import export_ledger

LEDGERS = ("illustrative", "real")
# (who visits, or None when sign-in is not configured; the value of IPMD_REQUIRE_SIGNIN, None: unset)
SETUPS = [(None, None), (None, "1"), (None, "0"), ("anonymous", None), ("no role", None), ("committee", None),
          ("secretariat", None)]
SETUP_IDS = ["no-sign-in", "no-sign-in+require", "no-sign-in+require=0", "anonymous", "no-role", "committee",
             "secretariat"]


@pytest.fixture(scope="module")
def real_db(tmp_path_factory):
    return make_real_ledger_db(tmp_path_factory.mktemp("real"))


@pytest.fixture(params=LEDGERS)
def ledger(request, ledger_fixture_db_file, real_db, tmp_path, monkeypatch):
    """(ledger kind, path of this test's own copy of the fixture database: its illustrative ledger, or a real one)."""
    path = tmp_path / "ipmd.duckdb"
    shutil.copyfile(ledger_fixture_db_file if request.param == "illustrative" else real_db, path)
    monkeypatch.setenv("IPMD_DB", str(path))
    return request.param, path


@pytest.fixture(params=SETUPS, ids=SETUP_IDS)
def setup(request, monkeypatch):
    visitor, require = request.param
    if require is None:
        monkeypatch.delenv("IPMD_REQUIRE_SIGNIN", raising=False)
    else:
        monkeypatch.setenv("IPMD_REQUIRE_SIGNIN", require)
    return visitor, require


def open_page(page: str, visitor: str | None):
    return configure(app_test(page, timeout=120), visitor).run()


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ledger_kind(path) -> str:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT value FROM meta WHERE key = 'ledger_kind'").fetchone()[0]
    finally:
        con.close()


def everything_shown(at) -> str:
    """The page's text and tables, as one string (to look for undecided proposals)."""
    parts = [str(e.value) for kind in ("title", "markdown", "caption", "warning", "info", "error", "success",
                                         "subheader") for e in getattr(at, kind)]
    parts += [d.value.to_csv() for d in at.dataframe]
    parts += [c.proto.spec for c in at.get("plotly_chart")]
    return "\n".join(parts)


def allocation_expected(kind: str, visitor: str | None, require: str | None) -> str:
    """'demo' (open to anyone, labelled), 'open' (signed in with the role) or the message key of the refusal."""
    if visitor is None:
        if kind == "real":
            return "access.real_ledger_needs_sign_in"         # whatever IPMD_REQUIRE_SIGNIN says
        return "access.demo_refused" if require == "1" else "demo"
    return {"anonymous": "access.sign_in_needed.committee", "no role": "access.denied.committee"}.get(visitor, "open")


# ------------------------------------------------------------------------------------- allocation review

def test_allocation_review(ledger, setup):
    kind, _ = ledger
    visitor, require = setup
    at = open_page("pages/allocation.py", visitor)
    assert not at.exception, [e.message for e in at.exception]
    expected = allocation_expected(kind, visitor, require)
    demo_warning = t("access.demo_mode") in [w.value for w in at.warning]
    if expected in ("demo", "open"):
        assert at.title[0].value == t("allocation.title")
        pipeline = at.dataframe(key="pipeline_table").value
        assert len(pipeline) > 0
        assert demo_warning == (expected == "demo")
        if kind == "real":                # the committee sees the undecided proposals: the marker is findable
            assert pipeline["title"].str.startswith(MARKER).all()
    else:
        assert not at.title and not at.dataframe and not at.get("plotly_chart") and not demo_warning
        message = t(expected, env="IPMD_REQUIRE_SIGNIN", who="mallory@example.org")
        assert message in [m.value for m in [*at.error, *at.info]]
        assert MARKER not in everything_shown(at)
        if visitor == "anonymous":
            assert [b.label for b in at.button] == [t("access.sign_in")]


# ------------------------------------------------------------------------------------- admin: the import

def test_admin_import(ledger, setup):
    """Only a signed-in Secretariat member gets the ledger exports and the import; everyone else the template
    and a check of a file, with the command-line import named."""
    kind, path = ledger
    visitor, _ = setup
    at = open_page("pages/admin.py", visitor)
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == t("admin.title")
    downloads = [b.proto.label for b in at.get("download_button")]
    limited = t("access.import.limited", command=IMPORT_COMMAND)
    if visitor == "secretariat":
        assert downloads == [t("admin.download.template"), t("admin.download.xlsx"), t("admin.download.csv"),
                             t("results.download.iati")]            # the ledger as IATI activities (issue 20)
        assert limited not in [i.value for i in at.info]
        assert t("admin.current.header") in [h.value for h in at.subheader]
    else:
        assert downloads == [t("admin.download.template")]
        if visitor is None:
            assert [w.value for w in at.warning] == [t("access.import.no_sign_in")]
        assert limited in [i.value for i in at.info] and "python -m ipmd.ledger import" in limited
        assert t("admin.current.header") not in [h.value for h in at.subheader] and not at.dataframe
        assert MARKER not in everything_shown(at)
    assert at.file_uploader                               # the dry run is there for everyone


def upload_valid(at, path):
    """Upload the ledger now in the database (valid by construction) and rerun."""
    at.file_uploader[0].set_value([("ledger.xlsx", export_ledger(path, "xlsx"), "application/octet-stream")])
    return at.run()


def test_admin_dry_run(ledger, setup):
    """Everyone may check a file; it writes nothing; only a Secretariat member then gets the import button,
    and clicking it imports."""
    kind, path = ledger
    visitor, _ = setup
    before = sha256(path)
    at = upload_valid(open_page("pages/admin.py", visitor), path)
    assert not at.exception, [e.message for e in at.exception]
    assert t("admin.check.valid") in [s.value for s in at.success], [e.value for e in at.error]
    assert sha256(path) == before
    confirm = [b for b in at.button if b.key == "admin_confirm"]
    if visitor != "secretariat":
        assert not confirm
        assert t("access.import.dry_run_only", command=IMPORT_COMMAND) in [c.value for c in at.caption]
        assert MARKER not in everything_shown(at)
        assert not (path.parent / "backups").exists()
        return
    at = confirm[0].click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert sha256(path) != before and ledger_kind(path) == "real"
    assert len(list((path.parent / "backups").glob("*.duckdb"))) == 1


@pytest.mark.parametrize("kind", LEDGERS)
def test_an_import_click_after_signing_out_is_refused(kind, ledger_fixture_db_file, real_db, tmp_path, monkeypatch):
    """The button's callback checks again: a session whose sign-in is gone by the time of the click imports
    nothing (the button had been drawn while it was signed in)."""
    path = tmp_path / "ipmd.duckdb"
    shutil.copyfile(ledger_fixture_db_file if kind == "illustrative" else real_db, path)
    monkeypatch.setenv("IPMD_DB", str(path))
    before = sha256(path)
    at = upload_valid(open_page("pages/admin.py", "secretariat"), path)
    confirm = at.button(key="admin_confirm")
    at.user = {"is_logged_in": False}
    at = confirm.click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert t("access.import.refused", command=IMPORT_COMMAND) in [e.value for e in at.error]
    assert sha256(path) == before and not list((path.parent / "backups").glob("*.duckdb"))
