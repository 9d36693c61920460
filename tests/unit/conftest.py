"""Tests of kind `unit`: every test in this folder gets the `unit` marker, and `slow` for those in SLOW."""
from pathlib import Path

from folder_marks import mark_folder

SLOW = frozenset()


def pytest_collection_modifyitems(config, items):
    mark_folder(items, Path(__file__).parent, "unit", SLOW)
