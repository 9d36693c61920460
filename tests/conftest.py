"""Fixtures shared by the test modules."""
import shutil

import pytest

from ipmd import db


@pytest.fixture(scope="module")
def con():
    """A read-only connection to the bundled database (data/ipmd.duckdb, or IPMD_DB)."""
    connection = db.connect()
    yield connection
    connection.close()


@pytest.fixture
def deferred_downloads(monkeypatch):
    """{file name: function building its bytes} of every download button drawn with a callable (built on click)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    built = {}
    original = MediaFileManager.add_deferred

    def capture(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        built[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", capture)
    return built


@pytest.fixture(scope="session")
def fixture_db_file(tmp_path_factory):
    """The small seeded fixture database (ledger_fixtures.make_app_fixture_db), written once per run. Read
    only: a test that writes takes `fixture_db` instead."""
    from ledger_fixtures import make_app_fixture_db

    return make_app_fixture_db(tmp_path_factory.mktemp("fixture") / "ipmd.duckdb")


@pytest.fixture
def fixture_db(fixture_db_file, tmp_path, monkeypatch):
    """A writable copy of the fixture database in this test's tmp_path, with IPMD_DB pointed at it (so pages
    opened with AppTest read it, and backups land in tmp_path)."""
    path = tmp_path / "ipmd.duckdb"
    shutil.copyfile(fixture_db_file, path)
    monkeypatch.setenv("IPMD_DB", str(path))
    return path
