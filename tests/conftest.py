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


@pytest.fixture(scope="session")
def page_fixture_db_file(tmp_path_factory):
    """The fixture database with what the country, overview, comparison and coverage pages draw
    (ledger_fixtures.make_page_fixture_db: seeded indicators, corridors, regions), written once per run. Read
    only; the database of every test in tests/app unless it asks for another."""
    from ledger_fixtures import make_page_fixture_db

    return make_page_fixture_db(tmp_path_factory.mktemp("page_fixture") / "ipmd.duckdb")


@pytest.fixture
def fixture_db(fixture_db_file, tmp_path, monkeypatch):
    """A writable copy of the fixture database in this test's tmp_path, with IPMD_DB pointed at it (so pages
    opened with AppTest read it, and backups land in tmp_path)."""
    path = tmp_path / "ipmd.duckdb"
    shutil.copyfile(fixture_db_file, path)
    monkeypatch.setenv("IPMD_DB", str(path))
    return path


@pytest.fixture(scope="session")
def ledger_fixture_db_file(tmp_path_factory):
    """The fixture database with a ledger of some shape (ledger_fixtures.make_ledger_fixture_db: ten projects,
    funded, undecided and rejected, eight donors), written once per run. Read only."""
    from ledger_fixtures import make_ledger_fixture_db

    return make_ledger_fixture_db(tmp_path_factory.mktemp("ledger_fixture") / "ipmd.duckdb")


@pytest.fixture(scope="module")
def on_ledger_fixture_db(ledger_fixture_db_file):
    """For a whole module: IPMD_DB pointed at the ledger fixture database (so pages opened with AppTest read it),
    and a read-only connection to it, for the figures a test computes to compare with the page's."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("IPMD_DB", str(ledger_fixture_db_file))
        connection = db.connect(str(ledger_fixture_db_file))
        yield connection
        connection.close()


@pytest.fixture(scope="session")
def results_fixture_db_file(tmp_path_factory):
    """The ledger fixture database with its funded projects' results framework (make_ledger_fixture_db(results=True)),
    written once per run. Read only."""
    from ledger_fixtures import make_ledger_fixture_db

    return make_ledger_fixture_db(tmp_path_factory.mktemp("results_fixture") / "ipmd.duckdb", results=True)


@pytest.fixture(scope="module")
def on_results_fixture_db(results_fixture_db_file):
    """For a whole module: IPMD_DB pointed at the results ledger fixture database, and a read-only connection to it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("IPMD_DB", str(results_fixture_db_file))
        connection = db.connect(str(results_fixture_db_file))
        yield connection
        connection.close()
