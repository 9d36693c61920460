"""Fixtures for access tests: sign-in configurations and visitors for AppTest (`at.secrets`, `at.user`), and a
seeded fixture database (ledger_fixtures.make_app_fixture_db) holding a real ledger, made by the real import path (the same
`import_ledger` as `python -m ipmd.ledger import`), so meta says ledger_kind 'real'.

The real ledger's undecided proposals (one submitted, one under review) carry MARKER in their title, objectives and
expected results, so a test can look for them anywhere a page shows text, tables, charts or downloads.
"""
from __future__ import annotations

from pathlib import Path

from ipmd.ledger.store import import_ledger
from ledger_fixtures import make_app_fixture_db, valid_ledger, xlsx_bytes

AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "test-cookie-secret-0123456789",
        "client_id": "ipmd", "client_secret": "secret",
        "server_metadata_url": "http://localhost:9/.well-known/openid-configuration"}
ROLES_TABLE = {"committee": ["alice@example.org"], "secretariat": ["sam@example.org"],
               "committee_groups": ["ipmd-committee"]}
# who visits: the claims st.user gives (None: sign-in is not configured, so there is no one to be)
VISITORS = {"anonymous": {"is_logged_in": False},
            "no role": {"is_logged_in": True, "email": "mallory@example.org"},
            "committee": {"is_logged_in": True, "email": "alice@example.org"},
            "secretariat": {"is_logged_in": True, "email": "sam@example.org"}}


def configure(at, visitor: str | None):
    """Sign-in configured with `visitor` ('anonymous', 'no role', 'committee', 'secretariat'), or, for None,
    no sign-in configured. Secrets are always set: they replace any .streamlit/secrets.toml of the machine."""
    at.secrets["ipmd_roles"] = ROLES_TABLE
    if visitor is not None:
        at.secrets["auth"] = AUTH
        at.user = VISITORS[visitor]
    return at


MARKER = "Undecided-proposal-marker"
UNDECIDED = ("submitted", "under_review")


def real_ledger_tables():
    tables = valid_ledger()
    projects = tables["projects"]
    undecided = projects["status"].isin(UNDECIDED)
    assert set(projects.loc[undecided, "status"]) == set(UNDECIDED)
    for column in ("title", "objectives", "expected_results"):
        projects.loc[undecided, column] = MARKER + " " + projects.loc[undecided, "project_id"] + " " + column
    return tables


def undecided_ids(tables) -> list[str]:
    projects = tables["projects"]
    return projects.loc[projects["status"].isin(UNDECIDED), "project_id"].tolist()


def make_real_ledger_db(folder: Path) -> Path:
    """The fixture database with real_ledger_tables() imported: meta says ledger_kind 'real'."""
    path = make_app_fixture_db(Path(folder) / "ipmd.duckdb")
    result = import_ledger(xlsx_bytes(real_ledger_tables()), "fund-ledger.xlsx", db_path=path)
    assert result.ok, result.report_lines()
    return path
