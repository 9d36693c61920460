"""Fixtures shared by the test modules."""
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
